"""How citations and reference lists look on the survey site.

- ``survey`` formatting style (``bibtex_default_style``): pybtex's ``unsrt`` entries sorted by
  author and year, labelled "He et al., 2022", with labels unique across the whole site, so
  separate per-chapter bibliographies can never give ``bibtex.duplicate_label``;
- ``survey`` referencing style (``bibtex_reference_style``): ``{cite:t}`` gives
  "He et al. (2022)", ``{cite:p}`` gives "(He et al., 2022; Bao et al., 2022)", and two papers
  sharing first author and year read "Touvron et al. (2021a)" / "(2021b)" as in their labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.template import field as bib_field
from pybtex.style.template import first_of, join, node, optional
from sphinxcontrib.bibtex.plugin import register_plugin as register_bibtex_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
    BasicAuthorYearParentheticalReferenceStyle,
    BasicAuthorYearTextualReferenceStyle,
)
from sphinxcontrib.bibtex.style.template import join2, post_text, pre_text, reference

#: citekey -> label, set from the catalog when a build starts (see survey.sphinx.setup).
LABELS: dict[str, str] = {}


def year_suffix(key: str) -> str:
    """The "a"/"b" that tells apart two papers with the same first author and year."""
    label = LABELS.get(key, "")
    return label[-1] if len(label) > 1 and label[-1].isalpha() and label[-2].isdigit() else ""


class SiteLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries: Iterable[Any]) -> Iterator[str]:
        for entry in sorted_entries:
            yield LABELS.get(entry.key, entry.key)


class SurveyStyle(UnsrtStyle):
    default_label_style = SiteLabels
    default_sorting_style = "author_year_title"


@node  # type: ignore[untyped-decorator]
def _year(children: list[Any], data: dict[str, Any]) -> Any:
    assert not children
    year = first_of[optional[bib_field("year")], "n.d."].format_data(data)
    return Text(year, year_suffix(data["entry"].key))


class _Parenthetical(BasicAuthorYearParentheticalReferenceStyle):
    def inner(self, role_name: str) -> Any:
        return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
            pre_text,
            reference[
                join(sep=self.author_year_sep)[self.person.author_or_editor_or_title(full="s" in role_name), _year]
            ],
            post_text,
        ]


class _Textual(BasicAuthorYearTextualReferenceStyle):
    def inner(self, role_name: str) -> Any:
        return join(sep=self.text_reference_sep)[
            self.person.author_or_editor_or_title(full="s" in role_name),
            join[
                self.bracket.left,
                join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[pre_text, reference[_year], post_text],
                self.bracket.right,
            ],
        ]


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")", sep="; ")


@dataclass
class SurveyReferenceStyle(AuthorYearReferenceStyle):
    bracket_textual: BracketStyle = field(default_factory=_round)
    bracket_parenthetical: BracketStyle = field(default_factory=_round)
    bracket_author: BracketStyle = field(default_factory=_round)
    bracket_label: BracketStyle = field(default_factory=_round)
    bracket_year: BracketStyle = field(default_factory=_round)

    def __post_init__(self) -> None:
        super().__post_init__()  # type: ignore[no-untyped-call]
        self.styles[0] = _Parenthetical(
            bracket=self.bracket_parenthetical,
            person=self.person,
            author_year_sep=self.author_year_sep,
            pre_text_sep=self.pre_text_sep,
            post_text_sep=self.post_text_sep,
        )
        self.styles[1] = _Textual(
            bracket=self.bracket_textual,
            person=self.person,
            text_reference_sep=self.text_reference_sep,
            pre_text_sep=self.pre_text_sep,
            post_text_sep=self.post_text_sep,
        )
        self.role_style = {name: style for style in self.styles for name in style.role_names()}


def register() -> None:
    register_plugin("pybtex.style.formatting", "survey", SurveyStyle, force=True)
    register_bibtex_plugin("sphinxcontrib.bibtex.style.referencing", "survey", SurveyReferenceStyle, force=True)
