"""Exports for other tools: GraphML, GEXF (Gephi, with a timeline), node-link JSON
(D3 and other web tools) and CSV files for ``neo4j-admin database import``.

GraphML and GEXF have no list or date types: lists are written as text joined
with ``"; "`` and dates as ``YYYY-MM-DD``. Node-link JSON keeps lists, with dates
as ISO strings. In GEXF the relationship type is the edge ``label`` (and the
attribute ``relType``: GEXF reserves ``type`` for directed/undirected), node
colours and sizes come from ``style.yaml``, and every node and edge carries
``start``/``end`` from its ``date``/``validFrom``/``validTo`` (see
:func:`~relgraph.analytics.project.span`), so Gephi's timeline shows the
network as ``--as-of`` would.

The neo4j-admin CSV files are one per node label (``id:ID,name,...,:LABEL``)
and one per relationship type (``:START_ID,:END_ID,:TYPE,...``), with typed
headers from the schema (``validFrom:date``, ``aliases:string[]``) and arrays
joined by the array delimiter (``;`` by default). They are data for Neo4j, not
for spreadsheets, so cells are written as they are.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import networkx as nx

from relgraph.analytics import EXPORT_FORMATS
from relgraph.analytics.project import analysis_config, span
from relgraph.errors import UsageError
from relgraph.schema import Schema, load_schema

LIST_JOIN = "; "
NEO4J_TYPES = {"string": "", "text": "", "enum": "", "string[]": "string[]", "sources": "string[]",
               "date": "date", "int": "long", "float": "double", "bool": "boolean"}


@dataclass
class ExportReport:
    format: str
    files: list[str]
    nodes: int
    relationships: int
    command: str = ""  # how to load the files, where there is a tool for it
    counts: dict[str, int] = field(default_factory=dict)  # rows per file (csv)


def _flat(value: Any) -> Any:
    """A value GraphML and GEXF can hold: str, int, float or bool.

    >>> _flat(["a", "b"]), _flat(date(2023, 9, 13)), _flat(2.5)
    ('a; b', '2023-09-13', 2.5)
    """
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return LIST_JOIN.join(str(_flat(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=_json_default, ensure_ascii=False)
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


def flat_graph(G: nx.Graph) -> nx.Graph:
    """A copy of ``G`` with every attribute flattened (see :func:`_flat`), None dropped."""
    H = G.__class__(**{k: _flat(v) for k, v in G.graph.items() if v is not None})
    H.add_nodes_from((n, {k: _flat(v) for k, v in d.items() if v is not None}) for n, d in G.nodes(data=True))
    if G.is_multigraph():
        H.add_edges_from((u, v, k, {a: _flat(x) for a, x in d.items() if x is not None})
                         for u, v, k, d in G.edges(keys=True, data=True))
    else:
        H.add_edges_from((u, v, {a: _flat(x) for a, x in d.items() if x is not None})
                         for u, v, d in G.edges(data=True))
    return H


def to_graphml(G: nx.Graph, path: str | Path) -> None:
    """Write ``G`` as GraphML (lists joined with "; ", dates as text)."""
    nx.write_graphml(flat_graph(G), str(path))


def _rgb(color: str) -> dict[str, int]:
    return {"r": int(color[1:3], 16), "g": int(color[3:5], 16), "b": int(color[5:7], 16), "a": 1}


def _timed(props: dict[str, Any], original: dict[str, Any],
           happenings: frozenset[str] = frozenset()) -> dict[str, Any]:
    start, end = span(original, happening=original.get("type") in happenings)
    if start is not None:
        props["start"] = start.isoformat()
    if end is not None:
        props["end"] = max(end, start).isoformat() if start else end.isoformat()
    return props


def gexf_graph(G: nx.Graph) -> nx.Graph:
    """The graph as :func:`to_gexf` writes it: labels, colours, start/end."""
    from relgraph.style import style_for

    happenings = analysis_config().happenings
    H = flat_graph(G)
    H.graph["mode"] = "dynamic"
    for n, d in H.nodes(data=True):
        d["label"] = str(d.get("name", n))
        st = style_for(str(d.get("type", "")))
        d["viz"] = {"color": _rgb(st["color"]), "size": float(st["size"])}
        _timed(d, G.nodes[n], happenings)
    edges = (H.edges(keys=True, data=True) if H.is_multigraph()
             else ((u, v, None, d) for u, v, d in H.edges(data=True)))
    for u, v, k, d in edges:
        original = G.edges[u, v, k] if G.is_multigraph() else G.edges[u, v]
        if "type" in d:
            d["relType"] = d.pop("type")
            d["label"] = d["relType"]
        _timed(d, original)
    return H


def to_gexf(G: nx.Graph, path: str | Path) -> None:
    """Write ``G`` as GEXF 1.2 with node and edge time intervals (Gephi's timeline)."""
    nx.write_gexf(gexf_graph(G), str(path))


def to_node_link(G: nx.Graph, path: str | Path) -> None:
    """Write ``G`` as node-link JSON (``nodes`` and ``links``, as D3 reads it)."""
    data = nx.node_link_data(G, edges="links")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, default=_json_default, ensure_ascii=False, indent=1)


# -- neo4j-admin CSV ---------------------------------------------------------

def _value_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, (date, datetime)):
        return "date"
    if isinstance(value, (list, tuple, set)):
        return "string[]"
    return ""


def _header(name: str, kind: str) -> str:
    return f"{name}:{kind}" if kind else name


