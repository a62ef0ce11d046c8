"""``relgraph view``: write an interactive HTML view of the graph.

Thin: parses options, calls :func:`relgraph.views.view`, reports what it wrote.
"""

from __future__ import annotations

from typing import Any

import click

from relgraph.analytics import MEASURES
from relgraph.cli.options import filter_options, filters_from, handle_errors, skip_teardown
from relgraph.errors import UsageError
from relgraph.views import MAX_NODES


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        if not eq or not name.strip():
            raise UsageError(f"-p {pair!r}: write -p NAME=VALUE")
        out[name.strip()] = value
    return out


@click.command()
@click.option("-o", "--output", required=True, metavar="FILE.html", type=click.Path(dir_okay=False),
              help="The HTML file to write (self-contained: open it offline, send it as is).")
@click.option("--focus", metavar="NODE", help="Only this node (id, name or alias) and its neighbourhood.")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True,
              help="Hops from --focus to show.")
@click.option("--query", metavar="NAME", help="Draw what a stored query returns (see `relgraph query list`).")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter of --query; repeat for several.")
@click.option("--queries", "queries_dirs", multiple=True, type=click.Path(file_okay=False), metavar="DIR",
              help="A folder of your own .cypher queries, for --query [env: RELGRAPH_QUERIES].")
@click.option("--size-by", type=click.Choice([*MEASURES, "type"], case_sensitive=False),
              default="degree", show_default=True,
              help="Node size: a centrality measure, or 'type' for each type's own size.")
@click.option("--top", type=int, metavar="N",
              help="Only the N most central nodes (by --size-by, or degree) and the ties among them.")
@click.option("--max-nodes", type=int, default=MAX_NODES, show_default=True, metavar="N",
              help="Above this many nodes (unreadable, slow in a browser), draw a summary: the "
                   "nodes with the most relationships. 0: no limit.")
@click.option("--title", metavar="TEXT", help="The page's title (default: what it shows).")
@click.option("--seed", type=click.IntRange(min=0), default=7, show_default=True, help="Seed of the layout.")
@click.option("--open", "open_", is_flag=True, help="Open the file in the web browser when written.")
@filter_options()
@handle_errors
def view(output: str, focus: str | None, depth: int, query: str | None, params: tuple[str, ...],
         queries_dirs: tuple[str, ...], size_by: str, top: int | None, max_nodes: int,
         title: str | None, seed: int, open_: bool, **kw: Any) -> None:
    """Write an interactive HTML view: the whole graph, a node's neighbourhood,
    or what a stored query returns.

    \b
    relgraph view -o russia-dprk.html --open
    relgraph view --focus "Kim Jong Un" --depth 2 -o kim.html
    relgraph view --as-of 2024-06-30 --status -alleged,-denied -o confirmed.html
    relgraph view --query neighbors -p node=Rajin-Khasan -p hops=2 -o rajin.html
    relgraph view --top 50 -o core.html

    Colour and shape show a node's type, size its centrality; alleged and
    denied facts are dashed, planned ones dotted. Click a node or relationship
    for its dates, status and sources; filter by type and status, search by
    name, and move the date slider to see the graph as of a date. Where more
    than --max-nodes nodes are left, the view is a summary (the 200 nodes with
    the most relationships, each with its 5 strongest ties): drill in with
    --focus, --top, --fold or the filters.
    """
    from relgraph.views import view as write_view

    skip_teardown()

    if params and not query:
        raise UsageError("-p needs --query NAME")
    store = kw.pop("store")
    report = write_view(
        output, store=store, filters=filters_from(kw), focus=focus, depth=depth, query=query,
        params=_params(params), queries_dirs=list(queries_dirs) or None,
        size_by=None if size_by == "type" else size_by, title=title, seed=seed, top=top,
        max_nodes=max_nodes,
    )
    from relgraph.formats import clean_line, plural

    click.echo(clean_line(f"Wrote {report.path} ({plural(report.nodes, 'node')}, "
                          f"{plural(report.relationships, 'relationship')}, "
                          f"{report.bytes / 1e6:.1f} MB) in {report.seconds:.1f} s"))
    if report.summary_of is not None:
        click.echo(f"relgraph: a summary of {report.summary_of:,} nodes (more than --max-nodes "
                   f"{max_nodes:,}): drill in with --focus NODE, --top N or the filters; "
                   "--max-nodes 0 draws everything", err=True)
    if open_:
        import webbrowser

        if not webbrowser.open(report.path.resolve().as_uri()):
            click.echo(f"warning: could not start a web browser; open {report.path} yourself", err=True)
