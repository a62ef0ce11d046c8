"""The library's front door: load, validate, inspect.

Each function takes plain arguments, does one job and returns a plain result;
the CLI only formats these. Errors are :mod:`relgraph.errors` types.

>>> import tempfile, os
>>> db = os.path.join(tempfile.mkdtemp(), "t.db")
>>> report = load(store=db)                          # the bundled dataset
>>> report.result.nodes_added > 0
True
>>> show("Rajin-Khasan", store=db).node["type"]
'Project'
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from relgraph.dates import known_props
from relgraph.errors import AmbiguousError, InputError, NotFoundError, Problem, UsageError
from relgraph.model import Citation, Dataset, Node, Relationship
from relgraph.store import Store, WriteResult, open_store, resolve_location

ProgressFactory = Callable[[int], Any]  # total -> context manager with .update(n)


def validate(paths: Iterable[str | Path] | None = None, *, store: str | None = None) -> Dataset:
    """Read and validate data files (default: the bundled dataset) without writing anything.

    With ``store``, they are checked as a load into that store would take them: they may
    cite the documents and link the nodes it holds from other files, and must not remove a
    node other files' facts link to. Without, as a load into an empty store.
    """
    from relgraph.loaders import read_dataset

    with gc_paused():
        if store is None:
            return read_dataset(paths)
        given, files = _files(paths)
        with open_store(store, read_only=True) as st:
            return _read_into(st, given, files)[0]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a load or an analysis.

    A load allocates millions of small objects and no reference cycles; the
    collector's repeated passes over them took ~40% of the time of loading
    100,000 relationships (see benchmarks/README.md). Freed objects are still
    released at once by reference counting.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Changes:
    """What a load changes in the store, record by record (a record whose type, ends and
    properties are the same as stored is unchanged, and is not written)."""

    nodes_added: int = 0
    nodes_updated: int = 0
    nodes_removed: int = 0
    relationships_added: int = 0
    relationships_updated: int = 0
    relationships_removed: int = 0
    files: int = 0
    files_changed: int = 0

    def __bool__(self) -> bool:
        return self.files_changed > 0


@dataclass
class LoadReport:
    location: str
    files: int
    dataset_counts: dict[str, int]
    result: WriteResult  # what the store wrote: nothing when no file changed
    seconds: float
    changes: Changes = field(default_factory=Changes)
    removed_files: list[str] = field(default_factory=list)  # origins of files gone from a loaded folder
    nodes: int = 0  # what the files hold, written or not
    relationships: int = 0


def load(paths: Iterable[str | Path] | None = None, *, store: str | None = None,
         progress: ProgressFactory | None = None) -> LoadReport:
    """Validate data files (default: the bundled dataset) and load them into a store.

    The whole input is validated before anything is written, and the write is
    one transaction: on any error the store is left exactly as it was. Loading
    the same files again gives the same graph and writes nothing; loading
    changed files rewrites the files that changed (what else they hold is
    rewritten as it was) and removes what they no longer hold. A file deleted
    from a folder that is loaded again is gone from the store too.
    """
    started = time.perf_counter()
    given, files = _files(paths)  # before the store is opened (and created): a wrong path is no store
    with gc_paused(), open_store(store) as st:
        dataset, index, gone = _read_into(st, given, files)
        changes, changed = _changes(st, dataset, index)
        counts = dataset.counts()
        held = len(dataset.nodes), len(dataset.relationships)
        if not changed:
            return LoadReport(st.location, len(files), counts, WriteResult(),
                              time.perf_counter() - started, changes, gone, *held)
        if len(changed) < len(dataset.origins):
            dataset = Dataset([n for n in dataset.nodes if n.origin in changed],
                              [r for r in dataset.relationships if r.origin in changed],
                              [o for o in dataset.origins if o in changed])
        bar = progress(st.steps(dataset)) if progress else None
        # release: the dataset is not used after the write, which may free it as it goes.
        if bar is not None:
            with bar:
                result = st.write(dataset, progress=bar.update, release=True)
        else:
            result = st.write(dataset, release=True)
        return LoadReport(st.location, len(files), counts, result, time.perf_counter() - started,
                          changes, gone, *held)


def _files(paths: Iterable[str | Path] | None) -> tuple[list[str | Path], list[Path]]:
    """The paths given (default: the bundled dataset's folder) and the data files they hold."""
    from relgraph.loaders import bundled_dir, discover

    given = list(paths) if paths is not None else [bundled_dir()]
    return given, discover(given)


def _read_into(st: Store, given: list[str | Path], files: list[Path]) -> tuple[
        Dataset, dict[str, tuple[str, str]], list[str]]:
    """Read and validate data files as a load into ``st`` takes them: against the nodes the
    store holds from other files, with files gone from a loaded folder as removed, refusing
    removals other files' facts depend on. Returns the dataset, the store's node index and the
    origins of the removed files."""
    from relgraph.loaders import origin_of, read_dataset

    origins = {origin_of(f) for f in files}
    folders = [origin_of(Path(p)) + "/" for p in given if Path(p).is_dir()]
    index = st.node_index()
    # Files that were loaded from these folders and are not in them any more.
    gone = sorted(o for o in (st.origins() if folders and index else ())
                  if o not in origins and any(o.startswith(f) for f in folders))
    kept = {i: t for i, (t, o) in index.items() if o not in origins and o not in gone}
    dataset = read_dataset(files, existing=kept, existing_origins={i: index[i][1] for i in kept})
    dataset.origins.extend(gone)
    _check_removals(st, dataset, index)
    _check_relationship_owners(st, dataset, {origin_of(f): str(f) for f in files})
    return dataset, index, gone


def _changes(st: Store, dataset: Dataset, index: dict[str, tuple[str, str]]) -> tuple[Changes, set[str]]:
    """Compare the dataset with what the store holds of its origins: the counts of what
    a load changes, and the origins (files) with any change."""
    changes = Changes(files=len(dataset.origins))
    changed: set[str] = set()
    nodes_of: dict[str, list[Node]] = {o: [] for o in dataset.origins}
    rels_of: dict[str, list[Relationship]] = {o: [] for o in dataset.origins}
    for n in dataset.nodes:
        nodes_of[n.origin].append(n)
    for r in dataset.relationships:
        rels_of[r.origin].append(r)
    # What the store holds of these origins, read at once (a first load into an empty store
    # reads nothing).
    stored_nodes, stored_rels = st.records_of(list(dataset.origins)) if index else ([], [])
    node_before: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {o: {} for o in dataset.origins}
    rel_before: dict[str, dict[str, tuple[str, str, str, dict[str, Any]]]] = {o: {} for o in dataset.origins}
    for i, t, p in stored_nodes:
        node_before[p["origin"]][i] = (t, p)
    for i, t, a, b, p in stored_rels:
        rel_before[p["origin"]][i] = (t, a, b, p)
    for origin in dataset.origins:
        before_n, before_r = node_before[origin], rel_before[origin]
        differs = False
        for n in nodes_of[origin]:
            was = before_n.pop(n.id, None)
            if was is None:
                changes.nodes_added += n.id not in index
                changes.nodes_updated += n.id in index
                differs = True
            elif was != (n.type, _stored(n.id, n.origin, n.props)):
                changes.nodes_updated += 1
                differs = True
        for r in rels_of[origin]:
            was_r = before_r.pop(r.id, None)
            if was_r is None:
                changes.relationships_added += 1
                differs = True
            elif was_r != (r.type, r.source, r.target, _stored(r.id, r.origin, r.props)):
                changes.relationships_updated += 1
                differs = True
        if before_n or before_r:
            changes.nodes_removed += len(before_n)
            changes.relationships_removed += len(before_r)
            differs = True
        if differs:
            changed.add(origin)
    changes.files_changed = len(changed)
    return changes, changed


def _stored(record_id: str, origin: str, props: dict[str, Any]) -> dict[str, Any]:
    """A record's properties as the store gives them back (with id and origin, no nulls)."""
    return {**{k: v for k, v in props.items() if v is not None}, "id": record_id, "origin": origin}


def _check_removals(st: Store, dataset: Dataset, index: dict[str, tuple[str, str]]) -> None:
    """Refuse to remove nodes that facts from other files still point at."""
    incoming = {n.id for n in dataset.nodes}
    gone = sorted(i for i, (_, o) in index.items() if o in dataset.origins and i not in incoming)
    if not st.attached(gone, dataset.origins):
        return
    problems = [
        Problem(index[node_id][1], None, "id", node_id,
                f"this file no longer defines the node, but relationship {rel_id!r} in {origin} uses it",
                f"keep the node in this file, or remove the relationship from {origin} too")
        for node_id in gone
        for rel_id, origin in sorted(st.attached([node_id], dataset.origins))
    ]
    raise InputError(problems)


def _check_relationship_owners(st: Store, dataset: Dataset, files: dict[str, str]) -> None:
    """Refuse relationships that another file, already loaded, holds under the same id."""
    ends = sorted({end for r in dataset.relationships for end in (r.source, r.target)})
    attached = st.attached(ends, dataset.origins)
    if not attached:  # the usual case: no index of every incoming relationship (memory)
        return
    incoming = {r.id: r for r in dataset.relationships}
    problems = [
        Problem(files.get(incoming[rel_id].origin, incoming[rel_id].origin), incoming[rel_id].line, None,
                rel_id, f"duplicate relationship (already loaded from {origin})",
                "remove one, or give each an explicit `id:`; to move it into this file, remove it from "
                "the other file and load both files together")
        for rel_id, origin in attached if rel_id in incoming
    ]
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.file, p.line or 0)))


