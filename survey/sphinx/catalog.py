"""What the site knows about each paper: refs.bib (metadata, the entry's BibTeX text) plus
papers.toml (topics). Built from the entries sphinxcontrib-bibtex has already parsed, and kept in
the build environment keyed on both files' content, so a build that changed neither reuses it."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pybtex.database import BibliographyData

from survey import paperlist
from survey.bibliography import latex

_ENTRY_START = re.compile(r"^@\w+\{([^,\s]+),", re.M)


@dataclass(frozen=True)
class CatalogEntry:
    key: str
    title: str  # plain text
    authors: tuple[str, ...]  # "Given Family", plain text; without BibTeX's "others"
    year: str
    venue: str  # booktitle / journal / institution, plain text ("" for preprints)
    doi: str
    eprint: str
    url: str
    bibtex: str  # the entry exactly as in refs.bib
    topics: tuple[str, ...] = ()
    truncated: bool = False  # the list ends in "and others"
    surnames: tuple[str, ...] = ()  # BibTeX's "von Last" of each author: "van den Oord", never "Jr."

    @property
    def author_text(self) -> str:
        """Every listed author, then "et al." when the list is truncated."""
        return ", ".join(self.authors) + (" et al." if self.truncated else "")

    @property
    def short_authors(self) -> str:
        """The author part of an author–year citation: "He", "He and Chen", "He et al."."""
        surnames = list(self.surnames) or [_surname(a) for a in self.authors]
        if len(surnames) > 2 or self.truncated:
            return f"{surnames[0]} et al."
        return " and ".join(surnames)


def _surname(name: str) -> str:
    return name.split(", ")[0] if ", " in name else name.split()[-1]


def _person_text(person: object) -> str:
    """The name as written in prose: "Martin King Jr.", "Aäron van den Oord"."""
    parts = [*person.first_names, *person.middle_names, *person.prelast_names, *person.last_names]  # type: ignore[attr-defined]
    lineage = person.lineage_names  # type: ignore[attr-defined]
    return latex.to_text(" ".join(parts + lineage))


def _surname_text(person: object) -> str:
    return latex.to_text(" ".join([*person.prelast_names, *person.last_names]))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Catalog:
    entries: dict[str, CatalogEntry]
    labels: dict[str, str]  # citekey -> "He et al., 2022a": unique across the whole site
    listed: frozenset[str] | None  # the citekeys papers.toml lists (None: no papers.toml)
    digest: str  # of the refs.bib and papers.toml text it was built from


def digest(bib: Path, papers: Path | None) -> str:
    hashed = hashlib.sha256(bib.read_bytes())
    if papers and papers.exists():
        hashed.update(b"\0" + papers.read_bytes())
    return hashed.hexdigest()


def load(bib: Path, papers: Path | None, parsed: BibliographyData, content_digest: str) -> Catalog:
    """The catalog of refs.bib, whose entries *parsed* holds, and of papers.toml (see `digest`)."""
    bib_text = bib.read_text(encoding="utf-8-sig")
    papers_toml = tomllib.loads(papers.read_text(encoding="utf-8")) if papers and papers.exists() else None
    tables = {
        key: v
        for key, v in (papers_toml or {}).items()
        if isinstance(v, dict) and key != paperlist.SETTINGS_TABLE  # settings, not a paper
    }
    topics = {key: tuple(v.get("topics", ())) for key, v in tables.items()}
    starts = [(m.start(), m.group(1)) for m in _ENTRY_START.finditer(bib_text)]
    raw = {
        key: bib_text[start : (starts[i + 1][0] if i + 1 < len(starts) else len(bib_text))].strip()
        for i, (start, key) in enumerate(starts)
    }
    entries = {}
    for key, entry in parsed.entries.items():
        fields = entry.fields
        venue = fields.get("booktitle") or fields.get("journal") or fields.get("institution") or ""
        persons = entry.persons.get("author", [])
        names = [_person_text(p) for p in persons]
        entries[key] = CatalogEntry(
            key=key,
            title=latex.to_text(fields.get("title", "")),
            authors=tuple(name for name in names if name != "others"),
            year=str(fields.get("year", "")),
            venue=latex.to_text(venue),
            doi=fields.get("doi", ""),
            eprint=fields.get("eprint", ""),
            url=fields.get("url", ""),
            bibtex=raw.get(key, ""),
            topics=topics.get(key, ()),
            truncated="others" in names,
            surnames=tuple(_surname_text(p) for p, name in zip(persons, names, strict=True) if name != "others"),
        )
    listed = frozenset(tables) if papers_toml is not None else None
    return Catalog(entries, _labels(entries), listed, content_digest)


def _labels(entries: dict[str, CatalogEntry]) -> dict[str, str]:
    """Author–year labels, with a/b/… suffixes where two papers would share one."""
    groups: dict[str, list[str]] = {}
    for key in sorted(entries):
        entry = entries[key]
        groups.setdefault(f"{entry.short_authors}, {entry.year}", []).append(key)
    labels = {}
    for base, keys in groups.items():
        for i, key in enumerate(keys):
            labels[key] = base + ("abcdefghijklmnopqrstuvwxyz"[i] if len(keys) > 1 else "")
    return labels
