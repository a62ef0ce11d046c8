"""The ``relgraph`` command group: the top-level options, and every command registered.

Each command lives in the module named for it (``data``, ``analyze``, ``view``, ``imports``,
``query``, ``serve``); they import :mod:`relgraph.cli.options`, never this module.
"""

from __future__ import annotations

import os
import sys

import click

from relgraph import __version__
from relgraph.cli.analyze import analyze, export
from relgraph.cli.data import load, schema, show, stats, sync, validate
from relgraph.cli.imports import import_group
from relgraph.cli.query import query
from relgraph.cli.serve import serve
from relgraph.cli.view import view


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="relgraph")
@click.option("--neo4j-user", envvar="NEO4J_USER", metavar="NAME",
              help="Neo4j user (default neo4j) [env: NEO4J_USER].")
@click.option("--neo4j-database", envvar="NEO4J_DATABASE", metavar="NAME",
              help="Neo4j database (default neo4j) [env: NEO4J_DATABASE].")
@click.option("--neo4j-password-stdin", is_flag=True,
              help="Read the Neo4j password from standard input (else NEO4J_PASSWORD).")
@click.option("--store", "store", metavar="PATH|URI",
              help="The store of every command (the same as the command's own --store, which wins): a "
                   "file (default relgraph.db) or a neo4j:// or bolt:// URI [env: RELGRAPH_STORE].")
def main(neo4j_user: str | None, neo4j_database: str | None, neo4j_password_stdin: bool,
         store: str | None) -> None:
    """relgraph: a sourced graph of bilateral relations between states.

    \b
    Start here:
      relgraph load                 load the bundled Russia–DPRK dataset into relgraph.db
      relgraph stats                what the store holds
      relgraph show "Rajin-Khasan"  one node, its links and their sources

    --store works before the command or after it (relgraph --store x.db stats).
    Exit codes: 0 ok, 1 bad input, 2 usage error.
    """
    # The Neo4j store reads its settings from the environment, and each command's --store
    # falls back on RELGRAPH_STORE: options given before the command override both.
    for var, value in (("NEO4J_USER", neo4j_user), ("NEO4J_DATABASE", neo4j_database),
                       ("RELGRAPH_STORE", store)):
        if value:
            os.environ[var] = value
    if neo4j_password_stdin:
        os.environ["NEO4J_PASSWORD"] = sys.stdin.readline().rstrip("\r\n")


for command in (load, validate, stats, schema, sync, show, analyze, export, view, import_group, query,
                serve):
    main.add_command(command)


def run() -> None:
    """The ``relgraph`` console script: :data:`main`, then, after a command that asked for it
    (:func:`relgraph.cli.options.skip_teardown`), ``os._exit`` once the output is flushed:
    the store is closed and the files are written by then, and all that is left to do is
    freeing a projected graph object by object."""
    from relgraph.cli.options import EXIT

    EXIT["console"] = True
    try:
        main(prog_name="relgraph")  # in click's standalone mode it always ends in SystemExit
    except SystemExit as e:
        if not EXIT["without_teardown"]:
            raise
        code = e.code
    else:
        return
    if code is not None and not isinstance(code, int):  # as sys.exit does with a message
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: what was written is what it got
            code = code or 1
    os._exit(code or 0)
