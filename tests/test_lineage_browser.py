"""Lineage graphs in a real browser: a small survey built with the site's theme (furo), served on
127.0.0.1 and driven in headless Chromium (fixtures shared with test_browser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import test_browser
import test_lineage_site as small
import webtest
from test_browser import _Watched

pytestmark = pytest.mark.browser
watched = test_browser.watched  # a page that logs problems (the browser fixture is in conftest)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = small.make_site(tmp_path_factory.mktemp("lineage-site"))
    conf = docs / "conf.py"
    conf.write_text(conf.read_text().replace('html_theme = "alabaster"', 'html_theme = "furo"'))
    result = small.build(docs)
    assert result.returncode == 0, result.stderr
    return docs / "_build" / "html"


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    with webtest.serve(site) as base:
        yield base


_MIDPOINT = """path => {
  const p = path.getPointAtLength(path.getTotalLength() / 2);
  const m = path.getScreenCTM();
  return [p.x * m.a + p.y * m.c + m.e, p.x * m.b + p.y * m.d + m.f];
}"""


def test_clicking_a_node_lands_on_the_section_that_discusses_the_paper(watched: _Watched, server: str) -> None:
    page = watched.page
    watched.open(urljoin(server, "vision.html"))
    node = page.locator('figure.lineage-graph a.lineage-node[data-key="he2022masked"]').first
    node.click()
    page.wait_for_url("**/vision.html#sec-masked")
    section = page.locator('section[id="sec-masked"]')
    assert section.locator('a[href="#cite-he2022masked"]').count() >= 1
    page.wait_for_function(
        "() => { const r = document.getElementById('sec-masked').getBoundingClientRect();"
        " return r.top >= -1 && r.top < window.innerHeight; }",
        timeout=5000,
    )
    watched.open(urljoin(server, "vision.html"))
    page.locator('figure.lineage-graph a.lineage-node[data-key="devlin2019bert"]').first.click()  # another chapter's
    page.wait_for_url("**/references.html#paper-devlin2019bert")
    assert page.locator('[id="paper-devlin2019bert"]').is_visible()


def test_hovering_an_edge_shows_what_changed(watched: _Watched, server: str) -> None:
    page = watched.page
    watched.open(urljoin(server, "vision.html"))
    edge = page.locator('g.lineage-edge[data-from="devlin2019bert"][data-to="he2022masked"]').first
    edge.scroll_into_view_if_needed()
    x, y = edge.locator("path.lineage-edge-hit").evaluate(_MIDPOINT)
    page.mouse.move(x, y)
    tip = page.locator(".lineage-tip")
    tip.wait_for(state="visible", timeout=5000)
    assert tip.inner_text() == "MAE builds on BERT: masked-token prediction on image patches"
    line = edge.locator("path.lineage-edge-line")
    assert float(line.evaluate("p => parseFloat(getComputedStyle(p).strokeWidth)")) > 2  # lit while hovered
    page.mouse.move(1, 1)
    tip.wait_for(state="detached", timeout=5000)


def _luminance(colour: str) -> float:
    parts = [float(v) for v in colour[colour.index("(") + 1 : colour.index(")")].replace(",", " ").split()[:3]]
    return (0.2126 * parts[0] + 0.7152 * parts[1] + 0.0722 * parts[2]) / 255


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_graph_text_contrasts_with_the_page_in_light_and_dark_mode(
    browser: object,
    server: str,
    scheme: str,
) -> None:
    context = browser.new_context(color_scheme=scheme)  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(urljoin(server, "vision.html"), wait_until="networkidle")
        label = page.locator('a.lineage-node[data-key="he2022masked"] text').first
        text = _luminance(label.evaluate("t => getComputedStyle(t).fill"))
        back = _luminance(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        assert abs(text - back) > 0.6, (scheme, text, back)
        assert (back > 0.5) == (scheme == "light")
    finally:
        context.close()


def test_timeline_filters_by_topic(watched: _Watched, server: str) -> None:
    page = watched.page
    watched.open(urljoin(server, "timeline.html"))
    nodes = page.locator("svg.lineage-svg .lineage-node")
    assert nodes.count() == len(small.PAPERS)
    page.locator('.lineage-filter input[value="vision"]').uncheck()
    hidden = page.locator("svg.lineage-svg .lineage-node.lineage-hidden")
    assert sorted(hidden.evaluate_all("ns => ns.map(n => n.dataset.key)")) == sorted(
        ["dosovitskiy2021image", "bao2022beit", "he2022masked", "xie2022simmim", "lecun1998gradient"]
    )
    assert page.locator('a.lineage-node[data-key="devlin2019bert"]').is_visible()
    assert not page.locator('a.lineage-node[data-key="he2022masked"]').is_visible()
    displayed = "g => getComputedStyle(g).display !== 'none'"
    assert page.locator('g.lineage-edge[data-from="vaswani2017attention"][data-to="devlin2019bert"]').evaluate(
        displayed
    )
    assert not page.locator('g.lineage-edge[data-from="devlin2019bert"][data-to="he2022masked"]').evaluate(displayed)
    items = page.locator(".lineage-list li[data-topics]").evaluate_all(
        "li => li.map(i => [i.dataset.topics, i.hidden])"
    )
    assert {topics: hidden for topics, hidden in items} == {"language": False, "vision": True, "detection": False}
    page.click(".lineage-filter .lineage-none")
    assert hidden.count() == len(small.PAPERS)
    page.click(".lineage-filter .lineage-all")
    assert hidden.count() == 0
    page.locator('a.lineage-node[data-key="ge2021yolox"]').click()
    page.wait_for_url("**/references.html#paper-ge2021yolox")


def test_a_graph_wider_than_the_page_can_be_zoomed_to_fit(browser: object, server: str) -> None:
    context = browser.new_context(viewport={"width": 420, "height": 800})  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(urljoin(server, "vision.html"), wait_until="networkidle")
        figure = page.locator("figure.lineage-graph").first
        svg, scroll = figure.locator("svg.lineage-svg"), figure.locator(".lineage-scroll")
        natural = float(svg.get_attribute("width") or 0)
        room = scroll.evaluate("s => s.clientWidth")
        assert natural > room  # a phone-width column: the graph scrolls sideways
        bar = figure.locator(".lineage-zoom")
        assert bar.get_attribute("role") == "toolbar" and bar.locator("span").inner_text() == "100%"
        bar.get_by_role("button", name="Shrink the graph to the page width").click()
        assert abs(svg.evaluate("s => s.getBoundingClientRect().width") - room) < 1.5
        assert scroll.evaluate("s => s.scrollWidth <= s.clientWidth")  # nothing left to scroll
        assert bar.locator("span").inner_text() == f"{round(room / natural * 100)}%"
        bar.get_by_role("button", name="Zoom in").click()
        assert svg.evaluate("s => s.getBoundingClientRect().width") > room + 1
        bar.get_by_role("button", name="Show the graph at its actual size").click()
        assert abs(svg.evaluate("s => s.getBoundingClientRect().width") - natural) < 1.5
        # The same graph (519 px) fits a desktop column: no buttons there.
        page.set_viewport_size({"width": 1600, "height": 900})
        page.goto(urljoin(server, "vision.html"), wait_until="networkidle")
        fits = page.locator("figure.lineage-graph").first
        assert fits.locator(".lineage-scroll").evaluate("s => s.scrollWidth <= s.clientWidth")
        assert fits.locator(".lineage-zoom").count() == 0
    finally:
        context.close()
