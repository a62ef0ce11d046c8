"""Dates as they are known: a partial date (``2008``, ``2023-09``) stays partial in every output.

The store keeps a partial date as a day (the first of its period, the last for
an end such as ``validTo``) so that comparisons and time filters work, and
records how much of it is known in the property's ``…Precision`` companion
(``validFrom`` → ``validFromPrecision``; see ``graph/schema.yaml``). Outputs
show the known part only, through these functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from itertools import chain
from typing import Any

SUFFIX = "Precision"


def known(value: Any, precision: str | None) -> Any:
    """A partial date as the text of what is known; a full date (or anything else) unchanged.

    >>> known(date(2008, 1, 1), "year"), known(date(1996, 9, 30), "month")
    ('2008', '1996-09')
    >>> known(date(2023, 9, 13), None), known(date(2023, 9, 13), "day")
    (datetime.date(2023, 9, 13), datetime.date(2023, 9, 13))
    >>> known("2023-09-01", "month"), known(None, "year"), known(7, "year")
    ('2023-09', None, 7)
    """
    if precision not in ("year", "month"):
        return value
    if isinstance(value, date):
        value = value.isoformat()
    elif not (isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-"):
        return value
    return value[:4] if precision == "year" else value[:7]


def known_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """``props`` with each date whose ``…Precision`` property is year or month as its known text
    (full dates stay dates; the precision properties stay, for whoever reads the data).

    >>> known_props({"validFrom": date(2008, 1, 1), "validFromPrecision": "year",
    ...              "validTo": date(2012, 5, 7), "name": "x"})
    {'validFrom': '2008', 'validFromPrecision': 'year', 'validTo': datetime.date(2012, 5, 7), 'name': 'x'}
    """
    out = dict(props)
    for key, value in props.items():
        if isinstance(value, date):
            out[key] = known(value, props.get(key + SUFFIX))
    return out


def known_rows(columns: list[str], rows: list[list[Any]]) -> tuple[list[str], list[list[Any]]]:
    """Query rows with their dates cut to what is known (see :func:`known_row`), less the
    ``<column>Precision`` columns that served only to cut ``<column>``.

    >>> known_rows(["date", "datePrecision", "event"], [[date(2023, 9, 1), "month", "visit"]])
    (['date', 'event'], [['2023-09', 'visit']])
    """
    precision = _precision_columns(columns)
    if any(len(row) != len(columns) for row in rows):
        raise ValueError(f"rows of other lengths than their {len(columns)} columns")
    keep = [i for i, c in enumerate(columns) if not (is_precision(c) and c[: -len(SUFFIX)] in columns)]
    if not rows:
        return [columns[i] for i in keep], []
    # Column by column: a query returns up to hundreds of thousands of rows, and most columns
    # hold only plain values (text, numbers), passed over whole.
    cells = list(zip(*rows, strict=True))
    out = []
    for i in keep:
        column = cells[i]
        kinds = set(map(type, column))
        if list in kinds and kinds <= _PLAIN | {list}:  # lists of text (sources, names) hold no dates
            kinds = set(map(type, chain.from_iterable(v for v in column if type(v) is list)))
        if not kinds <= _PLAIN:
            p = precision[i]
            column = [_known_cell(v, cells[p][n] if p is not None else None) for n, v in enumerate(column)]
        out.append(column)
    return [columns[i] for i in keep], [list(row) for row in zip(*out, strict=True)]


def known_row(columns: list[str], row: list[Any]) -> list[Any]:
    """A query row with each date column cut to the precision its ``<column>Precision`` column
    gives (a node or relationship returned whole is cut by its own properties).

    >>> known_row(["signed", "signedPrecision", "n"],
    ...           [date(1961, 7, 1), "month", {"born": date(1984, 1, 1), "bornPrecision": "year"}])
    ['1961-07', 'month', {'born': '1984', 'bornPrecision': 'year'}]
    """
    return _known_row(row, _precision_columns(columns))


# Cells of these types hold no date: most cells of most rows, passed over without further tests
# (a query returns up to hundreds of thousands of rows).
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _precision_columns(columns: list[str]) -> list[int | None]:
    """For each column, the index of its ``<column>Precision`` column, if the row has one."""
    index = {c: i for i, c in enumerate(columns)}
    return [index.get(c + SUFFIX) for c in columns]


def _known_row(row: list[Any], precision: list[int | None]) -> list[Any]:
    if len(row) != len(precision):
        raise ValueError(f"a row of {len(row)} values for {len(precision)} columns")
    return [_known_cell(v, row[p] if p is not None else None) for v, p in zip(row, precision, strict=True)]


def _known_cell(value: Any, precision: Any) -> Any:
    """One value with its dates cut to what is known: a date by ``precision`` (the value of its
    ``<column>Precision`` column), a node or relationship (a mapping) by its own properties."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if isinstance(value, date):
        return known(value, precision)
    if isinstance(value, Mapping):
        return known_props(value)
    if kind is list and any(type(v) not in _PLAIN and isinstance(v, Mapping) for v in value):
        return [known_props(v) if isinstance(v, Mapping) else v for v in value]
    return value


def is_precision(column: str) -> bool:
    """Whether a column or property only says how much of a date is known.

    >>> is_precision("validFromPrecision"), is_precision("precision")
    (True, False)
    """
    return column.endswith(SUFFIX) and len(column) > len(SUFFIX)


def when(item: Mapping[str, Any]) -> str:
    """When a fact happened or held, as much as is known: ``date: 2023-09``,
    ``valid: 2008 to now``.

    >>> from datetime import date
    >>> when({"validFrom": date(2008, 1, 1), "validFromPrecision": "year"})
    'valid: 2008 to now'
    """
    from relgraph.formats import cell

    item = known_props(item)
    if item.get("date"):
        return "date: " + cell(item["date"])
    start, end = item.get("validFrom"), item.get("validTo")
    if start or end:
        return f"valid: {cell(start) or '?'} to {cell(end) or 'now'}"
    return ""
