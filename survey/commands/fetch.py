"""``survey fetch-refs``: resolve the paper list into papers.lock and refs.bib.

Per-entry failures are collected and reported by citekey; if there is any, refs.bib and
papers.toml are left untouched (records fetched successfully are still kept in papers.lock,
so the next run does not ask for them again).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from survey import __version__, paperlist, store
from survey.bibliography import bibtex
from survey.bibliography.merge import merge
from survey.files import write_atomic
from survey.identifiers import ArxivId, parse_arxiv_id
from survey.paperlist import PaperSpec
from survey.record import Paper
from survey.sources import arxiv, semantic_scholar
from survey.sources.http import PacedClient, SourceError
from survey.sources.semantic_scholar import S2Paper

Progress = Callable[[str, int], None]  # (phase, items done) after each request


@dataclass
class Outcome:
    """What a run did, for the summary line and for tests."""

    fetched: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    hand: list[str] = field(default_factory=list)
    upgraded: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    changes: dict[str, list[str]] = field(default_factory=dict)
    requests: int = 0
    throttled: int = 0
    network_seconds: float = 0.0  # the slower service's time pacing and waiting for answers
    bib_written: bool = False  # refs.bib matches the paper list (whether or not its bytes changed)
    bib_changed: bool = False
    unencodable: dict[str, list[str]] = field(default_factory=dict)  # key -> chars pdfLaTeX cannot set


def lock_path_for(papers: Path) -> Path:
    return papers.with_suffix(".lock")


def render(
    specs: list[PaperSpec], stored: dict[str, store.Stored], *, ascii: bool = True
) -> tuple[str, dict[str, str]]:
    """refs.bib text for the paper list, and the entries that have no metadata yet."""
    items, missing = [], {}
    for spec in specs:
        paper = current_record(spec, stored)
        if paper is None:
            missing[spec.key] = "no metadata yet: run `survey fetch-refs` online, or add a [key.hand] table"
        else:
            items.append(bibtex.BibItem(spec.key, paper, spec.overrides))
    return bibtex.write(items, ascii=ascii), missing


def current_record(spec: PaperSpec, stored: dict[str, store.Stored]) -> Paper | None:
    """Fetched metadata for the entry's current identifier, else its hand-entered metadata."""
    hit = stored.get(spec.key)
    if hit and hit.query == spec.query:
        return hit.paper
    return spec.hand


def run(
    papers: Path,
    bib: Path,
    *,
    offline: bool = False,
    refresh: bool = False,
    only: list[str] | None = None,
    progress: Progress | None = None,
    on_plan: Callable[[int, int], None] | None = None,
) -> Outcome:
    """The whole command. Raises PaperListError / StoreError / OutputError on bad input."""
    specs = paperlist.load(papers)
    ascii = paperlist.load_settings(papers).bib_encoding == "ascii"
    by_key = {s.key: s for s in specs}
    unknown = [k for k in only or [] if k not in by_key]
    if unknown:
        raise paperlist.PaperListError(f"{papers}: --only names unknown citekey(s): {', '.join(unknown)}")
    lock = lock_path_for(papers)
    stored = store.load(lock)
    scope = [by_key[k] for k in only] if only else specs
    outcome = Outcome()
    to_fetch = []
    for spec in scope:
        hit = stored.get(spec.key)
        if not refresh and hit and hit.query == spec.query:
            outcome.cached.append(spec.key)
        elif not refresh and spec.hand is not None:
            outcome.hand.append(spec.key)
        elif offline:
            outcome.failed[spec.key] = "not fetched yet and --offline given"
        else:
            to_fetch.append(spec)
    if on_plan:
        on_plan(len(to_fetch), len(scope))
    if to_fetch:
        fetched, failed, stats = resolve(to_fetch, progress)
        outcome.requests, outcome.throttled, outcome.network_seconds = stats
        outcome.failed.update(failed)
        for key, paper in fetched.items():
            spec = by_key[key]
            old = current_record(spec, stored) if refresh else None
            if old is not None:
                outcome.changes[key] = old.differences(paper)
            stored[key] = store.Stored(spec.query, paper)
            outcome.fetched.append(key)
            if paper.entry_type != "misc" and paper.arxiv_id:
                outcome.upgraded.append(key)
        if fetched:
            store.save(lock, {k: v for k, v in stored.items() if k in by_key})
    source = papers.read_text(encoding="utf-8")
    replaced = {k for k in outcome.fetched if by_key[k].hand is not None}
    new_source = paperlist.drop_hand_tables(source, replaced) if replaced else source
    inputs = inputs_digest(new_source, lock)
    if not outcome.failed and not to_fetch and _bib_is_current(bib, inputs):
        outcome.bib_written = True  # made from exactly these inputs, and untouched since
        return outcome
    text, missing = render(specs, stored, ascii=ascii)
    if ascii:
        outcome.unencodable = bibtex.unencodable(
            bibtex.BibItem(s.key, p, s.overrides) for s in specs if (p := current_record(s, stored))
        )
    for key, reason in missing.items():
        outcome.failed.setdefault(key, reason)
    if outcome.failed:
        return outcome
    outcome.bib_changed = _write_if_changed(bib, stamped(text, inputs))
    outcome.bib_written = True
    if replaced:
        write_atomic(papers, new_source)
    return outcome


