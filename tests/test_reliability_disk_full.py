"""A full disk never leaves a half-written store, nor one that will not open (issue 16, item 1).

A store holding an earlier graph sits on a small file system the test makes itself
(a 40 MB tmpfs where the test may mount one, else an ordinary folder with the
process's file-size limit, RLIMIT_FSIZE, standing in for the disk's end), filled
up to leave a chosen amount of free space: from less than the rollback copy needs
to enough for the whole load. A `relgraph load` of a bigger file set then runs in
a real process. Whatever happens (a clear error, success, or the engine itself
crashing on the full disk), once space is freed the store must open read-only
(`stats`) and hold exactly the earlier graph, or, where the load said it
succeeded, exactly the new one. An error says that the store holds its earlier graph.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MINI, dump_store
from reliability import copy_store, people

from relgraph import api

pytestmark = pytest.mark.reliability

RELGRAPH = str(Path(sys.executable).with_name("relgraph"))
# Free space left beside the store, in KiB (the store is ~9.5 MiB; its rollback copy as much).
FREE_KIB = [100, 5_000, 9_600, 9_800, 10_000, 10_200, 10_500, 11_000, 12_000, 14_000, 17_000, 30_000]
# With the file-size limit: how far past the store's size any one file may grow, in KiB.
FSIZE_KIB = [0, 4, 16, 64, 128, 256, 512, 1_024, 2_048, 4_096, 30_000]


@pytest.fixture(scope="module")
def graphs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object, object]:
    root = tmp_path_factory.mktemp("disk-full")
    data = root / "data"
    shutil.copytree(MINI, data)
    (data / "people.yaml").write_text(people(400, 1), "utf-8")
    base = root / "base.db"
    api.load([data], store=str(base))
    before = dump_store(base)
    (data / "people.yaml").write_text(people(3000, 2), "utf-8")
    clean = root / "clean.db"
    copy_store(base, clean)
    api.load([data], store=str(clean))
    return data, base, before, dump_store(clean)


@contextlib.contextmanager
def small_disk(root: Path) -> Iterator[tuple[Path, str]]:
    """A 40 MB file system (tmpfs) if this process may mount one, else a plain folder."""
    mnt = root / "mnt"
    mnt.mkdir()
    cmd = ["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mnt)]
    if os.environ.get("RELGRAPH_TEST_NO_MOUNT"):  # to run the fallback where mounting works
        cmd = ["false"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    try:
        yield mnt, "tmpfs" if r.returncode == 0 else "fsize"
    finally:
        if r.returncode == 0:
            subprocess.run(["umount", str(mnt)], check=True)


def _limit(kib: int) -> None:  # in the child: writes past this size fail with EFBIG
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (kib * 1024, kib * 1024))


def test_a_load_on_a_full_disk_leaves_the_old_graph_or_the_new(graphs, tmp_path: Path) -> None:
    data, base, before, after = graphs
    outcomes: dict[str, int] = {}
    with small_disk(tmp_path) as (mnt, mode):
        sizes = FREE_KIB if mode == "tmpfs" else FSIZE_KIB
        for free in sizes:
            store = mnt / "s.db"
            for f in mnt.iterdir():
                f.unlink()
            copy_store(base, store)
            filler = mnt / "filler"
            if mode == "tmpfs":
                with open(filler, "wb") as fh:
                    fh.write(b"\0" * max(shutil.disk_usage(mnt).free - free * 1024, 0))
                pre = None
            else:  # no file may grow past the store's size plus `free`
                size = store.stat().st_size // 1024 + free
                pre = lambda size=size: _limit(size)  # noqa: E731
            r = subprocess.run([RELGRAPH, "load", str(data), "--store", str(store), "-q"],
                               capture_output=True, text=True, timeout=300, preexec_fn=pre)
            filler.unlink(missing_ok=True)
            assert "Traceback" not in r.stderr, (free, r.stderr[-2000:])
            s = subprocess.run([RELGRAPH, "stats", "--store", str(store), "--format", "json"],
                               capture_output=True, text=True, timeout=120)
            assert s.returncode == 0, (free, s.stderr)
            got = dump_store(store)
            if r.returncode == 0:
                assert got == after, free
                outcomes["loaded"] = outcomes.get("loaded", 0) + 1
            else:
                assert got == before, (free, r.returncode, r.stderr[-500:])
                if r.returncode == 1:
                    assert r.stderr.startswith("error: ") and (
                        "the store holds its earlier graph" in r.stderr
                        or "cannot save the store's state" in r.stderr), (free, r.stderr)
                    outcomes["refused"] = outcomes.get("refused", 0) + 1
                else:  # the engine itself died (abort or segfault) on the full disk
                    outcomes["engine crashed"] = outcomes.get("engine crashed", 0) + 1
            assert not (mnt / "s.db.rollback").exists() or r.returncode not in (0, 1)
            assert not list(mnt.glob("*.part")), free
    print(mode, outcomes)
    assert outcomes.get("refused", 0) >= 3 and outcomes.get("loaded", 0) >= 1, outcomes
    assert sum(outcomes.values()) == len(sizes)


def test_a_read_only_open_needs_no_space(graphs, tmp_path: Path) -> None:
    """A store whose writer died (rollback copy left) on a full disk opens read-only: the copy
    is put back with a rename, which needs no space."""
    _data, base, before, _after = graphs
    with small_disk(tmp_path) as (mnt, mode):
        if mode != "tmpfs":
            pytest.skip("needs a file system of its own (tmpfs) to fill")
        store = mnt / "s.db"
        copy_store(base, store)
        shutil.copyfile(store, f"{store}.rollback")  # what a killed writer leaves
        with open(store, "r+b") as fh:
            fh.seek(4096)
            fh.write(b"\xff" * 4096)  # and a half-written store file
        with open(mnt / "filler", "wb") as fh, contextlib.suppress(OSError):
            fh.write(b"\0" * shutil.disk_usage(mnt).free)
        assert shutil.disk_usage(mnt).free < 64 * 1024
        s = subprocess.run([RELGRAPH, "stats", "--store", str(store), "--format", "json"],
                           capture_output=True, text=True, timeout=120)
        assert s.returncode == 0, s.stderr
        assert dump_store(store) == before
        os.unlink(mnt / "filler")
