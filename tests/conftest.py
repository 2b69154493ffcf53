from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from loopback import ArxivPaper, FakeArxiv, FakeS2, s2_record  # noqa: E402

SAMPLES = Path(__file__).parent / "samples"  # real arXiv and S2 responses, copied from ../shared/api-samples
FAST = {
    "SURVEY_ARXIV_INTERVAL": "0.05",
    "SURVEY_S2_INTERVAL": "0.02",
    "SURVEY_ARXIV_BACKOFF": "0.01",
    "SURVEY_S2_BACKOFF": "0.01",
    "SURVEY_ARXIV_TIMEOUT": "2",
    "SURVEY_S2_TIMEOUT": "2",
}

MAE = ArxivPaper(
    "2111.06377",
    "Masked Autoencoders Are Scalable Vision Learners",
    ["Kaiming He", "Xinlei Chen", "Saining Xie", "Yanghao Li", "Piotr Dollár", "Ross Girshick"],
    published="2021-11-11T18:46:40Z",
    versions=3,
)
VIT = ArxivPaper(
    "2010.11929",
    "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
    ["Alexey Dosovitskiy", "Lucas Beyer"],
    published="2020-10-22T17:55:59Z",
    versions=2,
)
PREPRINT = ArxivPaper(
    "2107.08430",
    "YOLOX: Exceeding YOLO Series in 2021",
    ["Zheng Ge", "Songtao Liu", "Feng Wang", "Zeming Li", "Jian Sun"],
    published="2021-07-18T12:55:11Z",
    versions=2,
)
OLD_STYLE = ArxivPaper(
    "hep-th/9901001",
    "Old-style identifiers & 50% of the cases",
    ["Jane Q. Public"],
    published="1999-01-04T00:00:00Z",
    category="hep-th",
)


@pytest.fixture
def arxiv_server() -> Iterator[FakeArxiv]:
    with FakeArxiv([MAE, VIT, PREPRINT, OLD_STYLE]) as server:
        yield server


@pytest.fixture
def s2_server() -> Iterator[FakeS2]:
    records = {
        "ARXIV:2111.06377": s2_record(
            MAE.title,
            ["Kaiming He", "Xinlei Chen", "Saining Xie", "Yanghao Li", "Piotr Dollár", "Ross B. Girshick"],
            2022,
            venue="Computer Vision and Pattern Recognition",
            arxiv="2111.06377",
            doi="10.1109/CVPR52688.2022.01553",
            dblp="conf/cvpr/HeCXLDG22",
        ),
        "ARXIV:2010.11929": s2_record(
            VIT.title,
            ["A. Dosovitskiy", "L. Beyer"],
            2020,
            venue="International Conference on Learning Representations",
            arxiv="2010.11929",
            dblp="conf/iclr/DosovitskiyB0WZ21",
        ),
        "ARXIV:2107.08430": s2_record(
            PREPRINT.title,
            ["Zheng Ge"],
            2021,
            venue="arXiv.org",
            arxiv="2107.08430",
            doi="10.48550/arXiv.2107.08430",
            dblp="journals/corr/abs-2107-08430",
        ),
        "DOI:10.1093/mind/lix.236.433": s2_record(
            "Computing Machinery and Intelligence",
            ["A. Turing"],
            1950,
            venue="Mind",
            doi="10.1093/MIND/LIX.236.433",
            types=["JournalArticle"],
            journal={"name": "Mind", "pages": "433-460", "volume": "LIX"},
        ),
    }
    with FakeS2(records) as server:
        yield server


@pytest.fixture
def services(arxiv_server: FakeArxiv, s2_server: FakeS2, monkeypatch: pytest.MonkeyPatch) -> tuple[FakeArxiv, FakeS2]:
    monkeypatch.setenv("SURVEY_ARXIV_URL", arxiv_server.url)
    monkeypatch.setenv("SURVEY_S2_URL", s2_server.url)
    for name, value in FAST.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("S2_API_KEY", raising=False)
    return arxiv_server, s2_server


PAPERS = """\
# The survey's paper list.
[he2022masked]
arxiv = "2111.06377"
topics = ["self-supervised"]

[dosovitskiy2021image]  # ViT
arxiv = "2010.11929"

[ge2021yolox]
arxiv = "2107.08430"

[turing1950computing]
doi = "10.1093/mind/lix.236.433"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "papers.toml").write_text(PAPERS, encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless Chromium, one for the whole run; skipped loudly without it, never under CI."""
    from webtest import CHROMIUM, CHROMIUM_FLAGS

    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (see .ci/run); /usr/bin/chromium is missing")
        pytest.skip(
            "BROWSER TEST SKIPPED: /usr/bin/chromium is not installed (apt-get install -y chromium); CI always runs it"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        chromium.close()


def check_args(root: Path, docs: Path) -> list[str]:
    """`survey check` arguments for a small project: papers.toml and refs.bib in *root*."""
    return ["check", "--papers", str(root / "papers.toml"), "--bib", str(root / "refs.bib"), "--docs", str(docs)]
