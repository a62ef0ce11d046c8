"""The analyses, reading a store: one function per ``relgraph analyze`` command and
for ``relgraph export``.

Each reads the store once through the Store interface, resolves node names
(id, name or alias) against the whole graph, applies the filters, and runs the
pure function of the same name from the other modules. A name that exists but
is left out by the filters gets a :class:`~relgraph.errors.UsageError` saying so.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar, cast

import networkx as nx

from relgraph.analytics import brokers as _brokers
from relgraph.analytics import export as _export
from relgraph.analytics import measures as _measures
from relgraph.analytics import paths as _paths
from relgraph.analytics import temporal as _temporal
from relgraph.analytics.project import (
    Filters,
    analysis_config,
    fill,
    parse_day,
    read_among,
    read_around,
    read_for,
    read_selected,
    read_simple,
    read_simples,
    read_store,
    resolve,
    select,
    simple,
    type_sets,
)
from relgraph.api import gc_paused
from relgraph.errors import UsageError
from relgraph.model import Citation
from relgraph.store import open_store

Notice = Callable[[str], None]
F = TypeVar("F", bound=Callable[..., Any])


def _gc_paused(fn: F) -> F:
    """Run ``fn`` inside :func:`relgraph.api.gc_paused`. An analysis builds millions of
    objects that hold no cycles; the collector's full passes over them cost more than
    the building (reading a million relationships: 9.3 s with it, 4.0 s without)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        with gc_paused():
            return fn(*args, **kwargs)

    return cast(F, run)


def _graphs(store: str | None, filters: Filters | None, *, weights_only: bool = False
            ) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    """The store read for ``filters`` (every node of the types kept, for name lookups) and
    the graph the filters keep (the same object where types are all they set).
    ``weights_only``: for measures, which need of folded ties only their weights."""
    filters = filters or Filters()
    if filters.only("types"):
        G0 = read_for(store, filters)
        return G0, G0
    if filters.only("types", "states", "state_depth", "fold"):
        # folding and the states' ego networks need no copy first
        G0 = read_for(store, filters, weights_only=weights_only)
        return G0, select(G0, filters, copy=False, weights_only=weights_only)
    # no graph of every relationship first
    names, (H,) = read_selected(store, [filters], weights_only=weights_only)
    return names, H


def _simple(store: str | None, filters: Filters | None) -> nx.Graph:
    """The simple view of the graph ``filters`` keep, as the measures take it: read straight
    into it (:func:`read_simple`, half the time at a million relationships), or where the
    filters cut states' networks, built from the filtered graph."""
    filters = filters or Filters()
    if not filters.states:
        return read_simple(store, filters)
    return simple(_graphs(store, filters, weights_only=True)[1])


def _find(G0: nx.MultiDiGraph, H: nx.MultiDiGraph, name: str, filters: Filters) -> Any:
    """Resolve ``name`` among the nodes of the types kept (``G0``, as ``read_for`` gives it),
    and check the filters keep it."""
    node = resolve(G0, name)
    return _kept(node, G0.nodes[node], H, filters)


def _kept(node: Any, record: Mapping[str, Any], H: nx.Graph, filters: Filters) -> Any:
    """``node`` (whose properties are ``record``), once checked that the filters keep it (it
    is in ``H``)."""
    if node not in H:
        what = f"{record.get('name', node)} ({node})"
        hint = " (--fold replaces it with ties between its parties)" if filters.fold else ""
        raise UsageError(f"{what} is not in the graph under these filters: {filters.describe()}{hint}")
    return node


@_gc_paused
def graph(store: str | None = None, filters: Filters | None = None) -> nx.MultiDiGraph:
    """The store's graph, filtered, with the properties the analyses use."""
    return _graphs(store, filters)[1]


@_gc_paused
def centrality(store: str | None = None, filters: Filters | None = None, *, measure: str = "degree",
               top: int | None = None, weighted: bool = False, k: int | None = None,
               seed: int = 0, engine: str = "networkx", notice: Notice | None = None) -> _measures.Ranking:
    """Nodes ranked by a measure; ``engine="gds"`` computes it inside Neo4j (see
    :mod:`relgraph.analytics.gds`), and tells ``notice`` GDS's memory estimate
    before a big run."""
    if _engine(engine) == "gds":
        from relgraph.analytics import gds

        return gds.centrality(store, filters, measure=measure, top=top, weighted=weighted, k=k, seed=seed,
                              notice=notice)
    return _measures.centrality(_simple(store, filters), measure, top=top, weighted=weighted, k=k, seed=seed)