_STAMP = re.compile(r"\A% survey-inputs [0-9a-f]{64} body [0-9a-f]{64}\n")


def inputs_digest(papers_text: str, lock: Path) -> str:
    """What refs.bib is a function of: the paper list, the fetched records, the writer (its
    version and its code, so a changed writer re-renders even before a version bump)."""
    hashed = hashlib.sha256(f"survey {__version__}\n".encode())
    hashed.update(_writer_digest())
    hashed.update(papers_text.encode("utf-8") + b"\0")
    hashed.update(lock.read_bytes() if lock.exists() else b"")
    return hashed.hexdigest()


@functools.cache
def _writer_digest() -> bytes:
    """The code that turns records into refs.bib text."""
    folder = Path(bibtex.__file__).parent
    return hashlib.sha256(b"".join(path.read_bytes() for path in sorted(folder.glob("*.py")))).digest()


def stamped(bib_text: str, inputs: str) -> str:
    """refs.bib with a first line naming its inputs and its body, so a re-run with the same
    inputs can skip rendering (and still notices a hand-edited refs.bib)."""
    return f"% survey-inputs {inputs} body {hashlib.sha256(bib_text.encode()).hexdigest()}\n{bib_text}"


def unstamped(bib_text: str) -> str:
    """refs.bib without its first line naming its inputs: the entries as `render` makes them."""
    stamp = _STAMP.match(bib_text)
    return bib_text[stamp.end() :] if stamp else bib_text


def _bib_is_current(bib: Path, inputs: str) -> bool:
    try:
        text = bib.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return text == stamped(unstamped(text), inputs)


