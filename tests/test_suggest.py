"""survey suggest end to end against a loopback Semantic Scholar that speaks the graph API."""

from __future__ import annotations

import datetime as dt
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import FAST, SAMPLES
from loopback import FakeS2Graph, graph_paper, hang_up, status
from test_cli import survey

from survey import citegraph, paperlist
from survey.commands import suggest
from survey.sources import semantic_scholar
from survey.sources.semantic_scholar import MalformedJSON

TODAY = dt.date(2026, 11, 29)


def pid(name: str) -> str:
    """A stable 40-hex paperId per name."""
    return (name.encode().hex() + "0" * 40)[:40]


A, B, C, D, E = (pid(n) for n in ("A", "B", "C", "D", "E"))
X1, X2, X3, X4, X5 = (pid(n) for n in ("X1", "X2", "X3", "X4", "X5"))
Y1, Y2, Y3 = (pid(n) for n in ("Y1", "Y2", "Y3"))
N1, N2, N3, N4 = (pid(n) for n in ("N1", "N2", "N3", "N4"))

PAPERS = f"""\
[alpha2020]
arxiv = "2001.00001v2"
topics = ["cls"]

[beta2020]
doi = "10.1000/b"
topics = ["cls"]

[gamma2020]
s2 = "{C}"
topics = ["cls"]

[delta2020]
title = "Listed Paper D"
topics = ["det"]

[epsilon2020]
arxiv = "2001.00005"
topics = ["det"]
"""


def graph() -> FakeS2Graph:
    papers = [
        graph_paper(A, "Listed Paper A", 2020, arxiv="2001.00001", date="2020-01-05"),
        graph_paper(B, "Listed Paper B", 2020, doi="10.1000/B"),
        graph_paper(C, "Listed Paper C", 2020),
        graph_paper(D, "Listed Paper D", 2020),
        graph_paper(E, "Listed Paper E", 2020, arxiv="2001.00005"),
        graph_paper(X1, "Old Foundation", 2015, arxiv="1505.00001", venue="CVPR", date="2015-06-07"),
        graph_paper(X2, "A Follow-up", 2016, doi="10.1109/x2", venue="ICCV"),
        graph_paper(X3, "Older Anchor: with colons", 2014),
        graph_paper(X4, "Cited Twice", 2017, arxiv="1701.00004"),
        graph_paper(X5, "Cited By Epsilon", 2018),
        graph_paper(Y1, "Same arXiv, other S2 record", 2020, arxiv="2001.00001"),
        graph_paper(Y2, "Same DOI, other S2 record", 2020, doi="10.1000/B"),
        graph_paper(Y3, "Listed paper D!", 2020),
        graph_paper(N1, "New One", 2026, date="2026-05-01"),
        graph_paper(N2, "New Two", 2026, arxiv="2602.01234"),
        graph_paper(N3, "Not New", 2024, date="2024-01-01"),
        graph_paper(N4, "New But Cites Two", 2026, date="2026-06-01"),
    ]
    anchors = [Y1, Y2, Y3, C]  # each listed paper under another identifier
    references = {
        A: [X1, X2, X4, Y1, Y2, Y3],
        B: [X1, X2, X3, X4, Y1, Y2, Y3, C],
        C: [X1, X2, X3, Y1, Y2, Y3],
        D: [X1, C, Y1, Y2, Y3],
        E: [X3, X5, *anchors],
        N1: [A, B, C],
        N2: [A, B, C, D],
        N3: [A, B, C],
        N4: [A, B],
    }
    server = FakeS2Graph(papers, references)
    server.titles["listed paper d"] = {**server.papers[D], "authors": [{"authorId": "1", "name": "D. Author"}]}
    return server


@pytest.fixture
def s2(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeS2Graph]:
    with graph() as server:
        monkeypatch.setenv("SURVEY_S2_URL", server.url)
        for name, value in FAST.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("S2_API_KEY", raising=False)
        monkeypatch.delenv("SURVEY_S2_RECOMMENDATIONS_URL", raising=False)
        yield server


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "papers.toml").write_text(PAPERS, encoding="utf-8")
    return tmp_path


