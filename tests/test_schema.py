"""The schema file and its reader: conventions, aliases, consistency checks."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from relgraph.errors import SchemaError
from relgraph.schema import load_schema, parse_schema

SCHEMA_FILE = REPO / "graph" / "schema.yaml"


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(SCHEMA_FILE.read_text("utf-8"))


def test_bundled_schema_is_the_repository_file(raw: dict) -> None:
    assert load_schema().raw == raw


def test_naming_conventions() -> None:
    s = load_schema()
    for name, t in s.nodes.items():
        assert re.fullmatch(r"[A-Z][A-Za-z]+", name), name
        assert re.fullmatch(r"[a-z]+", t.id_prefix), name
    for name in s.relationships:
        assert re.fullmatch(r"[A-Z]+(_[A-Z]+)*", name), name
    for t in [*s.nodes.values(), *s.relationships.values()]:
        for p in t.properties:
            assert re.fullmatch(r"[a-z][A-Za-z0-9]*", p), f"{t.name}.{p} is not camelCase"


def test_every_type_carries_the_common_properties() -> None:
    s = load_schema()
    assert {"id", "sourceDocs", "origin"} <= set(s.system)
    common = {"status", "sources", "date", "validFrom", "validTo", "note", "description"}
    for t in s.nodes.values():
        assert common | {"name", "aliases"} <= set(t.properties), t.name
        assert t.properties["name"].required and t.properties["status"].required
    for r in s.relationships.values():
        assert common <= set(r.properties), r.name
        assert "name" not in r.properties
        assert r.properties["sources"].required


def test_statuses_are_the_five_claim_statuses() -> None:
    s = load_schema()
    assert list(s.statuses) == ["confirmed", "reported", "alleged", "denied", "planned"]
    assert s.node_type("Person").prop("status").values == tuple(s.statuses)
    classes = ("non-sanctioned", "gray-zone", "sanctioned")
    assert s.node_type("Project").prop("sanctionClass").values == classes


def test_id_prefixes_are_unique_and_map_back_to_types() -> None:
    s = load_schema()
    prefixes = [t.id_prefix for t in s.nodes.values()]
    assert len(prefixes) == len(set(prefixes))
    assert s.type_for_id("state:RUS").name == "State"
    assert s.type_for_id("doc:eai-2024-06-05").name == "Document"
    assert s.type_for_id("nothing:here") is None


def test_type_and_property_aliases() -> None:
    s = load_schema()
    assert s.node_type("Country").name == "State"
    assert s.node_type("country").name == "State"
    assert s.node_type("Organisation").name == "Organization"
    assert s.node_type("HOLDS") is None
    assert s.rel_type("held").name == "HOLDS"
    assert s.rel_type("SIGNATORY_OF").name == "PARTY_TO"
    assert s.node_type("Person").prop("valid_from").name == "validFrom"
    assert s.node_type("Person").prop("dob").name == "born"
    assert s.rel_type("BORDERS").prop("length_km").name == "lengthKm"
    assert s.node_type("Person").prop("nonsense") is None


def test_documents_need_no_sources_everything_else_does() -> None:
    s = load_schema()
    assert [t.name for t in s.nodes.values() if not t.sources_required] == ["Document"]


def test_endpoints() -> None:
    s = load_schema()
    holds = s.rel_type("HOLDS")
    assert holds.allows("Person", "Position")
    assert not holds.allows("Position", "Person")
    assert not holds.allows("State", "Position")
    for r in s.relationships.values():
        for a, b in r.endpoints:
            assert a in s.nodes and b in s.nodes


def test_load_schema_from_a_path(tmp_path: Path, raw: dict) -> None:
    smaller = copy.deepcopy(raw)
    smaller["nodes"] = {k: v for k, v in raw["nodes"].items() if k in ("State", "Document")}
    smaller["relationships"] = {"BORDERS": raw["relationships"]["BORDERS"]}
    path = tmp_path / "schema.yaml"
    path.write_text(yaml.safe_dump(smaller, sort_keys=False), "utf-8")
    s = load_schema(str(path))
    assert list(s.nodes) == ["State", "Document"]
    assert list(s.relationships) == ["BORDERS"]


def _broken(raw: dict, where: list[str], value: object) -> dict:
    out = copy.deepcopy(raw)
    target = out
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    return out


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (["nodes", "Person", "properties", "born"], {"type": "datetime"},
         "schema: Person.born: type must be one of string, text, string[], date, int, float, bool, enum, "
         "sources"),
        (["nodes", "Person", "properties", "gender"], {"type": "enum", "values": "genders"},
         "schema: Person.gender: unknown vocabulary 'genders'"),
        (["nodes", "Person", "properties", "gender"], {"type": "enum"},
         "schema: Person.gender: an enum needs values"),
        (["nodes", "Person", "id_prefix"], "state", "schema: node type Person needs a unique id_prefix"),
        (["nodes", "Person", "id_prefix"], "", "schema: node type Person needs a unique id_prefix"),
        (["relationships", "HOLDS", "endpoints"], [["Person", "Job"]],
         "schema: relationship HOLDS: bad endpoint pair ['Person', 'Job']"),
        (["relationships", "HOLDS", "endpoints"], [], "schema: relationship HOLDS needs endpoints"),
        (["common", "status"], "enum", "schema: common.status: type must be one of string, text, string[], "
         "date, int, float, bool, enum, sources"),
    ],
)
def test_inconsistent_schema_is_refused(raw: dict, where: list[str], value: object, message: str) -> None:
    with pytest.raises(SchemaError) as info:
        parse_schema(_broken(raw, where, value))
    assert str(info.value) == message


def test_embedded_ddl_has_every_type_and_property() -> None:
    from relgraph.store.embedded import ENGINE_TYPES, ddl

    s = load_schema()
    stmts = ddl(s)
    assert len(stmts) == len(s.nodes) + len(s.relationships)
    for t in s.nodes.values():
        stmt = next(x for x in stmts if x.startswith(f"CREATE NODE TABLE IF NOT EXISTS {t.name}("))
        assert stmt.endswith("PRIMARY KEY(id))")
        for p in [*s.system.values(), *t.properties.values()]:
            assert f" {p.name} {ENGINE_TYPES[p.type]}" in stmt or f"({p.name} {ENGINE_TYPES[p.type]}" in stmt
    for r in s.relationships.values():
        stmt = next(x for x in stmts if x.startswith(f"CREATE REL TABLE IF NOT EXISTS {r.name}("))
        for a, b in r.endpoints:
            assert f"FROM {a} TO {b}" in stmt
        for p in [*s.system.values(), *r.properties.values()]:
            assert f" {p.name} {ENGINE_TYPES[p.type]}" in stmt
