"""Shared fixtures: tiny real data files, real LadybugDB stores, the CLI through CliRunner.

Loading even the mini dataset opens a real database, so it is loaded once per
module (``mini_template``) and tests that change a store get a copy of that
file (``mini_store``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest
from click.testing import CliRunner

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
MINI = FIXTURES / "mini"
BAD = FIXTURES / "bad"
BUNDLED = REPO / "graph" / "data" / "russia-dprk"

# What tests/fixtures/mini holds, counted by hand from its two files.
MINI_NODE_COUNTS = {"Document": 1, "State": 2, "Person": 2, "Position": 1, "Event": 1, "Project": 1}
MINI_REL_COUNTS = {"HOLDS": 2, "POST_IN": 1, "PARTICIPATED_IN": 2, "PARTNER_IN": 2}

Dump = dict[str, list[Any]]


@pytest.fixture(autouse=True)
def _no_store_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's RELGRAPH_STORE must not leak into tests."""
    monkeypatch.delenv("RELGRAPH_STORE", raising=False)


def dump_store(location: str | Path) -> Dump:
    """Every node and relationship of a store with all their properties, sorted.

    Lists, not dicts keyed by id, so that a duplicated row shows up.
    """
    from relgraph.store import open_store

    with open_store(str(location), read_only=True) as st:
        _, node_rows = st.run("MATCH (n) RETURN label(n), n")
        _, rel_rows = st.run("MATCH (a)-[r]->(b) RETURN label(r), a.id, b.id, r")
    nodes = sorted((label, sorted(_props(n).items())) for label, n in node_rows)
    rels = sorted((label, a, b, sorted(_props(r).items())) for label, a, b, r in rel_rows)
    return {"nodes": nodes, "relationships": rels}


def _props(entity: dict[str, Any]) -> dict[str, Any]:
    # Internal engine fields (_ID, _LABEL, _SRC, _DST) change between loads; nulls are absent values.
    return {k: v for k, v in entity.items() if not k.startswith("_") and v is not None}


def by_id(dump: Dump) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """A dump as {id: {"type": ..., props...}} for nodes and relationships."""
    nodes = {dict(p)["id"]: {"type": t, **dict(p)} for t, p in dump["nodes"]}
    rels = {dict(p)["id"]: {"type": t, "from": a, "to": b, **dict(p)}
            for t, a, b, p in dump["relationships"]}
    assert len(nodes) == len(dump["nodes"]) and len(rels) == len(dump["relationships"]), "duplicate ids"
    return nodes, rels


@pytest.fixture
def dump() -> Callable[[str | Path], Dump]:
    return dump_store


@pytest.fixture
def tmp_store(tmp_path: Path) -> str:
    """A store location that does not exist yet."""
    return str(tmp_path / "test.db")


@pytest.fixture(scope="module")
def mini_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store holding tests/fixtures/mini, loaded once per module. Do not modify it."""
    from relgraph import api

    location = str(tmp_path_factory.mktemp("mini") / "mini.db")
    api.load([MINI], store=location)
    return location


@pytest.fixture
def mini_store(mini_template: str, tmp_path: Path) -> str:
    """A private copy of the mini store, free to modify."""
    location = tmp_path / "mini.db"
    shutil.copyfile(mini_template, location)
    for extra in (".wal",):
        if Path(mini_template + extra).exists():
            shutil.copyfile(mini_template + extra, str(location) + extra)
    return str(location)


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A copy of the mini fixture's files, free to edit."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None


def _runner() -> CliRunner:
    try:  # click < 8.2 mixes stderr into stdout unless told not to
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run ``relgraph ARGS...`` in-process; returns exit code, stdout, stderr."""
    from relgraph.cli import main

    monkeypatch.setenv("COLUMNS", "100")  # `show` wraps to the terminal width

    def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> CliResult:
        result = _runner().invoke(main, list(args), env=env, input=input, catch_exceptions=True)
        exc = result.exception
        if isinstance(exc, SystemExit):
            exc = None
        return CliResult(result.exit_code, result.stdout, result.stderr, exc)

    return run


