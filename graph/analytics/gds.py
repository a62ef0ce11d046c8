"""The same analyses inside Neo4j, with Graph Data Science (``analyze ... --engine gds``).

For graphs that live in a Neo4j server (with the GDS plugin) and outgrow the
Python process: relgraph projects the same filtered, undirected simple graph
that :func:`~relgraph.analytics.project.select` and
:func:`~relgraph.analytics.project.simple` give networkx (one tie per pair of
nodes, ``weight`` = the number of relationships, or of shared facts with
``--fold``; ``distance`` = 1 / weight), runs the GDS algorithm on it, streams
the answer back in the networkx engine's shape, and drops the projection
afterwards, also on error.

The projection is one Cypher statement built from the schema: labels and
types come from the schema's whitelist, every filter value is a parameter.
The rules are those of :mod:`relgraph.analytics.project`: ``--as-of``,
``--from``/``--to`` with partial dates counting for their whole period,
happenings that stay once they happened, ``--types``, ``--status``; ``--fold``
counts the multi-party nodes two nodes share; ``--state`` keeps the nodes
within ``--state-depth`` hops of the states (a breadth-first search in GDS on
the filtered projection, then a second projection of what it reached).

What comes back to Python is the answer, never the graph: scores, node ids of
paths, the nodes of an ego network. The hops of a path and the members of an
ego network are then read with their relationships (and, with ``--fold``, the
multi-party nodes between them) and described by the networkx engine's own
code, so the rows are the same.

Scales (the conversions the tests check against networkx):

- degree: GDS's degree on the undirected projection = distinct neighbours
  (weighted: relationships), as networkx.
- PageRank: GDS's scores divided by their sum (GDS does not normalise to 1).
  On a graph with isolated nodes the two differ: networkx hands a dangling
  node's rank to every node, GDS does not.
- betweenness: GDS counts each undirected pair once, as networkx; networkx's
  normalised value is GDS's * 2 / ((n - 1)(n - 2)). Exact unless ``--k``
  (then GDS samples its own K sources: not networkx's sample).
- closeness: GDS with ``useWassermanFaust``, networkx's default formula;
  unweighted only.
- Louvain: GDS's communities and modularity (seeded runs are not the same
  as networkx's; the modularity is comparable). Resolution 1 only.
- paths: GDS's Dijkstra with every tie of length 1 (one shortest path), or
  Yen's k shortest paths cut to the shortest length (``--all``); when several
  paths are equally short, the one GDS gives may not be the one networkx gives.

No GDS counterpart here: eigenvector, weighted closeness, other Louvain
resolutions, brokerage roles (``analyze brokers``) and the list of changes
(``compare --changes``). They are refused with a message that names the
networkx engine.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import networkx as nx

from relgraph.analytics import paths as _paths
from relgraph.analytics import temporal as _temporal
from relgraph.analytics.measures import Communities, Community, Ranking, rank
from relgraph.analytics.project import Filters, analysis_config, select, status_set, type_sets
from relgraph.errors import UsageError
from relgraph.schema import Schema, load_schema
from relgraph.store import Store, open_store

MEASURES = ("degree", "pagerank", "betweenness", "closeness")
ESTIMATE_FROM = 100_000  # ties: above this, GDS's memory estimate is reported before the run
NETWORKX = "use the default engine (networkx)"

Notice = Callable[[str], None]


def _keep(x: str, happening: str | None) -> str:
    """The Cypher condition of :func:`~relgraph.analytics.project.select`'s ``keep`` for ``x``."""
    end = (f"CASE {x}.datePrecision WHEN 'year' THEN date.truncate('year', {x}.date) + duration('P1Y') "
           f"- duration('P1D') WHEN 'month' THEN date.truncate('month', {x}.date) + duration('P1M') "
           f"- duration('P1D') ELSE {x}.date END")
    still = f"{happening} OR " if happening else ""

    def overlaps(start: str, stop: str) -> str:
        return (f"($hi IS NULL OR {start} IS NULL OR {start} <= $hi) "
                f"AND ($lo IS NULL OR {stop} IS NULL OR {stop} >= $lo)")

    return (
        f"($statuses IS NULL OR {x}.status IN $statuses)"
        f" AND ($asOf IS NULL OR (({x}.date IS NULL OR {x}.date <= $asOf)"
        f" AND ({x}.validFrom IS NULL OR {x}.validFrom <= $asOf)"
        f" AND ({still}{x}.validTo IS NULL OR $asOf <= {x}.validTo)"
        f" AND ({x}.born IS NULL OR {x}.born <= $asOf) AND ({x}.died IS NULL OR $asOf <= {x}.died)))"
        f" AND (($lo IS NULL AND $hi IS NULL) OR ({overlaps(f'{x}.born', f'{x}.died')}))"
        f" AND (($lo IS NULL AND $hi IS NULL)"
        f" OR ({x}.date IS NULL AND {x}.validFrom IS NULL AND {x}.validTo IS NULL)"
        f" OR ({x}.date IS NOT NULL AND {overlaps(f'{x}.date', end)})"
        f" OR (({x}.validFrom IS NOT NULL OR {x}.validTo IS NOT NULL)"
        f" AND {overlaps(f'{x}.validFrom', f'{x}.validTo')}))"
    )


