"""Real Sphinx builds of a small survey with lineage: the ``{lineage}`` directive (topic, around,
faded ancestors, links, text alternative), the timeline page, lineage links on the reference list
and the paper index, and the on-disk cache of drawn graphs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sitebuild

from survey.bibliography import bibtex
from survey.record import Paper
from survey.sphinx.lineage_svg import DrawLink, DrawNode, svg

PAPERS = {
    "vaswani2017attention": Paper(
        "Attention Is All You Need", ("Ashish Vaswani", "Noam Shazeer"), 2017, "hand", arxiv_id="1706.03762"
    ),
    "devlin2019bert": Paper(
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        ("Jacob Devlin", "Ming-Wei Chang"),
        2019,
        "hand",
        arxiv_id="1810.04805",
    ),
    "dosovitskiy2021image": Paper(
        "An Image is Worth 16x16 Words", ("Alexey Dosovitskiy", "Lucas Beyer"), 2021, "hand", arxiv_id="2010.11929"
    ),
    "bao2022beit": Paper(
        "BEiT: BERT Pre-Training of Image Transformers", ("Hangbo Bao",), 2022, "hand", arxiv_id="2106.08254"
    ),
    "he2022masked": Paper(
        "Masked Autoencoders Are Scalable Vision Learners",
        ("Kaiming He", "Xinlei Chen"),
        2022,
        "hand",
        arxiv_id="2111.06377",
    ),
    "xie2022simmim": Paper(
        "SimMIM: A Simple Framework for Masked Image Modeling",
        ("Zhenda Xie", "Zheng Zhang"),
        2022,
        "hand",
        arxiv_id="2111.09886",
    ),
    "ge2021yolox": Paper("YOLOX: Exceeding YOLO Series in 2021", ("Zheng Ge",), 2021, "hand", arxiv_id="2107.08430"),
    "lecun1998gradient": Paper(
        "Gradient-Based Learning Applied to Document Recognition",
        ("Yann LeCun", "Léon Bottou", "Yoshua Bengio"),
        1998,
        "hand",
        "article",
        "Proceedings of the IEEE",
        doi="10.1109/5.726791",
    ),
}

TOML = """\
[vaswani2017attention]
arxiv = "1706.03762"
name = "Transformer"
topics = ["language"]

[devlin2019bert]
arxiv = "1810.04805"
name = "BERT"
topics = ["language"]
builds_on = ["vaswani2017attention"]

[dosovitskiy2021image]
arxiv = "2010.11929"
name = "ViT"
topics = ["vision"]
builds_on = [{ key = "vaswani2017attention", change = "image patches as tokens" }]

[bao2022beit]
arxiv = "2106.08254"
name = "BEiT"
topics = ["vision"]
builds_on = ["dosovitskiy2021image", { key = "devlin2019bert", change = "masked image modelling over visual tokens" }]

[he2022masked]
arxiv = "2111.06377"
name = "MAE"
topics = ["vision"]
builds_on = [
  "dosovitskiy2021image",
  { key = "devlin2019bert", change = "masked-token prediction on image patches" },
  { key = "bao2022beit", change = "pixels instead of tokens" },
]

[xie2022simmim]
arxiv = "2111.09886"
name = "SimMIM"
topics = ["vision"]
builds_on = [{ key = "he2022masked", change = "a lighter decoder", concurrent = true }]

[ge2021yolox]
arxiv = "2107.08430"
topics = ["detection"]

[lecun1998gradient]
doi = "10.1109/5.726791"
topics = ["vision"]

[lecun1998gradient.hand]
title = "Gradient-Based Learning Applied to Document Recognition"
authors = ["Yann LeCun", "Léon Bottou", "Yoshua Bengio"]
year = 1998
venue = "Proceedings of the IEEE"
entrytype = "article"
date = "1998-11"
"""

CONF = sitebuild.SMALL_SITE_CONF

VISION = """(ch-vision)=
# Vision transformers

## Patches as tokens

{cite:t}`dosovitskiy2021image` cut images into patches; LeNet {cite:p}`lecun1998gradient` came long before.

(sec-masked)=
## Masked image modelling

{cite:t}`bao2022beit` predict visual tokens, {cite:t}`he2022masked` predict pixels, and
{cite:t}`xie2022simmim` simplify the decoder.

