"""The citation graph around the paper list, cached beside papers.lock (``papers.graph.json``),
and the planner that fills it with the fewest requests Semantic Scholar allows.

A paper's references never change, so they are kept for good; citations grow, so they carry
their fetch date and are asked again once older than the configured age. The file is sorted
JSON with one item a line, so it diffs well in git; it is replaced atomically, and a run that
fails half-way still keeps every list it completed (never a partial one).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from survey.files import write_atomic
from survey.paperlist import normalise_title
from survey.record import Paper
from survey.sources import semantic_scholar as s2
from survey.sources.http import PacedClient, SourceError
from survey.sources.semantic_scholar import GraphPaper, GraphRecord

FORMAT_VERSION = 1
KINDS = ("references", "citations")

#: Called after each request with (what is being asked, requests made, requests planned so far).
Progress = Callable[[str, int, int], None]


class GraphCacheError(Exception):
    """The cache file is unreadable; the message names it."""


@dataclass
class Citations:
    fetched: str  # ISO date of the fetch
    ids: list[str]  # paperIds of the citing papers first public since ``since``, sorted
    total: int | None = None  # S2's count, when the API serves fewer (the 10,000 offset window)
    since: str | None = None  # YYYY-MM: older citing papers were not kept (they can never be new again)


@dataclass
class Recommended:
    fetched: str
    positives: str  # digest of the positive paper ids asked with
    ids: list[str]  # best first


@dataclass
class Graph:
    ids: dict[str, str | None] = field(default_factory=dict)  # listed query -> paperId (None: S2 does not know it)
    papers: dict[str, GraphPaper] = field(default_factory=dict)
    references: dict[str, list[str]] = field(default_factory=dict)
    citations: dict[str, Citations] = field(default_factory=dict)
    recommendations: dict[str, Recommended] = field(default_factory=dict)


def path_for(papers: Path) -> Path:
    return papers.with_suffix(".graph.json")


def load(path: Path) -> Graph:
    if not path.exists():
        return Graph()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise GraphCacheError(f"{path}: unknown format (expected version {FORMAT_VERSION}); delete it")
        return Graph(
            ids=dict(data.get("ids", {})),
            papers={pid: GraphPaper(paper_id=pid, **meta) for pid, meta in data.get("papers", {}).items()},
            references={pid: list(ids) for pid, ids in data.get("references", {}).items()},
            citations={pid: Citations(**c) for pid, c in data.get("citations", {}).items()},
            recommendations={k: Recommended(**r) for k, r in data.get("recommendations", {}).items()},
        )
    except GraphCacheError:
        raise
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise GraphCacheError(f"{path}: unreadable ({exc}); delete it to fetch the graph again") from None


def dumps(graph: Graph) -> str:
    """Sorted, one item a line. Papers that only cite a single listed paper are stored as ids
    without metadata: they can never reach --min-count 2, and they are most of the citations."""
    cited_by = Counter(pid for c in graph.citations.values() for pid in c.ids)
    keep = {pid for pid in graph.ids.values() if pid}
    keep.update(pid for ids in graph.references.values() for pid in ids)
    keep.update(pid for r in graph.recommendations.values() for pid in r.ids)
    keep.update(pid for pid, n in cited_by.items() if n >= 2)
    keep.update(graph.references, graph.citations)

    def meta(paper: GraphPaper) -> dict[str, Any]:
        return {k: v for k, v in asdict(paper).items() if k != "paper_id" and v is not None and v != ""}

    data = {
        "version": FORMAT_VERSION,
        "ids": dict(sorted(graph.ids.items())),
        "references": {pid: sorted(set(ids)) for pid, ids in sorted(graph.references.items())},
        "citations": {pid: _drop_none(asdict(c)) for pid, c in sorted(graph.citations.items())},
        "recommendations": {k: asdict(r) for k, r in sorted(graph.recommendations.items())},
        "papers": {pid: meta(p) for pid, p in sorted(graph.papers.items()) if pid in keep},
    }
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def save(path: Path, graph: Graph) -> None:
    write_atomic(path, dumps(graph))


# --- planning and fetching -------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A listed paper, as far as the graph is concerned."""

    key: str
    query: str  # the entry's identifier ("arxiv:2111.06377"): the cache's key for its S2 id
    pid: str | None  # S2 paperId already known (papers.lock, or an entry listed by paperId)
    lookup: str | None  # what to ask a batch for when pid is unknown: ARXIV:…, DOI:…, CorpusId:…
    title: str | None = None  # title-only entries: asked through /paper/search/match
    known: Paper | None = None  # metadata to confirm a title match by (year, first author)


