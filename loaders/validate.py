"""Validate raw records against the schema and turn them into graph model objects.

Every problem is collected (not just the first), each naming file, line, field,
value and the fix. Nothing here touches a store.
"""

from __future__ import annotations

import calendar
import difflib
import functools
import math
import re
import sys
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from relgraph.errors import Problem
from relgraph.loaders.csvfile import FileNameType
from relgraph.loaders.records import RawRecord
from relgraph.model import Citation, Dataset, Node, Relationship
from relgraph.schema import NodeType, Property, RelType, Schema

RESERVED = ("type", "id", "from", "to")
# A node id: a lower-case prefix, ":" and a slug of ASCII letters, digits, ".", "_" and "-",
# matched whole (fullmatch). Ids are case-sensitive, but two ids may not differ by case alone.
ID_RE = re.compile(r"[a-z][a-z0-9]*:[A-Za-z0-9._-]+", re.ASCII)
DATE_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2}))?(?:-([0-9]{2}))?", re.ASCII)
# What no text may hold: control characters but tab and line feed (a carriage return too:
# write line breaks as line feeds), surrogates and the non-characters U+FFFE and U+FFFF.
# XML cannot carry most of them, terminals act on them, and the neo4j-admin export joins
# list items with U+001F because no text holds it.
BAD_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
INT_TEXT = re.compile(r"-?[0-9]+", re.ASCII)
FLOAT_TEXT = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?", re.ASCII)
INT64 = (-(2**63), 2**63 - 1)
TRUE = {"true", "yes", "1", "y"}
FALSE = {"false", "no", "0", "n"}


END_DATES = frozenset({"validTo", "died"})  # a partial date stands for its period's last day


_LATER = Relationship("", "", "", "", {}, "")  # a relationship to validate once every node is known


class _Bad(Exception):
    def __init__(self, message: str, fix: str):
        self.message, self.fix = message, fix


def parse_date(value: Any, *, end: bool = False) -> tuple[date, str]:
    """Parse a full or partial date; return the date and its precision.

    A partial date stands for the first day of its period, or its last day
    when ``end`` is true.

    >>> parse_date("2023-09-13")
    (datetime.date(2023, 9, 13), 'day')
    >>> parse_date("2023-11")
    (datetime.date(2023, 11, 1), 'month')
    >>> parse_date(1996, end=True)
    (datetime.date(1996, 12, 31), 'year')
    """
    if isinstance(value, datetime):
        raise _Bad("a date and time", "write the date alone, YYYY-MM-DD (relgraph keeps days, not times)")
    if isinstance(value, date):
        return value, "day"
    # A bool is an int too: its text ("True") is no date, and says so.
    return _parse_date_text(str(value).strip() if isinstance(value, (str, int)) else "", end)


@functools.lru_cache(maxsize=1 << 16)
def _parse_date_text(text: str, end: bool) -> tuple[date, str]:
    # Cached: a big load repeats the same few thousand dates, and then shares their objects.
    m = DATE_RE.fullmatch(text)
    if not m:
        raise _Bad("not a date", "write YYYY-MM-DD (or YYYY-MM, or YYYY when only the year is known)")
    y, mo, d = int(m[1]), m[2], m[3]
    try:
        if d:
            return date(y, int(mo), int(d)), "day"
        if mo:
            month = int(mo)  # a month out of 1..12 fails either call with a ValueError
            return date(y, month, calendar.monthrange(y, month)[1] if end else 1), "month"
        return date(y, 12, 31) if end else date(y, 1, 1), "year"
    except ValueError as e:
        raise _Bad(f"impossible date ({e})", "check the day and month") from None


@functools.cache
def _precision_key(name: str) -> str:
    """``datePrecision`` for ``date``: one key object for every record (memory at a million)."""
    return sys.intern(f"{name}Precision")


