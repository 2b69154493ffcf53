"""The human-edited paper list, ``papers.toml``: one table per citekey.

```toml
[he2022masked]
arxiv = "2111.06377"          # or doi / s2 / title: exactly one identifier
topics = ["self-supervised"]  # optional: chapters that discuss it
seed = [100]                  # optional: rows of the seed checklist it covers

[he2022masked.hand]           # optional: metadata entered by hand from public records
title = "…"
authors = ["…"]
year = 2022
venue = "CVPR"
checked = ["https://…"]       # where it was checked

[he2022masked.override]       # optional: BibTeX fields that win over any source
note = "…"
```
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit

from survey.bibliography import venues
from survey.identifiers import ArxivId, check_s2_id, normalise_doi, parse_arxiv_id
from survey.record import ENTRY_TYPES, Paper

IDENTIFIER_KINDS = ("arxiv", "doi", "s2", "title")
_ENTRY_FIELDS = {*IDENTIFIER_KINDS, "topics", "seed", "hand", "override", "name", "builds_on"}
_EDGE_FIELDS = {"key", "change", "concurrent"}
_DATE = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
_HAND_FIELDS = {
    "title",
    "authors",
    "year",
    "venue",
    "entrytype",
    "doi",
    "url",
    "volume",
    "pages",
    "institution",
    "primary_class",
    "checked",
    "authors_truncated",
    "date",
}
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.+-]*$")


#: The one top-level table of papers.toml that is not a citekey: the list's own settings.
SETTINGS_TABLE = "survey"
BIB_ENCODINGS = ("ascii", "utf-8")


@dataclass(frozen=True)
class Settings:
    """``[survey]`` in papers.toml.

    ``bib_encoding``: ``"ascii"`` (default) writes accents as LaTeX commands, for classic
    BibTeX + pdfLaTeX; ``"utf-8"`` keeps them as they are, for biber + biblatex.
    """

    bib_encoding: str = "ascii"
    suggest: SuggestSettings = field(default_factory=lambda: SuggestSettings())


#: ``survey suggest`` identifier kinds a dismissed suggestion may be named by.
DISMISS_KINDS = ("s2", "arxiv", "doi", "title")


@dataclass(frozen=True)
class SuggestSettings:
    """``[survey.suggest]``: suggestions the authors rejected, and how long fetched citations stay fresh.

    ``dismissed`` holds ``(kind, value)`` pairs, normalised as `survey suggest` compares them:
    arXiv ids without version, DOIs lower-case, titles as lower-case letters and digits only.
    """

    dismissed: tuple[tuple[str, str], ...] = ()
    citations_max_age_days: int = 30


def normalise_title(title: str) -> str:
    """The form in which two titles count as the same paper's."""
    return "".join(c for c in title.lower() if c.isalnum())


def _suggest_settings(table: Any, text: str, path: Path) -> SuggestSettings:
    """Validate ``[survey.suggest]``; errors name the line of the offending value."""
    header = re.search(r"^[ \t]*\[[ \t]*survey[ \t]*\.[ \t]*suggest[ \t]*\]", text, re.M)
    start = header.start() if header else 0
    base = text.count("\n", 0, start) + 1

    def where(raw: str | None = None) -> str:
        at = text.find(f'"{raw}"', start) if raw is not None else -1
        return f"{path}:{text.count(chr(10), 0, at) + 1 if at >= 0 else base}: [{SETTINGS_TABLE}.suggest]"

    if not isinstance(table, dict):
        raise PaperListError(f"{where()}: expected a table")
    unknown = set(table) - {"dismissed", "citations_max_age_days"}
    if unknown:
        raise PaperListError(f"{where()}: unknown setting(s) {', '.join(sorted(unknown))}")
    age = table.get("citations_max_age_days", 30)
    if not isinstance(age, int) or isinstance(age, bool) or age < 0:
        raise PaperListError(f"{where()}: citations_max_age_days must be a whole number of days (0 or more)")
    raw_list = table.get("dismissed", [])
    if not isinstance(raw_list, list):
        raise PaperListError(f'{where()}: dismissed must be a list of "kind:identifier" strings')
    dismissed: list[tuple[str, str]] = []
    for raw in raw_list:
        kind, _, value = raw.partition(":") if isinstance(raw, str) else ("", "", "")
        if kind not in DISMISS_KINDS or not value.strip():
            raise PaperListError(
                f"{where(raw if isinstance(raw, str) else None)}: dismissed entry {raw!r} is not "
                f'"kind:identifier" with kind one of {", ".join(DISMISS_KINDS)}'
            )
        try:
            if kind == "arxiv":
                value = parse_arxiv_id(value).id
            elif kind == "doi":
                value = normalise_doi(value)
            elif kind == "s2":
                value = check_s2_id(value)
            else:
                value = normalise_title(value)
        except ValueError as exc:
            raise PaperListError(f"{where(raw)}: dismissed entry: {exc}") from None
        dismissed.append((kind, value))
    return SuggestSettings(tuple(dismissed), age)


