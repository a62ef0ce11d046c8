"""Area 5, CLI start-up: ``relgraph --help`` against ``python -c pass``.

Both run as fresh processes, alternately, ``runs`` times each; the figure is
the wall time from spawn to exit. Target: ``relgraph --help`` under 0.25 s.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from benchmarks.harness import Figure, Run

TARGET_S = 0.25


def relgraph_command() -> list[str]:
    script = Path(sys.executable).with_name("relgraph")
    if script.exists():
        return [str(script), "--help"]
    return [sys.executable, "-c", "import sys; from relgraph.cli import main; sys.exit(main())", "--help"]


def _once(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def run(bench: Run, *, runs: int = 15) -> None:
    ours, floor = [], []
    cmd = relgraph_command()
    _once(cmd)  # warm the file cache
    for _ in range(runs):
        ours.append(_once(cmd))
        floor.append(_once([sys.executable, "-c", "pass"]))
    f = bench.add(Figure("cli", "relgraph --help", "s", ours, "python -c pass", floor,
                         target=f"< {TARGET_S} s"))
    f.met = sorted(ours)[len(ours) // 2] < TARGET_S
