"""The web application of ``relgraph serve``: routes, pages and the JSON API.

Each handler parses the request, calls one library function with the store the
server holds open (lent through :class:`relgraph.store.Borrowed`), and renders
a template or JSON. One request uses the store at a time (a lock): the engines'
connections are not shared between threads.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict
from datetime import date
from importlib import resources
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from relgraph import __version__
from relgraph.dates import is_precision, known, when
from relgraph.errors import NotFoundError, RelgraphError, StoreError, UsageError
from relgraph.formats import _json_default, cell, to_csv
from relgraph.model import Citation
from relgraph.store import Store

# Everything a page may load comes from this server; nothing else, not even a connection.
POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'self'",
    "frame-ancestors 'self'",
    "form-action 'self'",
    "base-uri 'none'",
])
HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Cache-Control": "no-store"}
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]
PAGE_ROWS = 100  # rows of a query's table per page
MAX_ROWS = 1000  # the most rows a page (or ?limit=) shows at once
FOUND_PER_PAGE = 50
STATIC = {"site.css": "text/css; charset=utf-8", "site.js": "text/javascript; charset=utf-8"}
# Request keys of a query page that are not the query's parameters.
PAGE_KEYS = frozenset({"run", "sort", "desc", "offset", "limit", "format", "graph"})


class Site:
    """What the handlers share: the open store, its lock, the queries, the templates."""

    def __init__(self, store: Store, *, queries_dirs: Iterable[str] | None = None,
                 cypher_timeout: float | None = None):
        from relgraph.queries import load_queries
        from relgraph.schema import load_schema

        self.store = store
        self.cypher_timeout = cypher_timeout  # None: free Cypher is off
        self.lock = threading.Lock()
        # Views (0.2-0.5 s each on the bundled data) are kept while the store cannot change:
        # the embedded store is open read-only, and its lock keeps every writer out. A Neo4j
        # database may change under the server, so its views are drawn anew each time.
        self.views: OrderedDict[str, str] | None = OrderedDict() if store.dialect == "ladybug" else None
        self._names: Any = None  # the name index of search, kept likewise
        self.kept: dict[Any, Any] | None = {} if self.views is not None else None  # what views read
        # None: the folders in $RELGRAPH_QUERIES, as the CLI reads them.
        self.queries_dirs = list(queries_dirs) if queries_dirs is not None else None
        load_queries(self.queries_dirs)  # a bad query file stops the start, with its file and line
        schema = load_schema()
        self.node_types = sorted(schema.nodes)
        self.statuses = list(schema.statuses)
        self.env = Environment(loader=PackageLoader("relgraph.serve", "templates"),
                               autoescape=select_autoescape(default=True, default_for_string=True))
        self.env.filters.update(cell=cell, when=when, node_url=node_url, known=known, web_url=web_url)
        self.env.globals.update(dict=dict, zip=zip)
        self.env.globals.update(version=__version__, location=store.location, qs=qs,
                                cypher=cypher_timeout is not None)

    def queries(self) -> list[Any]:
        """Every stored query, by name (files are read again; a changed one is parsed again)."""
        from relgraph.queries import load_queries

        return list(load_queries(self.queries_dirs).values())

    def names(self) -> Any:
        """The store's :class:`relgraph.api.NameIndex` (call with the lock held)."""
        from relgraph.api import NameIndex

        if self.views is None:  # Neo4j: read anew
            return NameIndex(self.store)
        if self._names is None:
            self._names = NameIndex(self.store)
        return self._names

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        text = self.env.get_template(template).render(request=request, path=request.url.path, **context)
        return HTMLResponse(text, status_code=status, headers={**HEADERS, "Content-Security-Policy": POLICY})


def node_url(node_id: str) -> str:
    """The node page's address: ``/nodes/state:PRK``."""
    return "/nodes/" + quote(str(node_id), safe=":")


