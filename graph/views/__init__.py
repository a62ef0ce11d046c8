"""Interactive HTML views of the graph: one self-contained file per view.

:func:`view` is what ``relgraph view`` calls: it reads the store through the
analytics projection, applies the filters, cuts the graph to a node's
neighbourhood or to what a stored query returned, sizes nodes by a centrality
measure, and writes the page. :func:`render` turns any networkx graph shaped
like the projection into the page's HTML, for notebooks and tests.

The page works offline (every script and style inline, nothing fetched) and
shows data only as text; see :mod:`relgraph.views.html`.

Importing this package is cheap: networkx, numpy and the store load on use.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from relgraph.errors import UsageError
from relgraph.formats import plural

__all__ = ["Page", "ViewReport", "page", "referenced", "render", "view"]


def render(G: Any, *, title: str = "relgraph", subtitle: str = "",
           scores: Mapping[Any, float] | None = None, measure: str | None = None,
           documents: Mapping[str, Mapping[str, Any]] | None = None, seed: int = 7) -> str:
    """The HTML page of a networkx graph (see :func:`relgraph.views.html.view_data`).

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("state:RUS", type="State", name="Russia", status="confirmed")
    >>> page = render(G, title="One state")
    >>> page.startswith("<!DOCTYPE html>"), "<title>One state</title>" in page
    (True, True)
    """
    from relgraph.views.html import render_html, view_data

    return render_html(view_data(G, title=title, subtitle=subtitle, scores=scores, measure=measure,
                                 documents=documents, seed=seed))


@dataclass
class ViewReport:
    """What :func:`view` wrote."""

    path: Path
    title: str
    nodes: int
    relationships: int
    bytes: int
    seconds: float
    summary_of: int | None = None  # the nodes a summary stands for; None when all were drawn


def referenced(rows: Iterable[Iterable[Any]], node_ids: Iterable[Any],
               rel_ids: Mapping[str, tuple[Any, Any]] | None = None,
               names: Mapping[str, Any] | None = None) -> tuple[set[Any], set[str]]:
    """The node ids and relationship ids that query rows mention.

    A cell counts when it is an id (a string), a node's name (one in ``names``:
    name -> id, for names that only one node has), a node or relationship returned
    whole (a mapping with an ``id``), or a list of those.

    >>> nodes, rels = referenced([["state:RUS", 3, ["person:kim", "nobody"]], [{"id": "r1"}]],
    ...                          {"state:RUS", "person:kim"}, {"r1": ("state:RUS", "person:kim")})
    >>> sorted(nodes), rels
    (['person:kim', 'state:RUS'], {'r1'})
    >>> referenced([["Kim Jong Un", "Pyongyang"]], {"person:kim"}, names={"Kim Jong Un": "person:kim"})[0]
    {'person:kim'}
    """
    nodes = set(node_ids)
    rels = rel_ids or {}
    by_name = names or {}
    found_nodes: set[Any] = set()
    found_rels: set[str] = set()

    def visit(value: Any) -> None:
        if isinstance(value, str):
            if value in nodes:
                found_nodes.add(value)
            elif value in rels:
                found_rels.add(value)
            elif value in by_name:
                found_nodes.add(by_name[value])
        elif isinstance(value, Mapping):
            if "id" in value:
                visit(value["id"])
        elif isinstance(value, (list, tuple)):
            for v in value:
                visit(v)

    for row in rows:
        for cell in row:
            visit(cell)
    return found_nodes, found_rels


MAX_NODES = 2_000
"""Above this many nodes a force-directed picture is a hairball that takes a browser tens of
seconds to lay out: :func:`view` draws a summary instead and names the ways to draw more
(``max_nodes`` raises the limit; 0 lifts it)."""

SUMMARY_NODES = 200
"""How many nodes a summary draws: those with the most relationships."""

SUMMARY_TIES = 5
"""How many ties of each node a summary draws: its strongest, by relationships bundled."""

EXTENSIONS = (".html", ".htm")


def view(output: str | Path, *, store: Any = None, **how: Any) -> ViewReport:
    """Write the HTML view of the store's graph to ``output`` (see :func:`page` for ``how``).

    ``output`` must end in ``.html`` or ``.htm``; it is written to a temporary name and
    renamed, and may not be the store or one of its files.
    """
    started = time.perf_counter()
    from relgraph.outputs import check_target, clean_leftovers

    out = check_target(output, store)  # the store (or its WAL, lock, ...) is never an output
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give a file name, e.g. {out / 'view.html'}")
    if not out.parent.exists():
        raise UsageError(f"folder {out.parent} does not exist")
    if out.suffix.lower() not in EXTENSIONS:
        raise UsageError(f"{out}: a view is an HTML page; name the file {out.stem or 'view'}.html (for a "
                         "picture, open the page in a browser and save a screenshot)")
    drawn = page(store=store, **how)
    clean_leftovers(out)  # what a killed run left
    size = _write(out, drawn.html, store)
    return ViewReport(out, drawn.title, drawn.nodes, drawn.relationships, size,
                      time.perf_counter() - started, drawn.summary_of)


@dataclass(frozen=True)
class Page:
    """A view's page, as :func:`page` drew it (``relgraph serve`` sends it as is)."""

    html: str
    title: str
    nodes: int
    relationships: int
    summary_of: int | None = None


