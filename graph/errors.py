"""The one small hierarchy of errors the library raises.

Only the CLI turns these into messages and exit codes; every error carries the
exit code the CLI should use (1 bad input, 2 usage).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


class RelgraphError(Exception):
    """Base of every error relgraph raises on purpose."""

    exit_code = 1


class UsageError(RelgraphError):
    """The caller asked for something that cannot be done as asked."""

    exit_code = 2


class SchemaError(RelgraphError):
    """The schema file itself is invalid."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located and with a fix.

    >>> print(Problem("a.yaml", 3, "status", "rumored", "not an allowed value", "write confirmed"))
    a.yaml:3: status = 'rumored': not an allowed value (fix: write confirmed)
    >>> print(Problem("b.yaml", None, None, None, "file is empty", "add `nodes:`"))
    b.yaml: file is empty (fix: add `nodes:`)
    """

    file: str
    line: int | None
    field: str | None
    value: object
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        what = [self.field] if self.field else []
        if self.value is not None:
            what.append(("= " if self.field else "") + _short(self.value))
        subject = f" {' '.join(what)}:" if what else ""
        return f"{where}:{subject} {self.message} (fix: {self.fix})"


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class InputError(RelgraphError):
    """Input files are invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in input"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


class NotFoundError(UsageError):
    """A node named by the user does not exist (a usage error: exit code 2, wherever the
    name was given: `show`, `analyze`, `view`, a query parameter)."""

    def __init__(self, name: str, suggestions: list[str] | None = None):
        self.name = name
        self.suggestions = suggestions or []
        msg = f"no node named {name!r}"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(msg)


class AmbiguousError(UsageError):
    """A name matches more than one node (a usage error, like :class:`NotFoundError`).

    ``candidates`` are (id, type, name) rows; the message lists them people first,
    documents last, then by name, at most :attr:`SHOWN` of them.

    >>> print(AmbiguousError("kim", [("doc:a", "Document", "Kim in Moscow"),
    ...                              ("person:kim-jong-un", "Person", "Kim Jong Un")]))
    'kim' matches 2 nodes; give one of these ids, or more of the name:
      person:kim-jong-un  Kim Jong Un (Person)
      doc:a               Kim in Moscow (Document)
    """

    SHOWN = 12
    ORDER: ClassVar[dict[str, int]] = {"Person": 0, "Document": 2}

    def __init__(self, name: str, candidates: list[tuple[str, str, str]]):
        self.name = name
        rows = sorted(candidates, key=lambda c: (self.ORDER.get(c[1], 1), c[1], c[2].casefold(), c[0]))
        self.candidates = [i for i, _t, _n in rows]
        shown = rows[: self.SHOWN]
        width = max(len(i) for i, _t, _n in shown)
        lines = [f"  {i.ljust(width)}  {n} ({t})" for i, t, n in shown]
        if len(rows) > len(shown):
            lines.append(f"  ... and {len(rows) - len(shown)} more")
        super().__init__(f"{name!r} matches {len(rows)} nodes; give one of these ids, or more of "
                         "the name:\n" + "\n".join(lines))


class StoreError(RelgraphError):
    """The store cannot be opened, read or written."""


class StoreInUseError(StoreError):
    """Another process holds the embedded store open for writing."""
