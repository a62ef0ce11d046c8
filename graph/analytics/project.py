"""The graph projection: the store read into networkx, and the filters every analysis takes.

:func:`project` reads every node and relationship through the :class:`~relgraph.store.Store`
interface (so it works the same on the embedded store and on Neo4j) into a
:class:`networkx.MultiDiGraph`. Nodes are keyed by id; edges are keyed by
relationship id, so parallel relationships between two nodes stay separate.
Node and edge attributes are the stored properties plus ``type``.

Time rules (the same for nodes and relationships; a relationship is dropped
when either of its ends is dropped):

- ``--as-of D`` keeps what was valid on D: ``validFrom`` (if any) <= D <=
  ``validTo`` (if any) and ``date`` (if any) <= D. A point event (a ``date``,
  no interval) exists from its date on: on D the summit has happened. So does
  a happening with a duration (a node of a type in the schema's
  ``analysis.happenings``: an Event such as a six-day visit), whose
  ``validTo`` is when it ended, not when it stopped holding.
- ``--from A --to B`` keeps what happened or held in the window: a ``date``
  inside it (a partial date counts for its whole month or year), or a
  ``validFrom``..``validTo`` interval overlapping it. Either end may be left
  open. Given together with ``--as-of``, both apply.
- A node exists from ``born`` (and until ``died``), where it has them: on a
  day before a person was born, the person and every tie of theirs, dated or
  not, are left out (``--as-of`` and ``--from``/``--to`` alike).
- Undated nodes and relationships (a state, a person with no dates, a post)
  are kept by every time filter: nothing says when they did not hold.

The schema's ``analysis`` section says which node types are multi-party facts
(folded by ``--fold``) and which are metadata (Documents, left out unless asked
for).
"""

from __future__ import annotations

import calendar
import difflib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import chain, combinations, islice
from operator import itemgetter
from typing import Any

import networkx as nx

from relgraph.dates import SUFFIX
from relgraph.errors import SchemaError, UsageError
from relgraph.model import Citation
from relgraph.schema import Schema, load_schema
from relgraph.store import Store, open_store

Props = Mapping[str, Any]


@dataclass(frozen=True)
class AnalysisConfig:
    """The schema's ``analysis`` section."""

    multi_party: frozenset[str]
    metadata: frozenset[str]
    happenings: frozenset[str]
    camp_type: str | None
    belongs_to: frozenset[str]


def analysis_config(schema: Schema | None = None) -> AnalysisConfig:
    """Read the ``analysis`` section of the schema, checking the type names.

    >>> sorted(analysis_config().multi_party)
    ['Event', 'Project', 'Treaty']
    """
    schema = schema or load_schema()
    raw = schema.raw.get("analysis") or {}

    def names(key: str, kinds: Mapping[str, Any]) -> frozenset[str]:
        values = raw.get(key) or []
        unknown = [v for v in values if v not in kinds]
        if unknown:
            raise SchemaError(f"schema: analysis.{key}: unknown type(s) {', '.join(map(str, unknown))}")
        return frozenset(values)

    camp_type = raw.get("camp_type")
    if camp_type is not None and camp_type not in schema.nodes:
        raise SchemaError(f"schema: analysis.camp_type: unknown node type {camp_type}")
    return AnalysisConfig(names("multi_party", schema.nodes), names("metadata", schema.nodes),
                          names("happenings", schema.nodes), camp_type,
                          names("belongs_to", schema.relationships))


# -- reading the store ------------------------------------------------------

# What the analyses read of each record, where they do not need all of it: names for
# answers, statuses and every date with its precision for filters and outputs, and the
# relationships' citations for paths and folding (see analytics.api).
REL_DATE_FIELDS = tuple(f for d in ("date", "validFrom", "validTo") for f in (d, d + SUFFIX))
DATE_FIELDS = (*REL_DATE_FIELDS, *(f for d in ("born", "died") for f in (d, d + SUFFIX)))
NODE_FIELDS = ("name", "aliases", "status", *DATE_FIELDS)
REL_FIELDS = ("status", *REL_DATE_FIELDS, "sources")


def project(store: Store, *, node_types: Collection[str] | None = None,
            rel_types: Collection[str] | None = None, node_fields: Sequence[str] | None = None,
            rel_fields: Sequence[str] | None = None, node_ids: Collection[str] | None = None,
            rel_ids: Collection[str] | None = None) -> nx.MultiDiGraph:
    """The nodes and relationships of ``store`` as a MultiDiGraph (see the module doc).

    ``node_types`` and ``rel_types`` keep only those types (a relationship also needs
    both its ends kept). ``node_fields`` and ``rel_fields`` read only those properties
    (and ``id``) instead of whole records: at a million relationships that is seconds
    instead of a minute, and a third of the memory (benchmarks/README.md). ``node_ids``
    and ``rel_ids`` keep only those.
    """
    G = nx.MultiDiGraph(name="relgraph")
    node, succ, pred = G._node, G._succ, G._pred
    node.update(_node_records(store, node_types, node_fields, node_ids))
    for node_id in node:
        succ[node_id], pred[node_id] = {}, {}
    rels: Iterable[tuple[str, str, str, str, Props]] = store.iter_relationships(
        rel_types, rel_fields, rel_ids)
    if node_types is not None or node_ids is not None:
        rels = (r for r in rels if r[2] in node and r[3] in node)
    add_edges(G, _typed(rels))
    return G


def _node_records(store: Store, types: Collection[str] | None, fields: Sequence[str] | None,
                  ids: Collection[str] | None = None) -> dict[str, dict[str, Any]]:
    """Each node's properties with its type, by id, in the store's order (a node given again
    is updated, as ``add_nodes_from`` does). The store gives each record a new dict: it
    becomes the node's own, where copying it cost 0.5 s of a million relationships' 4.6 s."""
    out: dict[str, dict[str, Any]] = {}
    for node_id, node_type, props in store.iter_nodes(types, fields, ids):
        props["type"] = node_type
        if node_id in out:
            out[node_id].update(props)
        else:
            out[node_id] = props
    return out


def _typed(rels: Iterable[tuple[str, str, str, str, Props]]) -> Iterator[tuple[str, str, str, Props]]:
    """The store's relationships as ``add_edges`` takes them, each dict with its type added."""
    for rel_id, rel_type, source, target, props in rels:
        props["type"] = rel_type
        yield source, target, rel_id, props


def add_edges(G: nx.MultiDiGraph, edges: Iterable[tuple[Any, Any, Any, dict[str, Any]]]) -> None:
    """``G.add_edges_from(edges)`` for keyed edges whose attribute dicts are ``G``'s to keep
    (not copied; a key given twice for the same ends keeps the last dict).

    The same graph, each dict set directly in ``G``'s adjacency as ``add_edge`` sets it:
    networkx's own loop builds two views and two dicts per edge (4 s of the 6 s projection
    of a million relationships).

    >>> G = nx.MultiDiGraph()
    >>> add_edges(G, [("a", "b", "r1", {"type": "X"}), ("a", "b", "r2", {}), ("b", "c", "r3", {})])
    >>> list(G.edges(keys=True, data="type")), list(G), list(G.pred["b"])
    ([('a', 'b', 'r1', 'X'), ('a', 'b', 'r2', None), ('b', 'c', 'r3', None)], ['a', 'b', 'c'], ['a'])
    """
    succ, pred = G._succ, G._pred
    for u, v, k, d in edges:
        out = succ.get(u)
        if out is None or v not in succ:
            G.add_node(u)
            G.add_node(v)
            out = succ[u]
        keys = out.get(v)
        if keys is None:
            keys = out[v] = pred[v][u] = {}
        keys[k] = d
    cache = getattr(G, "__networkx_cache__", None)  # what backends made of G before is stale
    if cache:
        cache.clear()


