"""Louvain communities: networkx's ``louvain_communities``, step for step, on lists.

networkx's implementation keeps each level's graph as a networkx Graph keyed by
the nodes themselves, and measures modularity pair by pair after every level;
at a million relationships that took 32 s, over half of it in graph views and
modularity. Here the levels are lists of ``{neighbour index: weight}`` dicts
filled in the order networkx fills its adjacency (so that the nodes are visited,
and ties between equal gains broken, exactly as there), and modularity is
counted on arrays. With integer weights (relgraph's: counts of relationships or
of shared facts) every gain is the same number as networkx's, so the communities
are the same (tested on random graphs against networkx itself). Only the
stopping test compares modularities summed in another order, a difference of
about 1e-16 beside a threshold of 1e-7.
"""

from __future__ import annotations

import random
from collections import defaultdict
from itertools import chain
from typing import Any

import networkx as nx

Adjacency = list[dict[int, float]]


def louvain_communities(G: nx.Graph, *, weight: str | None = "weight", resolution: float = 1.0,
                        threshold: float = 1e-7, seed: int = 0) -> list[set[Any]]:
    """The communities ``nx.community.louvain_communities(G, weight, resolution,
    threshold, seed)`` finds on the undirected simple graph ``G``.

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    >>> sorted(map(sorted, louvain_communities(G)))
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    if G.is_directed() or G.is_multigraph():
        raise ValueError("louvain_communities: an undirected simple graph (see analytics.project.simple)")
    nodes = list(G)
    partition = [{u} for u in nodes]
    if G.number_of_edges() == 0:
        return partition
    import numpy as np

    from relgraph.analytics.measures import _ties

    rng = random.Random(seed)
    adj: Adjacency = [{} for _ in nodes]
    # networkx copies G edge by edge (G.edges() order): a node's earlier neighbours first,
    # in node order, then its later ones as G lists them. The ties as arrays list them so.
    _nodes, source, target, weights = _ties(G, weight)
    if (weights == weights.round()).all():
        # whole weights as ints, which Python shares (a float object each was 2.5 s slower at
        # a million relationships); the same numbers in every sum
        weights = weights.astype(np.int64)
    for i, j, w in zip(source.tolist(), target.tolist(), weights.tolist(), strict=True):
        if j >= i:
            adj[i][j] = w
            adj[j][i] = w
    degree = _degrees(adj)
    m = sum(degree) / 2  # integer weights: the same sum in any order
    mod = _modularity(adj, [{i} for i in range(len(nodes))], resolution)
    partition, inner, improvement = _one_level(adj, degree, m, partition, resolution, rng)
    improvement = True
    found = partition
    while improvement:
        found = [set(s) for s in partition]
        new_mod = _modularity(adj, inner, resolution)
        if new_mod - mod <= threshold:
            break
        mod = new_mod
        adj = _gen_graph(adj, inner)
        degree = _degrees(adj)
        partition, inner, improvement = _one_level(adj, degree, m, partition, resolution, rng)
    return found


def _degrees(adj: Adjacency) -> list[float]:
    """Weighted degrees, a self-loop counted twice (as networkx counts it)."""
    return [sum(around.values()) + around.get(i, 0) for i, around in enumerate(adj)]


def _one_level(adj: Adjacency, degrees: list[float], m: float, partition: list[set[Any]],
               resolution: float, rng: random.Random) -> tuple[list[set[Any]], list[set[int]], bool]:
    """networkx's ``_one_level``: nodes moved one by one, in a shuffled order, to the
    neighbouring community of the greatest gain, until no move gains."""
    n = len(adj)
    node2com = list(range(n))
    Stot = list(degrees)
    nbrs = [[(v, w) for v, w in around.items() if v != u] for u, around in enumerate(adj)]
    rand_nodes = list(range(n))
    rng.shuffle(rand_nodes)
    two_m2 = 2 * m**2
    nb_moves = 1
    improvement = False
    while nb_moves > 0:
        nb_moves = 0
        for u in rand_nodes:
            best_mod = 0
            best_com = node2com[u]
            weights2com: defaultdict[int, float] = defaultdict(float)
            for nbr, wt in nbrs[u]:
                weights2com[node2com[nbr]] += wt
            degree = degrees[u]
            Stot[best_com] -= degree
            remove_cost = -weights2com[best_com] / m + resolution * (Stot[best_com] * degree) / two_m2
            for nbr_com, wt in weights2com.items():
                gain = remove_cost + wt / m - resolution * (Stot[nbr_com] * degree) / two_m2
                if gain > best_mod:
                    best_mod = gain
                    best_com = nbr_com
            Stot[best_com] += degree
            if best_com != node2com[u]:
                improvement = True
                nb_moves += 1
                node2com[u] = best_com
    # The original nodes each level node stands for move with it.
    moved: list[set[Any]] = [set() for _ in range(n)]
    inner: list[set[int]] = [set() for _ in range(n)]
    for u, c in enumerate(node2com):
        moved[c].update(partition[u])
        inner[c].add(u)
    return [s for s in moved if s], [s for s in inner if s], improvement


def _gen_graph(adj: Adjacency, inner: list[set[int]]) -> Adjacency:
    """networkx's ``_gen_graph``: one node per community, in order, tied as its members
    were (each tie's weight summed), ties added in the previous level's ``edges()`` order."""
    node2com = [0] * len(adj)
    for i, part in enumerate(inner):
        for u in part:
            node2com[u] = i
    out: Adjacency = [{} for _ in inner]
    for u, around in enumerate(adj):
        cu = node2com[u]
        for v, w in around.items():
            if v < u:
                continue  # listed from v already
            cv = node2com[v]
            total = out[cu].get(cv, 0) + w
            out[cu][cv] = total
            out[cv][cu] = total
    return out


def modularity(G: nx.Graph, communities: list[set[Any]], *, weight: str | None = "weight",
               resolution: float = 1.0) -> float:
    """networkx's ``modularity`` of ``communities`` on the undirected graph ``G``, counted
    on arrays (the same to 1e-12, tested; at a million relationships 0.3 s, not 1.6 s).

    >>> G = nx.Graph([("a", "b"), ("c", "d")])
    >>> modularity(G, [{"a", "b"}, {"c", "d"}])
    0.5
    """
    from relgraph.analytics.measures import _ties

    nodes, source, target, w = _ties(G, weight)
    position = {v: i for i, v in enumerate(nodes)}
    indices = [{position[v] for v in c} for c in communities]
    return _counted(len(nodes), source, target, w, indices, resolution)


def _modularity(adj: Adjacency, communities: list[set[int]], resolution: float) -> float:
    """The modularity of ``communities`` (sets of node indices) of a level's graph."""
    import numpy as np

    n = len(adj)
    counts = np.fromiter(map(len, adj), dtype=np.intp, count=n)
    source = np.repeat(np.arange(n), counts)
    target = np.fromiter(chain.from_iterable(adj), dtype=np.intp, count=int(counts.sum()))
    w = np.fromiter(chain.from_iterable(map(dict.values, adj)), dtype=float, count=len(target))
    return _counted(n, source, target, w, communities, resolution)


def _counted(n: int, source: Any, target: Any, w: Any, communities: list[set[int]],
             resolution: float) -> float:
    """Modularity from the ties listed both ways (a self-loop once) as arrays."""
    import numpy as np

    if not len(w):
        return 0.0
    com = np.zeros(n, dtype=np.intp)
    for i, part in enumerate(communities):
        com[list(part)] = i
    loops = source == target
    # a node's degree counts a self-loop twice, as networkx counts it
    deg = (np.bincount(source, weights=w, minlength=n)
           + np.bincount(source[loops], weights=w[loops], minlength=n))
    deg_sum = deg.sum()
    inside = com[source] == com[target]
    # a tie is listed from both its ends (half each), a self-loop once
    within = np.bincount(com[source[inside]], weights=np.where(loops[inside], 1.0, 0.5) * w[inside],
                         minlength=len(communities))
    total = np.bincount(com, weights=deg, minlength=len(communities))
    return float(np.sum(within / (deg_sum / 2) - resolution * total * total / deg_sum**2))