# -- parts the suite needs beyond Python ------------------------------------------
def parts_required() -> bool:
    """Whether a test whose part is missing (Chromium, Neo4j's Cypher parser, a Neo4j server,
    igraph, the seeds) must fail rather than skip: `.ci/run` says so with RELGRAPH_REQUIRE_ALL=1,
    whatever the runner's CI variable; CI=true says so too."""
    return (os.environ.get("RELGRAPH_REQUIRE_ALL") == "1"
            or os.environ.get("CI", "").lower() in ("1", "true", "yes"))


def missing_part(what: str, why: str) -> NoReturn:
    """Skip a test whose part is missing here, or fail it where every part is required."""
    if parts_required():
        pytest.fail(f"{what} cannot run: {why} (every part is required: RELGRAPH_REQUIRE_ALL or CI)")
    pytest.skip(f"{what}: {why}")


# -- a real Neo4j server --------------------------------------------------------
@dataclass
class Neo4jTarget:
    """The Neo4j server the `neo4j` tests use: started by the suite, or the one NEO4J_URI names."""

    uri: str
    user: str
    password: str
    server: Any = None  # docker/neo4j/server.py's Server, when the suite started it

    def env(self, **extra: str) -> dict[str, str]:
        """The environment for a child `relgraph` process that talks to this server."""
        return {**os.environ, "NEO4J_URI": self.uri, "NEO4J_USER": self.user,
                "NEO4J_PASSWORD": self.password, **extra}

    def empty(self) -> str:
        """Delete every node and relationship; return the URI."""
        from relgraph.store import open_store

        with open_store(self.uri) as st:
            st.run("MATCH (n) DETACH DELETE n", write=True)
        return self.uri

    def wait_for_login(self, timeout: float = 60) -> None:
        """Wait until the server lets the right password in again: after a few wrong ones Neo4j
        refuses every login for a while (`dbms.security.auth_lock_time`)."""
        import time

        from relgraph.errors import StoreError
        from relgraph.store import open_store

        deadline = time.monotonic() + timeout
        while True:
            try:
                open_store(self.uri, read_only=True).close()
                return
            except StoreError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)

    def restart(self, *, kill: bool = False) -> None:
        """Stop the suite's server (SIGKILL with ``kill``) and start it again on the same port."""
        if self.server is None:
            pytest.skip("NEO4J_URI names a server this suite did not start: it cannot restart it")
        self.server.stop(kill=kill)
        self.server.start()