def _closest(word: str, options: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The option most like ``word``, if one is close enough.

    >>> _closest("reportd", ["report", "reported", "denied"])
    'reported'
    """
    close = difflib.get_close_matches(word, list(options), cutoff=cutoff)  # the closest first
    return close[0] if close else None


def _derived(kind: NodeType | RelType, name: str) -> bool:
    """Whether ``name`` is the ``…Precision`` companion of a date property (the loader sets it)."""
    base = name.removesuffix("Precision")
    return base != name and getattr(kind.properties.get(base), "type", None) == "date"


def _suggest(word: str, options: Iterable[str]) -> str:
    options = list(options)
    close = _closest(word, options)
    listed = ", ".join(sorted(options))
    return f"did you mean {close!r}? allowed: {listed}" if close else f"allowed: {listed}"


def _as_list(value: Any, from_csv: bool) -> list[Any]:
    if from_csv and isinstance(value, str):
        return [v.strip() for v in value.split(";") if v.strip()]
    if isinstance(value, list):
        return value
    raise _Bad("must be a list", "write a list, e.g. [a, b] or one `- item` per line")


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Bad("must be text",
                   "write plain text (quote it if it looks like a number, a list, or yes/no/true/false)")
    # A number in YAML keeps the text it was written as (`1.50`, not `1.5`; see yamlfile).
    text = value if isinstance(value, str) else getattr(value, "yaml_text", None) or str(value)
    check_text(text)
    return text


def check_text(text: str) -> None:
    """Raise ``_Bad`` if ``text`` holds a character no text may hold (see ``BAD_TEXT``)."""
    m = BAD_TEXT.search(text)
    if m:
        raise _Bad(f"holds the character U+{ord(m.group()):04X} at position {m.start() + 1}",
                   "remove it: a text may hold tabs and line breaks (\\n), but no other control character")


def coerce(prop: Property, value: Any, from_csv: bool) -> Any:
    """Convert a raw value to the property's type, or raise ``_Bad``."""
    t = prop.type
    if t == "string":
        text = _scalar_text(value)
        if prop.name == "name" and not text.strip():
            raise _Bad("a name of blanks only", "write the name, or leave the property out")
        # Short values (roles, codes) repeat across rows: one shared object each (memory at a million).
        return sys.intern(text) if len(text) < 32 else text
    if t == "text":
        return _scalar_text(value)
    if t == "string[]":
        return [_scalar_text(v) for v in _as_list(value, from_csv)]
    if t == "sources":
        out = []
        for v in _as_list(value, from_csv):
            if isinstance(v, str) and v.strip():  # tested first: cheaper than the Mapping check
                check_text(v)
                out.append(Citation.parse(v))
            elif isinstance(v, Mapping) and "doc" in v:
                out.append(Citation(_scalar_text(v["doc"]).strip(), _scalar_text(v.get("loc", "")).strip()))
            else:
                raise _Bad("a citation must be 'DOCUMENT-ID | LOCATOR' or {doc: ..., loc: ...}",
                           "write e.g. \"doc:eai-2024-06-05 | para 3\"")
        return out
    if t == "date":
        return parse_date(value, end=prop.name in END_DATES)
    if t == "int":
        is_int = isinstance(value, int) and not isinstance(value, bool)
        if is_int or (from_csv and isinstance(value, str) and INT_TEXT.fullmatch(value)):
            number = int(value)
        else:
            raise _Bad("not a whole number", "write a decimal whole number, e.g. 12 (no leading 0, _ or 0x)")
        if not INT64[0] <= number <= INT64[1]:  # the stores' integers are 64-bit
            raise _Bad("out of range", f"write a whole number between {INT64[0]} and {INT64[1]}")
        return number
    if t == "float":
        number = None
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if is_number or (from_csv and isinstance(value, str) and FLOAT_TEXT.fullmatch(value)):
            number = float(value)
        if number is None:
            raise _Bad("not a number", "write a number, e.g. 17.5")
        if not math.isfinite(number):
            raise _Bad("not a finite number", "write a finite number, e.g. 17.5 (no NaN or infinity)")
        return number
    if t == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in TRUE | FALSE:
            return value.lower() in TRUE
        raise _Bad("not true or false", "write true or false")
    if t == "enum":
        text = _scalar_text(value)
        if text not in prop.values:
            raise _Bad("not an allowed value", _suggest(text, prop.values))
        return sys.intern(text)
    raise AssertionError(t)


class Validator:
    """Turns raw records into a :class:`Dataset`, collecting problems."""

    def __init__(self, schema: Schema, origins: Mapping[str, str],
                 existing: Mapping[str, str] | None = None,
                 existing_origins: Mapping[str, str] | None = None):
        self.schema = schema
        self.origins = origins
        # Nodes already in the store (id -> type) that this load keeps,
        # and the files they came from (id -> origin).
        self.existing = dict(existing or {})
        self.existing_origins = dict(existing_origins or {})
        self.problems: list[Problem] = []
        # Ids of node entries that have problems of their own: references to
        # them are not reported again as references to unknown nodes.
        self.broken: set[str] = set()
        self._types: dict[str, tuple[NodeType | None, RelType | None]] = {}
        self._required: dict[str, list[Property]] = {}
        self._misnamed: set[str] = set()  # CSV files whose name was reported as not a type
        # Ids folded to lower case -> (id, where defined): no two may differ by case alone.
        self._folded: dict[str, tuple[str, str | RawRecord]] = {}  # (id, origin or where in a file)
        self._folded_existing = False
        self._doc_lists: dict[tuple[str, ...], list[str]] = {}  # see _check_sources

    def bad(self, rec: RawRecord, field: str | None, value: Any, message: str, fix: str) -> None:
        self.problems.append(Problem(rec.file, rec.line_of(field), field, value, message, fix))

    def run(self, records: Iterable[RawRecord]) -> Dataset:
        nodes: dict[str, tuple[Node, RawRecord]] = {}
        rel_recs: list[tuple[RawRecord, RelType]] = []
        rels: dict[str, tuple[Relationship, str]] = {}  # id -> (relationship, file)
        # Node ids and types seen so far (with the store's): a relationship whose ends and cited
        # documents are all among them is validated as it is read, and its raw record let go
        # (memory: not a million raw records held until every file is read).
        # Once one has to wait for nodes defined further on, every later one waits too, so
        # that relationships are still checked, and duplicates found, in the files' order.
        types: dict[str, str] = dict(self.existing)
        waiting = False
        for rec in records:
            kind = self._kind(rec)
            if kind is None and rec.section != "relationships" and "from" not in rec.data:
                self.broken.add(str(rec.data.get("id") or ""))
            if isinstance(kind, NodeType):
                node = self._node(rec, kind)
                if node is None:
                    self.broken.add(str(rec.data.get("id") or ""))
                    continue
                if node.id in nodes:
                    first = nodes[node.id][1]
                    self.bad(rec, "id", node.id, f"duplicate id (first defined at {first.file}:{first.line})",
                             "give each node its own id, or merge the two entries")
                    continue
                if node.id in self.existing:
                    where = self.existing_origins.get(node.id, "another file")
                    self.bad(rec, "id", node.id, f"duplicate id (already loaded from {where})",
                             "give this node its own id; to move the node into this file, remove it "
                             "from the other file and load both files together")
                    continue
                folded = node.id.casefold()
                other = self._folded.get(folded)
                if other is None and not self._folded_existing:
                    self._folded_existing = True
                    self._folded.update((i.casefold(), (i, self.existing_origins.get(i, "the store")))
                                        for i in self.existing)
                    other = self._folded.get(folded)
                if other is not None:  # never the same id: that is a duplicate, refused above
                    where = other[1] if isinstance(other[1], str) else f"{other[1].file}:{other[1].line}"
                    self.bad(rec, "id", node.id,
                             f"differs only in letter case from {other[0]!r} ({where})",
                             "ids are case-sensitive but may not differ by case alone: use that id, "
                             "or give this node a distinct one")
                    continue
                # Only where the node is, not its raw record: every node's is held to the end.
                rec = RawRecord(rec.file, rec.line, {},
                                {"sources": rec.lines["sources"]} if "sources" in rec.lines else {})
                self._folded[folded] = (node.id, rec)
                nodes[node.id] = (node, rec)
                types[node.id] = node.type
            elif isinstance(kind, RelType) and (
                    waiting or not self._add_relationship(rec, kind, types, rels, early=True)):
                waiting = True
                rel_recs.append((rec, kind))
        for node, rec in nodes.values():
            self._check_sources(rec, node.props, types)
        rel_recs.reverse()
        while rel_recs:  # popped, so that each raw record can be freed once validated (memory)
            self._add_relationship(*rel_recs.pop(), types, rels)
        # The cache's keys are texts read with the records: kept, they would keep the memory
        # around them from going back to the system once the records are written and freed.
        _parse_date_text.cache_clear()
        self.problems.sort(key=lambda p: (p.file, p.line))  # every problem here has its line
        return Dataset([n for n, _ in nodes.values()], [r for r, _ in rels.values()],
                       sorted(set(self.origins.values())))

    def _kind(self, rec: RawRecord) -> NodeType | RelType | None:
        raw = rec.data.get("type")
        if raw is None or raw == "":
            self.bad(rec, None, None, "missing `type`",
                     "add `type:` with a node type (e.g. Person) or a relationship type (e.g. HOLDS)")
            return None
        name = str(raw)
        found = self._types.get(name)
        if found is None:  # looked up once per name: the lookup folds case over every type
            found = self._types[name] = (self.schema.node_type(name), self.schema.rel_type(name))
        node_t, rel_t = found
        if rec.section == "nodes" and node_t is None:
            hint = (f"{name} is a relationship type: move it under `relationships:`" if rel_t
                    else _suggest(name, self.schema.nodes))
            self.bad(rec, "type", raw, "unknown node type", hint)
            return None
        if rec.section == "relationships" and rel_t is None:
            hint = (f"{name} is a node type: move it under `nodes:`" if node_t
                    else _suggest(name, self.schema.relationships))
            self.bad(rec, "type", raw, "unknown relationship type", hint)
            return None
        kind = node_t or rel_t
        if kind is None and isinstance(raw, FileNameType):
            self._misnamed_file(rec, name)
        elif kind is None:
            self.bad(rec, "type", raw, "unknown type",
                     _suggest(name, [*self.schema.nodes, *self.schema.relationships]))
        return kind

    def _misnamed_file(self, rec: RawRecord, stem: str) -> None:
        """A CSV file with no `type` column, named for no type: said once for the file, on its header."""
        if rec.file in self._misnamed:
            return
        self._misnamed.add(rec.file)
        types = [*self.schema.nodes.values(), *self.schema.relationships.values()]
        # Matched as the file name is looked up: a type's name or alias, in any letter case.
        spellings = {s.casefold(): s for t in types for s in (*t.aliases, t.name)}
        close = _closest(stem.casefold(), spellings)
        hint = f"did you mean {spellings[close]}{Path(rec.file).suffix}? " if close else ""
        self.problems.append(Problem(
            rec.file, 1, None, None,
            f"no `type` column, and the file name {stem!r} is not a node or relationship type",
            "add a `type` column, or name the file after a node or relationship type or one of its "
            f"aliases, in any letter case (e.g. Person.csv or holds.csv): {hint}"
            f"types: {', '.join(sorted(t.name for t in types))}"))

    def _props(self, rec: RawRecord, kind: NodeType | RelType) -> dict[str, Any] | None:
        props: dict[str, Any] = {}
        given: set[str] = set()
        before = len(self.problems)
        for key, value in rec.data.items():
            if key in RESERVED:
                continue
            prop = kind.prop(key)
            if prop is None:
                self.bad(rec, key, value, f"unknown property for {kind.name}",
                         _suggest(key, [k for k in kind.properties if not _derived(kind, k)]))
                continue
            if _derived(kind, prop.name):
                base = prop.name.removesuffix("Precision")
                self.bad(rec, key, value, f"is set by the loader from how much of `{base}` is written",
                         f"remove it, and write {base} as YYYY, YYYY-MM or YYYY-MM-DD")
                continue
            if prop.name in given:
                self.bad(rec, key, value, f"{prop.name} is given twice (as an alias)", "keep one of them")
                continue
            if value is None or value == "" or value == []:
                continue
            given.add(prop.name)
            try:
                v = coerce(prop, value, rec.from_csv)
            except _Bad as e:
                self.bad(rec, key, value, e.message, e.fix)
                continue
            if prop.type == "date":
                v, precision = v
                if prop.name == "date" or precision != "day":
                    props[_precision_key(prop.name)] = precision
            props[prop.name] = v
        exempt = isinstance(kind, NodeType) and not kind.sources_required
        required = self._required.get(kind.name)
        if required is None:
            required = self._required[kind.name] = [p for p in kind.properties.values() if p.required]
        for prop in required:
            if prop.name in given or (prop.type == "sources" and exempt):
                continue
            if prop.type == "sources":
                fix = "add `sources:` with at least one \"DOCUMENT-ID | LOCATOR\""
            elif prop.values:
                fix = f"add `{prop.name}:` (one of {', '.join(prop.values)})"
            else:
                fix = f"add `{prop.name}:`"
            self.bad(rec, None, None, f"missing required property `{prop.name}`", fix)
        start, end = props.get("validFrom"), props.get("validTo")
        if start and end and end < start:
            self.bad(rec, "validTo", str(end), f"validTo is before validFrom ({start})",
                     "swap the two dates or correct one of them")
        return props if len(self.problems) == before else None  # an entry with a problem is left out

    def _node(self, rec: RawRecord, kind: NodeType) -> Node | None:
        raw_id = rec.data.get("id")
        node_id = str(raw_id) if raw_id is not None else ""
        before = len(self.problems)
        if not node_id:
            self.bad(rec, None, None, "missing `id`", f"add `id: {kind.id_prefix}:SOME-SLUG`")
        elif not ID_RE.fullmatch(node_id) or node_id.partition(":")[0] != kind.id_prefix:
            self.bad(rec, "id", raw_id, f"a {kind.name} id must look like {kind.id_prefix}:SLUG",
                     f"write `id: {kind.id_prefix}:` followed by ASCII letters, digits, . _ or - "
                     "(no spaces, accents, other scripts or control characters)")
        for key in ("from", "to"):
            if key in rec.data:
                self.bad(rec, key, rec.data[key], f"a node has no `{key}`",
                         "nodes are linked by entries under `relationships:`")
        props = self._props(rec, kind)
        if len(self.problems) > before:  # an entry with a problem is left out
            return None
        assert props is not None  # None only with a problem
        return Node(sys.intern(node_id), kind.name, props, self.origins[rec.file], rec.line)

    def _add_relationship(self, rec: RawRecord, kind: RelType, types: Mapping[str, str],
                          rels: dict[str, tuple[Relationship, str]], *, early: bool = False) -> bool:
        """Validate a relationship record into ``rels``, or report it as a duplicate.

        ``early``: the input is still being read. A record that refers to a node or
        document not seen yet is then left alone (returns False, nothing reported), to
        be validated once every node is known.
        """
        before = len(self.problems)
        rel = self._relationship(rec, kind, types, early=early)
        if rel is _LATER:
            del self.problems[before:]  # said again, in order, when the record is validated
            return False
        if rel is None:
            return True
        if rel.id in rels:
            first, first_file = rels[rel.id]
            self.bad(rec, "id" if "id" in rec.data else None, rel.id,
                     f"duplicate relationship (same as {first_file}:{first.line})",
                     "remove one, or give each an explicit `id:`")
            return True
        rels[rel.id] = (rel, rec.file)
        return True

    def _relationship(self, rec: RawRecord, kind: RelType, types: Mapping[str, str], *,
                      early: bool = False) -> Relationship | None:
        ends: list[str] = []
        ok = True
        for key in ("from", "to"):
            raw = rec.data.get(key)
            if raw is None or raw == "":
                self.bad(rec, None, None, f"missing `{key}`", f"add `{key}:` with a node id")
                ok = False
                continue
            ref = str(raw)
            if early and ref not in types:
                return _LATER
            if ref not in types and ref in self.broken:
                ok = False  # the node's own problems are reported where it is defined
                continue
            if ref not in types:
                close = _closest(ref, types, cutoff=0.7)
                hint = f"did you mean {close!r}?" if close else "define that node under `nodes:`"
                self.bad(rec, key, raw, "unknown node", f"correct the id ({hint})")
                ok = False
                continue
            ends.append(ref)
        props = self._props(rec, kind)
        if not ok or props is None:
            return None
        source, target = ends
        st, tt = types[source], types[target]
        if not kind.allows(st, tt):
            allowed = ", ".join(f"{a}->{b}" for a, b in kind.endpoints)
            self.bad(rec, "to", target, f"{kind.name} cannot link {st} -> {tt}",
                     f"allowed: {allowed}")
            return None
        if early and any(c.doc not in types for c in props.get("sources", ())):
            return _LATER
        if not self._check_sources(rec, props, types):
            return None
        # The ends as the nodes' own ids: one string object per id, not one per mention.
        source, target = sys.intern(source), sys.intern(target)
        when = props.get("date") or props.get("validFrom")
        rel_id = str(rec.data["id"]) if rec.data.get("id") not in (None, "") else (
            f"{kind.name}:{source}->{target}" + (f"@{when.isoformat()}" if when else ""))
        return Relationship(rel_id, kind.name, source, target, props, self.origins[rec.file], rec.line)

    def _check_sources(self, rec: RawRecord, props: dict[str, Any], types: Mapping[str, str]) -> bool:
        cites: list[Citation] = props.get("sources", [])
        ok = True
        for c in cites:
            if c.doc not in types and c.doc in self.broken:
                ok = False  # the Document's own problems are reported where it is defined
                continue
            if types.get(c.doc) != "Document":
                close = _closest(c.doc, [i for i, t in types.items() if t == "Document"])
                hint = f"did you mean {close!r}?" if close else "add the Document under `nodes:`"
                self.bad(rec, "sources", str(c), f"cites unknown document {c.doc!r}",
                         f"cite a Document id ({hint})")
                ok = False
        if ok and cites:
            props["sources"] = [str(c) for c in cites]
            docs = tuple(dict.fromkeys(c.doc for c in cites))
            # One list per distinct set of documents, shared by the records that cite it (memory:
            # at a million relationships a list each took 0.2 GB). Model lists are read-only.
            shared = self._doc_lists.get(docs)
            if shared is None:
                shared = self._doc_lists[docs] = [sys.intern(d) for d in docs]
            props["sourceDocs"] = shared
        return ok
