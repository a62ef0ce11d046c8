"""Helpers of the reliability tests (tests/test_reliability_*.py): data files to load and
a `relgraph.api.load` in a child process that can be paused and killed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

STORE_FILES = ("", ".wal", ".shadow", ".pid", ".rollback")

# Loads the files in argv[1] into the store argv[2]. It reports the phases of the load
# through the load's own progress hook, which is made when the write begins and whose
# last update comes right before the commit. With argv[3] == "pause", the first update
# (inside the write transaction) prints "paused" and waits for a line on stdin.
LOAD_CHILD = r"""
import sys
from relgraph import api


class Progress:
    def __init__(self, total):
        self.total, self.done, self.pause = total, 0, sys.argv[3] == "pause"
        print("writing", flush=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def update(self, n):
        self.done += n
        if self.pause:
            self.pause = False
            print("paused", flush=True)
            sys.stdin.readline()
        if self.done >= self.total:
            print("committing", flush=True)


api.load([sys.argv[1]], store=sys.argv[2], progress=Progress)
print("done", flush=True)
"""


def people(count: int, version: int) -> str:
    """A data file of `count` people, each a citizen of the DPRK (the mini dataset's state:PRK,
    citing its document). Version 2 drops every 7th person, renames every 3rd and
    annotates every 5th citizenship."""
    nodes, rels = [], []
    for i in range(count):
        if version == 2 and i % 7 == 0:
            continue
        name = f"Person {i}" + (" (renamed)" if version == 2 and i % 3 == 0 else "")
        nodes.append(f"  - {{id: person:p{i}, type: Person, name: '{name}', aliases: [P{i}], "
                     f"sources: ['doc:eai-2024-06-05 | person {i}']}}")
        note = ", note: 'changed'" if version == 2 and i % 5 == 0 else ""
        rels.append(f"  - {{type: CITIZEN_OF, from: person:p{i}, to: state:PRK, "
                    f"sources: ['doc:eai-2024-06-05 | citizen {i}']{note}}}")
    return ("defaults:\n  status: confirmed\nnodes:\n" + "\n".join(nodes) + "\nrelationships:\n"
            + "\n".join(rels) + "\n")


def copy_store(src: Path, dst: Path) -> None:
    """Make `dst` an exact copy of the store `src` (with the engine's side files)."""
    for suffix in STORE_FILES:
        target = Path(f"{dst}{suffix}")
        if target.exists():
            target.unlink()
        if Path(f"{src}{suffix}").exists():
            shutil.copyfile(f"{src}{suffix}", target)


def start_load(data: Path, store: Path | str, mode: str = "run") -> subprocess.Popen[str]:
    """`relgraph.api.load([data], store=store)` in a child process (see LOAD_CHILD); `store` is a
    path or a Neo4j URI."""
    return subprocess.Popen([sys.executable, "-c", LOAD_CHILD, str(data), str(store), mode],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def wait_for(proc: subprocess.Popen[str], mark: str) -> None:
    """Read the child's output up to the line `mark`."""
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == mark:
            return
    raise AssertionError(f"the load ended (exit code {proc.wait()}) before {mark!r}")
