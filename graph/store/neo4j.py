"""The Neo4j store, through the official ``neo4j`` driver.

The graph has the same shape as in the embedded store (labels, relationship
types and properties from the schema, camelCase properties, dates as Neo4j
``date`` values), so the stored queries and the analysts' own tools see one
model. Loads are batched ``UNWIND $rows ... MERGE`` statements inside managed
transactions (``execute_write``), so transient errors are retried; reads use
read routing (``execute_read``), so they work on clusters and Aura.

All statements are generated from the schema by the functions at the top of
this module; the test suite checks each of them with Neo4j's own parser.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any, TypeVar

from relgraph.errors import StoreError, UsageError
from relgraph.model import Dataset
from relgraph.schema import Schema, load_schema
from relgraph.store.base import Neighbour, Progress, Store, WriteResult, _in_order

BATCH = 5_000
T = TypeVar("T")


# -- statements, generated from the schema -----------------------------------
def constraint_statements(schema: Schema) -> list[str]:
    """Uniqueness constraints on ``id`` and indexes on ``name`` for every type.

    >>> stmts = constraint_statements(load_schema())
    >>> stmts[0]
    'CREATE CONSTRAINT state_id IF NOT EXISTS FOR (n:State) REQUIRE n.id IS UNIQUE'
    """
    out = []
    for t in schema.nodes:
        out.append(f"CREATE CONSTRAINT {_snake(t)}_id IF NOT EXISTS FOR (n:{t}) REQUIRE n.id IS UNIQUE")
    for t in schema.nodes:
        out.append(f"CREATE INDEX {_snake(t)}_name IF NOT EXISTS FOR (n:{t}) ON (n.name)")
    for r in schema.relationships:
        out.append(
            f"CREATE CONSTRAINT {r.lower()}_id IF NOT EXISTS FOR ()-[r:{r}]-() REQUIRE r.id IS UNIQUE"
        )
    return out


def node_upsert_statement(label: str) -> str:
    """MERGE a batch of nodes of one label by id and set all their properties.

    Properties absent from a row are set to null, which removes them, so a
    reload gives exactly the file's values.
    """
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n = row.props"


def rel_upsert_statement(rel_type: str, source: str, target: str) -> str:
    """MERGE a batch of relationships of one type between two labels, by id."""
    return (
        f"UNWIND $rows AS row MATCH (a:{source} {{id: row.source}}) MATCH (b:{target} {{id: row.target}}) "
        f"MERGE (a)-[r:{rel_type} {{id: row.id}}]->(b) SET r = row.props"
    )


def rel_ends_statement(rel_type: str) -> str:
    """The relationships of one type that came from the given origins, with their endpoints."""
    return (f"MATCH (a)-[r:{rel_type}]->(b) WHERE r.origin IN $origins "
            "RETURN r.id AS id, a.id AS source, b.id AS target")


def rel_delete_statement(rel_type: str) -> str:
    """Delete relationships of one type by id."""
    return f"UNWIND $ids AS i MATCH ()-[r:{rel_type} {{id: i}}]->() DELETE r"


def node_delete_statement(label: str) -> str:
    """Delete nodes of one label by id, with their relationships."""
    return f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) DETACH DELETE n"


# Per-label / per-type read statements; {label} and {rel} come from the schema.
READS = {
    "node_index": "MATCH (n:{label}) RETURN n.id AS id, n.origin AS origin",
    "count_nodes": "MATCH (n:{label}) RETURN count(n) AS n",
    "count_rels": "MATCH ()-[r:{rel}]->() RETURN count(r) AS n",
    "node": "MATCH (n:{label} {{id: $id}}) RETURN properties(n) AS props",
    "names": "MATCH (n:{label}) RETURN n.id AS id, n.name AS name, n.aliases AS aliases",
    "neighbours": (
        "MATCH (n:{label} {{id: $id}})-[r]-(m) WHERE $ids IS NULL OR r.id IN $ids "
        "RETURN type(r) AS type, startNode(r) = n AS outgoing, properties(r) AS props, "
        "m.id AS id, labels(m)[0] AS label, m.name AS name"
    ),
    # A few nodes' relationships (their types and properties parameters): a neighbourhood.
    "ends_at": (
        "UNWIND $ids AS i MATCH (n:{label} {{id: i}})-[r]-() WHERE type(r) IN $types "
        "RETURN type(r) AS type, r.id AS id, startNode(r).id AS a, endNode(r).id AS b, "
        "[k IN $fields | r[k]] AS values"
    ),
    "count_at": ("UNWIND $ids AS i MATCH (n:{label} {{id: i}})-[r]-() WHERE type(r) IN $types "
                 "RETURN count(r) AS n"),
    "iter_nodes": "MATCH (n:{label}) RETURN properties(n) AS props ORDER BY n.id",
    "iter_rels": "MATCH (a)-[r:{rel}]->(b) RETURN properties(r) AS props, a.id AS a, b.id AS b ORDER BY r.id",
    # Some properties only (their names a parameter): an analysis reads a few of many.
    "iter_node_fields": ("MATCH (n:{label}) WHERE $ids IS NULL OR n.id IN $ids "
                         "RETURN n.id AS id, [k IN $fields | n[k]] AS values ORDER BY n.id"),
    "iter_rel_fields": (
        "MATCH (a)-[r:{rel}]->(b) WHERE $ids IS NULL OR r.id IN $ids "
        "RETURN r.id AS id, a.id AS a, b.id AS b, [k IN $fields | r[k]] AS values ORDER BY r.id"
    ),
    "origin_nodes": (
        "MATCH (n:{label}) WHERE n.origin IN $origins RETURN properties(n) AS props ORDER BY n.id"
    ),
    "origin_rels": (
        "MATCH (a)-[r:{rel}]->(b) WHERE r.origin IN $origins "
        "RETURN properties(r) AS props, a.id AS a, b.id AS b ORDER BY r.id"
    ),
    "rel_origins": "MATCH ()-[r:{rel}]->() RETURN DISTINCT r.origin AS origin",
    "attached": (
        "MATCH (n)-[r]-() WHERE n.id IN $ids AND NOT r.origin IN $origins "
        "RETURN DISTINCT r.id AS id, r.origin AS origin"
    ),
}


def all_statements(schema: Schema) -> list[str]:
    """Every Cypher text this store can send, for every type in ``schema``.

    The test suite runs each through Neo4j's parser, so a schema change is
    checked too.
    """
    out = constraint_statements(schema)
    for label in schema.nodes:
        out += [node_upsert_statement(label), node_delete_statement(label)]
        out += [READS[k].format(label=label) for k in ("node_index", "count_nodes", "node", "names",
                                                        "neighbours", "ends_at", "count_at", "iter_nodes",
                                                        "iter_node_fields", "origin_nodes")]
    for rel, spec in schema.relationships.items():
        out += [rel_upsert_statement(rel, a, b) for a, b in spec.endpoints]
        out += [rel_ends_statement(rel), rel_delete_statement(rel)]
        out += [READS[k].format(rel=rel)
                for k in ("count_rels", "iter_rels", "iter_rel_fields", "origin_rels", "rel_origins")]
    out.append(READS["attached"])
    return out


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def native(value: Any) -> Any:
    """Neo4j values as plain Python: dates as ``datetime.date``, nodes as property dicts."""
    if hasattr(value, "to_native"):
        return value.to_native()
    if isinstance(value, list):
        return [native(v) for v in value]
    if isinstance(value, dict):
        return {k: native(v) for k, v in value.items()}
    if hasattr(value, "items") and hasattr(value, "element_id"):  # Node or Relationship
        return {k: native(v) for k, v in value.items()}
    if hasattr(value, "nodes") and hasattr(value, "relationships"):  # Path
        return [native(n) for n in value.nodes]
    return value


class Neo4jStore(Store):
    dialect = "neo4j"

    def __init__(self, uri: str, *, user: str | None = None, password: str | None = None,
                 database: str | None = None, read_only: bool = False, schema: Schema | None = None):
        import neo4j
        from neo4j import exceptions as ne

        # The driver logs connection failures; relgraph reports them itself, once.
        logging.getLogger("neo4j").addHandler(logging.NullHandler())
        logging.getLogger("neo4j").propagate = False
        self.location = uri
        self.schema = schema or load_schema()
        self.read_only = read_only
        self.database = database or os.environ.get("NEO4J_DATABASE") or "neo4j"
        user = user or os.environ.get("NEO4J_USER") or "neo4j"
        password = password if password is not None else os.environ.get("NEO4J_PASSWORD")
        if not password:
            raise UsageError("no Neo4j password: set NEO4J_PASSWORD")
        self._password = password
        if "@" in uri.partition("://")[2].split("/", 1)[0]:
            # The driver refuses it too, quoting the URI: credentials travel only in `auth`.
            raise UsageError("the Neo4j URI holds a user name or password (USER:PASSWORD@HOST); give "
                             "the host alone, the user in NEO4J_USER and the password in NEO4J_PASSWORD "
                             "(or --neo4j-password-stdin)")
        try:
            # Notifications (e.g. "property key does not exist" for a GDELT query on a store
            # without GDELT data) are advice for query authors, not for analysts' output.
            self._driver = neo4j.GraphDatabase.driver(uri, auth=(user, password),
                                                      notifications_min_severity="OFF")
            self._driver.verify_connectivity()
        except ne.AuthError:
            self._close_quietly()
            raise StoreError(self._scrub(
                f"Neo4j at {uri} rejected user {user!r} or its password; check NEO4J_USER and NEO4J_PASSWORD"
            )) from None
        except (ne.ServiceUnavailable, OSError):
            self._close_quietly()
            raise StoreError(self._scrub(
                f"cannot reach Neo4j at {uri}; is the server running? "
                "(docker compose -f docker/compose.yml up -d)"
            )) from None
        except ne.Neo4jError as e:
            self._close_quietly()
            raise StoreError(self._scrub(_explain(e, uri, self.database))) from None
        except ne.ConfigurationError as e:  # e.g. a scheme this driver does not take
            self._close_quietly()
            raise UsageError(self._scrub(f"bad Neo4j URI {uri!r}: {e}")) from None
        except ne.DriverError as e:
            self._close_quietly()
            raise StoreError(self._scrub(f"cannot connect to Neo4j at {uri}: {type(e).__name__}: {e}")
                             ) from None
        except ValueError as e:  # malformed URI
            self._close_quietly()
            raise UsageError(self._scrub(f"bad Neo4j URI {uri!r}: {e}")) from None
        if not read_only:
            self._write_each(constraint_statements(self.schema))

    def _close_quietly(self) -> None:
        driver = getattr(self, "_driver", None)
        if driver is not None:
            driver.close()
        self._driver = None

    def close(self) -> None:
        self._close_quietly()

    def _scrub(self, message: str) -> str:
        """A message without the password in it, whatever the driver or server put in it."""
        password = getattr(self, "_password", None)
        return message.replace(password, "***") if password else message

    # -- plumbing --------------------------------------------------------------
    def _read(self, cypher: str, params: dict[str, Any] | None = None) -> tuple[list[str], list[list[Any]]]:
        return self._transaction(_statement(cypher, params), write=False)

    def _write(self, cypher: str, params: dict[str, Any] | None = None) -> tuple[list[str], list[list[Any]]]:
        return self._transaction(_statement(cypher, params), write=True)

    def _transaction(self, work: Callable[[Any], T], *, write: bool) -> T:
        """Run ``work(tx)`` in one managed transaction (retried by the driver on transient
        errors, e.g. a server that restarts and comes back within its retry time)."""
        from neo4j import exceptions as ne

        try:
            with self._driver.session(database=self.database) as s:
                return s.execute_write(work) if write else s.execute_read(work)
        except ne.Neo4jError as e:
            raise StoreError(self._scrub(_explain(e, self.location, self.database))) from None
        except ne.IncompleteCommit:
            if not write:
                raise StoreError(self._scrub(
                    f"lost the connection to Neo4j at {self.location}: check the server, then run the "
                    "command again")) from None
            # The connection went while the server committed: only the server knows the outcome.
            raise StoreError(self._scrub(
                f"lost the connection to Neo4j at {self.location} while it committed; the change may or "
                "may not have been written: check the server, then run the command again (running it "
                "twice gives the same graph)")) from None
        except ne.DriverError as e:
            raise StoreError(self._scrub(
                f"lost the connection to Neo4j at {self.location} ({type(e).__name__}); nothing of this "
                "transaction was written: check the server, then run the command again")) from None

    def _write_each(self, statements: list[str]) -> None:
        for stmt in statements:
            self._write(stmt)

    # -- reading -----------------------------------------------------------------
    def node_index(self) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        for t in self.schema.nodes:
            _, rows = self._read(READS["node_index"].format(label=t))
            out.update((i, (t, o)) for i, o in rows)
        return out

    def attached(self, node_ids: list[str], keep_origins: list[str]) -> list[tuple[str, str]]:
        if not node_ids:
            return []
        _, rows = self._read(READS["attached"], {"ids": node_ids, "origins": keep_origins})
        return [(i, o) for i, o in rows]

    def counts(self) -> dict[str, dict[str, int]]:
        nodes = {t: self._read(READS["count_nodes"].format(label=t))[1][0][0] for t in self.schema.nodes}
        rels = {t: self._read(READS["count_rels"].format(rel=t))[1][0][0]
                for t in self.schema.relationships}
        return {"nodes": nodes, "relationships": rels}

    def node(self, node_id: str) -> dict[str, Any] | None:
        t = self.schema.type_for_id(node_id)
        if t is None:
            return None
        _, rows = self._read(READS["node"].format(label=t.name), {"id": node_id})
        return {"type": t.name, **rows[0][0]} if rows else None

    def node_names(self) -> list[tuple[str, str, str, list[str]]]:
        out = []
        for t in self.schema.nodes:
            _, rows = self._read(READS["names"].format(label=t))
            out.extend((i, t, name, aliases or []) for i, name, aliases in rows)
        return out

    def neighbours(self, node_id: str, ids: Collection[str] | None = None) -> list[Neighbour]:
        t = self.schema.type_for_id(node_id)
        if t is None:
            return []
        _, rows = self._read(READS["neighbours"].format(label=t.name),
                             {"id": node_id, "ids": None if ids is None else list(ids)})
        return [Neighbour(rt, out, props, mid, ml, mn) for rt, out, props, mid, ml, mn in rows]

    def relationship_ends_at(self, node_ids: Collection[str], types: Collection[str] | None = None,
                             fields: Sequence[str] = (), among: Collection[str] | None = None
                             ) -> Iterator[tuple[str, Sequence[Sequence[Any]]]]:
        wanted = None if among is None else set(among)
        found: dict[tuple[str, str], tuple[Any, ...]] = {}
        for t, ids in self._by_type(node_ids if wanted is None else set(node_ids) & wanted).items():
            _, rows = self._read(READS["ends_at"].format(label=t),
                                 {"ids": ids, "types": self._types(types), "fields": list(fields)})
            found.update(((rt, rid), (a, b, *values)) for rt, rid, a, b, values in rows
                         if wanted is None or (a in wanted and b in wanted))
        yield from _in_order(self.schema.relationships, found)

    def relationship_count_at(self, node_ids: Collection[str], types: Collection[str] | None = None) -> int:
        counts = (self._read(READS["count_at"].format(label=t), {"ids": ids, "types": self._types(types)})[1]
                  for t, ids in self._by_type(node_ids).items())
        return sum(rows[0][0] for rows in counts)

    def _types(self, types: Collection[str] | None) -> list[str]:
        return sorted(self.schema.relationships if types is None else types)

    def iter_nodes(self, types: Collection[str] | None = None, fields: Sequence[str] | None = None,
                   ids: Collection[str] | None = None) -> Iterator[tuple[str, str, dict[str, Any]]]:
        only = None if ids is None else sorted(set(ids))
        wanted = set(only or ())
        for t in self.schema.nodes:
            if types is not None and t not in types:
                continue
            if fields is None:
                _, rows = self._read(READS["iter_nodes"].format(label=t))
                for (props,) in rows:
                    if only is None or props["id"] in wanted:
                        yield props["id"], t, props
                continue
            names = [f for f in dict.fromkeys(fields) if f != "id"]
            _, rows = self._read(READS["iter_node_fields"].format(label=t), {"fields": names, "ids": only})
            for node_id, values in rows:
                yield node_id, t, {**_present(names, values), "id": node_id}

    def records_of(self, origins: list[str]) -> tuple[list[tuple[str, str, dict[str, Any]]],
                                                      list[tuple[str, str, str, str, dict[str, Any]]]]:
        nodes: list[tuple[str, str, dict[str, Any]]] = []
        rels: list[tuple[str, str, str, str, dict[str, Any]]] = []
        for t in self.schema.nodes:
            _, rows = self._read(READS["origin_nodes"].format(label=t), {"origins": list(origins)})
            nodes.extend((p["id"], t, p) for (p,) in rows)
        for t in self.schema.relationships:
            _, rows = self._read(READS["origin_rels"].format(rel=t), {"origins": list(origins)})
            rels.extend((p["id"], t, a, b, p) for p, a, b in rows)
        return nodes, rels

    def origins(self) -> set[str]:
        out = {o for _t, o in self.node_index().values()}
        for t in self.schema.relationships:
            out.update(o for (o,) in self._read(READS["rel_origins"].format(rel=t))[1])
        return out - {None}

    def iter_relationships(self, types: Collection[str] | None = None, fields: Sequence[str] | None = None,
                           ids: Collection[str] | None = None
                           ) -> Iterator[tuple[str, str, str, str, dict[str, Any]]]:
        only = None if ids is None else sorted(set(ids))
        wanted = set(only or ())
        for t in self.schema.relationships:
            if types is not None and t not in types:
                continue
            if fields is None:
                _, rows = self._read(READS["iter_rels"].format(rel=t))
                for props, a, b in rows:
                    if only is None or props["id"] in wanted:
                        yield props["id"], t, a, b, props
                continue
            names = [f for f in dict.fromkeys(fields) if f != "id"]
            _, rows = self._read(READS["iter_rel_fields"].format(rel=t), {"fields": names, "ids": only})
            for rel_id, a, b, values in rows:
                yield rel_id, t, a, b, {**_present(names, values), "id": rel_id}

    def run(self, cypher: str, params: dict[str, Any] | None = None, *,
            write: bool = False, timeout: float | None = None) -> tuple[list[str], list[list[Any]]]:
        if write and self.read_only:
            raise StoreError("store is open read-only; this statement writes")
        return self._transaction(_statement(cypher, params, timeout), write=write)

    # -- writing -----------------------------------------------------------------
    def write(self, dataset: Dataset, *, progress: Progress | None = None,
              release: bool = False) -> WriteResult:
        """Upsert the dataset, then remove what its origins no longer hold.

        All of it is one transaction (in batched statements): a load that fails,
        loses its server or is killed half-way leaves nothing of itself, and
        running it again gives exactly the clean-load graph. The driver retries
        the whole transaction on transient errors.
        """
        if self.read_only:
            raise StoreError("store is open read-only")
        tick = progress or (lambda n: None)
        index = self.node_index()
        result = WriteResult()
        incoming_nodes = {n.id for n in dataset.nodes}
        incoming_rels = {r.id: (r.source, r.target) for r in dataset.relationships}

        types = {**{i: t for i, (t, _) in index.items()}, **{n.id: n.type for n in dataset.nodes}}
        by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for n in dataset.nodes:
            by_label[n.type].append({"id": n.id, "props": {**n.props, "id": n.id, "origin": n.origin}})
            if n.id in index:
                result.nodes_updated += 1
            else:
                result.nodes_added += 1

        groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for r in dataset.relationships:
            groups[(r.type, types[r.source], types[r.target])].append(
                {"id": r.id, "source": r.source, "target": r.target,
                 "props": {**r.props, "id": r.id, "origin": r.origin}})
            result.relationships_written += 1

        stale_nodes: dict[str, list[str]] = defaultdict(list)
        for i, (t, o) in index.items():
            if o in dataset.origins and i not in incoming_nodes:
                stale_nodes[t].append(i)
                result.nodes_removed += 1

        def work(tx: Any) -> int:
            removed = 0
            # Relationships of these origins that are gone, or whose endpoints changed.
            for t in self.schema.relationships:
                rows = tx.run(rel_ends_statement(t), {"origins": dataset.origins}).values()
                stale = [i for i, a, b in rows if incoming_rels.get(i) != (a, b)]
                for chunk in _chunks(stale):
                    tx.run(rel_delete_statement(t), {"ids": chunk}).consume()
                removed += len(stale)
            for label, rows in by_label.items():
                for chunk in _chunks(rows):
                    tx.run(node_upsert_statement(label), {"rows": chunk}).consume()
                    tick(len(chunk))
            for (t, a, b), rows in groups.items():
                for chunk in _chunks(rows):
                    tx.run(rel_upsert_statement(t, a, b), {"rows": chunk}).consume()
                    tick(len(chunk))
            for label, ids in stale_nodes.items():
                for chunk in _chunks(ids):
                    tx.run(node_delete_statement(label), {"ids": chunk}).consume()
            return removed

        result.relationships_removed = self._transaction(work, write=True)
        return result


Rows = tuple[list[str], list[list[Any]]]


def _statement(cypher: str, params: dict[str, Any] | None, timeout: float | None = None
               ) -> Callable[[Any], Rows]:
    """A transaction function that runs one statement and returns its columns and rows
    (within ``timeout`` seconds, which the server enforces, where given)."""

    def work(tx: Any) -> Rows:
        result = tx.run(cypher, params or {})
        return list(result.keys()), [[native(v) for v in rec.values()] for rec in result]

    if timeout is None:
        return work
    from neo4j import unit_of_work

    return unit_of_work(timeout=timeout)(work)


def _present(names: list[str], values: list[Any]) -> dict[str, Any]:
    return {k: v for k, v in zip(names, values, strict=True) if v is not None}


def _chunks(rows: list, size: int = BATCH) -> Iterator[list]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _explain(e: Any, uri: str, database: str) -> str:
    """One clear line for a server error, with the fix where we know it."""
    code = getattr(e, "code", "") or ""
    if "DatabaseNotFound" in code:
        return (f"Neo4j at {uri} has no database {database!r}; create it (CREATE DATABASE {database}) "
                "or set NEO4J_DATABASE")
    if "AccessMode" in code or "ForbiddenDueToTransactionType" in code:
        return "this query writes, but it ran in a read transaction; declare it as a write query"
    if "AuthenticationRateLimit" in code:
        return (f"Neo4j at {uri} refuses logins for a while after too many wrong passwords; "
                "wait a few seconds, then check NEO4J_USER and NEO4J_PASSWORD")
    if "Security" in code:
        return f"Neo4j at {uri} refused access ({code}); check NEO4J_USER and its roles"
    if "SyntaxError" in code:
        return f"Neo4j rejected the query's syntax: {getattr(e, 'message', '')}"
    return f"Neo4j error {code}: {getattr(e, 'message', '')}"
