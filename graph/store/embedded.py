"""The embedded store: LadybugDB (``real_ladybug``), an on-disk Cypher database.

Tables and columns are generated from the schema: one node table per node
type, one relationship table per relationship type (with every allowed
endpoint pair). A load runs in one transaction, so a failed or killed load
leaves the store as it was; new rows go in with the engine's bulk ``COPY``.
"""

from __future__ import annotations

import contextlib
import os
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from relgraph.errors import StoreError, StoreInUseError
from relgraph.model import Dataset
from relgraph.schema import Property, Schema, load_schema
from relgraph.store.base import Neighbour, Progress, Store, WriteResult

ENGINE_TYPES = {
    "string": "STRING", "text": "STRING", "enum": "STRING", "string[]": "STRING[]",
    "sources": "STRING[]", "date": "DATE", "int": "INT64", "float": "DOUBLE", "bool": "BOOLEAN",
}
BATCH = 20_000


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
        try:
            self._db = lb.Database(str(p), read_only=read_only)
            self._conn = lb.Connection(self._db)
        except RuntimeError as e:
            msg = str(e)
            if "lock" in msg.lower():
                raise StoreInUseError(f"store {path} is in use by {_holder(p)}; wait for it to finish, "
                                      "or pass another --store") from None
            raise StoreError(f"cannot open store {path}: {msg}") from None
        self._pid_file = p.with_name(p.name + ".pid")
        if not read_only:
            # The engine's file lock keeps other processes out; the pid file only
            # lets their error message say who holds the store.
            self._pid_file.write_text(str(os.getpid()))
            self._ensure_schema()
        self._tables: set[str] | None = None

    # -- plumbing ---------------------------------------------------------
    def close(self) -> None:
        conn, db = getattr(self, "_conn", None), getattr(self, "_db", None)
        self._conn = self._db = None
        if conn is not None:
            conn.close()
        if db is not None:
            db.close()
            if not self.read_only:
                with contextlib.suppress(OSError):
                    self._pid_file.unlink()

    def _exec(self, cypher: str, params: dict[str, Any] | None = None) -> tuple[list[str], list[list[Any]]]:
        if self._conn is None:
            raise StoreError("store is closed")
        try:
            result = self._conn.execute(cypher, params or {})
        except RuntimeError as e:
            raise StoreError(f"store error: {e}") from None
        cols = result.get_column_names()
        rows = []
        while result.has_next():
            rows.append(result.get_next())
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
        # over all node tables can return wrong rows (tests/test_store.py shows a case).
        by_table: dict[str, list[str]] = defaultdict(list)
        for i in node_ids:
            t = self.schema.type_for_id(i)
            if t is not None:
                by_table[t.name].append(i)
        keep = set(keep_origins)
        found: set[tuple[str, str]] = set()
        for t in self._node_tables():
            if by_table.get(t):
                _, rows = self._exec(
                    f"MATCH (n:{t})-[r]-() WHERE n.id IN $ids RETURN DISTINCT r.id, r.origin",
                    {"ids": by_table[t]})
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

    def iter_nodes(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for t in self._node_tables():
            _, rows = self._exec(f"MATCH (n:{t}) RETURN n ORDER BY n.id")
            for (n,) in rows:
                props = _clean(n)
                yield props["id"], t, props

    def iter_relationships(self) -> Iterator[tuple[str, str, str, str, dict[str, Any]]]:
        for t in self._rel_tables():
            _, rows = self._exec(f"MATCH (a)-[r:{t}]->(b) RETURN r, a.id, b.id ORDER BY r.id")
            for r, a, b in rows:
                props = _clean(r)
                yield props["id"], t, a, b, props

    def origin_records(self, origin: str) -> tuple[list[tuple[str, str, dict[str, Any]]],
                                                   list[tuple[str, str, str, str, dict[str, Any]]]]:
        nodes, rels = [], []
        for t in self._node_tables():
            _, rows = self._exec(f"MATCH (n:{t}) WHERE n.origin = $o RETURN n ORDER BY n.id", {"o": origin})
            nodes.extend((p["id"], t, p) for p in (_clean(n) for (n,) in rows))
        for t in self._rel_tables():
            _, rows = self._exec(f"MATCH (a)-[r:{t}]->(b) WHERE r.origin = $o RETURN r, a.id, b.id "
                                 "ORDER BY r.id", {"o": origin})
            rels.extend((p["id"], t, a, b, p) for p, a, b in ((_clean(r), a, b) for r, a, b in rows))
        return nodes, rels

    def node_names(self) -> list[tuple[str, str, str, list[str]]]:
        out = []
        for t in self._node_tables():
            _, rows = self._exec(f"MATCH (n:{t}) RETURN n.id, n.name, n.aliases")
            out.extend((i, t, name, aliases or []) for i, name, aliases in rows)
        return out

    def neighbours(self, node_id: str) -> list[Neighbour]:
        t = self.schema.type_for_id(node_id)
        if t is None or t.name not in self._present_tables():
            return []
        out = []
        for outgoing, pattern in ((True, "(n)-[r]->(m)"), (False, "(n)<-[r]-(m)")):
            _, rows = self._exec(
                f"MATCH {pattern} WHERE n.id = $id AND label(n) = $label "
                "RETURN label(r), r, m.id, label(m), m.name",
                {"id": node_id, "label": t.name},
            )
            out.extend(Neighbour(rt, outgoing, _clean(r), mid, mt, mn) for rt, r, mid, mt, mn in rows)
        return out

    def run(self, cypher: str, params: dict[str, Any] | None = None, *,
            write: bool = False) -> tuple[list[str], list[list[Any]]]:
        if write and self.read_only:
            raise StoreError("store is open read-only; this statement writes")
        return self._exec(cypher, params)

    # -- writing ------------------------------------------------------------
    def write(self, dataset: Dataset, *, progress: Progress | None = None) -> WriteResult:
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
        rel_ids = [r.id for r in dataset.relationships]
        self._exec("BEGIN TRANSACTION")
        try:
            for t in self._rel_tables():
                _, rows = self._exec(
                    f"MATCH ()-[r:{t}]->() WHERE r.origin IN $origins OR r.id IN $ids "
                    "DELETE r RETURN count(*)",
                    {"origins": origins, "ids": rel_ids},
                )
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
            for t, nodes in by_type.items():
                cols = _columns(self.schema, self.schema.nodes[t].properties)
                names = [c.name for c in cols]
                rows = [{**{c: n.props.get(c) for c in names}, "id": n.id, "origin": n.origin} for n in nodes]
                ret = ", ".join(_typed("r", c) for c in cols)
                for chunk in _chunks(rows):
                    self._exec(f"COPY {t} FROM (UNWIND $rows AS r RETURN {ret})", {"rows": chunk})
                updated = sum(1 for n in nodes if n.id in index)
                result.nodes_added += len(nodes) - updated
                result.nodes_updated += updated
                tick(len(nodes))
            types = {**{i: t for i, (t, _) in index.items()}, **{n.id: n.type for n in dataset.nodes}}
            groups = others  # the kept relationships of re-copied nodes, then the dataset's
            written: dict[tuple[str, str, str], int] = defaultdict(int)
            for r in dataset.relationships:
                row = {**r.props, "id": r.id, "origin": r.origin, "source_": r.source, "target_": r.target}
                groups[(r.type, types[r.source], types[r.target])].append(row)
                written[(r.type, types[r.source], types[r.target])] += 1
            for (t, a, b), rows in groups.items():
                cols = _columns(self.schema, self.schema.relationships[t].properties)
                ret = ", ".join(["r.source_", "r.target_", *(_typed("r", c) for c in cols)])
                rows = [{**{c.name: row.get(c.name) for c in cols}, "source_": row["source_"],
                         "target_": row["target_"]} for row in rows]
                for chunk in _chunks(rows):
                    self._exec(
                        f"COPY {t} FROM (UNWIND $rows AS r RETURN {ret}) (from='{a}', to='{b}')",
                        {"rows": chunk},
                    )
                result.relationships_written += written[(t, a, b)]
                tick(written[(t, a, b)])
            self._exec("COMMIT")
        except BaseException:
            self._rollback()
            raise
        return result

    def _relationships_of(self, ids_by_table: dict[str, list[str]]) -> dict[tuple[str, str, str],
                                                                             list[dict[str, Any]]]:
        """Every relationship touching the given nodes, as rows to copy back:
        {(type, source table, target table): [properties + source_ + target_]}."""
        found: dict[tuple[str, str], tuple[tuple[str, str, str], dict[str, Any]]] = {}
        for t, ids in ids_by_table.items():
            for chunk in _chunks(ids):
                for outgoing, pattern in ((True, f"(n:{t})-[r]->(m)"), (False, f"(m)-[r]->(n:{t})")):
                    _, rows = self._exec(f"MATCH {pattern} WHERE n.id IN $ids "
                                         "RETURN label(r), r, n.id, label(m), m.id", {"ids": chunk})
                    for rt, r, nid, mt, mid in rows:
                        props = _clean(r)
                        ends = (nid, mid) if outgoing else (mid, nid)
                        key = (rt, t, mt) if outgoing else (rt, mt, t)
                        found[(rt, props["id"])] = (key, {**props, "source_": ends[0], "target_": ends[1]})
        out: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for key, row in found.values():
            out[key].append(row)
        return out

    def _rollback(self) -> None:
        # The engine may already have rolled back the failed transaction.
        with contextlib.suppress(RuntimeError):
            self._conn.execute("ROLLBACK")


def _holder(path: Path) -> str:
    """Who holds the store: "process N" when a writer left its pid, else a general phrase."""
    try:
        return f"process {int(path.with_name(path.name + '.pid').read_text().strip())}"
    except (OSError, ValueError):
        return "another process"


def _typed(var: str, p: Property) -> str:
    """A row field, cast so that a column of all-null values still has its type."""
    return f"CAST({var}.{p.name} AS {ENGINE_TYPES[p.type]})"


def _chunks(rows: list, size: int = BATCH):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]
