"""`relgraph import un-sanctions`: the UN consolidated list (tests/fixtures/un, as published).

Expected values come from an independent reading of the same file with
ElementTree's XPath, not from the importer.
"""

from __future__ import annotations

import json
import shutil
import textwrap
import tracemalloc
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES, MINI, by_id, dump_store

from relgraph import api
from relgraph.errors import InputError, NotFoundError, UsageError
from relgraph.imports import import_un_sanctions
from relgraph.loaders.un_sanctions import read_un_list
from relgraph.store import open_store

LIST = FIXTURES / "un" / "consolidated-2018-10-29.xml"
DOC = "doc:un-sc-consolidated-2018-10-29"
ORIGIN = "import:un-sanctions/DPRK"


def clean(text: str | None) -> str:
    return " ".join((text or "").split())


@pytest.fixture(scope="module")
def xml_root() -> ET.Element:
    return ET.parse(LIST).getroot()  # the fixture is trusted; the importer's own parser is defusedxml


CONTAINER = {"INDIVIDUAL": "INDIVIDUALS", "ENTITY": "ENTITIES"}


def dprk(root: ET.Element, kind: str) -> list[ET.Element]:
    return root.findall(f"./{CONTAINER[kind]}/{kind}[UN_LIST_TYPE='DPRK']")


def aliases_of(entry: ET.Element) -> set[str]:
    found = {clean(a.text) for a in entry.findall(f"./{entry.tag}_ALIAS/ALIAS_NAME")}
    found |= {clean(a.text) for a in entry.findall("./NAME_ORIGINAL_SCRIPT")}
    return found - {""}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, object]:
    """The list imported into an empty store (once per module; do not modify)."""
    store = str(tmp_path_factory.mktemp("un") / "un.db")
    return store, import_un_sanctions(LIST, regime="DPRK", store=store)


def copy_store(source: str, target: Path) -> str:
    """A private copy of a store file, free to modify."""
    shutil.copyfile(source, target)
    if Path(source + ".wal").exists():
        shutil.copyfile(source + ".wal", str(target) + ".wal")
    return str(target)


def designations(store: str) -> dict[str, dict]:
    """reference -> designee id, type, name, aliases and the relationship's properties."""
    with open_store(store, read_only=True) as st:
        _, rows = st.run("MATCH (x)-[d:DESIGNATED_UNDER]->(s:Sanction) "
                         "RETURN d.reference, x.id, label(x), x.name, x.aliases, s.id, d")
    out = {}
    for ref, xid, label, name, aliases, sid, d in rows:
        assert ref not in out, f"{ref} designated twice"
        props = {k: v for k, v in d.items() if not k.startswith("_") and v is not None}
        out[ref] = {**props, "relId": props["id"], "id": xid, "type": label, "name": name,
                    "aliases": set(aliases or []), "regime": sid}
    return out


# -- against the file itself ---------------------------------------------------------
def test_counts_references_and_aliases_equal_an_xpath_reading(imported, xml_root) -> None:
    store, report = imported
    individuals, entities = dprk(xml_root, "INDIVIDUAL"), dprk(xml_root, "ENTITY")
    # The shared README's numbers, as a check on the XPath reading itself.
    assert (len(individuals), len(entities)) == (80, 75)
    assert (report.individuals, report.entities) == (len(individuals), len(entities))

    got = designations(store)
    expected = {clean(e.findtext("REFERENCE_NUMBER")): e for e in individuals + entities}
    assert set(got) == set(expected)
    for ref, e in expected.items():
        d = got[ref]
        assert d["type"] == ("Person" if e.tag == "INDIVIDUAL" else "Organization"), ref
        assert d["aliases"] == aliases_of(e) | {ref}, ref  # the reference is an alias: `show KPi.033`
        parts = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
        name = " ".join(clean(e.findtext(t)) for t in parts if clean(e.findtext(t)))
        assert d["name"] == name == d["listedName"], ref
        assert d["validFrom"] == date.fromisoformat(clean(e.findtext("LISTED_ON"))), ref
        assert d.get("description", "") == clean(e.findtext("COMMENTS1")), ref
        assert d["sources"] == [f"{DOC} | {ref}"], ref
        prefix = "person:un-" if e.tag == "INDIVIDUAL" else "org:un-"
        assert d["id"] == prefix + ref.lower().replace(".", "-")
        assert d["relId"] == f"DESIGNATED_UNDER:un:{ref}"
        assert d["regime"] == "sanction:un-dprk-regime"
    total_aliases = sum(len(d["aliases"]) for d in got.values())
    assert total_aliases == sum(len(aliases_of(e) | {ref}) for ref, e in expected.items())

    with open_store(store, read_only=True) as st:
        counts = st.counts()
    assert counts["nodes"]["Person"] == 80 and counts["nodes"]["Organization"] == 75
    assert counts["relationships"]["DESIGNATED_UNDER"] == 155


