"""Lineage graphs on the site: ``{lineage}`` in chapters and ``{lineage-timeline}`` for the
timeline page, drawn at build time as inline SVG with a nested-list text alternative.

The data (``builds_on``, names, first public dates) comes from ``survey.lineage``, read once per
change of papers.toml or papers.lock. Directives leave placeholders that are drawn when the page
is written, once the page's citations are known (a node links to the section of this page that
cites the paper, else to its entry on the references page). Drawn graphs are cached on disk by a
digest of everything they show, so a rebuild that changes no graph lays out nothing; the cache is
content-addressed and written atomically, so parallel writers can share it.

Warnings are named ``survey.lineage`` (unknown ``:around:`` paper, a topic without papers, a
malformed option, an unreadable paper list).
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from survey import lineage as data
from survey import paperlist, store
from survey.sphinx import citations, lineage_svg, pages
from survey.sphinx.lineage_svg import DrawLink, DrawNode, svg, timeline_svg

logger = logging.getLogger(__name__)
#: Part of every cache key: a change to the drawing code draws every graph again.
_VERSION = hashlib.blake2b(Path(lineage_svg.__file__).read_bytes(), digest_size=8).hexdigest()
_EMPTY = data.Lineage({}, ())


class lineage_graph(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Placeholder for one ``{lineage}`` graph; its attributes hold the options."""


class lineage_timeline(nodes.General, nodes.Element):  # noqa: N801
    """Placeholder for the timeline of every paper."""


def _warn(message: str, location: Any) -> None:
    logger.warning(message, location=location, type="survey", subtype="lineage")


def _depth(value: str | None) -> int | None:
    """``:depth:``: a positive number or ``all``; raises ValueError otherwise."""
    if value is None:
        return 1
    if value.strip() == "all":
        return None
    depth = int(value)
    if depth < 1:
        raise ValueError(value)
    return depth


class _LineageBase(SphinxDirective):
    def _note_inputs(self) -> None:
        from survey.commands.fetch import lock_path_for
        from survey.sphinx import data_files

        _, papers = data_files(self.env.app)
        if papers is not None:
            self.env.note_dependency(str(papers))
            if lock_path_for(papers).exists():
                self.env.note_dependency(str(lock_path_for(papers)))


