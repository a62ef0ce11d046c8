"""`relgraph import gdelt`: GDELT 1.0 events and dyad-year counts (tests/fixtures/gdelt, as published).

Expected values are computed here from the files themselves with the csv and
json modules: which rows are between two states (both actor country codes in
the ISO 3166-1 table, and different), and the CAMEO names from the code list.
"""

from __future__ import annotations

import csv
import json
import zipfile
from collections import defaultdict
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from conftest import FIXTURES, MINI, by_id, dump_store

from relgraph import api
from relgraph.errors import InputError, UsageError
from relgraph.imports import import_gdelt
from relgraph.loaders.cameo import quad_class
from relgraph.loaders.gdelt import EVENT_COLUMNS
from relgraph.queries import run_query
from relgraph.store import open_store

GDELT = FIXTURES / "gdelt"
EVENTS = GDELT / "events-sample-2016-07-28.tsv"
DYADS = GDELT / "dyad_events_by_year.csv"
DOC = "doc:gdelt-2016-07-28"


def package_file(*parts: str) -> Path:
    return Path(str(resources.files("relgraph").joinpath(*parts)))


@pytest.fixture(scope="module")
def iso() -> dict[str, dict]:
    raw = json.loads(package_file("data", "countries", "iso_3166-1.json").read_text("utf-8"))
    return {c["alpha_3"]: c for c in raw["3166-1"]}


@pytest.fixture(scope="module")
def cameo_names() -> dict[str, str]:
    text = package_file("data", "cameo", "cameo-codes.csv").read_text("latin-1")
    return {r["code"]: r["name"].strip() for r in csv.DictReader(text.splitlines())}


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    with EVENTS.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


# The Soviet republics, all one state (the USSR, SUN) before 1991 (the sample's old events are of 1982).
SOVIET = {"RUS", "UKR", "BLR", "MDA", "GEO", "ARM", "AZE", "KAZ", "UZB", "TKM", "KGZ", "TJK", "EST", "LVA",
          "LTU"}


def then(code: str, day: str) -> str:
    """The state an actor code stood for on a day YYYYMMDD (as the fixtures need it: their old
    events are of 1982, when Czechia and Slovakia were Czechoslovakia and Slovenia ... Yugoslavia)."""
    assert day >= "20070101" or day < "19900101"  # no event in the years of the dissolutions
    if day >= "20070101":
        return code
    return ("SUN" if code in SOVIET else "CSK" if code in ("CZE", "SVK")
            else "YUG" if code in ("SVN", "HRV", "MKD", "BIH", "SRB", "MNE") else code)


@pytest.fixture(scope="module")
def between_states(rows, iso) -> list[list[str]]:
    """Rows whose two actor country codes (columns 8 and 18) are different ISO countries on the
    event's day (column 2), with the codes of those states."""
    out = []
    for r in rows:
        if r[7] in iso and r[17] in iso and then(r[7], r[1]) != then(r[17], r[1]):
            r = list(r)
            r[7], r[17] = then(r[7], r[1]), then(r[17], r[1])
            out.append(r)
    assert any(r[7] == "SUN" for r in out) and any(r[17] == "SUN" for r in out)
    return out


@pytest.fixture(scope="module")
def events_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, object]:
    store = str(tmp_path_factory.mktemp("gdelt") / "g.db")
    return store, import_gdelt(EVENTS, store=store)


def relationships(store: str, type_: str) -> dict[str, dict]:
    with open_store(store, read_only=True) as st:
        return {i: {"from": a, "to": b, **p} for i, t, a, b, p in st.iter_relationships() if t == type_}


# -- the data itself -------------------------------------------------------------------
def test_the_fixture_is_what_the_tests_assume(rows, between_states) -> None:
    assert len(rows) == 710
    assert {len(r) for r in rows} == {57, 58}
    assert len(between_states) == 124  # 125 by today's codes: BLR with RUS in 1982 was within the USSR


def test_column_layout_is_the_published_one() -> None:
    published = (GDELT / "events_column_names.csv").read_text("utf-8").strip().split("\t")
    # The sample's column list calls the codebook's SQLDATE "day"; every other name is the codebook's.
    assert [c.lower() for c in EVENT_COLUMNS] == ["sqldate" if c == "day" else c for c in published]


