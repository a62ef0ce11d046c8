"""Analytics on the bundled Russia–DPRK dataset: answers an analyst who has read the
seed documents can check."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from relgraph import api
from relgraph.analytics import api as analyze
from relgraph.analytics.brokers import default_camps
from relgraph.analytics.measures import centrality
from relgraph.analytics.project import Filters, read_store, resolve, select


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    location = str(tmp_path_factory.mktemp("bundled") / "bundled.db")
    api.load(store=location)
    return location


@pytest.fixture(scope="module")
def G(store: str) -> nx.MultiDiGraph:
    return read_store(store)


def test_putin_and_kim_met_at_the_vostochny_summit(store: str) -> None:
    # September 2023, people and events only: the one link is the summit at Vostochny.
    f = Filters(types=("Person", "Event"), start=date(2023, 9, 1), end=date(2023, 9, 30))
    r = analyze.path("Vladimir Putin", "Kim Jong Un", store, f)
    (path,) = r.paths
    assert path.length == 2
    summit = path.node_props[1]
    assert summit["type"] == "Event" and summit["date"] == date(2023, 9, 13)
    assert "Vostochny" in path.names[1]
    assert all(h.type == "PARTICIPATED_IN" and h.props["sources"] for h in path.hops)


def test_lavrov_to_rajin_port_every_hop_sourced(store: str, G: nx.MultiDiGraph) -> None:
    r = analyze.path("Sergei Lavrov", "Rajin port", store)
    assert r.paths, "Lavrov and Rajin port should be connected"
    (path,) = r.paths
    assert path.nodes[0] == resolve(G, "Sergei Lavrov")
    assert G.nodes[path.nodes[-1]]["type"] == "Place"  # the port itself, not the port authority
    for h in path.hops:
        assert h.props.get("sources"), h.props.get("id")
    # Every cited document is a Document node of the dataset.
    assert r.documents and all(d.get("type") == "Document" for d in r.documents.values())


def test_russia_and_the_dprk_are_the_most_connected(G: nx.MultiDiGraph) -> None:
    H = select(G, Filters(as_of=date(2024, 6, 30)))
    top = {s.id for s in centrality(H, "degree", top=2).scores}
    assert top == {"state:RUS", "state:PRK"}
    assert set(default_camps(H)) == {"state:RUS", "state:PRK"}


def test_treaties_come_and_go_with_as_of(G: nx.MultiDiGraph) -> None:
    cold_war = resolve(G, "1961 Soviet–DPRK treaty")  # in force 1961-09 to 1996-09
    assert cold_war in select(G, Filters(as_of=date(1980, 1, 1)))
    assert cold_war not in select(G, Filters(as_of=date(2000, 1, 1)))
    new = resolve(G, "Treaty on Comprehensive Strategic Partnership between the Russian Federation "
                     "and the DPRK")
    # Signed 2024-06-19, in force 2024-12-04.
    assert new not in select(G, Filters(as_of=date(2024, 11, 30)))
    assert new in select(G, Filters(as_of=date(2024, 12, 31)))


def test_export_gexf_of_the_whole_dataset(store: str, tmp_path: Path) -> None:
    out = tmp_path / "russia-dprk.gexf"
    report = analyze.export("gexf", out, store)
    counts = api.stats(store=store)
    assert report.nodes == sum(counts["nodes"].values())
    H = nx.read_gexf(out)
    assert (H.number_of_nodes(), H.number_of_edges()) == (report.nodes, sum(counts["relationships"].values()))


@pytest.mark.parametrize("filters", [Filters(), Filters(as_of=date(2020, 1, 1)),
                                     Filters(types=("Person", "Event", "State"), statuses=("confirmed",))],
                         ids=["all", "as-of-2020", "people-events-states-confirmed"])
def test_a_path_read_lean_shows_the_whole_records_of_its_nodes_and_hops(
        store: str, G: nx.MultiDiGraph, filters: Filters) -> None:
    """``path`` finds the paths on names and what the filters test, then reads the records
    of the paths' own nodes and relationships: what it shows is what whole records give."""
    from relgraph.analytics.paths import hops

    H = select(G, filters)
    ends = [("Vladimir Putin", "Kim Jong Un"), ("Sergei Lavrov", "Rajin port"), ("Russia", "Choe Son Hui")]
    shown = 0
    for a, b in ends:
        if resolve(G, a) not in H or resolve(G, b) not in H:
            continue
        r = analyze.path(a, b, store, filters, all_paths=True)
        for p in r.paths:
            want = hops(H, p.nodes)
            assert [(h.step, h.source, h.target, h.type, h.direction, h.props) for h in p.hops] == [
                (h.step, h.source, h.target, h.type, h.direction, h.props) for h in want]
            assert p.node_props == [dict(H.nodes[n]) for n in p.nodes]
            assert all(h.props.get("sources") for h in p.hops)
            shown += len(p.hops)
    assert shown >= 4


