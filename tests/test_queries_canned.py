"""Every bundled query, run on the bundled Russia–DPRK dataset in the embedded store.

The expected answers are facts an analyst checks by hand against the public
record and the seed documents (shared/seeds): who visited Pyongyang after the
Vostochny summit, which treaties bind Russia and the DPRK and since when, which
cooperation is alleged or denied. Where a query's answer can be derived another
way (shortest paths, shared neighbours, a node's citations), it is compared with
an independent computation over the store's raw relationships.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from relgraph import api
from relgraph.queries import convert_params, find_query, load_queries, run_on, run_query
from relgraph.store import Store, open_store

SUMMIT = date(2023, 9, 13)  # the Vostochny Cosmodrome summit
RUS, PRK = "state:RUS", "state:PRK"
TREATY_2024 = "Treaty on Comprehensive Strategic Partnership between the Russian Federation and the DPRK"
TREATY_2000 = ("Treaty on Friendship, Good-Neighbourliness and Cooperation between the Russian Federation "
               "and the DPRK")
SEED_EAI = "Russia-DPRK Ties after 75th Anniversary of Diplomatic Relations: Hurdles and Opportunities"
TREATY_1961 = "Treaty of Friendship, Co-operation and Mutual Assistance between the USSR and the DPRK"


@pytest.fixture(autouse=True)
def _no_user_queries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RELGRAPH_QUERIES", raising=False)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The bundled dataset, loaded once for this module (read-only use)."""
    location = str(tmp_path_factory.mktemp("bundled") / "bundled.db")
    api.load(store=location)
    return location


@pytest.fixture(scope="module")
def st(store: str) -> Iterator[Store]:
    """The store opened read-only once: opening it per query would dominate the run time."""
    with open_store(store, read_only=True) as opened:
        yield opened


@pytest.fixture(scope="module")
def graph(st: Store) -> dict[str, Any]:
    """The raw graph, read without any stored query: nodes and relationships."""
    nodes = {i: {"type": t, **p} for i, t, p in st.iter_nodes()}
    rels = [{"id": i, "type": t, "from": a, "to": b, **p} for i, t, a, b, p in st.iter_relationships()]
    return {"nodes": nodes, "rels": rels}


