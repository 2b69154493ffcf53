"""``{bibliography}`` with a per-chapter default: with no filter option it lists the entries
cited in its own document (sphinxcontrib-bibtex's default is "cited anywhere"), which is
what a chapter's closing reference list means. Explicit options behave as upstream."""

from __future__ import annotations

import ast

from sphinxcontrib.bibtex.directives import BibliographyDirective

_SELECTORS = ("filter", "all", "cited", "notcited")


class ChapterBibliographyDirective(BibliographyDirective):
    def _get_filter(self) -> ast.AST:
        if any(option in self.options for option in _SELECTORS):
            return super()._get_filter()
        return ast.parse("docname in docnames")