def _node(x: str) -> str:
    """``x`` is of a kept type and kept by the filters."""
    return f"labels({x})[0] IN $nodeTypes AND ({_keep(x, f'labels({x})[0] IN $happenings')})"


def _end(x: str) -> str:
    """``x`` is a node of the analysed graph: kept, not folded away, within the states' reach."""
    return (f"{_node(x)} AND NOT ($fold AND labels({x})[0] IN $multi)"
            f" AND ($within IS NULL OR elementId({x}) IN $within)")


def _rel(r: str) -> str:
    return f"type({r}) IN $relTypes AND ({_keep(r, None)})"


def projection_statement() -> str:
    """The Cypher projection of the filtered undirected simple graph (parameters only).

    Each row is a node ``n`` and one neighbour ``m`` after it (or none), with
    ``w`` the ties' weight: the relationships between them, plus with ``--fold``
    the multi-party nodes they share; ``e`` counts the relationships of the
    folded graph (one per pair and shared node type).

    >>> "gds.graph.project($graph, n, m" in projection_statement()
    True
    """
    return (
        f"MATCH (n) WHERE {_end('n')}\n"
        "CALL (n) {\n"
        f"  OPTIONAL MATCH (n)-[r]-(m) WHERE elementId(n) < elementId(m) AND {_rel('r')} AND {_end('m')}\n"
        "  RETURN m, count(r) AS w, count(r) AS e\n"
        "  UNION ALL\n"
        "  MATCH (n)-[r1]-(x)-[r2]-(m)\n"
        f"  WHERE $fold AND labels(x)[0] IN $multi AND {_node('x')} AND elementId(n) < elementId(m)\n"
        f"    AND {_rel('r1')} AND {_rel('r2')} AND {_end('m')}\n"
        "  RETURN m, count(DISTINCT x) AS w, count(DISTINCT labels(x)[0]) AS e\n"
        "}\n"
        "WITH n, m, sum(w) AS w, sum(e) AS e\n"
        "WITH gds.graph.project($graph, n, m,\n"
        "  {relationshipProperties: CASE WHEN m IS NULL THEN null\n"
        "   ELSE {weight: toFloat(w), distance: 1.0 / w} END},\n"
        "  {undirectedRelationshipTypes: ['*']}) AS g, sum(e) AS relationships\n"
        "RETURN g.nodeCount AS nodes, g.relationshipCount AS ties, relationships"
    )