def web_url(url: Any) -> str | None:
    """``url`` if it is an http(s) address (a link a page may show), else None."""
    text = str(url or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else None


def qs(pairs: Iterable[tuple[str, Any]] | Mapping[str, Any], **change: Any) -> str:
    """A query string from ``pairs`` (repeated keys kept) with ``change`` set (None removes)."""
    items = list(pairs.items()) if isinstance(pairs, Mapping) else list(pairs)
    items = [(k, v) for k, v in items if k not in change] + [
        (k, v) for k, v in change.items() if v is not None]
    return urlencode([(k, v) for k, v in items if v not in (None, "")])


def _json(value: Any, status: int = 200) -> Response:
    text = json.dumps(value, default=_json_default, ensure_ascii=False, indent=2)
    return Response(text, status_code=status, media_type="application/json",
                    headers={**HEADERS, "Content-Security-Policy": POLICY})


def _error_status(e: RelgraphError) -> int:
    if isinstance(e, NotFoundError):
        return 404
    if isinstance(e, UsageError):
        return 400
    return 500


# -- library calls: one per request, with the store lent ---------------------------------


def search(site: Site, request: Request) -> dict[str, Any]:
    q = request.query_params
    text = q.get("q", "")
    types = [t for t in q.getlist("type") if t] or None
    statuses = [s for s in q.getlist("status") if s] or None
    for t in types or []:
        if t not in site.node_types:
            raise UsageError(f"unknown node type {t!r}; use one of: {', '.join(site.node_types)}")
    for s in statuses or []:
        if s not in site.statuses:
            raise UsageError(f"unknown status {s!r}; use one of: {', '.join(site.statuses)}")
    offset = _int(q.get("offset"), "offset", 0)
    limit = min(_int(q.get("limit"), "limit", FOUND_PER_PAGE), MAX_ROWS)
    if not text and not types and not statuses:
        return {"q": text, "type": [], "status": [], "total": 0, "offset": 0, "limit": limit, "nodes": []}
    with site.lock:
        found, total = site.names().find(text, types=types, statuses=statuses, limit=offset + limit)
    return {"q": text, "type": types or [], "status": statuses or [], "total": total, "offset": offset,
            "limit": limit, "nodes": [asdict(f) for f in found[offset:]]}


def show(site: Site, node_id: str, *, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
    from relgraph import api

    with site.lock:
        report = api.show(node_id, store=site.store, offset=offset, limit=limit)
    return {"node": report.node, "relationships": report.relationships, "documents": report.documents,
            "total": report.total}


def query_values(request: Request) -> dict[str, Any]:
    """A query page's parameters from its URL: repeated names make lists; blanks are not given."""
    from relgraph.queries import gather

    return gather((k, v) for k, v in request.query_params.multi_items()
                  if k not in PAGE_KEYS and v.strip() != "")


def run(site: Site, name: str, request: Request, *, paged: bool) -> dict[str, Any]:
    """The query's rows, sorted and cut as the URL asks (``sort``, ``desc``, ``offset``, ``limit``)."""
    from relgraph.queries import find_query, run_query

    q = find_query(name, site.queries_dirs)
    params = query_values(request)
    with site.lock:
        result = run_query(name, params, store=site.store, extra=site.queries_dirs)
    return {"query": q, "params": dict(result.params), "given": params,
            **cut(result.columns, result.rows, request, paged=paged)}


def cut(columns: list[str], rows: list[list[Any]], request: Request, *, paged: bool) -> dict[str, Any]:
    """``rows`` sorted and cut as the URL asks: ``sort`` (a column), ``desc``, ``offset``,
    ``limit`` (a page shows :data:`PAGE_ROWS` by default, at most :data:`MAX_ROWS`)."""
    qp = request.query_params
    offset = _int(qp.get("offset"), "offset", 0)
    limit_text = qp.get("limit")
    limit = _int(limit_text, "limit", PAGE_ROWS) if paged or limit_text else None
    if paged and limit is not None:
        limit = min(limit, MAX_ROWS)
    sort = qp.get("sort")
    if sort:
        if sort not in columns:
            raise UsageError(f"cannot sort by {sort!r}: the columns are {', '.join(columns)}")
        i = columns.index(sort)
        desc = qp.get("desc") in ("1", "true")
        filled = [r for r in rows if r[i] is not None]
        filled.sort(key=lambda row: _sort_key(row[i]), reverse=desc)
        rows = filled + [r for r in rows if r[i] is None]  # nulls last either way
    shown = rows[offset:] if limit is None else rows[offset:offset + limit]
    return {"columns": columns, "rows": shown, "total": len(rows), "offset": offset, "limit": limit}


def analysis_values(request: Request) -> dict[str, Any]:
    return {k: v for k, v in request.query_params.items() if k not in PAGE_KEYS and v.strip() != ""}


def analyse(site: Site, name: str, request: Request, *, paged: bool) -> dict[str, Any]:
    from relgraph.serve.analyses import run as run_analysis

    values = analysis_values(request)
    with site.lock:
        title, columns, rows = run_analysis(name, site.store, values)
    return {"title": title, "given": values, **cut(columns, rows, request, paged=paged)}


def _sort_key(value: Any) -> tuple[int, Any]:
    """Numbers, then texts and dates together (a partial date, "2008", is text and sorts
    before 2008-01-05), then anything else by its text."""
    if isinstance(value, bool):
        return (2, str(value))
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, (str, date)):
        return (1, value if isinstance(value, str) else value.isoformat())
    return (2, cell(value))


def _int(text: str | None, name: str, default: int) -> int:
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{name}={text!r}: give a whole number") from None
    if value < 0:
        raise UsageError(f"{name}={value}: give 0 or more")
    return value


def _query_info(q: Any) -> dict[str, Any]:
    from relgraph.queries.params import TYPES, vocabulary

    return {
        "name": q.name, "description": q.description, "doc": q.doc, "mode": q.mode,
        "params": [{
            "name": p.name, "type": p.type, "help": p.help, "required": p.required,
            "default": p.default_text, "bounds": list(p.bounds) if p.bounds else None,
            "kind": TYPES[p.base], "choices": vocabulary(p.base) if p.has_vocabulary else None,
        } for p in q.params],
    }


# -- handlers ----------------------------------------------------------------------------


def handler(fn: Callable[[Site, Request], Response], *, api: bool = False) -> Callable[..., Any]:
    """A route's endpoint: ``fn`` with the site, library errors as pages or JSON."""

    def endpoint(request: Request) -> Response:
        site: Site = request.app.state.site
        try:
            return fn(site, request)
        except RelgraphError as e:
            status = _error_status(e)
            if api:
                return _json({"error": str(e), "kind": type(e).__name__}, status)
            return site.page(request, "error.html", status, message=str(e), code=status,
                             suggestions=getattr(e, "suggestions", []), title="Error")

    return endpoint


def home(site: Site, request: Request) -> Response:
    result = search(site, request)
    return site.page(request, "search.html", result=result, node_types=site.node_types,
                     statuses=site.statuses, title="Find a node")


def node_page(site: Site, request: Request) -> Response:
    from relgraph.api import resolve

    node_id = request.path_params["node_id"]
    with site.lock:
        found = resolve(site.store, node_id)
    if found != node_id:  # a name or alias: the page's address is the id's (and the same options)
        query = str(request.url.query)
        return RedirectResponse(node_url(found) + (f"?{query}" if query else ""), status_code=303)
    qp = request.query_params
    offset = _int(qp.get("offset"), "offset", 0)
    limit = min(_int(qp.get("limit"), "limit", PAGE_ROWS), MAX_ROWS)
    report = show(site, node_id, offset=offset, limit=limit)
    refs: dict[str, int] = {}
    for item in (report["node"], *report["relationships"]):
        for s in item.get("sources") or []:
            refs.setdefault(s, len(refs) + 1)
    sources = []
    for s, i in refs.items():
        c = Citation.parse(s)
        sources.append({"n": i, "doc": c.doc, "locator": c.locator,
                        "document": report["documents"].get(c.doc, {})})
    n = report["node"]
    props = [(k, v) for k, v in n.items()
             if k not in SHOWN_FIRST and v not in (None, [], "") and not is_precision(k)]
    depth = _int(request.query_params.get("depth"), "depth", 1)
    return site.page(request, "node.html", node=n, props=props, rels=report["relationships"], refs=refs,
                     sources=sources, depth=min(max(depth, 1), 3), title=str(n.get("name", node_id)),
                     rel_shown=REL_SHOWN, drawn=n.get("type") not in UNDRAWN, total=report["total"],
                     offset=offset, limit=limit, pairs=qp.multi_items())


UNDRAWN = frozenset({"Document"})  # views show documents as the sources of what they draw, not as nodes
SHOWN_FIRST = ("name", "type", "id", "aliases", "status", "date", "datePrecision", "validFrom",
               "validTo", "description", "note", "sources")
REL_SHOWN = frozenset({"type", "direction", "other", "id", "status", "sources", "date", "datePrecision",
                       "validFrom", "validTo", "note", "description"})


def queries_page(site: Site, request: Request) -> Response:
    qs_ = site.queries()
    return site.page(request, "queries.html", queries=qs_, title="Stored queries")


def query_page(site: Site, request: Request) -> Response:
    from relgraph.queries import find_query

    name = request.path_params["name"]
    q = find_query(name, site.queries_dirs)
    info = _query_info(q)
    result, error = None, None
    if request.query_params.get("run"):
        try:
            result = run(site, name, request, paged=True)
        except UsageError as e:
            error = str(e)
    given = query_values(request)
    pairs = request.query_params.multi_items()
    status = 400 if error else 200
    return site.page(request, "query.html", status, query=q, info=info, given=given, result=result,
                     error=error, pairs=pairs, title=f"Query {q.name}",
                     graph=request.query_params.get("graph") == "1")


def timeline_page(site: Site, request: Request) -> Response:
    """The stored query ``timeline`` as a page of events year by year (its rows, its graph)."""
    from relgraph.queries import find_query

    q = find_query("timeline", site.queries_dirs)
    result, error = None, None
    try:
        result = run(site, "timeline", request, paged=True)
    except UsageError as e:
        error = str(e)
    return site.page(request, "timeline.html", 400 if error else 200, info=_query_info(q),
                     given=query_values(request), result=result, error=error, title="Timeline",
                     pairs=request.query_params.multi_items(), graph=request.query_params.get("graph") == "1")


def analyses_page(site: Site, request: Request) -> Response:
    from relgraph.serve.analyses import ANALYSES

    return site.page(request, "analyses.html", analyses=list(ANALYSES.values()), title="Analyses")


def analysis_page(site: Site, request: Request) -> Response:
    from relgraph.serve.analyses import ANALYSES, FILTERS

    name = request.path_params["name"]
    a = ANALYSES.get(name)
    if a is None:
        raise UsageError(f"no analysis named {name!r}; use one of {', '.join(ANALYSES)}")
    result, error, title = None, None, ""
    if request.query_params.get("run"):
        try:
            result = analyse(site, name, request, paged=True)
            title = result["title"]
        except UsageError as e:
            error = str(e)
    given = analysis_values(request)
    filter_fields = [f for f in FILTERS if a.as_of or f["name"] != "as_of"]
    return site.page(request, "analysis.html", 400 if error else 200, analysis=a, given=given,
                     result=result, error=error, title=title or f"Analysis {name}",
                     pairs=request.query_params.multi_items(), filter_fields=filter_fields,
                     filtered=any(given.get(f["name"]) not in (None, f["default"]) for f in filter_fields))


def _format(request: Request) -> str:
    fmt = request.query_params.get("format", "json")
    if fmt not in ("json", "csv"):
        raise UsageError(f"format={fmt!r}: use json or csv")
    return fmt


def _rows(r: Mapping[str, Any], fmt: str, name: str, head: Mapping[str, Any]) -> Response:
    """Rows as CSV (a download named ``name``.csv), or as JSON objects after ``head``."""
    if fmt == "csv":
        return Response(to_csv(r["columns"], r["rows"]), media_type="text/csv; charset=utf-8",
                        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{name}.csv"'})
    rows = [dict(zip(r["columns"], row, strict=True)) for row in r["rows"]]
    return _json({**head, "columns": r["columns"], "total": r["total"], "offset": r["offset"],
                  "limit": r["limit"], "rows": rows})


def api_analysis(site: Site, request: Request) -> Response:
    name, fmt = request.path_params["name"], _format(request)
    r = analyse(site, name, request, paged=False)
    return _rows(r, fmt, name, {"analysis": name, "title": r["title"]})


CYPHER_OFF = "free Cypher is off; start the server with relgraph serve --allow-cypher"


def cypher(site: Site, request: Request, *, paged: bool) -> dict[str, Any]:
    from relgraph.queries import run_read

    if site.cypher_timeout is None:
        raise UsageError(CYPHER_OFF)
    text = request.query_params.get("q", "")
    try:
        with site.lock:
            columns, rows = run_read(text, store=site.store, timeout=site.cypher_timeout)
    except StoreError as e:  # the statement's own fault (syntax, a write, the time limit): a 400
        raise UsageError(str(e)) from None
    return {"q": text, **cut(columns, rows, request, paged=paged)}


def cypher_page(site: Site, request: Request) -> Response:
    if site.cypher_timeout is None:
        return site.page(request, "error.html", 404, code=404, title="Cypher is off", suggestions=[],
                         message=CYPHER_OFF)
    result, error = None, None
    if request.query_params.get("q", "").strip():
        try:
            result = cypher(site, request, paged=True)
        except UsageError as e:
            error = str(e)
    return site.page(request, "cypher.html", 400 if error else 200, result=result, error=error,
                     q=request.query_params.get("q", ""), timeout=site.cypher_timeout,
                     pairs=request.query_params.multi_items(), title="Cypher")


def api_cypher(site: Site, request: Request) -> Response:
    if site.cypher_timeout is None:
        return _json({"error": CYPHER_OFF, "kind": "UsageError"}, 404)
    r = cypher(site, request, paged=False)
    return _rows(r, "json", "cypher", {"q": r["q"]})


def api_search(site: Site, request: Request) -> Response:
    return _json(search(site, request))


def api_node(site: Site, request: Request) -> Response:
    qp = request.query_params
    if "limit" in qp or "offset" in qp:  # a page of the relationships, and how many there are
        return _json(show(site, request.path_params["node_id"], offset=_int(qp.get("offset"), "offset", 0),
                          limit=_int(qp.get("limit"), "limit", PAGE_ROWS)))
    r = show(site, request.path_params["node_id"])
    del r["total"]  # the same object as `relgraph show --format json`
    return _json(r)


def api_queries(site: Site, request: Request) -> Response:
    return _json([_query_info(q) for q in site.queries()])


def api_query(site: Site, request: Request) -> Response:
    name, fmt = request.path_params["name"], _format(request)
    r = run(site, name, request, paged=False)
    return _rows(r, fmt, name, {"query": name, "params": r["params"]})


def view_node(site: Site, request: Request) -> Response:
    from relgraph.views import page

    depth = _int(request.query_params.get("depth"), "depth", 1)
    if not 1 <= depth <= 3:
        raise UsageError(f"depth={depth}: give 1, 2 or 3")
    return _view(site, request, lambda: page(store=site.store, focus=request.path_params["node_id"],
                                             depth=depth, kept=site.kept).html)


def view_query(site: Site, request: Request) -> Response:
    from relgraph.views import page

    name = request.path_params["name"]
    return _view(site, request, lambda: page(store=site.store, query=name, params=query_values(request),
                                             queries_dirs=site.queries_dirs, kept=site.kept).html)


def _view(site: Site, request: Request, draw: Callable[[], str]) -> Response:
    from relgraph.views.html import view_policy

    key = str(request.url.path) + "?" + str(request.url.query)
    with site.lock:
        html = site.views.get(key) if site.views is not None else None
        if html is None:
            html = draw()
            if site.views is not None:
                site.views[key] = html
                while len(site.views) > VIEWS_KEPT:
                    site.views.popitem(last=False)
        elif site.views is not None:
            site.views.move_to_end(key)
    # The page carries its policy in a <meta>; the header says the same, and who may frame it.
    return HTMLResponse(html, headers={**HEADERS,
                                       "Content-Security-Policy": view_policy() + "; frame-ancestors 'self'"})


VIEWS_KEPT = 32  # views kept (about 1 MB each: vis-network is inlined in every page)


def static(site: Site, request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC:
        return Response("not found", status_code=404, media_type="text/plain", headers=HEADERS)
    text = resources.files("relgraph.serve").joinpath("static", name).read_text("utf-8")
    return Response(text, media_type=STATIC[name],
                    headers={**HEADERS, "Cache-Control": "max-age=3600", "Content-Security-Policy": POLICY})


def openapi(site: Site, request: Request) -> Response:
    from relgraph.serve.openapi import document

    return _json(document(__version__))


def _check_timeout(seconds: float | None) -> None:
    if seconds is not None and not (0 < seconds < float("inf")):  # nan fails both
        raise UsageError(f"--cypher-timeout {seconds}: give a number of seconds above 0")


def create_app(store: Store, *, queries_dirs: Iterable[str] | None = None,
               allowed_hosts: Iterable[str] | None = None, cypher_timeout: float | None = None) -> Starlette:
    """The ASGI application over ``store`` (open, read-only: the caller closes it).

    ``cypher_timeout`` (seconds) turns on free Cypher (``/cypher``, ``/api/cypher``): read-only
    statements, each stopped after that long. None (the default): off.

    ``allowed_hosts`` are the Host headers it answers (default: the loopback names), so a
    web page elsewhere cannot reach it through a name that resolves to 127.0.0.1.
    """
    routes = [
        Route("/", handler(home)),
        Route("/nodes/{node_id:path}", handler(node_page)),
        Route("/queries", handler(queries_page)),
        Route("/queries/{name}", handler(query_page)),
        Route("/timeline", handler(timeline_page)),
        Route("/analyze", handler(analyses_page)),
        Route("/analyze/{name}", handler(analysis_page)),
        Route("/cypher", handler(cypher_page)),
        Route("/view/nodes/{node_id:path}", handler(view_node)),
        Route("/view/queries/{name}", handler(view_query)),
        Route("/static/{name}", handler(static)),
        Route("/api/search", handler(api_search, api=True)),
        Route("/api/nodes/{node_id:path}", handler(api_node, api=True)),
        Route("/api/queries", handler(api_queries, api=True)),
        Route("/api/queries/{name}", handler(api_query, api=True)),
        Route("/api/analyze/{name}", handler(api_analysis, api=True)),
        Route("/api/cypher", handler(api_cypher, api=True)),
        Route("/api/openapi.json", handler(openapi, api=True)),
    ]
    _check_timeout(cypher_timeout)
    hosts = list(allowed_hosts) if allowed_hosts is not None else LOOPBACK_HOSTS
    app = Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts)])
    app.state.site = Site(store, queries_dirs=queries_dirs, cypher_timeout=cypher_timeout)
    return app


