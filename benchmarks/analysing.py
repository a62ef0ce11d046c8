"""Area 3, analytics: the projection into networkx, PageRank and betweenness against igraph.

- **projection**: :func:`relgraph.analytics.project` reading the whole store into
  a networkx MultiDiGraph, against the store's own scan of the same rows
  (``iter_nodes`` / ``iter_relationships``, no graph built).
- **simple view**: :func:`~relgraph.analytics.project.read_simple`, the undirected
  simple view read straight from the store (what centrality, communities and brokers
  read), against the projection followed by ``simple()``.
- **PageRank**: relgraph's :func:`~relgraph.analytics.measures.pagerank` on
  read_simple's graph, whose ties come as arrays with it (what ``relgraph analyze
  centrality --measure pagerank`` computes), against python-igraph's ``pagerank``
  on the same graph (built beforehand, untimed; the build is reported in the
  note). Target: within 3 times igraph's time.
- **sampled betweenness**: relgraph's ``betweenness(k=K)`` (what ``--measure
  betweenness`` runs on graphs over 2,000 nodes: igraph's counts scaled as networkx
  scales them, where igraph is installed), and networkx's own
  ``betweenness_centrality(k=K)`` up to 50,000 nodes (hours beyond), against
  igraph's ``betweenness(sources=...)`` from the same K sources.
- **exact betweenness** at the 10k size (and below): wall time, relgraph, networkx and igraph.
- **end to end**: each ``relgraph analyze`` command as an analyst runs it, a fresh
  process from start to exit (imports, opening the store, the projection, the
  algorithm, the printed answer): wall time and peak resident memory. Target at
  every size: 15 s and 2 GB. A command still running at ``--cli-timeout`` is
  killed and shown as such.

The graph is what ``relgraph analyze`` sees by default: every node type but
Documents, every relationship.
"""

from __future__ import annotations

import gc
import random
import sys
from pathlib import Path
from typing import Any

from benchmarks.harness import Figure, Run, command_figure, run_process, timed

PAGERANK_LIMIT = 3.0  # times igraph's


def commands(samples: dict[str, list[str]]) -> list[list[str]]:
    """Every ``relgraph analyze`` command, with the generated graph's busiest nodes."""
    person, other, state = samples["persons"][0], samples["persons"][1], samples["states"][1]
    return [
        ["centrality", "--measure", "degree", "--top", "10"],
        ["centrality", "--measure", "pagerank", "--top", "10"],
        ["centrality", "--measure", "eigenvector", "--top", "10"],
        ["centrality", "--measure", "pagerank", "--top", "10", "--as-of", "2015"],
        ["centrality", "--measure", "pagerank", "--top", "10", "--fold"],
        ["centrality", "--measure", "betweenness", "--top", "10"],
        ["centrality", "--measure", "closeness", "--top", "10"],
        ["communities"],
        ["brokers"],
        ["ego", person],
        ["path", person, state],
        ["path", person, other, "--all"],
        ["compare", "--as-of", "2010", "--as-of", "2020"],
        ["compare", "--as-of", "2019", "--as-of", "2020", "--changes"],
    ]


def end_to_end(bench: Run, store: str, samples: dict[str, list[str]], *, timeout: float) -> None:
    from benchmarks.startup import relgraph_command

    exe = relgraph_command()[:-1]  # without --help
    for argv in commands(samples):
        p = run_process([*exe, "analyze", *argv, "--store", store], timeout=timeout)
        shown = " ".join(a if " " not in a else repr(a) for a in argv)
        bench.add(command_figure("analytics", f"relgraph analyze {shown}", p, timeout=timeout))


def _igraph(U: Any) -> tuple[Any, dict[Any, int]]:
    import igraph as ig

    index = {n: i for i, n in enumerate(U)}
    G = ig.Graph(n=len(index), edges=[(index[u], index[v]) for u, v in U.edges()], directed=False)
    return G, index


