"""Stored Cypher queries: ``*.cypher`` files of named queries, and their runner.

The bundled queries live in this folder; users add folders of their own
(``--queries DIR`` or ``RELGRAPH_QUERIES``), which behave exactly like the
bundled ones. See ``README.md`` here for the file format.

>>> qs = load_queries()
>>> "timeline" in qs and qs["timeline"].mode
'read'
>>> [p.name for p in qs["shortest-path"].params][:2]
['a', 'b']
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from relgraph.dates import known_rows
from relgraph.errors import InputError, Problem, StoreError, UsageError
from relgraph.queries.params import Param, convert, missing_value
from relgraph.queries.parse import (
    DIALECTS,
    Query,
    parse_file,
    parse_text,
    select_branches,
    used_params,
    write_clause,
)

__all__ = [
    "DIALECTS", "ENV_VAR", "Param", "Query", "QueryResult", "QueryView", "bundled_dir", "convert_params",
    "describe", "dialect_for", "find_query", "list_queries", "load_queries", "parse_assignments",
    "parse_text", "query_dirs", "run_query", "used_params", "write_clause",
]

ENV_VAR = "RELGRAPH_QUERIES"


def bundled_dir() -> Path:
    """The folder of the queries shipped with relgraph."""
    return Path(str(resources.files("relgraph.queries")))


def query_dirs(extra: Iterable[str | Path] | None = None) -> list[Path]:
    """The bundled folder, then ``extra`` folders, else those in ``$RELGRAPH_QUERIES``
    (separated by ``os.pathsep``)."""
    if extra is None:
        extra = [d for d in os.environ.get(ENV_VAR, "").split(os.pathsep) if d.strip()]
    return [bundled_dir(), *(Path(d) for d in extra)]


def load_queries(extra: Iterable[str | Path] | None = None) -> Mapping[str, Query]:
    """Every query in the bundled folder and the ``extra`` folders, by name.

    Raises :class:`InputError` with every problem in every file, including a
    name defined twice (in one folder or across folders).
    """
    problems: list[Problem] = []
    found: dict[str, Query] = {}
    for folder in query_dirs(extra):
        if not folder.is_dir():
            problems.append(Problem(str(folder), None, None, None, "no such query folder",
                                    f"pass a folder of .cypher files to --queries or ${ENV_VAR}"))
            continue
        files = sorted(folder.glob("*.cypher"))
        if not files:
            problems.append(Problem(str(folder), None, None, None, "folder has no .cypher files",
                                    "put query files named *.cypher in it"))
        for f in files:
            try:
                queries = parse_file(f)
            except InputError as e:
                problems.extend(e.problems)
                continue
            for q in queries:
                if q.name in found:
                    first = found[q.name]
                    problems.append(Problem(q.file, q.line, "name", q.name,
                                            f"query name already used at {first.file}:{first.line}",
                                            "give each query a unique name"))
                else:
                    found[q.name] = q
    if problems:
        raise InputError(problems)
    return MappingProxyType(dict(sorted(found.items())))


def list_queries(extra: Iterable[str | Path] | None = None) -> list[Query]:
    """Every available query, sorted by name."""
    return list(load_queries(extra).values())


def find_query(name: str, extra: Iterable[str | Path] | None = None) -> Query:
    """The query called ``name``; a :class:`UsageError` with suggestions if there is none."""
    queries = load_queries(extra)
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UsageError(f"no query named {name!r}{hint} (see `relgraph query list`)")


def dialect_for(store: str | None = None) -> str:
    """The Cypher dialect of the store at ``store`` (see ``resolve_location``), without opening it."""
    from relgraph.store import NEO4J_SCHEMES, resolve_location

    return "neo4j" if resolve_location(store).startswith(NEO4J_SCHEMES) else "ladybug"


@dataclass(frozen=True)
class QueryView:
    """A query as ``query show`` presents it: with the Cypher for one store's dialect."""

    query: Query
    dialect: str
    cypher: str


def describe(name: str, *, store: str | None = None, dialect: str | None = None,
             extra: Iterable[str | Path] | None = None) -> QueryView:
    """A query and the Cypher it runs on the store at ``store`` (or in ``dialect``)."""
    q = find_query(name, extra)
    if dialect is not None and dialect not in DIALECTS:
        raise UsageError(f"unknown dialect {dialect!r}; use one of: {', '.join(DIALECTS)}")
    dialect = dialect or dialect_for(store)
    return QueryView(q, dialect, q.body(dialect))


