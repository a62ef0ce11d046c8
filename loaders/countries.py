"""ISO 3166-1 countries: which codes are states, and what they are called.

The table is Debian's ``iso-codes`` list, shipped as package data
(``relgraph/data/countries/iso_3166-1.json``). GDELT's actor country codes are
CAMEO codes, which are ISO alpha-3 codes for countries (and other codes, such
as ``EUR`` or ``AFR``, for regions): a code is a state here when the table has it.

>>> country("PRK").name
'North Korea'
>>> country("EUR") is None
True
>>> code_for_name("Democratic People's Republic of Korea ")
'PRK'
>>> code_for_name("Iran (Islamic Republic of)")
'IRN'
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

TABLE = ("data", "countries", "iso_3166-1.json")
DOC_ID = "doc:iso-3166-1"


@dataclass(frozen=True)
class Country:
    """One ISO 3166-1 entry."""

    alpha3: str
    alpha2: str
    name: str  # the common name where the list has one, else the short name
    names: tuple[str, ...]  # every name the list gives (short, official, common)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['’ʼ‘`]", "", text)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@cache
def countries() -> dict[str, Country]:
    """Every country of the table, by alpha-3 code."""
    path = resources.files("relgraph").joinpath(*TABLE)
    raw = json.loads(path.read_text("utf-8"))["3166-1"]
    out = {}
    for c in raw:
        names = tuple(dict.fromkeys(c[k] for k in ("common_name", "name", "official_name") if c.get(k)))
        out[c["alpha_3"]] = Country(c["alpha_3"], c["alpha_2"], names[0], names)
    return out


def country(code: str) -> Country | None:
    """The country with alpha-3 ``code``, or None (regions, groups, unknown codes)."""
    return countries().get(code.strip().upper()) if code else None


@cache
def _by_name() -> dict[str, str]:
    out: dict[str, str] = {}
    for c in countries().values():
        for n in c.names:
            out.setdefault(_fold(n), c.alpha3)
    return out


def code_for_name(name: str) -> str | None:
    """The alpha-3 code of a country written out by name, or None.

    Matches any of the table's names, ignoring case, accents and punctuation,
    and also without a trailing parenthesis ("Libya (in custody)" is Libya).
    """
    if not name or not name.strip():
        return None
    table = _by_name()
    for candidate in (name, re.sub(r"\([^)]*\)", " ", name)):
        code = table.get(_fold(candidate))
        if code:
            return code
    return None
