"""Raw records: what a file says, before validation, with where it says it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class RawRecord:
    """One node or relationship as written in a file.

    ``lines`` maps each field to the line it is on, so that a validation error
    can point at the field itself. ``from_csv`` tells the validator that list
    values are ``;``-separated strings.
    """

    file: str
    line: int
    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)
    from_csv: bool = False
    section: str | None = None  # "nodes" or "relationships" where the file says which

    def line_of(self, key: str | None) -> int:
        return self.lines.get(key, self.line) if key else self.line
