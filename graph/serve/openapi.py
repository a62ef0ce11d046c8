"""The OpenAPI 3.1 document of ``relgraph serve``'s JSON API (``/api/openapi.json``).

tests/test_serve.py checks every response of the API against the schemas here.
"""

from __future__ import annotations

from typing import Any

_ANY: dict[str, Any] = {}
_TEXT_OR_NULL = {"type": ["string", "null"]}
ERROR = {
    "type": "object", "required": ["error", "kind"],
    "properties": {"error": {"type": "string"}, "kind": {"type": "string"}},
}
FOUND = {
    "type": "object", "required": ["id", "type", "name", "status", "matched"],
    "properties": {"id": {"type": "string"}, "type": {"type": "string"}, "name": {"type": "string"},
                   "status": _TEXT_OR_NULL, "matched": {"type": "string"}},
}
SEARCH = {
    "type": "object", "required": ["q", "type", "status", "total", "offset", "limit", "nodes"],
    "properties": {
        "q": {"type": "string"},
        "type": {"type": "array", "items": {"type": "string"}},
        "status": {"type": "array", "items": {"type": "string"}},
        "total": {"type": "integer"}, "offset": {"type": "integer"}, "limit": {"type": "integer"},
        "nodes": {"type": "array", "items": FOUND},
    },
}
NODE = {
    "type": "object", "required": ["node", "relationships", "documents"],
    "description": "The same object as `relgraph show NODE --format json`.",
    "properties": {
        "node": {"type": "object", "required": ["id", "type"],
                 "properties": {"id": {"type": "string"}, "type": {"type": "string"},
                                "sources": {"type": "array", "items": {"type": "string"}}}},
        "relationships": {"type": "array", "items": {
            "type": "object", "required": ["type", "direction", "other"],
            "properties": {
                "type": {"type": "string"}, "direction": {"enum": ["in", "out"]},
                "other": {"type": "object", "required": ["id", "type", "name"],
                          "properties": {"id": {"type": "string"}, "type": {"type": "string"},
                                         "name": {"type": "string"}}},
                "status": _TEXT_OR_NULL,
                "sources": {"type": "array", "items": {"type": "string"}},
            }}},
        "documents": {"type": "object", "additionalProperties": {"type": "object"}},
        "total": {"type": "integer", "description": "with offset or limit: relationships in all"},
    },
}
PARAM = {
    "type": "object",
    "required": ["name", "type", "help", "required", "default", "bounds", "kind", "choices"],
    "properties": {
        "name": {"type": "string"}, "type": {"type": "string"}, "help": {"type": "string"},
        "required": {"type": "boolean"}, "default": _TEXT_OR_NULL,
        "bounds": {"type": ["array", "null"], "items": {"type": "integer"}},
        "kind": {"type": "string"},
        "choices": {"type": ["array", "null"], "items": {"type": "string"}},
    },
}
ANALYSIS = {
    "type": "object", "required": ["analysis", "title", "columns", "total", "offset", "limit", "rows"],
    "properties": {
        "analysis": {"type": "string"}, "title": {"type": "string"},
        "columns": {"type": "array", "items": {"type": "string"}},
        "total": {"type": "integer"}, "offset": {"type": "integer"}, "limit": {"type": ["integer", "null"]},
        "rows": {"type": "array", "items": {"type": "object"},
                 "description": "the same objects as `relgraph analyze NAME --format json`"},
    },
}
CYPHER = {
    "type": "object", "required": ["q", "columns", "total", "offset", "limit", "rows"],
    "properties": {
        "q": {"type": "string"}, "columns": {"type": "array", "items": {"type": "string"}},
        "total": {"type": "integer"}, "offset": {"type": "integer"}, "limit": {"type": ["integer", "null"]},
        "rows": {"type": "array", "items": {"type": "object"}},
    },
}
QUERIES = {
    "type": "array", "items": {
        "type": "object", "required": ["name", "description", "doc", "mode", "params"],
        "properties": {"name": {"type": "string"}, "description": {"type": "string"},
                       "doc": {"type": "string"}, "mode": {"enum": ["read", "write"]},
                       "params": {"type": "array", "items": PARAM}}},
}
ROWS = {
    "type": "object", "required": ["query", "params", "columns", "total", "offset", "limit", "rows"],
    "properties": {
        "query": {"type": "string"},
        "params": {"type": "object", "description": "every parameter as the query got it (names resolved)"},
        "columns": {"type": "array", "items": {"type": "string"}},
        "total": {"type": "integer", "description": "rows in all, before offset and limit"},
        "offset": {"type": "integer"},
        "limit": {"type": ["integer", "null"]},
        "rows": {"type": "array", "items": {"type": "object"},
                 "description": "the same objects as `relgraph query run NAME --format json`"},
    },
}


