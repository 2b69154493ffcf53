"""Rebuilds do only the work an edit calls for, and upstream bibliography options still work
(survey.sphinx's cite domain replaces sphinxcontrib-bibtex's list filling and resolution)."""

from __future__ import annotations

import re
from pathlib import Path

from test_site import CHAPTERS, build, make_site


def _mtimes(out: Path) -> dict[str, int]:
    """Last-write times of the pages made from documents (Sphinx writes genindex and search every build)."""
    return {p.name: p.stat().st_mtime_ns for p in out.glob("*.html") if p.name not in ("genindex.html", "search.html")}


def _built(tmp_path: Path, chapters: dict[str, str] | None = None) -> tuple[Path, Path]:
    docs = make_site(tmp_path, chapters)
    result = build(docs)
    assert result.returncode == 0, result.stderr
    return docs, docs / "_build" / "html"


def test_noop_rebuild_writes_nothing(tmp_path: Path) -> None:
    docs, out = _built(tmp_path)
    before = _mtimes(out)
    result = build(docs)
    assert result.returncode == 0, result.stderr
    assert _mtimes(out) == before


def test_refs_bib_edit_rewrites_only_the_pages_showing_that_entry(tmp_path: Path) -> None:
    docs, out = _built(tmp_path)
    doctrees = out / ".doctrees"
    chapter_tree = (doctrees / "detection.doctree").stat().st_mtime_ns
    before = _mtimes(out)
    bib = tmp_path / "refs.bib"
    bib.write_text(bib.read_text().replace("Exceeding {YOLO} Series", "Beyond the {YOLO} Series"))
    result = build(docs)
    assert result.returncode == 0, result.stderr
    after = _mtimes(out)
    for page in ("detection.html", "references.html", "papers.html"):  # chapter lists use sentence case
        assert "beyond the yolo series" in (out / page).read_text().lower(), page
    assert after["vision.html"] == before["vision.html"]  # does not cite YOLOX
    assert after["detection.html"] != before["detection.html"]
    assert (doctrees / "detection.doctree").stat().st_mtime_ns == chapter_tree  # rewritten, not re-read


def test_prose_edit_leaves_the_generated_pages_alone(tmp_path: Path) -> None:
    docs, out = _built(tmp_path)
    before = _mtimes(out)
    (docs / "vision.md").write_text(CHAPTERS["vision"].replace("go deeper.", "go much deeper."))
    result = build(docs)
    assert result.returncode == 0, result.stderr
    after = _mtimes(out)
    assert after["vision.html"] != before["vision.html"]
    assert after["references.html"] == before["references.html"]
    assert after["papers.html"] == before["papers.html"]


def test_label_change_rewrites_every_page_citing_the_paper(tmp_path: Path) -> None:
    """A new 2022 paper by He makes MAE "He et al., 2022a" in both chapters citing it."""
    docs, out = _built(tmp_path)
    bib = tmp_path / "refs.bib"
    text = bib.read_text()
    entry = text[text.index("@inproceedings{he2022masked,") :].split("\n}\n")[0] + "\n}\n"
    twin = entry.replace("he2022masked,", "he2022zzz,").replace("Masked Autoencoders", "Masked Twins")
    bib.write_text(text + "\n" + twin)
    papers = tmp_path / "papers.toml"
    papers.write_text(papers.read_text() + '\n[he2022zzz]\ntitle = "Masked Twins Are Scalable Vision Learners"\n')
    result = build(docs)
    assert result.returncode == 0, result.stderr
    for page in ("vision.html", "detection.html"):
        assert "2022a" in (out / page).read_text(), page


def test_upstream_bibliography_options(tmp_path: Path) -> None:
    extra = """# Options

Cited here: {cite:p}`ge2021yolox`.

## Of 2021, as a bullet list

```{bibliography}
:filter: year == "2021"
:list: bullet
```
"""
    everything = "# Everything\n\n```{bibliography}\n:all:\n:labelprefix: A-\n```\n"
    chosen = "# Chosen\n\n```{bibliography}\n:filter: False\nhe2022masked\n```\n"
    chapters = dict(CHAPTERS, extra=extra, everything=everything, chosen=chosen)
    chapters["index"] = CHAPTERS["index"].replace("references\n", "references\nextra\neverything\nchosen\n")
    _, out = _built(tmp_path, chapters)
    extra_html = (out / "extra.html").read_text()
    listed = extra_html.split("<h2>Of 2021")[-1].split('<div class="sphinxsidebar"')[0].lower()
    assert listed.count('<li id="cite-') == 3
    for title in ("going deeper", "training data-efficient", "yolox"):
        assert title in listed, title
    assert "masked autoencoders" not in listed
    everything_html = (out / "everything.html").read_text()
    assert everything_html.count('class="citation') >= 1
    assert all(f'id="cite-{key}"' in everything_html for key in ("he2022masked", "ge2021yolox", "touvron2021going"))
    assert "A-He et al., 2022" in everything_html
    chosen_html = (out / "chosen.html").read_text()
    assert 'id="cite-he2022masked"' in chosen_html
    assert 'id="cite-ge2021yolox"' not in chosen_html
    # A citation in a document without its own list of that paper links to the first list in reading order.
    assert 'href="detection.html#cite-ge2021yolox"' in extra_html


def test_missing_field_warns_again_after_an_unrelated_edit(tmp_path: Path) -> None:
    docs = make_site(tmp_path)
    bib = tmp_path / "refs.bib"
    bib.write_text(re.sub(r"\n *booktitle = .*\(ICCV\)\",", "", bib.read_text()))
    assert "(ICCV)" not in bib.read_text()
    first = build(docs)
    assert "missing_field" in first.stderr and "touvron2021going" in first.stderr
    (docs / "vision.md").write_text(CHAPTERS["vision"] + "\nOne more sentence.\n")
    again = build(docs)
    assert "missing_field" in again.stderr and "touvron2021going" in again.stderr
