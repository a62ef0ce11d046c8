"""``relgraph analyze ...`` and ``relgraph export``: network analyses and exports.

Thin: each command parses its options, calls one function of
:mod:`relgraph.analytics.api` and formats the result. networkx is imported
inside the commands, so ``relgraph --help`` stays fast.
"""

from __future__ import annotations

from typing import Any

import click

from relgraph.analytics import EXPORT_FORMATS, MEASURES
from relgraph.cli.options import filter_options, filters_from, handle_errors, skip_teardown
from relgraph.dates import when
from relgraph.formats import plural

engine_option = click.option(
    "--engine", type=click.Choice(["networkx", "gds"], case_sensitive=False),
    default="networkx", show_default=True,
    help="networkx: in this process; gds: inside Neo4j with Graph Data Science (a neo4j:// store "
         "with the GDS plugin; see README, 'Analyses inside Neo4j').",
)


def _notice(message: str) -> None:
    click.echo(message, err=True)

output_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"], case_sensitive=False),
    default="table", show_default=True,
    help="Output format.",
)


def _echo_table(title: str, columns: list[str], rows: list[list[Any]], fmt: str) -> None:
    from relgraph.formats import clean_line, render, terminal_width

    if fmt == "table" and title:
        click.echo(clean_line(title))
        click.echo()
    click.echo(render(columns, rows, fmt, terminal_width()))


def _scope(filters: Any) -> str:
    d = filters.describe()
    return "" if d == "no filters" else f" [{d}]"


@click.group()
def analyze() -> None:
    """Network analyses: centrality, paths, brokers, communities, ego networks, change over time.

    \b
    relgraph analyze centrality --as-of 2024-06-30 --measure betweenness
    relgraph analyze path "Sergei Lavrov" "Rajin port"
    relgraph analyze brokers --camps Russia,DPRK
    relgraph analyze communities --fold
    relgraph analyze ego "Kim Jong Un" --depth 2
    relgraph analyze compare --as-of 2023-09-01 --as-of 2024-06-30 --node "Kim Jong Un"

    Every analysis takes the same filters (--as-of, --from/--to, --types,
    --status, --state, --fold) and prints a table, JSON or CSV. Document nodes
    are left out unless asked for (--types +Document).
    """
    skip_teardown()


@analyze.command()
@click.option("--measure", type=click.Choice(MEASURES, case_sensitive=False),
              default="degree", show_default=True,
              help="degree: distinct neighbours; the others as in networkx.")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True,
              help="Rows to show (0: all).")
@click.option("--weighted", is_flag=True,
              help="Count ties by their number of relationships (or shared facts).")
@click.option("--k", type=click.IntRange(min=1),
              help="Betweenness, closeness: sample K source nodes (default: exact up to 2000 nodes, "
                   "else 500; --engine gds: exact, betweenness sampled with --k).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for sampling.")
@engine_option
@filter_options()
@output_option
@handle_errors
def centrality(measure: str, top: int, weighted: bool, k: int | None, seed: int, engine: str, fmt: str,
               store: str | None, **kw: Any) -> None:
    """Rank nodes by a centrality measure."""
    from relgraph.analytics import api

    filters = filters_from(kw)
    r = api.centrality(store, filters, measure=measure, top=top or None, weighted=weighted, k=k, seed=seed,
                       engine=engine, notice=_notice)
    sample = f", sampled {r.sampled} sources (seed {r.seed})" if r.sampled else ""
    title = (f"{measure} centrality{' (weighted)' if weighted else ''}: {plural(r.nodes, 'node')}, "
             f"{plural(r.ties, 'tie')}{sample}{_scope(filters)}")
    _echo_table(title, r.columns, r.rows(), fmt)


@analyze.command()
@click.argument("source")
@click.argument("target")
@click.option("--all", "all_paths", is_flag=True, help="Every shortest path, not just one.")
@click.option("--max-hops", type=click.IntRange(min=1), help="Only paths of at most N hops.")
@engine_option
@filter_options()
@output_option
@handle_errors
def path(source: str, target: str, all_paths: bool, max_hops: int | None, engine: str, fmt: str,
         store: str | None, **kw: Any) -> None:
    """The shortest path(s) between two nodes (id, name or alias), every hop sourced."""
    from relgraph.analytics import api
    from relgraph.formats import clean_line, render, terminal_width

    filters = filters_from(kw)
    r = api.path(source, target, store, filters, all_paths=all_paths, max_hops=max_hops, engine=engine)
    if fmt != "table":
        click.echo(render(r.columns, r.rows(), fmt, terminal_width()))
        return
    if not r.paths:
        within = f" of at most {max_hops} hops" if max_hops else ""
        click.echo(clean_line(f"No path{within} between {r.source_name} and {r.target_name}"
                              f"{_scope(filters)}."))
        return
    click.echo(render_paths(r))


