"""Mutation check of the stored queries: every comparison operator moved by one, the tests run.

    .venv/bin/python tests/mutate_cypher.py            # order comparisons and <> (about 15 min)
    .venv/bin/python tests/mutate_cypher.py --all      # also every = turned into <>
    .venv/bin/python tests/mutate_cypher.py --list     # the mutants, without running anything
    .venv/bin/python tests/mutate_cypher.py --match network.cypher    # some of them

Python mutation tools do not read Cypher, so this small mutator does it: in
each query body under ``queries/`` (comments left alone), one operator at a
time becomes its neighbour (``<=`` to ``<``, ``>=`` to ``>``, ``<`` to ``<=``,
``>`` to ``>=``, ``<>`` to ``=``; with ``--all`` also ``=`` to ``<>``), and the
tests that run stored queries on the embedded store (the date boundaries, the
canned questions, the dataset's facts) run against it, stopping at the first
failure. A mutant no test kills is a survivor: each must be listed with its
reason in ``tests/mutants.md``, and the run exits 1 on one that is not.
Bodies for Neo4j only (``// dialect: neo4j``) are mutated too but need the
Neo4j tests to be killed: ``--neo4j`` adds them (the suite's server starts).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUERIES = REPO / "queries"
RECORD = REPO / "tests" / "mutants.md"
TESTS = ["tests/test_date_boundaries.py", "tests/test_queries_canned.py", "tests/test_dataset_facts.py",
         "tests/test_queries_run.py"]
NEO4J_TESTS = ["tests/test_date_boundaries.py", "tests/test_queries_neo4j.py"]
SWAP = {"<=": "<", ">=": ">", "<": "<=", ">": ">=", "<>": "="}
OPERATOR = re.compile(r"(?<= )(<=|>=|<>|<|>|=)(?= )")


@dataclass
class Mutant:
    file: Path
    line: int  # 1-based
    column: int  # 0-based, in the line
    old: str
    new: str
    neo4j_only: bool

    @property
    def key(self) -> str:
        return f"{self.file.name}:{self.line}:{self.column + 1} {self.old} -> {self.new}"

    def apply(self, text: str) -> str:
        lines = text.split("\n")
        row = lines[self.line - 1]
        assert row[self.column:self.column + len(self.old)] == self.old, self.key
        lines[self.line - 1] = row[:self.column] + self.new + row[self.column + len(self.old):]
        return "\n".join(lines)


def mutants(include_equals: bool) -> list[Mutant]:
    """Every mutant of every query file, in file and line order."""
    out = []
    for file in sorted(QUERIES.glob("*.cypher")):
        dialect = None
        for number, row in enumerate(file.read_text("utf-8").split("\n"), 1):
            stripped = row.strip()
            if stripped.startswith("//"):
                m = re.match(r"//\s*(name|dialect):\s*(\S+)", stripped)
                if m:
                    dialect = m.group(2) if m.group(1) == "dialect" else None
                continue
            code = row.split("//", 1)[0]
            for m in OPERATOR.finditer(code):
                op = m.group(1)
                if op == "=" and (not include_equals or code[m.end():].lstrip().startswith("(")):
                    continue  # `=` is equality, or a path assignment `p = (...)`
                out.append(Mutant(file, number, m.start(), op, SWAP.get(op, "<>"), dialect == "neo4j"))
    return out


def killed(m: Mutant, tests: list[str]) -> tuple[bool, str]:
    """Run the tests against the mutant; (killed?, the first failing test)."""
    original = m.file.read_text("utf-8")
    try:
        m.file.write_text(m.apply(original), "utf-8")
        r = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                            "-m", "neo4j" if m.neo4j_only else "not neo4j", *tests],
                           cwd=REPO, capture_output=True, text=True)
    finally:
        m.file.write_text(original, "utf-8")
    failed = re.search(r"^FAILED (\S+)", r.stdout, re.M)
    return r.returncode != 0, failed.group(1) if failed else r.stdout.strip().splitlines()[-1:][0]


def recorded() -> set[str]:
    """The survivors tests/mutants.md accepts, by key (`file:line:column old -> new`)."""
    if not RECORD.exists():
        return set()
    return set(re.findall(r"^\| `([^`]+)` \|", RECORD.read_text("utf-8"), re.M))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--all", action="store_true", help="also turn every = into <>")
    p.add_argument("--neo4j", action="store_true", help="also mutate the Neo4j-only bodies")
    p.add_argument("--only-neo4j", action="store_true", help="only the Neo4j-only bodies")
    p.add_argument("--list", action="store_true", help="list the mutants and stop")
    p.add_argument("--match", help="only the mutants whose key contains this, e.g. history.cypher:5")
    args = p.parse_args(argv)
    todo = [m for m in mutants(args.all) if (args.neo4j or args.only_neo4j or not m.neo4j_only)
            and (m.neo4j_only or not args.only_neo4j) and (not args.match or args.match in m.key)]
    if args.list:
        print("\n".join(m.key + ("  (neo4j)" if m.neo4j_only else "") for m in todo))
        return 0
    accepted = recorded()
    survivors = []
    start = time.perf_counter()
    for i, m in enumerate(todo, 1):
        dead, by = killed(m, NEO4J_TESTS if m.neo4j_only else TESTS)
        print(f"[{i}/{len(todo)}] {m.key}: {'killed by ' + by if dead else 'SURVIVED'}", flush=True)
        if not dead:
            survivors.append(m)
    unexplained = [m for m in survivors if m.key not in accepted]
    print(f"\n{len(todo)} mutants, {len(todo) - len(survivors)} killed, {len(survivors)} survived "
          f"({len(unexplained)} without a reason in {RECORD.relative_to(REPO)}); "
          f"{time.perf_counter() - start:.0f} s")
    for m in unexplained:
        print(f"  | `{m.key}` | (why is this acceptable?) |")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
