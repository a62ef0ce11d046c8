"""`relgraph export --format csv`, imported by Neo4j's own `neo4j-admin database import full`.

The export of the bundled dataset, the UN list and the GDELT samples goes into
a fresh Neo4j home with the options the export prints; that server is started
and holds, node by node and relationship by relationship, the embedded
store's graph: every property value, typed (dates as dates, lists as lists).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, neo4j_server_module

from relgraph import api, imports
from relgraph.analytics import api as analytics
from relgraph.store import open_store

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory, neo4j: object) -> str:
    store = str(tmp_path_factory.mktemp("emb") / "relgraph.db")
    api.load(store=store)
    imports.import_un_sanctions(FIXTURES / "un" / "consolidated-2018-10-29.xml", store=store)
    imports.import_gdelt(FIXTURES / "gdelt" / "events-sample-2016-07-28.tsv", store=store)
    imports.import_gdelt(FIXTURES / "gdelt" / "dyad_events_by_year.csv", store=store)
    return store


def _graph(location: str) -> tuple[dict, dict]:
    with open_store(location, read_only=True) as st:
        nodes = {i: (t, p) for i, t, p in st.iter_nodes()}
        rels = {i: (t, a, b, p) for i, t, a, b, p in st.iter_relationships()}
    return nodes, rels


def test_neo4j_admin_imports_the_export(embedded: str, tmp_path: Path) -> None:
    srv = neo4j_server_module()
    folder = tmp_path / "export"
    report = analytics.export("csv", folder, store=embedded)
    home = tmp_path / "home"
    password = "import-test-password"
    server = srv.Server(home, password=password)  # configures home; started below, after the import
    # The printed command, run as printed (`cd FOLDER && neo4j-admin database import full ...`),
    # by bash, with `neo4j-admin` on PATH.
    assert " neo4j-admin database import full " in report.command
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    srv.admin_script(home, bin_dir / "neo4j-admin")
    r = subprocess.run(["bash", "-c", report.command], capture_output=True, text=True, timeout=600,
                       env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"})
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "IMPORT DONE" in r.stdout, r.stdout[-3000:]
    with server, pytest.MonkeyPatch.context() as mp:  # starts the server on the imported database
        mp.setenv("NEO4J_PASSWORD", password)
        got_nodes, got_rels = _graph(server.uri)
    want_nodes, want_rels = _graph(embedded)
    assert len(got_nodes) == report.nodes == len(want_nodes)
    assert len(got_rels) == report.relationships == len(want_rels)
    for i, (t, props) in want_nodes.items():
        assert got_nodes[i] == (t, props), f"node {i}"
    for i, want in want_rels.items():
        assert got_rels[i] == want, f"relationship {i}"
