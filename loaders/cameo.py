"""CAMEO event codes: names and Goldstein scale values, and GDELT's quad classes.

The code list is package data (``relgraph/data/cameo/cameo-codes.csv``, kept as
published; only its ``code``, ``name`` and ``goldstein`` columns are read).

>>> cameo_codes()["112"].name
'Accuse'
>>> cameo_codes()["0834"].goldstein
5.0
>>> quad_class("14"), quad_class("19")
(3, 4)
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

TABLE = ("data", "cameo", "cameo-codes.csv")

# GDELT 1.0's QuadClass by CAMEO root code (codebook, and every row of the
# sample data agrees): 01-05 verbal cooperation, 06-09 material cooperation,
# 10-14 verbal conflict, 15-20 material conflict.
QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
              4: "material conflict"}


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    goldstein: float | None


@cache
def cameo_codes() -> dict[str, CameoCode]:
    """Every CAMEO event code of the table (root, base and sub-codes), by code."""
    # Some descriptions hold mis-encoded bytes; codes and names are ASCII.
    text = resources.files("relgraph").joinpath(*TABLE).read_bytes().decode("utf-8", "replace")
    out = {}
    for row in csv.DictReader(io.StringIO(text, newline="")):
        code = row["code"].strip()
        try:
            goldstein: float | None = float(row["goldstein"])
        except ValueError:
            goldstein = None
        out[code] = CameoCode(code, " ".join(row["name"].split()), goldstein)
    return out


def quad_class(root_code: str) -> int | None:
    """GDELT's quad class (1-4) of a CAMEO root code ("01".."20"), or None."""
    try:
        root = int(root_code)
    except ValueError:
        return None
    if 1 <= root <= 5:
        return 1
    if 6 <= root <= 9:
        return 2
    if 10 <= root <= 14:
        return 3
    if 15 <= root <= 20:
        return 4
    return None
