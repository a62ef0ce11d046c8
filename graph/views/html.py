"""A graph as one self-contained, safe HTML file.

The page is a small template of our own (``assets/view.html``) with
vis-network's script and stylesheet inlined from pyvis's wheel, our own script
and stylesheet, and the graph as JSON in a ``<script type="application/json">``
block. Nothing is fetched from the network: a Content-Security-Policy allows no
connection, only the page's own scripts (by hash) and inline styles.

Data never becomes markup. The JSON escapes ``<``, ``>``, ``&`` and the two
JavaScript line separators, so no text can close the data block; the page's
script reads it with ``JSON.parse`` and puts every name and text into the page
with ``textContent``.

The network's data is built in one pass over the graph (pyvis's ``add_node`` /
``add_edge`` are quadratic and merge parallel edges); each relationship keeps
its own id, and parallel ones are drawn as curves of different roundness.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from importlib import resources
from typing import Any

from relgraph.dates import is_precision, known_props
from relgraph.errors import RelgraphError

VIS_VERSION = "9.1.2"  # the vis-network build shipped in pyvis 0.3.2's wheel
LABEL_MAX = 30  # characters of a name shown under a node; the full name is in the panel
SIZE_RANGE = (10.0, 42.0)  # node sizes when sized by a centrality measure
SPREAD = (300.0, 95.0)  # layout size in pixels: a + b * sqrt(nodes)

# Properties shown by the panel in their own place, or not at all.
HIDDEN_PROPS = frozenset({"id", "type", "name", "sources", "sourceDocs", "origin"})
# Document properties copied into the view to describe a source.
DOC_PROPS = ("name", "author", "publisher", "published", "url", "kind")

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_UNSAFE = re.compile("[<>&\u2028\u2029]")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_SOURCE_MAP = re.compile(r"^[/][/*]# sourceMappingURL=.*$", re.M)


def json_for_html(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: it cannot close it or start markup.

    >>> json_for_html({"name": "</script><img src=x onerror=alert(1)>"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    >>> json.loads(json_for_html(["a & b"])) == ["a & b"]
    True
    """
    text = json.dumps(value, ensure_ascii=False, default=_json_value, allow_nan=False)
    return _UNSAFE.sub(lambda m: _ESCAPES[m.group()], text)


def _json_value(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value, key=str)
    return str(value)


def _plain(value: Any) -> Any:
    """A property value as JSON data (dates as ISO strings, NaN as None)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _span(props: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """When a fact holds, as the analyses' time filters read it (see ``analytics.span``)."""
    starts = [d for d in (props.get("date"), props.get("validFrom"), props.get("born")) if d is not None]
    ends = [d for d in (props.get("validTo"), props.get("died")) if d is not None]
    start = max(starts, key=_iso) if starts else None
    end = min(ends, key=_iso) if ends else None
    return _iso(start), _iso(end)


def _label(name: str) -> str:
    return name if len(name) <= LABEL_MAX else name[: LABEL_MAX - 1].rstrip() + "…"


def _sizes(scores: Mapping[Any, float] | None, nodes: list[Any]) -> dict[Any, float] | None:
    """Centrality scores as node sizes: area grows with the score."""
    if not scores:
        return None
    top = max((abs(float(scores.get(n, 0.0) or 0.0)) for n in nodes), default=0.0)
    lo, hi = SIZE_RANGE
    if top <= 0:
        return dict.fromkeys(nodes, lo)
    return {n: round(lo + (hi - lo) * math.sqrt(abs(float(scores.get(n, 0.0) or 0.0)) / top), 2)
            for n in nodes}


