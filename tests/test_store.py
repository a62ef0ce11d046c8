"""Loading into the embedded LadybugDB store: idempotent, incremental, atomic, refusing bad removals."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import MINI, MINI_NODE_COUNTS, MINI_REL_COUNTS, by_id, check_some_fields, dump_store

from relgraph import api
from relgraph.errors import InputError, StoreError, StoreInUseError, UsageError
from relgraph.schema import load_schema, parse_schema
from relgraph.store import WriteResult, open_store, resolve_location
from relgraph.store.embedded import EmbeddedStore


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} not found exactly once in {path}"
    path.write_text(text.replace(old, new), "utf-8")


# -- what a load writes ---------------------------------------------------------------
def test_counts_after_loading_mini(mini_template: str) -> None:
    counts = api.stats(store=mini_template)
    schema = load_schema()
    assert set(counts["nodes"]) == set(schema.nodes)
    assert set(counts["relationships"]) == set(schema.relationships)
    assert {t: n for t, n in counts["nodes"].items() if n} == MINI_NODE_COUNTS
    assert {t: n for t, n in counts["relationships"].items() if n} == MINI_REL_COUNTS


def test_stored_properties_are_exactly_the_files_values(mini_template: str) -> None:
    nodes, rels = by_id(dump_store(mini_template))
    core = (MINI / "core.yaml").as_posix()
    assert nodes["project:rajin-khasan-railway"] == {
        "type": "Project",
        "id": "project:rajin-khasan-railway",
        "name": "Rajin–Khasan railway",
        "aliases": ["Rajin-Khasan", "Najin-Khasan railway"],
        "domain": "transport",
        "sanctionClass": "gray-zone",
        "validFrom": date(2013, 9, 1),
        "validFromPrecision": "month",  # the file says 2013-09
        "description": "The 54 km rail link from Khasan in Russia to the port of Rajin.",
        "status": "confirmed",
        "sources": ["doc:eai-2024-06-05 | para 6"],
        "sourceDocs": ["doc:eai-2024-06-05"],
        "origin": core,
    }
    assert rels["HOLDS:person:putin-vladimir->position:rus-president@2000-05-07"] == {
        "type": "HOLDS",
        "from": "person:putin-vladimir",
        "to": "position:rus-president",
        "id": "HOLDS:person:putin-vladimir->position:rus-president@2000-05-07",
        "validFrom": date(2000, 5, 7),
        "validTo": date(2008, 5, 7),
        "status": "confirmed",
        "sources": ["doc:eai-2024-06-05 | para 3"],
        "sourceDocs": ["doc:eai-2024-06-05"],
        "origin": (MINI / "posts.csv").as_posix(),
    }
    assert nodes["event:2023-09-13-vostochny-summit"]["datePrecision"] == "day"


def test_node_lookups(mini_template: str) -> None:
    with open_store(mini_template, read_only=True) as st:
        assert st.node("state:PRK")["aliases"] == ["North Korea", "DPRK", "PRK"]
        assert st.node("state:XXX") is None
        assert st.node("nothing:here") is None
        names = {i: (t, n, a) for i, t, n, a in st.node_names()}
        assert names["person:kim-jong-un"] == ("Person", "Kim Jong Un", ["Kim Jong-un"])
        assert names["position:rus-president"] == ("Position", "President of the Russian Federation", [])
        nbs = sorted((n.rel_type, n.outgoing, n.other_id, n.other_type, n.other_name, n.props.get("role"))
                     for n in st.neighbours("person:putin-vladimir"))
        president = ("HOLDS", True, "position:rus-president", "Position",
                     "President of the Russian Federation")
        assert nbs == [
            (*president, None),
            (*president, None),
            ("PARTICIPATED_IN", True, "event:2023-09-13-vostochny-summit", "Event",
             "Vostochny Cosmodrome summit", "host"),
        ]
        incoming = [(n.rel_type, n.outgoing, n.other_id) for n in st.neighbours("state:RUS")]
        assert sorted(incoming) == [("PARTNER_IN", True, "project:rajin-khasan-railway"),
                                    ("POST_IN", False, "position:rus-president")]


def test_some_types_and_properties_are_the_whole_records_cut_down(tmp_store: str) -> None:
    api.load(store=tmp_store)  # the bundled data: every type of node and relationship it has
    check_some_fields(tmp_store, ("Person", "Event", "Document"), ("PARTICIPATED_IN", "HOLDS", "SIGNED"))


def test_attached_finds_every_relationship_of_the_given_nodes(mini_template: str) -> None:
    """Checked for every node against the full dump. (LadybugDB 0.14.1 answers an unlabelled
    `MATCH (n)-[r]-() WHERE n.id IN $ids` wrongly for position:rus-president here.)"""
    _, rels = by_id(dump_store(mini_template))
    core, posts = (MINI / "core.yaml").as_posix(), (MINI / "posts.csv").as_posix()
    with open_store(mini_template, read_only=True) as st:
        ids = [i for i, *_ in st.node_names()]
        for node_id in ids:
            touching = sorted((r["id"], r["origin"]) for r in rels.values()
                              if node_id in (r["from"], r["to"]))
            assert st.attached([node_id], []) == touching, node_id
            assert st.attached([node_id], [core]) == [x for x in touching if x[1] != core], node_id
        assert st.attached(["position:rus-president"], [core]) == [
            ("HOLDS:person:putin-vladimir->position:rus-president@2000-05-07", posts)]
        assert st.attached(ids, [core, posts]) == []
        assert st.attached([], []) == []


# -- idempotence and incremental loads --------------------------------------------------
def test_loading_twice_gives_the_same_graph(mini_store: str) -> None:
    before = dump_store(mini_store)
    report = api.load([MINI], store=mini_store)
    assert dump_store(mini_store) == before
    assert report.changes == api.Changes(files=2)  # nothing added, updated or removed
    assert report.result == WriteResult()  # and nothing written
    assert report.files == 2
    assert report.dataset_counts == {**MINI_NODE_COUNTS, **MINI_REL_COUNTS}


def test_loading_files_one_by_one_equals_loading_them_together(mini_template: str, tmp_store: str) -> None:
    api.load([MINI / "core.yaml"], store=tmp_store)
    api.load([MINI / "posts.csv"], store=tmp_store)
    assert dump_store(tmp_store) == dump_store(mini_template)


def test_a_changed_file_updates_exactly_what_changed(mini_copy: Path, tmp_store: str) -> None:
    api.load([mini_copy], store=tmp_store)
    nodes0, rels0 = by_id(dump_store(tmp_store))
    core = mini_copy / "core.yaml"
    # Change a property, drop another.
    edit(core, "name: Vostochny Cosmodrome summit", "name: Putin–Kim summit at Vostochny")
    edit(core, "    born: 1952-10-07\n", "")
    # Remove a node (and the relationship that used it).
    edit(core, """  - id: person:kim-jong-un
    type: Person
    name: Kim Jong Un
    aliases: [Kim Jong-un]
    sources: ["doc:eai-2024-06-05 | para 3"]