@dataclass
class Report:
    requests: int = 0
    throttled: int = 0
    unknown: list[str] = field(default_factory=list)  # citekeys S2 does not know
    rejected: dict[str, str] = field(default_factory=dict)  # title matches that did not agree
    capped: dict[str, tuple[int, int]] = field(default_factory=dict)  # pid -> (served, S2's count)
    error: str | None = None


def pid_of(graph: Graph, target: Target) -> str | None:
    """The paper's S2 id: as S2 last answered for it (it may have merged records), else as stored."""
    return graph.ids.get(target.query) or target.pid


def is_fresh(
    graph: Graph, pid: str | None, kind: str, max_age_days: int, today: dt.date, since: str | None = None
) -> bool:
    """References: cached at all. Citations: young enough, and kept from ``since`` on."""
    if pid is None:
        return False
    if kind == "references":
        return pid in graph.references
    cites = graph.citations.get(pid)
    return (
        cites is not None
        and (today - dt.date.fromisoformat(cites.fetched)).days <= max_age_days
        and (cites.since is None or (since is not None and cites.since <= since))
    )


def first_public(paper: GraphPaper) -> str | None:
    """publicationDate or the month of the arXiv id (v1), whichever is earlier; else the year."""
    dates = [paper.date] if paper.date else []
    if paper.arxiv:
        match = re.match(r"^(?:[a-z.-]+/)?(\d\d)(\d\d)", paper.arxiv, re.I)
        if match and 1 <= int(match[2]) <= 12:
            yy = int(match[1])
            dates.append(f"{1900 + yy if yy >= 91 else 2000 + yy}-{match[2]}")
    if dates:
        return min(dates)
    return str(paper.year) if paper.year else None


def public_since(date: str | None, since: str) -> bool:
    """Whether a first public date (YYYY, YYYY-MM or YYYY-MM-DD) is in ``since`` (YYYY-MM) or later."""
    if date is None:
        return False
    return date[:7] >= since if len(date) >= 7 else date >= since[:4]


def positives_digest(ids: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:16]


