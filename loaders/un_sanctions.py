"""The UN Security Council consolidated sanctions list (XML) -> designations.

The list (``CONSOLIDATED_LIST`` with ``INDIVIDUALS`` and ``ENTITIES``, schema
``sc-sanctions.xsd``) is read as a stream: one entry at a time is built and
dropped, so memory stays flat whatever the file's size. The parser is
:mod:`defusedxml`'s, with DTDs refused: the list has none, and refusing them
rules out entity expansion ("billion laughs") and external entities.

Each entry of the chosen regime (``UN_LIST_TYPE``, e.g. DPRK) becomes a Person
(``INDIVIDUAL``) or Organization (``ENTITY``) with its aliases, nationality,
dates and places of birth, identity documents, addresses; a
``DESIGNATED_UNDER`` relationship to the regime's Sanction node carries the
reference number, listing date and the list's comments. Designees that match a
node of another origin by name or alias are linked to it instead (see
:mod:`relgraph.loaders.names`); ambiguous matches are reported, not merged.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from relgraph.errors import InputError, NotFoundError, Problem, UsageError
from relgraph.loaders.countries import code_for_name
from relgraph.loaders.importing import RecordBuilder, StoreView, dedupe, slug
from relgraph.loaders.names import fold, is_weak, match_keys

ROOT = "CONSOLIDATED_LIST"
ENTRY_TYPES = {"INDIVIDUAL": "Person", "ENTITY": "Organization"}
CHUNK = 1 << 16
DOC_PREFIX = "doc:un-sc-consolidated-"


@dataclass(frozen=True)
class Regime:
    """What relgraph knows about a UN sanctions regime, by its ``UN_LIST_TYPE``."""

    list_type: str
    name: str
    resolution: str | None = None  # the founding resolution's number, e.g. "1718"
    reference: str | None = None
    aliases: tuple[str, ...] = ()


KNOWN_REGIMES = {
    "dprk": Regime("DPRK", "UN Security Council sanctions regime on the DPRK (resolution 1718)", "1718",
                   "S/RES/1718 (2006)", ("1718 sanctions regime", "UN sanctions on North Korea")),
}


def regime_info(list_type: str) -> Regime:
    return KNOWN_REGIMES.get(list_type.casefold()) or Regime(
        list_type, f"UN Security Council sanctions regime: {list_type}")


def origin_for(list_type: str) -> str:
    """One origin per regime, so that a newer list replaces the older one."""
    return f"import:un-sanctions/{regime_info(list_type).list_type}"


@dataclass
class Entry:
    """One designated individual or entity, as the list gives it."""

    tag: str  # INDIVIDUAL or ENTITY
    line: int
    reference: str = ""
    list_type: str = ""
    name: str = ""
    aliases: list[str] = field(default_factory=list)
    listed_on: date | None = None
    delisted_on: date | None = None
    comments: str = ""
    description: str = ""
    gender: str = ""
    nationality: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    exact_birth_dates: list[str] = field(default_factory=list)
    birth_years: set[int] = field(default_factory=set)
    birth_places: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    address_countries: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    document_countries: list[str] = field(default_factory=list)

    @property
    def node_type(self) -> str:
        return ENTRY_TYPES[self.tag]


@dataclass
class UNList:
    """The entries of one regime in one list file."""

    path: Path
    regime: str
    generated_raw: str
    generated: date
    entries: list[Entry]
    list_types: Counter[str]
    sha256: str
    size: int

    @property
    def doc_id(self) -> str:
        return DOC_PREFIX + self.generated.isoformat()


# -- reading -------------------------------------------------------------------
def _text(value: str | None) -> str:
    return " ".join((value or "").split())


class _NotAList(Exception):
    def __init__(self, tag: str):
        self.tag = tag


class _Stream:
    """An XML parser target that builds one entry subtree at a time."""

    def __init__(self, on_entry: Any):
        self.on_entry = on_entry
        self.expat: Any = None
        self.depth = 0
        self.root_attrib: dict[str, str] | None = None
        self.builder: ET.TreeBuilder | None = None
        self.line = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.depth += 1
        if self.depth == 1:
            if tag != ROOT:
                raise _NotAList(tag)
            self.root_attrib = dict(attrib)
        elif self.depth == 3 and tag in ENTRY_TYPES:
            self.builder = ET.TreeBuilder()
            self.line = self.expat.CurrentLineNumber
        if self.builder is not None:
            self.builder.start(tag, attrib)

    def end(self, tag: str) -> None:
        if self.builder is not None:
            self.builder.end(tag)
            if self.depth == 3:
                element = self.builder.close()
                self.builder = None
                self.on_entry(element, self.line)
        self.depth -= 1

    def data(self, text: str) -> None:
        if self.builder is not None:
            self.builder.data(text)

    def close(self) -> None:
        return None


def read_un_list(path: str | Path, regime: str = "DPRK") -> UNList:
    """Stream a consolidated list file and keep the entries of one regime.

    Raises :class:`InputError` (file and line) if the file is not well-formed
    XML, not a consolidated list, or has invalid entries; nothing is kept then.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    path = Path(path)
    name = str(path)
    problems: list[Problem] = []
    entries: list[Entry] = []
    list_types: Counter[str] = Counter()
    wanted = regime.strip().casefold()

    def on_entry(element: ET.Element, line: int) -> None:
        list_type = _text(element.findtext("UN_LIST_TYPE"))
        list_types[list_type] += 1
        if list_type.casefold() == wanted:
            entries.append(_entry(element, line, name, problems))

    target = _Stream(on_entry)
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    target.expat = parser.parser
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
                parser.feed(chunk)
            parser.close()
    except OSError as e:
        raise InputError([Problem(name, None, None, None, f"cannot read file: {e.strerror}",
                                  "check the path and its permissions")]) from None
    except ET.ParseError as e:
        line = e.position[0] if e.position else None
        reason = str(e).split(":")[0]
        if reason in ("no element found", "unclosed token"):
            msg, fix = (f"the XML ends before the list does ({reason}): the file is truncated",
                        "download the list again")
        else:
            msg, fix = f"not well-formed XML ({e})", "give the list as the UN publishes it"
        raise InputError([Problem(name, line, None, None, msg, fix)]) from None
    except DefusedXmlException as e:
        raise InputError([Problem(name, parser.parser.CurrentLineNumber, None, None,
                                  f"refused: {type(e).__name__} ({e})",
                                  "a sanctions list has no DTD or entities; give the list as published")]
                         ) from None
    except _NotAList as e:
        raise InputError([Problem(name, 1, None, e.tag,
                                  f"not a UN Security Council consolidated list (root element {e.tag})",
                                  f"give the XML list whose root element is {ROOT}")]) from None
    if target.root_attrib is None:
        raise InputError([Problem(name, None, None, None, "no XML in the file",
                                  "give the consolidated list XML")])
    raw = target.root_attrib.get("dateGenerated", "")
    generated = _date(raw[:10])
    if generated is None:
        problems.append(Problem(name, 1, "dateGenerated", raw or None,
                                "the list has no valid generation date",
                                "give the list as published (its root element has dateGenerated)"))
    if not entries and not problems:
        listed = ", ".join(f"{t} ({n})" for t, n in sorted(list_types.items()))
        raise UsageError(f"{name} has no entries with UN_LIST_TYPE {regime!r}; it lists: {listed or 'none'}")
    seen: dict[str, int] = {}
    for e in entries:
        if e.reference in seen:
            problems.append(Problem(name, e.line, "REFERENCE_NUMBER", e.reference,
                                    f"reference number also used at line {seen[e.reference]}",
                                    "each entry needs its own reference number"))
        seen.setdefault(e.reference, e.line)
    if problems:
        raise InputError(problems)
    list_type = entries[0].list_type
    assert generated is not None
    return UNList(path, list_type, raw, generated, entries, list_types, digest.hexdigest(), size)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _values(element: ET.Element, path: str) -> list[str]:
    return dedupe(_text(v.text) for v in element.iterfind(path))


