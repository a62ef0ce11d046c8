"""``relgraph query list|show|run``: the stored Cypher queries.

Thin: each command parses its arguments, calls one function of
:mod:`relgraph.queries` and formats the result; :mod:`relgraph.cli.app` registers them.
"""

from __future__ import annotations

from typing import Any

import click

from relgraph.cli.options import handle_errors, queries_option, store_option

TABLE_ROWS = 1_000  # a table is read in a terminal; JSON and CSV, for other programs, hold every row


def _extra(dirs: tuple[str, ...]) -> list[str]:
    return list(dirs)


@click.group("query")
def query() -> None:
    """Stored Cypher queries: an analyst's canned questions, with sources.

    \b
      relgraph query list                       what can be asked
      relgraph query show visits                what a query does, its parameters and Cypher
      relgraph query run visits -p destination=place:pyongyang -p from=2023-09-14
      relgraph query run claims --format csv    everything alleged or denied, as CSV

    Add your own: a folder of .cypher files (see `queries/README.md`) given
    with --queries DIR or RELGRAPH_QUERIES.
    """


@query.command("list")
@queries_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"], case_sensitive=False),
              default="table", show_default=True,
              help="Output format.")
@handle_errors
def list_cmd(queries_dirs: tuple[str, ...], fmt: str) -> None:
    """List the stored queries: name, parameters, what each answers."""
    from relgraph.formats import render, terminal_width
    from relgraph.queries import list_queries

    queries = list_queries(_extra(queries_dirs))
    if fmt == "json":
        rows = [[q.name, q.description, [{"name": p.name, "type": p.type, "required": p.required,
                                          "default": p.default_text, "help": p.help} for p in q.params],
                 q.mode, q.file, q.line] for q in queries]
        click.echo(render(["name", "description", "params", "mode", "file", "line"], rows, "json"))
        return
    rows = [[q.name, " ".join(_param_hint(p) for p in q.params), q.description] for q in queries]
    click.echo(render(["query", "parameters ([optional])", "answers"], rows, "table", terminal_width()))
    click.echo("\nDetails: relgraph query show NAME.  Run: relgraph query run NAME -p PARAM=VALUE "
               "[--format table|json|csv]")


def _param_hint(p: Any) -> str:
    return p.name if p.required else f"[{p.name}]"


@query.command("show")
@click.argument("name")
@click.option("--dialect", type=click.Choice(["ladybug", "neo4j"], case_sensitive=False), default=None,
              help="Show the Cypher for this engine (default: the store's); neo4j for Neo4j Browser.")
@store_option
@queries_option
@handle_errors
def show_cmd(name: str, dialect: str | None, store: str | None, queries_dirs: tuple[str, ...]) -> None:
    """Show a query: what it answers, its parameters, and the Cypher it runs on the store."""
    from relgraph.formats import clean_text
    from relgraph.queries import describe

    view = describe(name, store=store, dialect=dialect, extra=_extra(queries_dirs))
    q = view.query
    out = [f"{q.name}: {q.description}", f"  ({q.file}:{q.line}; {q.mode} query)", ""]
    if q.doc:
        out += [q.doc, ""]
    out += [q.usage(), ""]
    out.append(f"Cypher ({view.dialect}):")
    out += ["  " + line for line in view.cypher.splitlines()]
    example = " ".join(f"-p {p.name}=..." for p in q.params if p.required)
    out += ["", f"Run: relgraph query run {q.name} {example}".rstrip()]
    click.echo(clean_text("\n".join(out).expandtabs()))  # a query file's tabs, as a terminal shows them


@query.command("run")
@click.argument("name")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter (repeatable). Lists: comma-separated, or repeat -p. "
                   "Nodes: an id, name or alias.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"], case_sensitive=False),
              default="table",
              show_default=True, help="Output format.")
@click.option("--limit", type=click.IntRange(min=0), default=None, metavar="N",
              help=f"Print at most N rows (default: {TABLE_ROWS:,} in a table, every row as JSON or CSV).")
@store_option
@queries_option
@handle_errors
def run_cmd(name: str, params: tuple[str, ...], fmt: str, limit: int | None, store: str | None,
            queries_dirs: tuple[str, ...]) -> None:
    """Run a stored query and print its rows (table, JSON or CSV)."""
    from relgraph.formats import plural, render, terminal_width
    from relgraph.queries import run_query

    if limit is None and fmt == "table":
        limit = TABLE_ROWS
    result = run_query(name, list(params), store=store, extra=_extra(queries_dirs), limit=limit)
    click.echo(render(result.columns, result.rows, fmt, terminal_width()))
    if fmt == "table":
        if result.truncated:
            click.echo(f"({len(result.rows)} of {plural(result.total, 'row')}; raise --limit to see more)",
                       err=True)
        else:
            click.echo(f"({plural(result.total, 'row')})", err=True)
    elif result.truncated:
        click.echo(f"relgraph: printed {len(result.rows)} of {plural(result.total, 'row')} (--limit)",
                   err=True)
