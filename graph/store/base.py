"""The store interface: what relgraph needs from a graph database.

Two implementations: the embedded LadybugDB store (default) and Neo4j.
Everything above this interface (loaders, queries, analytics, views) is the
same for both.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from relgraph.model import Dataset
from relgraph.schema import Schema

Progress = Callable[[int], None]


@dataclass
class WriteResult:
    """What a load changed."""

    nodes_added: int = 0
    nodes_updated: int = 0
    nodes_removed: int = 0
    relationships_written: int = 0
    relationships_removed: int = 0
    counts: dict[str, int] = field(default_factory=dict)


NeighbourKey = tuple[str, str, bool, Any, str, str, str]


@dataclass
class Neighbour:
    """One relationship of a node, seen from that node."""

    rel_type: str
    outgoing: bool
    props: dict[str, Any]
    other_id: str
    other_type: str
    other_name: str


def _in_order(types: Collection[str], found: dict[tuple[str, str], tuple[Any, ...]]
              ) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """Rows found by (type, relationship id) as :meth:`Store.relationship_ends` gives them:
    type by type in ``types``' order, by id within a type."""
    by_type: dict[str, list[tuple[str, tuple[Any, ...]]]] = {}
    for (rel_type, rel_id), row in found.items():
        by_type.setdefault(rel_type, []).append((rel_id, row))
    for rel_type in types:
        if rel_type in by_type:
            yield rel_type, [row for _id, row in sorted(by_type[rel_type], key=lambda ir: ir[0])]


