"""Real Sphinx builds of small survey sites: citations, per-chapter lists, backlinks, index."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import sitebuild
from conftest import check_args

from survey.bibliography import bibtex
from survey.record import Paper

PAPERS = {
    "he2022masked": Paper(
        "Masked Autoencoders Are Scalable Vision Learners",
        ("Kaiming He", "Xinlei Chen", "Piotr Dollár"),
        2022,
        "hand",
        "inproceedings",
        "CVPR",
        "2111.06377",
        doi="10.1109/cvpr52688.2022.01553",
    ),
    "touvron2021going": Paper(
        "Going Deeper with Image Transformers",
        ("Hugo Touvron", "Matthieu Cord", "Hervé Jégou"),
        2021,
        "hand",
        "inproceedings",
        "ICCV",
        "2103.17239",
    ),
    "touvron2021training": Paper(
        "Training data-efficient image transformers & distillation through attention",
        ("Hugo Touvron", "Matthieu Cord", "Hervé Jégou"),
        2021,
        "hand",
        "inproceedings",
        "ICML",
        "2012.12877",
    ),
    "ge2021yolox": Paper(
        "YOLOX: Exceeding YOLO Series in 2021", ("Zheng Ge", "Songtao Liu"), 2021, "hand", arxiv_id="2107.08430"
    ),
}

CONF = sitebuild.SMALL_SITE_CONF

CHAPTERS = {
    "index": "# Survey\n\n```{toctree}\nvision\ndetection\npapers\nreferences\n```\n",
    "vision": """(ch-vision)=
# Vision transformers

{cite:t}`touvron2021training` distil; {cite:t}`touvron2021going` go deeper.

(sec-vision-mae)=
## Masked pretraining

MAE {cite:p}`he2022masked` masks patches. See {ref}`ch-detection`.

## References

```{bibliography}
```
""",
    "detection": """(ch-detection)=
# Object detection

## Backbones

Pretrained with MAE {cite:p}`he2022masked`; YOLOX {cite:p}`ge2021yolox` is anchor-free.

## References

