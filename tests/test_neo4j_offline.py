"""The Neo4j backend's behaviour that needs no server: errors, generated files, docs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from relgraph.schema import load_schema
from relgraph.store.neo4j import all_statements, constraint_statements
from relgraph.style import grass

REPO = Path(__file__).resolve().parents[1]
SENTINEL = "sentinel-Pa55word-91f3"


def _relgraph(*args: str, password: str | None = SENTINEL) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "RELGRAPH_"))}
    if password is not None:
        env["NEO4J_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "relgraph.cli", *args], capture_output=True,
                          text=True, env=env, timeout=60)


def test_unreachable_server_is_one_line_with_the_fix_and_no_password() -> None:
    # Port 1 on loopback: nothing listens there, so the real driver fails to connect.
    r = _relgraph("stats", "--store", "neo4j://127.0.0.1:1")
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        "error: cannot reach Neo4j at neo4j://127.0.0.1:1; is the server running? "
        "(docker compose -f docker/compose.yml up -d)"
    ]
    assert SENTINEL not in r.stdout + r.stderr


def test_password_from_stdin_is_not_echoed() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "RELGRAPH_"))}
    r = subprocess.run([sys.executable, "-m", "relgraph.cli", "--neo4j-password-stdin", "stats",
                        "--store", "bolt://127.0.0.1:1"], input=SENTINEL + "\n",
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 1
    assert "cannot reach Neo4j at bolt://127.0.0.1:1" in r.stderr
    assert SENTINEL not in r.stdout + r.stderr


def test_missing_password_is_a_usage_error() -> None:
    r = _relgraph("stats", "--store", "neo4j://127.0.0.1:1", password=None)
    assert r.returncode == 2
    assert r.stderr.strip() == "error: no Neo4j password: set NEO4J_PASSWORD"


def test_unknown_uri_scheme_is_a_usage_error() -> None:
    r = _relgraph("stats", "--store", "http://localhost:7474")
    assert r.returncode == 2
    assert "unknown store URI scheme" in r.stderr


def test_constraints_cover_every_type_in_the_schema() -> None:
    schema = load_schema()
    stmts = constraint_statements(schema)
    for label in schema.nodes:
        assert f"FOR (n:{label}) REQUIRE n.id IS UNIQUE" in "\n".join(stmts)
    for rel in schema.relationships:
        assert f"FOR ()-[r:{rel}]-() REQUIRE r.id IS UNIQUE" in "\n".join(stmts)
    assert all(s.startswith("CREATE ") and " IF NOT EXISTS " in s for s in stmts)


def test_statements_use_only_schema_names_and_parameters() -> None:
    schema = load_schema()
    names = set(schema.nodes) | set(schema.relationships)
    for stmt in all_statements(schema):
        for label in re.findall(r"[(\[]\w*:(\w+)", stmt):
            assert label in names, (label, stmt)
        assert "'" not in stmt and '"' not in stmt, stmt  # values travel only as $parameters


def test_grass_file_is_generated_from_the_styles() -> None:
    assert (REPO / "docker" / "relgraph.grass").read_text("utf-8") == grass()
    for label in load_schema().nodes:
        assert f"node.{label} {{" in grass()


def test_docker_readme_documents_every_label_and_relationship_type() -> None:
    text = (REPO / "docker" / "README.md").read_text("utf-8")
    schema = load_schema()
    missing = [n for n in [*schema.nodes, *schema.relationships] if f"`{n}`" not in text]
    assert missing == []


def test_compose_has_no_default_password() -> None:
    text = (REPO / "docker" / "compose.yml").read_text("utf-8")
    assert "${NEO4J_PASSWORD:?" in text
    assert "127.0.0.1:7687:7687" in text and "neo4j-data:/data" in text and "healthcheck" in text
