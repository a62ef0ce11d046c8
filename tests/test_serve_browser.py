"""``relgraph serve`` as a person uses it: a real server, Debian's headless Chromium.

The server is the CLI itself (``relgraph serve --port 0``, stopped with Ctrl-C's
signal); the browser refuses and records every request that is not to it. The
flow: search → node page → a stored query's form (filled by keyboard, names
completed) → results table → graph → the same page again from its address.
Screenshots go to artifacts/serve/ for a reviewer. Hostile names (the
fixture tests/fixtures/hostile/) are rendered through every page and run nothing.

Needs /usr/bin/chromium and playwright, as tests/test_views_browser.py.
"""

from __future__ import annotations

import re
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, REPO, missing_part

from relgraph import api
from relgraph.store import open_store

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = REPO / "artifacts" / "serve"


@dataclass
class Server:
    proc: subprocess.Popen[str]
    url: str

    def stop(self) -> str:
        """Ctrl-C, as a person stops it: the process must end cleanly and say so."""
        self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=30)
        assert self.proc.returncode == 0, err
        return out


def start_server(store: str) -> Server:
    from benchmarks.serving import start  # the line it prints is checked there, whole

    proc, host, port = start(store)
    return Server(proc, f"http://{host}:{port}/")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_part("the serve browser tests", "playwright is not installed: pip install -e '.[test]'")
    if not CHROMIUM.exists():
        missing_part("the serve browser tests", f"no Chromium at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as p, tempfile.TemporaryDirectory(prefix="relgraph-chromium-") as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=ARGS, headless=True,
            viewport={"width": 1400, "height": 1000})
        yield context
        context.close()


@dataclass
class Tab:
    page: Any
    origin: str
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def clean(self) -> None:
        assert self.outside == [], self.outside
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    opened: list[Any] = []

    def open_(origin: str) -> Tab:
        page = browser.new_page()
        opened.append(page)
        t = Tab(page, origin)

        def route(r: Any) -> None:
            if r.request.url.startswith(origin):
                r.continue_()
            else:
                t.outside.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: t.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: t.errors.append(f"page error: {e}"))
        page.on("dialog", lambda d: (t.dialogs.append(d.message), d.dismiss()))
        return t

    yield open_
    for p in opened:
        p.close()


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    location = str(tmp_path_factory.mktemp("serve-browser") / "bundled.db")
    api.load(store=location)
    server = start_server(location)
    yield server
    assert "Stopped." in server.stop()


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _view_ready(frame: Any) -> int:
    frame.wait_for_function("() => window.relgraph && window.relgraph.ready === true", timeout=30_000)
    return frame.evaluate("relgraph.network.body.nodeIndices.length")