ENGINES = ("networkx", "gds")


def _engine(name: str) -> str:
    if name not in ENGINES:
        raise UsageError(f"unknown engine {name!r}; use {' or '.join(ENGINES)}")
    return name


@_gc_paused
def path(source: str, target: str, store: str | None = None, filters: Filters | None = None, *,
         all_paths: bool = False, max_hops: int | None = None,
         limit: int = _paths.DEFAULT_LIMIT, engine: str = "networkx") -> _paths.PathReport:
    """Shortest path(s) between two named nodes, with the cited documents."""
    filters = filters or Filters()
    if _engine(engine) == "gds":
        from relgraph.analytics import gds

        report = gds.path(source, target, store, filters, all_paths=all_paths, max_hops=max_hops, limit=limit)
        with open_store(store, read_only=True) as st:
            report.documents = {d: _document(st.node(d), d) for d in _cited(report)}
        return report
    # Read lean; the records of the paths' own nodes and relationships are read by id once the
    # paths are found (at a million relationships, reading every citation and date cost 4 s).
    if filters.fold or filters.states:
        G0, H = _graphs(store, filters)
        records = functools.partial(fill, store)
    else:  # the paths found in the simple view read straight, their relationships then read
        G0, (H,) = read_simples(store, [filters])
        records = functools.partial(read_among, store, filters)
    a, b = _find(G0, H, source, filters), _find(G0, H, target, filters)
    report = _paths.shortest_paths(H, a, b, all_paths=all_paths, max_hops=max_hops, limit=limit,
                                   records=records)
    with open_store(store, read_only=True) as st:
        report.documents = {d: _document(st.node(d), d) for d in _cited(report)}
    return report


def _document(props: dict[str, Any] | None, doc: str) -> dict[str, Any]:
    return {"id": doc, **(props or {})}


def _cited(report: _paths.PathReport) -> list[str]:
    return sorted({Citation.parse(s).doc for p in report.paths for h in p.hops
                   for s in h.props.get("sources") or []})


@_gc_paused
def brokers(store: str | None = None, filters: Filters | None = None, *, camps: tuple[str, str] | None = None,
            top: int | None = None, k: int | None = None, seed: int = 0,
            engine: str = "networkx") -> _brokers.BrokerReport:
    """Brokers; ``camps`` are two state names (default: the two states with most ties)."""
    if _engine(engine) == "gds":
        from relgraph.analytics import gds

        raise gds.refuse("analyze brokers (brokerage roles, articulation points)")
    if camps is not None and len(camps) != 2:
        raise UsageError("--camps takes two states, e.g. --camps Russia,DPRK")
    filters = filters or Filters()
    camp_of = None
    if not (filters.fold or filters.states):
        # the simple view read straight, and the camps from the relationships they follow
        G0 = H = read_simple(store, filters)
        camp_of = _brokers.camps(_belonging(store, filters))
    else:
        G0, H = _graphs(store, filters, weights_only=True)
    between = (_find(G0, H, camps[0], filters), _find(G0, H, camps[1], filters)) if camps else None
    return _brokers.brokers(H, between, top=top, k=k, seed=seed, camp_of=camp_of)


def _belonging(store: str | None, filters: Filters) -> nx.MultiDiGraph:
    """What ``filters`` keep of the nodes, and of the relationships that make camps (the
    schema's ``analysis.belongs_to``), for :func:`relgraph.analytics.brokers.camps`."""
    node_types, rel_types = type_sets(filters.types)
    follow = analysis_config().belongs_to & rel_types
    if filters.only("types") or not follow:
        return read_store(store, node_types=node_types, node_fields=(), rel_types=follow, rel_fields=())
    # plain names keep only those: the same nodes, and the belonging relationships alone
    return read_selected(store, [replace(filters, types=(*sorted(node_types), *sorted(follow)))])[1][0]