def view_data(G: Any, *, title: str = "relgraph", subtitle: str = "",
              scores: Mapping[Any, float] | None = None, measure: str | None = None,
              documents: Mapping[str, Mapping[str, Any]] | None = None,
              positions: Mapping[Any, tuple[float, float]] | None = None,
              seed: int = 7) -> dict[str, Any]:
    """What the page draws: nodes, edges, styles, cited documents, in one pass over ``G``.

    ``G`` is a networkx graph shaped like :func:`relgraph.analytics.project`'s
    (node attributes ``type``, ``name``, ``status``, ``sources`` ...; edges keyed
    by relationship id with ``type``, ``status`` ...). ``scores`` (node -> number)
    size the nodes; without them each type has its style's size. ``positions``
    default to a seeded spring layout.

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", type="State", name="A", status="confirmed")
    >>> G.add_node("b", type="State", name="B", status="confirmed")
    >>> _ = G.add_edge("a", "b", key="r1", type="BORDERS", status="confirmed")
    >>> _ = G.add_edge("b", "a", key="r2", type="PARTNERSHIP", status="planned", validFrom=date(2024, 6, 19))
    >>> d = view_data(G)
    >>> [(e["id"], e["type"], e["start"]) for e in d["edges"]]
    [('r1', 'BORDERS', None), ('r2', 'PARTNERSHIP', '2024-06-19')]
    >>> [e["curve"] for e in d["edges"]]   # both bend clockwise of their own direction: apart
    [0.2, 0.2]
    """
    from relgraph.schema import load_schema
    from relgraph.style import load_style, style_for

    schema = load_schema()
    style = load_style()
    node_ids = list(G.nodes)
    index = {n: i for i, n in enumerate(node_ids)}
    edge_rows = list(G.edges(keys=True, data=True)) if G.is_multigraph() else [
        (u, v, None, d) for u, v, d in G.edges(data=True)]

    if positions is None:
        from relgraph.views.layout import spring

        xy = spring(len(node_ids), ((index[u], index[v]) for u, v, _k, _d in edge_rows), seed=seed)
        scale = SPREAD[0] + SPREAD[1] * math.sqrt(len(node_ids))
        positions = {n: (float(xy[i][0]) * scale, float(xy[i][1]) * scale) for i, n in enumerate(node_ids)}
    sizes = _sizes(scores, node_ids)

    types_seen: dict[str, int] = {}
    statuses_seen: dict[str, int] = {}
    cited: set[str] = set()
    starts: list[str] = []
    nodes = []
    for n in node_ids:
        d = G.nodes[n]
        ntype = str(d.get("type", ""))
        st = style_for(ntype)
        name = str(d.get(st.get("caption", "name")) or d.get("name") or n)
        start, end = _span(d)
        status = d.get("status")
        types_seen[ntype] = types_seen.get(ntype, 0) + 1
        if status:
            statuses_seen[status] = statuses_seen.get(status, 0) + 1
        sources = [str(s) for s in d.get("sources") or []]
        cited.update(s.partition("|")[0].strip() for s in sources)
        starts += [x for x in (start, end) if x]
        x, y = positions[n]
        nodes.append({
            "id": str(n), "label": _label(name), "name": name, "type": ntype, "status": status,
            "x": round(x, 1), "y": round(y, 1),
            "size": sizes[n] if sizes else st["size"],
            "start": start, "end": end, "sources": sources,
            "props": {k: _plain(v) for k, v in known_props(d).items()
                      if k not in HIDDEN_PROPS and v is not None and not is_precision(k)},
            **({"score": _plain(scores.get(n))} if scores else {}),
        })

    # Parallel relationships (either direction) between the same two nodes: each
    # gets its own curve; the first of an odd number stays straight.
    groups: dict[tuple[int, int], int] = {}
    for u, v, _k, _d in edge_rows:
        key = (index[u], index[v]) if index[u] <= index[v] else (index[v], index[u])
        groups[key] = groups.get(key, 0) + 1
    seen: dict[tuple[int, int], int] = {}
    used: set[str] = set()  # vis-network refuses a second item with the same id
    edges = []
    for i, (u, v, k, d) in enumerate(edge_rows):
        a, b = index[u], index[v]
        pair = (a, b) if a <= b else (b, a)
        j = seen.get(pair, 0)
        seen[pair] = j + 1
        total = groups[pair]
        offset = j + 1 if total % 2 == 0 else j  # 0 (straight), then +1, -1, +2, -2 ...
        step = min(0.2, 0.9 / ((total + 1) // 2))
        curve = 0.0 if offset == 0 else step * ((offset + 1) // 2) * (1 if offset % 2 else -1)
        if a > b:  # vis bends relative to the edge's direction: flip reversed ones
            curve = -curve
        status = d.get("status")
        if status:
            statuses_seen[status] = statuses_seen.get(status, 0) + 1
        start, end = _span(d)
        starts += [x for x in (start, end) if x]
        sources = [str(s) for s in d.get("sources") or []]
        cited.update(s.partition("|")[0].strip() for s in sources)
        edge_id = str(d.get("id") or k or f"edge-{i}")
        if edge_id in used:
            edge_id = f"{edge_id}#{i}"
        used.add(edge_id)
        edges.append({
            "id": edge_id, "from": str(u), "to": str(v),
            "type": str(d.get("type", "")), "status": status, "curve": round(curve, 2),
            "start": start, "end": end, "sources": sources,
            "props": {k2: _plain(v2) for k2, v2 in known_props(d).items()
                      if k2 not in HIDDEN_PROPS and v2 is not None and not is_precision(k2)},
        })

    docs: dict[str, dict[str, Any]] = {}
    for doc_id in sorted(cited):
        doc = (documents or {}).get(doc_id)
        if doc:
            doc = known_props(doc)
            docs[doc_id] = {p: _plain(doc[p]) for p in DOC_PROPS if doc.get(p) is not None}

    type_order = [*style["nodes"], *sorted(t for t in types_seen if t not in style["nodes"])]
    status_order = [*schema.statuses, *sorted(s for s in statuses_seen if s not in schema.statuses)]
    return {
        "meta": {
            "title": title, "subtitle": subtitle, "measure": measure,
            "dateMin": min(starts) if starts else None, "dateMax": max(starts) if starts else None,
        },
        "types": [{"name": t, "count": types_seen[t],
                   **{k: style_for(t)[k] for k in ("color", "shape", "size")}}
                  for t in type_order if t in types_seen],
        "statuses": [{"name": s, "count": statuses_seen.get(s, 0),
                      "line": style["status"].get(s, "solid"),
                      "description": schema.raw.get("statuses", {}).get(s, "")}
                     for s in status_order],
        "edgeColor": style["relationship"]["color"],
        "nodes": nodes,
        "edges": edges,
        "documents": docs,
    }


def _asset(name: str) -> str:
    return resources.files("relgraph.views").joinpath("assets", name).read_text("utf-8")


def _vis(name: str) -> str:
    try:
        lib = resources.files("pyvis").joinpath("lib", f"vis-{VIS_VERSION}", name)
        # No source map: the file names one that is not there (and developer tools would fetch it).
        return _SOURCE_MAP.sub("", lib.read_text("utf-8"))
    except (ModuleNotFoundError, FileNotFoundError) as e:
        raise RelgraphError(f"cannot read vis-network {VIS_VERSION} from pyvis ({e}); "
                            "reinstall relgraph (it needs pyvis==0.3.2)") from None


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


@functools.cache
def _scripts() -> tuple[str, str]:
    scripts = (_vis("vis-network.min.js"), _asset("view.js"))
    for s in scripts:
        if "</script" in s.lower():  # would end the element early; never true of the bundled files
            raise RelgraphError("a bundled script contains '</script'; cannot inline it")
    return scripts


def view_policy() -> str:
    """The Content-Security-Policy of every view page: its own two scripts (by hash), inline
    styles, data: images, nothing fetched (``relgraph serve`` sends it as a header too)."""
    return "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(_sha256(s) for s in _scripts()),
        "style-src 'unsafe-inline'",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ])


def render_html(data: Mapping[str, Any]) -> str:
    """The page for :func:`view_data`'s result: one string, no outside references."""
    scripts = _scripts()
    csp = view_policy()
    parts = {
        "CSP": html.escape(csp),
        "TITLE": html.escape(str(data["meta"]["title"])),
        "VIS_CSS": _vis("vis-network.css"),
        "CSS": _asset("view.css"),
        "DATA": json_for_html(data),
        "VIS_JS": scripts[0],
        "JS": scripts[1],
    }
    # One pass: text put in is never scanned again for placeholders.
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], _asset("view.html"))
