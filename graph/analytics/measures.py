"""Centrality and communities: pure functions over networkx graphs.

Every measure runs on the undirected simple view of the graph
(:func:`~relgraph.analytics.project.simple`): one tie per pair of nodes,
whatever the number or direction of relationships between them. With
``weighted=True`` a tie counts by its weight (the number of relationships, or
of shared facts after folding): degree becomes the number of relationships,
eigenvector and PageRank use the weight, and betweenness and closeness use
1 / weight as the length of a tie.
"""

from __future__ import annotations

import heapq
import math
import os
import random
import sys
import threading
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, ClassVar

import networkx as nx

from relgraph.analytics import MEASURES, louvain
from relgraph.analytics.project import TIES, label, simple
from relgraph.errors import UsageError

EXACT_BETWEENNESS_UP_TO = 2_000  # nodes; larger graphs sample DEFAULT_SAMPLES sources
DEFAULT_SAMPLES = 500
SAMPLED = ("betweenness", "closeness")  # the measures computed from sampled sources on big graphs
_TIE = 1e-9  # scores closer than this share a rank
_SPLIT_FROM = 20_000_000  # sources x ties: below about a second of igraph, one process


@dataclass
class Score:
    rank: int
    id: Any
    name: str
    type: str
    score: float


@dataclass
class Ranking:
    """Nodes ranked by a centrality measure; equal scores share a rank (1, 2, 2, 4)."""

    measure: str
    scores: list[Score]
    nodes: int
    ties: int
    weighted: bool
    sampled: int | None = None
    seed: int | None = None
    columns: ClassVar[list[str]] = ["rank", "name", "type", "score", "id"]

    def rows(self) -> list[list[Any]]:
        return [[s.rank, s.name, s.type, s.score, s.id] for s in self.scores]


def rank(G: nx.Graph, values: Mapping[Any, float], top: int | None = None) -> list[Score]:
    """Nodes sorted by value (then name), with competition ranks.

    >>> G = nx.path_graph(["a", "b", "c"])
    >>> [(s.rank, s.id) for s in rank(G, {"a": 1.0, "b": 2.0, "c": 1.0})]
    [(1, 'b'), (2, 'a'), (2, 'c')]
    """
    def key(n: Any) -> tuple[float, str, str]:
        return -values[n], label(G, n), str(n)

    candidates: Iterable[Any] = values
    if top is not None and 0 < top < len(values):
        # Only nodes scoring at least the top-th best can be among the first ``top``
        # (a rank counts only those before it): no name is looked up for the rest.
        least = min(heapq.nlargest(top, values.values()))
        candidates = [n for n, v in values.items() if v >= least]
    order = sorted(candidates, key=key)[:top]
    out: list[Score] = []
    for i, n in enumerate(order):
        r = out[-1].rank if out and abs(out[-1].score - values[n]) <= _TIE else i + 1
        out.append(Score(r, n, label(G, n), str(G.nodes[n].get("type", "")), values[n]))
    return out