@dataclass
class SyncReport:
    source: str
    location: str
    result: WriteResult
    seconds: float


def sync(source: str | None, target: str) -> SyncReport:
    """Copy every node and relationship of the ``source`` store into ``target``.

    The target then holds exactly the source's facts for every file (origin)
    the source holds; facts of other origins in the target are kept.
    """
    started = time.perf_counter()
    with open_store(source, read_only=True) as src:
        nodes = [Node(i, t, _fact_props(p), p.get("origin", "")) for i, t, p in src.iter_nodes()]
        rels = [Relationship(i, t, a, b, _fact_props(p), p.get("origin", ""))
                for i, t, a, b, p in src.iter_relationships()]
        src_location = src.location
    origins = sorted({n.origin for n in nodes} | {r.origin for r in rels})
    dataset = Dataset(nodes, rels, origins)
    with open_store(target) as dst:
        if dst.location == src_location:
            raise UsageError("--from and --to name the same store")
        index = dst.node_index()
        _check_removals(dst, dataset, index)
        result = dst.write(dataset)
        return SyncReport(src_location, dst.location, result, time.perf_counter() - started)


def _fact_props(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in ("id", "origin") and v is not None}


def stats(*, store: str | None = None) -> dict[str, dict[str, int]]:
    """Counts per node type and relationship type."""
    with open_store(store, read_only=True) as st:
        return st.counts()


