"""Stores: where the graph lives. ``open_store`` picks one from a location.

A location is a path (the embedded LadybugDB store, default ``relgraph.db``)
or a ``neo4j://``, ``neo4j+s://``, ``bolt://`` or ``bolt+s://`` URI.
"""

from __future__ import annotations

import os

from relgraph.errors import UsageError
from relgraph.store.base import Neighbour, Store, WriteResult

__all__ = ["DEFAULT_LOCATION", "Neighbour", "Store", "WriteResult", "open_store", "resolve_location"]

DEFAULT_LOCATION = "relgraph.db"
NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def resolve_location(location: str | None = None) -> str:
    """The store location: the argument, else $RELGRAPH_STORE, else ``relgraph.db``."""
    return location or os.environ.get("RELGRAPH_STORE") or DEFAULT_LOCATION


def open_store(location: str | None = None, *, read_only: bool = False) -> Store:
    """Open the store at ``location`` (see :func:`resolve_location`)."""
    loc = resolve_location(location)
    if loc.startswith(NEO4J_SCHEMES):
        raise UsageError(
            f"{loc}: the Neo4j backend is not implemented yet; use an embedded store path "
            "(e.g. --store relgraph.db)"
        )
    from relgraph.store.embedded import EmbeddedStore

    return EmbeddedStore(loc, read_only=read_only)
