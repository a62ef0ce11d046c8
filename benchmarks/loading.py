"""Area 1, loading: relgraph's own load against the engine's floor and the naive path.

Each load runs in a fresh subprocess (``python -m benchmarks.worker``), so its
peak memory (``ru_maxrss``) is its own:

- **relgraph load**: ``relgraph.api.load(files)`` into a new store: reading and
  validating the YAML/CSV files, then the store's write (one transaction).
- **raw COPY** (the floor no loader can beat): the engine's bulk ``COPY T FROM
  'file.csv'`` of the same rows, from CSV files prepared beforehand in the
  engine's own format (one per node table and relationship group), into a new
  store with the same schema, in one transaction.
- **per-row** (the naive path): one ``CREATE`` statement per relationship, on a
  sample of relationships (their nodes copied in first, untimed), in one
  transaction; the rate is scaled to the sample.
- Loading into Neo4j is the ``neo4j`` area (``benchmarks/in_neo4j.py``).

The same helpers serve the test suite's correctness checks (row counts after
each load path, equal query results).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.harness import Figure, Run

REPO = Path(__file__).resolve().parent.parent
PER_ROW_SAMPLE = 2_000  # relationships created one statement each


# -- the engine's own CSV format (the floor) ------------------------------------

def _native(value: Any, ptype: str) -> str:
    """A value in the engine's CSV format; refuses what that format cannot hold exactly."""
    if value is None:
        return ""
    if ptype in ("string[]", "sources"):
        for v in value:
            if not v or v != v.strip() or any(c in v for c in ",[]'\"\n\r"):
                raise ValueError(f"list item {v!r} cannot be written in the engine's list format")
        return "[" + ",".join(value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if not text or "\n" in text or "\r" in text:
        raise ValueError(f"value {text!r} cannot be written for a parallel COPY")
    return text


def prepare_native_csv(dataset: Any, folder: Path) -> list[dict[str, Any]]:
    """Write ``dataset`` as the engine's own CSV files; return the COPY plan.

    Each entry is ``{"table", "file", "from", "to", "rows"}`` (``from``/``to`` for
    relationship groups). Columns are in table order, as ``COPY T FROM 'file'`` wants.
    """
    from relgraph.schema import load_schema
    from relgraph.store.embedded import _columns

    schema = load_schema()
    folder.mkdir(parents=True, exist_ok=True)
    plan: list[dict[str, Any]] = []
    by_type: dict[str, list[Any]] = {}
    for n in dataset.nodes:
        by_type.setdefault(n.type, []).append(n)
    for t, nodes in by_type.items():
        cols = _columns(schema, schema.nodes[t].properties)
        path = folder / f"node-{t}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow([c.name for c in cols])
            for n in nodes:
                w.writerow([_native(n.id if c.name == "id" else n.origin if c.name == "origin"
                                    else n.props.get(c.name), c.type) for c in cols])
        plan.append({"table": t, "file": str(path), "rows": len(nodes)})
    types = {n.id: n.type for n in dataset.nodes}
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for r in dataset.relationships:
        groups.setdefault((r.type, types[r.source], types[r.target]), []).append(r)
    for (t, a, b), rels in groups.items():
        cols = _columns(schema, schema.relationships[t].properties)
        path = folder / f"rel-{t}-{a}-{b}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["from", "to", *(c.name for c in cols)])
            for r in rels:
                w.writerow([r.source, r.target, *(_native(
                    r.id if c.name == "id" else r.origin if c.name == "origin" else r.props.get(c.name),
                    c.type) for c in cols)])
        plan.append({"table": t, "file": str(path), "from": a, "to": b, "rows": len(rels)})
    (folder / "plan.json").write_text(json.dumps(plan, indent=1), encoding="utf-8")
    return plan


def copy_statement(entry: dict[str, Any]) -> str:
    ends = f"from='{entry['from']}', to='{entry['to']}', " if "from" in entry else ""
    return f"COPY {entry['table']} FROM '{entry['file']}' ({ends}header=true)"


def raw_copy(store: str, plan: list[dict[str, Any]]) -> float:
    """Copy the prepared files into a new store (schema created first, untimed); seconds."""
    import time

    from relgraph.store.embedded import EmbeddedStore

    st = EmbeddedStore(store)
    try:
        start = time.perf_counter()
        st.run("BEGIN TRANSACTION", write=True)
        for entry in plan:
            st.run(copy_statement(entry), write=True)
        st.run("COMMIT", write=True)
        return time.perf_counter() - start
    finally:
        st.close()


def per_row(store: str, plan: list[dict[str, Any]], sample: int = PER_ROW_SAMPLE) -> tuple[float, int]:
    """Create ``sample`` relationships one statement each (nodes copied first, untimed);
    (seconds, relationships created)."""
    import time

    from relgraph.schema import load_schema
    from relgraph.store.embedded import EmbeddedStore, _columns

    schema = load_schema()
    st = EmbeddedStore(store)
    try:
        for entry in plan:
            if "from" not in entry:
                st.run(copy_statement(entry), write=True)
        rel_plan = [e for e in plan if "from" in e]
        total = sum(e["rows"] for e in rel_plan)
        jobs: list[tuple[str, dict[str, Any]]] = []
        for entry in rel_plan:
            share = max(1, round(sample * entry["rows"] / total))
            cols = _columns(schema, schema.relationships[entry["table"]].properties)
            sets = ", ".join(f"{c.name}: $p{i}" for i, c in enumerate(cols))
            stmt = (f"MATCH (a:{entry['from']} {{id: $a}}), (b:{entry['to']} {{id: $b}}) "
                    f"CREATE (a)-[:{entry['table']} {{{sets}}}]->(b)")
            with open(entry["file"], newline="", encoding="utf-8") as f:
                reader = csv.reader(f)
                next(reader)
                for k, row in enumerate(reader):
                    if k >= share:
                        break
                    params: dict[str, Any] = {"a": row[0], "b": row[1]}
                    for i, (c, cell) in enumerate(zip(cols, row[2:], strict=True)):
                        params[f"p{i}"] = _parse_native(cell, c.type)
                    jobs.append((stmt, params))
        start = time.perf_counter()
        st.run("BEGIN TRANSACTION", write=True)
        for stmt, params in jobs:
            st.run(stmt, params, write=True)
        st.run("COMMIT", write=True)
        return time.perf_counter() - start, len(jobs)
    finally:
        st.close()


def _parse_native(cell: str, ptype: str) -> Any:
    if cell == "":
        return None
    if ptype in ("string[]", "sources"):
        return [x for x in cell[1:-1].split(",") if x]
    if ptype == "date":
        return date.fromisoformat(cell)
    if ptype == "int":
        return int(cell)
    if ptype == "float":
        return float(cell)
    if ptype == "bool":
        return cell == "true"
    return cell


# -- running the loads in subprocesses --------------------------------------------

def worker(task: str, **args: Any) -> dict[str, Any]:
    """Run ``benchmarks.worker TASK`` in a fresh Python; its JSON answer (with ``maxrss_mb``)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "benchmarks.worker", task, json.dumps(args)],
                          capture_output=True, text=True, env=env, cwd=REPO)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {task} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fresh_store(path: Path) -> str:
    """Remove a store left by an earlier run (file, WAL, pid file); return its path."""
    for p in (path, path.with_name(path.name + ".wal"), path.with_name(path.name + ".pid")):
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
    return str(path)


def run(bench: Run, files: list[Path], work: Path, *, repeats: int, rel_count: int) -> Path:
    """Measure area 1; return the path of a store loaded by relgraph (for the query benchmarks)."""
    print("load: preparing the engine's own CSV files (untimed)", file=sys.stderr, flush=True)
    prep = worker("prepare", files=[str(f) for f in files], folder=str(work / "native"))
    plan = prep["plan"]
    ours, ours_rss, raw, raw_rss, validate, validate_rss = [], [], [], [], [], []
    store = work / "relgraph.db"
    for i in range(repeats):
        print(f"load: repeat {i + 1}/{repeats}", file=sys.stderr, flush=True)
        r = worker("raw-copy", store=fresh_store(work / "raw.db"), plan=plan)
        raw.append(r["seconds"])
        raw_rss.append(r["maxrss_mb"])
        r = worker("relgraph-load", store=fresh_store(store), files=[str(f) for f in files])
        ours.append(r["seconds"])
        ours_rss.append(r["maxrss_mb"])
        counts = r["counts"]
        r = worker("validate", files=[str(f) for f in files])
        validate.append(r["seconds"])
        validate_rss.append(r["maxrss_mb"])
    rels = sum(counts["relationships"].values())
    if rels != rel_count:
        raise AssertionError(f"relgraph load wrote {rels} relationships, the files hold {rel_count}")
    r = worker("per-row", store=fresh_store(work / "per-row.db"), plan=plan, sample=PER_ROW_SAMPLE)
    per_row_rate = r["rows"] / r["seconds"]
    fresh_store(work / "raw.db")
    fresh_store(work / "per-row.db")

    rate = [rels / s for s in ours]
    raw_rate = [rels / s for s in raw]
    f = bench.add(Figure("load", "relgraph load (validation included)", "rel/s", rate,
                         "raw COPY from prepared CSV", raw_rate, better="higher",
                         target=">= 0.5x raw COPY"))
    f.met = f.ratio is not None and f.ratio >= 0.5
    f.note = (f"{rels:,} relationships; wall time median {_median(ours):.1f} s "
              f"(raw COPY {_median(raw):.1f} s); "
              f"reading + validating alone {_median(validate):.1f} s")
    f = bench.add(Figure("load", "relgraph load vs per-row statements", "rel/s", rate,
                         f"one CREATE per row ({r['rows']:,}-row sample, scaled)", [per_row_rate],
                         better="higher", target=">= 20x per-row"))
    f.met = f.ratio is not None and f.ratio >= 20
    f = bench.add(Figure("load", "peak memory, relgraph load", "MB", ours_rss, "raw COPY", raw_rss,
                         target="< 2048 MB"))
    f.met = max(ours_rss) < 2048
    bench.add(Figure("load", "read + validate only", "s", validate, "raw COPY", raw,
                     note=f"peak memory {max(validate_rss):.0f} MB"))
    return store  # loading into Neo4j: the `neo4j` area (benchmarks/in_neo4j.py)


def _median(xs: list[float]) -> float:
    import statistics

    return statistics.median(xs)
