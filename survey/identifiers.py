"""Validation and normalisation of the identifiers a paper can be listed by."""

from __future__ import annotations

import re
from dataclasses import dataclass

# New-style ids (0704.0001 onwards: YYMM.NNNN, from 1501 YYMM.NNNNN) and old-style
# archive/YYMMNNN ids such as hep-th/9901001 or math.GT/0309136.
_NEW_ARXIV = re.compile(r"^(?P<id>\d{4}\.\d{4,5})(?:v(?P<version>\d+))?$")
_OLD_ARXIV = re.compile(r"^(?P<id>[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_S2_ID = re.compile(r"^(?:[0-9a-f]{40}|CorpusId:\d+)$")
_ARXIV_PREFIXES = ("arxiv:", "https://arxiv.org/abs/", "http://arxiv.org/abs/")
_DOI_PREFIXES = ("doi:", "https://doi.org/", "http://doi.org/", "https://dx.doi.org/")


@dataclass(frozen=True)
class ArxivId:
    """An arXiv identifier; ``version`` is set only when the paper list pins one."""

    id: str
    version: int | None = None

    def __str__(self) -> str:
        return f"{self.id}v{self.version}" if self.version else self.id


def parse_arxiv_id(text: str) -> ArxivId:
    """Parse an arXiv id (optionally ``arXiv:``-prefixed or an abs URL); raise ValueError."""
    raw = text.strip()
    for prefix in _ARXIV_PREFIXES:
        if raw.lower().startswith(prefix.lower()):
            raw = raw[len(prefix) :]
    match = _NEW_ARXIV.match(raw)
    if match:
        yymm = int(match["id"][2:4])
        digits = len(match["id"].split(".")[1])
        year = int(match["id"][:2])
        if not 1 <= yymm <= 12 or (digits == 5) != (year >= 15):
            raise ValueError(f"invalid arXiv id {text!r}")
    else:
        match = _OLD_ARXIV.match(raw)
    if not match:
        raise ValueError(f"invalid arXiv id {text!r}")
    version = match["version"]
    return ArxivId(match["id"], int(version) if version else None)


def normalise_doi(text: str) -> str:
    """Return the DOI in canonical lower-case form without a resolver prefix; raise ValueError."""
    raw = text.strip()
    for prefix in _DOI_PREFIXES:
        if raw.lower().startswith(prefix):
            raw = raw[len(prefix) :]
    if not _DOI.match(raw):
        raise ValueError(f"invalid DOI {text!r}")
    return raw.lower()


def check_s2_id(text: str) -> str:
    """Check a Semantic Scholar paper id (40-hex paperId or ``CorpusId:N``); raise ValueError."""
    if not _S2_ID.match(text.strip()):
        raise ValueError(f"invalid Semantic Scholar id {text!r}")
    return text.strip()


def is_arxiv_doi(doi: str) -> bool:
    """arXiv's own DataCite DOIs (10.48550/arXiv.*) do not indicate a published version."""
    return doi.lower().startswith("10.48550/arxiv.")
