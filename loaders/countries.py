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
from datetime import date
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


# -- states that no longer exist ---------------------------------------------------------

@dataclass(frozen=True)
class FormerState:
    """A state ISO 3166-3 lists as withdrawn: its last code, names and years of existence."""

    alpha3: str
    alpha2: str
    name: str
    names: tuple[str, ...]
    valid_from: str
    valid_to: str  # its last day as a state
    iso_3166_3: str  # the four-letter code ISO 3166-3 gives it


FORMER = {f.alpha3: f for f in (
    FormerState("SUN", "SU", "Union of Soviet Socialist Republics", ("Soviet Union", "USSR"),
                "1922-12-30", "1991-12-26", "SUHH"),
    FormerState("CSK", "CS", "Czechoslovakia", ("Czechoslovak Socialist Republic", "Czech and Slovak "
                "Federative Republic"), "1918-10-28", "1992-12-31", "CSHH"),
    FormerState("YUG", "YU", "Yugoslavia", ("Socialist Federal Republic of Yugoslavia", "Federal Republic "
                "of Yugoslavia"), "1918-12-01", "2003-02-03", "YUCS"),
    FormerState("SCG", "CS", "Serbia and Montenegro", ("State Union of Serbia and Montenegro",),
                "2003-02-04", "2006-06-02", "CSXX"),
)}
"""Former states the successions below map to (not in ISO 3166-1, which lists current codes)."""

# A code of a state that succeeded another, and before which day the territory belonged to which
# state: (first day of the successor, the predecessor's code), latest first. GDELT codes actors by
# today's states (a 1982 Soviet actor is RUS); an event is mapped to the state of its day.
SUCCESSIONS: dict[str, tuple[tuple[str, str], ...]] = {
    **{code: (("1991-12-26", "SUN"),) for code in (
        "RUS", "UKR", "BLR", "MDA", "GEO", "ARM", "AZE", "KAZ", "UZB", "TKM", "KGZ", "TJK")},
    **{code: (("1991-09-06", "SUN"),) for code in ("EST", "LVA", "LTU")},  # recognised by the USSR
    "CZE": (("1993-01-01", "CSK"),), "SVK": (("1993-01-01", "CSK"),),
    "SVN": (("1991-06-25", "YUG"),), "HRV": (("1991-06-25", "YUG"),),
    "MKD": (("1991-09-08", "YUG"),), "BIH": (("1992-03-03", "YUG"),),
    "SRB": (("2006-06-05", "SCG"), ("2003-02-04", "YUG")),
    "MNE": (("2006-06-03", "SCG"), ("2003-02-04", "YUG")),
}


def state_on(code: str, day: date) -> str:
    """The code of the state that ``code``'s territory belonged to on ``day``.

    >>> [state_on(c, date(1982, 5, 1)) for c in ("RUS", "PRK")], state_on("RUS", date(1991, 12, 26))
    (['SUN', 'PRK'], 'RUS')
    >>> [state_on("SRB", date(y, 1, 1)) for y in (1999, 2004, 2007)]
    ['YUG', 'SCG', 'SRB']
    """
    state = code
    for first, before in SUCCESSIONS.get(code, ()):  # latest first
        if day >= date.fromisoformat(first):
            break
        state = before
    return state