def test_an_individual_carries_what_the_list_says(imported, xml_root) -> None:
    store, _ = imported
    [entry] = [e for e in dprk(xml_root, "INDIVIDUAL") if clean(e.findtext("REFERENCE_NUMBER")) == "KPi.033"]
    with open_store(store, read_only=True) as st:
        node = st.node("person:un-kpi-033")
        rels = {(n.rel_type, n.other_id) for n in st.neighbours("person:un-kpi-033")}
        doc = st.node(DOC)
        regime = st.node("sanction:un-dprk-regime")
    assert node["name"] == "RI WON HO"
    assert node["born"] == date.fromisoformat(entry.findtext("./INDIVIDUAL_DATE_OF_BIRTH/DATE"))
    assert node["nationality"] == [clean(entry.findtext("./NATIONALITY/VALUE"))]
    assert node["description"] == clean(entry.findtext("./DESIGNATION/VALUE"))
    number = clean(entry.findtext("./INDIVIDUAL_DOCUMENT/NUMBER"))
    assert [d for d in node["identityDocuments"] if number in d] == [f"Passport {number}"]
    assert node["origin"] == ORIGIN
    assert rels == {("DESIGNATED_UNDER", "sanction:un-dprk-regime"), ("CITIZEN_OF", "state:PRK")}
    assert doc["published"] == date(2018, 10, 29) and doc["kind"] == "un-document"
    assert regime["kind"] == "regime" and regime["reference"] == "S/RES/1718 (2006)"


def test_years_and_ranges_of_birth_are_kept_as_given(imported, xml_root) -> None:
    store, _ = imported
    ranged = [e for e in dprk(xml_root, "INDIVIDUAL")
              if e.find("./INDIVIDUAL_DATE_OF_BIRTH/FROM_YEAR") is not None]
    assert ranged, "the fixture has a person born between two years"
    e = ranged[0]
    ref = clean(e.findtext("REFERENCE_NUMBER"))
    start, end = (e.findtext(f"./INDIVIDUAL_DATE_OF_BIRTH/{t}") for t in ("FROM_YEAR", "TO_YEAR"))
    with open_store(store, read_only=True) as st:
        _, rows = st.run("MATCH (p:Person)-[d:DESIGNATED_UNDER]->() WHERE d.reference = $r "
                         "RETURN p.birthDates, p.born", {"r": ref})
    assert rows == [[[f"between {start} and {end}"], None]]


def test_nationalities_and_entity_addresses_link_to_state_nodes(imported, xml_root) -> None:
    store, _ = imported
    korea = "Democratic People's Republic of Korea"
    citizens = {clean(e.findtext("REFERENCE_NUMBER")) for e in dprk(xml_root, "INDIVIDUAL")
                if korea in {clean(v.text) for v in e.findall("./NATIONALITY/VALUE")}}
    located = {clean(e.findtext("REFERENCE_NUMBER")) for e in dprk(xml_root, "ENTITY")
               if korea in {clean(c.text) for c in e.findall("./ENTITY_ADDRESS/COUNTRY")}}
    with open_store(store, read_only=True) as st:
        _, c_rows = st.run("MATCH (p:Person)-[:CITIZEN_OF]->(s:State {id: 'state:PRK'}), "
                           "(p)-[d:DESIGNATED_UNDER]->() RETURN d.reference")
        _, l_rows = st.run("MATCH (o:Organization)-[:LOCATED_IN]->(s:State {id: 'state:PRK'}), "
                           "(o)-[d:DESIGNATED_UNDER]->() RETURN d.reference")
        prk = st.node("state:PRK")
    assert {r for (r,) in c_rows} == citizens and len(c_rows) == len(citizens)
    assert {r for (r,) in l_rows} == located and len(l_rows) == len(located)
    assert prk["name"] == "North Korea" and prk["iso2"] == "KP"  # ISO 3166-1, created on an empty store


