"""What every command shares: error handling, the common options, the analyses' filters.

Command modules import this one, never the group (:mod:`relgraph.cli.app`), so there is no
import cycle.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from relgraph.errors import RelgraphError

PROGRESS_THRESHOLD = 5_000  # records; smaller loads finish before a bar is useful

EXIT = {"console": False, "without_teardown": False}  # see skip_teardown()


def skip_teardown() -> None:
    """In the ``relgraph`` process (:func:`relgraph.cli.app.run`, not a test's runner or a
    program calling the commands), end without freeing the heap once the command is done,
    and without the collector: commands that project the graph call it. A projected graph
    holds reference cycles (networkx caches views of it), so it is freed only by a
    collection, which walks every node's and edge's dict: at a million relationships,
    4.3 s after ``analyze compare`` had its answer."""
    if not EXIT["console"]:
        return
    import gc

    gc.disable()  # relgraph.api.gc_paused then leaves it off
    EXIT["without_teardown"] = True


def _fail(e: RelgraphError) -> None:
    from relgraph.formats import clean_text

    # Messages quote names, ids and paths from the data and the command line: show their
    # control characters, never send them to the terminal.
    click.echo(f"error: {clean_text(str(e))}", err=True)
    sys.exit(e.exit_code)


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one clear message and the right exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RelgraphError as e:
            _fail(e)

    return wrapper


store_option = click.option(
    "--store", "store", envvar="RELGRAPH_STORE", metavar="PATH|URI",
    help="Store location: a file for the embedded store (default relgraph.db), or "
         "neo4j://, neo4j+s://, bolt://, bolt+s:// for Neo4j [env: RELGRAPH_STORE].",
)
queries_option = click.option(
    "--queries", "queries_dirs", multiple=True, type=click.Path(file_okay=False), envvar="RELGRAPH_QUERIES",
    metavar="DIR",
    help="Also load the .cypher files in DIR (repeatable) [env: RELGRAPH_QUERIES, folders separated by ':'].",
)
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"], case_sensitive=False),
    default="table", show_default=True,
    help="Output format.",
)


def progress_bar(total: int) -> Any:
    return click.progressbar(length=total, label="Loading", file=sys.stderr, show_pos=True)


def filter_options(*, as_of: bool = True, types_default: str = "all but Document") -> Callable[[Any], Any]:
    """The filters every analysis takes (see relgraph.analytics.project)."""
    options = []
    if as_of:
        options.append(click.option(
            "--as-of", "as_of", metavar="DATE",
            help="Only what was valid on DATE (YYYY-MM-DD): dated facts from their date on, "
                 "intervals while they held, undated facts always."))
    options += [
        click.option("--from", "start", metavar="DATE",
                     help="Only what happened or held from DATE on (with --to: in the window)."),
        click.option("--to", "end", metavar="DATE", help="Only what happened or held up to DATE."),
        click.option("--types", metavar="LIST",
                     help=f"Node and relationship types to keep, comma-separated (default: {types_default}); "
                          "+Type adds to the default, -Type leaves out, 'all' keeps every type."),
        click.option("--status", "statuses", metavar="LIST",
                     help="Statuses to keep, e.g. confirmed,reported; -alleged,-denied leaves those out."),
        click.option("--state", "states", multiple=True, metavar="NAME",
                     help="Only the ego network of this state (or any node); repeat for several."),
        click.option("--state-depth", type=click.IntRange(min=1), default=1, show_default=True,
                     help="Hops from --state to keep."),
        click.option("--fold", is_flag=True,
                     help="Fold multi-party nodes (treaties, events, projects) into ties between their "
                          "parties, weighted by the number of shared facts."),
        store_option,
    ]

    def deco(fn: Any) -> Any:
        for opt in reversed(options):
            fn = opt(fn)
        return fn

    return deco


def filters_from(kw: dict[str, Any], *, default_types: str | None = None) -> Any:
    """Filters from the options; ``default_types`` replaces the analyses' default
    (and is what +Type and -Type change)."""
    from relgraph.analytics.project import Filters

    types = kw.pop("types")
    if default_types and (not types or all(t.strip()[:1] in "+-" for t in types.split(",") if t.strip())):
        types = f"{default_types},{types}" if types else default_types
    return Filters.parse(as_of=kw.pop("as_of", None), start=kw.pop("start"), end=kw.pop("end"),
                         types=types, statuses=kw.pop("statuses"),
                         states=kw.pop("states"), state_depth=kw.pop("state_depth"), fold=kw.pop("fold"))
