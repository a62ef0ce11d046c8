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

__all__ = ["DEFAULT_LOCATION", "Borrowed", "Neighbour", "Store", "WriteResult", "open_store",
           "resolve_location"]

DEFAULT_LOCATION = "relgraph.db"
NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def resolve_location(location: str | Store | None = None) -> str:
    """The store location: the argument, else $RELGRAPH_STORE, else ``relgraph.db``."""
    if isinstance(location, Store):
        return location.location
    return location or os.environ.get("RELGRAPH_STORE") or DEFAULT_LOCATION


class Borrowed:
    """A store someone else opened and will close (``relgraph serve`` holds one for its
    life), lent to a library function that takes a location: its ``with`` block gets the
    store, and leaving the block leaves it open."""

    def __init__(self, store: Store):
        self.store = store

    def __enter__(self) -> Store:
        return self.store

    def __exit__(self, *exc: object) -> None:
        pass  # the owner closes it


def open_store(location: str | Store | None = None, *, read_only: bool = False) -> Store | Borrowed:
    """Open the store at ``location`` (see :func:`resolve_location`), to use in a ``with``
    block. An open :class:`Store` given as ``location`` is lent (see :class:`Borrowed`)."""
    if isinstance(location, Store):
        if not read_only and getattr(location, "read_only", False):
            raise UsageError(f"store {location.location} is open read-only here; cannot write to it")
        return Borrowed(location)
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
