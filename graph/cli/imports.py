"""``relgraph import``: load public data (UN sanctions list, GDELT events) into the store.

Each command parses its arguments, calls one function of
:mod:`relgraph.imports` and prints what it did.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any

import click

from relgraph.cli.options import PROGRESS_THRESHOLD, handle_errors, store_option
from relgraph.formats import plural


@click.group(name="import")
def import_group() -> None:
    """Import public data: the UN sanctions list, GDELT events.

    \b
    relgraph import un-sanctions consolidated.xml --regime DPRK
    relgraph import gdelt 20160728.export.CSV            one relationship per event
    relgraph import gdelt events.csv --aggregate         one per pair of states and year

    Each import is kept apart from the curated data and from other imports:
    importing the same GDELT file (or a UN list for the same regime) again
    replaces what it wrote before; another GDELT file is added beside it.
    """


_format = click.option("--format", "fmt", type=click.Choice(["text", "json"], case_sensitive=False),
    default="text",
                       show_default=True, help="Output format.")
_quiet = click.option("-q", "--quiet", is_flag=True, help="Print errors only.")


def _json(report: Any) -> str:
    from relgraph.formats import _json_default

    return json.dumps(asdict(report), default=_json_default, indent=2, ensure_ascii=False)


@import_group.command("un-sanctions")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--regime", default="DPRK", show_default=True, metavar="LIST_TYPE",
              help="Which regime's entries to import: the list's UN_LIST_TYPE (DPRK, Iran, Al-Qaida, ...).")
@click.option("--regime-node", metavar="ID",
              help="Link designations to this Sanction node (default: the store's node for the "
                   "regime if it has one, else a new one).")
@store_option
@_format
@_quiet
@handle_errors
def un_sanctions(file: str, regime: str, regime_node: str | None, store: str | None, fmt: str,
                 quiet: bool) -> None:
    """Import the UN Security Council consolidated sanctions list (XML).

    Every designated individual and entity of the regime becomes a Person or
    Organization (aliases, nationality, dates of birth, documents, addresses)
    designated under the regime with its reference number, listing date and
    the list's comments. A designee matching one existing node by name or
    alias (an individual also by birth year) is linked to it; other matches
    are listed as warnings, never merged.
    Importing a newer list updates entries and ends (validTo) the
    designations of entries it no longer holds.
    """
    from relgraph.imports import import_un_sanctions

    r = import_un_sanctions(file, regime=regime, store=store, regime_node=regime_node)
    if fmt == "json":
        click.echo(_json(r))
        return
    if quiet:
        return
    w = r.result
    click.echo(f"Imported {r.individuals} individuals and {r.entities} entities under {r.regime} "
               f"from {file} into {r.location} in {r.seconds:.1f} s")
    click.echo(f"  nodes: {w.nodes_added} added, {w.nodes_updated} updated, {w.nodes_removed} removed; "
               f"relationships: {w.relationships_written} written, {w.relationships_removed} replaced")
    new = " (new)" if r.regime_created else ""
    click.echo(f"  regime: {r.regime_node}{new}; source: {r.document}")
    if r.linked:
        click.echo(f"  linked to existing nodes ({len(r.linked)}): "
                   + ", ".join(f"{ref} -> {node}" for ref, node in sorted(r.linked.items())))
    if r.delisted:
        click.echo(f"  no longer listed, designation ended ({len(r.delisted)}): {', '.join(r.delisted)}")
    if r.created_states:
        click.echo(f"  new State nodes: {', '.join(r.created_states)}")
    if r.unresolved_countries:
        click.echo(f"  countries not matched to a State (kept as text): {'; '.join(r.unresolved_countries)}")
    for a in r.ambiguous:
        cands = ", ".join(f"{i} ({n})" for i, n in a.candidates)
        click.echo(f"warning: {a.reference} {a.listed_name!r} may be {cands}: {a.reason}; "
                   "imported as its own node, not linked", err=True)


@import_group.command("gdelt")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--aggregate", is_flag=True,
              help="One relationship per ordered pair of states and year (count, mean Goldstein) "
                   "instead of one per event. Always on for dyad-year count files.")
@click.option("--state", "states", multiple=True, metavar="ISO3",
              help="Keep events involving this state; give it twice or more to keep only events "
                   "between the states given (e.g. --state RUS --state PRK).")
@store_option
@_format
@_quiet
@handle_errors
def gdelt(file: str, aggregate: bool, states: tuple[str, ...], store: str | None, fmt: str,
          quiet: bool) -> None:
    """Import GDELT 1.0 events (CAMEO-coded) between states.

    FILE is a GDELT 1.0 event file (tab-separated, 57 or 58 columns, or its
    .zip) or a dyad-year counts file. Events whose two actors belong to
    different states become CAMEO_EVENT relationships between the State nodes
    (CAMEO code and name, quad class, Goldstein score, source URL), or with
    --aggregate CAMEO_DYAD_YEAR relationships.
    """
    from relgraph.imports import import_gdelt

    def progress(total: int) -> Any:
        if quiet or fmt == "json" or total < PROGRESS_THRESHOLD:
            return None
        return click.progressbar(length=total, label="Writing", file=sys.stderr, show_pos=True)

    r = import_gdelt(file, aggregate=aggregate, states=states, store=store, progress=progress)
    if fmt == "json":
        click.echo(_json(r))
        return
    if quiet:
        return
    what = "dyad-year aggregates" if r.aggregate else "events"
    click.echo(f"Imported {r.relationships} {what} between states from {file} into {r.location} "
               f"in {r.seconds:.1f} s")
    events = f" ({plural(r.kept, 'event')})" if r.kind == "dyad-years" else ""
    click.echo(f"  {plural(r.rows, 'row')} read: {r.kept_rows} between two states{events}; left out: "
               f"{r.non_state} with a non-state actor, {r.domestic} within one state, {r.filtered} outside "
               "--state")
    if r.created_states:
        click.echo(f"  new State nodes ({len(r.created_states)}): {', '.join(r.created_states)}")
    click.echo(f"  source: {r.document}; origin: {r.origin}")
