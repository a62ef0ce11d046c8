"""Exports for other tools: GraphML, GEXF (Gephi, with a timeline), node-link JSON
(D3 and other web tools) and CSV files for ``neo4j-admin database import``.

GraphML and GEXF have no list or date types: lists are written as text joined
with ``"; "`` and dates as ``YYYY-MM-DD``, or as much of it as is known
(``2008``, ``1996-09``). Node-link JSON keeps lists, with dates as ISO strings
cut the same way. The neo4j-admin CSV keeps Neo4j's date type (a partial date
as its period's first or last day) and the ``…Precision`` properties beside it.
In GEXF the relationship type is the edge ``label`` (and the attribute
``relType``: GEXF reserves ``type`` for directed/undirected), node colours
and sizes come from ``style.yaml``, and every node and edge carries
``start``/``end`` from its ``date``/``validFrom``/``validTo`` (see
:func:`~relgraph.analytics.project.span`), so Gephi's timeline shows the
network as ``--as-of`` would.

The neo4j-admin CSV files are one per node label (``id:ID,name,...,:LABEL``)
and one per relationship type (``:START_ID,:END_ID,:TYPE,...``), with typed
headers from the schema (``validFrom:date``, ``aliases:string[]``), plus
``relgraph-export.txt`` holding the import command. They are data for Neo4j,
not for spreadsheets, so values are written exactly as they are:

- Every text (ids, labels, types, strings, arrays) is quoted with ``"``, a
  ``"`` inside doubled (RFC 4180); numbers, booleans and dates are bare; no
  value is an empty, unquoted field. Texts may hold line breaks, ``,``, ``;``
  and ``|`` (citations do).
- Array items are joined by U+001F (the unit separator), which no item can
  hold: the loaders refuse control characters other than tab and line break in
  any text. ``--array-delimiter`` chooses another; a value holding it is refused.
- The folder appears whole or not at all: it is written under a temporary name
  beside the target and renamed (:func:`relgraph.outputs.atomic_folder`).

Import it into an empty, stopped database with exactly these options (the
report's ``command``, printed by ``relgraph export``)::

    cd FOLDER && neo4j-admin database import full \\
        --nodes=nodes-Label.csv ... --relationships=relationships-TYPE.csv ... \\
        --array-delimiter=$'\\x1f' --multiline-fields=true --legacy-style-quoting=false neo4j

``--array-delimiter`` takes the one character U+001F itself (bash: ``$'\\x1f'``;
from Python's subprocess: ``"--array-delimiter=\\x1f"``).
``--multiline-fields=true`` because a quoted text may hold line breaks;
``--legacy-style-quoting=false`` (the default in Neo4j 5) because a backslash
is data, not an escape. Leave the rest at the defaults: ``--delimiter=,``,
``--quote='"'``, ``--id-type=string``, ``--trim-strings=false``,
``--ignore-empty-strings=false``, ``--input-encoding=UTF-8``.
"""

from __future__ import annotations

import json
import math
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import networkx as nx

from relgraph.analytics import EXPORT_FORMATS
from relgraph.analytics.project import analysis_config, span
from relgraph.dates import known_props
from relgraph.errors import UsageError
from relgraph.outputs import FOLDER_MARKER, atomic_file, atomic_folder, check_target
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
    """A copy of ``G`` with every attribute flattened (see :func:`_flat`), None dropped, and
    partial dates as they are known (``2008``, ``1996-09``; their ``…Precision`` kept)."""
    H = G.__class__(**{k: _flat(v) for k, v in G.graph.items() if v is not None})
    H.add_nodes_from((n, {k: _flat(v) for k, v in known_props(d).items() if v is not None})
                     for n, d in G.nodes(data=True))
    if G.is_multigraph():
        H.add_edges_from((u, v, k, {a: _flat(x) for a, x in known_props(d).items() if x is not None})
                         for u, v, k, d in G.edges(keys=True, data=True))
    else:
        H.add_edges_from((u, v, {a: _flat(x) for a, x in known_props(d).items() if x is not None})
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
    data["nodes"] = [known_props(n) for n in data["nodes"]]  # partial dates as they are known
    data["links"] = [known_props(e) for e in data["links"]]
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, default=_json_default, ensure_ascii=False, indent=1, allow_nan=False)


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


