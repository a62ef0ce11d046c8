"""Hostile parameter values through every parameter of every stored query: data, never code.

Each payload (Cypher fragments, quotes, backslashes, control characters, other
scripts, very long strings, numbers out of range, bytes that are not UTF-8)
goes through every parameter of every stored query, on a store holding the
mini dataset and the hostile fixture. Each run returns rows or raises a usage
error (a name that is no node, a value that is not a date); nothing crashes,
no value reaches the engine as anything but a parameter, and the store is
byte for byte what it was.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, MINI, dump_store

from relgraph import api
from relgraph.errors import RelgraphError, StoreError, UsageError
from relgraph.queries import convert_params, load_queries, run_query, write_clause
from relgraph.queries import run_on as run_on_store
from relgraph.store import open_store

pytestmark = pytest.mark.reliability

PAYLOADS = [
    # Cypher that would write, read elsewhere or break out of a string, a map or a pattern
    "x'}) DETACH DELETE n //",
    'x"}) DETACH DELETE n //',
    "') MATCH (n) DETACH DELETE n //",
    "x'}) CREATE (:State {id: 'state:PWN', name: 'pwned', iso3: 'PWN'}) //",
    "'; MATCH (n) DETACH DELETE n; //",
    "x' OR true OR n.id = '",
    "' OR 1=1 //",
    '" OR ""="',
    "`) DETACH DELETE n //",
    "*/ MATCH (n) DETACH DELETE n /*",
    "x}]-() SET n.name = 'pwned' //",
    "MATCH (n) SET n.name = 'pwned' RETURN n",
    "CREATE (n:State {id: 'state:PWN'})",
    "DROP TABLE State",
    "COPY State FROM '/etc/passwd'",
    "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
    "CALL db.clearQueryCaches()",
    "1 UNION MATCH (n) RETURN n",
    "$node",
    "${text}",
    "{id: 'state:PRK'}",
    "[1, 2, 3]",
    # quoting and escaping
    "'", '"', "`", "''", "\\", "\\'", "\\\\'", "x\\", "\\u0027", "\\x27", "%27", "&#39;",
    # control characters, terminal escapes, invisible and bidirectional characters
    "\x00", "a\x00b", "\x1b[31mred\x1b[0m", "\x1b]0;title\x07", "\r\n", "\t", "line 1\nline 2", "\x7f\x9b",
    "\u202eevil", "\u200b", "\ufeff",
    # other scripts, emoji, combining marks
    "김정은", "Ким Чен Ын", "金正恩", "😀", "e\u0301\u0301\u0301",
    # empty, blank, separators
    "", " ", ",", ",,,", "a,b,'c",
    # numbers, dates and words the types might misread
    "-1", "0", "99999999999999999999999", "1e309", "NaN", "-Infinity", "0x10", "2023-02-30", "2023-13",
    "today'", "null", "true", "NULL",
    # paths, markup, formats
    "../../../../etc/passwd", "<script>alert(1)</script>", "=cmd|' /C calc'!A0", "%s%s%n", "{0}{1}",
    # bytes that are not UTF-8, as Python keeps them from a command line
    "\udcff", "ok\udce9",
    # very long (and a million characters in the tests below)
    "A" * 10_000, "'" * 100_000, "x" * 100_000,
    # real names and ids, some with a payload attached
    "state:PRK", "Kim Jong Un", "state:PRK' OR '1'='1", "Putin'); MATCH (n) DETACH DELETE n //",
]


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    location = tmp_path_factory.mktemp("hostile-params") / "h.db"
    api.load([MINI, FIXTURES / "hostile"], store=str(location))
    return location


def fingerprint(store: Path) -> tuple[str, list[str]]:
    """The store file's bytes (hashed) and the files beside it."""
    digest = hashlib.sha256(store.read_bytes()).hexdigest()
    return digest, sorted(p.name for p in store.parent.iterdir())


VALID = {"node": "state:PRK", "date": "2000", "enddate": "2030", "int": "1", "string": "Kim",
         "status[]": "confirmed", "reltype[]": "HOLDS", "sanctionClass": "gray-zone", "label": "Person"}


def test_there_are_at_least_fifty_distinct_payloads() -> None:
    assert len(set(PAYLOADS)) == len(PAYLOADS) >= 50


def test_every_payload_through_every_parameter_of_every_query(hostile_store: Path) -> None:
    before, files = dump_store(hostile_store), fingerprint(hostile_store)
    queries = load_queries()
    outcomes: dict[str, int] = {"rows": 0, "usage error": 0}
    runs = 0
    with open_store(str(hostile_store), read_only=True) as st:
        for q in queries.values():
            assert q.mode == "read"
            for p in q.params:
                for payload in PAYLOADS:
                    given = {o.name: VALID[o.type] for o in q.params if o.required}
                    given[p.name] = payload
                    runs += 1
                    try:
                        values = convert_params(q, given, st)
                        run_on_store(st, q, values)
                    except UsageError as e:
                        assert e.exit_code == 2 and str(e).startswith(f"parameter {p.name!r}: ")
                        outcomes["usage error"] += 1
                    except RelgraphError as e:  # a StoreError would mean a value upset the engine
                        raise AssertionError(f"{q.name} -p {p.name}={payload[:40]!r}: {e}") from None
                    else:
                        outcomes["rows"] += 1
    print(f"\n{len(PAYLOADS)} payloads, {runs} runs over {len(queries)} queries: {outcomes}")
    assert outcomes["rows"] > 0 and outcomes["usage error"] > 0
    assert dump_store(hostile_store) == before
    assert fingerprint(hostile_store) == files


