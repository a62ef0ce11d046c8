"""Area 3, analytics: the projection into networkx, PageRank and betweenness against igraph.

- **projection**: :func:`relgraph.analytics.project` reading the whole store into
  a networkx MultiDiGraph, against the store's own scan of the same rows
  (``iter_nodes`` / ``iter_relationships``, no graph built).
- **PageRank**: relgraph's :func:`~relgraph.analytics.measures.pagerank` on the
  undirected simple view (what ``relgraph analyze centrality --measure
  pagerank`` computes), against python-igraph's ``pagerank`` on the same graph
  (built beforehand, untimed; the build is reported in the note). Target:
  within 3 times igraph's time.
- **sampled betweenness**: networkx's ``betweenness_centrality(k=K)`` (what
  ``--measure betweenness`` runs on graphs over 2,000 nodes) against igraph's
  ``betweenness(sources=...)`` from the same K sources.
- **exact betweenness** at the 10k size (and below): wall time, networkx and igraph.

The graph is what ``relgraph analyze`` sees by default: every node type but
Documents, every relationship.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

from benchmarks.harness import Figure, Run, timed

PAGERANK_LIMIT = 3.0  # times igraph's


def _igraph(U: Any) -> tuple[Any, dict[Any, int]]:
    import igraph as ig

    index = {n: i for i, n in enumerate(U)}
    G = ig.Graph(n=len(index), edges=[(index[u], index[v]) for u, v in U.edges()], directed=False)
    return G, index


def run(bench: Run, store: str, work: Path, *, repeats: int) -> None:
    from relgraph.analytics.measures import pagerank, scores
    from relgraph.analytics.project import project, select, simple
    from relgraph.store import open_store

    proj, scan = [], []
    G = None
    for _ in range(repeats):
        with open_store(store, read_only=True) as st:
            s, _ = timed(lambda st=st: (sum(1 for _ in st.iter_nodes()),
                                        sum(1 for _ in st.iter_relationships())))
            scan.append(s)
        with open_store(store, read_only=True) as st:
            s, G = timed(lambda st=st: project(st))
            proj.append(s)
    assert G is not None
    f = bench.add(Figure("analytics", "project the store into networkx", "s", proj,
                         "store scan of the same rows", scan))
    f.note = f"{G.number_of_nodes():,} nodes, {G.number_of_edges():,} relationships"
    U = simple(select(G))
    build, (Gi, index) = timed(lambda: _igraph(U))
    n, m = U.number_of_nodes(), U.number_of_edges()
    print(f"analytics: simple view {n:,} nodes, {m:,} ties; igraph build {build:.2f} s", file=sys.stderr)

    ours: list[float] = []
    theirs: list[float] = []
    pr: dict[Any, float] = {}
    pri: list[float] = []
    pagerank(U)
    Gi.pagerank(damping=0.85)  # igraph's first call pays a one-off set-up (~0.4 s)
    for _ in range(max(7, repeats)):
        s, pr = timed(lambda: pagerank(U))
        ours.append(s)
        s, pri = timed(lambda: Gi.pagerank(damping=0.85))
        theirs.append(s)
    top = sorted(pr, key=pr.__getitem__, reverse=True)[:10]
    top_i = sorted(index, key=lambda v: pri[index[v]], reverse=True)[:10]
    diff = max(abs(pr[v] - pri[index[v]]) for v in U)
    f = bench.add(Figure("analytics", "PageRank (relgraph)", "s", ours, "igraph pagerank", theirs,
                         target=f"<= {PAGERANK_LIMIT:.0f}x igraph"))
    f.met = f.ratio is not None and f.ratio <= PAGERANK_LIMIT
    f.note = (f"{n:,} nodes, {m:,} ties; largest score difference {diff:.1e}; same top 10: {top == top_i}; "
              f"building the igraph graph took {build:.2f} s (untimed)")

    k = 500 if n <= 50_000 else 100
    sources = random.Random(0).sample(list(U), min(k, n))
    nx_bt: list[float] = []
    ig_bt: list[float] = []
    Gi.betweenness(sources=[index[v] for v in sources[:2]], directed=False)
    for _ in range(1 if n > 50_000 else repeats):
        s, _ = timed(lambda: scores(U, "betweenness", k=min(k, n - 1), seed=0))
        nx_bt.append(s)
        s, _ = timed(lambda: Gi.betweenness(sources=[index[v] for v in sources], directed=False))
        ig_bt.append(s)
    bench.add(Figure("analytics", f"betweenness, {k} sampled sources (networkx)", "s", nx_bt,
                     f"igraph, {k} sources", ig_bt, note=f"{n:,} nodes, {m:,} ties"))

    if bench.size <= 10_000:
        s_nx, _ = timed(lambda: scores(U, "betweenness"))
        s_ig, _ = timed(lambda: Gi.betweenness(directed=False))
        bench.add(Figure("analytics", "betweenness, exact (networkx)", "s", [s_nx], "igraph, exact", [s_ig],
                         note=f"{n:,} nodes, {m:,} ties"))