def render_paths(report: Any) -> str:
    """Paths as text: one table per path, citations numbered and listed at the end."""
    from relgraph.formats import cell, clean_line, table, terminal_width
    from relgraph.model import Citation

    refs: dict[str, int] = {}
    out = []
    for p in report.paths:
        more = " (more not shown)" if report.truncated else ""
        names = [n + (f" ({when(d).split(': ', 1)[1]})" if when(d) else "")
                 for n, d in zip(p.names, p.node_props, strict=True)]
        out.append(clean_line(f"Path {p.number} of {len(report.paths)}{more}, {p.length} "
                              f"hop{'s' if p.length != 1 else ''}: " + " - ".join(names)))
        rows = []
        for h in p.hops:
            marks = "".join(f"[{refs.setdefault(s, len(refs) + 1)}]" for s in h.props.get("sources") or [])
            arrows = {"forward": ("-[", "]->"), "backward": ("<-[", "]-")}.get(h.direction, ("-[", "]-"))
            rel = h.type.join(arrows)
            if h.props.get("viaNames"):
                rel += " (" + "; ".join(h.props["viaNames"]) + ")"
            rows.append([h.step, h.source_name, rel, h.target_name, when(h.props), h.props.get("status"),
                         marks or "(no source)"])
        out.append(table(["hop", "from", "relationship", "to", "when", "status", "sources"], rows,
                         terminal_width()))
        out.append("")
    if refs:
        out.append("Sources")
        for s, i in refs.items():
            c = Citation.parse(s)
            doc = report.documents.get(c.doc, {})
            by = ", ".join(cell(x) for x in (doc.get("author"), doc.get("publisher"), doc.get("published"))
                           if x)
            line = (f"[{i}] {doc.get('name', c.doc)}" + (f" ({by})" if by else "")
                    + (f": {c.locator}" if c.locator else ""))
            out.append(clean_line(line))
    return "\n".join(out).rstrip()


@analyze.command()
@click.option("--camps", metavar="A,B", help="The two states whose camps to bridge (default: the two "
                                             "states with the most ties).")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True,
              help="Rows to show (0: all).")
@click.option("--k", type=click.IntRange(min=1), help="Betweenness: sample K source nodes.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for sampling.")
@engine_option
@filter_options()
@output_option
@handle_errors
def brokers(camps: str | None, top: int, k: int | None, seed: int, engine: str, fmt: str, store: str | None,
            **kw: Any) -> None:
    """Nodes that bridge separate parts: betweenness, articulation points, brokerage roles.

    \b
    bridges        pairs of neighbours, one in each camp, not tied to each other
    articulation   removing the node splits the network
    coordinator    brokers within its own camp
    itinerant      brokers between two nodes of another camp
    representative brokers between its own camp and another
    liaison        brokers between two camps, neither its own
    A node's camp is the state it belongs to (citizenship, posts, organizations, location).
    Roles count only pairs of neighbours in the two camps (--camps, default the two states
    with most ties); the two states themselves are not listed.
    Brokerage roles have no GDS counterpart: --engine gds is refused.
    """
    from relgraph.analytics import api

    filters = filters_from(kw)
    pair = tuple(c.strip() for c in camps.split(",")) if camps else None
    r = api.brokers(store, filters, camps=pair, top=top or None, k=k, seed=seed,
                   engine=engine)  # type: ignore[arg-type]
    camps_text = " and ".join(r.between_names) or "(no two states in the graph)"
    _echo_table(f"Brokers between the camps of {camps_text}{_scope(filters)}", r.columns, r.rows(), fmt)


@analyze.command()
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for Louvain.")
@click.option("--resolution", type=float, default=1.0, show_default=True,
              help="Louvain resolution: above 1 gives smaller communities.")
@click.option("--unweighted", is_flag=True, help="Ignore tie weights.")
@click.option("--min-size", type=click.IntRange(min=1), default=2, show_default=True,
              help="List communities of at least this many nodes.")
