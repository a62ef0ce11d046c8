"""Every bundled query on a real Neo4j server gives the embedded store's answer.

Runs whenever NEO4J_URI is set (the GitHub workflow starts a neo4j:5 service);
elsewhere it is skipped, saying why (no Neo4j server can run on this project's
development machines, and no stand-in is used). Where the dialects run a
per-dialect body, this is the check that both bodies mean the same thing.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import Any

import pytest

from relgraph import api
from relgraph.queries import load_queries, run_query

needs_neo4j = pytest.mark.skipif(not os.environ.get("NEO4J_URI"),
                                 reason="NEO4J_URI is not set: no Neo4j server to test against")

URI = os.environ.get("NEO4J_URI", "")

CASES: list[tuple[str, dict[str, Any]]] = [
    ("timeline", {"from": "2023-09", "to": "2023-12"}),
    ("timeline", {"party": "place:pyongyang"}),
    ("changes", {"from": "2024-06", "to": "2024-12"}),
    ("visits", {"destination": "place:pyongyang", "from": "2023-09-14"}),
    ("visits", {"home": "North Korea"}),
    ("meetings", {"a": "Vladimir Putin"}),
    ("officials", {"state": "Russia", "day": "2024-01-01"}),
    ("officials", {"day": "2001-01-01"}),
    ("treaties", {"a": "Russia", "b": "North Korea"}),
    ("treaties", {"b": "North Korea", "day": "1995-01-01"}),
    ("projects", {}),
    ("projects", {"partner": "North Korea", "class": "sanctioned"}),
    ("domains", {}),
    ("domains", {"party": "Russia"}),
    ("sanctions", {}),
    ("claims", {}),
    ("claims", {"status": "confirmed,reported", "about": "project:rajin-khasan-railway"}),
    ("sources", {"node": "project:rajin-khasan-railway"}),
    ("sources", {"node": "person:choe-son-hui"}),
    ("neighbors", {"node": "state:PRK"}),
    ("neighbors", {"node": "person:lavrov-sergei", "hops": 2, "types": "HOLDS,POST_IN,PARTICIPATED_IN"}),
    ("neighbors", {"node": "person:lavrov-sergei", "hops": 2, "to": "2003"}),
    ("shortest-path", {"a": "person:lavrov-sergei", "b": "person:choe-son-hui"}),
    ("shortest-path", {"a": "project:rajin-khasan-railway", "b": "state:ARM"}),
    ("common-partners", {"a": "Russia", "b": "North Korea"}),
    ("search", {"text": "kim"}),
    ("search", {"text": "sun hui", "type": "Person"}),
    # The bundled dataset has no GDELT data: both engines must agree on no rows.
    ("cameo-events", {"state": "state:RUS"}),
    ("dyad-years", {"state": "state:PRK", "from": 2016}),
]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """(embedded, neo4j), both holding the bundled dataset."""
    from relgraph.store import open_store

    embedded = str(tmp_path_factory.mktemp("q") / "relgraph.db")
    api.load(store=embedded)
    with open_store(URI) as st:
        st.run("MATCH (n) DETACH DELETE n", write=True)
    api.load(store=URI)
    return embedded, URI


def norm(value: Any) -> Any:
    """A value compared across engines: dates as ISO text, lists as sorted lists (collect order varies)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return sorted((norm(v) for v in value), key=repr)
    if isinstance(value, float):
        return round(value, 6)
    return value


def answer(name: str, columns: list[str], rows: list[list[Any]]) -> Any:
    """What must agree. Among equally short paths each engine may pick another one."""
    dicts = [dict(zip(columns, row, strict=True)) for row in rows]
    if name == "shortest-path":
        return len(dicts), dicts[0]["from"] if dicts else None, dicts[-1]["to"] if dicts else None
    if name == "neighbors":
        return sorted((d["hops"], d["id"], d["type"], d["name"]) for d in dicts)
    return sorted((tuple(norm(d[c]) for c in columns) for d in dicts), key=repr)


def test_every_bundled_query_is_compared() -> None:
    assert {name for name, _ in CASES} == set(load_queries())


@pytest.mark.neo4j
@needs_neo4j
@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_neo4j_gives_the_embedded_answer(stores: tuple[str, str], name: str, params: dict[str, Any]) -> None:
    embedded, neo4j = stores
    a = run_query(name, params, store=embedded)
    b = run_query(name, params, store=neo4j)
    assert b.columns == a.columns
    assert a.rows, f"{name} {params}: no rows on the embedded store, so nothing is compared"
    assert answer(name, b.columns, b.rows) == answer(name, a.columns, a.rows)
