"""The Neo4j store against a real Neo4j server (the suite's own, or NEO4J_URI's).

Loads, imports and `sync` of the bundled dataset, the UN list and the GDELT
sample give, node by node and relationship by relationship, the graph the
embedded store holds, and a second load changes nothing. No driver double or
stub server ever stands in for Neo4j (see the `neo4j` fixture in conftest.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES, Neo4jTarget, check_some_fields

from relgraph import api, imports
from relgraph.errors import StoreError
from relgraph.store import open_store

pytestmark = pytest.mark.neo4j

UN_LIST = FIXTURES / "un" / "consolidated-2018-10-29.xml"
GDELT_EVENTS = FIXTURES / "gdelt" / "events-sample-2016-07-28.tsv"
GDELT_DYADS = FIXTURES / "gdelt" / "dyad_events_by_year.csv"

Dump = tuple[list, list]


def dump(location: str) -> Dump:
    """Every node and relationship with every property, as plain Python values, sorted."""
    with open_store(location, read_only=True) as st:
        nodes = sorted((i, t, sorted(p.items())) for i, t, p in st.iter_nodes())
        rels = sorted((i, t, a, b, sorted(p.items())) for i, t, a, b, p in st.iter_relationships())
    return nodes, rels


def everything(store: str) -> str:
    """Load the bundled dataset and import the UN list and both GDELT files into ``store``."""
    api.load(store=store)
    imports.import_un_sanctions(UN_LIST, store=store)
    imports.import_gdelt(GDELT_EVENTS, store=store)
    imports.import_gdelt(GDELT_DYADS, store=store)
    return store


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> str:
    return everything(str(tmp_path_factory.mktemp("emb") / "relgraph.db"))


@pytest.fixture(scope="module")
def embedded_dump(embedded: str) -> Dump:
    return dump(embedded)


@pytest.fixture()
def empty_neo4j(neo4j: Neo4jTarget) -> str:
    return neo4j.empty()


def assert_same_graph(got: Dump, want: Dump) -> None:
    """Equal dumps, or the first node or relationship that differs (not a 10,000-line diff)."""
    for kind, a, b in (("node", got[0], want[0]), ("relationship", got[1], want[1])):
        da, db = {x[0]: x for x in a}, {x[0]: x for x in b}
        assert len(da) == len(a) and len(db) == len(b), f"duplicate {kind} ids"
        assert sorted(set(db) - set(da))[:5] == [], f"{kind}s missing in the first store"
        assert sorted(set(da) - set(db))[:5] == [], f"{kind}s only in the first store"
        for i in db:
            assert da[i] == db[i], f"{kind} {i} differs"


def test_load_and_imports_give_the_embedded_graph(empty_neo4j: str, embedded_dump: Dump) -> None:
    got = dump(everything(empty_neo4j))
    types = {t for _, t, *_ in got[1]}
    assert {"DESIGNATED_UNDER", "CAMEO_EVENT", "CAMEO_DYAD_YEAR", "HOLDS"} <= types  # all four sources
    assert_same_graph(got, embedded_dump)


def test_a_second_load_and_import_change_nothing(empty_neo4j: str, embedded: str) -> None:
    everything(empty_neo4j)
    first = dump(empty_neo4j)
    report = api.load(store=empty_neo4j)
    assert (report.result.nodes_added, report.result.nodes_removed, report.result.relationships_removed) \
        == (0, 0, 0)
    imports.import_un_sanctions(UN_LIST, store=empty_neo4j)
    imports.import_gdelt(GDELT_EVENTS, store=empty_neo4j)
    imports.import_gdelt(GDELT_DYADS, store=empty_neo4j)
    assert_same_graph(dump(empty_neo4j), first)
    assert api.stats(store=empty_neo4j) == api.stats(store=embedded)


def test_sync_there_and_back(empty_neo4j: str, embedded: str, embedded_dump: Dump, tmp_path: Path) -> None:
    report = api.sync(embedded, empty_neo4j)
    assert report.result.relationships_written == len(embedded_dump[1])
    assert_same_graph(dump(empty_neo4j), embedded_dump)
    back = str(tmp_path / "back.db")
    api.sync(empty_neo4j, back)
    assert_same_graph(dump(back), embedded_dump)


def test_some_types_and_properties_are_the_whole_records_cut_down(empty_neo4j: str) -> None:
    api.load(store=empty_neo4j)
    check_some_fields(empty_neo4j, ("Person", "Event", "Document"), ("PARTICIPATED_IN", "HOLDS", "SIGNED"))


def test_values_come_back_typed(empty_neo4j: str) -> None:
    """Dates as dates (Neo4j DATE), lists as lists, partial dates with their precision."""
    api.load(store=empty_neo4j)
    with open_store(empty_neo4j, read_only=True) as st:
        _, rows = st.run("MATCH (e:Event) WHERE e.date IS NOT NULL RETURN DISTINCT valueType(e.date)")
        assert [r[0] for r in rows] == ["DATE NOT NULL"]
        _, rows = st.run("MATCH (n:Person) WHERE n.aliases IS NOT NULL RETURN DISTINCT valueType(n.aliases)")
        assert [r[0] for r in rows] == ["LIST<STRING NOT NULL> NOT NULL"]
        node = st.node("person:kim-jong-un")
    assert node is not None and isinstance(node["aliases"], list)
    with open_store(empty_neo4j, read_only=True) as st:
        _, partial = st.run("MATCH (e:Event) WHERE e.datePrecision IN ['month', 'year'] "
                            "RETURN e.id, e.date, e.datePrecision ORDER BY e.id")
    assert partial, "the bundled dataset has events dated to a month or a year"
    for _, d, precision in partial:
        assert isinstance(d, date)
        assert d.day == 1 and (precision == "month" or d.month == 1)


def test_constraints_and_indexes_come_from_the_schema(empty_neo4j: str) -> None:
    from relgraph.schema import load_schema
    from relgraph.store.neo4j import _snake

    schema = load_schema()
    with open_store(empty_neo4j) as st:
        _, rows = st.run("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
                         "RETURN name, type, labelsOrTypes, properties")
        constraints = {r[0]: (r[1], r[2], r[3]) for r in rows}
        _, rows = st.run("SHOW INDEXES YIELD name, labelsOrTypes, properties RETURN name, labelsOrTypes, "
                         "properties")
        indexes = {r[0]: (r[1], r[2]) for r in rows}
    for t in schema.nodes:
        assert constraints[f"{_snake(t)}_id"] == ("UNIQUENESS", [t], ["id"])
        assert indexes[f"{_snake(t)}_name"] == ([t], ["name"])
    for r in schema.relationships:
        assert constraints[f"{r.lower()}_id"] == ("RELATIONSHIP_UNIQUENESS", [r], ["id"])


def test_uniqueness_is_enforced_by_the_server(empty_neo4j: str) -> None:
    api.load(store=empty_neo4j)
    with open_store(empty_neo4j) as st, pytest.raises(StoreError, match="ConstraintValidationFailed"):
        st.run("CREATE (:State {id: 'state:PRK'})", write=True)


def test_read_transaction_refuses_writes(empty_neo4j: str) -> None:
    with open_store(empty_neo4j, read_only=True) as st, pytest.raises(StoreError):
        st.run("CREATE (:State {id: 'state:XXX'})")
    with open_store(empty_neo4j, read_only=True) as st:
        assert st.run("MATCH (n:State {id: 'state:XXX'}) RETURN count(n)")[1] == [[0]]


def test_queries_go_through_read_routing(empty_neo4j: str, neo4j: Neo4jTarget) -> None:
    """A `neo4j://` URI routes: the driver's routing table for the database lists this server as
    a reader, and a read query that writes is refused by the server, not by relgraph."""
    import neo4j as driver

    assert neo4j.uri.startswith("neo4j://")
    with driver.GraphDatabase.driver(neo4j.uri, auth=(neo4j.user, neo4j.password)) as d:
        records, _, _ = d.execute_query("CALL dbms.routing.getRoutingTable({}, 'neo4j')",
                                        routing_=driver.RoutingControl.READ)
    servers = {s["role"]: s["addresses"] for s in records[0]["servers"]}
    assert servers["READ"] and servers["WRITE"]
    with open_store(empty_neo4j, read_only=True) as st, pytest.raises(StoreError) as info:
        st.run("MERGE (:State {id: 'state:XXX'})")
    assert "read transaction" in str(info.value)


def test_wrong_password_is_one_clear_line_without_the_password(neo4j: Neo4jTarget) -> None:
    sentinel = "sentinel-Pa55word-7c1e"
    r = subprocess.run([sys.executable, "-m", "relgraph.cli", "stats", "--store", neo4j.uri],
                       capture_output=True, text=True, env=neo4j.env(NEO4J_PASSWORD=sentinel), timeout=60)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [f"error: Neo4j at {neo4j.uri} rejected user 'neo4j' or its password; "
                                     "check NEO4J_USER and NEO4J_PASSWORD"]
    assert sentinel not in r.stdout + r.stderr
    neo4j.wait_for_login()


def test_cli_load_and_stats_on_neo4j(empty_neo4j: str, neo4j: Neo4jTarget, tmp_path: Path) -> None:
    relgraph = Path(sys.executable).with_name("relgraph")
    r = subprocess.run([str(relgraph), "load", "--store", neo4j.uri], capture_output=True, text=True,
                       env=neo4j.env(), timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert neo4j.password not in r.stdout + r.stderr
    r = subprocess.run([str(relgraph), "stats", "--store", neo4j.uri, "--format", "json"],
                       capture_output=True, text=True, env=neo4j.env(), timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    embedded = str(tmp_path / "e.db")
    api.load(store=embedded)
    e = subprocess.run([str(relgraph), "stats", "--store", embedded, "--format", "json"], capture_output=True,
                       text=True, timeout=120, cwd=tmp_path)
    assert e.returncode == 0, e.stderr
    assert json.loads(r.stdout) == json.loads(e.stdout)  # counts and coverage


def test_the_suites_server_has_graph_data_science(neo4j: Neo4jTarget) -> None:
    """OpenGDS, pinned beside Neo4j in docker/neo4j/pom.xml, is loaded and can run an algorithm."""
    if neo4j.server is None:
        pytest.skip("NEO4J_URI names a server this suite did not start: its plugins are its own")
    import re

    pom = (Path(__file__).resolve().parents[1] / "docker" / "neo4j" / "pom.xml").read_text("utf-8")
    pinned = re.search(r"<gds.version>([^<]+)</gds.version>", pom)
    assert pinned
    with open_store(neo4j.uri, read_only=True) as st:
        assert st.run("RETURN gds.version() AS v")[1] == [[pinned.group(1)]]
        _, rows = st.run("CALL gds.graph.project.cypher('gds-check', 'UNWIND range(1, 3) AS i "
                         "RETURN i AS id', 'UNWIND [[1, 2], [2, 3], [3, 1]] AS e RETURN e[0] AS source, "
                         "e[1] AS target') YIELD nodeCount RETURN nodeCount")
        assert rows == [[3]]
        try:
            _, rows = st.run("CALL gds.pageRank.stream('gds-check', {maxIterations: 1000, tolerance: 1e-12}) "
                             "YIELD score RETURN round(sum(score), 6)")
        finally:
            st.run("CALL gds.graph.drop('gds-check') YIELD graphName RETURN graphName")
    assert rows == [[3.0]]  # a 3-cycle: every node scores 1 (GDS's PageRank is not normalised to 1)


def test_analyses_read_straight_from_neo4j_give_the_embedded_answers(empty_neo4j: str, embedded: str) -> None:
    """The analyses that read relationship ends with the values the filters test (measures,
    compare, path, brokers, ego, a view's summary and a node's neighbourhood) go through the
    Store interface's defaults on Neo4j: the same answers as on the embedded store, under
    dates, statuses and folding (both stores list nodes and relationships type by type, by
    id)."""
    from relgraph.analytics import api as analyze
    from relgraph.analytics.project import Filters
    from relgraph.views import page

    everything(empty_neo4j)
    for filters in (Filters(), Filters(as_of=date(2019, 4, 25)), Filters(statuses=("confirmed",), fold=True),
                    Filters(start=date(2022, 1, 1), types=("-CAMEO_EVENT",))):
        for measure in ("degree", "pagerank"):
            assert (analyze.centrality(empty_neo4j, filters, measure=measure, top=20)
                    == analyze.centrality(embedded, filters, measure=measure, top=20)), (filters, measure)
        assert (analyze.compare(["2010", "2024"], empty_neo4j, filters, node="Russia").rows()
                == analyze.compare(["2010", "2024"], embedded, filters, node="Russia").rows())
        neo, emb = (analyze.path("Putin", "Kim Yo Jong", s, filters, all_paths=True)
                    for s in (empty_neo4j, embedded))
        assert neo.rows() == emb.rows() and neo.paths, filters
        if not filters.fold:
            assert analyze.brokers(empty_neo4j, filters) == analyze.brokers(embedded, filters), filters
            neo_ego, emb_ego = (analyze.ego("Putin", s, filters, depth=2) for s in (empty_neo4j, embedded))
            assert neo_ego.rows() == emb_ego.rows() and neo_ego.members, filters
        neo_page, emb_page = (page(store=s, filters=filters, max_nodes=40) for s in (empty_neo4j, embedded))
        assert neo_page.summary_of == emb_page.summary_of and neo_page.html == emb_page.html
        neo_page, emb_page = (page(store=s, filters=filters, focus="Russia", depth=2, max_nodes=30)
                              for s in (empty_neo4j, embedded))
        assert neo_page.nodes > 1 and neo_page.html == emb_page.html, filters
