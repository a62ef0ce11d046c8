"""relgraph: a sourced graph database of bilateral relations between states.

The data flow, one folder per step:

    data files -> relgraph.loaders (parse + validate) -> relgraph.model
               -> relgraph.store (embedded LadybugDB | Neo4j)
               -> relgraph.queries / analytics -> CLI output / HTML

The functions in :mod:`relgraph.api` are the library's front door; the CLI
(:mod:`relgraph.cli`) is a thin layer over them.
"""

__version__ = "0.1.0"
