"""Hostile names in data are text in every output: terminal, CSV, JSON.

A store holds names made to attack the places they are printed: terminal
escape sequences (colour, clear screen, window title, the 8-bit CSI), a bell
and a backspace, line breaks, spreadsheet formulas (`=`, `+`, `-`, `@`, a
leading tab or carriage return) and quotes. Terminal output (tables, `show`,
paths, errors) must hold no control character but the line break; CSV cells
that a spreadsheet would run are prefixed with `'`; JSON gives every value back
exactly. The HTML views' handling of hostile names is tested in
tests/test_views.py and tests/test_views_browser.py (the fixture
tests/fixtures/hostile/).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import MINI

from relgraph.formats import clean_text

pytestmark = pytest.mark.reliability

# Control characters a terminal acts on; "\n" is the only one output may hold.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")

NAMES = {
    "person:esc-clear": "\x1b[2J\x1b[H Cleared Screen",
    "person:esc-title": "\x1b]0;owned\x07 Window Title",
    "person:esc-c1": "\x9b31m Eight Bit",
    "person:bell": "Bell\x07 Back\x08space",
    "person:formula-eq": '=HYPERLINK("http://example.com","click")',
    "person:formula-plus": "+1+cmd|' /C calc'!A0",
    "person:formula-minus": "-2+3",
    "person:formula-at": "@SUM(A1:A9)",
    "person:formula-tab": "\t=1+1",
    "person:formula-cr": "\r=1+1",
    "person:quotes": "Quote \" and ' and \\ backslash",
    "person:two-lines": "First line\nSecond line",
    # Issue 16, item 7: a line break that forges a relationship line, bidirectional overrides,
    # zero-width and other invisible characters.
    "person:forged": "Kim\n  HOLDS -> Supreme Leader of Atlantis (Position)  confirmed  [1]",
    "person:rlo": "Abdul \u202eevil.exe\u202c Rahman",
    "person:zero-width": "Zero\u200bWidth\u200dJoiner\ufeffBOM\u2028Separator\u2066Isolate",
}
# What changes a line without showing itself: the format characters and separators.
INVISIBLE = re.compile("[\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\u00ad]")
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _swap(value, names: dict[str, str]):
    if isinstance(value, str):
        for token, name in names.items():
            value = value.replace(token, name)
        return value
    if isinstance(value, list):
        return [_swap(v, names) for v in value]
    return value


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store holding the names. The loaders refuse control characters in text (issue 16),
    but a store may still hold them (written by an earlier relgraph, or synced from Neo4j):
    the names go in as tokens, validated, and are swapped in before the store is written."""
    from relgraph.loaders import read_dataset
    from relgraph.store import open_store

    folder = tmp_path_factory.mktemp("hostile-output")
    doc = "doc:eai-2024-06-05"
    tokens = {f"HOSTILE{k:02d}X": n for k, n in enumerate(NAMES.values())}
    plain = dict(zip(NAMES, tokens, strict=True))
    nodes = [{"id": i, "type": "Person", "name": n, "aliases": [n + " alias"], "status": "confirmed",
              "note": "note: " + n, "sources": [f"{doc} | {n}"]} for i, n in plain.items()]
    rels = [{"type": "CITIZEN_OF", "from": i, "to": "state:PRK", "status": "alleged",
             "note": n, "sources": [f"{doc} | {n}"]} for i, n in plain.items()]
    data = folder / "hostile-names.yaml"
    data.write_text(yaml.safe_dump({"nodes": nodes, "relationships": rels}, allow_unicode=True), "utf-8")
    ds = read_dataset([MINI, data])
    for item in [*ds.nodes, *ds.relationships]:
        item.props = {k: _swap(v, tokens) for k, v in item.props.items()}
    location = str(folder / "h.db")
    with open_store(location) as st:
        st.write(ds)
    return location


def terminal_safe(text: str) -> None:
    bad = sorted({repr(c) for c in CONTROL.findall(text) + INVISIBLE.findall(text)})
    assert not bad, f"control or format characters reach the terminal: {bad}"


def test_the_names_hold_what_they_are_named_for() -> None:
    joined = "".join(NAMES.values())
    for c in ("\x1b", "\x07", "\x08", "\x9b", "\t", "\r", "\n"):
        assert c in joined
    assert {n[0] for n in NAMES.values()} >= set(FORMULA)


