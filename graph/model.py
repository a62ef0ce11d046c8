"""The graph model: validated nodes and relationships, ready for a store.

Loaders produce these; stores write them. Property values are plain Python:
``str``, ``list[str]``, ``datetime.date``, ``int``, ``float``, ``bool``. Treat
them as read-only: records may share a value (the loader gives every record
that cites the same documents one ``sourceDocs`` list).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEP = " | "


@dataclass(frozen=True)
class Citation:
    """A source: a Document id and a locator (page, paragraph or quote).

    >>> c = Citation.parse("doc:eai-2024-06-05 | para 3: 'Lavrov'")
    >>> c.doc, c.locator
    ('doc:eai-2024-06-05', "para 3: 'Lavrov'")
    >>> str(c)
    "doc:eai-2024-06-05 | para 3: 'Lavrov'"
    """

    doc: str
    locator: str = ""

    @classmethod
    def parse(cls, text: str) -> Citation:
        doc, _, loc = text.partition("|")
        return cls(doc.strip(), loc.strip())

    def __str__(self) -> str:
        return f"{self.doc}{SEP}{self.locator}" if self.locator else self.doc


@dataclass(slots=True)
class Node:
    id: str
    type: str
    props: dict[str, Any]
    origin: str
    line: int | None = None

    @property
    def name(self) -> str:
        return self.props.get("name", self.id)


@dataclass(slots=True)
class Relationship:
    id: str
    type: str
    source: str
    target: str
    props: dict[str, Any]
    origin: str
    line: int | None = None


@dataclass
class Dataset:
    """What a set of input files holds, validated."""

    nodes: list[Node] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for n in self.nodes:
            out[n.type] = out.get(n.type, 0) + 1
        for r in self.relationships:
            out[r.type] = out.get(r.type, 0) + 1
        return out
