# ruff: noqa: E501  (the expected messages are one line each, as printed)
"""Values are what the file says, ids mean one thing, texts hold no control characters
(issue 16, items 5, 6, 8, 9 and 10).

The corpus tests/fixtures/bad-values/ holds ids that look like others (a trailing
line break, ESC, BEL, NUL, a zero-width space, U+202E, a Cyrillic letter, two
ids differing by case), numbers YAML 1.1 would misread (0777, 0x1F, 1_000,
1:30, .nan), NaN and infinities, dates in fullwidth and Arabic-Indic digits and
with a time, and texts with control characters: every message is asserted
exactly, from the library, `relgraph validate` and `relgraph load` (the store
unchanged). Then what must be accepted: text kept as written, tabs and line
breaks, long cells in CSV as in YAML; and an unreadable sub-folder is an error.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import FIXTURES

from relgraph.errors import InputError
from relgraph.loaders import read_dataset

pytestmark = pytest.mark.reliability

BAD_VALUES = FIXTURES / "bad-values"

EXPECTED: dict[str, list[str]] = {
    'dates-not-ascii.yaml': [
        "dates-not-ascii.yaml:6: date = '２０２３-０９-１３': not a date (fix: write YYYY-MM-DD (or YYYY-MM, or YYYY when only the year is known))",
        "dates-not-ascii.yaml:7: date = '٢٠٢٣': not a date (fix: write YYYY-MM-DD (or YYYY-MM, or YYYY when only the year is known))",
        'dates-not-ascii.yaml:8: date = datetime.datetime(2023, 9, 13, 10, 0, tzinfo=datetime.tim...: a date and time (fix: write the date alone, YYYY-MM-DD (relgraph keeps days, not times))',
        "dates-not-ascii.yaml:9: date = '2023-09-13T10:00:00+09:00': not a date (fix: write YYYY-MM-DD (or YYYY-MM, or YYYY when only the year is known))",
    ],
    'ids-case.yaml': [
        "ids-case.yaml:6: id = 'person:case': differs only in letter case from 'person:Case' (ids-case.yaml:5) (fix: ids are case-sensitive but may not differ by case alone: use that id, or give this node a distinct one)",
    ],
    'ids-hostile.yaml': [
        "ids-hostile.yaml:6: id = 'person:kim\\n': a Person id must look like person:SLUG (fix: write `id: person:` followed by ASCII letters, digits, . _ or - (no spaces, accents, other scripts or control characters))",
        "ids-hostile.yaml:7: id = 'person:kim\\x1b[31m': a Person id must look like person:SLUG (fix: write `id: person:` followed by ASCII letters, digits, . _ or - (no spaces, accents, other scripts or control characters))",
        "ids-hostile.yaml:8: id = 'person:kim\\x07': a Person id must look like person:SLUG (fix: write `id: person:` followed by ASCII letters, digits, . _ or - (no spaces, accents, other scripts or control characters))",
        "ids-hostile.yaml:9: id = 'person:kim\\x00': a Person id must look like person:SLUG (fix: write `id: person:` followed by ASCII letters, digits, . _ or - (no spaces, accents, other scripts or control characters))",
        "ids-hostile.yaml:10: id = 'person:k\\u200bim': a Person id must look like person:SLUG (fix: write `id: person:` followed by ASCII letters, digits, . _ or - (no spaces, accents, other scripts or control characters))",
        "ids-hostile.yaml:11: id = 'person:\\u202emik': a Person id must look like person:SLUG (fix: write `id: person:` followed by ASCII letters, digits, . _ or - (no spaces, accents, other scripts or control characters))",
        "ids-hostile.yaml:12: id = 'person:kіm': a Person id must look like person:SLUG (fix: write `id: person:` followed by ASCII letters, digits, . _ or - (no spaces, accents, other scripts or control characters))",
    ],
    'numbers.csv': [
        "numbers.csv:3: latitude = 'nan': not a number (fix: write a number, e.g. 17.5)",
        "numbers.csv:3: longitude = 'inf': not a number (fix: write a number, e.g. 17.5)",
        "numbers.csv:4: latitude = '1_000': not a number (fix: write a number, e.g. 17.5)",
        "numbers.csv:4: longitude = '١٢': not a number (fix: write a number, e.g. 17.5)",
        "numbers.csv:5: latitude = '１２': not a number (fix: write a number, e.g. 17.5)",
        "numbers.csv:5: longitude = '-Infinity': not a number (fix: write a number, e.g. 17.5)",
    ],
    'text-controls.yaml': [
        "text-controls.yaml:5: name = 'Esc\\x1b[2J': holds the character U+001B at position 4 (fix: remove it: a text may hold tabs and line breaks (\\n), but no other control character)",
        "text-controls.yaml:6: name = 'Bell\\x07': holds the character U+0007 at position 5 (fix: remove it: a text may hold tabs and line breaks (\\n), but no other control character)",
        "text-controls.yaml:6: note = 'unit\\x1fseparator': holds the character U+001F at position 5 (fix: remove it: a text may hold tabs and line breaks (\\n), but no other control character)",
        "text-controls.yaml:7: name = 'Nul\\x00': holds the character U+0000 at position 4 (fix: remove it: a text may hold tabs and line breaks (\\n), but no other control character)",
        "text-controls.yaml:7: aliases = ['cr\\rhere']: holds the character U+000D at position 3 (fix: remove it: a text may hold tabs and line breaks (\\n), but no other control character)",
        "text-controls.yaml:8: name = 'Not a character \\ufffe': holds the character U+FFFE at position 17 (fix: remove it: a text may hold tabs and line breaks (\\n), but no other control character)",
        "text-controls.yaml:8: sources = ['doc:d | esc\\x1b here']: holds the character U+001B at position 12 (fix: remove it: a text may hold tabs and line breaks (\\n), but no other control character)",
        "text-controls.yaml:9: name = '   ': a name of blanks only (fix: write the name, or leave the property out)",
        "text-controls.yaml:10: name = '\\t\\n': a name of blanks only (fix: write the name, or leave the property out)",
    ],
    'yaml11-numbers.yaml': [
        "yaml11-numbers.yaml:7: latitude = '0x1F': not a number (fix: write a number, e.g. 17.5)",
        "yaml11-numbers.yaml:7: longitude = '1_000': not a number (fix: write a number, e.g. 17.5)",
        "yaml11-numbers.yaml:8: latitude = '.nan': not a number (fix: write a number, e.g. 17.5)",
        "yaml11-numbers.yaml:8: longitude = '-.inf': not a number (fix: write a number, e.g. 17.5)",
        'yaml11-numbers.yaml:9: latitude = nan: not a finite number (fix: write a finite number, e.g. 17.5 (no NaN or infinity))',
        "yaml11-numbers.yaml:9: longitude = '1:30': not a number (fix: write a number, e.g. 17.5)",
        "yaml11-numbers.yaml:13: quadClass = '0777': not a whole number (fix: write a decimal whole number, e.g. 12 (no leading 0, _ or 0x))",
    ],
}
CASES = sorted(EXPECTED)


def stderr_for(name: str) -> str:
    lines = EXPECTED[name]
    head = f"{len(lines)} problem{'s' if len(lines) != 1 else ''} in input"
    from relgraph.formats import clean_text

    return "error: " + clean_text(head + ":\n" + "\n".join(f"  {x}" for x in lines)) + "\n"


def test_every_file_has_expected_messages() -> None:
    assert sorted(p.name for p in BAD_VALUES.iterdir()) == CASES


@pytest.mark.parametrize("name", CASES)
def test_library_reports_exact_problems(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD_VALUES)
    with pytest.raises(InputError) as info:
        read_dataset([name])
    assert [str(p) for p in info.value.problems] == EXPECTED[name]


@pytest.mark.parametrize("name", CASES)
def test_cli_validate_and_load_refuse(name: str, cli, dump, mini_store: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD_VALUES)
    r = cli("validate", name)
    assert (r.exit_code, r.exception, r.stdout, r.stderr) == (1, None, "", stderr_for(name))
    before = dump(mini_store)
    r = cli("load", name, "--store", mini_store)
    assert (r.exit_code, r.exception, r.stderr) == (1, None, stderr_for(name))
    assert dump(mini_store) == before


def _load_one(tmp_path: Path, text: str, suffix: str = ".yaml") -> dict:
    f = tmp_path / f"data{suffix}"
    f.write_text(text, "utf-8")
    ds = read_dataset([f])
    return {n.id: n.props for n in ds.nodes}


DOC = "  - {id: doc:d, type: Document, name: D, status: confirmed}\n"


def test_yaml_1_1_numbers_stay_text_as_written(tmp_path: Path) -> None:
    nodes = _load_one(tmp_path, "nodes:\n" + DOC + (
        "  - {id: person:a, type: Person, status: confirmed, sources: ['doc:d | 1'], name: 0777,\n"
        "     aliases: [0x1F, 1_000, 1:30, 1.50, .nan, 12, -0, 1e3, +5]}\n"
        "  - {id: place:p, type: Place, status: confirmed, sources: ['doc:d | 1'], name: 0o17,\n"
        "     latitude: 41.50, longitude: -7}\n"))
    assert nodes["person:a"]["name"] == "0777"
    assert nodes["person:a"]["aliases"] == ["0x1F", "1_000", "1:30", "1.50", ".nan", "12", "-0", "1e3", "+5"]
    assert nodes["place:p"]["name"] == "0o17"
    assert (nodes["place:p"]["latitude"], nodes["place:p"]["longitude"]) == (41.5, -7.0)
    assert type(nodes["place:p"]["latitude"]) is float


def test_texts_may_hold_tabs_line_breaks_and_any_script(tmp_path: Path) -> None:
    nodes = _load_one(tmp_path, "nodes:\n" + DOC + (
        '  - {id: person:a, type: Person, status: confirmed, sources: ["doc:d | 1; 2 | 3"],\n'
        '     name: "Kim\\tJong Un", note: "line one\\nline two", aliases: ["김정은", "Ким Чен Ын"]}\n'))
    assert nodes["person:a"]["name"] == "Kim\tJong Un"
    assert nodes["person:a"]["note"] == "line one\nline two"


def test_ids_with_both_cases_in_two_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("nodes:\n" + DOC + (
        "  - {id: person:Kim, type: Person, name: K, status: confirmed, sources: ['doc:d | 1']}\n"), "utf-8")
    (tmp_path / "b.yaml").write_text("nodes:\n" + (
        "  - {id: person:kim, type: Person, name: K, status: confirmed, sources: ['doc:d | 1']}\n"), "utf-8")
    with pytest.raises(InputError) as info:
        read_dataset([tmp_path])
    assert [p.message for p in info.value.problems] == [
        f"differs only in letter case from 'person:Kim' ({tmp_path / 'a.yaml'}:3)"]


def test_ids_differing_by_case_from_the_store_are_refused(cli, mini_store: str, tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_text("nodes:\n  - {id: state:prk, type: State, name: P, iso3: PRK, status: confirmed,\n"
                 "     sources: ['doc:eai-2024-06-05 | 1']}\n", "utf-8")
    r = cli("load", str(f), "--store", mini_store)
    assert r.exit_code == 1
    assert "id = 'state:prk': differs only in letter case from 'state:PRK'" in r.stderr, r.stderr


@pytest.mark.parametrize("size", [131_073, 1_000_000])
def test_long_cells_load_from_csv_as_from_yaml(tmp_path: Path, size: int) -> None:
    note = "x" * size
    (tmp_path / "y").mkdir()
    yaml_nodes = _load_one(tmp_path / "y", "nodes:\n" + DOC + (
        f"  - {{id: person:a, type: Person, name: A, status: confirmed, sources: ['doc:d | 1'], note: {note}}}\n"))
    (tmp_path / "c").mkdir()
    csv_nodes = _load_one(tmp_path / "c", (
        "type,id,name,status,sources,note\nDocument,doc:d,D,confirmed,,\n"
        f"Person,person:a,A,confirmed,doc:d | 1,\"{note}\"\n"), ".csv")
    assert yaml_nodes["person:a"]["note"] == csv_nodes["person:a"]["note"] == note


def test_an_unreadable_sub_folder_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "a.yaml").write_text("nodes:\n" + DOC, "utf-8")
    (data / "sub" / "b.yaml").write_text("nodes:\n" + DOC.replace("doc:d", "doc:e"), "utf-8")
    if os.geteuid() != 0:
        (data / "sub").chmod(0)
    else:  # root reads every folder: make this one fail as it would for a user
        real = os.scandir

        def scandir(path: object = ".") -> object:
            if Path(os.fsdecode(path)) == data / "sub":
                raise PermissionError(13, "Permission denied", os.fsdecode(path))
            return real(path)

        monkeypatch.setattr(os, "scandir", scandir)
    try:
        with pytest.raises(InputError) as info:
            read_dataset([data])
    finally:
        (data / "sub").chmod(0o755)
    assert [str(p) for p in info.value.problems] == [
        f"{data / 'sub'}: cannot read this folder (Permission denied) "
        "(fix: make it readable (e.g. chmod u+rx), or move it out of the data folder)"]