def lookup_statement(label: str) -> str:
    """The element id of a node and whether the analysed graph has it (``label`` from the schema)."""
    return f"MATCH (n:{label} {{id: $id}}) RETURN elementId(n) AS element, {_end('n')} AS kept"


REACH = ("MATCH (s) WHERE elementId(s) IN $centers\n"
         "CALL gds.bfs.stream($graph, {sourceNode: s, maxDepth: $depth, concurrency: 1}) YIELD nodeIds\n"
         "UNWIND nodeIds AS x\n"
         "RETURN collect(DISTINCT elementId(gds.util.asNode(x))) AS reached")
SHORTEST = ("MATCH (a) WHERE elementId(a) = $a MATCH (b) WHERE elementId(b) = $b\n"
            "CALL gds.shortestPath.dijkstra.stream($graph, {sourceNode: a, targetNode: b, concurrency: 1})\n"
            "YIELD totalCost, nodeIds\n"
            "RETURN totalCost, [x IN nodeIds | elementId(gds.util.asNode(x))] AS path")
ALL_SHORTEST = ("MATCH (a) WHERE elementId(a) = $a MATCH (b) WHERE elementId(b) = $b\n"
                "CALL gds.shortestPath.yens.stream($graph, {sourceNode: a, targetNode: b, k: $k, "
                "concurrency: 1})\n"
                "YIELD totalCost, nodeIds\n"
                "RETURN totalCost, [x IN nodeIds | elementId(gds.util.asNode(x))] AS path")
# The members' multi-party neighbours, folded away in Python as `select` does.
BETWEEN = ("MATCH (n)--(x) WHERE elementId(n) IN $nodes AND $fold AND labels(x)[0] IN $multi\n"
           "RETURN collect(DISTINCT elementId(x)) AS extra")
SUBGRAPH = ("MATCH (n) WHERE elementId(n) IN $nodes\n"
            "OPTIONAL MATCH (n)-[r]->(m) WHERE elementId(m) IN $nodes\n"
            "RETURN n.id AS id, labels(n)[0] AS type, properties(n) AS props,\n"
            "  collect(CASE WHEN r IS NULL THEN null ELSE [type(r), m.id, properties(r)] END) AS out")
ELEMENT_IDS = "MATCH (n) WHERE elementId(n) IN $nodes RETURN elementId(n) AS element, n.id AS id"
COMPONENTS = ("CALL gds.wcc.stats($graph, {concurrency: 1}) YIELD componentCount, componentDistribution\n"
              "RETURN componentCount, componentDistribution.max AS largest")
DROP = "CALL gds.graph.drop($graph, false) YIELD graphName RETURN graphName"

_ALGORITHMS: dict[str, tuple[str, Callable[[bool], dict[str, Any]]]] = {
    "degree": ("gds.degree.stream",
               lambda weighted: {"relationshipWeightProperty": "weight"} if weighted else {}),
    "pagerank": ("gds.pageRank.stream",
                 lambda weighted: {"dampingFactor": 0.85, "maxIterations": 1000, "tolerance": 1e-10,
                                   **({"relationshipWeightProperty": "weight"} if weighted else {})}),
    "betweenness": ("gds.betweenness.stream",
                    lambda weighted: {"relationshipWeightProperty": "distance"} if weighted else {}),
    "closeness": ("gds.closeness.stream", lambda weighted: {"useWassermanFaust": True}),
    "louvain": ("gds.louvain.stream",
                lambda weighted: {"concurrency": 1,
                                  **({"relationshipWeightProperty": "weight"} if weighted else {})}),
}


_NO_ESTIMATE = {"gds.closeness.stream"}


def _stream_statement(proc: str) -> str:
    # `proc` is one of the fixed names in _ALGORITHMS, never user input.
    return (f"CALL {proc}($graph, $config) YIELD nodeId, score\n"
            "WITH gds.util.asNode(nodeId) AS n, score\n"
            "RETURN n.id AS id, n.name AS name, labels(n)[0] AS type, score")


