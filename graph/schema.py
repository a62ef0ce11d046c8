"""The graph schema, read from ``schema.yaml``.

The schema is data: node types, relationship types with their allowed
endpoints, typed properties, required properties and aliases. The store's DDL,
Neo4j's constraints and the loaders' validation are all generated from it.

>>> s = load_schema()
>>> s.node_type("Country").name
'State'
>>> s.rel_type("HOLDS").allows("Person", "Position")
True
>>> s.node_type("Person").prop("valid_from").name
'validFrom'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from relgraph.errors import SchemaError

PROPERTY_TYPES = ("string", "text", "string[]", "date", "int", "float", "bool", "enum", "sources")


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    required: bool = False
    values: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    description: str = ""

    @property
    def is_list(self) -> bool:
        return self.type in ("string[]", "sources")


@dataclass(frozen=True)
class _Type:
    name: str
    description: str
    aliases: tuple[str, ...]
    properties: dict[str, Property]
    _lookup: dict[str, str] = field(repr=False, compare=False)

    def prop(self, name: str) -> Property | None:
        """The property called ``name`` or one of its aliases, else None."""
        key = self._lookup.get(name)
        return self.properties[key] if key else None


@dataclass(frozen=True)
class NodeType(_Type):
    id_prefix: str = ""
    sources_required: bool = True


@dataclass(frozen=True)
class RelType(_Type):
    endpoints: tuple[tuple[str, str], ...] = ()

    def allows(self, source_type: str, target_type: str) -> bool:
        return (source_type, target_type) in self.endpoints


T = TypeVar("T", bound=_Type)


@dataclass(frozen=True)
class Schema:
    """Node and relationship types, and the vocabularies they use."""

    statuses: dict[str, str]
    sanction_classes: dict[str, str]
    system: dict[str, Property]
    nodes: dict[str, NodeType]
    relationships: dict[str, RelType]
    raw: dict[str, Any] = field(repr=False, compare=False)

    def node_type(self, name: str) -> NodeType | None:
        return _find(self.nodes, name)

    def rel_type(self, name: str) -> RelType | None:
        return _find(self.relationships, name)

    def type_for_id(self, node_id: str) -> NodeType | None:
        prefix = node_id.split(":", 1)[0]
        return next((t for t in self.nodes.values() if t.id_prefix == prefix), None)


def _find(types: dict[str, T], name: str) -> T | None:
    if name in types:
        return types[name]
    folded = name.casefold()
    for t in types.values():
        if t.name.casefold() == folded or any(a.casefold() == folded for a in t.aliases):
            return t
    return None


def _props(spec: dict[str, Any] | None, vocab: dict[str, tuple[str, ...]], where: str) -> dict[str, Property]:
    out: dict[str, Property] = {}
    for name, p in (spec or {}).items():
        if not isinstance(p, dict) or p.get("type") not in PROPERTY_TYPES:
            raise SchemaError(f"schema: {where}.{name}: type must be one of {', '.join(PROPERTY_TYPES)}")
        values = p.get("values", ())
        if isinstance(values, str):
            if values not in vocab:
                raise SchemaError(f"schema: {where}.{name}: unknown vocabulary {values!r}")
            values = vocab[values]
        if p["type"] == "enum" and not values:
            raise SchemaError(f"schema: {where}.{name}: an enum needs values")
        out[name] = Property(
            name=name,
            type=p["type"],
            required=bool(p.get("required", False)),
            values=tuple(values),
            aliases=tuple(p.get("aliases", ())),
            description=p.get("description", ""),
        )
    return out


def _lookup(props: dict[str, Property]) -> dict[str, str]:
    lookup = {name: name for name in props}
    for p in props.values():
        for alias in p.aliases:
            lookup.setdefault(alias, p.name)
    return lookup


def parse_schema(raw: dict[str, Any]) -> Schema:
    """Build a :class:`Schema` from the parsed YAML, checking it is consistent."""
    statuses = dict(raw.get("statuses") or {})
    classes = dict(raw.get("sanction_classes") or {})
    vocab = {"statuses": tuple(statuses), "sanction_classes": tuple(classes)}
    system = _props(raw.get("system"), vocab, "system")
    common = _props(raw.get("common"), vocab, "common")
    node_common = _props(raw.get("node_common"), vocab, "node_common")

    nodes: dict[str, NodeType] = {}
    prefixes: set[str] = set()
    for name, spec in (raw.get("nodes") or {}).items():
        props = {**common, **node_common, **_props(spec.get("properties"), vocab, name)}
        prefix = spec.get("id_prefix") or ""
        if not prefix or prefix in prefixes:
            raise SchemaError(f"schema: node type {name} needs a unique id_prefix")
        prefixes.add(prefix)
        nodes[name] = NodeType(
            name=name,
            description=spec.get("description", ""),
            aliases=tuple(spec.get("aliases", ())),
            properties=props,
            _lookup=_lookup(props),
            id_prefix=prefix,
            sources_required=spec.get("sources_required", True),
        )

    rels: dict[str, RelType] = {}
    for name, spec in (raw.get("relationships") or {}).items():
        ends = tuple(tuple(pair) for pair in spec.get("endpoints") or ())
        for pair in ends:
            if len(pair) != 2 or not all(t in nodes for t in pair):
                raise SchemaError(f"schema: relationship {name}: bad endpoint pair {list(pair)}")
        if not ends:
            raise SchemaError(f"schema: relationship {name} needs endpoints")
        props = {**common, **_props(spec.get("properties"), vocab, name)}
        rels[name] = RelType(
            name=name,
            description=spec.get("description", ""),
            aliases=tuple(spec.get("aliases", ())),
            properties=props,
            _lookup=_lookup(props),
            endpoints=ends,  # type: ignore[arg-type]
        )
    for kind in (*nodes.values(), *rels.values()):
        for prop in kind.properties.values():
            if prop.type == "date" and f"{prop.name}Precision" not in kind.properties:
                raise SchemaError(f"schema: {kind.name}.{prop.name}: a date property needs "
                                  f"{prop.name}Precision (enum day, month, year) beside it")
    return Schema(statuses, classes, system, nodes, rels, raw)


@cache
def load_schema(path: str | None = None) -> Schema:
    """Load the bundled schema (or the one at ``path``)."""
    import yaml

    if path is None:
        text = resources.files("relgraph").joinpath("schema.yaml").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    return parse_schema(yaml.safe_load(text))
