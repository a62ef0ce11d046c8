"""Query files: parsing into records, and every validation error with file and line."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from relgraph.errors import InputError, UsageError
from relgraph.queries import DIALECTS, bundled_dir, find_query, list_queries, load_queries, parse_text

CANNED = {
    "timeline", "visits", "treaties", "officials", "meetings", "projects", "sanctions", "claims",
    "sources", "domains", "neighbors", "shortest-path", "common-partners", "changes", "search",
    "cameo-events", "dyad-years",
}


@pytest.fixture(autouse=True)
def _no_user_queries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RELGRAPH_QUERIES", raising=False)


def problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(InputError) as e:
        parse_text(text, "q.cypher")
    assert all(p.file == "q.cypher" for p in e.value.problems)
    return [(p.line, p.message) for p in e.value.problems]


GOOD = """\
// A file comment.

// name: by-status
// description: Nodes with one status.
// The longer doc,
// on two lines.
// param: status status = alleged -- the claim status
// param: limit int? -- unused here? no: used below
// mode: read
MATCH (n) WHERE n.status = $status
RETURN n.id AS id, $limit AS lim

// name: two-dialects
// description: Per-dialect bodies.
// param: id node -- a node
// dialect: ladybug
MATCH (n) WHERE n.id = $id RETURN label(n) AS type
// dialect: neo4j
MATCH (n) WHERE n.id = $id RETURN labels(n)[0] AS type
"""


def test_parse_records_keep_file_line_doc_params_and_bodies() -> None:
    first, second = parse_text(GOOD, "q.cypher")
    assert (first.name, first.file, first.line, first.mode) == ("by-status", "q.cypher", 3, "read")
    assert first.description == "Nodes with one status."
    assert first.doc == "The longer doc,\non two lines."
    status, limit = first.params
    assert (status.name, status.type, status.required, status.default, status.line) == (
        "status", "status", False, "alleged", 7)
    assert (limit.name, limit.type, limit.required, limit.default) == ("limit", "int", False, None)
    assert first.shared and first.body("neo4j") == first.body("ladybug")
    assert first.body("ladybug") == "MATCH (n) WHERE n.status = $status\nRETURN n.id AS id, $limit AS lim"
    assert second.line == 13 and not second.shared
    assert second.body("ladybug") == "MATCH (n) WHERE n.id = $id RETURN label(n) AS type"
    assert second.body("neo4j") == "MATCH (n) WHERE n.id = $id RETURN labels(n)[0] AS type"
    assert second.params[0].required and second.params[0].type == "node"


def test_records_are_immutable() -> None:
    q = parse_text(GOOD, "q.cypher")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        q.bodies["ladybug"] = "RETURN 1"  # type: ignore[index]


def test_duplicate_name_in_one_file() -> None:
    text = "// name: a\n// description: x\nRETURN 1 AS x\n\n// name: a\n// description: y\nRETURN 2 AS x\n"
    with pytest.raises(InputError) as e:
        load_from(text)
    [p] = e.value.problems
    assert p.line == 5 and "already used at" in p.message and p.message.endswith(":1")


def load_from(text: str, tmp: Path | None = None) -> object:
    import tempfile

    folder = Path(tmp or tempfile.mkdtemp())
    (folder / "mine.cypher").write_text(text, encoding="utf-8")
    return load_queries([folder])


def test_parameter_used_but_not_declared_names_its_line() -> None:
    text = "// name: a\n// description: x\nMATCH (n)\nWHERE n.id = $who\nRETURN n.id AS id\n"
    assert problems(text) == [(4, "query 'a' uses parameter $who, which is not declared")]


def test_parameter_declared_but_not_used() -> None:
    text = "// name: a\n// description: x\n// param: who string -- someone\nRETURN 1 AS x\n"
    assert problems(text) == [(3, "query 'a' declares 'who' but never uses it")]


def test_parameter_must_be_used_in_every_dialect_body() -> None:
    text = ("// name: a\n// description: x\n// param: who string -- someone\n"
            "// dialect: ladybug\nRETURN $who AS x\n// dialect: neo4j\nRETURN 1 AS x\n")
    assert problems(text) == [(3, "query 'a' (dialect neo4j) declares 'who' but never uses it")]


def test_dollar_signs_in_strings_and_comments_are_not_parameters() -> None:
    [q] = parse_text("// name: a\n// description: x\nRETURN '$no' AS x // $nor\n", "q.cypher")
    assert q.params == ()


def test_empty_body() -> None:
    text = ("// name: a\n// description: x\n// just a comment\n\n"
            "// name: b\n// description: y\nRETURN 1 AS x\n")
    assert problems(text) == [(1, "query 'a' has an empty body")]


def test_empty_dialect_body_and_missing_dialect() -> None:
    text = "// name: a\n// description: x\n// dialect: ladybug\n\n// dialect: neo4j\nRETURN 1 AS x\n"
    assert problems(text) == [(3, "query 'a' has an empty body for dialect 'ladybug'")]
    text = "// name: a\n// description: x\n// dialect: neo4j\nRETURN 1 AS x\n"
    assert problems(text) == [(1, "query 'a' has no body for ladybug")]


def test_read_query_that_writes_is_refused_at_load() -> None:
    text = "// name: a\n// description: x\nMATCH (n)\nSET n.note = 'x'\nRETURN count(*) AS n\n"
    assert problems(text) == [(4, "query 'a' is a read query but its Cypher writes (SET)")]
    [q] = parse_text(text.replace("// description: x\n", "// description: x\n// mode: write\n"), "q.cypher")
    assert q.writes


@pytest.mark.parametrize(("line", "expected"), [
    ("// param: x", "cannot read this parameter declaration"),
    ("// param: x strin -- help", "parameter 'x' has an unknown type"),
    ("// param: x string", "parameter 'x' has no help text"),
    ("// param: x int = seven -- help", "default of 'x': parameter 'x': 'seven' is not a whole number"),
    ("// param: x int? = 1 -- help", "a parameter is either optional (?) or has a default, not both"),
    ("// param: x string[]? -- help", "list parameter 'x' cannot be optional without a default"),
    ("// param: x reltype = HOLDZ -- help", "default of 'x': parameter 'x': 'HOLDZ' is not a reltype"),
    ("// param: x date(1..3) -- help", "only an int takes a range"),
    ("// param: x int(3..1) -- help", "only an int takes a range"),
    ("// param: x int(1..3) = 5 -- help", "default of 'x': parameter 'x': '5' is not between 1 and 3"),
])
def test_bad_parameter_declarations(line: str, expected: str) -> None:
    text = f"// name: a\n// description: x\n{line}\nRETURN $x AS x\n"
    [(no, message)] = problems(text)
    assert no == 3 and message.startswith(expected)


def test_header_problems_are_all_reported_together() -> None:
    text = ("RETURN 0 AS stray\n// name: Bad_Name\nRETURN 1 AS x\n// description: too late\n"
            "// name: c\n// description: x\n// mode: sometimes\n// dialect: sql\nRETURN 1 AS x\n")
    found = problems(text)
    assert (1, "Cypher before the first `// name:` line") in found
    assert (2, "a query name is lower-case words joined by dashes") in found
    assert (2, "query 'Bad_Name' has no description") in found
    assert (4, "`// description:` after the query's Cypher started") in found
    assert (7, "unknown mode") in found
    assert (8, "unknown dialect") in found


def test_order_directive() -> None:
    [q] = parse_text("// name: a\n// description: x\n// order: n, word\nRETURN 1 AS n, 'w' AS word\n", "t")
    assert q.order == ("n", "word")
    [q] = parse_text("// name: a\n// description: x\nRETURN 1 AS n\n", "t")
    assert q.order == ()
    assert problems("// name: a\n// description: x\n// order: n; word\nRETURN 1 AS n\n") == [
        (3, "not a list of column names (each optionally ASC or DESC)")]
    [q] = parse_text("// name: a\n// description: x\n// order: n DESC, word asc\n"
                     "RETURN 1 AS n, 'w' AS word\n", "t")
    assert q.order == ("n DESC", "word asc")
    assert problems("// name: a\n// description: x\n// order: n DOWN\nRETURN 1 AS n\n") == [
        (3, "not a list of column names (each optionally ASC or DESC)")]
    assert problems("// name: a\n// description: x\nRETURN 1 AS n\n// order: n\nRETURN 1 AS m\n") == [
        (4, "`// order:` after the query's Cypher started")]


def test_user_folder_behaves_like_bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mine.cypher").write_text(
        "// name: my-states\n// description: States by ISO code.\n// param: iso string -- ISO3 code\n"
        "MATCH (s:State) WHERE s.iso3 = $iso RETURN s.name AS name\n", encoding="utf-8")
    names = {q.name for q in list_queries([tmp_path])}
    assert names == CANNED | {"my-states"}
    mine = find_query("my-states", [tmp_path])
    assert mine.file == str(tmp_path / "mine.cypher") and mine.line == 1
    monkeypatch.setenv("RELGRAPH_QUERIES", str(tmp_path))
    assert "my-states" in load_queries()
    monkeypatch.delenv("RELGRAPH_QUERIES")
    assert "my-states" not in load_queries()


def test_user_query_cannot_reuse_a_bundled_name(tmp_path: Path) -> None:
    (tmp_path / "mine.cypher").write_text("// name: timeline\n// description: x\nRETURN 1 AS x\n")
    with pytest.raises(InputError) as e:
        load_queries([tmp_path])
    [p] = e.value.problems
    assert p.file == str(tmp_path / "mine.cypher") and p.line == 1
    assert "history.cypher:" in p.message


def test_missing_or_empty_user_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        load_queries([tmp_path / "nope", tmp_path])
    assert [p.message for p in e.value.problems] == ["no such query folder", "folder has no .cypher files"]


def test_unknown_query_suggests_a_name() -> None:
    with pytest.raises(UsageError, match=r"no query named 'vists'; did you mean visits\?"):
        find_query("vists")


def test_bundled_set_is_complete_and_documented() -> None:
    queries = load_queries()
    assert set(queries) == CANNED
    for q in queries.values():
        assert Path(q.file).parent == bundled_dir()
        assert q.mode == "read", q.name
        assert q.description and q.doc, q.name
        assert all(p.help for p in q.params), q.name
        assert q.shared or set(q.bodies) == set(DIALECTS), q.name
        for dialect in DIALECTS:
            assert "AS " in q.body(dialect), q.name


def test_sort_rows_sorts_as_order_by() -> None:
    from relgraph.queries import sort_rows

    rows = [["b", 2, ["x"]], [None, 1, ["a", "b"]], ["a", None, None], ["a", 3, ["a"]], ["b", 2, ["w"]]]
    # Text, then numbers descending with nulls first, then lists (unhashable: by their text).
    assert sort_rows(["s", "n", "l"], rows, ["s", "n DESC", "l"]) == [
        ["a", None, None], ["a", 3, ["a"]], ["b", 2, ["w"]], ["b", 2, ["x"]], [None, 1, ["a", "b"]]]
    # Mixed kinds in one column: numbers, then texts, then dates, nulls last.
    mixed = [["t"], [None], [3], [date(2020, 1, 1)], [1.5]]
    assert sort_rows(["v"], mixed, ["v"]) == [[1.5], [3], ["t"], [date(2020, 1, 1)], [None]]
    assert sort_rows(["v"], [], ["v"]) == []
    assert sort_rows(["l"], [[None], [["b"]], [["a"]]], ["l"]) == [[["a"]], [["b"]], [None]]
    assert sort_rows(["l"], [[None], [["b"]], [["a"]]], ["l DESC"]) == [[None], [["b"]], [["a"]]]


WHEN = """// name: a
// description: x
// param: hops int(1..3) = 1 -- steps
// param: node string -- where
MATCH (n) WHERE n.id = $node RETURN 1 AS k
UNION ALL
// when: hops >= 2
MATCH (n) WHERE n.id = $node RETURN 2 AS k
UNION ALL
  // when: hops = 3