def _params(*specs: tuple[str, str, str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"name": n, "in": where, "description": d, "required": where == "path", "schema": s}
            for n, where, d, s in specs]


def _ok(schema: dict[str, Any], description: str, *, csv: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"schema": schema}}
    if csv:
        content["text/csv"] = {"schema": {"type": "string"}}
    errors = {"application/json": {"schema": ERROR}}
    return {
        "200": {"description": description, "content": content},
        "400": {"description": "a bad parameter (the message says which, and how to fix it)",
                "content": errors},
        "404": {"description": "no such node or query", "content": errors},
    }


def document(version: str) -> dict[str, Any]:
    """The OpenAPI document for relgraph ``version``."""
    paging = [("offset", "query", "rows to skip", {"type": "integer", "minimum": 0}),
              ("limit", "query", "rows to return", {"type": "integer", "minimum": 0})]
    return {
        "openapi": "3.1.0",
        "info": {"title": "relgraph", "version": version,
                 "description": "The store relgraph serves, read-only: the same answers as the CLI."},
        "paths": {
            "/api/search": {"get": {
                "summary": "Find nodes by name, alias or id (as `relgraph show` resolves them)",
                "parameters": _params(
                    ("q", "query", "a name, alias, id or fragment", {"type": "string"}),
                    ("type", "query", "node types to keep (repeat)", {"type": "string"}),
                    ("status", "query", "claim statuses to keep (repeat)", {"type": "string"}),
                    *paging),
                "responses": _ok(SEARCH, "the nodes found, best first")}},
            "/api/nodes/{node}": {"get": {
                "summary": "One node, its relationships and the documents they cite",
                "parameters": _params(("node", "path", "the node's id, name or alias", {"type": "string"}),
                                      *paging),
                "responses": _ok(NODE, "the node")}},
            "/api/queries": {"get": {
                "summary": "The stored queries and their typed parameters",
                "responses": _ok(QUERIES, "every stored query")}},
            "/api/queries/{name}": {"get": {
                "summary": "Run a stored query (its parameters as query parameters; repeat one for a list)",
                "parameters": _params(
                    ("name", "path", "the query's name", {"type": "string"}),
                    ("format", "query", "json (default) or csv", {"enum": ["json", "csv"]}),
                    ("sort", "query", "a column to sort the rows by", {"type": "string"}),
                    ("desc", "query", "1: sort descending", {"type": "string"}),
                    *paging),
                "responses": _ok(ROWS, "the query's rows", csv=True)}},
            "/api/analyze/{name}": {"get": {
                "summary": "Run an analysis (centrality, path, ego, compare, communities, brokers) with "
                           "the fields of its form and the filters of `relgraph analyze`",
                "parameters": _params(
                    ("name", "path", "the analysis", {"enum": ["centrality", "path", "ego", "compare",
                                                                "communities", "brokers"]}),
                    ("format", "query", "json (default) or csv", {"enum": ["json", "csv"]}),
                    ("sort", "query", "a column to sort the rows by", {"type": "string"}),
                    ("desc", "query", "1: sort descending", {"type": "string"}),
                    *paging),
                "responses": _ok(ANALYSIS, "the analysis's rows", csv=True)}},
            "/api/cypher": {"get": {
                "summary": "Run one read-only Cypher statement (only with `relgraph serve --allow-cypher`; "
                           "404 otherwise), stopped after --cypher-timeout",
                "parameters": _params(("q", "query", "the statement", {"type": "string"}), *paging),
                "responses": _ok(CYPHER, "the statement's rows")}},
            "/api/openapi.json": {"get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        },
    }
