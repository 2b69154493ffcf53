"""Drawing a lineage as static SVG: x is time, y is chosen by a layered (Sugiyama) layout.

Columns follow the first public dates: a paper never stands left of an earlier one, every band of
years starts a new column, and a paper stands right of everything it builds on (concurrent works
that build on a later paper are the exception: their arrow points back). A band is one year, or
a few sparse neighbouring years that share columns so the graph is no wider than it needs to be.
Columns are as wide as their longest label. grandalf (pure Python) orders each column's papers so
that arrows cross little; the papers then sit on rows of one fixed small pitch, packed to the top,
linked papers pulled level and no row left empty, so the graph is only as tall as its busiest
column needs. Long arrows run level through free rows (or between rows) and turn only in the gaps
between columns, so they never pass over a paper. Colours are CSS classes and variables, so the
site's light and dark themes both apply.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from survey.lineage import date_key

NODE_H = 22.0
_PITCH = NODE_H + 10  # one row of papers: every row is this tall, however many papers it holds
_GAP_X = 26.0  # between columns
_MARGIN = 10.0
_AXIS = 22.0  # the year labels above the graph
_FONT = 12.0


@dataclass(frozen=True)
class DrawNode:
    key: str
    label: str  # "MAE '21"
    date: str | None
    href: str = ""
    title: str = ""  # hover text
    classes: tuple[str, ...] = ()  # extra CSS classes: "lineage-faded"
    hue: int | None = None  # a topic colour (timeline)
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class DrawLink:
    parent: str
    child: str
    title: str  # hover text: what changed
    concurrent: bool = False


def text_width(text: str) -> float:
    """The width of ``text`` in the graph's sans-serif font, estimated without a font file."""
    width = 0.0
    for char in text:
        if char in "il.,:;'’|!I ()[]j":
            width += 0.32
        elif char.isupper() or char in "mwMW@%":
            width += 0.72
        elif char.isdigit():
            width += 0.56
        else:
            width += 0.55
    return width * _FONT


def _order(nodes: Sequence[DrawNode], links: Sequence[DrawLink]) -> list[str]:
    """Keys by date; papers of the same date after the ones they build on (then by key)."""
    by_date: dict[tuple[int, int, int], list[str]] = {}
    for node in nodes:
        by_date.setdefault(date_key(node.date), []).append(node.key)
    parents: dict[str, set[str]] = {}
    for link in links:
        parents.setdefault(link.child, set()).add(link.parent)
    order: list[str] = []
    for _, keys in sorted(by_date.items()):
        left = sorted(keys)
        while left:  # a topological sort inside one date; a cycle falls back to key order
            ready = [k for k in left if not (parents.get(k, set()) & set(left))] or left[:1]
            order.append(ready[0])
            left.remove(ready[0])
    return order


def _year(node: DrawNode) -> str:
    return (node.date or "?")[:4]


def _columns(order: list[str], parents: dict[str, list[str]], band: dict[str, int]) -> dict[str, int]:
    """Columns in date order: a paper stands in the column of the one before it, or the next one when
    a new band of years starts or when it builds on a paper of that column."""
    column: dict[str, int] = {}
    previous: str | None = None
    for key in order:
        at = 0
        if previous is not None:
            at = column[previous] + (band[key] != band[previous])
        for parent in parents.get(key, []):
            if parent in column:  # placed already: earlier (a later parent is a concurrent back-arrow)
                at = max(at, column[parent] + 1)
        column[key] = at
        previous = key
    return column


def _busiest(column: dict[str, int]) -> int:
    counts: dict[int, int] = {}
    for c in column.values():
        counts[c] = counts.get(c, 0) + 1
    return max(counts.values(), default=0)


