"""Time Sphinx builds of the survey site: clean, no-op, one-chapter edit, one refs.bib entry edit,
with wall time and peak memory of each build.

    python benchmarks/site_build.py                    # the real survey (docs/, refs.bib, papers.toml)
    python benchmarks/site_build.py --synthetic 250 2000 10000 --chapters 15 15 50
    python benchmarks/site_build.py --synthetic 2000 --profile    # where a clean build's time goes
    python benchmarks/site_build.py --repeat 5                    # fastest of 5 no-op / edit builds

The real survey is copied with its results data (results/), so its builds include the chapters'
results tables and the generated leaderboard pages and charts. Synthetic surveys have the real
one's shape: per-chapter reference lists, a global reference list with "cited in" backlinks, the
paper index, papers cited from several chapters, non-ASCII names and brace-protected titles.
Builds run as `make html` does (-W --keep-going -n), each in its own process, on a copy of the
sources in a temporary directory.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import sitebuild  # noqa: E402

_CHILD = """
import cProfile, os, pstats, resource, sys
from sphinx.cmd.build import main
profile = cProfile.Profile() if os.environ.get("SURVEY_PROFILE") else None
code = profile.runcall(main, sys.argv[1:]) if profile else main(sys.argv[1:])
print("PEAK_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
if profile:
    pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(40)
sys.exit(code)
"""


def build(root: Path, profile: bool = False) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, number of warnings) of one `make html`-equivalent build;
    with *profile*, the build runs under cProfile and its 40 costliest calls are printed."""
    start = time.perf_counter()
    docs = root / "docs"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _CHILD,
            *sitebuild.arguments(docs, docs / "_build" / "html", doctrees=docs / "_build" / "doctrees"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "SURVEY_PROFILE": "1"} if profile else None,
    )
    wall = time.perf_counter() - start
    if profile:
        print(result.stdout)
    peak = next((int(line.split()[1]) for line in result.stderr.splitlines() if line.startswith("PEAK_KB")), 0)
    warnings = sum("WARNING" in line for line in result.stderr.splitlines())
    if result.returncode and not warnings:
        raise SystemExit(result.stderr[-3000:])
    return wall, peak / 1024, warnings


def copy_real(dest: Path) -> str:
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns("_build", "leaderboards"))
    for name in ("refs.bib", "papers.toml", "papers.lock"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, dest / name)
    if (ROOT / "results").is_dir():  # the results data: chapters' tables and the generated leaderboards
        shutil.copytree(ROOT / "results", dest / "results")
    return "detection"