def test_search_node_query_results_graph_and_permalink(bundled: Server, tab: Any) -> None:
    t = tab(bundled.url)
    page = t.page
    page.goto(bundled.url)
    page.get_by_label("Name, alias or id").fill("Rajin")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?q=Rajin"))
    _shot(page, "1-search")
    page.get_by_role("link", name=re.compile("Rajin.Khasan railway", re.I)).first.click()
    page.wait_for_url(re.compile(r"/nodes/project:rajin-khasan-railway$"))
    assert page.locator("#relationships tbody tr").count() > 3
    assert page.locator("ol.sources li").count() > 0
    frame = page.frame_locator("#neighbourhood")
    drawn = _view_ready(page.frame(url=re.compile(r"/view/nodes/")))
    assert drawn > 3
    assert frame.locator("#title").inner_text().startswith("relgraph:")
    _shot(page, "2-node")

    page.get_by_role("link", name="Queries").click()
    page.get_by_role("link", name="neighbors", exact=True).click()
    page.wait_for_url(re.compile(r"/queries/neighbors$"))
    page.wait_for_load_state()  # its script listens from then on
    node = page.locator("#p-node")
    node.focus()
    page.keyboard.type("Russ")
    # The name is completed from the API (a datalist of matching nodes).
    page.wait_for_function("() => document.querySelectorAll('#list-node option').length > 0")
    assert "state:RUS" in page.eval_on_selector_all("#list-node option", "os => os.map(o => o.value)")
    node.fill("state:RUS")
    page.locator("#p-hops").fill("2")
    page.locator("#p-hops").press("Enter")  # the form is submitted by the keyboard
    page.wait_for_url(re.compile(r"run=1.*node=state%3ARUS.*hops=2"))
    rows = page.locator("#rows tbody tr").count()
    assert rows == 100  # the first page of many
    heading = page.locator("#rows-h").inner_text()
    total = int(heading.split()[0].replace(",", ""))
    assert total > 100
    page.locator("#rows thead").get_by_role("link", name="name").click()
    page.wait_for_url(re.compile(r"sort=name"))
    names = page.locator("#rows tbody tr td:nth-child(2)").all_inner_texts()
    assert names == sorted(names)
    _shot(page, "3-results")
    page.get_by_role("link", name="as a graph").click()
    page.wait_for_url(re.compile(r"graph=1"))
    assert _view_ready(page.frame(url=re.compile(r"/view/queries/neighbors"))) > 10
    _shot(page, "4-graph")

    permalink = page.url
    before = page.locator("#rows tbody").inner_text()
    other = t.page.context.new_page()
    other.goto(permalink)  # the address alone reproduces the page
    assert other.locator("#rows tbody").inner_text() == before
    assert other.locator("#p-hops").input_value() == "2"
    assert other.locator("#p-node").input_value() == "state:RUS"
    other.close()
    t.clean()


def test_an_analysis_from_its_form(bundled: Server, tab: Any) -> None:
    t = tab(bundled.url)
    page = t.page
    page.goto(bundled.url)
    page.get_by_role("link", name="Analyses").click()
    page.get_by_role("link", name="path", exact=True).click()
    page.wait_for_url(re.compile(r"/analyze/path$"))
    page.wait_for_load_state()
    page.locator("#p-source").fill("Sergei Lavrov")
    page.locator("#p-target").fill("Rajin port")
    page.locator("#p-target").press("Enter")
    page.wait_for_url(re.compile(r"run=1.*source=Sergei"))
    title = page.locator("#rows-h").inner_text()
    assert title.startswith("1 shortest path between Sergei Lavrov and Rajin port"), title
    hops = page.locator("#rows tbody tr")
    assert hops.count() >= 2
    assert page.locator("#rows tbody .citation").count() >= hops.count()  # every hop sourced
    _shot(page, "5-path")
    t.clean()


def test_keyboard_reaches_every_control_in_order(bundled: Server, tab: Any) -> None:
    t = tab(bundled.url)
    page = t.page
    page.goto(bundled.url + "queries/visits")
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
    assert seen[0] == "Skip to content"
    assert seen[1:4] == ["relgraph", "Find", "Queries"]
    assert "quick-q" in seen and "p-visitor" in seen
    page.keyboard.press("Shift+Tab")
    t.clean()


def test_hostile_names_run_nothing_in_any_page(tab: Any, tmp_path: Path) -> None:
    location = str(tmp_path / "hostile.db")
    api.load([FIXTURES / "hostile"], store=location)
    with open_store(location, read_only=True) as st:
        ids = [i for i, _t, _p in st.iter_nodes(None, ["name"])]
    server = start_server(location)
    try:
        t = tab(server.url)
        paths = ["", "?q=script", "?type=State", "queries/claims?run=1", "queries/search?run=1&text=%3C",
                 "queries/neighbors?run=1&node=state:AAA&graph=1", "analyze/centrality?run=1",
                 "analyze/ego?run=1&node=state:AAA", "timeline?graph=1", *(f"nodes/{i}" for i in ids)]
        for path in paths:
            t.page.goto(server.url + path)
            for frame in t.page.frames:
                if "/view/" in frame.url:
                    _view_ready(frame)
                assert frame.evaluate("window.__pwned") is None, (path, frame.url)
        _shot(t.page, "hostile-node")
        t.clean()
    finally:
        server.stop()