""", "")
    edit(core, """  - type: PARTICIPATED_IN
    from: person:kim-jong-un
    to: event:2023-09-13-vostochny-summit
    role: guest
    sources: ["doc:eai-2024-06-05 | para 1"]
""", "")
    # Remove a relationship, add another.
    edit(core, """  - type: POST_IN
    from: position:rus-president
    to: state:RUS
    sources: ["doc:eai-2024-06-05 | para 3"]
""", """  - type: CITIZEN_OF
    from: person:putin-vladimir
    to: state:RUS
    note: added on reload
    sources: ["doc:eai-2024-06-05 | para 3"]
""")
    report = api.load([mini_copy], store=tmp_store)
    nodes1, rels1 = by_id(dump_store(tmp_store))

    expected_nodes = {k: dict(v) for k, v in nodes0.items() if k != "person:kim-jong-un"}
    expected_nodes["event:2023-09-13-vostochny-summit"]["name"] = "Putin–Kim summit at Vostochny"
    del expected_nodes["person:putin-vladimir"]["born"]
    assert nodes1 == expected_nodes

    expected_rels = {k: v for k, v in rels0.items()
                     if k not in ("PARTICIPATED_IN:person:kim-jong-un->event:2023-09-13-vostochny-summit",
                                  "POST_IN:position:rus-president->state:RUS")}
    expected_rels["CITIZEN_OF:person:putin-vladimir->state:RUS"] = {
        "type": "CITIZEN_OF", "from": "person:putin-vladimir", "to": "state:RUS",
        "id": "CITIZEN_OF:person:putin-vladimir->state:RUS", "status": "confirmed",
        "note": "added on reload", "sources": ["doc:eai-2024-06-05 | para 3"],
        "sourceDocs": ["doc:eai-2024-06-05"], "origin": core.as_posix(),
    }
    assert rels1 == expected_rels
    assert report.changes == api.Changes(nodes_updated=2, nodes_removed=1, relationships_added=1,
                                         relationships_removed=2, files=2, files_changed=1)
    # Only core.yaml was written (its 7 nodes and 5 relationships); posts.csv had not changed.
    r = report.result
    assert (r.nodes_added, r.nodes_updated, r.nodes_removed) == (0, 7, 1)
    assert r.relationships_written == 5


def test_reloading_one_file_keeps_the_other_files_facts(mini_copy: Path, tmp_store: str,
                                                        tmp_path: Path) -> None:
    api.load([mini_copy], store=tmp_store)
    edit(mini_copy / "core.yaml", "role: operator", "role: builder")
    api.load([mini_copy / "core.yaml"], store=tmp_store)
    _, rels = by_id(dump_store(tmp_store))
    assert rels["PARTNER_IN:state:RUS->project:rajin-khasan-railway"]["role"] == "builder"
    assert "HOLDS:person:putin-vladimir->position:rus-president@2000-05-07" in rels  # from posts.csv
    assert len(rels) == 7
    fresh = str(tmp_path / "fresh.db")
    api.load([mini_copy], store=fresh)
    assert dump_store(tmp_store) == dump_store(fresh)


def test_reloading_files_that_share_a_table_keeps_every_value(mini_copy: Path, tmp_path: Path) -> None:
    """Files reloaded one at a time, in any order, give the graph one load of all of them gives.

    (real_ladybug 0.12-0.15 persist a SET on a list column to the wrong rows once some rows
    share a list value: here ten State nodes ended up with their neighbours' `sources`.)"""
    more = mini_copy / "more.yaml"
    codes = ["CHN", "MNG", "JPN", "USA", "KOR", "VNM", "LAO", "CUB", "IRN", "SYR"]
    more.write_text("nodes:\n" + "".join(
        f"  - {{id: 'state:{c}', type: State, name: State {c}, iso3: {c}, status: confirmed,"
        f" aliases: [{c}], sources: ['doc:eai-2024-06-05 | {c}']}}\n" for c in codes), "utf-8")
    fresh, stepwise = str(tmp_path / "fresh.db"), str(tmp_path / "stepwise.db")
    api.load([mini_copy], store=fresh)
    for name in ("core.yaml", "more.yaml", "posts.csv", "more.yaml", "core.yaml", "more.yaml"):
        api.load([mini_copy / name], store=stepwise)
    assert dump_store(stepwise) == dump_store(fresh)
    nodes, _ = by_id(dump_store(stepwise))
    assert [nodes[f"state:{c}"]["sources"] for c in codes] == [[f"doc:eai-2024-06-05 | {c}"] for c in codes]


def test_removing_a_node_another_file_still_uses_is_refused(mini_copy: Path, tmp_store: str) -> None:
    api.load([mini_copy], store=tmp_store)
    before = dump_store(tmp_store)
    core = mini_copy / "core.yaml"
    edit(core, """  - id: position:rus-president
    type: Position
    name: President of the Russian Federation
    rank: head-of-state
    sources: ["doc:eai-2024-06-05 | para 3"]
""", "")
    edit(core, """  - type: HOLDS
    from: person:putin-vladimir
    to: position:rus-president
    validFrom: 2012-05-07
    sources: ["doc:eai-2024-06-05 | para 3"]
  - type: POST_IN
    from: position:rus-president
    to: state:RUS
    sources: ["doc:eai-2024-06-05 | para 3"]
""", "")
    posts = (mini_copy / "posts.csv").as_posix()
    with pytest.raises(InputError) as info:
        api.load([core], store=tmp_store)
    assert [str(p) for p in info.value.problems] == [
        f"{core.as_posix()}: id = 'position:rus-president': this file no longer defines the node, but "
        f"relationship 'HOLDS:person:putin-vladimir->position:rus-president@2000-05-07' in {posts} uses it "
        f"(fix: keep the node in this file, or remove the relationship from {posts} too)",
    ]
    assert dump_store(tmp_store) == before
    # Loading both files says which line of the other file still refers to the node.
    with pytest.raises(InputError) as info:
        api.load([mini_copy], store=tmp_store)
    assert [str(p) for p in info.value.problems] == [
        f"{posts}:2: to = 'position:rus-president': unknown node "
        "(fix: correct the id (define that node under `nodes:`))",
    ]
    assert dump_store(tmp_store) == before


def test_another_file_may_not_redefine_a_loaded_node(mini_store: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    before = dump_store(mini_store)
    (tmp_path / "other.yaml").write_text("""\
nodes:
  - id: state:RUS
    type: State
    name: Russia, as another file has it
    iso3: RUS
    status: reported
    sources: ["doc:eai-2024-06-05 | p. 9"]
""", "utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as info:
        api.load(["other.yaml"], store=mini_store)
    assert [str(p) for p in info.value.problems] == [
        "other.yaml:2: id = 'state:RUS': duplicate id "
        f"(already loaded from {(MINI / 'core.yaml').as_posix()}) "
        "(fix: give this node its own id; to move the node into this file, remove it from the other file "
        "and load both files together)",
    ]
    assert dump_store(mini_store) == before


def test_another_file_may_not_restate_a_loaded_relationship(mini_store: str, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    before = dump_store(mini_store)
    (tmp_path / "other.yaml").write_text("""\
relationships:
  - type: PARTNER_IN
    from: state:PRK
    to: project:rajin-khasan-railway
    role: owner
    status: alleged
    sources: ["doc:eai-2024-06-05 | p. 9"]
""", "utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as info:
        api.load(["other.yaml"], store=mini_store)
    assert [str(p) for p in info.value.problems] == [
        "other.yaml:2: 'PARTNER_IN:state:PRK->project:rajin-khasan-railway': duplicate relationship "
        f"(already loaded from {(MINI / 'core.yaml').as_posix()}) (fix: remove one, or give each an "
        "explicit `id:`; to move it into this file, remove it from the other file and load both files "
        "together)",
    ]
    assert dump_store(mini_store) == before


def test_a_node_moves_between_files_loaded_together(mini_copy: Path, tmp_store: str) -> None:
    api.load([mini_copy], store=tmp_store)
    kim = """  - id: person:kim-jong-un
    type: Person
    name: Kim Jong Un
    aliases: [Kim Jong-un]
    sources: ["doc:eai-2024-06-05 | para 3"]
"""
    edit(mini_copy / "core.yaml", kim, "")
    people = mini_copy / "people.yaml"
    people.write_text("defaults:\n  status: confirmed\nnodes:\n" + kim, "utf-8")
    api.load([mini_copy / "core.yaml", people], store=tmp_store)
    nodes, rels = by_id(dump_store(tmp_store))
    assert nodes["person:kim-jong-un"]["origin"] == people.as_posix()
    assert "PARTICIPATED_IN:person:kim-jong-un->event:2023-09-13-vostochny-summit" in rels


def test_a_failed_write_leaves_the_store_as_it_was(mini_copy: Path, tmp_store: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    api.load([mini_copy], store=tmp_store)
    before = dump_store(tmp_store)
    edit(mini_copy / "core.yaml", "role: operator", "role: builder")
    edit(mini_copy / "core.yaml", "name: Kim Jong Un", "name: Kim Jong-un")
    real_exec = EmbeddedStore._exec

    def failing_exec(self, cypher, params=None):  # the real engine, until the first relationship COPY
        if cypher.startswith("COPY") and "(from=" in cypher:
            raise StoreError("store error: disk full (injected)")
        return real_exec(self, cypher, params)

    monkeypatch.setattr(EmbeddedStore, "_exec", failing_exec)
    with pytest.raises(StoreError, match="injected"):
        api.load([mini_copy], store=tmp_store)
    monkeypatch.undo()
    assert dump_store(tmp_store) == before
    api.load([mini_copy], store=tmp_store)  # and the store still works
    assert by_id(dump_store(tmp_store))[0]["person:kim-jong-un"]["name"] == "Kim Jong-un"


# -- opening stores ---------------------------------------------------------------------
def test_resolve_location(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_location() == "relgraph.db"
    monkeypatch.setenv("RELGRAPH_STORE", "/data/env.db")
    assert resolve_location() == "/data/env.db"
    assert resolve_location("given.db") == "given.db"


def test_missing_store_for_reading(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.db")
    with pytest.raises(StoreError) as info:
        api.stats(store=path)
    assert str(info.value) == f"no store at {path}; run `relgraph load` first (or pass --store)"
    assert not Path(path).exists()


def test_store_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as info:
        api.load([MINI], store=str(tmp_path))
    assert str(info.value) == f"{tmp_path} is a folder, not a relgraph store file; pass --store FILE"


def test_unknown_uri_scheme_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as info:
        open_store("redis://localhost:6379")
    assert info.value.exit_code == 2
    assert str(info.value) == ("unknown store URI scheme in 'redis://localhost:6379'; use a file path or one "
                               "of neo4j://, neo4j+s://, neo4j+ssc://, bolt://, bolt+s://, bolt+ssc://")


def test_read_only_store_refuses_writes(mini_template: str) -> None:
    with open_store(mini_template, read_only=True) as st:
        with pytest.raises(StoreError, match="read-only"):
            st.run("MATCH (n:State) SET n.note = 'x'", write=True)
        with pytest.raises(StoreError, match="read-only"):
            st.write(api.validate([MINI]))


def test_store_in_use_by_another_process(mini_store: str) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys\nfrom relgraph.store import open_store\n"
         f"st = open_store({mini_store!r})\nprint('open', flush=True)\nsys.stdin.read()\nst.close()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "open\n"
        with pytest.raises(StoreInUseError) as info:
            api.load([MINI], store=mini_store)
        assert str(info.value) == (f"store {mini_store} is in use by process {holder.pid}; wait for it to "
                                   "finish, or pass another --store")
        assert info.value.exit_code == 1
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    api.stats(store=mini_store)  # free again once the other process is done


def test_store_lock_shared_and_exclusive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from relgraph.store import rollback

    store = tmp_path / "s.db"
    a, b = rollback.StoreLock(store), rollback.StoreLock(store)
    assert a.acquire(exclusive=False) and b.acquire(exclusive=False)  # readers share
    assert not a.acquire(exclusive=True)  # a writer waits for the other reader
    b.release()
    assert a.acquire(exclusive=True)
    assert not b.acquire(exclusive=False) and not b.acquire(exclusive=True)
    a.release()
    assert b.acquire(exclusive=True)
    b.release()
    assert a.path.exists()  # never deleted: see StoreLock
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(a.path.stat().st_mode) == 0o644 & ~umask  # as asked for, less the umask

    # A lock file that cannot be opened: a reader goes on with the engine's lock, a writer stops.
    blocked = tmp_path / "b.db"
    blocked.with_name("b.db.lock").mkdir()
    assert rollback.StoreLock(blocked).acquire(exclusive=False)
    with pytest.raises(OSError):
        rollback.StoreLock(blocked).acquire(exclusive=True)

    # No fcntl (not POSIX): the engine's own lock is all there is, and relgraph goes on.
    monkeypatch.setattr(rollback, "fcntl", None)
    c = rollback.StoreLock(tmp_path / "c.db")
    assert c.acquire(exclusive=True) and c.acquire(exclusive=False)
    assert not c.path.exists()


@pytest.mark.parametrize("size", [0, 1, 3 * 1024 * 1024 + 17])
@pytest.mark.parametrize("fast", [True, False])
def test_rollback_copy_is_the_whole_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int,
                                         fast: bool) -> None:
    from relgraph.store import rollback

    if not fast:  # no copy_file_range (another OS, or a file system without it): the plain copy
        def refuse(*_: object) -> int:
            raise OSError(95, "Operation not supported")
        monkeypatch.setattr(os, "copy_file_range", refuse)
    src, dst = tmp_path / "s.db", tmp_path / "s.db.rollback"
    data = os.urandom(size)
    src.write_bytes(data)
    dst.write_bytes(b"stale, longer than nothing")
    fd = os.open(dst, os.O_RDWR)
    try:
        if fast:
            os.ftruncate(fd, 0)  # as Guard.take opens it (O_TRUNC)
        rollback._copy(src, fd)
    finally:
        os.close(fd)
    assert dst.read_bytes() == data


def test_rollback_guard_takes_a_whole_readable_copy_and_drops_it(tmp_path: Path) -> None:
    from relgraph.store import rollback

    store = tmp_path / "s.db"
    store.write_bytes(os.urandom(100_003))
    guard = rollback.Guard(store)
    guard.take()
    copy = rollback.rollback_path(store)
    assert copy.read_bytes() == store.read_bytes()
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o644 & ~umask  # it becomes the store if put back
    guard.drop()
    assert not copy.exists() and store.exists()

    (tmp_path / "s.db.rollback.part").write_bytes(b"a dead writer's part, longer than nothing at all")
    guard.take()
    assert copy.read_bytes() == store.read_bytes()
    assert not (tmp_path / "s.db.rollback.part").exists()
    guard.drop()


def test_recover_puts_the_copy_back_and_drops_the_engines_files(tmp_path: Path) -> None:
    from relgraph.store import rollback

    store = tmp_path / "s.db"
    assert rollback.recover(store) is False  # nothing to put back
    store.write_bytes(b"the half-written graph")
    for suffix in (".wal", ".shadow"):
        (tmp_path / f"s.db{suffix}").write_bytes(b"the interrupted write")
    rollback.rollback_path(store).write_bytes(b"the earlier graph")
    assert rollback.recover(store) is True
    assert store.read_bytes() == b"the earlier graph"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["s.db"]


def test_recover_that_cannot_put_the_copy_back_says_so(tmp_path: Path) -> None:
    from relgraph.store import rollback

    store = tmp_path / "s.db"
    (store / "in-the-way").mkdir(parents=True)  # a folder where the store file should go
    rollback.rollback_path(store).write_bytes(b"the earlier graph")
    with pytest.raises(StoreError, match=r"interrupted and its earlier state, saved in .*s\.db\.rollback, "
                                         r"cannot be put back"):
        rollback.recover(store)
    assert rollback.rollback_path(store).exists()  # kept for the next try


def test_new_schema_columns_are_added_to_an_old_store(tmp_store: str) -> None:
    raw = load_schema().raw
    old = {**raw, "nodes": {**raw["nodes"], "Person": {**raw["nodes"]["Person"], "properties": {}}}}
    EmbeddedStore(tmp_store, schema=parse_schema(old)).close()
    with open_store(tmp_store, read_only=True) as st:
        cols = {r[0] for r in st.run("CALL table_info('Person') RETURN name")[1]}
    assert "born" not in cols
    api.load([MINI], store=tmp_store)  # opens with the current schema, which adds the columns
    nodes, _ = by_id(dump_store(tmp_store))
    assert nodes["person:putin-vladimir"]["born"] == date(1952, 10, 7)


def test_a_file_deleted_from_a_folder_is_gone_after_reloading_the_folder(mini_copy: Path, tmp_store: str,
                                                                        tmp_path: Path) -> None:
    api.load([mini_copy], store=tmp_store)
    posts = mini_copy / "posts.csv"
    posts.unlink()
    report = api.load([mini_copy], store=tmp_store)
    assert report.removed_files == [posts.resolve().as_posix()]
    assert (report.changes.relationships_removed, report.changes.files_changed) == (1, 1)
    fresh = str(tmp_path / "fresh.db")
    api.load([mini_copy], store=fresh)
    assert dump_store(tmp_store) == dump_store(fresh)
    # Naming the files, not the folder, removes nothing: the store may hold other files' facts.
    api.load([mini_copy / "core.yaml"], store=tmp_store)
    assert dump_store(tmp_store) == dump_store(fresh)


def test_deleting_a_file_others_link_to_is_refused_on_reload(mini_copy: Path, tmp_store: str) -> None:
    api.load([mini_copy], store=tmp_store)
    (mini_copy / "more.csv").write_text("type,from,to,status,sources\n"
                                        "CITIZEN_OF,person:putin-vladimir,state:RUS,confirmed,"
                                        "doc:eai-2024-06-05 | para 3\n", "utf-8")
    api.load([mini_copy], store=tmp_store)
    before = dump_store(tmp_store)
    (mini_copy / "core.yaml").unlink()  # holds the nodes more.csv links
    with pytest.raises(InputError) as info:
        api.load([mini_copy], store=tmp_store)
    assert "person:putin-vladimir" in str(info.value)
    assert dump_store(tmp_store) == before


def test_a_write_that_releases_its_dataset_writes_the_same_graph(tmp_path: Path, mini_store: str) -> None:
    """``release=True`` (what a load uses, for memory) empties the dataset's lists as the
    groups are written, and the store holds exactly what a write that keeps them holds."""
    dataset = api.validate([MINI])
    held = len(dataset.nodes), len(dataset.relationships)
    with open_store(str(tmp_path / "released.db")) as st:
        result = st.write(dataset, release=True)
    assert (dataset.nodes, dataset.relationships) == ([], [])
    assert (result.nodes_added, result.relationships_written) == held
    assert dump_store(tmp_path / "released.db") == dump_store(mini_store)
