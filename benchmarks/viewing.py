"""Area 4, views: writing the HTML of a 5,000-node, 20,000-relationship view, and
``relgraph view`` on the generated store as a user runs it.

relgraph's :func:`relgraph.views.render` (layout, data, the self-contained
page) and writing the file, against pyvis's own path on the same graph: a
``Network`` filled with ``add_node`` / ``add_edge`` and written with
``write_html``. The graph is generated (seeded) with the attributes the
analytics projection gives: type, name, status, sources, dates. Target: under 3 s.

End to end (a fresh process, to the written page and the process's exit): the
whole graph, as of a date, and around the busiest person, each a summary where
more than 2,000 nodes are left; wall time and peak resident memory, with the
analyses' target (15 s, 2 GB).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.harness import Figure, Run, command_figure, run_process, timed

NODES = 5_000
EDGES = 20_000
TARGET_S = 3.0
TYPES = (("Person", 0.55), ("Event", 0.25), ("Organization", 0.1), ("Treaty", 0.06), ("State", 0.04))
RELS = {("Person", "Event"): "PARTICIPATED_IN", ("State", "Event"): "PARTICIPATED_IN",
        ("Organization", "Event"): "PARTICIPATED_IN", ("State", "Treaty"): "PARTY_TO",
        ("Person", "Treaty"): "SIGNED", ("Person", "Organization"): "AFFILIATED_WITH",
        ("Person", "State"): "CITIZEN_OF", ("Organization", "State"): "PART_OF"}
STATUSES = ("confirmed",) * 7 + ("reported", "alleged", "denied")


def view_graph(nodes: int = NODES, edges: int = EDGES, seed: int = 7) -> Any:
    """A seeded MultiDiGraph shaped like the analytics projection."""
    import networkx as nx

    rnd = random.Random(seed)
    G = nx.MultiDiGraph()
    by_type: dict[str, list[str]] = {}
    cum = 0.0
    bounds = []
    for t, share in TYPES:
        cum += share
        bounds.append((cum, t))
    for i in range(nodes):
        x = i / nodes
        t = next(t for b, t in bounds if x < b)
        nid = f"{t.lower()}:v{i}"
        by_type.setdefault(t, []).append(nid)
        props: dict[str, Any] = {"type": t, "name": f"{t} {i}", "status": rnd.choice(STATUSES),
                                 "sources": [f"doc:gen-{rnd.randrange(100)} | para {rnd.randrange(50)}"]}
        if t in ("Event", "Treaty"):
            props["date"] = date(1990, 1, 1) + timedelta(days=rnd.randrange(13000))
        G.add_node(nid, **props)
    pairs = list(RELS)
    k = 0
    while G.number_of_edges() < edges:
        a, b = pairs[rnd.randrange(len(pairs))]
        # a few hubs: the first nodes of each type are drawn far more often
        u = by_type[a][int(len(by_type[a]) * rnd.random() ** 3)]
        v = by_type[b][int(len(by_type[b]) * rnd.random() ** 2)]
        k += 1
        G.add_edge(u, v, key=f"r{k}", type=RELS[(a, b)], status=rnd.choice(STATUSES),
                   sources=[f"doc:gen-{rnd.randrange(100)} | para {rnd.randrange(50)}"],
                   date=date(1990, 1, 1) + timedelta(days=rnd.randrange(13000)))
    return G


def relgraph_view(G: Any, path: Path) -> int:
    from relgraph.views import render

    page = render(G, title="benchmark view")
    path.write_text(page, encoding="utf-8")
    return len(page)


def pyvis_view(G: Any, path: Path) -> int:
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line")
    for n, d in G.nodes(data=True):
        net.add_node(n, label=d.get("name", n), title=f"{d.get('type')}: {d.get('name')}",
                     group=d.get("type"))
    for u, v, d in G.edges(data=True):
        net.add_edge(u, v, title=f"{d.get('type')} ({d.get('status')})")
    net.write_html(str(path), notebook=False)
    return path.stat().st_size


def commands(samples: dict[str, list[str]]) -> list[list[str]]:
    """The ``relgraph view`` commands timed end to end, with the generated graph's busiest person."""
    return [[], ["--as-of", "2015"], ["--focus", samples["persons"][0]]]


def end_to_end(bench: Run, store: str, work: Path, samples: dict[str, list[str]], *, timeout: float) -> None:
    from benchmarks.startup import relgraph_command

    exe = relgraph_command()[:-1]  # without --help
    for argv in commands(samples):
        p = run_process([*exe, "view", *argv, "-o", str(work / "view-cli.html"), "--store", store],
                        timeout=timeout)
        f = bench.add(command_figure("views", " ".join(["relgraph view", *argv]), p, timeout=timeout))
        if p.returncode == 0:  # what was drawn: "a summary of N nodes ..." where there is one
            f.note = next((line.removeprefix("relgraph: ") for line in p.stderr.splitlines()
                           if "a summary of" in line), "")


def run(bench: Run, work: Path, *, repeats: int, store: str | None = None,
        samples: dict[str, list[str]] | None = None, cli_timeout: float = 300.0) -> None:
    if store is not None and samples is not None:
        end_to_end(bench, store, work, samples, timeout=cli_timeout)
    G = view_graph()
    ours, theirs = [], []
    for _ in range(repeats):
        s, _ = timed(lambda: relgraph_view(G, work / "view-relgraph.html"))
        ours.append(s)
    s, _ = timed(lambda: pyvis_view(G, work / "view-pyvis.html"))
    theirs.append(s)
    f = bench.add(Figure("views", f"HTML view, {NODES:,} nodes / {EDGES:,} relationships", "s", ours,
                         "pyvis add_node/add_edge + write_html", theirs, target=f"< {TARGET_S:.0f} s"))
    f.met = f.median < TARGET_S
    size = (work / "view-relgraph.html").stat().st_size
    theirs_mb = (work / "view-pyvis.html").stat().st_size / 1e6
    f.note = (f"relgraph's page {size / 1e6:.1f} MB (layout computed, parallel edges kept); pyvis's "
              f"{theirs_mb:.1f} MB (no layout: the browser runs physics; run once)")