@_gc_paused
def communities(store: str | None = None, filters: Filters | None = None, *, seed: int = 0,
                resolution: float = 1.0, weighted: bool = True, min_size: int = 2,
                engine: str = "networkx", notice: Notice | None = None) -> _measures.Communities:
    if _engine(engine) == "gds":
        from relgraph.analytics import gds

        return gds.communities(store, filters, seed=seed, resolution=resolution, weighted=weighted,
                               min_size=min_size, notice=notice)
    return _measures.communities(_simple(store, filters), seed=seed, resolution=resolution, weighted=weighted,
                                 min_size=min_size)


@_gc_paused
def ego(node: str, store: str | None = None, filters: Filters | None = None, *,
        depth: int = 1, engine: str = "networkx") -> _temporal.EgoReport:
    filters = filters or Filters()
    if _engine(engine) == "gds":
        from relgraph.analytics import gds

        return gds.ego(node, store, filters, depth=depth)
    _temporal.check_depth(depth)  # before reading
    around = read_around(store, filters, node, depth)  # the neighbourhood only; None: fold, states
    if around is None:
        G0, H = _graphs(store, filters)
        return _temporal.ego(H, _find(G0, H, node, filters), depth)
    center, record, H = around
    return _temporal.ego(H, _kept(center, record, H, filters), depth)


def _snapshots(store: str | None, filters: Filters, dates: list[Any], *, full: bool = False,
               differences: bool = False) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph, nx.MultiDiGraph]:
    """The graph of the nodes kept (for names), and the graph at each of the two dates,
    read in one pass (for measures only, unless ``full``; with ``differences``, only the
    relationships that are not in both, see :func:`read_selected`)."""
    names, (g1, g2) = read_selected(store, _at(filters, dates), full=full, dated=True, weights_only=not full,
                                    differences=differences)
    return names, g1, g2


def _at(filters: Filters, dates: list[Any]) -> list[Filters]:
    """``filters`` as of each of the two ``dates``."""
    if len(dates) != 2:
        raise UsageError("compare needs two dates: --as-of DATE1 --as-of DATE2")
    return [replace(filters, as_of=parse_day(d, end=True)) for d in dates]


@_gc_paused
def compare(dates: list[Any], store: str | None = None, filters: Filters | None = None, *,
            node: str | None = None, measure: str = "degree", top: int = 5,
            seed: int = 0, engine: str = "networkx") -> _temporal.Comparison:
    """The network (and ``node``) at two dates, side by side."""
    filters = filters or Filters()
    if _engine(engine) == "gds":
        from relgraph.analytics import gds

        return gds.compare(dates, store, filters, node=node, measure=measure, top=top, seed=seed)
    if filters.states:
        G0, g1, g2 = _snapshots(store, filters, dates)
    else:  # the simple views read straight (see _simple)
        G0, (g1, g2) = read_simples(store, _at(filters, dates))
    center = None
    if node is not None:
        center = resolve(G0, node)
    labels = (str(dates[0]), str(dates[1]))
    return _temporal.compare(g1, g2, node=center, measure=measure, top=top, labels=labels, seed=seed)


@_gc_paused
def changes(dates: list[Any], store: str | None = None, filters: Filters | None = None, *,
            engine: str = "networkx") -> _temporal.Changes:
    """Nodes and relationships added or removed between two dates."""
    if _engine(engine) == "gds":
        from relgraph.analytics import gds

        raise gds.refuse("compare --changes (a list of what was added and removed)")
    filters = filters or Filters()
    # The relationships in both snapshots are no change: left out while reading, unless
    # folding or the states' networks need them.
    _names, g1, g2 = _snapshots(store, filters, dates, full=True,
                                differences=not (filters.fold or filters.states))
    return _temporal.changes(g1, g2, (str(dates[0]), str(dates[1])))


@_gc_paused
def export(fmt: str, path: str | Path, store: str | None = None, filters: Filters | None = None, *,
           delimiter: str = _export.ARRAY_DELIMITER) -> _export.ExportReport:
    """Write the store's graph (filtered; by default everything, Documents included)."""
    from relgraph.outputs import check_target

    check_target(path, store, folder=fmt == "csv")  # before reading: the store must not be the output
    return _export.write(select(read_store(store), filters or Filters(types=("all",))), fmt, path,
                         delimiter=delimiter, store=store)
