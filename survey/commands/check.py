"""``survey check``: the survey's citations, paper list and refs.bib agree (offline, fast).

Each finding is one line naming a file:line or a citekey; any finding fails the check.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from pybtex.database import parse_string
from pybtex.scanner import PybtexError
from rich.console import Console

from survey import lineage, paperlist, results, store
from survey.commands.fetch import current_record, lock_path_for, render, unstamped

#: ``{cite:p}`key1,key2``` and the other cite-family roles (cite, footcite, cite:t, ...);
#: ``{pre}``/``{post}`` text is dropped.
_ROLE = re.compile(r"\{(?:foot)?cite(?::[a-z]+)?\}`([^`]*)`")
_PRE_POST = re.compile(r"\{[^{}]*\}")


def cited_keys(docs: Path) -> dict[str, list[str]]:
    """Every citekey used under ``docs`` with the places (``file:line``) that cite it."""
    places: dict[str, list[str]] = defaultdict(list)
    for path in sorted(docs.rglob("*.md")):
        if any(part.startswith(("_", ".")) for part in path.relative_to(docs).parts):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in _ROLE.finditer(line):
                for key in _PRE_POST.sub("", match.group(1)).split(","):
                    if key.strip():
                        places[key.strip()].append(f"{path}:{number}")
    return places


def findings(papers: Path, bib: Path, docs: Path) -> list[str]:
    specs = paperlist.load(papers)
    stored = store.load(lock_path_for(papers))
    problems: list[str] = []
    try:
        bib_text = bib.read_text(encoding="utf-8")
        bib_keys = {k.lower() for k in parse_string(bib_text, "bibtex").entries}
    except OSError as exc:
        return [f"{bib}: cannot read ({exc.strerror}); run `survey fetch-refs`"]
    except PybtexError as exc:
        return [f"{bib}: {exc}"]
    cited = cited_keys(docs)
    for key, places in sorted(cited.items()):
        if key.lower() not in bib_keys:
            problems += [f"{place}: citekey {key!r} is not in {bib}" for place in places]
    found, shown = results.check(papers.parent / "results", {spec.key for spec in specs}, docs)
    problems += found
    for key, rows in shown.items():  # a results row shows its paper on the site: that cites it
        cited[key] += rows
    for spec in specs:
        if spec.key not in cited:
            problems.append(f"{papers}:{spec.line}: [{spec.key}] is never cited under {docs}/")
    seen: dict[str, str] = {}
    for spec in specs:
        paper = current_record(spec, stored)
        marks = {f"{spec.kind} {spec.arxiv.id if spec.arxiv else spec.value}"}
        if paper:
            marks |= {f"arxiv {paper.arxiv_id}"} if paper.arxiv_id else set()
            marks |= {f"doi {paper.doi}"} if paper.doi else set()
            marks.add("title " + "".join(c for c in paper.title.lower() if c.isalnum()))
        for mark in sorted(marks):
            if mark in seen and seen[mark] != spec.key:
                problems.append(
                    f"{papers}:{spec.line}: [{spec.key}] is the same paper as [{seen[mark]}] (same {mark.split()[0]})"
                )
            seen.setdefault(mark, spec.key)
    problems += lineage.findings(specs, stored, papers)
    text, missing = render(specs, stored, ascii=paperlist.load_settings(papers).bib_encoding == "ascii")
    for key in missing:
        problems.append(f"{papers}: [{key}] has no metadata yet: run `survey fetch-refs`")
    if not missing and text != unstamped(bib_text):
        problems.append(f"{bib}: out of date with {papers}: run `survey fetch-refs --offline`")
    return problems


def main(papers: Path, bib: Path, docs: Path, *, out: Console, quiet: bool = False) -> int:
    problems = findings(papers, bib, docs)
    for problem in problems:
        out.print(problem, markup=False)
    if not quiet:
        out.print(f"{len(problems)} problem(s)" if problems else "survey check: all good", markup=False)
    return 1 if problems else 0
