"""The bundled Russia–DPRK dataset: valid, idempotent to load, and true to the seed documents.

Facts asserted here are checked against the seeds in /work/shared/seeds/ (quoted
beside each test), not just copied from the data files.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import BUNDLED, by_id, dump_store

from relgraph import api
from relgraph.store import WriteResult

DATA_SUFFIXES = (".yaml", ".yml", ".csv")
DATA_FILES = sorted(p for p in BUNDLED.glob("*") if p.suffix in DATA_SUFFIXES) if BUNDLED.is_dir() else []

pytestmark = pytest.mark.skipif(not DATA_FILES, reason="graph/data/russia-dprk/ holds no data files yet")


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    location = str(tmp_path_factory.mktemp("bundled") / "bundled.db")
    api.load(store=location)  # no paths: the bundled dataset
    return location


@pytest.fixture(scope="module")
def bundled_dump(bundled_store: str):
    return dump_store(bundled_store)


def test_validate_passes(cli) -> None:
    ds = api.validate()
    r = cli("validate", str(BUNDLED))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == (f"OK: {len(DATA_FILES)} files, {len(ds.nodes)} nodes, "
                        f"{len(ds.relationships)} relationships\n")
    assert ds.origins == [f"relgraph:data/russia-dprk/{p.name}" for p in DATA_FILES]


def test_loading_twice_gives_identical_dumps(bundled_store: str, bundled_dump, tmp_path: Path) -> None:
    copy = tmp_path / "again.db"
    copy.write_bytes(Path(bundled_store).read_bytes())
    # The second load names the folder: origins are package paths either way, so it is the same load.
    size = copy.stat().st_size
    report = api.load([BUNDLED], store=str(copy))
    assert report.changes == api.Changes(files=len(DATA_FILES))  # nothing added, updated or removed
    assert report.result == WriteResult()  # and nothing written
    assert dump_store(copy) == bundled_dump
    assert copy.stat().st_size == size  # a reload used to double the file (29 MB to 60 MB)


def test_reloading_single_files_keeps_the_graph(bundled_store: str, bundled_dump, tmp_path: Path) -> None:
    """people.yaml and states.yaml hold nodes that the other files' relationships link to."""
    copy = tmp_path / "again.db"
    copy.write_bytes(Path(bundled_store).read_bytes())
    for name in ("people.yaml", "states.yaml"):
        api.load([BUNDLED / name], store=str(copy))
    assert dump_store(copy) == bundled_dump


def test_stats_equal_the_dataset_counts(cli, bundled_store: str) -> None:
    counts = api.validate().counts()
    r = cli("stats", "--store", bundled_store, "--format", "json")
    assert r.exit_code == 0
    stored = json.loads(r.stdout)
    assert {t: n for t, n in {**stored["nodes"], **stored["relationships"]}.items() if n} == counts


def test_stats_print_the_coverage_the_readme_states(cli, bundled_store: str) -> None:
    """The data README: "Coverage: facts up to 10 October 2025" (the WPK's 80th anniversary)."""
    assert api.coverage(store=bundled_store) == api.Coverage(date(2025, 10, 10), date(2025, 10, 10))
    assert "**Coverage: facts up to 10 October 2025**" in (BUNDLED / "README.md").read_text("utf-8")
    r = cli("stats", "--store", bundled_store)
    assert r.exit_code == 0
    assert r.stdout.endswith("coverage: facts up to 2025-10-10, sources published up to 2025-10-10\n")
    # what has not happened yet by the day asked does not count
    assert api.coverage(store=bundled_store, today=date(2024, 12, 31)).facts_until == date(2024, 12, 4)


def test_every_fact_is_sourced_and_every_origin_is_a_bundled_file(bundled_dump) -> None:
    nodes, rels = by_id(bundled_dump)
    origins = {f"relgraph:data/russia-dprk/{p.name}" for p in DATA_FILES}
    for item in [*nodes.values(), *rels.values()]:
        assert item["origin"] in origins, item["id"]
        assert item["status"] in ("confirmed", "reported", "alleged", "denied", "planned"), item["id"]
        if item["type"] != "Document":
            assert item["sources"] and set(item["sourceDocs"]) <= set(nodes), item["id"]


def test_the_seed_documents(bundled_dump) -> None:
    """Seed 004's front matter: "Russia-DPRK Ties after 75th Anniversary of Diplomatic Relations:
    Hurdles and Opportunities", "Seho JANG (Institute for National Security Strategy)",
    "The East Asia Institute", "Date of Issue: 5 June 2024"."""
    nodes, _ = by_id(bundled_dump)
    eai = nodes["doc:eai-2024-06-05"]
    assert eai["name"] == ("Russia-DPRK Ties after 75th Anniversary of Diplomatic Relations: "
                           "Hurdles and Opportunities")
    assert eai["author"] == "Seho Jang"
    assert "East Asia Institute" in eai["publisher"]
    assert eai["published"] == date(2024, 6, 5)
    seeds = sorted(i for i, n in nodes.items() if n["type"] == "Document" and n.get("kind") == "seed")
    assert len(seeds) == 2 and "doc:eai-2024-06-05" in seeds