@dataclass(frozen=True)
class Coverage:
    """How current a graph is.

    ``facts_until``: the latest day on which a fact in the graph happened or
    began (its ``date`` or ``validFrom``), leaving out planned facts and days
    after ``today``. ``validTo`` does not count: an interval's end can be a
    term fixed in advance (a two-year Council seat), not something observed.
    ``sources_until``: the latest ``published`` day of a Document, up to
    ``today``. Either is None when the graph holds no such date.
    """

    facts_until: date | None
    sources_until: date | None


_COVERAGE_QUERIES = tuple(
    f"MATCH {pattern} WHERE x.status <> 'planned' AND x.{key} <= $today RETURN max(x.{key})"
    for pattern in ("(x)", "()-[x]->()") for key in ("date", "validFrom"))


def coverage(*, store: str | None = None, today: date | None = None) -> Coverage:
    """The latest fact and the latest source of a store: see :class:`Coverage`."""
    params = {"today": today or date.today()}
    with open_store(store, read_only=True) as st:
        counts = st.counts()
        # A store that holds no nodes (or no relationships) may not have the tables to ask.
        queries = [q for q in _COVERAGE_QUERIES if any(counts["nodes"].values())
                   and ("-[x]->" not in q or any(counts["relationships"].values()))]
        facts = [_as_date(v) for q in queries for row in st.run(q, params)[1] for v in row]
        sources: list[date | None] = []
        if counts["nodes"].get("Document"):
            _, rows = st.run("MATCH (d:Document) WHERE d.published <= $today RETURN max(d.published)",
                             params)
            sources = [_as_date(v) for row in rows for v in row]
    return Coverage(_latest(facts), _latest(sources))


def _as_date(value: Any) -> date | None:
    native = getattr(value, "to_native", None)  # the Neo4j driver's Date
    value = native() if native is not None else value
    return value if isinstance(value, date) else None


def _latest(days: list[date | None]) -> date | None:
    return max((d for d in days if d is not None), default=None)


def normalize(text: str) -> str:
    """Fold a name for matching: case, accents, dashes and punctuation.

    >>> normalize("Rajin–Khasan  Railway")
    'rajin khasan railway'
    >>> normalize("Kim Jong-un") == normalize("Kim Jong Un")
    True
    >>> normalize("Choe Sŏn-hŭi")
    'choe son hui'
    """
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    out = "".join(c if c.isalnum() else " " for c in folded)
    return " ".join(out.split())


