"""Every date comparison, on its edges: the first day, the last day, the day before, the day after.

A small dataset (written here) puts each kind of dated fact on known days:
posts held over full and partial intervals, visits on the first and last day
of a post and on the days around it, an event known only to the month, a
treaty signed before it entered into force with a party that joined late and
left early, a GDELT event and a dyad-year. Each stored query that compares
dates, and each analytics filter (``--as-of``, ``--from``/``--to``, in both
engines), is run on the days around each edge. A comparison operator moved by
one (``<=`` to ``<``, ``>=`` to ``>``) fails at least one case here.

The queries run on the embedded store and on the suite's Neo4j; the filters
with networkx on the embedded store and with ``--engine gds`` on Neo4j.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from relgraph import api
from relgraph.analytics import api as analytics
from relgraph.analytics.project import Filters
from relgraph.queries import run_query

Degrees = Callable[[Filters], dict[str, float]]

DATA = """\
defaults:
  status: confirmed
  sources: ["doc:t | p. 1"]
nodes:
  - {id: doc:t, type: Document, name: Boundary test data, kind: dataset}
  - {id: state:RUS, type: State, name: Russian Federation, iso3: RUS}
  - {id: state:PRK, type: State, name: North Korea, iso3: PRK}
  - {id: place:pyongyang, type: Place, name: Pyongyang}
  - {id: person:alpha, type: Person, name: Alpha}
  - {id: person:beta, type: Person, name: Beta}
  - {id: position:first, type: Position, name: First post}
  - {id: position:second, type: Position, name: Second post}
  # Visits by Alpha around his post (2020-03-10 to 2021-06-20).
  - {id: event:before-post, type: Event, name: Visit before, kind: visit, date: 2020-03-09}
  - {id: event:first-day, type: Event, name: Visit first day, kind: visit, date: 2020-03-10}
  - {id: event:last-day, type: Event, name: Visit last day, kind: visit, date: 2021-06-20}
  - {id: event:after-post, type: Event, name: Visit after, kind: visit, date: 2021-06-21}
  - {id: event:september, type: Event, name: Summit in September, kind: summit, date: 2023-09}
  - id: treaty:t
    type: Treaty
    name: Test treaty
    date: 2001-02-09
    validFrom: 2001-03-01
    validTo: 2010-12-31
