"""Area "gds": ``analyze --engine gds`` (Graph Data Science inside Neo4j) beside networkx and igraph.

The server is the test suite's (``docker/neo4j/server.py``, Neo4j 5.26 with
OpenGDS 2.13.9), started here with a 12 GB heap (the load's one transaction,
the projection and the algorithms live in it), or the one ``NEO4J_URI``
names; it is emptied and the generated files are loaded into it first
(untimed; the time is in the notes).
Each figure is one analysis as an analyst runs it, from the store to the
ranked answer in Python, all three engines in the same run:

- **GDS**: :func:`relgraph.analytics.api.centrality` /
  :func:`~relgraph.analytics.api.communities` with ``engine="gds"``: the Cypher
  projection of the filtered graph, the algorithm, streaming the scores back,
  dropping the projection.
- **networkx** (the reference): the store projected into networkx
  (:func:`relgraph.analytics.project.project`), the undirected simple view, the
  algorithm.
- **igraph**: the same projection and view, an igraph graph built from it, the
  algorithm.

The store's projection into networkx is timed once per repeat and counted in
both the networkx and the igraph figure; "GDS projection" shows the
projection inside Neo4j alone beside it. Betweenness samples the same number
of sources in all three (500; 100 over 50,000 nodes; each engine draws its own
sample), PageRank runs to the same tolerance (1e-10, at most 1,000
iterations), Louvain at resolution 1. One GDS degree run before the figures
is not timed (the JVM's first run of a code path is slower). Closeness is left out: exact closeness is
all-pairs and networkx's takes hours at these sizes.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.generate import Generated
from benchmarks.harness import Figure, Run, timed

HEAP = "12g"
PAGE_CACHE = "2g"
# relgraph's load is one transaction; at 1M relationships it needs more than the default
# cap (70 % of the heap: 4.2 GB of a 6 GB heap was not enough).
SETTINGS = {"dbms.memory.transaction.total.max": "0"}  # no cap but the heap


def _igraph_view(U: Any) -> tuple[Any, list[Any]]:
    import igraph as ig

    nodes = list(U)
    index = {n: i for i, n in enumerate(nodes)}
    edges = list(U.edges(data="weight", default=1))
    G = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v, _ in edges], directed=False)
    G.es["weight"] = [w for _, _, w in edges]
    return G, nodes


def _igraph(measure: str, U: Any, k: int) -> Any:
    import random

    G, nodes = _igraph_view(U)
    if measure == "degree":
        return G.degree()
    if measure == "pagerank":
        return G.pagerank(damping=0.85)
    if measure == "betweenness":
        sources = random.Random(0).sample(range(len(nodes)), min(k, len(nodes)))
        return G.betweenness(sources=sources, directed=False)
    return G.community_multilevel(weights="weight").modularity  # weighted, as relgraph's Louvain


def _networkx(measure: str, U: Any, k: int) -> Any:
    from relgraph.analytics.measures import communities, scores

    if measure == "louvain":
        return communities(U, seed=0).modularity
    return scores(U, measure, k=min(k, len(U) - 1) if measure == "betweenness" else None, seed=0)


def _gds(measure: str, uri: str, k: int, said: list[str]) -> Any:
    from relgraph.analytics import api as analytics

    if measure == "louvain":
        return analytics.communities(uri, seed=0, engine="gds", notice=said.append).modularity
    return analytics.centrality(uri, measure=measure, k=k if measure == "betweenness" else None,
                                engine="gds", notice=said.append)


MEASURES = ("degree", "pagerank", "betweenness", "louvain")


def run(bench: Run, store: str, g: Generated, work: Path, *, repeats: int) -> None:
    from benchmarks.in_neo4j import _empty, neo4j_server
    from relgraph import api
    from relgraph.analytics import gds
    from relgraph.analytics.project import Filters, project, select, simple
    from relgraph.store import open_store

    with neo4j_server(work, heap=HEAP, page_cache=PAGE_CACHE, settings=SETTINGS) as (uri, _password, server):
        bench.settings["gds"] = {"uri": uri, "started_here": server is not None, "heap": HEAP,
                                 "page_cache": PAGE_CACHE}
        with open_store(uri) as st:
            _empty(st)
        load_s, _ = timed(lambda: api.load(g.files, store=uri))
        print(f"gds: loaded into Neo4j in {load_s:.0f} s", file=sys.stderr, flush=True)

        proj_nx: list[float] = []
        proj_gds: list[float] = []
        U = None
        for _ in range(repeats):
            def networkx_view() -> Any:
                with open_store(store, read_only=True) as emb:
                    return simple(select(project(emb)))

            s, U = timed(networkx_view)
            proj_nx.append(s)

            def in_gds() -> int:
                with open_store(uri, read_only=True) as neo, gds.projected(neo, Filters()) as p:
                    return p.ties

            s, ties = timed(in_gds)
            proj_gds.append(s)
        assert U is not None
        n, m = U.number_of_nodes(), U.number_of_edges()
        assert ties == m, (ties, m)  # the same graph on both sides
        f = bench.add(Figure("gds", "GDS projection of the graph (Cypher projection)", "s", proj_gds,
                             "networkx projection (store -> simple view)", proj_nx))
        f.note = f"{n:,} nodes, {m:,} ties; loading Neo4j took {load_s:.0f} s (untimed)"
        k = 500 if n <= 50_000 else 100
        _gds("degree", uri, k, [])  # untimed: the JVM compiles GDS's code paths on first use
        for measure in MEASURES:
            ours: list[float] = []
            nx_s: list[float] = []
            ig_s: list[float] = []
            said: list[str] = []
            # Betweenness from sampled sources takes minutes at 1M: once is enough there.
            times = 1 if measure == "betweenness" and n > 50_000 else repeats
            for i in range(times):
                start = time.perf_counter()
                _gds(measure, uri, k, said)
                ours.append(time.perf_counter() - start)
                nx_s.append(proj_nx[i] + timed(lambda measure=measure: _networkx(measure, U, k))[0])
                ig_s.append(proj_nx[i] + timed(lambda measure=measure: _igraph(measure, U, k))[0])
                print(f"gds: {measure} {ours[-1]:.1f} s, networkx {nx_s[-1]:.1f} s, igraph {ig_s[-1]:.1f} s",
                      file=sys.stderr, flush=True)
            what = f"{measure}, {k} sampled sources" if measure == "betweenness" else measure
            note = f"{n:,} nodes, {m:,} ties" + (f"; {said[0]}" if said else "")
            bench.add(Figure("gds", f"{what}: GDS (project + run + stream)", "s", ours,
                             "networkx (project + run)", nx_s, note=note))
            bench.add(Figure("gds", f"{what}: igraph (project + build + run)", "s", ig_s,
                             "networkx (project + run)", nx_s, note=note))
