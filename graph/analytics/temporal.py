"""A node's neighbourhood, and how a node or the whole network changed between two snapshots.

The snapshots are graphs filtered to two dates
(:class:`~relgraph.analytics.project.Filters` with ``as_of``); the functions
here compare any two graphs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import networkx as nx

from relgraph.analytics.measures import rank, scores
from relgraph.analytics.project import label, relationships, simple
from relgraph.errors import UsageError


@dataclass
class EgoMember:
    distance: int
    id: Any
    name: str
    type: str
    via: list[str]  # how it links to the ring inside it: "Vladimir Putin -[PARTICIPATED_IN]->"


@dataclass
class EgoReport:
    """The nodes within ``depth`` hops of ``center`` (undirected), nearest first."""

    center: Any
    center_name: str
    depth: int
    members: list[EgoMember]
    relationships: int  # relationships among the members, the centre included
    columns: ClassVar[list[str]] = ["distance", "name", "type", "via", "id"]

    def rows(self) -> list[list[Any]]:
        return [[m.distance, m.name, m.type, m.via, m.id] for m in self.members]


def _via(G: nx.MultiDiGraph, inner: Any, outer: Any) -> list[str]:
    """How ``outer`` links to ``inner``, written from ``inner``'s side."""
    out = []
    for a, b, arrow in ((inner, outer, "-[{}]->"), (outer, inner, "<-[{}]-")):
        data = G.get_edge_data(a, b) or {}
        for d in (data.values() if G.is_multigraph() else [data] if data else []):
            out.append(f"{label(G, inner)} {arrow.format(d.get('type', ''))}")
    return sorted(set(out))


def check_depth(depth: int) -> None:
    """An ego network's ``depth`` is 1 or more (a :class:`UsageError` if not)."""
    if depth < 1:
        raise UsageError("--depth must be 1 or more")


def ego(G: nx.MultiDiGraph, center: Any, depth: int = 1) -> EgoReport:
    """The ego network of ``center``: who is within ``depth`` hops, and through what.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("p", name="Putin", type="Person"); G.add_node("s", name="Summit", type="Event")
    >>> G.add_node("k", name="Kim", type="Person")
    >>> _ = G.add_edge("p", "s", type="PARTICIPATED_IN"); _ = G.add_edge("k", "s", type="PARTICIPATED_IN")
    >>> [(m.distance, m.name, m.via) for m in ego(G, "p", depth=2).members]
    [(1, 'Summit', ['Putin -[PARTICIPATED_IN]->']), (2, 'Kim', ['Summit <-[PARTICIPATED_IN]-'])]
    """
    if center not in G:
        raise UsageError(f"{center} is not in the graph")
    check_depth(depth)
    U = G.to_undirected(as_view=True)  # a view: a simple copy of a big G took seconds
    dist = nx.single_source_shortest_path_length(U, center, cutoff=depth)
    members = []
    for n, d in dist.items():
        if n == center:
            continue
        via = sorted({x for p in U[n] if dist.get(p) == d - 1 for x in _via(G, p, n)})
        members.append(EgoMember(d, n, label(G, n), str(G.nodes[n].get("type", "")), via))
    members.sort(key=lambda m: (m.distance, m.type, m.name, str(m.id)))
    return EgoReport(center, label(G, center), depth, members, G.subgraph(dist).number_of_edges())


# -- comparing two snapshots ---------------------------------------------------

def summary(G: nx.Graph, U: nx.Graph | None = None) -> dict[str, float]:
    """Size and shape of a graph (undirected view; ``U``: its simple view, if made already).

    >>> s = summary(nx.Graph([("a", "b"), ("c", "d")]))
    >>> s["ties"], s["density"] == 2 / 6, s["components"], s["largest component"]
    (2, True, 2, 2)
    """
    U = simple(G) if U is None else U
    comps = list(nx.connected_components(U)) if len(U) else []
    return {
        "nodes": G.number_of_nodes(),
        "relationships": relationships(G),
        "ties": U.number_of_edges(),
        "density": nx.density(U) if len(U) > 1 else 0.0,
        "components": len(comps),
        "largest component": max((len(c) for c in comps), default=0),
    }


@dataclass
class Comparison:
    """Metrics of two snapshots side by side: ``before``, ``after`` and the change."""

    labels: tuple[str, str]
    metrics: list[tuple[str, Any, Any, Any]]
    columns: ClassVar[list[str]] = ["metric", "before", "after", "change"]

    def rows(self) -> list[list[Any]]:
        return [list(m) for m in self.metrics]

    def named_columns(self) -> list[str]:
        """Columns with the snapshots' labels (e.g. the two dates)."""
        return ["metric", *self.labels, "change"]


def _change(a: Any, b: Any) -> Any:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return b - a
    return "" if a == b else "changed"