relationships:
  - {type: LOCATED_IN, from: place:pyongyang, to: state:PRK}
  - {type: CITIZEN_OF, from: person:alpha, to: state:RUS}
  - {type: POST_IN, from: position:first, to: state:RUS}
  - {type: POST_IN, from: position:second, to: state:RUS}
  - {type: HOLDS, from: person:alpha, to: position:first, validFrom: 2020-03-10, validTo: 2021-06-20}
  - {type: HOLDS, from: person:beta, to: position:second, validFrom: "2019", validTo: 2020-07}
  - {type: PARTICIPATED_IN, from: person:alpha, to: event:before-post, role: visitor}
  - {type: PARTICIPATED_IN, from: person:alpha, to: event:first-day, role: visitor}
  - {type: PARTICIPATED_IN, from: person:alpha, to: event:last-day, role: visitor}
  - {type: PARTICIPATED_IN, from: person:beta, to: event:last-day, role: host}
  - {type: PARTICIPATED_IN, from: person:alpha, to: event:after-post, role: visitor}
  - {type: PARTICIPATED_IN, from: person:alpha, to: event:september, role: guest}
  - {type: HELD_AT, from: event:before-post, to: place:pyongyang}
  - {type: HELD_AT, from: event:first-day, to: place:pyongyang}
  - {type: HELD_AT, from: event:last-day, to: place:pyongyang}
  - {type: HELD_AT, from: event:after-post, to: place:pyongyang}
  - {type: HELD_AT, from: event:september, to: place:pyongyang}
  - {type: PARTY_TO, from: state:RUS, to: treaty:t}
  - {type: PARTY_TO, from: state:PRK, to: treaty:t, validFrom: 2002-01-01, validTo: 2005-06-30}
  - type: CAMEO_EVENT
    from: state:RUS
    to: state:PRK
    date: 2016-07-28
    cameoCode: "042"
    cameoName: Make a visit
    quadClass: 1
    goldstein: 1.9
  - type: CAMEO_DYAD_YEAR
    from: state:RUS
    to: state:PRK
    year: 2016
    count: 3
    meanGoldstein: 1.9
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("boundaries")
    (folder / "boundaries.yaml").write_text(DATA, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def embedded(data: Path) -> str:
    store = str(data.parent / "boundaries.db")
    api.load([data], store=store)
    return store


@pytest.fixture(scope="module", params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, data: Path, embedded: str) -> str:
    if request.param == "embedded":
        return embedded
    uri = request.getfixturevalue("neo4j").empty()
    api.load([data], store=uri)
    return uri


def column(store: str, query: str, name: str, **params: Any) -> list[Any]:
    r = run_query(query, {k: v for k, v in params.items() if v is not None}, store=store)
    return [row[r.columns.index(name)] for row in r.rows]


# -- stored queries -----------------------------------------------------------------

@pytest.mark.parametrize(("day", "alpha", "beta"), [
    ("2018-12-31", False, False),
    ("2019-01-01", False, True),   # Beta's validFrom 2019: from its first day
    ("2020-03-09", False, True),
    ("2020-03-10", True, True),    # Alpha's first day
    ("2020-07-31", True, True),    # Beta's validTo 2020-07: to its last day
    ("2020-08-01", True, False),
    ("2021-06-20", True, False),   # Alpha's last day
    ("2021-06-21", False, False),
])
def test_officials_on_the_days_around_a_term(store: str, day: str, alpha: bool, beta: bool) -> None:
    assert sorted(column(store, "officials", "person", day=day)) == [
        n for n, held in (("Alpha", alpha), ("Beta", beta)) if held]


def test_officials_on_a_partial_day_mean_its_last_day(store: str) -> None:
    """A point in time given as a month or year is its last day, as with --as-of (README)."""
    assert column(store, "officials", "person", day="2021-06") == []  # 30 June: Alpha left on the 20th
    assert column(store, "officials", "person", day="2020-08") == ["Alpha"]
    assert column(store, "officials", "person", day="2020") == ["Alpha"]  # Beta left in July
    assert column(store, "officials", "person", day="2019") == ["Beta"]
    assert column(store, "officials", "person", day="2020-03") == ["Alpha", "Beta"]
    assert column(store, "officials", "person", day="2021-07") == []


@pytest.mark.parametrize(("query", "name"), [("visits", "event"), ("timeline", "event"),
                                             ("meetings", "event")])
@pytest.mark.parametrize(("start", "end", "expected"), [
    ("2021-06-20", "2021-06-20", ["Visit last day"]),
    ("2021-06-19", "2021-06-21", ["Visit last day", "Visit after"]),
    ("2021-06-21", None, ["Visit after", "Summit in September"]),
    (None, "2021-06-19", ["Visit before", "Visit first day"]),
    ("2020-03-10", "2021-06-20", ["Visit first day", "Visit last day"]),
    ("2020-03-09", "2020-03-09", ["Visit before"]),
    ("2023-09", "2023-09", ["Summit in September"]),  # from its first day to its last
    ("2023-08", "2023-08", []),
    ("2023-10", None, []),
    (None, "2023-08-31", ["Visit before", "Visit first day", "Visit last day", "Visit after"]),
])
def test_event_windows_include_both_ends(store: str, query: str, name: str, start: str | None,
                                         end: str | None, expected: list[str]) -> None:
    params = {"from": start, "to": end}
    if query == "meetings":  # Alpha met Beta only on the last day
        expected = [e for e in expected if e == "Visit last day"]
        params["a"] = "Alpha"
    assert column(store, query, name, **params) == expected


@pytest.mark.parametrize(("event", "post"), [
    ("Visit before", []), ("Visit first day", ["First post"]), ("Visit last day", ["First post"]),
    ("Visit after", []),
])
def test_a_visitors_post_is_the_one_held_on_the_day(store: str, event: str, post: list[str]) -> None:
    r = run_query("visits", {"visitor": "Alpha"}, store=store)
    rows = {row[r.columns.index("event")]: row[r.columns.index("post")] for row in r.rows}
    assert rows[event] == post


@pytest.mark.parametrize(("home", "events"), [
    ("Russian Federation",
     ["Visit before", "Visit first day", "Visit last day", "Visit after", "Summit in September"]),
    ("North Korea", []),
])
def test_a_visitor_without_a_post_comes_from_his_citizenship(store: str, home: str,
                                                             events: list[str]) -> None:
    assert column(store, "visits", "event", home=home) == events


@pytest.mark.parametrize(("start", "end", "post", "events"), [
    (None, "2020-03-09", False, ["Visit before"]),
    (None, "2020-03-10", True, ["Visit before", "Visit first day"]),
    ("2021-06-20", None, True, ["Summit in September", "Visit after", "Visit last day"]),
    ("2021-06-21", None, False, ["Summit in September", "Visit after"]),
    ("2021-06-20", "2021-06-20", True, ["Visit last day"]),
])
def test_neighbors_within_a_window(store: str, start: str | None, end: str | None, post: bool,
                                   events: list[str]) -> None:
    names = column(store, "neighbors", "name", node="Alpha", **{"from": start, "to": end})
    assert ("First post" in names) == post
    assert sorted(n for n in names if n.startswith(("Visit", "Summit"))) == events


@pytest.mark.parametrize(("day", "parties"), [
    ("2001-02-09", None),               # signed, not yet in force
    ("2001-02-28", None),
    ("2001-03-01", ["Russian Federation"]),
    ("2001-12-31", ["Russian Federation"]),
    ("2002-01-01", ["North Korea", "Russian Federation"]),
    ("2005-06-30", ["North Korea", "Russian Federation"]),
    ("2005-07-01", ["Russian Federation"]),
    ("2010-12-31", ["Russian Federation"]),
    ("2011-01-01", None),
])
def test_treaties_in_force_and_parties_bound_on_a_day(store: str, day: str,
                                                      parties: list[str] | None) -> None:
    got = column(store, "treaties", "parties", day=day)
    assert [sorted(p) for p in got] == ([parties] if parties else [])
    both = parties is not None and "North Korea" in parties
    assert column(store, "treaties", "treaty", day=day, a="North Korea") == (["Test treaty"] if both else [])
    assert column(store, "treaties", "treaty", day=day, a="Russian Federation", b="North Korea") == (
        ["Test treaty"] if both else [])


@pytest.mark.parametrize(("start", "end", "found"), [
    ("2016-07-28", "2016-07-28", True), ("2016-07-29", None, False), (None, "2016-07-27", False),
    ("2016-07", "2016-07", True), ("2016", "2016", True), ("2016-08", None, False), (None, "2016-06", False),
])
def test_cameo_events_window(store: str, start: str | None, end: str | None, found: bool) -> None:
    assert column(store, "cameo-events", "code", **{"from": start, "to": end}) == (["042"] if found else [])


@pytest.mark.parametrize(("start", "end", "found"), [
    (2016, 2016, True), (2017, None, False), (None, 2015, False), (2015, 2017, True),
])
def test_dyad_years_window(store: str, start: int | None, end: int | None, found: bool) -> None:
    assert column(store, "dyad-years", "year", **{"from": start, "to": end}) == ([2016] if found else [])


@pytest.mark.parametrize(("start", "end", "changes"), [
    ("2020-03-10", "2020-03-10", [("began", "Alpha -> First post"), ("happened", "Visit first day")]),
    ("2020-03-11", "2021-06-19", [("ended", "Beta -> Second post")]),
    ("2021-06-20", "2021-06-20", [("ended", "Alpha -> First post"), ("happened", "Visit last day")]),
    ("2019", "2019", [("began", "Beta -> Second post")]),
    ("2020-07-31", "2020-07-31", [("ended", "Beta -> Second post")]),
    ("2020-08-01", "2021-06-19", []),
    ("2001-02-09", "2001-02-09", [("happened", "Test treaty")]),  # a node's date, validFrom, validTo
    ("2001-03-01", "2001-03-01", [("began", "Test treaty")]),
    ("2001-02-10", "2001-02-28", []),
    ("2010-12-31", "2010-12-31", [("ended", "Test treaty")]),
    ("2011-01-01", "2016-07-27", []),
    ("2016-07-28", "2016-07-28", [("happened", "Russian Federation -> North Korea")]),  # a relationship's
    ("2016-07-29", "2019-12-31", [("began", "Beta -> Second post")]),
])
def test_changes_on_the_days_of_the_change(store: str, start: str, end: str,
                                           changes: list[tuple[str, str]]) -> None:
    r = run_query("changes", {"from": start, "to": end}, store=store)
    got = [(row[r.columns.index("change")], row[r.columns.index("fact")]) for row in r.rows
           if row[r.columns.index("type")] in ("HOLDS", "Event", "Treaty", "CAMEO_EVENT")]
    assert sorted(got) == sorted(changes)


# -- analytics filters -----------------------------------------------------------

@pytest.fixture(scope="module", params=["networkx", pytest.param("gds", marks=pytest.mark.neo4j)])
def degrees(request: pytest.FixtureRequest, data: Path, embedded: str) -> Degrees:
    """Each node's degree under some filters: networkx on the embedded store, or GDS in Neo4j."""
    store, engine = embedded, request.param
    if engine == "gds":
        store = request.getfixturevalue("neo4j").empty()
        api.load([data], store=store)

    def degrees(filters: Filters) -> dict[str, float]:
        return {s.id: s.score for s in analytics.centrality(store, filters, engine=engine).scores}

    return degrees


@pytest.mark.parametrize(("as_of", "alpha_holds", "beta_holds"), [
    ("2018-12-31", False, False),
    ("2019-01-01", False, True),
    ("2020-03-09", False, True),
    ("2020-03-10", True, True),
    ("2020-07-31", True, True),
    ("2020-08-01", True, False),
    ("2021-06-20", True, False),
    ("2021-06-21", False, False),
])
def test_as_of_on_the_days_around_an_interval(degrees: Degrees, as_of: str,
                                              alpha_holds: bool, beta_holds: bool) -> None:
    d = degrees(Filters.parse(as_of=as_of, types="Person,Position,HOLDS"))
    assert (d["position:first"], d["position:second"]) == (int(alpha_holds), int(beta_holds))


@pytest.mark.parametrize(("as_of", "happened"), [
    ("2021-06-19", ["event:before-post", "event:first-day"]),
    ("2021-06-20", ["event:before-post", "event:first-day", "event:last-day"]),
    ("2023-08-31", ["event:after-post", "event:before-post", "event:first-day", "event:last-day"]),
    ("2023-09-30", ["event:after-post", "event:before-post", "event:first-day", "event:last-day",
                    "event:september"]),
])
def test_as_of_keeps_events_from_their_day_on(degrees: Degrees, as_of: str,
                                              happened: list[str]) -> None:
    d = degrees(Filters.parse(as_of=as_of, types="Event,Person"))
    assert sorted(n for n in d if n.startswith("event:")) == happened


@pytest.mark.parametrize(("start", "end", "alpha_holds", "events"), [
    ("2021-06-20", "2021-06-20", True, ["event:last-day"]),
    ("2021-06-21", "2023-08-31", False, ["event:after-post"]),
    ("2019-06-01", "2020-03-09", False, ["event:before-post"]),
    ("2019-06-01", "2020-03-10", True, ["event:before-post", "event:first-day"]),
    ("2023-09-30", "2024", False, ["event:september"]),  # a month overlaps a window on its last day
    ("2023-10-01", "2024", False, []),
    ("2023-01", "2023-09-01", False, ["event:september"]),  # ...and on its first
])
def test_windows_on_the_days_around_a_fact(degrees: Degrees, start: str, end: str,
                                           alpha_holds: bool, events: list[str]) -> None:
    d = degrees(Filters.parse(start=start, end=end, types="Person,Position,Event"))
    assert d["position:first"] == int(alpha_holds)
    assert sorted(n for n in d if n.startswith("event:")) == events


def test_known_rows_cut_every_kind_of_cell_as_known_row_does() -> None:
    # known_rows works column by column and passes over plain columns whole; it must cut
    # exactly what known_row cuts row by row, and drop only the precision columns it used.
    from relgraph.dates import known_row, known_rows

    columns = ["d", "dPrecision", "n", "rels", "names", "other", "otherPrecision", "x"]
    rows = [
        [date(2008, 1, 1), "year", {"born": date(1984, 1, 1), "bornPrecision": "year"},
         [{"date": date(2023, 9, 1), "datePrecision": "month"}, "plain"], ["a", "b"],
         date(2020, 5, 6), "day", 1],
        [None, None, None, None, None, None, None, "t"],
        [date(2023, 9, 13), "day", {"name": "x"}, [], [], date(1996, 9, 30), "month", 2.5],
    ]
    cols, got = known_rows(columns, rows)
    assert cols == ["d", "n", "rels", "names", "other", "x"]
    want = [[v for c, v in zip(columns, known_row(columns, r), strict=True) if c in cols] for r in rows]
    assert got == want
    assert got[0][:3] == ["2008", {"born": "1984", "bornPrecision": "year"}, [
        {"date": "2023-09", "datePrecision": "month"}, "plain"]]
    assert got[2][4] == "1996-09" and got[2][0] == date(2023, 9, 13)
    assert known_rows(columns, []) == (cols, [])
    with pytest.raises(ValueError):
        known_rows(["a", "b"], [["only one"]])
