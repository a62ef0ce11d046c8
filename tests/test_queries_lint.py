"""The Neo4j body of every stored query, checked by Neo4j's own Cypher parser and semantic analysis.

No Neo4j server can run here; `@neo4j-cypher/language-support` (pinned in
tests/cypher_lint/package.json, installed by `.ci/setup` with `npm ci`) is
Neo4j's parser and semantic analysis, run from Node. Labels, relationship types
and property keys are checked against the schema, functions against Neo4j 5's
built-ins. Only "Parameter $x is not defined" for declared parameters is allowed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from conftest import missing_part

from relgraph.queries import load_queries
from relgraph.schema import load_schema

LINT_DIR = Path(__file__).resolve().parent / "cypher_lint"


def _lint_tool() -> str:
    """The node executable, once the lint project is installed; else skip (fail in CI)."""
    node = shutil.which("node")
    installed = (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir()
    if node and installed:
        return node
    why = ("node is not installed" if not node else
           f"{LINT_DIR / 'node_modules'} is missing: run `npm ci` in {LINT_DIR} (or .ci/setup)")
    missing_part("Neo4j's Cypher lint", why)


def lint(queries: list[dict[str, Any]], *, with_schema: bool = True) -> dict[str, Any]:
    node = _lint_tool()
    payload: dict[str, Any] = {"queries": queries}
    if with_schema:
        s = load_schema()
        props = set(s.system)
        for t in [*s.nodes.values(), *s.relationships.values()]:
            props.update(t.properties)
        payload["schema"] = {"labels": list(s.nodes), "relationshipTypes": list(s.relationships),
                             "propertyKeys": sorted(props)}
    proc = subprocess.run([node, str(LINT_DIR / "lint.mjs")], input=json.dumps(payload), capture_output=True,
                          text=True, cwd=LINT_DIR, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_every_neo4j_body_passes_neo4j_parser_and_semantic_analysis() -> None:
    queries = load_queries()
    out = lint([{"name": q.name, "text": q.body("neo4j"), "params": [p.name for p in q.params]}
                for q in queries.values()])
    assert out["functionsChecked"], "the pinned package no longer ships Neo4j's function list"
    assert [r["name"] for r in out["results"]] == list(queries)
    found = {r["name"]: r["diagnostics"] for r in out["results"] if r["diagnostics"]}
    assert found == {}, json.dumps(found, indent=2)


def test_lint_catches_what_neo4j_would_reject() -> None:
    """The check can fail: embedded-only Cypher, typos and undeclared parameters are reported."""
    ladybug = load_queries()["shortest-path"].body("ladybug")
    out = lint([
        {"name": "kuzu-shortest", "text": ladybug, "params": ["a", "b", "types"]},
        {"name": "kuzu-function", "text": "MATCH (n) RETURN label(n) AS t", "params": []},
        {"name": "typos", "text": "MATCH (n:Persn)-[:HOLDZ]->(m) RETURN n.nmae AS x", "params": []},
        {"name": "undeclared", "text": "MATCH (n) WHERE n.id = $id RETURN $other AS o", "params": ["id"]},
        {"name": "syntax", "text": "MATCH (n RETURN n", "params": []},
    ])
    msgs = {r["name"]: [d["message"] for d in r["diagnostics"]] for r in out["results"]}
    assert any("Invalid input 'SHORTEST'" in m for m in msgs["kuzu-shortest"])
    assert any(m.startswith("Function label is not present") for m in msgs["kuzu-function"])
    assert sorted(m.split(" is not present")[0] for m in msgs["typos"]) == [
        "Label Persn", "Relationship type HOLDZ", "nmae"]
    assert msgs["undeclared"] == ["Parameter $other is not defined."]
    assert msgs["syntax"] and all("Invalid input" in m for m in msgs["syntax"][:1])
