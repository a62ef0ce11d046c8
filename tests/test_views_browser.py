"""HTML views in a real browser: Debian's headless Chromium, driven by Playwright.

Every page is opened from a file with every other request refused and
recorded: a page must load with no console error and no request but its own
file, draw exactly the graph, show sources on a click, hide by date, type and
status as the analyses do, and show hostile names as text without running them.

Needs /usr/bin/chromium (``apt-get install chromium``; .ci/setup installs it)
and playwright (the ``test`` extra; never ``playwright install``). Without them
these tests skip locally and fail in CI (CI=true).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED, FIXTURES, REPO, missing_part
from test_views import HOLDS_1, HOLDS_2, PRES, PRK, PUTIN, RUS, SUMMIT, parallel_graph

from relgraph.analytics.project import Filters, read_store, select
from relgraph.views import render, view

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1600, "height": 1000}
ARTIFACTS = REPO / "artifacts"
RAIL = "project:rajin-khasan-railway"


def _missing(reason: str) -> None:
    missing_part("the browser tests", reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed: pip install -e '.[test]'")
    if not CHROMIUM.exists():
        _missing(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as p, tempfile.TemporaryDirectory(prefix="relgraph-chromium-") as profile:
        # A fresh profile each run; no network: every request but the page's own file is refused.
        context = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=ARGS, headless=True, viewport=VIEWPORT,
            offline=True)
        yield context
        context.close()


@dataclass
class Opened:
    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def settle(self) -> None:
        """Wait until the page has applied what a control changed (it redraws on the next frame)."""
        self.js("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

    def shown(self) -> tuple[set[str], set[str]]:
        s = self.js("relgraph.shown()")
        return set(s["nodes"]), set(s["edges"])

    def drawn(self) -> tuple[set[str], set[str]]:
        """What vis-network itself holds and draws (not just our data views)."""
        b = self.js("({nodes: relgraph.network.body.nodeIndices, edges: relgraph.network.body.edgeIndices})")
        return set(b["nodes"]), set(b["edges"])

    def point(self, node_id: str) -> tuple[float, float]:
        """Where a node is on the screen."""
        box = self.page.locator("#graph").bounding_box()
        p = self.js("id => relgraph.network.canvasToDOM(relgraph.network.getPosition(id))", node_id)
        return box["x"] + p["x"], box["y"] + p["y"]

    def panel(self) -> str:
        return self.page.locator("#panel").inner_text()

    def clean(self) -> None:
        assert self.errors == []
        assert self.requests == [self.url]


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    pages: list[Any] = []

    def open_(path: Path) -> Opened:
        page = browser.new_page()
        pages.append(page)
        url = path.resolve().as_uri()
        o = Opened(page, url)
        page.route("**/*", lambda route: (o.requests.append(route.request.url),
                                          route.continue_() if route.request.url == url else route.abort()))
        page.on("console", lambda m: o.errors.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: o.errors.append(f"page error: {e}"))
        page.goto(url)
        page.wait_for_function("window.relgraph && window.relgraph.ready === true", timeout=30_000)
        return o

    yield open_
    for p in pages:
        p.close()


@pytest.fixture(scope="module")
def mini_page_file(mini_template: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("views") / "mini.html"
    view(out, store=mini_template)
    return out


@pytest.fixture(scope="module")
def mini_graph(mini_template: str) -> Any:
    return read_store(mini_template)


def ids(G: Any) -> tuple[set[str], set[str]]:
    return set(G), {k for _u, _v, k in G.edges(keys=True)}


def linked(G: Any) -> tuple[set[str], set[str]]:
    """What a view shows as of a date by default: the graph without nodes no relationship touches."""
    return {n for n in G if G.degree(n) > 0}, {k for _u, _v, k in G.edges(keys=True)}


# -- loading, counting ---------------------------------------------------------------------

def test_page_loads_offline_and_draws_exactly_the_graph(open_page, mini_page_file, mini_graph) -> None:
    o = open_page(mini_page_file)
    expected = ids(select(mini_graph))
    assert o.shown() == expected
    assert o.drawn() == expected
    assert o.page.locator("#counts").inner_text() == "Showing 7 of 7 nodes, 7 of 7 relationships"
    assert o.js("document.scripts.length") == 3
    # Physics is off: the precomputed layout stays where it was put.
    before = o.js("relgraph.network.getPositions()")
    o.page.wait_for_timeout(400)
    assert o.js("relgraph.network.getPositions()") == before
    xy = {n["id"]: (n["x"], n["y"]) for n in o.js("relgraph.data.nodes")}
    assert before.keys() == xy.keys()
    for k, (x, y) in xy.items():  # vis-network reports whole pixels
        assert abs(before[k]["x"] - x) < 1 and abs(before[k]["y"] - y) < 1, k
    o.clean()


def test_parallel_relationships_are_all_drawn(open_page, tmp_path: Path) -> None:
    path = tmp_path / "parallel.html"
    path.write_text(render(parallel_graph()), "utf-8")
    o = open_page(path)
    assert o.drawn() == ({"state:A", "state:B", "state:C"}, {"r1", "r2", "r3", "r4"})
    smooth = o.js("""['r1', 'r2', 'r3'].map(id => {
        const s = relgraph.network.body.edges[id].options.smooth;
        return [s.enabled, s.type, s.roundness]; })""")
    assert smooth[0][0] is False and smooth[1][0] is True and smooth[2][0] is True
    dashes = o.js("['r1', 'r2', 'r3'].map(id => relgraph.network.body.edges[id].options.dashes)")
    assert dashes[0] is False and dashes[1] == [8, 6] and dashes[2] == [2, 5]  # confirmed, alleged, planned
    labels = "['r1', 'r2', 'r3', 'r4'].map(id => relgraph.network.body.edges[id].options.label)"
    assert o.js(labels) == ["borders", "partnership", "diplomatic relations", "borders"]
    drawn = "['r1', 'r2', 'r3', 'r4'].map(id => relgraph.network.body.edges[id].labelModule.visible())"
    assert o.js(drawn) == [True] * 4
    o.page.locator("#edge-labels").uncheck()
    o.settle()
    assert o.js(drawn) == [False] * 4
    o.clean()


# -- details on click and hover ------------------------------------------------------------

def test_clicking_a_node_shows_its_sources(open_page, mini_page_file) -> None:
    o = open_page(mini_page_file)
    o.page.mouse.click(*o.point(PUTIN))
    heading = o.page.locator("#panel h2").inner_text()
    assert heading == "Vladimir Putin"
    text = o.panel()
    assert "SOURCES (1)" in text  # headings are set in capitals
    assert "Russia-DPRK Ties after 75th Anniversary of Diplomatic Relations: Hurdles and Opportunities" \
        in text
    assert "Seho Jang, East Asia Institute, 2024-06-05" in text
    assert "para 3: 'Putin presented Kim Jong Un with an AURUS'" in text
    assert "born\n1952-10-07" in text
    assert "RELATIONSHIPS (3)" in text
    o.clean()


def test_clicking_a_relationship_shows_its_dates_and_sources(open_page, mini_page_file) -> None:
    o = open_page(mini_page_file)
    (x1, y1), (x2, y2) = o.point(PRES), o.point(RUS)  # one straight POST_IN between them
    o.page.mouse.click((x1 + x2) / 2, (y1 + y2) / 2)
    assert o.page.locator("#panel h2").inner_text() == "post in"
    text = o.panel()
    assert "President of the Russian Federation → Russian Federation" in text
    assert "para 3" in text and "SOURCES (1)" in text
    o.js("id => relgraph.selectEdge(id)", HOLDS_1)
    assert "from 2000-05-07 to 2008-05-07" in o.panel()
    o.clean()


def test_hovering_a_node_shows_a_tooltip(open_page, mini_page_file) -> None:
    o = open_page(mini_page_file)
    o.page.mouse.move(*o.point(SUMMIT))
    tip = o.page.locator("#tooltip")
    tip.wait_for(state="visible")
    assert tip.inner_text().splitlines() == ["Vostochny Cosmodrome summit", "Event · confirmed", "2023-09-13",
                                             "1 source (click)"]
    o.clean()


# -- controls ------------------------------------------------------------------------------

def set_date(o: Opened, day: date) -> None:
    o.page.locator("#asof").fill(str((day - date(1970, 1, 1)).days))
    o.settle()
    assert o.page.locator("#asof-label").inner_text() == day.isoformat()


def test_date_slider_shows_the_graph_as_the_analyses_do(open_page, mini_page_file, mini_graph) -> None:
    o = open_page(mini_page_file)
    days = (date(2005, 1, 1), date(2010, 1, 1), date(2013, 9, 15), date(2023, 9, 12), date(2023, 9, 13))
    for day in days:  # by default without the nodes left unlinked on that day
        set_date(o, day)
        expected = linked(select(mini_graph, Filters(as_of=day)))
        assert o.shown() == expected, day
        assert o.drawn() == expected, day
    o.page.locator("#linked-only").uncheck()
    for day in days:  # exactly as the analyses' --as-of
        set_date(o, day)
        expected = ids(select(mini_graph, Filters(as_of=day)))
        assert o.shown() == expected, day
        assert o.drawn() == expected, day
    # Spelled out: Putin's first term ended in 2008, the second began in 2012;
    # the summit was held on 2023-09-13.
    set_date(o, date(2010, 1, 1))
    nodes, edges = o.shown()
    assert HOLDS_1 not in edges and HOLDS_2 not in edges and SUMMIT not in nodes and PUTIN in nodes
    o.page.locator("#linked-only").check()
    o.settle()
    nodes, edges = o.shown()
    assert PUTIN not in nodes and PRES in nodes  # the post stays linked to Russia (undated POST_IN)
    set_date(o, date(2005, 1, 1))
    nodes, edges = o.shown()
    assert HOLDS_1 in edges and HOLDS_2 not in edges and PUTIN in nodes
    set_date(o, date(2023, 9, 13))
    assert {SUMMIT, PUTIN} <= o.shown()[0]
    o.page.click("#asof-all")
    o.settle()
    assert o.shown() == ids(select(mini_graph))
    assert not o.page.locator("#asof-on").is_checked()
    # Play runs the slider from the first date on; a second click pauses it.
    first = o.js("relgraph.data.meta.dateMin")
    o.page.click("#play")
    assert o.page.locator("#play").inner_text() == "❚❚ Pause"
    o.page.wait_for_timeout(300)
    o.page.click("#play")
    o.settle()
    shown_at = o.page.locator("#asof-label").inner_text()
    assert first < shown_at < o.js("relgraph.data.meta.dateMax")
    assert o.page.locator("#play").inner_text() == "▶ Play"
    o.page.wait_for_timeout(200)
    assert o.page.locator("#asof-label").inner_text() == shown_at  # paused
    assert o.shown() == linked(select(mini_graph, Filters(as_of=date.fromisoformat(shown_at))))
    o.clean()


def test_type_and_status_filters(open_page, mini_page_file, mini_graph) -> None:
    o = open_page(mini_page_file)
    o.page.locator("#legend-types input[value=Person]").uncheck()
    o.settle()
    assert o.shown() == ids(select(mini_graph, Filters(types=("-Person",))))
    o.page.locator("#legend-statuses input[value=reported]").uncheck()
    o.settle()
    expected = ids(select(mini_graph, Filters(types=("-Person",), statuses=("-reported",))))
    assert o.shown() == o.drawn() == expected
    assert f"PARTNER_IN:{PRK}->{RAIL}" not in expected[1]  # the one reported fact
    o.page.locator("#legend-types input[value=Person]").check()
    o.page.locator("#legend-statuses input[value=reported]").check()
    o.settle()
    assert o.shown() == ids(select(mini_graph))
    o.clean()


def test_search_by_name_or_alias(open_page, mini_page_file) -> None:
    o = open_page(mini_page_file)
    o.page.locator("#search").fill("north korea")
    results = o.page.locator("#search-results button")
    assert results.all_inner_texts() == ["Democratic People's Republic of KoreaState · also North Korea"]
    o.page.locator("#search").press("Enter")
    assert o.page.locator("#panel h2").inner_text() == "Democratic People's Republic of Korea"
    assert o.js("relgraph.network.getSelectedNodes()") == [PRK]
    o.page.locator("#search").fill("kim")
    assert o.page.locator("#search-results button").first.inner_text().startswith("Kim Jong Un")
    o.page.locator("#search-results button").first.click()
    assert o.page.locator("#panel h2").inner_text() == "Kim Jong Un"
    o.clean()


def test_physics_toggle_moves_the_layout(open_page, mini_page_file) -> None:
    o = open_page(mini_page_file)
    before = o.js("relgraph.network.getPositions()")
    o.page.locator("#physics").check()
    o.page.wait_for_timeout(600)
    assert o.js("relgraph.network.getPositions()") != before
    o.page.locator("#physics").uncheck()
    o.page.wait_for_timeout(200)
    still = o.js("relgraph.network.getPositions()")
    o.page.wait_for_timeout(400)
    assert o.js("relgraph.network.getPositions()") == still
    o.clean()


# -- hostile data ----------------------------------------------------------------------------

def test_hostile_names_show_as_text_and_run_nothing(open_page, tmp_path: Path) -> None:
    from relgraph import api

    store = str(tmp_path / "hostile.db")
    api.load([FIXTURES / "hostile"], store=store)
    out = tmp_path / "hostile.html"
    view(out, store=store)
    o = open_page(out)
    G = read_store(store)
    # Open every node's and relationship's panel, and hover each node: whatever the page builds.
    for n in o.js("relgraph.data.nodes.map(n => n.id)"):
        o.js("id => relgraph.select(id)", n)
        assert o.page.locator("#panel h2").inner_text() == G.nodes[n]["name"]
        o.page.wait_for_timeout(500)  # selecting moves the camera to the node
        o.page.mouse.move(*o.point(n))
        o.page.wait_for_function("name => !document.getElementById('tooltip').hidden && "
                                 "document.getElementById('tooltip').textContent.split('\\n')[0] === name",
                                 arg=G.nodes[n]["name"], timeout=5000)
    for e in o.js("relgraph.data.edges.map(e => e.id)"):
        o.js("id => relgraph.selectEdge(id)", e)
    o.page.locator("#search").fill("backslash")
    first = o.page.locator("#search-results button").first.inner_text()
    assert first.startswith(G.nodes["state:AAA"]["name"])
    o.js("id => relgraph.select(id)", "state:AAA")
    text = o.panel()
    assert "<svg onload=\"window.__pwned='locator'\">" in text
    assert "</script><script>window.__pwned = 'document title'</script>" in text
    assert "<img src=x onerror=\"window.__pwned='publisher'\">" in text
    assert o.js("window.__pwned") is None
    planted = "img, iframe, object, embed, script[src], [onerror], [onload]"
    assert o.js("s => document.querySelectorAll(s).length", planted) == 0
    assert o.js("document.scripts.length") == 3
    assert o.js("document.querySelectorAll('#panel a').length") == 0  # the javascript: url is not a link
    assert o.js("getComputedStyle(document.body).display") != "none"
    o.clean()


def test_document_links_are_shown_for_web_addresses_only(open_page, tmp_path: Path) -> None:
    path = tmp_path / "links.html"
    docs = {"doc:x": {"name": "Report", "url": "https://example.org/report?a=1&b=2"}}
    path.write_text(render(parallel_graph(), documents=docs), "utf-8")
    o = open_page(path)
    o.js("id => relgraph.select(id)", "state:A")
    link = o.page.locator("#panel a")
    assert link.count() == 1
    assert link.get_attribute("href") == "https://example.org/report?a=1&b=2"
    assert link.get_attribute("rel") == "noopener noreferrer"
    o.clean()  # shown, not fetched


# -- the bundled dataset -----------------------------------------------------------------------

def test_bundled_dataset_view_and_screenshot(open_page, tmp_path: Path) -> None:
    """The view an analyst opens first; its screenshot is saved to artifacts/ for a person to judge."""
    from relgraph import api

    store = str(tmp_path / "bundled.db")
    api.load([BUNDLED], store=store)
    out = tmp_path / "russia-dprk.html"
    report = view(out, store=store, title="Russia–DPRK relations")
    o = open_page(out)
    G = select(read_store(store))
    assert o.shown() == o.drawn() == ids(G)
    assert (report.nodes, report.relationships) == (G.number_of_nodes(), G.number_of_edges())
    types = o.js("relgraph.data.types.map(t => t.name)")
    assert len(o.page.locator("#legend-types li").all()) == len(types) >= 3
    ARTIFACTS.mkdir(exist_ok=True)
    o.page.screenshot(path=str(ARTIFACTS / "russia-dprk.png"))
    # The time slider at the treaty of 1961: fewer facts than today, none dated later.
    set_date(o, date(1961, 7, 6))
    nodes, edges = o.shown()
    assert (nodes, edges) == linked(select(G, Filters(as_of=date(1961, 7, 6))))
    assert 0 < len(nodes) < G.number_of_nodes()
    o.page.screenshot(path=str(ARTIFACTS / "russia-dprk-1961.png"))
    o.js("id => relgraph.select(id)", "state:PRK" if "state:PRK" in G else next(iter(G)))
    o.page.screenshot(path=str(ARTIFACTS / "russia-dprk-panel.png"))
    assert (ARTIFACTS / "russia-dprk.png").stat().st_size > 50_000
    o.clean()



# -- reading the view: zoom, tooltip, first paint, the date slider -------------------------

def test_clicking_a_node_keeps_the_readers_zoom(open_page, mini_page_file) -> None:
    o = open_page(mini_page_file)
    before = o.js("relgraph.network.getScale()")
    assert before < 1  # the fitted view: zooming in to 1 on a click is what blew labels up
    o.page.mouse.click(*o.point(PUTIN))
    o.page.wait_for_timeout(600)  # the move is animated
    assert o.js("relgraph.network.getScale()") == pytest.approx(before, rel=1e-6)
    box = o.page.locator("#graph").bounding_box()
    x, y = o.point(PUTIN)  # the node moved to the middle of the graph's box
    assert abs(x - (box["x"] + box["width"] / 2)) < 5 and abs(y - (box["y"] + box["height"] / 2)) < 5
    ARTIFACTS.mkdir(exist_ok=True)
    o.page.screenshot(path=str(ARTIFACTS / "view-after-click.png"))
    o.clean()


def test_the_tooltip_goes_on_a_click_and_when_the_date_moves(open_page, mini_page_file) -> None:
    o = open_page(mini_page_file)
    tip = o.page.locator("#tooltip")
    o.page.mouse.move(*o.point(SUMMIT))
    tip.wait_for(state="visible")
    o.page.mouse.down()
    o.page.mouse.up()
    tip.wait_for(state="hidden")
    o.page.mouse.move(*o.point(RUS))
    tip.wait_for(state="visible")
    o.js("relgraph.setAsOf('2010-01-01')")  # the slider moved (by keyboard, or by play)
    tip.wait_for(state="hidden")
    o.clean()


@pytest.mark.parametrize("size", [(1600, 1000), (1100, 700)], ids=["wide", "small"])
def test_every_node_is_inside_the_graph_box_at_first_paint(open_page, tmp_path: Path, size) -> None:
    from relgraph import api

    store = str(tmp_path / "bundled.db")
    api.load([BUNDLED], store=store)
    out = tmp_path / "russia-dprk.html"
    view(out, store=store)
    o = open_page(out)
    o.page.set_viewport_size({"width": size[0], "height": size[1]})
    o.page.wait_for_timeout(300)  # the box changed size: the view fits it again
    box = o.page.locator("#graph").bounding_box()
    panel = o.page.locator("#panel").bounding_box()
    assert box["x"] + box["width"] <= panel["x"] + 1  # the details panel is beside the graph, not on it
    outside = o.js("""() => {
      const c = document.getElementById("graph");
      return relgraph.network.body.nodeIndices.filter((id) => {
        const p = relgraph.network.canvasToDOM(relgraph.network.getPosition(id));
        return p.x < 0 || p.y < 0 || p.x > c.clientWidth || p.y > c.clientHeight;
      });
    }""")
    assert outside == []
    ARTIFACTS.mkdir(exist_ok=True)
    o.page.screenshot(path=str(ARTIFACTS / f"view-first-paint-{size[0]}x{size[1]}.png"))
    o.clean()


def test_the_date_slider_steps_by_month_and_decade_and_shows_its_date(open_page, mini_page_file) -> None:
    o = open_page(mini_page_file)
    slider = o.page.locator("#asof")
    label = o.page.locator("#asof-label")
    lo, hi = o.js("[relgraph.data.meta.dateMin, relgraph.data.meta.dateMax]")
    slider.focus()
    for key, expected in (("End", hi), ("Home", lo)):
        o.page.keyboard.press(key)
        assert label.inner_text() == expected
    o.js("relgraph.setAsOf('2008-01-31')")
    for key, expected in (("ArrowRight", "2008-02-29"), ("ArrowRight", "2008-03-29"),
                          ("ArrowLeft", "2008-02-29"), ("PageDown", "1998-02-28"), ("PageUp", "2008-02-28"),
                          ("ArrowUp", "2008-03-28")):
        o.page.keyboard.press(key)
        assert label.inner_text() == expected, key
    assert slider.get_attribute("aria-valuetext") == "2008-03-28"
    # While dragged, the date shows above the thumb.
    bubble = o.page.locator("#asof-bubble")
    assert bubble.is_hidden()
    sbox = slider.bounding_box()
    o.page.mouse.move(sbox["x"] + sbox["width"] * 0.3, sbox["y"] + sbox["height"] / 2)
    o.page.mouse.down()
    o.page.mouse.move(sbox["x"] + sbox["width"] * 0.6, sbox["y"] + sbox["height"] / 2, steps=5)
    assert bubble.is_visible() and bubble.inner_text() == label.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    o.page.screenshot(path=str(ARTIFACTS / "view-slider-drag.png"))
    o.page.mouse.up()
    assert bubble.is_hidden()
    o.clean()
