"""LadybugDB reproductions behind relgraph's query workarounds, ready to report upstream.

Each case runs two forms of one question side by side, with ``real_ladybug``
alone (no relgraph), and prints what each returned and how long it took::

    python -m benchmarks.engine                       # a synthetic graph
    python -m benchmarks.engine --store DIR/relgraph.db --node person:gen-000000

The synthetic graph is one node table ``N(id)`` and one edge table ``E``;
node ``n0`` is a hub joined to ``--hub`` others, every other edge joins two
random nodes. ``--store`` runs the cases on a relgraph store instead (10 node
tables, 31 relationship tables with dates, statuses and source lists; e.g. the
1M benchmark graph, ``python -m benchmarks generate --size 1M``), from
``--node``.

1. ``param-only-predicate`` (wrong answer, reproduces on the synthetic
   graph): ``MATCH ... WHERE a.id = $id AND $k > 1`` with ``k = 1`` must
   return nothing; the engine drops the conjunct on parameters alone and
   returns every match. After ``WITH`` (``WITH a WHERE $k > 1``) it is honoured.
2. ``with-before-shortest`` (slow): a ``* SHORTEST`` search that continues
   from a node bound by ``WITH ... WHERE`` searches as if from every node: on
   the bundled dataset's store (426 nodes) 0.88 s against 0.04 s straight after
   ``MATCH (a)``; the whole ``neighbors`` search took 11 s there, and ran out of
   buffer memory at 1M. Not on the synthetic graph.
3. ``rels-of-path`` (slow): reading ``rels(p)`` of shortest paths costs far
   more per row than the search: 11,100 rows at 1M, 0.09 s with
   ``length(p)``, 1.8 s with ``rels(p)``. Only twice the cost on the synthetic
   graph (one relationship table, no properties).

4. ``unlabeled-lookup`` (slow): finding a node by its primary key without
   its label, ``MATCH (a) WHERE a.id = $id``, took 4.9 ms on the 1M store
   (10 node tables) against 0.4 ms with the label (fastest of 7; 0.3 ms both
   ways on the synthetic graph's one table). Every stored query that takes a node pays it once per
   node parameter; the label is not known to the query text.

5. ``case-of-nodes`` (crash, on its own tiny database in a child process):
   ``WITH CASE d WHEN 1 THEN a ELSE m END AS n`` over nodes of two tables, then
   ``label(n)``, ends the process with a segmentation fault; ``n.id`` alone
   works. relgraph's ``neighbors`` groups by ``id(...)`` instead.

Seen in relgraph's ``shortest-path`` at 1M (2026-12-07): its ``* SHORTEST``
search alone takes 40-90 ms, returning ``nodes(p)`` or ``rels(p)`` of the
one path 300-350 ms, whatever property is read (case 3 at work).

Not reduced yet, seen in relgraph's queries at 1M: a one-step ``MATCH`` from
nodes bound by ``WITH``, with a predicate on the relationship's type and dates,
scanned whole relationship tables even when no row reached it (0.7 s); and
``visits``' second aggregation, grouping by lists the first one collected,
took 4.1 s for 2,058 rows (queries/diplomacy.cypher).

Found while making ``neighbors`` fast (queries/network.cypher), LadybugDB
0.14.1 (``real_ladybug`` on PyPI).
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CASES: dict[str, Callable[[Any, str], list[tuple[str, Any, float]]]] = {}


def case(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def add(f: Callable[..., Any]) -> Callable[..., Any]:
        CASES[name] = f
        return f
    return add


def build(folder: Path, nodes: int, edges: int, hub: int, seed: int = 7) -> Any:
    """A database of ``nodes`` N and ``edges`` E (``hub`` of them at n0), loaded by COPY."""
    import real_ladybug as lb

    rng = random.Random(seed)
    with open(folder / "n.csv", "w", newline="") as f:
        csv.writer(f).writerows([f"n{i}"] for i in range(nodes))
    with open(folder / "e.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerows(("n0", f"n{i}") for i in range(1, hub + 1))
        w.writerows((f"n{rng.randrange(nodes)}", f"n{rng.randrange(nodes)}") for _ in range(edges - hub))
    db = lb.Database(str(folder / "db"))
    c = lb.Connection(db)
    c.execute("CREATE NODE TABLE N(id STRING, PRIMARY KEY (id))")
    c.execute("CREATE REL TABLE E(FROM N TO N)")
    c.execute(f"COPY N FROM '{folder / 'n.csv'}' (header=false)")
    c.execute(f"COPY E FROM '{folder / 'e.csv'}' (header=false)")
    return db, c


def timed(c: Any, label: str, cypher: str, params: dict[str, Any]) -> tuple[str, Any, float]:
    start = time.perf_counter()
    rows = c.execute(cypher, params).get_all()
    return label, rows if len(rows) <= 1 else f"{len(rows)} rows", time.perf_counter() - start


@case("param-only-predicate")
def param_only_predicate(c: Any, node: str) -> list[tuple[str, Any, float]]:
    p = {"id": node, "k": 1}
    return [
        timed(c, "MATCH (a)-[e]-(b) WHERE a.id = $id AND $k > 1   (expected [[0]])",
              "MATCH (a)-[e]-(b) WHERE a.id = $id AND $k > 1 RETURN count(*)", p),
        timed(c, "MATCH (a) WHERE a.id = $id WITH a WHERE $k > 1 MATCH (a)-[e]-(b)",
              "MATCH (a) WHERE a.id = $id WITH a WHERE $k > 1 MATCH (a)-[e]-(b) RETURN count(*)", p),
    ]


@case("with-before-shortest")
def with_before_shortest(c: Any, node: str) -> list[tuple[str, Any, float]]:
    p = {"id": node}
    return [
        timed(c, "MATCH (a) ... MATCH p = (a)-[* SHORTEST 1..2]-(b)",
              "MATCH (a) WHERE a.id = $id MATCH p = (a)-[* SHORTEST 1..2]-(b) RETURN count(*)", p),
        timed(c, "MATCH (a) ... WITH a WHERE $k > 1 MATCH p = (a)-[* SHORTEST 1..2]-(b)",
              "MATCH (a) WHERE a.id = $id WITH a WHERE $k > 1 MATCH p = (a)-[* SHORTEST 1..2]-(b) "
              "RETURN count(*)", {**p, "k": 2}),
    ]


@case("rels-of-path")
def rels_of_path(c: Any, node: str) -> list[tuple[str, Any, float]]:
    p = {"id": node}
    head = "MATCH (a) WHERE a.id = $id MATCH p = (a)-[* SHORTEST 1..1]-(b) "
    return [
        timed(c, "RETURN b.id, length(p)", head + "RETURN b.id, length(p)", p),
        timed(c, "RETURN b.id, list_transform(rels(p), e -> label(e))",
              head + "RETURN b.id, list_transform(rels(p), e -> label(e))", p),
        timed(c, "(same rows) MATCH (a)-[e]-(b) RETURN b.id, label(e)",
              "MATCH (a)-[e]-(b) WHERE a.id = $id RETURN b.id, label(e)", p),
    ]


@case("unlabeled-lookup")
def unlabeled_lookup(c: Any, node: str) -> list[tuple[str, Any, float]]:
    p = {"id": node}
    (label,), = c.execute("MATCH (a) WHERE a.id = $id RETURN label(a)", p).get_all()
    c.execute("MATCH (a) WHERE a.id = $id RETURN a.id", p).get_all()  # warm both forms once
    out = []
    for name in ("MATCH (a) WHERE a.id = $id", f"MATCH (a:{label}) WHERE a.id = $id"):
        cypher = name + " RETURN a.id"
        runs = [timed(c, name, cypher, p) for _ in range(7)]
        out.append(min(runs, key=lambda r: r[2]))  # the fastest of 7: a lookup is a few ms
    return out


CASE_OF_NODES = """
import sys
import real_ladybug as lb
c = lb.Connection(lb.Database(sys.argv[2] + "/db"))
for stmt in ["CREATE NODE TABLE A(id STRING, PRIMARY KEY (id))",
             "CREATE NODE TABLE B(id STRING, PRIMARY KEY (id))", "CREATE REL TABLE E(FROM A TO B)",
             "CREATE (:A {id: 'a0'})", "CREATE (:B {id: 'b0'})", "MATCH (a:A), (b:B) CREATE (a)-[:E]->(b)"]:
    c.execute(stmt)
