"""fetch-refs end to end against loopback arXiv and Semantic Scholar servers."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from loopback import (
    FakeArxiv,
    FakeS2,
    empty_feed,
    garbled,
    hang_up,
    partial_feed,
    rate_exceeded,
    stall,
    status,
    truncated,
)
from pybtex.database import parse_file

from survey.commands import fetch
from survey.paperlist import PaperListError


def run(project: Path, **kwargs: object) -> fetch.Outcome:
    return fetch.run(project / "papers.toml", project / "refs.bib", **kwargs)  # type: ignore[arg-type]


def test_resolves_venues_preprints_and_dois(services: tuple[FakeArxiv, FakeS2], project: Path) -> None:
    outcome = run(project)
    assert outcome.failed == {}
    assert sorted(outcome.fetched) == ["dosovitskiy2021image", "ge2021yolox", "he2022masked", "turing1950computing"]
    entries = parse_file(str(project / "refs.bib")).entries
    mae = entries["he2022masked"]
    assert mae.type == "inproceedings"
    assert mae.fields["booktitle"] == "IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)"
    assert mae.fields["year"] == "2022" and mae.fields["doi"] == "10.1109/cvpr52688.2022.01553"
    # arXiv's full names win over S2's initials ("Ross B. Girshick" vs arXiv "Ross Girshick").
    assert [str(p) for p in mae.persons["author"]][-2:] == [r"Doll{\'a}r, Piotr", "Girshick, Ross"]
    vit = entries["dosovitskiy2021image"]
    assert vit.type == "inproceedings" and "(ICLR)" in vit.fields["booktitle"]
    assert [str(p) for p in vit.persons["author"]] == ["Dosovitskiy, Alexey", "Beyer, Lucas"]
    yolox = entries["ge2021yolox"]  # S2 says arXiv.org and a CoRR DBLP key: stays a preprint
    assert yolox.type == "misc"
    assert (yolox.fields["eprint"], yolox.fields["archiveprefix"], yolox.fields["primaryclass"]) == (
        "2107.08430",
        "arXiv",
        "cs.CV",
    )
    assert "doi" not in yolox.fields  # arXiv's own DataCite DOI is not a published version
    turing = entries["turing1950computing"]
    assert turing.type == "article" and turing.fields["journal"] == "Mind"
    assert turing.fields["pages"] == "433--460" and turing.fields["volume"] == "LIX"


def test_one_request_per_service_and_pacing(services: tuple[FakeArxiv, FakeS2], project: Path) -> None:
    arxiv_server, s2_server = services
    run(project)
    assert len(arxiv_server.log) == 1 and len(s2_server.log) == 1
    assert sorted(arxiv_server.log[0].ids) == ["2010.11929", "2107.08430", "2111.06377"]
    assert "max_results=3" in arxiv_server.log[0].path
    assert sorted(s2_server.log[0].ids) == [
        "ARXIV:2010.11929",
        "ARXIV:2107.08430",
        "ARXIV:2111.06377",
        "DOI:10.1093/mind/lix.236.433",
    ]


def test_rerun_makes_no_request_and_is_byte_identical(services: tuple[FakeArxiv, FakeS2], project: Path) -> None:
    arxiv_server, s2_server = services
    run(project)
    first = (project / "refs.bib").read_bytes()
    requests = len(arxiv_server.log) + len(s2_server.log)
    outcome = run(project)
    assert outcome.requests == 0 and len(arxiv_server.log) + len(s2_server.log) == requests
    assert sorted(outcome.cached) == ["dosovitskiy2021image", "ge2021yolox", "he2022masked", "turing1950computing"]
    assert (project / "refs.bib").read_bytes() == first
    (project / "refs.bib").unlink()
    run(project, offline=True)
    assert (project / "refs.bib").read_bytes() == first


def test_rerun_with_unchanged_inputs_skips_rendering(
    services: tuple[FakeArxiv, FakeS2], project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(project)
    first = (project / "refs.bib").read_bytes()

    def must_not_render(*args: object) -> None:
        raise AssertionError("refs.bib was rendered again although nothing changed")

    with monkeypatch.context() as patch:
        patch.setattr(fetch, "render", must_not_render)
        outcome = run(project)
    assert outcome.bib_written and not outcome.bib_changed and outcome.failed == {}
    assert (project / "refs.bib").read_bytes() == first
    papers = project / "papers.toml"
    papers.write_text("# a comment changes the inputs, not the entries\n" + papers.read_text())
    outcome = run(project)
    assert outcome.bib_changed  # re-rendered: same entries, new first line
    assert (project / "refs.bib").read_bytes().split(b"\n", 1)[1] == first.split(b"\n", 1)[1]
    rendered = (project / "refs.bib").read_bytes()
    with monkeypatch.context() as patch:  # a changed writer (its code) re-renders too
        patch.setattr(fetch, "_writer_digest", lambda: b"another writer")
        assert run(project).bib_changed
    assert (project / "refs.bib").read_bytes() != rendered


def test_hand_edited_refs_bib_is_restored(services: tuple[FakeArxiv, FakeS2], project: Path) -> None:
    run(project)
    bib = project / "refs.bib"
    first = bib.read_bytes()
    bib.write_bytes(first.replace(b"title = ", b"title = {Edited} # ", 1))
    outcome = run(project)
    assert outcome.requests == 0 and outcome.bib_changed
    assert bib.read_bytes() == first


def test_refresh_refetches_everything(services: tuple[FakeArxiv, FakeS2], project: Path) -> None:
    arxiv_server, _ = services
    run(project)
    outcome = run(project, refresh=True)
    assert len(outcome.fetched) == 4 and len(arxiv_server.log) == 2
    assert outcome.changes == {key: [] for key in outcome.fetched}


def test_only_fetches_the_named_keys(services: tuple[FakeArxiv, FakeS2], project: Path) -> None:
    arxiv_server, _ = services
    run(project)
    run(project, refresh=True, only=["ge2021yolox"])
    assert arxiv_server.log[-1].ids == ["2107.08430"]
    with pytest.raises(PaperListError, match="unknown citekey"):
        run(project, only=["nosuchkey"])


def test_offline_opens_no_socket(
    services: tuple[FakeArxiv, FakeS2], project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(project)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    (project / "refs.bib").unlink()
    outcome = run(project, offline=True)
    assert outcome.failed == {} and outcome.bib_written


def test_offline_reports_unfetched_entries(services: tuple[FakeArxiv, FakeS2], project: Path) -> None:
    outcome = run(project, offline=True)
    assert set(outcome.failed) == {"he2022masked", "dosovitskiy2021image", "ge2021yolox", "turing1950computing"}
    assert not (project / "refs.bib").exists()
    assert services[0].log == [] and services[1].log == []


@pytest.mark.parametrize(
    "fault_name",
    [
        "rate_exceeded_200",
        "rate_exceeded_429",
        "http_500",
        "http_503_retry_after",
        "truncated",
        "garbled",
        "empty_feed",
        "hang_up",
    ],
)
def test_arxiv_faults_are_retried(services: tuple[FakeArxiv, FakeS2], project: Path, fault_name: str) -> None:
    arxiv_server, _ = services
    faults = {
        "rate_exceeded_200": rate_exceeded(200),
        "rate_exceeded_429": rate_exceeded(429),
        "http_500": status(500, b"Internal Server Error"),
        "http_503_retry_after": status(503, b"busy", {"Retry-After": "0.3"}),
        "truncated": truncated(arxiv_server),
        "garbled": garbled(),
        "empty_feed": empty_feed(),
        "hang_up": hang_up(),
    }
    arxiv_server.fail_next(faults[fault_name])
    outcome = run(project)
    assert outcome.failed == {}
    assert len(arxiv_server.log) == 2
    if fault_name == "http_503_retry_after":
        assert arxiv_server.log[1].time - arxiv_server.log[0].time >= 0.3


def test_partial_feed_asks_again_for_missing_ids_only(services: tuple[FakeArxiv, FakeS2], project: Path) -> None:
    arxiv_server, _ = services
    arxiv_server.fail_next(partial_feed(arxiv_server, keep=1))
    outcome = run(project)
    assert outcome.failed == {}
    assert len(arxiv_server.log) == 2 and len(arxiv_server.log[1].ids) == 2
    assert arxiv_server.log[0].ids[0] not in arxiv_server.log[1].ids


def test_timeout_is_retried(services: tuple[FakeArxiv, FakeS2], project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVEY_S2_TIMEOUT", "0.3")
    _, s2_server = services
    s2_server.fail_next(stall(1.0))
    outcome = run(project)
    assert outcome.failed == {} and len(s2_server.log) == 2


def test_unknown_id_is_an_error_for_that_entry_only(services: tuple[FakeArxiv, FakeS2], project: Path) -> None:
    arxiv_server, _ = services
    with (project / "papers.toml").open("a") as handle:
        handle.write('\n[nobody2099unknown]\narxiv = "2101.99999"\n')
    before = b"previous refs.bib\n"
    (project / "refs.bib").write_bytes(before)
    outcome = run(project)
    assert set(outcome.failed) == {"nobody2099unknown"}
    assert "did not return this id in 3 attempts" in outcome.failed["nobody2099unknown"]
    assert len(arxiv_server.log) == 3 and arxiv_server.log[2].ids == ["2101.99999"]
    assert (project / "refs.bib").read_bytes() == before  # a failed run writes no refs.bib
    # ... but what was fetched is kept, so the next run asks only for the failing entry.
    (project / "papers.toml").write_text(
        (project / "papers.toml")
        .read_text()
        .replace('arxiv = "2101.99999"', 'arxiv = "2010.11929v1"')
        .replace("[nobody2099unknown]", "[vit2020v1]")
    )
    outcome = run(project)
    assert outcome.fetched == ["vit2020v1"] and arxiv_server.log[-1].ids == ["2010.11929v1"]


def test_pinned_version_is_kept_and_looked_up(services: tuple[FakeArxiv, FakeS2], project: Path) -> None:
    arxiv_server, s2_server = services
    (project / "papers.toml").write_text('[he2021v2]\narxiv = "2111.06377v2"\n\n[old]\narxiv = "hep-th/9901001"\n')
    outcome = run(project)
    assert outcome.failed == {}
    assert sorted(arxiv_server.log[0].ids) == ["2111.06377v2", "hep-th/9901001"]
    assert sorted(s2_server.log[0].ids) == ["ARXIV:2111.06377", "ARXIV:hep-th/9901001"]
    entries = parse_file(str(project / "refs.bib")).entries
    assert entries["old"].fields["eprint"] == "hep-th/9901001"
    assert entries["old"].fields["title"] == r"Old-style identifiers \& 50\% of the cases"


def test_s2_all_unknown_400_and_nulls(services: tuple[FakeArxiv, FakeS2], project: Path) -> None:
    _, s2_server = services
    s2_server.records.clear()  # every id unknown: S2 answers 400 "No valid paper ids given"
    (project / "papers.toml").write_text(
        '[ge2021yolox]\narxiv = "2107.08430"\n\n[turing1950computing]\ndoi = "10.1093/mind/lix.236.433"\n'
    )
    outcome = run(project)
    assert s2_server.log and outcome.fetched == ["ge2021yolox"]  # arXiv alone suffices for a preprint
    assert outcome.failed == {"turing1950computing": "unknown to Semantic Scholar (DOI:10.1093/mind/lix.236.433)"}


def test_s2_throttling_is_retried_and_key_is_sent_but_never_shown(
    services: tuple[FakeArxiv, FakeS2], project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, s2_server = services
    monkeypatch.setenv("S2_API_KEY", "sekret-key-123")
    s2_server.fail_next(
        status(429, b'{"message": "Too Many Requests.", "code": "429"}', {"Retry-After": "0.2"}), status(503, b"{}")
    )
    outcome = run(project)
    assert outcome.failed == {} and outcome.throttled == 1
    assert len(s2_server.log) == 3
    assert all(entry.headers.get("x-api-key") == "sekret-key-123" for entry in s2_server.log)
    for path in project.iterdir():
        assert b"sekret" not in path.read_bytes()


def test_s2_failure_after_retries_fails_entries_and_keeps_files(
    services: tuple[FakeArxiv, FakeS2], project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SURVEY_S2_ATTEMPTS", "2")
    _, s2_server = services
    s2_server.fail_next(status(503, b""), status(503, b""))
    papers_before = (project / "papers.toml").read_bytes()
    outcome = run(project)
    assert set(outcome.failed) == {"he2022masked", "dosovitskiy2021image", "ge2021yolox", "turing1950computing"}
    assert "gave up after 2 attempts: Semantic Scholar answered HTTP 503" in outcome.failed["he2022masked"]
    assert not (project / "refs.bib").exists()
    assert (project / "papers.toml").read_bytes() == papers_before


def test_title_entries_need_agreeing_authors_and_year(services: tuple[FakeArxiv, FakeS2], project: Path) -> None:
    _, s2_server = services
    record = s2_server.records["DOI:10.1093/mind/lix.236.433"]
    s2_server.titles["computing machinery and intelligence"] = record
    (project / "papers.toml").write_text(
        '[good]\ntitle = "Computing Machinery and Intelligence"\n\n'
        '[wrongyear]\ntitle = "Computing machinery and intelligence"\n'
        '[wrongyear.hand]\ntitle = "Computing machinery and intelligence"\nauthors = ["Alan Turing"]\nyear = 1990\n\n'
        '[nomatch]\ntitle = "A paper nobody wrote"\n'
    )
    outcome = run(project, refresh=True)
    assert outcome.fetched == ["good"]
    assert outcome.failed["wrongyear"] == "title match rejected: year 1950 does not agree with 1990"
    assert outcome.failed["nomatch"] == "Semantic Scholar found no paper with this title"


def test_refresh_replaces_hand_entered_metadata_and_reports_differences(
    services: tuple[FakeArxiv, FakeS2], project: Path
) -> None:
    (project / "papers.toml").write_text(
        '# keep this comment\n[he2022masked]\narxiv = "2111.06377"\ntopics = ["ssl"]\n\n'
        '[he2022masked.hand]  # entered by hand\ntitle = "Masked Autoencoders Are Scalable Vision Learners"\n'
        'authors = ["Kaiming He", "Xinlei Chen", "Saining Xie", "Yanghao Li", "Piotr Dollár", "Ross Girshick"]\n'
        'year = 2021\nchecked = ["https://papers.cool/arxiv/2111.06377"]\n'
    )
    outcome = run(project, offline=True)
    assert outcome.hand == ["he2022masked"] and outcome.bib_written
    hand_bib = parse_file(str(project / "refs.bib")).entries["he2022masked"]
    assert hand_bib.fields["x-source"] == "hand-entered" and hand_bib.type == "misc"
    outcome = run(project)  # hand-entered entries are not fetched without --refresh
    assert outcome.requests == 0
    outcome = run(project, refresh=True)
    assert outcome.changes["he2022masked"] == [
        "year: 2021 -> 2022",
        "entry_type: 'misc' -> 'inproceedings'",
        "venue: (none) -> 'CVPR'",
        "primary_class: (none) -> 'cs.CV'",
        "doi: (none) -> '10.1109/cvpr52688.2022.01553'",
        "date: (none) -> '2021-11-11'",  # arXiv v1: the hand table gave no date
    ]
    text = (project / "papers.toml").read_text()
    assert "[he2022masked.hand]" not in text and text.startswith("# keep this comment\n[he2022masked]")
    assert parse_file(str(project / "refs.bib")).entries["he2022masked"].fields["x-source"] == "fetched from arxiv+s2"


def test_failed_write_leaves_previous_files(
    services: tuple[FakeArxiv, FakeS2], project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(project)
    bib_before = (project / "refs.bib").read_bytes()
    (project / "papers.toml").write_text((project / "papers.toml").read_text() + '\n[old]\narxiv = "hep-th/9901001"\n')
    papers_before = (project / "papers.toml").read_bytes()
    import os

    real_replace = os.replace

    def crash(src: str, dst: str) -> None:
        if str(dst).endswith("refs.bib"):
            raise KeyboardInterrupt  # interrupted at the worst moment: after the temp file, before the rename
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        run(project)
    assert (project / "refs.bib").read_bytes() == bib_before
    assert (project / "papers.toml").read_bytes() == papers_before
    assert not [p for p in project.iterdir() if p.name.endswith(".tmp")]


def test_batches_split_at_the_limits(
    services: tuple[FakeArxiv, FakeS2], project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from loopback import TIMING_SLACK, ArxivPaper

    from survey.sources import arxiv as arxiv_source
    from survey.sources import semantic_scholar

    arxiv_server, s2_server = services
    monkeypatch.setattr(arxiv_source, "MAX_IDS_PER_REQUEST", 40)
    monkeypatch.setattr(semantic_scholar, "MAX_IDS_PER_REQUEST", 25)
    monkeypatch.setattr(arxiv_source, "GET_URL_LIMIT", 300)
    lines = []
    for n in range(100):
        paper = ArxivPaper(f"2101.{n:05d}", f"Paper number {n}", [f"Author {n}"])
        arxiv_server.papers[paper.id] = paper
        lines.append(f'[p{n}]\narxiv = "{paper.id}"\n')
    (project / "papers.toml").write_text("\n".join(lines))
    outcome = run(project)
    assert outcome.failed == {}
    assert [len(e.ids) for e in arxiv_server.log] == [40, 40, 20]
    assert [len(e.ids) for e in s2_server.log] == [25, 25, 25, 25]
    assert [e.method for e in arxiv_server.log] == ["POST", "POST", "GET"]  # long id lists go in the body
    starts = [e.time for e in arxiv_server.log]
    assert min(b - a for a, b in zip(starts, starts[1:], strict=False)) >= 0.05 - TIMING_SLACK