def test_importing_the_same_list_again_changes_nothing(imported, tmp_path: Path) -> None:
    store = copy_store(imported[0], tmp_path / "again.db")
    first = dump_store(store)
    report = import_un_sanctions(LIST, store=store)
    assert dump_store(store) == first
    assert report.result.nodes_added == 0 and report.delisted == []


def test_a_newer_list_updates_entries_and_ends_delisted_designations(imported, tmp_path: Path) -> None:
    store = copy_store(imported[0], tmp_path / "s.db")
    tree = ET.parse(LIST)
    root = tree.getroot()
    root.set("dateGenerated", "2019-01-15T10:00:00.000-05:00")
    gone = {"KPi.033", "KPe.001"}
    for kind in ("INDIVIDUAL", "ENTITY"):
        parent = root.find(f"./{CONTAINER[kind]}")
        for e in list(parent):
            if clean(e.findtext("REFERENCE_NUMBER")) in gone:
                parent.remove(e)
    tanchon = next(e for e in root.iter("ENTITY") if clean(e.findtext("REFERENCE_NUMBER")) == "KPe.003")
    ET.SubElement(ET.SubElement(tanchon, "ENTITY_ALIAS"), "ALIAS_NAME").text = "TCB (added in 2019)"
    newer = tmp_path / "consolidated-2019-01-15.xml"
    tree.write(newer, encoding="UTF-8", xml_declaration=True)

    report = import_un_sanctions(newer, store=store)
    assert report.delisted == sorted(gone)
    nodes, rels = by_id(dump_store(store))
    for ref, node_id in (("KPi.033", "person:un-kpi-033"), ("KPe.001", "org:un-kpe-001")):
        assert node_id in nodes, "a delisted designee keeps its node"
        d = rels[f"DESIGNATED_UNDER:un:{ref}"]
        assert d["validTo"] == date(2019, 1, 15)
        assert d["validFrom"] < d["validTo"]
        assert f"{DOC} | {ref}" in d["sources"]
        assert f"doc:un-sc-consolidated-2019-01-15 | {ref} is not on this list" in d["sources"]
    assert "CITIZEN_OF:un:KPi.033:state:PRK" in rels  # what the old list said stays with it
    listed = [r for r in rels.values() if r["type"] == "DESIGNATED_UNDER" and "validTo" not in r]
    assert len(listed) == 153
    assert all(r["sources"][0].startswith("doc:un-sc-consolidated-2019-01-15 |") for r in listed)
    assert "TCB (added in 2019)" in nodes["org:un-kpe-003"]["aliases"]
    assert DOC in nodes and "doc:un-sc-consolidated-2019-01-15" in nodes  # both lists stay on record

    again = dump_store(store)
    second = import_un_sanctions(newer, store=store)
    assert second.delisted == [] and second.still_delisted == sorted(gone)
    assert dump_store(store) == again, "re-importing the newer list keeps the end dates as they were"

    third = import_un_sanctions(LIST, store=store)  # back to the older list: relisted
    assert third.delisted == []
    _, rels = by_id(dump_store(store))
    assert "validTo" not in rels["DESIGNATED_UNDER:un:KPi.033"]


# -- malformed input loads nothing -----------------------------------------------------
def _bad_import(path: Path, store: str) -> InputError:
    before = dump_store(store)
    with pytest.raises(InputError) as info:
        import_un_sanctions(path, store=store)
    assert dump_store(store) == before, "a failed import must leave the store as it was"
    return info.value


