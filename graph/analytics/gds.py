"""The same measures inside Neo4j, with Graph Data Science (``analyze ... --engine gds``).

For graphs that live in a Neo4j server (with the GDS plugin) and outgrow the
Python process: relgraph projects the same filtered, undirected simple graph
that :func:`~relgraph.analytics.project.select` and
:func:`~relgraph.analytics.project.simple` give networkx (one tie per pair of
nodes, ``weight`` = the number of relationships, ``distance`` = 1 / weight),
runs the GDS algorithm on it, streams the scores back in the networkx engine's
shape, and drops the projection afterwards, also on error.

The projection is one Cypher statement built from the schema: labels and
types come from the schema's whitelist, every filter value is a parameter.
The time rules are those of :mod:`relgraph.analytics.project` (``--as-of``,
``--from``/``--to`` with partial dates counting for their whole period,
happenings that stay once they happened).

Scales (the conversions the tests check against networkx):

- degree: GDS's degree on the undirected projection = distinct neighbours
  (weighted: relationships), as networkx.
- PageRank: GDS's scores divided by their sum (GDS does not normalise to 1).
  On a graph with isolated nodes the two differ: networkx hands a dangling
  node's rank to every node, GDS does not.
- betweenness: GDS counts each undirected pair once, as networkx; networkx's normalised
  value is GDS's * 2 / ((n - 1)(n - 2)). Exact only (no sampling here).
- closeness: GDS with ``useWassermanFaust``, networkx's default formula;
  unweighted only.
- Louvain: GDS's communities and modularity (seeded runs are not the same
  as networkx's; the modularity is comparable). Resolution 1 only.

Measures with no GDS counterpart here (eigenvector, weighted closeness,
sampled betweenness, other resolutions, ``--fold``, ``--state``) are refused
with a message that names the networkx engine.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from relgraph.analytics.measures import Communities, Community, Ranking, rank
from relgraph.analytics.project import Filters, analysis_config, status_set, type_sets
from relgraph.errors import UsageError
from relgraph.schema import Schema, load_schema
from relgraph.store import Store, open_store

MEASURES = ("degree", "pagerank", "betweenness", "closeness")


def _keep(x: str, happening: str | None) -> str:
    """The Cypher condition of :func:`~relgraph.analytics.project.select`'s ``keep`` for ``x``."""
    end = (f"CASE {x}.datePrecision WHEN 'year' THEN date({{year: {x}.date.year, month: 12, day: 31}}) "
           f"WHEN 'month' THEN date({{year: {x}.date.year, month: {x}.date.month, day: 1}}) "
           f"+ duration({{months: 1}}) - duration({{days: 1}}) ELSE {x}.date END")
    still = f"{happening} OR " if happening else ""

    def overlaps(start: str, stop: str) -> str:
        return (f"($hi IS NULL OR {start} IS NULL OR {start} <= $hi) "
                f"AND ($lo IS NULL OR {stop} IS NULL OR {stop} >= $lo)")

    return (
        f"($statuses IS NULL OR {x}.status IN $statuses)"
        f" AND ($asOf IS NULL OR (({x}.date IS NULL OR {x}.date <= $asOf)"
        f" AND ({x}.validFrom IS NULL OR {x}.validFrom <= $asOf)"
        f" AND ({still}{x}.validTo IS NULL OR $asOf <= {x}.validTo)))"
        f" AND (($lo IS NULL AND $hi IS NULL)"
        f" OR ({x}.date IS NULL AND {x}.validFrom IS NULL AND {x}.validTo IS NULL)"
        f" OR ({x}.date IS NOT NULL AND {overlaps(f'{x}.date', end)})"
        f" OR (({x}.validFrom IS NOT NULL OR {x}.validTo IS NOT NULL)"
        f" AND {overlaps(f'{x}.validFrom', f'{x}.validTo')}))"
    )


def projection_statement() -> str:
    """The Cypher projection of the filtered undirected simple graph (parameters only).

    >>> "gds.graph.project($graph, n, m" in projection_statement()
    True
    """
    node = f"labels(n)[0] IN $nodeTypes AND ({_keep('n', 'labels(n)[0] IN $happenings')})"
    other = f"labels(m)[0] IN $nodeTypes AND ({_keep('m', 'labels(m)[0] IN $happenings')})"
    return (
        f"MATCH (n) WHERE {node}\n"
        f"OPTIONAL MATCH (n)-[r]-(m) WHERE elementId(n) < elementId(m) AND type(r) IN $relTypes\n"
        f"  AND {other} AND ({_keep('r', None)})\n"
        "WITH n, m, count(r) AS w\n"
        "WITH gds.graph.project($graph, n, m,\n"
        "  {relationshipProperties: CASE WHEN m IS NULL THEN null\n"
        "   ELSE {weight: toFloat(w), distance: 1.0 / w} END},\n"
        "  {undirectedRelationshipTypes: ['*']}) AS g\n"
        "RETURN g.nodeCount AS nodes, g.relationshipCount AS ties"
    )


def _params(filters: Filters, schema: Schema) -> dict[str, Any]:
    if filters.fold or filters.states:
        raise UsageError("--engine gds does not take --fold or --state yet; use the default engine "
                         "(networkx) for them")
    node_types, rel_types = type_sets(filters.types, schema)
    statuses = status_set(filters.statuses, schema)
    return {"nodeTypes": sorted(node_types), "relTypes": sorted(rel_types),
            "statuses": sorted(statuses) if statuses is not None else None,
            "happenings": sorted(analysis_config(schema).happenings),
            "asOf": filters.as_of, "lo": filters.start, "hi": filters.end}


