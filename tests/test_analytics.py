"""Network analytics: projection, filters, folding, measures, paths, brokers, communities,
ego networks and snapshots. Expected values are worked out by hand in the comments,
on tests/fixtures/mini (a real LadybugDB store) and on small networkx graphs.

The mini graph without its Document, as an undirected path of 7 nodes:
Kim Jong Un - Vostochny summit (2023-09-13) - Vladimir Putin = President (HOLDS
2000-05-07..2008-05-07 and from 2012-05-07) - Russia - Rajin-Khasan railway (from
2013-09) - DPRK. Only PRK's PARTNER_IN is "reported"; everything else is confirmed.
"""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
from datetime import date

import networkx as nx
import pytest
from conftest import MINI_NODE_COUNTS, MINI_REL_COUNTS

from relgraph.analytics import brokers as B
from relgraph.analytics import measures as M
from relgraph.analytics import paths as P
from relgraph.analytics import temporal as T
from relgraph.analytics.project import Filters, fold, in_window, read_store, resolve, select, simple
from relgraph.errors import NotFoundError, UsageError

PUTIN, KIM = "person:putin-vladimir", "person:kim-jong-un"
PRES, RUS, PRK = "position:rus-president", "state:RUS", "state:PRK"
SUMMIT, RAIL, DOC = "event:2023-09-13-vostochny-summit", "project:rajin-khasan-railway", "doc:eai-2024-06-05"
HOLDS_1 = "HOLDS:person:putin-vladimir->position:rus-president@2000-05-07"
HOLDS_2 = "HOLDS:person:putin-vladimir->position:rus-president@2012-05-07"


@pytest.fixture(scope="module")
def G(mini_template: str) -> nx.MultiDiGraph:
    return read_store(mini_template)


def keys(H: nx.MultiDiGraph) -> set[str]:
    return {k for _u, _v, k in H.edges(keys=True)}


# -- projection -------------------------------------------------------------

def test_projection_holds_every_node_and_relationship_with_its_properties(G) -> None:
    types = {}
    for _n, t in G.nodes(data="type"):
        types[t] = types.get(t, 0) + 1
    rel_types = {}
    for _u, _v, t in G.edges(data="type"):
        rel_types[t] = rel_types.get(t, 0) + 1
    assert types == MINI_NODE_COUNTS
    assert rel_types == MINI_REL_COUNTS
    assert G.nodes[SUMMIT]["date"] == date(2023, 9, 13)
    assert G.nodes[RUS]["aliases"] == ["Russia", "RF"]
    rel = G.edges[PRK, RAIL, f"PARTNER_IN:{PRK}->{RAIL}"]
    assert (rel["type"], rel["status"], rel["role"]) == ("PARTNER_IN", "reported", "partner")
    assert rel["sources"] == ["doc:eai-2024-06-05 | para 6"]


def test_parallel_relationships_stay_separate(G) -> None:
    between = G.get_edge_data(PUTIN, PRES)
    assert set(between) == {HOLDS_1, HOLDS_2}
    assert between[HOLDS_1]["validTo"] == date(2008, 5, 7)
    assert "validTo" not in between[HOLDS_2]


# -- filters ----------------------------------------------------------------

def test_default_filter_leaves_out_documents_only(G) -> None:
    H = select(G)
    assert set(H) == set(G) - {DOC}
    assert H.number_of_edges() == 7


def test_as_of_keeps_what_was_valid_then(G) -> None:
    # 2010: Putin's first term ended 2008, the second starts 2012; the summit (2023) and the
    # railway (2013) had not happened, so their relationships go too.
    H = select(G, Filters(as_of=date(2010, 1, 1)))
    assert set(H) == {RUS, PRK, PUTIN, KIM, PRES}
    assert keys(H) == {f"POST_IN:{PRES}->{RUS}"}
    H = select(G, Filters(as_of=date(2005, 1, 1)))
    assert keys(H) == {HOLDS_1, f"POST_IN:{PRES}->{RUS}"}
    # After the summit: a past point event stays in the network.
    H = select(G, Filters(as_of=date(2024, 6, 30)))
    assert SUMMIT in H and HOLDS_1 not in keys(H) and H.number_of_edges() == 6


def test_a_person_exists_from_birth_to_death() -> None:
    """Undated ties of a person do not count before the person is born or after the death."""
    G = nx.MultiDiGraph()
    G.add_node("state:PRK", type="State", name="DPRK", status="confirmed")
    G.add_node("person:k", type="Person", name="K", status="confirmed", born=date(1984, 1, 1))
    G.add_node("person:o", type="Person", name="O", status="confirmed", born=date(1912, 4, 15),
               died=date(1994, 7, 8))
    G.add_edge("person:k", "state:PRK", key="c1", type="CITIZEN_OF", status="confirmed")
    G.add_edge("person:o", "state:PRK", key="c2", type="CITIZEN_OF", status="confirmed")
    assert set(select(G, Filters(as_of=date(1974, 7, 1)))) == {"state:PRK", "person:o"}
    assert set(select(G, Filters(as_of=date(1983, 12, 31)))) == {"state:PRK", "person:o"}
    assert set(select(G, Filters(as_of=date(1984, 1, 1)))) == {"state:PRK", "person:k", "person:o"}
    assert set(select(G, Filters(as_of=date(1994, 7, 8)))) == {"state:PRK", "person:k", "person:o"}
    H = select(G, Filters(as_of=date(1994, 7, 9)))
    assert set(H) == {"state:PRK", "person:k"} and set(keys(H)) == {"c1"}
    assert set(select(G, Filters(start=date(1970, 1, 1), end=date(1975, 1, 1)))) == {"state:PRK", "person:o"}
    assert set(select(G, Filters(start=date(1995, 1, 1)))) == {"state:PRK", "person:k"}


def test_ego_as_of_before_birth_is_refused(cli, mini_template: str) -> None:
    r = cli("analyze", "ego", "Vladimir Putin", "--as-of", "1952-10-06", "--store", mini_template)
    assert r.exit_code == 2 and "is not in the graph under these filters" in r.stderr
    r = cli("analyze", "ego", "Vladimir Putin", "--as-of", "1952-10-07", "--store", mini_template)
    assert r.exit_code == 0, r.stderr


def test_as_of_keeps_an_event_with_a_duration_after_it_ended() -> None:
    # A six-day visit (an Event: a happening) stays in the network once begun; a treaty with the
    # same dates (not a happening) is gone after it lapsed.
    G = nx.MultiDiGraph()
    days = {"date": date(2023, 9, 13), "validFrom": date(2023, 9, 12), "validTo": date(2023, 9, 17)}
    G.add_node("event:visit", type="Event", name="Visit", status="confirmed", **days)
    G.add_node("treaty:t", type="Treaty", name="T", status="confirmed", **days)
    assert set(select(G, Filters(as_of=date(2024, 6, 30)))) == {"event:visit"}
    assert set(select(G, Filters(as_of=date(2023, 9, 15)))) == {"event:visit", "treaty:t"}
    assert set(select(G, Filters(as_of=date(2023, 9, 12)))) == set()  # the summit day is the 13th
    # In a window, an event counts while it lasted.
    assert "event:visit" in select(G, Filters(start=date(2023, 9, 16), end=date(2023, 9, 30)))
    assert "event:visit" not in select(G, Filters(start=date(2023, 9, 18)))


def test_as_of_boundaries_are_inclusive(G) -> None:
    assert SUMMIT in select(G, Filters(as_of=date(2023, 9, 13)))
    assert SUMMIT not in select(G, Filters(as_of=date(2023, 9, 12)))
    assert HOLDS_1 in keys(select(G, Filters(as_of=date(2008, 5, 7))))
    assert HOLDS_1 not in keys(select(G, Filters(as_of=date(2008, 5, 8))))