def test_soviet_dprk_diplomatic_relations_date_from_1948(bundled_dump) -> None:
    """Seed 004: "the 75th anniversary of their diplomatic ties on October 12, 2023"."""
    _, rels = by_id(bundled_dump)
    starts = {(r["from"], r["to"]): r.get("validFrom") for r in rels.values()
              if r["type"] == "DIPLOMATIC_RELATIONS"}
    assert starts[("state:SUN", "state:PRK")] == date(1948, 10, 12)


def test_the_seeds_wrong_war_date_is_not_taken_over(bundled_dump) -> None:
    """Seed 004 opens "Since the outbreak of the war in Ukraine on February 24, 2023"; the
    war began on 24 February 2022. The data must not carry 2023-02-24, and must say so."""
    nodes, rels = by_id(bundled_dump)
    items = [*nodes.values(), *rels.values()]
    for item in items:
        for key in ("date", "validFrom", "validTo"):
            assert item.get(key) != date(2023, 2, 24), item["id"]
    assert any("24 February 2022" in (item.get("note") or "") for item in items)


def test_najin_spellings_resolve(cli, bundled_store: str) -> None:
    """Seed 000 writes "the North Korean port of Rajin", seed 004 "Najin Port"."""
    for name, node_id in (("Najin", "place:rajin"), ("Najin Port", "place:rajin-port"),
                          ("Rajin port", "place:rajin-port")):
        r = cli("show", name, "--store", bundled_store, "--format", "json")
        assert r.exit_code == 0, r.stderr
        assert json.loads(r.stdout)["node"]["id"] == node_id


def test_show_rajin_khasan_names_the_project_partners_and_sources(cli, bundled_store: str) -> None:
    """Seed 000: "One notable example is the Rajin-Khasan project, which involved the renovation
    of a railway line connecting Russia with the North Korean port of Rajin"."""
    r = cli("show", "Rajin-Khasan", "--store", bundled_store, "--format", "json")
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    node = report["node"]
    assert node["type"] == "Project"
    assert "Rajin" in node["name"] and "Khasan" in node["name"]
    partners = {x["other"]["id"] for x in report["relationships"]
                if x["type"] == "PARTNER_IN" and x["direction"] == "in"}
    assert {"state:RUS", "state:PRK"} <= partners  # "connecting Russia with the North Korean port"
    connects = {x["other"]["id"] for x in report["relationships"] if x["type"] == "CONNECTS"}
    assert "place:rajin-port" in connects
    assert "doc:seed-eternal-cold-war" in report["documents"]
    for spelling in ("Rajin–Khasan", "Najin-Khasan", "rajin khasan project"):
        r = cli("show", spelling, "--store", bundled_store, "--format", "json")
        assert r.exit_code == 0, r.stderr
        assert json.loads(r.stdout)["node"]["id"] == node["id"]

    text = cli("show", "Rajin-Khasan", "--store", bundled_store)
    assert text.exit_code == 0
    first = text.stdout.splitlines()[0]
    assert first.startswith(node["name"]) and "(Project, " in first
    assert "\nSources\n" in text.stdout
    seed_title = report["documents"]["doc:seed-eternal-cold-war"]["name"]
    assert seed_title.split(" (")[0] in text.stdout.replace("\n    ", " ")


def test_resolutions_bear_on_the_cooperation_they_forbid_or_exempt(bundled_dump) -> None:
    # Public record: res. 2270 (2016) op. 29(a) exempts foreign coal shipped out through Rajin;
    # res. 2397 (2017) op. 8 orders DPRK workers abroad home; res. 1718 op. 8 bans arms and luxury goods.
    _, rels = by_id(bundled_dump)
    subject_to = {(r["from"], r["to"], r["effect"]) for r in rels.values() if r["type"] == "SUBJECT_TO"}
    assert ("project:rajin-khasan-railway", "sanction:unsc-res-2270", "exempts") in subject_to
    assert ("project:dprk-labour-in-russia", "sanction:unsc-res-2397", "prohibits") in subject_to
    assert ("project:dprk-munitions-to-russia", "sanction:unsc-res-1718", "prohibits") in subject_to
    assert ("event:2024-02-18-aurus-gift", "sanction:unsc-res-1718", "prohibits") in subject_to


# -- dates say what is known ---------------------------------------------------------------

