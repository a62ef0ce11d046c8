"""The query runner and `relgraph query`: typed parameters, read-only runs, output formats.

Runs on the mini fixture (tests/fixtures/mini), whose facts are known by hand.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from relgraph.errors import StoreError, UsageError
from relgraph.queries import Param, convert_params, find_query, parse_text, run_query
from relgraph.queries.params import convert
from relgraph.queries.parse import Query


@pytest.fixture(autouse=True)
def _no_user_queries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RELGRAPH_QUERIES", raising=False)


# -- parameter conversion ------------------------------------------------------------

@pytest.mark.parametrize(("type_", "text", "expected"), [
    ("date", "2023-09-13", date(2023, 9, 13)),
    ("date", "2023-09", date(2023, 9, 1)),
    ("date", "2023", date(2023, 1, 1)),
    ("enddate", "2023-09", date(2023, 9, 30)),
    ("enddate", "2024", date(2024, 12, 31)),
    ("enddate", "2024-02", date(2024, 2, 29)),
    ("int", " 3 ", 3),
    ("float", "2.5", 2.5),
    ("bool", "yes", True),
    ("bool", "False", False),
    ("string", "  Najin ", "Najin"),
    ("status", "Alleged", "alleged"),
    ("sanctionClass", "gray_zone", "gray-zone"),
    ("label", "country", "State"),
    ("reltype", "supersedes", "REPLACES"),
    ("reltype[]", "holds, post_in", ["HOLDS", "POST_IN"]),
    ("reltype[]", ["HOLDS", "post_in,party_to"], ["HOLDS", "POST_IN", "PARTY_TO"]),
    ("int[]", "1,2", [1, 2]),
    ("date[]", ["2020", "2021-06"], [date(2020, 1, 1), date(2021, 6, 1)]),
])
def test_conversion(type_: str, text: Any, expected: Any) -> None:
    assert convert(Param("x", type_, "help"), text, store=None) == expected


def test_today() -> None:
    assert convert(Param("x", "date", "help"), "today", store=None) == date.today()


@pytest.mark.parametrize(("type_", "text", "message"), [
    ("date", "13/09/2023", "'13/09/2023' is not a date"),
    ("date", "2023-02-30", "'2023-02-30' is not a date (impossible date"),
    ("int", "3.5", "'3.5' is not a whole number"),
    ("bool", "maybe", "'maybe' is not true or false"),
    ("status", "rumoured", "'rumoured' is not a status (confirmed, reported, alleged, denied, planned)"),
    ("reltype", "HOLD", "did you mean HOLDS"),
    ("string[]", " , ", "give at least one value"),
    ("string", "  ", "empty value"),
    ("int", "4", "'4' is not between 1 and 3"),
])
def test_conversion_errors_name_the_parameter(type_: str, text: str, message: str) -> None:
    with pytest.raises(UsageError) as e:
        convert(Param("x", type_, "help", bounds=(1, 3) if type_ == "int" else None), text, store=None)
    assert str(e.value).startswith("parameter 'x': ")
    assert message in str(e.value)


def test_missing_unknown_or_repeated_parameters_show_the_help() -> None:
    q = find_query("meetings")
    for given, message in [
        ({}, "query 'meetings' needs parameter 'a': -p a=VALUE"),
        ({"a": "x", "c": "y"}, "query 'meetings' has no parameter 'c'"),
        ({"a": "x", "from": ["2020", "2021"]}, "parameter 'from' given more than once"),
    ]:
        with pytest.raises(UsageError) as e:
            convert_params(q, given)
        text = str(e.value)
        assert text.splitlines()[0] == message
        assert "parameters of meetings (-p NAME=VALUE):" in text
        assert "  to    enddate, optional  last day (default: the latest meeting)" in text


def test_defaults_and_missing_values() -> None:
    q = find_query("neighbors")
    values = convert_params(q, {"node": "state:PRK"})
    # an optional list of a schema vocabulary means all of it, never an empty or null list
    from relgraph.schema import load_schema

    assert values == {"node": "state:PRK", "hops": 1, "types": list(load_schema().relationships),
                      "from": None, "to": None}
    assert convert_params(find_query("officials"), {})["day"] == date.today()


# -- running on the embedded store --------------------------------------------------

def test_node_parameters_accept_id_name_or_alias(mini_template: str) -> None:
    for name in ("person:putin-vladimir", "Vladimir Putin", "putin", "PUTIN"):
        r = run_query("meetings", {"a": name}, store=mini_template)
        assert [(row[r.columns.index("met")], row[r.columns.index("event")]) for row in r.rows] == [
            ("Kim Jong Un", "Vostochny Cosmodrome summit")]
        assert r.params["a"] == "person:putin-vladimir"


def test_unknown_node_is_a_usage_error_with_suggestion(mini_template: str) -> None:
    with pytest.raises(UsageError) as e:
        run_query("meetings", {"a": "Putn"}, store=mini_template)
    assert str(e.value).startswith("parameter 'a': no node named 'Putn'; did you mean 'Putin'?")
    assert "parameters of meetings" in str(e.value)


def test_values_travel_as_parameters_never_as_text(mini_template: str, tmp_path: Path) -> None:
    hostile = "x' OR true OR n.id = '"
    r = run_query("search", {"text": hostile}, store=mini_template)
    assert r.rows == []
    r = run_query("search", {"text": "' OR 1=1 //"}, store=mini_template)
    assert r.rows == []
    # and the parameter really is used: a plain fragment finds the node
    r = run_query("search", {"text": "khasan"}, store=mini_template)
    assert [row[r.columns.index("id")] for row in r.rows] == ["project:rajin-khasan-railway"]


def test_limit_keeps_the_first_rows_and_counts_all(mini_template: str) -> None:
    full = run_query("changes", {"from": "1990"}, store=mini_template)
    assert full.total == 5 and not full.truncated
    cut = run_query("changes", {"from": "1990"}, store=mini_template, limit=2)
    assert cut.rows == full.rows[:2] and cut.total == 5 and cut.truncated


ORDERED = """// name: ordered
// description: Two branches the engine may return in any order.
// order: n, word
UNWIND [3, 1] AS n RETURN n, 'b' AS word
UNION ALL
UNWIND [2, 0, 1] AS n RETURN n, 'a' AS word
"""


def test_order_directive_sorts_the_rows_of_every_branch(mini_template: str, tmp_path: Path) -> None:
    (tmp_path / "ordered.cypher").write_text(ORDERED, encoding="utf-8")
    r = run_query("ordered", {}, store=mini_template, extra=[tmp_path], limit=3)
    assert r.rows == [[0, "a"], [1, "a"], [1, "b"]] and r.total == 5
    (tmp_path / "ordered.cypher").write_text(ORDERED.replace("n, word", "n, colour"), encoding="utf-8")
    with pytest.raises(StoreError, match=r"`// order:` names a column the query does not return"):
        run_query("ordered", {}, store=mini_template, extra=[tmp_path])


def write_query(body: str) -> Query:
    """A query record that claims to read but writes, bypassing the load-time check."""
    return Query("sneaky", "Writes although declared read.", "", (), "read",
                 __import__("types").MappingProxyType({"*": body}), "sneaky.cypher", 1)


def test_read_query_that_writes_fails_and_changes_nothing(
        mini_store: str, dump: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import relgraph.queries as queries

    before = dump(mini_store)
    sneaky = write_query("MATCH (n:Person) SET n.note = 'overwritten' RETURN count(*) AS n")
    monkeypatch.setattr(queries, "find_query", lambda name, extra=None: sneaky)
    with pytest.raises(StoreError) as e:
        run_query("sneaky", {}, store=mini_store)
    assert "query 'sneaky' is a read query but tried to write" in str(e.value)
    assert "changed nothing" in str(e.value)
    assert dump(mini_store) == before


def test_write_query_runs_on_a_writable_store(mini_store: str, tmp_path: Path,
                                              dump: Callable[[str], Any]) -> None:
    (tmp_path / "edit.cypher").write_text(
        "// name: add-note\n// description: Note a node.\n// param: node node -- the node\n"
        "// param: text string -- the note\n// mode: write\n"
        "MATCH (n:Person) WHERE n.id = $node SET n.note = $text RETURN n.id AS id\n", encoding="utf-8")
    r = run_query("add-note", {"node": "Kim Jong-un", "text": "it's a note"}, store=mini_store,
                  extra=[tmp_path])
    assert r.rows == [["person:kim-jong-un"]]
    nodes = {dict(p)["id"]: dict(p) for _, p in dump(mini_store)["nodes"]}
    assert nodes["person:kim-jong-un"]["note"] == "it's a note"


def test_read_queries_need_an_existing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        run_query("search", {"text": "x"}, store=str(tmp_path / "none.db"))


def test_a_query_for_another_dialect_only_is_refused() -> None:
    [q] = parse_text("// name: a\n// description: x\n// dialect: ladybug\nRETURN 1 AS x\n"
                     "// dialect: neo4j\nRETURN 1 AS x\n", "q.cypher")
    with pytest.raises(UsageError, match="no body for the 'sql' dialect"):
        q.body("sql")


# -- the CLI ---------------------------------------------------------------------------

def test_cli_list_explains_itself(cli: Callable[..., Any]) -> None:
    r = cli("query", "list")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["query", "parameters", "([optional])", "answers"]
    visits = next(line for line in lines if line.startswith("visits "))
    assert "[visitor] [destination] [home] [from] [to]" in visits and "Official visits" in visits
    sp = next(line for line in lines if line.startswith("shortest-path "))
    assert " a b [types] " in sp
    assert "relgraph query show NAME" in r.stdout


def test_cli_list_json(cli: Callable[..., Any]) -> None:
    r = cli("query", "list", "--format", "json")
    data = json.loads(r.stdout)
    officials = next(q for q in data if q["name"] == "officials")
    assert officials["params"][1] == {
        "name": "day", "type": "enddate", "required": False, "default": "today",
        "help": "the day (YYYY-MM-DD or today; 2005 means its last day, as with --as-of)"}
    assert officials["file"].endswith("diplomacy.cypher") and officials["mode"] == "read"


def test_cli_show_prints_doc_params_and_the_cypher_for_the_store(cli: Callable[..., Any]) -> None:
    r = cli("query", "show", "shortest-path")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("shortest-path: The shortest connection between two nodes")
    assert "  a      node, required" in r.stdout
    assert "Cypher (ladybug):" in r.stdout and "* SHORTEST 1..8" in r.stdout
    assert "shortestPath" not in r.stdout
    assert "Run: relgraph query run shortest-path -p a=... -p b=..." in r.stdout
    neo = cli("query", "show", "shortest-path", "--store", "neo4j://localhost:7687")
    assert "Cypher (neo4j):" in neo.stdout and "shortestPath((a)-[*1..8]-(b))" in neo.stdout
    assert cli("query", "show", "shortest-path", "--dialect", "neo4j").stdout == neo.stdout


def test_cli_run_formats(cli: Callable[..., Any], mini_template: str) -> None:
    table = cli("query", "run", "officials", "-p", "state=Russia", "-p", "day=2005", "--store", mini_template)
    assert table.exit_code == 0, table.stderr
    head, rule, row = table.stdout.splitlines()
    assert head.split()[:4] == ["state", "post", "rank", "person"]
    assert set(rule) == {"-", " "}
    assert "Vladimir Putin" in row and "2000-05-07" in row and "2008-05-07" in row
    assert table.stderr.strip() == "(1 row)"

    js = cli("query", "run", "officials", "-p", "day=2005", "--format", "json", "--store", mini_template)
    assert json.loads(js.stdout) == [{
        "state": ["Russian Federation"], "post": "President of the Russian Federation",
        "rank": "head-of-state", "person": "Vladimir Putin", "postIn": "Russian Federation",
        "since": "2000-05-07", "until": "2008-05-07", "status": "confirmed",
        "sources": ["doc:eai-2024-06-05 | para 3"]}]

    c = cli("query", "run", "changes", "-p", "from=1990", "--format", "csv", "--limit", "2",
            "--store", mini_template)
    rows = list(csv.reader(io.StringIO(c.stdout)))
    assert rows[0] == ["date", "change", "type", "fact", "id", "status", "sources"]
    assert [r[:3] for r in rows[1:]] == [["2000-05-07", "began", "HOLDS"], ["2008-05-07", "ended", "HOLDS"]]
    assert "printed 2 of 5 rows" in c.stderr


def test_cli_repeated_param_makes_a_list(cli: Callable[..., Any], mini_template: str) -> None:
    r = cli("query", "run", "neighbors", "-p", "node=Putin", "-p", "hops=3", "-p", "types=HOLDS",
            "-p", "types=POST_IN", "--format", "json", "--store", mini_template)
    assert [(x["hops"], x["id"]) for x in json.loads(r.stdout)] == [(1, "position:rus-president"),
                                                                    (2, "state:RUS")]


@pytest.mark.parametrize(("args", "message"), [
    (["run", "meetings"], "error: query 'meetings' needs parameter 'a'"),
    (["run", "meetings", "-p", "a"], "error: -p 'a': write -p NAME=VALUE"),
    (["run", "officials", "-p", "day=2024-13-01"], "error: parameter 'day': '2024-13-01' is not a date"),
    (["run", "visit"], "error: no query named 'visit'; did you mean visits?"),
    (["show", "nope"], "error: no query named 'nope'"),
])
def test_cli_usage_errors_exit_2_with_help(cli: Callable[..., Any], mini_template: str,
                                           args: list[str], message: str) -> None:
    r = cli("query", *args, "--store", mini_template)
    assert r.exit_code == 2
    assert r.stderr.startswith(message)
    if args[0] == "run" and args[1] != "visit":
        assert f"parameters of {args[1]} (-p NAME=VALUE):" in r.stderr


def test_cli_user_queries_folder(cli: Callable[..., Any], mini_template: str, tmp_path: Path) -> None:
    (tmp_path / "mine.cypher").write_text(
        "// name: my-states\n// description: States by ISO code.\n// param: iso string -- ISO3 code\n"
        "MATCH (s:State) WHERE s.iso3 = $iso RETURN s.name AS name\n", encoding="utf-8")
    r = cli("query", "run", "my-states", "-p", "iso=PRK", "--format", "json", "--queries", str(tmp_path),
            "--store", mini_template)
    assert json.loads(r.stdout) == [{"name": "Democratic People's Republic of Korea"}]
    r = cli("query", "list", env={"RELGRAPH_QUERIES": str(tmp_path)})
    assert any(line.startswith("my-states ") for line in r.stdout.splitlines())
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "b.cypher").write_text("// name: b\n// description: x\nRETURN $nope AS x\n", encoding="utf-8")
    r = cli("query", "list", "--queries", str(bad))
    assert r.exit_code == 1
    assert f"{bad / 'b.cypher'}:3: param = 'nope': query 'b' uses parameter $nope" in r.stderr


CLAIMS = """\
relationships:
  - {type: DENIED, from: state:RUS, to: project:rajin-khasan-railway, status: confirmed,
     sources: ["doc:eai-2024-06-05 | test: a denial"]}
  - {type: ALLEGED, from: doc:eai-2024-06-05, to: project:rajin-khasan-railway, status: confirmed,
     sources: ["doc:eai-2024-06-05 | test: an allegation"]}