def test_window_keeps_what_happened_or_held_in_it(G) -> None:
    # 2023: the summit happened; the railway (from 2013) and the second term (from 2012) held.
    H = select(G, Filters(start=date(2023, 1, 1), end=date(2023, 12, 31)))
    assert SUMMIT in H and RAIL in H
    assert HOLDS_1 not in keys(H) and HOLDS_2 in keys(H)
    assert H.number_of_edges() == 6
    # 2009-2011: nothing dated held; only the undated POST_IN remains.
    H = select(G, Filters(start=date(2009, 1, 1), end=date(2011, 12, 31)))
    assert keys(H) == {f"POST_IN:{PRES}->{RUS}"}
    # A window after the summit does not keep the summit, unlike --as-of.
    assert SUMMIT not in select(G, Filters(start=date(2024, 1, 1)))


def test_window_counts_a_partial_date_for_its_whole_period() -> None:
    september = {"date": date(2023, 9, 1), "datePrecision": "month"}
    assert in_window(september, date(2023, 9, 30), date(2023, 10, 31))
    assert not in_window(september, date(2023, 10, 1), None)
    assert not in_window({"date": date(2023, 9, 1), "datePrecision": "day"}, date(2023, 9, 30), None)
    year = {"date": date(2023, 1, 1), "datePrecision": "year"}
    assert in_window(year, date(2023, 12, 31), None) and not in_window(year, date(2024, 1, 1), None)
    assert in_window(year, None, date(2023, 1, 1)) and not in_window(year, None, date(2022, 12, 31))


def test_filters_parse_partial_dates_and_reject_bad_ones() -> None:
    f = Filters.parse(as_of="2024", start="2023-09", end="2023-09")
    assert (f.as_of, f.start, f.end) == (date(2024, 12, 31), date(2023, 9, 1), date(2023, 9, 30))
    with pytest.raises(UsageError, match="'2024-13-01'"):
        Filters.parse(as_of="2024-13-01")
    with pytest.raises(UsageError, match="after --to"):
        Filters.parse(start="2024-01-01", end="2023-01-01")
    assert Filters.parse(states=["DPRK"]).state_depth == 1  # the states' direct ties
    assert Filters.parse(states=["DPRK"], state_depth=2).state_depth == 2
    with pytest.raises(UsageError, match="--state-depth must be 1 or more"):
        Filters.parse(states=["DPRK"], state_depth=0)


def test_types_keep_remove_and_add(G) -> None:
    H = select(G, Filters(types=("Person", "Event")))
    assert set(H) == {PUTIN, KIM, SUMMIT} and H.number_of_edges() == 2
    H = select(G, Filters(types=("-PARTNER_IN",)))
    assert H.number_of_nodes() == 7 and H.number_of_edges() == 5
    assert DOC in select(G, Filters(types=("+Document",)))
    assert select(G, Filters(types=("all",))).number_of_nodes() == 8
    # Aliases from the schema work ("Country" is State).
    assert set(select(G, Filters(types=("Country",)))) == {RUS, PRK}
    with pytest.raises(UsageError, match="unknown type 'Persn'; did you mean Person"):
        select(G, Filters(types=("Persn",)))


def test_status_filter(G) -> None:
    H = select(G, Filters(statuses=("-reported",)))
    assert f"PARTNER_IN:{PRK}->{RAIL}" not in keys(H) and H.number_of_edges() == 6
    H = select(G, Filters(statuses=("reported",)))
    assert H.number_of_nodes() == 0  # every node of the mini data is confirmed
    with pytest.raises(UsageError, match="unknown status 'rumoured'"):
        select(G, Filters(statuses=("rumoured",)))


def test_state_ego_network(G) -> None:
    H = select(G, Filters(states=("North Korea",)))
    assert set(H) == {PRK, RAIL}
    H = select(G, Filters(states=("DPRK",), state_depth=2))
    assert set(H) == {PRK, RAIL, RUS} and H.number_of_edges() == 2
    H = select(G, Filters(states=("DPRK", "Kim Jong Un")))
    assert set(H) == {PRK, RAIL, KIM, SUMMIT}


def test_fold_turns_shared_facts_into_weighted_ties(G) -> None:
    H = select(G, Filters(fold=True))
    assert SUMMIT not in H and RAIL not in H
    (a, b, _k, tie), = [e for e in H.edges(keys=True, data=True) if e[3]["type"] == "SHARED_EVENT"]
    assert {a, b} == {PUTIN, KIM}
    assert (tie["weight"], tie["via"], tie["status"]) == (1, [SUMMIT], "confirmed")
    assert tie["validFrom"] == date(2023, 9, 13)
    assert tie["sources"] == ["doc:eai-2024-06-05 | para 1"]
    (_, _, rail), = [e for e in H.edges(data=True) if e[2]["type"] == "SHARED_PROJECT"]
    # Russia's link is confirmed, the DPRK's reported: the tie is only as good as its weaker link.
    assert (rail["weight"], rail["status"], rail["validFrom"]) == (1, "reported", date(2013, 9, 1))
    assert H.number_of_edges() == 3 + 2  # HOLDS x2, POST_IN, and the two ties


def test_fold_weight_counts_shared_facts() -> None:
    G = nx.MultiDiGraph()
    for n, t in [("p:a", "Person"), ("p:b", "Person"), ("p:c", "Person"),
                 ("e:1", "Event"), ("e:2", "Event"), ("e:3", "Event")]:
        G.add_node(n, type=t, name=n, status="confirmed")
    for p, e in [("p:a", "e:1"), ("p:b", "e:1"), ("p:a", "e:2"), ("p:b", "e:2"), ("p:c", "e:2"),
                 ("p:a", "e:3")]:
        G.add_edge(p, e, key=f"{p}{e}", type="PARTICIPATED_IN", status="confirmed")
    F = fold(G)
    w = {frozenset((u, v)): d["weight"] for u, v, d in F.edges(data=True)}
    # a and b share events 1 and 2; c shares only event 2 with each; event 3 has one party.
    assert w == {frozenset(("p:a", "p:b")): 2, frozenset(("p:a", "p:c")): 1, frozenset(("p:b", "p:c")): 1}


def _measured(full: nx.MultiDiGraph) -> list[tuple]:
    """The edges of a folded graph as a fold for measures gives them: folded ties with their
    type, weight and id only, the relationships kept as they were."""
    return [(u, v, k, {x: d[x] for x in ("type", "weight", "id")} if d["type"].startswith("SHARED_") else d)
            for u, v, k, d in full.edges(keys=True, data=True)]