def _estimate_statement(proc: str) -> str:
    return f"CALL {proc}.estimate($graph, $config) YIELD requiredMemory RETURN requiredMemory"


def statements(schema: Schema | None = None) -> list[str]:
    """Every Cypher text this module sends (for the Neo4j parser's lint).

    >>> any("gds.shortestPath.yens.stream" in s for s in statements())
    True
    """
    schema = schema or load_schema()
    procs = [p for p, _ in _ALGORITHMS.values()]
    return [projection_statement(), REACH, SHORTEST, ALL_SHORTEST, BETWEEN, SUBGRAPH, ELEMENT_IDS, COMPONENTS,
            DROP, LOUVAIN_STATS, *(lookup_statement(t) for t in schema.nodes),
            *(_stream_statement(p) for p in procs if p != "gds.louvain.stream"), LOUVAIN_STREAM,
            *(_estimate_statement(p) for p in procs if p not in _NO_ESTIMATE)]


LOUVAIN_STREAM = ("CALL gds.louvain.stream($graph, $config) YIELD nodeId, communityId\n"
                  "WITH gds.util.asNode(nodeId) AS n, communityId\n"
                  "RETURN n.id AS id, n.name AS name, labels(n)[0] AS type, communityId")
LOUVAIN_STATS = "CALL gds.louvain.stats($graph, $config) YIELD modularity RETURN modularity"


# -- the projection ---------------------------------------------------------------


def _params(filters: Filters, schema: Schema) -> dict[str, Any]:
    node_types, rel_types = type_sets(filters.types, schema)
    statuses = status_set(filters.statuses, schema)
    cfg = analysis_config(schema)
    return {"nodeTypes": sorted(node_types), "relTypes": sorted(rel_types),
            "statuses": sorted(statuses) if statuses is not None else None,
            "happenings": sorted(cfg.happenings), "multi": sorted(cfg.multi_party), "fold": filters.fold,
            "asOf": filters.as_of, "lo": filters.start, "hi": filters.end, "within": None}


@dataclass
class Projection:
    """A projection in the GDS catalog and what it holds."""

    store: Store
    name: str
    filters: Filters
    schema: Schema
    params: dict[str, Any]
    nodes: int
    ties: int
    relationships: int  # of the filtered (and folded) multigraph, as networkx counts them

    def run(self, cypher: str, **params: Any) -> list[list[Any]]:
        return self.store.run(cypher, {**self.params, "graph": self.name, **params})[1]

    def find(self, name: str) -> tuple[str, str]:
        """(id, element id) of the node called ``name``, which the filters must keep.

        Resolved like the networkx engine: among the nodes of the kept types,
        by id, name or alias.
        """
        from relgraph.api import resolve_in

        kinds = set(self.params["nodeTypes"])
        node_id = resolve_in([row for row in self.store.node_names() if row[1] in kinds], name)
        kind = self.schema.type_for_id(node_id)
        rows = self.run(lookup_statement(kind.name), id=node_id) if kind else []
        if not rows or not rows[0][1]:
            node = self.store.node(node_id) or {}
            hint = " (--fold replaces it with ties between its parties)" if self.filters.fold else ""
            raise UsageError(f"{node.get('name', node_id)} ({node_id}) is not in the graph under these "
                             f"filters: {self.filters.describe()}{hint}")
        return node_id, rows[0][0]

    def subgraph(self, elements: list[str]) -> nx.MultiDiGraph:
        """The nodes with these element ids and everything between them, filtered (and
        folded) by the same code as the networkx engine's."""
        extra = self.run(BETWEEN, nodes=elements)[0][0] if self.filters.fold else []
        G = nx.MultiDiGraph()
        edges = []
        for node_id, kind, props, out in self.run(SUBGRAPH, nodes=[*elements, *extra]):
            G.add_node(node_id, **{**props, "type": kind})
            edges += [(node_id, other, p["id"], {**p, "type": t}) for t, other, p in out if t]
        G.add_edges_from(edges)
        return select(G, replace(self.filters, states=()), schema=self.schema)