```{bibliography}
```
""",
    "papers": "# Paper index\n\n```{paper-index}\n```\n",
    "references": "# All references\n\n```{paper-list}\n```\n",
}


def make_site(root: Path, chapters: dict[str, str] | None = None) -> Path:
    topics = {"he2022masked": '["self-supervised", "vision"]', "ge2021yolox": '["detection"]'}
    return sitebuild.write_site(
        root,
        bibtex.write([bibtex.BibItem(k, p) for k, p in PAPERS.items()]),
        "".join(f'[{k}]\narxiv = "{p.arxiv_id}"\ntopics = {topics.get(k, "[]")}\n\n' for k, p in PAPERS.items()),
        CONF,
        chapters or CHAPTERS,
    )


build = sitebuild.build_here


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sitebuild.built_cleanly(make_site(tmp_path_factory.mktemp("site")))


def test_author_year_citations_link_to_their_own_chapter_list(built: Path) -> None:
    for page in ("vision", "detection"):
        html = (built / f"{page}.html").read_text()
        anchors = re.findall(r'<a class="reference internal" href="([^"]*)#cite-([a-z0-9]+)"', html)
        assert anchors, page
        for target_page, key in anchors:
            assert target_page == "", f"{page} links {key} to another page {target_page!r}"
            assert f'id="cite-{key}"' in html
    vision = re.sub(r"<[^>]+>", "", (built / "vision.html").read_text())
    assert "Touvron et al. (2021b) distil; Touvron et al. (2021a) go deeper." in vision
    assert "MAE (He et al., 2022) masks patches." in vision
    detection = re.sub(r"<[^>]+>", "", (built / "detection.html").read_text())
    assert "YOLOX (Ge and Liu, 2021) is anchor-free" in detection


def test_labels_are_unique_across_the_site(built: Path) -> None:
    vision = (built / "vision.html").read_text()
    assert "Touvron et al., 2021a" in vision and "Touvron et al., 2021b" in vision
    assert "He et al., 2022" in (built / "detection.html").read_text()


def test_chapter_lists_hold_only_their_citations_with_links(built: Path) -> None:
    detection = (built / "detection.html").read_text()
    assert 'id="cite-ge2021yolox"' in detection and 'id="cite-touvron2021going"' not in detection
    assert "https://doi.org/10.1109/cvpr52688.2022.01553" in detection


def test_global_list_has_backlinks_and_bibtex(built: Path) -> None:
    html = (built / "references.html").read_text()
    entry = html[html.index('id="paper-he2022masked"') : html.index('id="paper-touvron2021going"')]
    assert 'href="vision.html#sec-vision-mae"' in entry and "Vision transformers › Masked pretraining" in entry
    assert 'href="detection.html#backbones"' in entry
    assert "@inproceedings{he2022masked," in entry and "Copy BibTeX" in entry
    assert "Piotr Dollár" in entry
    yolox = html[html.index('id="paper-ge2021yolox"') :]
    assert "https://arxiv.org/abs/2107.08430" in yolox


def test_paper_index_rows(built: Path) -> None:
    html = (built / "papers.html").read_text()
    assert html.count("<tr data-topics=") == 4
    row = re.search(r'<tr data-topics="self-supervised vision">.*?</tr>', html, re.S)
    assert row and 'href="references.html#paper-he2022masked"' in row.group(0)
    assert 'href="vision.html"' in row.group(0) and 'href="detection.html"' in row.group(0)
    assert '<td title="IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)">CVPR</td>' in row.group(0)


def test_hover_preview_data(built: Path) -> None:
    data = (built / "_static" / "survey-papers.js").read_text()
    assert data.startswith("window.SURVEY_PAPERS = ")
    assert '"he2022masked":{"t":"Masked Autoencoders Are Scalable Vision Learners"' in data
    assert "IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)" in data


def test_undefined_citekey_fails_the_build_and_the_check(tmp_path: Path) -> None:
    chapters = dict(CHAPTERS, detection=CHAPTERS["detection"].replace("ge2021yolox", "nobody2099"))
    docs = make_site(tmp_path, chapters)
    result = build(docs)
    assert result.returncode != 0
    assert 'could not find bibtex key "nobody2099"' in result.stderr
    check = subprocess.run(
        [sys.executable, "-m", "survey", *check_args(tmp_path, docs)], capture_output=True, text=True
    )
    assert check.returncode == 1
    assert f"{docs / 'detection.md'}:6: citekey 'nobody2099' is not in" in check.stdout


def test_incremental_build_updates_backlinks(tmp_path: Path) -> None:
    docs = make_site(tmp_path)
    assert build(docs).returncode == 0
    out = docs / "_build" / "html"
    assert "detection.html" in (out / "references.html").read_text().split('id="paper-ge2021yolox"')[1]
    (docs / "detection.md").write_text(
        CHAPTERS["detection"].replace(" YOLOX {cite:p}`ge2021yolox` is anchor-free.", "")
    )
    result = build(docs)
    assert result.returncode == 0, result.stderr
    assert "Not cited in any chapter." in (out / "references.html").read_text().split('id="paper-ge2021yolox"')[1]


def test_unlisted_bib_entry_is_a_named_warning(tmp_path: Path) -> None:
    docs = make_site(tmp_path)
    papers = (tmp_path / "papers.toml").read_text()
    (tmp_path / "papers.toml").write_text(
        papers.replace('[ge2021yolox]\narxiv = "2107.08430"\ntopics = ["detection"]\n', "")
    )
    result = build(docs)
    assert "refs.bib entry 'ge2021yolox' is not listed in papers.toml [survey.unlisted]" in result.stderr
    (docs / "conf.py").write_text(CONF + 'suppress_warnings = ["survey.unlisted"]\n')
    assert build(docs, "-E").returncode == 0


def test_accents_and_math_from_refs_bib_show_as_unicode(tmp_path: Path) -> None:
    """refs.bib spells accents for pdfLaTeX (Nguy{\\~{\\^{e}}}n, {$\\Omega$}); every page shows text."""
    tricky = Paper(
        "Ω-Nets: Schrödinger Bridges on $\\mathbb{R}^n$",
        ("Nguyễn Văn Đặng", "Martin King Jr.", "CMS Collaboration"),
        2021,
        "hand",
        arxiv_id="2101.00001",
    )
    suffixed = Paper("A Paper by One Author", ("Martin King Jr.",), 2020, "hand", arxiv_id="2001.00002")
    chapters = dict(
        CHAPTERS,
        detection=CHAPTERS["detection"].replace("is anchor-free.", "{cite:p}`x2021omega`; {cite:p}`y2020king`."),
    )
    docs = make_site(tmp_path, chapters)
    root = docs.parent
    (root / "refs.bib").write_text(
        bibtex.write(
            [bibtex.BibItem(k, p) for k, p in {**PAPERS, "x2021omega": tricky, "y2020king": suffixed}.items()]
        ),
        encoding="utf-8",
    )
    assert r"Nguy{\~{\^{e}}}n" in (root / "refs.bib").read_text()
    listed = (root / "papers.toml").read_text(encoding="utf-8")
    (root / "papers.toml").write_text(  # with a settings table, which is no paper
        '[survey]\nbib_encoding = "ascii"\n\n'
        + listed
        + '[x2021omega]\narxiv = "2101.00001"\n[y2020king]\narxiv = "2001.00002"\n',
        encoding="utf-8",
    )
    result = build(docs)
    assert result.returncode == 0, result.stderr
    out = docs / "_build" / "html"
    pages = {
        "references": (out / "references.html").read_text(),
        "index": (out / "papers.html").read_text(),
        "chapter": (out / "detection.html").read_text(),
        "previews": (out / "_static" / "survey-papers.js").read_text(),
    }
    assert r"Nguy{\~{\^{e}}}n" in pages["references"]  # the copy-BibTeX block is refs.bib's entry
    for name, html in pages.items():
        shown = re.sub(r"<pre.*?</pre>", "", html, flags=re.S)  # what is read, not what is copied
        at = shown.index("x2021omega")
        entry = shown if name == "chapter" else shown[at - 3000 : at + 3000]
        assert "Đặng" in entry, name
        assert "\\~" not in entry and "{\\" not in entry and "\\DJ" not in entry, name
    assert "Nguyễn Văn Đặng, Martin King Jr." in re.sub(r"<pre.*?</pre>", "", pages["references"], flags=re.S)
    assert "Ω-Nets" in pages["references"] and "Schrödinger" in pages["references"]
    assert '"t":"Ω-Nets: Schrödinger Bridges on $\\\\mathbb{R}^n$"' in pages["previews"]
    assert "Đặng et al., 2021" in pages["chapter"]
    assert "King, 2020</a>" in pages["chapter"] and "Jr., 2020" not in pages["chapter"]  # labels use the surname