@pytest.mark.parametrize("seed", range(6))
def test_fold_for_measures_makes_the_same_ties(seed: int) -> None:
    """Weights only: the same nodes, ties, keys, weights and order as the whole fold, on random
    graphs of people, states and facts (links both ways, repeated, and between facts)."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    kept = [(f"person:{i}", "Person") for i in range(25)] + [(f"state:{i}", "State") for i in range(4)]
    facts = ([(f"event:{i}", "Event") for i in range(20)] + [(f"treaty:{i}", "Treaty") for i in range(6)]
             + [(f"project:{i}", "Project") for i in range(3)])
    for n, t in kept + facts:
        G.add_node(n, type=t, name=n.upper(), status=rng.choice(["confirmed", "reported", "alleged"]))
    for i in range(160):
        a, b = rng.choice(kept)[0], rng.choice(kept + facts + facts)[0]
        if rng.random() < 0.5:
            a, b = b, a
        G.add_edge(a, b, key=f"r{i}", type="PARTICIPATED_IN", status=rng.choice(["confirmed", "denied"]),
                   sources=[f"doc:d{i % 7} | p{i}"])
    G.add_edge("event:0", "project:0", key="about", type="ABOUT", status="confirmed")
    full, lean = fold(G), fold(G, weights_only=True)
    assert list(lean.nodes(data=True)) == list(full.nodes(data=True))
    assert list(lean.edges(keys=True, data=True)) == _measured(full)
    assert any(d["weight"] > 1 for _, _, d in lean.edges(data=True) if "via" not in d and "weight" in d)


def test_measures_read_folded_graphs_without_their_citations(mini_template: str) -> None:
    """What centrality, communities, brokers and compare read with --fold: the graph of the
    whole fold, ties with weights only, whether filters are read with it or not."""
    from relgraph.analytics import api

    for filters in (Filters(fold=True), Filters(fold=True, as_of=date(2024, 1, 1)),
                    Filters(fold=True, states=("DPRK",), state_depth=2)):
        full = api._graphs(mini_template, filters)[1]
        lean = api._graphs(mini_template, filters, weights_only=True)[1]
        assert list(lean) == list(full), filters
        def ties(H: nx.MultiDiGraph) -> list[tuple]:
            return [(u, v, k, d["type"], d.get("weight")) for u, v, k, d in H.edges(keys=True, data=True)]

        assert ties(lean) == ties(full), filters
        assert any("via" in d for _, _, d in full.edges(data=True))
        assert not any("via" in d or "sources" in d for _, _, d in lean.edges(data=True))
    ranking = api.centrality(mini_template, Filters(fold=True), measure="pagerank", weighted=True)
    assert ranking == M.centrality(api.graph(mini_template, Filters(fold=True)), "pagerank", weighted=True)


def test_simple_view_counts_parallel_relationships(G) -> None:
    U = simple(select(G))
    assert U[PUTIN][PRES]["weight"] == 2
    assert U.number_of_edges() == 6


@pytest.mark.parametrize("seed", range(6))
def test_simple_view_of_a_multidigraph_is_the_edge_by_edge_one(seed: int) -> None:
    """The projection's graphs get their simple view a pair of nodes at a time, set straight
    into the adjacency: the same graph as adding edge by edge, each node's neighbours and
    each tie's relationships in the same order, weights (folded ties) summed, loops left out."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    G.add_nodes_from((f"n{i}", {"type": "X"}) for i in range(30))
    for i in range(200):
        u, v = f"n{rng.randrange(30)}", f"n{rng.randrange(30)}"
        G.add_edge(u, v, key=f"r{i}", **({"weight": rng.randint(1, 3)} if rng.random() < 0.3 else {}))
    want = nx.Graph(G.graph)
    want.add_nodes_from(G.nodes(data=True))
    for u, v, k, d in G.edges(keys=True, data=True):
        if u == v:
            continue
        if want.has_edge(u, v):
            want[u][v]["weight"] += d.get("weight", 1)
            want[u][v]["relationships"].append((u, v, k))
        else:
            want.add_edge(u, v, weight=d.get("weight", 1), relationships=[(u, v, k)])
    for _u, _v, d in want.edges(data=True):
        d["distance"] = 1 / d["weight"]
    U = simple(G)
    assert list(U.nodes(data=True)) == list(want.nodes(data=True))
    assert list(U.edges(data=True)) == list(want.edges(data=True))
    assert all(list(U[n]) == list(want[n]) for n in U)


def same_simple_view(A: nx.Graph, B: nx.Graph) -> None:
    """``A`` (read_simple's) is ``B`` (simple()'s) but for the ties' relationship lists: the
    same nodes and data, each node's neighbours and ties in the same order, and the ties
    measures read as arrays the same as ``B``'s (which simple() does not keep)."""
    assert list(A.nodes(data=True)) == list(B.nodes(data=True))
    for v in B:
        assert [(x, d) for x, d in A[v].items()] == [
            (x, {"weight": d["weight"], "distance": d["distance"]}) for x, d in B[v].items()], v
    for weight in (None, "weight"):
        mine, theirs = M._ties(A, weight), M._ties(B, weight)
        assert mine[0] == theirs[0]
        for a, b in zip(mine[1:], theirs[1:], strict=True):
            assert a.dtype == b.dtype and a.tolist() == b.tolist()


@pytest.mark.parametrize("seed", range(8))
def test_simple_ties_are_the_simple_views_own(seed: int) -> None:
    """The simple view's ties from the relationships' ends as arrays (read_simple's way): each
    node's neighbours in the order simple() meets them, on random multigraphs with
    relationships repeated, both ways and looping."""
    import numpy as np

    from relgraph.analytics.project import _simple_ties

    rng = random.Random(seed)
    n = rng.randint(1, 30)
    G = nx.MultiDiGraph()
    G.add_nodes_from(range(n))
    ends = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(0, 120))]
    G.add_edges_from((a, b, f"r{i}", {}) for i, (a, b) in enumerate(ends))
    nodes, source, target, w = M._ties(simple(G), "weight")
    a, b = (np.array([e[i] for e in ends], dtype=np.int64) for i in (0, 1))
    s, t, tie, weight = _simple_ties(n, a, b)
    assert (s.tolist(), t.tolist(), weight[tie].tolist()) == (source.tolist(), target.tolist(), w.tolist())
    assert nodes == list(range(n))
    assert sorted(set(tie.tolist())) == list(range(len(weight)))


def test_the_simple_view_read_straight_from_the_store_is_simples(mini_template: str) -> None:
    """read_simple gives the simple view of read_for's graph, selected (folded), under every
    filter it takes; the states' networks are refused (they go through the MultiDiGraph)."""
    from relgraph.analytics.project import TIES, read_for, read_simple, relationships

    for filters in (Filters(), Filters(types=("Person", "State", "Position")), Filters(types=("HOLDS",)),
                    Filters(fold=True), Filters(fold=True, types=("Person", "State", "Event", "HOLDS",
                                                                  "PARTICIPATED_IN")),
                    Filters(as_of=date(2019, 4, 25)), Filters(as_of=date(2010, 12, 31), fold=True),
                    Filters(start=date(2023, 9, 1), end=date(2024, 6, 30)), Filters(start=date(2024, 1, 1)),
                    Filters(statuses=("confirmed",)), Filters(statuses=("confirmed", "reported"), fold=True),
                    Filters(as_of=date(2024, 6, 30), statuses=("confirmed",),
                            types=("Person", "State", "Event", "PARTICIPATED_IN"))):
        A = read_simple(mini_template, filters)
        H = select(read_for(mini_template, filters), filters)
        same_simple_view(A, simple(H))
        assert relationships(A) == H.number_of_edges() == relationships(simple(H))
        assert A.number_of_edges() > 0, filters
        arcs = len(M._ties(A, None)[1])
        u, v = next((u, v) for u in A for v in A if u != v and not A.has_edge(u, v))
        A.add_edge(u, v)  # networkx forgets the arrays of a graph it changes
        assert TIES not in A.__networkx_cache__ and len(M._ties(A, None)[1]) == arcs + 2
    assert any(d["weight"] > 1 for *_, d in read_simple(mini_template, Filters(fold=True)).edges(data=True))
    # each filter leaves ties out, so the cases above test its rule
    every = read_simple(mini_template).number_of_edges()
    for f in (Filters(as_of=date(2019, 4, 25)), Filters(start=date(2024, 1, 1)),
              Filters(statuses=("confirmed",))):
        assert 0 < read_simple(mini_template, f).number_of_edges() < every, f
    with pytest.raises(ValueError, match="no states' networks"):
        read_simple(mini_template, Filters(states=("Russia",)))


def test_compare_reads_both_simple_views_at_once_with_the_same_answer(mini_template: str) -> None:
    """compare reads the two dates' simple views in one pass (read_simples): the same rows as
    from the two filtered MultiDiGraphs, folded, by status, around a node."""
    from relgraph.analytics import api
    from relgraph.analytics import temporal as T

    for filters in (Filters(), Filters(fold=True), Filters(statuses=("confirmed", "reported")),
                    Filters(start=date(2000, 1, 1), types=("Person", "State", "Event", "PARTICIPATED_IN"))):
        for dates in (["2001", "2024-06"], ["2019-04-25", "2019-04-24"]):
            _names, g1, g2 = api._snapshots(mini_template, filters, dates)
            for node, measure in ((None, "degree"), ("state:RUS", "pagerank")):
                ours = api.compare(dates, mini_template, filters, node="Russia" if node else None,
                                   measure=measure).rows()
                assert ours == T.compare(g1, g2, node=node, measure=measure, labels=tuple(dates)).rows()
                assert ours[1][1:3] == [g1.number_of_edges(), g2.number_of_edges()]


