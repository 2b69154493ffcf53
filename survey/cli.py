"""The ``survey`` command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from survey import __version__, citegraph
from survey.commands import add, check, fetch, suggest
from survey.files import OutputError
from survey.paperlist import PaperListError
from survey.sources.http import SourceError
from survey.store import StoreError

_BAD_INPUT = (PaperListError, StoreError, OutputError, SourceError, citegraph.GraphCacheError)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="survey", description="Build the survey's bibliography from papers.toml and check the survey's citations."
    )
    parser.add_argument("--version", action="version", version=f"survey {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    paths = argparse.ArgumentParser(add_help=False)
    paths.add_argument(
        "--papers",
        type=Path,
        default=Path("papers.toml"),
        help="the paper list (default: papers.toml; fetched metadata is kept beside it in papers.lock)",
    )
    paths.add_argument(
        "--bib", type=Path, default=Path("refs.bib"), help="the BibTeX file to write (default: refs.bib)"
    )
    paths.add_argument("-q", "--quiet", action="store_true", help="print failures only")

    f = sub.add_parser(
        "fetch-refs",
        parents=[paths],
        help="resolve papers.toml into refs.bib via arXiv and Semantic Scholar",
        description="Resolve every paper in the paper list through the arXiv API and the Semantic "
        "Scholar Graph API and write refs.bib. Entries already resolved are taken from "
        "papers.lock without any request. Endpoints: SURVEY_ARXIV_URL, SURVEY_S2_URL; "
        "optional S2_API_KEY.",
    )
    f.add_argument("--offline", action="store_true", help="open no connection; build refs.bib from stored metadata")
    f.add_argument(
        "--refresh",
        action="store_true",
        help="fetch every entry again, replacing hand-entered metadata and reporting each difference",
    )
    f.add_argument("--only", nargs="+", metavar="KEY", help="fetch only these citekeys")

    a = sub.add_parser(
        "add",
        parents=[paths],
        help="add one paper by arXiv id, DOI or title",
        description="Resolve one paper, give it a citekey (surname + year + first significant "
        "title word), append it to papers.toml and update refs.bib.",
    )
    a.add_argument("identifier", help="an arXiv id (2111.06377), a DOI (10.1109/...) or a quoted title")
    a.add_argument("--key", help="use this citekey instead of the proposed one")
    a.add_argument("--topic", action="append", default=[], help="a topic (chapter) for the entry; repeatable")

    c = sub.add_parser(
        "check",
        parents=[paths],
        help="check citations, the paper list and refs.bib (offline, fast)",
        description="Every cited key exists; every paper is cited; no paper is listed twice; refs.bib "
        "is in sync with papers.toml; identifiers are valid. One line per finding.",
    )
    c.add_argument("--docs", type=Path, default=Path("docs"), help="the Sphinx source folder (default: docs)")
    _suggest_parser(sub)
    return parser


def _suggest_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    s = sub.add_parser(
        "suggest",
        help="papers the list is missing, new papers citing it, or S2 recommendations",
        description="Rank the papers that at least --min-count listed papers cite but the list lacks "
        "(--missing, the default), the papers first public since --since that cite at least "
        "--min-count listed papers (--new), or Semantic Scholar's recommendations for the listed "
        "papers (--recommend). The citation graph is cached beside papers.lock (papers.graph.json): "
        "references for good, citations for [survey.suggest] citations_max_age_days (default 30). "
        "Suggestions named in [survey.suggest] dismissed never come back.",
    )
    s.add_argument("--papers", type=Path, default=Path("papers.toml"), help="the paper list (default: papers.toml)")
    mode = s.add_mutually_exclusive_group()
    mode.add_argument("--missing", dest="mode", action="store_const", const="missing", help="(default)")
    mode.add_argument("--new", dest="mode", action="store_const", const="new", help="new papers citing the list")
    mode.add_argument("--recommend", dest="mode", action="store_const", const="recommend", help="S2 recommendations")
    s.add_argument("--since", metavar="YYYY-MM", help="--new: first public since (default: a year ago)")
    s.add_argument("--topic", metavar="T", help="count only the papers of this topic (chapter)")
    s.add_argument("--min-count", type=int, default=3, metavar="K", help="listed papers involved (default: 3)")
    s.add_argument("--limit", type=int, default=20, metavar="N", help="show the first N (default: 20)")
    s.add_argument("--json", action="store_true", help="print a JSON list instead of text")
    s.add_argument("--offline", action="store_true", help="answer from the cache only; open no connection")
    s.add_argument("--refresh", action="store_true", help="fetch the graph again, however fresh the cache")
    s.add_argument("--max-age", type=int, metavar="DAYS", help="citations older than this are fetched again")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary line")
    s.set_defaults(mode="missing")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out = Console(stderr=False, highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        if args.command == "fetch-refs":
            if args.offline and args.refresh:
                err.print("survey fetch-refs: --offline and --refresh contradict each other")
                return 2
            return _fetch_refs(args, out, err)
        if args.command == "add":
            return add.main(
                args.identifier, args.papers, args.bib, key=args.key, topics=args.topic, out=out, quiet=args.quiet
            )
        if args.command == "suggest":
            return _suggest(args, out, err)
        return check.main(args.papers, args.bib, args.docs, out=out, quiet=args.quiet)
    except _BAD_INPUT as exc:
        err.print(f"survey {args.command}: {exc}", markup=False)
        return 2
    except KeyboardInterrupt:
        err.print(f"survey {args.command}: interrupted; no file was changed")
        return 130


def _progress(err: Console, *, quiet: bool) -> Progress:
    """A transient progress bar on the error stream, shown only on a terminal and without -q."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet or not err.is_terminal,
        transient=True,
    )