class PaperListError(Exception):
    """Bad input in papers.toml; the message names the file and line or key."""


@dataclass(frozen=True)
class Edge:
    """``builds_on`` entry: this paper adopts, extends or answers ``key``.

    ``concurrent`` marks concurrent works that cite each other: the only case where a paper
    may build on one that appeared later.
    """

    key: str
    change: str = ""
    concurrent: bool = False


@dataclass(frozen=True)
class PaperSpec:
    """One entry of the paper list, validated."""

    key: str
    kind: str  # one of IDENTIFIER_KINDS
    value: str  # the identifier, normalised (DOI lower-case, arXiv id as listed)
    line: int
    arxiv: ArxivId | None = None
    topics: tuple[str, ...] = ()
    seed: tuple[int, ...] = ()
    hand: Paper | None = None
    checked: tuple[str, ...] = ()
    overrides: dict[str, Any] = field(default_factory=dict)
    name: str | None = None  # the method's short name (graph labels): "MAE"
    builds_on: tuple[Edge, ...] = ()

    @property
    def query(self) -> str:
        """The identifier as one string; a stored record is valid while this is unchanged."""
        return f"{self.kind}:{self.value}"


_HEADER = re.compile(r'^[ \t]*\[[ \t]*("?)([^\]".]+)\1[ \t]*\]', re.M)


def _header_lines(text: str) -> dict[str, int]:
    """citekey -> line of its ``[citekey]`` header (first occurrence), in one pass."""
    lines: dict[str, int] = {}
    line, last = 1, 0
    for match in _HEADER.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        lines.setdefault(match.group(2).strip(), line)
    return lines


def load(path: Path) -> list[PaperSpec]:
    """Read and validate the paper list; raise PaperListError with file:line on bad input."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PaperListError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise PaperListError(f"{path}: not UTF-8 text") from None
    return parse(text, path)


def parse(text: str, path: Path) -> list[PaperSpec]:
    """Validate paper-list text; ``path`` only names the file in messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PaperListError(f"{path}: TOML syntax error: {exc}") from None
    specs: list[PaperSpec] = []
    seen: dict[str, str] = {}
    lines = _header_lines(text)
    for key, entry in data.items():
        if key == SETTINGS_TABLE:
            if isinstance(entry, dict) and "suggest" in entry:
                _suggest_settings(entry["suggest"], text, path)  # every command reports a bad setting
            continue
        line = lines.get(key, 0)
        where = f"{path}:{line}: [{key}]"
        if not isinstance(entry, dict):
            raise PaperListError(f"{where}: expected a table, got a {type(entry).__name__}")
        if not _KEY.match(key):
            raise PaperListError(f"{where}: invalid citekey (letters, digits and _:.+- only)")
        if key.lower() in seen:  # BibTeX keys are case-insensitive
            raise PaperListError(f"{where}: duplicate citekey (same as [{seen[key.lower()]}], ignoring case)")
        seen[key.lower()] = key
        specs.append(_spec(key, entry, line, where))
    return specs