def run(st: Store, name: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of a stored query as dicts: the runner's own steps, on the already open store."""
    q = find_query(name)
    columns, rows = run_on(st, q, convert_params(q, params, st))
    return [dict(zip(columns, row, strict=True)) for row in rows]


def test_run_query_opens_the_store_itself(store: str) -> None:
    result = run_query("treaties", {"a": "Russia", "b": "DPRK", "day": "2024-12-04"}, store=store)
    assert TREATY_2024 in [row[result.columns.index("treaty")] for row in result.rows]


def col(rows: list[dict[str, Any]], key: str) -> list[Any]:
    return [r[key] for r in rows]


# -- history -------------------------------------------------------------------------

def test_timeline_autumn_2023(st: Store) -> None:
    rows = run(st, "timeline", **{"from": "2023-09", "to": "2023-11"})
    days = col(rows, "date")
    assert days == sorted(days) and all(date(2023, 9, 1) <= d <= date(2023, 11, 30) for d in days)
    summit = next(r for r in rows if r["date"] == SUMMIT and r["kind"] == "summit")
    assert summit["place"] == ["Vostochny Cosmodrome"]
    assert {"Vladimir Putin (host)", "Kim Jong Un (visitor)"} <= set(summit["participants"])
    assert summit["status"] == "confirmed"
    assert any(s.startswith("doc:eai-2024-06-05 | ") for s in summit["sources"])
    by_day = {(r["date"], r["kind"]) for r in rows}
    assert {(date(2023, 10, 18), "visit"), (date(2023, 11, 14), "visit"),
            (date(2023, 11, 15), "commission-meeting")} <= by_day


def test_timeline_for_one_person_and_one_place(st: Store) -> None:
    lavrov = run(st, "timeline", party="Lavrov")
    assert all(any(p.startswith("Sergei Lavrov (") for p in r["participants"]) for r in lavrov)
    assert [(r["date"], r["kind"]) for r in lavrov][:2] == [(date(2023, 10, 18), "visit"),
                                                           (date(2024, 1, 15), "visit")]
    pyongyang = run(st, "timeline", party="place:pyongyang", **{"from": "2024"})
    assert pyongyang and all(r["date"] >= date(2024, 1, 1) and "Pyongyang" in r["place"] for r in pyongyang)
    assert date(2024, 6, 18) in col(pyongyang, "date")  # Putin's visit, announced for 18-19 June 2024


def test_changes_december_2024_treaty_replaced(st: Store) -> None:
    rows = run(st, "changes", **{"from": "2024-12", "to": "2024-12"})
    days = col(rows, "date")
    assert days == sorted(days) and all(date(2024, 12, 1) <= d <= date(2024, 12, 31) for d in days)
    facts = {(r["date"], r["change"], r["type"], r["fact"]) for r in rows}
    assert (date(2024, 12, 4), "began", "Treaty", TREATY_2024) in facts
    assert (date(2024, 12, 4), "ended", "Treaty", TREATY_2000) in facts
    assert all(r["status"] and r["sources"] for r in rows)
    only_reported = run(st, "changes", **{"from": "2024-12", "to": "2024-12", "status": "reported"})
    assert only_reported and {r["status"] for r in only_reported} == {"reported"}
    assert len(only_reported) < len(rows)


def test_changes_equal_an_independent_reading_of_the_graph(st: Store, graph: dict[str, Any]) -> None:
    # Every dated node and relationship, read per table without the stored query.
    lo, hi = date(2023, 1, 1), date(2024, 12, 31)
    kinds = (("date", "happened"), ("validFrom", "began"), ("validTo", "ended"))
    facts = [*graph["nodes"].values(), *graph["rels"]]
    for statuses in (None, ["alleged", "denied"]):
        expected = sorted((f[key], change, f["id"]) for f in facts for key, change in kinds
                          if f.get(key) and lo <= f[key] <= hi
                          and (statuses is None or f["status"] in statuses))
        params: dict[str, Any] = {"from": "2023-01-01", "to": "2024-12-31"}
        if statuses:
            params["status"] = ",".join(statuses)
        got = sorted((r["date"], r["change"], r["id"]) for r in run(st, "changes", **params))
        assert got == expected


# -- diplomacy -----------------------------------------------------------------------

def test_who_visited_pyongyang_after_the_vostochny_summit(st: Store) -> None:
    rows = run(st, "visits", destination="Pyongyang", **{"from": "2023-09-14"})
    seen = {(r["visitor"], r["date"]) for r in rows}
    assert {("Sergei Lavrov", date(2023, 10, 18)), ("Alexander Kozlov", date(2023, 11, 14)),
            ("Sergei Naryshkin", date(2024, 3, 25)), ("Vladimir Putin", date(2024, 6, 18))} <= seen
    assert col(rows, "date") == sorted(col(rows, "date"))
    for r in rows:
        assert r["date"] > SUMMIT and r["to"] == ["Pyongyang"]
        assert r["destination"] == ["Democratic People's Republic of Korea"]
        assert r["status"] and r["sources"]
    posts = {r["visitor"]: r["post"] for r in rows}
    assert posts["Sergei Lavrov"] == ["Minister of Foreign Affairs of the Russian Federation"]
    assert posts["Vladimir Putin"] == ["President of the Russian Federation"]
    assert posts["Sergei Naryshkin"] == [
        "Director of the Foreign Intelligence Service of the Russian Federation"]
    assert all(r["from"] == ["Russian Federation"] for r in rows if r["visitor"] != "Kim Jong Un")


def test_visits_by_dprk_officials_to_russia(st: Store) -> None:
    rows = run(st, "visits", home="North Korea", destination="Russia")
    seen = {(r["visitor"], r["date"]) for r in rows}
    assert {("Kim Jong Un", SUMMIT), ("Choe Son Hui", date(2024, 1, 15)),
            ("Kim Jong Un", date(2019, 4, 25))} <= seen
    assert all(r["from"] == ["Democratic People's Republic of Korea"] for r in rows)
    assert all(r["destination"] == ["Russian Federation"] for r in rows)
    choe = next(r for r in rows if r["visitor"] == "Choe Son Hui")
    assert choe["post"] == ["Minister of Foreign Affairs of the DPRK"] and choe["to"] == ["Moscow"]
    putin = run(st, "visits", visitor="Putin")
    # the post held *then*: president in July 2000 and June 2024
    assert [(r["date"], r["post"]) for r in putin if r["to"] == ["Pyongyang"]] == [
        (date(2000, 7, 19), ["President of the Russian Federation"]),
        (date(2024, 6, 18), ["President of the Russian Federation"])]


def test_meetings_putin_kim_jong_un(st: Store) -> None:
    rows = run(st, "meetings", a="Vladimir Putin", b="Kim Jong-un")
    assert all(r["person"] == "Vladimir Putin" and r["met"] == "Kim Jong Un" for r in rows)
    summits = [(r["date"], r["role"], r["metRole"], r["place"]) for r in rows if r["kind"] == "summit"]
    assert summits == [
        (date(2019, 4, 25), "host", "visitor", ["Russky Island (Far Eastern Federal University campus)"]),
        (SUMMIT, "host", "visitor", ["Vostochny Cosmodrome"]),
        (date(2024, 6, 18), "visitor", "host", ["Pyongyang"]),
    ]
    everyone = run(st, "meetings", a="Lavrov")
    assert {"Choe Son Hui", "Kim Jong Un", "Vladimir Putin"} <= set(col(everyone, "met"))
    assert "Sergei Lavrov" not in col(everyone, "met")


def test_officials_on_a_date(st: Store) -> None:
    rus = {(r["post"], r["person"]) for r in run(st, "officials", state="Russia", day="2024-01-01")}
    assert ("President of the Russian Federation", "Vladimir Putin") in rus
    assert ("Minister of Foreign Affairs of the Russian Federation", "Sergei Lavrov") in rus
    prk = {(r["post"], r["person"]) for r in run(st, "officials", state="DPRK", day="2024-01-01")}
    assert ("Minister of Foreign Affairs of the DPRK", "Choe Son Hui") in prk
    assert ("President of the State Affairs of the DPRK", "Kim Jong Un") in prk
    # Putin's first presidency (2000-2008), Ivanov foreign minister (1998-2004)
    y2001 = {(r["post"], r["person"]) for r in run(st, "officials", state="Russia", day="2001-01-01")}
    assert ("President of the Russian Federation", "Vladimir Putin") in y2001
    assert ("Minister of Foreign Affairs of the Russian Federation", "Igor Ivanov") in y2001
    assert ("Minister of Foreign Affairs of the Russian Federation", "Sergei Lavrov") not in y2001
    # Medvedev's presidency: Putin is not president on 2010-01-01
    y2010 = {(r["post"], r["person"]) for r in run(st, "officials", state="Russia", day="2010-01-01")}
    assert ("President of the Russian Federation", "Vladimir Putin") not in y2010
    assert ("President of the Russian Federation", "Dmitry Medvedev") in y2010


# -- treaties --------------------------------------------------------------------------

def test_treaties_binding_russia_and_the_dprk_today(st: Store) -> None:
    rows = run(st, "treaties", a="Russia", b="North Korea", day="today")
    names = col(rows, "treaty")
    assert TREATY_2024 in names
    assert TREATY_2000 not in names and TREATY_1961 not in names
    assert not any("Non-Proliferation" in n for n in names)  # the DPRK withdrew in 2003
    t = rows[names.index(TREATY_2024)]
    assert (t["signed"], t["inForce"], t["ended"], t["mutualAssistance"]) == (
        date(2024, 6, 19), date(2024, 12, 4), None, True)
    assert any(p.startswith("Art. 4") for p in t["provisions"])
    assert TREATY_2000 in t["replaces"]
    assert set(t["parties"]) == {"Russian Federation", "Democratic People's Republic of Korea"}
    assert t["status"] == "confirmed" and t["sources"]
    assert all(r["ended"] is None or r["ended"] >= date.today() for r in rows)


def test_treaty_history_between_the_two_states(st: Store) -> None:
    rows = {r["treaty"]: r for r in run(st, "treaties", a="Russia", b="DPRK")}
    t1961, t2000 = rows[TREATY_1961], rows[TREATY_2000]
    assert t1961["signed"] == date(1961, 7, 6) and t1961["mutualAssistance"] is True
    assert t1961["ended"].year == 1996 and t1961["ended"].month == 9
    assert t2000["signed"] == date(2000, 2, 9) and t2000["mutualAssistance"] is False
    assert t2000["ended"] == date(2024, 12, 4) and t2000["replacedBy"] == [TREATY_2024]
    signed = [r["signed"] for r in rows.values()]
    assert signed == sorted(signed)
    # in 1970 the USSR, not Russia, was the party
    y1970 = run(st, "treaties", a="USSR", b="DPRK", day="1970")
    assert TREATY_1961 in col(y1970, "treaty")
    assert run(st, "treaties", a="Russia", b="DPRK", day="1970") == []


# -- cooperation -----------------------------------------------------------------------

def test_alleged_and_denied_cooperation(st: Store) -> None:
    rows = run(st, "projects", status="alleged,denied")
    assert rows and {r["status"] for r in rows} <= {"alleged", "denied"}
    munitions = next(r for r in rows if r["project"] == "DPRK arms and munitions transfers to Russia")
    assert (munitions["status"], munitions["domain"], munitions["sanctionClass"]) == (
        "denied", "military", "sanctioned")
    assert any(p.startswith("Russian Federation (") for p in munitions["partners"])
    # the seed: "both governments have strongly denied these allegations"
    assert set(munitions["deniedBy"]) == {"Russian Federation", "Democratic People's Republic of Korea"}
    assert SEED_EAI in munitions["allegedBy"]
    assert any(s.startswith("doc:eai-2024-06-05 | para 9") for s in munitions["sources"])
    assert "Russia–DPRK cyber operations" in col(rows, "project")


def test_projects_by_partner_and_class(st: Store) -> None:
    wagner = run(st, "projects", partner="Wagner Group")
    assert col(wagner, "project") == ["Russia–DPRK arms trade through private military contractors"]
    assert wagner[0]["status"] == "alleged" and wagner[0]["sanctionClass"] == "sanctioned"
    gray = run(st, "projects", partner="North Korea", **{"class": "gray-zone"})
    assert gray and all(r["sanctionClass"] == "gray-zone" for r in gray)
    assert all(any(p.startswith("Democratic People's Republic of Korea (") for p in r["partners"])
               for r in gray)
    tourism = run(st, "projects", domain="tourism")
    assert col(tourism, "project") == ["Russian group tourism to the DPRK"]
    assert tourism[0]["sanctionClass"] == "non-sanctioned" and tourism[0]["since"] == date(2024, 2, 9)


def test_domains_grouped_by_sanction_class(st: Store, graph: dict[str, Any]) -> None:
    rows = run(st, "domains")
    classes = col(rows, "sanctionClass")
    order = ["non-sanctioned", "gray-zone", "sanctioned"]
    assert classes == sorted(classes, key=order.index) and set(classes) == set(order)
    expected: dict[tuple[str, str], int] = {}
    for n in graph["nodes"].values():
        if n.get("sanctionClass"):
            key = (n["sanctionClass"], n.get("domain"))
            expected[key] = expected.get(key, 0) + 1
    assert {(r["sanctionClass"], r["domain"]): r["count"] for r in rows} == expected
    assert all(len(r["items"]) == r["count"] for r in rows)
    groups = {(r["sanctionClass"], r["domain"]): r for r in rows}
    assert "DPRK arms and munitions transfers to Russia [denied]" in groups["sanctioned", "military"]["items"]
    assert "Russian group tourism to the DPRK [confirmed]" in groups["non-sanctioned", "tourism"]["items"]


# -- sanctions -----------------------------------------------------------------------

def test_un_sanctions_on_the_dprk(st: Store) -> None:
    rows = run(st, "sanctions", target="North Korea")
    resolutions = {(r["reference"], r["adopted"]) for r in rows if r["reference"]}
    assert resolutions >= {
        ("S/RES/1718 (2006)", date(2006, 10, 14)), ("S/RES/1874 (2009)", date(2009, 6, 12)),
        ("S/RES/2270 (2016)", date(2016, 3, 2)), ("S/RES/2321 (2016)", date(2016, 11, 30)),
        ("S/RES/2371 (2017)", date(2017, 8, 5)), ("S/RES/2375 (2017)", date(2017, 9, 11)),
        ("S/RES/2397 (2017)", date(2017, 12, 22)),
    }
    assert all(r["targetId"] == PRK and r["how"] == "targets" for r in rows)
    assert all(r["adoptedBy"] == ["United Nations Security Council"] for r in rows if r["reference"])


def test_designations_under_one_resolution(st: Store) -> None:
    rows = run(st, "sanctions", program="Resolution 2270")
    assert {r["sanction"] for r in rows} == {"Security Council resolution 2270 (2016)"}
    listed = {(r["target"], r["listing"]) for r in rows if r["how"] == "designated"}
    assert {("Munitions Industry Department", "KPe.028"),
            ("Reconnaissance General Bureau", "KPe.031")} <= listed
    assert rows[0]["how"] == "targets"  # the regime's target first, then its listings


# -- evidence ------------------------------------------------------------------------

def test_claims_alleged_or_denied_with_sources(st: Store, graph: dict[str, Any]) -> None:
    rows = run(st, "claims")
    assert {r["status"] for r in rows} == {"alleged", "denied"}
    assert col(rows, "status") == sorted(col(rows, "status"))
    expected = {i for i, n in graph["nodes"].items() if n.get("status") in ("alleged", "denied")}
    expected |= {r["id"] for r in graph["rels"] if r.get("status") in ("alleged", "denied")}
    assert set(col(rows, "id")) == expected and len(rows) == len(expected)
    assert all(r["sources"] for r in rows)
    denied = {r["fact"] for r in rows if r["status"] == "denied" and r["type"] == "Project"}
    assert "DPRK arms and munitions transfers to Russia" in denied
    about = run(st, "claims", status="alleged,denied,confirmed", about="project:dprk-munitions-to-russia")
    assert "DPRK arms and munitions transfers to Russia" in col(about, "fact")
    assert all("DPRK arms and munitions transfers to Russia" in r["fact"] or r["type"] != "PARTNER_IN"
               for r in about)


def test_sources_every_citation_of_a_node(st: Store) -> None:
    node = "project:rajin-khasan-railway"
    rows = run(st, "sources", node="Rajin-Khasan")
    report = api.show(node, store=st.location)  # an independent path to the same citations
    expected = [("node", report.node["name"], c) for c in report.node["sources"]]
    for rel in report.relationships:
        arrow = "->" if rel["direction"] == "out" else "<-"
        expected += [(arrow, rel["other"]["name"], c) for c in rel["sources"]]
    got = [(r["fact"], r["other"], r["document"] + (" | " + r["locator"] if r["locator"] else ""))
           for r in rows]
    assert sorted(got) == sorted(expected)
    for r in rows:
        assert r["title"] and r["title"] == report.documents[r["document"]]["name"]
    assert rows[0]["fact"] == "node"


# -- network -------------------------------------------------------------------------

def adjacency(graph: dict[str, Any], types: set[str] | None = None) -> dict[str, set[str]]:
    adj: dict[str, set[str]] = {i: set() for i in graph["nodes"]}
    for r in graph["rels"]:
        if types is None or r["type"] in types:
            adj[r["from"]].add(r["to"])
            adj[r["to"]].add(r["from"])
    return adj


def bfs(adj: dict[str, set[str]], start: str, limit: int) -> dict[str, int]:
    dist, todo = {start: 0}, deque([start])
    while todo:
        cur = todo.popleft()
        if dist[cur] == limit:
            continue
        for nxt in adj[cur]:
            if nxt not in dist:
                dist[nxt] = dist[cur] + 1
                todo.append(nxt)
    return dist


def test_neighbors_match_an_independent_breadth_first_search(st: Store, graph: dict[str, Any]) -> None:
    rows = run(st, "neighbors", node="North Korea")
    want = bfs(adjacency(graph), PRK, 1)
    del want[PRK]
    assert {r["id"]: r["hops"] for r in rows} == want
    types = {"HOLDS", "POST_IN", "PARTICIPATED_IN"}
    rows = run(st, "neighbors", node="Lavrov", hops=2, types=",".join(sorted(types)))
    want = bfs(adjacency(graph, types), "person:lavrov-sergei", 2)
    del want["person:lavrov-sergei"]
    assert {r["id"]: r["hops"] for r in rows} == want
    by_id = {r["id"]: r for r in rows}
    assert by_id["position:rus-foreign-minister"]["via"] == ["HOLDS"]
    assert by_id["org:rus-mfa"]["via"] == ["HOLDS", "POST_IN"]
    assert col(rows, "hops") == sorted(col(rows, "hops"))


def test_neighbors_three_rings(st: Store, graph: dict[str, Any]) -> None:
    # The LadybugDB body has one branch per ring (one step; two steps, the least
    # ring winning; a shortest-path search): each must hold exactly the BFS ring, sorted.
    rows = run(st, "neighbors", node="Choe Son Hui", hops=3)
    want = bfs(adjacency(graph), "person:choe-son-hui", 3)
    del want["person:choe-son-hui"]
    assert {r["id"]: r["hops"] for r in rows} == want
    assert len(rows) == len(want)  # one row per node
    assert {r["hops"] for r in rows} == {1, 2, 3}
    keys = [(r["hops"], r["type"], r["name"]) for r in rows]
    assert keys == sorted(keys)
    for r in rows:
        assert len(r["via"]) == r["hops"] and r["status"] and r["sources"]
    for hops in (1, 2):
        assert {r["id"] for r in run(st, "neighbors", node="Choe Son Hui", hops=hops)} == {
            i for i, d in want.items() if d <= hops}
    # hops=3 builds the second ring in its own branch: the same rows as hops=2 gives, way and
    # citations included, also under filters
    for how in ({}, {"types": "PARTICIPATED_IN,CITIZEN_OF,HELD_AT,PART_OF", "from": "2015", "to": "2024-06"}):
        two = run(st, "neighbors", node="Choe Son Hui", hops=2, **how)
        three = run(st, "neighbors", node="Choe Son Hui", hops=3, **how)
        assert two and [r for r in three if r["hops"] <= 2] == two


def test_neighbors_name_a_real_way_and_its_last_step(st: Store, graph: dict[str, Any]) -> None:
    # Each ring is built differently (a step, two steps grouped, a shortest-path search): every
    # row's `via` must be the types of a walk from the centre, ending in a relationship that
    # carries the row's status and sources.
    centre = "person:choe-son-hui"
    steps: dict[str, list[tuple[str, str, dict[str, Any]]]] = {i: [] for i in graph["nodes"]}
    for r in graph["rels"]:
        steps[r["from"]].append((r["type"], r["to"], r))
        steps[r["to"]].append((r["type"], r["from"], r))

    def ends(via: list[str]) -> dict[str, list[dict[str, Any]]]:
        here: dict[str, list[dict[str, Any]]] = {centre: []}
        for t in via:
            nxt: dict[str, list[dict[str, Any]]] = {}
            for node in here:
                for typ, other, rel in steps[node]:
                    if typ == t:
                        nxt.setdefault(other, []).append(rel)
            here = nxt
        return here

    rows = run(st, "neighbors", node=centre, hops=3)
    assert {r["hops"] for r in rows} == {1, 2, 3}
    for r in rows:
        last = ends(r["via"]).get(r["id"])
        assert last, (r["id"], r["via"])
        assert any(rel.get("status") == r["status"] and rel.get("sources") == r["sources"] for rel in last), r


def test_neighbors_by_date(st: Store) -> None:
    before = {r["id"] for r in run(st, "neighbors", node="Lavrov", to="2003")}
    after = {r["id"] for r in run(st, "neighbors", node="Lavrov", **{"from": "2023"})}
    assert "event:2023-10-18-lavrov-pyongyang-visit" in after
    assert "event:2023-10-18-lavrov-pyongyang-visit" not in before


def test_shortest_path_hop_by_hop(st: Store, graph: dict[str, Any]) -> None:
    rows = run(st, "shortest-path", a="Sergei Lavrov", b="Choe Son Hui")
    assert len(rows) == bfs(adjacency(graph), "person:lavrov-sergei", 10)["person:choe-son-hui"] == 2
    assert rows[0]["from"] == "Sergei Lavrov" and rows[-1]["to"] == "Choe Son Hui"
    assert col(rows, "step") == [1, 2]
    assert rows[0]["to"] == rows[1]["from"]
    assert [r["link"] for r in rows] == ["-[PARTICIPATED_IN]->", "<-[PARTICIPATED_IN]-"]
    assert all(r["status"] == "confirmed" and r["sources"] for r in rows)
    far = run(st, "shortest-path", a="Rajin-Khasan", b="Armenia")
    dist = bfs(adjacency(graph), "project:rajin-khasan-railway", 10)["state:ARM"]
    assert len(far) == dist and far[0]["from"].startswith("Rajin") and far[-1]["to"] == "Armenia"
    assert all(x["to"] == y["from"] for x, y in itertools.pairwise(far))
    only_posts = run(st, "shortest-path", a="Lavrov", b="Choe Son Hui", types="HOLDS,POST_IN")
    assert only_posts == []


def test_common_partners_of_russia_and_the_dprk(st: Store, graph: dict[str, Any]) -> None:
    rows = run(st, "common-partners", a="Russia", b="North Korea")
    adj = adjacency(graph)
    assert set(col(rows, "id")) == (adj[RUS] & adj[PRK]) - {RUS, PRK}
    t = next(r for r in rows if r["shared"] == TREATY_2024)
    assert t["type"] == "Treaty" and t["aLinks"] == ["PARTY_TO (confirmed)"] == t["bLinks"]
    munitions = next(r for r in rows if r["id"] == "project:dprk-munitions-to-russia")
    # alleged partners in the arms transfers, and both denied them
    assert sorted(munitions["aLinks"]) == sorted(munitions["bLinks"]) == ["DENIED (confirmed)",
                                                                         "PARTNER_IN (alleged)"]
    treaties_only = run(st, "common-partners", a="Russia", b="North Korea", types="PARTY_TO")
    assert {r["type"] for r in treaties_only} == {"Treaty"} and TREATY_2024 in col(treaties_only, "shared")


def test_search_by_fragment(st: Store) -> None:
    rows = run(st, "search", text="sun hui")  # the seed's spelling of Choe Son Hui
    choe = next(r for r in rows if r["id"] == "person:choe-son-hui")
    assert choe["name"] == "Choe Son Hui" and "Choe Sun Hui" in choe["matchedAliases"]
    people = run(st, "search", text="kim", type="Person")
    assert {"Kim Jong Un", "Kim Il Sung", "Kim Il Guk"} <= set(col(people, "name"))
    assert {r["type"] for r in people} == {"Person"}
    assert all("kim" in (r["name"] + r["id"] + " ".join(r["matchedAliases"])).lower() for r in people)


def test_every_bundled_query_is_tested_here() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    untested = [name for name in load_queries() if f'run(st, "{name}"' not in source]
    assert untested == []


# -- machine-coded events (GDELT), for any pair of states -----------------------------------

GDELT = Path(__file__).resolve().parent / "fixtures" / "gdelt"


@pytest.fixture(scope="module")
def gdelt_st(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The GDELT sample day and the dyad-year counts, imported into an empty store."""
    from relgraph.imports import import_gdelt

    location = str(tmp_path_factory.mktemp("gdelt") / "gdelt.db")
    import_gdelt(GDELT / "events-sample-2016-07-28.tsv", store=location)
    import_gdelt(GDELT / "dyad_events_by_year.csv", store=location)
    with open_store(location, read_only=True) as opened:
        yield opened


def _gdelt_rows(name: str) -> list[list[str]]:
    import csv

    with (GDELT / name).open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_cameo_events_between_china_and_the_usa_are_the_files_rows(gdelt_st: Store) -> None:
    # Independently: the rows whose actor country codes (columns 8 and 18) are CHN and USA.
    expected = sorted((r[1], r[7], r[26], r[17]) for r in _gdelt_rows("events-sample-2016-07-28.tsv")
                      if {r[7], r[17]} == {"CHN", "USA"})
    assert expected  # the sample has some
    st = gdelt_st
    rows = run(st, "cameo-events", state="China", other="USA")
    iso = {name: i.removeprefix("state:") for i, _t, name, _a in st.node_names()}
    got = sorted((r["date"].strftime("%Y%m%d"), iso[r["actor"]], r["code"], iso[r["target"]]) for r in rows)
    assert got == expected
    assert all(r["sources"] and r["sources"][0].startswith("doc:gdelt-2016-07-28 | ") for r in rows)
    conflict = run(st, "cameo-events", state="CHN", other="USA", quad=3)
    assert {r["quad"] for r in conflict} == {3} and len(conflict) < len(rows)


def test_dyad_years_count_the_files_events(gdelt_st: Store) -> None:
    # Independently: sum the counts file's last column per (year, actor 1, actor 2) for CUB -> USA.
    expected: dict[int, int] = {}
    for r in _gdelt_rows("dyad_events_by_year.csv"):
        year, a, b, count = (x.strip('"') for x in (r[0], r[1], r[2], r[-1]))
        if (a, b) == ("CUB", "USA"):
            expected[int(year)] = expected.get(int(year), 0) + int(count)
    assert expected
    st = gdelt_st
    rows = run(st, "dyad-years", state="Cuba", other="USA")
    assert {r["year"]: r["events"] for r in rows if r["actor"] == "Cuba"} == expected


def test_sources_of_a_much_cited_place(tmp_path: Path) -> None:
    # 150 events held at one place, each citing a short locator: LadybugDB 0.14's
    # trim() returned invalid UTF-8 for such parts (the query now cuts them by position).
    lines = ["defaults: {status: confirmed}", "nodes:",
             "  - {type: Document, id: 'doc:a', name: Report A, publisher: Pub, published: '2000-01-01'}",
             "  - {type: Place, id: 'place:x', name: Capital, kind: capital, sources: ['doc:a | gazetteer']}"]
    lines += [f"  - {{type: Event, id: 'event:{i}', name: Meeting {i}, kind: meeting, date: '2001-01-01', "
              f"sources: ['doc:a | para {i}']}}" for i in range(150)]
    lines += ["relationships:"]
    lines += [f"  - {{type: HELD_AT, from: 'event:{i}', to: 'place:x', sources: ['doc:a | venue para {i}']}}"
              for i in range(149)]
    lines += ["  - {type: HELD_AT, from: 'event:149', to: 'place:x', sources: ['doc:a']}"]  # no locator
    data = tmp_path / "place.yaml"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = str(tmp_path / "s.db")
    api.load([data], store=store)
    result = run_query("sources", {"node": "place:x"}, store=store)
    rows = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    assert rows[0] == {"fact": "node", "type": "Place", "other": "Capital", "status": "confirmed",
                       "document": "doc:a", "title": "Report A", "publisher": "Pub",
                       "published": date(2000, 1, 1), "locator": "gazetteer"}
    linked = [(r["fact"], r["other"], r["document"], r["locator"]) for r in rows[1:]]
    assert sorted(linked) == sorted([("<-", f"Meeting {i}", "doc:a", f"venue para {i}") for i in range(149)]
                                    + [("<-", "Meeting 149", "doc:a", "")])
