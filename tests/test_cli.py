"""The command line: bad input gives one clear line and a non-zero exit; nothing is written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FAST, PAPERS
from loopback import FakeArxiv, FakeS2


def survey(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "survey", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **FAST, **(env or {})},
        timeout=120,
    )


BAD = {
    "toml syntax": ('[a]\narxiv = "2111.06377\n', "papers.toml: TOML syntax error: "),
    "unknown kind": (
        '[a]\nisbn = "978-3"\n',
        "papers.toml:1: [a]: unknown field(s) isbn (identifier kinds: arxiv, doi, s2, title)",
    ),
    "invalid arxiv": ('[a]\narxiv = "2111.6377"\n', "papers.toml:1: [a]: invalid arXiv id '2111.6377'"),
    "invalid doi": ('[a]\ndoi = "10.1/x y"\n', "papers.toml:1: [a]: invalid DOI '10.1/x y'"),
    "two identifiers": ('[a]\narxiv = "2111.06377"\ndoi = "10.1109/x"\n', "needs exactly one identifier"),
    "duplicate key": ('[a]\narxiv = "2111.06377"\n[a]\narxiv = "2010.11929"\n', "TOML syntax error: Cannot declare"),
    "duplicate key case": (
        '[abc]\narxiv = "2111.06377"\n\n[ABC]\narxiv = "2010.11929"\n',
        "papers.toml:4: [ABC]: duplicate citekey (same as [abc], ignoring case)",
    ),
    "bad hand year": (
        '[a]\narxiv = "2111.06377"\n[a.hand]\ntitle = "T"\nauthors = ["A B"]\nyear = "2021"\n',
        "papers.toml:1: [a].hand: year must be a four-digit integer",
    ),
    "unknown venue": (
        '[a]\narxiv = "2111.06377"\n[a.hand]\ntitle = "T"\nauthors = ["A B"]\nyear = 2021\nvenue = "Nowhere Conf"\n',
        "venue 'Nowhere Conf' is not a known short name; add entrytype",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_paper_list_one_line_nothing_written(tmp_path: Path, case: str) -> None:
    text, message = BAD[case]
    (tmp_path / "papers.toml").write_text(text)
    (tmp_path / "refs.bib").write_text("old\n")
    result = survey(tmp_path, "fetch-refs", "--offline")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert (tmp_path / "refs.bib").read_text() == "old\n" and (tmp_path / "papers.toml").read_text() == text
    assert not (tmp_path / "papers.lock").exists()


def test_unwritable_output(tmp_path: Path) -> None:
    (tmp_path / "papers.toml").write_text(
        '[a]\narxiv = "2111.06377"\n[a.hand]\ntitle = "T"\nauthors = ["A B"]\nyear = 2021\n'
    )
    result = survey(tmp_path, "fetch-refs", "--offline", "--bib", str(tmp_path / "missing-dir" / "refs.bib"))
    assert result.returncode == 2
    assert result.stderr.strip().endswith("missing-dir/refs.bib: cannot write (No such file or directory)")


def test_help_lists_every_command_and_option(tmp_path: Path) -> None:
    top = survey(tmp_path, "--help").stdout
    assert all(cmd in top for cmd in ("fetch-refs", "add", "check"))
    fetch = survey(tmp_path, "fetch-refs", "--help").stdout
    assert all(opt in fetch for opt in ("--papers", "--bib", "--offline", "--refresh", "--only", "--quiet"))
    assert "--docs" in survey(tmp_path, "check", "--help").stdout
    assert "--key" in survey(tmp_path, "add", "--help").stdout


def test_fetch_refs_summary_and_failures(services: tuple[FakeArxiv, FakeS2], project: Path) -> None:
    arxiv_server, s2_server = services
    env = {"SURVEY_ARXIV_URL": arxiv_server.url, "SURVEY_S2_URL": s2_server.url}
    result = survey(project, "fetch-refs", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "4 fetched, 0 from papers.lock, 0 hand-entered, 2 upgraded to a venue, 0 failed; "
        "2 HTTP requests (0 throttled). Wrote refs.bib."
    )
    (project / "papers.toml").write_text(PAPERS + '\n[gone]\narxiv = "2101.99999"\n')
    result = survey(project, "fetch-refs", "-q", env=env)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("gone: arXiv did not return this id in 3 attempts")


def test_offline_and_refresh_contradict(tmp_path: Path) -> None:
    result = survey(tmp_path, "fetch-refs", "--offline", "--refresh")
    assert result.returncode == 2 and "contradict" in result.stderr
