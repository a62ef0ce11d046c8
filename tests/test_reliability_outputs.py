"""Outputs never harm the store, and appear whole or not at all (issue 16, items 3 and 4).

- Every output path that is the store, a file the store keeps beside it (WAL,
  lock, rollback copy, ...) or reaches one through a symbolic or hard link is
  refused by `export` (each format) and `view`, with exit code 2, and the
  store's files are unchanged.
- Exports and views killed with SIGKILL at random points while they write
  leave the earlier output exactly as it was (or, once renamed, the whole new
  one), never a truncated file or a folder mixing old and new files; the next
  write removes the killed writer's temporary files.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import time
import xml.dom.minidom
from pathlib import Path

import networkx as nx
import pytest

from relgraph.analytics.export import write
from relgraph.outputs import check_target, clean_leftovers

pytestmark = pytest.mark.reliability

STORE_SIDE_FILES = ("", ".wal", ".lock", ".rollback", ".rollback.part", ".pid", ".shadow")
KILLS_PER_FORMAT = 8


def _digest(store: Path) -> dict[str, str]:
    out = {}
    for s in STORE_SIDE_FILES:
        p = Path(f"{store}{s}")
        if p.exists():
            out[s] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def store(mini_store: str, tmp_path: Path) -> Path:
    p = Path(mini_store)
    for s in (".wal", ".rollback"):  # make every side file exist, to aim at it
        Path(f"{p}{s}").write_bytes(b"")
    Path(f"{p}.lock").touch()
    return p


def _targets(store: Path, tmp_path: Path) -> list[tuple[str, Path]]:
    out = [(f"the store{s or ' file'}", Path(f"{store}{s}")) for s in STORE_SIDE_FILES]
    link = tmp_path / "link.json"
    link.symlink_to(store)
    dangling = tmp_path / "wal-link.json"
    dangling.symlink_to(Path(f"{store}.shadow"))  # the shadow file does not exist: a dangling link
    hard = tmp_path / "hard.json"
    os.link(store, hard)
    (tmp_path / "dirlink").symlink_to(store.parent)
    return [*out, ("a link to the store", link), ("a dangling link to its shadow file", dangling),
            ("a hard link to the store", hard),
            ("the store through a linked folder", tmp_path / "dirlink" / store.name)]


@pytest.mark.parametrize("command", ["json", "graphml", "gexf", "csv", "view"])
def test_no_output_is_the_store(cli, store: Path, tmp_path: Path, command: str) -> None:
    before = _digest(store)
    refused = 0
    links = tmp_path / "links"
    links.mkdir()
    for what, target in _targets(store, links):
        args = (["view", "-o", str(target)] if command == "view"
                else ["export", "--format", command, "-o", str(target)])
        r = cli(*args, "--store", str(store))
        assert r.exit_code == 2, (what, r.stdout, r.stderr)
        assert "store" in r.stderr and "Traceback" not in r.stderr, (what, r.stderr)
        assert _digest(store) == before, what
        refused += 1
    assert refused == 11
    r = cli("stats", "--store", str(store))
    assert r.exit_code == 0, r.stderr


def test_a_csv_folder_holding_the_store_is_refused(cli, store: Path) -> None:
    before = _digest(store)
    r = cli("export", "--format", "csv", "-o", str(store.parent), "--store", str(store))
    assert r.exit_code == 2 and "holds the store's file" in r.stderr, r.stderr
    assert _digest(store) == before


def test_store_from_the_environment_is_protected(cli, store: Path) -> None:
    r = cli("export", "--format", "json", "-o", str(store), env={"RELGRAPH_STORE": str(store)})
    assert r.exit_code == 2 and "is the store's file" in r.stderr, r.stderr


def test_a_folder_that_is_not_an_export_is_not_replaced(cli, mini_template: str, tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("keep me")
    r = cli("export", "--format", "csv", "-o", str(tmp_path / "mine"), "--store", mini_template)
    assert r.exit_code == 2 and "holds other files" in r.stderr
    assert (tmp_path / "mine" / "thesis.docx").read_text() == "keep me"
    # An earlier export is replaced as a whole: no file of it survives that the new one lacks.
    out = tmp_path / "csv"
    assert cli("export", "--format", "csv", "-o", str(out), "--store", mini_template).exit_code == 0
    assert (out / "nodes-Document.csv").exists()
    assert cli("export", "--format", "csv", "-o", str(out), "--types", "-Document",
               "--store", mini_template).exit_code == 0
    assert not (out / "nodes-Document.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv", "mine"]


def test_check_target_names_the_file(store: Path) -> None:
    from relgraph.errors import UsageError

    with pytest.raises(UsageError, match=r"\.wal; writing it would destroy the store"):
        check_target(f"{store}.wal", str(store))
    assert check_target(store.parent / "elsewhere.json", str(store)) == store.parent / "elsewhere.json"
    assert check_target(store, "neo4j://localhost:7687") == store  # a Neo4j store has no files here


# -- kills while writing ------------------------------------------------------

CHILD = r"""
import sys, time
import networkx as nx
fmt, target, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
G = nx.MultiDiGraph()
for i in range(n):
    G.add_node(f"person:p{i}", type="Person", name=f"Person {i} " + "x" * 50, status="confirmed",
               sources=[f"doc:d | para {i}; and | more"], aliases=[f"P{i}", f"Q{i}"])