@pytest.mark.parametrize("args", [
    ["show", "person:esc-clear"], ["show", "person:esc-title"], ["show", "person:bell"],
    ["show", "person:two-lines"], ["show", "state:PRK"], ["show", "doc:eai-2024-06-05"],
    ["query", "run", "search", "-p", "text=person:"],
    ["query", "run", "sources", "-p", "node=state:PRK"],
    ["query", "run", "claims"],
    ["query", "run", "neighbors", "-p", "node=state:PRK"],
    ["analyze", "centrality", "--top", "20"],
    ["analyze", "ego", "state:PRK"],
    ["analyze", "path", "person:esc-clear", "person:bell"],
    ["show", "person:forged"], ["show", "person:rlo"], ["show", "person:zero-width"],
    ["analyze", "path", "person:forged", "person:rlo"],
    ["analyze", "ego", "person:zero-width"],
    ["analyze", "communities"],
    ["stats"],
])
def test_terminal_output_holds_no_control_characters(cli, store: str, args: list[str]) -> None:
    r = cli(*args, "--store", store)
    assert r.exit_code == 0, r.stderr
    assert r.exception is None
    terminal_safe(r.stdout)
    terminal_safe(r.stderr)


@pytest.mark.parametrize("args", [
    ["show", "state:PRK"], ["show", "person:forged"], ["analyze", "path", "person:forged", "person:rlo"],
    ["analyze", "ego", "state:PRK"], ["query", "run", "search", "-p", "text=Kim"],
])
def test_a_line_break_in_a_value_cannot_forge_a_line(cli, store: str, args: list[str]) -> None:
    r = cli(*args, "--store", store)
    assert r.exit_code == 0, r.stderr
    forged = [line for line in r.stdout.splitlines() if "Supreme Leader of Atlantis" in line
              and not line.lstrip().startswith(("Kim\\x0a", "CITIZEN_OF", "1 ", "2 ", "hop"))
              and "Kim\\x0a" not in line]
    assert not forged, forged
    assert "Kim\n" not in r.stdout


def test_control_characters_are_shown_not_sent(cli, store: str) -> None:
    r = cli("show", "person:esc-clear", "--store", store)
    assert r.stdout.startswith("\\x1b[2J\\x1b[H Cleared Screen  (Person, person:esc-clear)\n")
    r = cli("query", "run", "search", "-p", "text=Eight Bit", "--store", store)
    assert "\\x9b31m Eight Bit" in r.stdout


def test_a_line_break_in_a_name_does_not_make_a_table_row(cli, store: str) -> None:
    r = cli("query", "run", "search", "-p", "text=Second line", "--store", store)
    _head, _rule, row = r.stdout.splitlines()
    assert row.startswith("First line\\x0aSecond line")  # shown, as other control characters are


@pytest.mark.parametrize("args", [
    ["query", "run", "search", "-p", "text=person:"],
    ["query", "run", "claims"],
    ["query", "run", "sources", "-p", "node=state:PRK"],
    ["analyze", "centrality", "--top", "20"],
])
def test_csv_cells_never_run_as_formulas(cli, store: str, args: list[str]) -> None:
    r = cli(*args, "--format", "csv", "--store", store)
    assert r.exit_code == 0, r.stderr
    terminal_safe(r.stdout)
    cells = [c for row in csv.reader(io.StringIO(r.stdout, newline="")) for c in row]
    number = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")
    risky = [c for c in cells if c.startswith(FORMULA) and not number.fullmatch(c)]
    assert risky == []
    shown = {c for c in cells if c.startswith("'")}
    assert any(c.startswith("'=HYPERLINK(") for c in shown) or "centrality" in args


def test_csv_shows_each_value_as_a_table_does_after_its_quote(cli, store: str) -> None:
    r = cli("query", "run", "search", "-p", "text=person:", "--format", "csv", "--store", store)
    rows = list(csv.DictReader(io.StringIO(r.stdout, newline="")))
    by_id = {row["id"]: row["name"] for row in rows}
    for node_id, name in NAMES.items():
        shown = clean_text(name)
        assert by_id[node_id] == ("'" + shown if shown.startswith(FORMULA) else shown)
    assert by_id["person:formula-cr"] == "\\x0d=1+1"  # a bare CR would start a new row in a spreadsheet
    assert by_id["person:two-lines"] == "First line\nSecond line"  # in one quoted cell


