"""Drawing a lineage as static SVG: x is time, y is chosen by a layered (Sugiyama) layout.

Columns follow the first public dates: a paper never stands left of an earlier one, every year
starts a new column, and a paper stands right of everything it builds on (concurrent works that
build on a later paper are the exception: their arrow points back). Within each column, grandalf
(pure Python) orders and places the papers and the bends of long arrows so that arrows cross
little. Colours are CSS classes and variables, so the site's light and dark themes both apply.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from survey.lineage import date_key

NODE_H = 24.0
_GAP_Y = 12.0  # between papers of a column
_GAP_X = 30.0  # between columns
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


def _columns(nodes: Sequence[DrawNode], links: Sequence[DrawLink]) -> dict[str, int]:
    year = {n.key: (n.date or "?")[:4] for n in nodes}
    parents: dict[str, list[str]] = {}
    for link in links:
        parents.setdefault(link.child, []).append(link.parent)
    column: dict[str, int] = {}
    previous: str | None = None
    for key in _order(nodes, links):
        at = 0
        if previous is not None:
            at = column[previous] + (year[key] != year[previous])
        for parent in parents.get(key, []):
            if parent in column:  # placed already: earlier (a later parent is a concurrent back-arrow)
                at = max(at, column[parent] + 1)
        column[key] = at
        previous = key
    return column


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
    column_year: list[str]


def layout(nodes: Sequence[DrawNode], links: Sequence[DrawLink]) -> _Placed:
    # grandalf is imported here: a build that draws nothing does not pay for it
    from grandalf.graphs import Edge as _GEdge  # type: ignore[import-untyped]
    from grandalf.graphs import Graph as _GGraph
    from grandalf.graphs import Vertex as _GVertex
    from grandalf.layouts import DummyVertex as _Dummy  # type: ignore[import-untyped]
    from grandalf.layouts import Layer as _GLayer
    from grandalf.layouts import SugiyamaLayout

    class _FixedRanks(SugiyamaLayout):
        """grandalf's layered layout with the layers (columns) given instead of computed."""

        def __init__(self, graph: object, ranks: dict[str, int]) -> None:
            super().__init__(graph)
            self._fixed = ranks
            self.xspace = _GAP_Y
            self.dw = 8.0  # the bends of long arrows: thinner than a paper

        def setrank(self, v: Any) -> None:
            rank = self._fixed[v.data]
            self.grx[v].rank = rank
            while len(self.layers) <= rank:
                self.layers.append(_GLayer([]))
            self.layers[rank].append(v)

    width = {n.key: text_width(n.label) + 16 for n in nodes}
    column = _columns(nodes, links)
    count = max(column.values(), default=-1) + 1
    col_w = [0.0] * count
    col_year = [""] * count
    for n in nodes:
        col_w[column[n.key]] = max(col_w[column[n.key]], width[n.key])
        col_year[column[n.key]] = (n.date or "?")[:4]
    edges_x: list[tuple[float, float]] = []
    left = _MARGIN
    for w in col_w:
        edges_x.append((left, left + w))
        left += w + _GAP_X
    centre = {k: (edges_x[c][0] + edges_x[c][1]) / 2 for k, c in column.items()}
    # the layered layout, on the arrows between different columns, oriented left to right
    vertices = {n.key: _GVertex(n.key) for n in nodes}
    for v in vertices.values():
        v.view = _View(NODE_H, 10.0)
    ranked: list[tuple[str, str]] = []
    for link in links:
        a, b = link.parent, link.child
        if column[a] > column[b]:
            a, b = b, a
        if column[a] != column[b] and (a, b) not in ranked:
            ranked.append((a, b))
    graph = _GGraph(list(vertices.values()), [_GEdge(vertices[a], vertices[b]) for a, b in ranked])
    inner_y: dict[str, float] = {}
    dummies: dict[tuple[str, str], list[tuple[int, float]]] = {}
    boxes = []
    for component in graph.C:
        keys = [v.data for v in component.sV]
        low = min(column[k] for k in keys)
        sug = _FixedRanks(component, {k: column[k] - low for k in keys})
        sug.init_all(roots=[v for v in component.sV if not v.e_in()], inverted_edges=[])
        sug.draw(N=3.5)
        for v in component.sV:
            inner_y[v.data] = v.view.xy[0]
        for e, ctrl in sug.ctrls.items():
            pair = (e.v[0].data, e.v[1].data)
            dummies[pair] = [(r + low, d.view.xy[0]) for r, d in sorted(ctrl.items()) if isinstance(d, _Dummy)]
        top = min(inner_y[k] for k in keys) - NODE_H / 2
        bottom = max(inner_y[k] for k in keys) + NODE_H / 2
        for points in (dummies.get((e.v[0].data, e.v[1].data), []) for e in component.sE):
            for _, bend in points:
                top, bottom = min(top, bend - 4), max(bottom, bend + 4)
        span = (low, max(column[k] for k in keys))
        boxes.append((keys, span, top, bottom))
    # stack the components: the largest first, each as high as the columns it spans allow
    floor = [_AXIS + _MARGIN] * count
    shift: dict[str, float] = {}
    for keys, (c0, c1), top, bottom in sorted(boxes, key=lambda b: (-len(b[0]), b[1], sorted(b[0]))):
        at = max(floor[c0 : c1 + 1])
        for k in keys:
            shift[k] = at - top
        for c in range(c0, c1 + 1):
            floor[c] = at + (bottom - top) + _GAP_Y
    y = {k: inner_y[k] + shift[k] for k in column}
    bends = {}
    for (a, b), points in dummies.items():
        bends[a, b] = [((edges_x[c][0] + edges_x[c][1]) / 2, py + shift[a]) for c, py in points]
    return _Placed(centre, y, bends, left - _GAP_X + _MARGIN, max(floor, default=_AXIS) + _MARGIN, edges_x, col_year)


def _curve(points: list[tuple[float, float]]) -> str:
    """A smooth path through the points, leaving and entering each one horizontally."""
    (x, y), rest = points[0], points[1:]
    path = [f"M{x:.1f},{y:.1f}"]
    for nx, ny in rest:
        mid = (nx - x) / 2
        path.append(f"C{x + mid:.1f},{y:.1f} {nx - mid:.1f},{ny:.1f} {nx:.1f},{ny:.1f}")
        x, y = nx, ny
    return " ".join(path)


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
            points = [(ax + half[a], ay), *placed.bends.get((a, b), []), (bx - half[b], by)]
            d = _curve(points)
        elif ax > bx:  # a concurrent paper building on a later one: the arrow points back
            points = [(bx + half[b], by), *placed.bends.get((b, a), []), (ax - half[a], ay)]
            d = _curve(points[::-1])
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
