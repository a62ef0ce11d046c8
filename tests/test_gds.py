"""`analyze ... --engine gds`: the same answers from Graph Data Science in Neo4j.

Both engines read the bundled dataset, the embedded store for networkx and the
suite's Neo4j (with OpenGDS) for GDS, under the same filters. Agreement, once
on the same scale (see relgraph.analytics.gds): degree exactly, PageRank and
closeness to 1e-4 relative, exact betweenness to 1e-9, Louvain's modularity
within 2 % of networkx's (the communities themselves may differ), shortest
paths of the same length with the same hops, ego networks and comparisons row
for row. The generated 10k graph is checked the same way in
test_gds_generated.py.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from conftest import Neo4jTarget

from relgraph import api
from relgraph.analytics import api as analytics
from relgraph.analytics import gds
from relgraph.analytics.project import Filters
from relgraph.errors import UsageError

pytestmark = pytest.mark.neo4j

FILTERS = [
    Filters(),
    Filters.parse(as_of="2024-06-30"),
    Filters.parse(start="2023-09", end="2024"),
    Filters.parse(types="Person,State,Event,PARTICIPATED_IN,CITIZEN_OF", statuses="-alleged,-denied"),
    Filters.parse(as_of="2001"),
    Filters(fold=True),
    Filters.parse(states=["Russia"], state_depth=1),
    Filters.parse(as_of="2024-06-30", states=["DPRK", "China"], state_depth=2, fold=True),
]
IDS = ["all", "as-of", "window", "types-status", "as-of-partial", "fold", "state", "as-of-states-fold"]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, neo4j: Neo4jTarget) -> tuple[str, str]:
    embedded = str(tmp_path_factory.mktemp("gds") / "relgraph.db")
    api.load(store=embedded)
    uri = neo4j.empty()
    api.load(store=uri)
    return embedded, uri


def _scores(r: analytics._measures.Ranking) -> dict[str, float]:
    return {s.id: s.score for s in r.scores}


@pytest.mark.parametrize("filters", FILTERS, ids=IDS)
@pytest.mark.parametrize("measure", ["degree", "pagerank", "betweenness", "closeness"])
def test_centrality_agrees_with_networkx(stores: tuple[str, str], filters: Filters, measure: str) -> None:
    embedded, uri = stores
    nx_r = analytics.centrality(embedded, filters, measure=measure)
    gds_r = analytics.centrality(uri, filters, measure=measure, engine="gds")
    assert (gds_r.nodes, gds_r.ties) == (nx_r.nodes, nx_r.ties)
    ours, theirs = _scores(gds_r), _scores(nx_r)
    assert ours.keys() == theirs.keys()
    if measure == "pagerank" and any(s.score == 0 for s in analytics.centrality(embedded, filters).scores):
        pytest.xfail("isolated nodes: networkx hands their rank to every node, GDS does not")
    tol = {"degree": 0.0, "pagerank": 1e-4, "betweenness": 1e-9, "closeness": 1e-4}[measure]
    for node, want in theirs.items():
        assert math.isclose(ours[node], want, rel_tol=tol, abs_tol=1e-12 if tol else 0), (node, want)


@pytest.mark.parametrize("filters", FILTERS[:3], ids=IDS[:3])
def test_weighted_degree_and_betweenness(stores: tuple[str, str], filters: Filters) -> None:
    embedded, uri = stores
    for measure, tol in (("degree", 0.0), ("betweenness", 1e-9)):
        a = _scores(analytics.centrality(embedded, filters, measure=measure, weighted=True))
        b = _scores(analytics.centrality(uri, filters, measure=measure, weighted=True, engine="gds"))
        assert a.keys() == b.keys()
        for node, want in a.items():
            assert math.isclose(b[node], want, rel_tol=tol, abs_tol=1e-12 if tol else 0), (measure, node)


@pytest.mark.parametrize("filters", FILTERS[:2], ids=IDS[:2])
def test_louvain_modularity_within_two_percent(stores: tuple[str, str], filters: Filters) -> None:
    embedded, uri = stores
    a = analytics.communities(embedded, filters, seed=0)
    b = analytics.communities(uri, filters, seed=0, engine="gds")
    assert a.modularity > 0.3
    assert abs(b.modularity - a.modularity) <= 0.02 * a.modularity, (b.modularity, a.modularity)
    listed = [m for c in b.communities for m in c.members]
    assert len(listed) == len(set(listed)) and b.communities


def test_the_projection_is_dropped(stores: tuple[str, str]) -> None:
    from relgraph.store import open_store

    _, uri = stores
    analytics.centrality(uri, Filters(), measure="degree", engine="gds")
    with pytest.raises(UsageError):
        analytics.centrality(uri, Filters(), measure="eigenvector", engine="gds")
    with open_store(uri, read_only=True) as st:
        assert st.run("CALL gds.graph.list() YIELD graphName RETURN count(*)")[1] == [[0]]


def test_what_gds_does_not_do_is_refused_clearly(stores: tuple[str, str]) -> None:
    embedded, uri = stores
    cases = [
        (lambda: analytics.centrality(embedded, Filters(), engine="gds"), "needs a Neo4j store"),
        (lambda: analytics.brokers(uri, Filters(), engine="gds"), "brokers.*no Graph Data Science"),
        (lambda: analytics.changes(["2000", "2024"], uri, Filters(), engine="gds"), "--changes"),
        (lambda: analytics.centrality(uri, Filters(), engine="igraph"), "unknown engine"),
        (lambda: analytics.centrality(uri, Filters(), measure="eigenvector", engine="gds"), "eigenvector"),
        (lambda: analytics.centrality(uri, Filters(), measure="closeness", weighted=True, engine="gds"),
         "unweighted"),
        (lambda: analytics.communities(uri, Filters(), resolution=2.0, engine="gds"), "resolution"),
    ]
    for call, words in cases:
        with pytest.raises(UsageError, match=words):
            call()


def test_the_projection_is_dropped_after_an_error_inside_it(stores: tuple[str, str]) -> None:
    from relgraph.store import open_store

    _, uri = stores
    # Kim Jong Un was born in 1984: the 1974 projection exists when the lookup fails.
    with pytest.raises(UsageError, match="not in the graph under these filters"):
        analytics.path("Kim Jong Un", "Russia", uri, Filters.parse(as_of="1974-07-01", types="State,Person"),
                       engine="gds")
    with open_store(uri, read_only=True) as st:
        assert st.run("CALL gds.graph.list() YIELD graphName RETURN count(*)")[1] == [[0]]


def test_the_memory_estimate_is_reported_before_a_big_run(stores: tuple[str, str]) -> None:
    _, uri = stores
    said: list[str] = []
    analytics.centrality(uri, Filters(), measure="pagerank", engine="gds", notice=said.append)
    assert said == []  # the bundled graph is small: nothing to say
    for measure in ("degree", "pagerank", "betweenness", "closeness"):
        gds.centrality(uri, Filters(), measure=measure, notice=said.append, estimate_from=0)
    gds.communities(uri, Filters(), notice=said.append, estimate_from=0)
    assert len(said) == 5
    estimated = [m for m in said if "closeness" not in m]
    assert all(re.search(r"on \d+ nodes and \d+ ties: memory estimate \[?\d+(\.\d+)? (Bytes|[KMGT]iB)", m)
               for m in estimated) and len(estimated) == 4, said
    assert "no memory estimate" in next(m for m in said if "closeness" in m)


ENDS = ["Vladimir Putin", "Kim Jong Un", "Rajin port", "Sergei Shoigu", "China",
        "project:rajin-khasan-railway", "project:tumen-road-bridge", "Kim Il Sung"]


def _ends(embedded: str, filters: Filters) -> list[tuple[str, str]]:
    """Pairs of the names above that both engines keep under ``filters``."""
    kept = []
    for name in ENDS:
        try:
            analytics.ego(name, embedded, filters)
        except UsageError:
            continue
        kept.append(name)
    return [(a, b) for i, a in enumerate(kept) for b in kept[i + 1:]]


def _hop_rows(report: Any) -> list[list[Any]]:
    return [row[1:] for row in report.rows()]  # without the path number


@pytest.mark.parametrize("filters", [FILTERS[0], FILTERS[1], FILTERS[5], FILTERS[7]],
                         ids=[IDS[0], IDS[1], IDS[5], IDS[7]])
def test_paths_have_the_same_length_and_hops(stores: tuple[str, str], filters: Filters) -> None:
    from relgraph.analytics.paths import hops
    from relgraph.analytics.project import read_store, select

    embedded, uri = stores
    H = select(read_store(embedded), filters)  # whole records: GDS's hops carry every property
    pairs = _ends(embedded, filters)
    assert len(pairs) >= 3
    for a, b in pairs:
        want = analytics.path(a, b, embedded, filters)
        got = analytics.path(a, b, uri, filters, engine="gds")
        assert [p.length for p in got.paths] == [p.length for p in want.paths], (a, b)
        assert (got.source, got.target, got.source_name, got.target_name) == (
            want.source, want.target, want.source_name, want.target_name)
        for p in got.paths:  # GDS's path may be another of the shortest: its hops as networkx reads them
            expected = hops(H, p.nodes)
            assert [(h.step, h.source, h.target, h.type, h.direction, h.props) for h in p.hops] == [
                (h.step, h.source, h.target, h.type, h.direction, h.props) for h in expected]
        cited = {d for p in got.paths for h in p.hops for d in (h.props.get("sourceDocs") or [])}
        assert cited <= set(got.documents)
        assert all("title" in got.documents[d] or "name" in got.documents[d] for d in cited)


@pytest.mark.parametrize("filters", [FILTERS[0], FILTERS[2], FILTERS[5]], ids=[IDS[0], IDS[2], IDS[5]])
def test_all_shortest_paths_are_the_same_paths(stores: tuple[str, str], filters: Filters) -> None:
    embedded, uri = stores
    for a, b in _ends(embedded, filters):
        want = analytics.path(a, b, embedded, filters, all_paths=True)
        got = analytics.path(a, b, uri, filters, all_paths=True, engine="gds")
        assert (got.rows(), got.truncated, got.documents.keys()) == (
            want.rows(), want.truncated, want.documents.keys()), (a, b)
    # Cut short: as many paths as asked for, and said so.
    want = analytics.path("Vladimir Putin", "Kim Il Sung", embedded, filters, all_paths=True)
    if len(want.paths) > 1:
        got = analytics.path("Vladimir Putin", "Kim Il Sung", uri, filters, all_paths=True, limit=1,
                             engine="gds")
        assert len(got.paths) == 1 and got.truncated


def test_no_path_and_max_hops(stores: tuple[str, str]) -> None:
    embedded, uri = stores
    f = Filters.parse(types="State,Person,CITIZEN_OF")
    for kw in ({}, {"max_hops": 1}, {"all_paths": True, "max_hops": 1}):
        want = analytics.path("Vladimir Putin", "Kim Jong Un", embedded, f, **kw)
        got = analytics.path("Vladimir Putin", "Kim Jong Un", uri, f, engine="gds", **kw)
        assert got.rows() == want.rows(), kw
    assert analytics.path("Vladimir Putin", "Kim Jong Un", uri, f, max_hops=1, engine="gds").paths == []
    with pytest.raises(UsageError, match="same node"):
        analytics.path("Putin", "Vladimir Putin", uri, engine="gds")


@pytest.mark.parametrize("filters", FILTERS, ids=IDS)
@pytest.mark.parametrize("depth", [1, 2])
def test_ego_networks_are_the_same(stores: tuple[str, str], filters: Filters, depth: int) -> None:
    embedded, uri = stores
    for name in ("Kim Jong Un", "Rajin port", "DPRK"):
        try:
            want = analytics.ego(name, embedded, filters, depth=depth)
        except UsageError as e:
            with pytest.raises(UsageError, match="not in the graph"):
                analytics.ego(name, uri, filters, depth=depth, engine="gds")
            assert "not in the graph" in str(e)
            continue
        got = analytics.ego(name, uri, filters, depth=depth, engine="gds")
        assert (got.center, got.center_name, got.relationships, got.rows()) == (
            want.center, want.center_name, want.relationships, want.rows()), name


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


@pytest.mark.parametrize("filters", [FILTERS[0], FILTERS[3], FILTERS[5], FILTERS[6]],
                         ids=[IDS[0], IDS[3], IDS[5], IDS[6]])
@pytest.mark.parametrize("measure", ["degree", "betweenness"])
def test_compare_is_the_same(stores: tuple[str, str], filters: Filters, measure: str) -> None:
    embedded, uri = stores
    dates = ["2000-01-01", "2024-06"]
    for node in (None, "Kim Jong Un", "Rajin port"):
        try:
            want = analytics.compare(dates, embedded, filters, node=node, measure=measure, top=5)
        except UsageError as e:  # the node is in neither snapshot: the same refusal
            assert "in neither snapshot" in str(e)
            with pytest.raises(UsageError, match="in neither snapshot"):
                analytics.compare(dates, uri, filters, node=node, measure=measure, top=5, engine="gds")
            continue
        got = analytics.compare(dates, uri, filters, node=node, measure=measure, top=5, engine="gds")
        assert got.named_columns() == want.named_columns()
        assert len(got.rows()) == len(want.rows())
        for g, w in zip(got.rows(), want.rows(), strict=True):
            if g[0].startswith("top "):  # equal scores may list in another order: compare the scores
                assert [c.rpartition(" (")[2] for c in g[1:3]] == [c.rpartition(" (")[2] for c in w[1:3]]
            else:
                assert all(_same(x, y) for x, y in zip(g, w, strict=True)), (g, w)


def _rounded(x: Any) -> Any:
    """Floats to 9 significant digits (the engines add up in another order), all else as is."""
    if isinstance(x, float):
        return float(f"{x:.9g}")
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    return x


def test_the_cli_gives_the_same_output_with_either_engine(stores: tuple[str, str], neo4j: Neo4jTarget,
                                                         cli: Any) -> None:
    import json

    embedded, uri = stores
    env = neo4j.env()
    for args in (["centrality", "--measure", "betweenness", "--top", "5", "--as-of", "2024-06-30"],
                 ["path", "Sergei Lavrov", "Rajin port", "--all"],
                 ["ego", "Kim Jong Un", "--fold"],
                 ["compare", "--as-of", "2000", "--as-of", "2024-06", "--node", "Kim Jong Un"]):
        want = cli("analyze", *args, "--format", "json", "--store", embedded)
        got = cli("analyze", *args, "--format", "json", "--store", uri, "--engine", "gds", env=env)
        assert (want.exit_code, got.exit_code) == (0, 0), (args, want.stderr, got.stderr)
        ours, theirs = _rounded(json.loads(got.stdout)), _rounded(json.loads(want.stdout))
        if args[0] == "path":  # the same shortest paths, numbered in another order
            ours, theirs = (sorted(({k: v for k, v in r.items() if k != "path"} for r in rows), key=repr)
                            for rows in (ours, theirs))
        assert ours == theirs and ours, args
    # GDS's memory estimate goes to stderr, above the rows: nothing to say on a small graph.
    assert got.stderr == ""
    refused = cli("analyze", "brokers", "--store", uri, "--engine", "gds", env=env)
    embedded_store = cli("analyze", "centrality", "--store", embedded, "--engine", "gds")
    assert refused.exit_code == embedded_store.exit_code != 0
    assert "no Graph Data Science counterpart" in refused.stderr and "Traceback" not in refused.stderr
    assert "needs a Neo4j store" in embedded_store.stderr
