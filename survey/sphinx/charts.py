"""Leaderboard charts: static SVG drawn with matplotlib at build time, inlined in the page.

Two charts per benchmark where the data allow: the best value of its first metric over time (x: the
paper's first public date; one line per comparable setting), and that metric against compute (GFLOPs,
else parameters) with the Pareto front. Every point is its own SVG group with a ``<title>`` (model,
paper, value: the hover text) inside a link to the paper's entry on the page. Text and axes are drawn
in ``currentColor`` so the chart follows the theme's light or dark foreground; the background is
transparent. Charts are cached on disk by the digest of what they show, so a build that does not
change a benchmark's data draws nothing.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from survey.results import Benchmark, Result, heading, show, with_unit

#: what every chart also depends on: this module's code (a change redraws everything) and matplotlib
_VERSION = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()
_INK = "#010203"  # drawn as currentColor after rendering
PALETTE = ("#3b82f6", "#f97316", "#10b981", "#ec4899", "#8b5cf6", "#06b6d4", "#eab308", "#ef4444")
_MAX_GROUPS = len(PALETTE) - 1
COMPUTE_FIELDS = ("gflops", "params")  # preferred x of the compute chart, in order


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    model: str
    paper: str  # citekey
    name: str  # the paper as cited: "He et al., 2022"
    date: str
    group: int
    value: str  # the metric value as shown, with unit

    def title(self, x_text: str = "") -> str:
        return f"{self.model} — {self.name} ({self.date}): {self.value}" + (f"; {x_text}" if x_text else "")


@dataclass(frozen=True)
class Chart:
    id: str
    svg: str
    caption: str
    text: tuple[str, ...]  # the text alternative, one line each
    points: int


def decimal_year(date: str) -> float | None:
    """``2021-11`` -> 2021.83…; ``2021`` -> 2021.5 (mid-year: only the year is known)."""
    match = re.match(r"^(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", date)
    if not match:
        return None
    year = int(match.group(1))
    if not match.group(2):
        return year + 0.5
    month = int(match.group(2))
    day = int(match.group(3) or 1)
    return year + (month - 1) / 12 + (day - 1) / 365


def date_ticks(low: float, high: float, most: int = 10) -> list[tuple[float, str]]:
    """Ticks for a decimal-year axis, each label naming a different date: whole years ("2021")
    when at least three fit, else quarters ("Apr 2021"); at most *most* of them."""
    first, last = math.ceil(low), math.floor(high)
    if last - first >= 2:
        step = max(1, math.ceil((last - first + 1) / most))
        return [(float(year), str(year)) for year in range(first, last + 1, step)]
    quarters = range(math.ceil(low * 4), math.floor(high * 4) + 1)
    step = max(1, math.ceil(len(quarters) / most))
    return [(q / 4, f"{calendar.month_abbr[q % 4 * 3 + 1]} {q // 4}") for q in quarters[::step]]


def groups(benchmark: Benchmark, rows: Sequence[Result]) -> tuple[list[str], list[int]]:
    """Comparable settings: one group per combination of the benchmark's ``lines`` settings (by
    default the text and yes/no settings of its reference, else ``extra_data``). Returns the group
    labels and each row's group; beyond the palette, the rarest groups share "other settings"."""
    fields = list(benchmark.lines) or [
        k for k in benchmark.reference if (s := benchmark.setting(k)) is not None and s.type != "number"
    ]
    if not fields and benchmark.setting("extra_data") is not None:
        fields = ["extra_data"]
    keys = []
    for row in rows:
        parts = []
        for name in fields:
            setting = benchmark.setting(name)
            value = row.settings.get(name)
            shown = "not stated" if value is None else with_unit(value, setting.unit if setting else "")
            parts.append(f"{setting.label if setting else name}: {shown}")
        keys.append(", ".join(parts) or "all results")
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    ranked = sorted(counts, key=lambda k: (-counts[k], k))
    kept = ranked[:_MAX_GROUPS] if len(ranked) > _MAX_GROUPS + 1 else ranked
    labels = kept + (["other settings"] if len(kept) < len(ranked) else [])
    return labels, [kept.index(k) if k in kept else len(kept) for k in keys]


