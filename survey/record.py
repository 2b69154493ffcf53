"""The one record type for a paper's bibliographic metadata."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

#: Where a record's metadata came from; ``hand`` marks metadata entered by hand from public
#: records, which an online ``fetch-refs --refresh`` replaces with fetched data.
SOURCES = ("arxiv", "s2", "arxiv+s2", "hand")
ENTRY_TYPES = ("article", "inproceedings", "misc", "techreport")


@dataclass(frozen=True)
class Paper:
    """Metadata of one paper, independent of its citekey and of BibTeX syntax.

    Text fields hold plain Unicode (LaTeX escaping happens only when BibTeX is written);
    ``venue`` is the normalised short venue name (``CVPR``) or a full name for venues the
    table does not know; ``entry_type`` follows from it.
    """

    title: str
    authors: tuple[str, ...]
    year: int | None
    source: str
    entry_type: str = "misc"
    venue: str | None = None
    arxiv_id: str | None = None
    primary_class: str | None = None
    doi: str | None = None
    url: str | None = None
    volume: str | None = None
    pages: str | None = None
    institution: str | None = None
    #: First public date (arXiv v1 or first publication), ISO ``YYYY-MM`` or ``YYYY-MM-DD``:
    #: the lineage's chronology check and the timeline read it; refs.bib does not.
    date: str | None = None
    #: Semantic Scholar's paperId, kept so ``survey suggest`` needs no lookup; refs.bib does not show it.
    s2_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict with empty fields dropped (stable, diff-friendly storage)."""
        data = asdict(self)
        data["authors"] = list(self.authors)
        return {name: value for name, value in data.items() if value not in (None, [], "")}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Paper:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(sorted(unknown))}")
        values = dict(data)
        values["authors"] = tuple(values.get("authors", ()))
        return cls(**values)

    def differences(self, other: Paper) -> list[str]:
        """Human-readable field-by-field differences, for ``--refresh`` reports."""
        changes = []
        for f in fields(self):
            if f.name in ("source", "s2_id"):  # provenance, not bibliographic metadata
                continue
            old, new = getattr(self, f.name), getattr(other, f.name)
            if old != new:
                changes.append(f"{f.name}: {_show(old)} -> {_show(new)}")
        return changes


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return "; ".join(value) or "(none)"
    return "(none)" if value is None else repr(value)
