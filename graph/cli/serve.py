"""``relgraph serve``: the store in a web browser, read-only (see :mod:`relgraph.serve`).

Thin: parses options, calls :func:`relgraph.serve.serve`, prints the address. The web
framework is imported only here, so ``relgraph --help`` stays fast.
"""

from __future__ import annotations

import click

from relgraph.cli.options import handle_errors, queries_option, store_option
from relgraph.errors import UsageError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command()
@store_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to listen on (0: any free one).")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADDRESS",
              help="The address to listen on. Anything but 127.0.0.1, localhost or ::1 needs --expose.")
@click.option("--expose", is_flag=True,
              help="Allow --host to be another interface: anyone who reaches it can read the whole store.")
@click.option("--open", "open_", is_flag=True, help="Open the address in the web browser.")
@click.option("--allow-cypher", is_flag=True,
              help="Offer a page (and /api/cypher) that runs any read-only Cypher statement.")
@click.option("--cypher-timeout", type=click.FloatRange(min=0.1, max=86400), default=10.0, show_default=True,
              metavar="SECONDS", help="With --allow-cypher: stop a statement after this long.")
@queries_option
@handle_errors
def serve(store: str | None, port: int, host: str, expose: bool, open_: bool, allow_cypher: bool,
          cypher_timeout: float, queries_dirs: tuple[str, ...]) -> None:
    """Serve the store read-only to a web browser on this machine, until Ctrl-C.

    \b
    relgraph serve --open
    relgraph serve --port 8080 --allow-cypher --cypher-timeout 5

    Find nodes by name or alias, read a node as `relgraph show` prints it with
    its neighbourhood drawn, run every stored query as a form (a table sorted
    and paged by its address, CSV and JSON downloads, a graph) and the
    analyses of `relgraph analyze` with their filters, see the timeline, and
    use the same answers as JSON under /api (described at /api/openapi.json). Every
    page's address holds its state: send it, and it shows the same. Nothing is
    fetched from outside. With --allow-cypher, a page runs any read-only Cypher
    statement (refused if it writes, stopped after --cypher-timeout). The
    embedded store stays open read-only while it serves: `relgraph load` is
    refused until the server stops.
    """
    from relgraph.serve import serve as run_server

    if not cypher_timeout == cypher_timeout:  # nan: click's range lets it through
        raise UsageError("--cypher-timeout nan: give a number of seconds")
    if host not in LOOPBACK and not expose:
        raise UsageError(f"--host {host} serves the store to other machines; add --expose if you mean it")

    def ready(address: str) -> None:
        if host not in LOOPBACK:
            click.echo(f"warning: serving to every machine that reaches {host}: no login, no encryption",
                       err=True)
        click.echo(f"Serving {address} (read-only; Ctrl-C stops)")
        if open_:
            import webbrowser

            if not webbrowser.open(address):
                click.echo(f"warning: could not start a web browser; open {address} yourself", err=True)

    run_server(store, host=host, port=port, queries_dirs=list(queries_dirs) or None,
               cypher_timeout=cypher_timeout if allow_cypher else None, on_ready=ready)
    click.echo("Stopped.")