def read_store(location: str | None = None, **how: Any) -> nx.MultiDiGraph:
    """Open the store at ``location`` read-only and :func:`project` it (``how``: its options)."""
    with open_store(location, read_only=True) as st:
        return project(st, **how)


def read_for(location: str | None, filters: Filters, *, full: bool = False,
             dated: bool = False, weights_only: bool = False, status: bool = False) -> nx.MultiDiGraph:
    """The store's nodes and relationships of the types ``filters`` keep, each with only
    the properties an analysis needs: names, and of relationships what the filters test
    (every date where ``dated``), or, where ``full`` or folding, every date, status and
    citation (paths and changes print them). At a million relationships that is 12 s and
    1.3 GB instead of 130 s and 3.9 GB for whole records (benchmarks/README.md); :func:`fill`
    adds the whole records of what is left. ``weights_only``: the graph is for measures,
    which folding serves without the dates, statuses and citations of what it folds
    (see :func:`fold`). ``status``: the relationships' statuses too."""
    node_types, rel_types = type_sets(filters.types)
    rel_fields = _rel_fields([filters], full=full or (filters.fold and not weights_only),
                             dated=dated, status=status)
    return read_store(location, node_types=node_types, rel_types=rel_types, node_fields=NODE_FIELDS,
                      rel_fields=rel_fields)


def _rel_fields(filters: Sequence[Filters], *, full: bool = False, dated: bool = False,
                status: bool = False) -> tuple[str, ...]:
    """The relationships' properties an analysis reads (see :func:`read_for`): what any of
    ``filters`` tests (their statuses, their dates), and every date where ``dated``, the
    status where ``status``, or all of :data:`REL_FIELDS` where ``full``."""
    if full:
        return REL_FIELDS
    status = status or any(f.statuses for f in filters)
    dated = dated or any(f.as_of or f.start or f.end for f in filters)
    return (("status",) if status else ()) + (REL_DATE_FIELDS if dated else ())


