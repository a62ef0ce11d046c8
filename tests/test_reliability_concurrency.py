"""Several relgraph processes on one embedded store.

A writer holds the store alone: a second writer, and any reader, gets a clear
"store ... is in use by process N" error (exit code 1) instead of waiting or
reading a graph half-written. Readers share the store, and what a reader sees
is always a whole graph: the one before a load or the one after it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINI, dump_store
from reliability import people, start_load, wait_for

from relgraph import api
from relgraph.errors import StoreInUseError

pytestmark = pytest.mark.reliability

PEOPLE = 300


def in_use(store: Path, holder: str) -> str:
    return f"store {store} is in use by {holder}; wait for it to finish, or pass another --store"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    (folder / "people.yaml").write_text(people(PEOPLE, 1), "utf-8")
    return folder


@pytest.fixture
def store(tmp_path: Path, data: Path) -> Path:
    location = tmp_path / "s.db"
    api.load([data], store=str(location))
    return location


def test_while_a_load_writes_other_writers_and_readers_are_told_who_holds_the_store(
        cli, data: Path, store: Path, tmp_path: Path) -> None:
    before = dump_store(store)
    (data / "people.yaml").write_text(people(PEOPLE, 2), "utf-8")
    writer = start_load(data, store, "pause")
    try:
        wait_for(writer, "paused")  # inside the write transaction
        message = f"error: {in_use(store, f'process {writer.pid}')}\n"
        for args in (["load", str(data)], ["stats"], ["show", "Kim Jong Un"],
                     ["query", "run", "search", "-p", "text=Kim"],
                     ["analyze", "centrality", "--top", "3"],
                     ["export", "--format", "json", "-o", str(tmp_path / "x.json")]):
            r = cli(*args, "--store", str(store))
            assert (r.exit_code, r.exception, r.stdout, r.stderr) == (1, None, "", message), args
        # and a real second process, through the console script
        relgraph = Path(sys.executable).with_name("relgraph")
        proc = subprocess.run([str(relgraph), "load", str(data), "--store", str(store)],
                              capture_output=True, text=True, timeout=120)
        assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", message)
        assert writer.stdin is not None
        writer.stdin.write("\n")
        writer.stdin.flush()
        wait_for(writer, "done")
        assert writer.wait(timeout=60) == 0
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    after = dump_store(store)
    assert after != before
    api.load([data], store=str(store))  # the refused load, run again: nothing more to do
    assert dump_store(store) == after


def test_readers_share_the_store_and_keep_writers_out(store: Path, tmp_path: Path) -> None:
    # A writer killed earlier left its pid file; that process is gone, so no message may name it.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    Path(f"{store}.pid").write_text(dead.stdout.strip())
    readers = [subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom relgraph.store import open_store\n"
         f"st = open_store({str(store)!r}, read_only=True)\nprint(st.counts()['nodes']['Person'], "
         "flush=True)\nsys.stdin.read()\nst.close()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    try:
        for r in readers:
            assert r.stdout is not None
            assert r.stdout.readline() == f"{PEOPLE + 2}\n"  # all three read at once
        assert api.stats(store=str(store))["nodes"]["Person"] == PEOPLE + 2  # and a fourth
        with pytest.raises(StoreInUseError) as info:
            api.load([MINI], store=str(store))
        assert str(info.value) == in_use(store, "another process")
    finally:
        for r in readers:
            assert r.stdin is not None
            r.stdin.close()
            r.wait(timeout=60)
    api.load([tmp_path / "data"], store=str(store))  # free once the readers are gone


WRITER = r"""
import sys, time
from pathlib import Path
from relgraph import api
from relgraph.errors import StoreInUseError

data, store, versions = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
refused = 0
for text in versions:
    (data / "people.yaml").write_text(Path(text).read_text("utf-8"), "utf-8")
    while True:
        try:
            api.load([data], store=store)
            break
        except StoreInUseError:
            refused += 1
            time.sleep(0.02)
    time.sleep(0.1)
print(refused, flush=True)
"""


# Opens the store for writing and closes it, again and again, as a second `relgraph load` does
# first: LadybugDB's own open touches the files before its lock, and so could crash the writer.
OPENER = r"""
import sys
from relgraph.errors import StoreInUseError
from relgraph.store import open_store

opened = refused = 0
while sys.stdin.readline() == "go\n":
    try:
        open_store(sys.argv[1]).close()
        opened += 1
    except StoreInUseError:
        refused += 1
    print(opened, refused, flush=True)
"""


def test_readers_see_whole_graphs_while_loads_come_and_go(data: Path, store: Path, tmp_path: Path) -> None:
    """A writer process loads two versions of a file in turn, while another process keeps
    opening the store for writing; this process reads the full graph whenever the store
    lets it. Each read is one of the two graphs, never a mix; every load finishes."""
    first = dump_store(store)
    v1, v2 = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    v1.write_text(people(PEOPLE, 1), "utf-8")
    v2.write_text(people(PEOPLE, 2), "utf-8")
    check = tmp_path / "check.db"
    shutil.copyfile(store, check)
    (data / "people.yaml").write_text(people(PEOPLE, 2), "utf-8")
    api.load([data], store=str(check))
    second = dump_store(check)
    (data / "people.yaml").write_text(people(PEOPLE, 1), "utf-8")

    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(data), str(store),
                               *[str(v) for v in (v2, v1, v2, v1)]],
                              stdout=subprocess.PIPE, text=True)
    opener = subprocess.Popen([sys.executable, "-c", OPENER, str(store)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    seen = {"first": 0, "second": 0, "in use": 0}
    try:
        while writer.poll() is None:
            assert opener.stdin is not None and opener.stdout is not None
            opener.stdin.write("go\n")
            opener.stdin.flush()
            assert opener.stdout.readline(), "the opener died"
            try:
                got = dump_store(store)
            except StoreInUseError as e:
                assert str(e).startswith(f"store {store} is in use by ")
                seen["in use"] += 1
                time.sleep(0.01)
                continue
            assert got in (first, second), "a reader saw a graph that is neither version"
            seen["first" if got == first else "second"] += 1
    finally:
        if writer.poll() is None:
            writer.send_signal(signal.SIGKILL)
        writer.communicate(timeout=60)
        opener.communicate("stop\n", timeout=60)
    assert writer.returncode == 0 and opener.returncode == 0
    assert seen["first"] + seen["second"] >= 1 and seen["in use"] >= 1, seen
    assert dump_store(store) == first  # the last version loaded was v1
    assert not os.path.exists(f"{store}.rollback")
