"""The embedded store: LadybugDB (``real_ladybug``), an on-disk Cypher database.

Tables and columns are generated from the schema: one node table per node
type, one relationship table per relationship type (with every allowed
endpoint pair). A load runs in one transaction, so a failed or killed load
leaves the store as it was; new rows go in with the engine's bulk ``COPY``.
"""

from __future__ import annotations

import contextlib
import csv
import math
import os
import tempfile
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

from relgraph.errors import StoreError, StoreInUseError
from relgraph.model import Dataset, Relationship
from relgraph.schema import Property, Schema, load_schema
from relgraph.store import rollback
from relgraph.store.base import Neighbour, NeighbourKey, Progress, Store, WriteResult, _in_order

ENGINE_TYPES = {
    "string": "STRING", "text": "STRING", "enum": "STRING", "string[]": "STRING[]",
    "sources": "STRING[]", "date": "DATE", "int": "INT64", "float": "DOUBLE", "bool": "BOOLEAN",
}
BATCH = 20_000
# Groups of at least this many rows are copied from a temporary CSV file, which
# the engine reads several times faster than `UNWIND $rows` (see benchmarks/README.md).
COPY_FILE_MIN = 1_000
LIST_SEP = "\x1f"  # joins list items in those files: a control character that text does not hold


def _columns(schema: Schema, props: dict[str, Property], *, with_id: bool = True) -> list[Property]:
    cols = [p for name, p in schema.system.items() if with_id or name != "id"]
    return cols + [p for name, p in props.items() if name not in schema.system]


def ddl(schema: Schema) -> list[str]:
    """The CREATE statements for ``schema`` (node tables first).

    >>> stmts = ddl(load_schema())
    >>> stmts[0].startswith("CREATE NODE TABLE IF NOT EXISTS State(id STRING")
    True
    """
    out = []
    for t in schema.nodes.values():
        cols = ", ".join(f"{p.name} {ENGINE_TYPES[p.type]}" for p in _columns(schema, t.properties))
        out.append(f"CREATE NODE TABLE IF NOT EXISTS {t.name}({cols}, PRIMARY KEY(id))")
    for r in schema.relationships.values():
        pairs = ", ".join(f"FROM {a} TO {b}" for a, b in r.endpoints)
        cols = ", ".join(f"{p.name} {ENGINE_TYPES[p.type]}" for p in _columns(schema, r.properties))
        out.append(f"CREATE REL TABLE IF NOT EXISTS {r.name}({pairs}, {cols})")
    return out


def _only(ids: Collection[str] | None, var: str) -> tuple[str, dict[str, Any] | None]:
    """The WHERE clause and parameters that keep ``ids`` only (none: every row)."""
    if ids is None:
        return "", None
    return f" WHERE {var}.id IN $ids", {"ids": sorted(set(ids))}


def _clean(value: Any) -> dict[str, Any]:
    return {k: v for k, v in value.items() if not k.startswith("_") and v is not None}