def make_synthetic(dest: Path, chapters: int, refs: int, seed: int = 0) -> str:
    """A synthetic survey of the real one's shape; returns the name of one chapter to edit."""
    sys.path.insert(0, str(ROOT))
    from survey.bibliography import bibtex
    from survey.record import Paper

    rng = random.Random(seed)
    surnames = ["Müller", "Dollár", "Gonçalves", "Žižek", "Nguyễn", "O'Brien", "van den Oord", "Smith", "Li", "Wang"]
    acronyms = ["ViT", "BERT", "COCO", "3D", "ImageNet", "DETR", "CLIP", "GAN"]
    venues = ["CVPR", "ICCV", "ECCV", "NeurIPS", "ICLR", "ICML", "TPAMI", None]
    items, toml = [], []
    for i in range(refs):
        key = f"paper{i:05d}"
        authors = tuple(
            f"{rng.choice(['Ana', 'Jörg', 'Zoë', 'Wei'])} {rng.choice(surnames)}{i % 97}"
            for _ in range(rng.randint(1, 6))
        )
        venue = rng.choice(venues)
        paper = Paper(
            f"{rng.choice(acronyms)} for {rng.choice(acronyms)}: study number {i} & more",
            authors,
            2015 + i % 10,
            "arxiv+s2",
            "misc" if venue is None else ("article" if venue == "TPAMI" else "inproceedings"),
            venue,
            f"{2001 + i // 90000}.{i % 90000:05d}",
        )
        items.append(bibtex.BibItem(key, paper))
        toml.append(f'[{key}]\narxiv = "{paper.arxiv_id}"\ntopics = ["ch{i % chapters:02d}"]\n')
    (dest / "refs.bib").write_text(bibtex.write(items), encoding="utf-8")
    (dest / "papers.toml").write_text("\n".join(toml), encoding="utf-8")
    docs = dest / "docs"
    docs.mkdir()
    shutil.copy(ROOT / "docs" / "conf.py", docs / "conf.py")
    shutil.copytree(ROOT / "docs" / "_static", docs / "_static")
    names = [f"ch{c:02d}" for c in range(chapters)]
    (docs / "index.md").write_text(
        "# Synthetic survey\n\n```{toctree}\n" + "\n".join(names) + "\npapers\nreferences\n```\n", encoding="utf-8"
    )
    (docs / "papers.md").write_text("(paper-index)=\n# Paper index\n\n```{paper-index}\n```\n", encoding="utf-8")
    (docs / "references.md").write_text("(references)=\n# All references\n\n```{paper-list}\n```\n", encoding="utf-8")
    for c, name in enumerate(names):
        own = [f"paper{i:05d}" for i in range(c, refs, chapters)]
        shared = rng.sample(range(refs), k=max(1, len(own) // 4))  # papers also discussed elsewhere
        keys = own + [f"paper{i:05d}" for i in shared]
        rng.shuffle(keys)
        body = [f"(ch-{name})=\n# Chapter {c}\n"]
        for s in range(0, len(keys), 40):
            body.append(f"## Section {s // 40}\n")
            for p in range(s, min(s + 40, len(keys)), 4):
                group = keys[p : p + 4]
                body.append(
                    f"{{cite:t}}`{group[0]}` extend the idea "
                    + (f"of {{cite:p}}`{','.join(group[1:])}`." if group[1:] else "further.")
                    + "\n"
                )
        body.append("## References\n\n```{bibliography}\n```\n")
        (docs / f"{name}.md").write_text("\n".join(body), encoding="utf-8")
    return names[0]


def measure(label: str, setup: object, profile: bool = False, repeat: int = 1) -> None:
    """Print the four builds' figures; no-op and chapter-edit builds run *repeat* times, fastest shown
    (on a shared machine the minimum is the figure that compares)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        chapter = setup(root)  # type: ignore[operator]
        if profile:
            build(root, profile=True)
            return
        rows = [("clean", build(root)), ("no-op", min(build(root) for _ in range(repeat)))]
        page = root / "docs" / f"{chapter}.md"

        def edit() -> tuple[float, float, int]:
            page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
            return build(root)

        rows.append(("edit one chapter", min(edit() for _ in range(repeat))))
        bib = root / "refs.bib"
        text = bib.read_text(encoding="utf-8")
        at = text.index("title = ", text.index("\n@")) + len('title = "')
        bib.write_text(text[:at] + "Edited " + text[at:], encoding="utf-8")
        rows.append(("edit one refs.bib entry", build(root)))
        for name, (wall, peak, warnings) in rows:
            print(f"{label:<28} {name:<24} {wall:8.1f} s {peak:8.0f} MB {warnings:5d} warnings", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synthetic", nargs="*", type=int, metavar="REFS", help="synthetic surveys of these sizes")
    parser.add_argument("--chapters", nargs="*", type=int, help="chapters per synthetic survey (default 15)")
    parser.add_argument("--profile", action="store_true", help="profile one clean build instead of timing four")
    parser.add_argument("--repeat", type=int, default=1, help="no-op and chapter-edit builds N times each: the fastest")
    args = parser.parse_args()
    print(f"{'survey':<28} {'build':<24} {'wall':>10} {'peak RSS':>11} {'':>14}")
    if args.synthetic is None:
        measure("real survey", copy_real, args.profile, args.repeat)
        return
    chapters = args.chapters or [15] * len(args.synthetic)
    for refs, count in zip(args.synthetic, chapters, strict=True):
        setup = functools.partial(make_synthetic, chapters=count, refs=refs)
        measure(f"synthetic {count} ch / {refs} refs", setup, args.profile, args.repeat)


if __name__ == "__main__":
    main()