@pytest.mark.parametrize("args", [
    ["query", "run", "search", "-p", "text=person:"],
    ["show", "person:formula-eq"],
])
def test_json_gives_every_value_back_exactly(cli, store: str, args: list[str]) -> None:
    r = cli(*args, "--format", "json", "--store", store)
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    if args[0] == "show":
        assert data["node"]["name"] == NAMES["person:formula-eq"]
        assert data["node"]["note"] == "note: " + NAMES["person:formula-eq"]
    else:
        assert {row["id"]: row["name"] for row in data if row["id"] in NAMES} == NAMES


def test_error_messages_hold_no_control_characters(cli, store: str) -> None:
    # a name that is no node, echoed back with suggestions drawn from the hostile names
    r = cli("show", "\x1b[2J Cleared Scren", "--store", store)
    assert r.exit_code == 2
    assert r.stderr == ("error: no node named '\\x1b[2J Cleared Scren'; did you mean "
                        "'\\x1b[2J\\x1b[H Cleared Screen', '\\x1b[2J\\x1b[H Cleared Screen alias'?\n")
    r = cli("query", "run", "sources", "-p", "node=\x1b]0;x\x07", "--store", store)
    assert r.exit_code == 2
    terminal_safe(r.stderr)
    r = cli("load", str(Path("no\x1b[31m-such.yaml")), "--store", store)
    assert r.exit_code == 1
    terminal_safe(r.stderr)
    assert r.stderr == ("error: 1 problem in input:\n"
                        "  no\\x1b[31m-such.yaml: no such file or folder (fix: check the path)\n")


def test_a_query_file_shows_its_tabs_as_spaces_and_its_escapes_as_text(cli, tmp_path: Path) -> None:
    (tmp_path / "mine.cypher").write_text(
        "// name: mine\n// description: Mine \x1b[31mred\n// param: x string -- a value\n"
        "MATCH (n:State)\n\tWHERE n.name = $x\nRETURN n.name AS name\n", encoding="utf-8")
    r = cli("query", "show", "mine", "--queries", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    terminal_safe(r.stdout)
    assert "mine: Mine \\x1b[31mred" in r.stdout
    assert "\n  MATCH (n:State)\n        WHERE n.name = $x\n" in r.stdout  # the tab, to the next stop


@pytest.mark.parametrize(("char", "shown"), [
    ("\x00", "\\x00"), ("\xff", "\\xff"), ("\u0100", "\\u0100"), ("\u202e", "\\u202e"),
    ("\uffff", "\\uffff"), ("\U00010000", "\\U00010000"), ("\U000e0001", "\\U000e0001"),
])
def test_an_escape_is_as_wide_as_its_code_point_needs(char: str, shown: str) -> None:
    """Python's own escapes: two hex digits up to U+00FF, four up to U+FFFF, eight beyond."""
    from relgraph.formats import _escape

    assert _escape(re.match(".", char, re.S)) == shown


def test_a_mapping_in_a_cell_keeps_its_letters() -> None:
    from relgraph.formats import cell

    assert cell({"name": "Пхеньян", "n": 1.5}) == '{"name": "Пхеньян", "n": 1.5}'


def test_table_columns_line_up_with_wide_letters() -> None:
    """A Hangul or Han letter takes two columns in a terminal; padding counts it so."""
    from relgraph.formats import table

    assert table(["name", "kind", "n"], [["평양", "city", 1], ["Pyongyang", "c", 22]]).split("\n") == [
        "name       kind  n",
        "---------  ----  --",
        "평양       city  1",
        "Pyongyang  c     22",
    ]


def test_json_gives_dates_and_times_in_iso_and_other_objects_as_text() -> None:
    from datetime import date, datetime
    from decimal import Decimal

    from relgraph.formats import to_json

    rows = [[date(2024, 6, 19), datetime(2024, 6, 19, 10, 30), Decimal("1.50"), Path("a/b")]]
    assert json.loads(to_json(["d", "t", "x", "p"], rows)) == [
        {"d": "2024-06-19", "t": "2024-06-19T10:30:00", "x": "1.50", "p": "a/b"}]
    assert '"평양"' in to_json(["name"], [["평양"]])  # letters as letters, not \u escapes
    assert to_json(["a"], [[1]]) == '[\n  {\n    "a": 1\n  }\n]'  # indented by two, as `--format json` shows