class EmbeddedStore(Store):
    dialect = "ladybug"

    def __init__(self, path: str, *, read_only: bool = False, schema: Schema | None = None):
        import real_ladybug as lb

        self.location = path
        self.schema = schema or load_schema()
        self.read_only = read_only
        p = Path(path)
        if read_only and not p.exists():
            raise StoreError(f"no store at {path}; run `relgraph load` first (or pass --store)")
        if p.is_dir():
            raise StoreError(f"{path} is a folder, not a relgraph store file; pass --store FILE")
        self._path = p
        self._guard: rollback.Guard | None = None
        self._caller_tx = False  # a transaction begun by the caller's own BEGIN (see run)
        self._pid_file = p.with_name(p.name + ".pid")
        self._lock = rollback.StoreLock(p)
        try:
            self._lock_store()
            self._open(lb)
        except BaseException:
            self._lock.release()
            raise
        if not read_only:
            # Our lock (and the engine's) keeps other processes out; the pid file only
            # lets their error message say who holds the store.
            self._pid_file.write_text(str(os.getpid()))
            self._ensure_schema()
        self._tables: set[str] | None = None

    def _in_use(self) -> StoreInUseError:
        return StoreInUseError(f"store {self.location} is in use by {_holder(self._path)}; wait for it to "
                               "finish, or pass another --store")

    def _lock_store(self) -> None:
        """Take relgraph's lock on the store before the engine touches its files (exclusive
        to write, shared to read; see :mod:`relgraph.store.rollback`), and put back the
        rollback copy a writer that died left."""
        try:
            if not self.read_only or rollback.rollback_path(self._path).exists():
                if not self._lock.acquire(exclusive=True):
                    raise self._in_use()
                rollback.recover(self._path)  # no one else is in the store now
            if self.read_only and not self._lock.acquire(exclusive=False):
                raise self._in_use()
        except OSError as e:
            raise StoreError(f"cannot open store {self.location}: {e.strerror} ({self._lock.path})") from None

    def _open(self, lb: Any) -> None:
        try:
            self._db = lb.Database(str(self._path), read_only=self.read_only)
            self._conn = lb.Connection(self._db)
        except RuntimeError as e:
            msg = str(e)
            if "lock" in msg.lower():  # held by a process that does not take our lock
                raise self._in_use() from None
            if self.read_only and "replay shadow pages" in msg:
                # A writer died after its commit reached the shadow file; only a
                # read-write open replays it. No writer holds the store (we hold our lock).
                try:
                    lb.Database(str(self._path)).close()
                    self._db = lb.Database(str(self._path), read_only=True)
                    self._conn = lb.Connection(self._db)
                    return
                except RuntimeError as again:
                    msg = str(again)
            raise StoreError(f"cannot open store {self.location}: {msg}") from None

    # -- plumbing ---------------------------------------------------------
    def close(self) -> None:
        conn, db = getattr(self, "_conn", None), getattr(self, "_db", None)
        self._conn = self._db = None
        if conn is not None:
            conn.close()
        if getattr(self, "_guard", None) is not None:  # absent when __init__ failed
            self._drop_guard()
        if db is not None:
            db.close()
            if not self.read_only:
                with contextlib.suppress(OSError):
                    self._pid_file.unlink()
        if getattr(self, "_lock", None) is not None:
            self._lock.release()

    def _exec(self, cypher: str, params: dict[str, Any] | None = None) -> tuple[list[str], list[list[Any]]]:
        if self._conn is None:
            raise StoreError("store is closed")
        try:
            result = self._conn.execute(cypher, params or {})
        except RuntimeError as e:
            raise StoreError(f"store error: {e}") from None
        if isinstance(result, list):  # the engine ran several statements (stored queries refuse them)
            raise StoreError("the Cypher holds more than one statement; give one statement at a time")
        cols = result.get_column_names()
        # The wrapper checks that the result is open on every has_next() and get_next(): a
        # third of the time for 150,000 rows. Its engine object, where this version has one.
        raw = getattr(result, "_query_result", None)
        if raw is None or getattr(result, "as_dict", False):
            return cols, list(result)
        rows = []
        while raw.hasNext():
            rows.append(raw.getNext())
        return cols, rows

    def _ensure_schema(self) -> None:
        for stmt in ddl(self.schema):
            self._exec(stmt)
        self._migrate_columns()

    def _migrate_columns(self) -> None:
        """Add columns a newer schema declares to tables an older one created."""
        specs = [*((t.name, t.properties) for t in self.schema.nodes.values()),
                 *((r.name, r.properties) for r in self.schema.relationships.values())]
        for table, props in specs:
            _, rows = self._exec(f"CALL table_info('{table}') RETURN name")
            have = {r[0] for r in rows}
            for p in _columns(self.schema, props):
                if p.name not in have:
                    self._exec(f"ALTER TABLE {table} ADD {p.name} {ENGINE_TYPES[p.type]}")

    def _present_tables(self) -> set[str]:
        if self._tables is None:
            _, rows = self._exec("CALL show_tables() RETURN name")
            self._tables = {r[0] for r in rows}
        return self._tables

    def _node_tables(self) -> list[str]:
        have = self._present_tables()
        return [t for t in self.schema.nodes if t in have]

    def _rel_tables(self) -> list[str]:
        have = self._present_tables()
        return [t for t in self.schema.relationships if t in have]

    # -- reading ------------------------------------------------------------
    def node_index(self) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        for t in self._node_tables():
            _, rows = self._exec(f"MATCH (n:{t}) RETURN n.id, n.origin")
            out.update((i, (t, o)) for i, o in rows)
        return out

    def attached(self, node_ids: list[str], keep_origins: list[str]) -> list[tuple[str, str]]:
        # One query per node table: in LadybugDB 0.14.1, `MATCH (n) WHERE n.id IN $ids`
        # over all node tables can return wrong rows (tests/test_store.py shows a case); each
        # node looked up by its key, as iter_nodes does.
        keep = set(keep_origins)
        found: set[tuple[str, str]] = set()
        for t, ids in self._by_table(node_ids).items():
            match = f"UNWIND $ids AS i MATCH (n:{t} {{id: i}})-[r]-()"
            _, rows = self._exec(f"{match} RETURN DISTINCT r.id, r.origin", {"ids": ids})
            found.update((i, o) for i, o in rows if o not in keep)
        return sorted(found)

    def counts(self) -> dict[str, dict[str, int]]:
        nodes = {}
        for t in self.schema.nodes:
            rows = self._exec(f"MATCH (n:{t}) RETURN count(n)")[1] if t in self._present_tables() else [[0]]
            nodes[t] = rows[0][0]
        rels = {}
        for t in self.schema.relationships:
            rows = (self._exec(f"MATCH ()-[r:{t}]->() RETURN count(r)")[1]
                    if t in self._present_tables() else [[0]])
            rels[t] = rows[0][0]
        return {"nodes": nodes, "relationships": rels}

    def node(self, node_id: str) -> dict[str, Any] | None:
        t = self.schema.type_for_id(node_id)
        if t is None or t.name not in self._present_tables():
            return None
        _, rows = self._exec(f"MATCH (n:{t.name}) WHERE n.id = $id RETURN n", {"id": node_id})
        return {"type": t.name, **_clean(rows[0][0])} if rows else None

    def iter_nodes(self, types: Collection[str] | None = None, fields: Sequence[str] | None = None,
                   ids: Collection[str] | None = None) -> Iterator[tuple[str, str, dict[str, Any]]]:
        by_table = None if ids is None else self._by_table(ids)
        for t in self._node_tables():
            if types is not None and t not in types:
                continue
            # Each node looked up by its key: `WHERE n.id IN $ids` tests every node of the
            # table against the whole list (11,000 ids of 125,000 events: 6.4 s against 0.05 s).
            if by_table is None:
                match, params = f"MATCH (n:{t})", None
            elif by_table.get(t):
                match, params = f"UNWIND $ids AS i MATCH (n:{t} {{id: i}})", {"ids": by_table[t]}
            else:
                continue
            if fields is None:
                _, rows = self._exec(f"{match} RETURN n ORDER BY n.id", params)
                for (n,) in rows:
                    props = _clean(n)
                    yield props["id"], t, props
                continue
            cols = self._fields(self.schema.nodes[t].properties, fields)
            returned = "".join(f", n.{c}" for c in cols)
            _, rows = self._exec(f"{match} RETURN n.id{returned} ORDER BY n.id", params)
            for node_id, *values in rows:
                props = {c: v for c, v in zip(cols, values, strict=True) if v is not None}
                props["id"] = node_id
                yield node_id, t, props

    def iter_relationships(self, types: Collection[str] | None = None, fields: Sequence[str] | None = None,
                           ids: Collection[str] | None = None
                           ) -> Iterator[tuple[str, str, str, str, dict[str, Any]]]:
        where, params = _only(ids, "r")
        if params is not None and not params["ids"]:
            return
        for t in self._rel_tables():
            if types is not None and t not in types:
                continue
            if fields is None:
                _, rows = self._exec(f"MATCH (a)-[r:{t}]->(b){where} RETURN r, a.id, b.id ORDER BY r.id",
                                     params)
                for r, a, b in rows:
                    props = _clean(r)
                    yield props["id"], t, a, b, props
                continue
            cols = self._fields(self.schema.relationships[t].properties, fields)
            _, rows = self._exec(f"MATCH (a)-[r:{t}]->(b){where} RETURN r.id, a.id, b.id"
                                 f"{''.join(f', r.{c}' for c in cols)} ORDER BY r.id", params)
            for rel_id, a, b, *values in rows:
                props = {c: v for c, v in zip(cols, values, strict=True) if v is not None}
                props["id"] = rel_id
                yield rel_id, t, a, b, props

    def relationship_ends(self, types: Collection[str] | None = None, fields: Sequence[str] = ()
                          ) -> Iterator[tuple[str, Sequence[Sequence[Any]]]]:
        for t in self._rel_tables():
            if types is not None and t not in types:
                continue
            have = {*self._fields(self.schema.relationships[t].properties, fields), "id"}
            cols = "".join(f", r.{f}" if f in have else ", NULL" for f in fields)
            rows = self._exec(f"MATCH (a)-[r:{t}]->(b) RETURN a.id, b.id{cols} ORDER BY r.id")[1]
            if rows:
                yield t, rows

    def relationship_ends_at(self, node_ids: Collection[str], types: Collection[str] | None = None,
                             fields: Sequence[str] = (), among: Collection[str] | None = None
                             ) -> Iterator[tuple[str, Sequence[Sequence[Any]]]]:
        tables = [t for t in self._rel_tables() if types is None or t in types]
        by_table = self._by_table(node_ids if among is None else set(node_ids) & set(among))
        if not tables or not by_table:
            return
        have = {"id", *(f for t in tables
                        for f in self._fields(self.schema.relationships[t].properties, fields))}
        cols = "".join(f", r.{f}" if f in have else ", NULL" for f in fields)
        rels = "|".join(tables)
        wanted = None if among is None else set(among)
        found: dict[tuple[str, str], tuple[Any, ...]] = {}
        for t, ids in by_table.items():
            # Each node looked up by its key (UNWIND): `WHERE a.id IN $ids` tests every node of
            # the table against the whole list, and `b.id IN $among` every relationship; at a
            # million relationships, seconds to minutes where this takes milliseconds.
            for pattern in (f"(a:{t} {{id: i}})-[r:{rels}]->(b)", f"(a)-[r:{rels}]->(b:{t} {{id: i}})"):
                rows = self._exec(f"UNWIND $ids AS i MATCH {pattern} RETURN label(r), r.id, a.id, b.id{cols}",
                                  {"ids": ids})[1]
                found.update(((rel_type, rel_id), tuple(row)) for rel_type, rel_id, *row in rows
                             if wanted is None or (row[0] in wanted and row[1] in wanted))
        yield from _in_order(tables, found)

    def relationship_count_at(self, node_ids: Collection[str], types: Collection[str] | None = None) -> int:
        tables = [t for t in self._rel_tables() if types is None or t in types]
        rels, count = "|".join(tables), 0
        for t, ids in self._by_table(node_ids).items() if tables else ():
            for pattern in (f"(a:{t} {{id: i}})-[r:{rels}]->()", f"()-[r:{rels}]->(a:{t} {{id: i}})"):
                rows = self._exec(f"UNWIND $ids AS i MATCH {pattern} RETURN count(*)", {"ids": ids})[1]
                count += rows[0][0]
        return count

    def _by_table(self, node_ids: Iterable[str]) -> dict[str, list[str]]:
        """:meth:`_by_type`, of the tables the store has."""
        return {t: ids for t, ids in self._by_type(node_ids).items() if t in self._present_tables()}

    def _fields(self, props: dict[str, Property], fields: Sequence[str]) -> list[str]:
        """The columns of a table among ``fields``: schema names only, never text from outside."""
        have = {p.name for p in _columns(self.schema, props)}
        return [f for f in dict.fromkeys(fields) if f in have and f != "id"]

    def records_of(self, origins: list[str]) -> tuple[list[tuple[str, str, dict[str, Any]]],
                                                      list[tuple[str, str, str, str, dict[str, Any]]]]:
        nodes, rels = [], []
        for t in self._node_tables():
            _, rows = self._exec(f"MATCH (n:{t}) WHERE n.origin IN $o RETURN n ORDER BY n.id",
                                 {"o": list(origins)})
            nodes.extend((p["id"], t, p) for p in (_clean(n) for (n,) in rows))
        for t in self._rel_tables():
            _, rows = self._exec(f"MATCH (a)-[r:{t}]->(b) WHERE r.origin IN $o RETURN r, a.id, b.id "
                                 "ORDER BY r.id", {"o": list(origins)})
            rels.extend((p["id"], t, a, b, p) for p, a, b in ((_clean(r), a, b) for r, a, b in rows))
        return nodes, rels

    def origins(self) -> set[str]:
        out = {o for _t, o in self.node_index().values()}
        for t in self._rel_tables():
            _, rows = self._exec(f"MATCH ()-[r:{t}]->() RETURN DISTINCT r.origin")
            out.update(o for (o,) in rows)
        return out - {None}

    def node_names(self) -> list[tuple[str, str, str, list[str]]]:
        out = []
        for t in self._node_tables():
            _, rows = self._exec(f"MATCH (n:{t}) RETURN n.id, n.name, n.aliases")
            out.extend((i, t, name, aliases or []) for i, name, aliases in rows)
        return out

    def neighbours(self, node_id: str, ids: Collection[str] | None = None) -> list[Neighbour]:
        t = self.schema.type_for_id(node_id)
        if t is None or t.name not in self._present_tables() or (ids is not None and not ids):
            return []
        out = []
        only = "" if ids is None else " AND r.id IN $ids"
        params: dict[str, Any] = {"id": node_id, "label": t.name, **({"ids": list(ids)} if ids else {})}
        for outgoing, pattern in ((True, "(n)-[r]->(m)"), (False, "(n)<-[r]-(m)")):
            _, rows = self._exec(
                f"MATCH {pattern} WHERE n.id = $id AND label(n) = $label{only} "
                "RETURN label(r), r, m.id, label(m), m.name", params)
            out.extend(Neighbour(rt, outgoing, _clean(r), mid, mt, mn) for rt, r, mid, mt, mn in rows)
        return out

    def neighbour_keys(self, node_id: str) -> list[NeighbourKey]:
        # Scalar columns: a whole relationship per row (a struct) is what makes neighbours() slow.
        t = self.schema.type_for_id(node_id)
        if t is None or t.name not in self._present_tables():
            return []
        out: list[NeighbourKey] = []
        for outgoing, pattern in ((True, "(n)-[r]->(m)"), (False, "(n)<-[r]-(m)")):
            _, rows = self._exec(
                f"MATCH {pattern} WHERE n.id = $id AND label(n) = $label "
                "RETURN r.id, label(r), coalesce(r.date, r.validFrom), m.id, label(m), m.name",
                {"id": node_id, "label": t.name})
            out.extend((rid, rt, outgoing, day, mid, mt, mn) for rid, rt, day, mid, mt, mn in rows)
        return out

    def run(self, cypher: str, params: dict[str, Any] | None = None, *,
            write: bool = False, timeout: float | None = None) -> tuple[list[str], list[list[Any]]]:
        if write and self.read_only:
            raise StoreError("store is open read-only; this statement writes")
        if timeout is not None:
            if self._conn is None:
                raise StoreError("store is closed")
            self._conn.set_query_timeout(max(1, int(timeout * 1000)))
            try:
                return self.run(cypher, params, write=write)
            except StoreError as e:
                if "interrupted" in str(e).lower() or "timeout" in str(e).lower():
                    raise StoreError(f"stopped after {timeout:g} s (the time limit): {e}") from None
                raise
            finally:
                if self._conn is not None:
                    self._conn.set_query_timeout(0)
        head = cypher.lstrip().split(None, 1)[0].upper() if cypher.strip() else ""
        if not write or self._caller_tx or head in ("BEGIN", "COMMIT", "ROLLBACK", "CHECKPOINT"):
            # Reads, and transactions the caller runs itself (the benchmarks' raw COPY).
            if head == "BEGIN":
                self._caller_tx = True
            elif head in ("COMMIT", "ROLLBACK"):
                self._caller_tx = False
            return self._exec(cypher, params)
        # A write gets what a load gets: one transaction, the rollback copy until it is
        # checkpointed, and the earlier graph back after any error or a kill.
        self._begin()
        try:
            out = self._exec(cypher, params)
            self._commit()
        except BaseException as e:
            self._rollback(e)
        return out

    # -- writing ------------------------------------------------------------
    def write(self, dataset: Dataset, *, progress: Progress | None = None,
              release: bool = False) -> WriteResult:
        if self.read_only:
            raise StoreError("store is open read-only")
        tick = progress or (lambda n: None)
        index = self.node_index()
        origins = list(dataset.origins)
        incoming = {n.id for n in dataset.nodes}
        stale: dict[str, list[str]] = defaultdict(list)
        for i, (t, o) in index.items():
            if o in origins and i not in incoming:
                stale[t].append(i)
        result = WriteResult()
        rel_ids = {r.id for r in dataset.relationships}
        self._begin()
        try:
            for t in self._rel_tables():
                _, rows = self._exec(
                    f"MATCH ()-[r:{t}]->() WHERE r.origin IN $origins DELETE r RETURN count(*)",
                    {"origins": origins})
                result.relationships_removed += rows[0][0] if rows else 0
                # Relationships of other origins that the dataset holds under the same id. Matched
                # here, not with `r.id IN $ids`: a list of every incoming id, bound to each of the
                # ~30 tables' statements, cost 1.4 s per table per million relationships.
                _, rows = self._exec(f"MATCH ()-[r:{t}]->() RETURN r.id")
                taken = [i for (i,) in rows if i in rel_ids]
                if taken:
                    _, rows = self._exec(f"MATCH ()-[r:{t}]->() WHERE r.id IN $ids DELETE r RETURN count(*)",
                                         {"ids": taken})
                    result.relationships_removed += rows[0][0] if rows else 0
            for t, ids in stale.items():
                self._exec(f"MATCH (n:{t}) WHERE n.id IN $ids DETACH DELETE n", {"ids": ids})
                result.nodes_removed += len(ids)
            # Nodes already in the store are deleted and copied in again, not updated
            # with SET: real_ladybug 0.12-0.15 persist a SET on a list column (sources,
            # aliases, ...) to the wrong rows once rows share a list value (see
            # tests/test_store.py). Their relationships from other files are copied back.
            old: dict[str, list[str]] = defaultdict(list)
            for n in dataset.nodes:
                if n.id in index:
                    old[index[n.id][0]].append(n.id)
            others = self._relationships_of(old)
            for t, ids in old.items():
                for chunk in _chunks(ids):
                    self._exec(f"MATCH (n:{t}) WHERE n.id IN $ids DETACH DELETE n", {"ids": chunk})
            by_type: dict[str, list] = defaultdict(list)
            for n in dataset.nodes:
                by_type[n.type].append(n)
            types = {**{i: t for i, (t, _) in index.items()}, **{n.id: n.type for n in dataset.nodes}}
            groups = others  # the kept relationships of re-copied nodes, then the dataset's
            written: dict[tuple[str, str, str], int] = defaultdict(int)
            for r in dataset.relationships:
                key = (r.type, types[r.source], types[r.target])
                groups[key].append(r)
                written[key] += 1
            if release:  # each group is let go once its file is written (see Store.write)
                dataset.nodes, dataset.relationships = [], []
                # Nor may an index of the records' ids outlive them: a string of each record
                # left alive keeps the memory around it from going back to the system.
                del incoming, rel_ids, types
            with (tempfile.TemporaryDirectory(prefix="relgraph-copy-") as tmp,
                  _Copier(self._exec, tick) as copier):
                for t in list(by_type):
                    nodes = by_type.pop(t)
                    cols = _columns(self.schema, self.schema.nodes[t].properties)
                    self._copy(copier, t, cols, nodes, Path(tmp))
                    copier.done(len(nodes))
                    updated = sum(1 for n in nodes if n.id in index)
                    result.nodes_added += len(nodes) - updated
                    result.nodes_updated += updated
                    del nodes
                for t, a, b in list(groups):
                    rows = groups.pop((t, a, b))
                    cols = _columns(self.schema, self.schema.relationships[t].properties)
                    self._copy(copier, t, cols, rows, Path(tmp), ends=(a, b))
                    copier.done(written[(t, a, b)])
                    result.relationships_written += written[(t, a, b)]
                    del rows
            self._commit()
        except BaseException as e:
            self._rollback(e)
        return result

    def _copy(self, copier: _Copier, table: str, cols: list[Property], rows: list[Any], tmp: Path,
              ends: tuple[str, str] | None = None) -> None:
        """Append ``rows`` to ``table`` with the engine's bulk COPY, run by ``copier``.

        Rows are :class:`Node` objects, or :class:`Relationship` objects between
        the tables ``ends``. Groups of
        ``COPY_FILE_MIN`` rows or more go through a temporary CSV file (every
        column read as text, then cast; list items joined with ``LIST_SEP``).
        Small groups, and a group holding a value such a file cannot carry
        exactly (an empty string or list, a NUL, ``LIST_SEP`` in a list item, a
        non-finite float), are copied from ``UNWIND $rows``.
        """
        tail = f" (from='{ends[0]}', to='{ends[1]}')" if ends else ""
        values = _row_values(cols, rel=ends is not None)
        if len(rows) >= COPY_FILE_MIN:
            path = tmp / f"{table}-{'-'.join(ends or ())}.csv"
            try:
                _write_csv(path, cols, rows, values, rel=ends is not None)
            except _NotCSV:
                pass
            else:
                first = 2 if ends else 0
                header = ", ".join(f"c{i} STRING" for i in range(first + len(cols)))
                ret = ", ".join([*(["c0", "c1"] if ends else []),
                                 *(_from_text(f"c{first + i}", c) for i, c in enumerate(cols))])
                where = str(path).replace("\\", "\\\\").replace("'", "\\'")
                # parallel=false: the parallel reader refuses quoted line breaks (and is no faster here).
                copier.run(f"COPY {table} FROM (LOAD WITH HEADERS ({header}) FROM '{where}' "
                           f"(header=true, parallel=false) RETURN {ret}){tail}", None, path)
                return
        names = [c.name for c in cols]
        ret = ", ".join([*(["r.source_", "r.target_"] if ends else []), *(_typed("r", c) for c in cols)])
        for chunk in _chunks(rows):
            dicts = []
            for row in chunk:
                vals = values(row)
                d = dict(zip(names, vals[2:] if ends else vals, strict=True))
                if ends:
                    d["source_"], d["target_"] = vals[0], vals[1]
                dicts.append(d)
            copier.run(f"COPY {table} FROM (UNWIND $rows AS r RETURN {ret}){tail}", {"rows": dicts})

    def _relationships_of(self, ids_by_table: dict[str, list[str]]) -> dict[tuple[str, str, str],
                                                                             list[Relationship]]:
        """Every relationship touching the given nodes, to copy back:
        {(type, source table, target table): [relationship]}."""
        found: dict[tuple[str, str], tuple[tuple[str, str, str], Relationship]] = {}
        for t, ids in ids_by_table.items():
            for chunk in _chunks(ids):
                for outgoing, pattern in ((True, f"(n:{t})-[r]->(m)"), (False, f"(m)-[r]->(n:{t})")):
                    _, rows = self._exec(f"MATCH {pattern} WHERE n.id IN $ids "
                                         "RETURN label(r), r, n.id, label(m), m.id", {"ids": chunk})
                    for rt, r, nid, mt, mid in rows:
                        props = _clean(r)
                        ends = (nid, mid) if outgoing else (mid, nid)
                        key = (rt, t, mt) if outgoing else (rt, mt, t)
                        rel = Relationship(props["id"], rt, ends[0], ends[1], props, props.get("origin"))
                        found[(rt, props["id"])] = (key, rel)
        out: dict[tuple[str, str, str], list[Relationship]] = defaultdict(list)
        for key, row in found.values():
            out[key].append(row)
        return out

    def _begin(self) -> None:
        """Begin a write transaction, keeping a rollback copy of the store file until it ends.

        The engine cannot always recover from a process killed in a transaction
        (see :mod:`relgraph.store.rollback`): if this process dies before
        :meth:`_commit` or :meth:`_rollback`, the next open puts the copy back.
        """
        self._exec("CHECKPOINT")  # the store file alone now holds the graph
        self._guard = rollback.Guard(self._path)
        try:
            self._guard.take()
        except OSError as e:
            self._guard = None
            raise StoreError(f"cannot save the store's state before writing to {self.location} "
                             f"({e.strerror}); free some disk space or check the folder's "
                             "permissions") from None
        try:
            self._exec("BEGIN TRANSACTION")
        except BaseException:
            self._drop_guard()
            raise

    def _drop_guard(self) -> None:
        """Drop the rollback copy: the write is committed or rolled back."""
        if self._guard is not None:
            self._guard.drop()
            self._guard = None

    def _commit(self) -> None:
        self._exec("COMMIT")
        # The file holds the new graph, with no WAL to replay. Until this has worked, the
        # write has not: an error here puts the earlier graph back (see _rollback).
        self._exec("CHECKPOINT")
        self._drop_guard()

    def _rollback(self, error: BaseException) -> None:
        """End a failed write (``error``, re-raised): the store goes back to the rollback copy.

        The engine's own ROLLBACK is not enough: on a full disk a failed COPY or COMMIT left
        part of the new graph behind, and a CHECKPOINT failing after COMMIT leaves the new
        graph in the WAL while the command reports an error. So the engine is closed, its
        WAL and shadow file dropped and the copy put back (a rename: no space needed), and
        the store reopened. Raises ``error``, saying that the store holds its earlier graph.
        """
        import real_ladybug as lb

        if self._guard is None:
            with contextlib.suppress(RuntimeError):
                self._conn.execute("ROLLBACK")
            raise error
        self._guard = None  # the copy is put back below, not deleted
        conn, db = self._conn, self._db
        self._conn = self._db = None
        for closing in (conn, db):
            with contextlib.suppress(Exception):
                closing.close()
        try:
            rollback.recover(self._path)
            self._open(lb)
        except StoreError as again:
            raise StoreError(f"{error}; then putting the earlier graph back failed: {again}") from None
        if isinstance(error, StoreError):
            raise StoreError(f"{error}; nothing was written: the store holds its earlier graph") from None
        raise error


