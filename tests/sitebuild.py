"""Sphinx builds run as `make html` in docs/ runs them (warnings are errors, references
checked), for the tests and the site benchmark."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

#: conf.py of the small sites the tests build: the survey's extension, as docs/conf.py sets it up.
SMALL_SITE_CONF = """
extensions = ["myst_parser", "sphinxcontrib.bibtex", "survey.sphinx"]
bibtex_bibfiles = ["../refs.bib"]
survey_papers = "../papers.toml"
bibtex_default_style = "survey"
bibtex_reference_style = "survey"
bibtex_cite_id = "cite-{key}"
bibtex_tooltips = False
html_theme = "alabaster"
nitpicky = True
"""

#: sphinx-build arguments of docs/Makefile's `make html` (SPHINXOPTS), quiet.
MAKE_HTML = ("-b", "html", "-W", "--keep-going", "-n", "-q")


def arguments(source: Path, out: Path, *extra: str, doctrees: Path | None = None) -> list[str]:
    """sphinx-build arguments building *source* into *out* as `make html` does."""
    return [*MAKE_HTML, *extra, *(["-d", str(doctrees)] if doctrees else []), str(source), str(out)]


def build(source: Path, out: Path, *extra: str, doctrees: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", *arguments(source, out, *extra, doctrees=doctrees)],
        capture_output=True,
        text=True,
    )


def write_site(root: Path, refs_bib: str, papers_toml: str, conf: str, chapters: dict[str, str]) -> Path:
    """A small survey project under *root* (refs.bib, papers.toml, docs/); returns docs/."""
    (root / "refs.bib").write_text(refs_bib, encoding="utf-8")
    (root / "papers.toml").write_text(papers_toml, encoding="utf-8")
    docs = root / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "conf.py").write_text(conf, encoding="utf-8")
    for name, text in chapters.items():
        (docs / f"{name}.md").write_text(text, encoding="utf-8")
    return docs


def build_here(docs: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Build a small site into its own docs/_build/html."""
    return build(docs, docs / "_build" / "html", *extra)


def built_cleanly(docs: Path) -> Path:
    """Build a small site, which must succeed without a single warning; its HTML folder."""
    result = build_here(docs)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return docs / "_build" / "html"