def test_a_truncated_list_is_a_clear_error_and_loads_nothing(mini_store: str, tmp_path: Path) -> None:
    data = LIST.read_bytes()
    cut = tmp_path / "truncated.xml"
    cut.write_bytes(data[: len(data) // 2])
    err = _bad_import(cut, mini_store)
    [problem] = err.problems
    assert problem.file == str(cut) and problem.line == data[: len(data) // 2].count(b"\n") + 1
    assert "truncated" in problem.message


def test_malformed_xml_is_a_clear_error_and_loads_nothing(mini_store: str, tmp_path: Path) -> None:
    text = LIST.read_text("utf-8").replace("<REFERENCE_NUMBER>KPi.037</REFERENCE_NUMBER>",
                                           "<REFERENCE_NUMBER>KPi.037</REFERENCE>", 1)
    bad = tmp_path / "bad.xml"
    bad.write_text(text, "utf-8")
    [problem] = _bad_import(bad, mini_store).problems
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "KPi.037</REFERENCE>" in s)
    assert problem.line == line
    assert "not well-formed" in problem.message and "mismatched tag" in problem.message


def test_an_invalid_entry_is_located_and_loads_nothing(mini_store: str, tmp_path: Path) -> None:
    ref = "<REFERENCE_NUMBER>KPi.037</REFERENCE_NUMBER>"
    text = LIST.read_text("utf-8").replace(f"{ref}<LISTED_ON>2016-11-30", f"{ref}<LISTED_ON>2016-11-31", 1)
    bad = tmp_path / "bad-date.xml"
    bad.write_text(text, "utf-8")
    [problem] = _bad_import(bad, mini_store).problems
    assert (problem.field, problem.value) == ("LISTED_ON", "2016-11-31")
    assert problem.line == next(i for i, s in enumerate(text.splitlines(), 1) if "KPi.037<" in s)


@pytest.mark.parametrize("xml", [
    # Entity expansion ("billion laughs") and external entities need a DTD: refused.
    '<?xml version="1.0"?><!DOCTYPE CONSOLIDATED_LIST [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
    '<CONSOLIDATED_LIST dateGenerated="2018-10-29T00:00:00"><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>',
    '<?xml version="1.0"?><!DOCTYPE CONSOLIDATED_LIST SYSTEM "file:///etc/passwd">'
    '<CONSOLIDATED_LIST dateGenerated="2018-10-29T00:00:00"><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>',
])
def test_dtds_and_entities_are_refused(xml: str, mini_store: str, tmp_path: Path) -> None:
    bad = tmp_path / "dtd.xml"
    bad.write_text(xml, "utf-8")
    [problem] = _bad_import(bad, mini_store).problems
    assert problem.message.startswith("refused: DTDForbidden")


def test_another_xml_file_is_not_a_list(mini_store: str, tmp_path: Path) -> None:
    [problem] = _bad_import(FIXTURES / "un" / "sc-sanctions.xsd", mini_store).problems
    assert "not a UN Security Council consolidated list" in problem.message


def test_a_regime_the_list_lacks_is_a_usage_error(tmp_store: str) -> None:
    with pytest.raises(UsageError, match=r"no entries with UN_LIST_TYPE 'Narnia'.*DPRK \(155\)"):
        import_un_sanctions(LIST, regime="Narnia", store=tmp_store)


def test_another_regime_imports_as_its_own_origin(imported, tmp_path: Path, xml_root) -> None:
    store = copy_store(imported[0], tmp_path / "two.db")
    report = import_un_sanctions(LIST, regime="libya", store=store)
    libya = xml_root.findall("./INDIVIDUALS/INDIVIDUAL[UN_LIST_TYPE='Libya']") + \
        xml_root.findall("./ENTITIES/ENTITY[UN_LIST_TYPE='Libya']")
    assert report.individuals + report.entities == len(libya) > 0
    assert report.origin == "import:un-sanctions/Libya" and report.regime_node == "sanction:un-libya-regime"
    got = designations(store)
    assert len(got) == 155 + len(libya)
    assert sum(1 for d in got.values() if d["regime"] == "sanction:un-dprk-regime") == 155


def test_reading_streams_the_file_in_constant_memory(tmp_path: Path) -> None:
    """A 4 MB list of 8,000 entries is read with a small, flat memory peak: no tree is kept."""
    entry = ("<ENTITY><DATAID>1</DATAID><VERSIONNUM>1</VERSIONNUM><FIRST_NAME>ACME TRADING {i}</FIRST_NAME>"
             "<UN_LIST_TYPE>{t}</UN_LIST_TYPE><REFERENCE_NUMBER>XXe.{i}</REFERENCE_NUMBER>"
             "<LISTED_ON>2010-01-01</LISTED_ON><COMMENTS1>A comment about this entity and its activities."
             "</COMMENTS1><LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE>"
             "<ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY>"
             "<ALIAS_NAME>ACME {i}</ALIAS_NAME></ENTITY_ALIAS><ENTITY_ADDRESS><CITY>Somewhere</CITY>"
             "<COUNTRY>China</COUNTRY></ENTITY_ADDRESS><SORT_KEY/><SORT_KEY_LAST_MOD/></ENTITY>\n")
    big = tmp_path / "big.xml"
    with big.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<CONSOLIDATED_LIST dateGenerated="2018-10-29T00:00:00">'
                "<INDIVIDUALS/><ENTITIES>\n")
        for i in range(8000):
            f.write(entry.format(i=i, t="DPRK" if i % 1000 == 0 else "Other"))
        f.write("</ENTITIES></CONSOLIDATED_LIST>\n")
    size = big.stat().st_size
    tracemalloc.start()
    try:
        result = read_un_list(big, "DPRK")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(result.entries) == 8
    assert size > 4_000_000
    assert peak < 2_000_000, f"peak {peak} bytes reading a {size}-byte file"


# -- linking to what the store already holds -------------------------------------------------
CURATED = """\
defaults:
  status: confirmed
nodes:
  - {id: doc:test, type: Document, name: Test source}
  - {id: state:PRK, type: State, name: Democratic People's Republic of Korea, iso3: PRK,
     sources: ["doc:test | 1"]}
  - {id: sanction:test-1718, type: Sanction, name: DPRK sanctions, kind: regime,
     reference: S/RES/1718 (2006), sources: ["doc:test | 2"]}
  # romanisation and hyphen differ; the birth year confirms: linked
  - {id: person:ri-won-ho, type: Person, name: Ri Won-ho, born: 1964-07-17, sources: ["doc:test | 3"]}
  # family name last: linked
  - {id: person:cho-chun-ryong, type: Person, name: Chun-ryong Cho, born: 1960-04-04,
     sources: ["doc:test | 4"]}
  # same name, other birth year: another person, not a match
  - {id: person:jang-chang-ha, type: Person, name: Jang Chang Ha, born: 1950, sources: ["doc:test | 5"]}
  # same name, no birth date: possibly the same person, reported
  - {id: person:ri-su-yong, type: Person, name: Ri Su-yong, sources: ["doc:test | 6"]}
  # "Corp" for "CORPORATION": linked
  - {id: org:komid, type: Organization, name: Korea Mining Development Trading Corp,
     sources: ["doc:test | 7"]}
  # two nodes for one designee: reported, not merged
  - {id: org:tanchon-a, type: Organization, name: Tanchon Commercial Bank, sources: ["doc:test | 8"]}
  - {id: org:tanchon-b, type: Organization, name: Tanchon Bank, aliases: [Tanchon Commercial Bank],
     sources: ["doc:test | 9"]}
  # an abbreviation alone is not enough
  - {id: org:ftb-ru, type: Organization, name: Federal Tax Bureau, aliases: [FTB], sources: ["doc:test | 10"]}
"""


@pytest.fixture
def curated_store(tmp_path: Path) -> tuple[str, dict]:
    (tmp_path / "curated").mkdir()
    (tmp_path / "curated" / "curated.yaml").write_text(CURATED, "utf-8")
    store = str(tmp_path / "c.db")
    api.load([tmp_path / "curated"], store=store)
    return store, by_id(dump_store(store))[0]


def test_designees_link_to_matching_nodes_and_ambiguous_ones_are_reported(curated_store) -> None:
    store, before = curated_store
    report = import_un_sanctions(LIST, store=store)
    assert report.linked == {"KPi.033": "person:ri-won-ho", "KPi.038": "person:cho-chun-ryong",
                             "KPe.001": "org:komid"}
    assert {a.reference: [i for i, _ in a.candidates] for a in report.ambiguous} == {
        "KPi.052": ["person:ri-su-yong"], "KPe.003": ["org:tanchon-a", "org:tanchon-b"],
        "KPe.047": ["org:ftb-ru"]}
    assert report.regime_node == "sanction:test-1718" and not report.regime_created

    nodes, rels = by_id(dump_store(store))
    for node_id, props in before.items():
        assert nodes[node_id] == props, f"{node_id}: an import must not rewrite another origin's node"
    got = designations(store)
    assert got["KPi.033"]["id"] == "person:ri-won-ho" and got["KPi.033"]["listedName"] == "RI WON HO"
    assert got["KPe.001"]["id"] == "org:komid"
    for ref in ("KPi.052", "KPe.003", "KPe.047", "KPi.037"):  # not merged: their own nodes
        assert got[ref]["id"].split(":")[1] == "un-" + ref.lower().replace(".", "-")
    assert "person:un-kpi-033" not in nodes and "org:un-kpe-001" not in nodes
    assert all(d["regime"] == "sanction:test-1718" for d in got.values())
    assert "sanction:un-dprk-regime" not in nodes
    assert rels["CITIZEN_OF:un:KPi.033:state:PRK"]["from"] == "person:ri-won-ho"
    assert nodes["state:PRK"]["name"] == "Democratic People's Republic of Korea"  # the curated node

    with pytest.raises(NotFoundError):
        import_un_sanctions(LIST, store=store, regime_node="sanction:nope")
    with pytest.raises(UsageError, match="not a Sanction"):
        import_un_sanctions(LIST, store=store, regime_node="person:ri-won-ho")


def test_a_new_regime_node_is_linked_to_the_stores_1718_committee(tmp_path: Path) -> None:
    """Also: the curated data and an import live side by side; reloading the data keeps the import."""
    curated = tmp_path / "c"
    shutil.copytree(MINI, curated)
    (curated / "committee.yaml").write_text(textwrap.dedent("""\
        nodes:
          - {id: org:unsc-1718-committee, type: Organization, status: confirmed,
             sources: ["doc:eai-2024-06-05 | 1"],
             name: Security Council Committee established pursuant to resolution 1718 (2006)}
          - {id: org:poe, type: Organization, status: confirmed, sources: ["doc:eai-2024-06-05 | 2"],
             name: Panel of Experts, aliases: [1718 Committee Panel of Experts]}
        """), "utf-8")
    store = str(tmp_path / "s.db")
    api.load([curated], store=store)
    report = import_un_sanctions(LIST, store=store)
    assert report.regime_created
    before = dump_store(store)
    _, rels = by_id(before)
    administers = [(r["from"], r["to"]) for r in rels.values() if r["type"] == "ADMINISTERS"]
    assert administers == [("org:unsc-1718-committee", "sanction:un-dprk-regime")]
    api.load([curated], store=store)
    assert dump_store(store) == before


# -- the command line ---------------------------------------------------------------------
def test_cli_imports_and_reports(cli, tmp_store: str) -> None:
    r = cli("import", "un-sanctions", str(LIST), "--store", tmp_store)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith(
        f"Imported 80 individuals and 75 entities under DPRK from {LIST} into {tmp_store}")
    assert "regime: sanction:un-dprk-regime (new); source: doc:un-sc-consolidated-2018-10-29" in r.stdout
    r = cli("import", "un-sanctions", str(LIST), "--regime", "GB", "--store", tmp_store, "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["individuals"] == 10


def test_cli_errors(cli, tmp_path: Path, tmp_store: str) -> None:
    cut = tmp_path / "cut.xml"
    cut.write_bytes(LIST.read_bytes()[:5000])
    r = cli("import", "un-sanctions", str(cut), "--store", tmp_store)
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith(f"error: 1 problem in input:\n  {cut}:")
    assert "truncated" in r.stderr
    r = cli("import", "un-sanctions", str(LIST), "--regime", "Narnia", "--store", tmp_store)
    assert r.exit_code == 2 and "no entries with UN_LIST_TYPE 'Narnia'" in r.stderr


def test_ambiguity_is_a_warning_on_stderr(cli, curated_store) -> None:
    store, _ = curated_store
    r = cli("import", "un-sanctions", str(LIST), "--store", store)
    assert r.exit_code == 0
    assert "linked to existing nodes (3): KPe.001 -> org:komid, KPi.033 -> person:ri-won-ho" in r.stdout
    assert "warning: KPi.052 'RI SU YONG' may be person:ri-su-yong (Ri Su-yong)" in r.stderr


def test_an_entry_is_found_by_its_reference(cli, imported) -> None:
    store, _ = imported
    r = cli("show", "KPi.033", "--store", store)
    assert r.exit_code == 0 and r.stdout.splitlines()[0].endswith("(Person, person:un-kpi-033)")
    assert cli("show", "kpi.033", "--store", store).exit_code == 0


def test_a_curated_node_linked_to_an_entry_is_found_by_its_reference(cli, curated_store) -> None:
    store, _ = curated_store
    report = import_un_sanctions(LIST, store=store)
    assert report.linked["KPi.033"] == "person:ri-won-ho"  # a curated node, which the import leaves as is
    r = cli("show", "KPi.033", "--store", store)
    assert r.exit_code == 0 and r.stdout.splitlines()[0].endswith(", person:ri-won-ho)"), r.stdout
    r = cli("show", "KPi.999", "--store", store)
    assert r.exit_code == 2 and "no node named 'KPi.999'" in r.stderr