def test_measures_read_the_simple_view_straight_with_the_same_answers(mini_template: str) -> None:
    """centrality, communities and brokers read the simple view straight (brokers unless
    folded): the same answers as from the filtered MultiDiGraph."""
    from relgraph.analytics import api

    for filters in (Filters(), Filters(types=("Person", "State", "Event", "Position", "HOLDS", "POST_IN",
                                              "PARTICIPATED_IN")), Filters(fold=True),
                    Filters(as_of=date(2019, 4, 25)), Filters(start=date(2018, 1, 1), statuses=("confirmed",),
                                                              fold=True)):
        H = api._graphs(mini_template, filters, weights_only=True)[1]
        for measure in ("degree", "pagerank", "eigenvector", "betweenness", "closeness"):
            ranking = api.centrality(mini_template, filters, measure=measure)
            assert ranking == M.centrality(H, measure), measure
        assert api.communities(mini_template, filters, min_size=1) == M.communities(H, min_size=1)
        report = api.brokers(mini_template, filters)
        assert report == B.brokers(H) and report.brokers
        assert api.brokers(mini_template, filters, camps=("Russia", "DPRK")) == B.brokers(
            H, ("state:RUS", "state:PRK"))


# -- measures ---------------------------------------------------------------

def test_degree_counts_neighbours_or_relationships(G) -> None:
    H = select(G)
    plain = M.scores(H, "degree")
    assert plain[PUTIN] == 2  # the post (twice) and the summit
    assert M.scores(H, "degree", weighted=True)[PUTIN] == 3


def test_betweenness_on_a_path() -> None:
    # a-b-c-d-e: c is on the shortest paths a-d, a-e, b-d, b-e (4 of 6 pairs of others);
    # b on a-c, a-d, a-e (3 of 6).
    s = M.scores(nx.path_graph("abcde"), "betweenness")
    assert s == pytest.approx({"a": 0, "b": 0.5, "c": 4 / 6, "d": 0.5, "e": 0})


def test_betweenness_of_mini_graph(G) -> None:
    # A path of 7: the node at position i (0..6) lies between i * (6 - i) pairs, of 15.
    s = M.scores(select(G), "betweenness")
    assert s[PRES] == pytest.approx(9 / 15)
    assert s[PUTIN] == pytest.approx(8 / 15)
    assert s[KIM] == 0


def test_closeness_on_a_path() -> None:
    s = M.scores(nx.path_graph("abcd"), "closeness")
    assert s == pytest.approx({"a": 3 / 6, "b": 3 / 4, "c": 3 / 4, "d": 3 / 6})


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("weighted", [False, True], ids=["hops", "weighted"])
def test_closeness_from_every_source_is_networkx(seed: int, weighted: bool) -> None:
    """Measured from every node of each component (k at least the largest), the sampled
    closeness is networkx's exact measure, on graphs of several components, isolated nodes
    included, with hop counts by arrays or weighted lengths by Dijkstra."""
    rng = random.Random(seed)
    G = nx.disjoint_union_all([nx.powerlaw_cluster_graph(rng.randint(2, 40), 1, 0.3, seed=seed + i)
                               for i in range(rng.randint(1, 4))])
    G.add_nodes_from([-1, -2])  # no ties
    for u, v in G.edges():
        G[u][v]["distance"] = rng.choice([0.5, 1.0, 2.0])
    distance = "distance" if weighted else None
    want = nx.closeness_centrality(G, distance=distance)
    got = M.closeness(G, k=len(G), seed=seed, distance=distance)
    assert list(got) == list(want) and got == pytest.approx(want, abs=1e-12)


def test_popcount_without_numpy_2() -> None:
    import types

    import numpy as np

    words = np.array([0, 1, 3, 2**63, 2**64 - 1, 0xF0F0], dtype=np.uint64)
    old_numpy = types.SimpleNamespace(uint8=np.uint8, unpackbits=np.unpackbits)  # no bitwise_count
    assert M._popcount(old_numpy, words).tolist() == [0, 1, 2, 1, 64, 8] == M._popcount(np, words).tolist()


def test_sampled_closeness_ranks_as_the_exact_measure() -> None:
    """From 60 of 600 sources, the estimate is close to the exact scores and finds the
    same most central nodes; the same seed draws the same sources."""
    G = nx.powerlaw_cluster_graph(600, 2, 0.2, seed=3)
    exact = nx.closeness_centrality(G)
    est = M.closeness(G, k=60, seed=7)
    assert est == M.closeness(G, k=60, seed=7) and est != M.closeness(G, k=60, seed=8)
    assert max(abs(est[v] - exact[v]) / exact[v] for v in G) < 0.1
    top = sorted(G, key=exact.__getitem__, reverse=True)[:10]
    assert len(set(top) & set(sorted(G, key=est.__getitem__, reverse=True)[:10])) >= 8
    ranking = M.centrality(G, "closeness", top=5, k=60, seed=7)
    assert ranking.sampled == 60 and [s.id for s in ranking.scores] == sorted(
        G, key=lambda v: (-est[v], str(v)))[:5]


def test_eigenvector_on_a_star() -> None:
    # Leading eigenvector of a 3-leaf star: centre 1/sqrt(2), leaves 1/sqrt(6).
    s = M.scores(nx.star_graph(3), "eigenvector")
    assert s[0] == pytest.approx(1 / math.sqrt(2), abs=1e-6)
    assert s[1] == pytest.approx(1 / math.sqrt(6), abs=1e-6)


def test_pagerank_with_an_isolated_node() -> None:
    # a-b plus isolated i: i = 0.05 + 0.85 i/3 -> i = 0.05 / (1 - 0.85/3); a = b = (1 - i)/2.
    G = nx.Graph([("a", "b")])
    G.add_node("i")
    s = M.pagerank(G)
    i = 0.05 / (1 - 0.85 / 3)
    assert s["i"] == pytest.approx(i)
    assert s["a"] == pytest.approx((1 - i) / 2)


def test_pagerank_uses_weights_when_asked() -> None:
    # Path a -(3)- b -(1)- c: b sends 3/4 of its score to a. Solve the 3x3 system by hand:
    # a = 0.05 + 0.85 * 3b/4, c = 0.05 + 0.85 * b/4, b = 0.05 + 0.85 (a + c).
    G = nx.Graph()
    G.add_edge("a", "b", weight=3)
    G.add_edge("b", "c", weight=1)
    s = M.pagerank(G, weight="weight")
    b = (0.05 + 0.85 * 0.1) / (1 - 0.85 * 0.85)
    assert s["b"] == pytest.approx(b)
    assert s["a"] == pytest.approx(0.05 + 0.85 * 0.75 * b)
    assert s["c"] == pytest.approx(0.05 + 0.85 * 0.25 * b)


def test_centrality_ranks_ties_together_and_cuts_at_top(G) -> None:
    r = M.centrality(select(G), "degree", top=6)
    # Five nodes have two neighbours, Kim and the DPRK one each.
    assert [s.rank for s in r.scores] == [1, 1, 1, 1, 1, 6]
    assert r.scores[5].score == 1 and r.scores[5].id in (KIM, PRK)
    assert (r.nodes, r.ties) == (7, 6)


def test_betweenness_sampling_repeats_with_a_seed() -> None:
    G = nx.barabasi_albert_graph(60, 2, seed=1)
    a = M.centrality(G, "betweenness", k=10, seed=7)
    b = M.centrality(G, "betweenness", k=10, seed=7)
    assert a.sampled == 10 and [(s.id, s.score) for s in a.scores] == [(s.id, s.score) for s in b.scores]
    assert M.centrality(G, "betweenness", k=100).sampled is None  # k >= n: exact


def test_unknown_measure() -> None:
    with pytest.raises(UsageError, match="unknown measure 'fame'"):
        M.scores(nx.Graph(), "fame")


def test_louvain_finds_two_triangles() -> None:
    # Q = 2 * (3/7 - (7/14)^2) for the split, m = 7 edges.
    G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    r = M.communities(G, seed=3)
    assert sorted(sorted(c.members) for c in r.communities) == [["a", "b", "c"], ["x", "y", "z"]]
    assert r.modularity == pytest.approx(2 * (3 / 7 - 0.25))
    # Members most connected first: the bridge ends c and x lead their triangles.
    assert {c.members[0] for c in r.communities} == {"c", "x"}