def test_quad_classes_follow_the_root_codes_as_in_the_data(rows) -> None:
    assert {(r[28], quad_class(r[28])) for r in rows} == {(r[28], int(r[29])) for r in rows}


# -- events -------------------------------------------------------------------------
def test_events_between_states_load_with_their_cameo_names(events_store, between_states, cameo_names) -> None:
    store, report = events_store
    assert (report.rows, report.kept, report.relationships) == (710, len(between_states), len(between_states))
    rels = relationships(store, "CAMEO_EVENT")
    assert set(rels) == {f"gdelt:{r[0]}" for r in between_states}
    for r in between_states:
        rel = rels[f"gdelt:{r[0]}"]
        assert (rel["from"], rel["to"]) == (f"state:{r[7]}", f"state:{r[17]}")
        assert rel["cameoCode"] == r[26]
        assert rel["cameoName"] == cameo_names[r[26]]
        assert rel["quadClass"] == int(r[29])
        assert rel["goldstein"] == float(r[30])
        assert rel["numMentions"] == int(r[31])
        assert rel["date"] == date(int(r[1][:4]), int(r[1][4:6]), int(r[1][6:]))
        assert rel["datePrecision"] == "day" and rel["status"] == "reported"
        url = r[57] if len(r) == 58 else None
        assert rel.get("sourceUrl") == url
        assert rel["sources"] == [f"{DOC} | GLOBALEVENTID {r[0]}" + (f" {url}" if url else "")]
        assert (rel["sourceActor"], rel["targetActor"]) == (r[6], r[16])


def test_state_nodes_are_created_with_iso_names(events_store, between_states, iso) -> None:
    store, report = events_store
    codes = {c for r in between_states for c in (r[7], r[17])}
    assert sorted(report.created_states) == sorted(f"state:{c}" for c in codes)
    with open_store(store, read_only=True) as st:
        states = {i: p for i, t, p in st.iter_nodes() if t == "State"}
    assert set(states) == {f"state:{c}" for c in codes}
    for c in codes - {"SUN"}:
        expected = iso[c].get("common_name") or iso[c]["name"]
        assert states[f"state:{c}"]["name"] == expected
        assert states[f"state:{c}"]["iso3"] == c and states[f"state:{c}"]["iso2"] == iso[c]["alpha_2"]
    sun = states["state:SUN"]  # a former state, not in ISO 3166-1: named and dated from ISO 3166-3
    assert (sun["name"], sun["iso2"], sun["validFrom"], sun["validTo"]) == (
        "Union of Soviet Socialist Republics", "SU", date(1922, 12, 30), date(1991, 12, 26))


def test_importing_again_changes_nothing_and_keeps_curated_states(mini_store: str, between_states) -> None:
    with open_store(mini_store, read_only=True) as st:
        rus, prk = st.node("state:RUS"), st.node("state:PRK")
    import_gdelt(EVENTS, store=mini_store)
    first = dump_store(mini_store)
    report = import_gdelt(EVENTS, store=mini_store)
    assert dump_store(mini_store) == first
    assert report.result.nodes_added == 0
    with open_store(mini_store, read_only=True) as st:
        assert st.node("state:RUS") == rus and st.node("state:PRK") == prk  # curated: untouched
    assert "state:PRK" not in report.created_states
    nodes, rels = by_id(first)
    assert nodes["state:PRK"]["name"] == "Democratic People's Republic of Korea"
    to_prk = [r for r in between_states if "PRK" in (r[7], r[17])]
    assert to_prk and all(rels[f"gdelt:{r[0]}"]["to" if r[17] == "PRK" else "from"] == "state:PRK"
                          for r in to_prk)


# LadybugDB (0.12-0.15) persists a SET on a list column to the wrong rows; the embedded store
# now re-copies existing nodes instead (see tests/test_store.py), so this holds.
def test_reloading_curated_data_after_a_reimport_keeps_imported_values(mini_store: str) -> None:
    import_gdelt(EVENTS, store=mini_store)
    import_gdelt(EVENTS, store=mini_store)  # the second import updates its State nodes
    before = dump_store(mini_store)
    api.load([MINI], store=mini_store)  # reloading the curated data must leave the import as it was
    assert dump_store(mini_store) == before


