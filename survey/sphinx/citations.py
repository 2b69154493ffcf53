"""Who cites what: every citation role of every document, with the section it sits in.

Collected at read time into the build environment, so "cited in" backlinks and the paper
index stay right under incremental builds (purged and merged per document)."""

from __future__ import annotations

from dataclasses import dataclass

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

_CITE_DOMAINS = ("cite", "footcite")


@dataclass(frozen=True)
class CitePlace:
    docname: str
    section_id: str
    section_title: str


def _places(env: BuildEnvironment) -> dict[str, list[tuple[str, str, str]]]:
    """docname -> [(citekey, section id, section title)], stored in the environment."""
    if not hasattr(env, "survey_citations"):
        env.survey_citations = {}  # type: ignore[attr-defined]
    return env.survey_citations  # type: ignore[attr-defined,no-any-return]


def collect(app: Sphinx, doctree: nodes.document) -> None:
    found = []
    for node in doctree.findall(addnodes.pending_xref):
        if node.get("refdomain") not in _CITE_DOMAINS:
            continue
        section = node.parent
        while section is not None and not isinstance(section, nodes.section):
            section = section.parent
        section_id = section["ids"][0] if section is not None and section["ids"] else ""
        title = section[0].astext() if section is not None and isinstance(section[0], nodes.title) else ""
        try:
            targets = list(parse_citation_targets(node["reftarget"]))
        except ValueError:
            continue  # sphinxcontrib-bibtex reports malformed targets itself
        found += [(t.key, section_id, title) for t in targets]
    _places(app.env)[app.env.docname] = found


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _places(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    mine = _places(env)
    for docname, places in _places(other).items():
        if docname in docnames:
            mine[docname] = places


def cited_in(env: BuildEnvironment, order: list[str]) -> dict[str, list[CitePlace]]:
    """citekey -> where it is cited, in reading order (toctree order, then position)."""
    rank = {docname: i for i, docname in enumerate(order)}
    result: dict[str, list[CitePlace]] = {}
    places = _places(env)
    for docname in sorted(places, key=lambda d: (rank.get(d, len(rank)), d)):
        for key, section_id, title in places[docname]:
            place = CitePlace(docname, section_id, title)
            bucket = result.setdefault(key, [])
            if place not in bucket:
                bucket.append(place)
    return result


def reading_order(env: BuildEnvironment) -> list[str]:
    """Documents in toctree order from the root document."""
    order: list[str] = []

    def visit(docname: str) -> None:
        if docname in order:
            return
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            visit(child)

    visit(env.config.root_doc)
    return order


def places_by_doc(places: list[CitePlace]) -> dict[str, list[CitePlace]]:
    grouped: dict[str, list[CitePlace]] = {}
    for place in places:
        grouped.setdefault(place.docname, []).append(place)
    return grouped
