"""``{bibliography}`` for chapters, and the transform that fills it.

With no filter option the directive lists the entries cited in its own document
(sphinxcontrib-bibtex's default is "cited anywhere"), which is what a chapter's closing
reference list means; explicit options behave as upstream. Unlike upstream, the directive does
not make a citation node for every bib entry (bibliographies × entries nodes, pickled with every
doctree): only the entries a list shows get nodes, when the list is filled. Nor does it make
its document depend on the bib file: the cite domain rewrites the documents a bib change affects.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, cast

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinxcontrib.bibtex.bibfile import _make_ids
from sphinxcontrib.bibtex.directives import BibliographyDirective, BibliographyKey, BibliographyValue
from sphinxcontrib.bibtex.nodes import bibliography as bibliography_node
from sphinxcontrib.bibtex.transforms import node_text_transform

from survey.sphinx.citedomain import KEY_SLOT, SurveyCiteDomain

logger = logging.getLogger(__name__)
_SELECTORS = ("filter", "all", "cited", "notcited")
_LIST_TYPES = ("citation", "bullet", "enumerated")


class ChapterBibliographyDirective(BibliographyDirective):
    def _get_filter(self) -> ast.AST:
        if any(option in self.options for option in _SELECTORS):
            return super()._get_filter()
        return ast.parse("docname in docnames")

    def run(self) -> list[nodes.Node]:
        env = self.env
        domain = cast(SurveyCiteDomain, env.get_domain("cite"))
        bibfiles = list(domain.bibdata.bibfiles)
        if self.arguments:
            bibfiles = []
            for name in self.arguments[0].split():
                path = Path(env.relfn2path(name)[1]).resolve()
                if path in domain.bibdata.bibfiles:
                    bibfiles.append(path)
                else:
                    self._warn(f"{name} not found or not configured in bibtex_bibfiles", "bibfile_error")
        list_ = self.options.get("list", "citation")
        if list_ not in _LIST_TYPES:
            self._warn(f"unknown bibliography list type '{list_}'.", "list_type_error")
            list_ = "citation"
        count = int(env.temp_data.get("bibtex_bibliography_count") or 0) + 1
        env.temp_data["bibtex_bibliography_count"] = count
        node = bibliography_node(
            "",
            docname=env.docname,
            ids=_make_ids(
                docname=env.docname,
                lineno=self.lineno,
                ids=set(self.state.document.ids),
                raw_id=env.config.bibtex_bibliography_id.format(bibliography_count=count),
            ),
        )
        self.state.document.note_explicit_target(node, node)
        keyprefix = self.options.get("keyprefix", "")
        known = domain.bibdata.data.entries
        keys = []
        for key in self.content:
            if key in known:
                keys.append(key)
            else:
                self._warn(f'could not find bibtex key "{key}"', "key_not_found")
        bib_key = BibliographyKey(docname=env.docname, id_=node["ids"][0])
        domain.bibliographies[bib_key] = BibliographyValue(
            line=self.lineno,
            list_=list_,
            enumtype=self.options.get("enumtype", "arabic"),
            start=self.options.get("start", 1),
            style=self.options.get("style", env.config.bibtex_default_style),
            filter_=self._get_filter(),
            labelprefix=self.options.get("labelprefix", ""),
            keyprefix=keyprefix,
            bibfiles=bibfiles,
            citation_nodes={},
            keys=keys,
        )
        id_format = env.config.bibtex_cite_id or "bibtex-citation-{bibliography_count}-{key}"
        domain.data["id_templates"][bib_key] = id_format.format(bibliography_count=count, key=KEY_SLOT)
        header = env.config.bibtex_bibliography_header
        return [*(self.parse_text_to_nodes(header) if header else []), node]

    def _warn(self, message: str, subtype: str) -> None:
        logger.warning(message, location=(self.env.docname, self.lineno), type="bibtex", subtype=subtype)


class FillBibliographies(SphinxPostTransform):
    """Replace each bibliography node by its entries (before upstream's transform, which then finds none)."""

    default_priority = 4

    def run(self, **kwargs: Any) -> None:
        domain = cast(SurveyCiteDomain, self.env.get_domain("cite"))
        for bibnode in list(self.document.findall(bibliography_node)):
            bib_key = BibliographyKey(docname=bibnode["docname"], id_=bibnode["ids"][0])
            bibliography = domain.bibliographies[bib_key]
            listed = domain.data["by_bibliography"].get(bib_key, [])
            if not listed:
                bibnode.replace_self(nodes.target())
                continue
            bibnode.replace_self(self._entries(domain, bib_key, bibliography, listed))

    def _entries(
        self, domain: SurveyCiteDomain, bib_key: BibliographyKey, bibliography: BibliographyValue, listed: list[Any]
    ) -> nodes.Element:
        temp = self.env.temp_data
        container: nodes.Element
        if bibliography.list_ == "enumerated":
            container = nodes.enumerated_list(enumtype=bibliography.enumtype)
            if bibliography.start >= 1:
                container["start"] = temp["bibtex_enum_count"] = bibliography.start
            else:
                container["start"] = temp.setdefault("bibtex_enum_count", 1)
        elif bibliography.list_ == "bullet":
            container = nodes.bullet_list()
        else:
            container = nodes.container()
        backend = domain.backend
        for citation in listed:
            node: nodes.Element
            if bibliography.list_ == "citation":
                node = nodes.citation(ids=[citation.citation_id])
                backrefs = domain.data["backrefs"].get((bib_key.docname, citation.key))
                if backrefs:
                    node["backrefs"] = list(backrefs)
                node += nodes.label("", citation.formatted_entry.label, support_smartquotes=False)
            else:
                node = nodes.list_item(ids=[citation.citation_id])
            node += backend.paragraph(citation.formatted_entry)
            node["docname"] = bib_key.docname
            node_text_transform(node)
            container += node
            if bibliography.list_ == "enumerated":
                temp["bibtex_enum_count"] += 1
        return container
