"""What the importers of public data share: reading the store, building records, validating.

An import is one *origin* (e.g. ``import:un-sanctions/DPRK``): writing it makes
the store hold exactly what the import built for that origin, like loading a
data file. Importers never rewrite nodes of other origins (the curated dataset,
other imports); they link to them. Records go through the same
:class:`~relgraph.loaders.validate.Validator` as the YAML and CSV loaders.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relgraph.errors import InputError
from relgraph.loaders.countries import DOC_ID as ISO_DOC
from relgraph.loaders.countries import FORMER, country
from relgraph.loaders.records import RawRecord
from relgraph.loaders.validate import Validator
from relgraph.model import Dataset
from relgraph.schema import Schema, load_schema

if TYPE_CHECKING:
    from relgraph.store import Store

PREVIOUS = "(previous import in the store)"
SYSTEM = ("id", "origin", "sourceDocs")


def slug(text: str) -> str:
    """An id-safe slug.

    >>> slug("KPi.033 "), slug("Dyad events_by year")
    ('kpi-033', 'dyad-events-by-year')
    """
    return re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-")


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class StoreView:
    """What an importer reads from the store before it writes."""

    origin: str
    index: dict[str, tuple[str, str]]  # every node: id -> (type, origin)
    names: list[tuple[str, str, str, list[str]]]  # (id, type, name, aliases)
    prev_nodes: dict[str, tuple[str, dict[str, Any]]]  # this origin's nodes: id -> (type, props)
    prev_rels: list[tuple[str, str, str, str, dict[str, Any]]]  # this origin's relationships
    store: Store | None = field(default=None, repr=False)

    @classmethod
    def read(cls, st: Store, origin: str) -> StoreView:
        nodes, rels = st.origin_records(origin)
        return cls(origin, st.node_index(), st.node_names(),
                   {i: (t, p) for i, t, p in nodes}, rels, st)

    @classmethod
    def empty(cls, origin: str) -> StoreView:
        return cls(origin, {}, [], {}, [])

    def elsewhere(self, node_id: str) -> str | None:
        """The type of a node that another origin holds, else None."""
        hit = self.index.get(node_id)
        return hit[0] if hit and hit[1] != self.origin else None

    def others(self) -> dict[str, str]:
        """Nodes of other origins: id -> type."""
        return {i: t for i, (t, o) in self.index.items() if o != self.origin}

    def node(self, node_id: str) -> dict[str, Any]:
        if self.store is None:
            return {}
        return self.store.node(node_id) or {}


class RecordBuilder:
    """Collects the records of one import, then validates them into a :class:`Dataset`."""

    def __init__(self, view: StoreView, file: str, schema: Schema | None = None):
        self.view = view
        self.file = file
        self.schema = schema or load_schema()
        self.records: list[RawRecord] = []
        self.node_ids: set[str] = set()
        self.rel_ids: set[str] = set()
        self.created_states: list[str] = []

    # -- adding ---------------------------------------------------------------
    def add_node(self, type_: str, node_id: str, line: int = 0, **props: Any) -> bool:
        """Add a node unless another origin holds it (then it is linked, not rewritten)."""
        if node_id in self.node_ids or self.view.elsewhere(node_id):
            return False
        self.node_ids.add(node_id)
        self.records.append(RawRecord(self.file, line, {"type": type_, "id": node_id, **_clean(props)},
                                      section="nodes"))
        return True

    def add_rel(self, type_: str, rel_id: str, source: str, target: str, line: int = 0,
                **props: Any) -> None:
        self.rel_ids.add(rel_id)
        data = {"type": type_, "id": rel_id, "from": source, "to": target, **_clean(props)}
        self.records.append(RawRecord(self.file, line, data, section="relationships"))

    def has_node(self, node_id: str) -> bool:
        return node_id in self.node_ids or self.view.elsewhere(node_id) is not None

    def ensure_state(self, code: str) -> str:
        """The id of the State node for ISO alpha-3 ``code``, creating it if the store lacks it."""
        state_id = f"state:{code}"
        if self.has_node(state_id):
            return state_id
        former = FORMER.get(code)
        if former is not None:  # a state that no longer exists (ISO 3166-3)
            self.ensure_iso_document()
            self.add_node("State", state_id, name=former.name, aliases=list(former.names), iso3=former.alpha3,
                          iso2=former.alpha2, validFrom=former.valid_from, validTo=former.valid_to,
                          status="confirmed",
                          note=f"A former state; ISO 3166-3 lists it as {former.iso_3166_3}.",
                          sources=[f"{ISO_DOC} | ISO 3166-3 {former.iso_3166_3}"])
            self._created(state_id)
            return state_id
        c = country(code)
        if c is None:
            raise ValueError(f"not an ISO 3166-1 alpha-3 code: {code!r}")
        self.ensure_iso_document()
        self.add_node("State", state_id, name=c.name, aliases=[n for n in c.names if n != c.name],
                      iso3=c.alpha3, iso2=c.alpha2, status="confirmed", sources=[f"{ISO_DOC} | {code}"])
        self._created(state_id)
        return state_id

    def _created(self, state_id: str) -> None:
        """Report a State node as new only when the store does not hold it (an import of the same
        file again writes its states again, but they are not new)."""
        if state_id not in self.view.index:
            self.created_states.append(state_id)

    def ensure_iso_document(self) -> None:
        self.add_node("Document", ISO_DOC, name="ISO 3166-1 country codes (Debian iso-codes)",
                      kind="dataset", publisher="ISO; Debian iso-codes project",
                      url="https://salsa.debian.org/iso-codes-team/iso-codes", status="confirmed",
                      description="Country codes and names; shipped with relgraph as "
                                  "data/countries/iso_3166-1.json.")

    # -- carrying over what the previous import held ------------------------------
    def carry_node(self, node_id: str) -> bool:
        """Keep a node of this origin's previous import as it is."""
        if node_id in self.node_ids or node_id not in self.view.prev_nodes:
            return False
        type_, props = self.view.prev_nodes[node_id]
        self.node_ids.add(node_id)
        data = {"type": type_, "id": node_id, **_stored(props)}
        self.records.append(RawRecord(PREVIOUS, 0, data, section="nodes"))
        return True

    def carry_rel(self, rel: tuple[str, str, str, str, dict[str, Any]], **changes: Any) -> None:
        rel_id, type_, source, target, props = rel
        self.rel_ids.add(rel_id)
        data = {"type": type_, "id": rel_id, "from": source, "to": target, **_stored(props)}
        data.update(changes)
        self.records.append(RawRecord(PREVIOUS, 0, _clean(data), section="relationships"))

    def _referenced(self) -> set[str]:
        out: set[str] = set()
        for rec in self.records:
            out.update(str(rec.data[k]) for k in ("from", "to") if k in rec.data)
            for s in rec.data.get("sources") or []:
                out.add(str(s).partition("|")[0].strip())
        return out

    # -- finishing ------------------------------------------------------------
    def dataset(self, st: Store | None = None) -> Dataset:
        """Validate the records into a dataset, after carrying over what must stay.

        Kept from the previous import: its Documents (a record of what was
        imported), nodes the new records still refer to, and nodes that other
        origins' relationships use.
        """
        for node_id, (type_, _) in self.view.prev_nodes.items():
            if type_ == "Document":
                self.carry_node(node_id)
        for node_id in self._referenced():
            if not self.has_node(node_id):
                self.carry_node(node_id)
        if st is not None:
            stale = [i for i in self.view.prev_nodes if i not in self.node_ids]
            if stale and st.attached(stale, [self.view.origin]):
                for node_id in stale:
                    if st.attached([node_id], [self.view.origin]):
                        self.carry_node(node_id)
            for node_id in self._referenced():  # what the nodes just kept cite
                if not self.has_node(node_id):
                    self.carry_node(node_id)
        validator = Validator(self.schema, {self.file: self.view.origin, PREVIOUS: self.view.origin},
                              self.view.others())
        dataset = validator.run(self.records)
        if validator.problems:
            raise InputError(validator.problems)
        dataset.origins = [self.view.origin]
        return dataset


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None and v != "" and v != []}


def _stored(props: dict[str, Any]) -> dict[str, Any]:
    """Stored properties as record data: without the bookkeeping the loader sets."""
    return {k: v for k, v in props.items() if k not in SYSTEM}


def dedupe(values: Iterable[str]) -> list[str]:
    """Non-empty values, first occurrence kept.

    >>> dedupe(["a", "", "b", "a"])
    ['a', 'b']
    """
    return [v for v in dict.fromkeys(values) if v]
