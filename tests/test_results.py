"""results/<benchmark>.toml: the schema, each validation rule with its file:line, and `survey check`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import check_args

from survey import results

PAPERS = {"he2022masked", "touvron2021training", "deng2009imagenet"}

CLEAN = """\
[benchmark]
title = "ImageNet-1k image classification"
task = "image classification"
dataset = ["deng2009imagenet"]
split = "val"
reference = { extra_data = "none", resolution = 224 }

[metrics.top1]
label = "Top-1"
unit = "%"
higher = true

[settings.params]
label = "Params"
unit = "M"
[settings.resolution]
label = "Resolution"
unit = "px"
[settings.extra_data]
label = "Extra data"
[settings.tta]
label = "Test-time aug."
type = "bool"

[[result]]
paper = "he2022masked"
model = "MAE ViT-H/14"
top1 = 87.8
resolution = 448
extra_data = "none"
source = "Table 3"
note = "fine-tuned at 448 px"

[[result]]
paper = "he2022masked"
model = "MAE ViT-H/14"
top1 = 86.9
resolution = 224
extra_data = "none"
source = "Table 3"

[[result]]
paper = "touvron2021training"
model = "DeiT-B"
top1 = 81.8
params = 86
tta = false
source = "https://github.com/facebookresearch/deit"
"""


def write(tmp_path: Path, text: str, name: str = "imagenet-1k") -> Path:
    folder = tmp_path / "results"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line of the *occurrence*-th line containing *fragment*."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]
    return hits[occurrence - 1]


def test_clean_file_reads_into_records(tmp_path: Path) -> None:
    benchmark, findings = results.load(write(tmp_path, CLEAN), PAPERS)
    assert findings == []
    assert benchmark is not None
    assert (benchmark.id, benchmark.title, benchmark.dataset) == (
        "imagenet-1k",
        CLEAN.split('"')[1],
        ("deng2009imagenet",),
    )
    assert [m.id for m in benchmark.metrics] == ["top1"] and benchmark.metrics[0].higher
    assert [(s.id, s.type) for s in benchmark.settings] == [
        ("params", "number"),
        ("resolution", "number"),
        ("extra_data", "text"),
        ("tta", "bool"),
    ]
    assert dict(benchmark.reference) == {"extra_data": "none", "resolution": 224}
    first, second, deit = benchmark.results
    assert (first.model, first.metrics["top1"], first.line) == ("MAE ViT-H/14", 87.8, line_of(CLEAN, "[[result]]", 1))
    assert first.note == "fine-tuned at 448 px" and first.lines["top1"] == line_of(CLEAN, "top1 = 87.8")
    assert deit.line == line_of(CLEAN, "[[result]]", 3) and deit.settings == {"params": 86, "tta": False}
    assert benchmark.off_reference(first) == {"resolution": 448}
    assert benchmark.off_reference(second) == {}
    assert benchmark.off_reference(deit) == {}  # unknown fields are unknown, not different
    assert benchmark.papers() == ["he2022masked", "touvron2021training"]
    with pytest.raises(AttributeError):
        first.model = "other"  # type: ignore[misc]


def test_empty_or_missing_folder_is_fine(tmp_path: Path) -> None:
    assert results.load_all(tmp_path / "results", PAPERS) == ({}, [])
    (tmp_path / "results").mkdir()
    assert results.load_all(tmp_path / "results", PAPERS) == ({}, [])


# (edit applied to CLEAN, fragment of the line the finding must name (occurrence), text of the finding)
RULES = [
    (
        ('paper = "touvron2021training"', 'paper = "nobody2099"'),
        ('paper = "nobody2099"', 1),
        "unknown citekey 'nobody2099'",
    ),
    (('dataset = ["deng2009imagenet"]', 'dataset = ["nodata"]'), ("dataset =", 1), "unknown citekey 'nodata'"),
    (("params = 86\n", "params = 86\nflops = 17\n"), ("flops = 17", 1), "unknown field `flops`"),
    (("top1 = 81.8", "top1 = 181.8"), ("top1 = 181.8", 1), "out of range (a percentage: 0..100)"),
    (("top1 = 81.8", "top1 = -1"), ("top1 = -1", 1), "out of range"),
    (("params = 86", "params = -86"), ("params = -86", 1), "`params` = -86 is out of range (must be >= 0)"),
    (("top1 = 81.8", 'top1 = "81.8"'), ('top1 = "81.8"', 1), "`top1` must be a number"),
    (("tta = false", 'tta = "no"'), ('tta = "no"', 1), "`tta` must be true or false"),
    (("resolution = 448", 'resolution = "448px"'), ('resolution = "448px"', 1), "`resolution` must be a number"),
    (('source = "https://github.com/facebookresearch/deit"\n', ""), ("[[result]]", 3), "`source` is missing"),
    (('source = "Table 3"\nnote', 'source = ""\nnote'), ('source = ""', 1), "`source` must be a non-empty string"),
    (("top1 = 81.8\n", ""), ("[[result]]", 3), "no metric value"),
    (("higher = true\n", ""), ("[metrics.top1]", 1), "`higher` is missing"),
    (
        ('task = "image classification"', 'task = "image classification"\nyear = 2009'),
        ("year = 2009", 1),
        "unknown key `year`",
    ),
    (
        ("reference = { extra_data", "reference = { crops = 3, extra_data"),
        ("reference =", 1),
        "unknown setting `crops`",
    ),
    (
        ('label = "Extra data"', 'label = "Extra data"\ntype = "colour"'),
        ('type = "colour"', 1),
        "`type` must be one of",
    ),
    (('unit = "M"', 'unit = "M"\nhigher = false'), ("higher = false", 1), "[settings.params]: unknown key `higher`"),
    (('split = "val"', 'split = "val"\nlines = ["crops"]'), ("lines =", 1), "`lines` names unknown setting `crops`"),
    (('split = "val"', 'split = "val"\nlines = "tta"'), ("lines =", 1), "`lines` must be a list of setting ids"),
]


@pytest.mark.parametrize("edit, at, message", RULES)
def test_each_rule_is_caught_with_file_and_line(
    tmp_path: Path, edit: tuple[str, str], at: tuple[str, int], message: str
) -> None:
    assert edit[0] in CLEAN
    text = CLEAN.replace(edit[0], edit[1], 1)
    path = write(tmp_path, text)
    _, findings = results.load(path, PAPERS)
    expected = f"{path}:{line_of(text, *at)}: "
    assert len(findings) == 1, findings
    assert findings[0].startswith(expected) and message in findings[0], findings


def test_duplicate_row_names_both_lines(tmp_path: Path) -> None:
    text = CLEAN.replace("top1 = 86.9\nresolution = 224", "top1 = 87.8\nresolution = 448")
    path = write(tmp_path, text)
    benchmark, findings = results.load(path, PAPERS)
    second = line_of(text, "[[result]]", 2)
    assert findings == [
        f"{path}:{second}: [[result]] he2022masked 'MAE ViT-H/14': same paper, model and settings as the row at line "
        f"{line_of(text, '[[result]]', 1)}"
    ]
    assert benchmark is not None and len(benchmark.results) == 2
    # another setting is another row, not a duplicate
    assert results.load(write(tmp_path, CLEAN), PAPERS)[1] == []


def test_invalid_toml_names_its_line(tmp_path: Path) -> None:
    text = CLEAN.replace('model = "DeiT-B"', 'model = "DeiT-B')
    path = write(tmp_path, text)
    benchmark, findings = results.load(path, PAPERS)
    assert benchmark is None
    line = line_of(text, 'model = "DeiT-B')
    assert len(findings) == 1 and findings[0].startswith(f"{path}:{line}: invalid TOML")


def test_metric_declared_differently_in_two_files(tmp_path: Path) -> None:
    write(tmp_path, CLEAN)
    other = CLEAN.replace('unit = "%"\nhigher = true', 'unit = "%"\nhigher = false')
    path = write(tmp_path, other, "kinetics-400")
    benchmarks, findings = results.load_all(tmp_path / "results", PAPERS)
    assert set(benchmarks) == {"imagenet-1k", "kinetics-400"}
    assert findings == [
        f"{path}:{line_of(other, '[metrics.top1]')}: metric `top1` (higher=false, unit='%') disagrees with "
        "imagenet-1k.toml (higher=true, unit='%')"
    ]


def test_every_finding_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    text = CLEAN.replace("top1 = 81.8", "top1 = 181.8").replace('paper = "he2022masked"', 'paper = "x"', 1)
    _, findings = results.load(write(tmp_path, text), PAPERS)
    assert len(findings) == 2


def check(tmp_path: Path, docs_text: str = "") -> subprocess.CompletedProcess[str]:
    """`survey check` on a project with three listed papers (no refs.bib: its findings are not ours)."""
    (tmp_path / "papers.toml").write_text(
        "".join(f'[{key}]\ntitle = "{key}"\n\n' for key in sorted(PAPERS)), encoding="utf-8"
    )
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "chapter.md").write_text(docs_text, encoding="utf-8")
    (tmp_path / "refs.bib").write_text("", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "survey", *check_args(tmp_path, docs)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )


def test_survey_check_reports_results_findings(tmp_path: Path) -> None:
    text = CLEAN.replace("params = 86", "params = -86")
    path = write(tmp_path, text)
    chapter = "# Chapter\n\n```{results-table} imagenet-1k\n```\n\n```{results-table} coco\n:topic: detection\n```\n"
    result = check(tmp_path, chapter)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (
        f"{path}:{line_of(text, 'params = -86')}: [[result]] touvron2021training 'DeiT-B': `params` = -86 is out of "
        "range (must be >= 0)" in lines
    )
    assert (
        f"{tmp_path / 'docs' / 'chapter.md'}:6: {{results-table}} names unknown benchmark 'coco' "
        f"(no {tmp_path / 'results'}/coco.toml)" in lines
    )
    assert not any("imagenet-1k'" in line for line in lines)
    # papers shown in results count as cited; deng2009imagenet is only a dataset: still never cited
    assert not any("[he2022masked] is never cited" in line for line in lines)
    assert any("[deng2009imagenet] is never cited" in line for line in lines)


def test_survey_check_without_results_folder_says_nothing_about_results(tmp_path: Path) -> None:
    result = check(tmp_path)
    assert "results" not in result.stdout


def test_chart_lines_follow_the_declared_settings(tmp_path: Path) -> None:
    """By default a chart draws one line per reference text setting; `lines` picks the settings."""
    from survey.sphinx import charts

    default, _ = results.load(write(tmp_path, CLEAN), PAPERS)
    assert default is not None and default.lines == ()
    assert charts.groups(default, default.results) == (["Extra data: none", "Extra data: not stated"], [0, 0, 1])
    chosen, findings = results.load(
        write(tmp_path, CLEAN.replace('split = "val"', 'split = "val"\nlines = ["resolution", "tta"]')), PAPERS
    )
    assert findings == [] and chosen is not None and chosen.lines == ("resolution", "tta")
    labels, members = charts.groups(chosen, chosen.results)
    assert [labels[m] for m in members] == [
        "Resolution: 448 px, Test-time aug.: not stated",
        "Resolution: 224 px, Test-time aug.: not stated",
        "Resolution: not stated, Test-time aug.: no",
    ]


def test_best_row_states_the_reference_setting_and_follows_the_metric_direction(tmp_path: Path) -> None:
    """The 87.8 row is at 448 px and DeiT-B (here 89.0) states neither reference field: the headline
    is the 86.9 row, the best one known to be measured the reference way."""
    bench, _ = results.load(write(tmp_path, CLEAN.replace("top1 = 81.8", "top1 = 89.0")), PAPERS)
    assert bench is not None and bench.best() is not None
    assert (bench.best().model, bench.best().metrics["top1"]) == ("MAE ViT-H/14", 86.9)  # type: ignore[union-attr]
    no_reference = CLEAN.replace('reference = { extra_data = "none", resolution = 224 }\n', "")
    bench, _ = results.load(write(tmp_path, no_reference), PAPERS)
    assert bench is not None and bench.best() is not None
    assert bench.best().metrics["top1"] == 87.8  # type: ignore[union-attr]  # no reference: every row counts
    lower = no_reference.replace("higher = true", "higher = false")
    bench, _ = results.load(write(tmp_path, lower), PAPERS)
    assert bench is not None and bench.best() is not None
    assert (bench.best().model, bench.best().metrics["top1"]) == ("DeiT-B", 81.8)  # type: ignore[union-attr]
    every_row_off = CLEAN.replace(
        'reference = { extra_data = "none", resolution = 224 }',
        'reference = { extra_data = "ImageNet-21k", tta = true }',
    )
    bench, _ = results.load(write(tmp_path, every_row_off), PAPERS)
    assert bench is not None and bench.best() is None  # no row states extra data ImageNet-21k and tta


def test_units_print_one_way_in_tables_charts_and_the_index() -> None:
    """One rule for every place a value or heading carries a unit (a chart axis once read "GFLOPs (GFLOPs)")."""
    assert [results.with_unit(87.8, "%"), results.with_unit(86, "M"), results.with_unit(16, "frames")] == [
        "87.8%",
        "86 M",
        "16 frames",
    ]
    assert results.with_unit("none", "") == "none" and results.with_unit(True, "") == "yes"
    assert results.heading("GFLOPs", "G") == "GFLOPs (G)" and results.heading("GFLOPs", "GFLOPs") == "GFLOPs"
    assert results.heading("Frames", "frames") == "Frames" and results.heading("Model", "") == "Model"