def _ties(G: nx.Graph, weight: str | None) -> tuple[list[Any], Any, Any, Any]:
    """The nodes of ``G``, and its ties as arrays (source index, target index, weight), each
    undirected tie both ways and a self-loop once (as ``G[v]`` lists it), so that an
    iteration of PageRank or eigenvector centrality is a few vector operations: 20x faster
    than dicts on 200,000 nodes (benchmarks/README.md). A tie without the weight counts 1;
    parallel ties of a multigraph each count (as in networkx).

    A graph :func:`~relgraph.analytics.project.read_simple` made has them already.
    A graph that is not a multigraph is read node by node from its adjacency, the ties in
    the order ``G[v]`` lists them (a fifth of the time of listing ``G.edges()``, which
    tracks the nodes seen to give each undirected tie once).

    >>> nodes, source, target, w = _ties(nx.Graph([("a", "b"), ("b", "b")]), None)
    >>> nodes, source.tolist(), target.tolist(), w.tolist()
    (['a', 'b'], [0, 1, 1], [1, 0, 1], [1.0, 1.0, 1.0])
    """
    import numpy as np

    nodes = list(G)
    kept = getattr(G, "__networkx_cache__", {}).get(TIES)  # read_simple's, unchanged since
    if kept is not None and weight in (None, "weight"):
        source, target, w = kept
        return nodes, source, target, w if weight else np.ones(len(source))
    index = {v: i for i, v in enumerate(nodes)}
    if not G.is_multigraph():
        adj = G._adj  # node -> {neighbour: data}, as G[v] reads it
        counts = np.fromiter(map(len, adj.values()), dtype=np.intp, count=len(nodes))
        arcs = int(counts.sum())
        source = np.repeat(np.arange(len(nodes), dtype=np.intp), counts)
        target = np.fromiter(map(index.__getitem__, chain.from_iterable(adj.values())), dtype=np.intp,
                             count=arcs)
        w = (np.fromiter((d.get(weight, 1) for around in adj.values() for d in around.values()),
                         dtype=float, count=arcs) if weight else np.ones(arcs))
        return nodes, source, target, w
    m = G.number_of_edges()
    ends = np.fromiter(map(index.__getitem__, chain.from_iterable(G.edges())), dtype=np.intp, count=2 * m)
    w = (np.fromiter((d for _, _, d in G.edges(data=weight, default=1)), dtype=float, count=m)
         if weight else np.ones(m))
    source, target = ends[0::2], ends[1::2]
    if not G.is_directed():
        other = source != target
        source, target, w = (np.concatenate([source, target[other]]), np.concatenate([target, source[other]]),
                             np.concatenate([w, w[other]]))
    return nodes, source, target, w


def pagerank(G: nx.Graph, *, alpha: float = 0.85, weight: str | None = None,
             tol: float = 1e-12, max_iter: int = 1000) -> dict[Any, float]:
    """PageRank of an undirected graph by power iteration (networkx's own needs scipy).

    Each node passes its score to its neighbours in proportion to the tie
    weights; isolated nodes spread theirs evenly. Scores sum to 1.

    A star with three leaves: the centre c and each leaf l satisfy
    c = 0.15/4 + 0.85 * 3l and l = 0.15/4 + 0.85 * c/3, so c = 0.133125/0.2775
    and l = (1 - c)/3.

    >>> pr = pagerank(nx.star_graph(3))
    >>> c = 0.133125 / 0.2775
    >>> abs(pr[0] - c) < 1e-9, abs(pr[1] - (1 - c) / 3) < 1e-9
    (True, True)
    >>> pagerank(nx.empty_graph(0)), pagerank(nx.empty_graph(1)), pagerank(nx.empty_graph(2))
    ({}, {0: 1.0}, {0: 0.5, 1: 0.5})
    """
    import numpy as np

    n = len(G)
    if n == 0:
        return {}
    nodes, source, target, w = _ties(G, weight)
    strength = np.bincount(source, weights=w, minlength=n)
    dangles = strength == 0
    # Each node's score passes on in shares of this; a dangling node's is spread evenly below.
    scale = np.divide(alpha, strength, out=np.zeros(n), where=~dangles)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        dangling = alpha * x[dangles].sum() / n
        # float even with no relationship at all (bincount of nothing is an integer array)
        passed = (x * scale)[source]
        if weight is not None:
            passed *= w  # unweighted, every w is 1
        new = np.bincount(target, weights=passed, minlength=n).astype(float)
        new += (1.0 - alpha) / n + dangling
        err = np.abs(new - x).sum()
        x = new
        if err < n * tol:
            return dict(zip(nodes, x.tolist(), strict=True))
    raise nx.PowerIterationFailedConvergence(max_iter)