class LineageDirective(_LineageBase):
    """``{lineage}``: a topic's papers (``:topic:``, default: this document's name) with the papers
    they build on from other topics, faded; or one paper's ancestors and descendants
    (``:around: key``, ``:depth: N|all``, default 1). ``:caption:`` adds a caption."""

    option_spec = {
        "topic": directives.unchanged_required,
        "around": directives.unchanged_required,
        "depth": directives.unchanged_required,
        "caption": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        self._note_inputs()
        node = lineage_graph()
        self.set_source_info(node)
        try:
            _depth(self.options.get("depth"))
        except ValueError:
            _warn(f"lineage: :depth: must be a positive number or 'all', not {self.options['depth']!r}", node)
            return []
        if "depth" in self.options and "around" not in self.options:
            _warn("lineage: :depth: applies only with :around:", node)
        node["topic"] = self.options.get("topic", "").strip() or self.env.docname.rsplit("/", 1)[-1]
        node["around"] = self.options.get("around", "").strip()
        node["depth"] = self.options.get("depth", "1").strip()
        node["caption"] = self.options.get("caption", "")
        return [node]


class TimelineDirective(_LineageBase):
    """``{lineage-timeline}``: every paper by first public date, coloured by its chapter, with
    lineage arrows and a topic filter."""

    def run(self) -> list[nodes.Node]:
        self._note_inputs()
        node = lineage_timeline()
        self.set_source_info(node)
        return [node]


# --- data ------------------------------------------------------------------------------------


def lineage_of(app: Sphinx) -> data.Lineage:
    """The build's lineage (read when the build starts)."""
    cached = getattr(app.env, "survey_lineage", None)
    return cached[1] if cached is not None else _load(app)


def _load(app: Sphinx) -> data.Lineage:
    """The paper list's lineage, kept in the environment while papers.toml and papers.lock stay the same."""
    from survey.commands.fetch import lock_path_for
    from survey.sphinx import data_files

    _, papers = data_files(app)
    if papers is None or not papers.exists():
        return _EMPTY
    lock = lock_path_for(papers)
    hashed = hashlib.sha256(papers.read_bytes())
    if lock.exists():
        hashed.update(b"\0" + lock.read_bytes())
    digest = hashed.hexdigest()
    known = getattr(app.env, "survey_catalog", None)
    digest += known.digest if known is not None else ""
    cached = getattr(app.env, "survey_lineage", None)
    if cached is not None and cached[0] == digest:
        return cached[1]  # type: ignore[no-any-return]
    try:
        found = data.build(paperlist.load(papers), store.load(lock))
    except (paperlist.PaperListError, store.StoreError) as exc:
        _warn(f"lineage: {exc}", None)
        found = _EMPTY
    if known is not None:  # papers without a record yet: name them as refs.bib does
        unnamed = {k: n for k, n in found.nodes.items() if n.name == k and k in known.entries}
        renamed = {k: dataclasses.replace(n, name=known.entries[k].short_authors) for k, n in unnamed.items()}
        found = data.Lineage({**found.nodes, **renamed}, found.links)
    app.env.survey_lineage = (digest, found)  # type: ignore[attr-defined]
    return found


def _builder_inited(app: Sphinx) -> None:
    _load(app)  # once per build, in the main process, before parallel readers and writers fork


# --- drawing ---------------------------------------------------------------------------------


def _title(app: Sphinx, node: data.Node) -> str:
    entries = app.env.survey_catalog.entries  # type: ignore[attr-defined]
    entry = entries.get(node.key)
    when = node.date or "date unknown"
    return f"{entry.title} ({entry.short_authors}, {when})" if entry else f"{node.name} ({when})"


def _link_title(lineage: data.Lineage, link: data.Link) -> str:
    child, parent = lineage.nodes[link.child].name, lineage.nodes[link.parent].name
    text = f"{child} builds on {parent}" + (f": {link.change}" if link.change else "")
    return text + (" (concurrent work)" if link.concurrent else "")


def _reference_href(app: Sphinx, fromdoc: str, key: str) -> str:
    target = pages.list_page(app.env)
    if target is None:
        return ""
    return f"{app.builder.get_relative_uri(fromdoc, target)}#paper-{key}"


def _chapter_hrefs(app: Sphinx, fromdoc: str, keys: set[str]) -> dict[str, str]:
    """Each paper's link: the first section of this page citing it, else its reference entry."""
    here: dict[str, str] = {}
    for key, section_id, _ in getattr(app.env, "survey_citations", {}).get(fromdoc, []):
        here.setdefault(key, f"#{section_id}" if section_id else f"#cite-{key}")
    return {key: here.get(key) or _reference_href(app, fromdoc, key) for key in keys}


def _selection(lineage: data.Lineage, node: lineage_graph) -> tuple[set[str], str] | None:
    """The papers one graph shows and its home topic (other topics' papers are faded)."""
    topic, around = node["topic"], node["around"]
    if around:
        if around not in lineage.nodes:
            _warn(f"lineage: :around: {around!r} is not a paper of papers.toml", node)
            return None
        depth = _depth(node["depth"])
        return {around} | lineage.ancestors(around, depth) | lineage.descendants(around, depth), topic
    members = {k for k, n in lineage.nodes.items() if topic in n.topics}
    if not members:
        _warn(f"lineage: no paper of papers.toml has topic {topic!r}", node)
        return None
    return members | {link.parent for link in lineage.links if link.child in members}, topic


def _cached(app: Sphinx, parts: object, draw: Any) -> str:
    """The drawing of ``parts`` from the on-disk cache, drawn (by ``draw``) only when missing."""
    digest = hashlib.blake2b(repr((_VERSION, parts)).encode(), digest_size=16).hexdigest()
    folder = Path(app.doctreedir) / "survey-lineage"
    path = folder / f"{digest}.svg"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    drawn: str = draw(f"lg{digest[:10]}")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(drawn)
    os.replace(tmp, path)
    return drawn


def _text_alternative(
    lineage: data.Lineage, shown: list[data.Node], hrefs: dict[str, str], links: list[data.Link], summary: str
) -> str:
    """The same lineage as a nested list: each paper, then what it builds on and what changed."""
    esc = html.escape

    def name(key: str) -> str:
        node = lineage.nodes[key]
        text = f"{esc(node.name)} ({esc(node.date or 'date unknown')})"
        return f'<a href="{esc(hrefs[key])}">{text}</a>' if hrefs.get(key) else text

    items = []
    for node in shown:
        parents = [link for link in links if link.child == node.key]
        inner = "".join(
            f"<li>builds on {name(link.parent)}"
            + (f": {esc(link.change)}" if link.change else "")
            + (" (concurrent work)" if link.concurrent else "")
            + "</li>"
            for link in parents
        )
        items.append(f"<li>{name(node.key)}" + (f"<ul>{inner}</ul>" if inner else "") + "</li>")
    return (
        f'<details class="lineage-text"><summary>{esc(summary)}</summary>'
        f'<ul class="lineage-list">{"".join(items)}</ul></details>'
    )


def _classes(node: data.Node, home: str, around: str) -> tuple[str, ...]:
    if node.key == around:
        return ("lineage-focus",)
    return ("lineage-home",) if home in node.topics else ("lineage-faded",)


def _draw_graph(app: Sphinx, fromdoc: str, lineage: data.Lineage, node: lineage_graph) -> nodes.Node | None:
    picked = _selection(lineage, node)
    if picked is None:
        return None
    keys, home = picked
    shown = sorted((lineage.nodes[k] for k in keys), key=lambda n: (data.date_key(n.date), n.key))
    links = [link for link in lineage.links if link.parent in keys and link.child in keys]
    hrefs = _chapter_hrefs(app, fromdoc, keys)
    draw_nodes, draw_links = _drawable(
        app,
        lineage,
        shown,
        links,
        hrefs,
        lambda n: DrawNode(n.key, "", None, classes=_classes(n, home, node["around"])),
    )
    subject = f"around {lineage.nodes[node['around']].name}" if node["around"] else f"of {home}"
    label = f"Lineage {subject}: {len(shown)} papers, {len(links)} arrows"
    drawn = _cached(app, (draw_nodes, draw_links, label), lambda ident: svg(draw_nodes, draw_links, ident, label))
    caption = f"<figcaption>{html.escape(node['caption'])}</figcaption>" if node["caption"] else ""
    alternative = _text_alternative(lineage, shown, hrefs, links, "The lineage as a list")
    markup = f'<figure class="lineage-graph"><div class="lineage-scroll">{drawn}</div>{caption}{alternative}</figure>'
    return nodes.raw("", markup, format="html")


def _drawable(
    app: Sphinx,
    lineage: data.Lineage,
    shown: list[data.Node],
    links: list[data.Link],
    hrefs: dict[str, str],
    style: Callable[[data.Node], DrawNode],
) -> tuple[tuple[DrawNode, ...], tuple[DrawLink, ...]]:
    """What the SVG drawing needs of the shown papers and arrows; *style* gives each paper's look
    (classes, hue, topics), the rest (label, date, link, hover text) is the same for every graph."""
    draw_nodes = tuple(
        dataclasses.replace(style(n), label=n.label, date=n.date, href=hrefs[n.key], title=_title(app, n))
        for n in shown
    )
    draw_links = tuple(DrawLink(k.parent, k.child, _link_title(lineage, k), k.concurrent) for k in links)
    return draw_nodes, draw_links


def _hues(topics: list[str]) -> dict[str, int]:
    """A distinct hue per topic, spread around the colour wheel (golden angle)."""
    return {topic: int(i * 137.5 + 200) % 360 for i, topic in enumerate(topics)}


def _draw_timeline(app: Sphinx, fromdoc: str, lineage: data.Lineage) -> nodes.Node:
    env = app.env
    order = citations.reading_order(env)
    present = {t for n in lineage.nodes.values() for t in n.topics[:1]}
    topics = [d for d in order if d in present] + sorted(present - set(order))
    hue = _hues(topics)
    shown = sorted(lineage.nodes.values(), key=lambda n: (data.date_key(n.date), n.key))
    hrefs = {n.key: _reference_href(app, fromdoc, n.key) for n in shown}
    links = list(lineage.links)

    def style(n: data.Node) -> DrawNode:
        topic = ("lineage-topic",) if n.topics else ()
        return DrawNode(n.key, "", None, classes=topic, hue=hue[n.topics[0]] if n.topics else None, topics=n.topics)

    draw_nodes, draw_links = _drawable(app, lineage, shown, links, hrefs, style)
    esc = html.escape

    def title(topic: str) -> str:
        return env.titles[topic].astext() if topic in env.titles else topic

    lanes = tuple((t, title(t)) for t in topics)
    drawn = _cached(
        app,
        ("timeline", draw_nodes, draw_links, lanes),
        lambda ident: timeline_svg(draw_nodes, draw_links, lanes, ident),
    )

    boxes = "".join(
        f'<label class="lineage-topic" style="--lineage-hue: {hue[t]}">'
        f'<input type="checkbox" value="{esc(t)}" checked> {esc(title(t))}</label>'
        for t in topics
    )
    controls = (
        '<div class="lineage-filter" role="group" aria-label="Topics shown">'
        '<button type="button" class="lineage-all">all</button> '
        f'<button type="button" class="lineage-none">none</button> {boxes}</div>'
    )
    years: dict[str, list[str]] = {}
    for n in shown:
        owner = n.topics[0] if n.topics else ""
        parents = [link for link in links if link.child == n.key]
        inner = "".join(
            f'<li>builds on <a href="{esc(hrefs[k.parent])}">{esc(lineage.nodes[k.parent].name)}</a>'
            + (f": {esc(k.change)}" if k.change else "")
            + "</li>"
            for k in parents
        )
        years.setdefault(n.year or "date unknown", []).append(
            f'<li data-topics="{esc(" ".join(n.topics))}"><a href="{esc(hrefs[n.key])}">{esc(n.name)}</a>'
            f" ({esc(n.date or 'date unknown')}{', ' + esc(title(owner)) if owner else ''})"
            + (f"<ul>{inner}</ul>" if inner else "")
            + "</li>"
        )
    listing = "".join(f"<li>{esc(year)}<ul>{''.join(items)}</ul></li>" for year, items in years.items())
    markup = (
        f'<div class="lineage-timeline">{controls}<figure class="lineage-graph">'
        f'<div class="lineage-scroll">{drawn}</div>'
        '<details class="lineage-text"><summary>The timeline as a list</summary>'
        f'<ul class="lineage-list">{listing}</ul></details></figure></div>'
    )
    return nodes.raw("", markup, format="html")


# --- "builds on" / "built upon by" on the reference list and the paper index ------------------


def _neighbours(lineage: data.Lineage, key: str) -> list[tuple[str, list[str]]]:
    up = [link.parent for link in lineage.links if link.child == key]
    down = [link.child for link in lineage.links if link.parent == key]
    return [(label, keys) for label, keys in (("Builds on", up), ("Built upon by", down)) if keys]


def reference_links(app: Sphinx, key: str, href: Callable[[str], str]) -> nodes.Node | None:
    """A reference entry's "Builds on: …. Built upon by: …." paragraph (None without lineage)."""
    lineage = lineage_of(app)
    found = _neighbours(lineage, key)
    if not found:
        return None
    para = nodes.paragraph(classes=["survey-lineage"])
    for i, (label, keys) in enumerate(found):
        para += nodes.Text((" " if i else "") + f"{label}: ")
        for j, other in enumerate(keys):
            if j:
                para += nodes.Text("; ")
            para += nodes.reference(text=lineage.nodes[other].name, refuri=href(other), internal=True)
        para += nodes.Text(".")
    return para


def index_cell(app: Sphinx, key: str, href: Callable[[str], str]) -> str:
    """The paper index's lineage cell: links to what the paper builds on and what builds on it."""
    lineage = lineage_of(app)
    esc = html.escape
    return "<br>".join(
        f"{label.lower()}: "
        + ", ".join(f'<a href="{esc(href(other))}">{esc(lineage.nodes[other].name)}</a>' for other in keys)
        for label, keys in _neighbours(lineage, key)
    )


def resolve(app: Sphinx, doctree: nodes.document, fromdoc: str) -> None:
    graphs = list(doctree.findall(lineage_graph))
    timelines = list(doctree.findall(lineage_timeline))
    if not graphs and not timelines:
        return
    lineage = lineage_of(app)
    for graph in graphs:
        drawn = _draw_graph(app, fromdoc, lineage, graph) if app.builder.format == "html" else None
        graph.replace_self(drawn or [])
    for timeline in timelines:
        timeline.replace_self(_draw_timeline(app, fromdoc, lineage) if app.builder.format == "html" else [])


def setup(app: Sphinx) -> None:
    app.add_node(lineage_graph)
    app.add_node(lineage_timeline)
    app.add_directive("lineage", LineageDirective)
    app.add_directive("lineage-timeline", TimelineDirective)
    app.connect("builder-inited", _builder_inited, priority=600)  # after the catalog is made
    app.connect("doctree-resolved", resolve)
    app.add_css_file("lineage.css")
    app.add_js_file("lineage.js")
