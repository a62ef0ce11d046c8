"""Commands on the store and its data: ``load``, ``validate``, ``stats``, ``schema``, ``sync``,
``show``. Heavy modules are imported inside the commands, so ``relgraph --help`` stays fast.
"""

from __future__ import annotations

import json
import shlex
import shutil
import textwrap
from pathlib import Path
from typing import Any

import click

from relgraph.cli.options import (
    PROGRESS_THRESHOLD,
    format_option,
    handle_errors,
    progress_bar,
    quiet_option,
    store_option,
)
from relgraph.dates import when


@click.command()
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
        return progress_bar(total) if not quiet and total >= PROGRESS_THRESHOLD else None

    report = api.load(list(paths) or None, store=store, progress=progress)
    if quiet:
        return
    from relgraph.formats import clean_line, plural

    c, n_nodes, n_rels = report.changes, report.nodes, report.relationships
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


@click.command()
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


@click.command()
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


@click.command()
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


@click.command()
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


@click.command()
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
    status_line = (f"status: {n.get('status')}", when(n), cite(n.get("sources")))
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
        bits.append(when(r))
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
