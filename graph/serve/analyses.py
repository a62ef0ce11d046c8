"""The analyses ``relgraph serve`` offers: each one a form and a table, as ``relgraph analyze``.

Each :class:`Analysis` names its fields (the shape of a stored query's typed
parameters, so one template draws both forms) and calls one function of
:mod:`relgraph.analytics.api` with the open store. The rows are those of
``relgraph analyze NAME --format json``. Every analysis takes the filters of
``analyze`` (``compare`` has no ``as_of``: its two dates are its own).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from relgraph.errors import UsageError

MEASURES = ["degree", "betweenness", "closeness", "eigenvector", "pagerank"]


def field(name: str, type_: str, help_: str, *, required: bool = False, default: str | None = None,
          choices: list[str] | None = None, bounds: tuple[int, int] | None = None) -> dict[str, Any]:
    """A form field, shaped as ``/api/queries`` describes a query's parameter."""
    kinds = {"date": "YYYY-MM-DD, YYYY-MM, YYYY or today", "node": "a node's id, name or any alias",
             "int": "a whole number", "float": "a number", "bool": "yes or no", "string": "text"}
    return {"name": name, "type": type_, "help": help_, "required": required, "default": default,
            "bounds": list(bounds) if bounds else None, "kind": kinds[type_], "choices": choices}


FILTERS = [
    field("as_of", "date", "only what was valid on this date (--as-of)"),
    field("from", "date", "only what happened or held from this date on (--from)"),
    field("to", "date", "only what happened or held up to this date (--to)"),
    field("types", "string", "node and relationship types to keep, comma-separated; +Type adds, -Type "
                             "leaves out, all keeps every type (--types)"),
    field("status", "string", "statuses to keep, e.g. confirmed,reported or -alleged,-denied (--status)"),
    field("state", "node", "only the ego network of this state or node (--state)"),
    field("state_depth", "int", "hops from state to keep (--state-depth)", default="1", bounds=(1, 6)),
    field("fold", "bool", "fold treaties, events and projects into ties between their parties (--fold)"),
]


@dataclass(frozen=True)
class Analysis:
    name: str
    description: str
    fields: list[dict[str, Any]]
    run: Callable[[Any, Mapping[str, Any], Any], tuple[str, list[str], list[list[Any]]]]
    as_of: bool = True

    def form(self) -> list[dict[str, Any]]:
        return self.fields + [f for f in FILTERS if self.as_of or f["name"] != "as_of"]


def _int(values: Mapping[str, Any], name: str, default: int | None, lo: int = 0) -> int | None:
    text = values.get(name)
    if text in (None, ""):
        return default
    try:
        n = int(str(text))
    except ValueError:
        raise UsageError(f"{name}={text!r}: give a whole number") from None
    if n < lo:
        raise UsageError(f"{name}={n}: give {lo} or more")
    return n


def _flag(values: Mapping[str, Any], name: str) -> bool:
    return str(values.get(name) or "").lower() in ("1", "true", "on", "yes")


def _need(values: Mapping[str, Any], name: str) -> str:
    text = str(values.get(name) or "").strip()
    if not text:
        raise UsageError(f"give {name}")
    return text


def _choice(values: Mapping[str, Any], name: str, choices: list[str], default: str) -> str:
    text = str(values.get(name) or default)
    if text not in choices:
        raise UsageError(f"{name}={text!r}: use one of {', '.join(choices)}")
    return text


def filters(values: Mapping[str, Any], *, as_of: bool = True) -> Any:
    from relgraph.analytics import Filters

    state = values.get("state")
    return Filters.parse(as_of=(values.get("as_of") or None) if as_of else None,
                         start=values.get("from") or None, end=values.get("to") or None,
                         types=values.get("types") or None, statuses=values.get("status") or None,
                         states=[state] if state else [], state_depth=_int(values, "state_depth", 1, 1) or 1,
                         fold=_flag(values, "fold"))


def _scope(f: Any) -> str:
    d = f.describe()
    return "" if d == "no filters" else f" [{d}]"


def _centrality(store: Any, v: Mapping[str, Any], f: Any) -> tuple[str, list[str], list[list[Any]]]:
    from relgraph.analytics import api

    measure = _choice(v, "measure", MEASURES, "degree")
    top = _int(v, "top", 20)
    r = api.centrality(store, f, measure=measure, top=top or None, weighted=_flag(v, "weighted"))
    sample = f", sampled {r.sampled} sources (seed {r.seed})" if r.sampled else ""
    return (f"{measure} centrality: {r.nodes:,} nodes, {r.ties:,} ties{sample}{_scope(f)}",
            r.columns, r.rows())


def _path(store: Any, v: Mapping[str, Any], f: Any) -> tuple[str, list[str], list[list[Any]]]:
    from relgraph.analytics import api

    r = api.path(_need(v, "source"), _need(v, "target"), store, f, all_paths=_flag(v, "all"),
                 max_hops=_int(v, "max_hops", None, 1))
    if not r.paths:
        return f"No path between {r.source_name} and {r.target_name}{_scope(f)}", r.columns, []
    n = len(r.paths)
    return (f"{n} shortest path{'s' if n != 1 else ''} between {r.source_name} and {r.target_name}, "
            f"{r.paths[0].length} hops{' (more not shown)' if r.truncated else ''}{_scope(f)}",
            r.columns, r.rows())


