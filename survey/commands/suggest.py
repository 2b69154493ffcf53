"""``survey suggest``: the papers the survey is missing, and the new work built on it.

``--missing`` ranks the papers that many listed papers cite but the list lacks; ``--new`` the
recent papers that cite many listed papers; ``--recommend`` asks S2's recommendations API with
the listed papers as positives. The citation graph comes from the cache beside papers.lock
(`survey.citegraph`), filled with the fewest requests; ``--offline`` uses the cache alone.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey import citegraph, paperlist, store
from survey.commands.fetch import current_record, lock_path_for
from survey.files import write_atomic
from survey.identifiers import is_arxiv_doi, parse_arxiv_id
from survey.paperlist import PaperListError, PaperSpec, normalise_title
from survey.sources import semantic_scholar
from survey.sources.http import SourceError
from survey.sources.semantic_scholar import GraphPaper

MODES = ("missing", "new", "recommend")
_SINCE = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")


class SuggestError(PaperListError):
    """Bad input for suggest (unknown topic, nothing cached for --offline…): one line, exit 2."""


@dataclass(frozen=True)
class Suggestion:
    paper: GraphPaper
    count: int
    citing: tuple[str, ...]  # --missing: listed papers citing it; --new: listed papers it cites
    date: str | None  # first public date: publicationDate or the arXiv id's month, whichever is earlier
    add: str  # the exact command that adds it

    def ids(self) -> dict[str, str]:
        ids = {"s2": self.paper.paper_id}
        if self.paper.arxiv:
            ids["arxiv"] = self.paper.arxiv
        if self.paper.doi and not is_arxiv_doi(self.paper.doi):
            ids["doi"] = self.paper.doi
        return ids

    def to_json(self, rank: int) -> dict[str, Any]:
        return {
            "rank": rank,
            "count": self.count,
            "title": self.paper.title,
            "year": self.paper.year,
            "date": self.date,
            "venue": self.paper.venue,
            "ids": self.ids(),
            "citing": list(self.citing),
            "add": self.add,
        }


@dataclass
class Result:
    mode: str
    suggestions: list[Suggestion] = field(default_factory=list)
    candidates: int = 0  # suggestions before --limit
    scope: int = 0  # listed papers the counts are over
    requests: int = 0
    throttled: int = 0
    notes: list[str] = field(default_factory=list)
    error: str | None = None  # the request that failed for good (what came before it is cached)
    cache: Path | None = None
    cache_written: bool = False
    since: str = ""  # --new: the first public month asked for


def run(
    papers: Path,
    *,
    mode: str = "missing",
    topic: str | None = None,
    min_count: int = 3,
    limit: int = 20,
    since: str | None = None,
    offline: bool = False,
    refresh: bool = False,
    max_age: int | None = None,
    today: dt.date | None = None,
    progress: citegraph.Progress | None = None,
) -> Result:
    """The whole command. Raises PaperListError / SuggestError / GraphCacheError on bad input."""
    if mode not in MODES:
        raise SuggestError(f"unknown mode {mode!r}")
    if min_count < 1 or limit < 1:
        raise SuggestError("--min-count and --limit must be at least 1")
    today = today or dt.date.today()
    if since is not None and not _SINCE.match(since):
        raise SuggestError(f"--since {since!r}: expected YYYY-MM")
    if since is None:
        since = f"{today.year - 1}-{today.month:02d}"
    specs = paperlist.load(papers)
    settings = paperlist.load_settings(papers).suggest
    max_age = settings.citations_max_age_days if max_age is None else max_age
    scope = _scope(specs, topic, papers)
    stored = store.load(lock_path_for(papers))
    cache = citegraph.path_for(papers)
    graph = citegraph.load(cache)
    targets = [_target(spec, stored) for spec in scope]
    kinds = {"missing": ("references",), "new": ("citations",), "recommend": ()}[mode]
    result = Result(mode, scope=len(scope), cache=cache, since=since)
    if offline:
        recommended = _from_cache(result, graph, targets, kinds, topic, since)
    else:
        negative = sorted(v for k, v in settings.dismissed if k == "s2" and not v.startswith("CorpusId:"))
        recommended = _fetch(
            result,
            graph,
            targets,
            kinds,
            topic,
            since,
            negative,
            refresh,
            max_age,
            today,
            progress,
            max(limit * 3, 100),
        )
    known = _known(specs, stored, graph, settings.dismissed)
    ranked = _rank(mode, graph, targets, known, min_count, since, recommended, topic)
    result.candidates = len(ranked)
    result.suggestions = ranked[:limit]
    return result


def _from_cache(
    result: Result,
    graph: citegraph.Graph,
    targets: list[citegraph.Target],
    kinds: tuple[str, ...],
    topic: str | None,
    since: str,
) -> list[str]:
    """--offline: check the cache can answer, note where it cannot fully; the recommendations."""
    usable = [t for t in targets if _usable(graph, t, kinds)]
    scope_name = topic or "*"
    if not usable or (result.mode == "recommend" and scope_name not in graph.recommendations):
        raise SuggestError(
            f"{result.cache}: no cached citation graph for {'these' if topic else 'the listed'} papers"
            f"{' and no cached recommendations' if result.mode == 'recommend' else ''}; run `survey suggest` "
            "online once (--offline answers from the cache only)"
        )
    left = [t.key for t in targets if t not in usable]
    if left:
        result.notes.append(f"{len(left)} listed paper(s) not in the cache yet ({_few(left)}): run online")
    later = [t.key for t in usable if _kept_since(graph, t) > since] if result.mode == "new" else []
    if later:
        result.notes.append(
            f"{len(later)} listed paper(s) have citations cached only from a later month ({_few(later)}): "
            "counts may be low; run online"
        )
    return graph.recommendations[scope_name].ids if result.mode == "recommend" else []


def _fetch(
    result: Result,
    graph: citegraph.Graph,
    targets: list[citegraph.Target],
    kinds: tuple[str, ...],
    topic: str | None,
    since: str,
    negative: list[str],
    refresh: bool,
    max_age: int,
    today: dt.date,
    progress: citegraph.Progress | None,
    wanted: int,
) -> list[str]:
    """Online: fill the graph with what is missing or stale, write the cache if it changed."""
    recommended: list[str] = []
    with semantic_scholar.new_client() as client:
        report = citegraph.gather(
            client,
            graph,
            targets,
            kinds,
            refresh=refresh,
            max_age_days=max_age,
            today=today,
            progress=progress,
            since=since if result.mode == "new" else None,
        )
        if result.mode == "recommend" and report.error is None:
            positive = sorted({p for t in targets if (p := citegraph.pid_of(graph, t))})
            if not positive:
                raise SuggestError("none of the listed papers is known to Semantic Scholar")
            try:
                recommended = citegraph.recommend(
                    client, graph, topic or "*", positive, negative, limit=wanted,
                    refresh=refresh, max_age_days=max_age, today=today,
                )  # fmt: skip
            except SourceError as exc:
                report.error = f"Semantic Scholar: {exc}"
        result.requests, result.throttled = client.stats.requests, client.stats.throttled
    result.error = report.error
    if report.unknown:
        result.notes.append(
            f"{len(report.unknown)} listed paper(s) unknown to Semantic Scholar: {_few(report.unknown)}"
        )
    for key, reason in sorted(report.rejected.items()):
        result.notes.append(f"{key}: title match rejected ({reason})")
    for pid, (served, count) in sorted(report.capped.items()):
        name = graph.papers[pid].title if pid in graph.papers else pid
        result.notes.append(f"{name[:60]}: {served:,} of {count:,} {kinds[0]} served (the API's window)")
    if result.requests:  # the graph changes only with an answer: a warm run writes nothing
        text = citegraph.dumps(graph)
        if result.cache is not None and (not result.cache.exists() or result.cache.read_text(encoding="utf-8") != text):
            write_atomic(result.cache, text)
            result.cache_written = True
    return recommended


def _scope(specs: list[PaperSpec], topic: str | None, papers: Path) -> list[PaperSpec]:
    if topic is None:
        return specs
    chosen = [s for s in specs if topic in s.topics]
    if not chosen:
        topics = sorted({t for s in specs for t in s.topics})
        raise SuggestError(f"{papers}: no entry has topic {topic!r} (topics: {', '.join(topics) or 'none'})")
    return chosen


def _target(spec: PaperSpec, stored: dict[str, store.Stored]) -> citegraph.Target:
    record = current_record(spec, stored)
    pid = record.s2_id if record and record.s2_id else None
    if spec.kind == "s2" and not spec.value.startswith("CorpusId:"):
        pid = pid or spec.value
    lookup: str | None
    if spec.kind == "arxiv":
        assert spec.arxiv is not None
        lookup = f"ARXIV:{spec.arxiv.id}"
    elif spec.kind == "doi":
        lookup = f"DOI:{spec.value}"
    elif spec.kind == "s2":
        lookup = spec.value
    elif record and record.arxiv_id:
        lookup = f"ARXIV:{record.arxiv_id}"
    elif record and record.doi:
        lookup = f"DOI:{record.doi}"
    else:
        lookup = None
    return citegraph.Target(spec.key, spec.query, pid, lookup, spec.value if spec.kind == "title" else None, record)


def _usable(graph: citegraph.Graph, target: citegraph.Target, kinds: tuple[str, ...]) -> bool:
    """Whether the cache alone can answer for this paper (stale citations still answer offline)."""
    pid = citegraph.pid_of(graph, target)
    lists: dict[str, dict[str, Any]] = {"references": graph.references, "citations": graph.citations}
    return pid is not None and all(pid in lists[k] for k in kinds)


def _kept_since(graph: citegraph.Graph, target: citegraph.Target) -> str:
    pid = citegraph.pid_of(graph, target)
    cites = graph.citations.get(pid) if pid else None
    return (cites.since or "") if cites else ""


def _marks(paper: GraphPaper) -> set[str]:
    marks = {f"s2:{paper.paper_id}"}
    if paper.corpus_id is not None:
        marks.add(f"corpus:{paper.corpus_id}")
    if paper.arxiv:
        marks.add(f"arxiv:{_arxiv_base(paper.arxiv)}")
    if paper.doi:
        marks.add(
            f"arxiv:{_arxiv_base(paper.doi[len('10.48550/arxiv.') :])}"
            if is_arxiv_doi(paper.doi)
            else f"doi:{paper.doi}"
        )
    if normalise_title(paper.title):
        marks.add(f"title:{normalise_title(paper.title)}")
    return marks


def _arxiv_base(text: str) -> str:
    try:
        return parse_arxiv_id(text).id
    except ValueError:
        return text.lower()


def _known(
    specs: list[PaperSpec],
    stored: dict[str, store.Stored],
    graph: citegraph.Graph,
    dismissed: Iterable[tuple[str, str]],
) -> set[str]:
    """Every identifier of every listed paper (and of every dismissed suggestion), as marks."""
    known: set[str] = set()
    for spec in specs:
        if spec.kind == "arxiv":
            assert spec.arxiv is not None
            known.add(f"arxiv:{spec.arxiv.id}")
        elif spec.kind == "s2":
            known.add(_s2_mark(spec.value))
        elif spec.kind == "title":
            known.add(f"title:{normalise_title(spec.value)}")
        else:
            known.add(f"{spec.kind}:{spec.value}")
        record = current_record(spec, stored)
        if record:
            known |= {f"arxiv:{_arxiv_base(record.arxiv_id)}"} if record.arxiv_id else set()
            known |= {f"doi:{record.doi.lower()}"} if record.doi else set()
            known |= {f"s2:{record.s2_id}"} if record.s2_id else set()
            known.add(f"title:{normalise_title(record.title)}")
        pid = graph.ids.get(spec.query)
        if pid:
            known |= _marks(graph.papers[pid]) if pid in graph.papers else {f"s2:{pid}"}
    for kind, value in dismissed:
        known.add(_s2_mark(value) if kind == "s2" else f"{kind}:{value}")
    known.discard("title:")
    return known


def _s2_mark(value: str) -> str:
    return f"corpus:{value.split(':', 1)[1]}" if value.startswith("CorpusId:") else f"s2:{value}"


def _rank(
    mode: str,
    graph: citegraph.Graph,
    targets: list[citegraph.Target],
    known: set[str],
    min_count: int,
    since: str,
    recommended: list[str],
    topic: str | None,
) -> list[Suggestion]:
    links: dict[str, set[str]] = {}
    for target in targets:
        pid = citegraph.pid_of(graph, target)
        if pid is None:
            continue
        if mode == "new":
            cites = graph.citations.get(pid)
            neighbours = cites.ids if cites else []
        else:
            neighbours = graph.references.get(pid, [])
        for other in neighbours:
            links.setdefault(other, set()).add(target.key)
    if mode == "recommend":
        order = [pid for pid in dict.fromkeys(recommended) if pid in graph.papers]
    else:
        order = [pid for pid, keys in links.items() if len(keys) >= min_count]
    found = []
    for pid in order:
        paper = graph.papers.get(pid) or GraphPaper(pid, f"(not cached: s2 {pid})")
        if _marks(paper) & known:
            continue
        date = citegraph.first_public(paper)
        if mode == "new" and not citegraph.public_since(date, since):
            continue
        keys = tuple(sorted(links.get(pid, ())))
        found.append(Suggestion(paper, len(keys), keys, date, _add_command(paper, topic)))
    if mode == "recommend":
        return found
    found.sort(key=lambda s: (normalise_title(s.paper.title), s.paper.paper_id))
    if mode == "new":
        found.sort(key=lambda s: s.date or "", reverse=True)  # newest first among equals
    else:
        found.sort(key=lambda s: s.date or "9999")  # foundations before follow-ups
    found.sort(key=lambda s: -s.count)
    return found


def _add_command(paper: GraphPaper, topic: str | None) -> str:
    if paper.arxiv:
        ident = _arxiv_base(paper.arxiv)
    elif paper.doi:
        ident = _arxiv_base(paper.doi[len("10.48550/arxiv.") :]) if is_arxiv_doi(paper.doi) else paper.doi
    else:
        ident = shlex.quote(paper.title)
    return f"survey add {ident}" + (f" --topic {shlex.quote(topic)}" if topic else "")


def _few(keys: list[str], shown: int = 5) -> str:
    return ", ".join(keys[:shown]) + (f", … (+{len(keys) - shown})" if len(keys) > shown else "")


def lines(result: Result, citing_shown: int = 8) -> list[str]:
    """The human-readable answer: a block of lines per suggestion."""
    verb = {"missing": "cited by", "new": "cites", "recommend": "cited by"}[result.mode]
    out = []
    width = len(str(len(result.suggestions)))
    for rank, s in enumerate(result.suggestions, 1):
        where = ", ".join(str(x) for x in (s.date or s.paper.year, s.paper.venue) if x)
        out.append(f"{rank:>{width}}. [{s.count}] {s.paper.title}" + (f" ({where})" if where else ""))
        pad = " " * (width + 2)
        out.append(pad + "ids: " + " ".join(f"{k}:{v}" for k, v in s.ids().items()))
        if s.citing:
            more = f" +{len(s.citing) - citing_shown} more" if len(s.citing) > citing_shown else ""
            out.append(f"{pad}{verb} {len(s.citing)}: {' '.join(s.citing[:citing_shown])}{more}")
        out.append(f"{pad}{s.add}")
    return out


def summary(result: Result) -> str:
    total = result.candidates
    shown = f"{len(result.suggestions)} of {total}" if total > len(result.suggestions) else str(total)
    papers = "paper" if total == 1 else "papers"
    what = {
        "missing": f"{papers} cited by the list but not in it",
        "new": f"new {papers} citing the list, first public since {result.since}",
        "recommend": f"recommended {papers} not in the list",
    }[result.mode]
    cache = f"{result.cache.name} updated" if result.cache_written and result.cache else "cache unchanged"
    return (
        f"{shown} {what} (over {result.scope} listed papers); {result.requests} HTTP requests "
        f"({result.throttled} throttled); {cache}."
    )