def test_state_filter(tmp_store: str, between_states) -> None:
    report = import_gdelt(EVENTS, store=tmp_store, states=["chn"])
    expected = {f"gdelt:{r[0]}" for r in between_states if "CHN" in (r[7], r[17])}
    assert set(relationships(tmp_store, "CAMEO_EVENT")) == expected
    assert report.filtered == len(between_states) - len(expected) > 0
    report = import_gdelt(EVENTS, store=tmp_store, states=["USA", "CHN"])  # same origin: replaces
    expected = {f"gdelt:{r[0]}" for r in between_states if {r[7], r[17]} == {"USA", "CHN"}}
    assert set(relationships(tmp_store, "CAMEO_EVENT")) == expected
    with pytest.raises(UsageError, match="EUR"):
        import_gdelt(EVENTS, store=tmp_store, states=["EUR"])


def test_a_zip_as_gdelt_publishes_it(tmp_path: Path, between_states) -> None:
    z = tmp_path / "20160728.export.CSV.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.write(EVENTS, "20160728.export.CSV")
    store = str(tmp_path / "z.db")
    report = import_gdelt(z, store=store)
    assert report.document == DOC and report.kept == len(between_states)


# -- aggregates ----------------------------------------------------------------------------
def _expected_dyads(items) -> dict[tuple[str, str, int], list]:
    """(source, target, year) -> [count, Goldstein sum, counts by quad class]."""
    out: dict = defaultdict(lambda: [0, 0.0, defaultdict(int)])
    for a, b, year, n, goldstein, quad in items:
        agg = out[(a, b, year)]
        agg[0] += n
        agg[1] += goldstein * n
        agg[2][quad] += n
    return out


def _check_dyads(store: str, doc: str, expected: dict) -> None:
    rels = relationships(store, "CAMEO_DYAD_YEAR")
    slug = doc.removeprefix("doc:")
    assert set(rels) == {f"gdelt-dyad:{slug}:{a}-{b}:{y}" for a, b, y in expected}
    for (a, b, year), (n, gsum, quads) in expected.items():
        rel = rels[f"gdelt-dyad:{slug}:{a}-{b}:{year}"]
        assert (rel["from"], rel["to"], rel["year"], rel["count"]) == (f"state:{a}", f"state:{b}", year, n)
        assert rel["meanGoldstein"] == pytest.approx(gsum / n)
        assert [rel["verbalCooperation"], rel["materialCooperation"], rel["verbalConflict"],
                rel["materialConflict"]] == [quads[q] for q in (1, 2, 3, 4)]
        assert (rel["validFrom"], rel["validTo"]) == (date(year, 1, 1), date(year, 12, 31))
        assert rel["datePrecision"] == "year"


def test_events_aggregate_to_dyad_years(tmp_store: str, between_states) -> None:
    report = import_gdelt(EVENTS, store=tmp_store, aggregate=True)
    expected = _expected_dyads((r[7], r[17], int(r[1][:4]), 1, float(r[30]), int(r[29]))
                               for r in between_states)
    assert report.relationships == len(expected) and report.origin.startswith("import:gdelt-dyad-years/")
    assert sum(v[0] for v in expected.values()) == len(between_states)
    _check_dyads(tmp_store, DOC, expected)
    assert relationships(tmp_store, "CAMEO_EVENT") == {}


def test_dyad_year_counts_file(tmp_store: str, iso) -> None:
    with DYADS.open(newline="", encoding="utf-8") as f:
        data = list(csv.reader(f, delimiter="\t"))
    assert {r[0] for r in data} == {"1982"}

    def t(code: str) -> str:
        return then(code, "19820101")

    kept = [r for r in data if r[1][:3] in iso and r[2][:3] in iso and t(r[1][:3]) != t(r[2][:3])]
    assert any(r[1][:3] == "RUS" for r in kept) and any(r[2][:3] == "RUS" for r in kept)
    expected = _expected_dyads((t(r[1][:3]), t(r[2][:3]), int(r[0]), int(r[7]), float(r[6]),
                                quad_class(r[5])) for r in kept)
    report = import_gdelt(DYADS, store=tmp_store)
    assert (report.kind, report.aggregate, report.rows) == ("dyad-years", True, len(data))
    assert report.kept == sum(int(r[7]) for r in kept)
    _check_dyads(tmp_store, "doc:gdelt-dyad-events-by-year", expected)
    # 1982 events of RUS are the USSR's: no Russian Federation in the graph, a Soviet Union dated.
    with open_store(tmp_store, read_only=True) as st:
        assert st.node("state:RUS") is None
        sun = st.node("state:SUN")
    assert (sun["name"], sun["validFrom"], sun["validTo"]) == (
        "Union of Soviet Socialist Republics", date(1922, 12, 30), date(1991, 12, 26))
    assert report.created_states.count("state:SUN") == 1


