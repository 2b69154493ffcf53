"""Merging what the sources say about one paper into one record.

arXiv has the authors' full names and the preprint; Semantic Scholar knows whether and where
the paper was published. A published version makes the entry @inproceedings / @article with a
normalised venue; otherwise it stays an arXiv preprint (@misc with eprint fields).
"""

from __future__ import annotations

from survey.bibliography import venues
from survey.identifiers import is_arxiv_doi
from survey.record import Paper
from survey.sources.arxiv import ArxivEntry
from survey.sources.semantic_scholar import S2Paper


def _published_venue(s2: S2Paper) -> tuple[str, str] | None:
    """(venue name, entry type) of the published version S2 knows of, if any."""
    for name in s2.venues:
        known = venues.lookup(name)
        if known:
            return known.short, known.entry_type
    known = venues.from_dblp_key(s2.dblp)
    if known:
        return known.short, known.entry_type
    for name in s2.venues:
        if not venues.is_preprint(name):
            entry_type = "article" if "JournalArticle" in s2.publication_types else "inproceedings"
            return name, entry_type
    return None


def merge(arxiv: ArxivEntry | None, s2: S2Paper | None) -> Paper:
    """One record from whichever sources answered (at least one must have)."""
    if arxiv is None and s2 is None:
        raise ValueError("merge needs at least one source record")
    published = _published_venue(s2) if s2 else None
    doi = s2.doi if s2 and s2.doi else (arxiv.doi if arxiv else None)
    if doi and is_arxiv_doi(doi):
        doi = None
    title: str
    authors: tuple[str, ...]
    year: int | None
    url: str | None
    if arxiv:
        title, authors = arxiv.title, arxiv.authors
        year = s2.year if published and s2 and s2.year else arxiv.published_year
        url = f"https://arxiv.org/abs/{arxiv.id}"
    else:
        assert s2 is not None
        title, authors, year = s2.title, s2.authors, s2.year
        url = f"https://doi.org/{doi}" if doi else s2.url
    return Paper(
        title=title,
        authors=authors,
        year=year,
        source="arxiv+s2" if arxiv and s2 else ("arxiv" if arxiv else "s2"),
        entry_type=published[1] if published else "misc",
        venue=published[0] if published else None,
        arxiv_id=arxiv.id if arxiv else (s2.arxiv if s2 else None),
        primary_class=arxiv.primary_class if arxiv else None,
        doi=doi.lower() if doi else None,
        url=url,
        volume=s2.volume if s2 and published and published[1] == "article" else None,
        pages=s2.pages if s2 and published else None,
        date=_first_public(arxiv, s2),
        s2_id=s2.paper_id if s2 and s2.paper_id else None,
    )


def _first_public(arxiv: ArxivEntry | None, s2: S2Paper | None) -> str | None:
    """arXiv v1 or the publication date S2 knows, whichever is earlier."""
    dates = [d for d in (arxiv.published if arxiv else None, s2.date if s2 else None) if d]
    return min(dates) if dates else None