def run(project: Path, **kwargs: object) -> suggest.Result:
    kwargs.setdefault("today", TODAY)
    return suggest.run(project / "papers.toml", **kwargs)  # type: ignore[arg-type]


def titles(result: suggest.Result) -> list[str]:
    return [s.paper.title for s in result.suggestions]


def test_missing_ranks_by_count_then_older_first(s2: FakeS2Graph, project: Path) -> None:
    result = run(project)
    assert result.error is None and result.notes == []
    assert titles(result) == ["Old Foundation", "Older Anchor: with colons", "A Follow-up"]
    first, second, third = result.suggestions
    assert (first.count, first.citing) == (4, ("alpha2020", "beta2020", "delta2020", "gamma2020"))
    assert first.ids() == {"s2": X1, "arxiv": "1505.00001"} and first.add == "survey add 1505.00001"
    assert second.add == "survey add 'Older Anchor: with colons'" and second.citing == (
        "beta2020",
        "epsilon2020",
        "gamma2020",
    )
    assert third.add == "survey add 10.1109/x2" and third.date == "2016"
    assert titles(run(project, min_count=2))[-1] == "Cited Twice"
    assert titles(run(project, limit=1)) == ["Old Foundation"] and run(project, limit=1).candidates == 3


def test_listed_papers_are_excluded_by_each_identifier_kind(s2: FakeS2Graph, project: Path) -> None:
    # Y1 shares alpha's arXiv id (listed with a version), Y2 beta's DOI (other case), Y3 delta's
    # title (other punctuation), and C is gamma, listed by S2 id: each is cited 4-5 times.
    shown = {s.paper.paper_id for s in run(project, min_count=1, limit=100).suggestions}
    assert shown == {X1, X2, X3, X4, X5}
    (project / "papers.toml").write_text(PAPERS.replace(C, X5))
    shown = {s.paper.paper_id for s in run(project, min_count=1, limit=100).suggestions}
    assert C in shown and X5 not in shown


def test_fewest_requests_then_none_when_warm(s2: FakeS2Graph, project: Path) -> None:
    result = run(project)
    match, batch = s2.log
    assert urlsplit(match.path).path.endswith("/paper/search/match")
    assert sorted(batch.ids) == sorted(["ARXIV:2001.00001", "DOI:10.1000/b", C, D, "ARXIV:2001.00005"])
    fields = parse_qs(urlsplit(batch.path).query)["fields"][0].split(",")
    assert {"references.paperId", "references.externalIds", "references.title", "referenceCount"} <= set(fields)
    assert not any(f.startswith("citations") for f in fields)
    assert result.requests == 2 and result.cache_written
    cache = project / "papers.graph.json"
    first = cache.read_bytes()
    again = run(project)
    assert again.requests == 0 and len(s2.log) == 2 and not again.cache_written
    assert titles(again) == titles(result) and cache.read_bytes() == first
    data = json.loads(first)
    assert data["ids"]["title:Listed Paper D"] == D and list(data["ids"]) == sorted(data["ids"])
    assert data["references"][A] == sorted(data["references"][A])
    citegraph.save(cache, citegraph.load(cache))
    assert cache.read_bytes() == first  # load + save is the identity: stable, diff-friendly


