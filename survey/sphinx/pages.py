"""The generated parts of the site: the global reference list with "cited in" backlinks and
copy-BibTeX controls (``{paper-list}``), and the sortable, filterable paper index
(``{paper-index}``). Directives leave placeholders; content is built when the doctree is
resolved, once every document's citations are known."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from survey.sphinx import citations, lineage, results
from survey.sphinx.catalog import Catalog, CatalogEntry


class paper_list(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Placeholder for the global reference list."""


class paper_index(nodes.General, nodes.Element):  # noqa: N801
    """Placeholder for the paper index table."""


def _generated_pages(env: BuildEnvironment) -> dict[str, str]:
    """docname -> "list" / "index": pages whose content depends on every other page."""
    if not hasattr(env, "survey_pages"):
        env.survey_pages = {}  # type: ignore[attr-defined]
    return env.survey_pages  # type: ignore[attr-defined,no-any-return]


class _GeneratedDirective(SphinxDirective):
    kind = ""
    node_class: type[nodes.Element] = paper_list

    def run(self) -> list[nodes.Node]:
        from survey.sphinx import data_files

        for path in data_files(self.env.app):
            if path is not None:
                self.env.note_dependency(str(path))
        _generated_pages(self.env)[self.env.docname] = self.kind
        return [self.node_class()]


class PaperListDirective(_GeneratedDirective):
    """``{paper-list}``: every paper of refs.bib, with its "cited in" backlinks."""

    kind = "list"
    node_class = paper_list