def _join(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def _entry(el: ET.Element, line: int, file: str, problems: list[Problem]) -> Entry:
    t = el.tag
    e = Entry(t, line)
    e.reference = _text(el.findtext("REFERENCE_NUMBER"))
    e.list_type = _text(el.findtext("UN_LIST_TYPE"))
    parts = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
    e.name = " ".join(_text(el.findtext(n)) for n in parts if _text(el.findtext(n)))
    e.aliases = dedupe([*(_text(a.findtext("ALIAS_NAME")) for a in el.iterfind(f"{t}_ALIAS")),
                        _text(el.findtext("NAME_ORIGINAL_SCRIPT"))])
    if not e.reference:
        problems.append(Problem(file, line, "REFERENCE_NUMBER", None, f"{t} without a reference number",
                                "give the list as published"))
    if not e.name:
        problems.append(Problem(file, line, "FIRST_NAME", None, f"{t} {e.reference} has no name",
                                "give the list as published"))
    listed = _text(el.findtext("LISTED_ON"))
    e.listed_on = _date(listed)
    if e.listed_on is None:
        problems.append(Problem(file, line, "LISTED_ON", listed or None,
                                f"{t} {e.reference}: listing date is not a date (YYYY-MM-DD)",
                                "give the list as published"))
    delisted = _text(el.findtext("DELISTED_ON"))
    if delisted:
        e.delisted_on = _date(delisted)
        if e.delisted_on is None:
            problems.append(Problem(file, line, "DELISTED_ON", delisted,
                                    f"{t} {e.reference}: delisting date is not a date (YYYY-MM-DD)",
                                    "give the list as published"))
    e.comments = _text(el.findtext("COMMENTS1"))
    e.description = "; ".join(_values(el, "TITLE/VALUE") + _values(el, "DESIGNATION/VALUE"))
    e.gender = _text(el.findtext("GENDER"))
    e.nationality = dedupe([*_values(el, "NATIONALITY/VALUE"), _text(el.findtext("NATIONALITY2"))])
    for a in el.iterfind(f"{t}_ADDRESS"):
        parts = [_text(a.findtext(k)) for k in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")]
        note = _text(a.findtext("NOTE"))
        text = _join(*parts) + (f" ({note})" if note else "")
        e.addresses.append(text)
        e.address_countries.append(parts[-1])
    e.addresses = dedupe(e.addresses)
    e.address_countries = dedupe(e.address_countries)
    for d in el.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        _birth_date(d, e)
    e.birth_dates = dedupe(e.birth_dates)
    for p in el.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
        note = _text(p.findtext("NOTE"))
        text = _join(*(_text(p.findtext(k)) for k in ("CITY", "STATE_PROVINCE", "COUNTRY")))
        e.birth_places.append(text + (f" ({note})" if note and text else note))
    e.birth_places = dedupe(e.birth_places)
    for d in el.iterfind("INDIVIDUAL_DOCUMENT"):
        kind = " ".join(_text(d.findtext(k)) for k in ("TYPE_OF_DOCUMENT", "TYPE_OF_DOCUMENT2", "NUMBER")
                        if _text(d.findtext(k)))
        issued = _text(d.findtext("DATE_OF_ISSUE"))
        place = _join(_text(d.findtext("CITY_OF_ISSUE")), _text(d.findtext("COUNTRY_OF_ISSUE")))
        by = _text(d.findtext("ISSUING_COUNTRY"))
        note = _text(d.findtext("NOTE"))
        text = kind + (f", issued {issued}" if issued else "") + (f" in {place}" if place else "")
        text += (f", issued by {by}" if by else "") + (f" ({note})" if note else "")
        e.documents.append(text.strip(", "))
        e.document_countries += [by, _text(d.findtext("COUNTRY_OF_ISSUE"))]
    e.documents = dedupe(e.documents)
    e.document_countries = dedupe(e.document_countries)
    return e


def _birth_date(d: ET.Element, e: Entry) -> None:
    kind = _text(d.findtext("TYPE_OF_DATE")).upper()
    exact, year = _text(d.findtext("DATE")), _text(d.findtext("YEAR"))
    start, end = _text(d.findtext("FROM_YEAR")), _text(d.findtext("TO_YEAR"))
    note = _text(d.findtext("NOTE"))
    if exact:
        text = exact
        if kind in ("", "EXACT") and _date(exact):
            e.exact_birth_dates.append(exact)
        if exact[:4].isdigit():
            e.birth_years.add(int(exact[:4]))
    elif year:
        text = year
        if year.isdigit():
            e.birth_years.add(int(year))
    elif start or end:
        text = f"between {start or '?'} and {end or '?'}"
        if start.isdigit() and end.isdigit():
            e.birth_years.update(range(int(start), int(end) + 1))
    else:
        text = ""
    if text and kind not in ("", "EXACT", "BETWEEN"):
        text = f"{kind.lower()} {text}"
    if note:
        text = f"{text} ({note})" if text else note
    if text:
        e.birth_dates.append(text)


# -- matching designees to nodes already in the store ------------------------------
@dataclass
class Ambiguity:
    reference: str
    listed_name: str
    candidates: list[tuple[str, str]]  # (id, name)
    reason: str


def match_designees(entries: list[Entry], view: StoreView) -> tuple[dict[str, str], list[Ambiguity]]:
    """Entries that match exactly one node of another origin: reference -> node id.

    A node matches when one of its names or aliases folds to the same key as
    one of the entry's (see :func:`~relgraph.loaders.names.match_keys`).
    Names are weak evidence that two people are one (Korean names repeat:
    the list's KPi.052 RI SU YONG, born 1968, is not the foreign minister Ri
    Su Yong), so an individual is linked only when the node's birth year
    (``born``) is one the list gives; a Person whose birth year differs is no
    match. An entity is linked on its full name or a listed alias; a match on
    an abbreviation alone (``MID``) is not enough. Everything else that
    matches, and nodes claimed by several entries, is returned as an
    ambiguity: reported, never merged.
    """
    index: dict[tuple[str, str], set[str]] = {}
    names: dict[str, str] = {}
    other_origin = view.others()
    for node_id, type_, name, aliases in view.names:
        if type_ not in ENTRY_TYPES.values() or node_id not in other_origin:
            continue
        names[node_id] = name
        for n in (name, *aliases):
            for k in match_keys(n or "", person=type_ == "Person"):
                index.setdefault((type_, k), set()).add(node_id)
    links: dict[str, str] = {}
    ambiguous: list[Ambiguity] = []

    def report(e: Entry, hits: set[str], reason: str) -> None:
        ambiguous.append(Ambiguity(e.reference, e.name, sorted((h, names[h]) for h in hits), reason))

    for e in entries:
        keys: set[str] = set()
        for n in (e.name, *e.aliases):
            keys |= match_keys(n, person=e.tag == "INDIVIDUAL")
        strong = {h for k in keys if not is_weak(k) for h in index.get((e.node_type, k), ())}
        weak = {h for k in keys if is_weak(k) for h in index.get((e.node_type, k), ())} - strong
        if e.node_type == "Person":
            years = {h: _born_year(view.node(h)) for h in strong | weak}
            confirmed = {h for h, y in years.items() if y is not None and y in e.birth_years}
            unconfirmed = {h for h, y in years.items() if y is None}
            if len(confirmed) == 1 and not unconfirmed:
                links[e.reference] = next(iter(confirmed))
            elif len(confirmed) > 1:
                report(e, confirmed | unconfirmed, f"{len(confirmed)} nodes match its names and birth year")
            elif confirmed | unconfirmed:
                report(e, confirmed | unconfirmed,
                       "names match, but no date of birth shows it is the same person")
        elif len(strong) == 1:
            links[e.reference] = next(iter(strong))
        elif strong:
            report(e, strong, f"{len(strong)} nodes match its names")
        elif weak:
            report(e, weak, "only an abbreviation matches")
    claimed = Counter(links.values())
    for ref, node_id in list(links.items()):
        if claimed[node_id] > 1:
            others = sorted(r for r, n in links.items() if n == node_id and r != ref)
            entry = next(e for e in entries if e.reference == ref)
            report(entry, {node_id}, f"entries {', '.join(others)} match the same node")
    for a in ambiguous:
        links.pop(a.reference, None)
    ambiguous.sort(key=lambda a: a.reference)
    return links, ambiguous


def _born_year(props: dict[str, Any]) -> int | None:
    born = props.get("born")
    return born.year if isinstance(born, date) else None


# -- the regime node ------------------------------------------------------------
def find_regime(view: StoreView, list_type: str, regime_node: str | None = None) -> str | None:
    """The Sanction node of another origin that stands for the regime, if the store has one.

    With ``regime_node`` that node (it must exist and be a Sanction). Else a
    Sanction of kind ``regime`` whose name, aliases or reference cite the
    regime's founding resolution (1718 for the DPRK).
    """
    if regime_node:
        t = view.index.get(regime_node, (None, None))[0]
        if t is None:
            raise NotFoundError(regime_node)
        if t != "Sanction":
            raise UsageError(f"--regime-node {regime_node} is a {t}, not a Sanction node")
        return regime_node
    info = regime_info(list_type)
    if not info.resolution:
        return None
    others = view.others()
    found = []
    for node_id, type_, name, aliases in view.names:
        if type_ != "Sanction" or node_id not in others:
            continue
        props = view.node(node_id)
        words = set(fold(" ".join([node_id, name or "", *aliases, props.get("reference") or ""])))
        if info.resolution in words and props.get("kind") == "regime":
            found.append(node_id)
    if len(found) > 1:
        raise UsageError(f"several Sanction nodes stand for the {list_type} regime: "
                         f"{', '.join(sorted(found))}; pick one with --regime-node")
    return found[0] if found else None


def find_committee(view: StoreView, list_type: str) -> str | None:
    """The Organization of another origin that is the regime's sanctions committee, if exactly one."""
    info = regime_info(list_type)
    if not info.resolution:
        return None
    others = view.others()
    short = f"{info.resolution} committee"
    full = f"security council committee established pursuant to resolution {info.resolution}"
    found = {i for i, t, name, aliases in view.names
             if t == "Organization" and i in others
             and any(" ".join(fold(n)) == short or " ".join(fold(n)).startswith(full)
                     for n in (name or "", *aliases))}
    return found.pop() if len(found) == 1 else None


# -- building the records ----------------------------------------------------------
@dataclass
class UNPlan:
    regime_id: str
    regime_created: bool
    links: dict[str, str]
    ambiguous: list[Ambiguity]
    new_ids: dict[str, str]  # reference -> node id of every listed entry
    delisted: list[str]  # references newly absent from the list
    still_delisted: list[str]  # references absent before, and still
    unresolved_countries: list[str]


def plan_un_import(unlist: UNList, view: StoreView, builder: RecordBuilder, *,
                   regime_node: str | None = None) -> UNPlan:
    """Add the list's records to ``builder``; return what the import will do."""
    doc = unlist.doc_id
    day = unlist.generated.isoformat()
    builder.add_node(
        "Document", doc, 1, name=f"UN Security Council Consolidated List (generated {day})",
        kind="un-document", publisher="United Nations Security Council", published=day, status="confirmed",
        description=f"The Security Council's consolidated sanctions list, generated {unlist.generated_raw}; "
                    f"imported from {unlist.path.name} ({unlist.size} bytes, sha256 {unlist.sha256}).")
    info = regime_info(unlist.regime)
    regime_id = find_regime(view, unlist.regime, regime_node)
    created = regime_id is None
    if regime_id is None:
        regime_id = f"sanction:un-{slug(info.list_type)}-regime"
        builder.add_node("Sanction", regime_id, 1, name=info.name, aliases=list(info.aliases), kind="regime",
                         reference=info.reference, status="confirmed",
                         sources=[f"{doc} | UN_LIST_TYPE {info.list_type}"],
                         description=f"Individuals and entities the consolidated list gives under "
                                     f"UN_LIST_TYPE {info.list_type}.")
        committee = find_committee(view, unlist.regime)
        if committee:
            builder.add_rel("ADMINISTERS", f"ADMINISTERS:un:{slug(info.list_type)}", committee, regime_id, 1,
                            status="confirmed", sources=[f"{doc} | UN_LIST_TYPE {info.list_type}"])
    links, ambiguous = match_designees(unlist.entries, view)
    unresolved: list[str] = []

    def state(name: str) -> str | None:
        code = code_for_name(name)
        if code is None:
            unresolved.append(name)
            return None
        return builder.ensure_state(code)

    new_ids: dict[str, str] = {}
    for e in unlist.entries:
        ref = e.reference
        cite = [f"{doc} | {ref}"]
        prefix = "person" if e.node_type == "Person" else "org"
        node_id = links.get(ref) or f"{prefix}:un-{slug(ref)}"
        new_ids[ref] = node_id
        if ref not in links:
            # The reference number is an alias too: `relgraph show KPi.052` finds the entry.
            props: dict[str, Any] = {"name": e.name, "aliases": dedupe([*e.aliases, ref]),
                                     "status": "confirmed", "sources": cite,
                                     "description": e.description or None, "addresses": e.addresses}
            if e.node_type == "Person":
                props.update(gender=e.gender, nationality=e.nationality, birthDates=e.birth_dates,
                             birthPlaces=e.birth_places, identityDocuments=e.documents,
                             documentCountries=e.document_countries,
                             born=e.exact_birth_dates[0] if len(e.exact_birth_dates) == 1 else None)
            builder.add_node(e.node_type, node_id, e.line, **props)
        builder.add_rel("DESIGNATED_UNDER", f"DESIGNATED_UNDER:un:{ref}", node_id, regime_id, e.line,
                        status="confirmed", sources=cite, reference=ref, listedName=e.name,
                        validFrom=e.listed_on, validTo=e.delisted_on, description=e.comments or None)
        if e.node_type == "Person":
            for nat in e.nationality:
                s = state(nat)
                if s and f"CITIZEN_OF:un:{ref}:{s}" not in builder.rel_ids:
                    builder.add_rel("CITIZEN_OF", f"CITIZEN_OF:un:{ref}:{s}", node_id, s, e.line,
                                    status="confirmed", sources=[f"{doc} | {ref}: nationality {nat}"])
        else:
            for place in e.address_countries:
                s = state(place)
                if s and f"LOCATED_IN:un:{ref}:{s}" not in builder.rel_ids:
                    builder.add_rel("LOCATED_IN", f"LOCATED_IN:un:{ref}:{s}", node_id, s, e.line,
                                    status="confirmed", sources=[f"{doc} | {ref}: address in {place}"])
    delisted, still = _carry_delisted(unlist, view, builder, regime_id)
    return UNPlan(regime_id, created, links, ambiguous, new_ids, delisted, still, dedupe(unresolved))


def _carry_delisted(unlist: UNList, view: StoreView, builder: RecordBuilder,
                    regime_id: str) -> tuple[list[str], list[str]]:
    """Keep what an earlier list held and this one does not, ended on this list's date."""
    listed = {e.reference for e in unlist.entries}
    delisted, still = [], []
    day = unlist.generated
    for rel in view.prev_rels:
        _id, type_, source, _target, props = rel
        ref = props.get("reference")
        if type_ != "DESIGNATED_UNDER" or not ref or ref in listed:
            continue
        if not (source in view.prev_nodes or view.elsewhere(source)):
            continue  # its designee was removed from the store by someone else
        changes: dict[str, Any] = {"to": regime_id}
        if props.get("validTo") is None:
            delisted.append(ref)
            changes["validTo"] = day
            changes["sources"] = [*props.get("sources", []), f"{unlist.doc_id} | {ref} is not on this list"]
            note = f"Not on the consolidated list generated {day.isoformat()}."
            changes["note"] = f"{props['note']} {note}" if props.get("note") else note
        else:
            still.append(ref)
        builder.carry_rel(rel, **changes)
        builder.carry_node(source)
        for other in view.prev_rels:
            if other[2] == source and other[1] != "DESIGNATED_UNDER" and f":un:{ref}:" in other[0] \
                    and other[0] not in builder.rel_ids:
                builder.carry_rel(other)
    return sorted(delisted), sorted(still)