def page(*, store: Any = None, filters: Any = None,
         focus: str | None = None, depth: int = 1, query: str | None = None,
         params: Mapping[str, Any] | None = None, queries_dirs: Iterable[str | Path] | None = None,
         size_by: str | None = "degree", title: str | None = None, seed: int = 7,
         top: int | None = None, max_nodes: int = MAX_NODES, kept: dict[Any, Any] | None = None) -> Page:
    """The HTML view of the store's graph (``store``: a location or an open store).

    ``kept``: where to keep what was read of the store for the next call with the same
    filters (the last graph, and the documents), for a caller that knows the store has not
    changed in between (``relgraph serve`` over a store it holds open read-only).

    ``filters`` (a :class:`relgraph.analytics.Filters`) apply first. Then
    ``focus`` (a node's id, name or alias) keeps its neighbourhood within
    ``depth`` hops, and ``query`` (a stored query's name, with ``params``) keeps
    the nodes its rows mention, the relationships among them and those rows
    mention, with the nodes named by its node parameters. ``size_by`` is a centrality measure (see
    :data:`relgraph.analytics.MEASURES`), or None for the node types' sizes. ``top`` keeps the
    ``top`` most central nodes of what is left (by ``size_by``, or degree), with the
    relationships among them. Where more than ``max_nodes`` nodes are left (0: no limit), the
    view is a summary: the :data:`SUMMARY_NODES` nodes with the most relationships, each with its
    :data:`SUMMARY_TIES` strongest ties among them (:func:`bundle`, :func:`strongest`), and
    the page and ``summary_of`` say of how many nodes; an explicit ``top`` above
    ``max_nodes`` is refused.
    """
    from relgraph.analytics import MEASURES
    from relgraph.analytics.measures import centrality
    from relgraph.analytics.project import Filters, every_field, fill, read_busiest, read_store
    from relgraph.views.html import render_html, view_data

    if size_by is not None and size_by not in MEASURES:
        raise UsageError(f"unknown measure {size_by!r}; use one of {', '.join(MEASURES)}")
    if depth < 1:
        raise UsageError("--depth must be 1 or more")
    if seed < 0:
        raise UsageError(f"--seed {seed}: the layout's seed must be 0 or more")
    if top is not None and top < 1:
        raise UsageError(f"--top {top}: give 1 or more nodes")
    if max_nodes < 0:
        raise UsageError(f"--max-nodes {max_nodes}: give 0 (no limit) or more")

    filters = filters or Filters()
    n = min(SUMMARY_NODES, max_nodes)
    cached = kept is not None and kept.get("filters") == filters
    busiest = None
    if query is None and focus is None and top is None and max_nodes and not cached:
        # The whole graph: where it is too big, its busiest nodes read straight.
        busiest = read_busiest(store, filters, n, more_than=max_nodes)
    if busiest is not None:
        (summary_of, H), what = busiest, "the whole graph"
    else:
        H, what, summary_of = _drawn(store, filters, kept, focus=focus, depth=depth, query=query,
                                     params=params, queries_dirs=queries_dirs, top=top, size_by=size_by,
                                     max_nodes=max_nodes, n=n)
    documents = kept.get("documents") if kept is not None else None
    if documents is None:
        documents = dict(read_store(store, node_types={"Document"}, rel_types=(),
                                    node_fields=every_field()[0]).nodes(data=True))
        if kept is not None:
            kept["documents"] = documents
    scope = filters.describe()
    hint = ""
    scores = None
    if summary_of is not None:
        H = strongest(bundle(H), SUMMARY_TIES)
        what += (f", a summary: the {plural(n, 'node')} of {summary_of:,} with the most relationships, "
                 f"each with its {SUMMARY_TIES} strongest ties")
        hint = (f"more than {max_nodes:,} nodes would be unreadable: drill in with relgraph view --focus "
                "and a node's id, --top, the filters, or --max-nodes 0 for everything")
    if size_by is not None:
        scores = {s.id: s.score for s in centrality(H, size_by, seed=0).scores}
    H = fill(store, H)
    n_nodes, n_rels = H.number_of_nodes(), H.number_of_edges()
    subtitle = " · ".join([
        what[0].upper() + what[1:],
        f"{plural(n_nodes, 'node')}, {plural(n_rels, 'relationship')}",
        *([f"filters: {scope}"] if scope != "no filters" else []),
        *([hint] if hint else []),
        f"generated {date.today().isoformat()} by relgraph",
    ])
    title = title or "relgraph: " + what
    html = render_html(view_data(H, title=title, subtitle=subtitle, scores=scores, measure=size_by,
                                 documents=documents, seed=seed))
    return Page(html, title, n_nodes, n_rels, summary_of)


