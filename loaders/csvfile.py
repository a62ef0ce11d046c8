"""Read a CSV data file into raw records, keeping line numbers.

The first row is a header: ``type`` (optional when the file's name is a type,
e.g. ``holds.csv``), ``id``, ``from``, ``to`` and property names. List cells
(aliases, sources, provisions) are ``;``-separated. An empty cell is no value.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from relgraph.errors import Problem
from relgraph.loaders.records import RawRecord
from relgraph.loaders.yamlfile import MAX_BYTES, decode

# A line as ``io.StringIO(text, newline="")`` gives it: ended by \r\n, \r or \n, kept.
LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")


class FileNameType(str):
    """A record's ``type`` taken from its file's name: the file has no ``type`` column.

    Equal to the plain name; the validator tells by it that an unknown type is a
    badly named file, and says so once for the file instead of once a row.
    """

    __slots__ = ()


def read_csv(path: Path, problems: list[Problem]) -> Iterator[RawRecord]:
    """The file's records, one at a time: a big file's rows are not all held at once (memory)."""
    name = str(path)
    text = decode(path, problems)
    if text is None:
        return
    if not text.strip():
        problems.append(Problem(name, None, None, None, "file is empty",
                                "add a header row and data rows, or remove the file"))
        return
    # A cell may be as long as a whole file (the limit YAML files have too), not the csv
    # module's 131,072 characters: a long text loads from CSV as from YAML.
    if csv.field_size_limit() < MAX_BYTES:
        csv.field_size_limit(MAX_BYTES)
    # Lines cut from the text as they are read (an io.StringIO held a copy of all of it, at
    # 4 bytes a character).
    reader = csv.reader((m.group() for m in LINE.finditer(text)), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as e:
        problems.append(Problem(name, 1, None, None, f"CSV error: {e}", "fix the header row"))
        return
    bad = [h for h in header if not h]
    dupes = sorted({h for h in header if header.count(h) > 1})
    if bad or dupes:
        what = "an empty column name" if bad else f"duplicate columns {', '.join(dupes)}"
        problems.append(Problem(name, 1, None, None, f"header has {what}",
                                "give every column one unique name"))
        return
    default_type = None if "type" in header else FileNameType(path.stem)
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            problems.append(Problem(name, reader.line_num, None, None, f"CSV error: {e}",
                                    "check the quotes on this line"))
            break
        start, line = line, reader.line_num + 1
        if not "".join(row).strip():  # a blank row (faster than testing each cell)
            continue
        if len(row) != len(header):
            problems.append(Problem(name, start, None, None,
                                    f"row has {len(row)} cells, the header has {len(header)}",
                                    "give every row one cell per column (quote cells that contain commas)"))
            continue
        data = {h: cell for h, cell in zip(header, map(str.strip, row), strict=True) if cell}
        if default_type is not None:
            data.setdefault("type", default_type)
        # Every field is on the record's line: no per-field line map (``line_of`` falls back to it).
        yield RawRecord(name, start, data, from_csv=True)
