"""The benchmark suite's command line.

    python -m benchmarks run --size 100k                  # every area, a table, and JSON
    python -m benchmarks run --size 1M --only load,queries --repeats 3
    python -m benchmarks generate --size 10k DIR          # just the data files
    python -m benchmarks compare A.json B.json            # two runs side by side
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import Generated, Spec, generate, parse_size, size_label
from benchmarks.harness import Run, fix_threads, fmt, loadavg, table

AREAS = ("load", "queries", "analytics", "views", "cli", "gdelt", "neo4j", "gds", "serve")
HERE = Path(__file__).resolve().parent


def _dataset(size: int, seed: int, work: Path) -> Generated:
    """The generated files for ``size``, reused when an earlier run left them."""
    folder = work / "data"
    stamp = folder / "generated.json"
    spec = Spec.for_size(size, seed=seed)
    if stamp.exists():
        data = json.loads(stamp.read_text())
        if data.get("spec") == spec.__dict__ and all(Path(f).exists() for f in data["files"]):
            return Generated.from_json(data)
    print(f"generating {size:,} relationships (seed {seed}) in {folder}", file=sys.stderr, flush=True)
    g = generate(folder, spec)
    stamp.write_text(json.dumps({**g.to_json(), "spec": spec.__dict__}))
    return g


def run(args: argparse.Namespace) -> int:
    size = parse_size(args.size)
    fix_threads(args.threads)
    areas = [a.strip() for a in args.only.split(",")] if args.only else list(AREAS)
    unknown = [a for a in areas if a not in AREAS]
    if unknown:
        print(f"unknown area(s) {', '.join(unknown)}; choose from {', '.join(AREAS)}", file=sys.stderr)
        return 2
    work = Path(args.workdir or Path(tempfile.gettempdir()) / "relgraph-bench" / size_label(size))
    work.mkdir(parents=True, exist_ok=True)
    repeats = args.repeats or (1 if size >= 1_000_000 else 3)
    bench = Run(size, {"areas": areas, "repeats": repeats, "seed": args.seed, "workdir": str(work),
                       "threads": args.threads, "cli_timeout": args.cli_timeout})
    print(bench.header(), file=sys.stderr, flush=True)
    g = _dataset(size, args.seed, work)
    bench.dataset = {"nodes": g.nodes, "relationships": g.relationships, "node_count": g.node_count,
                     "relationship_count": g.relationship_count}
    store = work / "relgraph.db"
    if "load" in areas:
        from benchmarks import loading

        store = loading.run(bench, g.files, work, repeats=repeats, rel_count=g.relationship_count)
    elif any(a in areas for a in ("queries", "analytics", "views", "neo4j", "gds", "serve")) \
            and not store.exists():
        from benchmarks.loading import worker

        print("loading the store for the other areas (untimed)", file=sys.stderr, flush=True)
        worker("relgraph-load", store=str(store), files=[str(f) for f in g.files])
    if "queries" in areas:
        from benchmarks import querying

        querying.run(bench, str(store), g, runs=args.query_runs, cli_timeout=args.cli_timeout)
    if "neo4j" in areas:
        from benchmarks import in_neo4j

        in_neo4j.run(bench, str(store), g, work, runs=args.query_runs)
    if "gds" in areas:
        from benchmarks import in_gds

        in_gds.run(bench, str(store), g, work, repeats=repeats)
    if "analytics" in areas:
        from benchmarks import analysing

        analysing.run(bench, str(store), work, repeats=repeats, samples=g.samples,
                      cli_timeout=args.cli_timeout)
    if "views" in areas:
        from benchmarks import viewing

        viewing.run(bench, work, repeats=repeats, store=str(store), samples=g.samples,
                    cli_timeout=args.cli_timeout)
    if "serve" in areas:
        from benchmarks import serving

        serving.run(bench, str(store), g, work)
    if "cli" in areas:
        from benchmarks import startup

        startup.run(bench, runs=args.cli_runs)
    if "gdelt" in areas:
        from benchmarks import gdelt

        gdelt.run(bench, work, repeats=repeats, query_runs=args.query_runs)
    bench.loadavg_end = loadavg()
    # A run of some areas does not replace the results of a full run.
    suffix = "".join(f"-{a}" for a in areas) if args.only else ""
    out = Path(args.json) if args.json else HERE / "results" / f"latest-{size_label(size)}{suffix}.json"
    bench.write(out)
    print()
    print(bench.header())
    print()
    print(table(bench.figures))
    print(f"\nJSON: {out}")
    return 0


def compare(args: argparse.Namespace) -> int:
    runs = [json.loads(Path(p).read_text()) for p in args.files]
    names: list[tuple[str, str]] = []
    for r in runs:
        for f in r["figures"]:
            key = (f["area"], f["name"])
            if key not in names:
                names.append(key)
    head = ["area", "figure", *(f"{Path(p).stem} ({r['started'][:16]})" for p, r in zip(args.files, runs,
                                                                                          strict=True))]
    rows = []
    for key in names:
        cells = []
        for r in runs:
            f = next((f for f in r["figures"] if (f["area"], f["name"]) == key), None)
            if f is None or not f["samples"]:
                cells.append("-")
                continue
            ratio = f" ({f['ratio']:.2f}x ref)" if f.get("ratio") else ""
            cells.append(fmt(statistics.median(f["samples"]), f["unit"]) + ratio)
        rows.append([*key, *cells])
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, ["-" * w for w in widths], *rows]:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    return 0


def gen(args: argparse.Namespace) -> int:
    size = parse_size(args.size)
    start = time.perf_counter()
    g = generate(args.folder, Spec.for_size(size, seed=args.seed))
    print(f"{g.relationship_count:,} relationships and {g.node_count:,} nodes in {len(g.files)} files "
          f"({time.perf_counter() - start:.1f} s): {args.folder}")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run the suite at one size and print the table")
    r.add_argument("--size", default="100k", help="relationships: 10k, 100k, 1M, ... (default 100k)")
    r.add_argument("--only", help=f"comma-separated areas: {','.join(AREAS)} (default: all)")
    r.add_argument("--repeats", type=int, help="repeats of each load and analysis (default 3; 1 at 1M)")
    r.add_argument("--query-runs", type=int, default=20, help="runs of each stored query (default 20)")
    r.add_argument("--cli-runs", type=int, default=15, help="runs of each start-up (default 15)")
    r.add_argument("--seed", type=int, default=42)
    r.add_argument("--threads", type=int, default=1,
                   help="threads for igraph (OpenMP) and numpy (BLAS), set for every reference (default 1)")
    r.add_argument("--cli-timeout", type=float, default=300.0,
                   help="seconds a fresh relgraph process may run before it is killed and shown so "
                        "(default 300)")
    r.add_argument("--workdir", help="where data files and stores go (default: $TMPDIR/relgraph-bench/SIZE)")
    r.add_argument("--json", help="write the results here (default: benchmarks/results/latest-SIZE.json; "
                   "with --only: latest-SIZE-AREA.json)")
    r.set_defaults(fn=run)
    g = sub.add_parser("generate", help="write the generated data files only")
    g.add_argument("--size", default="10k")
    g.add_argument("--seed", type=int, default=42)
    g.add_argument("folder")
    g.set_defaults(fn=gen)
    c = sub.add_parser("compare", help="print two or more result files side by side")
    c.add_argument("files", nargs="+")
    c.set_defaults(fn=compare)
    args = p.parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
