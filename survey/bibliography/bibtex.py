"""Writing refs.bib: a pure function of (citekey, record, overrides) triples.

Output is deterministic: entries sorted by citekey, one fixed field order, LaTeX specials
escaped, case-sensitive title words brace-protected. By default refs.bib is ASCII (accents as
LaTeX commands, symbols as math) so that classic BibTeX + pdfLaTeX can use it; ``ascii=False``
keeps UTF-8 for biber + biblatex.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.output.bibtex import Writer

from survey.bibliography import latex, venues
from survey.record import Paper

#: Field order in refs.bib; override fields the table does not name follow, sorted.
FIELD_ORDER = (
    "title",
    "booktitle",
    "journal",
    "institution",
    "year",
    "volume",
    "pages",
    "doi",
    "eprint",
    "archiveprefix",
    "primaryclass",
    "url",
    "x-source",
)
#: Value of ``x-source`` for hand-entered metadata, so it stays visible in refs.bib too.
HAND_ENTERED = "hand-entered"


@dataclass(frozen=True)
class BibItem:
    """What one refs.bib entry is made of."""

    key: str
    paper: Paper
    overrides: Mapping[str, str | list[str]] = field(default_factory=dict)


#: Generational suffixes: BibTeX's "Jr" part ("King, Jr., Martin"), never a surname.
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
#: Last words of a corporate author: one braced name, never "Collaboration, CMS".
_CORPORATE = re.compile(
    r"\b(collaboration|consortium|team|group|project|initiative|committee|council|society|association|"
    r"institute|laboratory|foundation|organi[sz]ation|inc\.?|ltd\.?)$",
    re.I,
)


def _person(name: str, ascii: bool = True) -> Person:
    """A pybtex person from a name as the sources write it ("Martin King Jr.", "Wei von Luxburg",
    "CMS Collaboration"): suffixes go to the Jr part, corporate names stay whole, and the name
    parts are told apart on the Unicode letters before they are escaped (BibTeX misreads the
    case of a word that starts with an accent command such as ``{\\.{\\v{S}}}``)."""
    name = " ".join(name.split())
    words = name.replace(",", " ").split()
    lineage = words.pop() if len(words) > 2 and words[-1].lower() in _SUFFIXES else ""
    rest = " ".join(words)
    whole = "," in (rest if lineage else name) or " and " in f" {rest.lower()} " or _CORPORATE.search(name)
    if whole or " " not in rest:
        text = latex.escape(name, ascii=ascii)
        if whole or any(c.isupper() for c in name[1:]):
            text = "{" + text + "}"
        return Person(text)
    parsed = Person(rest)
    if not parsed.last_names:
        return Person("{" + latex.escape(name, ascii=ascii) + "}")

    for part in (parsed.first_names, parsed.middle_names, parsed.prelast_names, parsed.last_names):
        part[:] = [latex.escape(word, ascii=ascii) for word in part]  # escaped in place: no second parse
    parsed.lineage_names = [lineage] if lineage else []
    return parsed


def _fields(paper: Paper, ascii: bool) -> dict[str, str]:
    fields: dict[str, str] = {"title": latex.title_to_latex(paper.title, ascii=ascii)}
    venue = venues.lookup(paper.venue)
    container = venue.full if venue else paper.venue
    if container:
        fields["journal" if paper.entry_type == "article" else "booktitle"] = latex.escape(container, ascii=ascii)
    if paper.institution:
        fields["institution"] = latex.escape(paper.institution, ascii=ascii)
    if paper.year:
        fields["year"] = str(paper.year)
    if paper.volume:
        fields["volume"] = latex.escape(paper.volume, ascii=ascii)
    if paper.pages:
        # A range's dash is BibTeX's en dash "--" (not escaped apart like a title's "--").
        parts = re.split(r"\s*[-\u2010-\u2015]+\s*", paper.pages)
        fields["pages"] = "--".join(latex.escape(part, ascii=ascii) for part in parts)
    if paper.doi:
        fields["doi"] = paper.doi
    if paper.url:
        fields["url"] = paper.url
    if paper.arxiv_id:
        fields["eprint"] = paper.arxiv_id
        fields["archiveprefix"] = "arXiv"
        if paper.primary_class:
            fields["primaryclass"] = paper.primary_class
    fields["x-source"] = HAND_ENTERED if paper.source == "hand" else f"fetched from {paper.source}"
    return fields


def to_entry(item: BibItem, *, ascii: bool = True) -> Entry:
    """The pybtex entry for one item, overrides applied last."""
    entry_type = item.paper.entry_type
    fields = _fields(item.paper, ascii)
    authors = list(item.paper.authors)
    for name, value in item.overrides.items():
        if name == "entrytype":
            entry_type = str(value)
        elif name == "author":
            authors = list(value) if isinstance(value, list) else [str(value)]
        elif name == "title":
            fields["title"] = latex.title_to_latex(str(value), ascii=ascii)
        else:
            fields[name] = latex.escape(str(value), ascii=ascii) if name not in ("url", "doi") else str(value)
    rank = {name: i for i, name in enumerate(FIELD_ORDER)}
    ordered = sorted(fields.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))
    return Entry(entry_type, fields=ordered, persons={"author": [_person(a, ascii) for a in authors]})


class _LatexWriter(Writer):  # type: ignore[misc]
    """pybtex's BibTeX writer, minus its own latexcodec pass: fields arrive escaped already
    (``latex.escape`` keeps math and protective braces, which latexcodec would mangle)."""

    def _encode(self, text: str) -> str:
        return text

    def check_braces(self, s: str) -> None:
        """Same check as pybtex's (balanced braces), in one pass instead of a tokenizer run."""
        depth = 0
        for char in s:
            depth += (char == "{") - (char == "}")
            if depth < 0:
                break
        if depth:
            raise ValueError(f"String has unmatched braces: {s}")


def unencodable(items: Iterable[BibItem]) -> dict[str, list[str]]:
    """citekey -> characters of its metadata that pdfLaTeX cannot set (written as UTF-8)."""
    found = {}
    for item in items:
        p = item.paper
        texts = [p.title, *p.authors, p.venue or "", p.institution or "", *map(str, item.overrides.values())]
        chars = latex.unencodable("".join(texts))
        if chars:
            found[item.key] = chars
    return found


def write(items: Iterable[BibItem], *, ascii: bool = True) -> str:
    """refs.bib text: entries sorted by citekey; identical input gives identical bytes."""
    data = BibliographyData()
    for item in sorted(items, key=lambda i: i.key):
        data.add_entry(item.key, to_entry(item, ascii=ascii))
    text: str = _LatexWriter().to_string(data)
    return "% Generated by `survey fetch-refs` from papers.toml: do not edit by hand.\n\n" + text
