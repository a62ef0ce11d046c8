"""``python -m relgraph.cli``: the ``relgraph`` command."""

from relgraph.cli.app import run

run()
