"""Read ``.cypher`` query files into immutable :class:`Query` records.

A file holds several named queries, each a header of ``//`` comment lines
followed by its Cypher (see ``README.md`` in this folder)::

    // name: officials
    // description: Who held which post in a state on a date.
    // Any other comment line in the header is the query's longer doc.
    // param: state node -- the state (id, name or alias)
    // param: on date? -- the day (default: today's holders and every past one)
    // mode: read
    MATCH (p:Person)-[h:HOLDS]->(:Position)-[:POST_IN]->(s:State {id: $state})
    ...

Where the engines' dialects differ, ``// dialect: ladybug`` and
``// dialect: neo4j`` lines start one body per dialect. Every problem found
(duplicate names, undeclared or unused parameters, empty bodies, a read
query that writes) is reported at once, each with its file and line.

>>> qs = parse_text('''
... // name: hello
... // description: Say hello.
... // param: who string = world -- whom to greet
... RETURN 'hello ' + $who AS greeting
... ''', "inline.cypher")
>>> q = qs[0]
>>> q.name, q.line, q.params[0].default, q.body("neo4j")
('hello', 2, 'world', "RETURN 'hello ' + $who AS greeting")
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from relgraph.errors import InputError, Problem, UsageError
from relgraph.queries.params import TYPES, Param, convert

DIALECTS = ("ladybug", "neo4j")
MODES = ("read", "write")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
DIRECTIVE_RE = re.compile(r"^//\s*(name|description|param|mode|order|dialect|when)\s*:\s*(.*?)\s*$")
ORDER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\s+(?:ASC|DESC))?$", re.IGNORECASE)
PARAM_RE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[A-Za-z]+)(?:\((?P<low>-?\d+)\.\.(?P<high>-?\d+)\))?"
    r"(?P<list>\[\])?(?P<optional>\?)?"
    r"(?:\s*=\s*(?P<default>\"[^\"]*\"|[^\s\"]+))?"
    r"(?:\s+--\s*(?P<help>.*))?$"
)
PARAM_SYNTAX = "// param: NAME TYPE[?] [= DEFAULT] -- HELP"  # TYPE may be int(LOW..HIGH)
# Clauses and statements that change the graph or the database; a read query may use none.
WRITE_RE = re.compile(
    r"(?<![\w.$`])(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|ALTER|COPY|FOREACH|LOAD|INSTALL|"
    r"ATTACH|IMPORT|EXPORT|CHECKPOINT)(?![\w`])",
    re.IGNORECASE,
)
PARAM_USE_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Query:
    """One stored query: its header, its Cypher per dialect, where it was read from."""

    name: str
    description: str
    doc: str
    params: tuple[Param, ...]
    mode: str
    bodies: MappingProxyType[str, str]  # dialect -> Cypher; "*" when one body serves every dialect
    file: str
    line: int
    # Columns ("name" or "name DESC") relgraph sorts the rows by, after the engine ran the query.
    order: tuple[str, ...] = ()

    @property
    def writes(self) -> bool:
        return self.mode == "write"

    @property
    def shared(self) -> bool:
        """True when one body serves every dialect."""
        return "*" in self.bodies

    def body(self, dialect: str) -> str:
        """The Cypher to run on a store of ``dialect``."""
        if "*" in self.bodies:
            return self.bodies["*"]
        if dialect not in self.bodies:
            raise UsageError(f"query {self.name!r} has no body for the {dialect!r} dialect "
                             f"({self.file}:{self.line})")
        return self.bodies[dialect]

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def usage(self) -> str:
        """The parameter help, as shown with usage errors and by ``query show``."""
        if not self.params:
            return f"{self.name} takes no parameters"
        width = max(len(p.name) for p in self.params)
        kinds = max(len(p.summary()) for p in self.params)
        lines = [f"parameters of {self.name} (-p NAME=VALUE):"]
        for p in self.params:
            lines.append(f"  {p.name.ljust(width)}  {p.summary().ljust(kinds)}  {p.help}")
        return "\n".join(lines)


def strip_literals(text: str) -> str:
    """Cypher with string literals, quoted names and comments blanked (same length).

    >>> strip_literals("RETURN 'a $x' AS `$y` // $z")
    "RETURN '    ' AS `  `      "
    """
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "'\"`":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" and c != "`" else 1
            for k in range(i + 1, min(j, n)):
                if out[k] != "\n":
                    out[k] = " "
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out[i:j] = " " * (j - i)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out[i:j] = ["\n" if ch == "\n" else " " for ch in text[i:j]]
            i = j
        else:
            i += 1
    return "".join(out)


def used_params(cypher: str) -> list[str]:
    """Parameter names a body uses, in order of first use.

    >>> used_params("MATCH (n {id: $id}) WHERE n.x = $x OR n.id = $id RETURN '$no'")
    ['id', 'x']
    """
    return list(dict.fromkeys(PARAM_USE_RE.findall(strip_literals(cypher))))


WHEN_RE = re.compile(r"^//\s*when\s*:\s*(.*?)\s*$")
WHEN_LINE_RE = re.compile(r"^\s*//\s*when\s*:", re.MULTILINE)
WHEN_PLACE = ("a `// when:` line belongs first in a UNION branch after the first, once",
              "put it on the line after `UNION ALL`")
GUARD_RE = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>>=|<=|<>|=|>|<)\s*(?P<value>-?\d+)$")
UNION_RE = re.compile(r"^\s*UNION(?:\s+ALL)?\s*$", re.IGNORECASE)
_OPS = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b, "=": lambda a, b: a == b, "<>": lambda a, b: a != b}


def branches(body: str) -> list[tuple[str | None, int, str]]:
    r"""A body's top-level UNION branches: (its `// when:` condition or None, its first line's
    offset in the body, its Cypher). A body without UNION lines is one branch.

    >>> [(w, n) for w, n, _ in branches("RETURN 1 AS x\nUNION ALL\n// when: hops >= 2\nRETURN 2 AS x")]
    [(None, 0), ('hops >= 2', 2)]
    """
    out: list[tuple[str | None, int, str]] = []
    start, lines = 0, body.split("\n")
    for n, line in enumerate([*lines, "UNION"]):
        if UNION_RE.match(line):
            part = lines[start:n]
            first = next((x.strip() for x in part if x.strip()), "")
            m = WHEN_RE.match(first)
            out.append((m.group(1) if m else None, start, "\n".join(part)))
            start = n + 1
    return out


def holds(condition: str, values: Mapping[str, Any]) -> bool:
    """Whether a `// when:` condition (``PARAM OP WHOLE-NUMBER``) holds for these values; a
    missing or null value holds for no condition.

    >>> holds("hops >= 2", {"hops": 3}), holds("hops >= 2", {"hops": 1}), holds("hops > 1", {})
    (True, False, False)
    """
    m = GUARD_RE.match(condition)
    if m is None:
        raise ValueError(f"cannot read the condition {condition!r}")
    value = values.get(m["name"])
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return bool(_OPS[m["op"]](value, int(m["value"])))


def select_branches(body: str, values: Mapping[str, Any]) -> str:
    r"""``body`` without the UNION branches whose `// when:` condition does not hold (the first
    branch has none, so something always runs): the engine does not plan, or scan for, work
    that cannot give a row.

    >>> print(select_branches("RETURN 1 AS x\nUNION ALL\n// when: hops >= 2\nRETURN 2 AS x", {"hops": 1}))
    RETURN 1 AS x
    """
    if not WHEN_LINE_RE.search(body):
        return body
    lines = body.split("\n")
    kept: list[str] = []
    for n, (cond, start, text) in enumerate(branches(body)):
        if cond is None or holds(cond, values):
            if n and kept:
                kept.append(lines[start - 1])  # the UNION line before it, as written
            kept.append(text)
    return "\n".join(kept)


def write_clause(cypher: str) -> str | None:
    """The first clause in ``cypher`` that writes, or None.

    >>> write_clause("MATCH (n) SET n.x = 1"), write_clause("MATCH (n) RETURN n.offset, 'SET'")
    ('SET', None)
    """
    m = WRITE_RE.search(strip_literals(cypher))
    return m.group(1).upper() if m else None


@dataclass
class _Draft:
    name: str
    line: int
    description: str = ""
    doc: list[str] | None = None
    params: list[tuple[int, str]] | None = None
    mode: tuple[int, str] | None = None
    order: tuple[int, str] | None = None
    bodies: list[tuple[str, int, list[tuple[int, str]]]] | None = None  # (dialect, line, lines)

    def __post_init__(self) -> None:
        self.doc, self.params, self.bodies = [], [], []


def parse_text(text: str, file: str) -> list[Query]:
    """Parse one file's text; raise :class:`InputError` listing every problem."""
    problems: list[Problem] = []
    drafts: list[_Draft] = []
    cur: _Draft | None = None

    def bad(line: int, field: str | None, value: object, message: str, fix: str) -> None:
        problems.append(Problem(file, line, field, value, message, fix))

    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        stripped = line.strip()
        m = DIRECTIVE_RE.match(stripped)
        key, value = (m.group(1), m.group(2)) if m else (None, None)
        if key == "name":
            cur = _Draft(value or "", no)
            drafts.append(cur)
            if not NAME_RE.match(value or ""):
                bad(no, "name", value, "a query name is lower-case words joined by dashes",
                    "write e.g. `// name: shortest-path`")
            continue
        if cur is None:
            if stripped and not stripped.startswith("//"):
                bad(no, None, stripped, "Cypher before the first `// name:` line",
                    "start each query with `// name: NAME`")
            continue
        in_body = bool(cur.bodies)
        if key == "dialect":
            if value not in DIALECTS:
                bad(no, "dialect", value, "unknown dialect", f"use one of: {', '.join(DIALECTS)}")
            cur.bodies.append((value or "", no, []))
            continue
        if key == "when" and not in_body:
            bad(no, "when", value, f"query {cur.name!r}: {WHEN_PLACE[0]}", WHEN_PLACE[1])
            continue
        if key in ("description", "param", "mode", "order") and in_body:
            bad(no, key, value, f"`// {key}:` after the query's Cypher started",
                f"move it into the header of {cur.name!r}, before the Cypher")
            continue
        if key == "description":
            cur.description = value or ""
        elif key == "param":
            cur.params.append((no, value or ""))
        elif key == "mode":
            cur.mode = (no, value or "")
        elif key == "order":
            cur.order = (no, value or "")
        elif not in_body and (not stripped or stripped.startswith("//")):
            if stripped.startswith("//"):
                cur.doc.append(re.sub(r"^//\s?", "", stripped))
            elif cur.doc:
                cur.doc.append("")
        else:
            if not in_body:
                cur.bodies.append(("*", no, []))
            cur.bodies[-1][2].append((no, line))

    queries = [q for d in drafts if (q := _finish(d, file, bad)) is not None]
    if problems:
        raise InputError(problems)
    return queries