def _drawn(store: Any, filters: Any, kept: dict[Any, Any] | None, *, focus: str | None, depth: int,
           query: str | None, params: Mapping[str, Any] | None, queries_dirs: Iterable[str | Path] | None,
           top: int | None, size_by: str | None, max_nodes: int, n: int) -> tuple[Any, str, int | None]:
    """What :func:`page` draws where it does not summarise the whole graph read straight: the
    graph of what the filters, ``query``, ``focus`` and ``top`` keep (names, statuses and what
    the filters test; :func:`fill` adds the whole records of what is drawn), what that is in
    words, and, where more than ``max_nodes`` nodes are left, of how many nodes its ``n``
    busiest are a summary. A node's neighbourhood is read straight (:func:`read_around`)
    unless ``kept`` holds the whole graph; the answer is the same."""
    import networkx as nx

    from relgraph.analytics.measures import centrality
    from relgraph.analytics.project import induced, read_around, read_for, resolve, select

    around = None
    if focus is not None and query is None and kept is None:
        # A node's neighbourhood read straight: the node, then only what it draws.
        around = read_around(store, filters, focus, depth)
    if around is not None:
        center, record, H = around
    else:
        if kept is not None and kept.get("filters") == filters:
            G0 = kept["graph"]
        else:
            G0 = read_for(store, filters, status=True)  # a summary counts the statuses it bundles
            if kept is not None:
                kept.update(filters=filters, graph=G0)  # the last one only: at a million, 1 GB
        H = G0 if filters.only("types") else select(G0, filters)  # G0 is never changed
    scope = filters.describe()
    what = "the whole graph"
    if query is not None:
        from relgraph.queries import run_query

        result = run_query(query, params or {}, store=store, extra=queries_dirs)
        rel_ends = {str(k): (u, v) for u, v, k in G0.edges(keys=True)}
        # The nodes the query was asked about (its node parameters) belong in the picture too.
        asked = [result.params.get(p.name) for p in result.query.params if p.base == "node"]
        # Rows that hold names (a visit's visitor and destination) name their nodes too: names
        # only one node has (Documents aside: a citation's title is not the fact).
        named: dict[str, list[Any]] = {}
        for v, d in G0.nodes(data=True):
            if d.get("type") != "Document" and isinstance(d.get("name"), str):
                named.setdefault(d["name"], []).append(v)
        unique = {name: ids[0] for name, ids in named.items() if len(ids) == 1}
        nodes, rels = referenced([*result.rows, asked], G0.nodes, rel_ends, unique)
        for r in rels:
            nodes.update(rel_ends[r])
        if not result.rows:
            raise UsageError(f"query {query!r} returned no rows: nothing to draw")
        if not nodes:
            raise UsageError(f"query {query!r} returned {len(result.rows)} rows, but they name no node; "
                             "a view draws the nodes whose ids a query returns (e.g. a column `id`)")
        H = induced(H, nodes)
        what = f"query {query}" + "".join(f" {k}={v}" for k, v in (params or {}).items())

    if focus is not None:
        if around is None:
            center = resolve(G0, focus)  # G0 holds the types the filters keep (read_for)
            record = G0.nodes[center]
        name = record.get("name", center)
        if center not in H:
            raise UsageError(f"{name} ({center}) is not in the graph "
                             f"under these filters: {scope}" + (f" and {what}" if query else ""))
        if around is None:
            H = induced(H, nx.single_source_shortest_path_length(H.to_undirected(as_view=True), center,
                                                                 cutoff=depth))
        what = f"{name} and its neighbourhood ({depth} hop{'s' if depth != 1 else ''})" + (
            f" in {what}" if query else "")

    if H.number_of_nodes() == 0:
        raise UsageError(f"nothing to draw: no node is left of {what} under these filters: {scope}")

    if top is not None and top < H.number_of_nodes():
        ranked = centrality(H, size_by or "degree", seed=0).scores
        chosen = sorted(ranked, key=lambda s: (-s.score, str(s.id)))[:top]
        H = induced(H, (s.id for s in chosen))
        what += f", its {plural(top, 'most central node')} by {size_by or 'degree'}"
    summary_of = None
    if max_nodes and H.number_of_nodes() > max_nodes:
        if top is not None:
            raise UsageError(
                f"--top {top} leaves {H.number_of_nodes():,} nodes, too many for a readable view (the "
                f"limit is {max_nodes:,}): give a smaller --top, or raise --max-nodes (0: no limit)")
        summary_of = H.number_of_nodes()
        ranked = sorted(H.degree, key=lambda nd: (-nd[1], str(nd[0])))[:n]  # relationships, not neighbours
        H = induced(H, (node for node, _deg in ranked))
    return H, what, summary_of


