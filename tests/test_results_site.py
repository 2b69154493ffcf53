"""Real Sphinx builds of a small survey with results data: the {results-table} directive (filters,
columns, sort, reference marking, citations) and the generated leaderboard pages (table, charts, CSV)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import sitebuild
from test_site import CHAPTERS, make_site

from survey.sphinx import charts

IMAGENET = """\
[benchmark]
title = "ImageNet-1k classification"
task = "image classification"
split = "val"
reference = { extra_data = "none" }

[metrics.top1]
label = "Top-1"
unit = "%"
higher = true

[settings.params]
label = "Params"
unit = "M"
[settings.gflops]
label = "GFLOPs"
unit = "G"
[settings.extra_data]
label = "Extra data"

[[result]]
paper = "touvron2021training"
model = "DeiT-B"
top1 = 81.8
params = 86
gflops = 17.5
extra_data = "none"
source = "Table 2"

[[result]]
paper = "touvron2021going"
model = "CaiT-M36"
top1 = 86.3
params = 271
gflops = 247.8
extra_data = "none"
source = "Table 5"

[[result]]
paper = "he2022masked"
model = "MAE ViT-H/14"
top1 = 87.8
params = 632
extra_data = "none"
source = "https://github.com/facebookresearch/mae"
note = "fine-tuned at 448 px"

[[result]]
paper = "he2022masked"
model = "MAE ViT-L/16"
top1 = 86.0
params = 304
gflops = 61.6
extra_data = "ImageNet-21k"
source = "Table 9"
"""

COCO = """\
[benchmark]
title = "COCO detection"
split = "val2017"

[metrics.ap]
label = "AP"
unit = "%"
higher = true

[settings.epochs]
label = "Epochs"
unit = "epochs"

[[result]]
paper = "ge2021yolox"
model = "YOLOX-L"
ap = 49.7
epochs = 300
source = "Table 6"
"""

RESULTS = """\
(ch-results)=
# Results chapter

## Classification

```{results-table} imagenet-1k
:caption: Every ImageNet result.
```

## Filtered

```{results-table} imagenet-1k
:where: extra_data=none
:columns: top1, model, params
:sort: params
```

```{results-table} imagenet-1k
:papers: he2022masked
```

```{results-table} imagenet-1k
:topic: vision
:sort: model
```

## References