@pytest.mark.parametrize("payload", ["x'}) DETACH DELETE n //", "' OR 1=1 //", "\\", "'", "<", "$node",
                                     "😀", "Kim", "x" * 1_000_000])
def test_a_text_payload_is_searched_for_as_text(hostile_store: Path, payload: str) -> None:
    """`search` finds exactly the nodes whose id, name or an alias holds the text, as text."""
    nodes = [dict(props) for _, props in dump_store(hostile_store)["nodes"]]
    expected = sorted(n["id"] for n in nodes if any(payload.lower() in s.lower()
                                                    for s in (n["id"], n["name"], *n.get("aliases", []))))
    r = run_query("search", {"text": payload}, store=str(hostile_store))
    assert sorted(row[r.columns.index("id")] for row in r.rows) == expected


def test_a_million_character_name_is_no_node(hostile_store: Path) -> None:
    with pytest.raises(UsageError) as info:
        run_query("sources", {"node": "x" * 1_000_000}, store=str(hostile_store))
    assert str(info.value).startswith("parameter 'node': no node named 'xxxxxxxx")


def test_hostile_names_in_the_store_are_found_as_names(hostile_store: Path) -> None:
    """The hostile fixture's own names, given as parameters, match themselves and nothing else."""
    r = run_query("search", {"text": "</script><script>"}, store=str(hostile_store))
    assert sorted(row[r.columns.index("id")] for row in r.rows) == ["doc:hostile", "state:AAA"]
    r = run_query("sources", {"node": "</script><script>window.__pwned = 'name'</script>"},
                  store=str(hostile_store))
    assert r.params["node"] == "state:AAA" and r.rows
    quote = "Quote \" and ' and \\ backslash"  # an alias of state:AAA
    assert run_query("sources", {"node": quote}, store=str(hostile_store)).params["node"] == "state:AAA"


@pytest.mark.parametrize(("args", "stderr"), [
    (["search", "-p", "text=x'}) DETACH DELETE n //"], "(0 rows)\n"),
    (["search", "-p", "text=\\'; MATCH (n) DETACH DELETE n"], "(0 rows)\n"),
    (["sources", "-p", "node=x'}) DETACH DELETE n //"],
     "error: parameter 'node': no node named \"x'}) DETACH DELETE n //\"\n"),
    (["neighbors", "-p", "node=state:PRK", "-p", "hops=1; DROP TABLE State"],
     "error: parameter 'hops': '1; DROP TABLE State' is not a whole number\n"),
    (["changes", "-p", "from=2023') RETURN 1 //"],
     "error: parameter 'from': \"2023') RETURN 1 //\" is not a date (not a date; write YYYY-MM-DD, "
     "YYYY-MM, YYYY or today (a partial date means its first day))\n"),
    (["claims", "-p", "status=alleged'}) DETACH DELETE n //"],
     "error: parameter 'status': \"alleged'}) DETACH DELETE n //\" is not a status "
     "(confirmed, reported, alleged, denied, planned)\n"),
    (["dyad-years", "-p", "from=99999999999999999999999"],
     "error: parameter 'from': '99999999999999999999999' is not between -9223372036854775808 and "
     "9223372036854775807\n"),
])
def test_cli_treats_payloads_as_data(cli, hostile_store: Path, args: list[str], stderr: str) -> None:
    before = dump_store(hostile_store)
    r = cli("query", "run", *args, "--store", str(hostile_store))
    assert r.exception is None
    assert r.stderr.startswith(stderr)
    assert r.exit_code == (0 if stderr == "(0 rows)\n" else 2)
    assert dump_store(hostile_store) == before


def test_bytes_that_are_not_utf8_on_the_command_line(hostile_store: Path) -> None:
    """A real process: Python keeps such argv bytes as lone surrogates, which the engine
    cannot take; the parameter is refused by name instead."""
    relgraph = Path(sys.executable).with_name("relgraph")
    before = dump_store(hostile_store)
    proc = subprocess.run([os.fsencode(relgraph), b"query", b"run", b"search", b"-p", b"text=ab\xffcd",
                           b"--store", os.fsencode(hostile_store)], capture_output=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert proc.stderr.decode("utf-8").startswith(
        "error: parameter 'text': 'ab\\udcffcd' is not text (it holds bytes that are not UTF-8; check the "
        "encoding of your terminal or script)\n")
    assert dump_store(hostile_store) == before


# -- stored read queries cannot write -----------------------------------------------------

def test_no_stored_query_has_a_writing_clause() -> None:
    for q in load_queries().values():
        for dialect in ("ladybug", "neo4j"):
            assert write_clause(q.body(dialect)) is None, (q.name, dialect)


@pytest.mark.parametrize("cypher", [
    "MATCH (n:State) SET n.name = 'pwned' RETURN count(n) AS n",
    "CREATE (:State {id: 'state:PWN', name: 'pwned', iso3: 'PWN', status: 'confirmed'}) RETURN 1 AS n",
    "MATCH (n) DETACH DELETE n RETURN count(*) AS n",
    "MATCH (n:State) WHERE n.id = $x MERGE (n)-[:BORDERS]->(n) RETURN 1 AS n",
])
def test_a_read_session_refuses_every_kind_of_write(hostile_store: Path, cypher: str) -> None:
    """What keeps read queries from writing is the read-only store itself, not the text
    check: a writing statement sent through a read query's path changes nothing."""
    before, files = dump_store(hostile_store), fingerprint(hostile_store)
    with open_store(str(hostile_store), read_only=True) as st, pytest.raises(StoreError):
        st.run(cypher, {"x": "state:PRK"})
    assert dump_store(hostile_store) == before
    assert fingerprint(hostile_store) == files