def charts(benchmark: Benchmark, dates: dict[str, str], names: dict[str, str], cache: Path) -> list[Chart]:
    """The benchmark's charts (none when it has too few dated or compute-annotated rows)."""
    if not benchmark.metrics:
        return []
    metric = benchmark.metrics[0]
    rows = [r for r in benchmark.results if metric.id in r.metrics]
    labels, membership = groups(benchmark, rows)

    def point(row: Result, x: float, group: int) -> Point:
        date = dates.get(row.paper, "")
        value = f"{with_unit(row.metrics[metric.id], metric.unit)} {metric.label}"
        return Point(
            x, row.metrics[metric.id], row.model, row.paper, names.get(row.paper, row.paper), date, group, value
        )

    made = []
    dated = [
        point(row, x, g)
        for row, g in zip(rows, membership, strict=True)
        if (x := decimal_year(dates.get(row.paper, ""))) is not None
    ]
    if dated:
        made.append(_cached(cache, benchmark, "progress", dated, labels, metric.label, metric.higher, ""))
    for field in COMPUTE_FIELDS:
        setting = benchmark.setting(field)
        known = [
            (row, g)
            for row, g in zip(rows, membership, strict=True)
            if isinstance(row.settings.get(field), int | float)
        ]
        if setting is not None and len(known) >= 2:
            x_label = heading(setting.label, setting.unit)
            compute = [point(row, float(row.settings[field]), g) for row, g in known if float(row.settings[field]) > 0]
            made.append(_cached(cache, benchmark, "compute", compute, labels, metric.label, metric.higher, x_label))
            break
    return made


def _cached(
    cache: Path,
    benchmark: Benchmark,
    kind: str,
    points: list[Point],
    labels: list[str],
    metric: str,
    higher: bool,
    x_label: str,
) -> Chart:
    chart_id = f"chart-{benchmark.id}-{kind}"
    key = repr((_VERSION, _matplotlib_version(), chart_id, points, labels, metric, higher, x_label))
    digest = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    path = cache / f"{digest}.svg"
    if path.exists():
        svg = path.read_text(encoding="utf-8")
    else:
        svg = _draw(chart_id, kind, points, labels, metric, higher, x_label)
        cache.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(svg, encoding="utf-8")
        temporary.replace(path)
    if kind == "progress":
        caption = (
            f"Best {metric} so far, by the first public date of each paper"
            + ("" if labels == ["all results"] else "; one line per setting")
            + ". Hover over a point for its model, paper and value; select it to go to the paper."
        )
        text = _progress_text(points, labels, higher)
    else:
        caption = (
            f"{metric} against {x_label}; the line is the Pareto front (no other result is both cheaper and better)."
            " Hover over a point for its model, paper and value."
        )
        text = tuple(
            f"{'Pareto front: ' if p in _front(points, higher) else ''}{p.title(f'{x_label} {show(p.x)}')}"
            for p in sorted(points, key=lambda p: p.x)
        )
    return Chart(chart_id, svg, caption, text, len(points))


def _matplotlib_version() -> str:
    from importlib.metadata import version

    return version("matplotlib")


def best_so_far(points: Sequence[Point], higher: bool) -> list[Point]:
    """The points that set a new best when they appeared, in date order."""
    records: list[Point] = []
    for p in sorted(points, key=lambda p: (p.x, -p.y if higher else p.y)):
        if not records or (p.y > records[-1].y if higher else p.y < records[-1].y):
            records.append(p)
    return records


def _front(points: Sequence[Point], higher: bool) -> list[Point]:
    """Pareto front: points no other point beats at lower-or-equal compute."""
    return best_so_far(points, higher)


def _progress_text(points: list[Point], labels: list[str], higher: bool) -> tuple[str, ...]:
    lines = []
    for g, label in enumerate(labels):
        members = [p for p in points if p.group == g]
        if members:
            records = "; ".join(p.title() for p in best_so_far(members, higher))
            lines.append(f"{label} — new bests: {records}")
    return tuple(lines)


