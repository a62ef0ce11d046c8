"""The ``relgraph`` command line: parse arguments, call one library function, format.

Heavy modules (the database engine, networkx, pyvis, the Neo4j driver) are
imported inside commands, so ``relgraph --help`` stays fast.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import shutil
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from relgraph import __version__
from relgraph.errors import RelgraphError

if __name__ == "__main__":  # `python -m relgraph.cli`: command modules import this very module
    sys.modules.setdefault("relgraph.cli", sys.modules[__name__])

PROGRESS_THRESHOLD = 5_000  # records; smaller loads finish before a bar is useful


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
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"], case_sensitive=False),
    default="table", show_default=True,
    help="Output format.",
)


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


def _progress(total: int) -> Any:
    return click.progressbar(length=total, label="Loading", file=sys.stderr, show_pos=True)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@store_option
@quiet_option
@handle_errors
def load(paths: tuple[str, ...], store: str | None, quiet: bool) -> None:
    """Validate data files and load them into the store.

    With no PATH, loads the bundled Russia–DPRK dataset. PATH may be a file
    (.yaml, .yml, .csv) or a folder of them. Everything is validated before
    anything is written; loading the same files twice gives the same graph.
    """
    from relgraph import api

    def progress(total: int) -> Any:
        return _progress(total) if not quiet and total >= PROGRESS_THRESHOLD else None

    report = api.load(list(paths) or None, store=store, progress=progress)
    if quiet:
        return
    from relgraph.formats import clean_line, plural

    c, counts = report.changes, report.dataset_counts
    schema_nodes = _node_types()
    n_nodes = sum(n for t, n in counts.items() if t in schema_nodes)
    n_rels = sum(n for t, n in counts.items() if t not in schema_nodes)
    files = plural(report.files, "file")
    if not c:
        click.echo(clean_line(f"Nothing changed: {report.location} already holds the "
                              f"{plural(n_nodes, 'node')} and {plural(n_rels, 'relationship')} of "
                              f"{'this file' if report.files == 1 else f'these {files}'} "
                              f"(checked in {report.seconds:.1f} s)"))
        return
    click.echo(clean_line(f"Loaded {plural(n_nodes, 'node')} and {plural(n_rels, 'relationship')} "
                          f"from {files} into {report.location} in {report.seconds:.1f} s"))
    unchanged = (f" ({c.files_changed} of {files} changed; the others were left as they were)"
                 if c.files_changed < c.files else "")
    click.echo(f"  nodes: {c.nodes_added} added, {c.nodes_updated} updated, {c.nodes_removed} removed; "
               f"relationships: {c.relationships_added} added, {c.relationships_updated} updated, "
               f"{c.relationships_removed} removed{unchanged}")
    if report.removed_files:
        click.echo(clean_line(f"  removed what {plural(len(report.removed_files), 'deleted file')} held: "
                              + ", ".join(report.removed_files)))
    again = "" if store is None else " --store " + shlex.quote(store)
    click.echo(clean_line(f'Next: relgraph stats{again}, or relgraph show "Rajin-Khasan"{again}'))


def _node_types() -> set[str]:
    from relgraph.schema import load_schema

    return set(load_schema().nodes)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@store_option
@quiet_option
@handle_errors
def validate(paths: tuple[str, ...], store: str | None, quiet: bool) -> None:
    """Check data files against the schema without loading them.

    With no PATH, checks the bundled dataset. The files are checked as `load`
    would take them into the store, where it exists: they may cite documents
    and link nodes it holds from other files. Reports every problem at once,
    each with file, line, field, value and fix.
    """
    from relgraph import api
    from relgraph.store import NEO4J_SCHEMES, resolve_location

    location = resolve_location(store)
    against = store is not None or location.startswith(NEO4J_SCHEMES) or Path(location).exists()
    ds = api.validate(list(paths) or None, store=location if against else None)
    if not quiet:
        from relgraph.formats import plural

        click.echo(f"OK: {plural(len(ds.origins), 'file')}, {plural(len(ds.nodes), 'node')}, "
                   f"{plural(len(ds.relationships), 'relationship')}"
                   + (f" (checked against {location})" if against else ""))


@main.command()
@store_option
@format_option
@handle_errors
def stats(store: str | None, fmt: str) -> None:
    """Count nodes and relationships per type."""
    from relgraph import api
    from relgraph.formats import table

    counts = api.stats(store=store)
    cov = api.coverage(store=store)
    facts = cov.facts_until.isoformat() if cov.facts_until else None
    sources = cov.sources_until.isoformat() if cov.sources_until else None
    if fmt == "json":
        click.echo(json.dumps({**counts, "coverage": {"factsUntil": facts, "sourcesUntil": sources}},
                              indent=2))
        return
    if fmt == "csv":
        from relgraph.formats import render

        click.echo(render(["kind", "type", "count"],
                          [[kind.removesuffix("s"), t, n] for kind in ("nodes", "relationships")
                           for t, n in sorted(counts[kind].items()) if n], "csv"))
        return
    for kind in ("nodes", "relationships"):
        rows = [[t, n] for t, n in sorted(counts[kind].items(), key=lambda kv: (-kv[1], kv[0])) if n]
        rows.append(["total", sum(counts[kind].values())])
        click.echo(table(["node type" if kind == "nodes" else "relationship type", "count"], rows))
        click.echo()
    click.echo(f"coverage: facts up to {facts or 'none dated'}, "
               f"sources published up to {sources or 'none dated'}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "yaml", "json"], case_sensitive=False),
              default="text",
              show_default=True, help="Output format.")
@handle_errors
def schema(fmt: str) -> None:
    """Print the graph schema: node types, relationship types, properties."""
    from relgraph.schema import load_schema

    s = load_schema()
    if fmt == "json":
        click.echo(json.dumps(s.raw, indent=2, default=str))
        return
    if fmt == "yaml":
        import yaml

        click.echo(yaml.safe_dump(s.raw, sort_keys=False, allow_unicode=True))
        return
    click.echo("Every node and relationship carries: status (" + ", ".join(s.statuses)
               + "), sources, date, validFrom, validTo, note, description.\n")
    click.echo("NODE TYPES")
    for t in s.nodes.values():
        own = [p for p in t.properties.values() if p.name in _own_props(s, t.name)]
        click.echo(f"  {t.name} ({t.id_prefix}:...) - {t.description}")
        for p in own:
            req = " required" if p.required else ""
            vals = f" [{', '.join(p.values)}]" if p.values else ""
            click.echo(f"      {p.name}: {p.type}{req}{vals}")
    click.echo("\nRELATIONSHIP TYPES")
    for r in s.relationships.values():
        ends = ", ".join(f"{a}->{b}" for a, b in r.endpoints)
        click.echo(f"  {r.name}: {ends} - {r.description}")
        for p in r.properties.values():
            if p.name in _own_props(s, r.name):
                click.echo(f"      {p.name}: {p.type}")


def _own_props(s: Any, type_name: str) -> set[str]:
    spec = s.raw.get("nodes", {}).get(type_name) or s.raw.get("relationships", {}).get(type_name) or {}
    names = set((spec.get("properties") or {}).keys())
    if type_name in s.raw.get("nodes", {}):
        names |= set(s.raw.get("node_common") or {}) - {"aliases"}
    return names


@main.command()
@click.option("--from", "source", metavar="PATH|URI", default=None,
              help="Store to copy from (default: the embedded relgraph.db).")
@click.option("--to", "target", metavar="PATH|URI", required=True,
              help="Store to copy into, e.g. neo4j://localhost:7687.")
@quiet_option
@handle_errors
def sync(source: str | None, target: str, quiet: bool) -> None:
    """Copy every node and relationship from one store into another.

    \b
    relgraph sync --to neo4j://localhost:7687            embedded -> Neo4j
    relgraph sync --from neo4j://localhost:7687 --to x.db  Neo4j -> embedded
    """
    from relgraph import api

    report = api.sync(source, target)
    if not quiet:
        r = report.result
        from relgraph.formats import plural

        click.echo(f"Copied {plural(r.nodes_added + r.nodes_updated, 'node')} and "
                   f"{plural(r.relationships_written, 'relationship')} from {report.source} to "
                   f"{report.location} in {report.seconds:.1f} s")


@main.command()
@click.argument("node")
@store_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"], case_sensitive=False), default="text",
              show_default=True, help="Output format.")
@handle_errors
def show(node: str, store: str | None, fmt: str) -> None:
    """Show one node (by id, name or alias): what it is, its links, their sources."""
    from relgraph import api

    report = api.show(node, store=store)
    if fmt == "json":
        from relgraph.formats import _json_default

        click.echo(json.dumps({"node": report.node, "relationships": report.relationships,
                               "documents": report.documents},
                              default=_json_default, indent=2, ensure_ascii=False))
        return
    click.echo(render_node(report))


REL_SHOWN = ("type", "direction", "other", "id", "status", "sources", "date", "datePrecision", "validFrom",
             "validTo", "note", "description")
SHOWN_FIRST = ("name", "type", "id", "aliases", "status", "date", "datePrecision", "validFrom",
               "validTo", "description", "note", "sources")


def render_node(report: Any) -> str:
    """A node report as text for a terminal, citations numbered and listed at the end."""
    from relgraph.dates import is_precision
    from relgraph.formats import cell, clean_line
    from relgraph.model import Citation

    width = min(shutil.get_terminal_size((100, 20)).columns, 120)
    refs: dict[str, int] = {}

    def cite(sources: list[str] | None) -> str:
        marks = []
        for s in sources or []:
            refs.setdefault(s, len(refs) + 1)
            marks.append(f"[{refs[s]}]")
        return "".join(marks)

    def wrap(text: str, indent: str = "  ") -> str:
        return textwrap.fill(clean_line(text), width, initial_indent=indent, subsequent_indent=indent)

    n = report.node
    # Each line from the data is one line: a line break in a value is shown, not printed.
    out = [clean_line(f"{n.get('name')}  ({n.get('type')}, {n.get('id')})")]
    if n.get("aliases"):
        out.append(wrap("also: " + "; ".join(n["aliases"])))
    status_line = (f"status: {n.get('status')}", _when(n), cite(n.get("sources")))
    out.append(clean_line("  " + "  ".join(x for x in status_line if x)))
    extra = [(k, v) for k, v in n.items()
             if k not in SHOWN_FIRST and v not in ([], "") and not is_precision(k)]
    if extra:
        out.append(wrap("  ".join(f"{k}: {cell(v)}" for k, v in extra)))
    if n.get("description"):
        out.append(wrap(n["description"]))
    if n.get("note"):
        out.append(wrap("note: " + n["note"]))
    out.append("")
    out.append(f"Relationships ({len(report.relationships)})")
    for r in report.relationships:
        arrow = "->" if r["direction"] == "out" else "<-"
        other = r["other"]
        bits = [f"  {r['type']} {arrow} {other['name']} ({other['type']})"]
        for k, v in r.items():  # the relationship type's own properties (role, share, effect ...)
            if k not in REL_SHOWN and v not in (None, [], "") and not is_precision(k):
                bits.append(f"{k}: {cell(v)}")
        when = _when(r)
        if when:
            bits.append(when)
        bits.append(str(r.get("status")))
        bits.append(cite(r.get("sources")))
        out.append(clean_line("  ".join(b for b in bits if b)))
        if r.get("description"):
            out.append(wrap(r["description"], "      "))
        if r.get("note"):
            out.append(wrap("note: " + r["note"], "      "))
    if refs:
        out.append("")
        out.append("Sources")
        for s, i in refs.items():
            c = Citation.parse(s)
            doc = report.documents.get(c.doc, {})
            title = doc.get("name", c.doc)
            by = ", ".join(cell(x) for x in (doc.get("author"), doc.get("publisher"),
                                              doc.get("published")) if x)
            line = f"[{i}] {title}" + (f" ({by})" if by else "") + (f": {c.locator}" if c.locator else "")
            out.append(textwrap.fill(clean_line(line), width, subsequent_indent="    "))
    return "\n".join(out)


def _when(item: dict[str, Any]) -> str:
    from relgraph.formats import cell

    if item.get("date"):  # dates come cut to what is known (api.show)
        return "date: " + cell(item["date"])
    start, end = item.get("validFrom"), item.get("validTo")
    if start or end:
        return f"valid: {cell(start) or '?'} to {cell(end) or 'now'}"
    return ""


from relgraph.cli_analyze import analyze, export  # noqa: E402

main.add_command(analyze)
main.add_command(export)
from relgraph.cli_view import view  # noqa: E402

main.add_command(view)
from relgraph.cli_import import import_group  # noqa: E402

main.add_command(import_group)
from relgraph.cli_query import query  # noqa: E402

main.add_command(query)

if __name__ == "__main__":
    main()
