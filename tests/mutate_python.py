"""Mutation check of the Python modules where a silent bug costs most, with Cosmic Ray.

    .venv/bin/python tests/mutate_python.py                  # every target (see TARGETS)
    .venv/bin/python tests/mutate_python.py --target formats # one of them
    .venv/bin/python tests/mutate_python.py --list           # the mutants, without running anything
    .venv/bin/python tests/mutate_python.py --match in_window --match _overlaps
    .venv/bin/python tests/mutate_python.py --keys survivors.txt   # rerun these (one key a line)

Cosmic Ray (``cosmic-ray`` on PyPI, the ``[mutation]`` extra) finds the places
and makes the changes: each mutant is applied to the file in place, the
target's tests run with ``-x``, and the file is put back. In-place mutation is
why Cosmic Ray and not mutmut: mutmut runs the tests from a copy of the tree,
which the editable install (``relgraph`` maps to ``graph/``, ``loaders/``,
``queries/``) never imports.

Each target is a module, optionally cut to some functions, and the tests that
should notice a bug there. The operators are the ones a real slip looks like:
a comparison moved by one or negated, ``and``/``or`` swapped, a condition
negated, ``True``/``False`` swapped, a number off by one, ``+``/``-`` and
``*``/``/`` swapped, a loop that never runs, ``break``/``continue`` swapped, an
exception handler that catches something else. A mutant no test kills is a
survivor: each must be listed with its reason in ``tests/mutants.md`` (keys
``module:function operator: source line``), and the run exits 1 on one that is
not. Files are restored after each mutant, also on Ctrl-C; after a SIGKILL run
``git checkout`` on the target modules.
"""

from __future__ import annotations

import argparse
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RECORD = REPO / "tests" / "mutants.md"

OPERATORS = re.compile(
    r"core/(ReplaceComparisonOperator_(Eq_NotEq|NotEq_Eq|Lt_LtE|LtE_Lt|Gt_GtE|GtE_Gt|Lt_GtE|GtE_Lt|Gt_LtE|LtE_Gt"
    r"|Is_IsNot|IsNot_Is)"
    r"|ReplaceBinaryOperator_(Add_Sub|Sub_Add|Mul_Div|Div_Mul|FloorDiv_Div|Mod_FloorDiv)"
    r"|ReplaceUnaryOperator_(USub_UAdd|Delete_Not)"
    r"|ReplaceAndWithOr|ReplaceOrWithAnd|AddNot|ReplaceTrueWithFalse|ReplaceFalseWithTrue"
    r"|ReplaceBreakWithContinue|ReplaceContinueWithBreak|ZeroIterationForLoop|ExceptionReplacer|NumberReplacer)$")


@dataclass(frozen=True)
class Target:
    name: str
    module: str
    tests: tuple[str, ...]
    functions: frozenset[str] = frozenset()  # empty: the whole module
    marks: str = "not neo4j"


TARGETS = [
    Target("rollback", "graph/store/rollback.py",
           ("tests/test_store.py", "tests/test_reliability_concurrency.py",
            "tests/test_reliability_kill_writes.py", "tests/test_reliability_kill.py",
            "tests/test_reliability_disk_full.py")),
    Target("validate", "loaders/validate.py",
           ("tests/test_loaders.py", "tests/test_errors_corpus.py", "tests/test_reliability_values.py",
            "tests/test_schema.py", "tests/test_doctests.py")),
    Target("filters", "graph/analytics/project.py",
           ("tests/test_analytics.py", "tests/test_date_boundaries.py", "tests/test_analytics_bundled.py",
            "tests/test_doctests.py"),
           frozenset({"span", "valid_on", "_period_end", "_overlaps", "in_window", "parse_day", "Filters",
                      "parse", "select", "keep"})),
    Target("names", "graph/api.py",
           ("tests/test_queries_run.py", "tests/test_cli.py", "tests/test_doctests.py"),
           frozenset({"normalize", "resolve", "resolve_in"})),
    Target("names-graph", "graph/analytics/project.py",
           ("tests/test_analytics.py", "tests/test_analytics_bundled.py", "tests/test_doctests.py"),
           frozenset({"resolve", "label"})),
    Target("name-keys", "loaders/names.py",
           ("tests/test_import_un.py", "tests/test_import_gdelt.py", "tests/test_doctests.py")),
    Target("formats", "graph/formats.py",
           ("tests/test_reliability_values.py", "tests/test_reliability_hostile_output.py",
            "tests/test_export.py", "tests/test_queries_run.py", "tests/test_doctests.py")),
    Target("measures", "graph/analytics/measures.py",
           ("tests/test_analytics.py", "tests/test_analytics_bundled.py", "tests/test_benchmarks.py",
            "tests/test_doctests.py")),
]


@dataclass
class Mutant:
    target: Target
    spec: object  # cosmic_ray.work_item.MutationSpec
    function: str
    operator: str
    source: str  # the mutated line, as it was
    key: str = ""