UN_REFERENCE = re.compile(r"[A-Z]{2}[ie]\.\d{3}")  # a UN sanctions list reference: KPi.052


def resolve(st: Store, name: str) -> str:
    """The id of the node called ``name``: an id, a name or any alias.

    Matching ignores case, accents and punctuation; a fragment that matches
    exactly one node's name or alias also resolves.
    """
    if ":" in name and st.node(name) is not None:  # an id: one lookup, not a scan of every name
        return name
    try:
        return resolve_in(st.node_names(), name)
    except NotFoundError:
        # A UN sanctions reference (KPi.052) of an entry linked to a curated node, which the
        # import does not rewrite: the designation carries it.
        if UN_REFERENCE.fullmatch(name.strip()):
            found = {a for _i, t, a, _b, p in st.iter_relationships()
                     if t == "DESIGNATED_UNDER" and p.get("reference") == name.strip()}
            if len(found) == 1:
                return found.pop()
        raise



def resolve_in(names: list[tuple[str, str, str, list[str]]], name: str) -> str:
    """:func:`resolve` over (id, type, name, aliases) rows, e.g. a networkx graph's nodes.

    >>> resolve_in([("state:PRK", "State", "North Korea", ["DPRK"])], "dprk")
    'state:PRK'
    >>> resolve_in([("state:PRK", "State", "North Korea", [])], "PRK")   # an id without its prefix
    'state:PRK'
    >>> rows = [("state:PRK", "State", "North Korea", ["Korea"]), ("place:korea", "Place", "Korea", [])]
    >>> resolve_in(rows, "korea")   # a node's own name wins over another node's alias
    'place:korea'
    """
    ids = {i for i, *_ in names}
    if name in ids:
        return name
    key = normalize(name)
    exact: dict[str, str] = {}
    types = {i: t for i, t, *_ in names}
    for i, _t, n, aliases in names:
        if any(normalize(s) == key for s in (n, *aliases)):
            exact[i] = n
    if len(exact) == 1:
        return next(iter(exact))
    if exact:
        by_name = [i for i, n in exact.items() if normalize(n) == key]
        if len(by_name) == 1:  # a node's own name wins over another node's alias
            return by_name.pop()
        raise AmbiguousError(name, [(i, types[i], n) for i, n in exact.items()])
    # An id without its type prefix: "PRK" for state:PRK, "putin-vladimir".
    bare = [i for i in ids if i.partition(":")[2] == name]
    if len(bare) == 1:
        return bare.pop()
    if key:
        padded = f" {key} "
        partial = {i: (t, n) for i, t, n, aliases in names
                   if any(padded in f" {normalize(s)} " for s in (n, *aliases))}
        if len(partial) == 1:
            return next(iter(partial))
        if partial:
            raise AmbiguousError(name, [(i, t, n) for i, (t, n) in partial.items()])
    display = {normalize(s): s for _i, _t, n, aliases in names for s in (n, *aliases)}
    close = difflib.get_close_matches(key, list(display), n=3, cutoff=0.6)
    raise NotFoundError(name, [display[c] for c in close])


@dataclass(frozen=True)
class Found:
    """A node :func:`find` matched: ``matched`` is the name or alias that matched."""

    id: str
    type: str
    name: str
    status: str | None
    matched: str


class NameIndex:
    """Every node's names, folded once, for :func:`find` (``relgraph serve`` keeps one while
    the store cannot change: at a million relationships reading and folding the names takes
    seconds, a search of them a fraction of one)."""

    def __init__(self, store: str | Store | None = None):
        # (id, type, name, status, [(folded, as written), ...]) per node, in the store's order.
        self.entries: list[tuple[str, str, str, Any, list[tuple[str, str]]]] = []
        with open_store(store, read_only=True) as st:
            for node_id, node_type, props in st.iter_nodes(None, ("name", "aliases", "status")):
                name = str(props.get("name") or node_id)
                names = [name, *(str(a) for a in props.get("aliases") or ()), node_id]
                self.entries.append((node_id, node_type, name, props.get("status"),
                                     [(normalize(n), n) for n in dict.fromkeys(names)]))

    def find(self, text: str, *, types: Iterable[str] | None = None, statuses: Iterable[str] | None = None,
             limit: int | None = 50) -> tuple[list[Found], int]:
        """See :func:`find`."""
        key = normalize(text)
        kinds = set(types) if types is not None else None
        wanted = set(statuses) if statuses is not None else None
        hits: list[tuple[tuple[int, int], str, Found]] = []
        for node_id, node_type, name, status, names in self.entries:
            if kinds is not None and node_type not in kinds:
                continue
            if wanted is not None and status not in wanted:
                continue
            best: tuple[int, int, str] | None = None
            for folded, written in names:
                if not key:
                    rank = 2
                elif key not in folded:
                    continue
                elif folded == key:
                    rank = 0
                elif folded.startswith(key):
                    rank = 1
                else:
                    rank = 2
                if best is None or (rank, len(folded)) < best[:2]:
                    best = (rank, len(folded), written)
            if best is not None:
                hits.append((best[:2], names[0][0], Found(node_id, node_type, name, status, best[2])))
        hits.sort(key=lambda h: (h[0], h[1], h[2].id))
        found = [f for _r, _n, f in hits]
        return (found if limit is None else found[:limit]), len(found)