```{lineage}
```

```{lineage}
:around: he2022masked
:caption: MAE and its neighbours.
```

## References

```{bibliography}
```
"""

CHAPTERS = {
    "index": "# Survey\n\n```{toctree}\nlanguage\nvision\ndetection\npapers\nreferences\ntimeline\n```\n",
    "language": """(ch-language)=
# Language

{cite:t}`vaswani2017attention` attend; {cite:t}`devlin2019bert` pretrain.

## References

```{bibliography}
```
""",
    "vision": VISION,
    "detection": """(ch-detection)=
# Detection

YOLOX {cite:p}`ge2021yolox` is anchor-free.

```{lineage}
:around: he2022masked
:depth: all
```

## References

```{bibliography}
```
""",
    "papers": "# Paper index\n\n```{paper-index}\n```\n",
    "references": "# All references\n\n```{paper-list}\n```\n",
    "timeline": "# Timeline\n\n```{lineage-timeline}\n```\n",
}


def make_site(root: Path, chapters: dict[str, str] | None = None, toml: str = TOML) -> Path:
    refs = bibtex.write([bibtex.BibItem(k, p) for k, p in PAPERS.items()])
    return sitebuild.write_site(root, refs, toml, CONF, chapters or CHAPTERS)


build = sitebuild.build_here


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sitebuild.built_cleanly(make_site(tmp_path_factory.mktemp("site")))


def _figures(page: str) -> list[str]:
    return re.findall(r'<figure class="lineage-graph">.*?</figure>', page, re.S)


def _nodes(figure: str) -> dict[str, tuple[str, str]]:
    """data-key -> (classes, href) of each node of a graph."""
    found = re.findall(r'<a class="([^"]*)" href="([^"]*)" data-key="([^"]*)"', figure)
    return {key: (classes, href) for classes, href, key in found}


def _labels(figure: str) -> set[str]:
    return set(re.findall(r'<text x="[^"]*" y="[^"]*" text-anchor="middle">([^<]*)</text>', figure))


def test_topic_graph_shows_the_chapter_and_fades_what_it_builds_on_from_elsewhere(built: Path) -> None:
    topic, _ = _figures((built / "vision.html").read_text())
    nodes = _nodes(topic)
    assert set(nodes) == {
        "dosovitskiy2021image",
        "bao2022beit",
        "he2022masked",
        "xie2022simmim",
        "lecun1998gradient",
        "vaswani2017attention",  # from the language chapter: ViT builds on it
        "devlin2019bert",
    }
    for key in ("vaswani2017attention", "devlin2019bert"):
        assert "lineage-faded" in nodes[key][0], key
    for key in ("dosovitskiy2021image", "he2022masked", "lecun1998gradient"):
        assert "lineage-faded" not in nodes[key][0] and "lineage-home" in nodes[key][0], key
    assert {"MAE ’21", "ViT ’20", "BEiT ’21", "Transformer ’17", "BERT ’18", "LeCun et al. ’98"} <= _labels(topic)


def test_nodes_link_to_where_the_paper_is_discussed(built: Path) -> None:
    page = (built / "vision.html").read_text()
    nodes = _nodes(_figures(page)[0])
    assert nodes["he2022masked"][1] == "#sec-masked"  # the section of this chapter that cites it
    assert 'id="sec-masked"' in page
    assert nodes["dosovitskiy2021image"][1] == "#patches-as-tokens"
    assert 'id="patches-as-tokens"' in page
    assert nodes["devlin2019bert"][1] == "references.html#paper-devlin2019bert"  # cited elsewhere only
    assert 'id="paper-devlin2019bert"' in (built / "references.html").read_text()


def test_edges_carry_what_changed_and_concurrent_works_are_marked(built: Path) -> None:
    topic = _figures((built / "vision.html").read_text())[0]
    edges = re.findall(r'<g class="([^"]*)" data-from="([^"]*)" data-to="([^"]*)"><title>([^<]*)</title>', topic)
    by_pair = {(a, b): (classes, title) for classes, a, b, title in edges}
    assert (
        by_pair["devlin2019bert", "he2022masked"][1] == "MAE builds on BERT: masked-token prediction on image patches"
    )
    assert by_pair["dosovitskiy2021image", "he2022masked"][1] == "MAE builds on ViT"
    classes, title = by_pair["he2022masked", "xie2022simmim"]
    assert "lineage-concurrent" in classes and title.endswith("(concurrent work)")
    assert "lineage-faded" in by_pair["vaswani2017attention", "devlin2019bert"][0]
    assert len(edges) == 8


def test_graph_runs_left_to_right_in_time(built: Path) -> None:
    topic = _figures((built / "vision.html").read_text())[0]
    x = {
        key: float(cx)
        for key, cx in re.findall(r'data-key="([^"]*)"[^>]*><title>[^<]*</title><rect[^>]*/><text x="([^"]*)"', topic)
    }
    by_date = ["lecun1998gradient", "vaswani2017attention", "devlin2019bert", "dosovitskiy2021image", "bao2022beit"]
    by_date += ["he2022masked"]
    assert [x[k] for k in by_date] == sorted(x[k] for k in by_date)  # never left of an earlier paper
    for parent, child in re.findall(r'<g class="lineage-edge[^"]*" data-from="([^"]*)" data-to="([^"]*)"', topic):
        if (parent, child) != ("he2022masked", "xie2022simmim"):  # concurrent: may stand level
            assert x[parent] < x[child], (parent, child)  # right of everything it builds on
    assert x["lecun1998gradient"] < x["he2022masked"]
    years = re.findall(r'<text class="lineage-year"[^>]*>([\d–]+)</text>', topic)
    assert years == ["1998–2017", "2018–20", "2021"]  # sparse years share a column band


def test_around_graph_has_ancestors_and_descendants_to_the_depth_asked(built: Path) -> None:
    _, around = _figures((built / "vision.html").read_text())
    assert set(_nodes(around)) == {
        "he2022masked",
        "dosovitskiy2021image",
        "devlin2019bert",
        "bao2022beit",
        "xie2022simmim",
    }
    assert "<figcaption>MAE and its neighbours.</figcaption>" in around
    (everything,) = _figures((built / "detection.html").read_text())
    assert "vaswani2017attention" in _nodes(everything)  # :depth: all reaches the grandparent
    assert "lineage-focus" in _nodes(everything)["he2022masked"][0]  # the paper the graph is around
    assert "lineage-faded" in _nodes(everything)["dosovitskiy2021image"][0]  # not a detection paper


def test_text_alternative_lists_the_same_lineage(built: Path) -> None:
    topic = _figures((built / "vision.html").read_text())[0]
    (listing,) = re.findall(r'<details class="lineage-text"><summary>[^<]*</summary>(.*?)</details>', topic, re.S)
    text = re.sub(r"(<[^>]+>)+", "|", listing)
    assert "|MAE (2021-11)|builds on |ViT (2020-10)|" in text
    assert "builds on |BERT (2018-10)|: masked-token prediction on image patches|" in text
    assert "|SimMIM (2021-11)|builds on |MAE (2021-11)|: a lighter decoder (concurrent work)|" in text
    assert '<a href="#sec-masked">MAE (2021-11)</a>' in listing
    assert "LeCun et al. (1998-11)" in text


def test_timeline_shows_every_paper_by_topic_linking_to_its_reference(built: Path) -> None:
    page = (built / "timeline.html").read_text()
    (figure,) = _figures(page)
    nodes = _nodes(figure)
    assert set(nodes) == set(PAPERS)
    for key, (classes, href) in nodes.items():
        assert href == f"references.html#paper-{key}"
        assert "lineage-topic" in classes
    topics = dict(re.findall(r'data-key="([^"]*)" data-topics="([^"]*)"', figure))
    assert topics["ge2021yolox"] == "detection" and topics["he2022masked"] == "vision"
    boxes = re.findall(r'<input type="checkbox" value="([^"]*)" checked> ([^<]*)</label>', page)
    assert boxes == [("language", "Language"), ("vision", "Vision transformers"), ("detection", "Detection")]
    hues = re.findall(
        r'data-key="(ge2021yolox|he2022masked|dosovitskiy2021image)"[^>]*style="--lineage-hue: (\d+)"', figure
    )
    assert len({hue for key, hue in hues if key != "ge2021yolox"}) == 1 and len(set(dict(hues).values())) == 2


def test_reference_list_and_index_link_builds_on_and_built_upon_by(built: Path) -> None:
    page = (built / "references.html").read_text()
    entry = re.search(r'<div class="survey-paper[^"]*" id="paper-he2022masked">(.*?)</div>\s*</div>', page, re.S)
    assert entry
    lineage = re.search(r'<p class="survey-lineage">(.*?)</p>', entry.group(1), re.S)
    assert lineage
    text = re.sub(r"<[^>]+>", "", lineage.group(1))
    assert "Builds on: ViT; BERT; BEiT." in text and "Built upon by: SimMIM." in text
    assert 'href="#paper-bao2022beit"' in lineage.group(1)
    index = (built / "papers.html").read_text()
    row = re.search(r"<tr[^>]*><td><code>he2022masked</code>.*?</tr>", index, re.S)
    assert row and 'href="references.html#paper-xie2022simmim"' in row.group(0)


def test_bad_options_and_unknown_papers_warn_by_name(tmp_path: Path) -> None:
    chapters = dict(CHAPTERS)
    chapters["detection"] = CHAPTERS["detection"].replace(":around: he2022masked", ":around: nobody2020")
    chapters["language"] = (
        CHAPTERS["language"]
        + "\n```{lineage}\n:topic: nosuchtopic\n```\n\n```{lineage}\n:around: he2022masked\n:depth: zero\n```\n"
    )
    result = build(make_site(tmp_path, chapters))
    assert result.returncode != 0
    assert (
        "detection.md:6: WARNING: lineage: :around: 'nobody2020' is not a paper of papers.toml [survey.lineage]"
        in result.stderr
    )
    assert "no paper of papers.toml has topic 'nosuchtopic' [survey.lineage]" in result.stderr
    assert ":depth: must be a positive number or 'all', not 'zero' [survey.lineage]" in result.stderr
    suppressed = build(make_site(tmp_path, chapters), "-D", "suppress_warnings=survey.lineage")
    assert suppressed.returncode == 0, suppressed.stderr


def test_drawn_graphs_are_cached_and_redrawn_only_when_they_change(tmp_path: Path) -> None:
    docs = make_site(tmp_path)
    assert build(docs).returncode == 0
    out = docs / "_build" / "html"
    cache = out / ".doctrees" / "survey-lineage"
    drawn = sorted(cache.glob("*.svg"))
    assert len(drawn) == 4  # vision: topic + around; detection: around, depth all; the timeline
    for path in drawn:  # mark every cached drawing: a page using the cache shows the mark
        path.write_text(path.read_text().replace('class="lineage-svg"', 'class="lineage-svg" data-cached="yes"'))
    stamps = {p: p.stat().st_mtime_ns for p in drawn}
    (docs / "vision.md").write_text(VISION.replace("predict pixels", "reconstruct pixels"))
    assert build(docs).returncode == 0
    page = (out / "vision.html").read_text()
    assert "reconstruct pixels" in page and page.count('data-cached="yes"') == 2
    assert sorted(cache.glob("*.svg")) == drawn and {p: p.stat().st_mtime_ns for p in drawn} == stamps
    (tmp_path / "papers.toml").write_text(TOML.replace("pixels instead of tokens", "raw pixels as targets"))
    assert build(docs).returncode == 0
    page = (out / "vision.html").read_text()
    assert "raw pixels as targets" in page and page.count('data-cached="yes"') == 0
    assert "raw pixels as targets" in (out / "timeline.html").read_text()


def test_noop_rebuild_writes_nothing(tmp_path: Path) -> None:
    docs = make_site(tmp_path)
    assert build(docs).returncode == 0
    out = docs / "_build" / "html"
    pages = {p: p.stat().st_mtime_ns for p in out.glob("*.html") if p.name not in ("genindex.html", "search.html")}
    cache = out / ".doctrees" / "survey-lineage"
    shutil.rmtree(cache)  # a no-op build draws nothing, so it does not even notice the cache is gone
    assert build(docs).returncode == 0
    assert {p: p.stat().st_mtime_ns for p in pages} == pages
    assert not cache.exists()


def _chapter_like() -> tuple[list[DrawNode], list[DrawLink]]:
    """A made-up chapter: 46 papers over 11 years, a hub many papers build on, older parents, a few
    chains within a year, sparse early years and papers that build on nothing."""
    nodes: list[DrawNode] = []
    links: list[DrawLink] = []
    per_year = {2009: 1, 2012: 1, 2014: 2, 2015: 3, 2016: 4, 2017: 5, 2018: 6, 2019: 6, 2020: 7, 2021: 8, 2022: 3}
    for year, count in per_year.items():
        for i in range(count):
            key = f"p{year}{i}"
            nodes.append(DrawNode(key, f"Method {chr(65 + i)}{year % 7} ’{year % 100:02}", f"{year}-{i + 1:02}"))
    keys = [n.key for n in nodes]
    for j, key in enumerate(keys[3:], 3):
        if j % 5 == 4:
            continue  # builds on nothing shown
        for parent in sorted({keys[2], keys[j // 2], keys[j - 1] if j % 4 == 0 else keys[2]}):  # a hub, an older
            if parent != key:
                links.append(DrawLink(parent, key, f"{key} builds on {parent}"))
    return nodes, links


def _bezier_points(d: str) -> list[tuple[float, float]]:
    """Points along an SVG path made of one M and cubic C segments."""
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
    x, y = numbers[0], numbers[1]
    points = []
    for i in range(2, len(numbers), 6):
        x1, y1, x2, y2, x3, y3 = numbers[i : i + 6]
        for step in range(21):
            t = step / 20
            a, b, c, e = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
            points.append((a * x + b * x1 + c * x2 + e * x3, a * y + b * y1 + c * y2 + e * y3))
        x, y = x3, y3
    return points


def test_chapter_graph_is_compact_with_no_overlaps_and_arrows_clear_of_papers() -> None:
    nodes, links = _chapter_like()
    drawn = svg(nodes, links, "t", "test")
    width, height = (float(v) for v in re.search(r'width="([\d.]+)" height="([\d.]+)"', drawn).groups())  # type: ignore[union-attr]
    boxes = {
        key: (float(x), float(y), float(w), float(h))
        for key, x, y, w, h in re.findall(
            r'data-key="([^"]*)"><title>[^<]*</title><rect x="([^"]*)" y="([^"]*)" width="([^"]*)" height="([^"]*)"',
            drawn,
        )
    }
    assert len(boxes) == len(nodes)
    rows = sorted({y for _, y, _, _ in boxes.values()})
    pitch = min(b - a for a, b in zip(rows, rows[1:], strict=False))
    assert pitch <= 34  # rows one fixed small pitch apart...
    assert all(round((b - a) / pitch, 6) == 1 for a, b in zip(rows, rows[1:], strict=False))  # ...and none empty
    busiest = 8  # papers of 2021
    assert height <= 60 + pitch * (busiest + 3)  # about as tall as the busiest year needs (drawn: 234 px)
    assert height / len(nodes) < 10  # (one column per year with grandalf's spacing: 1548 px, 34 px a paper)
    assert width < 2100  # one band for the sparse early years, columns as wide as their labels (was 2293)
    years = re.findall(r'<text class="lineage-year"[^>]*>([\d–]+)</text>', drawn)
    assert years[0] == "2009–14" and years[-1] == "2022"
    for a, (ax, ay, aw, ah) in boxes.items():  # no two papers overlap
        for b, (bx, by, bw, bh) in boxes.items():
            if a < b:
                assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, (a, b)
    edges = re.findall(
        r'data-from="([^"]*)" data-to="([^"]*)"><title>[^<]*</title><path class="lineage-edge-line" d="([^"]*)"', drawn
    )
    assert len(edges) == len(links)
    for parent, child, d in edges:  # every arrow passes beside the papers it does not join
        for x, y in _bezier_points(d):
            for key, (bx, by, bw, bh) in boxes.items():
                if key not in (parent, child):
                    assert not (bx + 1 < x < bx + bw - 1 and by + 1 < y < by + bh - 1), (parent, child, key)


def test_the_same_graph_is_drawn_the_same_in_every_process() -> None:
    script = "import test_lineage_site as t; print(t.svg(*t._chapter_like(), 't', 'test'))"
    drawn = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=Path(__file__).parent,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "4", "6")  # string hashing (and so set order) differs between these
    }
    assert len(drawn) == 1 and "lineage-node" in drawn.pop()
