"""Typed query parameters: declarations and the conversion of user input.

Values arrive as text (``-p key=value``) or as Python values (the library);
either way they leave as the Python value the engine gets as a Cypher
parameter. Vocabulary types (``status``, ``sanctionClass``, ``label``,
``reltype``) are checked against the schema, never against a list kept here.

>>> p = Param("from", "date", "first day")
>>> convert(p, "2023-09", store=None)
datetime.date(2023, 9, 1)
>>> convert(Param("to", "enddate", "last day"), "2023", store=None)
datetime.date(2023, 12, 31)
>>> convert(Param("types", "reltype[]", "types"), "holds, post_in", store=None)
['HOLDS', 'POST_IN']
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from relgraph.errors import AmbiguousError, NotFoundError, UsageError

if TYPE_CHECKING:
    from relgraph.store import Store

TYPES = {
    "string": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "date": "YYYY-MM-DD, YYYY-MM, YYYY or today (a partial date means its first day)",
    "enddate": "YYYY-MM-DD, YYYY-MM, YYYY or today (a partial date means its last day)",
    "node": "a node's id, name or any alias",
    "status": "a claim status from the schema",
    "sanctionClass": "a sanction class from the schema",
    "label": "a node type from the schema",
    "reltype": "a relationship type from the schema",
}
VOCABULARY_TYPES = ("status", "sanctionClass", "label", "reltype")
INT64 = (-(2**63), 2**63 - 1)  # what the engines' integers hold
TRUE = {"true", "yes", "y", "1", "on"}
FALSE = {"false", "no", "n", "0", "off"}


@dataclass(frozen=True)
class Param:
    """One declared parameter of a stored query."""

    name: str
    type: str  # a key of TYPES, with "[]" for a list
    help: str
    required: bool = True
    default: Any = None
    default_text: str | None = None
    bounds: tuple[int, int] | None = None  # an int's allowed range, inclusive
    line: int = 0

    @property
    def base(self) -> str:
        return self.type.removesuffix("[]")

    @property
    def is_list(self) -> bool:
        return self.type.endswith("[]")

    @property
    def has_vocabulary(self) -> bool:
        return self.base in VOCABULARY_TYPES

    def summary(self) -> str:
        """Type and default, as shown in help: ``date, optional``, ``int 1..3, default 1``."""
        kind = self.type if self.bounds is None else f"{self.type} {self.bounds[0]}..{self.bounds[1]}"
        if self.required:
            return f"{kind}, required"
        if self.default_text is not None:
            return f"{kind}, default {self.default_text}"
        return f"{kind}, default: all" if self.is_list else f"{kind}, optional"


def vocabulary(base: str) -> list[str]:
    """The allowed values of a vocabulary type, read from the schema."""
    from relgraph.schema import load_schema

    s = load_schema()
    return {
        "status": list(s.statuses),
        "sanctionClass": list(s.sanction_classes),
        "label": list(s.nodes),
        "reltype": list(s.relationships),
    }[base]


def missing_value(p: Param) -> Any:
    """The value of an optional parameter the caller did not give."""
    if p.is_list and p.has_vocabulary:
        return vocabulary(p.base)
    return None


def convert(p: Param, value: Any, *, store: Store | None) -> Any:
    """``value`` (text or Python) as the Python value of ``p``'s type.

    Node names are resolved to ids when a store is given (else kept as given).
    Raises :class:`UsageError` naming the parameter.
    """
    if p.is_list:
        given = value if isinstance(value, (list, tuple)) else [value]
        items = [x for v in given for x in (_split(v) if isinstance(v, str) else [v])]
        if not items:
            raise UsageError(f"parameter {p.name!r}: give at least one value (comma-separated)")
        return [_one(p, v, store) for v in items]
    return _one(p, value, store)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _split(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def _one(p: Param, value: Any, store: Store | None) -> Any:
    base = p.base

    def fail(why: str) -> UsageError:
        return UsageError(f"parameter {p.name!r}: {value!r} is not {why}")

    if isinstance(value, str) and not _encodable(value):
        # e.g. bytes that are not UTF-8 on the command line, which Python keeps as lone surrogates:
        # the engine cannot take them, and no name or date holds them.
        raise fail("text (it holds bytes that are not UTF-8; check the encoding of your terminal or script)")
    if base in ("date", "enddate"):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if str(value).strip().lower() == "today":
            return date.today()
        from relgraph.loaders import parse_date

        try:
            return parse_date(str(value).strip(), end=base == "enddate")[0]
        except Exception as e:  # the loader's own error type is private
            raise fail(f"a date ({getattr(e, 'message', e)}; write {TYPES[base]})") from None
    if base == "int":
        if isinstance(value, bool):
            raise fail(TYPES[base])
        try:
            number = int(str(value).strip())
        except ValueError:
            raise fail(TYPES[base]) from None
        low, high = p.bounds or INT64
        if not low <= number <= high:
            raise fail(f"between {low} and {high}")
        return number
    if base == "float":
        try:
            return float(str(value).strip())
        except ValueError:
            raise fail(TYPES[base]) from None
    if base == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE | FALSE:
            return text in TRUE
        raise fail(TYPES[base])
    text = str(value).strip()
    if not text:
        raise UsageError(f"parameter {p.name!r}: empty value")
    if base == "node":
        if store is None:
            return text
        from relgraph.api import resolve

        try:
            return resolve(store, text)
        except (NotFoundError, AmbiguousError) as e:
            raise UsageError(f"parameter {p.name!r}: {e}") from None
    if base in VOCABULARY_TYPES:
        return _vocab(p, text)
    return text


def _vocab(p: Param, text: str) -> str:
    allowed = vocabulary(p.base)
    if text in allowed:
        return text
    from relgraph.schema import load_schema

    s = load_schema()
    found = (s.node_type(text) if p.base == "label" else s.rel_type(text) if p.base == "reltype" else None)
    if found is not None:
        return found.name
    folded = {a.casefold().replace("_", "-"): a for a in allowed}
    key = text.casefold().replace("_", "-")
    if key in folded:
        return folded[key]
    close = difflib.get_close_matches(key, list(folded), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(folded[c] for c in close)}?" if close else ""
    raise UsageError(f"parameter {p.name!r}: {text!r} is not a {p.base} ({', '.join(allowed)}){hint}")