def test_offline_opens_no_socket_and_needs_a_cache(
    s2: FakeS2Graph, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(suggest.SuggestError, match="no cached citation graph .* run `survey suggest` online once"):
        run(project, offline=True)
    assert s2.log == []
    online = run(project)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    offline = run(project, offline=True)
    assert titles(offline) == titles(online) and offline.requests == 0
    with (project / "papers.toml").open("a") as handle:
        handle.write('\n[zeta2021]\narxiv = "2101.00007"\ntopics = ["cls"]\n')
    partial = run(project, offline=True)
    assert titles(partial) == titles(online)
    assert partial.notes == ["1 listed paper(s) not in the cache yet (zeta2021): run online"]


def test_topic_restricts_the_counting_papers(s2: FakeS2Graph, project: Path) -> None:
    assert run(project, topic="det", min_count=2).suggestions == []  # X1 is cited by four papers, one of them "det"
    result = run(project, topic="det", min_count=1)
    assert titles(result) == ["Older Anchor: with colons", "Old Foundation", "Cited By Epsilon"] and result.scope == 2
    assert [s.count for s in result.suggestions] == [1, 1, 1]
    assert result.suggestions[1].add == "survey add 1505.00001 --topic det"
    with pytest.raises(suggest.SuggestError, match="no entry has topic 'nope' \\(topics: cls, det\\)"):
        run(project, topic="nope")


def test_dismissed_suggestions_never_come_back(s2: FakeS2Graph, project: Path) -> None:
    papers = project / "papers.toml"
    papers.write_text(
        PAPERS + "\n[survey.suggest]\ndismissed = [\n"
        '  "arxiv:1505.00001v3",  # X1, by arXiv id with a version\n'
        '  "title:older anchor WITH colons",\n'
        f'  "s2:{X4}",\n'
        '  "doi:10.1109/X2",\n'
        "]\n"
    )
    assert [s.paper.paper_id for s in run(project, min_count=1, limit=100).suggestions] == [X5]
    papers.write_text(PAPERS + '\n[survey.suggest]\ndismissed = [\n  "arxiv:1505.00001",\n  "isbn:123",\n]\n')
    line = PAPERS.count("\n") + 5  # the line of "isbn:123"
    with pytest.raises(
        paperlist.PaperListError, match=rf"papers.toml:{line}: \[survey.suggest\]: dismissed entry 'isbn:123'"
    ):
        run(project)
    papers.write_text(PAPERS + '\n[survey.suggest]\ndismissed = ["arxiv:15.1"]\n')
    with pytest.raises(paperlist.PaperListError, match=rf"papers.toml:{line - 2}: .*invalid arXiv id '15.1'"):
        run(project)


def test_new_ranks_recent_citers_newest_first_and_refreshes_stale_citations(s2: FakeS2Graph, project: Path) -> None:
    result = run(project, mode="new", since="2025-06")
    assert titles(result) == ["New Two", "New One"]  # N3 is older, N4 cites only two
    assert result.suggestions[0].date == "2026-02" and result.suggestions[0].citing == (
        "alpha2020",
        "beta2020",
        "delta2020",
        "gamma2020",
    )
    kept = citegraph.load(project / "papers.graph.json").citations[A]
    assert (kept.since, kept.ids) == ("2025-06", sorted([N1, N2, N4]))  # N3 (2024) can never be new again
    asked = len(s2.log)
    earlier = run(project, mode="new", since="2020-01", min_count=3)  # asks again: N3 was not kept
    assert titles(earlier) == ["New Two", "New One", "Not New"] and earlier.requests == 1
    assert len(s2.log) == asked + 1
    offline = run(project, mode="new", since="2010-01", offline=True)
    assert offline.notes == [
        "5 listed paper(s) have citations cached only from a later month (alpha2020, beta2020, gamma2020, "
        "delta2020, epsilon2020): counts may be low; run online"
    ]
    asked = len(s2.log)
    assert run(project, mode="new", today=TODAY + dt.timedelta(days=30)).requests == 0
    stale = run(project, mode="new", today=TODAY + dt.timedelta(days=31))
    assert stale.requests == 1 and "citations.paperId" in s2.log[-1].path
    assert len(s2.log) == asked + 1
    assert run(project, mode="new", today=TODAY + dt.timedelta(days=90), max_age=100).requests == 0
    assert run(project, mode="new", refresh=True, today=TODAY + dt.timedelta(days=31)).requests == 1
    data = json.loads((project / "papers.graph.json").read_text())
    assert data["citations"][A]["fetched"] == "2026-12-30"


def _big_graph(listed: int, cites: dict[int, int], refs: dict[int, int]) -> FakeS2Graph:
    """``listed`` papers; paper i has cites.get(i, 3) citations and refs.get(i, 2) references."""
    papers, references = [], {}
    for i in range(listed):
        papers.append(graph_paper(pid(f"L{i}"), f"Listed {i}", 2020, arxiv=f"2001.{i:05d}"))
        own = [pid(f"R{i}-{j}") for j in range(refs.get(i, 2))]
        papers += [graph_paper(r, f"Reference {r}", 2010) for r in own]
        references[pid(f"L{i}")] = own
    citers: dict[str, list[str]] = {}
    for i in range(listed):
        for j in range(cites.get(i, 3)):
            citers.setdefault(pid(f"C{j}"), []).append(pid(f"L{i}"))
    papers += [graph_paper(c, f"Citer {c}", 2026, date="2026-03-01") for c in citers]
    references.update(citers)
    return FakeS2Graph(papers, references)


def test_paging_only_past_the_caps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # paper 0: 2,500 citations (3 pages); paper 1: 10,500 (the window serves 9,999: 10 pages);
    # papers 2..31: 400 each, 12,000 in all: the first batch carries what fits in 9,999, the rest
    # are packed into batches that stay under it; paper 2 also has 1,200 references (2 pages).
    server = _big_graph(32, {0: 2500, 1: 10_500, **{i: 400 for i in range(2, 32)}}, {2: 1200})
    (tmp_path / "papers.toml").write_text("".join(f'[p{i}]\narxiv = "2001.{i:05d}"\n' for i in range(32)))
    with server:
        monkeypatch.setenv("SURVEY_S2_URL", server.url)
        for name, value in FAST.items():
            monkeypatch.setenv(name, value)
        ticks: list[tuple[str, int, int]] = []
        result = run(tmp_path, mode="new", since="2026-01", min_count=1, limit=5, progress=lambda *a: ticks.append(a))
        assert result.error is None
        assert [done for _, done, _ in ticks] == list(range(1, result.requests + 1))  # the progress bar
        assert ticks[-1][2] == result.requests and {"paging citations", "fetching citations (packed)"} <= {
            what for what, _, _ in ticks
        }
        batches = [e for e in server.log if e.method == "POST"]
        pages = [parse_qs(urlsplit(e.path).query) for e in server.log if e.method == "GET"]
        assert all(int(p["limit"][0]) <= 1000 and int(p["offset"][0]) + int(p["limit"][0]) < 10_000 for p in pages)
        assert [urlsplit(e.path).path.rsplit("/", 2)[1] for e in server.log if e.method == "GET"] == (
            [pid("L0")] * 3 + [pid("L1")] * 10
        )
        packed = [sum(400 for _ in e.ids) for e in batches[1:]]
        assert all(n <= 9999 for n in packed)
        cut = sum(len(e.ids) for e in batches[1:])
        assert len(batches) == 1 + -(-cut // 24)  # 24 papers of 400 fill a batch: the floor
        graph = citegraph.load(tmp_path / "papers.graph.json")
        assert len(graph.citations[pid("L0")].ids) == 2500 and graph.citations[pid("L0")].total is None
        assert len(graph.citations[pid("L1")].ids) == 9999 and graph.citations[pid("L1")].total == 10_500
        assert all(len(graph.citations[pid(f"L{i}")].ids) == 400 for i in range(2, 32))
        assert any("9,999 of 10,500 citations served" in note for note in result.notes)
        assert result.requests == len(server.log) == len(batches) + 13
        before = len(server.log)
        missing = run(tmp_path, mode="missing", min_count=1)
        assert missing.requests == 1 + 2  # one batch (32 ids), two pages for paper 2's 1,200 references
        assert [int(parse_qs(urlsplit(e.path).query)["offset"][0]) for e in server.log[before + 1 :]] == [0, 1000]
        assert (
            len(graph.references) == 0
            and len(citegraph.load(tmp_path / "papers.graph.json").references[pid("L2")]) == 1200
        )


def test_faults_are_retried(s2: FakeS2Graph, project: Path) -> None:
    s2.fail_next(
        status(429, b'{"message": "Too Many Requests.", "code": "429"}', {"Retry-After": "0.2"}),
        status(
            504,
            (SAMPLES / "s2" / "citations_504_endpoint_timed_out.json").read_bytes(),
            content_type="application/json",
        ),
        hang_up(),
        status(200, b'[{"paperId": "trunc', content_type="application/json"),
    )
    result = run(project)
    assert result.error is None and titles(result) == ["Old Foundation", "Older Anchor: with colons", "A Follow-up"]
    assert result.throttled == 1 and result.requests == 6 and len(s2.log) == 6
    assert s2.log[1].time - s2.log[0].time >= 0.2


def test_outage_keeps_files_and_says_so_in_one_line(
    s2: FakeS2Graph, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(project)  # the references are cached
    cache = project / "papers.graph.json"
    before_cache, before_papers = cache.read_bytes(), (project / "papers.toml").read_bytes()
    monkeypatch.setenv("SURVEY_S2_ATTEMPTS", "2")
    s2.fail_next(status(503, b""), status(503, b""))
    result = run(project, mode="new")
    assert result.error == "Semantic Scholar: gave up after 2 attempts: Semantic Scholar answered HTTP 503"
    assert cache.read_bytes() == before_cache and (project / "papers.toml").read_bytes() == before_papers
    env = {**FAST, "SURVEY_S2_URL": s2.url, "SURVEY_S2_ATTEMPTS": "2"}
    s2.fail_next(status(503, b""), status(503, b""))
    cli = survey(project, "suggest", "--new", "-q", env=env)
    assert cli.returncode == 1 and cli.stderr.strip().splitlines() == [
        "survey suggest: Semantic Scholar: gave up after 2 attempts: Semantic Scholar answered HTTP 503; "
        "what was fetched before it is cached"
    ]
    assert cache.read_bytes() == before_cache


def test_recommend_sends_listed_papers_as_positives(s2: FakeS2Graph, project: Path) -> None:
    s2.recommended = [A, X5, N1]
    (project / "papers.toml").write_text(PAPERS + f'\n[survey.suggest]\ndismissed = ["s2:{N1}"]\n')
    assert run(project, mode="recommend").suggestions[0].citing == ()  # no references cached yet
    run(project)  # --missing caches the references: recommendations then show who cites them
    result = run(project, mode="recommend")
    assert titles(result) == ["Cited By Epsilon"] and result.suggestions[0].citing == ("epsilon2020",)
    asked = [e for e in s2.log if urlsplit(e.path).path.endswith("/recommendations/v1/papers")]
    assert len(asked) == 1  # the second run reused the first one's answer: same positives, still fresh
    assert s2.recommend_bodies[-1] == {"positivePaperIds": sorted([A, B, C, D, E]), "negativePaperIds": [N1]}
    assert run(project, mode="recommend").requests == 0  # cached while fresh
    assert titles(run(project, mode="recommend", offline=True)) == ["Cited By Epsilon"]


def test_parsers_read_the_recorded_shapes() -> None:
    nested = (SAMPLES / "s2" / "get_paper_nested_citations_references_trimmed.json").read_bytes()
    (record,) = semantic_scholar.parse_graph_batch(b"[" + nested + b"]", ["references", "citations"])
    assert record is not None and record.paper.doi == "10.1093/mind/lix.236.433"
    assert record.returned == {"references": 14, "citations": 1000}
    assert record.counts == {"references": 14, "citations": 10059}
    assert len(record.lists["references"]) == 8  # six references S2 could not resolve have paperId null
    first, served, following = semantic_scholar.parse_graph_page(
        (SAMPLES / "s2" / "references_fields_title_page0_next.json").read_bytes(), "references"
    )
    page = json.loads((SAMPLES / "s2" / "references_fields_title_page0_next.json").read_bytes())["data"]
    assert (len(first), served, following) == (sum(bool(i["citedPaper"]["paperId"]) for i in page), 50, 50)
    last, served, following = semantic_scholar.parse_graph_page(
        (SAMPLES / "s2" / "references_fields_title_lastpage_null_paperId.json").read_bytes(), "references"
    )
    assert (len(last), served, following) == (4, 17, None)
    citing, served, following = semantic_scholar.parse_graph_page(
        (SAMPLES / "s2" / "citations_fields_title_lastpage.json").read_bytes(), "citations"
    )
    assert (len(citing), served, following) == (77, 81, None)
    recommended = semantic_scholar.parse_recommendations(
        (SAMPLES / "s2" / "recommendations_post_positive_only_fields_title.json").read_bytes()
    )
    assert recommended[0].title and len(recommended) == 100
    with pytest.raises(MalformedJSON):
        semantic_scholar.parse_recommendations(
            (SAMPLES / "s2" / "recommendations_post_negative_only_400.json").read_bytes()
        )


def test_command_line(s2: FakeS2Graph, project: Path) -> None:
    env = {"SURVEY_S2_URL": s2.url}
    result = survey(project, "suggest", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:4] == [
        "1. [4] Old Foundation (2015-05, CVPR)",  # arXiv v1 came before the conference
        f"   ids: s2:{X1} arxiv:1505.00001",
        "   cited by 4: alpha2020 beta2020 delta2020 gamma2020",
        "   survey add 1505.00001",
    ]
    assert result.stderr.strip().endswith(
        "3 papers cited by the list but not in it (over 5 listed papers); 2 HTTP requests (0 throttled); "
        "papers.graph.json updated."
    )
    listed = json.loads(survey(project, "suggest", "--json", "--offline", "-q", env=env).stdout)
    assert [(o["rank"], o["count"], o["title"]) for o in listed][:2] == [
        (1, 4, "Old Foundation"),
        (2, 3, "Older Anchor: with colons"),
    ]
    assert listed[0]["ids"] == {"s2": X1, "arxiv": "1505.00001"} and listed[0]["year"] == 2015
    assert listed[0]["citing"] == ["alpha2020", "beta2020", "delta2020", "gamma2020"]
    bad = survey(project, "suggest", "--topic", "nope", env=env)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert bad.stderr.startswith("survey suggest: ") and "no entry has topic 'nope'" in bad.stderr
    assert survey(project, "suggest", "--new", "--since", "2026", env=env).returncode == 2
    assert survey(project, "suggest", "--offline", "--refresh").returncode == 2
    (project / "papers.graph.json").write_text('{"version": 1, "papers": {"x": {"colour": "red"}}}')
    broken = survey(project, "suggest", "--offline", env=env)
    assert broken.returncode == 2 and broken.stderr.strip().splitlines() == [
        "survey suggest: papers.graph.json: unreadable (GraphPaper.__init__() got an unexpected keyword argument "
        "'colour'); delete it to fetch the graph again"
    ]
    helptext = survey(project, "suggest", "--help").stdout
    for option in ("--missing", "--new", "--since", "--recommend", "--topic", "--min-count", "--limit", "--json",
                   "--offline", "--refresh", "--max-age", "--quiet"):  # fmt: skip
        assert option in helptext


def test_check_validates_the_dismissed_setting(project: Path) -> None:
    (project / "papers.toml").write_text(PAPERS + '\n[survey.suggest]\ndismissed = ["doi:not-a-doi"]\n')
    (project / "refs.bib").write_text("")
    result = survey(project, "check")
    assert result.returncode == 2
    line = PAPERS.count("\n") + 3
    assert result.stderr.strip() == (
        f"survey check: papers.toml:{line}: [survey.suggest]: dismissed entry: invalid DOI 'not-a-doi'"
    )


def test_fetch_refs_stores_the_s2_id_without_changing_refs_bib(services: tuple[object, object], tmp_path: Path) -> None:
    import dataclasses

    from conftest import PAPERS as FETCH_PAPERS

    from survey import store
    from survey.commands import fetch

    (tmp_path / "papers.toml").write_text(FETCH_PAPERS)
    assert fetch.run(tmp_path / "papers.toml", tmp_path / "refs.bib").failed == {}
    stored = store.load(tmp_path / "papers.lock")
    mae = stored["he2022masked"].paper.s2_id
    assert mae is not None and len(mae) == 40
    assert json.loads((tmp_path / "papers.lock").read_text())["papers"]["he2022masked"]["record"]["s2_id"] == mae
    specs = paperlist.load(tmp_path / "papers.toml")
    without = {k: store.Stored(s.query, dataclasses.replace(s.paper, s2_id=None)) for k, s in stored.items()}
    assert fetch.render(specs, stored) == fetch.render(specs, without)  # refs.bib does not show it
    assert mae not in (tmp_path / "refs.bib").read_text()
    target = suggest._target(next(s for s in specs if s.key == "he2022masked"), stored)
    assert (target.pid, target.lookup) == (mae, "ARXIV:2111.06377")  # no lookup needed: the id is stored