def _node_metrics(U: nx.Graph, node: Any, measure: str, seed: int) -> dict[str, Any]:
    keys = ["present", f"{measure} score", f"{measure} rank", "ego network (depth 1)"]
    if node not in U:
        return {"present": "no", **dict.fromkeys(keys[1:])}
    values = scores(U, measure, seed=seed)
    ranks = {s.id: s.rank for s in rank(U, values)}
    return dict(zip(keys, ["yes", values[node], ranks[node], U.degree(node) + 1], strict=True))


def compare(before: nx.Graph, after: nx.Graph, *, node: Any = None, measure: str = "degree",
            top: int = 5, labels: tuple[str, str] = ("before", "after"), seed: int = 0) -> Comparison:
    """How the network (and ``node``'s place in it) changed from ``before`` to ``after``.

    Rows: size and shape (:func:`summary`); with ``node``, its ``measure``
    score and rank, and its ego network's size (neighbours + 1); then the ``top``
    nodes by ``measure`` in each snapshot.

    >>> a, b = nx.Graph([("x", "y")]), nx.Graph([("x", "y"), ("x", "z")])
    >>> for row in compare(a, b, node="x", top=0).metrics[6:]:
    ...     print(row)
    ('x: present', 'yes', 'yes', '')
    ('x: degree score', 1.0, 2.0, 1.0)
    ('x: degree rank', 1, 1, 0)
    ('x: ego network (depth 1)', 2, 3, 1)
    """
    U1, U2 = simple(before), simple(after)  # once each: at a million relationships 10 s apiece
    s1, s2 = summary(before, U1), summary(after, U2)
    rows: list[tuple[str, Any, Any, Any]] = [(k, s1[k], s2[k], _change(s1[k], s2[k])) for k in s1]
    if node is not None:
        if node not in before and node not in after:
            raise UsageError(f"{node} is in neither snapshot")
        name = label(after if node in after else before, node)
        m1, m2 = _node_metrics(U1, node, measure, seed), _node_metrics(U2, node, measure, seed)
        for k in m1:
            title = f"{name}: {k}"
            change = _change(m1[k], m2[k]) if None not in (m1[k], m2[k]) else ""
            rows.append((title, m1[k], m2[k], change))
    if top:
        r1 = rank(U1, scores(U1, measure, seed=seed), top)
        r2 = rank(U2, scores(U2, measure, seed=seed), top)
        for i in range(max(len(r1), len(r2))):
            cells = [f"{r[i].name} ({r[i].score:.4g})" if i < len(r) else "" for r in (r1, r2)]
            rows.append((f"top {i + 1} by {measure}", cells[0], cells[1], ""))
    return Comparison(labels, rows)


@dataclass
class Change:
    change: str  # added | removed
    kind: str  # node | relationship
    type: str
    name: str
    props: dict[str, Any]


@dataclass
class Changes:
    """Nodes and relationships in one snapshot and not in the other."""

    labels: tuple[str, str]
    changes: list[Change]
    columns: ClassVar[list[str]] = ["change", "kind", "type", "name", "date", "validFrom", "validTo",
                                    "status", "sources", "id"]

    def rows(self) -> list[list[Any]]:
        return [[c.change, c.kind, c.type, c.name, c.props.get("date"), c.props.get("validFrom"),
                 c.props.get("validTo"), c.props.get("status"), list(c.props.get("sources") or []),
                 c.props.get("id")] for c in self.changes]


def changes(before: nx.MultiDiGraph, after: nx.MultiDiGraph,
            labels: tuple[str, str] = ("before", "after")) -> Changes:
    """What was added and removed between two snapshots, nodes first.

    >>> a = nx.MultiDiGraph(); a.add_node("x", name="X", type="Person")
    >>> b = a.copy(); b.add_node("y", name="Y", type="Event")
    >>> _ = b.add_edge("x", "y", key="r", type="PARTICIPATED_IN")
    >>> [(c.change, c.kind, c.name) for c in changes(a, b).changes]
    [('added', 'node', 'Y'), ('added', 'relationship', 'X -[PARTICIPATED_IN]-> Y')]
    """
    out = []
    for change, g1, g2 in (("added", after, before), ("removed", before, after)):
        for n, d in g1.nodes(data=True):
            if n not in g2:
                out.append(Change(change, "node", str(d.get("type", "")), label(g1, n), {"id": n, **d}))
    for change, g1, g2 in (("added", after, before), ("removed", before, after)):
        for u, v, k, d in g1.edges(keys=True, data=True):
            if not g2.has_edge(u, v, k):
                out.append(Change(change, "relationship", str(d.get("type", "")),
                                  f"{label(g1, u)} -[{d.get('type', '')}]-> {label(g1, v)}", {"id": k, **d}))
    order = {"node": 0, "relationship": 1}
    out.sort(key=lambda c: (order[c.kind], c.change,
                            str(c.props.get("date") or c.props.get("validFrom") or ""), c.type, c.name))
    return Changes(labels, out)
