"""Stores: where the graph lives. ``open_store`` picks one from a location.

A location is a path (the embedded LadybugDB store, default ``relgraph.db``)
or a ``neo4j://``, ``neo4j+s://``, ``bolt://`` or ``bolt+s://`` URI (Neo4j, with
credentials from ``NEO4J_USER`` / ``NEO4J_PASSWORD`` and the database from
``NEO4J_DATABASE``).
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
        from relgraph.store.neo4j import Neo4jStore

        # Credentials and database come from NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE.
        return Neo4jStore(loc, read_only=read_only)
    if "://" in loc:
        raise UsageError(f"unknown store URI scheme in {loc!r}; use a file path or one of "
                         + ", ".join(NEO4J_SCHEMES))
    from relgraph.store.embedded import EmbeddedStore

    return EmbeddedStore(loc, read_only=read_only)