READ_SELECTED_CASES = [
    [Filters(as_of=date(2020, 1, 1))],
    [Filters(start=date(2023, 9, 1), end=date(2023, 9, 30), types=("Person", "Event", "State"))],
    [Filters(statuses=("-alleged", "-denied"), start=date(2000, 1, 1))],
    [Filters(as_of=date(2024, 6, 30), fold=True)],
    [Filters(as_of=date(2018, 12, 31), states=("Russia",), state_depth=2)],
    [Filters(as_of=date(2010, 12, 31)), Filters(as_of=date(2024, 12, 31))],
]


@pytest.mark.parametrize("filters", READ_SELECTED_CASES,
                         ids=["as-of", "window-types", "statuses-from", "as-of-fold", "as-of-state",
                              "two-dates"])
@pytest.mark.parametrize("full", [False, True], ids=["lean", "full"])
def test_read_selected_is_select_of_the_whole_read(store: str, filters: list[Filters], full: bool) -> None:
    """Filtering while reading (what ``analyze`` does with a time or status filter) keeps
    what selecting from the graph of every relationship keeps, with the same properties,
    and the nodes, and each node's neighbours, in the same order (the answers' ties are
    broken by that order)."""
    from relgraph.analytics.project import read_for, read_selected

    names, graphs = read_selected(store, filters, full=full)
    whole = read_for(store, filters[0], full=full, dated=True)
    assert list(names.nodes(data=True)) == list(whole.nodes(data=True)) and names.number_of_edges() == 0
    for f, H in zip(filters, graphs, strict=True):
        want = select(whole, f)
        assert 0 < H.number_of_edges() < whole.number_of_edges()
        assert list(H.nodes(data=True)) == list(want.nodes(data=True))
        edges = [sorted(g.edges(keys=True, data=True), key=repr) for g in (H, want)]
        assert edges[0] == edges[1]
        assert all(list(H.succ[n]) == list(want.succ[n]) for n in H)


def test_read_selected_refuses_filters_of_other_types(store: str) -> None:
    from relgraph.analytics.project import read_selected

    with pytest.raises(ValueError, match="same types"):
        read_selected(store, [Filters(), Filters(types=("Person",))])


def test_brokers_under_dates_and_statuses_read_straight_with_the_same_answer(store: str) -> None:
    """brokers reads the simple view straight under dates and statuses too, and the camps
    from the belonging relationships those filters keep: the same report as from the
    filtered MultiDiGraph. The camps must follow the dates: on 1 January 2010 the CPSU, its
    First Secretary's post and Khrushchev belong to no state, and in 1960 the Soviet
    Union's posts are not yet the Russian Federation's."""
    from relgraph.analytics import brokers as B

    for filters in (Filters(as_of=date(2010, 1, 1)), Filters(start=date(2022, 1, 1), statuses=("confirmed",)),
                    Filters(as_of=date(2024, 6, 30), types=("-CAMEO_EVENT",)),
                    Filters(as_of=date(1960, 1, 1))):
        H = analyze._graphs(store, filters, weights_only=True)[1]
        assert analyze.brokers(store, filters) == B.brokers(H)
        if "state:RUS" in H:  # not yet in 1960
            between = B.brokers(H, ("state:RUS", "state:PRK"))
            assert analyze.brokers(store, filters, camps=("Russia", "DPRK")) == between
    dated, undated = (B.camps(analyze._belonging(store, f))
                      for f in (Filters(as_of=date(2010, 1, 1)), Filters()))
    assert dated["person:khrushchev-nikita"] is None and undated["person:khrushchev-nikita"] == "state:SUN"