@engine_option
@filter_options()
@output_option
@handle_errors
def communities(seed: int, resolution: float, unweighted: bool, min_size: int, engine: str, fmt: str,
                store: str | None, **kw: Any) -> None:
    """Communities (Louvain), largest first, members most connected first."""
    from relgraph.analytics import api

    filters = filters_from(kw)
    r = api.communities(store, filters, seed=seed, resolution=resolution, weighted=not unweighted,
                        min_size=min_size, engine=engine, notice=_notice)
    title = (f"{len(r.communities)} communities (Louvain, seed {r.seed}, modularity {r.modularity:.3f}); "
             f"{r.singletons} isolated nodes not listed{_scope(filters)}")
    _echo_table(title, r.columns, r.rows(), fmt)


@analyze.command()
@click.argument("node")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True, help="Hops from NODE.")
@engine_option
@filter_options()
@output_option
@handle_errors
def ego(node: str, depth: int, engine: str, fmt: str, store: str | None, **kw: Any) -> None:
    """The ego network of a node: who is within --depth hops, and through what."""
    from relgraph.analytics import api

    filters = filters_from(kw)
    r = api.ego(node, store, filters, depth=depth, engine=engine)
    title = (f"Ego network of {r.center_name} (depth {r.depth}): {plural(len(r.members), 'node')}, "
             f"{plural(r.relationships, 'relationship')} among them and the centre{_scope(filters)}")
    _echo_table(title, r.columns, r.rows(), fmt)


@analyze.command()
@click.option("--as-of", "dates", multiple=True, required=True, metavar="DATE",
              help="A snapshot date; give exactly two.")
@click.option("--node", metavar="NAME", help="Also compare this node's position.")
@click.option("--measure", type=click.Choice(MEASURES, case_sensitive=False),
              default="degree", show_default=True,
              help="Measure for the node's rank and the top lists.")
@click.option("--top", type=click.IntRange(min=0), default=5, show_default=True,
              help="Top nodes by --measure to list for each date.")
@click.option("--changes", "list_changes", is_flag=True,
              help="List the nodes and relationships added and removed instead (networkx engine only).")
@engine_option
@filter_options(as_of=False)
@output_option
@handle_errors
def compare(dates: tuple[str, ...], node: str | None, measure: str, top: int, list_changes: bool, engine: str,
            fmt: str, store: str | None, **kw: Any) -> None:
    """How the network (or a node's place in it) changed between two dates."""
    from relgraph.analytics import api

    filters = filters_from(kw)
    if list_changes:
        c = api.changes(list(dates), store, filters, engine=engine)
        title = f"Changes from {c.labels[0]} to {c.labels[1]}: {len(c.changes)}{_scope(filters)}"
        _echo_table(title, c.columns, c.rows(), fmt)
        return
    r = api.compare(list(dates), store, filters, node=node, measure=measure, top=top, engine=engine)
    _echo_table(f"The network on {r.labels[0]} and on {r.labels[1]}{_scope(filters)}",
                r.named_columns(), r.rows(), fmt)


@click.command()
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS, case_sensitive=False), required=True,
              help="graphml, gexf (Gephi, with a timeline), json (node-link, for D3), "
                   "csv (neo4j-admin import files).")
@click.option("-o", "--output", "output", required=True, type=click.Path(), metavar="PATH",
              help="File to write (a folder for csv).")
@click.option("--array-delimiter", default="U+001F", show_default=True, metavar="CHAR",
              help="csv: delimiter between list items: one character, TAB or U+XXXX.")
@filter_options(types_default="all, Documents included")
@handle_errors
def export(fmt: str, output: str, array_delimiter: str, store: str | None, **kw: Any) -> None:
    """Export the graph (all of it, or what the filters keep) for Gephi, D3, Neo4j and others."""
    from relgraph.analytics import api

    skip_teardown()

    filters = filters_from(kw, default_types="all")
    r = api.export(fmt, output, store, filters, delimiter=array_delimiter)
    from relgraph.formats import clean_line

    click.echo(clean_line(f"Wrote {plural(r.nodes, 'node')} and {plural(r.relationships, 'relationship')} "
                          f"as {fmt} to "
                          + (r.files[0] if fmt != "csv" else f"{output} ({len(r.files)} files)")))
    if r.command:
        click.echo(f"Load into an empty Neo4j database (stopped) with:\n  {clean_line(r.command)}")
