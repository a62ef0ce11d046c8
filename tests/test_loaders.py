"""Loaders: YAML and CSV files -> validated model objects (no store involved)."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI, MINI_NODE_COUNTS, MINI_REL_COUNTS

from relgraph.errors import InputError
from relgraph.loaders import discover, parse_date, read_dataset
from relgraph.model import Citation

DOC = """\
  - id: doc:test-brief
    type: Document
    name: Test brief
    status: confirmed
"""


def write(folder: Path, name: str, text: str) -> Path:
    """Write a dedented file; a line ``@DOC`` stands for the test Document entry."""
    path = folder / name
    path.write_text(textwrap.dedent(text).replace("@DOC\n", DOC), "utf-8")
    return path


def problems(monkeypatch: pytest.MonkeyPatch, folder: Path, *names: str, **store: Any) -> list[str]:
    """The messages for files in ``folder``, named relative to it (``store``: what is already loaded,
    as :func:`read_dataset` takes it)."""
    monkeypatch.chdir(folder)
    with pytest.raises(InputError) as info:
        read_dataset(list(names), **store)
    return [str(p) for p in info.value.problems]


# -- the mini fixture ------------------------------------------------------------
@pytest.fixture(scope="module")
def mini():
    return read_dataset([MINI])


def test_mini_counts(mini) -> None:
    assert mini.counts() == {**MINI_NODE_COUNTS, **MINI_REL_COUNTS}
    assert mini.origins == [(MINI / "core.yaml").as_posix(), (MINI / "posts.csv").as_posix()]


def test_mini_node_properties_are_typed(mini) -> None:
    nodes = {n.id: n for n in mini.nodes}
    putin = nodes["person:putin-vladimir"]
    assert putin.type == "Person"
    assert putin.origin == (MINI / "core.yaml").as_posix()
    assert putin.line == 25
    assert putin.props == {
        "status": "confirmed",  # from `defaults`
        "name": "Vladimir Putin",
        "aliases": ["Putin"],
        "born": date(1952, 10, 7),
        "sources": ["doc:eai-2024-06-05 | para 3: 'Putin presented Kim Jong Un with an AURUS'"],
        "sourceDocs": ["doc:eai-2024-06-05"],
    }
    summit = nodes["event:2023-09-13-vostochny-summit"].props
    assert summit["date"] == date(2023, 9, 13) and summit["datePrecision"] == "day"
    project = nodes["project:rajin-khasan-railway"].props
    assert project["name"] == "Rajin–Khasan railway"
    assert project["validFrom"] == date(2013, 9, 1)  # "2013-09": the first day of the month
    assert "datePrecision" not in project  # only `date` records its precision
    doc = nodes["doc:eai-2024-06-05"].props
    assert doc["published"] == date(2024, 6, 5)
    assert "sources" not in doc and "sourceDocs" not in doc  # Documents need no sources


def test_mini_relationships(mini) -> None:
    rels = {r.id: r for r in mini.relationships}
    assert sorted(rels) == [
        "HOLDS:person:putin-vladimir->position:rus-president@2000-05-07",
        "HOLDS:person:putin-vladimir->position:rus-president@2012-05-07",
        "PARTICIPATED_IN:person:kim-jong-un->event:2023-09-13-vostochny-summit",
        "PARTICIPATED_IN:person:putin-vladimir->event:2023-09-13-vostochny-summit",
        "PARTNER_IN:state:PRK->project:rajin-khasan-railway",
        "PARTNER_IN:state:RUS->project:rajin-khasan-railway",
        "POST_IN:position:rus-president->state:RUS",
    ]
    prk = rels["PARTNER_IN:state:PRK->project:rajin-khasan-railway"]
    assert (prk.source, prk.target) == ("state:PRK", "project:rajin-khasan-railway")
    assert prk.props["status"] == "reported"  # the entry's own status beats `defaults`
    assert prk.props["role"] == "partner"
    from_csv = rels["HOLDS:person:putin-vladimir->position:rus-president@2000-05-07"]
    assert from_csv.origin == (MINI / "posts.csv").as_posix()
    assert from_csv.line == 2
    assert from_csv.props == {
        "validFrom": date(2000, 5, 7),
        "validTo": date(2008, 5, 7),
        "status": "confirmed",
        "sources": ["doc:eai-2024-06-05 | para 3"],
        "sourceDocs": ["doc:eai-2024-06-05"],
    }


# -- dates -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "end", "expected"),
    [
        ("2023-09-13", False, (date(2023, 9, 13), "day")),
        ("2023-09", False, (date(2023, 9, 1), "month")),
        ("2023-09", True, (date(2023, 9, 30), "month")),
        ("2023-01", True, (date(2023, 1, 31), "month")),  # the first and last months have their own ends
        ("2023-12", True, (date(2023, 12, 31), "month")),
        ("2023-12", False, (date(2023, 12, 1), "month")),
        ("2024-02", True, (date(2024, 2, 29), "month")),
        ("2023-02", True, (date(2023, 2, 28), "month")),
        ("1961", False, (date(1961, 1, 1), "year")),
        (1961, True, (date(1961, 12, 31), "year")),
        (" 2000-05-07 ", False, (date(2000, 5, 7), "day")),
    ],
)
def test_parse_date(value: object, end: bool, expected: tuple[date, str]) -> None:
    assert parse_date(value, end=end) == expected


@pytest.mark.parametrize("value", ["13 Sept 2023", "2023/09/13", "23-09-13", "", True, 2023.5, None])
def test_parse_date_refuses_non_dates(value: object) -> None:
    from relgraph.loaders.validate import _Bad

    with pytest.raises(_Bad) as info:
        parse_date(value)
    assert info.value.message == "not a date"


@pytest.mark.parametrize("value", ["2023-13", "2023-00", "2023-02-30", "2023-04-31", "2023-01-00"])
@pytest.mark.parametrize("end", [False, True])
def test_parse_date_refuses_impossible_dates(value: str, end: bool) -> None:
    from relgraph.loaders.validate import _Bad

    with pytest.raises(_Bad) as info:
        parse_date(value, end=end)
    assert info.value.message.startswith("impossible date (")
    assert info.value.fix == "check the day and month"


def test_suggestion_is_the_closest_option() -> None:
    from relgraph.loaders.validate import _suggest

    assert _suggest("reportd", ["report", "reported", "denied"]) == (
        "did you mean 'reported'? allowed: denied, report, reported")
    assert _suggest("confimed", ["confirmed", "denied"]) == (
        "did you mean 'confirmed'? allowed: confirmed, denied")
    assert _suggest("xyz", ["confirmed", "denied"]) == "allowed: confirmed, denied"


def test_partial_valid_to_covers_the_whole_period(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.yaml", """\
        nodes:
        @DOC
          - id: person:x
            type: Person
            name: X
            status: confirmed
            sources: [doc:test-brief]
            validFrom: 2019-04
            validTo: 2019-04
          - id: event:x
            type: Event
            name: X
            status: reported
            date: 2019-04
            sources: [doc:test-brief]
        """)
    monkeypatch.chdir(tmp_path)
    nodes = {n.id: n.props for n in read_dataset(["a.yaml"]).nodes}
    assert nodes["person:x"]["validFrom"] == date(2019, 4, 1)
    assert nodes["person:x"]["validTo"] == date(2019, 4, 30)
    assert nodes["event:x"]["date"] == date(2019, 4, 1)
    assert nodes["event:x"]["datePrecision"] == "month"


# -- YAML specifics ----------------------------------------------------------------------
def test_property_and_type_aliases_and_citation_mappings(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.yaml", """\
        defaults: {status: reported}
        nodes:
        @DOC
          - id: state:MNG
            type: Country
            name: Mongolia
            iso3: MNG
            sources:
              - {doc: doc:test-brief, loc: "p. 4"}
              - doc:test-brief
          - id: state:CHN
            type: State
            name: China
            iso3: CHN
            sources: ["doc:test-brief|p. 5"]
        relationships:
          - type: borders
            from: state:MNG
            to: state:CHN
            length_km: 4630
            valid_from: 1949
            sources: ["doc:test-brief | p. 6"]
        """)
    monkeypatch.chdir(tmp_path)
    ds = read_dataset(["a.yaml"])
    nodes = {n.id: n for n in ds.nodes}
    assert nodes["state:MNG"].type == "State"
    assert nodes["state:MNG"].props["sources"] == ["doc:test-brief | p. 4", "doc:test-brief"]
    assert nodes["state:MNG"].props["sourceDocs"] == ["doc:test-brief"]
    assert nodes["state:CHN"].props["sources"] == ["doc:test-brief | p. 5"]  # normalized spacing
    (rel,) = ds.relationships
    assert rel.type == "BORDERS"
    assert rel.id == "BORDERS:state:MNG->state:CHN@1949-01-01"
    assert rel.props["lengthKm"] == 4630.0 and isinstance(rel.props["lengthKm"], float)
    assert rel.props["status"] == "reported"


def test_explicit_relationship_id_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.yaml", """\
        nodes:
        @DOC
          - {id: state:MNG, type: State, name: Mongolia, iso3: MNG, status: confirmed,
              sources: [doc:test-brief]}
          - {id: state:CHN, type: State, name: China, iso3: CHN, status: confirmed,
              sources: [doc:test-brief]}
        relationships:
          - {id: border-mng-chn, type: BORDERS, from: state:MNG, to: state:CHN, status: confirmed,
              sources: [doc:test-brief]}
        """)
    monkeypatch.chdir(tmp_path)
    assert [r.id for r in read_dataset(["a.yaml"]).relationships] == ["border-mng-chn"]


def test_yaml_value_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.yaml", """\
        nodes:
        @DOC
          - id: state:NOR
            type: State
            name: Norway
            iso3: NOR
            iso2: NO
            status: confirmed
            sources: doc:test-brief
          - id: treaty:x
            type: Treaty
            name: X
            mutualAssistance: perhaps
            status: confirmed
            sources: [doc:test-brief]
            valid_from: 1961
            validFrom: 1961
          - id: place:x
            type: Place
            name: X
            latitude: north
            status: confirmed
            sources: [[doc:test-brief]]
        """)
    assert problems(monkeypatch, tmp_path, "a.yaml") == [
        # YAML 1.1 reads an unquoted NO (Norway) as false.
        "a.yaml:10: iso2 = False: must be text (fix: write plain text (quote it if it looks like a number, "
        "a list, or yes/no/true/false))",
        "a.yaml:12: sources = 'doc:test-brief': must be a list "
        "(fix: write a list, e.g. [a, b] or one `- item` per line)",
        "a.yaml:16: mutualAssistance = 'perhaps': not true or false (fix: write true or false)",
        "a.yaml:20: validFrom = 1961: validFrom is given twice (as an alias) (fix: keep one of them)",
        "a.yaml:24: latitude = 'north': not a number (fix: write a number, e.g. 17.5)",
        "a.yaml:26: sources = [['doc:test-brief']]: a citation must be 'DOCUMENT-ID | LOCATOR' or "
        "{doc: ..., loc: ...} (fix: write e.g. \"doc:eai-2024-06-05 | para 3\")",
    ]


def cameo_event(**props: object) -> str:
    """A file of two states and one CAMEO_EVENT between them with ``props`` (the type with whole numbers)."""
    extra = "".join(f", {k}: {v}" for k, v in props.items())
    return f"""\
        nodes:
        @DOC
          - {{id: state:MNG, type: State, name: M, iso3: MNG, status: confirmed, sources: [doc:test-brief]}}
          - {{id: state:CHN, type: State, name: C, iso3: CHN, status: confirmed, sources: [doc:test-brief]}}
        relationships:
          - {{type: CAMEO_EVENT, from: state:MNG, to: state:CHN, status: reported, sources: [doc:test-brief],
             date: 2020-01-02{extra}}}
        """


def test_yaml_whole_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.yaml", cameo_event(quadClass=2, numMentions=0, goldstein=-2))
    monkeypatch.chdir(tmp_path)
    (rel,) = read_dataset(["a.yaml"]).relationships
    assert (rel.props["quadClass"], rel.props["numMentions"]) == (2, 0)
    assert type(rel.props["quadClass"]) is int and type(rel.props["goldstein"]) is float
    write(tmp_path, "a.yaml", cameo_event(quadClass="true", numMentions=1.5))
    assert problems(monkeypatch, tmp_path, "a.yaml") == [
        f"a.yaml:10: {field} = {value}: not a whole number "
        "(fix: write a decimal whole number, e.g. 12 (no leading 0, _ or 0x))"
        for field, value in (("quadClass", True), ("numMentions", 1.5))
    ]


def test_whole_numbers_are_64_bit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    low, high = -(2**63), 2**63 - 1
    write(tmp_path, "a.yaml", cameo_event(quadClass=low, numMentions=high))
    monkeypatch.chdir(tmp_path)
    (r,) = read_dataset(["a.yaml"]).relationships
    assert (r.props["quadClass"], r.props["numMentions"]) == (low, high)
    write(tmp_path, "a.yaml", cameo_event(quadClass=low - 1, numMentions=high + 1))
    fix = f"(fix: write a whole number between {low} and {high})"
    assert problems(monkeypatch, tmp_path, "a.yaml") == [
        f"a.yaml:10: quadClass = {low - 1}: out of range {fix}",
        f"a.yaml:10: numMentions = {high + 1}: out of range {fix}",
    ]


def test_a_citation_mapping_must_name_its_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.yaml", """\
        nodes:
        @DOC
          - id: state:MNG
            type: State
            name: Mongolia
            iso3: MNG
            status: confirmed
            sources: [{loc: "p. 4"}]
        """)
    assert problems(monkeypatch, tmp_path, "a.yaml") == [
        "a.yaml:11: sources = [{'loc': 'p. 4'}]: a citation must be 'DOCUMENT-ID | LOCATOR' or "
        "{doc: ..., loc: ...} (fix: write e.g. \"doc:eai-2024-06-05 | para 3\")",
    ]


def test_each_mistake_is_reported_and_the_rest_still_checked(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused entry does not stop the check of the entries after it, nor of its own other fields."""
    write(tmp_path, "a.yaml", """\
        nodes:
        @DOC
          - {id: state:MNG, type: State, name: M, iso3: MNG, status: confirmed, sources: [doc:test-brief]}
          - {id: state:CHN, type: State, name: C, iso3: CHN, status: confirmed, sources: [doc:test-brief]}
          - {id: state:MNG, type: State, name: M2, iso3: MNG, status: confirmed, sources: [doc:test-brief]}
          - {id: state:mng, type: State, name: M3, iso3: MNG, status: confirmed, sources: [doc:test-brief]}
          - {id: state:RUS, type: State, name: R, iso3: RUS, status: confirmed, sources: [doc:test-brief]}
          - {id: state:KAZ, type: State, colour: red, name: K, iso3: KAZ, status: confirmed,
             sources: [doc:test-brief]}
        relationships:
          - {type: BORDERS, from: state:MNG, to: state:CHN, status: confirmed, sources: [doc:test-brief]}
          - {type: BORDERS, from: state:MNG, to: state:CHN, status: confirmed, sources: [doc:test-brief]}
          - {type: BORDERS, from: state:mng, to: state:CHN, status: confirmed, sources: [doc:test-brief]}
          - {type: BORDERS, from: state:ZZZZZ, to: state:YYYYY, status: confirmed, sources: [doc:test-brief]}
          - {type: BORDERS, from: state:CHN, to: state:MNG, lengthKm: far, status: confirmed,
             sources: [doc:test-brief]}
        """)
    assert problems(monkeypatch, tmp_path, "a.yaml", existing={"state:RUS": "State"},
                    existing_origins={"state:RUS": "b.yaml"}) == [
        "a.yaml:8: id = 'state:MNG': duplicate id (first defined at a.yaml:6) "
        "(fix: give each node its own id, or merge the two entries)",
        "a.yaml:9: id = 'state:mng': differs only in letter case from 'state:MNG' (a.yaml:6) "
        "(fix: ids are case-sensitive but may not differ by case alone: use that id, "
        "or give this node a distinct one)",
        "a.yaml:10: id = 'state:RUS': duplicate id (already loaded from b.yaml) "
        "(fix: give this node its own id; to move the node into this file, remove it from the other file "
        "and load both files together)",
        "a.yaml:11: colour = 'red': unknown property for State (fix: allowed: aliases, date, "
        "description, iso2, iso3, name, note, sources, status, validFrom, validTo)",
        "a.yaml:15: 'BORDERS:state:MNG->state:CHN': duplicate relationship (same as a.yaml:14) "
        "(fix: remove one, or give each an explicit `id:`)",
        # The refused state:mng is no node.
        "a.yaml:16: from = 'state:mng': unknown node (fix: correct the id (define that node under `nodes:`))",
        *(f"a.yaml:17: {end} = 'state:{name}': unknown node (fix: correct the id (define that node under "
          "`nodes:`))" for end, name in (("from", "ZZZZZ"), ("to", "YYYYY"))),
        "a.yaml:18: lengthKm = 'far': not a number (fix: write a number, e.g. 17.5)",
    ]