def _draw(
    chart_id: str, kind: str, points: list[Point], labels: list[str], metric: str, higher: bool, x_label: str
) -> str:
    import matplotlib
    from matplotlib import ticker
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    style: dict[str, Any] = {
        "svg.fonttype": "none",  # text stays text: it takes the page's font and colour
        "svg.hashsalt": chart_id,  # stable ids: identical data give identical files
        "font.size": 10,
        "font.family": "sans-serif",
        "text.color": _INK,
        "axes.edgecolor": _INK,
        "axes.labelcolor": _INK,
        "xtick.color": _INK,
        "ytick.color": _INK,
        "grid.color": _INK,
        "grid.alpha": 0.18,
        "figure.facecolor": "none",
        "axes.facecolor": "none",
        "savefig.facecolor": "none",
        "savefig.edgecolor": "none",
    }
    with matplotlib.rc_context(style):  # type: ignore[arg-type]  # keys checked against a Literal
        figure = Figure(figsize=(7.2, 3.9), layout="constrained")
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        axes.grid(True)
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_ylabel(metric)
        used = sorted({p.group for p in points})
        if kind == "progress":
            axes.set_xlabel("First public date")
            end = max(p.x for p in points)
            for g in used:
                records = best_so_far([p for p in points if p.group == g], higher)
                xs = [p.x for p in records] + [end]
                ys = [p.y for p in records] + [records[-1].y]
                axes.step(xs, ys, where="post", color=PALETTE[g % len(PALETTE)], linewidth=1.6, label=labels[g])
            named = [best_so_far([p for p in points if p.group == g], higher)[-1] for g in used]
        else:
            axes.set_xlabel(x_label)
            xs = [p.x for p in points]
            if min(xs) > 0 and max(xs) / min(xs) > 8:
                axes.set_xscale("log")
            front = _front(points, higher)
            axes.step(
                [p.x for p in front],
                [p.y for p in front],
                where="post",
                color=_INK,
                linewidth=1.2,
                alpha=0.6,
                linestyle="--",
                label="Pareto front",
            )
            named = front
        for i, p in enumerate(points):
            dot = axes.scatter([p.x], [p.y], s=30, color=PALETTE[p.group % len(PALETTE)], zorder=3, edgecolors="none")
            dot.set_gid(f"pt{i}")
            dot.set_urls([f"#cite-{p.paper}"])
        if kind == "compute" and len(used) > 1:
            for g in used:  # the dots' colours, named in the legend
                axes.plot([], [], "o", color=PALETTE[g % len(PALETTE)], label=labels[g])
        if len(used) > 1 or kind == "compute":
            axes.legend(frameon=False, fontsize=8, loc="best")
        if kind == "progress":
            first, last = min(p.x for p in points), max(p.x for p in points)
            axes.set_xlim(first - 0.3, last + 0.3)
            marks = date_ticks(first - 0.3, last + 0.3)
            axes.xaxis.set_major_locator(ticker.FixedLocator([x for x, _ in marks]))
            axes.xaxis.set_major_formatter(ticker.FixedFormatter([text for _, text in marks]))
        elif axes.get_xscale() == "log":
            axes.xaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
            axes.xaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
            axes.xaxis.set_minor_formatter(ticker.NullFormatter())
        _label(axes, sorted(named, key=lambda p: -p.y if higher else p.y))
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return _inline(out.getvalue(), chart_id, points, x_label)


def _label(axes: Any, points: Sequence[Point]) -> None:
    """Name the most notable points (best first) with their model, skipping any label that would sit
    on one already placed; every point still names itself on hover."""
    x0, x1 = axes.get_xlim()
    y0, y1 = axes.get_ylim()
    log = axes.get_xscale() == "log"

    def where(p: Point) -> tuple[float, float]:
        fx = (math.log(p.x / x0) / math.log(x1 / x0)) if log else (p.x - x0) / ((x1 - x0) or 1)
        return fx, (p.y - y0) / ((y1 - y0) or 1)

    placed: list[tuple[float, float]] = []
    for p in points:
        fx, fy = where(p)
        if any(abs(fx - px) < 0.25 and abs(fy - py) < 0.08 for px, py in placed):
            continue
        placed.append((fx, fy))
        right = fx < 0.8
        axes.annotate(
            p.model,
            (p.x, p.y),
            textcoords="offset points",
            xytext=(5 if right else -5, 3),
            fontsize=8,
            ha="left" if right else "right",
        )


def _inline(svg: str, chart_id: str, points: list[Point], x_label: str) -> str:
    """matplotlib's SVG made fit to inline in HTML: no XML prologue, ids unique on the page, the ink
    colour as currentColor, scalable, each point a titled link."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    # matplotlib's <style> says *{…}: inline, it would restyle every SVG of the page; attributes inherit instead
    svg = re.sub(r"\s*<defs>\s*<style[^>]*>[^<]*</style>\s*</defs>", "", svg, count=1)
    svg = svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    prefix = chart_id + "-"
    svg = re.sub(r'<a xlink:href="([^"]*)" target="_blank">', r'<a href="\1">', svg)  # links to the page's entries
    svg = re.sub(r'\bid="', f'id="{prefix}', svg)
    svg = svg.replace('xlink:href="#', f'xlink:href="#{prefix}').replace("url(#", f"url(#{prefix}")
    svg = svg.replace(_INK, "currentColor")
    # no fixed size (CSS scales it); not role="img", which would hide the points' links from assistive tech
    svg = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r"<svg \1", svg, count=1)
    for i, p in enumerate(points):
        title = html.escape(p.title(f"{x_label} {show(p.x)}" if x_label else ""))
        # the title inside the link: the hover text, and the link's accessible name
        head = f'<g id="{prefix}pt{i}">'
        at = svg.index(head)
        link_end = svg.index(">", svg.index("<a ", at)) + 1
        opening = f'<g id="{prefix}pt{i}" class="leaderboard-point">{svg[at + len(head) : link_end]}'
        svg = f"{svg[:at]}{opening}<title>{title}</title>{svg[link_end:]}"
    return svg
