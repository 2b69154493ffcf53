"""The survey's lineage as data: who builds on whom (``builds_on`` in papers.toml) and when each
paper first appeared. Pure: ``survey check`` and the site's graphs both read it from here.

A paper's *first public date* is, in order: the date of its fetched record (arXiv v1 or S2's
publication date), the ``date`` of its hand table, or the month read off its arXiv identifier
(``2111.06377`` → 2021-11, ``hep-th/9901001`` → 1999-01). Dates compare at the precision both
have, so two papers of the same month are never out of order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from survey import store
from survey.identifiers import ArxivId
from survey.paperlist import PaperSpec
from survey.record import Paper

#: Where a first public date came from.
FETCHED, HAND, ARXIV_ID, YEAR = "fetched", "hand", "arXiv id", "year only"


@dataclass(frozen=True)
class Dated:
    """A first public date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) and where it came from."""

    date: str | None
    source: str = ""


@dataclass(frozen=True)
class Node:
    """One paper as the lineage shows it."""

    key: str
    name: str  # the method's short name, else "Surname et al."
    date: str | None  # first public date; a year-only fallback for graphs when none is known
    source: str  # FETCHED, HAND, ARXIV_ID, YEAR or "" (no date at all)
    topics: tuple[str, ...] = ()

    @property
    def year(self) -> str:
        return self.date[:4] if self.date else ""

    @property
    def label(self) -> str:
        """``MAE ’21``: what a graph node shows."""
        return f"{self.name} ’{self.year[2:]}" if self.year else self.name


@dataclass(frozen=True)
class Link:
    """``child`` builds on ``parent``; ``change`` says what it changed."""

    parent: str
    child: str
    change: str = ""
    concurrent: bool = False


@dataclass(frozen=True)
class Lineage:
    nodes: dict[str, Node]
    links: tuple[Link, ...]  # between known papers, no self-links, in papers.toml order

    def parents(self, key: str) -> list[Link]:
        return [link for link in self.links if link.child == key]

    def children(self, key: str) -> list[Link]:
        return [link for link in self.links if link.parent == key]

    def ancestors(self, key: str, depth: int | None = None) -> set[str]:
        """Papers ``key`` builds on, directly or (up to ``depth`` steps; None: all) indirectly."""
        return self._reach(key, depth, up=True)

    def descendants(self, key: str, depth: int | None = None) -> set[str]:
        return self._reach(key, depth, up=False)

    def _reach(self, key: str, depth: int | None, *, up: bool) -> set[str]:
        step: dict[str, list[str]] = {}
        for link in self.links:
            a, b = (link.child, link.parent) if up else (link.parent, link.child)
            step.setdefault(a, []).append(b)
        seen: set[str] = set()
        frontier, level = [key], 0
        while frontier and (depth is None or level < depth):
            frontier = [n for k in frontier for n in step.get(k, []) if n not in seen and n != key]
            seen.update(frontier)
            level += 1
        return seen


def arxiv_month(arxiv: ArxivId) -> str:
    """The month an arXiv identifier was assigned: ``2111.06377`` → ``2021-11``."""
    digits = arxiv.id.split("/")[-1][:4]
    yy, mm = int(digits[:2]), digits[2:4]
    century = 1900 if "/" in arxiv.id and yy >= 91 else 2000  # old-style ids began in 1991
    return f"{century + yy}-{mm}"


def first_date(spec: PaperSpec, record: Paper | None) -> Dated:
    """The entry's first public date and its source (see the module docstring)."""
    if record is not None and record.date:
        return Dated(record.date, HAND if record.source == "hand" else FETCHED)
    if spec.hand is not None and spec.hand.date:
        return Dated(spec.hand.date, HAND)
    if spec.arxiv is not None:
        return Dated(arxiv_month(spec.arxiv), ARXIV_ID)
    return Dated(None)


def _short_name(record: Paper | None, key: str) -> str:
    if record is None or not record.authors:
        return key
    names = [a for a in record.authors if a != "others"]
    surname = names[0].split(", ")[0] if ", " in names[0] else names[0].split()[-1]
    return surname if len(record.authors) == 1 else f"{surname} et al."


def build(specs: Iterable[PaperSpec], stored: dict[str, store.Stored]) -> Lineage:
    """The lineage of the paper list; links to unknown papers and self-links are left out
    (``findings`` reports them)."""
    from survey.commands.fetch import current_record  # (imports the API clients: only when needed)

    specs = list(specs)
    nodes: dict[str, Node] = {}
    for spec in specs:
        record = current_record(spec, stored)
        dated = first_date(spec, record)
        date, source = dated.date, dated.source
        if date is None and record is not None and record.year:
            date, source = str(record.year), YEAR
        nodes[spec.key] = Node(spec.key, spec.name or _short_name(record, spec.key), date, source, spec.topics)
    links = tuple(
        Link(edge.key, spec.key, edge.change, edge.concurrent)
        for spec in specs
        for edge in spec.builds_on
        if edge.key in nodes and edge.key != spec.key
    )
    return Lineage(nodes, links)