def _holder(path: Path) -> str:
    """Who holds the store: "process N" when a running writer left its pid, else a general phrase.

    A pid file outlives a writer that was killed; a reader leaves none. So the
    pid is named only while that process is alive.
    """
    try:
        pid = int(path.with_name(path.name + ".pid").read_text().strip())
        os.kill(pid, 0)  # signal 0: is it alive?
    except PermissionError:  # alive, but another user's
        return f"process {pid}"
    except (OSError, ValueError):
        return "another process"
    return f"process {pid}"


def _typed(var: str, p: Property) -> str:
    """A row field, cast so that a column of all-null values still has its type.

    A list field that is null in one row comes out of the engine's parameters as
    an empty list when other rows hold lists: stored as null again here (data
    files never hold empty lists; the loader drops them).
    """
    cast = f"CAST({var}.{p.name} AS {ENGINE_TYPES[p.type]})"
    if p.type in ("string[]", "sources"):
        return f"CASE WHEN size({var}.{p.name}) > 0 THEN {cast} END"
    return cast


class _Copier:
    """Runs COPY statements in order on a second thread.

    The engine releases the GIL while it copies, so the next group's CSV file is
    written while the engine copies the last one. ``done(n)`` marks the end of a
    group of ``n`` records: progress is reported once the engine has copied it.
    Leaving the block waits for every statement and raises the first error;
    after an error the statements still queued are not run.
    """

    def __init__(self, execute: Callable[..., Any], tick: Callable[[int], None]):
        self._execute = execute
        self._tick = tick
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="relgraph-copy")
        self._pending: deque[tuple[Future[Any], int]] = deque()
        self._failed = False

    def __enter__(self) -> _Copier:
        return self

    def run(self, cypher: str, params: dict[str, Any] | None, remove: Path | None = None) -> None:
        def job() -> None:
            # After an error the engine has ended the transaction: a later statement would
            # run, and commit, on its own. So nothing runs after the first error.
            if self._failed:
                return
            try:
                self._execute(cypher, params)
            except BaseException:
                self._failed = True
                raise
            if remove is not None:
                remove.unlink()

        self._pending.append((self._pool.submit(job), 0))
        self._drain(wait=False)

    def done(self, records: int) -> None:
        self._pending.append((self._pool.submit(lambda: None), records))
        self._drain(wait=False)

    def _drain(self, *, wait: bool) -> None:
        while self._pending and (wait or self._pending[0][0].done()):
            future, records = self._pending.popleft()
            future.result()
            if records:
                self._tick(records)

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        try:
            if exc_type is None:
                self._drain(wait=True)
        finally:
            # After an error, queued statements are dropped; a running one is waited for, so
            # that nothing else uses the connection when the caller rolls back.
            self._pool.shutdown(wait=True, cancel_futures=True)