print(c.execute(sys.argv[1]).get_all())
"""


@case("case-of-nodes")
def case_of_nodes(c: Any, node: str) -> list[tuple[str, Any, float]]:
    import subprocess
    import sys

    head = "MATCH (a)-[]-(m) WHERE a.id = 'a0' UNWIND [1, 2] AS d WITH CASE d WHEN 1 THEN a ELSE m END AS n "
    out = []
    for ret in ("RETURN n.id", "RETURN label(n), n.id"):
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            p = subprocess.run([sys.executable, "-c", CASE_OF_NODES, head + ret, tmp], capture_output=True,
                               text=True, timeout=120)
        said = p.stdout.strip() if p.returncode == 0 else (
            f"crashed (signal {-p.returncode})" if p.returncode < 0 else f"failed: {p.stderr.strip()[-200:]}")
        out.append((f"WITH CASE d WHEN 1 THEN a ELSE m END AS n {ret}", said, time.perf_counter() - start))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.engine", description=__doc__.splitlines()[0])
    ap.add_argument("--edges", type=int, default=200_000)
    ap.add_argument("--nodes", type=int, default=0, help="default: edges / 5")
    ap.add_argument("--hub", type=int, default=10_000, help="edges at n0")
    ap.add_argument("--only", action="append", choices=sorted(CASES))
    ap.add_argument("--store", help="a relgraph store (LadybugDB file) to run on instead, read-only")
    ap.add_argument("--node", default="n0", help="the start node's id (with --store)")
    args = ap.parse_args(argv)
    import real_ladybug as lb

    with tempfile.TemporaryDirectory() as tmp:
        if args.store:
            db = lb.Database(args.store, read_only=True)
            c = lb.Connection(db)
            print(f"real_ladybug {lb.__version__}: {args.store}, from {args.node}")
        else:
            nodes = args.nodes or max(args.edges // 5, args.hub + 1)
            db, c = build(Path(tmp), nodes, args.edges, args.hub)
            print(f"real_ladybug {lb.__version__}: {nodes:,} nodes, {args.edges:,} edges, {args.hub:,} at n0")
        for name in args.only or CASES:
            print(f"\n{name}")
            try:
                results = CASES[name](c, args.node)
            except RuntimeError as e:
                print(f"  failed: {e}")
                continue
            for label, rows, seconds in results:
                print(f"  {seconds * 1000:9.1f} ms  {label}  -> {rows}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