def _banded_columns(nodes: Sequence[DrawNode], links: Sequence[DrawLink]) -> tuple[dict[str, int], dict[str, int]]:
    """Columns, and each paper's band of years. Every year starts a band, except that a year joins
    the band before it when that saves a column and the band stays sparse: no more papers in all
    than the busiest column holds, or no column more than half as busy (narrower, never taller)."""
    order = _order(nodes, links)
    parents: dict[str, list[str]] = {}
    for link in links:
        parents.setdefault(link.child, []).append(link.parent)
    year = {n.key: _year(n) for n in nodes}
    years = sorted(set(year.values()))
    index = {y: i for i, y in enumerate(years)}
    of_year = {y: index[y] for y in years}
    column = _columns(order, parents, {k: of_year[year[k]] for k in year})
    cap = _busiest(column)
    for y, previous in zip(years[1:], years, strict=False):
        trial = {**of_year, y: of_year[previous]}
        for later in years[index[y] + 1 :]:
            trial[later] = of_year[later] - 1 if of_year[later] > of_year[y] else of_year[later]
        merged = _columns(order, parents, {k: trial[year[k]] for k in year})
        band = [k for k in year if trial[year[k]] == trial[y]]
        sparse = len(band) <= cap or _busiest({k: merged[k] for k in band}) <= max(2, cap // 2)
        if max(merged.values()) < max(column.values()) and sparse:
            of_year, column = trial, merged
    return column, {k: of_year[year[k]] for k in year}


class _View:
    def __init__(self, w: float, h: float) -> None:
        self.w, self.h = w, h
        self.xy = (0.0, 0.0)


@dataclass
class _Placed:
    x: dict[str, float]  # column centre of each paper
    y: dict[str, float]
    bends: dict[tuple[str, str], list[tuple[float, float]]]  # (from, to) in column order -> points
    width: float
    height: float
    column_x: list[tuple[float, float]]  # each column's left and right edge
    column_year: list[str]  # each column's years: "2021" or "2014–17"
    column: dict[str, int]


def _orders(keys: list[str], column: dict[str, int], ranked: list[tuple[str, str]]) -> dict[int, list[str]]:
    """Each column's papers top to bottom, as grandalf's layered layout orders them to cross little
    (long arrows take part through their bends)."""
    from grandalf.graphs import Edge as _GEdge  # type: ignore[import-untyped]
    from grandalf.graphs import Vertex as _GVertex
    from grandalf.graphs import graph_core as _GCore
    from grandalf.layouts import Layer as _GLayer  # type: ignore[import-untyped]
    from grandalf.layouts import SugiyamaLayout

    class _FixedRanks(SugiyamaLayout):
        """grandalf's layered layout with the layers (columns) given instead of computed."""

        def __init__(self, graph: object, ranks: dict[str, int]) -> None:
            super().__init__(graph)
            self._fixed = ranks

        def setrank(self, v: Any) -> None:
            rank = self._fixed[v.data]
            self.grx[v].rank = rank
            while len(self.layers) <= rank:
                self.layers.append(_GLayer([]))
            self.layers[rank].append(v)

    piece = {k: k for k in keys}  # papers joined by arrows between columns (union-find)

    def root(k: str) -> str:
        while piece[k] != k:
            k = piece[k]
        return k

    for a, b in ranked:
        piece[max(root(a), root(b))] = min(root(a), root(b))
    found: dict[int, list[str]] = {}
    for head in sorted({root(k) for k in keys}):  # several when papers are linked only within one column
        members = [k for k in keys if root(k) == head]
        vertices = {k: _GVertex(k) for k in members}
        for v in vertices.values():
            v.view = _View(NODE_H, 10.0)
        edges = [_GEdge(vertices[a], vertices[b]) for a, b in ranked if a in vertices]
        # graph_core keeps the edges in this order (grandalf's Graph keeps them in a set, whose order
        # changes from run to run): the same graph is drawn the same way on every machine
        component = _GCore(list(vertices.values()), edges)
        low = min(column[k] for k in members)
        sug = _FixedRanks(component, {k: column[k] - low for k in members})
        sug.init_all(roots=[v for v in component.sV if not v.e_in()], inverted_edges=[])
        for _ in range(3):
            for _step in sug.ordering_step():
                pass
        for rank, layer in enumerate(sug.layers):
            found.setdefault(rank + low, []).extend(
                v.data for v in layer if isinstance(getattr(v, "data", None), str) and v.data in vertices
            )
    return found


def _fit(desired: list[float]) -> list[int]:
    """Rows for papers of one column, in order: strictly increasing, none above row 0, each as
    close to its desired row as the order allows (isotonic regression by pooling neighbours)."""
    blocks: list[list[float]] = []  # [sum, count] of shifted targets
    for i, d in enumerate(desired):
        blocks.append([d - i, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    rows: list[int] = []
    for total, count in blocks:
        rows.extend([max(0, round(total / count))] * int(count))
    return [r + i for i, r in enumerate(rows)]


def _median(values: list[int]) -> float:
    values = sorted(values)
    mid = len(values) // 2
    return float(values[mid]) if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def _rows(orders: dict[int, list[str]], neighbours: dict[str, set[str]], column: dict[str, int]) -> dict[str, int]:
    """Rows that keep each column's order, pack papers to the top and pull linked papers level."""
    row = {k: i for keys in orders.values() for i, k in enumerate(keys)}
    cols = sorted(orders)
    for _ in range(4):
        for sweep in (cols, cols[::-1]):
            for c in sweep:
                keys = orders[c]
                desired = []
                for k in keys:
                    near = [
                        row[n] for n in neighbours.get(k, ()) if column[n] != c and (column[n] < c) == (sweep is cols)
                    ]
                    desired.append(_median(near) if near else float(row[k]))
                for k, r in zip(keys, _fit(desired), strict=True):
                    row[k] = r
    used = sorted(set(row.values()))  # no empty rows
    rank = {r: i for i, r in enumerate(used)}
    return {k: rank[r] for k, r in row.items()}


def _span(first: str, last: str) -> str:
    """A band's label: "2021", "2014–17", "1998–2017"."""
    if first == last:
        return first
    return f"{first}–{last[2:] if first[:2] == last[:2] and last.isdigit() else last}"


def layout(nodes: Sequence[DrawNode], links: Sequence[DrawLink]) -> _Placed:
    """Where every paper and every bend of a long arrow goes (see the module's docstring)."""
    width = {n.key: text_width(n.label) + 16 for n in nodes}
    column, band = _banded_columns(nodes, links)
    count = max(column.values(), default=-1) + 1
    col_w = [0.0] * count
    band_years: dict[int, list[str]] = {}
    for n in nodes:
        col_w[column[n.key]] = max(col_w[column[n.key]], width[n.key])
        band_years.setdefault(band[n.key], []).append(_year(n))
    col_year = [""] * count
    for n in nodes:
        span = sorted(set(band_years[band[n.key]]))
        col_year[column[n.key]] = _span(span[0], span[-1])
    edges_x: list[tuple[float, float]] = []
    left = _MARGIN
    for w in col_w:
        edges_x.append((left, left + w))
        left += w + _GAP_X
    centre = {k: (edges_x[c][0] + edges_x[c][1]) / 2 for k, c in column.items()}
    # components, each ordered by grandalf and packed into rows
    neighbours: dict[str, set[str]] = {}
    ranked: list[tuple[str, str]] = []
    for link in links:
        a, b = link.parent, link.child
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
        if column[a] > column[b]:
            a, b = b, a
        if column[a] != column[b] and (a, b) not in ranked:
            ranked.append((a, b))
    seen: set[str] = set()
    components: list[list[str]] = []
    for n in sorted(nodes, key=lambda n: n.key):
        if n.key in seen:
            continue
        todo, members = [n.key], []
        seen.add(n.key)
        while todo:
            k = todo.pop()
            members.append(k)
            for m in sorted(neighbours.get(k, ())):
                if m not in seen:
                    seen.add(m)
                    todo.append(m)
        components.append(sorted(members))
    row: dict[str, int] = {}
    taken: set[tuple[int, int]] = set()  # (column, row) of every placed paper
    floor = [0] * count  # below every multi-paper component, per column
    for members in sorted(components, key=lambda m: (-len(m), min(column[k] for k in m), m)):
        inside = set(members)
        orders = _orders(members, column, [(a, b) for a, b in ranked if a in inside])
        own = _rows(orders, neighbours, column)
        c0, c1 = min(column[k] for k in members), max(column[k] for k in members)
        at = 0 if len(members) == 1 else max(floor[c0 : c1 + 1])
        while any((column[k], own[k] + at) in taken for k in members):
            at += 1
        for k in members:
            row[k] = own[k] + at
            taken.add((column[k], row[k]))
        if len(members) > 1:
            for c in range(c0, c1 + 1):
                floor[c] = max(floor[c], max(row[k] for k in members) + 1)
    used = sorted(set(row.values()))
    rank = {r: i for i, r in enumerate(used)}
    row = {k: rank[r] for k, r in row.items()}
    rows = max(row.values(), default=0) + 1
    top = _AXIS + _MARGIN + _PITCH / 2
    y = {k: top + r * _PITCH for k, r in row.items()}
    occupied: dict[int, set[int]] = {}
    for k, r in row.items():
        occupied.setdefault(column[k], set()).add(r)
    bends = {}
    for a, b in ranked:
        if column[b] - column[a] > 1:
            points = _route(row[a], row[b], column[a], column[b], occupied, rows)
            if points is not None:
                # level across the whole column: arrows turn only in the gaps between columns
                bends[a, b] = [(x, top + r * _PITCH) for c, r in points for x in (edges_x[c][0] - 3, edges_x[c][1] + 3)]
    height = top + (rows - 0.5) * _PITCH + _MARGIN
    return _Placed(centre, y, bends, left - _GAP_X + _MARGIN, height, edges_x, col_year, column)


def _route(
    start: int, end: int, c0: int, c1: int, occupied: dict[int, set[int]], rows: int
) -> list[tuple[int, float]] | None:
    """Bends for a long arrow: None when a straight run along its rows passes no paper, else one
    point per column between, on a free row or between two rows, as level as possible."""
    between = range(c0 + 1, c1)
    if start == end and all(start not in occupied.get(c, set()) for c in between):
        return None
    candidates = [r / 2 for r in range(-1, 2 * rows)]
    best: dict[float, tuple[float, list[float]]] = {float(start): (0.0, [])}
    for c in between:
        target = start + (end - start) * (c - c0) / (c1 - c0)
        nxt: dict[float, tuple[float, list[float]]] = {}
        for slot in candidates:
            if slot == int(slot) and int(slot) in occupied.get(c, set()):
                continue
            here = abs(slot - target) * 0.3 + (0.6 if slot != int(slot) else 0.0)
            cost, path = min(((v[0] + abs(slot - prev) + here, v[1]) for prev, v in best.items()), key=lambda t: t[0])
            nxt[slot] = (cost, [*path, slot])
        best = nxt
    _, path = min(((v[0] + abs(end - prev), v[1]) for prev, v in best.items()), key=lambda t: t[0])
    return [(c, r) for c, r in zip(between, path, strict=True)]


def _curve(points: list[tuple[float, float]]) -> str:
    """A smooth path through the points, leaving and entering each one horizontally."""
    (x, y), rest = points[0], points[1:]
    path = [f"M{x:.1f},{y:.1f}"]
    for nx, ny in rest:
        mid = (nx - x) / 2
        path.append(f"C{x + mid:.1f},{y:.1f} {nx - mid:.1f},{ny:.1f} {nx:.1f},{ny:.1f}")
        x, y = nx, ny
    return " ".join(path)


def _points(placed: _Placed, a: str, b: str, half: dict[str, float]) -> list[tuple[float, float]]:
    """An arrow's path from ``a`` (left) to ``b``: level out of its own column and into the next
    paper's, so that it turns only in the gaps between columns, never across a paper."""
    right = placed.column_x[placed.column[a]][1] + 3
    left = placed.column_x[placed.column[b]][0] - 3
    ay, by = placed.y[a], placed.y[b]
    return [
        (placed.x[a] + half[a], ay),
        (right, ay),
        *placed.bends.get((a, b), []),
        (left, by),
        (placed.x[b] - half[b], by),
    ]


def svg(nodes: Sequence[DrawNode], links: Sequence[DrawLink], ident: str, label: str) -> str:
    """The graph as one ``<svg>`` element; ``ident`` makes its element ids unique on a page."""
    esc = html.escape
    placed = layout(nodes, links)
    half = {n.key: (text_width(n.label) + 16) / 2 for n in nodes}
    out = [
        f'<svg class="lineage-svg" xmlns="http://www.w3.org/2000/svg" role="group" aria-label="{esc(label)}"'
        f' width="{placed.width:.0f}" height="{placed.height:.0f}"'
        f' viewBox="0 0 {placed.width:.0f} {placed.height:.0f}">',
        f'<defs><marker id="{ident}-arrow" class="lineage-arrow" viewBox="0 0 10 10" refX="9" refY="5"'
        ' markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z"/></marker></defs>',
    ]
    # years: alternate bands over each year's columns, labelled on top
    runs: list[tuple[str, float, float]] = []
    for (x0, x1), year in zip(placed.column_x, placed.column_year, strict=True):
        if runs and runs[-1][0] == year:
            runs[-1] = (year, runs[-1][1], x1)
        else:
            runs.append((year, x0, x1))
    for i, (year, x0, x1) in enumerate(runs):
        band = "lineage-year-band lineage-year-odd" if i % 2 else "lineage-year-band"
        out.append(
            f'<rect class="{band}" x="{x0 - _GAP_X / 2 + 2:.1f}" y="0" width="{x1 - x0 + _GAP_X - 4:.1f}"'
            f' height="{placed.height:.0f}" rx="4"/>'
            f'<text class="lineage-year" x="{(x0 + x1) / 2:.1f}" y="{_AXIS - 6:.0f}" text-anchor="middle">{year}</text>'
        )
    by_key = {n.key: n for n in nodes}
    for link in links:
        a, b = link.parent, link.child
        ax, ay, bx, by = placed.x[a], placed.y[a], placed.x[b], placed.y[b]
        if ax < bx:
            d = _curve(_points(placed, a, b, half))
        elif ax > bx:  # a concurrent paper building on a later one: the arrow points back
            d = _curve(_points(placed, b, a, half)[::-1])
        else:  # the same column: an arc on the right
            sx, tx = ax + half[a], bx + half[b]
            bulge = max(sx, tx) + 22
            d = f"M{sx:.1f},{ay:.1f} C{bulge:.1f},{ay:.1f} {bulge:.1f},{by:.1f} {tx:.1f},{by:.1f}"
        kind = "lineage-edge lineage-concurrent" if link.concurrent else "lineage-edge"
        faded = any("lineage-faded" in by_key[k].classes for k in (a, b))
        out.append(
            f'<g class="{kind}{" lineage-faded" if faded else ""}" data-from="{esc(a)}" data-to="{esc(b)}">'
            f"<title>{esc(link.title)}</title>"
            f'<path class="lineage-edge-line" d="{d}" marker-end="url(#{ident}-arrow)"/>'
            f'<path class="lineage-edge-hit" d="{d}"/></g>'
        )
    for node in sorted(nodes, key=lambda n: n.key):
        out.append(_node_markup(node, placed.x[node.key], placed.y[node.key], half[node.key]))
    out.append("</svg>")
    return "".join(out)


# --- the timeline: one lane per topic, x proportional to time within each year ----------------

_LANE_HEAD = 18.0  # a lane's name, above its papers
_ROW = NODE_H + 8


def _month(date: str | None) -> float:
    """Where in its year a date falls, 0..1 (mid-year for a bare year)."""
    if not date or len(date) < 7:
        return 0.5
    return (int(date[5:7]) - 0.5) / 12


def timeline_svg(
    nodes: Sequence[DrawNode], links: Sequence[DrawLink], lanes: Sequence[tuple[str, str]], ident: str
) -> str:
    """Every paper in the lane of its first topic (``lanes``: topic id and title, top to bottom),
    at its date; a year is as wide as its busiest lane needs, papers too close share it in rows."""
    esc = html.escape
    width = {n.key: text_width(n.label) + 14 for n in nodes}
    lane_of = {n.key: (n.topics[0] if n.topics else "") for n in nodes}
    order = [topic for topic, _ in lanes] + ([""] if any(not n.topics for n in nodes) else [])
    years = sorted({(n.date or "?")[:4] for n in nodes})
    need: dict[str, float] = {}
    for year in years:
        per_lane: dict[str, float] = {}
        for n in nodes:
            if (n.date or "?")[:4] == year:
                per_lane[lane_of[n.key]] = per_lane.get(lane_of[n.key], 0.0) + width[n.key] + 6
        need[year] = max(80.0, max(per_lane.values()) / 2.5)
    start: dict[str, float] = {}
    left = _MARGIN
    for year in years:
        start[year] = left
        left += need[year]
    # each lane: papers by date, each in the first row where it does not overlap the previous one
    x: dict[str, float] = {}
    row: dict[str, int] = {}
    rows_in: dict[str, int] = {}
    right = left
    for lane in order:
        ends: list[float] = []
        members = sorted((n for n in nodes if lane_of[n.key] == lane), key=lambda n: (date_key(n.date), n.key))
        for n in members:
            year = (n.date or "?")[:4]
            want = start[year] + _month(n.date) * need[year] - width[n.key] / 2
            want = max(want, start[year] + 2)
            free = next((i for i, end in enumerate(ends) if end + 6 <= want), None)
            if free is None:
                free = len(ends)
                ends.append(0.0)
            x[n.key] = want + width[n.key] / 2
            ends[free] = want + width[n.key]
            row[n.key] = free
            right = max(right, want + width[n.key])
        rows_in[lane] = max(1, len(ends))
    top: dict[str, float] = {}
    y0 = _AXIS + _MARGIN
    for lane in order:
        top[lane] = y0
        y0 += _LANE_HEAD + rows_in[lane] * _ROW + 8
    height = y0 + _MARGIN
    total = right + _MARGIN
    y = {k: top[lane_of[k]] + _LANE_HEAD + row[k] * _ROW + _ROW / 2 for k in x}
    out = [
        f'<svg class="lineage-svg lineage-timeline-svg" xmlns="http://www.w3.org/2000/svg" role="group"'
        f' aria-label="Timeline of {len(nodes)} papers" width="{total:.0f}" height="{height:.0f}"'
        f' viewBox="0 0 {total:.0f} {height:.0f}">',
        f'<defs><marker id="{ident}-arrow" class="lineage-arrow" viewBox="0 0 10 10" refX="9" refY="5"'
        ' markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z"/></marker></defs>',
    ]
    for i, year in enumerate(years):
        band = "lineage-year-band lineage-year-odd" if i % 2 else "lineage-year-band"
        out.append(
            f'<rect class="{band}" x="{start[year]:.1f}" y="0" width="{need[year]:.1f}" height="{height:.0f}"/>'
            f'<text class="lineage-year" x="{start[year] + need[year] / 2:.1f}" y="{_AXIS - 6:.0f}"'
            f' text-anchor="middle">{year}</text>'
        )
    titles = dict(lanes)
    for lane in order:
        out.append(
            f'<g class="lineage-lane" data-topics="{esc(lane)}"><line x1="0" x2="{total:.0f}" y1="{top[lane] - 5:.1f}"'
            f' y2="{top[lane] - 5:.1f}"/><text class="lineage-lane-name" x="{_MARGIN:.0f}" y="{top[lane] + 10:.1f}">'
            f"{esc(titles.get(lane, 'other'))}</text></g>"
        )
    half = {k: w / 2 for k, w in width.items()}
    by_key = {n.key: n for n in nodes}
    for link in links:
        a, b = link.parent, link.child
        start_x, end_x = x[a] + half[a], x[b] - half[b]
        if end_x < start_x + 10:  # close in time: leave from the top or bottom instead
            start_x, end_x = x[a], x[b]
        d = _curve([(start_x, y[a]), (end_x, y[b])])
        kind = "lineage-edge lineage-concurrent" if link.concurrent else "lineage-edge"
        out.append(
            f'<g class="{kind}" data-from="{esc(a)}" data-to="{esc(b)}"><title>{esc(link.title)}</title>'
            f'<path class="lineage-edge-line" d="{d}" marker-end="url(#{ident}-arrow)"/>'
            f'<path class="lineage-edge-hit" d="{d}"/></g>'
        )
    for key in sorted(x):
        out.append(_node_markup(by_key[key], x[key], y[key], half[key]))
    out.append("</svg>")
    return "".join(out)


def _node_markup(node: DrawNode, x: float, y: float, half: float) -> str:
    esc = html.escape
    classes = " ".join(("lineage-node", *node.classes))
    style = f' style="--lineage-hue: {node.hue}"' if node.hue is not None else ""
    topics = f' data-topics="{esc(" ".join(node.topics))}"' if node.topics else ""
    body = (
        f"<title>{esc(node.title or node.label)}</title>"
        f'<rect x="{x - half:.1f}" y="{y - NODE_H / 2:.1f}" width="{2 * half:.1f}" height="{NODE_H:.0f}" rx="5"/>'
        f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle">{esc(node.label)}</text>'
    )
    if node.href:
        return f'<a class="{classes}" href="{esc(node.href)}" data-key="{esc(node.key)}"{topics}{style}>{body}</a>'
    return f'<g class="{classes}" data-key="{esc(node.key)}"{topics}{style}>{body}</g>'