def _write_if_changed(path: Path, text: str) -> bool:
    """Leave an identical file untouched, so Sphinx does not see a change that is none."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    write_atomic(path, text)
    return True


def _s2_id(spec: PaperSpec) -> str:
    if spec.kind == "arxiv":
        assert spec.arxiv is not None
        return f"ARXIV:{spec.arxiv.id}"
    return f"DOI:{spec.value}" if spec.kind == "doi" else spec.value


def resolve(
    specs: list[PaperSpec], progress: Progress | None = None
) -> tuple[dict[str, Paper], dict[str, str], tuple[int, int, float]]:
    """Ask arXiv and S2 about ``specs``: (records, failures by key, (requests, throttled,
    seconds the slower service kept us waiting)).

    The two services are asked at the same time, each at its own pace, so a run takes as
    long as the slower of the two, not their sum."""

    def tick(phase: str) -> Callable[[int], None]:
        return lambda n: progress(phase, n) if progress else None

    arxiv_ids = [s.arxiv for s in specs if s.arxiv is not None]
    with arxiv.new_client() as arxiv_client, semantic_scholar.new_client() as s2_client:
        with ThreadPoolExecutor(max_workers=1) as pool:
            arxiv_job = pool.submit(arxiv.fetch, arxiv_client, arxiv_ids, on_progress=tick("arXiv"))
            s2 = _ask_s2(s2_client, specs, tick("Semantic Scholar"))
            found, arxiv_failed = arxiv_job.result()
        # Papers listed by DOI / S2 id / title that S2 links to arXiv: arXiv has the full names.
        extra = {}
        for spec in specs:
            paper = s2.answer(spec)
            if spec.arxiv is None and paper and paper.arxiv and _guard(spec, paper) is None:
                try:
                    extra[spec.key] = parse_arxiv_id(paper.arxiv)
                except ValueError:
                    continue
        if extra:
            more, _ = arxiv.fetch(arxiv_client, extra.values(), on_progress=tick("arXiv"))
            found.update(more)
        clients = (arxiv_client, s2_client)
        stats = (
            sum(c.stats.requests for c in clients),
            sum(c.stats.throttled for c in clients),
            max(c.stats.waiting for c in clients),
        )
    records: dict[str, Paper] = {}
    failures = dict(s2.failures)
    for spec in specs:
        if spec.key in failures:
            continue
        reason, record = _resolve(spec, found, arxiv_failed, s2, extra)
        if reason:
            failures[spec.key] = reason
        elif record:
            records[spec.key] = record
    return records, failures, stats


@dataclass
class _S2Answers:
    by_id: dict[str, S2Paper | None] = field(default_factory=dict)  # batch answers by "ARXIV:…" id
    failed_ids: dict[str, str] = field(default_factory=dict)
    matches: dict[str, S2Paper | None] = field(default_factory=dict)  # title entries, by citekey
    failures: dict[str, str] = field(default_factory=dict)  # title entries whose lookup failed

    def answer(self, spec: PaperSpec) -> S2Paper | None:
        return self.matches.get(spec.key) if spec.kind == "title" else self.by_id.get(_s2_id(spec))


def _ask_s2(client: PacedClient, specs: list[PaperSpec], tick: Callable[[int], None]) -> _S2Answers:
    answers = _S2Answers()
    id_specs = [s for s in specs if s.kind != "title"]
    if id_specs:
        answers.by_id, answers.failed_ids = semantic_scholar.fetch_batch(
            client, [_s2_id(s) for s in id_specs], on_progress=tick
        )
    for spec in specs:
        if spec.kind == "title":
            try:
                answers.matches[spec.key] = semantic_scholar.match_title(client, spec.value)
            except SourceError as exc:
                answers.failures[spec.key] = f"Semantic Scholar: {exc}"
            tick(1)
    return answers


def _resolve(
    spec: PaperSpec,
    found: dict[ArxivId, arxiv.ArxivEntry],
    arxiv_failed: dict[ArxivId, str],
    s2_answers: _S2Answers,
    extra: dict[str, ArxivId],
) -> tuple[str | None, Paper | None]:
    s2 = s2_answers.answer(spec)
    if spec.kind == "title":
        if s2 is None:
            return "Semantic Scholar found no paper with this title", None
        mismatch = _guard(spec, s2)
        if mismatch:
            return f"title match rejected: {mismatch}", None
    elif _s2_id(spec) in s2_answers.failed_ids:
        return s2_answers.failed_ids[_s2_id(spec)], None
    if spec.arxiv is not None:
        if spec.arxiv in arxiv_failed:
            return arxiv_failed[spec.arxiv], None
        entry = found.get(spec.arxiv)
        if entry is None:
            return "arXiv did not return this id", None
        return None, merge(entry, s2)
    if s2 is None:
        return f"unknown to Semantic Scholar ({_s2_id(spec)})", None
    return None, merge(found.get(extra[spec.key]) if spec.key in extra else None, s2)


def _surname(name: str) -> str:
    return name.split()[-1].lower() if name.split() else ""


def _guard(spec: PaperSpec, s2: S2Paper) -> str | None:
    """Why an S2 record does not agree with what is known about the entry (None if it does)."""
    if spec.kind != "title":
        return None
    known = spec.hand
    if known is None:
        if _norm(s2.title) != _norm(spec.value):
            return f"S2 title {s2.title!r} differs and no authors/year are known to confirm it"
        return None
    if known.year and s2.year and abs(known.year - s2.year) > 1:
        return f"year {s2.year} does not agree with {known.year}"
    if known.authors and s2.authors and _surname(known.authors[0]) != _surname(s2.authors[0]):
        return f"first author {s2.authors[0]!r} does not agree with {known.authors[0]!r}"
    return None


def _norm(title: str) -> str:
    return "".join(c for c in title.lower() if c.isalnum())
