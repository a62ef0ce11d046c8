"""The Neo4j store against a real Neo4j server.

These run whenever NEO4J_URI is set (the GitHub workflow starts a neo4j:5
service for them); on machines with no Neo4j they are skipped, saying why.
No driver double or stub server ever stands in for Neo4j.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from relgraph import api
from relgraph.errors import StoreError
from relgraph.store import open_store

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(not os.environ.get("NEO4J_URI"),
                       reason="NEO4J_URI is not set: no Neo4j server to test against"),
]

URI = os.environ.get("NEO4J_URI", "")


def _dump(location: str) -> tuple[list, list]:
    with open_store(location, read_only=True) as st:
        nodes = sorted((i, t, sorted(p.items())) for i, t, p in st.iter_nodes())
        rels = sorted((i, t, a, b, sorted(p.items())) for i, t, a, b, p in st.iter_relationships())
    return nodes, rels


@pytest.fixture()
def empty_neo4j() -> str:
    with open_store(URI) as st:
        st.run("MATCH (n) DETACH DELETE n", write=True)
    return URI


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("emb") / "relgraph.db")
    api.load(store=db)
    return db


def test_load_gives_the_same_graph_as_the_embedded_store(empty_neo4j: str, embedded: str) -> None:
    api.load(store=empty_neo4j)
    assert _dump(empty_neo4j) == _dump(embedded)


def test_load_is_idempotent(empty_neo4j: str) -> None:
    api.load(store=empty_neo4j)
    first = _dump(empty_neo4j)
    report = api.load(store=empty_neo4j)
    assert report.result.nodes_added == 0
    assert _dump(empty_neo4j) == first


def test_constraints_exist_for_every_type(empty_neo4j: str) -> None:
    from relgraph.schema import load_schema

    with open_store(empty_neo4j) as st:
        _, rows = st.run("SHOW CONSTRAINTS YIELD name RETURN name")
    names = {r[0] for r in rows}
    schema = load_schema()
    assert {f"{t.lower()}_id" for t in schema.relationships} <= names
    assert "state_id" in names and "person_id" in names


def test_sync_round_trip(empty_neo4j: str, embedded: str, tmp_path: Path) -> None:
    api.sync(embedded, empty_neo4j)
    back = str(tmp_path / "back.db")
    api.sync(empty_neo4j, back)
    assert _dump(back) == _dump(embedded)


def test_dates_are_neo4j_dates(empty_neo4j: str) -> None:
    api.load(store=empty_neo4j)
    with open_store(empty_neo4j, read_only=True) as st:
        _, rows = st.run("MATCH (e:Event) WHERE e.date IS NOT NULL "
                         "RETURN valueType(e.date) AS t LIMIT 1")
    assert rows and rows[0][0].startswith("DATE")


def test_read_transaction_refuses_writes(empty_neo4j: str) -> None:
    with open_store(empty_neo4j, read_only=True) as st, pytest.raises(StoreError):
        st.run("CREATE (:State {id: 'state:XXX'})")
    with open_store(empty_neo4j, read_only=True) as st:
        assert st.run("MATCH (n:State {id: 'state:XXX'}) RETURN count(n)")[1] == [[0]]


def test_wrong_password_is_one_clear_line_without_the_password() -> None:
    sentinel = "sentinel-Pa55word-7c1e"
    env = {**os.environ, "NEO4J_PASSWORD": sentinel}
    r = subprocess.run([sys.executable, "-m", "relgraph.cli", "stats", "--store", URI],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 1
    assert "rejected user" in r.stderr
    assert sentinel not in r.stdout + r.stderr
    assert "Traceback" not in r.stderr