def load_settings(path: Path) -> Settings:
    """The ``[survey]`` settings table of the paper list (defaults where it is absent)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return Settings()  # `load` reports unreadable files
    table = data.get(SETTINGS_TABLE, {})
    where = f"{path}:{_header_lines(text).get(SETTINGS_TABLE, 0)}: [{SETTINGS_TABLE}]"
    if not isinstance(table, dict):
        raise PaperListError(f"{where}: expected a table of settings")
    encoding = table.get("bib_encoding", "ascii")
    if encoding not in BIB_ENCODINGS:
        raise PaperListError(f"{where}: bib_encoding must be one of {', '.join(BIB_ENCODINGS)}")
    suggest = _suggest_settings(table["suggest"], text, path) if "suggest" in table else SuggestSettings()
    return Settings(bib_encoding=encoding, suggest=suggest)


def _spec(key: str, entry: dict[str, Any], line: int, where: str) -> PaperSpec:
    unknown = set(entry) - _ENTRY_FIELDS
    if unknown:
        raise PaperListError(
            f"{where}: unknown field(s) {', '.join(sorted(unknown))} (identifier kinds: {', '.join(IDENTIFIER_KINDS)})"
        )
    kinds = [k for k in IDENTIFIER_KINDS if k in entry]
    if len(kinds) != 1:
        raise PaperListError(
            f"{where}: needs exactly one identifier ({', '.join(IDENTIFIER_KINDS)}), found {len(kinds) or 'none'}"
        )
    kind, raw = kinds[0], entry[kinds[0]]
    if not isinstance(raw, str) or not raw.strip():
        raise PaperListError(f"{where}: {kind} must be a non-empty string")
    arxiv = None
    try:
        if kind == "arxiv":
            arxiv = parse_arxiv_id(raw)
            value = str(arxiv)
        elif kind == "doi":
            value = normalise_doi(raw)
        elif kind == "s2":
            value = check_s2_id(raw)
        else:
            value = " ".join(raw.split())
    except ValueError as exc:
        raise PaperListError(f"{where}: {exc}") from None
    topics = _str_list(entry.get("topics", []), where, "topics")
    seed = entry.get("seed", [])
    if not isinstance(seed, list) or not all(isinstance(n, int) for n in seed):
        raise PaperListError(f"{where}: seed must be a list of integers")
    overrides = entry.get("override", {})
    if not isinstance(overrides, dict) or not all(re.fullmatch(r"[a-z][a-z-]*", k) for k in overrides):
        raise PaperListError(f"{where}: override must be a table of lower-case BibTeX field names")
    hand: Paper | None = None
    checked: tuple[str, ...] = ()
    if "hand" in entry:
        hand, checked = _hand(entry["hand"], arxiv, value if kind == "doi" else None, f"{where}.hand")
    name = entry.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise PaperListError(f"{where}: name must be a non-empty string")
    edges = _edges(entry.get("builds_on", []), where)
    return PaperSpec(key, kind, value, line, arxiv, tuple(topics), tuple(seed), hand, checked, overrides, name, edges)


def _edges(value: Any, where: str) -> tuple[Edge, ...]:
    """``builds_on = ["key", {key = "key", change = "…", concurrent = true}]``."""
    if not isinstance(value, list):
        raise PaperListError(f"{where}: builds_on must be a list of citekeys or {{key = …, change = …}} tables")
    edges: list[Edge] = []
    for item in value:
        if isinstance(item, str):
            item = {"key": item}
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not item["key"].strip():
            raise PaperListError(f"{where}: builds_on entries are citekeys or tables with a key")
        unknown = set(item) - _EDGE_FIELDS
        if unknown:
            raise PaperListError(f"{where}: builds_on {item['key']!r}: unknown field(s) {', '.join(sorted(unknown))}")
        change, concurrent = item.get("change", ""), item.get("concurrent", False)
        if not isinstance(change, str) or not isinstance(concurrent, bool):
            raise PaperListError(f"{where}: builds_on {item['key']!r}: change is text, concurrent true/false")
        if any(e.key == item["key"] for e in edges):
            raise PaperListError(f"{where}: builds_on lists {item['key']!r} twice")
        edges.append(Edge(item["key"].strip(), " ".join(change.split()), concurrent))
    return tuple(edges)


def _str_list(value: Any, where: str, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PaperListError(f"{where}: {name} must be a list of non-empty strings")
    return value


def _hand(data: Any, arxiv: ArxivId | None, doi_id: str | None, where: str) -> tuple[Paper, tuple[str, ...]]:
    """Hand-entered metadata as a record marked ``source = "hand"``."""
    if not isinstance(data, dict):
        raise PaperListError(f"{where}: expected a table")
    unknown = set(data) - _HAND_FIELDS
    if unknown:
        raise PaperListError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    for required in ("title", "authors", "year"):
        if required not in data:
            raise PaperListError(f"{where}: missing {required}")
    authors = _str_list(data["authors"], where, "authors")
    if not authors:
        raise PaperListError(f"{where}: authors is empty")
    if not isinstance(data["year"], int) or not 1000 <= data["year"] <= 2999:
        raise PaperListError(f"{where}: year must be a four-digit integer")
    venue = data.get("venue")
    known = venues.lookup(venue)
    entry_type = data.get("entrytype") or (known.entry_type if known else None)
    if venue and not entry_type:
        raise PaperListError(f"{where}: venue {venue!r} is not a known short name; add entrytype")
    if not entry_type:
        entry_type = "techreport" if data.get("institution") else "misc"
    if entry_type not in ENTRY_TYPES:
        raise PaperListError(f"{where}: entrytype must be one of {', '.join(ENTRY_TYPES)}")
    try:
        doi = normalise_doi(data["doi"]) if "doi" in data else doi_id
    except ValueError as exc:
        raise PaperListError(f"{where}: {exc}") from None
    date = data.get("date")
    if date is not None and (not isinstance(date, str) or not _DATE.match(date)):
        raise PaperListError(f"{where}: date must be YYYY-MM or YYYY-MM-DD (the first public date)")
    url = data.get("url") or (
        f"https://arxiv.org/abs/{arxiv.id}" if arxiv else f"https://doi.org/{doi}" if doi else None
    )
    paper = Paper(
        title=" ".join(str(data["title"]).split()),
        authors=tuple(authors) + (("others",) if data.get("authors_truncated") else ()),
        year=data["year"],
        source="hand",
        entry_type=entry_type,
        venue=known.short if known else venue,
        arxiv_id=arxiv.id if arxiv else None,
        primary_class=data.get("primary_class"),
        doi=doi,
        url=url,
        volume=_opt_str(data, "volume", where),
        pages=_opt_str(data, "pages", where),
        institution=_opt_str(data, "institution", where),
        date=date,
    )
    return paper, tuple(_str_list(data.get("checked", []), where, "checked"))


def _opt_str(data: dict[str, Any], name: str, where: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str | int):
        raise PaperListError(f"{where}: {name} must be a string")
    return str(value) if value is not None else None


# --- editing, preserving comments and order (tomlkit) -------------------------------------


def append_entry(text: str, key: str, kind: str, value: str, topics: list[str], comment: str = "") -> str:
    """papers.toml text with one new table appended; everything else byte-identical.

    ``comment`` (the title, for an entry resolved from one) is written beside the identifier.
    """
    table = tomlkit.table()
    table.add(kind, value)
    if comment:
        table[kind].comment(" ".join(comment.split()))
    if topics:
        table.add("topics", topics)
    doc = tomlkit.document()
    doc.add(key, table)
    separator = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    return text + separator + tomlkit.dumps(doc)


def drop_hand_tables(text: str, keys: set[str]) -> str:
    """papers.toml text without the ``[key.hand]`` tables of ``keys`` (after a refresh
    replaced them with fetched metadata); comments and order elsewhere are kept."""
    doc = tomlkit.parse(text)
    for key in keys:
        entry = doc.get(key)
        if entry is not None and "hand" in entry:
            del entry["hand"]
    return tomlkit.dumps(doc)