def _columns(rows: list[dict[str, Any]], known: dict[str, str], first: list[str]) -> list[tuple[str, str]]:
    """(property, neo4j type) for every property the rows use, schema order first."""
    used = {k for r in rows for k, v in r.items() if v is not None}
    cols = [(p, known[p]) for p in first if p in used] + [
        (p, t) for p, t in known.items() if p in used and p not in first]
    extra = sorted(used - set(known) - set(first))
    for p in extra:
        kinds = {_value_type(r[p]) for r in rows if r.get(p) is not None}
        cols.append((p, kinds.pop() if len(kinds) == 1 else ""))
    return cols


def _cell(value: Any, kind: str, delimiter: str, where: Callable[[], str]) -> Any:
    if value is None:
        return None
    if kind == "string[]" or isinstance(value, (list, tuple, set)):
        items = [str(_flat(v)) for v in (value if isinstance(value, (list, tuple, set)) else [value])]
        bad = [v for v in items if delimiter in v]
        if bad:
            raise UsageError(f"{where()}: the value {bad[0]!r} contains the array delimiter {delimiter!r}; "
                             "choose another with --array-delimiter")
        return delimiter.join(items)
    if isinstance(value, bool):
        return "true" if value else "false"
    return _flat(value)


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def to_neo4j_csv(G: nx.MultiDiGraph, folder: str | Path, *, delimiter: str = ";",
                 schema: Schema | None = None) -> ExportReport:
    """Write one CSV file per node label and per relationship type for
    ``neo4j-admin database import full``; the report's ``command`` runs it."""
    if len(delimiter) != 1:
        raise UsageError("the array delimiter must be one character")
    schema = schema or load_schema()
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file; the csv export writes a folder of files")
    out.mkdir(parents=True, exist_ok=True)

    def known(props: dict[str, Any]) -> dict[str, str]:
        return {p.name: NEO4J_TYPES[p.type] for p in props.values()}

    system = {p.name: NEO4J_TYPES[p.type] for p in schema.system.values()}
    files, counts, multiline = [], {}, False
    node_args, rel_args = [], []
    by_label: dict[str, list[tuple[Any, dict[str, Any]]]] = {}
    for n, d in G.nodes(data=True):
        by_label.setdefault(str(d.get("type", "Node")), []).append((n, d))
    for lbl in sorted(by_label):
        items = sorted(by_label[lbl], key=lambda nd: str(nd[0]))
        t = schema.nodes.get(lbl)
        types = {**system, **(known(t.properties) if t else {})}
        types.pop("id", None)
        props = [{k: v for k, v in d.items() if k not in ("id", "type")} for _, d in items]
        cols = _columns(props, types, ["name", "aliases"])
        header = ["id:ID", *(_header(p, k) for p, k in cols), ":LABEL"]
        rows = []
        for (n, _d), pr in zip(items, props, strict=True):
            rows.append([str(n), *(_cell(pr.get(p), k, delimiter, lambda n=n, p=p: f"node {n}, {p}")
                                   for p, k in cols), lbl])
        multiline = multiline or any("\n" in str(c) for r in rows for c in r if c is not None)
        name = f"nodes-{lbl}.csv"
        _write_csv(out / name, header, rows)
        files.append(str(out / name))
        counts[name] = len(rows)
        node_args.append(f"--nodes={name}")
    by_type: dict[str, list[tuple[Any, Any, Any, dict[str, Any]]]] = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        by_type.setdefault(str(d.get("type", "RELATED")), []).append((u, v, k, d))
    for rt in sorted(by_type):
        items = sorted(by_type[rt], key=lambda e: str(e[2]))
        t = schema.relationships.get(rt)
        types = {**system, **(known(t.properties) if t else {})}
        props = [{k: v for k, v in d.items() if k != "type"} for *_, d in items]
        cols = _columns(props, types, ["id"])
        header = [":START_ID", ":END_ID", ":TYPE", *(_header(p, k) for p, k in cols)]
        rows = []
        for (u, v, k, _d), pr in zip(items, props, strict=True):
            rows.append([str(u), str(v), rt,
                         *(_cell(pr.get(p), c, delimiter, lambda k=k, p=p: f"relationship {k}, {p}")
                           for p, c in cols)])
        multiline = multiline or any("\n" in str(c) for r in rows for c in r if c is not None)
        name = f"relationships-{rt}.csv"
        _write_csv(out / name, header, rows)
        files.append(str(out / name))
        counts[name] = len(rows)
        rel_args.append(f"--relationships={name}")
    opts = [f"--array-delimiter='{delimiter}'"] if delimiter != ";" else []
    if multiline:
        opts.append("--multiline-fields=true")
    command = " ".join([f"cd {out} &&", "neo4j-admin database import full", *node_args, *rel_args, *opts,
                        "neo4j"])
    return ExportReport("csv", files, G.number_of_nodes(), G.number_of_edges(), command, counts)


WRITERS: dict[str, Callable[[nx.Graph, str | Path], None]] = {
    "graphml": to_graphml, "gexf": to_gexf, "json": to_node_link,
}


def write(G: nx.MultiDiGraph, fmt: str, path: str | Path, *, delimiter: str = ";") -> ExportReport:
    """Write ``G`` in ``fmt`` (graphml, gexf, json: a file; csv: a folder)."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "csv":
        return to_neo4j_csv(G, path, delimiter=delimiter)
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"{p} is a folder; give a file name, e.g. {p / ('relgraph.' + fmt)}")
    if not p.parent.exists():
        raise UsageError(f"folder {p.parent} does not exist")
    WRITERS[fmt](G, p)
    return ExportReport(fmt, [str(p)], G.number_of_nodes(), G.number_of_edges())