@contextmanager
def projected(st: Store, filters: Filters, schema: Schema | None = None) -> Iterator[tuple[str, int, int]]:
    """(name, nodes, ties) of the projection, dropped when the block ends, whatever happens."""
    if st.dialect != "neo4j":
        raise UsageError("--engine gds needs a Neo4j store with the Graph Data Science plugin "
                         "(--store neo4j://...); the embedded store uses the default engine")
    params = _params(filters, schema or load_schema())
    name = f"relgraph-{secrets.token_hex(6)}"
    _, rows = st.run(projection_statement(), {**params, "graph": name})
    try:
        # An undirected projection stores each tie in both directions.
        yield name, rows[0][0], rows[0][1] // 2
    finally:
        st.run("CALL gds.graph.drop($graph, false) YIELD graphName RETURN graphName", {"graph": name})


_ALGORITHMS: dict[str, tuple[str, Callable[[bool], dict[str, Any]]]] = {
    "degree": ("gds.degree.stream",
               lambda weighted: {"relationshipWeightProperty": "weight"} if weighted else {}),
    "pagerank": ("gds.pageRank.stream",
                 lambda weighted: {"dampingFactor": 0.85, "maxIterations": 1000, "tolerance": 1e-10,
                                   **({"relationshipWeightProperty": "weight"} if weighted else {})}),
    "betweenness": ("gds.betweenness.stream",
                    lambda weighted: {"relationshipWeightProperty": "distance"} if weighted else {}),
    "closeness": ("gds.closeness.stream", lambda weighted: {"useWassermanFaust": True}),
}


def _stream(st: Store, proc: str, graph: str, config: dict[str, Any]) -> list[list[Any]]:
    # `proc` is one of the fixed names above, never user input.
    _, rows = st.run(f"CALL {proc}($graph, $config) YIELD nodeId, score\n"
                     "WITH gds.util.asNode(nodeId) AS n, score\n"
                     "RETURN n.id AS id, n.name AS name, labels(n)[0] AS type, score",
                     {"graph": graph, "config": config})
    return rows


def centrality(store: str | None = None, filters: Filters | None = None, *, measure: str = "degree",
               top: int | None = None, weighted: bool = False, k: int | None = None,
               seed: int = 0) -> Ranking:
    """:func:`relgraph.analytics.api.centrality`, computed by GDS inside Neo4j."""
    if measure not in MEASURES:
        raise UsageError(f"--engine gds has no {measure} here; use one of {', '.join(MEASURES)}, "
                         "or the default engine (networkx)")
    if measure == "closeness" and weighted:
        raise UsageError("--engine gds computes closeness unweighted only; drop --weighted or use the "
                         "default engine (networkx)")
    if k is not None:
        raise UsageError("--engine gds computes exact betweenness; drop --k or use the default engine")
    import networkx as nx

    with open_store(store, read_only=True) as st, projected(st, filters or Filters()) as (graph, n, ties):
        proc, config = _ALGORITHMS[measure]
        rows = _stream(st, proc, graph, config(weighted))
    values = {i: float(score) for i, _, _, score in rows}
    if measure == "pagerank":
        total = sum(values.values()) or 1.0
        values = {i: v / total for i, v in values.items()}
    elif measure == "betweenness":
        scale = 2 / ((n - 1) * (n - 2)) if n > 2 else 0.0
        values = {i: v * scale for i, v in values.items()}
    G = nx.Graph()  # names and types only: what `rank` shows
    G.add_nodes_from((i, {"name": name, "type": t}) for i, name, t, _ in rows)
    return Ranking(measure, rank(G, values, top), n, ties, weighted)


def communities(store: str | None = None, filters: Filters | None = None, *, seed: int = 0,
                resolution: float = 1.0, weighted: bool = True, min_size: int = 2) -> Communities:
    """:func:`relgraph.analytics.api.communities` with GDS's Louvain (single-threaded)."""
    if resolution != 1.0:
        raise UsageError("--engine gds runs Louvain at resolution 1 only; use the default engine for "
                         "--resolution")
    config: dict[str, Any] = {"concurrency": 1, **({"relationshipWeightProperty": "weight"} if weighted
                                                    else {})}
    with open_store(store, read_only=True) as st, projected(st, filters or Filters()) as (graph, _, _t):
        _, rows = st.run("CALL gds.louvain.stream($graph, $config) YIELD nodeId, communityId\n"
                         "WITH gds.util.asNode(nodeId) AS n, communityId\n"
                         "RETURN n.id, n.name, labels(n)[0], communityId", {"graph": graph, "config": config})
        _, stats = st.run("CALL gds.louvain.stats($graph, $config) YIELD modularity RETURN modularity",
                          {"graph": graph, "config": config})
        degrees = {i: s for i, _, _, s in _stream(st, "gds.degree.stream", graph,
                                                    _ALGORITHMS["degree"][1](weighted))}
    groups: dict[Any, list[tuple[str, str, str]]] = {}
    for i, name, t, c in rows:
        groups.setdefault(c, []).append((i, name or i, t))
    listed, singletons = [], 0
    for members in groups.values():
        if len(members) == 1:
            singletons += 1
        if len(members) < min_size:
            continue
        members.sort(key=lambda m: (-degrees.get(m[0], 0), m[1], m[0]))
        types = Counter(t for _, _, t in members)
        listed.append(Community(0, [m[0] for m in members], [m[1] for m in members],
                                dict(sorted(types.items(), key=lambda kv: (-kv[1], kv[0])))))
    listed.sort(key=lambda c: (-len(c.members), c.names[0] if c.names else ""))
    for number, c in enumerate(listed, 1):
        c.number = number
    modularity = float(stats[0][0]) if stats and stats[0][0] is not None else 0.0
    return Communities(listed, modularity, seed, resolution, singletons)
