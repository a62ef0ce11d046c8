"""Shortest paths between two nodes, every hop with its relationships and their sources.

Paths are found on the undirected view (a relationship links its two ends
whichever way it points); each hop then lists every relationship between the
two nodes, with its type, the direction it points, its date or interval, its
status and its citations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice, pairwise
from typing import Any, ClassVar

import networkx as nx

from relgraph.analytics.project import label, simple
from relgraph.errors import UsageError

DEFAULT_LIMIT = 100  # paths listed with all_paths=True


@dataclass
class Hop:
    """One relationship on a path, seen from the path's direction of travel."""

    step: int
    source: Any
    source_name: str
    target: Any
    target_name: str
    type: str
    forward: bool  # the relationship points source -> target
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def direction(self) -> str:
        """forward (the relationship points along the path), backward, or none
        (a tie made by folding has no direction)."""
        if "via" in self.props:
            return "none"
        return "forward" if self.forward else "backward"


@dataclass
class Path:
    number: int
    nodes: list[Any]
    hops: list[Hop]  # several per step when two nodes share several relationships
    names: list[str] = field(default_factory=list)
    node_props: list[dict[str, Any]] = field(default_factory=list)  # of each node, for dates

    @property
    def length(self) -> int:
        return len(self.nodes) - 1


@dataclass
class PathReport:
    """Shortest paths between two nodes; empty when there is none (within ``max_hops``)."""

    source: Any
    target: Any
    source_name: str
    target_name: str
    paths: list[Path]
    truncated: bool = False
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    columns: ClassVar[list[str]] = ["path", "hop", "from", "type", "direction", "to", "date", "validFrom",
                                    "validTo", "status", "sources", "id"]

    def rows(self) -> list[list[Any]]:
        return [[p.number, h.step, h.source_name, h.type, h.direction, h.target_name, h.props.get("date"),
                 h.props.get("validFrom"), h.props.get("validTo"), h.props.get("status"),
                 list(h.props.get("sources") or []), h.props.get("id")]
                for p in self.paths for h in p.hops]


def hops(G: nx.MultiDiGraph, nodes: list[Any]) -> list[Hop]:
    """The relationships along a node sequence, each step's sorted by date.

    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("a", "b", key="r1", type="PARTICIPATED_IN", status="confirmed")
    >>> [(h.step, h.type, h.direction) for h in hops(G, ["b", "a"])]
    [(1, 'PARTICIPATED_IN', 'backward')]
    """
    out = []
    for step, (u, v) in enumerate(pairwise(nodes), 1):
        found = []
        for a, b, forward in ((u, v, True), (v, u, False)):
            data = G.get_edge_data(a, b) or {}
            items = data.items() if G.is_multigraph() else [(None, data)] if data else []
            for _key, d in items:
                found.append(Hop(step, u, label(G, u), v, label(G, v), str(d.get("type", "")), forward,
                                 dict(d)))
        found.sort(key=lambda h: (str(h.props.get("date") or h.props.get("validFrom") or ""), h.type,
                                  str(h.props.get("id", ""))))
        out.extend(found)
    return out


def shortest_paths(G: nx.MultiDiGraph, source: Any, target: Any, *, all_paths: bool = False,
                   max_hops: int | None = None, limit: int = DEFAULT_LIMIT,
                   records: Callable[[nx.MultiDiGraph], nx.MultiDiGraph] | None = None) -> PathReport:
    """The shortest path from ``source`` to ``target`` (node ids), or with
    ``all_paths`` every shortest path (at most ``limit``, ``truncated`` if more).

    No path, or none of at most ``max_hops`` hops, gives an empty report.
    ``records``, given the subgraph of the paths' nodes, returns it with the
    properties the hops show (dates, status, sources): ``G`` then needs only
    names and what its filters tested (see :func:`relgraph.analytics.project.fill`).

    >>> G = nx.MultiDiGraph()
    >>> for p in ("person:putin", "person:kim"):
    ...     _ = G.add_edge(p, "event:summit", key=p, type="PARTICIPATED_IN", status="confirmed",
    ...                    sources=["doc:eai | para 1"])
    >>> r = shortest_paths(G, "person:putin", "person:kim")
    >>> r.paths[0].nodes
    ['person:putin', 'event:summit', 'person:kim']
    >>> for h in r.paths[0].hops:
    ...     print(h.step, h.type, h.direction, h.props["sources"])
    1 PARTICIPATED_IN forward ['doc:eai | para 1']
    2 PARTICIPATED_IN backward ['doc:eai | para 1']
    >>> shortest_paths(G, "person:putin", "person:kim", max_hops=1).paths
    []
    """
    for n in (source, target):
        if n not in G:
            raise UsageError(f"{n} is not in the graph")
    if source == target:
        raise UsageError("the two ends of the path are the same node")
    if max_hops is not None and max_hops < 1:
        raise UsageError("--max-hops must be 1 or more")
    U = simple(G)
    try:
        found = (list(islice(nx.all_shortest_paths(U, source, target), limit + 1)) if all_paths
                 else [nx.shortest_path(U, source, target)])
    except nx.NetworkXNoPath:
        found = []
    truncated = len(found) > limit
    found = found[:limit]
    if found and max_hops is not None and len(found[0]) - 1 > max_hops:
        found = []
    found.sort(key=lambda ns: [label(G, n) for n in ns])
    if records is not None and found:
        G = records(G.subgraph({n for ns in found for n in ns}))
    paths = [Path(i, ns, hops(G, ns), [label(G, n) for n in ns], [dict(G.nodes[n]) for n in ns])
             for i, ns in enumerate(found, 1)]
    return PathReport(source, target, label(G, source), label(G, target), paths, truncated)
