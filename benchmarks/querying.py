"""Area 2, stored queries: p50 and p95 latency of every canned query, with varied parameters.

Each query runs ``runs`` times on the store relgraph loaded, read-only, cycling
through parameter sets drawn from the generated graph (its busiest persons,
states and places, and a few date windows). A run is what the library does
for ``relgraph query run`` once the store is open: the parameters converted
(node names resolved) and the Cypher run, every row fetched into Python.
Opening the store (which every CLI call pays once) is measured on its own.

The reference is the engine's floor for one query: a point lookup of a node
by id (``MATCH (n:Person) WHERE n.id = $id RETURN n``).

Targets: p50 under 50 ms for lookups, neighbourhoods and paths; no query over
2 s at p95.
"""

from __future__ import annotations

import itertools
import sys
import time
from typing import Any

from benchmarks.generate import Generated
from benchmarks.harness import Figure, Run, percentile

# What kind of question each canned query is: the 50 ms target is for the first three.
KINDS = {
    "sources": "lookup", "meetings": "lookup", "officials": "lookup", "treaties": "lookup",
    "visits": "lookup", "cameo-events": "lookup", "dyad-years": "lookup", "sanctions": "lookup",
    "common-partners": "lookup", "neighbors": "neighbourhood", "shortest-path": "path",
    "changes": "scan", "timeline": "scan", "claims": "scan", "domains": "scan", "projects": "scan",
    "search": "scan",
}
P50_TARGET_MS = 50.0
P95_LIMIT_MS = 2000.0
WINDOWS = [("2023-09-01", "2023-09-30"), ("2010-01-01", "2010-03-31"), ("2001-06-01", "2001-06-30"),
           ("1995-01-01", "1995-01-31")]


def parameter_sets(g: Generated) -> dict[str, list[dict[str, Any]]]:
    """Varied parameters for every canned query, from ids the generated graph holds."""
    s = g.samples
    persons, states, places = s["persons"], s["states"], s["places"]
    pairs = list(zip(states, states[1:] + states[:1], strict=True))
    windows = [{"from": a, "to": b} for a, b in WINDOWS]
    return {
        "sources": [{"node": p} for p in persons[:10]] + [{"node": st} for st in states[2:5]]
        + [{"node": pl} for pl in places[:2]],
        "meetings": [{"a": p} for p in persons[:10]] + [{"a": persons[0], "b": persons[1]}],
        "officials": [{"state": st, "day": d} for st in states[:5] for d in ("2000-01-01", "2020-06-30")],
        "treaties": [{"a": a, "b": b} for a, b in pairs[:6]]
        + [{"a": states[0], "b": states[1], "day": "2015-01-01"}],
        "visits": [{"visitor": p} for p in persons[:10]] + [{"destination": pl} for pl in places[:3]],
        "cameo-events": [{"state": a, "other": b, **w} for (a, b), w in zip(pairs, itertools.cycle(windows))],
        "dyad-years": [{"state": a, "other": b} for a, b in pairs[:6]],
        "sanctions": [{"target": st} for st in states[:4]],
        "common-partners": [{"a": a, "b": b} for a, b in zip(persons[:8], persons[8:16], strict=True)],
        "neighbors": [{"node": p, "hops": 1} for p in persons[5:12]]
        + [{"node": p, "hops": 2} for p in persons[20:24]],
        "shortest-path": [{"a": a, "b": b} for a, b in zip(persons[:8], persons[30:38], strict=True)],
        "changes": [{"from": a, "to": b} for a, b in WINDOWS],
        "timeline": [{**w, "party": st} for w, st in zip(windows, states, strict=False)] + windows,
        "claims": [{"about": p} for p in persons[:6]] + [{"status": "denied"}],
        "domains": [{}] + [{"party": p} for p in persons[:4]],
        "projects": [{}],
        "search": [{"text": t} for t in ("Lavrov 1", "korea", "capital 0", "Kim Choe 37", "ministry of def")],
    }


def run(bench: Run, store: str, g: Generated, *, runs: int = 20) -> None:
    from relgraph.queries import convert_params, load_queries, run_on
    from relgraph.store import open_store

    queries = load_queries()
    params = parameter_sets(g)
    opens = []
    for _ in range(5):
        start = time.perf_counter()
        with open_store(store, read_only=True):
            pass
        opens.append(time.perf_counter() - start)
    with open_store(store, read_only=True) as st:
        floor = []
        for i in range(max(runs, 20)):
            pid = g.samples["persons"][i % len(g.samples["persons"])]
            start = time.perf_counter()
            st.run("MATCH (n:Person) WHERE n.id = $id RETURN n", {"id": pid})
            floor.append((time.perf_counter() - start) * 1000)
        bench.add(Figure("queries", "open the store (read-only)", "ms", [x * 1000 for x in opens],
                         note="paid once per CLI call, before any query"))
        for name in queries:
            sets = params.get(name)
            if not sets:
                print(f"queries: no parameters for {name!r}: skipped", file=sys.stderr)
                continue
            q = queries[name]
            times, rows = [], []
            for given in itertools.islice(itertools.cycle(sets), runs):
                start = time.perf_counter()
                values = convert_params(q, given, st)
                _, result = run_on(st, q, values)
                times.append((time.perf_counter() - start) * 1000)
                rows.append(len(result))
            kind = KINDS.get(name, "scan")
            p50, p95 = percentile(times, 50), percentile(times, 95)
            if kind == "scan":
                target, met = f"p95 < {P95_LIMIT_MS:.0f} ms", p95 < P95_LIMIT_MS
            else:
                target = f"p50 < {P50_TARGET_MS:.0f} ms, p95 < {P95_LIMIT_MS:.0f} ms"
                met = p50 < P50_TARGET_MS and p95 < P95_LIMIT_MS
            f = bench.add(Figure("queries", f"{name} ({kind})", "ms", times, "point lookup by id", floor,
                                 target=target, met=met, p95=p95))
            f.note = f"{len(sets)} parameter sets, {runs} runs; rows returned: {min(rows)}-{max(rows)}"