def test_an_event_before_1991_12_26_coded_rus_is_the_ussrs(tmp_path: Path, tmp_store: str, rows) -> None:
    sample = next(r for r in rows if r[7] == "USA" and r[17] not in ("", "USA"))
    lines = []
    for i, (day, a, b) in enumerate([("19820501", "RUS", "PRK"), ("19911225", "PRK", "RUS"),
                                     ("19911226", "RUS", "PRK"), ("19850101", "RUS", "UKR")]):
        r = list(sample)
        r[0], r[1], r[7], r[17] = str(900000001 + i), day, a, b
        lines.append("\t".join(r))
    data = tmp_path / "old.tsv"
    data.write_text("\n".join(lines) + "\n", "utf-8")
    report = import_gdelt(data, store=tmp_store)
    assert (report.relationships, report.domestic) == (3, 1)  # RUS-UKR in 1985: within the USSR
    got = relationships(tmp_store, "CAMEO_EVENT")
    ends = {i.removeprefix("gdelt:"): (r["from"], r["to"]) for i, r in got.items()}
    assert ends == {"900000001": ("state:SUN", "state:PRK"), "900000002": ("state:PRK", "state:SUN"),
                    "900000003": ("state:RUS", "state:PRK")}
    note = got["gdelt:900000001"]["note"]
    assert note == ("GDELT codes the actor RUS (today's state); on 1982-05-01 that territory was "
                    "Union of Soviet Socialist Republics (SUN)")
    assert "note" not in got["gdelt:900000003"]


# -- bad input loads nothing ---------------------------------------------------------------
def _bad(tmp_path: Path, store: str, edit) -> InputError:
    lines = EVENTS.read_text("utf-8").split("\n")
    edit(lines)
    bad = tmp_path / "bad.tsv"
    bad.write_text("\n".join(lines), "utf-8")
    before = dump_store(store)
    with pytest.raises(InputError) as info:
        import_gdelt(bad, store=store)
    assert dump_store(store) == before
    return info.value


def test_bad_rows_are_located_and_load_nothing(tmp_path: Path, mini_store: str, rows, between_states) -> None:
    n = rows.index(between_states[3])  # 0-based index of a row that would be kept

    def bad_date(lines: list[str]) -> None:
        cells = lines[n].split("\t")
        cells[1] = "20161332"
        lines[n] = "\t".join(cells)

    [p] = _bad(tmp_path, mini_store, bad_date).problems
    assert (p.line, p.field, p.value, p.message) == (n + 1, "SQLDATE", "20161332", "not a date (YYYYMMDD)")

    def short_row(lines: list[str]) -> None:
        lines[10] = "\t".join(lines[10].split("\t")[:40])

    [p] = _bad(tmp_path, mini_store, short_row).problems
    assert p.line == 11 and "40 columns" in p.message

    def unknown_code(lines: list[str]) -> None:
        cells = lines[n].split("\t")
        cells[26] = "999"
        lines[n] = "\t".join(cells)

    [p] = _bad(tmp_path, mini_store, unknown_code).problems
    assert (p.line, p.field, p.message) == (n + 1, "EventCode", "not a CAMEO event code")