def mutants(targets: list[Target]) -> list[Mutant]:
    """Every mutant of the targets, keyed ``module:function: old line -> new line`` (numbered if repeated).

    Module-level statements (constants, imports) are left alone: the targets are the functions.
    """
    import cosmic_ray.plugins
    from cosmic_ray.commands.init import _all_work_items
    from cosmic_ray.mutating import mutate_code

    out: list[Mutant] = []
    for t in targets:
        code = (REPO / t.module).read_text("utf-8")
        lines = code.split("\n")
        seen: Counter[str] = Counter()
        items = sorted(_all_work_items([Path(t.module)], {}),
                       key=lambda w: (tuple(w.mutations[0].start_pos), w.mutations[0].operator_name))
        for item in items:
            spec = item.mutations[0]
            function = spec.definition_name
            if not OPERATORS.match(spec.operator_name) or function is None:
                continue
            if t.functions and function not in t.functions:
                continue
            row = spec.start_pos[0] - 1
            at = lines[row][spec.start_pos[1]:]
            if re.match(r"\*\s*[,)]", at):
                continue  # Cosmic Ray turns the keyword-only marker `*` of a signature into `/`: not a slip
            operator = cosmic_ray.plugins.get_operator(spec.operator_name)()
            mutated = mutate_code(code, operator, spec.occurrence)
            if mutated is None:
                continue
            new_lines = mutated.split("\n")
            tail = len(lines) - 1 - row  # the mutated line, counted from the end (a mutation may add lines)
            old, new = lines[row].strip(), new_lines[len(new_lines) - 1 - tail].strip()
            if spec.end_pos[0] != spec.start_pos[0] or old == new:
                old, new = old, f"[{spec.operator_name.removeprefix('core/')}]"
            m = Mutant(t, spec, function, spec.operator_name.removeprefix("core/"), old)
            base = f"{t.module}:{function}: {old} -> {new}"
            seen[base] += 1
            m.key = base if seen[base] == 1 else f"{base} (#{seen[base]})"
            out.append(m)
    return out


def _pytest(t: Target) -> list[str]:
    return [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-m", t.marks, *t.tests]


def baseline(t: Target) -> float:
    """Seconds the target's tests take unmutated; they must pass."""
    start = time.perf_counter()
    r = subprocess.run(_pytest(t), cwd=REPO, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{t.name}: the tests fail before any mutation:\n{r.stdout[-3000:]}")
    return time.perf_counter() - start


def killed(m: Mutant, timeout: float) -> tuple[bool, str]:
    """Apply the mutant, run its target's tests, put the file back; (killed?, by what)."""
    import shlex

    from cosmic_ray.mutating import mutate_and_test
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    result = mutate_and_test([m.spec], shlex.join(_pytest(m.target)), timeout)
    if result.worker_outcome == WorkerOutcome.NO_TEST:
        return True, "no mutation possible here"
    if result.worker_outcome != WorkerOutcome.NORMAL:
        return True, f"{result.worker_outcome.value}: {(result.output or '').strip()[-200:]}"
    if result.test_outcome == TestOutcome.SURVIVED:
        return False, ""
    out = result.output or ""
    failed = re.search(r"^(FAILED|ERROR) (\S+)", out, re.M)
    return True, failed.group(2) if failed else (out.strip().splitlines() or ["?"])[-1]


def recorded() -> set[str]:
    """The survivors tests/mutants.md accepts, by key."""
    if not RECORD.exists():
        return set()
    return set(re.findall(r"^\| `([^`]+)` \|", RECORD.read_text("utf-8"), re.M))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--target", action="append", choices=[t.name for t in TARGETS],
                   help="only this target (repeatable)")
    p.add_argument("--match", action="append", default=[],
                   help="only the mutants whose key contains this (repeatable: any of them)")
    p.add_argument("--keys", type=Path, help="only the mutants whose keys this file lists, one a line "
                   "(with --match: either)")
    p.add_argument("--list", action="store_true", help="list the mutants and stop")
    args = p.parse_args(argv)
    targets = [t for t in TARGETS if not args.target or t.name in args.target]
    keys = set(args.keys.read_text("utf-8").splitlines()) if args.keys else set()
    todo = [m for m in mutants(targets)
            if not (args.match or keys) or m.key in keys or any(s in m.key for s in args.match)]
    if args.list:
        for t in targets:
            mine = [m for m in todo if m.target is t]
            print(f"# {t.name}: {len(mine)} mutants of {t.module}")
            print("\n".join(m.key for m in mine))
        return 0

    # Ctrl-C or a SIGTERM goes through cosmic-ray's restore (an exception), not around it.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    accepted = recorded()
    survivors: list[Mutant] = []
    start = time.perf_counter()
    timeouts: dict[str, float] = {}
    for i, m in enumerate(todo, 1):
        t = m.target
        if t.name not in timeouts:
            took = baseline(t)
            timeouts[t.name] = 3 * took + 30
            print(f"# {t.name}: {t.module}, tests pass unmutated in {took:.0f} s", flush=True)
        dead, by = killed(m, timeouts[t.name])
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