class _Planner:
    """One run's requests: title matches, then batches, then what the caps cut."""

    def __init__(
        self,
        client: PacedClient,
        graph: Graph,
        today: dt.date,
        progress: Progress | None,
        report: Report,
        since: str | None,
    ) -> None:
        self.client, self.graph, self.today, self.report, self.since = client, graph, today, report, since
        self.progress = progress
        self.planned = 0

    def plan(self, more: int) -> None:
        self.planned += more

    def tick(self, what: str) -> None:
        self.report.requests = self.client.stats.requests
        self.report.throttled = self.client.stats.throttled
        if self.progress:
            self.progress(what, self.report.requests, max(self.planned, self.report.requests))

    def match_titles(self, targets: Sequence[Target]) -> None:
        for target in targets:
            assert target.title is not None
            found = s2.match_title(self.client, target.title)
            reason = _disagrees(target, found.title, found.year, found.authors) if found else "no title match"
            if found is None or reason:
                self.graph.ids[target.query] = None
                self.report.rejected[target.key] = reason or "no title match"
            else:
                self.graph.ids[target.query] = found.paper_id
            self.tick("matching titles")

    def batches(self, asks: dict[str, list[Target]], kinds: tuple[str, ...]) -> dict[str, list[tuple[str, int]]]:
        """Ask for ``asks`` (id -> targets) 500 at a time; return the lists a cap cut, by kind."""
        cut: dict[str, list[tuple[str, int]]] = {k: [] for k in kinds}
        order = sorted(asks)
        for start in range(0, len(order), s2.MAX_IDS_PER_REQUEST):
            chunk = order[start : start + s2.MAX_IDS_PER_REQUEST]
            records = s2.fetch_graph_batch(self.client, chunk, kinds)
            self.tick(f"fetching {' and '.join(kinds) or 'ids'}")
            for asked, record in zip(chunk, records, strict=True):
                for target in asks[asked]:
                    self.graph.ids[target.query] = record.paper.paper_id if record else None
                    if record is None:
                        self.report.unknown.append(target.key)
                if record is not None:
                    self.graph.papers[record.paper.paper_id] = record.paper
            for kind in kinds:
                for pid, count in self._keep_complete(records, kind):
                    cut[kind].append((pid, count))
        return cut

    def _keep_complete(self, records: Sequence[GraphRecord | None], kind: str) -> list[tuple[str, int]]:
        """Store the lists of ``kind`` that no cap cut; return (pid, count) of the others."""
        total = sum(r.returned[kind] for r in records if r)
        cut = []
        for record in records:
            if record is None:
                continue
            count, returned = record.counts[kind], record.returned[kind]
            if (
                count is not None
                and returned < count
                and (returned >= s2.NESTED_PER_PAPER or total >= s2.NESTED_PER_BATCH)
            ):
                cut.append((record.paper.paper_id, count))
            else:
                self._store(record.paper.paper_id, kind, record.lists[kind], None)
        return cut

    def _store(self, pid: str, kind: str, papers: Iterable[GraphPaper], total: int | None) -> None:
        ids = []
        if kind == "citations" and self.since:
            papers = [p for p in papers if public_since(first_public(p), self.since)]
        for paper in papers:
            self.graph.papers.setdefault(paper.paper_id, paper)
            ids.append(paper.paper_id)
        if kind == "references":
            self.graph.references[pid] = sorted(set(ids))
        else:
            self.graph.citations[pid] = Citations(self.today.isoformat(), sorted(set(ids)), total, self.since)

    def complete(self, kind: str, cut: list[tuple[str, int]]) -> None:
        """Lists a cap cut: small ones packed into batches that stay under the per-batch cap,
        lists longer than a batch serves per paper paged through the 10,000 window."""
        small = sorted(((c, pid) for pid, c in cut if c <= s2.NESTED_PER_PAPER), reverse=True)
        big = sorted((pid, c) for pid, c in cut if c > s2.NESTED_PER_PAPER)
        bins: list[tuple[int, list[str]]] = []
        for count, pid in small:
            for i, (load, pids) in enumerate(bins):
                if load + count <= s2.NESTED_PER_BATCH and len(pids) < s2.MAX_IDS_PER_REQUEST:
                    bins[i] = (load + count, [*pids, pid])
                    break
            else:
                bins.append((count, [pid]))
        self.plan(len(bins) + sum(_pages(c) for _, c in big))
        for _, pids in bins:
            records = s2.fetch_graph_batch(self.client, pids, (kind,))
            self.tick(f"fetching {kind} (packed)")
            for pid, count in self._keep_complete(records, kind):
                big.append((pid, count))  # S2 counted low: page it rather than ask again
                self.plan(_pages(count))
        for pid, count in big:
            self._page(pid, kind, count)

    def _page(self, pid: str, kind: str, count: int) -> None:
        papers: list[GraphPaper] = []
        offset, served = 0, 0
        while True:
            limit = min(s2.PAGE_LIMIT, s2.OFFSET_WINDOW - 1 - offset)
            if limit <= 0:
                break
            page, sent, following = s2.fetch_graph_page(self.client, pid, kind, offset, limit)
            self.tick(f"paging {kind}")
            papers += page
            served += sent
            if following is None or following <= offset:
                break
            offset = following
        capped = served < count
        if capped:
            self.report.capped[pid] = (served, count)
        self._store(pid, kind, papers, count if capped else None)