"""


def test_who_alleged_and_who_denied(tmp_path: Path) -> None:
    from conftest import MINI

    from relgraph import api

    (tmp_path / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    store = str(tmp_path / "claims.db")
    api.load([MINI, tmp_path / "claims.yaml"], store=store)
    doc = "Russia-DPRK Ties after 75th Anniversary of Diplomatic Relations: Hurdles and Opportunities"

    r = run_query("projects", {}, store=store)
    [row] = [dict(zip(r.columns, x, strict=True)) for x in r.rows]
    assert (row["allegedBy"], row["deniedBy"]) == ([doc], ["Russian Federation"])

    r = run_query("claims", {"status": "confirmed", "about": "Rajin-Khasan"}, store=store)
    rows = {x[r.columns.index("id")]: dict(zip(r.columns, x, strict=True)) for x in r.rows}
    project = rows["project:rajin-khasan-railway"]
    assert (project["allegedBy"], project["deniedBy"]) == ([doc], ["Russian Federation"])
    denial = rows["DENIED:state:RUS->project:rajin-khasan-railway"]
    assert denial["fact"] == "Russian Federation -[DENIED]-> Rajin–Khasan railway"
    assert (denial["allegedBy"], denial["deniedBy"], denial["sources"]) == (
        [], [], ["doc:eai-2024-06-05 | test: a denial"])
    # a reported partnership is not listed among confirmed claims
    assert "PARTNER_IN:state:PRK->project:rajin-khasan-railway" not in rows


def test_sources_of_a_node_without_citations_and_of_a_document(mini_template: str) -> None:
    r = run_query("sources", {"node": "doc:eai-2024-06-05"}, store=mini_template)
    assert r.rows == []  # the Document cites nothing and nothing links to it in the mini data
    r = run_query("sources", {"node": "Kim Jong Un"}, store=mini_template)
    rows = [dict(zip(r.columns, x, strict=True)) for x in r.rows]
    assert [(x["fact"], x["type"], x["other"], x["document"], x["locator"]) for x in rows] == [
        ("node", "Person", "Kim Jong Un", "doc:eai-2024-06-05", "para 3"),
        ("->", "PARTICIPATED_IN", "Vostochny Cosmodrome summit", "doc:eai-2024-06-05", "para 1"),
    ]
    assert all(x["publisher"] == "East Asia Institute" and x["published"] == date(2024, 6, 5) for x in rows)


def test_a_table_shows_the_first_thousand_rows_and_json_every_row(cli, mini_template: str,
                                                                  tmp_path: Path) -> None:
    """The CLI's default row limit: 1,000 rows in a table (with the count on stderr), every
    row as JSON or CSV; --limit overrides it either way."""
    folder = tmp_path / "q"
    folder.mkdir()
    (folder / "many.cypher").write_text(
        "// name: many\n// description: Numbers.\n// mode: read\n"
        "UNWIND range(1, 1500) AS i RETURN i AS n, date('2024-01-01') AS day ORDER BY n\n", "utf-8")
    base = ["query", "run", "many", "--queries", str(folder), "--store", mini_template]
    table = cli(*base)
    body = table.stdout.splitlines()
    assert table.exit_code == 0 and body[-1].split()[0] == "1000" and len(body) == 1002  # header, rule
    assert table.stderr.strip() == "(1000 of 1500 rows; raise --limit to see more)"
    assert len(json.loads(cli(*base, "--format", "json").stdout)) == 1500
    assert len(cli(*base, "--format", "csv").stdout.splitlines()) == 1501
    more = cli(*base, "--limit", "1200")
    assert len(more.stdout.splitlines()) == 1202 and "1200 of 1500" in more.stderr
    assert len(json.loads(cli(*base, "--format", "json", "--limit", "3").stdout)) == 3
