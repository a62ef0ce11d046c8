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

from relgraph.analytics.measures import DEFAULT_SAMPLES, EXACT_BETWEENNESS_UP_TO, betweenness
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
    out: dict[Any, Any] = {}
    for v, t in G.nodes(data="type"):
        if t == camp_type:
            out[v] = v
            continue
        reached: set[Any] = set()
        seen, todo = {v}, [v]
        while todo:
            x = todo.pop()
            for _, y, rt in G.out_edges(x, data="type"):
                if rt not in follow or y in seen:
                    continue
                seen.add(y)
                if G.nodes[y].get("type") == camp_type:
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
    U = simple(G)
    cross = set(between) if between else None
    out: dict[Any, dict[str, int]] = {}
    # Every pair of a node's neighbours, counted by their camps (a hub of 30,000 neighbours
    # has 450 million pairs: listing them took hours at a million relationships) ...
    for b, around in U.adjacency():
        counts = out[b] = dict.fromkeys((*ROLES, "bridges"), 0)
        gb = groups.get(b)
        in_camp = Counter(groups.get(a) for a in around if a != b)
        keys = [g for g in in_camp if cross is None or g in cross]
        for i, ga in enumerate(keys):
            for gc in keys[i:]:
                n = in_camp[ga] * (in_camp[ga] - 1) // 2 if ga == gc else in_camp[ga] * in_camp[gc]
                if n:
                    _count(counts, ga, gb, gc, n, cross)
    # ... less the pairs tied to each other: each triangle, once, at each of its corners.
    for b, c, d in _triangles(U):
        for x, y, z in ((b, c, d), (c, b, d), (d, b, c)):
            gy, gz = groups.get(y), groups.get(z)
            if cross is None or (gy in cross and gz in cross):
                _count(out[x], gy, groups.get(x), gz, -1, cross)
    return out


def _count(counts: dict[str, int], ga: Any, gb: Any, gc: Any, n: int, cross: set[Any] | None) -> None:
    """Add ``n`` pairs of camps ``ga`` and ``gc`` brokered by a node of camp ``gb``."""
    if ga == gb == gc:
        counts["coordinator"] += n
    elif ga == gc:
        counts["itinerant"] += n
    elif gb in (ga, gc):
        counts["representative"] += n
    else:
        counts["liaison"] += n
    if cross and ga != gc and {ga, gc} == cross:
        counts["bridges"] += n


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


def brokers(G: nx.MultiDiGraph, between: tuple[Any, Any] | None = None, *, top: int | None = None,
            k: int | None = None, seed: int = 0, schema: Schema | None = None) -> BrokerReport:
    """Nodes that broker between parts of the network (see the module doc).

    ``between`` names the two camps (camp-type node ids, by default the two
    states with most neighbours). Listed: every node that brokers any pair or is
    an articulation point.
    """
    U = simple(G)
    if between is None:
        between = default_camps(U, schema=schema)
    else:
        missing = [c for c in between if c not in U]
        if missing:
            raise UsageError(f"camp {', '.join(map(str, missing))} is not in the graph")
    group = camps(G, schema=schema)
    if k is None and len(U) > EXACT_BETWEENNESS_UP_TO:
        k = DEFAULT_SAMPLES
    sampled = k if k is not None and k < len(U) else None
    btw = betweenness(U, k=sampled, seed=seed) if len(U) else {}
    cut = set(nx.articulation_points(U))
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