def test_empty_values_are_left_out_and_the_rest_is_read(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.yaml", """\
        nodes:
        @DOC
          - {id: person:y, type: Person, note: , description: "", aliases: [], name: Y, status: confirmed,
             sources: [doc:test-brief]}
          - {id: person:z, type: Person, valid_from: 2001, validFrom: 2001, name: Z, status: confirmed,
             sources: [doc:test-brief]}
        """)
    assert problems(monkeypatch, tmp_path, "a.yaml") == [
        "a.yaml:8: validFrom = 2001: validFrom is given twice (as an alias) (fix: keep one of them)"]
    write(tmp_path, "a.yaml", """\
        nodes:
        @DOC
          - {id: person:y, type: Person, note: , description: "", aliases: [], name: Y, status: confirmed,
             sources: [doc:test-brief]}
        """)
    node = next(n for n in read_dataset(["a.yaml"]).nodes if n.id == "person:y")
    assert node.props == {"name": "Y", "status": "confirmed", "sources": ["doc:test-brief"],
                          "sourceDocs": ["doc:test-brief"]}


def test_a_citation_of_a_refused_document_is_not_reported_again(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.yaml", """\
        nodes:
          - {id: doc:bad, type: Document, name: Bad, status: rumoured}
          - {id: person:y, type: Person, name: Y, status: confirmed, sources: [doc:bad, doc:nope]}
        """)
    assert problems(monkeypatch, tmp_path, "a.yaml") == [
        "a.yaml:2: status = 'rumoured': not an allowed value (fix: allowed: alleged, confirmed, denied, "
        "planned, reported)",
        "a.yaml:3: sources = 'doc:nope': cites unknown document 'doc:nope' "
        "(fix: cite a Document id (add the Document under `nodes:`))",
    ]


def test_yaml_structure_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "list.yaml", "- id: state:RUS\n")
    write(tmp_path, "keys.yaml", """\
        defaults: [status]
        node:
          - id: state:RUS
        relationships: {type: HOLDS}
        nodes:
          - just a string
          - id: state:RUS
            type: State
            from: state:PRK
        """)
    assert problems(monkeypatch, tmp_path, "list.yaml", "keys.yaml") == [
        "list.yaml:1: top level is a list, not a mapping "
        "(fix: start the file with `nodes:` and/or `relationships:`)",
        "keys.yaml:2: node: unknown top-level key (fix: use only defaults, nodes, relationships)",
        "keys.yaml:1: defaults: `defaults` must be a mapping (fix: write `defaults: {status: confirmed}`)",
        "keys.yaml:5: nodes[0] = 'just a string': entry is not a mapping "
        "(fix: write each entry as `- key: value` lines)",
        "keys.yaml:4: relationships: `relationships` must be a list "
        "(fix: write each entry as `- ...` under `relationships:`)",
        "keys.yaml:7: missing required property `status` "
        "(fix: add `status:` (one of confirmed, reported, alleged, denied, planned))",
        "keys.yaml:7: missing required property `sources` "
        '(fix: add `sources:` with at least one "DOCUMENT-ID | LOCATOR")',
        "keys.yaml:7: missing required property `name` (fix: add `name:`)",
        "keys.yaml:7: missing required property `iso3` (fix: add `iso3:`)",
        "keys.yaml:9: from = 'state:PRK': a node has no `from` "
        "(fix: nodes are linked by entries under `relationships:`)",
    ]


def test_missing_type_id_from_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.yaml", """\
        nodes:
        @DOC
          - name: No type
          - type: Person
            name: No id
            status: confirmed
            sources: [doc:test-brief]
        relationships:
          - type: HOLDS
            status: confirmed
            sources: [doc:test-brief]
        """)
    assert problems(monkeypatch, tmp_path, "a.yaml") == [
        "a.yaml:6: missing `type` (fix: add `type:` with a node type (e.g. Person) or a relationship type "
        "(e.g. HOLDS))",
        "a.yaml:7: missing `id` (fix: add `id: person:SOME-SLUG`)",
        "a.yaml:12: missing `from` (fix: add `from:` with a node id)",
        "a.yaml:12: missing `to` (fix: add `to:` with a node id)",
    ]


def test_a_citation_must_name_a_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.yaml", """\
        nodes:
        @DOC
          - id: state:MNG
            type: State
            name: Mongolia
            iso3: MNG
            status: confirmed
            sources: ["state:MNG | itself"]
        """)
    assert problems(monkeypatch, tmp_path, "a.yaml") == [
        "a.yaml:11: sources = 'state:MNG | itself': cites unknown document 'state:MNG' "
        "(fix: cite a Document id (add the Document under `nodes:`))",
    ]


def test_utf8_bom_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffnodes:\n".encode() + DOC.replace("Test brief", "Тестовая справка").encode())
    monkeypatch.chdir(tmp_path)
    (node,) = read_dataset(["bom.yaml"]).nodes
    assert node.props["name"] == "Тестовая справка"


def test_yaml_duplicate_keys_are_located(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.yaml", """\
        defaults:
          status: confirmed
          status: reported
        nodes:
        @DOC
          - id: state:MNG
            type: State
            name: Mongolia
            iso3: MNG
            name: Mongolia (Outer)
            sources: [doc:test-brief]
            name: Mongol Uls
          - {id: state:CHN, type: State, name: China, iso3: CHN, sources: [doc:test-brief], iso3: CHN}
          - <<: [{name: Merged, iso3: XXX}, {name: Merged again}]
            id: state:KOR
            type: State
            name: Republic of Korea
            iso3: KOR
            sources: [doc:test-brief]
          - id: state:PRK
            type: State
            name: DPRK
            iso3: PRK
            sources: [doc:test-brief]
            1: one
            "1": one again
        """)
    assert problems(monkeypatch, tmp_path, "a.yaml") == [
        "a.yaml:3: status: duplicate key (first at line 2) (fix: keep one of the two)",
        "a.yaml:13: name: duplicate key (first at line 11) (fix: keep one of the two)",
        # A third one is still a duplicate of the first.
        "a.yaml:15: name: duplicate key (first at line 11) (fix: keep one of the two)",
        "a.yaml:16: iso3: duplicate key (first at line 16) (fix: keep one of the two)",
        # Keys that merging (`<<`) brings in may repeat, and the mapping's own keys override them.
        "a.yaml:29: 1: duplicate key (first at line 28) (fix: keep one of the two)",
        # The file is read on with the last value of each key, so its other problems show too.
        "a.yaml:29: 1 = 'one again': unknown property for State (fix: allowed: aliases, date, "
        "description, iso2, iso3, name, note, sources, status, validFrom, validTo)",
    ]
    write(tmp_path, "b.yaml", """\
        nodes:
        @DOC
        relationships: []
        nodes:
          - {id: doc:other, type: Document, name: Other, status: confirmed}
        """)
    assert problems(monkeypatch, tmp_path, "b.yaml") == [
        "b.yaml:7: nodes: duplicate key (first at line 1) (fix: keep one of the two, or merge their entries "
        "into one)",
    ]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("suffix", [".yaml", ".csv"])
def test_utf16_and_utf32_files_are_named_as_such(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 codec: str, suffix: str) -> None:
    """With a byte order mark ("utf-16", "utf-32") or without one, Korean text or ASCII."""
    text = ("nodes:\n  - {id: person:choe, type: Person, name: 최선희 가가}\n" if suffix == ".yaml"
            else "type,id,name\nPerson,person:choe,최선희 가가\n")
    (tmp_path / f"a{suffix}").write_bytes(text.encode(codec))
    assert problems(monkeypatch, tmp_path, f"a{suffix}") == [
        f"a{suffix}: file is encoded as {codec[:6].upper()}, not UTF-8 (fix: save the file as UTF-8)",
    ]


def test_binary_with_nul_bytes_in_a_pattern_is_still_binary(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # Small 16-bit numbers: a NUL in every other byte, like UTF-16, but no text.
    (tmp_path / "a.csv").write_bytes(b"".join(n.to_bytes(2, "little") for n in range(200)))
    (tmp_path / "b.yaml").write_bytes(b"\x00\x00\x00\x01" * 50)
    assert problems(monkeypatch, tmp_path, "a.csv", "b.yaml") == [
        "a.csv:1: contains NUL bytes (binary file?) (fix: give a YAML or CSV text file)",
        "b.yaml:1: contains NUL bytes (binary file?) (fix: give a YAML or CSV text file)",
    ]


# -- CSV specifics ---------------------------------------------------------------------
def test_csv_type_from_file_name_and_list_cells(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "docs.yaml", "nodes:\n" + DOC)
    write(tmp_path, "person.csv", """\
        id,name,aliases,born,status,sources
        person:choe,Choe Son Hui,Choe Sŏn-hŭi; Choe Sun Hui ;,1964,confirmed,doc:test-brief|2;doc:test-brief|3
        """)
    write(tmp_path, "Position.csv", """\
        id,name,status,sources
        position:dprk-fm,Minister of Foreign Affairs of the DPRK,confirmed,doc:test-brief
        """)
    write(tmp_path, "holds.csv", """\
        from,to,validFrom,status,sources

        person:choe,position:dprk-fm,2024-01,confirmed,"doc:test-brief | p. 4, para 2"
        """)
    monkeypatch.chdir(tmp_path)
    ds = read_dataset(["docs.yaml", "person.csv", "Position.csv", "holds.csv"])
    nodes = {n.id: n for n in ds.nodes}
    choe = nodes["person:choe"]
    assert choe.type == "Person" and choe.line == 2
    assert choe.props["aliases"] == ["Choe Sŏn-hŭi", "Choe Sun Hui"]
    assert choe.props["sources"] == ["doc:test-brief | 2", "doc:test-brief | 3"]
    assert choe.props["born"] == date(1964, 1, 1)
    assert choe.props["sourceDocs"] == ["doc:test-brief"]
    assert nodes["position:dprk-fm"].type == "Position"
    (rel,) = ds.relationships
    assert rel.type == "HOLDS" and rel.line == 3  # the blank line 2 is skipped but counted
    assert rel.id == "HOLDS:person:choe->position:dprk-fm@2024-01-01"
    assert rel.props["sources"] == ["doc:test-brief | p. 4, para 2"]


def test_csv_cells_are_coerced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "docs.yaml", "nodes:\n" + DOC)
    write(tmp_path, "nodes.csv", """\
        type,id,name,iso3,kind,mutualAssistance,provisions,status,sources
        State,state:RUS,Russia,RUS,,,,confirmed,doc:test-brief
        State,state:PRK,DPRK,PRK,,,,confirmed,doc:test-brief
        Treaty,treaty:2024-cssp,CSP Treaty,,bilateral,yes,mutual assistance; trade,confirmed,doc:test-brief
        Treaty,treaty:x,X,,bilateral,maybe,,confirmed,doc:test-brief
        """)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as info:
        read_dataset(["docs.yaml", "nodes.csv"])
    assert [str(p) for p in info.value.problems] == [
        "nodes.csv:5: mutualAssistance = 'maybe': not true or false (fix: write true or false)",
    ]
    (tmp_path / "nodes.csv").write_text(
        "\n".join((tmp_path / "nodes.csv").read_text().splitlines()[:4]) + "\n", "utf-8")
    treaty = next(n for n in read_dataset(["docs.yaml", "nodes.csv"]).nodes if n.id == "treaty:2024-cssp")
    assert treaty.props["mutualAssistance"] is True
    assert treaty.props["provisions"] == ["mutual assistance", "trade"]
    assert treaty.props["kind"] == "bilateral"


def test_csv_header_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "dupes.csv", "type,id,name,name\n")
    write(tmp_path, "blank.csv", "type,,name\n")
    write(tmp_path, "empty.csv", "\n\n")
    write(tmp_path, "quotes.csv", 'type,id,name\nState,state:RUS,"Russia\n')
    assert problems(monkeypatch, tmp_path, "dupes.csv", "blank.csv", "empty.csv", "quotes.csv") == [
        "dupes.csv:1: header has duplicate columns name (fix: give every column one unique name)",
        "blank.csv:1: header has an empty column name (fix: give every column one unique name)",
        "empty.csv: file is empty (fix: add a header row and data rows, or remove the file)",
        "quotes.csv:2: CSV error: unexpected end of data (fix: check the quotes on this line)",
    ]


def test_csv_utf8_bom_is_not_part_of_the_first_column_name(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Document.csv").write_bytes("\ufeffid,name,status\ndoc:a,Справка,confirmed\n".encode())
    (tmp_path / "nodes.csv").write_bytes("\ufefftype,id,name,status\nDocument,doc:b,B,confirmed\n".encode())
    monkeypatch.chdir(tmp_path)
    ds = read_dataset(["Document.csv", "nodes.csv"])
    assert sorted((n.id, n.props["name"]) for n in ds.nodes) == [("doc:a", "Справка"), ("doc:b", "B")]


def test_csv_file_name_that_is_no_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from relgraph.schema import load_schema

    schema = load_schema()
    types = ", ".join(sorted([*schema.nodes, *schema.relationships]))
    fix = ("add a `type` column, or name the file after a node or relationship type or one of its aliases, "
           "in any letter case (e.g. Person.csv or holds.csv): ")
    write(tmp_path, "docs.yaml", "nodes:\n" + DOC)
    write(tmp_path, "persons.csv", """\
        id,name,status,sources
        person:choe,Choe Son Hui,confirmed,doc:test-brief
        person:lavrov,Sergey Lavrov,confirmed,doc:test-brief
        """)
    write(tmp_path, "people-and-posts.csv", """\
        id,name,status,sources
        position:dprk-fm,Minister of Foreign Affairs of the DPRK,confirmed,doc:test-brief
        """)
    # Named for a type: the nodes of the files above are not reported again as unknown here.
    write(tmp_path, "HOLDS.csv", """\
        from,to,status,sources
        person:choe,position:dprk-fm,confirmed,doc:test-brief
        """)
    names = ["docs.yaml", "persons.csv", "people-and-posts.csv", "HOLDS.csv"]
    assert problems(monkeypatch, tmp_path, *names) == [
        "people-and-posts.csv:1: no `type` column, and the file name 'people-and-posts' is not a node or "
        f"relationship type (fix: {fix}types: {types})",
        # Once for the file, on its header, not once a row.
        "persons.csv:1: no `type` column, and the file name 'persons' is not a node or relationship type "
        f"(fix: {fix}did you mean Person.csv? types: {types})",
    ]
    # The forms the fix names: a type's name or alias, in any letter case.
    (tmp_path / "persons.csv").rename(tmp_path / "person.csv")
    (tmp_path / "people-and-posts.csv").rename(tmp_path / "post.csv")  # Post: an alias of Position
    ds = read_dataset(["docs.yaml", "person.csv", "post.csv", "HOLDS.csv"])
    assert {n.id: n.type for n in ds.nodes if n.type != "Document"} == {
        "person:choe": "Person", "person:lavrov": "Person", "position:dprk-fm": "Position"}
    assert [r.type for r in ds.relationships] == ["HOLDS"]


# -- finding files -----------------------------------------------------------------------
def test_discover_expands_folders_sorted_and_dedupes(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.csv", "sub/c.yml", "notes.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x", "utf-8")
    found = discover([tmp_path, tmp_path / "b.yaml"])
    assert found == [tmp_path / "a.csv", tmp_path / "b.yaml", tmp_path / "sub" / "c.yml"]


def test_discover_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty-folder").mkdir()
    (tmp_path / "data.json").write_text("{}", "utf-8")
    with pytest.raises(InputError) as info:
        discover(["empty-folder", "data.json", "missing.yaml"])
    assert [str(p) for p in info.value.problems] == [
        "empty-folder: folder has no .yaml, .yml or .csv files (fix: point at a folder of data files)",
        "data.json: unsupported file type '.json' (fix: give .yaml, .yml or .csv files)",
        "missing.yaml: no such file or folder (fix: check the path)",
    ]


def test_citation_round_trip() -> None:
    c = Citation.parse("doc:x |  p. 3 | second bar ")
    assert (c.doc, c.locator) == ("doc:x", "p. 3 | second bar")
    assert str(Citation.parse(str(c))) == str(c)
    assert str(Citation("doc:x")) == "doc:x"


def test_partial_dates_keep_their_precision(tmp_path: Path) -> None:
    data = tmp_path / "a.yaml"
    data.write_text("""\
defaults: {status: confirmed}
nodes:
  - {id: doc:a, type: Document, name: A, published: 2025-06, sources: ["doc:a | self"]}
  - {id: person:k, type: Person, name: K, born: 1984, died: 2030-02, sources: ["doc:a | p1"]}
  - {id: state:PRK, type: State, name: DPRK, iso3: PRK, sources: ["doc:a | p2"]}
relationships:
  - {type: CITIZEN_OF, from: person:k, to: state:PRK, validFrom: 2008, validTo: 1996-09,
     sources: ["doc:a | p3"]}
""", "utf-8")
    with pytest.raises(InputError):  # validTo before validFrom
        read_dataset([data])
    data.write_text(data.read_text("utf-8").replace("validTo: 1996-09", "validTo: 2012-02"), "utf-8")
    ds = read_dataset([data])
    nodes = {n.id: n.props for n in ds.nodes}
    assert (nodes["doc:a"]["published"], nodes["doc:a"]["publishedPrecision"]) == (date(2025, 6, 1), "month")
    k = nodes["person:k"]
    assert (k["born"], k["bornPrecision"], k["died"], k["diedPrecision"]) == (
        date(1984, 1, 1), "year", date(2030, 2, 28), "month")  # an end is its period's last day
    r = ds.relationships[0].props
    assert (r["validFrom"], r["validFromPrecision"], r["validTo"], r["validToPrecision"]) == (
        date(2008, 1, 1), "year", date(2012, 2, 29), "month")
    assert "datePrecision" not in r  # no date, no precision; a full day has none either
    assert "validFromPrecision" not in nodes["state:PRK"]


def test_a_precision_given_in_a_file_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("""\
defaults: {status: confirmed}
nodes:
  - {id: doc:a, type: Document, name: A, published: 2025-06-01, publishedPrecision: month,
     sources: ["doc:a | x"]}
""", "utf-8")
    assert problems(monkeypatch, tmp_path, "a.yaml") == [
        "a.yaml:3: publishedPrecision = 'month': is set by the loader from how much of `published` is "
        "written (fix: remove it, and write published as YYYY, YYYY-MM or YYYY-MM-DD)"]


def test_relationships_are_checked_in_file_order_whether_their_nodes_come_before_or_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A relationship whose nodes are known is validated as it is read (memory), one that
    waits for nodes further on later: the dataset and every message are as if all waited."""
    write(tmp_path, "a.csv", """\
        type,id,from,to,status,sources
        BORDERS,b1,state:MNG,state:CHN,confirmed,doc:test-brief
        BORDERS,b2,state:CHN,state:KOR,confirmed,doc:test-brief
        BORDERS,b1,state:MNG,state:KOR,confirmed,doc:test-brief
        BORDERS,b3,state:MNG,state:CHN,confirmed,doc:test-brief
        BORDERS,b4,state:MNG,state:MGN,confirmed,doc:test-brief
        BORDERS,b5,state:MNG,state:CHN,reportd,doc:test-brief
        """)
    write(tmp_path, "b.yaml", """\
        nodes:
        @DOC
          - {id: state:MNG, type: State, name: Mongolia, iso3: MNG, status: confirmed,
              sources: [doc:test-brief]}
          - {id: state:CHN, type: State, name: China, iso3: CHN, status: confirmed,
              sources: [doc:test-brief]}
        relationships:
          - {id: b3, type: BORDERS, from: state:CHN, to: state:MNG, status: confirmed,
              sources: [doc:test-brief]}
          - {id: b6, type: BORDERS, from: state:CHN, to: state:MNG, status: confirmed,
              sources: [doc:later-brief]}
          - {id: b7, type: BORDERS, from: state:CHN, to: state:MNG, status: confirmed,
              sources: [doc:test-brief]}
          - {id: b8, type: BORDERS, from: state:CHN, to: state:KOR, status: confirmed,
              sources: [doc:test-brief]}
        """)
    write(tmp_path, "c.yaml", """\
        nodes:
          - {id: state:KOR, type: State, name: South Korea, iso3: KOR, status: confirmed,
              sources: [doc:test-brief]}
          - {id: doc:later-brief, type: Document, name: Later brief, status: confirmed}
        """)
    # Read in the order a.csv (nodes not known yet), b.yaml (b3 and b7 known as read, b6 cites
    # a document and b8 a node of c.yaml), c.yaml; and in the order where every node comes first.
    fix = "(fix: remove one, or give each an explicit `id:`)"
    common = [f"a.csv:4: id = 'b1': duplicate relationship (same as a.csv:2) {fix}",
              "a.csv:6: to = 'state:MGN': unknown node (fix: correct the id (did you mean 'state:MNG'?))",
              "a.csv:7: status = 'reportd': not an allowed value (fix: did you mean 'reported'? "
              "allowed: alleged, confirmed, denied, planned, reported)"]
    # The first b3 in reading order is kept, the other one is the duplicate.
    assert problems(monkeypatch, tmp_path, "a.csv", "b.yaml", "c.yaml") == [
        *common, f"b.yaml:11: id = 'b3': duplicate relationship (same as a.csv:5) {fix}"]
    assert problems(monkeypatch, tmp_path, "c.yaml", "b.yaml", "a.csv") == [
        common[0], f"a.csv:5: id = 'b3': duplicate relationship (same as b.yaml:11) {fix}", *common[1:]]
    ok = tmp_path / "ok"
    ok.mkdir()
    (ok / "b.yaml").write_text((tmp_path / "b.yaml").read_text("utf-8"), "utf-8")
    (ok / "c.yaml").write_text((tmp_path / "c.yaml").read_text("utf-8"), "utf-8")
    first = read_dataset([ok / "b.yaml", ok / "c.yaml"])  # b6 and b8 wait for c.yaml
    last = read_dataset([ok / "c.yaml", ok / "b.yaml"])  # every relationship known as read
    assert [r.id for r in first.relationships] == ["b3", "b6", "b7", "b8"]  # in the files' order
    assert sorted((r.id, r.source, r.target, r.props["sourceDocs"]) for r in first.relationships) == \
        sorted((r.id, r.source, r.target, r.props["sourceDocs"]) for r in last.relationships)
    b3, b7 = (r for r in first.relationships if r.id in ("b3", "b7"))
    assert b3.props["sourceDocs"] == ["doc:test-brief"] and b3.props["sourceDocs"] is b7.props["sourceDocs"]
    node_ids = {n.id: n.id for n in first.nodes}
    assert all(r.source is node_ids[r.source] for r in first.relationships)  # one object per id


@pytest.mark.parametrize("text", [
    "a,b\n1,2\n", "a,b\r\n1,2\r\n", "a,b\r1,2\r", "a,b\n1,2", "a,b\n\n\n1,2\n", "a,b\r\n\r\n1,2",
    'a,b\n"x\r\ny","z\nw"\n', 'a,b\n"x\ry",2\r\n', "a,b\n1\u2028,2\x85\n3,4\x1c\n", "a\n", "\n", "x",
])
def test_csv_lines_are_cut_as_a_text_stream_cuts_them(text: str) -> None:
    """The reader is fed lines cut from the text as it goes; it sees what it saw from
    ``io.StringIO(text, newline="")`` (line ends kept; \\r\\n, \\r and \\n end a line, nothing else)."""
    import csv
    import io

    from relgraph.loaders.csvfile import LINE

    lines = [m.group() for m in LINE.finditer(text)]
    assert lines == list(io.StringIO(text, newline=""))
    stream = io.StringIO(text, newline="")
    assert list(csv.reader(lines, strict=True)) == list(csv.reader(stream, strict=True))
