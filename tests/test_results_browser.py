"""A small survey with results data, built with the site's theme and driven in headless Chromium:
sort and filter a results table, reveal a number's source, find a leaderboard chart's points, in light
and dark mode; the paper index fits a laptop and a phone screen."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import sitebuild
import webtest
from test_results_site import make

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    docs = make(tmp_path_factory.mktemp("results-browser"))
    (docs / "_static").mkdir(exist_ok=True)
    shutil.copy(ROOT / "docs" / "_static" / "favicon.svg", docs / "_static" / "favicon.svg")
    conf = (docs / "conf.py").read_text().replace('html_theme = "alabaster"', 'html_theme = "furo"')
    (docs / "conf.py").write_text(conf + 'html_static_path = ["_static"]\nhtml_favicon = "_static/favicon.svg"\n')
    result = sitebuild.build(docs, docs / "_build" / "html")
    assert result.returncode == 0, result.stderr
    with webtest.serve(docs / "_build" / "html") as base:
        yield base


@pytest.fixture(params=["light", "dark"])
def page(request: pytest.FixtureRequest, browser: object, server: str) -> Iterator[object]:
    """A page in the given colour scheme that fails the test on any console error, failed or off-site request."""
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1280, "height": 900}, color_scheme=request.param
    )
    problems: list[str] = []
    context.route(
        re.compile(r"^(?!http://127\.0\.0\.1[:/]).*"), lambda route: (problems.append(route.request.url), route.abort())
    )
    tab = context.new_page()
    tab.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    tab.scheme = request.param
    yield tab
    context.close()
    assert problems == []


def models(table: object) -> list[str]:
    cells = table.locator("tbody tr:not([hidden]) td:first-child")  # type: ignore[attr-defined]
    return [text.replace("‡", "").strip() for text in cells.all_inner_texts()]


def test_sort_and_filter_a_results_table(page: object, server: str) -> None:
    page.goto(urljoin(server, "results.html"), wait_until="networkidle")  # type: ignore[attr-defined]
    table = page.locator("table.results-table").first  # type: ignore[attr-defined]
    assert models(table) == ["MAE ViT-H/14", "CaiT-M36", "MAE ViT-L/16", "DeiT-B"]  # as built: Top-1 best first
    head = table.locator("th").nth(3)
    assert head.get_attribute("aria-sort") == "none"
    head.locator("button.results-sort").click()
    assert head.get_attribute("aria-sort") == "ascending"
    assert models(table) == ["DeiT-B", "CaiT-M36", "MAE ViT-L/16", "MAE ViT-H/14"]  # params 86 < 271 < 304 < 632
    head.locator("button.results-sort").click()
    assert models(table) == ["MAE ViT-H/14", "MAE ViT-L/16", "CaiT-M36", "DeiT-B"]
    gflops = table.locator("th").nth(4).locator("button")
    gflops.click()
    assert models(table)[-1] == "MAE ViT-H/14"  # unknown GFLOPs sorts last
    gflops.click()
    assert models(table)[-1] == "MAE ViT-H/14"  # in both directions
    block = page.locator(".results-block").first  # type: ignore[attr-defined]
    block.locator("input.results-filter").fill("deit")
    assert models(table) == ["DeiT-B"]
    assert block.locator(".results-count").inner_text() == "1 of 4 results"
    block.locator("input.results-filter").fill("")
    block.locator("input.results-reference-only").check()
    assert "MAE ViT-L/16" not in models(table) and len(models(table)) == 3


def test_reveal_a_numbers_source_by_keyboard_and_pointer(page: object, server: str) -> None:
    page.goto(urljoin(server, "results.html"), wait_until="networkidle")  # type: ignore[attr-defined]
    button = page.locator("table.results-table >> nth=0").locator("button.results-value", has_text="87.8")  # type: ignore[attr-defined]
    source = page.locator(f'[id="{button.get_attribute("aria-controls")}"]')  # type: ignore[attr-defined]
    assert not source.is_visible()
    button.focus()
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    assert source.is_visible() and button.get_attribute("aria-expanded") == "true"
    assert "Source: https://github.com/facebookresearch/mae" in source.inner_text()
    assert "fine-tuned at 448 px" in source.inner_text()
    page.keyboard.press("Escape")  # type: ignore[attr-defined]
    assert not source.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('results-value')")  # type: ignore[attr-defined]
    other = page.locator("table.results-table >> nth=0").locator("button.results-value", has_text="81.8")  # type: ignore[attr-defined]
    other.click()
    shown = page.locator(f'[id="{other.get_attribute("aria-controls")}"]')  # type: ignore[attr-defined]
    assert shown.is_visible() and shown.inner_text() == "Source: Table 2"
    box, under = other.bounding_box(), shown.bounding_box()
    assert under["y"] >= box["y"] + box["height"] - 1  # the popover opens below its number
    page.locator("h1").click()  # type: ignore[attr-defined]
    assert not shown.is_visible()


def test_leaderboard_chart_points_in_light_and_dark(page: object, server: str) -> None:
    page.goto(urljoin(server, "results.html"), wait_until="networkidle")  # type: ignore[attr-defined]
    page.locator("a", has_text="All results: ImageNet-1k classification leaderboard").first.click()  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert page.url.endswith("leaderboards/imagenet-1k.html")  # type: ignore[attr-defined]
    charts = page.locator("figure.leaderboard-chart")  # type: ignore[attr-defined]
    assert charts.count() == 2
    progress = charts.first
    assert progress.is_visible()
    points = progress.locator("svg .leaderboard-point")
    assert points.count() == 4 == int(progress.get_attribute("data-points"))
    titles = points.evaluate_all("ps => ps.map(p => p.querySelector('title').textContent)")
    assert "MAE ViT-H/14 — He et al., 2022 (2021-11): 87.8% Top-1" in titles
    box = points.first.bounding_box()
    assert box and box["width"] > 2 and box["height"] > 2  # drawn, not just present
    style = page.evaluate(  # type: ignore[attr-defined]
        """() => {
          const text = document.querySelector('figure.leaderboard-chart svg text');
          return [getComputedStyle(text).fill, getComputedStyle(document.body).color,
                  getComputedStyle(document.body).backgroundColor];
        }"""
    )
    fill, ink, background = style
    assert fill == ink  # the chart's text takes the page's text colour
    luminance = sum(int(v) for v in re.findall(r"\d+", fill)[:3]) / (3 * 255)
    assert (luminance > 0.6) if page.scheme == "dark" else (luminance < 0.4)  # type: ignore[attr-defined]
    assert background != fill
    link = points.first.locator("a")
    target = link.get_attribute("href")
    assert target.startswith("#cite-")
    link.click()
    assert page.url.endswith(target)  # type: ignore[attr-defined]
    assert page.locator(f'[id="{target[1:]}"]').is_visible()  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [1280, 390])
def test_paper_index_fits_the_screen(browser: object, server: str, width: int) -> None:
    """At 1280 px the index takes the whole main column (wider than the prose) and nothing is clipped;
    on a phone each paper is a card of labelled fields and nothing scrolls sideways."""
    context = browser.new_context(viewport={"width": width, "height": 800})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(urljoin(server, "papers.html"), wait_until="networkidle")
    sizes = page.evaluate(
        """() => { const wrap = document.querySelector('.survey-table-wrap');
          const table = document.getElementById('survey-paper-index');
          return {page: document.documentElement.scrollWidth, window: window.innerWidth, wrap: wrap.clientWidth,
                  wrapRight: wrap.getBoundingClientRect().right, table: table.scrollWidth,
                  cell: getComputedStyle(table.querySelector('tbody td')).display,
                  label: getComputedStyle(table.querySelector('tbody td:nth-child(3)'), '::before').content}; }"""
    )
    assert sizes["page"] <= sizes["window"] and sizes["wrapRight"] <= sizes["window"]  # no page-level sideways scroll
    assert sizes["table"] <= sizes["wrap"]  # no column clipped
    if width == 1280:
        assert sizes["wrap"] > 46 * 16  # wider than furo's 46em prose column
        assert sizes["cell"] == "table-cell"
    else:
        assert sizes["cell"] == "block" and sizes["label"] == '"Authors: "'
        page.click('button.survey-sort[data-column="3"]')  # the headings still sort, as a row of buttons
        years = page.locator("#survey-paper-index tbody td:nth-child(4)").all_inner_texts()
        assert years == sorted(years)
    if (ROOT / "test-artifacts").is_dir():
        page.screenshot(path=str(ROOT / "test-artifacts" / f"results-paper-index-{width}.png"))
    context.close()