class _NotCSV(Exception):
    """A value that a temporary CSV file cannot carry exactly."""


def _row_values(cols: list[Property], *, rel: bool) -> Callable[[Any], list[Any]]:
    """A function from a node or relationship to its values in column order,
    a relationship's source and target ids first."""
    names = [c.name for c in cols]

    def values(row: Any) -> list[Any]:
        ident, origin, props = row.id, row.origin, row.props
        own = [ident if n == "id" else origin if n == "origin" else props.get(n) for n in names]
        return [row.source, row.target, *own] if rel else own

    return values


def _text_cell(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is not str or not value or "\0" in value:
        raise _NotCSV
    return value


def _list_cell(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is not list or not value:
        raise _NotCSV
    for v in value:
        if type(v) is not str or not v or LIST_SEP in v or "\0" in v:
            raise _NotCSV
    return LIST_SEP.join(value)


def _date_cell(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is not date:
        raise _NotCSV
    return value.isoformat()


def _bool_cell(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is not bool:
        raise _NotCSV
    return "true" if value else "false"


def _int_cell(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is not int:
        raise _NotCSV
    return str(value)


def _float_cell(value: Any) -> str:
    if value is None:
        return ""
    if type(value) not in (int, float) or not math.isfinite(value):
        raise _NotCSV
    return repr(float(value))


# Each turns a value into CSV text that `_from_text` turns back into exactly that value,
# or raises _NotCSV.
_CELLS: dict[str, Callable[[Any], str]] = {
    "string[]": _list_cell, "sources": _list_cell, "date": _date_cell, "bool": _bool_cell,
    "int": _int_cell, "float": _float_cell,
}


def _write_csv(path: Path, cols: list[Property], rows: Iterable[Any],
               values: Callable[[Any], list[Any]], *, rel: bool) -> None:
    """Write rows for ``COPY ... FROM (LOAD ...)``; every cell quoted (an empty one is null)."""
    cells = [*([_text_cell, _text_cell] if rel else []), *(_CELLS.get(c.type, _text_cell) for c in cols)]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow([f"c{i}" for i in range(len(cells))])
        w.writerows([cell(v) for cell, v in zip(cells, values(row), strict=True)] for row in rows)


def _from_text(col: str, p: Property) -> str:
    """The expression that turns a column of text back into the property's type."""
    if p.type in ("string[]", "sources"):
        return f"string_split({col}, '{LIST_SEP}')"
    engine = ENGINE_TYPES[p.type]
    return col if engine == "STRING" else f"CAST({col} AS {engine})"


def _chunks(rows: list, size: int = BATCH):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]