def test_communities_hide_small_ones(G) -> None:
    G2 = nx.Graph([("a", "b")])
    G2.add_node("lonely")
    r = M.communities(G2)
    assert [c.members for c in r.communities] == [["a", "b"]] and r.singletons == 1


# -- paths ------------------------------------------------------------------

def test_putin_and_kim_linked_through_the_summit(G) -> None:
    r = P.shortest_paths(select(G), PUTIN, KIM)
    (path,) = r.paths
    assert path.nodes == [PUTIN, SUMMIT, KIM]
    assert [(h.step, h.type, h.direction, h.props["status"]) for h in path.hops] == [
        (1, "PARTICIPATED_IN", "forward", "confirmed"), (2, "PARTICIPATED_IN", "backward", "confirmed")]
    assert all(h.props["sources"] == ["doc:eai-2024-06-05 | para 1"] for h in path.hops)


def test_a_hop_lists_every_parallel_relationship(G) -> None:
    (path,) = P.shortest_paths(select(G), PUTIN, RUS).paths
    assert [(h.step, h.props["id"]) for h in path.hops] == [
        (1, HOLDS_1), (1, HOLDS_2), (2, f"POST_IN:{PRES}->{RUS}")]


def test_no_path_when_time_cuts_it(G) -> None:
    assert P.shortest_paths(select(G, Filters(as_of=date(2010, 1, 1))), PUTIN, RUS).paths == []
    assert P.shortest_paths(select(G), PUTIN, RUS, max_hops=1).paths == []
    assert len(P.shortest_paths(select(G), PUTIN, RUS, max_hops=2).paths) == 1


def test_all_shortest_paths() -> None:
    G = nx.MultiDiGraph([("a", "b"), ("b", "d"), ("a", "c"), ("c", "d"), ("a", "e"), ("e", "f"), ("f", "d")])
    r = P.shortest_paths(G, "a", "d", all_paths=True)
    assert [p.nodes for p in r.paths] == [["a", "b", "d"], ["a", "c", "d"]]
    r = P.shortest_paths(G, "a", "d", all_paths=True, limit=1)
    assert len(r.paths) == 1 and r.truncated


def test_resolve_by_id_name_alias_and_suggest(G) -> None:
    assert resolve(G, KIM) == KIM
    assert resolve(G, "kim jong-un") == KIM
    assert resolve(G, "Najin–Khasan Railway") == RAIL
    with pytest.raises(NotFoundError) as e:
        resolve(G, "Kim Jog Un")
    assert str(e.value) == "no node named 'Kim Jog Un'; did you mean 'Kim Jong-un'?"


def test_name_beats_another_nodes_alias() -> None:
    # Like "Rajin port" (a Place) and the port authority with the alias "Rajin Port".
    G = nx.MultiDiGraph()
    G.add_node("place:p", name="Rajin port", aliases=["Port of Rajin"], type="Place")
    G.add_node("org:a", name="Port of Rajin", aliases=["Rajin Port"], type="Organization")
    assert resolve(G, "Rajin port") == "place:p"
    assert resolve(G, "Port of Rajin") == "org:a"


# -- brokers ----------------------------------------------------------------

def test_camps_follow_belonging_relationships(G) -> None:
    c = B.camps(select(G))
    assert c[PUTIN] == RUS and c[PRES] == RUS and c[RUS] == RUS and c[PRK] == PRK
    assert c[KIM] is None and c[SUMMIT] is None  # the mini data has no CITIZEN_OF


def test_brokers_of_mini_graph(G) -> None:
    r = B.brokers(select(G))
    assert set(r.between) == {RUS, PRK}
    rows = {b.id: b for b in r.brokers}
    # Every inner node of the path of 7 is an articulation point; the ends are not listed, nor
    # are the camps themselves (Russia, an inner node).
    assert set(rows) == {SUMMIT, PUTIN, PRES, RAIL}
    assert all(b.articulation for b in rows.values())
    # The railway links Russia and the DPRK, neither of which it belongs to: a liaison, one bridge.
    assert (rows[RAIL].bridges, rows[RAIL].roles["liaison"]) == (1, 1)
    assert r.brokers[0].id == RAIL
    # The post sits between Putin and Russia, all in Russia's camp: a coordinator.
    assert rows[PRES].roles == {"coordinator": 1, "itinerant": 0, "representative": 0, "liaison": 0}
    assert rows[PRES].betweenness == pytest.approx(9 / 15)


def test_roles_follow_the_camps_asked_for() -> None:
    # x sits between a Russian and a Chinese official; y between a Russian and a North Korean one.
    G = nx.MultiDiGraph()
    for s in ("RUS", "CHN", "PRK"):
        G.add_node(f"state:{s}", type="State", name=s)
        G.add_node(f"position:{s}", type="Position", name=f"post {s}")
        G.add_node(f"person:{s}", type="Person", name=f"official {s}")
        G.add_edge(f"person:{s}", f"position:{s}", type="HOLDS")
        G.add_edge(f"position:{s}", f"state:{s}", type="POST_IN")
    for e, a, b in (("event:x", "RUS", "CHN"), ("event:y", "RUS", "PRK")):
        G.add_node(e, type="Event", name=e)
        G.add_edge(f"person:{a}", e, type="PARTICIPATED_IN")
        G.add_edge(f"person:{b}", e, type="PARTICIPATED_IN")
    for camps, broker, other in ((("state:RUS", "state:CHN"), "event:x", "event:y"),
                                 (("state:RUS", "state:PRK"), "event:y", "event:x")):
        rows = {b.id: b for b in B.brokers(G, camps).brokers}
        assert (rows[broker].roles["liaison"], rows[broker].bridges) == (1, 1), camps
        assert other not in rows or sum(rows[other].roles.values()) == 0, camps
        assert not set(camps) & set(rows)  # the camps are not their own brokers


def test_brokerage_roles() -> None:
    # b between a and c; the groups decide the role.
    line = nx.path_graph(["a", "b", "c"])
    cases = {("X", "X", "X"): "coordinator", ("X", "Y", "X"): "itinerant",
             ("X", "X", "Y"): "representative", ("X", "Y", "Y"): "representative",
             ("X", "Y", "Z"): "liaison"}
    for (ga, gb, gc), role in cases.items():
        roles = B.brokerage(line, {"a": ga, "b": gb, "c": gc})["b"]
        assert roles[role] == 1 and sum(roles[x] for x in B.ROLES) == 1, (ga, gb, gc)
    # a tied to c: no brokerage at all
    assert sum(B.brokerage(nx.complete_graph(["a", "b", "c"]), {})["b"].values()) == 0


def _brokerage_pair_by_pair(U: nx.Graph, groups: dict, between: tuple | None) -> dict:
    """The roles by their definition: every pair of each node's neighbours, one by one."""
    from itertools import combinations

    cross = set(between) if between else None
    out = {}
    for b in U:
        counts = dict.fromkeys((*B.ROLES, "bridges"), 0)
        gb = groups.get(b)
        for a, c in combinations(U[b], 2):
            ga, gc = groups.get(a), groups.get(c)
            if U.has_edge(a, c) or (cross and not (ga in cross and gc in cross)):
                continue
            role = ("coordinator" if ga == gb == gc else "itinerant" if ga == gc
                    else "representative" if gb in (ga, gc) else "liaison")
            counts[role] += 1
            counts["bridges"] += bool(cross and ga != gc and {ga, gc} == cross)
        out[b] = counts
    return out


