"""HTML views without a browser: the data the page draws, its safety, the file, the CLI.

What the page does with the data in a real browser is in test_views_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from conftest import FIXTURES, MINI_NODE_COUNTS, MINI_REL_COUNTS

from relgraph.analytics.project import Filters, read_store, select
from relgraph.errors import NotFoundError, UsageError
from relgraph.style import load_style, style_for
from relgraph.views import referenced, render, view
from relgraph.views.html import json_for_html, render_html, view_data
from relgraph.views.layout import spring

HOSTILE = FIXTURES / "hostile"
PUTIN, KIM, SUMMIT = "person:putin-vladimir", "person:kim-jong-un", "event:2023-09-13-vostochny-summit"
PRES, RUS, PRK = "position:rus-president", "state:RUS", "state:PRK"
HOLDS_1 = "HOLDS:person:putin-vladimir->position:rus-president@2000-05-07"
HOLDS_2 = "HOLDS:person:putin-vladimir->position:rus-president@2012-05-07"
EVIL = "</script><script>window.__pwned = 1</script><img src=x onerror=alert(1)> \" ' \\ \u2028 & {{DATA}}"


def parallel_graph() -> nx.MultiDiGraph:
    """Two states with three relationships between them (two one way, one back) and a third state."""
    G = nx.MultiDiGraph()
    for n in ("state:A", "state:B", "state:C"):
        G.add_node(n, type="State", name=n[-1], status="confirmed", sources=["doc:x | p. 1"])
    G.add_edge("state:A", "state:B", key="r1", type="BORDERS", status="confirmed")
    G.add_edge("state:A", "state:B", key="r2", type="PARTNERSHIP", status="alleged",
               validFrom=date(2000, 1, 1), validTo=date(2010, 1, 1))
    G.add_edge("state:B", "state:A", key="r3", type="DIPLOMATIC_RELATIONS", status="planned")
    G.add_edge("state:B", "state:C", key="r4", type="BORDERS", status="confirmed")
    return G


# -- the data the page draws ------------------------------------------------------------

def test_every_node_and_relationship_is_drawn_once_with_its_own_id() -> None:
    d = view_data(parallel_graph())
    assert sorted(n["id"] for n in d["nodes"]) == ["state:A", "state:B", "state:C"]
    assert sorted(e["id"] for e in d["edges"]) == ["r1", "r2", "r3", "r4"]
    ends = {e["id"]: (e["from"], e["to"], e["type"]) for e in d["edges"]}
    assert ends["r3"] == ("state:B", "state:A", "DIPLOMATIC_RELATIONS")


def test_edges_without_ids_or_with_the_same_id_get_their_own() -> None:
    G = nx.DiGraph()  # not a multigraph: no keys
    G.add_edge("a", "b", id="same")
    G.add_edge("b", "c", id="same")
    G.add_edge("c", "a")
    ids = [e["id"] for e in view_data(G)["edges"]]
    assert len(set(ids)) == 3 and ids[0] == "same"


def test_parallel_relationships_are_drawn_apart() -> None:
    d = view_data(parallel_graph())
    curve = {e["id"]: e["curve"] for e in d["edges"]}
    assert curve["r4"] == 0  # alone between B and C: straight
    # Three between A and B: one straight, two bent to opposite sides. r3 runs B->A, so the
    # page bends it relative to its own direction: the same sign as r2 would be the same side.
    assert curve["r1"] == 0
    assert curve["r2"] != 0 and curve["r3"] != 0
    assert curve["r2"] == curve["r3"]  # opposite directions, same sign: opposite sides
    G = parallel_graph()
    G.add_edge("state:A", "state:B", key="r5", type="BORDERS", status="confirmed")
    curves = [e["curve"] for e in view_data(G)["edges"] if e["id"] != "r4"]
    sides = [c if e["from"] == "state:A" else -c
             for c, e in zip(curves, [e for e in view_data(G)["edges"] if e["id"] != "r4"], strict=True)]
    assert len(set(sides)) == 4  # four relationships, four different curves


def test_styles_come_from_style_yaml() -> None:
    G = parallel_graph()
    G.add_node("person:p", type="Person", name="P", status="reported")
    G.add_node("x:1", type="Unknown", name="?", status="confirmed")
    d = view_data(G)
    types = {t["name"]: t for t in d["types"]}
    for t in ("State", "Person"):
        assert {k: types[t][k] for k in ("color", "shape", "size")} == {
            k: style_for(t)[k] for k in ("color", "shape", "size")}
    assert types["Unknown"]["color"] == load_style()["default_node"]["color"]
    assert types["State"]["count"] == 3
    lines = {s["name"]: s["line"] for s in d["statuses"]}
    assert lines == load_style()["status"]
    counts = {s["name"]: s["count"] for s in d["statuses"]}
    assert (counts["confirmed"], counts["alleged"], counts["planned"], counts["reported"]) == (6, 1, 1, 1)
    assert d["edgeColor"] == load_style()["relationship"]["color"]


def test_dates_and_time_span_follow_the_analyses() -> None:
    G = parallel_graph()
    G.add_node("event:e", type="Event", name="E", status="confirmed", date=date(2023, 9, 13),
               validFrom=date(2024, 1, 1))
    d = view_data(G)
    node = {n["id"]: n for n in d["nodes"]}
    edge = {e["id"]: e for e in d["edges"]}
    assert (node["event:e"]["start"], node["event:e"]["end"]) == ("2024-01-01", None)  # the later start
    assert (edge["r2"]["start"], edge["r2"]["end"]) == ("2000-01-01", "2010-01-01")
    assert (node["state:A"]["start"], node["state:A"]["end"]) == (None, None)
    assert (d["meta"]["dateMin"], d["meta"]["dateMax"]) == ("2000-01-01", "2024-01-01")
    assert node["event:e"]["props"]["date"] == "2023-09-13"


def test_sizes_follow_the_scores() -> None:
    d = view_data(parallel_graph(), scores={"state:A": 1.0, "state:B": 2.0, "state:C": 0.0}, measure="degree")
    size = {n["id"]: n["size"] for n in d["nodes"]}
    assert size["state:B"] > size["state:A"] > size["state:C"]
    assert d["meta"]["measure"] == "degree"
    unscored = view_data(parallel_graph())
    assert {n["size"] for n in unscored["nodes"]} == {style_for("State")["size"]}


def test_cited_documents_are_described() -> None:
    docs = {"doc:x": {"type": "Document", "name": "A report", "publisher": "EAI", "url": "https://e.org/r",
                      "published": date(2024, 6, 5), "origin": "secret/path.yaml"},
            "doc:unused": {"type": "Document", "name": "Not cited"}}
    d = view_data(parallel_graph(), documents=docs)
    assert d["documents"] == {"doc:x": {"name": "A report", "publisher": "EAI", "url": "https://e.org/r",
                                        "published": "2024-06-05"}}


def test_layout_is_seeded_and_spreads_the_nodes() -> None:
    edges = [(i, (i + 1) % 30) for i in range(30)] + [(0, 15)]
    a, b = spring(30, edges, seed=3), spring(30, edges, seed=3)
    assert (a == b).all()
    assert not (spring(30, edges, seed=4) == a).all()
    assert abs(a).max() == pytest.approx(1.0)
    points = {(round(x, 3), round(y, 3)) for x, y in a.tolist()}
    assert len(points) == 30  # no two nodes on the same spot
    # Linked nodes end up nearer each other than the average pair.
    import numpy as np

    d = np.linalg.norm(a[:, None] - a[None, :], axis=-1)
    assert np.mean([d[i, j] for i, j in edges]) < d[np.triu_indices(30, 1)].mean() / 2


def test_layout_of_a_big_graph_keeps_communities_together() -> None:
    """Above layout.SAMPLE nodes, repulsion is estimated from samples; the picture must still hold."""
    import numpy as np

    from relgraph.views import layout

    G = nx.planted_partition_graph(2, 1000, 0.006, 0.0002, seed=1)
    assert len(G) > layout.SAMPLE
    pos = spring(len(G), list(G.edges()), seed=1)
    group = np.array([0] * 1000 + [1] * 1000)
    centres = np.array([pos[group == g].mean(axis=0) for g in (0, 1)])
    spread = np.mean([np.linalg.norm(pos[group == g] - centres[g], axis=1).mean() for g in (0, 1)])
    assert np.linalg.norm(centres[0] - centres[1]) > spread  # two clusters side by side, not mixed
    assert np.isfinite(pos).all() and len({(round(x, 4), round(y, 4)) for x, y in pos.tolist()}) == 2000


def test_layout_of_tiny_graphs() -> None:
    assert spring(0, []).shape == (0, 2)
    assert spring(1, []).tolist() == [[0.0, 0.0]]
    assert view_data(nx.MultiDiGraph())["nodes"] == []


# -- safety and self-containment ----------------------------------------------------------

def test_json_for_html_cannot_close_the_script_element() -> None:
    text = json_for_html({"name": EVIL})
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == {"name": EVIL}


def hostile_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.add_node("state:A", type="State", name=EVIL, aliases=[EVIL], status="confirmed",
               description=EVIL, sources=[f"doc:x | {EVIL}"])
    G.add_node(EVIL, type=EVIL, name="B", status=EVIL)
    G.add_edge("state:A", EVIL, key=EVIL, type=EVIL, status="confirmed", note=EVIL)
    return G


class Elements(HTMLParser):
    """The elements of a page as an HTML parser sees them (script content is text, as in browsers)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, list[str]] = {}
        self._open: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]

    def handle_data(self, data: str) -> None:
        if self._open:
            self.text.setdefault(self._open[-1], []).append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]