def _pages(count: int) -> int:
    return -(-min(count, s2.OFFSET_WINDOW - 1) // s2.PAGE_LIMIT)


def _disagrees(target: Target, title: str, year: int | None, authors: Sequence[str]) -> str | None:
    """Why a title match is not the listed paper (None if it is): as fetch-refs decides."""
    known = target.known
    if known is None:
        same = normalise_title(title) == normalise_title(target.title or "")
        return None if same else f"S2 title {title!r} differs and no authors/year confirm it"
    if known.year and year and abs(known.year - year) > 1:
        return f"year {year} does not agree with {known.year}"
    if known.authors and authors and _surname(known.authors[0]) != _surname(authors[0]):
        return f"first author {authors[0]!r} does not agree with {known.authors[0]!r}"
    return None


def _surname(name: str) -> str:
    return name.split()[-1].lower() if name.split() else ""


def gather(
    client: PacedClient,
    graph: Graph,
    targets: Sequence[Target],
    kinds: Sequence[str],
    *,
    refresh: bool = False,
    max_age_days: int = 30,
    today: dt.date | None = None,
    progress: Progress | None = None,
    since: str | None = None,
) -> Report:
    """Fill ``graph`` with the S2 ids of ``targets`` and their ``kinds`` lists, asking only for
    what is missing or stale; citations first public before ``since`` are not kept. A request
    that fails for good stops the run: ``report.error`` says why, and every list completed
    before it is kept."""
    today = today or dt.date.today()
    report = Report()
    planner = _Planner(client, graph, today, progress, report, since)
    titles = [t for t in targets if pid_of(graph, t) is None and t.lookup is None and t.title is not None]
    titles = [t for t in titles if refresh or t.query not in graph.ids]
    groups: dict[tuple[str, ...], dict[str, list[Target]]] = {}
    try:
        planner.plan(len(titles))
        planner.match_titles(titles)
        for target in targets:
            pid = pid_of(graph, target)
            if pid is None and target.query in graph.ids and not (refresh and target.lookup):
                if target.key not in report.rejected:
                    report.unknown.append(target.key)  # S2 did not know it last time: --refresh asks again
                continue
            ask = pid or target.lookup
            if ask is None:
                continue
            needed = tuple(k for k in kinds if refresh or not is_fresh(graph, pid, k, max_age_days, today, since))
            if needed or pid is None:
                groups.setdefault(needed, {}).setdefault(ask, []).append(target)
        planner.plan(sum(-(-len(asks) // s2.MAX_IDS_PER_REQUEST) for asks in groups.values()))
        for needed, asks in sorted(groups.items()):
            cut = planner.batches(asks, needed)
            for kind in needed:
                planner.complete(kind, cut[kind])
    except SourceError as exc:
        report.error = f"Semantic Scholar: {exc}"
    report.requests, report.throttled = client.stats.requests, client.stats.throttled
    report.unknown = sorted(set(report.unknown))
    return report


def recommend(
    client: PacedClient,
    graph: Graph,
    scope: str,
    positive: Sequence[str],
    negative: Sequence[str],
    *,
    limit: int,
    refresh: bool,
    max_age_days: int,
    today: dt.date | None = None,
) -> list[str]:
    """S2's recommendations for ``positive`` (cached per scope while the positives are the same
    and the answer is younger than ``max_age_days``)."""
    today = today or dt.date.today()
    digest = positives_digest([*positive, *(f"-{n}" for n in negative), f"limit={limit}"])
    cached = graph.recommendations.get(scope)
    if (
        not refresh
        and cached is not None
        and cached.positives == digest
        and (today - dt.date.fromisoformat(cached.fetched)).days <= max_age_days
    ):
        return cached.ids
    papers = s2.fetch_recommendations(client, positive, negative, limit)
    for paper in papers:
        graph.papers.setdefault(paper.paper_id, paper)
    ids = list(dict.fromkeys(p.paper_id for p in papers))
    graph.recommendations[scope] = Recommended(today.isoformat(), digest, ids)
    return ids