def bundle(G: Any) -> Any:
    """``G`` with each set of several relationships of one type from one node to another drawn
    as one: its ``relationships`` count and ``statuses``, the most frequent as its status.

    A summary's hubs share thousands of relationships (states' GDELT events): one line
    each would be a page of megabytes and a solid band. A single relationship stays as it is.

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> for i, st in enumerate(["reported", "confirmed", "reported"]):
    ...     _ = G.add_edge("a", "b", key=f"r{i}", type="CAMEO_EVENT", status=st)
    >>> _ = G.add_edge("b", "a", key="r9", type="BORDERS", status="confirmed")
    >>> [(u, v, d["type"], d["status"], d.get("relationships")) for u, v, d in bundle(G).edges(data=True)]
    [('a', 'b', 'CAMEO_EVENT', 'reported', 3), ('b', 'a', 'BORDERS', 'confirmed', None)]
    >>> bundle(G).edges["a", "b", "CAMEO_EVENT a->b"]["statuses"]
    'reported 2, confirmed 1'
    """
    import networkx as nx

    out = nx.MultiDiGraph()
    out.add_nodes_from(G.nodes(data=True))
    groups: dict[tuple[Any, Any, str], list[tuple[Any, dict[str, Any]]]] = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        groups.setdefault((u, v, str(d.get("type", ""))), []).append((k, d))
    for (u, v, rtype), members in groups.items():
        if len(members) == 1:
            k, d = members[0]
            out.add_edge(u, v, key=k, **d)
            continue
        counts: dict[str | None, int] = {}
        for _k, d in members:
            counts[d.get("status")] = counts.get(d.get("status"), 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        out.add_edge(u, v, key=f"{rtype} {u}->{v}", type=rtype, status=ranked[0][0],
                     relationships=len(members),
                     statuses=", ".join(f"{st or 'no status'} {c:,}" for st, c in ranked))
    return out


def strongest(G: Any, k: int) -> Any:
    """``G`` with only each node's ``k`` strongest relationships (by the ``relationships``
    :func:`bundle` counts, 1 for a single one; ties broken by key): a backbone to read.

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("hub", "a", key="x", relationships=9)
    >>> _ = G.add_edge("hub", "b", key="y", relationships=2)
    >>> _ = G.add_edge("a", "b", key="w", relationships=5)
    >>> sorted(k for _u, _v, k in strongest(G, 1).edges(keys=True))   # hub's and a's best, b's best
    ['w', 'x']
    """
    import networkx as nx

    weight = {(u, v, key): int(d.get("relationships") or 1) for u, v, key, d in G.edges(keys=True, data=True)}
    ends: dict[Any, list[tuple[Any, Any, Any]]] = {n: [] for n in G}
    for e in weight:
        ends[e[0]].append(e)
        if e[1] != e[0]:
            ends[e[1]].append(e)
    keep = {e for edges in ends.values() for e in sorted(edges, key=lambda e: (-weight[e], str(e[2])))[:k]}
    out = nx.MultiDiGraph()
    out.add_nodes_from(G.nodes(data=True))
    out.add_edges_from((u, v, key, d) for u, v, key, d in G.edges(keys=True, data=True)
                       if (u, v, key) in keep)
    return out


def _write(path: Path, text: str, store: str | None = None) -> int:
    """Write ``text`` to ``path`` whole or not at all (see :mod:`relgraph.outputs`)."""
    from relgraph.outputs import atomic_file

    data = text.encode("utf-8")
    with atomic_file(path, store) as tmp:
        tmp.write_bytes(data)
    return len(data)