def _ego(store: Any, v: Mapping[str, Any], f: Any) -> tuple[str, list[str], list[list[Any]]]:
    from relgraph.analytics import api

    r = api.ego(_need(v, "node"), store, f, depth=_int(v, "depth", 1, 1) or 1)
    return (f"Ego network of {r.center_name} (depth {r.depth}): {len(r.members):,} nodes, "
            f"{r.relationships:,} relationships among them and the centre{_scope(f)}", r.columns, r.rows())


def _compare(store: Any, v: Mapping[str, Any], f: Any) -> tuple[str, list[str], list[list[Any]]]:
    from relgraph.analytics import api

    dates = [_need(v, "date1"), _need(v, "date2")]
    if _flag(v, "changes"):
        c = api.changes(dates, store, f)
        title = f"Changes from {c.labels[0]} to {c.labels[1]}: {len(c.changes)}{_scope(f)}"
        return title, c.columns, c.rows()
    r = api.compare(dates, store, f, node=v.get("node") or None,
                    measure=_choice(v, "measure", MEASURES, "degree"), top=_int(v, "top", 5) or 0)
    return f"The network on {r.labels[0]} and on {r.labels[1]}{_scope(f)}", r.named_columns(), r.rows()


def _communities(store: Any, v: Mapping[str, Any], f: Any) -> tuple[str, list[str], list[list[Any]]]:
    from relgraph.analytics import api

    try:
        resolution = float(v.get("resolution") or 1.0)
    except ValueError:
        raise UsageError(f"resolution={v.get('resolution')!r}: give a number") from None
    r = api.communities(store, f, resolution=resolution, min_size=_int(v, "min_size", 2, 1) or 2)
    return (f"{len(r.communities)} communities (Louvain, seed {r.seed}, modularity {r.modularity:.3f}); "
            f"{r.singletons} isolated nodes not listed{_scope(f)}", r.columns, r.rows())


def _brokers(store: Any, v: Mapping[str, Any], f: Any) -> tuple[str, list[str], list[list[Any]]]:
    from relgraph.analytics import api

    camps = v.get("camps")
    pair = tuple(c.strip() for c in str(camps).split(",")) if camps else None
    if pair is not None and len(pair) != 2:
        raise UsageError(f"camps={camps!r}: give two states, A,B")
    r = api.brokers(store, f, camps=pair, top=_int(v, "top", 20) or None)  # type: ignore[arg-type]
    names = " and ".join(r.between_names) or "(no two states in the graph)"
    return f"Brokers between the camps of {names}{_scope(f)}", r.columns, r.rows()


ANALYSES: dict[str, Analysis] = {a.name: a for a in [
    Analysis("centrality", "Rank nodes by a centrality measure.", [
        field("measure", "string", "the measure", default="degree", choices=MEASURES),
        field("top", "int", "rows to show (0: all)", default="20"),
        field("weighted", "bool", "count ties by their number of relationships"),
    ], _centrality),
    Analysis("path", "The shortest path(s) between two nodes, every hop sourced.", [
        field("source", "node", "where the path starts", required=True),
        field("target", "node", "where it ends", required=True),
        field("all", "bool", "every shortest path, not just one"),
        field("max_hops", "int", "only paths of at most this many hops"),
    ], _path),
    Analysis("ego", "The ego network of a node: who is within depth hops, and through what.", [
        field("node", "node", "the centre", required=True),
        field("depth", "int", "hops from the centre", default="1", bounds=(1, 6)),
    ], _ego),
    Analysis("compare", "How the network (or a node's place in it) changed between two dates.", [
        field("date1", "date", "the first snapshot", required=True),
        field("date2", "date", "the second snapshot", required=True),
        field("node", "node", "also compare this node's position"),
        field("measure", "string", "measure for ranks and top lists", default="degree", choices=MEASURES),
        field("top", "int", "top nodes to list for each date", default="5"),
        field("changes", "bool", "list what was added and removed instead"),
    ], _compare, as_of=False),
    Analysis("communities", "Communities (Louvain), largest first, members most connected first.", [
        field("resolution", "float", "above 1 gives smaller communities", default="1.0"),
        field("min_size", "int", "list communities of at least this many nodes", default="2"),
    ], _communities),
    Analysis("brokers", "Nodes that bridge separate parts: betweenness, articulation points, brokerage.", [
        field("camps", "string", "the two states whose camps to bridge, A,B (default: the two with most "
                                 "ties)"),
        field("top", "int", "rows to show (0: all)", default="20"),
    ], _brokers),
]}


def run(name: str, store: Any, values: Mapping[str, Any]) -> tuple[str, list[str], list[list[Any]]]:
    """(title, columns, rows) of analysis ``name`` with the form's ``values``."""
    a = ANALYSES.get(name)
    if a is None:
        raise UsageError(f"no analysis named {name!r}; use one of {', '.join(ANALYSES)}")
    known = {f["name"] for f in a.form()}
    unknown = sorted(set(values) - known)
    if unknown:
        raise UsageError(f"analysis {name!r} has no field {', '.join(map(repr, unknown))}")
    return a.run(store, values, filters(values, as_of=a.as_of))
