"""Area 6, the real GDELT sample: `relgraph import gdelt` on the files in ``tests/fixtures/gdelt``.

The sample is real data (a day of GDELT 1.0 events, 709 rows, and the
dyad-year counts file, 2,167 rows; ``../shared/data/gdelt``), small next to the
generated graph: its figures show the fixed cost of one import, not throughput
at scale. Each import goes into a new store, repeated. The reference is
reading and checking the same file alone (``read_gdelt``), so the ratio is
what the store's write adds. The ``cameo-events`` query is then timed on the
imported store for the busiest pair of states in the sample.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from benchmarks.harness import Figure, Run, percentile, timed
from benchmarks.loading import fresh_store

SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "gdelt"
FILES = (("events (one relationship per event)", "events-sample-2016-07-28.tsv", False),
         ("dyad-year counts", "dyad_events_by_year.csv", True))


def run(bench: Run, work: Path, *, repeats: int, query_runs: int = 20) -> None:
    from relgraph.imports import import_gdelt
    from relgraph.loaders.gdelt import read_gdelt
    from relgraph.queries import convert_params, load_queries, run_on
    from relgraph.store import open_store

    for label, name, aggregate in FILES:
        path = SAMPLE / name
        ours, theirs, report = [], [], None
        for _ in range(max(repeats, 3)):
            store = fresh_store(work / "gdelt.db")
            s, report = timed(lambda p=path, a=aggregate, st=store: import_gdelt(p, aggregate=a, store=st))
            ours.append(s)
            theirs.append(timed(lambda p=path, a=aggregate: read_gdelt(p, aggregate=a))[0])
        assert report is not None
        bench.add(Figure("gdelt", f"import {label}", "s", ours, "read and check the file only", theirs,
                         note=f"{report.rows:,} rows, {report.kept:,} between states, "
                              f"{report.relationships:,} relationships written"))
    # The events store, for the query: the pair of states with the most events.
    store = fresh_store(work / "gdelt.db")
    import_gdelt(SAMPLE / FILES[0][1], store=store)
    q = load_queries()["cameo-events"]
    with open_store(store, read_only=True) as st:
        _, rows = st.run("MATCH (a:State)-[:CAMEO_EVENT]->(b:State) RETURN a.id, b.id")
        pair, _ = Counter(tuple(sorted(r)) for r in rows).most_common(1)[0]
        given = {"state": pair[0], "other": pair[1]}
        times = []
        for _ in range(query_runs):
            s, (_, result) = timed(lambda: run_on(st, q, convert_params(q, given, st)))
            times.append(s * 1000)
    bench.add(Figure("gdelt", "cameo-events on the imported sample", "ms", times, target="p50 < 50 ms",
                     met=percentile(times, 50) < 50, p95=percentile(times, 95),
                     note=f"{pair[0]} and {pair[1]}: {len(result)} events, {query_runs} runs"))
