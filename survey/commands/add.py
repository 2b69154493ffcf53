"""``survey add``: resolve one paper, give it a citekey, append it to papers.toml."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from rich.console import Console

from survey import paperlist, store
from survey.commands.fetch import current_record, inputs_digest, lock_path_for, render, resolve, stamped
from survey.files import write_atomic
from survey.identifiers import normalise_doi, parse_arxiv_id
from survey.paperlist import PaperListError, PaperSpec
from survey.record import Paper

_STOPWORDS = frozenset(
    "a an the on of for in to and with via is are do does how what why towards toward beyond from by at as".split()  # noqa: SIM905
)


def citekey(paper: Paper, taken: set[str]) -> str:
    """surname + year + first significant title word, lower-case ASCII; a, b, … on collision."""
    first = paper.authors[0] if paper.authors else "anonymous"
    surname = _ascii(first.split()[-1] if " " in first else first)
    words = [_ascii(w) for w in re.split(r"[\s\-:/]+", paper.title)]
    word = next((w for w in words if w and w not in _STOPWORDS), "")
    base = f"{surname}{paper.year or ''}{word}"
    key, suffix = base, 0
    while key.lower() in taken:
        key = base + "abcdefghijklmnopqrstuvwxyz"[suffix]
        suffix += 1
    return key


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _identify(identifier: str) -> tuple[str, str]:
    text = identifier.strip()
    try:
        return "arxiv", str(parse_arxiv_id(text))
    except ValueError:
        pass
    if re.match(r"^(doi:|https?://(dx\.)?doi\.org/)?10\.", text, re.I):
        try:
            return "doi", normalise_doi(text)
        except ValueError as exc:
            raise PaperListError(str(exc)) from None
    if len(text.split()) < 3:
        raise PaperListError(f"{identifier!r} is not an arXiv id, a DOI or a title of three words or more")
    return "title", " ".join(text.split())


def main(
    identifier: str, papers: Path, bib: Path, *, key: str | None, topics: list[str], out: Console, quiet: bool = False
) -> int:
    kind, value = _identify(identifier)
    text = papers.read_text(encoding="utf-8") if papers.exists() else ""
    specs = paperlist.load(papers) if papers.exists() else []
    stored = store.load(lock_path_for(papers))
    probe = PaperSpec("new", kind, value, 0, parse_arxiv_id(value) if kind == "arxiv" else None)
    for spec in specs:
        if spec.query == probe.query:
            raise PaperListError(f"{papers}:{spec.line}: already listed as [{spec.key}]")
    records, failures, _ = resolve([probe])
    if failures:
        raise PaperListError(f"{identifier}: {failures['new']}")
    paper = records["new"]
    for spec in specs:
        known = current_record(spec, stored)
        if known and ((paper.arxiv_id and known.arxiv_id == paper.arxiv_id) or (paper.doi and known.doi == paper.doi)):
            raise PaperListError(f"{papers}:{spec.line}: already listed as [{spec.key}]")
    taken = {s.key.lower() for s in specs}
    new_key = key or citekey(paper, taken)
    if new_key.lower() in taken:
        raise PaperListError(f"{papers}: citekey {new_key!r} is taken")
    comment = ""
    if kind == "title" and (paper.arxiv_id or paper.doi):
        # Titles change between versions, identifiers do not: store what the title resolved
        # to, and ask again by that identifier (arXiv has the full author names).
        kind, comment = ("arxiv" if paper.arxiv_id else "doi"), paper.title
        value = str(paper.arxiv_id or paper.doi)
        probe = PaperSpec("new", kind, value, 0, parse_arxiv_id(value) if kind == "arxiv" else None)
        records, failures, _ = resolve([probe])
        if failures:
            raise PaperListError(f"{identifier}: resolved to {kind} {value}, which failed: {failures['new']}")
        paper = records["new"]
    new_text = paperlist.append_entry(text, new_key, kind, value, topics, comment)
    new_specs = paperlist.parse(new_text, papers)
    stored[new_key] = store.Stored(next(s.query for s in new_specs if s.key == new_key), paper)
    store.save(lock_path_for(papers), stored)
    write_atomic(papers, new_text)
    bib_text, missing = render(new_specs, stored, ascii=paperlist.load_settings(papers).bib_encoding == "ascii")
    if missing:
        out.print(
            f"added [{new_key}]; {bib} not updated: {len(missing)} other entries have no metadata yet "
            "(run `survey fetch-refs`)",
            markup=False,
        )
    else:
        write_atomic(bib, stamped(bib_text, inputs_digest(new_text, lock_path_for(papers))))
    if not quiet:
        out.print(
            f"[{new_key}] {paper.title} ({', '.join(paper.authors[:3])}"
            f"{' et al.' if len(paper.authors) > 3 else ''}, {paper.venue or 'arXiv'} {paper.year})",
            markup=False,
        )
        out.print(f"Cite it as {{cite:t}}`{new_key}` or {{cite:p}}`{new_key}`", markup=False)
    return 0