@pytest.mark.parametrize("fast", [True, False], ids=["igraph", "networkx"])
@pytest.mark.parametrize("seed", range(12))
def test_brokerage_counts_what_pair_by_pair_counts(seed: int, fast: bool,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Roles counted by camp (less the triangles, listed by igraph or by relgraph) equal the
    pair-by-pair definition, on random graphs with hubs, triangles, camps and nodes of no
    camp, and a camp asked for that nobody is in."""
    from relgraph.analytics import measures

    if not fast:
        monkeypatch.setattr(measures, "_igraph", lambda: None)
    rng = random.Random(seed)
    G = nx.powerlaw_cluster_graph(rng.randint(5, 60), rng.randint(1, 4), rng.random(), seed=seed)
    camps = ["X", "Y", "Z", None]
    groups = {v: rng.choice(camps) for v in G if rng.random() < 0.9}
    for between in (None, ("X", "Y"), ("X", "Z"), ("Y", "Y"), ("X", "nobody")):
        assert B.brokerage(G, groups, between) == _brokerage_pair_by_pair(G, groups, between), between


@pytest.mark.parametrize("seed", range(6))
def test_articulation_points_by_igraph_are_networkx_ones(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from relgraph.analytics import measures

    rng = random.Random(seed)
    G = nx.relabel_nodes(nx.gnm_random_graph(50, rng.randint(30, 80), seed=seed), lambda i: f"n{i}")
    G.add_edges_from([("x", "y"), ("y", "y"), ("y", "z")])  # a path of its own, and a self-loop
    cut = measures.articulation_points(G)
    assert cut == set(nx.articulation_points(G)) and "y" in cut
    monkeypatch.setattr(measures, "_igraph", lambda: None)
    assert measures.articulation_points(G) == cut


# -- ego and snapshots -----------------------------------------------------

def test_ego_network(G) -> None:
    r = T.ego(select(G), PUTIN, depth=2)
    assert [(m.distance, m.id) for m in r.members] == [(1, SUMMIT), (1, PRES), (2, KIM), (2, RUS)]
    assert r.members[2].via == ["Vostochny Cosmodrome summit <-[PARTICIPATED_IN]-"]
    assert r.relationships == 5  # HOLDS x2, POST_IN, PARTICIPATED_IN x2


def test_compare_two_dates(G) -> None:
    before = select(G, Filters(as_of=date(2020, 1, 1)))
    after = select(G, Filters(as_of=date(2024, 6, 30)))
    rows = {m[0]: m[1:] for m in T.compare(before, after, node=PUTIN, top=1).metrics}
    # 2020: no summit yet; the railway (2013) and the second term (2012) hold.
    assert rows["nodes"] == (6, 7, 1)
    assert rows["relationships"] == (4, 6, 2)
    assert rows["components"] == (2, 1, -1)  # Kim was cut off before the summit
    assert rows["Vladimir Putin: degree score"] == (1.0, 2.0, 1.0)
    assert rows["Vladimir Putin: ego network (depth 1)"] == (2, 3, 1)


def test_changes_between_two_dates(G) -> None:
    before = select(G, Filters(as_of=date(2020, 1, 1)))
    after = select(G, Filters(as_of=date(2024, 6, 30)))
    got = [(c.change, c.kind, c.props["id"]) for c in T.changes(before, after).changes]
    assert got == [("added", "node", SUMMIT),
                   ("added", "relationship", f"PARTICIPATED_IN:{KIM}->{SUMMIT}"),
                   ("added", "relationship", f"PARTICIPATED_IN:{PUTIN}->{SUMMIT}")]
    back = [(c.change, c.props["id"]) for c in T.changes(after, before).changes]
    assert back[0] == ("removed", SUMMIT) and len(back) == 3


@pytest.mark.parametrize("dates", [("2020-01-01", "2024-06-30"), ("2024-06-30", "2020-01-01"),
                                   ("2013", "2024"), ("1950", "2030"), ("2023-09", "2023-09")])
def test_changes_read_without_what_both_dates_hold(mini_template: str, dates: tuple[str, str]) -> None:
    """`compare --changes` reads only the relationships not in both snapshots: the same
    changes as between the two whole snapshots, with filters of statuses and types too, and
    with folding (which reads everything)."""
    from relgraph.analytics import api

    for filters in (Filters(), Filters.parse(statuses="confirmed,reported"),
                    Filters.parse(types="Person,Event"), Filters(fold=True)):
        got = api.changes(list(dates), mini_template, filters)
        _names, *whole = api._snapshots(mini_template, filters, list(dates), full=True)
        assert any(g.number_of_edges() for g in whole)
        assert got.changes == T.changes(*whole, labels=dates).changes, filters
    assert api.changes(list(dates), mini_template).changes or dates[0] == dates[1]


# -- the CLI ----------------------------------------------------------------

def test_cli_centrality_json(cli, mini_template: str) -> None:
    r = cli("analyze", "centrality", "--measure", "betweenness", "--top", "2", "--format", "json",
            "--store", mini_template)
    assert r.exit_code == 0, r.stderr
    rows = json.loads(r.stdout)
    # 9/15, then Russia and Putin tied at 8/15: ties go by name, "Russian Federation" first.
    assert [(row["rank"], row["id"]) for row in rows] == [(1, PRES), (2, RUS)]
    assert [row["score"] for row in rows] == pytest.approx([9 / 15, 8 / 15])


def test_cli_path_table_cites_every_hop(cli, mini_template: str) -> None:
    r = cli("analyze", "path", "Putin", "Kim Jong-un", "--store", mini_template)
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == ("Path 1 of 1, 2 hops: Vladimir Putin - Vostochny Cosmodrome summit (2023-09-13) - "
                        "Kim Jong Un")
    assert "-[PARTICIPATED_IN]->" in lines[3] and lines[3].rstrip().endswith("confirmed  [1]")
    assert "<-[PARTICIPATED_IN]-" in lines[4] and lines[4].rstrip().endswith("[1]")
    assert lines[-1] == ("[1] Russia-DPRK Ties after 75th Anniversary of Diplomatic Relations: Hurdles and "
                         "Opportunities (Seho Jang, East Asia Institute, 2024-06-05): para 1")


def test_cli_path_csv_and_no_path(cli, mini_template: str) -> None:
    r = cli("analyze", "path", "Putin", "Russia", "--format", "csv", "--store", mini_template)
    assert r.exit_code == 0
    assert r.stdout.splitlines()[0] == ("path,hop,from,type,direction,to,date,validFrom,validTo,status,"
                                        "sources,id")
    assert len(r.stdout.splitlines()) == 1 + 3
    r = cli("analyze", "path", "Putin", "Russia", "--as-of", "2010-01-01", "--store", mini_template)
    assert r.exit_code == 0
    assert r.stdout == "No path between Vladimir Putin and Russian Federation [--as-of 2010-01-01].\n"


def test_cli_unknown_name_suggests(cli, mini_template: str) -> None:
    r = cli("analyze", "path", "Putin", "Kim Jog Un", "--store", mini_template)
    assert r.exit_code == 2
    assert r.stderr == "error: no node named 'Kim Jog Un'; did you mean 'Kim Jong-un'?\n"


def test_cli_node_left_out_by_filters(cli, mini_template: str) -> None:
    r = cli("analyze", "ego", "Vostochny Cosmodrome summit", "--fold", "--store", mini_template)
    assert r.exit_code == 2
    assert "is not in the graph under these filters: --fold" in r.stderr


def test_cli_other_analyses_run(cli, mini_template: str) -> None:
    for args in (["brokers", "--format", "csv"], ["communities"], ["ego", "Putin", "--depth", "2"],
                 ["compare", "--as-of", "2020-01-01", "--as-of", "2024-06-30", "--node", "Putin"],
                 ["compare", "--as-of", "2020-01-01", "--as-of", "2024-06-30", "--changes"]):
        r = cli("analyze", *args, "--store", mini_template)
        assert r.exit_code == 0, (args, r.stderr)
    r = cli("analyze", "compare", "--as-of", "2020-01-01", "--changes", "--format", "json",
            "--as-of", "2024-06-30", "--store", mini_template)
    assert json.loads(r.stdout)[0]["id"] == SUMMIT
    r = cli("analyze", "compare", "--as-of", "2020-01-01", "--store", mini_template)
    assert r.exit_code == 2 and "two dates" in r.stderr


def test_help_does_not_import_networkx() -> None:
    code = "import sys, relgraph.cli; sys.exit('networkx' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_scores_within_the_tie_tolerance_share_a_rank() -> None:
    from relgraph.analytics.measures import _TIE, rank

    G = nx.path_graph(["a", "b", "c"])
    ranked = rank(G, {"a": _TIE, "b": 0.0, "c": -1.5 * _TIE})  # a-b exactly _TIE apart, b-c more
    assert [(s.rank, s.id) for s in ranked] == [(1, "a"), (1, "b"), (3, "c")]


def test_pagerank_that_does_not_converge_says_so() -> None:
    from relgraph.analytics.measures import pagerank

    with pytest.raises(nx.PowerIterationFailedConvergence):
        pagerank(nx.star_graph(3), max_iter=3)


def test_pagerank_counts_parallel_ties_and_unweighted_ties_as_weight_1() -> None:
    from relgraph.analytics.measures import pagerank

    multi = nx.MultiGraph([("a", "b"), ("a", "b"), ("b", "c"), ("c", "d")])
    weighted = nx.Graph()
    weighted.add_edge("a", "b", w=2)
    weighted.add_edge("b", "c", w=1)
    weighted.add_edge("c", "d")  # no weight: 1
    expected = pagerank(weighted, weight="w")
    assert pagerank(multi) == pytest.approx(expected, rel=1e-9)
    assert pagerank(multi, weight="w") == pytest.approx(expected, rel=1e-9)  # no weights given: 1 each
    assert expected != pytest.approx(pagerank(nx.Graph(multi)), rel=1e-3)  # the weights count


def test_weighted_paths_follow_the_ties_with_most_relationships() -> None:
    from relgraph.analytics.measures import scores

    # a-b and b-c three relationships each, a-c one: by hops a-c is direct; by weight (distance
    # 1/3 + 1/3 < 1) the way runs through b.
    G = nx.MultiDiGraph([("a", "b")] * 3 + [("b", "c")] * 3 + [("a", "c")])
    assert scores(G, "betweenness")["b"] == 0.0
    assert scores(G, "betweenness", weighted=True)["b"] == 1.0
    assert scores(G, "closeness") == {"a": 1.0, "b": 1.0, "c": 1.0}
    assert scores(G, "closeness", weighted=True)["a"] == pytest.approx(2 / (1 / 3 + 2 / 3))


def test_sampled_betweenness_samples_fewer_sources_than_nodes_with_seed_0_by_default() -> None:
    from relgraph.analytics.measures import centrality, scores

    G = nx.gnm_random_graph(40, 90, seed=3)
    exact = scores(G, "betweenness")
    assert scores(G, "betweenness", k=40) == exact == scores(G, "betweenness", k=400)  # k >= nodes: exact
    sampled = scores(G, "betweenness", k=5)
    assert sampled != pytest.approx(exact)
    assert sampled == scores(G, "betweenness", k=5, seed=0) != scores(G, "betweenness", k=5, seed=1)
    r = centrality(G, "betweenness", k=5)
    assert (r.sampled, r.seed) == (5, 0)
    assert [s.score for s in r.scores] == [s.score for s in centrality(G, "betweenness", k=5, seed=0).scores]
    assert centrality(G, "betweenness", k=40).sampled is None


def test_eigenvector_without_ties_and_when_it_does_not_converge(monkeypatch: pytest.MonkeyPatch) -> None:
    from relgraph.analytics import measures
    from relgraph.analytics.measures import scores

    assert scores(nx.empty_graph(["a", "b"]), "eigenvector") == {"a": 0.0, "b": 0.0}
    pair = scores(nx.path_graph(["a", "b"]), "eigenvector")
    assert pair == pytest.approx({"a": 0.5**0.5, "b": 0.5**0.5})

    def no_convergence(*_: object, **__: object) -> None:  # the answer on a graph it cannot rank
        raise nx.PowerIterationFailedConvergence(10_000)

    monkeypatch.setattr(measures, "eigenvector", no_convergence)
    with pytest.raises(UsageError, match="did not converge on this graph; try --measure pagerank"):
        scores(nx.path_graph(["a", "b"]), "eigenvector")


@pytest.mark.parametrize("weighted", [False, True])
def test_eigenvector_on_arrays_is_networkx_eigenvector_centrality(weighted: bool) -> None:
    from relgraph.analytics.measures import eigenvector

    for seed in range(5):
        G = nx.gnm_random_graph(60, 150 + 40 * seed, seed=seed)
        G.add_edge(3, 3)  # a self-loop counts once, as G[3] lists it
        for i, (_, _, d) in enumerate(G.edges(data=True)):
            d["w"] = 1 + (i * 7 + seed) % 5
        w = "w" if weighted else None
        ours, theirs = eigenvector(G, weight=w), nx.eigenvector_centrality(G, max_iter=10_000, weight=w)
        assert list(ours) == list(theirs)
        assert ours == pytest.approx(theirs, abs=1e-12)
    with pytest.raises(nx.PowerIterationFailedConvergence):
        eigenvector(nx.path_graph(30), max_iter=5)
    with pytest.raises(nx.NetworkXPointlessConcept):
        eigenvector(nx.empty_graph(0))


def test_betweenness_samples_on_big_graphs_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from relgraph.analytics import measures

    monkeypatch.setattr(measures, "EXACT_BETWEENNESS_UP_TO", 10)
    monkeypatch.setattr(measures, "DEFAULT_SAMPLES", 3)
    small, big = nx.path_graph(10), nx.path_graph(11)
    assert measures.centrality(small, "betweenness").sampled is None
    r = measures.centrality(big, "betweenness")
    assert (r.sampled, r.seed) == (3, 0)
    assert measures.centrality(big, "betweenness", k=5).sampled == 5
    assert measures.centrality(big, "degree").sampled is None


def test_communities_defaults_are_the_documented_ones() -> None:
    """Seed 0, resolution 1, weighted by the number of relationships, pairs listed (the CLI's defaults)."""
    from relgraph.analytics.measures import communities

    G = nx.MultiGraph(nx.gnm_random_graph(40, 80, seed=0))
    for u, v in list(G.edges())[::3]:
        G.add_edge(u, v)  # a second relationship: weight 2
    G.add_edge("p", "q")
    G.add_node("lonely")

    def found(**kw: object) -> tuple:
        c = communities(G, **kw)
        members = sorted(sorted(map(str, x.members)) for x in c.communities)
        return members, round(c.modularity, 9), c.singletons

    default = found()
    assert default == found(seed=0, resolution=1.0, weighted=True, min_size=2)
    assert ["p", "q"] in default[0] and default[2] >= 1
    for other in ({"seed": 1}, {"resolution": 2.0}, {"resolution": 0.5}, {"weighted": False},
                  {"min_size": 1}, {"min_size": 3}):
        assert found(**other) != default, other
    # Weighted means the ties' weights (their numbers of relationships) count, in the split and its score.
    from relgraph.analytics.project import simple

    U = simple(G)
    for weighted, weight in ((True, "weight"), (False, None)):
        c = communities(G, weighted=weighted, min_size=1)
        parts = [set(x.members) for x in c.communities]
        assert c.modularity == pytest.approx(nx.community.modularity(U, parts, weight=weight))
        assert c.modularity != pytest.approx(nx.community.modularity(U, parts, weight="weight" if not weight
                                                                      else None))


@pytest.mark.parametrize("resolution", [0.0, -1.0, math.inf, math.nan])
def test_communities_need_a_positive_finite_resolution(resolution: float) -> None:
    from relgraph.analytics.measures import communities

    with pytest.raises(UsageError, match="give a positive number"):
        communities(nx.path_graph(3), resolution=resolution)


def test_communities_are_numbered_largest_first_with_their_types_most_first() -> None:
    from relgraph.analytics.measures import communities

    G = nx.Graph()
    for n, (name, kind) in enumerate([("A state", "State"), ("B event", "Event"), ("C person", "Person"),
                                       ("D person", "Person")]):
        G.add_node(n, name=name, type=kind)
    G.add_edges_from([(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)])  # one clique of four
    G.add_node("x", name="X", type="State")
    G.add_edge("x", "y")
    G.nodes["y"].update(name="Y", type="Person")
    G.add_edge("w", "z")  # as big as x-y: the first names (W before X) decide, not the last (Y before Z)
    G.nodes["w"].update(name="W", type="State")
    G.nodes["z"].update(name="Z", type="State")
    c = communities(G)
    assert [(x.number, x.names) for x in c.communities] == [
        (1, ["A state", "B event", "C person", "D person"]), (2, ["W", "Z"]), (3, ["X", "Y"])]
    assert list(c.communities[0].types.items()) == [("Person", 2), ("Event", 1), ("State", 1)]
    assert c.rows()[0][2] == "Person 2, Event 1, State 1"

    alone = communities(nx.empty_graph(["a", "b", "c"]))
    assert (alone.communities, alone.singletons, alone.modularity) == ([], 3, 0.0)


@pytest.mark.parametrize("seed", range(8))
def test_communities_list_members_most_connected_first_by_networkx_degrees(seed: int) -> None:
    """Members by their degree in the simple view (weighted or not, as networkx's degree view
    counts it), then name, then id."""
    G = _random_graph(seed)
    for i, n in enumerate(G):
        if i % 3:
            G.nodes[n]["name"] = f"N{i % 5}"  # names shared, and some nodes with none
    U = simple(G)
    for weighted in (True, False):
        degree = dict(U.degree(weight="weight" if weighted else None))
        for c in M.communities(G, weighted=weighted, min_size=1).communities:
            assert c.members == sorted(c.members, key=lambda n: (-degree[n], str(G.nodes[n].get("name", n)),
                                                                   str(n)))
            assert c.names == [str(G.nodes[n].get("name", n)) for n in c.members]


def _random_graph(seed: int) -> nx.Graph:
    """Random graphs of several shapes, string names, integer weights on some ties, maybe a
    self-loop, and a node alone."""
    rng = random.Random(seed)
    kind = seed % 4
    if kind == 0:
        G = nx.gnm_random_graph(rng.randint(5, 150), rng.randint(5, 400), seed=seed)
    elif kind == 1:
        G = nx.powerlaw_cluster_graph(rng.randint(10, 200), rng.randint(1, 4), rng.random(), seed=seed)
    elif kind == 2:
        G = nx.barabasi_albert_graph(rng.randint(10, 200), rng.randint(1, 3), seed=seed)
    else:
        G = nx.connected_caveman_graph(rng.randint(2, 8), rng.randint(3, 8))
    G = nx.relabel_nodes(G, {v: f"n{rng.random():.6f}" for v in G})
    for u, v in G.edges():
        if rng.random() < 0.5:
            G[u][v]["weight"] = rng.randint(1, 5)
    if rng.random() < 0.5:
        x = rng.choice(list(G))
        G.add_edge(x, x, weight=2)
    G.add_node("alone")
    return G


@pytest.mark.parametrize("seed", range(40))
def test_louvain_on_lists_finds_networkx_communities(seed: int) -> None:
    """The same communities as networkx's louvain_communities (every level, every tie
    between equal gains), weighted or not, at several resolutions and seeds; and the same
    modularity."""
    from relgraph.analytics import louvain

    G = _random_graph(seed)
    rng = random.Random(seed)

    def canon(found: list[set]) -> list[list[str]]:
        return sorted(sorted(c) for c in found)

    for weight in ("weight", None):
        for resolution in (1.0, 0.5, 2.0):
            s = rng.randint(0, 10**6)
            ours = louvain.louvain_communities(G, weight=weight, resolution=resolution, seed=s)
            theirs = nx.community.louvain_communities(G, weight=weight, resolution=resolution, seed=s)
            assert canon(ours) == canon(theirs), (weight, resolution, s)
            assert louvain.modularity(G, ours, weight=weight, resolution=resolution) == pytest.approx(
                nx.community.modularity(G, theirs, weight=weight, resolution=resolution), abs=1e-12)
    assert louvain.louvain_communities(nx.empty_graph(["a", "b"])) == [{"a"}, {"b"}]
    with pytest.raises(ValueError):
        louvain.louvain_communities(nx.MultiGraph(G))


@pytest.mark.parametrize("split", [False, True], ids=["one-process", "two-processes"])
@pytest.mark.parametrize("k", [None, 2, 17, 59])
def test_betweenness_by_igraph_is_networkx_betweenness(k: int | None, split: bool,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from relgraph.analytics import measures

    assert measures._igraph() is not None, "igraph is in the [test] extra"
    if split:  # the sampled sources shared between two forked processes, however small the work
        monkeypatch.setattr(measures, "_workers", lambda work: 2)
    for seed in range(4):
        G = nx.relabel_nodes(nx.gnm_random_graph(60, 70 + 30 * seed, seed=seed), lambda i: f"n{i:02d}")
        G.add_edges_from([("x", "y"), ("y", "y")])  # another component, and a self-loop
        fast = measures.betweenness(G, k=k, seed=seed)
        assert list(fast) == list(G)
        assert fast == pytest.approx(nx.betweenness_centrality(G, k=k, seed=seed), abs=1e-12, rel=1e-12)
        assert fast != pytest.approx(measures.betweenness(G, k=k, seed=seed + 1)) or k is None
    with monkeypatch.context() as m:  # without igraph: networkx itself
        m.setattr(measures, "_igraph", lambda: None)
        assert measures.betweenness(G, k=k, seed=1) == nx.betweenness_centrality(G, k=k, seed=1)
    W = nx.path_graph(["a", "b", "c", "d"])
    nx.set_edge_attributes(W, 2.0, "distance")  # weighted: networkx's (igraph's ties differ)
    assert measures.betweenness(W, weight="distance") == nx.betweenness_centrality(W, weight="distance")


def test_betweenness_is_split_between_processes_only_where_it_pays_and_is_safe(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from relgraph.analytics import measures

    cpus = len(os.sched_getaffinity(0))
    # sys.platform is the process's own: patched only around the calls that read it
    with monkeypatch.context() as m:  # whatever threads other tests left running
        m.setattr(measures.sys, "platform", "linux")
        m.setattr(measures.threading, "active_count", lambda: 1)
        assert measures._workers(measures._SPLIT_FROM - 1) == 1  # under a second of igraph
        assert measures._workers(measures._SPLIT_FROM) == cpus
        m.setattr(measures.sys, "platform", "darwin")
        assert measures._workers(measures._SPLIT_FROM) == 1
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:  # another Python thread could hold a lock a forked child needs
        with monkeypatch.context() as m:
            m.setattr(measures.sys, "platform", "linux")
            assert measures._workers(measures._SPLIT_FROM) == 1
    finally:
        stop.set()
        other.join()
    ig = measures._igraph()
    g = ig.Graph.Erdos_Renyi(n=300, m=900)
    sources = list(range(0, 300, 7))
    whole = g.betweenness(sources=sources, directed=False)
    assert measures._betweenness_from(g, sources, workers=3) == pytest.approx(whole, rel=1e-12, abs=1e-12)
    assert measures._SHARED is None  # the workers' graph is not kept


def test_fill_gives_the_whole_records_of_a_lean_read(mini_template: str) -> None:
    from relgraph.analytics.project import fill, read_for

    whole = read_store(mini_template)
    lean = read_for(mini_template, Filters())
    assert any(len(d) < len(whole.nodes[n]) for n, d in lean.nodes(data=True))  # lean really is lean
    lean.add_edge("state:PRK", "state:RUS", key="made", type="TIE", note="not in the store")
    filled = fill(mini_template, lean)
    assert len(lean) > 3 and list(filled.nodes(data=True)) == [(n, whole.nodes[n]) for n in lean]
    made = filled.edges["state:PRK", "state:RUS", "made"]
    assert made == {"type": "TIE", "note": "not in the store"}
    filled.remove_edge("state:PRK", "state:RUS", "made")
    kept = {(u, v, k): d for u, v, k, d in whole.edges(keys=True, data=True) if u in lean and v in lean}
    assert len(kept) > 3 and {(u, v, k): d for u, v, k, d in filled.edges(keys=True, data=True)} == kept
    part = lean.subgraph(["state:PRK", "state:RUS"])
    assert set(fill(mini_template, part).nodes) == {"state:PRK", "state:RUS"}