def find(text: str, *, types: Iterable[str] | None = None, statuses: Iterable[str] | None = None,
         limit: int | None = 50, store: str | Store | None = None) -> tuple[list[Found], int]:
    """Nodes whose name, alias or id holds ``text``, matched as :func:`resolve` matches
    (ignoring case, accents and punctuation), and how many there are in all.

    Exact matches come first, then names that start with ``text``, then the rest; within
    each, the shorter the matching name or alias the closer the match ("Russ" finds the
    alias Russia before "Russian Defence Ministry"), then by name. ``types`` and
    ``statuses`` keep only those; empty ``text`` matches every node they keep. ``limit``
    (None: all) cuts the list, not the count.

    >>> import tempfile, os
    >>> db = os.path.join(tempfile.mkdtemp(), "t.db")
    >>> _ = load(store=db)
    >>> found, total = find("russ", store=db)
    >>> found[0].id, found[0].matched
    ('state:RUS', 'Russia')
    >>> [f.name for f in find("kim jong", types=["Person"], store=db)[0]][:2]
    ['Kim Jong Il', 'Kim Jong Un']
    """
    return NameIndex(store).find(text, types=types, statuses=statuses, limit=limit)


@dataclass
class NodeReport:
    """A node, its relationships, and the documents they cite."""

    node: dict[str, Any]
    relationships: list[dict[str, Any]]
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    total: int = 0  # relationships in all (``relationships`` holds those asked for)


def show(name: str, *, store: str | Store | None = None, offset: int = 0,
         limit: int | None = None) -> NodeReport:
    """Everything the store holds about one node, with sources resolved to documents.

    ``offset`` and ``limit`` keep a page of its relationships (in their order: type,
    direction, date, name), and the documents the node and that page cite; ``total``
    counts them all.
    """
    with open_store(store, read_only=True) as st:
        node_id = resolve(st, name)
        node = st.node(node_id) or {}
        if limit is None and not offset:
            neighbours = st.neighbours(node_id)
            total = len(neighbours)
        else:  # sort and page by the lean keys, then read the page's records only
            keys = sorted(st.neighbour_keys(node_id), key=lambda k: (k[1], "out" if k[2] else "in",
                                                                        str(k[3] or ""), k[6] or "", k[0]))
            total = len(keys)
            page = keys[offset:] if limit is None else keys[offset:offset + limit]
            neighbours = st.neighbours(node_id, ids=[k[0] for k in page])
        rels = []
        for nb in neighbours:
            rels.append({
                "type": nb.rel_type,
                "direction": "out" if nb.outgoing else "in",
                "other": {"id": nb.other_id, "type": nb.other_type, "name": nb.other_name},
                **{k: v for k, v in nb.props.items() if k not in ("origin", "sourceDocs")},
            })
        # The same order as the keys': type, direction, date, the other's name, then id.
        rels.sort(key=lambda r: (r["type"], r["direction"], str(r.get("date") or r.get("validFrom") or ""),
                                 r["other"]["name"] or "", str(r.get("id"))))
        cited = {Citation.parse(s).doc for s in node.get("sources", [])}
        for r in rels:
            cited.update(Citation.parse(s).doc for s in r.get("sources", []))
        # One read for the documents (a busy node at a million relationships cites a thousand).
        found = {i: {"type": t, **p} for i, t, p in st.iter_nodes(["Document"], None, sorted(cited))}
        docs = {d: known_props(found.get(d) or st.node(d) or {"id": d}) for d in sorted(cited)}
        node = {k: v for k, v in node.items() if k not in ("origin", "sourceDocs")}
        # Partial dates as they are known ("2008", not 2008-01-01), in the text and the JSON alike.
        return NodeReport(known_props(node), [known_props(r) for r in rels], docs, total)


def location(store: str | None = None) -> str:
    return resolve_location(store)
