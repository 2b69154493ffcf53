"""`survey add` and `survey check` against loopback servers and small projects."""

from __future__ import annotations

from pathlib import Path

import pytest
from loopback import FakeArxiv, FakeS2
from rich.console import Console

from survey.commands import add, check, fetch
from survey.paperlist import PaperListError
from survey.record import Paper


def console() -> Console:
    return Console(file=open("/dev/null", "w"), width=200)  # noqa: SIM115


def test_citekey_rule() -> None:
    paper = Paper("An Image is Worth 16x16 Words", ("Alexey Dosovitskiy",), 2021, "arxiv")
    assert add.citekey(paper, set()) == "dosovitskiy2021image"
    assert add.citekey(paper, {"dosovitskiy2021image"}) == "dosovitskiy2021imagea"
    assert add.citekey(Paper("Übersicht", ("Piotr Dollár",), 2020, "s2"), set()) == "dollar2020ubersicht"


def test_add_appends_keeping_comments_and_updates_refs(services: tuple[FakeArxiv, FakeS2], project: Path) -> None:
    fetch.run(project / "papers.toml", project / "refs.bib")
    (project / "papers.toml").write_text(
        (project / "papers.toml").read_text().replace('[ge2021yolox]\narxiv = "2107.08430"\n\n', "")
    )
    before = (project / "papers.toml").read_text()
    assert (
        add.main(
            "arXiv:2107.08430",
            project / "papers.toml",
            project / "refs.bib",
            key=None,
            topics=["detection"],
            out=console(),
        )
        == 0
    )
    after = (project / "papers.toml").read_text()
    assert after.startswith(before)
    assert after[len(before) :] == '\n[ge2021yolox]\narxiv = "2107.08430"\ntopics = ["detection"]\n'
    assert "@misc{ge2021yolox," in (project / "refs.bib").read_text()
    rerun = fetch.run(project / "papers.toml", project / "refs.bib")  # add left refs.bib as fetch-refs makes it
    assert rerun.requests == 0 and rerun.bib_written and not rerun.bib_changed
    with pytest.raises(PaperListError, match="already listed as \\[ge2021yolox\\]"):
        add.main("2107.08430", project / "papers.toml", project / "refs.bib", key=None, topics=[], out=console())


def _project_with_docs(root: Path, chapter: str) -> Path:
    (root / "papers.toml").write_text(
        '[a2020one]\narxiv = "2001.00001"\n[a2020one.hand]\ntitle = "One"\nauthors = ["Ann A"]\nyear = 2020\n\n'
        '[b2020two]\narxiv = "2001.00001v2"\n[b2020two.hand]\ntitle = "Two"\nauthors = ["Bob B"]\nyear = 2020\n\n'
        '[c2021three]\ndoi = "10.1000/xyz"\n[c2021three.hand]\ntitle = "One"\nauthors = ["Cy C"]\nyear = 2021\n'
        'date = "2021-03"\n'
    )
    fetch.run(root / "papers.toml", root / "refs.bib", offline=True)
    (root / "docs").mkdir()
    (root / "docs" / "ch.md").write_text(chapter)
    return root


def test_check_findings(tmp_path: Path) -> None:
    root = _project_with_docs(
        tmp_path, "# Ch\n\n{cite:p}`a2020one,nope` and {cite:t}`b2020two`.\n{cite:p}`{see}c2021three{p. 2}`\n"
    )
    problems = check.findings(root / "papers.toml", root / "refs.bib", root / "docs")
    assert problems == [
        f"{root}/docs/ch.md:3: citekey 'nope' is not in {root}/refs.bib",
        f"{root}/papers.toml:8: [b2020two] is the same paper as [a2020one] (same arxiv)",
        f"{root}/papers.toml:15: [c2021three] is the same paper as [a2020one] (same title)",
    ]


def test_check_reports_uncited_and_stale_bib(tmp_path: Path) -> None:
    root = _project_with_docs(tmp_path, "# Ch\n\n{cite:p}`a2020one,b2020two`\n")
    (root / "refs.bib").write_text((root / "refs.bib").read_text().replace("One", "Uno"))
    problems = check.findings(root / "papers.toml", root / "refs.bib", root / "docs")
    assert f"{root}/papers.toml:15: [c2021three] is never cited under {root}/docs/" in problems
    assert f"{root}/refs.bib: out of date with {root}/papers.toml: run `survey fetch-refs --offline`" in problems