def date_key(date: str | None) -> tuple[int, int, int]:
    """Sorts dates of any precision (a bare year first in its year, undated papers last)."""
    if not date:
        return (9999, 99, 99)
    parts = [int(p) for p in date.split("-")] + [0, 0]
    return (parts[0], parts[1], parts[2])


def earlier(a: str, b: str) -> bool:
    """Whether ``a`` is strictly before ``b`` at the precision both dates have."""
    size = min(len(a), len(b))
    return a[:size] < b[:size]


# --- survey check ---------------------------------------------------------------------------


def findings(specs: list[PaperSpec], stored: dict[str, store.Stored], papers: Path) -> list[str]:
    """One line per lineage problem: unknown or self ``builds_on`` keys, cycles, a paper
    building on a later one (unless marked ``concurrent``), entries with no first public date."""
    from survey.commands.fetch import current_record

    try:
        text = papers.read_text(encoding="utf-8")
    except OSError:
        text = ""
    edge_line = _edge_lines(specs, text)
    by_key = {spec.key: spec for spec in specs}
    dates = {spec.key: first_date(spec, current_record(spec, stored)).date for spec in specs}
    problems: list[str] = []
    for spec in specs:
        where = f"{papers}:{spec.line}: [{spec.key}]"
        if dates[spec.key] is None:
            problems.append(f'{where} has no first public date: add date = "YYYY-MM" to [{spec.key}.hand]')
        for edge in spec.builds_on:
            at = f"{papers}:{edge_line.get((spec.key, edge.key), spec.line)}: [{spec.key}]"
            if edge.key == spec.key:
                problems.append(f"{at} builds on itself")
            elif edge.key not in by_key:
                problems.append(f"{at} builds on unknown citekey {edge.key!r}")
            elif not edge.concurrent:
                mine, theirs = dates[spec.key], dates[edge.key]
                if mine and theirs and earlier(mine, theirs):
                    problems.append(
                        f"{at} builds on [{edge.key}] ({theirs}), which appeared later than it ({mine}):"
                        " fix the arrow, or mark concurrent works with concurrent = true"
                    )
    for cycle in _cycles(specs):
        first = cycle[0]
        line = edge_line.get((first, cycle[1] if len(cycle) > 1 else first), by_key[first].line)
        problems.append(f"{papers}:{line}: [{first}] lineage cycle (builds on): {' -> '.join([*cycle, first])}")
    return problems


def _edge_lines(specs: list[PaperSpec], text: str) -> dict[tuple[str, str], int]:
    """(paper, parent) -> line of that ``builds_on`` item: the first line quoting the parent's key
    after the entry's ``builds_on`` and before the next entry."""
    lines = text.splitlines()
    starts = sorted(spec.line for spec in specs if spec.line)
    found: dict[tuple[str, str], int] = {}
    for spec in specs:
        if not spec.builds_on or not spec.line:
            continue
        end = next((s for s in starts if s > spec.line), len(lines) + 1)
        section = range(spec.line - 1, end - 1)
        begin = next((i for i in section if "builds_on" in lines[i]), None)
        if begin is None:
            continue
        for edge in spec.builds_on:
            quoted = re.compile(rf"""["']{re.escape(edge.key)}["']""")
            hit = next((i for i in range(begin, end - 1) if quoted.search(lines[i])), None)
            if hit is not None:
                found[spec.key, edge.key] = hit + 1
    return found


def _cycles(specs: list[PaperSpec]) -> list[list[str]]:
    """One cycle (as a key path) per strongly connected group of papers that build on each other."""
    graph = {spec.key: [e.key for e in spec.builds_on if e.key != spec.key] for spec in specs}
    graph = {k: [p for p in parents if p in graph] for k, parents in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in graph:  # Tarjan's algorithm, iterative
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            parents = graph[node]
            if i < len(parents):
                work.append((node, i + 1))
                nxt = parents[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)
            if work:
                caller = work[-1][0]
                low[caller] = min(low[caller], low[node])
    return [_path_in(graph, set(group), min(group, key=list(graph).index)) for group in groups]


def _path_in(graph: dict[str, list[str]], group: set[str], start: str) -> list[str]:
    """A cycle through ``start`` inside one strongly connected group (breadth-first, shortest)."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in graph[node]:
                if nxt not in group:
                    continue
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return path[::-1]
                if nxt not in previous:
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    return [start]