def test_not_a_gdelt_file(tmp_path: Path, tmp_store: str) -> None:
    with pytest.raises(InputError, match=r"neither a GDELT 1\.0 event file"):
        import_gdelt(package_file("data", "cameo", "cameo-codes.csv"), store=tmp_store)
    with_header = tmp_path / "with-header.tsv"
    with_header.write_text((GDELT / "events_column_names.csv").read_text("utf-8").strip() + "\n"
                           + EVENTS.read_text("utf-8"), "utf-8")
    with pytest.raises(InputError) as info:
        import_gdelt(with_header, store=tmp_store)
    [p] = info.value.problems
    assert (p.line, p.message) == (1, "a header row: GDELT 1.0 event files have none")
    assert not Path(tmp_store).exists() or dump_store(tmp_store) == {"nodes": [], "relationships": []}


# -- the same queries for any pair of states ----------------------------------------------------
def test_stored_queries_see_imported_events(events_store, between_states) -> None:
    store, _ = events_store
    day = date(2016, 7, 27)
    result = run_query("changes", {"from": day.isoformat(), "to": day.isoformat()}, store=store)
    col = result.columns.index("id")
    got = {row[col] for row in result.rows if row[result.columns.index("type")] == "CAMEO_EVENT"}
    assert got == {f"gdelt:{r[0]}" for r in between_states if r[1] == "20160727"} != set()


# -- the command line -----------------------------------------------------------------------
def test_cli(cli, tmp_store: str, between_states) -> None:
    r = cli("import", "gdelt", str(EVENTS), "--store", tmp_store)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[0].startswith(
        f"Imported {len(between_states)} events between states from {EVENTS} into {tmp_store}")
    assert f"710 rows read: {len(between_states)} between two states; left out: " in r.stdout
    new_states = next(line for line in r.stdout.splitlines() if line.startswith("  new State nodes"))
    r = cli("import", "gdelt", str(EVENTS), "--store", tmp_store)  # again: its states are not new now
    assert r.exit_code == 0 and "new State nodes" not in r.stdout and new_states
    r = cli("import", "gdelt", str(EVENTS), "--aggregate", "--format", "json", "--store", tmp_store)
    assert r.exit_code == 0 and json.loads(r.stdout)["kept"] == len(between_states)
    r = cli("import", "gdelt", str(GDELT / "events_column_names.csv"), "--store", tmp_store)
    assert r.exit_code == 1 and r.stderr.startswith("error: 1 problem in input:")
    r = cli("import", "gdelt", str(EVENTS), "--state", "XXX", "--store", tmp_store)
    assert r.exit_code == 2


def test_imports_share_state_nodes_and_keep_those_others_use(tmp_store: str, between_states, iso) -> None:
    import_gdelt(EVENTS, store=tmp_store)  # creates the State nodes of its events
    dyad_report = import_gdelt(DYADS, store=tmp_store)  # uses some of them, creates others
    dyads_before = relationships(tmp_store, "CAMEO_DYAD_YEAR")
    assert dyads_before and dyad_report.created_states  # both origins created states

    import_gdelt(EVENTS, store=tmp_store, states=["PRK"])  # the events import now needs far fewer
    with DYADS.open(newline="", encoding="utf-8") as f:
        dyad_codes = {then(c[:3], "19820101") for r in csv.reader(f, delimiter="\t")
                      if r[1][:3] in iso and r[2][:3] in iso
                      and then(r[1][:3], "19820101") != then(r[2][:3], "19820101") for c in r[1:3]}
    prk_codes = {c for r in between_states if "PRK" in (r[7], r[17]) for c in (r[7], r[17])}
    with open_store(tmp_store, read_only=True) as st:
        states = {i for i, t, _ in st.iter_nodes() if t == "State"}
    assert states == {f"state:{c}" for c in dyad_codes | prk_codes}
    assert relationships(tmp_store, "CAMEO_DYAD_YEAR") == dyads_before


@pytest.mark.parametrize("path", [EVENTS, DYADS], ids=["events", "dyad-years"])
def test_the_summary_adds_up(tmp_store: str, path: Path) -> None:
    r = import_gdelt(path, store=tmp_store)
    assert r.rows == r.kept_rows + r.non_state + r.domestic + r.filtered
    assert (r.kept == r.kept_rows) == (r.kind == "events")  # a dyad-year row counts many events
    r = import_gdelt(path, store=tmp_store, states=["USA"])
    assert r.rows == r.kept_rows + r.non_state + r.domestic + r.filtered and r.filtered > 0