def _fetch_refs(args: argparse.Namespace, out: Console, err: Console) -> int:
    with _progress(err, quiet=args.quiet) as bar:
        task = bar.add_task("resolving", total=None)

        def plan(to_fetch: int, total: int) -> None:
            bar.update(task, total=2 * to_fetch)

        def progress(phase: str, done: int) -> None:
            bar.update(task, advance=done, description=phase)

        outcome = fetch.run(
            args.papers,
            args.bib,
            offline=args.offline,
            refresh=args.refresh,
            only=args.only,
            progress=progress,
            on_plan=plan,
        )
    for key, changes in sorted(outcome.changes.items()):
        if not args.quiet:
            out.print(
                f"{key}: {len(changes)} difference(s) from the stored metadata"
                if changes
                else f"{key}: stored metadata confirmed",
                markup=False,
            )
            for change in changes:
                out.print(f"  {change}", markup=False)
    for key, reason in sorted(outcome.failed.items()):
        err.print(f"{key}: {reason}", markup=False)
    for key, chars in sorted(outcome.unencodable.items()):
        err.print(
            f"{key}: warning: pdfLaTeX cannot set {' '.join(chars)}; written as UTF-8 "
            '(set bib_encoding = "utf-8" under [survey] in papers.toml for biber + biblatex)',
            markup=False,
        )
    if not args.quiet:
        out.print(
            f"{len(outcome.fetched)} fetched, {len(outcome.cached)} from papers.lock, "
            f"{len(outcome.hand)} hand-entered, {len(outcome.upgraded)} upgraded to a venue, "
            f"{len(outcome.failed)} failed; {outcome.requests} HTTP requests "
            f"({outcome.throttled} throttled). "
            + (
                (f"Wrote {args.bib}." if outcome.bib_changed else f"{args.bib} is up to date.")
                if outcome.bib_written
                else f"{args.bib} left unchanged."
            ),
            markup=False,
        )
    return 1 if outcome.failed else 0


def _suggest(args: argparse.Namespace, out: Console, err: Console) -> int:
    if args.offline and args.refresh:
        err.print("survey suggest: --offline and --refresh contradict each other")
        return 2
    with _progress(err, quiet=args.quiet) as bar:
        task = bar.add_task("asking Semantic Scholar", total=None)

        def progress(what: str, done: int, planned: int) -> None:
            bar.update(task, completed=done, total=planned, description=what)

        result = suggest.run(
            args.papers,
            mode=args.mode,
            topic=args.topic,
            min_count=args.min_count,
            limit=args.limit,
            since=args.since,
            offline=args.offline,
            refresh=args.refresh,
            max_age=args.max_age,
            progress=progress,
        )
    if args.json:
        import json

        out.print(
            json.dumps([s.to_json(rank) for rank, s in enumerate(result.suggestions, 1)], indent=1, ensure_ascii=False),
            markup=False,
        )
    else:
        for line in suggest.lines(result):
            out.print(line, markup=False)
    if not args.quiet:
        for note in result.notes:
            err.print(f"note: {note}", markup=False)
        err.print(suggest.summary(result), markup=False)
    if result.error:
        err.print(f"survey suggest: {result.error}; what was fetched before it is cached", markup=False)
        return 1
    return 0
