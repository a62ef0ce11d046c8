"""Area "neo4j": loading into a real Neo4j, and the stored queries there, beside the embedded store.

The server is the one the test suite runs (``docker/neo4j/server.py``: Neo4j
Community 5.26 on loopback, 1 GB heap, 256 MB page cache), started here for the
run, or the one ``NEO4J_URI`` (with ``NEO4J_PASSWORD``) names; it is emptied
first. Figures, all from the same run:

- **load**: ``relgraph load --store neo4j://...`` of the generated files
  (batched ``UNWIND ... MERGE`` in one managed transaction, after the
  constraints), against two references: one ``MERGE`` statement per
  relationship (on a sample, rate scaled), and ``neo4j-admin database import
  full`` of ``relgraph export --format csv`` of the same graph into a fresh
  database (the export's own time reported beside it).
- **queries**: p50/p95 of every stored query on Neo4j, with the parameter
  sets and run counts of the ``queries`` area, against the embedded store's
  times for the same sets, interleaved run by run, after one untimed run of
  every set on both (Neo4j compiles and caches a query text on first use).
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.generate import Generated
from benchmarks.harness import Figure, Run, percentile

REPO = Path(__file__).resolve().parent.parent
PER_ROW_SAMPLE = 2_000


def server_module() -> Any:
    name = "relgraph_neo4j_server"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "docker" / "neo4j" / "server.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@contextmanager
def neo4j_server(work: Path, **server_args: Any) -> Iterator[tuple[str, str, Any]]:
    """(uri, password, server or None): NEO4J_URI's server, or one started for the run
    (``server_args``: the Server's heap, page_cache and settings)."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        yield uri, os.environ["NEO4J_PASSWORD"], None
        return
    srv = server_module()
    home = work / "neo4j-home"
    shutil.rmtree(home, ignore_errors=True)
    password = "bench-" + secrets.token_hex(8)
    server = srv.Server(home, password=password, **server_args)
    server.start()
    os.environ["NEO4J_PASSWORD"] = password
    try:
        yield server.uri, password, server
    finally:
        server.stop()


def run(bench: Run, store: str, g: Generated, work: Path, *, runs: int = 20) -> None:
    from relgraph import api
    from relgraph.store import open_store

    with neo4j_server(work) as (uri, _password, server):
        bench.settings["neo4j"] = {"uri": uri, "started_here": server is not None,
                                 "version": server_module().VERSION if server else "NEO4J_URI's"}
        with open_store(uri) as st:
            _empty(st)
        start = time.perf_counter()
        api.load(g.files, store=uri)
        load_s = time.perf_counter() - start
        rels = g.relationship_count
        per_row_rate = _per_row(uri, g)
        admin_rate, export_s = _admin_import(store, work, rels)
        f = bench.add(Figure("neo4j", "relgraph load into Neo4j (batched UNWIND ... MERGE)", "rel/s",
                             [rels / load_s], f"one MERGE per row ({PER_ROW_SAMPLE:,}-row sample)",
                             [per_row_rate], better="higher"))
        f.note = f"{rels:,} relationships in {load_s:.1f} s (validation included)"
        f = bench.add(Figure("neo4j", "relgraph load vs neo4j-admin import of the export", "rel/s",
                             [rels / load_s], "neo4j-admin database import full (offline)", [admin_rate],
                             better="higher"))
        f.note = f"export --format csv took {export_s:.1f} s (not in the import's rate)"
        _queries(bench, store, uri, g, runs)


def _empty(st: Any) -> None:
    # In chunks: one transaction deleting a million relationships needs more heap than the test server has.
    while st.run("MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS n", write=True)[1][0][0]:
        pass


def _per_row(uri: str, g: Generated) -> float:
    """Relationships per second with one MERGE statement each (nodes are already there)."""
    from relgraph.loaders import read_dataset
    from relgraph.store import open_store

    ds = read_dataset(g.files)
    types = {n.id: n.type for n in ds.nodes}
    sample = ds.relationships[:PER_ROW_SAMPLE]
    with open_store(uri) as st:
        start = time.perf_counter()
        for r in sample:
            st.run(f"MATCH (a:{types[r.source]} {{id: $a}}) MATCH (b:{types[r.target]} {{id: $b}}) "
                   f"MERGE (a)-[x:{r.type} {{id: $id}}]->(b) SET x.status = $status, x.sources = $sources",
                   {"a": r.source, "b": r.target, "id": r.id, "status": r.props.get("status"),
                    "sources": r.props.get("sources")}, write=True)
        return len(sample) / (time.perf_counter() - start)


def _admin_import(store: str, work: Path, rels: int) -> tuple[float, float]:
    """(relationships per second of neo4j-admin's import, seconds of the export)."""
    from relgraph.analytics import api as analytics

    srv = server_module()
    folder = work / "neo4j-export"
    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    report = analytics.export("csv", folder, store=store)
    export_s = time.perf_counter() - start
    home = Path(tempfile.mkdtemp(dir=work, prefix="neo4j-import-"))
    srv.configure(home, bolt_port=srv.free_port(), http_port=srv.free_port())
    bin_dir = home / "bin"
    bin_dir.mkdir()
    srv.admin_script(home, bin_dir / "neo4j-admin")
    start = time.perf_counter()
    r = subprocess.run(["bash", "-c", report.command], capture_output=True, text=True,
                       env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"})
    import_s = time.perf_counter() - start
    shutil.rmtree(home, ignore_errors=True)
    if r.returncode != 0:
        raise RuntimeError(f"neo4j-admin import failed:\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    return rels / import_s, export_s


def _queries(bench: Run, store: str, uri: str, g: Generated, runs: int) -> None:
    from benchmarks.querying import parameter_sets
    from relgraph.queries import convert_params, load_queries, run_on
    from relgraph.store import open_store

    queries = load_queries()
    params = parameter_sets(g)
    with open_store(store, read_only=True) as emb, open_store(uri, read_only=True) as neo:
        for name, q in queries.items():
            sets = params.get(name)
            if not sets:
                continue
            for given in sets:  # warm both: Neo4j compiles and caches each query text on first use
                for st in (neo, emb):
                    run_on(st, q, convert_params(q, given, st))
            ours: list[float] = []
            ref: list[float] = []
            rows: list[int] = []
            for given in itertools.islice(itertools.cycle(sets), runs):
                for st, times in ((neo, ours), (emb, ref)):
                    start = time.perf_counter()
                    _, result = run_on(st, q, convert_params(q, given, st))
                    times.append((time.perf_counter() - start) * 1000)
                    if st is neo:
                        rows.append(len(result))
            f = bench.add(Figure("neo4j", f"query {name} on Neo4j", "ms", ours, "the embedded store", ref,
                                 p95=percentile(ours, 95)))
            f.note = (f"{len(sets)} parameter sets, {runs} runs; p95 {percentile(ours, 95):.0f} ms vs "
                      f"{percentile(ref, 95):.0f} ms embedded; rows {min(rows)}-{max(rows)}")
