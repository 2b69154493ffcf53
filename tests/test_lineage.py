"""The lineage data: first public dates and where they come from, the graph's ancestors and
descendants, and each rule ``survey check`` applies to ``builds_on``."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_args

from survey import lineage, paperlist, store
from survey.cli import main as cli_main
from survey.identifiers import parse_arxiv_id
from survey.record import Paper

HAND = 'title = "{title}"\nauthors = ["A. Author"]\nyear = {year}\n'

CLEAN = """\
[vaswani2017attention]
arxiv = "1706.03762"
name = "Transformer"

[devlin2019bert]
arxiv = "1810.04805"
builds_on = ["vaswani2017attention"]

[he2022masked]
arxiv = "2111.06377"
name = "MAE"
builds_on = [
  "devlin2019bert",
  { key = "xie2022simmim", change = "pixels", concurrent = true },
]

[xie2022simmim]
arxiv = "2111.09886"
builds_on = [{ key = "vaswani2017attention", change = "masked image modelling" }]

[lecun1998gradient]
doi = "10.1109/5.726791"

[lecun1998gradient.hand]
title = "Gradient-Based Learning Applied to Document Recognition"
authors = ["Yann LeCun", "Léon Bottou"]
year = 1998
date = "1998-11"
"""


def _findings(tmp_path: Path, text: str, stored: dict[str, store.Stored] | None = None) -> list[str]:
    path = tmp_path / "papers.toml"
    path.write_text(text, encoding="utf-8")
    return lineage.findings(paperlist.load(path), stored or {}, path)


def _line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_a_clean_list_has_no_findings_and_the_concurrent_marker_is_allowed(tmp_path: Path) -> None:
    assert _findings(tmp_path, CLEAN) == []  # MAE (2021-11-11) builds on SimMIM (2021-11-18): same month
    later = CLEAN.replace('arxiv = "2111.09886"', 'arxiv = "2112.09886"')  # SimMIM a month after MAE
    assert _findings(tmp_path, later) == []  # ...allowed: marked concurrent
    unmarked = later.replace(", concurrent = true", "")
    (problem,) = _findings(tmp_path, unmarked)
    line = _line_of(unmarked, 'key = "xie2022simmim"')
    assert problem == (
        f"{tmp_path}/papers.toml:{line}: [he2022masked] builds on "
        "[xie2022simmim] (2021-12), which appeared later than it (2021-11): fix the arrow, or mark concurrent"
        " works with concurrent = true"
    )


def test_unknown_and_self_references_are_reported_at_their_line(tmp_path: Path) -> None:
    text = CLEAN.replace('builds_on = ["vaswani2017attention"]', 'builds_on = ["vaswani2017atention"]')
    text = text.replace('  "devlin2019bert",\n', '  "devlin2019bert",\n  "he2022masked",\n')
    problems = _findings(tmp_path, text)
    path = tmp_path / "papers.toml"
    unknown, itself = _line_of(text, "vaswani2017atention"), _line_of(text, '  "he2022masked",')
    assert problems == [
        f"{path}:{unknown}: [devlin2019bert] builds on unknown citekey 'vaswani2017atention'",
        f"{path}:{itself}: [he2022masked] builds on itself",
    ]


def test_cycles_are_reported_once_with_their_path(tmp_path: Path) -> None:
    text = CLEAN.replace(
        'name = "Transformer"\n', 'name = "Transformer"\nbuilds_on = [{ key = "he2022masked", concurrent = true }]\n'
    )
    problems = _findings(tmp_path, text)
    cycles = [p for p in problems if "cycle" in p]
    line = _line_of(text, 'key = "he2022masked"')
    assert cycles == [
        f"{tmp_path}/papers.toml:{line}: [vaswani2017attention] lineage cycle"
        " (builds on): vaswani2017attention -> he2022masked -> devlin2019bert -> vaswani2017attention"
    ]
    assert len(problems) == 1  # the back-arrow is marked concurrent, so only the cycle is wrong


def test_chronology_compares_at_the_precision_both_dates_have(tmp_path: Path) -> None:
    assert lineage.earlier("2021-10", "2021-11-05") and not lineage.earlier("2021-11", "2021-11-05")
    assert not lineage.earlier("2021-11-30", "2021-11") and lineage.earlier("2021-11-04", "2021-11-05")
    hand = (
        CLEAN + '\n[lecun1999object]\ndoi = "10.1000/x"\nbuilds_on = ["lecun1998gradient"]\n\n[lecun1999object.hand]\n'
    )
    hand += HAND.format(title="Object Recognition", year=1999)
    same_month = hand + 'date = "1998-11-30"\n'
    assert _findings(tmp_path, same_month) == []
    earlier = hand + 'date = "1998-10-30"\n'
    (problem,) = _findings(tmp_path, earlier)
    assert (
        "[lecun1999object] builds on [lecun1998gradient] (1998-11), which appeared later than it (1998-10-30)"
        in problem
    )


def test_entries_without_any_date_are_reported_at_their_header(tmp_path: Path) -> None:
    text = CLEAN.replace('date = "1998-11"\n', "")
    assert _findings(tmp_path, text) == [
        f"{tmp_path}/papers.toml:{_line_of(text, '[lecun1998gradient]')}: [lecun1998gradient] has no first public"
        ' date: add date = "YYYY-MM" to [lecun1998gradient.hand]'
    ]


def test_first_public_date_prefers_fetched_then_hand_then_the_arxiv_id(tmp_path: Path) -> None:
    path = tmp_path / "papers.toml"
    hand = "\n[he2022masked.hand]\n" + HAND.format(title="MAE", year=2022) + 'date = "2021-10"\n'
    path.write_text(CLEAN + hand, encoding="utf-8")
    specs = {s.key: s for s in paperlist.load(path)}
    fetched = Paper("Masked Autoencoders", ("Kaiming He",), 2022, "arxiv", date="2021-11-11")
    stored = {"he2022masked": store.Stored("arxiv:2111.06377", fetched)}
    built = lineage.build(specs.values(), stored)
    assert (built.nodes["he2022masked"].date, built.nodes["he2022masked"].source) == ("2021-11-11", lineage.FETCHED)
    built = lineage.build(specs.values(), {})
    assert (built.nodes["he2022masked"].date, built.nodes["he2022masked"].source) == ("2021-10", lineage.HAND)
    assert (built.nodes["devlin2019bert"].date, built.nodes["devlin2019bert"].source) == ("2018-10", lineage.ARXIV_ID)
    assert lineage.arxiv_month(parse_arxiv_id("hep-th/9901001")) == "1999-01"
    assert lineage.arxiv_month(parse_arxiv_id("math.GT/0309136")) == "2003-09"
    assert lineage.arxiv_month(parse_arxiv_id("0704.0001v2")) == "2007-04"
    stale = {"he2022masked": store.Stored("arxiv:2111.99999", fetched)}  # fetched for another identifier
    assert lineage.build(specs.values(), stale).nodes["he2022masked"].source == lineage.HAND


def test_names_labels_ancestors_and_descendants(tmp_path: Path) -> None:
    path = tmp_path / "papers.toml"
    path.write_text(CLEAN, encoding="utf-8")
    built = lineage.build(paperlist.load(path), {})
    assert built.nodes["he2022masked"].label == "MAE ’21"
    assert built.nodes["lecun1998gradient"].label == "LeCun et al. ’98"
    assert built.nodes["devlin2019bert"].name == "devlin2019bert"  # no name, no record yet: the key
    assert built.ancestors("he2022masked", 1) == {"devlin2019bert", "xie2022simmim"}
    assert built.ancestors("he2022masked") == {"devlin2019bert", "xie2022simmim", "vaswani2017attention"}
    assert built.descendants("vaswani2017attention", 1) == {"devlin2019bert", "xie2022simmim"}
    assert built.descendants("vaswani2017attention", 2) == {"devlin2019bert", "xie2022simmim", "he2022masked"}
    change = {(k.parent, k.child): (k.change, k.concurrent) for k in built.links}
    assert change["xie2022simmim", "he2022masked"] == ("pixels", True)
    assert change["vaswani2017attention", "devlin2019bert"] == ("", False)


def test_survey_check_reports_lineage_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = CLEAN.replace('builds_on = ["vaswani2017attention"]', 'builds_on = ["nobody2020"]')
    (tmp_path / "papers.toml").write_text(text, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "refs.bib").write_text("", encoding="utf-8")
    code = cli_main(check_args(tmp_path, tmp_path / "docs"))
    assert code == 1
    assert "[devlin2019bert] builds on unknown citekey 'nobody2020'" in capsys.readouterr().out