MATCH (n) WHERE n.id = $node RETURN 3 AS k
"""


def test_when_sends_only_the_branches_asked_for() -> None:
    from relgraph.queries.parse import select_branches

    [q] = parse_text(WHEN, "t")
    for hops, want in ((1, ["1"]), (2, ["1", "2"]), (3, ["1", "2", "3"]), (None, ["1"])):
        sent = select_branches(q.body("ladybug"), {"hops": hops, "node": "x"})
        assert [line[-6] for line in sent.splitlines() if "RETURN" in line] == want, hops
        assert sent.count("UNION ALL") == len(want) - 1
    # The UNION lines stay as written (UNION is not UNION ALL), and CASE WHEN is no condition.
    first = "RETURN CASE WHEN 1 = 1 THEN 1 END AS k"
    body = f"{first}\nUNION\n// when: hops > 1\nRETURN 2 AS k\nUNION ALL\nRETURN 3 AS k"
    assert select_branches(body, {"hops": 2}) == body
    assert select_branches(body, {"hops": 1}) == f"{first}\nUNION ALL\nRETURN 3 AS k"
    # A parameter named only in conditions counts as used.
    [q] = parse_text(WHEN.replace("MATCH (n) WHERE n.id = $node RETURN 2", "RETURN 2"), "t")
    assert q.name == "a"


def test_when_mistakes_name_their_line() -> None:
    first = WHEN.replace("MATCH (n) WHERE n.id = $node RETURN 1 AS k", "// when: hops > 1\n"
                         "MATCH (n) WHERE n.id = $node RETURN 1 AS k")
    assert [p[0] for p in problems(first)] == [5]
    assert "belongs first in a UNION branch" in problems(first)[0][1]
    late = WHEN.replace("// when: hops >= 2\nMATCH (n) WHERE n.id = $node RETURN 2 AS k",
                        "MATCH (n) WHERE n.id = $node RETURN 2 AS k\n// when: hops >= 2")
    assert [p[0] for p in problems(late)] == [8]
    assert problems(WHEN.replace("hops >= 2", "hops >= two")) == [
        (7, "query 'a': cannot read this condition")]
    assert problems(WHEN.replace("hops >= 2", "depth >= 2")) == [
        (7, "query 'a': the condition names 'depth', not a parameter")]
