"""refs.bib as LaTeX authors use it: classic BibTeX + pdfLaTeX (plain and natbib author-year)
on the ASCII output, biber + biblatex on the UTF-8 output. Real TeX runs (Debian's TeX Live,
installed by .ci/run); skipped with a loud reason locally without it, never under CI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from survey.bibliography import bibtex
from survey.record import Paper

TOOLS = ("pdflatex", "bibtex", "biber", "lualatex")
_missing = [tool for tool in TOOLS if shutil.which(tool) is None]
if _missing and os.environ.get("CI"):
    raise RuntimeError(f"CI must run the LaTeX client test, but {', '.join(_missing)} is missing: see .ci/run")
pytestmark = pytest.mark.skipif(
    bool(_missing),
    reason=f"LATEX CLIENT TEST SKIPPED: {', '.join(_missing)} not installed "
    "(apt-get install -y texlive-latex-base texlive-latex-recommended texlive-bibtex-extra biber "
    "texlive-luatex texlive-fonts-recommended lmodern fonts-dejavu-core); CI always runs it",
)

#: Entries of every tricky kind, as the parsers hand them over (plain Unicode, $…$ math).
TRICKY = [
    Paper(
        "Schrödinger Bridges and Erdős–Rényi Graphs: 50% of $\\mathbb{R}^n$ & #1",
        ("Nguyễn Văn Đặng", "Martin King Jr.", "Wei von Luxburg Jr.", "Aäron van den Oord"),
        2021,
        "arxiv",
        entry_type="inproceedings",
        venue="NeurIPS",
        pages="1-10",
    ),
    Paper(
        "Ω-Nets: Poincaré Embeddings for $\\alpha$-Divergence",
        ("CMS Collaboration", "Łukasz Kaiser", "Jürgen Schmidhuber", "Ross D'Amour III"),
        2020,
        "arxiv",
        arxiv_id="2001.00001",
        primary_class="cs.LG",
        url="https://arxiv.org/abs/2001.00001",
    ),
    Paper(
        "Ça marche: Œuvres de Gödel – «ViT» in Ångström",
        ("Stéphane d'Ascoli", "Jeffrey De Fauw", "Søren Ørsted", "The ATLAS Collaboration"),
        2019,
        "hand",
        entry_type="article",
        venue="Journal de Mathématiques Pures et Appliquées",
        volume="12",
        pages="3--4",
    ),
    Paper(
        "A Single Author With a Suffix",
        ("Martin King Jr.",),
        2018,
        "hand",
        entry_type="techreport",
        institution="Université Laval",
    ),
    Paper("A Corporate Author", ("CMS Collaboration",), 2017, "hand", entry_type="techreport", institution="CERN"),
]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, errors="replace")


def _bibtex_document(style: str, natbib: bool) -> str:
    keys = ",".join(f"k{i}" for i in range(len(TRICKY)))
    return (
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{lmodern,amssymb}\n"
        + ("\\usepackage[authoryear]{natbib}\n" if natbib else "")
        + f"\\begin{{document}}\nSee \\cite{{{keys}}}.\n\\bibliographystyle{{{style}}}\n\\bibliography{{refs}}\n"
        "\\end{document}\n"
    )


def _latex_errors(log: str) -> list[str]:
    """LaTeX errors, and glyphs the font lacks (a wrong or missing letter in the PDF)."""
    return [line for line in log.splitlines() if line.startswith("!") or "Missing character" in line]


@pytest.mark.parametrize(("style", "natbib"), [("plain", False), ("plainnat", True)])
def test_classic_bibtex_and_pdflatex(tmp_path: Path, style: str, natbib: bool) -> None:
    text = bibtex.write([bibtex.BibItem(f"k{i}", p) for i, p in enumerate(TRICKY)])
    assert text.isascii()
    (tmp_path / "refs.bib").write_text(text, encoding="ascii")
    (tmp_path / "paper.tex").write_text(_bibtex_document(style, natbib))
    first = _run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"], tmp_path)
    assert first.returncode == 0, first.stdout[-2000:]
    run = _run(["bibtex", "paper"], tmp_path)
    blg = (tmp_path / "paper.blg").read_text(errors="replace")
    assert run.returncode == 0, run.stdout
    assert "Warning--" not in blg and "error message" not in blg, blg
    for _ in range(2):
        done = _run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"], tmp_path)
        assert done.returncode == 0, done.stdout[-2000:]
    log = (tmp_path / "paper.log").read_text(errors="replace")
    assert _latex_errors(log) == []
    assert "undefined" not in log
    bbl = (tmp_path / "paper.bbl").read_text()
    # The names BibTeX formatted: surnames right, suffixes in place, corporate names whole.
    assert "King" in bbl and "Jr." in bbl and "Luxburg" in bbl and "CMS Collaboration" in bbl
    assert "Nguy{\\~{\\^{e}}}n" in bbl
    if natbib:  # author-year labels name the surname, never the suffix or a corporate first name
        assert "\\bibitem[King(2018)]{k3}" in bbl
        assert "\\bibitem[{CMS Collaboration}(2017)]{k4}" in bbl


def test_biber_and_biblatex_on_the_utf8_variant(tmp_path: Path) -> None:
    """The UTF-8 refs.bib is for biber + biblatex, typeset with a Unicode engine (LuaLaTeX) and
    a font that has the letters (DejaVu Serif: Vietnamese, Greek)."""
    text = bibtex.write([bibtex.BibItem(f"k{i}", p) for i, p in enumerate(TRICKY)], ascii=False)
    assert "Nguyễn" in text and "Ω-Nets" in text
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage{fontspec,amssymb}\n\\setmainfont{DejaVu Serif}\n"
        "\\usepackage[backend=biber,style=authoryear]{biblatex}\n\\addbibresource{refs.bib}\n"
        "\\begin{document}\n\\textcite{k0,k1,k2,k3,k4}\n\\printbibliography\n\\end{document}\n"
    )
    first = _run(["lualatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"], tmp_path)
    assert first.returncode == 0, first.stdout[-2000:]
    run = _run(["biber", "paper"], tmp_path)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "WARN" not in run.stdout and "ERROR" not in run.stdout, run.stdout
    done = _run(["lualatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"], tmp_path)
    assert done.returncode == 0, done.stdout[-2000:]
    assert _latex_errors((tmp_path / "paper.log").read_text(errors="replace")) == []
    bbl = (tmp_path / "paper.bbl").read_text()
    assert re.search(r"family=\{King\},\s+familyi=\S+\s+given=\{Martin\},(\s+\S+){2}\s+suffix=\{Jr\.\}", bbl), bbl
    assert "family={{CMS Collaboration}}" in bbl and "given={Nguyễn\\bibnamedelima Văn}" in bbl