def serve(store: str | None = None, *, host: str = "127.0.0.1", port: int = 8000,
          queries_dirs: Iterable[str] | None = None, cypher_timeout: float | None = None,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve the store at ``store`` read-only until interrupted (Ctrl-C stops it cleanly).

    ``on_ready`` gets the address once the server listens (the CLI prints it and may open
    a browser). Any host but the loopback ones serves to other machines: the CLI asks for
    an explicit flag. A port in use is a :class:`UsageError`.
    """
    import asyncio
    import socket

    import uvicorn

    from relgraph.store import open_store

    _check_timeout(cypher_timeout)
    shown = f"[{host}]" if ":" in host else host
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: without it, a keep-alive response waited 40 ms for
        # the client's delayed ACK (Nagle), as uvicorn's own sockets do not.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise UsageError(f"cannot listen on {shown}:{port}: {e.strerror or e}; choose another port "
                         "with --port (0: any free one)") from None
    address = f"http://{shown}:{sock.getsockname()[1]}/"
    with sock, open_store(store, read_only=True) as st:
        hosts = None if host in LOOPBACK_HOSTS else ["*"]
        app = create_app(st, queries_dirs=queries_dirs, allowed_hosts=hosts, cypher_timeout=cypher_timeout)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False))

        async def main() -> None:
            async def ready() -> None:
                while not server.started and not server.should_exit:
                    await asyncio.sleep(0.02)
                if server.started and on_ready is not None:
                    on_ready(address)

            waiter = asyncio.ensure_future(ready())
            await server.serve(sockets=[sock])
            waiter.cancel()

        with contextlib.suppress(KeyboardInterrupt):  # uvicorn shut down cleanly, then re-raised it
            asyncio.run(main())