def _finish(d: _Draft, file: str, bad: Any) -> Query | None:
    ok = True
    if not d.description:
        bad(d.line, "description", None, f"query {d.name!r} has no description",
            "add `// description: ONE LINE` after the name")
        ok = False
    params: list[Param] = []
    broken: set[str] = set()  # names of parameters whose declaration is reported already
    for no, spec in d.params:
        p = _param(spec, no, d.name, bad)
        if p is None:
            ok = False
            broken.update(spec.split()[:1])
        elif any(q.name == p.name for q in params):
            bad(no, "param", p.name, f"parameter {p.name!r} is declared twice", "declare it once")
            ok = False
        else:
            params.append(p)
    mode = "read"
    if d.mode is not None:
        mode = d.mode[1]
        if mode not in MODES:
            bad(d.mode[0], "mode", mode, "unknown mode", "write `// mode: read` or `// mode: write`")
            ok = False
    order: tuple[str, ...] = ()
    if d.order is not None:
        order = tuple(c.strip() for c in d.order[1].split(","))
        if not all(ORDER_RE.match(c) for c in order):
            bad(d.order[0], "order", d.order[1], "not a list of column names (each optionally ASC or DESC)",
                "write e.g. `// order: hops, type, name` or `// order: fact DESC, type`")
            ok = False
    bodies: dict[str, str] = {}
    for dialect, no, lines in d.bodies:
        lines = _trim(lines)
        no = lines[0][0] if lines else no
        body = "\n".join(text for _, text in lines)
        if not strip_literals(body).strip().rstrip(";").strip():
            where = f" for dialect {dialect!r}" if dialect != "*" else ""
            bad(no, "body", None, f"query {d.name!r} has an empty body{where}",
                "write the Cypher after the header")
            ok = False
            continue
        if dialect in bodies:
            bad(no, "dialect", dialect, f"query {d.name!r} has two bodies for one dialect",
                "keep one `// dialect:` section per dialect")
            ok = False
        bodies[dialect] = body
        ok = _check_body(d.name, body, dialect, no, params, broken, mode, bad) and ok
    if not d.bodies:
        bad(d.line, "body", None, f"query {d.name!r} has an empty body", "write the Cypher after the header")
        ok = False
    elif "*" in bodies and len(d.bodies) > 1:
        bad(d.bodies[1][1], "dialect", d.bodies[1][0],
            f"query {d.name!r} mixes a shared body with per-dialect bodies",
            "start every body with `// dialect: NAME`, or keep one body for all dialects")
        ok = False
    elif "*" not in bodies and bodies:
        missing = [x for x in DIALECTS if x not in {b[0] for b in d.bodies}]
        if missing:
            bad(d.line, "dialect", None, f"query {d.name!r} has no body for {', '.join(missing)}",
                "give a `// dialect:` body for every dialect: " + ", ".join(DIALECTS))
            ok = False
    if not ok:
        return None
    return Query(d.name, d.description, "\n".join(d.doc).strip(), tuple(params), mode,
                 MappingProxyType(bodies), file, d.line, order)