ARRAY_DELIMITER = "\x1f"  # U+001F, the unit separator: the loaders refuse it in any text (see below)


def neo4j_char(text: str) -> str:
    """One character, as ``--array-delimiter`` takes it: itself, ``TAB`` or ``U+XXXX``.

    >>> neo4j_char("U+001F") == ARRAY_DELIMITER, neo4j_char("^"), neo4j_char("TAB")
    (True, '^', '\\t')
    """
    if text.upper() == "TAB":
        return "\t"
    if re.fullmatch(r"[Uu]\+[0-9A-Fa-f]{4}", text):
        return chr(int(text[2:], 16))
    if len(text) != 1:
        raise UsageError(f"the array delimiter {text!r} is not one character; give one character, "
                         "TAB or U+XXXX (default U+001F)")
    return text


def _shell_char(ch: str) -> str:
    """``ch`` as one shell word (bash's $'\\xNN' for a control character)."""
    if ch.isprintable() and ch not in "'\\":
        return f"'{ch}'"
    return "$'" + "".join(f"\\x{ord(c):02x}" if ord(c) < 0x80 else c for c in ch) + "'"


def _cell(value: Any, kind: str, delimiter: str, where: Callable[[], str]) -> str | None:
    """A value as neo4j-admin reads it, or None for no value (an empty, unquoted field).

    Text is always quoted (so an empty text stays a text), a quote inside it doubled as
    RFC 4180 and ``neo4j-admin`` (without ``--legacy-style-quoting``) read it; numbers,
    booleans and dates are bare.
    """
    if value is None:
        return None
    if kind == "string[]" or isinstance(value, (list, tuple, set)):
        items = [str(_flat(v)) for v in (value if isinstance(value, (list, tuple, set)) else [value])]
        bad = [v for v in items if delimiter in v]
        if bad:
            raise UsageError(f"{where()}: the value {bad[0]!r} contains the array delimiter {delimiter!r}; "
                             "choose another with --array-delimiter")
        return _quote(delimiter.join(items))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        raise UsageError(f"{where()}: {value!r} is not a finite number; neo4j-admin cannot read it")
    if isinstance(value, (int, float)) and kind in ("long", "double"):
        return repr(value)
    flat = _flat(value)
    if kind == "date":
        return str(flat)
    return _quote(str(flat))


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _write_csv(path: Path, header: list[str], rows: list[list[str | None]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(header) + "\n")  # names from the schema: nothing to quote
        for r in rows:
            fh.write(",".join("" if c is None else c for c in r) + "\n")


# The options ``neo4j-admin database import full`` needs for these files, besides the
# --nodes and --relationships: everything else stays at its default (--delimiter=',',
# --quote='"', --id-type=string, --trim-strings=false, --ignore-empty-strings=false,
# --input-encoding=UTF-8).
IMPORT_OPTIONS = ("--multiline-fields=true", "--legacy-style-quoting=false")


def to_neo4j_csv(G: nx.MultiDiGraph, folder: str | Path, *, delimiter: str = ARRAY_DELIMITER,
                 schema: Schema | None = None, store: str | None = None) -> ExportReport:
    """Write one CSV file per node label and per relationship type for
    ``neo4j-admin database import full``; the report's ``command`` runs it.

    The folder appears whole or not at all (see :func:`relgraph.outputs.atomic_folder`).
    """
    delimiter = neo4j_char(delimiter)
    if delimiter in ',"\n\r':
        raise UsageError(f"the array delimiter cannot be {delimiter!r}: the CSV files use it")
    schema = schema or load_schema()
    out = Path(folder)

    def known(props: dict[str, Any]) -> dict[str, str]:
        return {p.name: NEO4J_TYPES[p.type] for p in props.values()}

    system = {p.name: NEO4J_TYPES[p.type] for p in schema.system.values()}
    files, counts = [], {}
    node_args, rel_args = [], []
    with atomic_folder(out, store, prefixes=("nodes-", "relationships-")) as tmp:
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
                rows.append([_quote(str(n)),
                             *(_cell(pr.get(p), k, delimiter, lambda n=n, p=p: f"node {n}, {p}")
                               for p, k in cols), _quote(lbl)])
            name = f"nodes-{lbl}.csv"
            _write_csv(tmp / name, header, rows)
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
                rows.append([_quote(str(u)), _quote(str(v)), _quote(rt),
                             *(_cell(pr.get(p), c, delimiter, lambda k=k, p=p: f"relationship {k}, {p}")
                               for p, c in cols)])
            name = f"relationships-{rt}.csv"
            _write_csv(tmp / name, header, rows)
            files.append(str(out / name))
            counts[name] = len(rows)
            rel_args.append(f"--relationships={name}")
        opts = [f"--array-delimiter={_shell_char(delimiter)}", *IMPORT_OPTIONS]
        command = " ".join([f"cd {shlex.quote(str(out))} &&", "neo4j-admin database import full",
                            *node_args, *rel_args, *opts, "neo4j"])
        (tmp / FOLDER_MARKER).write_text(
            "Written by relgraph for neo4j-admin; load into an empty, stopped database with:\n"
            f"{command}\n", encoding="utf-8")
    return ExportReport("csv", files, G.number_of_nodes(), G.number_of_edges(), command, counts)


# What XML 1.0 cannot hold (control characters but tab and line feed; a carriage return
# would come back as a line feed) and what no UTF-8 file can (lone surrogates).
_NOT_XML = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_UTF8 = re.compile(r"[\ud800-\udfff]")


def check_values(G: nx.Graph, fmt: str) -> None:
    """Refuse a graph whose values ``fmt`` cannot carry exactly, naming the node or
    relationship, the property and the character: a strict parser must read every export
    back (NaN and infinities are not JSON, and XML has no control characters).

    The loaders refuse such values; a graph from elsewhere (a notebook, an older store) may
    still hold them.
    """
    text_re = _NOT_XML if fmt in ("graphml", "gexf") else _NOT_UTF8

    def scan(where: str, key: Any, value: Any) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            raise UsageError(f"{where}, {key}: {value!r} is not a finite number; {fmt} cannot hold it "
                             "(fix: correct or remove the value)")
        if isinstance(value, str):
            m = text_re.search(value)
            if m:
                raise UsageError(f"{where}, {key}: the text {value[:40]!r} holds U+{ord(m.group()):04X}, "
                                 f"which {fmt} cannot hold (fix: remove it from the data)")
        elif isinstance(value, (list, tuple, set)):
            for v in value:
                scan(where, key, v)

    for n, d in G.nodes(data=True):
        scan(f"node {n!r}", "id", str(n))
        for k, v in d.items():
            scan(f"node {n!r}", k, v)
    edges = (G.edges(keys=True, data=True) if G.is_multigraph()
             else ((u, v, None, d) for u, v, d in G.edges(data=True)))
    for u, v, k, d in edges:
        for key, val in d.items():
            scan(f"relationship {k if k is not None else (u, v)!r}", key, val)


WRITERS: dict[str, Callable[[nx.Graph, str | Path], None]] = {
    "graphml": to_graphml, "gexf": to_gexf, "json": to_node_link,
}


def write(G: nx.MultiDiGraph, fmt: str, path: str | Path, *, delimiter: str = ARRAY_DELIMITER,
          store: str | None = None) -> ExportReport:
    """Write ``G`` in ``fmt`` (graphml, gexf, json: a file; csv: a folder), whole or not at
    all, never over the store at ``store`` (see :mod:`relgraph.outputs`)."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    check_target(path, store, folder=fmt == "csv")
    check_values(G, fmt)
    if fmt == "csv":
        return to_neo4j_csv(G, path, delimiter=delimiter, store=store)
    p = Path(path)
    with atomic_file(p, store) as tmp:
        WRITERS[fmt](G, tmp)
    return ExportReport(fmt, [str(p)], G.number_of_nodes(), G.number_of_edges())
