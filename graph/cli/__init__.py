"""The ``relgraph`` command line: parse arguments, call one library function, format.

- :mod:`relgraph.cli.options`: error handling and the options commands share;
- :mod:`relgraph.cli.app`: the ``relgraph`` group, its top-level options, every command;
- one module per command group: :mod:`~relgraph.cli.data` (load, validate, stats, schema,
  sync, show), :mod:`~relgraph.cli.analyze` (analyze, export), :mod:`~relgraph.cli.view`,
  :mod:`~relgraph.cli.imports`, :mod:`~relgraph.cli.query`,
  :mod:`~relgraph.cli.serve`.

Command modules import ``options`` only; ``app`` imports them. Heavy modules (the database
engine, networkx, pyvis, the Neo4j driver) are imported inside commands, so ``relgraph --help``
stays fast.
"""

from relgraph.cli.app import main, run

__all__ = ["main", "run"]