def test_hostile_data_stays_inside_the_json_block() -> None:
    page = render(hostile_graph(), title=EVIL, subtitle=EVIL, documents={"doc:x": {"name": EVIL}})
    html = Elements(page)
    # Exactly the page's own three script elements: the data, vis-network, ours.
    assert [a.get("type") for a in html.named("script")] == ["application/json", None, None]
    assert not html.named("img") and not html.named("iframe")
    assert html.text["title"] == [EVIL]
    data = json.loads(html.text["script"][0])
    assert data["nodes"][0]["name"] == EVIL and data["nodes"][0]["props"]["description"] == EVIL
    assert data["documents"]["doc:x"]["name"] == EVIL
    assert data["edges"][0]["id"] == EVIL
    # The template's placeholders are filled once: the {{DATA}} in the data stays as written.
    assert not re.search(r"\{\{(CSP|TITLE|VIS_CSS|CSS|VIS_JS|JS)\}\}", page)


def test_page_references_nothing_outside_itself() -> None:
    page = render(parallel_graph())
    html = Elements(page)
    assert {t for t, _ in html.tags} <= {
        "html", "head", "meta", "title", "style", "body", "header", "div", "h1", "p", "label", "input",
        "ul", "main", "aside", "section", "h2", "output", "span", "button", "script"}
    assert not [a for _t, a in html.tags if "src" in a or "href" in a]
    assert "sourceMappingURL" not in page
    # The CSP lets only the page's own scripts run (by hash) and allows no connection at all.
    csp = next(a["content"] for a in html.named("meta") if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "connect-src" not in csp and "unsafe-eval" not in csp
    hashes = set(re.findall(r"'sha256-([^']+)'", csp))
    scripts = html.text["script"]
    ran = {base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts[1:]}
    assert len(scripts) == 3 and hashes == ran


def test_render_html_uses_the_vis_network_shipped_in_pyvis() -> None:
    from importlib import resources

    page = render_html(view_data(parallel_graph()))
    vis = resources.files("pyvis").joinpath("lib", "vis-9.1.2", "vis-network.min.js").read_text("utf-8")
    code, source_map = vis.rsplit("\n", 1)
    assert source_map.startswith("//# sourceMappingURL=")
    assert len(code) > 400_000 and code in page


# -- the library function -----------------------------------------------------------------

def node_ids(page_path: Path) -> set[str]:
    data = page_data(page_path)
    return {n["id"] for n in data["nodes"]}


def page_data(page_path: Path) -> dict:
    page = page_path.read_text("utf-8")
    block = re.search(r'<script type="application/json" id="relgraph-data">(.*?)</script>', page, re.S)
    return json.loads(block.group(1))


def test_view_of_the_whole_store(mini_template: str, tmp_path: Path) -> None:
    out = tmp_path / "mini.html"
    report = view(out, store=mini_template)
    G = select(read_store(mini_template))
    assert (report.nodes, report.relationships) == (sum(MINI_NODE_COUNTS.values()) - 1,
                                                    sum(MINI_REL_COUNTS.values()))
    data = page_data(out)
    assert {n["id"] for n in data["nodes"]} == set(G)
    assert {e["id"] for e in data["edges"]} == {k for _u, _v, k in G.edges(keys=True)}
    assert "doc:eai-2024-06-05" in data["documents"]  # cited, so described, though not drawn
    assert data["documents"]["doc:eai-2024-06-05"]["publisher"] == "East Asia Institute"
    assert report.bytes == out.stat().st_size
    assert out.stat().st_mode & 0o044 == 0o044  # readable by others: a file to share
    # Sized by degree from the analytics: Putin (summit, post) outranks Kim (summit).
    size = {n["id"]: n["size"] for n in data["nodes"]}
    assert size[PUTIN] > size[KIM]


def test_view_with_filters(mini_template: str, tmp_path: Path) -> None:
    out = tmp_path / "v.html"
    view(out, store=mini_template, filters=Filters.parse(as_of="2010-01-01", statuses="confirmed"))
    H = select(read_store(mini_template), Filters.parse(as_of="2010-01-01", statuses="confirmed"))
    data = page_data(out)
    assert {n["id"] for n in data["nodes"]} == set(H)
    assert {e["id"] for e in data["edges"]} == {k for _u, _v, k in H.edges(keys=True)}
    assert SUMMIT not in set(H)
    assert "filters: --as-of 2010-01-01 --status confirmed" in data["meta"]["subtitle"]


def test_view_focus_and_depth(mini_template: str, tmp_path: Path) -> None:
    out = tmp_path / "f.html"
    view(out, store=mini_template, focus="Kim Jong-un")
    assert node_ids(out) == {KIM, SUMMIT}
    view(out, store=mini_template, focus="Kim Jong-un", depth=2)
    assert node_ids(out) == {KIM, SUMMIT, PUTIN}
    assert "Kim Jong Un and its neighbourhood (2 hops)" in page_data(out)["meta"]["title"]
    with pytest.raises(NotFoundError):
        view(out, store=mini_template, focus="Nobody at all")
    with pytest.raises(UsageError, match="not in the graph under these filters"):
        view(out, store=mini_template, focus="Vostochny", filters=Filters.parse(as_of="2020-01-01"))


def test_view_of_a_stored_query(mini_template: str, tmp_path: Path) -> None:
    from relgraph.queries import run_query

    out = tmp_path / "q.html"
    view(out, store=mini_template, query="neighbors", params={"node": "Vladimir Putin", "hops": "1"})
    rows = run_query("neighbors", {"node": "Vladimir Putin", "hops": "1"}, store=mini_template).rows
    assert rows  # the test means nothing if the query finds nothing
    expected = {PUTIN} | {v for row in rows for v in row if isinstance(v, str) and ":" in v and " " not in v}
    assert node_ids(out) == expected == {PUTIN, SUMMIT, PRES}
    # Both of Putin's terms in the post are drawn: the relationships among the nodes.
    assert {e["id"] for e in page_data(out)["edges"]} >= {HOLDS_1, HOLDS_2}

    # More of the query's nodes than --max-nodes: a summary of them (it once crashed: the
    # loop over the names reused the summary's size for a node id).
    report = view(out, store=mini_template, query="neighbors", params={"node": "Vladimir Putin", "hops": "1"},
                  max_nodes=2)
    assert (report.nodes, report.summary_of) == (2, 3) and node_ids(out) < expected


def test_referenced_finds_ids_in_cells_lists_and_maps() -> None:
    nodes, rels = referenced([[KIM, 1, None], [[PUTIN, "x"], {"id": SUMMIT}], [{"name": KIM}], ["r9"]],
                             {KIM, PUTIN, SUMMIT, PRK}, {"r9": (KIM, SUMMIT)})
    assert (nodes, rels) == ({KIM, PUTIN, SUMMIT}, {"r9"})


def test_view_refuses_what_it_cannot_do(mini_template: str, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        view(tmp_path / "no" / "such" / "v.html", store=mini_template)
    with pytest.raises(UsageError, match="is a folder"):
        view(tmp_path, store=mini_template)
    with pytest.raises(UsageError, match="unknown measure"):
        view(tmp_path / "v.html", store=mini_template, size_by="fame")
    with pytest.raises(UsageError, match="nothing to draw"):
        view(tmp_path / "v.html", store=mini_template, filters=Filters.parse(types="Sanction"))
    assert not (tmp_path / "v.html").exists()


# -- the CLI ------------------------------------------------------------------------------

def test_cli_view(cli, mini_template: str, tmp_path: Path) -> None:
    out = tmp_path / "mini.html"
    r = cli("view", "--store", mini_template, "-o", str(out), "--size-by", "betweenness")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith(f"Wrote {out} (7 nodes, 7 relationships,")
    assert page_data(out)["meta"]["measure"] == "betweenness"
    r = cli("view", "--store", mini_template, "-o", str(out), "--size-by", "type", "--types", "Person",
            "--title", "People")
    assert r.exit_code == 0, r.stderr
    data = page_data(out)
    assert {n["type"] for n in data["nodes"]} == {"Person"} and data["meta"]["title"] == "People"
    assert {n["size"] for n in data["nodes"]} == {style_for("Person")["size"]}


def test_cli_view_errors(cli, mini_template: str, tmp_path: Path) -> None:
    out = str(tmp_path / "v.html")
    r = cli("view", "--store", mini_template, "-o", out, "-p", "node=x")
    assert (r.exit_code, r.stderr.strip()) == (2, "error: -p needs --query NAME")
    r = cli("view", "--store", mini_template, "-o", out, "--query", "neighbors", "-p", "node")
    assert r.exit_code == 2 and "write -p NAME=VALUE" in r.stderr
    r = cli("view", "--store", mini_template, "-o", out, "--focus", "Kim Jong Unn")
    assert r.exit_code == 2 and "no node named 'Kim Jong Unn'" in r.stderr
    r = cli("view", "--store", str(tmp_path / "none.db"), "-o", out)
    assert r.exit_code == 1 and "run `relgraph load` first" in r.stderr
    r = cli("view", "--store", mini_template)
    assert r.exit_code == 2 and "--output" in r.stderr
    assert not Path(out).exists()


def test_cli_view_open(cli, mini_template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import webbrowser

    opened = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    out = tmp_path / "v.html"
    r = cli("view", "--store", mini_template, "-o", str(out), "--open")
    assert r.exit_code == 0, r.stderr
    assert opened == [out.resolve().as_uri()]


def test_hostile_fixture_loads_and_renders(tmp_path: Path) -> None:
    from relgraph import api

    store = str(tmp_path / "h.db")
    api.load([HOSTILE], store=store)
    out = tmp_path / "h.html"
    view(out, store=store)
    data = page_data(out)
    names = {n["name"] for n in data["nodes"]}
    assert "</script><script>window.__pwned = 'name'</script>" in names
    page = out.read_text("utf-8")
    assert len(re.findall(r"</script", page, re.I)) == 3
    assert "window.__pwned" not in page.split('id="relgraph-data">', 1)[0]


def test_a_view_is_written_only_to_an_html_file(cli, mini_template: str, tmp_path: Path) -> None:
    for name in ("x.png", "x.svg", "x", "x.html.txt"):
        r = cli("view", "-o", str(tmp_path / name), "--store", mini_template)
        assert r.exit_code == 2 and "a view is an HTML page; name the file" in r.stderr, (name, r.stderr)
        assert not (tmp_path / name).exists()
    for name in ("x.html", "y.HTM"):
        assert cli("view", "-o", str(tmp_path / name), "--store", mini_template).exit_code == 0, name


def test_too_many_nodes_give_a_summary_with_the_ways_in(cli, mini_template: str, tmp_path: Path) -> None:
    from relgraph.analytics import Filters
    from relgraph.analytics.project import read_store, select

    out = tmp_path / "v.html"
    n = view(tmp_path / "all.html", store=mini_template).nodes
    r = cli("view", "-o", str(out), "--max-nodes", "5", "--store", mini_template)
    assert r.exit_code == 0 and "(5 nodes," in r.stdout
    assert r.stderr == (f"relgraph: a summary of {n} nodes (more than --max-nodes 5): drill in with --focus "
                        "NODE, --top N or the filters; --max-nodes 0 draws everything\n")
    data = page_data(out)
    G = select(read_store(mini_template), Filters())
    ranked = sorted(G.degree, key=lambda nd: (-nd[1], str(nd[0])))
    assert {x["id"] for x in data["nodes"]} == {str(n) for n, _deg in ranked[:5]}
    assert 0 < len(data["edges"]) <= 5 * 5
    assert f"a summary: the 5 nodes of {n} with the most relationships" in data["meta"]["subtitle"]
    assert "drill in with relgraph view --focus" in data["meta"]["subtitle"]
    report = view(out, store=mini_template, max_nodes=5)
    assert (report.nodes, report.summary_of) == (5, n)
    assert view(out, store=mini_template, max_nodes=n).summary_of is None
    assert view(out, store=mini_template, max_nodes=0).nodes == n
    r = cli("view", "-o", str(out), "--max-nodes", str(n - 1), "--top", "5", "--store", mini_template)
    assert r.exit_code == 0 and "(5 nodes," in r.stdout and r.stderr == ""
    out.unlink()
    r = cli("view", "-o", str(out), "--max-nodes", "5", "--top", "6", "--store", mini_template)
    assert r.exit_code == 2 and not out.exists()
    assert r.stderr == ("error: --top 6 leaves 6 nodes, too many for a readable view (the limit is 5): give "
                        "a smaller --top, or raise --max-nodes (0: no limit)\n")


def test_top_keeps_the_most_central_nodes(mini_template: str, tmp_path: Path) -> None:
    from relgraph.analytics import Filters
    from relgraph.analytics.measures import centrality
    from relgraph.analytics.project import read_store, select

    H = select(read_store(mini_template), Filters())
    ranked = sorted(centrality(H, "degree").scores, key=lambda s: (-s.score, str(s.id)))
    out = tmp_path / "v.html"
    report = view(out, store=mini_template, top=3)
    assert report.nodes == 3
    assert node_ids(out) == {str(s.id) for s in ranked[:3]}
    assert report.relationships == H.subgraph(s.id for s in ranked[:3]).number_of_edges()
    with pytest.raises(UsageError):
        view(out, store=mini_template, top=0)


@pytest.fixture(scope="module")
def bundled_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    from relgraph import api

    store = str(tmp_path_factory.mktemp("bundled") / "b.db")
    api.load(store=store)
    return store


# Values for the required parameters of the stored queries, on the bundled dataset.
SAMPLE_PARAMS = {"changes": {"from": "2023"}, "common-partners": {"a": "Russia", "b": "DPRK"},
                 "meetings": {"a": "Kim Jong Un"}, "neighbors": {"node": "Rajin-Khasan"},
                 "search": {"text": "Rajin"}, "shortest-path": {"a": "Putin", "b": "Kim Yo Jong"},
                 "sources": {"node": "Rajin-Khasan"}, "visits": {"destination": "Pyongyang"}}


def test_a_query_view_draws_what_its_rows_are_about(tmp_path: Path, bundled_template: str) -> None:
    """Every stored query's view holds the nodes its rows name (by id or by name), or is refused
    with the reason; a query whose rows name nodes by name alone (visits) is drawn too."""
    from relgraph.queries import load_queries, run_query

    drawn = {}
    for name, q in sorted(load_queries().items()):
        params = SAMPLE_PARAMS.get(name, {})
        assert all(p.name in params for p in q.params if p.required), name
        out = tmp_path / f"{name}.html"
        result = run_query(name, params, store=bundled_template)
        try:
            # Every type, Documents too: a row may be about a source (who published it).
            report = view(out, store=bundled_template, query=name, params=params,
                          filters=Filters.parse(types="all"))
        except UsageError as e:
            assert not result.rows or "name no node" in str(e), (name, str(e))
            continue
        assert result.rows, name
        data = page_data(out)
        shown = node_ids(out) | {n["name"] for n in data["nodes"]} | {e["id"] for e in data["edges"]}
        # Each row names at least one node or relationship the view shows (an id, or a name).
        for row in result.rows:
            cells = [c for v in row for c in (v if isinstance(v, list) else [v]) if isinstance(c, str)]
            assert set(cells) & shown, (name, row)
        drawn[name] = report.nodes
    assert drawn["visits"] > 5 and drawn["treaties"] > 5 and len(drawn) >= 12, drawn


def test_a_summary_reads_the_busiest_nodes_straight(mini_template: str) -> None:
    """read_busiest gives what a view's summary took of the whole filtered graph (the n nodes
    with the most relationships, and the relationships among them, with the same properties
    in the same order), and the same page; None where the graph is small enough, folded or
    cut to states' networks (the view reads the whole graph then)."""
    from relgraph.analytics import Filters
    from relgraph.analytics.project import induced, read_busiest, read_for, select
    from relgraph.views import page

    for filters in (Filters(), Filters(types=("Person", "State", "Event", "PARTICIPATED_IN", "HOLDS")),
                    Filters(as_of=date(2019, 4, 25)),
                    Filters(start=date(2023, 1, 1), statuses=("confirmed",))):
        H = select(read_for(mini_template, filters, status=True), filters)
        for n in (1, 3, 5):
            found = read_busiest(mini_template, filters, n, more_than=2)
            assert found is not None
            total, B = found
            ranked = sorted(H.degree, key=lambda nd: (-nd[1], str(nd[0])))[:n]
            S = induced(H, (v for v, _deg in ranked))
            assert total == H.number_of_nodes()
            assert list(B.nodes(data=True)) == list(S.nodes(data=True))
            assert list(B.edges(keys=True, data=True)) == list(S.edges(keys=True, data=True))
        assert B.number_of_edges() and all(d.get("status") for *_e, d in B.edges(data=True))
        assert read_busiest(mini_template, filters, 3, more_than=H.number_of_nodes()) is None
        straight = page(store=mini_template, filters=filters, max_nodes=3)
        whole = page(store=mini_template, filters=filters, max_nodes=3,
                     kept={"filters": filters, "graph": read_for(mini_template, filters, status=True)})
        assert straight == whole and straight.summary_of == H.number_of_nodes()
    assert read_busiest(mini_template, Filters(fold=True), 3, more_than=0) is None
    assert read_busiest(mini_template, Filters(states=("Russia",)), 3, more_than=0) is None


@pytest.mark.parametrize("around", [None, 0], ids=["ring by ring", "every relationship"])
def test_a_nodes_neighbourhood_is_read_straight(bundled_template: str, around: int | None,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """read_around gives the neighbourhood a --focus view took of the whole filtered graph
    (the same nodes and relationships, with the same properties, in the same order), and
    the same page, under dates, statuses, types and depths, read ring by ring or (past
    AROUND relationships) from every relationship's ends; a node the filters leave out
    comes with no graph, and the view says so as before."""
    from relgraph.analytics import Filters, project
    from relgraph.analytics.project import induced, read_around, read_for, resolve, select
    from relgraph.views import page

    if around is not None:
        monkeypatch.setattr(project, "AROUND", around)

    sets = (Filters(), Filters.parse(as_of="2019-04-25"), Filters.parse(start="2023-01-01", end="2024-12"),
            Filters.parse(statuses="confirmed,reported", types="Person,Event,State"))
    drawn = []
    for filters in sets:
        G0 = read_for(bundled_template, filters, status=True)
        H = select(G0, filters)
        for name, depth in (("Kim Jong Un", 1), ("Sergei Lavrov", 2), ("Rajin port", 3)):
            found = read_around(bundled_template, filters, name, depth)
            assert found is not None
            center, record, A = found
            assert center == resolve(G0, name) and record == G0.nodes[center]
            if center not in H:
                assert A.number_of_nodes() == 0
                continue
            near = nx.single_source_shortest_path_length(H.to_undirected(as_view=True), center, cutoff=depth)
            S = induced(H, near)
            assert list(A.nodes(data=True)) == list(S.nodes(data=True))
            assert list(A.edges(keys=True, data=True)) == list(S.edges(keys=True, data=True))
            drawn.append(len(S))
            straight = page(store=bundled_template, filters=filters, focus=name, depth=depth, max_nodes=60)
            whole = page(store=bundled_template, filters=filters, focus=name, depth=depth, max_nodes=60,
                         kept={"filters": filters, "graph": G0})
            assert straight == whole
    assert len(drawn) >= 8 and max(drawn) > 60 and sum(n > 1 for n in drawn) >= 6, drawn  # summaries too
    assert read_around(bundled_template, Filters(fold=True), "Kim Jong Un", 1) is None
    assert read_around(bundled_template, Filters(states=("Russia",)), "Kim Jong Un", 1) is None
    with pytest.raises(UsageError, match="not in the graph under these filters"):
        page(store=bundled_template, filters=Filters.parse(statuses="denied"), focus="Kim Jong Un")


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The benchmarks' generated graph at 4,000 relationships: states with many dated events
    between the same pairs, so that filters drop some of a pair's relationships and keep others."""
    from benchmarks.generate import Spec, generate
    from relgraph import api

    work = tmp_path_factory.mktemp("generated")
    location = str(work / "gen.db")
    api.load(generate(work / "data", Spec.for_size(4_000)).files, store=location)
    return location


@pytest.mark.parametrize("around", [None, 0, 3_000], ids=["ring by ring", "every relationship", "both"])
def test_cuts_read_straight_list_everything_in_the_whole_reads_order(
        generated_store: str, around: int | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """read_busiest and read_around give the graph that cutting the whole filtered graph gave,
    in its order too: each node's successors in the order of their first relationship of
    all read (a pair's first may be one the filters drop), its predecessors node by node.
    A view's layout and ties follow that order. read_around reads ring by ring, or from every
    relationship's ends (AROUND 0), or starts ring by ring and reads them all once past
    AROUND (3,000: around the busiest state, depth 1 is read ring by ring; depth 2 reads the
    first ring, then everything)."""
    from relgraph.analytics import Filters, project
    from relgraph.analytics.project import induced, read_around, read_busiest, read_for, select

    if around is not None:
        monkeypatch.setattr(project, "AROUND", around)

    def order(G: nx.MultiDiGraph) -> list[object]:
        return [list(G.nodes(data=True)), list(G.edges(keys=True, data=True)),
                [(v, list(G.pred[v])) for v in G]]

    for filters in (Filters(), Filters.parse(as_of="2015"), Filters.parse(start="2005", end="2012-06"),
                    Filters.parse(statuses="confirmed,alleged")):
        H = select(read_for(generated_store, filters, status=True), filters)
        found = read_busiest(generated_store, filters, 40, more_than=10)
        assert found is not None
        ranked = sorted(H.degree, key=lambda nd: (-nd[1], str(nd[0])))[:40]
        S = induced(H, (v for v, _deg in ranked))
        assert order(found[1]) == order(S) and S.number_of_edges() > 10
        hub = ranked[0][0]
        for depth in (1, 2):
            found_around = read_around(generated_store, filters, hub, depth)
            assert found_around is not None and found_around[0] == hub
            near = nx.single_source_shortest_path_length(H.to_undirected(as_view=True), hub, cutoff=depth)
            assert order(found_around[2]) == order(induced(H, near))


def test_a_summarys_bundled_ties_count_their_statuses(bundled_template: str) -> None:
    """A summary draws the relationships of one type between two of its nodes as one tie,
    which counts their statuses (the lean read had left the statuses out: "no status 3")."""
    from relgraph.views import page

    drawn = page(store=bundled_template, max_nodes=80, size_by=None)
    assert drawn.summary_of and drawn.summary_of > 80
    counted = re.findall(r'"statuses": ?"([^"]*)"', drawn.html)
    assert len(counted) >= 2 and all(re.fullmatch(r"(confirmed|reported|alleged|denied) \d+(, \w+ \d+)*", c)
                                     for c in counted), counted
