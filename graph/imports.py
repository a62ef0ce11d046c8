"""Import public data into a store: the UN sanctions list, GDELT events.

Like :func:`relgraph.api.load`, each function reads and validates the whole
input before writing, and writes in one transaction: on any error the store is
left as it was. Each import is one origin, so importing again (or a newer
file) replaces what the previous import of that origin wrote.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relgraph.store import WriteResult, open_store

ProgressFactory = Callable[[int], Any]  # total -> context manager with .update(n)


@dataclass
class UNImportReport:
    """What ``import_un_sanctions`` did."""

    location: str
    file: str
    regime: str
    origin: str
    document: str
    regime_node: str
    regime_created: bool
    individuals: int
    entities: int
    linked: dict[str, str]  # reference -> id of an existing node it was linked to
    ambiguous: list[Any]  # relgraph.loaders.un_sanctions.Ambiguity
    delisted: list[str]  # references no longer on the list (ended on this list's date)
    still_delisted: list[str]
    created_states: list[str]
    unresolved_countries: list[str]
    result: WriteResult
    seconds: float


@dataclass
class GdeltImportReport:
    """What ``import_gdelt`` did."""

    location: str
    file: str
    kind: str  # "events" or "dyad-years"
    aggregate: bool
    origin: str
    document: str
    rows: int
    kept: int
    non_state: int
    domestic: int
    filtered: int
    relationships: int
    created_states: list[str]
    result: WriteResult
    seconds: float
    states: list[str] = field(default_factory=list)
    kept_rows: int = 0  # rows between two states: kept_rows + non_state + domestic + filtered == rows


def _write(st: Any, dataset: Any, progress: ProgressFactory | None) -> WriteResult:
    bar = progress(st.steps(dataset)) if progress else None
    if bar is None:
        return st.write(dataset, release=True)
    with bar:
        return st.write(dataset, progress=bar.update, release=True)


def import_un_sanctions(path: str | Path, *, regime: str = "DPRK", store: str | None = None,
                        regime_node: str | None = None) -> UNImportReport:
    """Import one regime's entries of the UN Security Council consolidated list (XML).

    Designees that match one existing node (by name or alias; individuals
    also by birth year) are linked to it; other matches are reported and get
    their own node. Entries that
    an earlier import of this regime held and this list does not keep their
    node; their designation ends (``validTo``) on this list's date.
    """
    from relgraph.loaders.importing import RecordBuilder, StoreView
    from relgraph.loaders.un_sanctions import origin_for, plan_un_import, read_un_list

    started = time.perf_counter()
    unlist = read_un_list(path, regime)
    origin = origin_for(unlist.regime)
    with open_store(store) as st:
        view = StoreView.read(st, origin)
        builder = RecordBuilder(view, str(path))
        plan = plan_un_import(unlist, view, builder, regime_node=regime_node)
        dataset = builder.dataset(st)
        result = st.write(dataset, release=True)
        location = st.location
    kinds = [e.tag for e in unlist.entries]
    return UNImportReport(
        location, str(path), unlist.regime, origin, unlist.doc_id, plan.regime_id, plan.regime_created,
        kinds.count("INDIVIDUAL"), kinds.count("ENTITY"), plan.links, plan.ambiguous, plan.delisted,
        plan.still_delisted, builder.created_states, plan.unresolved_countries, result,
        time.perf_counter() - started)


def import_gdelt(path: str | Path, *, aggregate: bool = False, states: Iterable[str] | None = None,
                 store: str | None = None, progress: ProgressFactory | None = None) -> GdeltImportReport:
    """Import the events between states of a GDELT 1.0 event file or dyad-year counts file.

    With ``aggregate`` (always for dyad-year counts) one relationship per
    ordered pair of states and year; else one per event. ``states`` keeps
    events involving one state, or between the states given.
    """
    from relgraph.loaders.gdelt import plan_gdelt_import, read_gdelt
    from relgraph.loaders.importing import RecordBuilder, StoreView

    started = time.perf_counter()
    wanted = sorted({s.strip().upper() for s in states or () if s.strip()})
    data = read_gdelt(path, aggregate=aggregate, states=wanted)
    with open_store(store) as st:
        view = StoreView.read(st, data.origin)
        builder = RecordBuilder(view, str(path))
        plan_gdelt_import(data, builder)
        dataset = builder.dataset(st)
        result = _write(st, dataset, progress)
        location = st.location
    rels = len(data.dyads) if data.aggregate else len(data.events)
    return GdeltImportReport(
        location, str(path), data.kind, data.aggregate, data.origin, data.doc_id, data.rows, data.kept,
        data.non_state, data.domestic, data.filtered, rels, builder.created_states, result,
        time.perf_counter() - started, wanted, data.kept_rows)