```{bibliography}
```
"""


def make(root: Path, **files: str) -> Path:
    chapters = dict(CHAPTERS, results=RESULTS)
    chapters["index"] = CHAPTERS["index"].replace("references\n", "references\nresults\nleaderboards/index\n")
    docs = make_site(root, chapters)
    folder = root / "results"
    folder.mkdir(exist_ok=True)
    for name, text in (files or {"imagenet-1k": IMAGENET, "coco-detection": COCO}).items():
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    return docs


def build(docs: Path, *extra: str) -> str:
    result = sitebuild.build(docs, docs / "_build" / "html", *extra)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = make(tmp_path_factory.mktemp("results-site"))
    build(docs)
    return docs / "_build" / "html"


def tables(html: str) -> list[str]:
    return re.findall(r'<table class="results-table.*?</table>', html, re.S)


def rows(table: str) -> list[str]:
    return re.findall(r"<tr class=.*?</tr>", table.split("<tbody>")[1], re.S)


def text(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).strip()


def models(table: str) -> list[str]:
    return [text(re.search(r'<td class="results-col-model">(.*?)</td>', row, re.S).group(1)) for row in rows(table)]  # type: ignore[union-attr]


def test_default_table_has_every_row_best_first_and_every_used_column(site: Path) -> None:
    html = (site / "results.html").read_text()
    table = tables(html)[0]
    assert "results-sorted-2-desc" in table  # column 2 (Top-1), descending
    assert models(table) == ["MAE ViT-H/14", "CaiT-M36", "MAE ViT-L/16 ‡", "DeiT-B"]
    heads = [text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
    assert heads == ["Model", "Paper", "Top-1 (%)", "Params (M)", "GFLOPs (G)", "Extra data"]
    assert "<caption>" in table and "Every ImageNet result." in table
    first = re.sub(r'<span class="results-source".*?</span>', "", rows(table)[0], flags=re.S)
    assert text(first) == "MAE ViT-H/14 He et al. , 2022 87.8 632 – none"


def test_where_columns_and_sort_options(site: Path) -> None:
    table = tables((site / "results.html").read_text())[1]
    heads = [text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
    assert heads == ["Top-1 (%)", "Model", "Params (M)"]
    assert models(table) == ["DeiT-B", "CaiT-M36", "MAE ViT-H/14"]  # extra_data = none, by params ascending
    assert "results-sorted-2-asc" in table and "results-offref" not in table


def test_papers_and_topic_filters(site: Path) -> None:
    html = (site / "results.html").read_text()
    assert models(tables(html)[2]) == ["MAE ViT-H/14", "MAE ViT-L/16 ‡"]
    assert models(tables(html)[3]) == ["MAE ViT-H/14", "MAE ViT-L/16 ‡"]  # he2022masked is the only "vision" paper
    assert "results-sorted-0-asc" in tables(html)[3]


def test_rows_off_the_reference_setting_are_marked_with_a_legend(site: Path) -> None:
    html = (site / "results.html").read_text()
    table = tables(html)[0]
    marked = [row for row in rows(table) if 'class="results-offref' in row]
    assert len(marked) == 1 and "MAE ViT-L/16" in marked[0]
    assert (
        '<abbr class="results-marker" title="Setting differs from the reference: '
        'Extra data = ImageNet-21k (reference: none)"' in marked[0]
    )
    assert re.search(r'<td class="results-col-setting results-offref-cell"><p>ImageNet-21k</p></td>', marked[0])
    assert "‡ Measured in another setting than the reference (Extra data = none)" in html


def test_numbers_carry_their_source(site: Path) -> None:
    html = (site / "results.html").read_text()
    button = re.search(r'<button type="button" class="results-value"[^>]*>87\.8</button><span[^>]*>(.*?)</span>', html)
    assert button is not None
    assert 'title="Source: https://github.com/facebookresearch/mae"' in button.group(0)
    assert 'Source: <a href="https://github.com/facebookresearch/mae">' in button.group(1)
    assert "Note: fine-tuned at 448 px" in button.group(1)
    ids = re.findall(r'aria-controls="([^"]+)"', html)
    assert len(ids) == len(set(ids)) == html.count('class="results-value"')  # unique even with a row shown twice
    assert all(f'id="{i}"' in html for i in ids)


def test_citations_in_tables_link_preview_and_fill_the_chapter_list(site: Path) -> None:
    html = (site / "results.html").read_text()
    table = tables(html)[0]
    for key in ("he2022masked", "touvron2021going", "touvron2021training"):
        assert f'href="#cite-{key}"' in table
        assert f'id="cite-{key}"' in html  # the chapter cites nothing in prose: the table filled its list
    assert 'id="cite-ge2021yolox"' not in html
    references = (site / "references.html").read_text()
    going = references[
        references.index('id="paper-touvron2021going"') : references.index('id="paper-touvron2021training"')
    ]
    assert "Results chapter" in going  # backlink from the table's section
    assert "leaderboards/" not in going.split("Leaderboards:")[0]  # leaderboards are not "cited in" places


def test_table_links_to_its_leaderboard(site: Path) -> None:
    html = (site / "results.html").read_text()
    assert 'href="leaderboards/imagenet-1k.html"' in html
    assert "All results: ImageNet-1k classification leaderboard" in text(html)


def test_reference_entries_list_their_leaderboards(site: Path) -> None:
    references = (site / "references.html").read_text()
    mae = references[references.index('id="paper-he2022masked"') : references.index('id="paper-touvron2021going"')]
    assert re.search(
        r'Leaderboards: <a class="reference internal" href="leaderboards/imagenet-1k.html">ImageNet-1k', mae
    )
    yolox = references[references.index('id="paper-ge2021yolox"') : references.index('id="paper-he2022masked"')]
    assert 'href="leaderboards/coco-detection.html">COCO detection' in yolox and "imagenet-1k" not in yolox


def test_leaderboard_index_lists_every_benchmark(site: Path) -> None:
    index = text((site / "leaderboards" / "index.html").read_text())
    assert "COCO detection val2017 49.7% AP, YOLOX-L 1 1" in index
    assert "ImageNet-1k classification image classification val 87.8% Top-1, MAE ViT-H/14 4 3" in index


def test_leaderboard_page_has_the_full_table_charts_and_csv(site: Path) -> None:
    page = (site / "leaderboards" / "imagenet-1k.html").read_text()
    assert len(rows(tables(page)[0])) == 4
    charts = re.findall(
        r'<figure class="leaderboard-chart" id="([^"]+)" data-points="(\d+)">(.*?)</figure>', page, re.S
    )
    assert [(c[0], c[1]) for c in charts] == [("chart-imagenet-1k-progress", "4"), ("chart-imagenet-1k-compute", "3")]
    progress, compute = charts[0][2], charts[1][2]
    assert progress.count('class="leaderboard-point"') == 4 and compute.count('class="leaderboard-point"') == 3
    assert "<title>MAE ViT-H/14 — He et al., 2022 (2021-11): 87.8% Top-1</title>" in progress
    assert "GFLOPs (G) 247.8</title>" in compute
    assert progress.count('<a href="#cite-he2022masked"') == 2 and 'id="cite-he2022masked"' in page
    assert "currentColor" in progress and "#010203" not in progress and "<?xml" not in progress
    assert "The chart as text" in progress and "new bests" in progress
    # The papers span about a year: the date axis counts in quarters, and no two ticks read the same.
    ticks = re.findall(r'<g id="chart-imagenet-1k-progress-xtick_\d+">.*?<text[^>]*>([^<]+)</text>', progress, re.S)
    assert ticks == ["Oct 2020", "Jan 2021", "Apr 2021", "Jul 2021", "Oct 2021", "Jan 2022"]
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # two inline SVGs on one page share no id
    assert 'href="imagenet-1k.csv"' in page
    data = list(csv.DictReader(io.StringIO((site / "leaderboards" / "imagenet-1k.csv").read_text())))
    assert [r["model"] for r in data] == ["DeiT-B", "CaiT-M36", "MAE ViT-H/14", "MAE ViT-L/16"]
    assert data[2]["top1"] == "87.8" and data[2]["gflops"] == "" and data[2]["first_public"] == "2021-11"
    assert data[2]["source"] == "https://github.com/facebookresearch/mae"
    coco = (site / "leaderboards" / "coco-detection.html").read_text()
    assert coco.count('class="leaderboard-chart"') == 1  # no compute known: no compute chart
    heads = [text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", tables(coco)[0], re.S)]
    assert heads == ["Model", "Paper", "AP (%)", "Epochs"]  # a unit that repeats the label is not shown


def test_problems_are_named_warnings(tmp_path: Path) -> None:
    broken = IMAGENET.replace("top1 = 81.8", "top1 = 181.8")
    docs = make(tmp_path, **{"imagenet-1k": broken, "coco-detection": COCO})
    (docs / "results.md").write_text(
        RESULTS.replace("{results-table} imagenet-1k\n:caption:", "{results-table} nope\n:caption:")
    )
    result = sitebuild.build(docs, docs / "_build" / "html")
    assert result.returncode != 0
    line = broken.splitlines().index("top1 = 181.8") + 1
    assert (
        f"imagenet-1k.toml:{line}: WARNING: [[result]] touvron2021training 'DeiT-B': `top1` = 181.8 is out of range"
        in result.stderr
    )
    assert "results.md:6: WARNING: {results-table}: unknown benchmark 'nope'" in result.stderr
    assert "[survey.results]" in result.stderr


def test_rebuilds_follow_the_data_and_draw_only_what_changed(tmp_path: Path) -> None:
    docs = make(tmp_path)
    out = docs / "_build" / "html"
    build(docs)
    cache = out / ".doctrees" / "survey-charts"
    drawn = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.svg")}
    assert len(drawn) == 3
    csv_file = out / "leaderboards" / "imagenet-1k.csv"
    written = csv_file.stat().st_mtime_ns
    build(docs)  # no-op
    chapter = docs / "results.md"
    chapter.write_text(chapter.read_text() + "\nOne more sentence.\n")
    build(docs)  # prose only
    assert {p.name: p.stat().st_mtime_ns for p in cache.glob("*.svg")} == drawn
    assert csv_file.stat().st_mtime_ns == written
    assert (docs / "leaderboards" / "imagenet-1k.md").stat().st_mtime_ns < chapter.stat().st_mtime_ns
    (tmp_path / "results" / "imagenet-1k.toml").write_text(IMAGENET.replace("top1 = 87.8", "top1 = 87.9"))
    build(docs)
    assert ">87.9</button>" in (out / "results.html").read_text()  # the chapter was read again
    assert ">87.9</button>" in (out / "leaderboards" / "imagenet-1k.html").read_text()
    assert ",87.9," in csv_file.read_text()
    assert len(set(p.name for p in cache.glob("*.svg")) - set(drawn)) == 1  # only the progress chart changed
    (tmp_path / "results" / "coco-detection.toml").unlink()
    (docs / "index.md").write_text((docs / "index.md").read_text())
    build(docs)
    assert not (docs / "leaderboards" / "coco-detection.md").exists()
    assert "COCO detection" not in (out / "leaderboards" / "index.html").read_text()


QUARTERS_2019_2021 = ["Oct 2019", "Jan 2020", "Apr 2020", "Jul 2020", "Oct 2020", "Jan 2021", "Apr 2021", "Jul 2021"]


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (2017.7, 2021.4, ["2018", "2019", "2020", "2021"]),
        (1997.7, 2024.3, ["1998", "2001", "2004", "2007", "2010", "2013", "2016", "2019", "2022"]),
        (2020.6, 2021.4, ["Oct 2020", "Jan 2021", "Apr 2021"]),
        (2019.7, 2021.9, [*QUARTERS_2019_2021, "Oct 2021"]),
    ],
)
def test_date_axis_labels_are_distinct_dates(low: float, high: float, expected: list[str]) -> None:
    marks = charts.date_ticks(low, high)
    assert [label for _, label in marks] == expected
    assert all(low <= x <= high for x, _ in marks)