def run(bench: Run, store: str, work: Path, *, repeats: int, samples: dict[str, list[str]],
        cli_timeout: float = 300.0) -> None:
    import networkx as nx

    from relgraph.analytics.measures import _workers, betweenness, pagerank
    from relgraph.analytics.project import (
        NODE_FIELDS,
        Filters,
        project,
        read_for,
        read_simple,
        simple,
        type_sets,
    )
    from relgraph.store import open_store

    end_to_end(bench, store, samples, timeout=cli_timeout)

    # As `relgraph analyze centrality` reads the store (no filter but the default types),
    # and whole records (what a notebook's read_store() gives).
    nodes, rels = type_sets([])
    lean: dict[str, Any] = {"node_types": nodes, "rel_types": rels, "node_fields": NODE_FIELDS,
                            "rel_fields": ()}
    for label, how in (("as analyze reads it (types kept, some properties)", lean),
                       ("whole records", {})):
        proj, scan = [], []
        G = None
        for _ in range(repeats):
            with open_store(store, read_only=True) as st:
                s, _ = timed(lambda st=st, how=how: (
                    sum(1 for _ in st.iter_nodes(how.get("node_types"), how.get("node_fields"))),
                    sum(1 for _ in st.iter_relationships(how.get("rel_types"), how.get("rel_fields")))))
                scan.append(s)
            with open_store(store, read_only=True) as st:
                gc.disable()  # as relgraph.analytics.api does
                try:
                    s, G = timed(lambda st=st, how=how: project(st, **how))
                finally:
                    gc.enable()
                proj.append(s)
        assert G is not None
        f = bench.add(Figure("analytics", f"project into networkx, {label}", "s", proj,
                             "store scan of the same rows and properties", scan))
        f.note = f"{G.number_of_nodes():,} nodes, {G.number_of_edges():,} relationships"
    # The simple view the measures run on, read straight from the store as `analyze` reads it
    # (read_simple), against the projection and simple() it replaced.
    straight, through = [], []
    U = None
    for _ in range(repeats):
        gc.disable()
        try:
            s, U = timed(lambda: read_simple(store))
            straight.append(s)
            s, _ = timed(lambda: simple(read_for(store, Filters())))
            through.append(s)
        finally:
            gc.enable()
        gc.collect()  # the graph just dropped holds cycles: freed here, untimed, not in igraph's build
    assert U is not None
    bench.add(Figure("analytics", "simple view read straight (read_simple), as measures read it", "s",
                     straight, "projection, then simple()", through,
                     note="centrality, communities and brokers under type filters and --fold"))
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
              f"building the igraph graph took {build:.2f} s (untimed; relgraph's arrays come with "
              "read_simple's graph)")

    k = 500 if n <= 50_000 else 100
    sources = random.Random(0).sample(list(U), min(k, n))
    ours_bt: list[float] = []
    nx_bt: list[float] = []
    ig_bt: list[float] = []
    Gi.betweenness(sources=[index[v] for v in sources[:2]], directed=False)
    for _ in range(1 if n > 50_000 else repeats):
        s, _ = timed(lambda: betweenness(U, k=min(k, n - 1), seed=0))
        ours_bt.append(s)
        if n <= 50_000:
            s, _ = timed(lambda: nx.betweenness_centrality(U, k=min(k, n - 1), seed=0))
            nx_bt.append(s)
        s, _ = timed(lambda: Gi.betweenness(sources=[index[v] for v in sources], directed=False))
        ig_bt.append(s)
    workers = _workers(min(k, n - 1) * m)
    bench.add(Figure("analytics", f"betweenness, {k} sampled sources (relgraph)", "s", ours_bt,
                     f"igraph, {k} sources", ig_bt,
                     note=f"{n:,} nodes, {m:,} ties; relgraph counted in {workers} process"
                          f"{'es (one per CPU, forked)' if workers > 1 else ''}, igraph in one"))
    if nx_bt:
        bench.add(Figure("analytics", f"betweenness, {k} sampled sources (networkx)", "s", nx_bt,
                         f"igraph, {k} sources", ig_bt, note=f"{n:,} nodes, {m:,} ties"))

    if bench.size <= 10_000:
        s_ours, _ = timed(lambda: betweenness(U))
        s_nx, _ = timed(lambda: nx.betweenness_centrality(U))
        s_ig, _ = timed(lambda: Gi.betweenness(directed=False))
        bench.add(Figure("analytics", "betweenness, exact (relgraph)", "s", [s_ours], "igraph, exact", [s_ig],
                         note=f"{n:,} nodes, {m:,} ties"))
        bench.add(Figure("analytics", "betweenness, exact (networkx)", "s", [s_nx], "igraph, exact", [s_ig],
                         note=f"{n:,} nodes, {m:,} ties"))