def test_paths_found_in_the_simple_view_read_straight_are_the_same(store: str) -> None:
    """path finds its paths in the simple view read straight and then reads the relationships
    among their nodes (read_among): the same report as from the filtered MultiDiGraph, for
    one path and all of them, under dates, statuses and types."""
    from relgraph.analytics import paths as P
    from relgraph.analytics.project import fill

    for filters in (Filters(), Filters(as_of=date(2019, 4, 25)), Filters(statuses=("confirmed", "reported")),
                    Filters(start=date(2022, 1, 1), types=("-CAMEO_EVENT",))):
        G0, H = analyze._graphs(store, filters)
        for a, b in (("Putin", "Kim Yo Jong"), ("Russia", "Rajin port"), ("Lavrov", "Choe Son Hui")):
            ends = resolve(G0, a), resolve(G0, b)
            for every in (False, True):
                ours = analyze.path(a, b, store, filters, all_paths=every)
                theirs = P.shortest_paths(H, *ends, all_paths=every, records=lambda sub: fill(store, sub))
                assert ours.rows() == theirs.rows() and ours.paths, (filters, a, b)
                assert [p.node_props for p in ours.paths] == [p.node_props for p in theirs.paths]


@pytest.mark.parametrize("around", [None, 0], ids=["ring by ring", "every relationship"])
def test_an_ego_network_read_straight_is_the_same(store: str, around: int | None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """ego reads only the node's neighbourhood (read_around, ring by ring or from every
    relationship's ends): the same members, distances, ways in and relationship count as
    from the filtered MultiDiGraph, under dates, statuses and types, at three depths; a node
    the filters leave out is refused as before."""
    from relgraph.analytics import project
    from relgraph.analytics import temporal as T
    from relgraph.errors import UsageError

    if around is not None:
        monkeypatch.setattr(project, "AROUND", around)

    for filters in (Filters(), Filters(as_of=date(2019, 4, 25)), Filters(statuses=("confirmed", "reported")),
                    Filters(start=date(2022, 1, 1), types=("-CAMEO_EVENT",))):
        G0, H = analyze._graphs(store, filters)
        for name in ("Kim Jong Un", "Rajin port", "Sergei Lavrov"):
            for depth in (1, 2, 3):
                ours = analyze.ego(name, store, filters, depth=depth)
                theirs = T.ego(H, resolve(G0, name), depth)
                assert ours.rows() == theirs.rows() and ours.members, (filters, name, depth)
                assert ours.relationships == theirs.relationships
    with pytest.raises(UsageError, match="not in the graph under these filters"):
        analyze.ego("Kim Jong Un", store, Filters(statuses=("denied",)))


def test_every_process_gives_the_same_answer_and_the_same_picture(store: str) -> None:
    """Python salts string hashes per process, so a set of node ids lists them in another order
    in each run. A subgraph view of a small set lists its nodes in that order: `communities
    --state Russia` found 6 communities in one run and 7 in the next (its Louvain visits the
    nodes in the graph's order), and a view's layout moved every node from run to run
    (--focus, --top, --query, --state), whatever --seed said."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import hashlib, sys
        from click.testing import CliRunner
        from relgraph.analytics import Filters
        from relgraph.cli import main
        from relgraph.views import page

        store = sys.argv[1]
        said = CliRunner().invoke(main, ["analyze", "communities", "--state", "Russia", "--format", "json",
                                         "--store", store])
        assert said.exit_code == 0, said.output
        drawn = [said.output]
        for how in ({"focus": "Kim Jong Un", "depth": 2}, {"top": 30},
                    {"filters": Filters(states=("Russia",))},
                    {"query": "neighbors", "params": {"node": "Kim Jong Un", "hops": "2"}}):
            drawn.append(page(store=store, **how).html)
        print(" ".join(hashlib.sha256(d.encode()).hexdigest()[:16] for d in drawn))
    """)
    runs = set()
    for salt in ("1", "2", "3", "4"):
        done = subprocess.run([sys.executable, "-c", code, store], capture_output=True, text=True,
                              timeout=300, env={**os.environ, "PYTHONHASHSEED": salt})
        assert done.returncode == 0, done.stderr
        runs.add(done.stdout)
    assert len(runs) == 1, runs