def _partial_facts() -> list[tuple[str, str, str, str, str]]:
    """(record id, node to show, property, known text, the day it is stored as) for every partial
    date of the bundled dataset."""
    from relgraph.dates import known
    from relgraph.loaders import read_dataset

    ds = read_dataset()
    out = []
    for rec, node in [*((n, n.id) for n in ds.nodes), *((r, r.source) for r in ds.relationships)]:
        for k, v in rec.props.items():
            precision = rec.props.get(f"{k}Precision")
            if isinstance(v, date) and precision in ("year", "month"):
                out.append((rec.id, node, k, known(v, precision), v.isoformat()))
    return out


def test_partial_dates_stay_partial_in_show(cli, bundled_store: str) -> None:
    facts = _partial_facts()
    assert len(facts) >= 40  # 2008, 1961-09, 1996-09, published 2025-06, ...
    by_node: dict[str, list[tuple[str, str, str, str]]] = {}
    for rec, node, k, text, day in facts:
        by_node.setdefault(node, []).append((rec, k, text, day))
    for node, items in by_node.items():
        r = cli("show", node, "--format", "json", "--store", bundled_store)
        assert r.exit_code == 0, r.stderr
        data = json.loads(r.stdout)
        records = {data["node"]["id"]: data["node"], **{x["id"]: x for x in data["relationships"]},
                   **data["documents"]}
        for rec, k, text, _day in items:
            if rec in records:
                assert records[rec][k] == text, (node, rec, k)
        shown = cli("show", node, "--store", bundled_store).stdout
        for rec, k, text, _day in items:
            if rec == node or (rec in records and k != "published"):
                assert text in shown, (node, rec, k)
        for doc in data["documents"].values():
            if doc.get("publishedPrecision") in ("year", "month"):
                assert len(doc["published"]) == (4 if doc["publishedPrecision"] == "year" else 7)


def test_partial_dates_stay_partial_in_queries(cli, bundled_store: str) -> None:
    rows = json.loads(cli("query", "run", "treaties", "--format", "json", "--store", bundled_store).stdout)
    t = next(r for r in rows if r["treaty"].startswith("Treaty of Friendship, Co-operation and Mutual "
                                                       "Assistance between the USSR"))
    assert (t["signed"], t["inForce"], t["ended"]) == ("1961-07-06", "1961-09", "1996-09")
    assert not any(c.endswith("Precision") for c in t)  # they only served to cut the dates
    table = cli("query", "run", "treaties", "--store", bundled_store).stdout
    assert "1996-09 " in table and "1996-09-30" not in table and "1961-09-01" not in table
    changes = json.loads(cli("query", "run", "changes", "-p", "from=1900", "--format", "json",
                             "--store", bundled_store).stdout)
    partial = {(rec, day) for rec, _n, _k, _t, day in _partial_facts()}
    for row in changes:
        assert (row["id"], row["date"]) not in partial, row  # never the stored day of a partial date
    assert {len(row["date"]) for row in changes} == {4, 7, 10}
    projects = json.loads(cli("query", "run", "projects", "--format", "json",
                              "--store", bundled_store).stdout)
    rajin = next(p for p in projects if p["project"].startswith("Rajin–Khasan railway"))
    assert rajin["since"] == "2008"


def test_partial_dates_stay_partial_in_exports_and_views(cli, bundled_store: str, tmp_path: Path) -> None:
    import networkx as nx

    from relgraph.views import view

    facts = [f for f in _partial_facts() if f[0] == f[1]]  # node properties
    assert cli("export", "--format", "graphml", "-o", str(tmp_path / "g.graphml"), "--types", "all",
               "--store", bundled_store).exit_code == 0
    G = nx.read_graphml(tmp_path / "g.graphml")
    for rec, _node, k, text, _day in facts:
        assert G.nodes[rec][k] == text, (rec, k)
    assert cli("export", "--format", "json", "-o", str(tmp_path / "g.json"), "--types", "all",
               "--store", bundled_store).exit_code == 0
    nodes = {n["id"]: n for n in json.loads((tmp_path / "g.json").read_text("utf-8"))["nodes"]}
    for rec, _node, k, text, _day in facts:
        assert nodes[rec][k] == text, (rec, k)
    view(tmp_path / "v.html", store=bundled_store)
    page = (tmp_path / "v.html").read_text("utf-8")
    data = json.loads(page.split('id="relgraph-data">', 1)[1].split("</script>", 1)[0])
    shown = {n["id"]: n["props"] for n in data["nodes"]}
    checked = 0
    for rec, _node, k, text, _day in facts:
        if rec in shown:
            assert shown[rec][k] == text and f"{k}Precision" not in shown[rec], (rec, k)
            checked += 1
    assert checked >= 5
