"""Every write, not just `load`, survives SIGKILL: a stored write query, `sync` and `import`
(issue 16, item 2).

Each kind of write runs as a real `relgraph` process on a copy of a store holding an
earlier graph, and is killed with SIGKILL at a random moment (seeded) between its start
and a little past the time an uninterrupted run takes. Afterwards the store must open
and hold exactly the earlier graph or exactly the graph of an uninterrupted run, never a
mix, with no rollback copy left once opened. They share the load's path in
relgraph.store.embedded: one transaction, the rollback copy, the lock.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, MINI, dump_store
from reliability import copy_store, people

from relgraph import api
from relgraph.store.rollback import rollback_path

pytestmark = pytest.mark.reliability

RELGRAPH = str(Path(sys.executable).with_name("relgraph"))
KILLS = 10  # per kind of write

WRITE_QUERY = """// name: make-organizations
// description: Create N organizations (a long write, to be killed).
// param: n int -- how many
// mode: write
UNWIND range(1, $n) AS i
CREATE (:Organization {id: 'org:gen-' + CAST(i AS STRING), name: 'Organization ' + CAST(i AS STRING),
                       status: 'reported', origin: 'query'})
RETURN count(*) AS created
"""


class Setup:
    def __init__(self, root: Path):
        self.root = root
        data = root / "data"
        shutil.copytree(MINI, data)
        (data / "people.yaml").write_text(people(600, 1), "utf-8")
        self.base = root / "base.db"
        api.load([data], store=str(self.base))
        self.before = dump_store(self.base)
        (data / "people.yaml").write_text(people(3000, 2), "utf-8")
        self.source = root / "source.db"
        api.load([data], store=str(self.source))
        self.queries = root / "queries"
        self.queries.mkdir()
        (self.queries / "gen.cypher").write_text(WRITE_QUERY, "utf-8")

    def argv(self, kind: str, store: Path) -> list[str]:
        return {
            "write query": [RELGRAPH, "query", "run", "make-organizations", "-p", "n=60000",
                            "--queries", str(self.queries), "--store", str(store)],
            "sync": [RELGRAPH, "sync", "--from", str(self.source), "--to", str(store), "-q"],
            "import": [RELGRAPH, "import", "gdelt", str(FIXTURES / "gdelt" / "events-sample-2016-07-28.tsv"),
                       "--store", str(store)],
        }[kind]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    return Setup(tmp_path_factory.mktemp("kill-writes"))


@pytest.mark.parametrize("kind", ["write query", "sync", "import"])
def test_killed_writes_leave_the_earlier_or_the_new_graph(setup: Setup, kind: str) -> None:
    clean = setup.root / f"clean-{kind.replace(' ', '-')}.db"
    copy_store(setup.base, clean)
    started = time.perf_counter()
    r = subprocess.run(setup.argv(kind, clean), capture_output=True, text=True, timeout=300)
    took = time.perf_counter() - started
    assert r.returncode == 0, r.stderr
    after = dump_store(clean)
    assert after != setup.before
    rng = random.Random(f"kill-{kind}")
    store = setup.root / f"killed-{kind.replace(' ', '-')}.db"
    outcomes = {"before": 0, "after": 0}
    for k in range(KILLS):
        copy_store(setup.base, store)
        delay = rng.uniform(0.3 * took, took * 1.1)  # the first third is Python starting up
        proc = subprocess.Popen(setup.argv(kind, store), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        got = dump_store(store)
        where = f"{kind}: kill {k} after {delay:.2f} s of {took:.2f} s"
        assert got in (setup.before, after), f"{where}: the store holds a third graph"
        outcomes["before" if got == setup.before else "after"] += 1
        assert not rollback_path(store).exists(), where
    print(f"\n{kind}: {KILLS} kills in {took:.2f} s runs: {outcomes}")
    assert outcomes["before"] >= 1, outcomes  # some kills landed before the commit