@dataclass(frozen=True)
class QueryResult:
    """What a query returned. ``total`` counts rows before ``limit`` cut them."""

    query: Query
    params: Mapping[str, Any]
    columns: list[str]
    rows: list[list[Any]]
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def parse_assignments(pairs: Iterable[str]) -> dict[str, Any]:
    """``["a=1", "t=X", "t=Y"]`` as ``{"a": "1", "t": ["X", "Y"]}`` (a repeated name makes a list).

    >>> parse_assignments(["a=1", "t=X", "t=Y=Z"])
    {'a': '1', 't': ['X', 'Y=Z']}
    """
    split = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"-p {pair!r}: write -p NAME=VALUE")
        split.append((key.strip(), value))
    return gather(split)


def gather(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """(name, value) pairs as parameters: a repeated name makes a list (a web form's query
    string gives them so).

    >>> gather([("node", "Russia"), ("types", "HOLDS"), ("types", "SIGNED")])
    {'node': 'Russia', 'types': ['HOLDS', 'SIGNED']}
    """
    given: dict[str, Any] = {}
    for key, value in pairs:
        if key in given:
            prev = given[key]
            given[key] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            given[key] = value
    return given


def convert_params(q: Query, given: Mapping[str, Any] | Iterable[str], store: Any = None) -> dict[str, Any]:
    """The Cypher parameters for ``q``: every declared one, typed; node names resolved.

    ``given`` maps names to text or Python values, or is a list of
    ``NAME=VALUE`` strings (as typed after ``-p``). Raises :class:`UsageError`
    (with the query's parameter help) for an unknown, missing or ill-typed parameter.
    """
    out: dict[str, Any] = {}
    try:
        if not isinstance(given, Mapping):
            given = parse_assignments(given)
        unknown = [k for k in given if q.param(k) is None]
        if unknown:
            names = [p.name for p in q.params]
            close = [m for k in unknown for m in difflib.get_close_matches(k, names, n=1, cutoff=0.5)]
            hint = f"; did you mean {' or '.join(repr(m) for m in dict.fromkeys(close))}?" if close else ""
            raise UsageError(f"query {q.name!r} has no parameter {', '.join(map(repr, unknown))}{hint}")
        for p in q.params:
            if isinstance(given.get(p.name), (list, tuple)) and not p.is_list:
                raise UsageError(f"parameter {p.name!r} given more than once")
            if p.name in given and given[p.name] is not None:
                out[p.name] = convert(p, given[p.name], store=store)
            elif p.required:
                raise UsageError(f"query {q.name!r} needs parameter {p.name!r}: -p {p.name}=VALUE")
            elif p.default_text is not None:
                out[p.name] = convert(p, p.default_text, store=store)
            else:
                out[p.name] = missing_value(p)
        _check_span(out)
    except UsageError as e:
        raise UsageError(f"{e}\n{q.usage()}") from None
    return out


def _check_span(values: Mapping[str, Any]) -> None:
    """Refuse a ``from`` after a ``to``, as ``analyze --from/--to`` does (not an empty answer)."""
    start, end = values.get("from"), values.get("to")
    if isinstance(start, date) and isinstance(end, date) and start > end:
        raise UsageError(f"-p from={start} is after -p to={end}")


def run_query(name: str, params: Mapping[str, Any] | Iterable[str] | None = None, *, store: str | None = None,
              extra: Iterable[str | Path] | None = None, limit: int | None = None) -> QueryResult:
    """Run the stored query ``name`` with ``params`` (see :func:`convert_params`).

    Values travel only as Cypher parameters. A read query runs on a store
    opened read-only (in a read transaction on Neo4j), so it cannot write.
    ``limit`` keeps the first rows; ``total`` says how many there were.
    """
    from relgraph.api import gc_paused
    from relgraph.store import open_store

    q = find_query(name, extra)
    if limit is not None and limit < 0:
        raise UsageError("--limit must be 0 or more")
    # Rows hold no reference cycles; the collector's passes over 150,000 of them cost more than
    # reading them (benchmarks/README.md).
    with gc_paused():
        with open_store(store, read_only=not q.writes) as st:
            values = convert_params(q, params or {}, st)
            columns, rows = run_on(st, q, values)
        total = len(rows)
        if limit is not None:
            rows = rows[:limit]
        columns, rows = known_rows(columns, rows)  # partial dates as they are known: the rows kept
    return QueryResult(q, MappingProxyType(values), columns, rows, total)


def run_read(cypher: str, *, store: Any = None, timeout: float | None = 10.0
             ) -> tuple[list[str], list[list[Any]]]:
    """Run one read-only Cypher statement typed by a user (``relgraph serve --allow-cypher``):
    refused if it writes, run on a store opened read-only (a read transaction on Neo4j),
    stopped after ``timeout`` seconds. Dates come back as far as they are known.
    """
    from relgraph.store import open_store

    if not cypher.strip():
        raise UsageError("give a Cypher statement")
    clause = write_clause(cypher)
    if clause is not None:
        raise UsageError(f"this Cypher writes ({clause}); only reads run here")
    with open_store(store, read_only=True) as st:
        columns, rows = st.run(cypher, {}, timeout=timeout)
    return known_rows(columns, rows)


def run_on(st: Any, q: Query, values: Mapping[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Run ``q`` on an open store with already converted ``values``."""
    cypher = select_branches(q.body(st.dialect), values)
    try:
        columns, rows = st.run(cypher, dict(values), write=q.writes)
    except StoreError as e:
        if not q.writes and _is_write_refusal(str(e)):
            raise StoreError(f"query {q.name!r} is a read query but tried to write; it ran in a "
                             f"read-only session and changed nothing ({q.file}:{q.line}): {e}") from None
        raise StoreError(f"query {q.name!r} ({q.file}:{q.line}) failed: {e}") from None
    if q.order:
        rows = sort_rows(columns, rows, q.order, where=f"query {q.name!r} ({q.file}:{q.line})")
    return columns, rows


def sort_rows(columns: list[str], rows: list[list[Any]], order: Iterable[str], *,
              where: str = "rows") -> list[list[Any]]:
    """``rows`` sorted by the named columns as Cypher's ORDER BY sorts them: ascending unless a
    column is followed by ``DESC``, nulls last when ascending (first when descending).

    For a body whose UNION branches the engine may return in any order
    (``// order:`` in the query's header).

    >>> sort_rows(["n", "x"], [[2, "b"], [None, "a"], [1, "c"], [1, "a"]], ["n", "x"])
    [[1, 'a'], [1, 'c'], [2, 'b'], [None, 'a']]
    >>> sort_rows(["n", "x"], [[2, "b"], [None, "a"], [1, "c"], [1, "a"]], ["n DESC", "x"])
    [[None, 'a'], [2, 'b'], [1, 'a'], [1, 'c']]
    """
    keys: list[tuple[int, bool]] = []
    for item in order:
        name, _, direction = item.strip().partition(" ")
        try:
            keys.append((columns.index(name), direction.strip().upper() == "DESC"))
        except ValueError:
            raise StoreError(f"{where}: `// order:` names a column the query does not return "
                             f"({', '.join(order)} vs {', '.join(columns)}); name returned columns "
                             "in its `// order:` line") from None
    # Each column's values ranked once (sorted in C where they are of one type), then a stable
    # sort by each column's ranks, the last first: a key function per cell cost seconds for
    # 150,000 rows, and one sort by tuples of ranks twice the time of these.
    if not rows:
        return []
    ranked: list[list[int]] = []
    for i, desc in keys:
        column = [row[i] for row in rows]
        try:
            order_of = _ranks(column, desc)
        except TypeError:  # unhashable values (lists): ranked by their sort keys
            column = [_order_key(v) for v in column]
            order_of = {v: n for n, v in enumerate(sorted(set(column), reverse=desc))}
        ranked.append([order_of[v] for v in column])
    positions = list(range(len(rows)))
    for rank in reversed(ranked):
        positions.sort(key=rank.__getitem__)
    return [rows[n] for n in positions]


def _ranks(column: list[Any], desc: bool) -> dict[Any, int]:
    """Each distinct value of ``column`` with its place in ORDER BY's order (nulls last
    ascending, first descending)."""
    distinct = set(column)
    kinds = {type(v) for v in distinct if v is not None}
    if len(kinds) == 1 and kinds <= {str, int, float, date}:
        ordered: list[Any] = sorted(v for v in distinct if v is not None)
        if None in distinct:
            ordered.append(None)
    else:
        ordered = sorted(distinct, key=_order_key)
    if desc:
        ordered.reverse()
    return {v: n for n, v in enumerate(ordered)}


def _order_key(value: Any) -> tuple[int, Any]:
    """Numbers, then texts, then dates, then anything else (by its repr); null last."""
    if value is None:
        return (9, 0)
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    if isinstance(value, date):
        return (2, value)
    return (3, repr(value))


def _is_write_refusal(message: str) -> bool:
    m = message.lower()
    return ("read-only" in m or "read only" in m or "write operations" in m or "writing in read access" in m
            or "read transaction" in m)  # the Neo4j store's message for Neo.ClientError.Statement.AccessMode