def neo4j_server_module() -> Any:
    """docker/neo4j/server.py, imported by path (it is a script, not part of the package)."""
    import importlib.util
    import sys

    name = "relgraph_neo4j_server"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "docker" / "neo4j" / "server.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def neo4j(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real Neo4j for the whole run: NEO4J_URI's server if set (the GitHub workflow's neo4j:5
    service), else a Neo4j 5.26 the suite starts on a free loopback port (docker/neo4j/server.py)
    and stops at the end; if pytest itself is killed, the JVM dies with it.

    Where no server can be had (no Java, no Maven, no network for the jars), the `neo4j` tests
    fail in CI and are skipped elsewhere, saying why.
    """
    import secrets

    uri = os.environ.get("NEO4J_URI")
    if uri:
        password = os.environ.get("NEO4J_PASSWORD")
        if not password:
            pytest.fail("NEO4J_URI is set but NEO4J_PASSWORD is not")
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("NEO4J_PASSWORD", password)
            yield Neo4jTarget(uri, os.environ.get("NEO4J_USER", "neo4j"), password)
        return
    srv = neo4j_server_module()
    password = "rg-" + secrets.token_hex(12)
    server = srv.Server(tmp_path_factory.mktemp("neo4j-home"), password=password)
    try:
        server.start()
    except srv.ServerError as e:
        missing_part("the `neo4j` tests", f"no Neo4j server could be started: {e} "
                     "(run `bash .ci/setup`, or set NEO4J_URI and NEO4J_PASSWORD)")
    try:
        with pytest.MonkeyPatch.context() as mp:
            # Child processes (`relgraph ...`) and the store read these, as an analyst's shell would.
            mp.setenv("NEO4J_PASSWORD", password)
            mp.setenv("NEO4J_USER", "neo4j")
            yield Neo4jTarget(server.uri, "neo4j", password, server)
    finally:
        server.stop()


# Properties an analysis reads without the rest (Store.iter_nodes/iter_relationships `fields`):
# some every type has, some few have, one no type has.
SOME_FIELDS = ("name", "status", "date", "datePrecision", "validFrom", "sources", "role", "noSuchProperty")


def check_some_fields(location: str, node_types: tuple[str, ...], rel_types: tuple[str, ...]) -> None:
    """Reading some types and some properties gives exactly the whole records cut down to them
    (``id`` always), in the same order."""
    from relgraph.store import open_store

    with open_store(location, read_only=True) as st:
        full = list(st.iter_nodes()), list(st.iter_relationships())
        nodes = list(st.iter_nodes(node_types, SOME_FIELDS))
        rels = list(st.iter_relationships(rel_types, SOME_FIELDS))
        ends = [(t, [tuple(e) for e in rows]) for t, rows in st.relationship_ends(rel_types)]
        every_end = [(t, [tuple(e) for e in rows]) for t, rows in st.relationship_ends()]
        valued = [(t, [tuple(e) for e in rows])
                  for t, rows in st.relationship_ends(rel_types, ("id", *SOME_FIELDS))]

    def cut(p: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in p.items() if k in SOME_FIELDS or k == "id"}

    assert nodes == [(i, t, cut(p)) for i, t, p in full[0] if t in node_types]
    assert rels == [(i, t, a, b, cut(p)) for i, t, a, b, p in full[1] if t in rel_types]
    types_in_order = list(dict.fromkeys(t for _i, t, *_ in full[1]))
    assert every_end == [(t, [(a, b) for _i, u, a, b, _p in full[1] if u == t]) for t in types_in_order]
    assert ends == [e for e in every_end if e[0] in rel_types]
    assert valued == [(t, [(a, b, *map(p.get, ("id", *SOME_FIELDS))) for _i, u, a, b, p in full[1] if u == t])
                      for t in types_in_order if t in rel_types]
    assert any(v is not None for _t, rows in valued for row in rows for v in row[2:])
    assert len(nodes) > len(node_types) and len(rels) > len(rel_types)  # something was read of each
    some_nodes, some_rels = [n[0] for n in nodes[::3]], [r[0] for r in rels[::3]]
    with open_store(location, read_only=True) as st:
        assert list(st.iter_nodes(node_types, SOME_FIELDS, some_nodes)) == nodes[::3]
        assert list(st.iter_relationships(rel_types, SOME_FIELDS, [*some_rels, "rel:none"])) == rels[::3]
        assert list(st.iter_nodes(None, None, some_nodes[:2])) == [
            n for n in full[0] if n[0] in some_nodes[:2]]
        assert list(st.iter_relationships(None, None, some_rels[:2])) == [
            r for r in full[1] if r[0] in some_rels[:2]]
        assert list(st.iter_nodes(None, SOME_FIELDS, [])) == list(st.iter_relationships(None, None, [])) == []
        # A few nodes' relationships (a neighbourhood read ring by ring), as the whole read gives them.
        ring = [*some_nodes[::4], "state:PRK", "person:nobody"]
        among = {*ring[::2], *(e for _t, rows in valued for row in rows[::2] for e in row[:2])}
        at = [(t, [tuple(e) for e in rows]) for t, rows in st.relationship_ends_at(ring, rel_types,
                                                                                   ("id", *SOME_FIELDS))]
        inside = [(t, [tuple(e) for e in rows])
                  for t, rows in st.relationship_ends_at(ring, rel_types, ("id", *SOME_FIELDS), among)]
        counted = st.relationship_count_at(ring, rel_types)
    touching = [(t, [row for row in rows if row[0] in ring or row[1] in ring]) for t, rows in valued]
    assert at == [(t, rows) for t, rows in touching if rows] and len(at) >= 2
    within = [(t, [row for row in rows if row[0] in among and row[1] in among]) for t, rows in touching]
    assert inside == [(t, rows) for t, rows in within if rows] and inside and inside != at
    assert counted == sum((row[0] in ring) + (row[1] in ring) for _t, rows in at for row in rows)
    assert {k for *_, p in rels for k in p} >= {"id", "status", "sources", "role"}