class Store(ABC):
    """A graph store. Use as a context manager, or call :meth:`close`."""

    dialect: str
    location: str
    schema: Schema

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def node_index(self) -> dict[str, tuple[str, str]]:
        """Every node: id -> (type, origin)."""

    @abstractmethod
    def attached(self, node_ids: list[str], keep_origins: list[str]) -> list[tuple[str, str]]:
        """Relationships touching ``node_ids`` whose origin is not in ``keep_origins``:
        (relationship id, origin)."""

    @abstractmethod
    def write(self, dataset: Dataset, *, progress: Progress | None = None,
              release: bool = False) -> WriteResult:
        """Make the store hold exactly ``dataset`` for the origins it covers, atomically.

        Nodes are upserted by id; relationships of those origins are replaced;
        nodes and relationships that the origins no longer contain are removed.
        ``release``: the caller has no more use for ``dataset``, and the store may
        empty its lists as it writes them, so that the records' memory is freed
        while the engine's grows (a store that may have to write them again, like
        Neo4j's on a retried transaction, keeps them).
        """

    def steps(self, dataset: Dataset) -> int:
        """How many progress units :meth:`write` reports for ``dataset`` (one per record)."""
        return len(dataset.nodes) + len(dataset.relationships)

    @abstractmethod
    def counts(self) -> dict[str, dict[str, int]]:
        """{"nodes": {type: n}, "relationships": {type: n}}, every schema type listed."""

    @abstractmethod
    def node(self, node_id: str) -> dict[str, Any] | None:
        """A node's properties (with ``type``), or None."""

    @abstractmethod
    def iter_nodes(self, types: Collection[str] | None = None, fields: Sequence[str] | None = None,
                   ids: Collection[str] | None = None) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every node as (id, type, properties), properties without nulls, in order of
        type then id. ``types`` keeps those node types only; ``fields`` reads only those
        properties (and ``id``), which is many times faster than whole records on a
        large store (an analysis needs a few); ``ids`` keeps those ids only (a view's
        nodes out of a million)."""

    @abstractmethod
    def iter_relationships(self, types: Collection[str] | None = None, fields: Sequence[str] | None = None,
                           ids: Collection[str] | None = None
                           ) -> Iterator[tuple[str, str, str, str, dict[str, Any]]]:
        """Every relationship as (id, type, source id, target id, properties); ``types``,
        ``fields`` and ``ids`` as for :meth:`iter_nodes`."""

    def relationship_ends(self, types: Collection[str] | None = None, fields: Sequence[str] = ()
                          ) -> Iterator[tuple[str, Sequence[Sequence[Any]]]]:
        """Each relationship type's (source id, target id) pairs, in :meth:`iter_relationships`'
        order, with no properties (a type with none left out): what measures on the ties
        between nodes need. With ``fields``, each row goes on with those properties' values
        in that order (None where a relationship or its type has none): what filters test."""
        ends: dict[str, list[tuple[Any, ...]]] = {}
        for _id, rel_type, source, target, props in self.iter_relationships(types, fields):
            ends.setdefault(rel_type, []).append((source, target, *map(props.get, fields)))
        yield from ends.items()

    def relationship_ends_at(self, node_ids: Collection[str], types: Collection[str] | None = None,
                             fields: Sequence[str] = (), among: Collection[str] | None = None
                             ) -> Iterator[tuple[str, Sequence[Sequence[Any]]]]:
        """:meth:`relationship_ends` of the relationships with an end among ``node_ids`` (and,
        with ``among``, both ends among those), each once, in the same order: a few nodes'
        relationships out of a million, read without reading the others."""
        wanted = None if among is None else set(among)
        found: dict[tuple[str, str], tuple[Any, ...]] = {}
        for node_id in dict.fromkeys(n for n in node_ids if wanted is None or n in wanted):
            for nb in self.neighbours(node_id):
                if (types is None or nb.rel_type in types) and (wanted is None or nb.other_id in wanted):
                    ends = (node_id, nb.other_id) if nb.outgoing else (nb.other_id, node_id)
                    found[nb.rel_type, str(nb.props.get("id"))] = (*ends, *map(nb.props.get, fields))
        yield from _in_order(self.schema.relationships, found)

    def relationship_count_at(self, node_ids: Collection[str], types: Collection[str] | None = None) -> int:
        """How many relationships of ``types`` :meth:`relationship_ends_at` reads for ``node_ids``
        (one between two of them counts twice): what reading them costs, without reading them."""
        return sum(types is None or key[1] in types for n in set(node_ids) for key in self.neighbour_keys(n))

    def _by_type(self, node_ids: Iterable[str]) -> dict[str, list[str]]:
        """Node ids by the node type their prefix names (each once, sorted; ids of no type left out)."""
        by_type: dict[str, list[str]] = {}
        for i in sorted(set(node_ids)):
            t = self.schema.type_for_id(i)
            if t is not None:
                by_type.setdefault(t.name, []).append(i)
        return by_type

    def origin_records(self, origin: str) -> tuple[list[tuple[str, str, dict[str, Any]]],
                                                   list[tuple[str, str, str, str, dict[str, Any]]]]:
        """The nodes and relationships one origin holds, as :meth:`iter_nodes` and
        :meth:`iter_relationships` give them (importers read their previous import)."""
        return self.records_of([origin])

    def records_of(self, origins: list[str]) -> tuple[list[tuple[str, str, dict[str, Any]]],
                                                      list[tuple[str, str, str, str, dict[str, Any]]]]:
        """The nodes and relationships several origins hold (a reload compares them with its files)."""
        wanted = set(origins)
        nodes = [n for n in self.iter_nodes() if n[2].get("origin") in wanted]
        rels = [r for r in self.iter_relationships() if r[4].get("origin") in wanted]
        return nodes, rels

    def origins(self) -> set[str]:
        """Every origin (data file or import) the store's nodes and relationships name."""
        return ({o for _t, o in self.node_index().values()}
                | {r[4].get("origin") for r in self.iter_relationships()}) - {None}

    @abstractmethod
    def node_names(self) -> list[tuple[str, str, str, list[str]]]:
        """(id, type, name, aliases) of every node, for name resolution."""

    @abstractmethod
    def neighbours(self, node_id: str, ids: Collection[str] | None = None) -> list[Neighbour]:
        """Every relationship of a node, both directions (``ids``: only those)."""

    def neighbour_keys(self, node_id: str) -> list[NeighbourKey]:
        """What :func:`relgraph.api.show` sorts a node's relationships by, without whole
        records: (relationship id, type, outgoing, date or validFrom, other id, other type,
        other name). A store may read these faster than :meth:`neighbours`."""
        return [(str(nb.props.get("id")), nb.rel_type, nb.outgoing,
                 nb.props.get("date") or nb.props.get("validFrom"), nb.other_id, nb.other_type, nb.other_name)
                for nb in self.neighbours(node_id)]

    @abstractmethod
    def run(self, cypher: str, params: dict[str, Any] | None = None, *,
            write: bool = False, timeout: float | None = None) -> tuple[list[str], list[list[Any]]]:
        """Run Cypher with parameters; return column names and rows. ``timeout``: seconds
        after which the engine stops the statement (a :class:`StoreError`)."""
