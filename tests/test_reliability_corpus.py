"""More bad input: every message asserted exactly, exit code 1, no traceback, the store unchanged.

tests/test_errors_corpus.py checks the first corpus (tests/fixtures/bad/); this
file adds tests/fixtures/bad-more/ and inputs too big to commit, made in a temp
folder: a file over the size limit and YAML nested 10,000 levels deep. Each is
checked three ways, as there: from the library, from ``relgraph validate`` and
from ``relgraph load`` into a store holding the mini dataset, whose full dump
must not change.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BAD, MINI

from relgraph.errors import InputError
from relgraph.loaders import read_dataset
from relgraph.loaders.yamlfile import MAX_BYTES, MAX_DEPTH
from relgraph.schema import load_schema

pytestmark = pytest.mark.reliability

BAD_MORE = BAD.parent / "bad-more"

SYNTAX_FIX = "correct the YAML syntax at this line or the one it names"
UTF8_FIX = "save the file as UTF-8"
DOC_PROPS = ("aliases, author, date, description, kind, name, note, published, publisher, "
             "sources, status, url, validFrom, validTo")
DATE_FIX = "write YYYY-MM-DD (or YYYY-MM, or YYYY when only the year is known)"
SCHEMA = load_schema()
TYPES = ", ".join(sorted([*SCHEMA.nodes, *SCHEMA.relationships]))

EXPECTED: dict[str, list[str]] = {
    "alias-bomb.yaml": [
        "alias-bomb.yaml:3: YAML aliases (*name) are not allowed in data files "
        "(fix: write the value out in full instead of the alias, and drop its &anchor)",
    ],
    "binary-junk-no-nul.yaml": [
        f"binary-junk-no-nul.yaml:1: not UTF-8 (byte 0x80 at offset 0) (fix: {UTF8_FIX})",
    ],
    "citation-without-document.yaml": [
        "citation-without-document.yaml:11: sources = ' | p. 3': cites unknown document '' "
        "(fix: cite a Document id (add the Document under `nodes:`))",
    ],
    "comments-only.yaml": [
        "comments-only.yaml: file is empty "
        "(fix: add `nodes:` and/or `relationships:` lists, or remove the file)",
    ],
    "csv-duplicate-columns.csv": [
        "csv-duplicate-columns.csv:1: header has duplicate columns name "
        "(fix: give every column one unique name)",
    ],
    "csv-empty.csv": [
        "csv-empty.csv: file is empty (fix: add a header row and data rows, or remove the file)",
    ],
    "csv-no-type-column.csv": [
        "csv-no-type-column.csv:1: no `type` column, and the file name 'csv-no-type-column' is not a node "
        "or relationship type (fix: add a `type` column, or name the file after a node or relationship type "
        f"or one of its aliases, in any letter case (e.g. Person.csv or holds.csv): types: {TYPES})",
    ],
    "csv-unclosed-quote.csv": [
        "csv-unclosed-quote.csv:2: CSV error: unexpected end of data (fix: check the quotes on this line)",
    ],
    "csv-unknown-column.csv": [
        "csv-unknown-column.csv:2: colour = 'red': unknown property for Document "
        f"(fix: allowed: {DOC_PROPS})",
    ],
    "csv-valid-to-before-from.csv": [
        "csv-valid-to-before-from.csv:3: validTo = '2019-01-01': validTo is before validFrom (2020-01-01) "
        "(fix: swap the two dates or correct one of them)",
    ],
    "date-format.yaml": [
        f"date-format.yaml:12: date = '13/09/2023': not a date (fix: {DATE_FIX})",
    ],
    "duplicate-key.yaml": [
        "duplicate-key.yaml:12: name: duplicate key (first at line 10) (fix: keep one of the two)",
        "duplicate-key.yaml:13: loc: duplicate key (first at line 13) (fix: keep one of the two)",
        "duplicate-key.yaml:15: nodes: duplicate key (first at line 4) "
        "(fix: keep one of the two, or merge their entries into one)",
        # The last `nodes:` is the one read on: the Document of the first is lost.
        "duplicate-key.yaml:20: sources = 'doc:test-brief | p. 1': cites unknown document 'doc:test-brief' "
        "(fix: cite a Document id (add the Document under `nodes:`))",
    ],
    "entry-not-a-mapping.yaml": [
        "entry-not-a-mapping.yaml:4: nodes[1] = 'Choe Son Hui': entry is not a mapping "
        "(fix: write each entry as `- key: value` lines)",
    ],
    "id-with-spaces.yaml": [
        "id-with-spaces.yaml:8: id = 'person:kim jong un': a Person id must look like person:SLUG "
        "(fix: write `id: person:` followed by ASCII letters, digits, . _ or - "
        "(no spaces, accents, other scripts or control characters))",
    ],
    "impossible-month.yaml": [
        "impossible-month.yaml:12: date = '2023-13': impossible date (month must be in 1..12) "
        "(fix: check the day and month)",
    ],
    "int-out-of-range.yaml": [
        "int-out-of-range.yaml:23: count = 99999999999999999999: out of range "
        "(fix: write a whole number between -9223372036854775808 and 9223372036854775807)",
    ],
    "latin-1.csv": [
        f"latin-1.csv:2: not UTF-8 (byte 0xe9 at offset 67) (fix: {UTF8_FIX})",
    ],
    "missing-from.yaml": [
        "missing-from.yaml:13: missing `from` (fix: add `from:` with a node id)",
    ],
    "nodes-not-a-list.yaml": [
        "nodes-not-a-list.yaml:2: nodes: `nodes` must be a list "
        "(fix: write each entry as `- ...` under `nodes:`)",
    ],
    "tab-indentation.yaml": [
        "tab-indentation.yaml:9: YAML syntax error: found a tab character that violates indentation, "
        f"while scanning a plain scalar that starts at line 8 (fix: {SYNTAX_FIX})",
    ],
    "top-level-list.yaml": [
        "top-level-list.yaml:1: top level is a list, not a mapping "
        "(fix: start the file with `nodes:` and/or `relationships:`)",
    ],
    "unclosed-quote.yaml": [
        "unclosed-quote.yaml:11: YAML syntax error: found unexpected end of stream, "
        f"while scanning a quoted scalar that starts at line 10 (fix: {SYNTAX_FIX})",
    ],
    "unknown-rel-property.yaml": [
        "unknown-rel-property.yaml:22: rol = 'guest': unknown property for PARTICIPATED_IN "
        "(fix: did you mean 'role'? allowed: date, description, note, role, sources, "
        "status, validFrom, validTo)",
    ],
    "unknown-top-level-key.yaml": [
        "unknown-top-level-key.yaml:4: node: unknown top-level key "
        "(fix: use only defaults, nodes, relationships)",
    ],
    "utf-16.yaml": [
        f"utf-16.yaml: file is encoded as UTF-16, not UTF-8 (fix: {UTF8_FIX})",
    ],
    "utf-16-no-bom.csv": [
        f"utf-16-no-bom.csv: file is encoded as UTF-16, not UTF-8 (fix: {UTF8_FIX})",
    ],
    "wrong-value-types.yaml": [
        "wrong-value-types.yaml:10: name = ['Sergey Lavrov']: must be text "
        "(fix: write plain text (quote it if it looks like a number, a list, or yes/no/true/false))",
        "wrong-value-types.yaml:11: aliases = 'Lavrov': must be a list "
        "(fix: write a list, e.g. [a, b] or one `- item` per line)",
        f"wrong-value-types.yaml:12: born = [1950]: not a date (fix: {DATE_FIX})",
    ],
}

# Made in a temp folder: (file name, how to make it in `folder`, expected lines).
DEEP = 10_000


def _huge(folder: Path) -> None:
    with open(folder / "huge.yaml", "wb") as f:  # sparse: one byte over the limit, no disk used
        f.truncate(MAX_BYTES + 1)


def _deep(folder: Path) -> None:
    (folder / "deeply-nested-10000.yaml").write_text(
        "nodes:\n  - id: doc:test-brief\n    type: Document\n    name: Test brief\n    status: confirmed\n"
        f"    note: {'[' * DEEP}{']' * DEEP}\n", "utf-8")


def _bomb_csv(folder: Path) -> None:
    # A CSV cell is text: the YAML alias syntax means nothing there, so this only
    # shows that the CSV reader, too, refuses an oversized file before reading it.
    with open(folder / "huge.csv", "wb") as f:
        f.write(b"type,id,name,status\n")
        f.truncate(MAX_BYTES + 1)


GENERATED: dict[str, tuple] = {
    "huge.yaml": (_huge, [f"huge.yaml: file is {MAX_BYTES + 1} bytes, over the {MAX_BYTES} limit "
                          "(fix: split it into several files)"]),
    "huge.csv": (_bomb_csv, [f"huge.csv: file is {MAX_BYTES + 1} bytes, over the {MAX_BYTES} limit "
                             "(fix: split it into several files)"]),
    "deeply-nested-10000.yaml": (_deep, [
        f"deeply-nested-10000.yaml:6: nested deeper than {MAX_DEPTH} levels "
        f"(fix: keep nesting under {MAX_DEPTH} levels (data files need only a few))"]),
}

CASES = sorted(EXPECTED)
ALL = {**EXPECTED, **{name: lines for name, (_, lines) in GENERATED.items()}}


def stderr_for(name: str) -> str:
    lines = ALL[name]
    head = f"error: {len(lines)} problem{'s' if len(lines) != 1 else ''} in input:"
    return "\n".join([head, *(f"  {line}" for line in lines)]) + "\n"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated-bad")
    for make, _ in GENERATED.values():
        make(folder)
    return folder


@pytest.fixture
def in_folder(monkeypatch: pytest.MonkeyPatch, generated: Path, request: pytest.FixtureRequest) -> str:
    """chdir to the folder holding the case (paths in messages are as given), return its name."""
    name = request.param
    monkeypatch.chdir(generated if name in GENERATED else BAD_MORE)
    return name


def test_every_file_has_expected_messages() -> None:
    assert sorted(p.name for p in BAD_MORE.iterdir()) == CASES


def test_the_corpus_has_at_least_thirty_distinct_inputs() -> None:
    first = [p.name for p in BAD.iterdir()]
    assert len(first) + len(CASES) + len(GENERATED) >= 30
    assert not set(first) & set(CASES)


def test_fixtures_hold_the_bytes_they_are_named_for(generated: Path) -> None:
    utf16 = (BAD_MORE / "utf-16.yaml").read_bytes()
    assert utf16.startswith(b"\xff\xfe") and utf16.decode("utf-16").startswith("# Saved as UTF-16")
    utf16_no_bom = (BAD_MORE / "utf-16-no-bom.csv").read_bytes()
    assert not utf16_no_bom.startswith((b"\xff\xfe", b"\xfe\xff"))
    assert utf16_no_bom.decode("utf-16-le").startswith("type,id,name,status\n")
    assert (BAD_MORE / "duplicate-key.yaml").read_text("utf-8").count("\nnodes:") == 2
    latin1 = (BAD_MORE / "latin-1.csv").read_bytes()
    assert "Société".encode("latin-1") in latin1
    junk = (BAD_MORE / "binary-junk-no-nul.yaml").read_bytes()
    assert b"\x00" not in junk and len(set(junk)) == 128
    bomb = (BAD_MORE / "alias-bomb.yaml").read_text("utf-8")
    assert bomb.count("*") == 8 * 9 and bomb.count("&") == 9
    assert (generated / "huge.yaml").stat().st_size == MAX_BYTES + 1
    assert (generated / "deeply-nested-10000.yaml").read_text("utf-8").count("[") == DEEP
    assert (BAD_MORE / "csv-empty.csv").stat().st_size == 0


@pytest.mark.parametrize("in_folder", CASES + sorted(GENERATED), indirect=True)
def test_library_reports_exact_problems(in_folder: str) -> None:
    with pytest.raises(InputError) as info:
        read_dataset([in_folder])
    assert [str(p) for p in info.value.problems] == ALL[in_folder]
    assert all(p.file == in_folder and p.fix for p in info.value.problems)
    assert "error: " + str(info.value) + "\n" == stderr_for(in_folder)


@pytest.mark.parametrize("in_folder", CASES + sorted(GENERATED), indirect=True)
def test_cli_validate_prints_exact_messages(in_folder: str, cli) -> None:
    r = cli("validate", in_folder)
    assert (r.exit_code, r.exception, r.stdout, r.stderr) == (1, None, "", stderr_for(in_folder))


@pytest.mark.parametrize("in_folder", CASES + sorted(GENERATED), indirect=True)
def test_cli_load_refuses_and_leaves_store_unchanged(in_folder: str, cli, dump, mini_store: str) -> None:
    before = dump(mini_store)
    r = cli("load", in_folder, "--store", mini_store)
    assert (r.exit_code, r.exception, r.stdout, r.stderr) == (1, None, "", stderr_for(in_folder))
    assert dump(mini_store) == before


def test_a_bad_file_among_good_ones_loads_nothing(tmp_path: Path, cli, dump, mini_store: str) -> None:
    """The good files of a load are not written either when one file is bad."""
    good = tmp_path / "good.yaml"
    good.write_text("nodes:\n  - {id: state:KOR, type: State, name: Republic of Korea, iso3: KOR,\n"
                    "     status: confirmed, sources: ['doc:eai-2024-06-05 | para 13']}\n", "utf-8")
    before = dump(mini_store)
    bad = BAD_MORE / "impossible-month.yaml"
    r = cli("load", str(MINI), str(good), str(bad), "--store", mini_store)
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr == ("error: 1 problem in input:\n  "
                        + EXPECTED["impossible-month.yaml"][0].replace("impossible-month.yaml", str(bad), 1)
                        + "\n")
    assert dump(mini_store) == before


def test_no_traceback_from_the_console_script(tmp_path: Path) -> None:
    """The installed `relgraph` entry point, in a real process, on a few of the worst inputs."""
    names = ["alias-bomb.yaml", "utf-16.yaml", "binary-junk-no-nul.yaml", "csv-unclosed-quote.csv"]
    relgraph = Path(sys.executable).with_name("relgraph")
    proc = subprocess.run([str(relgraph), "load", *names, "--store", str(tmp_path / "s.db")],
                          cwd=BAD_MORE, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    lines = [line for n in names for line in EXPECTED[n]]  # files' own problems, in the order given
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == "\n".join([f"error: {len(lines)} problems in input:",
                                     *(f"  {x}" for x in lines)]) + "\n"