def _trim(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Body lines without leading blank lines and trailing blank or comment lines."""
    while lines and not lines[0][1].strip():
        lines = lines[1:]
    while lines and (not lines[-1][1].strip() or lines[-1][1].strip().startswith("//")):
        lines = lines[:-1]
    return lines


def _param(spec: str, no: int, query: str, bad: Any) -> Param | None:
    m = PARAM_RE.match(spec)
    if not m:
        bad(no, "param", spec, "cannot read this parameter declaration", f"write `{PARAM_SYNTAX}`")
        return None
    name, base, help_ = m["name"], m["type"], (m["help"] or "").strip()
    type_ = base + (m["list"] or "")
    if base not in TYPES:
        bad(no, "param", type_, f"parameter {name!r} has an unknown type",
            "use one of: " + ", ".join(TYPES) + " (add [] for a list)")
        return None
    bounds: tuple[int, int] | None = None
    if m["low"] is not None:
        bounds = (int(m["low"]), int(m["high"]))
        if base != "int" or bounds[0] > bounds[1]:
            bad(no, "param", spec, "only an int takes a range, written LOW..HIGH with LOW <= HIGH",
                "write e.g. `int(1..3)`")
            return None
    if not help_:
        bad(no, "param", name, f"parameter {name!r} has no help text", f"write `{PARAM_SYNTAX}`")
        return None
    raw_default = m["default"]
    if raw_default is not None and m["optional"]:
        bad(no, "param", spec, "a parameter is either optional (?) or has a default, not both",
            "drop the `?` or the `= DEFAULT`")
        return None
    p = Param(name, type_, help_, required=raw_default is None and not m["optional"], bounds=bounds, line=no)
    if p.is_list and m["optional"] and not p.has_vocabulary:
        bad(no, "param", name, f"list parameter {name!r} cannot be optional without a default",
            "give a non-empty `= DEFAULT` (an empty list has no type in the embedded engine)")
        return None
    if raw_default is not None:
        try:
            default = convert(p, raw_default.strip('"'), store=None)
        except UsageError as e:
            bad(no, "param", raw_default, f"default of {name!r}: {e}", "give a default of the declared type")
            return None
        if isinstance(default, list):
            default = tuple(default)  # records are immutable
        p = Param(name, type_, help_, required=False, default=default, default_text=raw_default.strip('"'),
                  bounds=bounds, line=no)
    return p


def _check_body(query: str, body: str, dialect: str, no: int, params: list[Param], broken: set[str],
                mode: str, bad: Any) -> bool:
    ok = True
    declared = {p.name for p in params}
    used = used_params(body)
    for n, (cond, offset, text) in enumerate(branches(body)):
        conditions = [line.strip() for line in text.split("\n") if WHEN_RE.match(line.strip())]
        if cond is None and not conditions:
            continue
        line = no + offset + next(i for i, x in enumerate(text.split("\n")) if WHEN_RE.match(x.strip()))
        m = GUARD_RE.match(cond or "")
        if n == 0 or cond is None or len(conditions) > 1:
            bad(line, "when", conditions[0], f"query {query!r}: {WHEN_PLACE[0]}", WHEN_PLACE[1])
            ok = False
        elif m is None:
            bad(line, "when", cond, f"query {query!r}: cannot read this condition",
                "write `// when: PARAM OP WHOLE-NUMBER`, OP one of > >= < <= = <>, e.g. `// when: hops >= 2`")
            ok = False
        elif m["name"] not in declared:
            bad(line, "when", cond, f"query {query!r}: the condition names {m['name']!r}, not a parameter",
                f"declare it: `// param: {m['name']} int -- HELP`")
            ok = False
        else:
            used.append(m["name"])
    where = "" if dialect == "*" else f" (dialect {dialect})"
    for name in used:
        if name not in declared and name not in broken:
            bad(no + _line_of(body, f"${name}"), "param", name,
                f"query {query!r}{where} uses parameter ${name}, which is not declared",
                f"declare it: `// param: {name} TYPE -- HELP`")
            ok = False
    for p in params:
        if p.name not in used:
            bad(p.line, "param", p.name, f"query {query!r}{where} declares {p.name!r} but never uses it",
                f"use ${p.name} in the Cypher, or remove the declaration")
            ok = False
    plain = strip_literals(body)
    semi = plain.find(";")
    if semi >= 0 and plain[semi + 1:].replace(";", "").strip():
        bad(no + plain.count("\n", 0, semi), "body", None,
            f"query {query!r}{where} holds more than one statement (a `;` with Cypher after it)",
            "keep one statement per query: split it into queries of their own, each with its `// name:`")
        ok = False
    if mode == "read":
        clause = write_clause(body)
        if clause:
            bad(no + _line_of(strip_literals(body), clause, ignore_case=True), "mode", clause,
                f"query {query!r} is a read query but its Cypher writes ({clause})",
                "declare `// mode: write` if it is meant to change the graph")
            ok = False
    return ok


def _line_of(body: str, needle: str, *, ignore_case: bool = False) -> int:
    """Offset (0-based) of the body line where ``needle`` first occurs."""
    hay = body.lower() if ignore_case else body
    i = hay.find(needle.lower() if ignore_case else needle)
    return body.count("\n", 0, i) if i >= 0 else 0


_PARSED: dict[str, tuple[str, list[Query]]] = {}  # path -> its last text and queries


def parse_file(path: Path) -> list[Query]:
    """The queries in ``path``. A text parsed before is not parsed again (``relgraph serve``
    finds a query per request; parsing every file took 45 ms)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError([Problem(str(path), None, None, None, f"cannot read query file: {e}",
                                  "check the file is readable UTF-8 text")]) from None
    known = _PARSED.get(str(path))
    if known is None or known[0] != text:
        known = _PARSED[str(path)] = (text, parse_text(text, str(path)))  # an InputError is not kept
    return list(known[1])
