"""Render rows as a terminal table, JSON or CSV, safely.

Data is hostile until shown otherwise: control characters (terminal escape
sequences) are made visible in tables, and CSV cells that a spreadsheet would
run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from datetime import date, datetime
from typing import Any

# Every C0 and C1 control character but the line break (a tab, too: it would shift table
# columns), and the format characters (Unicode's Cf: bidirectional overrides such as U+202E,
# zero-width spaces and joiners, soft hyphens) and line and paragraph separators, which
# change what a line shows without showing themselves.
_INVISIBLE = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
              "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
              "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
              "\U000e0020-\U000e007f")
_CONTROL = re.compile(f"[\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f{_INVISIBLE}]")
_CONTROL_LINE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_INVISIBLE}]")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")


def plural(n: int, word: str, words: str | None = None) -> str:
    """A count with its noun in the right number.

    >>> plural(1, "relationship"), plural(2, "relationship"), plural(0, "query", "queries")
    ('1 relationship', '2 relationships', '0 queries')
    """
    return f"{n} {word if n == 1 else (words or word + 's')}"


def clean_text(text: str) -> str:
    """Make control characters visible, so data cannot drive the terminal.

    >>> clean_text("ok\\x1b[31mred")
    'ok\\\\x1b[31mred'
    """
    return _CONTROL.sub(_escape, text)


def clean_line(text: str) -> str:
    """:func:`clean_text` for what must stay one line: line breaks are shown too, so a value
    cannot print a line of its own that looks like output.

    >>> print(clean_line("Atlantis\\nHOLDS -> King \\u202eevil"))
    Atlantis\\x0aHOLDS -> King \\u202eevil
    """
    return _CONTROL_LINE.sub(_escape, text)


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c <= 0xFF else f"\\u{c:04x}" if c <= 0xFFFF else f"\\U{c:08x}"


def cell(value: Any) -> str:
    """One value as display text: lists joined with '; ', dates ISO, None empty."""
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=_json_default, ensure_ascii=False)
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide and full-width letters take two.

    >>> _width("Kim"), _width("김정은"), _width("Kim 김")
    (3, 6, 6)
    """
    if text.isascii():  # most cells; a community's member list runs to millions of letters
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


PAD = 200  # without a width, no column is padded wider: a longer cell pushes the rest of its line


def table(columns: list[str], rows: list[list[Any]], width: int | None = None) -> str:
    """An aligned plain-text table; with ``width``, the widest columns are cut (their cells end
    in "…") until each line fits in ``width`` characters, as far as 8 characters a column allow.
    Without, every character is kept, and a column is aligned to at most :data:`PAD` characters
    (an ego network's ways in to a node reached through 2,000 others run to 96,000: padding
    20,000 lines to that made 2 GB).

    >>> print(table(["type", "n"], [["State", 9], ["Person", 12]]))
    type    n
    ------  --
    State   9
    Person  12
    >>> print(table(["name", "note"], [["Kim", "a long note that does not fit"]], width=26))
    name  note
    ----  --------------------
    Kim   a long note that do…
    """
    text = [[clean_line(cell(v)) for v in row] for row in rows]
    heads = [clean_line(c) for c in columns]
    widths = [max([_width(h)] + [_width(r[i]) for r in text]) for i, h in enumerate(heads)]
    if width is None:
        widths = [min(w, PAD) for w in widths]
    elif widths:
        widths = _fit(widths, width - 2 * (len(widths) - 1))
        text = [[_cut(v, w) for v, w in zip(row, widths, strict=True)] for row in text]
        heads = [_cut(h, w) for h, w in zip(heads, widths, strict=True)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    return "\n".join([line(heads), line(["-" * w for w in widths]), *(line(r) for r in text)])


MIN_COLUMN = 8
KEEP = 12  # columns this narrow are never cut


def _fit(widths: list[int], room: int) -> list[int]:
    """Column widths summing to at most ``room`` where they can: columns of up to
    :data:`KEEP` characters (dates, statuses, numbers) are never cut; the wider ones share
    what is left (water-filling: none is cut below what the narrowest of them needs, nor
    below :data:`MIN_COLUMN`).

    >>> _fit([10, 9, 80, 60], 70)
    [10, 9, 26, 25]
    >>> _fit([10, 9, 80, 20], 70)
    [10, 9, 31, 20]
    """
    if sum(widths) <= room:
        return list(widths)
    wide = sorted((w, i) for i, w in enumerate(widths) if w > KEEP)
    rest = room - sum(w for w in widths if w <= KEEP)
    out = list(widths)
    for k, (w, i) in enumerate(wide):
        share = max(MIN_COLUMN, rest // (len(wide) - k))
        out[i] = min(w, share)
        rest -= out[i]
    return out


def _cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` display columns, ending in "…" when cut."""
    if _width(text) <= width:
        return text
    out, used = [], 0
    for c in text:
        w = _width(c)
        if used + w > width - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + "…"


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def to_json(columns: list[str], rows: list[list[Any]]) -> str:
    """A JSON array of objects (column -> value), dates as ISO strings."""
    objs = [dict(zip(columns, row, strict=True)) for row in rows]
    return json.dumps(objs, default=_json_default, ensure_ascii=False, indent=2)


def csv_cell(value: Any) -> str:
    """A CSV cell that spreadsheets show as text, never run as a formula.

    Control characters are made visible, as in tables: a terminal showing the
    file would act on them, and a spreadsheet takes a bare carriage return for
    a new row (one that could start with a formula).

    >>> csv_cell("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    >>> csv_cell(-2.5)
    '-2.5'
    >>> csv_cell("x\\r=1+1")
    'x\\\\x0d=1+1'
    """
    text = clean_text(cell(value))
    if text.startswith(_FORMULA) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def to_csv(columns: list[str], rows: list[list[Any]]) -> str:
    """CSV with a header row."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([csv_cell(c) for c in columns])
    w.writerows([csv_cell(v) for v in row] for row in rows)
    return buf.getvalue()


def render(columns: list[str], rows: list[list[Any]], fmt: str, width: int | None = None) -> str:
    """Rows as ``fmt`` (table, json, csv); with ``width``, a table fits in it."""
    if fmt == "json":
        return to_json(columns, rows)
    if fmt == "csv":
        return to_csv(columns, rows).rstrip("\n")
    return table(columns, rows, width)


def terminal_width() -> int | None:
    """The width of the terminal standard output is, or None when it is a pipe or a file (which
    get every character)."""
    import shutil
    import sys

    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None