def eigenvector(G: nx.Graph, *, weight: str | None = None, tol: float = 1e-6,
                max_iter: int = 10_000) -> dict[Any, float]:
    """Eigenvector centrality, as networkx's ``eigenvector_centrality`` computes it (power
    iteration on A + I from a uniform start, scaled to unit length, stopping when the
    scores move less than ``n * tol`` in all), on arrays: seconds instead of minutes at
    200,000 nodes. Raises ``PowerIterationFailedConvergence`` as networkx does.

    >>> s = eigenvector(nx.star_graph(3))   # centre 1/sqrt(2), leaves 1/sqrt(6)
    >>> round(s[0], 4), round(s[1], 4)
    (0.7071, 0.4082)
    """
    import numpy as np

    n = len(G)
    if n == 0:
        raise nx.NetworkXPointlessConcept("cannot compute centrality for the null graph")
    nodes, source, target, w = _ties(G, weight)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = x + np.bincount(target, weights=x[source] * w, minlength=n)
        new /= np.linalg.norm(new) or 1
        err = np.abs(new - x).sum()
        x = new
        if err < n * tol:
            return dict(zip(nodes, x.tolist(), strict=True))
    raise nx.PowerIterationFailedConvergence(max_iter)


def _igraph() -> Any:
    """python-igraph where it is installed (``pip install 'relgraph[fast]'``), else None."""
    try:
        import igraph
    except ImportError:
        return None
    return igraph