for i in range(1, n):
    G.add_edge(f"person:p{i}", f"person:p{i - 1}", key=f"KNOWS:{i}", type="KNOWS", status="reported",
               sources=[f"doc:d | {i}"])
print("ready", flush=True)
if fmt == "view":
    from relgraph.views import _write
    _write(__import__("pathlib").Path(target), "<!DOCTYPE html>" + "<p>x</p>" * (n * 40) + "<!--end-->")
else:
    from relgraph.analytics.export import write
    write(G, fmt, target)
print("done", flush=True)
"""
SIZE = 6000


def _complete(fmt: str, target: Path, marker: str) -> bool:
    """The output parses, and is the version `marker` names."""
    if fmt == "json":
        data = json.loads(target.read_text("utf-8"))
        return len(data["nodes"]) == (SIZE if marker == "new" else 1)
    if fmt in ("graphml", "gexf"):
        xml.dom.minidom.parse(str(target))
        n = nx.read_graphml(target) if fmt == "graphml" else nx.read_gexf(target)
        return n.number_of_nodes() == (SIZE if marker == "new" else 1)
    if fmt == "view":
        text = target.read_text("utf-8")
        return text.endswith("<!--end-->") if marker == "new" else text == "old view"
    names = sorted(p.name for p in target.iterdir())
    if marker == "old":
        return names == ["nodes-Old.csv", "relgraph-export.txt"]
    return names == ["nodes-Person.csv", "relationships-KNOWS.csv", "relgraph-export.txt"] and len(
        (target / "nodes-Person.csv").read_text("utf-8").splitlines()) == SIZE + 1


def _old(fmt: str, target: Path) -> None:
    if fmt == "csv":
        target.mkdir()
        (target / "nodes-Old.csv").write_text("id:ID\n\"a\"\n")
        (target / "relgraph-export.txt").write_text("old\n")
    elif fmt == "view":
        target.write_text("old view")
    else:
        G = nx.MultiDiGraph()
        G.add_node("state:RUS", type="State", name="Russia")
        write(G, fmt, target)


def _timing(fmt: str, target: Path) -> float:
    proc = subprocess.Popen([sys.executable, "-c", CHILD, fmt, str(target), str(SIZE)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    t0 = time.perf_counter()
    assert proc.stdout.readline().strip() == "done"
    assert proc.wait(timeout=120) == 0
    return time.perf_counter() - t0


@pytest.mark.parametrize("fmt", ["json", "graphml", "gexf", "csv", "view"])
def test_killed_writes_leave_the_earlier_output_whole(tmp_path: Path, fmt: str) -> None:
    rng = random.Random(f"outputs-{fmt}")
    name = "out" if fmt == "csv" else f"out.{'html' if fmt == 'view' else fmt}"
    (tmp_path / "timing").mkdir()
    writing = _timing(fmt, tmp_path / "timing" / name)
    outcomes = {"old": 0, "new": 0}
    for i in range(KILLS_PER_FORMAT):
        folder = tmp_path / f"k{i}"
        folder.mkdir()
        target = folder / name
        _old(fmt, target)
        proc = subprocess.Popen([sys.executable, "-c", CHILD, fmt, str(target), str(SIZE)],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0, writing * 1.1))
        proc.kill()
        proc.wait(timeout=30)
        visible = [p.name for p in folder.iterdir() if not p.name.startswith(".")]
        assert visible == [name], visible
        state = "new" if _complete(fmt, target, "new") else "old"
        assert _complete(fmt, target, state), (fmt, i)
        outcomes[state] += 1
        # The next write removes what the killed one left, and writes whole.
        clean_leftovers(target)
        assert [p.name for p in folder.iterdir()] == [name]
    assert outcomes["old"] >= 1, outcomes  # the kills did land while writing
