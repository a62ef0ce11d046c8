"""``--engine gds`` against networkx on the benchmarks' generated 10k graph.

The bundled dataset is checked measure by measure and filter by filter in
test_gds.py; this graph is bigger and shaped differently (3,155 nodes, 9,206
ties, skewed participation, one component), and the same tolerances hold:
degree exactly, PageRank and closeness to 1e-4 relative, exact betweenness to
1e-9, Louvain's modularity within 2 % of networkx's, shortest paths of the same
length.
"""

from __future__ import annotations

import math
import random

import pytest
from conftest import Neo4jTarget

from benchmarks.generate import Spec, generate
from relgraph import api
from relgraph.analytics import api as analytics
from relgraph.analytics import measures
from relgraph.analytics.project import Filters, simple

pytestmark = pytest.mark.neo4j

FILTERS = [Filters(), Filters.parse(as_of="2015-06-30", statuses="confirmed,reported")]
IDS = ["all", "as-of-status"]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, neo4j: Neo4jTarget) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("generated10k")
    generate(folder / "data", Spec.for_size(10_000))
    embedded = str(folder / "relgraph.db")
    api.load([folder / "data"], store=embedded)
    uri = neo4j.empty()
    api.load([folder / "data"], store=uri)
    return embedded, uri


def _scores(r: measures.Ranking) -> dict[str, float]:
    return {s.id: s.score for s in r.scores}


@pytest.mark.parametrize("filters", FILTERS, ids=IDS)
@pytest.mark.parametrize("measure", ["degree", "pagerank", "closeness"])
def test_centrality_agrees_with_networkx(stores: tuple[str, str], filters: Filters, measure: str) -> None:
    embedded, uri = stores
    # networkx's closeness samples sources above 2,000 nodes unless k covers every node; GDS's
    # is exact.
    every = {"k": 10**9} if measure == "closeness" else {}
    want = analytics.centrality(embedded, filters, measure=measure, **every)
    assert want.sampled is None
    got = analytics.centrality(uri, filters, measure=measure, engine="gds")
    assert (got.nodes, got.ties) == (want.nodes, want.ties)
    assert want.nodes > 1000
    ours, theirs = _scores(got), _scores(want)
    assert ours.keys() == theirs.keys()
    tol = {"degree": 0.0, "pagerank": 1e-4, "closeness": 1e-4}[measure]
    for node, w in theirs.items():
        assert math.isclose(ours[node], w, rel_tol=tol, abs_tol=1e-12 if tol else 0), (node, w, ours[node])


def test_exact_betweenness_agrees_with_networkx(stores: tuple[str, str]) -> None:
    # networkx samples sources above 2,000 nodes unless asked for all of them (k = n);
    # GDS's default is exact.
    embedded, uri = stores
    G = analytics.graph(embedded, Filters())
    n = simple(G).number_of_nodes()
    want = measures.centrality(G, "betweenness", k=n)
    assert want.sampled is None
    got = analytics.centrality(uri, Filters(), measure="betweenness", engine="gds")
    ours, theirs = _scores(got), _scores(want)
    assert ours.keys() == theirs.keys() and len(ours) == n
    for node, w in theirs.items():
        assert math.isclose(ours[node], w, rel_tol=1e-9, abs_tol=1e-12), (node, w, ours[node])


@pytest.mark.parametrize("filters", FILTERS, ids=IDS)
def test_louvain_modularity_within_two_percent(stores: tuple[str, str], filters: Filters) -> None:
    embedded, uri = stores
    a = analytics.communities(embedded, filters, seed=0)
    b = analytics.communities(uri, filters, seed=0, engine="gds")
    assert a.modularity > 0.2
    assert abs(b.modularity - a.modularity) <= 0.02 * a.modularity, (b.modularity, a.modularity)


def test_shortest_paths_have_the_same_length(stores: tuple[str, str]) -> None:
    embedded, uri = stores
    ranked = analytics.centrality(embedded, Filters()).scores
    rnd = random.Random(7)
    # Hubs, the least connected, and some in between: short and long paths.
    ends = [s.id for s in ranked[:3] + ranked[-3:] + rnd.sample(ranked, 6)]
    pairs = [(a, b) for i, a in enumerate(ends) for b in ends[i + 1:] if a != b][:20]
    lengths = set()
    for a, b in pairs:
        want = analytics.path(a, b, embedded)
        got = analytics.path(a, b, uri, engine="gds")
        assert [p.length for p in got.paths] == [p.length for p in want.paths], (a, b)
        assert got.paths[0].nodes[0] == a and got.paths[0].nodes[-1] == b
        lengths.add(want.paths[0].length)
    assert len(lengths) >= 2  # not all of one length
