"""Brokers: nodes that bridge otherwise separate parts of the network.

Three views, side by side: betweenness (how many shortest paths run through a
node), articulation points (nodes whose removal splits the network), and
Gould–Fernandez brokerage roles between camps. A node's camp is the state it
belongs to, found by following the schema's ``analysis.belongs_to``
relationships in their direction (Person -HOLDS-> Position -POST_IN-> State);
nodes that reach no state, or more than one, are in no camp (a group of their
own for the roles).

On the undirected view, a node b brokers a pair of its neighbours a and c that
are not tied to each other and are both in the two camps asked for (for the
bundled dataset by default Russia's and the DPRK's; ``--camps`` chooses
others). With g() the camp, and b in either camp or in neither:

- coordinator: g(a) = g(b) = g(c)
- itinerant (consultant): g(a) = g(c) != g(b)
- representative (or gatekeeper; the undirected view cannot tell them apart):
  g(b) equals exactly one of g(a), g(c)
- liaison: all three differ (b, in neither camp, links one camp to the other)

``bridges`` counts the pairs with one end in each camp. The camps' own nodes
(the two states) are not listed as brokers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import networkx as nx

from relgraph.analytics import measures
from relgraph.analytics.measures import (
    DEFAULT_SAMPLES,
    EXACT_BETWEENNESS_UP_TO,
    articulation_points,
    betweenness,
)
from relgraph.analytics.project import analysis_config, label, simple
from relgraph.errors import UsageError
from relgraph.schema import Schema

ROLES = ("coordinator", "itinerant", "representative", "liaison")


def camps(G: nx.MultiDiGraph, *, camp_type: str | None = None, belongs_to: Iterable[str] | None = None,
          schema: Schema | None = None) -> dict[Any, Any]:
    """The camp of every node: the single ``camp_type`` node it reaches along
    ``belongs_to`` relationships (followed in their direction), else None.

    Defaults come from the schema's ``analysis`` section.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("state:RUS", type="State"); G.add_node("position:fm", type="Position")
    >>> G.add_node("person:lavrov", type="Person"); G.add_node("event:x", type="Event")
    >>> _ = G.add_edge("person:lavrov", "position:fm", type="HOLDS")
    >>> _ = G.add_edge("position:fm", "state:RUS", type="POST_IN")
    >>> _ = G.add_edge("person:lavrov", "event:x", type="PARTICIPATED_IN")
    >>> camps(G)
    {'state:RUS': 'state:RUS', 'position:fm': 'state:RUS', 'person:lavrov': 'state:RUS', 'event:x': None}
    """
    if camp_type is None or belongs_to is None:
        cfg = analysis_config(schema)
        camp_type = camp_type if camp_type is not None else cfg.camp_type
        belongs_to = belongs_to if belongs_to is not None else cfg.belongs_to
    follow = frozenset(belongs_to)
    multi = G.is_multigraph()
    # Each node's belongs_to successors, found in one pass (a few nodes of a million have any).
    up: dict[Any, list[Any]] = {}
    for u, around in G.adjacency():
        for v, d in around.items():
            for r in (d.values() if multi else (d,)):
                if r.get("type") in follow:
                    up.setdefault(u, []).append(v)
                    break
    kind = dict(G.nodes(data="type"))
    out: dict[Any, Any] = {}
    for v, t in kind.items():
        if t == camp_type:
            out[v] = v
            continue
        if v not in up:
            out[v] = None
            continue
        reached: set[Any] = set()
        seen, todo = {v}, [v]
        while todo:
            for y in up.get(todo.pop(), ()):
                if y in seen:
                    continue
                seen.add(y)
                if kind[y] == camp_type:
                    reached.add(y)
                else:
                    todo.append(y)
        out[v] = next(iter(reached)) if len(reached) == 1 else None
    return out


def brokerage(G: nx.Graph, groups: Mapping[Any, Any],
              between: tuple[Any, Any] | None = None) -> dict[Any, dict[str, int]]:
    """Gould–Fernandez brokerage roles of every node on the undirected view
    (see the module doc). With ``between`` (two groups), only pairs whose two ends are in
    those groups count, and ``bridges`` counts the pairs across them.

    Path a - b - c where a and c are in camp X and b in Y: b is an itinerant.

    >>> roles = brokerage(nx.path_graph(["a", "b", "c"]), {"a": "X", "b": "Y", "c": "X"})
    >>> roles["b"]["itinerant"], roles["a"]["itinerant"]
    (1, 0)
    >>> brokerage(nx.path_graph(["a", "b", "c"]), {"a": "X", "c": "Z"}, ("X", "Z"))["b"]
    {'coordinator': 0, 'itinerant': 0, 'representative': 0, 'liaison': 1, 'bridges': 1}
    >>> brokerage(nx.path_graph(["a", "b", "c"]), {"a": "X", "c": "Z"}, ("X", "Y"))["b"]["liaison"]
    0
    """
    import numpy as np

    U = simple(G)
    cross = set(between) if between else None
    nodes, source, target, _w = measures._ties(U, None)
    n = len(nodes)
    code: dict[Any, int] = {}
    camp = np.fromiter((code.setdefault(groups.get(v), len(code)) for v in nodes), dtype=np.intp, count=n)
    # Every pair of a node's neighbours, counted by their camps (a hub of 30,000 neighbours
    # has 450 million pairs: listing them took hours at a million relationships) ...
    if cross is None:
        pairs = np.zeros((n, 5), dtype=np.int64)
        for b, around in enumerate(U.adjacency()):
            row, gb = pairs[b], groups.get(around[0])
            in_camp = Counter(groups.get(a) for a in around[1] if a != around[0])
            keys = list(in_camp)
            for i, ga in enumerate(keys):
                for gc in keys[i:]:
                    _add(row, ga, gb, gc, in_camp[ga] * (in_camp[ga] - 1) // 2 if ga == gc
                         else in_camp[ga] * in_camp[gc], cross)
    else:  # two camps at most: the same counts on arrays
        asked = [code[c] for c in cross if c in code]
        other = source != target
        count = {c: np.bincount(source[other & (camp[target] == c)], minlength=n) for c in asked}
        pairs = np.zeros((n, 5), dtype=np.int64)
        every = np.arange(n)
        for i, ca in enumerate(asked):
            for cc in asked[i:]:
                found = count[ca] * (count[ca] - 1) // 2 if ca == cc else count[ca] * count[cc]
                pairs[every, _role(camp, ca, cc)] += found
                if ca != cc:
                    pairs[:, 4] += found
    # ... less the pairs tied to each other: each triangle, once, at each of its corners.
    tied = _tied_pairs(_triangle_array(U, nodes, source, target), camp, code, cross)
    keys = (*ROLES, "bridges")
    rows = (pairs - tied).tolist()
    return {v: dict(zip(keys, row, strict=True)) for v, row in zip(nodes, rows, strict=True)}


def _role(gb: Any, ga: Any, gc: Any) -> Any:
    """The role (column 0 to 3, in ``ROLES`` order) of a broker of camp ``gb`` between camps
    ``ga`` and ``gc``, on arrays (see :func:`_add`)."""
    import numpy as np

    return np.where(ga != gc, np.where((gb == ga) | (gb == gc), 2, 3), np.where(gb == ga, 0, 1))


def _tied_pairs(tri: Any, camp: Any, code: dict[Any, int], cross: set[Any] | None) -> Any:
    """For each node (rows), the pairs of its neighbours that are tied to each other,
    counted as :func:`_add` counts them (columns: the roles, then bridges): every triangle
    ``tri`` (rows of three node indices) at each of its three corners."""
    import numpy as np

    n = len(camp)
    inside = np.ones(len(code), dtype=bool)
    if cross is not None:
        inside[:] = False
        inside[[code[c] for c in cross if c in code]] = True
    tied = np.zeros(n * 5, dtype=np.int64)
    for x, y, z in ((0, 1, 2), (1, 0, 2), (2, 0, 1)):
        corner, gy, gz = tri[:, x], camp[tri[:, y]], camp[tri[:, z]]
        keep = inside[gy] & inside[gz]
        role = _role(camp[corner], gy, gz)
        tied += np.bincount(corner[keep] * 5 + role[keep], minlength=n * 5)
        if cross:
            across = keep & (gy != gz)
            tied[4::5] += np.bincount(corner[across], minlength=n)
    return tied.reshape(n, 5)


def _triangle_array(U: nx.Graph, nodes: list[Any], source: Any, target: Any) -> Any:
    """Every triangle of the simple graph ``U`` once, as rows of three node indices into
    ``nodes`` (python-igraph lists them from the ties ``source``, ``target`` where it is
    installed, else :func:`_triangles`)."""
    import numpy as np

    ig = measures._igraph()
    if ig is not None:
        found = measures._igraph_of(ig, len(nodes), source, target).list_triangles()
    else:
        index = {v: i for i, v in enumerate(nodes)}
        found = [(index[a], index[b], index[c]) for a, b, c in _triangles(U)]
    return np.array(found, dtype=np.intp).reshape(-1, 3)


def _add(row: Any, ga: Any, gb: Any, gc: Any, n: int, cross: set[Any] | None) -> None:
    """Add ``n`` pairs of camps ``ga`` and ``gc`` brokered by a node of camp ``gb`` to
    ``row`` (the roles, then bridges)."""
    if not n:
        return
    if ga == gb == gc:
        row[0] += n
    elif ga == gc:
        row[1] += n
    elif gb in (ga, gc):
        row[2] += n
    else:
        row[3] += n
    if cross and ga != gc and {ga, gc} == cross:
        row[4] += n


def _triangles(U: nx.Graph) -> Iterator[tuple[Any, Any, Any]]:
    """Every triangle of the simple graph ``U`` once: each tie leads from the node of lower
    degree to the other, so that no node has many ties out (Chiba and Nishizeki).

    >>> sorted(map(sorted, _triangles(nx.complete_graph(4))))
    [[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]]
    """
    order = {v: i for i, v in enumerate(sorted(U, key=lambda v: len(U[v])))}
    higher = {v: {w for w in around if order[w] > order[v]} for v, around in U.adjacency()}
    for u, up in higher.items():
        for v in up:
            for w in up & higher[v]:
                yield u, v, w


@dataclass
class Broker:
    id: Any
    name: str
    type: str
    camp: str
    bridges: int
    betweenness: float
    articulation: bool
    roles: dict[str, int]


@dataclass
class BrokerReport:
    """Brokers, most cross-camp bridging first, then by betweenness."""

    between: tuple[Any, ...]
    between_names: tuple[str, ...]
    brokers: list[Broker]
    sampled: int | None = None
    columns: ClassVar[list[str]] = ["name", "type", "camp", "bridges", "betweenness", "articulation",
                                    *ROLES, "id"]

    def rows(self) -> list[list[Any]]:
        return [[b.name, b.type, b.camp, b.bridges, b.betweenness, "yes" if b.articulation else "",
                 *(b.roles[r] for r in ROLES), b.id] for b in self.brokers]


def default_camps(G: nx.Graph, *, schema: Schema | None = None) -> tuple[Any, ...]:
    """The two camp-type nodes (states) with the most neighbours.

    >>> G = nx.Graph([("state:RUS", "x"), ("state:RUS", "y"), ("state:RUS", "z"), ("state:PRK", "x"),
    ...               ("state:PRK", "y"), ("state:CHN", "z")])
    >>> nx.set_node_attributes(G, {s: "State" for s in ("state:RUS", "state:PRK", "state:CHN")}, "type")
    >>> default_camps(G)
    ('state:RUS', 'state:PRK')
    """
    camp_type = analysis_config(schema).camp_type
    U = simple(G)
    states = [n for n, t in U.nodes(data="type") if t == camp_type]
    states.sort(key=lambda n: (-U.degree(n), label(U, n), str(n)))
    return tuple(states[:2])


def brokers(G: nx.Graph, between: tuple[Any, Any] | None = None, *, top: int | None = None,
            k: int | None = None, seed: int = 0, schema: Schema | None = None,
            camp_of: Mapping[Any, Any] | None = None) -> BrokerReport:
    """Nodes that broker between parts of the network (see the module doc).

    ``between`` names the two camps (camp-type node ids, by default the two
    states with most neighbours). Listed: every node that brokers any pair or is
    an articulation point. ``camp_of``: each node's camp where :func:`camps` already
    found it (from a graph with the relationship types it follows), so that ``G``
    may be the simple view, whose ties have no types.
    """
    U = simple(G)
    if between is None:
        between = default_camps(U, schema=schema)
    else:
        missing = [c for c in between if c not in U]
        if missing:
            raise UsageError(f"camp {', '.join(map(str, missing))} is not in the graph")
    group = camp_of if camp_of is not None else camps(G, schema=schema)
    if k is None and len(U) > EXACT_BETWEENNESS_UP_TO:
        k = DEFAULT_SAMPLES
    sampled = k if k is not None and k < len(U) else None
    btw = betweenness(U, k=sampled, seed=seed) if len(U) else {}
    cut = articulation_points(U)
    roles = brokerage(U, group, between if len(between) == 2 else None)
    listed = []
    for n in U:
        r = roles[n]
        if n in between or not (n in cut or any(r[x] for x in ROLES)):
            continue  # the camps themselves do not broker between their own members
        camp = group.get(n)
        listed.append(Broker(n, label(U, n), str(U.nodes[n].get("type", "")),
                             label(U, camp) if camp is not None else "", r["bridges"], btw.get(n, 0.0),
                             n in cut, {x: r[x] for x in ROLES}))
    listed.sort(key=lambda b: (-b.bridges, -b.betweenness, b.name, str(b.id)))
    return BrokerReport(tuple(between), tuple(label(U, c) for c in between),
                        listed[:top] if top is not None else listed, sampled)
