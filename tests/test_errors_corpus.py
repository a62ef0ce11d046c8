"""The corpus of bad input files: every message asserted exactly.

Each file in tests/fixtures/bad/ is named for what is wrong with it. The
messages are checked three ways: from the library (``str(Problem)``), from
``relgraph validate`` and from ``relgraph load`` into a store that already
holds the mini dataset, which must come out unchanged.

Paths in messages are as the user gave them, so the tests run from inside
tests/fixtures/bad and pass bare file names.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import BAD

from relgraph.errors import InputError
from relgraph.loaders import read_dataset
from relgraph.schema import load_schema

pytestmark = pytest.mark.reliability  # with tests/test_reliability_*.py: `pytest -m reliability`

# Messages list what the schema allows; the lists come from the schema, the rest is literal.
SCHEMA = load_schema()
NODE_TYPES = ", ".join(sorted(SCHEMA.nodes))
REL_TYPES = ", ".join(sorted(SCHEMA.relationships))
# What a data file may give: every property but the …Precision ones the loader sets.
PERSON_PROPS = ", ".join(sorted(p for p in SCHEMA.nodes["Person"].properties if not p.endswith("Precision")))
STATUSES = ", ".join(sorted(SCHEMA.statuses))
DOMAINS = ", ".join(sorted(SCHEMA.nodes["Project"].properties["domain"].values))
ROW_FIX = "give every row one cell per column (quote cells that contain commas)"

EXPECTED: dict[str, list[str]] = {
    "yaml-syntax.yaml": [
        "yaml-syntax.yaml:7: YAML syntax error: did not find expected ',' or ']', "
        "while parsing a flow sequence that starts at line 6 "
        "(fix: correct the YAML syntax at this line or the one it names)",
    ],
    "not-utf8.yaml": [
        "not-utf8.yaml:6: not UTF-8 (byte 0xe9 at offset 111) (fix: save the file as UTF-8)",
    ],
    "empty.yaml": [
        "empty.yaml: file is empty (fix: add `nodes:` and/or `relationships:` lists, or remove the file)",
    ],
    "unknown-node-type.yaml": [
        "unknown-node-type.yaml:8: type = 'Persn': unknown node type "
        f"(fix: did you mean 'Person'? allowed: {NODE_TYPES})",
    ],
    "unknown-rel-type.yaml": [
        "unknown-rel-type.yaml:16: type = 'HOLD': unknown relationship type "
        f"(fix: did you mean 'HOLDS'? allowed: {REL_TYPES})",
    ],
    "node-type-under-relationships.yaml": [
        "node-type-under-relationships.yaml:9: type = 'Person': unknown relationship type "
        "(fix: Person is a node type: move it under `nodes:`)",
    ],
    "unknown-property.yaml": [
        "unknown-property.yaml:10: brn = '1950-03-21': unknown property for Person "
        f"(fix: did you mean 'born'? allowed: {PERSON_PROPS})",
    ],
    "missing-required.yaml": [
        "missing-required.yaml:7: missing required property `name` (fix: add `name:`)",
        "missing-required.yaml:11: missing required property `status` "
        "(fix: add `status:` (one of confirmed, reported, alleged, denied, planned))",
        "missing-required.yaml:15: missing required property `sources` "
        '(fix: add `sources:` with at least one "DOCUMENT-ID | LOCATOR")',
    ],
    "duplicate-id.yaml": [
        "duplicate-id.yaml:12: id = 'state:CHN': duplicate id (first defined at duplicate-id.yaml:7) "
        "(fix: give each node its own id, or merge the two entries)",
    ],
    "dangling-reference.yaml": [
        "dangling-reference.yaml:19: to = 'position:rus-foreign-ministr': unknown node "
        "(fix: correct the id (did you mean 'position:rus-foreign-minister'?))",
        "dangling-reference.yaml:24: to = 'org:mid-rf': unknown node "
        "(fix: correct the id (define that node under `nodes:`))",
    ],
    "wrong-endpoints.yaml": [
        "wrong-endpoints.yaml:19: to = 'position:rus-foreign-minister': HOLDS cannot link State -> Position "
        "(fix: allowed: Person->Position)",
    ],
    "impossible-date.yaml": [
        "impossible-date.yaml:11: date = '2023-02-30': impossible date (day is out of range for month) "
        "(fix: check the day and month)",
    ],
    "valid-to-before-from.yaml": [
        "valid-to-before-from.yaml:20: validTo = '1998-01-01': validTo is before validFrom (2004-03-09) "
        "(fix: swap the two dates or correct one of them)",
    ],
    "unknown-status.yaml": [
        f"unknown-status.yaml:9: status = 'rumored': not an allowed value (fix: allowed: {STATUSES})",
    ],
    "bad-id-prefix.yaml": [
        "bad-id-prefix.yaml:7: id = 'people:choe-son-hui': a Person id must look like person:SLUG "
        "(fix: write `id: person:` followed by ASCII letters, digits, . _ or - "
        "(no spaces, accents, other scripts or control characters))",
    ],
    "unknown-document-citation.yaml": [
        "unknown-document-citation.yaml:10: sources = 'doc:test-breif | p. 1': "
        "cites unknown document 'doc:test-breif' (fix: cite a Document id (did you mean 'doc:test-brief'?))",
    ],
    "csv-missing-columns.csv": [
        f"csv-missing-columns.csv:4: row has 4 cells, the header has 5 (fix: {ROW_FIX})",
    ],
    "csv-extra-delimiter.csv": [
        f"csv-extra-delimiter.csv:3: row has 6 cells, the header has 5 (fix: {ROW_FIX})",
    ],
    "yaml-alias.yaml": [
        "yaml-alias.yaml:9: YAML aliases (*name) are not allowed in data files "
        "(fix: write the value out in full instead of the alias, and drop its &anchor)",
    ],
    "deeply-nested.yaml": [
        "deeply-nested.yaml:7: nested deeper than 50 levels "
        "(fix: keep nesting under 50 levels (data files need only a few))",
    ],
    "binary-junk.yaml": [
        "binary-junk.yaml:3: contains NUL bytes (binary file?) (fix: give a YAML or CSV text file)",
    ],
    "duplicate-relationship.yaml": [
        "duplicate-relationship.yaml:21: 'HOLDS:person:lavrov-sergey->position:rus-foreign-ministe...: "
        "duplicate relationship (same as duplicate-relationship.yaml:16) "
        "(fix: remove one, or give each an explicit `id:`)",
    ],
    "multiple-problems.yaml": [
        "multiple-problems.yaml:11: born = '1964-13-10': impossible date (month must be in 1..12) "
        "(fix: check the day and month)",
        "multiple-problems.yaml:14: type = 'Sate': unknown node type "
        f"(fix: did you mean 'State'? allowed: {NODE_TYPES})",
        "multiple-problems.yaml:21: domain = 'roads': not an allowed value "
        f"(fix: did you mean 'trade'? allowed: {DOMAINS})",
        # The relationship's `from` is person:choe-son-hui, defined above but invalid (its
        # date): that is reported once, where the node is, not again as an unknown node.
        "multiple-problems.yaml:26: to = 'event:2024-06-19-pyongyang-summit': unknown node "
        "(fix: correct the id (define that node under `nodes:`))",
        "multiple-problems.yaml:27: status = 'unconfirmed': not an allowed value "
        f"(fix: did you mean 'confirmed'? allowed: {STATUSES})",
    ],
}

CASES = sorted(EXPECTED)


def stderr_for(name: str) -> str:
    lines = EXPECTED[name]
    head = f"error: {len(lines)} problem{'s' if len(lines) != 1 else ''} in input:"
    return "\n".join([head, *(f"  {line}" for line in lines)]) + "\n"


@pytest.fixture
def in_bad(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(BAD)
    return BAD


def test_every_bad_file_has_expected_messages() -> None:
    assert sorted(p.name for p in BAD.iterdir()) == CASES


def test_encoding_fixtures_hold_the_bytes_they_are_named_for() -> None:
    latin1 = (BAD / "not-utf8.yaml").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        latin1.decode("utf-8")
    assert "Société".encode("latin-1") in latin1 and b"\x00" not in latin1
    assert b"\x00" in (BAD / "binary-junk.yaml").read_bytes()


@pytest.mark.parametrize("name", CASES)
def test_library_reports_exact_problems(in_bad: Path, name: str) -> None:
    with pytest.raises(InputError) as info:
        read_dataset([name])
    assert [str(p) for p in info.value.problems] == EXPECTED[name]
    # The exception's own text is what the CLI prints after "error: ".
    assert "error: " + str(info.value) + "\n" == stderr_for(name)


def test_multiple_problems_are_all_reported_with_their_fields(in_bad: Path) -> None:
    with pytest.raises(InputError) as info:
        read_dataset(["multiple-problems.yaml"])
    got = [(p.line, p.field, p.value) for p in info.value.problems]
    assert got == [
        (11, "born", "1964-13-10"),
        (14, "type", "Sate"),
        (21, "domain", "roads"),
        (26, "to", "event:2024-06-19-pyongyang-summit"),
        (27, "status", "unconfirmed"),
    ]


def test_problems_of_several_files_are_reported_together(in_bad: Path) -> None:
    names = ["unknown-status.yaml", "empty.yaml", "yaml-syntax.yaml", "binary-junk.yaml"]
    with pytest.raises(InputError) as info:
        read_dataset(names)
    got = sorted(str(p) for p in info.value.problems)
    assert got == sorted(line for n in names for line in EXPECTED[n])


@pytest.mark.parametrize("name", CASES)
def test_cli_validate_prints_exact_messages(in_bad: Path, cli, name: str) -> None:
    r = cli("validate", name)
    assert r.exit_code == 1
    assert r.exception is None
    assert r.stdout == ""
    assert r.stderr == stderr_for(name)
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("name", CASES)
def test_cli_load_refuses_and_leaves_store_unchanged(in_bad: Path, cli, dump, mini_store: str,
                                                       name: str) -> None:
    before = dump(mini_store)
    r = cli("load", name, "--store", mini_store)
    assert r.exit_code == 1
    assert r.exception is None
    assert r.stdout == ""
    assert r.stderr == stderr_for(name)
    assert dump(mini_store) == before


def test_no_traceback_in_a_real_process(in_bad: Path, tmp_path: Path) -> None:
    import subprocess

    store = str(tmp_path / "s.db")
    proc = subprocess.run(
        [sys.executable, "-c", "from relgraph.cli import run; run()",  # as the console script does
         "load", "multiple-problems.yaml", "binary-junk.yaml", "--store", store],
        capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"}, timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = EXPECTED["binary-junk.yaml"] + EXPECTED["multiple-problems.yaml"]
    assert proc.stderr == "\n".join([f"error: {len(lines)} problems in input:",
                                     *(f"  {x}" for x in lines)]) + "\n"
