"""The one small hierarchy of errors the library raises.

Only the CLI turns these into messages and exit codes; every error carries the
exit code the CLI should use (1 bad input, 2 usage).
"""

from __future__ import annotations

from dataclasses import dataclass


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


class NotFoundError(RelgraphError):
    """A node named by the user does not exist."""

    def __init__(self, name: str, suggestions: list[str] | None = None):
        self.name = name
        self.suggestions = suggestions or []
        msg = f"no node named {name!r}"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(msg)


class AmbiguousError(RelgraphError):
    """A name matches more than one node."""

    def __init__(self, name: str, candidates: list[str]):
        self.name = name
        self.candidates = candidates
        super().__init__(
            f"{name!r} matches {len(candidates)} nodes: {', '.join(candidates)}; "
            "use one of these ids"
        )


class StoreError(RelgraphError):
    """The store cannot be opened, read or written."""


class StoreInUseError(StoreError):
    """Another process holds the embedded store open for writing."""
