"""The real survey site, built and served on 127.0.0.1, driven in headless Chromium."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import sitebuild
import webtest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHAPTERS = [
    "attention-pretraining",
    "vision-transformers",
    "training-design",
    "detection",
    "segmentation",
    "pose",
    "scene-text",
    "faces-generation",
    "efficient-inference",
    "self-supervised",
    "multimodal",
    "video-recognition",
    "efficient-video",
    "temporal-detection",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real docs/, built exactly as `make html` builds them (warnings are errors)."""
    out = tmp_path_factory.mktemp("site")
    result = sitebuild.build(ROOT / "docs", out / "html", doctrees=out / "doctrees")
    assert result.returncode == 0, result.stderr[-5000:]
    return out / "html"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")


@functools.cache
def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_internal_link_resolves(site: Path) -> None:
    broken = []
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= len(CHAPTERS) + 4
    for page in pages:
        for href in _parse(page).hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {href} (no file)")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _parse(target).ids:
                broken.append(f"{page.relative_to(site)}: {href} (no anchor)")
    assert broken == []


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    with webtest.serve(site) as base:
        yield base


class _Watched:
    """A page that records console errors, failed requests and any request off loopback."""

    def __init__(self, browser: object, base: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
        self.problems: list[str] = []
        self.page = self.context.new_page()
        self.context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]).*"), self._refuse_offsite)
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

    def open(self, url: str) -> None:
        """Load a page and wait until math is typeset and its fonts are in (nothing left in flight)."""
        self.page.goto(url, wait_until="networkidle")
        self.page.evaluate(
            "async () => { if (window.MathJax && MathJax.startup) { await MathJax.startup.promise; }"
            " await document.fonts.ready; }"
        )
        self.page.wait_for_load_state("networkidle")

    def _failed(self, request: object) -> None:
        # ERR_ABORTED is the page cancelling its own request (the next navigation or closing the
        # context cuts off Chromium's late favicon fetch): not a site defect. A missing file still
        # shows up as HTTP >= 400, an off-site request as "off-site request".
        failure = request.failure  # type: ignore[attr-defined]
        if failure != "net::ERR_ABORTED":
            self.problems.append(f"failed: {request.url} {failure}")  # type: ignore[attr-defined]

    def _refuse_offsite(self, route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if not url.startswith(("data:", "blob:", "about:")):
            self.problems.append(f"off-site request: {url}")
        route.abort()  # type: ignore[attr-defined]


@pytest.fixture
def watched(browser: object, server: str) -> Iterator[_Watched]:
    page = _Watched(browser, server)
    yield page
    page.context.close()
    assert page.problems == []


def test_index_and_every_chapter_load_cleanly(watched: _Watched, server: str) -> None:
    for name in ["index", *CHAPTERS, "references", "papers", "how-built"]:
        watched.open(urljoin(server, f"{name}.html"))
        assert watched.page.title()
    # The page's icon is served (the browser's own favicon fetch may be cut off by the next load).
    icon = watched.page.evaluate(
        "async () => { const href = document.querySelector('link[rel~=icon]').href;"
        " const r = await fetch(href); return [href, r.status, r.headers.get('content-type')]; }"
    )
    assert icon[0].endswith("_static/favicon.svg") and icon[1:] == [200, "image/svg+xml"]
    ARTIFACTS.mkdir(exist_ok=True)
    for name, shot in [("index", "index"), ("detection", "chapter-detection"), ("papers", "paper-index")]:
        watched.open(urljoin(server, f"{name}.html"))
        watched.page.screenshot(path=str(ARTIFACTS / f"{shot}.png"), full_page=False)
        assert (ARTIFACTS / f"{shot}.png").stat().st_size > 10_000


def test_math_renders_from_the_site_itself(watched: _Watched, server: str) -> None:
    pages_with_math = [name for name in CHAPTERS if "$" in (ROOT / "docs" / f"{name}.md").read_text()]
    assert pages_with_math, "the chapters write formulas in $…$; this test needs one"
    watched.open(urljoin(server, f"{pages_with_math[0]}.html"))
    watched.page.wait_for_selector("mjx-container", timeout=15_000)


def test_citation_click_lands_on_its_entry_and_hover_previews(watched: _Watched, server: str) -> None:
    page = watched.page
    page.goto(urljoin(server, "segmentation.html"), wait_until="networkidle")
    link = page.locator('a[href^="#cite-"]').first
    key = link.get_attribute("href").removeprefix("#cite-")
    link.hover()
    preview = page.locator(".survey-preview")
    preview.wait_for(state="visible")
    title = page.evaluate("key => window.SURVEY_PAPERS[key].t", key)
    assert title in preview.inner_text()
    link.click()
    assert page.url.endswith(f"#cite-{key}")
    assert page.locator(f'[id="cite-{key}"]').is_visible()
    page.wait_for_function(
        "id => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= -1 && r.top < window.innerHeight; }",
        arg=f"cite-{key}",
        timeout=5000,
    )


def test_cited_in_backlink_leads_back_to_the_chapter(watched: _Watched, server: str) -> None:
    page = watched.page
    page.goto(urljoin(server, "references.html"), wait_until="networkidle")
    entry = page.locator(".survey-paper:has(.survey-cited-in a)").first
    key = entry.get_attribute("id").removeprefix("paper-")
    backlink = entry.locator(".survey-cited-in a").first
    href = backlink.get_attribute("href")
    backlink.click()
    page.wait_for_load_state("networkidle")
    assert page.url.split("#")[0].endswith(href.split("#")[0])
    assert page.locator(f'a[href="#cite-{key}"]').count() >= 1


def test_copy_bibtex_puts_the_entry_on_the_clipboard(watched: _Watched, server: str) -> None:
    from playwright.sync_api import expect

    page = watched.page
    page.goto(urljoin(server, "references.html"), wait_until="networkidle")
    button = page.locator("button.survey-copy-bibtex").first
    key = button.get_attribute("data-key")
    button.click()
    expect(button).to_have_text("Copied!")  # the clipboard write resolves asynchronously
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@") and f"{{{key}," in copied
    assert copied == page.locator(f'[id="bibtex-{key}"]').text_content()


def test_search_finds_segformer_in_the_segmentation_chapter(watched: _Watched, server: str) -> None:
    page = watched.page
    page.goto(urljoin(server, "search.html?q=SegFormer"), wait_until="networkidle")
    page.wait_for_selector("#search-results ul.search li", timeout=15_000)
    hrefs = page.locator("#search-results ul.search li a").evaluate_all("links => links.map(a => a.href)")
    assert any("segmentation.html" in href for href in hrefs)


def test_paper_index_sorts_and_filters(watched: _Watched, server: str) -> None:
    page = watched.page
    page.goto(urljoin(server, "papers.html"), wait_until="networkidle")
    rows = page.locator("#survey-paper-index tbody tr")
    total = rows.count()
    assert total >= 200

    def visible_years() -> list[int]:
        return [
            int(y) for y in page.locator("#survey-paper-index tbody tr:not([hidden]) td:nth-child(4)").all_inner_texts()
        ]

    page.click('button.survey-sort[data-column="3"]')
    years = visible_years()
    assert years == sorted(years) and len(years) == total
    page.click('button.survey-sort[data-column="3"]')
    assert visible_years() == sorted(years, reverse=True)
    page.fill("#survey-filter", "SegFormer")
    shown = page.locator("#survey-paper-index tbody tr:not([hidden])")
    assert 1 <= shown.count() < total
    assert all("segformer" in text.lower() for text in shown.all_inner_texts())
    page.fill("#survey-filter", "winter conference")  # the full venue name, shown abbreviated as WACV
    wacv = page.locator("#survey-paper-index tbody tr:not([hidden]) td:nth-child(5)").all_inner_texts()
    assert wacv and all(text == "WACV" for text in wacv)
    page.fill("#survey-filter", "")
    page.select_option("#survey-topic", "scene-text")
    topics = page.locator("#survey-paper-index tbody tr:not([hidden]) td:nth-child(6)").all_inner_texts()
    assert len(topics) >= 30 and all("scene-text" in t for t in topics)
    assert page.inner_text("#survey-count") == f"{len(topics)} papers"


def test_dark_mode_toggle(watched: _Watched, server: str) -> None:
    page = watched.page
    page.goto(urljoin(server, "index.html"), wait_until="networkidle")
    background = "getComputedStyle(document.body).backgroundColor"
    themes, colours = set(), set()
    for _ in range(3):
        page.locator("button.theme-toggle:visible").first.click()
        themes.add(page.evaluate("document.body.dataset.theme"))
        colours.add(page.evaluate(background))
    assert {"dark", "light"} <= themes
    assert len(colours) >= 2
