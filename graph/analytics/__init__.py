"""Network analytics over the relgraph graph, with networkx.

The store is read into a :class:`networkx.MultiDiGraph` (:func:`project`), cut
down by the filters every analysis takes (:func:`select`), and measured by pure
functions ``f(G, ...) -> result`` that work on any networkx graph, so they can
be used from a notebook without the CLI::

    from relgraph import analytics as ra
    G = ra.load_graph("relgraph.db", ra.Filters.parse(as_of="2024-06-30"))
    ra.centrality(G, "betweenness", top=10).rows()
    ra.shortest_paths(G, ra.resolve(G, "Sergei Lavrov"), ra.resolve(G, "Rajin port"))

Modules: :mod:`~relgraph.analytics.project` (projection, filters, folding),
:mod:`~relgraph.analytics.measures` (centrality, communities),
:mod:`~relgraph.analytics.louvain` (networkx's Louvain communities, on lists),
:mod:`~relgraph.analytics.brokers`, :mod:`~relgraph.analytics.paths`,
:mod:`~relgraph.analytics.temporal` (ego networks, comparing two dates),
:mod:`~relgraph.analytics.export` (GraphML, GEXF, node-link JSON, neo4j-admin
CSV) and :mod:`~relgraph.analytics.api` (the same, reading a store: what the
CLI calls).

Importing this package is cheap: networkx is imported by the submodules, which
load on first use of a name below.
"""

from __future__ import annotations

import importlib
from typing import Any

MEASURES = ("degree", "betweenness", "closeness", "eigenvector", "pagerank")
EXPORT_FORMATS = ("graphml", "gexf", "json", "csv")

_EXPORTS = {
    "project": ["Filters", "fold", "in_window", "load_graph", "project", "resolve", "select", "simple",
                "span", "valid_on"],
    "measures": ["Ranking", "centrality", "communities", "pagerank", "scores"],
    "brokers": ["brokerage", "brokers", "camps"],
    "paths": ["shortest_paths"],
    "temporal": ["changes", "compare", "ego"],
    "export": ["to_gexf", "to_graphml", "to_neo4j_csv", "to_node_link", "write"],
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = ["EXPORT_FORMATS", "MEASURES", *sorted(_WHERE)]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'relgraph.analytics' has no attribute {name!r}")
    return getattr(importlib.import_module(f"relgraph.analytics.{module}"), name)