def _project(st: Store, filters: Filters, schema: Schema, params: dict[str, Any]) -> Projection:
    name = f"relgraph-{secrets.token_hex(6)}"
    rows = st.run(projection_statement(), {**params, "graph": name})[1]
    nodes, directed, relationships = rows[0]
    # An undirected projection stores each tie in both directions.
    return Projection(st, name, filters, schema, params, nodes, directed // 2, relationships)


def _drop(p: Projection) -> None:
    p.store.run(DROP, {"graph": p.name})


@contextmanager
def projected(st: Store, filters: Filters, schema: Schema | None = None) -> Iterator[Projection]:
    """The filtered graph projected in GDS, dropped when the block ends, whatever happens."""
    if st.dialect != "neo4j":
        raise UsageError("--engine gds needs a Neo4j store with the Graph Data Science plugin "
                         f"(--store neo4j://...); for the embedded store {NETWORKX}")
    schema = schema or load_schema()
    params = _params(filters, schema)
    p = _project(st, filters, schema, params)
    try:
        if filters.states:
            centers = [p.find(s)[1] for s in filters.states]
            reached = p.run(REACH, centers=centers, depth=filters.state_depth)[0][0]
            _drop(p)
            p = _project(st, filters, schema, {**params, "within": reached})
        yield p
    finally:
        _drop(p)


# -- measures ---------------------------------------------------------------------


def _config(measure: str, weighted: bool, k: int | None, seed: int) -> dict[str, Any]:
    config = _ALGORITHMS[measure][1](weighted)
    if measure == "betweenness" and k is not None:
        config.update(samplingSize=k, samplingSeed=seed)
    return config


def _estimate(p: Projection, proc: str, config: dict[str, Any], notice: Notice | None,
              estimate_from: int) -> None:
    if notice is None or p.ties < estimate_from:
        return
    what = f"GDS {proc.removeprefix('gds.')} on {p.nodes:,} nodes and {p.ties:,} ties"
    if proc in _NO_ESTIMATE:
        notice(f"{what}: GDS gives no memory estimate for it")
        return
    rows = p.run(_estimate_statement(proc), config=config)
    notice(f"{what}: memory estimate {rows[0][0]}")


def _scores(p: Projection, measure: str, *, weighted: bool = False, k: int | None = None, seed: int = 0,
            notice: Notice | None = None, estimate_from: int = ESTIMATE_FROM) -> tuple[dict[str, float],
                                                                                       nx.Graph]:
    """Scores on networkx's scale, and a graph of the scored nodes' names and types (for `rank`)."""
    proc = _ALGORITHMS[measure][0]
    config = _config(measure, weighted, k, seed)
    _estimate(p, proc, config, notice, estimate_from)
    rows = p.run(_stream_statement(proc), config=config)
    values = {i: float(score) for i, _, _, score in rows}
    if measure == "pagerank":
        total = sum(values.values()) or 1.0
        values = {i: v / total for i, v in values.items()}
    elif measure == "betweenness":
        n = p.nodes
        scale = 2 / ((n - 1) * (n - 2)) if n > 2 else 0.0
        if k is not None and k < n:
            scale *= n / k  # networkx's estimate from k sources
        values = {i: v * scale for i, v in values.items()}
    G = nx.Graph()
    G.add_nodes_from((i, {"name": name, "type": t}) for i, name, t, _ in rows)
    return values, G


def _check_measure(measure: str, weighted: bool) -> None:
    if measure not in MEASURES:
        raise UsageError(f"--engine gds has no {measure} here; use one of {', '.join(MEASURES)}, "
                         f"or {NETWORKX}")
    if measure == "closeness" and weighted:
        raise UsageError(f"--engine gds computes closeness unweighted only; drop --weighted or {NETWORKX}")


def centrality(store: str | None = None, filters: Filters | None = None, *, measure: str = "degree",
               top: int | None = None, weighted: bool = False, k: int | None = None, seed: int = 0,
               notice: Notice | None = None, estimate_from: int = ESTIMATE_FROM) -> Ranking:
    """:func:`relgraph.analytics.api.centrality`, computed by GDS inside Neo4j.

    ``notice`` gets GDS's memory estimate first when the graph has at least
    ``estimate_from`` ties.
    """
    _check_measure(measure, weighted)
    with open_store(store, read_only=True) as st, projected(st, filters or Filters()) as p:
        values, G = _scores(p, measure, weighted=weighted, k=k, seed=seed, notice=notice,
                            estimate_from=estimate_from)
        sampled = k if measure == "betweenness" and k is not None and k < p.nodes else None
        return Ranking(measure, rank(G, values, top), p.nodes, p.ties, weighted, sampled,
                       seed if sampled else None)


def communities(store: str | None = None, filters: Filters | None = None, *, seed: int = 0,
                resolution: float = 1.0, weighted: bool = True, min_size: int = 2,
                notice: Notice | None = None, estimate_from: int = ESTIMATE_FROM) -> Communities:
    """:func:`relgraph.analytics.api.communities` with GDS's Louvain (single-threaded)."""
    if resolution != 1.0:
        raise UsageError(f"--engine gds runs Louvain at resolution 1 only; for --resolution {NETWORKX}")
    proc, make = _ALGORITHMS["louvain"]
    config = make(weighted)
    with open_store(store, read_only=True) as st, projected(st, filters or Filters()) as p:
        _estimate(p, proc, config, notice, estimate_from)
        rows = p.run(LOUVAIN_STREAM, config=config)
        stats = p.run(LOUVAIN_STATS, config=config)
        degrees, _ = _scores(p, "degree", weighted=weighted)
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


# -- paths and neighbourhoods -----------------------------------------------------


def path(source: str, target: str, store: str | None = None, filters: Filters | None = None, *,
         all_paths: bool = False, max_hops: int | None = None,
         limit: int = _paths.DEFAULT_LIMIT) -> _paths.PathReport:
    """:func:`relgraph.analytics.api.path` with GDS's shortest paths (documents left to the caller)."""
    if max_hops is not None and max_hops < 1:
        raise UsageError("--max-hops must be 1 or more")
    with open_store(store, read_only=True) as st, projected(st, filters or Filters()) as p:
        (a, ea), (b, eb) = p.find(source), p.find(target)
        if a == b:
            raise UsageError("the two ends of the path are the same node")
        if all_paths:
            found = p.run(ALL_SHORTEST, a=ea, b=eb, k=limit + 1)
            shortest = min((cost for cost, _ in found), default=None)
            found = [f for f in found if f[0] == shortest]
        else:
            found = p.run(SHORTEST, a=ea, b=eb)
        truncated = len(found) > limit
        routes = [elements for _, elements in found[:limit]
                  if max_hops is None or len(elements) - 1 <= max_hops]
        G = p.subgraph(sorted({e for r in routes for e in r}) or [ea, eb])
        by_element = dict(zip([ea, eb], [a, b], strict=True))
        if routes:
            ids = p.run(ELEMENT_IDS, nodes=sorted({e for r in routes for e in r}))
            by_element.update(dict(ids))
    sequences = sorted(([by_element[e] for e in r] for r in routes),
                       key=lambda ns: [_paths.label(G, n) for n in ns])
    found_paths = [_paths.Path(i, ns, _paths.hops(G, ns), [_paths.label(G, n) for n in ns],
                               [dict(G.nodes[n]) for n in ns]) for i, ns in enumerate(sequences, 1)]
    return _paths.PathReport(a, b, _paths.label(G, a), _paths.label(G, b), found_paths, truncated)


def ego(node: str, store: str | None = None, filters: Filters | None = None, *,
        depth: int = 1) -> _temporal.EgoReport:
    """:func:`relgraph.analytics.api.ego`: GDS finds who is within ``depth`` hops; their ties
    are read and described as the networkx engine does."""
    if depth < 1:
        raise UsageError("--depth must be 1 or more")
    with open_store(store, read_only=True) as st, projected(st, filters or Filters()) as p:
        center, element = p.find(node)
        reached = p.run(REACH, centers=[element], depth=depth)[0][0]
        G = p.subgraph(reached)
    return _temporal.ego(G, center, depth)


def _summary(p: Projection) -> dict[str, float]:
    components, largest = p.run(COMPONENTS)[0] if p.nodes else (0, 0)
    return {"nodes": p.nodes, "relationships": p.relationships, "ties": p.ties,
            "density": 2 * p.ties / (p.nodes * (p.nodes - 1)) if p.nodes > 1 else 0.0,
            "components": components, "largest component": largest}


def compare(dates: list[Any], store: str | None = None, filters: Filters | None = None, *,
            node: str | None = None, measure: str = "degree", top: int = 5,
            seed: int = 0) -> _temporal.Comparison:
    """:func:`relgraph.analytics.api.compare` with GDS: each snapshot projected and measured
    inside Neo4j; the rows are :func:`relgraph.analytics.temporal.compare`'s."""
    from relgraph.analytics.project import parse_day

    if len(dates) != 2:
        raise UsageError("compare needs two dates: --as-of DATE1 --as-of DATE2")
    _check_measure(measure, False)
    filters = filters or Filters()
    summaries, node_rows, tops, center_name = [], [], [], None
    keys = ["present", f"{measure} score", f"{measure} rank", "ego network (depth 1)"]
    with open_store(store, read_only=True) as st:
        center = None
        if node is not None:
            from relgraph.api import resolve_in

            kinds = set(type_sets(filters.types, load_schema())[0])
            center = resolve_in([r for r in st.node_names() if r[1] in kinds], node)
        for d in dates:
            with projected(st, replace(filters, as_of=parse_day(d, end=True))) as p:
                summaries.append(_summary(p))
                values, G = _scores(p, measure, seed=seed)
                ranking = rank(G, values)
                tops.append(ranking[:top])
                if center is None:
                    continue
                if center not in values:
                    node_rows.append({"present": "no", **dict.fromkeys(keys[1:])})
                    continue
                degree = values if measure == "degree" else _scores(p, "degree")[0]
                center_name = G.nodes[center].get("name") or center
                node_rows.append(dict(zip(keys, ["yes", values[center],
                                                 next(s.rank for s in ranking if s.id == center),
                                                 int(degree[center]) + 1], strict=True)))
    if center is not None and center_name is None:
        raise UsageError(f"{center} is in neither snapshot")
    rows: list[tuple[str, Any, Any, Any]] = [(k, summaries[0][k], summaries[1][k],
                                              _temporal._change(summaries[0][k], summaries[1][k]))
                                             for k in summaries[0]]
    if center is not None:
        m1, m2 = node_rows
        for k in keys:
            change = _temporal._change(m1[k], m2[k]) if None not in (m1[k], m2[k]) else ""
            rows.append((f"{center_name}: {k}", m1[k], m2[k], change))
    if top:
        r1, r2 = tops
        for i in range(max(len(r1), len(r2))):
            cells = [f"{r[i].name} ({r[i].score:.4g})" if i < len(r) else "" for r in (r1, r2)]
            rows.append((f"top {i + 1} by {measure}", cells[0], cells[1], ""))
    return _temporal.Comparison((str(dates[0]), str(dates[1])), rows)


def refuse(what: str) -> UsageError:
    """The error for an analysis with no GDS counterpart."""
    return UsageError(f"{what} has no Graph Data Science counterpart in relgraph; {NETWORKX}")