def every_field(schema: Schema | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every property name of the schema's node types, and of its relationship types
    (system ones included): read column by column, they give whole records."""
    schema = schema or load_schema()
    system = tuple(schema.system)
    nodes = dict.fromkeys([*system, *(p for t in schema.nodes.values() for p in t.properties)])
    rels = dict.fromkeys([*system, *(p for t in schema.relationships.values() for p in t.properties)])
    return tuple(nodes), tuple(rels)


FEW = 100_000  # nodes and relationships that fill() reads by id


def fill(location: str | None, G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``G`` (read with few fields, then cut down) with the whole records of its nodes and
    relationships, read from the store at ``location`` by id (up to :data:`FEW` of them;
    more are read type by type, for their types only).

    Nodes and relationships the store does not hold (ties :func:`fold` or a view's
    summary made) keep what ``G`` gives them. A view of a thousand nodes of a million
    relationships reads the names and dates of all, and whole records of its own types.
    """
    node_types = {str(d.get("type")) for _n, d in G.nodes(data=True)}
    rels = {str(d["id"]): str(d.get("type")) for _u, _v, d in G.edges(data=True) if d.get("id") is not None}
    node_fields, rel_fields = every_field()
    few = len(G) + len(rels) <= FEW  # by id; more are read faster type by type
    full = read_store(location, node_types=node_types, rel_types=set(rels.values()),
                      node_fields=node_fields, rel_fields=rel_fields,
                      node_ids=list(G.nodes) if few else None, rel_ids=list(rels) if few else None)
    out = nx.MultiDiGraph(name=G.graph.get("name", "relgraph"))
    out.add_nodes_from((n, full.nodes[n] if n in full else d) for n, d in G.nodes(data=True))
    out.add_edges_from((u, v, k, full.edges[u, v, k] if full.has_edge(u, v, k) else d)
                       for u, v, k, d in G.edges(keys=True, data=True))
    return out


def read_among(location: str | None, filters: Filters, nodes: Iterable[Any]) -> nx.MultiDiGraph:
    """``nodes`` and the relationships among them that ``filters`` keep, with whole records:
    ``fill(location, select(read_for(location, filters), filters).subgraph(nodes))`` for a
    few nodes, each kept by the filters, found by their relationships in the store (the
    relationships of a path's nodes, without reading every relationship). Not for folded
    ties or the states' networks, which the store does not hold."""
    keep = set(nodes)
    with open_store(location, read_only=True) as st:
        rels = {key[0] for n in keep for key in st.neighbour_keys(n) if key[4] in keep}
        G = project(st, node_ids=keep, rel_ids=rels)
    return select(G, replace(filters, fold=False, states=()))


def load_graph(location: str | None = None, filters: Filters | None = None) -> nx.MultiDiGraph:
    """The store at ``location``, projected and filtered: the usual start of a notebook."""
    return select(read_store(location), filters)


# -- time -------------------------------------------------------------------

def span(props: Props, *, happening: bool = False) -> tuple[date | None, date | None]:
    """When a fact holds: from the later of ``date`` and ``validFrom`` to ``validTo``.

    None is an open end. A happening (a node of a type in the schema's
    ``analysis.happenings``, e.g. an Event) has no end: once it has happened it
    stays part of the network; its ``validTo`` only says when it was over.

    >>> span({"date": date(2024, 6, 19), "validFrom": date(2024, 12, 4)})
    (datetime.date(2024, 12, 4), None)
    >>> trip = {"date": date(2023, 9, 13), "validFrom": date(2023, 9, 12), "validTo": date(2023, 9, 17)}
    >>> span(trip), span(trip, happening=True)
    ((datetime.date(2023, 9, 13), datetime.date(2023, 9, 17)), (datetime.date(2023, 9, 13), None))
    >>> span({})
    (None, None)
    >>> span({"born": date(1984, 1, 1)}, happening=False)       # a person exists from birth
    (datetime.date(1984, 1, 1), None)
    """
    get = props.get  # a test per record of a million: no lists, no max() of them
    start = get("date")
    for d in (get("validFrom"), get("born")):
        if d is not None and (start is None or d > start):
            start = d
    end = None if happening else get("validTo")
    died = get("died")
    if died is not None and (end is None or died < end):
        end = died
    return start, end


def valid_on(props: Props, day: date, *, happening: bool = False) -> bool:
    """Whether a node or relationship was valid on ``day`` (see the module doc).

    >>> valid_on({"date": date(2023, 9, 13)}, date(2024, 6, 30))   # a past summit
    True
    >>> valid_on({"validFrom": date(2000, 5, 7), "validTo": date(2008, 5, 7)}, date(2010, 1, 1))
    False
    >>> valid_on({}, date(1900, 1, 1))                                # undated: always
    True
    """
    start, end = span(props, happening=happening)
    return (start is None or start <= day) and (end is None or day <= end)


def _period_end(day: date, precision: str | None) -> date:
    if precision == "year":
        return date(day.year, 12, 31)
    if precision == "month":
        return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return day


def _overlaps(start: date | None, end: date | None, lo: date | None, hi: date | None) -> bool:
    return (hi is None or start is None or start <= hi) and (lo is None or end is None or end >= lo)


def in_window(props: Props, lo: date | None, hi: date | None) -> bool:
    """Whether a fact happened or held between ``lo`` and ``hi`` (inclusive; None: open).

    >>> summit = {"date": date(2023, 9, 13), "datePrecision": "day"}
    >>> in_window(summit, date(2023, 1, 1), date(2023, 12, 31)), in_window(summit, date(2024, 1, 1), None)
    (True, False)
    >>> in_window({"date": date(2023, 9, 1), "datePrecision": "month"}, date(2023, 9, 20), None)
    True
    >>> in_window({"validFrom": date(2012, 5, 7)}, date(2020, 1, 1), date(2020, 12, 31))
    True
    >>> in_window({"born": date(1984, 1, 1)}, date(1970, 1, 1), date(1975, 12, 31))   # not yet born
    False
    """
    born, died = props.get("born"), props.get("died")
    if (born is not None or died is not None) and not _overlaps(born, died, lo, hi):
        return False
    d, vf, vt = props.get("date"), props.get("validFrom"), props.get("validTo")
    if d is None and vf is None and vt is None:
        return True
    if d is not None and _overlaps(d, _period_end(d, props.get("datePrecision")), lo, hi):
        return True
    return (vf is not None or vt is not None) and _overlaps(vf, vt, lo, hi)


# -- filters ----------------------------------------------------------------

def parse_day(text: str | date, *, end: bool = False) -> date:
    """A date from ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or ``today``: relgraph's one date
    grammar, the same as a stored query's ``date`` and ``enddate`` parameters. A partial date
    stands for its whole period: its first day, or its last day when ``end`` is true (an end
    such as ``--to``, or a point in time such as ``--as-of``).

    >>> parse_day("2024-06-30"), parse_day("2024", end=True), parse_day("2024-02")
    (datetime.date(2024, 6, 30), datetime.date(2024, 12, 31), datetime.date(2024, 2, 1))
    >>> parse_day("Today") == date.today()
    True
    """
    if isinstance(text, date):
        return text
    if isinstance(text, str) and text.strip().lower() == "today":
        return date.today()
    from relgraph.loaders.validate import parse_date

    try:
        return parse_date(text, end=end)[0]
    except Exception as e:  # the loader's own error type carries message and fix
        msg = getattr(e, "message", str(e))
        raise UsageError(f"{text!r}: {msg}; write YYYY-MM-DD, YYYY-MM, YYYY or today") from None


def _split(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else [p for v in value for p in v.split(",")]
    return tuple(p.strip() for p in items if p.strip())


@dataclass(frozen=True)
class Filters:
    """What to keep of the graph. Every field is optional; the default keeps
    everything except metadata nodes (Documents).

    ``types`` and ``statuses`` are lists of names: plain names keep only those,
    ``+Name`` adds to the default and ``-Name`` leaves out; ``all`` in ``types``
    keeps every type, metadata included. ``states`` are names, aliases or ids;
    the graph is cut to the union of their ego networks (``state_depth`` hops).
    """

    as_of: date | None = None
    start: date | None = None
    end: date | None = None
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    state_depth: int = 1
    fold: bool = False

    @classmethod
    def parse(cls, *, as_of: str | date | None = None, start: str | date | None = None,
              end: str | date | None = None, types: str | Iterable[str] | None = None,
              statuses: str | Iterable[str] | None = None, states: Iterable[str] = (),
              state_depth: int = 1, fold: bool = False) -> Filters:
        """Filters from command-line text: dates as YYYY-MM-DD (a partial ``as_of``
        or ``end`` means the period's last day), comma-separated lists.

        >>> Filters.parse(as_of="2024-06", types="Person,+Document").as_of
        datetime.date(2024, 6, 30)
        """
        f = cls(
            as_of=parse_day(as_of, end=True) if as_of else None,
            start=parse_day(start) if start else None,
            end=parse_day(end, end=True) if end else None,
            types=_split(types), statuses=_split(statuses), states=tuple(states),
            state_depth=state_depth, fold=fold,
        )
        if f.start and f.end and f.start > f.end:
            raise UsageError(f"--from {f.start} is after --to {f.end}")
        if f.state_depth < 1:
            raise UsageError("--state-depth must be 1 or more")
        return f

    def only(self, *fields: str) -> bool:
        """Whether these filters set nothing but ``fields`` (the others at their defaults).

        >>> Filters(types=("Person",), fold=True).only("types", "fold"), Filters(fold=True).only("types")
        (True, False)
        """
        return replace(self, **{f: getattr(_NO_FILTERS, f) for f in fields}) == _NO_FILTERS

    def describe(self) -> str:
        """The filters in words, for messages.

        >>> Filters(as_of=date(2024, 6, 30), fold=True).describe()
        '--as-of 2024-06-30 --fold'
        """
        bits = []
        for flag, value in (("--as-of", self.as_of), ("--from", self.start), ("--to", self.end)):
            if value:
                bits.append(f"{flag} {value.isoformat()}")
        if self.types:
            bits.append("--types " + ",".join(self.types))
        if self.statuses:
            bits.append("--status " + ",".join(self.statuses))
        bits += [f"--state {s!r}" for s in self.states]
        if self.states and self.state_depth != 1:
            bits.append(f"--state-depth {self.state_depth}")
        if self.fold:
            bits.append("--fold")
        return " ".join(bits) or "no filters"


_NO_FILTERS = Filters()


def _name_set(tokens: tuple[str, ...], lookup: Mapping[str, str], what: str,
              default: frozenset[str]) -> frozenset[str]:
    plain: set[str] = set()
    plus: set[str] = set()
    minus: set[str] = set()
    for token in tokens:
        sign, name = (token[0], token[1:]) if token[0] in "+-" else ("", token)
        key = lookup.get(name.casefold())
        if key is None:
            close = difflib.get_close_matches(name.casefold(), list(lookup), n=3, cutoff=0.6)
            hint = "; did you mean " + ", ".join(sorted({lookup[c] for c in close})) + "?" if close else ""
            raise UsageError(f"unknown {what} {name!r}{hint}")
        {"": plain, "+": plus, "-": minus}[sign].add(key)
    return frozenset(((plain or default) | plus) - minus)


def type_sets(tokens: Iterable[str], schema: Schema | None = None) -> tuple[frozenset[str], frozenset[str]]:
    """The node types and relationship types that ``--types`` tokens keep.

    >>> nodes, rels = type_sets(["Person", "Event", "-PARTICIPATED_IN"])
    >>> sorted(nodes), "PARTICIPATED_IN" in rels, "HOLDS" in rels
    (['Event', 'Person'], False, True)
    >>> "Document" in type_sets([])[0], "Document" in type_sets(["+Document"])[0]
    (False, True)
    """
    schema = schema or load_schema()
    tokens = tuple(tokens)
    all_nodes, all_rels = frozenset(schema.nodes), frozenset(schema.relationships)
    if any(t.casefold() == "all" for t in tokens):
        rest = tuple(t for t in tokens if t.casefold() != "all")
        node_default, rel_default = all_nodes, all_rels
    else:
        rest = tokens
        node_default, rel_default = all_nodes - analysis_config(schema).metadata, all_rels
    lookup: dict[str, tuple[str, str]] = {}
    for kind, types in (("node", schema.nodes.values()), ("rel", schema.relationships.values())):
        for t in types:
            for n in (t.name, *t.aliases):
                lookup.setdefault(n.casefold(), (kind, t.name))
    node_tokens = tuple(t for t in rest if lookup.get(t.lstrip("+-").casefold(), ("node",))[0] == "node")
    rel_tokens = tuple(t for t in rest if t not in node_tokens)
    nodes = _name_set(node_tokens, {k: v[1] for k, v in lookup.items()}, "type", node_default)
    rels = _name_set(rel_tokens, {k: v[1] for k, v in lookup.items() if v[0] == "rel"},
                     "relationship type", rel_default)
    return nodes, rels


def status_set(tokens: Iterable[str], schema: Schema | None = None) -> frozenset[str] | None:
    """The statuses that ``--status`` tokens keep (None: no status filter).

    >>> sorted(status_set(["-alleged", "-denied"]))
    ['confirmed', 'planned', 'reported']
    """
    tokens = tuple(tokens)
    if not tokens:
        return None
    schema = schema or load_schema()
    return _name_set(tokens, {s.casefold(): s for s in schema.statuses}, "status",
                     frozenset(schema.statuses))


def select(G: nx.MultiDiGraph, filters: Filters | None = None, *,
           schema: Schema | None = None, copy: bool = True, weights_only: bool = False) -> nx.MultiDiGraph:
    """A new graph with what ``filters`` keep (see :class:`Filters` and the module doc).

    Order: types and statuses, time, then folding, then the states' ego networks.
    ``copy=False`` returns ``G`` itself where the filters keep all of it (the analyses
    project a graph of their own and need not copy a million relationships);
    ``weights_only`` folds as :func:`fold` does for measures.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("person:a", type="Person", name="A", status="confirmed")
    >>> G.add_node("event:s", type="Event", name="Summit", status="confirmed", date=date(2023, 9, 13))
    >>> _ = G.add_edge("person:a", "event:s", key="r1", type="PARTICIPATED_IN", status="confirmed")
    >>> sorted(select(G, Filters(as_of=date(2023, 1, 1))))    # the summit had not happened
    ['person:a']
    >>> select(G, Filters(as_of=date(2024, 1, 1))).number_of_edges()
    1
    """
    f = filters or Filters()
    schema = schema or load_schema()  # once here, not in each call below
    node_ok, rel_ok = _tests(f, schema)
    if (not copy and f.statuses == () and f.as_of is None and not (f.start or f.end)
            and all(node_ok(d) for _, d in G.nodes(data=True))
            and all(rel_ok(d) for _, _, d in G.edges(data=True))):
        H = G
    else:
        H = nx.MultiDiGraph(**G.graph)
        H.add_nodes_from((n, d) for n, d in G.nodes(data=True) if node_ok(d))
        H.add_edges_from((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)
                         if u in H and v in H and rel_ok(d))
    return _shape(H, G, f, schema, weights_only)


def _tests(f: Filters, schema: Schema) -> tuple[Callable[[Props], bool], Callable[[Props], bool]]:
    """Whether ``f`` keeps a node, and a relationship, by its own properties (``type`` among
    them): types, statuses and time. A relationship also needs both its ends kept."""
    node_types, rel_types = type_sets(f.types, schema)
    statuses = status_set(f.statuses, schema)
    happenings = analysis_config(schema).happenings
    timed = f.as_of is not None or bool(f.start or f.end)

    def keep(props: Props, happening: bool = False) -> bool:
        if statuses is not None and props.get("status") not in statuses:
            return False
        if not timed:
            return True
        if f.as_of is not None and not valid_on(props, f.as_of, happening=happening):
            return False
        return not (f.start or f.end) or in_window(props, f.start, f.end)

    def node_ok(d: Props) -> bool:
        t = d.get("type")
        return t in node_types and keep(d, t in happenings)

    def rel_ok(d: Props) -> bool:
        return d.get("type") in rel_types and keep(d)

    return node_ok, rel_ok


def _shape(H: nx.MultiDiGraph, G: nx.MultiDiGraph, f: Filters, schema: Schema,
           weights_only: bool = False) -> nx.MultiDiGraph:
    """``H`` (what ``f`` keeps of ``G`` by types, statuses and time) folded and cut to the
    states' ego networks where ``f`` asks; ``G``'s nodes name the states."""
    if f.fold:
        H = fold(H, schema=schema, weights_only=weights_only)
    if f.states:
        node_types = type_sets(f.types, schema)[0]
        typed = G.subgraph(n for n, t in G.nodes(data="type") if t in node_types)
        centers = [resolve(typed, s) for s in f.states]
        missing = [c for c in centers if c not in H]
        if missing:
            raise UsageError(f"{', '.join(missing)} is not in the graph under these filters "
                             f"({f.describe()})")
        U = H.to_undirected(as_view=True)
        keep_nodes: set[Any] = set()
        for c in centers:
            keep_nodes.update(nx.single_source_shortest_path_length(U, c, cutoff=f.state_depth))
        H = induced(H, keep_nodes)  # H's order: a subgraph view's changes from run to run
    return H


def read_selected(location: str | None, filters: Sequence[Filters], *, full: bool = False,
                  dated: bool = False, weights_only: bool = False, differences: bool = False
                  ) -> tuple[nx.MultiDiGraph, list[nx.MultiDiGraph]]:
    """What each of ``filters`` keeps of the store, read once: ``select(read_for(location,
    filters[0], ...), f)`` for each ``f`` (they must keep the same types), without building
    the graph of every relationship first (at a million relationships a copy cost 4 s and
    a gigabyte). Also a graph of the nodes of the types kept, and no relationships, to
    resolve names against (:func:`resolve`), as ``read_for``'s graph does. ``weights_only``
    as in :func:`read_for`. ``differences``: each graph keeps only the relationships that
    not every filter keeps (all it needs to tell what changed between them, a fraction of
    them between two dates); the filters may not fold or cut to states' networks, which
    need every relationship."""
    schema = load_schema()
    first = filters[0]
    if any(f.types != first.types for f in filters):
        raise ValueError("read_selected: the filters must keep the same types")
    if differences and any(f.fold or f.states for f in filters):
        raise ValueError("read_selected: differences of folded graphs or states' networks")
    node_types, rel_types = type_sets(first.types, schema)
    folding = any(f.fold for f in filters) and not weights_only
    rel_fields = _rel_fields(filters, full=full or folding, dated=dated)
    tests = [_tests(f, schema) for f in filters]
    names = nx.MultiDiGraph(name="relgraph")
    with open_store(location, read_only=True) as st:
        names.add_nodes_from((node_id, {**props, "type": node_type})
                             for node_id, node_type, props in st.iter_nodes(node_types, NODE_FIELDS))
        graphs = []
        for node_ok, _ in tests:
            H = nx.MultiDiGraph(name="relgraph")
            H.add_nodes_from((n, d) for n, d in names.nodes(data=True) if node_ok(d))
            graphs.append(H)
        pairs = [(set(H), rel_ok) for H, (_, rel_ok) in zip(graphs, tests, strict=True)]
        kept: list[list[tuple[str, str, str, dict[str, Any]]]] = [[] for _ in graphs]
        for rel_id, rel_type, a, b, props in st.iter_relationships(rel_types, rel_fields):
            d = {**props, "type": rel_type}
            if differences and all(a in have and b in have and rel_ok(d) for have, rel_ok in pairs):
                continue
            taken = False
            for (have, rel_ok), out in zip(pairs, kept, strict=True):
                if a in have and b in have and rel_ok(d):
                    out.append((a, b, rel_id, dict(d) if taken else d))  # a dict of its own each
                    taken = True
    for H, edges in zip(graphs, kept, strict=True):
        add_edges(H, edges)
    return names, [_shape(H, names, f, schema, weights_only) for H, f in zip(graphs, filters, strict=True)]


# -- folding and the undirected view -------------------------------------------

def _status_rank(schema: Schema) -> dict[str, int]:
    return {s: i for i, s in enumerate(schema.statuses)}


def fold(G: nx.MultiDiGraph, types: Iterable[str] | None = None, *,
         schema: Schema | None = None, weights_only: bool = False) -> nx.MultiDiGraph:
    """Replace each multi-party node (Treaty, Event, Project by default) with ties
    between the nodes it links, one tie per pair and node type.

    A tie is typed ``SHARED_<TYPE>`` (e.g. ``SHARED_EVENT``); its ``weight`` is
    the number of shared facts, ``via`` their ids, ``sources`` the citations of
    the links to them, ``status`` the best status over the shared facts (each
    counted at the weakest of its own status and the two links'), and
    ``validFrom``/``validTo`` the span of the shared facts. Relationships between
    two multi-party nodes (an event ABOUT a project) disappear with them.

    ``weights_only``: each tie has only its ``type``, ``weight`` and ``id``, all that the
    measures read; the same ties in the same order, without reading what the others
    need (at a million relationships 6 s and 1 GB less).

    >>> G = nx.MultiDiGraph()
    >>> for n, t in [("person:a", "Person"), ("person:b", "Person"), ("event:1", "Event"),
    ...              ("event:2", "Event")]:
    ...     G.add_node(n, type=t, name=n, status="confirmed")
    >>> for p in ("person:a", "person:b"):
    ...     for e in ("event:1", "event:2"):
    ...         _ = G.add_edge(p, e, key=f"{p}-{e}", type="PARTICIPATED_IN", status="confirmed",
    ...                        sources=[f"doc:x | {e}"])
    >>> F = fold(G)
    >>> sorted(F), [(u, v, d["type"], d["weight"]) for u, v, d in F.edges(data=True)]
    (['person:a', 'person:b'], [('person:a', 'person:b', 'SHARED_EVENT', 2)])
    >>> list(fold(G, weights_only=True).edges(data=True))
    [('person:a', 'person:b', {'type': 'SHARED_EVENT', 'weight': 2, 'id': 'SHARED_EVENT:person:a--person:b'})]
    """
    schema = schema or load_schema()
    cfg = analysis_config(schema)
    multi = frozenset(types) if types is not None else cfg.multi_party
    rank = _status_rank(schema)
    worst = len(rank)

    H = nx.MultiDiGraph(**G.graph)
    H.add_nodes_from((n, d) for n, d in G.nodes(data=True) if d.get("type") not in multi)
    kept = H._node
    add_edges(H, ((u, v, k, dict(d)) for u, nbrs in G.adjacency() if u in kept
                  for v, by_key in nbrs.items() if v in kept for k, d in by_key.items()))
    # G's adjacency read directly (networkx's edge views cost more than the folding), and
    # each node's links to a fact summed up once per fact, not once per pair it is in.
    succ, pred = G._succ, G._pred
    if weights_only:
        add_edges(H, _fold_weights(G, kept))
        return H
    ties: dict[tuple[Any, Any, str], dict[str, Any]] = {}
    for m in sorted((n for n in G if n not in kept), key=str):
        md = G.nodes[m]
        links: dict[Any, list[Props]] = {}
        for around in (pred[m], succ[m]):  # in-links first, as G.in_edges then G.out_edges
            for other, by_key in around.items():
                if other in kept:
                    links.setdefault(other, []).extend(by_key.values())
        if len(links) < 2:
            continue
        m_start, m_end = span(md, happening=md.get("type") in cfg.happenings)
        mtype = str(md.get("type", "fact"))
        name = md.get("name", str(m))
        m_rank = rank.get(md.get("status"), worst)
        # Per linked node: the weakest of the fact's status and its best link's, and the
        # citations of its links (an ordered set).
        each = {x: (max(m_rank, min(rank.get(d.get("status"), worst) for d in ds)),
                    dict.fromkeys(s for d in ds for s in d.get("sources") or ()))
                for x, ds in links.items()}
        for a, b in combinations(sorted(links, key=str), 2):
            tie = ties.get((a, b, mtype))
            if tie is None:
                tie = ties[a, b, mtype] = {
                    "type": f"SHARED_{mtype.upper()}", "weight": 0, "via": [], "viaNames": [],
                    "sources": {}, "_rank": worst, "_starts": [], "_ends": [],
                }
            (rank_a, sources_a), (rank_b, sources_b) = each[a], each[b]
            tie["weight"] += 1
            tie["via"].append(m)
            tie["viaNames"].append(name)
            tie["sources"].update(sources_a)
            tie["sources"].update(sources_b)
            tie["_rank"] = min(tie["_rank"], max(rank_a, rank_b))
            tie["_starts"].append(m_start)
            tie["_ends"].append(m_end)
    statuses = list(schema.statuses)
    docs: dict[str, str] = {}  # citation -> its document: the same citations recur over many ties

    def doc_of(citation: str) -> str:
        doc = docs.get(citation)
        if doc is None:
            doc = docs[citation] = Citation.parse(citation).doc
        return doc

    folded = []
    for (a, b, _mtype), tie in ties.items():
        starts, ends = tie.pop("_starts"), tie.pop("_ends")
        r = tie.pop("_rank")
        tie["sources"] = list(tie["sources"])
        key = f"{tie['type']}:{a}--{b}"
        tie.update(id=key, status=statuses[r] if r < len(statuses) else None,
                   validFrom=None if None in starts else min(starts),
                   validTo=None if None in ends else max(ends),
                   sourceDocs=sorted({doc_of(s) for s in tie["sources"]}))
        folded.append((a, b, key, {k: v for k, v in tie.items() if v is not None}))
    add_edges(H, folded)
    return H


def _fold_weights(G: nx.MultiDiGraph, kept: Mapping[Any, Any]) -> list[tuple[Any, Any, str, Props]]:
    """The ties :func:`fold` makes, each with its type, weight and id only."""
    succ, pred = G._succ, G._pred
    links = {m: {x for x in chain(pred[m], succ[m]) if x in kept} for m in G if m not in kept}
    ties = []
    for (a, b, mtype), weight in _shared(links, G._node).items():
        kind = f"SHARED_{mtype.upper()}"
        key = f"{kind}:{a}--{b}"
        ties.append((a, b, key, {"type": kind, "weight": weight, "id": key}))
    return ties


def _shared(links: Mapping[Any, Collection[Any]], data: Mapping[Any, Props]
            ) -> dict[tuple[Any, Any, str], int]:
    """How many facts of each type each pair of nodes shares, from each fact's ``links`` (the
    nodes it links) and node ``data``: keyed (a, b, type), in fold's order (facts by id,
    then pairs by id)."""
    count: dict[tuple[Any, Any, str], int] = {}
    for m in sorted(links, key=str):
        if len(links[m]) < 2:
            continue
        mtype = str(data[m].get("type", "fact"))
        for a, b in combinations(sorted(links[m], key=str), 2):
            count[a, b, mtype] = count.get((a, b, mtype), 0) + 1
    return count


SIMPLE = "relgraph.simple"  # marks a graph that simple() made


def simple(G: nx.Graph) -> nx.Graph:
    """The undirected simple view: one edge per pair of nodes, self-loops left out.

    Each edge has ``weight`` (the number of relationships between the two, or the
    sum of their weights when folded), ``distance`` (1 / weight, for weighted
    shortest paths) and ``relationships`` ((source, target, key) of each). A graph
    that ``simple`` made (marked in its ``graph`` attributes) is returned as it is, so
    the measures can take either without building the view twice.

    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("a", "b", key="r1"); _ = G.add_edge("b", "a", key="r2")
    >>> U = simple(G)
    >>> U.number_of_edges(), U["a"]["b"]["weight"], simple(U) is U
    (1, 2, True)
    """
    if G.graph.get(SIMPLE) and not G.is_directed() and not G.is_multigraph():
        return G
    U = nx.Graph(**G.graph)
    U.graph[SIMPLE] = True
    U.graph[RELATIONSHIPS] = G.number_of_edges()
    U.add_nodes_from(G.nodes(data=True))
    if G.is_directed() and G.is_multigraph():
        _simple_from_multidigraph(G, U)
        return U
    edges = G.edges(keys=True, data=True) if G.is_multigraph() else (
        (u, v, None, d) for u, v, d in G.edges(data=True))
    for u, v, k, d in edges:
        if u == v:
            continue
        w = d.get("weight", 1)
        if U.has_edge(u, v):
            e = U[u][v]
            e["weight"] += w
            e["relationships"].append((u, v, k))
        else:
            U.add_edge(u, v, weight=w, relationships=[(u, v, k)])
    for _u, _v, d in U.edges(data=True):
        d["distance"] = 1 / d["weight"] if d["weight"] else float("inf")
    return U


def relationships(G: nx.Graph) -> int:
    """How many relationships ``G`` holds; of a simple view, how many it was made of.

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "a"), ("a", "a")])
    >>> relationships(G), relationships(simple(G)), simple(G).number_of_edges()
    (3, 3, 1)
    """
    if G.graph.get(SIMPLE) and RELATIONSHIPS in G.graph:
        return int(G.graph[RELATIONSHIPS])
    return G.number_of_edges()


def _simple_from_multidigraph(G: nx.MultiDiGraph, U: nx.Graph) -> None:
    """:func:`simple` for the projection's kind of graph, a pair of nodes at a time.

    The same graph as adding edge by edge (each node's neighbours in the same order), in
    a third of the time at a million relationships: the edges' dicts are set directly in
    ``U``'s adjacency, as networkx's own builders do, where ``add_edge`` cost 3 µs each.
    """
    adj = U._adj
    inf = float("inf")
    made = []
    for u, nbrs in G.adjacency():
        around = adj[u]
        for v, by_key in nbrs.items():
            if u == v:
                continue
            if len(by_key) == 1:  # most pairs
                ((k, d),) = by_key.items()
                w, rels = d.get("weight", 1), [(u, v, k)]
            else:
                w, rels = sum(d.get("weight", 1) for d in by_key.values()), [(u, v, k) for k in by_key]
            e = around.get(v)
            if e is None:
                e = around[v] = adj[v][u] = {"weight": w, "relationships": rels}
                made.append(e)
            else:
                e["weight"] += w
                e["relationships"] += rels
    for e in made:
        e["distance"] = 1 / e["weight"] if e["weight"] else inf


TIES = "relgraph.ties"  # read_simple's ties as arrays, kept in the graph's cache (see read_simple)
RELATIONSHIPS = "relgraph.relationships"  # how many relationships a simple view was made of


def read_simple(location: str | None, filters: Filters | None = None) -> nx.Graph:
    """``simple(select(read_for(location, filters), filters))``, for filters that cut no states'
    networks, read from the store's relationship ends with no MultiDiGraph between: the same
    nodes (with the same properties), ties, weights and distances, each node's neighbours in
    the same order (so that sampled sources, Louvain's visits and every sum go as there),
    only no tie lists its ``relationships`` (no measure reads them). At a million
    relationships: 4.5 s instead of 8.4 s (benchmarks/README.md). Folding counts the facts
    each pair shares as :func:`fold` does for measures; statuses and dates are tested once
    per different set of values a relationship type's rows hold.

    The ties are also kept as arrays in networkx's cache of the graph (``__networkx_cache__``,
    which networkx empties when the graph changes), as ``measures`` reads them: each tie
    both ways, node by node in adjacency order, with its weight. The graph's
    ``RELATIONSHIPS`` attribute is the number of relationships it was made of, as
    :func:`simple` records it.
    """
    return read_simples(location, [filters or Filters()])[1][0]


def read_simples(location: str | None, filters: Sequence[Filters]) -> tuple[nx.Graph, list[nx.Graph]]:
    """:func:`read_simple` for each of ``filters`` (they must keep the same types), read once,
    and a graph of the nodes of the types kept and no ties, to resolve names against (as
    :func:`read_selected` gives it)."""
    schema = load_schema()
    first = filters[0]
    if any(f.types != first.types for f in filters):
        raise ValueError("read_simples: the filters must keep the same types")
    cut = [f for f in filters if f.states]
    if cut:
        raise ValueError(f"read_simple takes no states' networks ({cut[0].describe()}): for those, "
                         "simple(select(read_for(location, filters), filters))")
    node_types, rel_types = type_sets(first.types, schema)
    fields = _rel_fields(filters)
    with open_store(location, read_only=True) as st:
        data = _node_records(st, node_types, NODE_FIELDS)
        ends = list(st.relationship_ends(rel_types, fields))
    names = nx.Graph(name="relgraph")
    names._node.update(data)
    graphs = []
    for i, f in enumerate(filters):
        node_ok, rel_ok = _tests(f, schema)
        kept = {v: d if i == 0 else dict(d) for v, d in data.items() if node_ok(d)}
        tested = bool(f.statuses or f.as_of or f.start or f.end)
        selected = [list(map(_ENDS, _kept_rows(t, rows, kept, fields if tested else (), rel_ok)))
                    for t, rows in ends]
        if i == len(filters) - 1:
            del ends  # the rows as read: their ids and lists were 200 MB of the peak at 1M
        graphs.append(_simple_view(kept, selected, f.fold, schema))
    return names, graphs


def induced(G: nx.MultiDiGraph, nodes: Iterable[Any]) -> nx.MultiDiGraph:
    """The subgraph of ``G`` on ``nodes``, a graph of its own in ``G``'s order: nodes, each
    node's successors and their keys as ``G`` lists them. (networkx's ``subgraph`` view lists
    a small subgraph's nodes and neighbours in the order of a set of them, which changes from
    one run to the next.) The relationships' dicts are ``G``'s.

    >>> G = nx.MultiDiGraph([("c", "a"), ("a", "b"), ("b", "c"), ("a", "c")])
    >>> list(induced(G, {"c", "a"}).edges)
    [('c', 'a', 0), ('a', 'c', 0)]
    """
    keep = set(nodes)
    H = nx.MultiDiGraph(**G.graph)
    H.add_nodes_from((v, d) for v, d in G.nodes(data=True) if v in keep)
    add_edges(H, [(u, v, k, d) for u in H for v, keys in G._succ[u].items() if v in keep
                  for k, d in keys.items()])
    return H


def read_busiest(location: str | None, filters: Filters, n: int, *, more_than: int
                 ) -> tuple[int, nx.MultiDiGraph] | None:
    """Where ``filters`` keep more than ``more_than`` nodes: how many, and the ``n`` of them
    with the most relationships (ties broken by id) with the relationships among them,
    read from the store's relationship ends (what a view's summary draws, at a million
    relationships in half the time): ``induced(H, busiest)`` of ``H = select(read_for(
    location, filters, status=True), filters)``, the same nodes and relationships, with the
    same properties, in the same order (as :func:`induced` takes it). None where they keep
    fewer, or fold or cut states' networks (those need the whole graph)."""
    import heapq

    read = _read_kept(location, filters, enough=lambda kept: len(kept) > more_than)
    if read is None:
        return None
    _data, kept, fields, every, rels = read
    degree = dict.fromkeys(kept, 0)
    for a, b in chain.from_iterable(map(_ENDS, rows) for _t, rows in rels):
        degree[a] += 1
        degree[b] += 1
    busiest = {v for v, _d in heapq.nsmallest(n, degree.items(), key=lambda vd: (-vd[1], str(vd[0])))}
    return len(kept), _among(kept, fields, every, rels, busiest)


AROUND = 100_000  # relationships read ring by ring before read_around reads them all


def read_around(location: str | None, filters: Filters, node: str, depth: int
                ) -> tuple[Any, dict[str, Any], nx.MultiDiGraph] | None:
    """The node called ``node`` (of the types ``filters`` keep), its record (to name it), and
    its neighbourhood within ``depth`` hops (either way) under ``filters``: ``induced(H,
    neighbourhood)`` of ``H = select(read_for(location, filters, status=True), filters)``, the
    same nodes and relationships, with the same properties, in the same order (no nodes where
    the filters leave the node out). None where they fold or cut states' networks.

    Read ring by ring, the relationships of each ring's nodes (a person's few relationships
    out of a million: a fraction of a second), until :data:`AROUND` of them are read; a
    neighbourhood bigger than that is read from every relationship's ends, as
    :func:`read_busiest` reads them."""
    if filters.fold or filters.states:
        return None
    schema = load_schema()
    node_types, rel_types = type_sets(filters.types, schema)
    node_ok, rel_ok = _tests(filters, schema)
    fields = _rel_fields([filters], status=True)
    with open_store(location, read_only=True) as st:
        if ":" in node and (found := _node_records(st, node_types, NODE_FIELDS, [node])):
            center = node  # an id: no other node's name is read
        else:
            from relgraph.api import resolve_in

            order = {t: i for i, t in enumerate(schema.nodes)}
            names = sorted((row for row in st.node_names() if row[1] in node_types),
                           key=lambda row: (order[row[1]], row[0]))  # as read_for lists them
            center = resolve_in([(i, t, name if name is not None else i, aliases)
                                 for i, t, name, aliases in names], node)
            found = _node_records(st, node_types, NODE_FIELDS, [center])
        if not node_ok(found[center]):
            return center, found[center], nx.MultiDiGraph(name="relgraph")
        walked = _walk(st, center, found[center], depth, (node_types, rel_types), fields, node_ok, rel_ok)
    if walked is not None:
        kept, seen, every = walked
        rels = [(t, _kept_rows(t, rows, kept, fields, rel_ok)) for t, rows in every]
        return center, found[center], _among(kept, fields, every, rels, seen)
    read = _read_kept(location, filters)
    assert read is not None  # neither folding nor states, as above
    _data, kept, fields, every, rels = read
    seen, ring = {center}, {center}
    for _ in range(depth):  # ring by ring, each a pass over the relationships kept
        outer = _next_ring(chain.from_iterable(map(_ENDS, rows) for _t, rows in rels), ring, seen)
        if not outer:
            break
        seen |= outer
        ring = outer
    return center, found[center], _among(kept, fields, every, rels, seen)


def _next_ring(pairs: Iterable[tuple[Any, Any]], ring: Collection[Any], seen: Collection[Any]) -> set[Any]:
    """The nodes one hop out of ``ring`` by the relationships ``pairs`` (source, target), either
    way, that are not ``seen``.

    >>> sorted(_next_ring([("a", "b"), ("c", "a"), ("b", "d")], {"a"}, {"a"}))
    ['b', 'c']
    """
    outer = set()
    for a, b in pairs:
        if a in ring:
            if b not in seen:
                outer.add(b)
        elif b in ring and a not in seen:
            outer.add(a)
    return outer


def _walk(st: Store, center: str, record: dict[str, Any], depth: int,
          types: tuple[Collection[str], Collection[str]], fields: Sequence[str],
          node_ok: Callable[[Props], bool], rel_ok: Callable[[Props], bool]
          ) -> tuple[dict[str, Any], set[str], _TypedRows] | None:
    """For :func:`read_around`: the neighbourhood of ``center`` (kept, its ``record`` given)
    read ring by ring from the store, as :func:`_among` takes it: its nodes with their
    records, in the store's order, the nodes, and per relationship type (of ``types``' second,
    nodes being of its first) the rows of the relationships among them, kept or not, in the
    store's order. None where more than :data:`AROUND` relationships would be read (the
    store counts each ring's before reading them)."""
    node_types, rel_types = types
    rows: dict[tuple[str, Any], tuple[str, Sequence[Any]]] = {}  # (type, id): (type, row)
    verdicts = {t: _Verdicts(t, fields, rel_ok) for t in rel_types}
    records, asked, kept = {center: record}, {center}, {center}  # asked: records read, of any type
    seen, ring = {center}, {center}
    for hop in range(depth + 1):
        # A ring between the first and the last holds hubs, whose relationships outnumber its own
        # tens of times in the next ring (at a million, around a person: 703, 44,927, 987,875):
        # past a tenth of AROUND, read them all now rather than a ring that is then wasted. The
        # first ring is one node, whose relationships say little of the next ring's (the
        # busiest person's 11,106 lead to 11,100 events with 54,265).
        if len(rows) + st.relationship_count_at(ring, rel_types) * (10 if 0 < hop < depth else 1) > AROUND:
            return None
        # The last ring's relationships among the neighbourhood only: the others lead out of it.
        read = list(st.relationship_ends_at(ring, rel_types, ("id", *fields), seen if hop == depth else None))
        rows.update(((t, row[2]), (t, row)) for t, typed in read for row in typed)
        if hop == depth:
            break
        new = {x for _t, typed in read for row in typed for x in _ENDS(row)} - asked
        if new:
            asked |= new
            found = _node_records(st, node_types, NODE_FIELDS, new)  # none of the types left out
            records.update(found)
            kept.update(x for x, d in found.items() if node_ok(d))
        outer = _next_ring(((row[0], row[1]) for t, typed in read for row in typed
                            if row[0] in kept and row[1] in kept and verdicts[t][tuple(row[3:])]), ring, seen)
        if not outer:
            break
        seen |= outer
        ring = outer
    node_order = {t: i for i, t in enumerate(st.schema.nodes)}
    rel_order = {t: i for i, t in enumerate(st.schema.relationships)}
    nodes = {v: records[v] for v in sorted(seen, key=lambda v: (node_order[records[v]["type"]], v))}
    among: dict[str, list[Sequence[Any]]] = {}
    for (t, _id), (_t, row) in sorted(rows.items(), key=lambda kv: (rel_order[kv[0][0]], kv[0][1])):
        if row[0] in seen and row[1] in seen:
            among.setdefault(t, []).append(row)
    return nodes, seen, list(among.items())


_TypedRows = list[tuple[str, list[Sequence[Any]]]]  # per relationship type, its rows


def _read_kept(location: str | None, filters: Filters, *,
               enough: Callable[[dict[str, Any]], bool] | None = None
               ) -> tuple[dict[str, Any], dict[str, Any], tuple[str, ...], _TypedRows, _TypedRows] | None:
    """For :func:`read_busiest` and :func:`read_around`: the nodes of the types ``filters``
    keep (ids to properties), those the filters keep, the relationships' properties read
    (status and what the filters test), and per relationship type the rows (source, target,
    id, those properties) of every relationship of the types kept, and of those kept. None
    where the filters fold or cut states' networks, or ``enough`` says of the nodes kept
    that they are not enough."""
    if filters.fold or filters.states:
        return None
    schema = load_schema()
    node_types, rel_types = type_sets(filters.types, schema)
    node_ok, rel_ok = _tests(filters, schema)
    fields = _rel_fields([filters], status=True)
    with open_store(location, read_only=True) as st:
        data = _node_records(st, node_types, NODE_FIELDS)
        kept = {v: d for v, d in data.items() if node_ok(d)}
        if enough is not None and not enough(kept):
            return None
        ends = list(st.relationship_ends(rel_types, ("id", *fields)))
    rels = [(t, _kept_rows(t, rows, kept, fields, rel_ok)) for t, rows in ends]
    return data, kept, fields, ends, rels


def _among(kept: dict[str, Any], fields: Sequence[str], every: _TypedRows, rels: _TypedRows,
           nodes: Collection[Any]) -> nx.MultiDiGraph:
    """``induced(select(read_for(...)), nodes)`` of ``nodes`` of ``kept`` and the relationships
    ``rels`` kept among them, from the rows :func:`_read_kept` gives: the same nodes,
    relationships and properties in the same order. networkx lists a node's successors in
    the order of their first relationships added, and ``read_for`` adds ``every``
    relationship, kept or not, so that order comes from ``every``; :func:`induced` then adds
    them node by node."""
    first: dict[tuple[Any, Any], int] = {}
    for i, pair in enumerate(chain.from_iterable(map(_ENDS, rows) for _t, rows in every)):
        if pair[0] in nodes and pair[1] in nodes and pair not in first:
            first[pair] = i
    position = {v: i for i, v in enumerate(kept) if v in nodes}
    chosen = [(a, b, row[2], t, row[3:]) for t, rows in rels for row in rows
              if (a := row[0]) in nodes and (b := row[1]) in nodes]
    chosen.sort(key=lambda e: (position[e[0]], first[e[0], e[1]]))  # stable: in the order read
    H = nx.MultiDiGraph(name="relgraph")
    H.add_nodes_from((v, kept[v]) for v in position)
    add_edges(H, ((a, b, rel_id, {**{f: x for f, x in zip(fields, values, strict=True) if x is not None},
                                  "id": rel_id, "type": t})
                  for a, b, rel_id, t, values in chosen))
    return H


def _kept_rows(rel_type: str, rows: Sequence[Sequence[Any]], kept: Collection[Any], fields: Sequence[str],
               rel_ok: Callable[[Props], bool]) -> list[Sequence[Any]]:
    """The ``rows`` of :meth:`Store.relationship_ends` (of ``rel_type``) whose ends are
    ``kept`` and, where ``fields`` are given (the names of the rows' last values), that
    ``rel_ok`` keeps."""
    if not fields:
        return [row for row in rows if row[0] in kept and row[1] in kept]
    verdicts, n = _Verdicts(rel_type, fields, rel_ok), len(fields)
    return [row for row in rows if row[0] in kept and row[1] in kept and verdicts[tuple(row[-n:])]]


_ENDS = itemgetter(0, 1)  # a row's (source, target)


class _Verdicts(dict[tuple[Any, ...], bool]):
    """Whether ``rel_ok`` keeps a relationship of ``rel_type`` whose ``fields`` hold the values
    it is indexed by, asked once per different values (a million relationships' dates repeat)."""

    def __init__(self, rel_type: str, fields: Sequence[str], rel_ok: Callable[[Props], bool]) -> None:
        super().__init__()
        self.rel_type, self.fields, self.rel_ok = rel_type, fields, rel_ok

    def __missing__(self, values: tuple[Any, ...]) -> bool:
        props = dict(zip(self.fields, values, strict=True))
        ok = self[values] = self.rel_ok({**props, "type": self.rel_type})
        return ok


def _simple_view(data: dict[str, Any], ends: list[list[tuple[Any, Any]]], folding: bool,
                 schema: Schema) -> nx.Graph:
    """The simple view of the nodes ``data`` (ids to properties, in the projection's order;
    the graph's own) and the relationships ``ends`` (per type, in the projection's order;
    emptied once read, so that the ids go as soon as they are numbered)."""
    import numpy as np

    U = nx.Graph(name="relgraph")
    U.graph[SIMPLE] = True
    U._node.update(data)
    given, folded = ends, []
    if folding:
        ends, folded = _fold_ends(U._node, ends, analysis_config(schema).multi_party)
    # the relationships (weight 1 each), then the folded ties with their weights, as fold adds them
    edges = [*chain.from_iterable(ends), *((a, b) for a, b, _w in folded)]
    U.graph[RELATIONSHIPS] = len(edges)
    weights = np.array([1] * (len(edges) - len(folded)) + [w for _a, _b, w in folded], dtype=np.int64)
    given.clear()
    del ends, folded
    nodes = list(U._node)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    pairs = np.fromiter(map(index.__getitem__, chain.from_iterable(edges)), dtype=np.int64,
                        count=2 * len(edges)).reshape(-1, 2)
    del edges
    source, target, pair, weight = _simple_ties(n, pairs[:, 0], pairs[:, 1], weights)
    ties = [{"weight": w, "distance": 1 / w} for w in weight.tolist()]
    named = [nodes[j] for j in target.tolist()]
    tied = [ties[q] for q in pair.tolist()]
    adj = U._adj
    neighbours = zip(named, tied, strict=True)
    for v, count in zip(nodes, np.bincount(source, minlength=n).tolist(), strict=True):
        adj[v] = dict(islice(neighbours, count))
    U.__networkx_cache__[TIES] = (source.astype(np.intp), target.astype(np.intp),
                                  weight[pair].astype(float))
    return U


def _fold_ends(data: dict[str, Any], ends: list[list[tuple[str, str]]], multi: Collection[str]
               ) -> tuple[list[list[tuple[str, str]]], list[tuple[str, str, int]]]:
    """:func:`fold` (``weights_only``) on relationship ends: the multi-party nodes taken out
    of ``data``, the relationships between the nodes left, and the ties between those
    linked to the same facts as (a, b, number of facts shared of a type), in fold's order."""
    facts = {v for v, d in data.items() if d.get("type") in multi}
    if not facts:
        return ends, []
    links: dict[str, set[str]] = {m: set() for m in facts}
    for rows in ends:
        for a, b in rows:
            if a in facts:
                if b not in facts:
                    links[a].add(b)
            elif b in facts:
                links[b].add(a)
    count = _shared(links, data)
    for m in facts:
        del data[m]
    kept = [[(a, b) for a, b in rows if a not in facts and b not in facts] for rows in ends]
    return kept, [(a, b, w) for (a, b, _t), w in count.items()]


def _simple_ties(n: int, a: Any, b: Any, w: Any = None) -> tuple[Any, Any, Any, Any]:
    """The simple view's ties of the relationships ``a[i] -> b[i]`` (node indices, in the
    projection's order; ``w[i]`` the weight of each, else 1) between ``n`` nodes, as
    :func:`simple` makes them: each tie both ways, node by node, each node's neighbours in
    the order ``simple`` meets them (by the node at the tie's first-met end, then that
    node's successors in the order their first relationship came); with, for each, the
    number of its tie, and the ties' weights (summed over the relationships between the
    two, either way; self-loops left out).

    >>> import numpy as np
    >>> s, t, p, w = _simple_ties(3, np.array([2, 0, 2, 1, 1]), np.array([0, 1, 1, 0, 1]))
    >>> s.tolist(), t.tolist(), p.tolist(), w.tolist()
    ([0, 0, 1, 1, 2, 2], [1, 2, 0, 2, 0, 1], [0, 1, 0, 2, 1, 2], [2, 1, 1])
    """
    import numpy as np

    loop = a == b
    a, b = a[~loop], b[~loop]
    directed, first, inverse = np.unique(a * n + b, return_index=True, return_inverse=True)
    count = np.bincount(inverse.ravel(), weights=None if w is None else w[~loop], minlength=len(directed))
    u, v = directed // n, directed % n
    met = np.empty(len(directed), dtype=np.int64)  # when simple's walk meets each (u, v)
    span = len(a) + 1  # one sort by a single key: lexsort's two passes cost twice as much
    met[np.argsort(u * span + first, kind="stable")] = np.arange(len(directed))
    undirected, tie = np.unique(np.minimum(u, v) * n + np.maximum(u, v), return_inverse=True)
    k = len(undirected)
    when = np.full(k, len(directed), dtype=np.int64)
    np.minimum.at(when, tie, met)
    weight = np.bincount(tie, weights=count, minlength=k).astype(np.int64)
    lo, hi = undirected // n, undirected % n
    x, y = np.concatenate([lo, hi]), np.concatenate([hi, lo])
    number = np.concatenate([np.arange(k), np.arange(k)])
    order = np.argsort(x * (len(directed) + 1) + np.concatenate([when, when]), kind="stable")
    return x[order], y[order], number[order], weight


def resolve(G: nx.Graph, name: str) -> Any:
    """The node of ``G`` called ``name`` (an id, a name or any alias), as
    :func:`relgraph.api.resolve` finds it in a store.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("state:PRK", type="State", name="Democratic People's Republic of Korea",
    ...            aliases=["North Korea", "DPRK"])
    >>> resolve(G, "north korea")
    'state:PRK'
    """
    from relgraph.api import resolve_in

    return resolve_in([(n, d.get("type", ""), d.get("name", str(n)), d.get("aliases") or [])
                       for n, d in G.nodes(data=True)], name)


def label(G: nx.Graph, node: Any) -> str:
    """A node's name, else its id."""
    return str(G.nodes[node].get("name", node))