def betweenness(G: nx.Graph, *, k: int | None = None, seed: int | None = 0,
                weight: str | None = None) -> dict[Any, float]:
    """networkx's ``betweenness_centrality`` (normalised), from ``k`` sampled sources if
    given, drawn as networkx draws them.

    Unweighted, with an integer seed and python-igraph installed, the shortest paths are
    counted by igraph from the same sources and scaled as networkx scales them: the same
    scores to 1e-12 (tested), 50 times faster (500 sources at a million relationships:
    seconds, not twenty minutes). Otherwise networkx computes it.

    >>> betweenness(nx.path_graph(["a", "b", "c"]))
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    ig = _igraph()
    n = len(G)
    if ig is None or weight is not None or G.is_directed() or G.is_multigraph() or n < 3 \
            or not isinstance(seed, int) or (k is not None and not 1 < k < n):
        return nx.betweenness_centrality(G, k=k, seed=seed, weight=weight)
    nodes, g = _as_igraph(ig, G)
    index = {v: i for i, v in enumerate(nodes)}
    if k is None:
        raw = g.betweenness(directed=False)
        # igraph counts each pair once, networkx both ways; networkx then divides by the
        # (n - 1)(n - 2) ordered pairs that could pass through a node.
        return {v: 2 * raw[i] / ((n - 1) * (n - 2)) for i, v in enumerate(nodes)}
    sources = random.Random(seed).sample(nodes, k)  # networkx's draw for an integer seed
    starts = [index[s] for s in sources]
    raw = _betweenness_from(g, starts, workers=_workers(len(starts) * g.ecount()))
    chosen = set(sources)
    # networkx >= 3.6: a sampled source cannot lie on its own paths, so it is scaled over k - 1.
    return {v: 2 * raw[i] / ((k - 1 if v in chosen else k) * (n - 2)) for i, v in enumerate(nodes)}


def _workers(work: int) -> int:
    """How many processes to count ``work`` (sources x ties) in: one per CPU this process
    may use, where the work is worth a fork (about a second or more) and forking is safe:
    on Linux, with no other Python thread (one could hold a lock the child needs). The C
    libraries' own threads (OpenBLAS's, which numpy starts) are made fork-safe by them."""
    if work < _SPLIT_FROM or sys.platform != "linux" or threading.active_count() != 1:
        return 1
    return len(os.sched_getaffinity(0))


_SHARED: Any = None  # the igraph graph the forked workers of _betweenness_from read


def _betweenness_part(sources: list[int]) -> list[float]:
    return _SHARED.betweenness(sources=sources, directed=False)


def _betweenness_from(g: Any, sources: list[int], *, workers: int = 1) -> list[float]:
    """igraph's betweenness counted from ``sources`` only, split between ``workers`` forked
    processes: each counts the paths from its share of the sources, and the counts add up
    (the same scores to rounding, tested). igraph holds the interpreter's lock while it
    counts, so threads would take turns; at a million relationships 500 sources take 14 s
    in one process, 7.5 s in two.

    >>> import igraph
    >>> _betweenness_from(igraph.Graph([(0, 1), (1, 2)]), [0, 2], workers=2)
    [0.0, 1.0, 0.0]
    """
    workers = min(workers, len(sources))
    if workers < 2:
        return g.betweenness(sources=sources, directed=False)
    import multiprocessing

    global _SHARED
    _SHARED = g  # the children inherit it by the fork, unpickled
    try:
        with warnings.catch_warnings():
            # Python >= 3.12 warns of any other OS thread at a fork; see _workers.
            warnings.filterwarnings("ignore", ".*multi-threaded.*fork", DeprecationWarning)
            pool = multiprocessing.get_context("fork").Pool(workers)
        with pool:
            parts = pool.map(_betweenness_part, [sources[i::workers] for i in range(workers)])
    finally:
        _SHARED = None
    return [sum(c) for c in zip(*parts, strict=True)]


def _as_igraph(ig: Any, G: nx.Graph) -> tuple[list[Any], Any]:
    """The nodes of the undirected graph ``G`` and an igraph Graph of its ties (self-loops
    left out), vertex i being ``nodes[i]``."""
    nodes, source, target, _w = _ties(G, None)
    return nodes, _igraph_of(ig, len(nodes), source, target)


def _igraph_of(ig: Any, n: int, source: Any, target: Any) -> Any:
    """An undirected igraph Graph of ``n`` vertices and the ties ``source``-``target`` (as
    :func:`_ties` lists them, both ways), each once, self-loops left out."""
    import numpy as np

    from relgraph.api import gc_paused

    once = source < target
    # igraph reads each pair as a small list: with the collector on, its passes over a big
    # graph's objects doubled the time (1.0 s at a million relationships).
    with gc_paused():
        return ig.Graph(n=n, edges=np.column_stack([source[once], target[once]]), directed=False)


def articulation_points(G: nx.Graph) -> set[Any]:
    """The nodes whose removal splits a component of the undirected graph ``G``: networkx's
    ``articulation_points``, counted by python-igraph where it is installed (the same set,
    tested; a second at a million relationships where networkx takes two).

    >>> sorted(articulation_points(nx.path_graph(["a", "b", "c"])))
    ['b']
    """
    ig = _igraph()
    if ig is None or G.is_directed():
        return set(nx.articulation_points(G))
    nodes, g = _as_igraph(ig, G)
    return {nodes[i] for i in g.articulation_points()}


def closeness(G: nx.Graph, *, k: int | None = None, seed: int | None = 0,
              distance: str | None = None) -> dict[Any, float]:
    """networkx's ``closeness_centrality`` (Wasserman–Faust: a node's reach within its
    component, scaled by the share of the graph it can reach), exact, or estimated from
    ``k`` sampled sources in each component larger than ``k``.

    Each node's total distance to the rest of its component is the mean distance from
    the sampled sources times the component's size (Eppstein and Wang); a component of
    at most ``k`` nodes is measured from all of them, exactly. Exact with ``k`` at least
    the largest component: the same scores as networkx to 1e-12 (tested). Unweighted
    distances come from a breadth-first search on arrays (500 sources at a million
    relationships: seconds, where networkx's exact measure takes hours); ``distance``
    (an edge attribute) takes networkx's Dijkstra from each source.

    >>> G = nx.path_graph(["a", "b", "c"])
    >>> closeness(G)["a"], closeness(G, k=2, seed=1)["b"]   # b: 1 hop to each end
    (0.6666666666666666, 1.0)
    """
    if k is None:
        return nx.closeness_centrality(G, distance=distance)
    n = len(G)
    rng = random.Random(seed)
    if n < 2:
        return dict.fromkeys(G, 0.0)
    import numpy as np

    bfs = _BreadthFirst(G) if distance is None else None
    position = bfs.index if bfs is not None else {v: i for i, v in enumerate(G)}
    nodes = list(G)
    size = np.zeros(n)
    sources: list[int] = []
    for members in nx.connected_components(G):
        component = sorted(position[v] for v in members)  # a set's order varies run to run
        r = size[component] = len(component)
        if r > 1:
            sources += component if r <= k else rng.sample(component, k)
    if bfs is not None:
        total, seen = bfs.distance_sums(sources)
    else:
        total, seen = np.zeros(n), np.zeros(n)
        for s in sources:
            for v, d in nx.single_source_dijkstra_path_length(G, nodes[s], weight=distance).items():
                if (i := position[v]) != s:
                    total[i] += d
                    seen[i] += 1
    # A node's total distance to its component: the mean from the sources, times the others
    # (the same as the sum where every node was a source).
    reach = np.zeros(n)
    np.divide(total * (size - 1), seen, out=reach, where=seen > 0)
    scores = np.zeros(n)
    np.divide((size - 1) ** 2, reach * (n - 1), out=scores, where=reach > 0)
    return dict(zip(nodes, scores.tolist(), strict=True))


class _BreadthFirst:
    """Breadth-first searches on arrays, 64 sources at a time: bit i of a node's word says
    whether source i has reached it, and each step ORs the words of every node's
    neighbours (one pass over the ties for 64 searches)."""

    def __init__(self, G: nx.Graph) -> None:
        import numpy as np

        nodes, source, target, _w = _ties(G, None)
        n = len(nodes)
        order = np.argsort(target, kind="stable")
        counts = np.bincount(target, minlength=n)
        self.np, self.n = np, n
        self.index = {v: i for i, v in enumerate(nodes)}
        self.neighbour = source[order]  # each node's neighbours, node by node
        self.linked = counts > 0
        self.starts = (np.cumsum(counts) - counts)[self.linked]

    def distance_sums(self, sources: list[int]) -> tuple[Any, Any]:
        """For every node, the sum of its hop counts from ``sources`` (node indices) that
        reach it, and how many do (a source not counting itself)."""
        np = self.np
        total, seen = np.zeros(self.n), np.zeros(self.n)
        for i in range(0, len(sources), 64):
            batch = np.asarray(sources[i:i + 64], dtype=np.intp)
            visited = np.zeros(self.n, dtype=np.uint64)
            visited[batch] = np.left_shift(np.uint64(1), np.arange(len(batch), dtype=np.uint64))
            frontier, level = visited, 0
            while True:
                level += 1
                reached = np.zeros(self.n, dtype=np.uint64)
                if self.starts.size:
                    reached[self.linked] = np.bitwise_or.reduceat(frontier[self.neighbour], self.starts)
                new = reached & ~visited
                if not new.any():
                    break
                visited |= new
                count = _popcount(np, new)
                total += level * count
                seen += count
                frontier = new
        return total, seen


def _popcount(np: Any, words: Any) -> Any:
    if hasattr(np, "bitwise_count"):  # numpy >= 2
        return np.bitwise_count(words)
    return np.unpackbits(words.view(np.uint8).reshape(-1, 8), axis=1).sum(axis=1)


def scores(G: nx.Graph, measure: str = "degree", *, weighted: bool = False, k: int | None = None,
           seed: int | None = 0) -> dict[Any, float]:
    """One centrality score per node, networkx-style.

    degree: the number of distinct neighbours (weighted: of relationships);
    betweenness, closeness: networkx's normalised measures; eigenvector:
    networkx's, computed on arrays (:func:`eigenvector`); pagerank: :func:`pagerank`.
    ``k`` samples that many sources for betweenness (``seed`` makes the sample repeat).

    Path a - b - c: b lies on the one shortest path between a and c.

    >>> scores(nx.path_graph(["a", "b", "c"]), "betweenness")
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    >>> scores(nx.path_graph(["a", "b", "c"]), "closeness")["a"]   # 2 others at 1 + 2 hops: 2/3
    0.6666666666666666
    """
    if measure not in MEASURES:
        raise UsageError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    U = simple(G)
    w = "weight" if weighted else None
    if measure == "degree":
        return {n: float(d) for n, d in U.degree(weight=w)}
    if measure == "betweenness":
        k = k if k is not None and k < len(U) else None
        return betweenness(U, k=k, seed=seed, weight="distance" if weighted else None)
    if measure == "closeness":
        k = k if k is not None and k < len(U) else None
        return closeness(U, k=k, seed=seed, distance="distance" if weighted else None)
    if measure == "eigenvector":
        if U.number_of_edges() == 0:
            return dict.fromkeys(U, 0.0)
        try:
            return eigenvector(U, weight=w)
        except nx.PowerIterationFailedConvergence:
            raise UsageError("eigenvector centrality did not converge on this graph; "
                             "try --measure pagerank") from None
    return pagerank(U, weight=w)


def centrality(G: nx.Graph, measure: str = "degree", *, top: int | None = None, weighted: bool = False,
               k: int | None = None, seed: int = 0) -> Ranking:
    """Nodes ranked by ``measure`` (see :func:`scores`).

    Betweenness is exact up to ``EXACT_BETWEENNESS_UP_TO`` nodes; on larger
    graphs (or when ``k`` is given) it samples ``k`` sources with ``seed``.

    >>> G = nx.star_graph(3)
    >>> [(s.rank, s.id, s.score) for s in centrality(G, "degree", top=2).scores]
    [(1, 0, 3.0), (2, 1, 1.0)]
    """
    U = simple(G)
    if measure in SAMPLED and k is None and len(U) > EXACT_BETWEENNESS_UP_TO:
        k = DEFAULT_SAMPLES
    sampled = k if measure in SAMPLED and k is not None and k < len(U) else None
    values = scores(U, measure, weighted=weighted, k=sampled, seed=seed)
    return Ranking(measure, rank(U, values, top), len(U), U.number_of_edges(), weighted, sampled,
                   seed if sampled else None)


@dataclass
class Community:
    number: int
    members: list[Any]
    names: list[str]
    types: dict[str, int] = field(default_factory=dict)


@dataclass
class Communities:
    """Louvain communities, largest first; members most connected first."""

    communities: list[Community]
    modularity: float
    seed: int
    resolution: float
    singletons: int
    columns: ClassVar[list[str]] = ["community", "size", "types", "members"]

    def rows(self) -> list[list[Any]]:
        return [[c.number, len(c.members), ", ".join(f"{t} {n}" for t, n in c.types.items()), c.names]
                for c in self.communities]


def communities(G: nx.Graph, *, seed: int = 0, resolution: float = 1.0, weighted: bool = True,
                min_size: int = 2) -> Communities:
    """Louvain community detection on the undirected view, repeatable with ``seed``:
    networkx's ``louvain_communities``, run on lists (:mod:`relgraph.analytics.louvain`).

    Communities smaller than ``min_size`` are counted in ``singletons`` (for
    size 1) but not listed.

    Two triangles joined by one tie split into the two triangles:

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    >>> sorted(sorted(c.members) for c in communities(G).communities)
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    if not (math.isfinite(resolution) and resolution > 0):
        raise UsageError(f"--resolution {resolution}: give a positive number, e.g. 1 (above 1: smaller "
                         "communities)")
    U = simple(G)
    w = "weight" if weighted else None
    found = louvain.louvain_communities(U, weight=w, resolution=resolution, seed=seed) if len(U) else []
    modularity = louvain.modularity(U, found, weight=w, resolution=resolution) if U.number_of_edges() else 0.0
    degree = dict(U.degree(weight=w))
    groups = [sorted(members, key=lambda n: (-degree[n], label(U, n), str(n))) for members in found]
    groups.sort(key=lambda g: (-len(g), label(U, g[0])))  # Louvain's communities are never empty
    listed = []
    for number, order in enumerate(groups, 1):
        types = Counter(str(U.nodes[n].get("type", "")) for n in order)
        listed.append(Community(number, order, [label(U, n) for n in order],
                                dict(sorted(types.items(), key=lambda kv: (-kv[1], kv[0])))))
    shown = [c for c in listed if len(c.members) >= min_size]
    return Communities(shown, modularity, seed, resolution, sum(1 for c in listed if len(c.members) == 1))