class PaperIndexDirective(_GeneratedDirective):
    """``{paper-index}``: a table of every paper, sortable and filterable in the browser."""

    kind = "index"
    node_class = paper_index


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _generated_pages(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _generated_pages(env).update({d: k for d, k in _generated_pages(other).items() if d in docnames})


def rewrite_generated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """The generated pages, when what they show of the other pages changed (who cites what, where,
    under which titles). Their content is made when they are written, so they need no re-reading."""
    cited = citations.cited_in(env, citations.reading_order(env))
    titles = {p.docname: env.titles[p.docname].astext() for ps in cited.values() for p in ps if p.docname in env.titles}
    digest = hashlib.blake2b(repr((sorted(cited.items()), sorted(titles.items()))).encode()).hexdigest()
    if getattr(env, "survey_cited_digest", None) == digest:
        return []
    env.survey_cited_digest = digest  # type: ignore[attr-defined]
    return sorted(d for d in _generated_pages(env) if d in env.found_docs)


def list_page(env: BuildEnvironment) -> str | None:
    pages = sorted(d for d, kind in _generated_pages(env).items() if kind == "list")
    return pages[0] if pages else None


def _uri(app: Sphinx, fromdoc: str, todoc: str, anchor: str) -> str:
    uri = app.builder.get_relative_uri(fromdoc, todoc)
    return f"{uri}#{anchor}" if anchor else uri


def _place_text(env: BuildEnvironment, place: citations.CitePlace) -> str:
    chapter = env.titles[place.docname].astext() if place.docname in env.titles else place.docname
    if place.section_title and place.section_title != chapter:
        return f"{chapter} › {place.section_title}"
    return chapter


def resolve(app: Sphinx, doctree: nodes.document, fromdoc: str, catalog: Catalog) -> None:
    env = app.env
    lists = list(doctree.findall(paper_list))
    indexes = list(doctree.findall(paper_index))
    if not lists and not indexes:
        return
    cited = citations.cited_in(env, citations.reading_order(env))
    for node in lists:
        node.replace_self(_reference_list(app, fromdoc, catalog, cited))
    for node in indexes:
        node.replace_self(_index_table(app, fromdoc, catalog, cited))


def _sorted_keys(catalog: Catalog) -> list[str]:
    return sorted(catalog.entries, key=lambda k: (catalog.labels[k].lower(), k))


def _reference_list(
    app: Sphinx, fromdoc: str, catalog: Catalog, cited: dict[str, list[citations.CitePlace]]
) -> nodes.Element:
    env = app.env
    container = nodes.container(classes=["survey-paper-list"])
    on_leaderboards = results.appears_in(env)
    for key in _sorted_keys(catalog):
        entry = catalog.entries[key]
        item = nodes.container(ids=[f"paper-{key}"], classes=["survey-paper"])
        text = nodes.paragraph(classes=["survey-paper-entry"])
        text += nodes.strong(text=catalog.labels[key])
        text += nodes.Text(f" — {entry.author_text}. ")
        text += nodes.emphasis(text=entry.title)
        text += nodes.Text(". " + (f"{entry.venue}, " if entry.venue else "") + f"{entry.year}.")
        for label, url in _links(entry):
            text += nodes.Text(" ")
            text += nodes.reference(text=label, refuri=url, classes=["survey-link"])
        item += text
        places = cited.get(key, [])
        backlinks = nodes.paragraph(classes=["survey-cited-in"])
        backlinks += nodes.Text("Cited in: " if places else "Not cited in any chapter.")
        for i, place in enumerate(places):
            if i:
                backlinks += nodes.Text("; ")
            backlinks += nodes.reference(
                text=_place_text(env, place), refuri=_uri(app, fromdoc, place.docname, place.section_id), internal=True
            )
        item += backlinks
        item += results.leaderboard_line(app, fromdoc, key, on_leaderboards)
        lineage_links = lineage.reference_links(app, key, lambda other: f"#paper-{other}")
        if lineage_links is not None:
            item += lineage_links
        item += nodes.raw("", _bibtex_html(entry), format="html")
        container += item
    return container


def _links(entry: CatalogEntry) -> list[tuple[str, str]]:
    links = []
    if entry.eprint:
        links.append((f"arXiv:{entry.eprint}", f"https://arxiv.org/abs/{entry.eprint}"))
    if entry.doi:
        links.append((f"doi:{entry.doi}", f"https://doi.org/{entry.doi}"))
    if not links and entry.url:
        links.append(("link", entry.url))
    return links


def _bibtex_html(entry: CatalogEntry) -> str:
    key = html.escape(entry.key)
    return (
        f'<div class="survey-bibtex"><button type="button" class="survey-copy-bibtex" data-key="{key}">'
        f"Copy BibTeX</button><details><summary>BibTeX</summary>"
        f'<pre id="bibtex-{key}">{html.escape(entry.bibtex)}</pre></details></div>'
    )


def _index_table(
    app: Sphinx, fromdoc: str, catalog: Catalog, cited: dict[str, list[citations.CitePlace]]
) -> nodes.Element:
    env = app.env
    target = list_page(env)
    topics = sorted({t for e in catalog.entries.values() for t in e.topics})
    esc = html.escape
    rows = []

    def paper_href(key: str) -> str:
        return _uri(app, fromdoc, target, "paper-" + key) if target else ""

    for key in _sorted_keys(catalog):
        entry = catalog.entries[key]
        title = esc(entry.title)
        if target:
            title = f'<a href="{esc(_uri(app, fromdoc, target, "paper-" + key))}">{title}</a>'
        chapters = citations.places_by_doc(cited.get(key, []))
        chapter_links = "<br>".join(
            f'<a href="{esc(_uri(app, fromdoc, doc, ""))}">'
            f"{esc(env.titles[doc].astext() if doc in env.titles else doc)}</a>"
            for doc in chapters
        )
        links = " ".join(f'<a href="{esc(url)}">{esc(label.split(":")[0])}</a>' for label, url in _links(entry))
        everyone = entry.author_text
        shown = (
            everyone if len(entry.authors) <= _INDEX_AUTHORS else ", ".join(entry.authors[:_INDEX_AUTHORS]) + " et al."
        )
        venue = entry.venue or "arXiv preprint"
        rows.append(
            f'<tr data-topics="{esc(" ".join(entry.topics))}">'
            f'<td><code>{esc(key)}</code></td><td>{title}</td><td title="{esc(everyone)}">{esc(shown)}</td>'
            f'<td data-sort="{esc(entry.year)}">{esc(entry.year)}</td>'
            f'<td title="{esc(venue)}">{esc(_short_venue(venue))}</td>'
            f'<td>{esc(", ".join(entry.topics))}</td><td data-sort="{len(chapters)}">{chapter_links}</td>'
            f"<td>{lineage.index_cell(app, key, paper_href)}</td><td>{links}</td></tr>"
        )
    options = "".join(f'<option value="{esc(t)}">{esc(t)}</option>' for t in topics)
    columns = ["Key", "Title", "Authors", "Year", "Venue", "Topics", "Cited in", "Lineage", "Links"]
    head = "".join(
        f'<th aria-sort="none"><button type="button" class="survey-sort" data-column="{i}">{name}</button></th>'
        for i, name in enumerate(columns)
    )
    markup = (
        '<div class="survey-index">'
        '<div class="survey-index-controls">'
        '<label>Filter <input type="search" id="survey-filter" placeholder="title, author, venue, key…"></label> '
        f'<label>Topic <select id="survey-topic"><option value="">all topics</option>{options}</select></label> '
        f'<span id="survey-count" aria-live="polite">{len(rows)} papers</span></div>'
        f'<div class="survey-table-wrap"><table id="survey-paper-index" class="survey-paper-index">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></div>"
    )
    return nodes.raw("", markup, format="html")


_INDEX_AUTHORS = 4  # the index shows this many authors; the cell's title (and the filter) has them all
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9-]*(?: [A-Za-z0-9-]+)*)\)$")


def _short_venue(venue: str) -> str:
    """ "IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)" -> "CVPR"."""
    match = _ACRONYM.search(venue)
    return match.group(1) if match else venue


def data_script(catalog: Catalog) -> str:
    """``window.SURVEY_PAPERS``: what hover previews show, keyed by citekey."""
    import json

    data = {
        key: {
            "t": e.title,
            "a": e.authors,
            "x": e.truncated,
            "v": e.venue,
            "y": e.year,
        }
        for key, e in sorted(catalog.entries.items())
    }
    return "window.SURVEY_PAPERS = " + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n"


def write_if_changed(path: Path, text: str) -> None:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
