"""GDELT 1.0 events (CAMEO-coded) -> relationships between states.

Two inputs, told apart by their first line:

- event files: tab-separated, no header, 58 columns (daily files) or 57
  (historical back-files, which end at DATEADDED); a ``.zip`` as GDELT
  distributes them is read too;
- dyad-year counts: tab-separated, quoted, 8 columns (year, actor 1 code,
  actor 2 code, event code, base code, root code, Goldstein scale, count).

An event is *between states* when both actors' country codes are ISO 3166-1
alpha-3 codes (:mod:`relgraph.loaders.countries`; CAMEO's region codes such
as EUR or AFR are not) and differ: events within one country are left out. In
an event file the country codes are the ActorNCountryCode columns; in a
dyad-year file, the first three letters of the actor codes (CAMEO actor codes
start with the country: ``USAGOV``).

Each such event becomes a dated ``CAMEO_EVENT`` relationship between the two
State nodes, or, with ``aggregate=True`` (always for dyad-year files), one
``CAMEO_DYAD_YEAR`` relationship per ordered pair of states and year with the
number of events, their mean Goldstein score and counts per quad class. The
file is read line by line; only the kept events (or their aggregates) are held.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from relgraph.errors import InputError, Problem, UsageError
from relgraph.loaders.cameo import cameo_codes, quad_class
from relgraph.loaders.countries import FORMER, countries, state_on
from relgraph.loaders.importing import RecordBuilder, slug

# GDELT 1.0 event file columns (the daily files' 58; back-files lack SOURCEURL).
EVENT_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)
COL = {name: i for i, name in enumerate(EVENT_COLUMNS)}
DYAD_COLUMNS = ("year", "actor1", "actor2", "eventcode", "basecode", "rootcode", "goldstein", "count")
QUAD_PROPS = {1: "verbalCooperation", 2: "materialCooperation", 3: "verbalConflict", 4: "materialConflict"}
MAX_PROBLEMS = 100
DATE_IN_NAME = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


@dataclass
class Event:
    event_id: str
    line: int
    day: date
    source: str
    target: str
    source_name: str
    target_name: str
    code: str
    name: str
    quad: int
    goldstein: float
    mentions: int | None
    tone: float | None
    url: str
    coded: tuple[str, str] = ("", "")  # the actor codes as GDELT gives them, where a state has gone


@dataclass
class DyadYear:
    source: str
    target: str
    year: int
    line: int  # first line that counted
    count: int = 0
    goldstein_sum: float = 0.0
    quads: dict[int, int] = field(default_factory=lambda: dict.fromkeys(QUAD_PROPS, 0))

    def add(self, n: int, goldstein: float, quad: int) -> None:
        self.count += n
        self.goldstein_sum += goldstein * n
        self.quads[quad] += n

    @property
    def mean_goldstein(self) -> float | None:
        return self.goldstein_sum / self.count if self.count else None


@dataclass
class GdeltData:
    """What a GDELT file holds between states."""

    path: Path
    kind: str  # "events" or "dyad-years"
    aggregate: bool
    rows: int = 0
    kept: int = 0  # rows (event files) or events (dyad-year files) between two states
    kept_rows: int = 0  # rows between two states: with the three counts below, every row read
    non_state: int = 0  # rows with an actor that is not a state
    domestic: int = 0  # rows within one state
    filtered: int = 0  # rows between states left out by `states`
    events: list[Event] = field(default_factory=list)
    dyads: dict[tuple[str, str, int], DyadYear] = field(default_factory=dict)

    @property
    def file_date(self) -> date | None:
        """The date in the file's name (GDELT names daily files by date), if any."""
        m = DATE_IN_NAME.search(self.path.name)
        try:
            return date(int(m[1]), int(m[2]), int(m[3])) if m else None
        except ValueError:
            return None

    @property
    def doc_id(self) -> str:
        day = self.file_date
        return "doc:gdelt-" + (day.isoformat() if day else slug(_stem(self.path)))

    @property
    def origin(self) -> str:
        what = "gdelt-dyad-years" if self.aggregate else "gdelt"
        return f"import:{what}/{self.path.name}"


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".zip", ".csv", ".CSV", ".tsv", ".txt"):
        name = name.removesuffix(suffix)
    return name


@contextmanager
def _open_lines(path: Path) -> Iterator[IO[bytes]]:
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as z:
            members = [m for m in z.namelist() if not m.endswith("/")]
            if len(members) != 1:
                raise InputError([Problem(str(path), None, None, None,
                                          f"the zip file holds {len(members)} files, not one",
                                          "give a GDELT zip with one event file, or the file itself")])
            with z.open(members[0]) as f:
                yield f
    else:
        with path.open("rb") as f:
            yield f


def _decoded(raw: IO[bytes], name: str, problems: list[Problem]) -> Iterator[tuple[int, str]]:
    for n, line in enumerate(raw, 1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append(Problem(name, n, None, None, f"not UTF-8 (byte 0x{line[e.start]:02x})",
                                    "give the file as GDELT publishes it (UTF-8)"))
            continue
        yield n, text.rstrip("\r\n")


def read_gdelt(path: str | Path, *, aggregate: bool = False,
               states: Iterable[str] | None = None) -> GdeltData:
    """Read a GDELT 1.0 event file or dyad-year counts file, keeping events between states.

    ``states`` (ISO alpha-3 codes) keeps only events involving that state
    (one code) or between two of those states (several codes). Raises
    :class:`InputError` listing the bad lines; nothing is kept then.
    """
    path = Path(path)
    name = str(path)
    wanted = _check_states(states)
    problems: list[Problem] = []
    if not path.is_file():
        raise InputError([Problem(name, None, None, None, "no such file", "check the path")])
    with _open_lines(path) as raw:
        lines = _decoded(raw, name, problems)
        first = next(((n, t) for n, t in lines if t.strip()), None)
        if first is None:
            raise InputError([Problem(name, None, None, None, "file is empty", "give a GDELT 1.0 file")])
        kind = _detect(first[1], name)
        data = GdeltData(path, kind, aggregate or kind == "dyad-years")
        rows = _chain(first, lines)
        if kind == "events":
            _read_events(rows, data, wanted, problems)
        else:
            _read_dyads(rows, data, wanted, problems)
    if problems:
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems = [*problems[:MAX_PROBLEMS],
                        Problem(name, None, None, None, f"... and {more} more problems",
                                "fix the lines above")]
        raise InputError(problems)
    return data


def _check_states(states: Iterable[str] | None) -> set[str]:
    wanted = {s.strip().upper() for s in states or () if s.strip()}
    unknown = sorted(s for s in wanted if s not in countries() and s not in FORMER)
    if unknown:
        raise UsageError(f"not ISO 3166-1 alpha-3 country codes: {', '.join(unknown)} (e.g. RUS, PRK, CHN; "
                         f"former states: {', '.join(FORMER)})")
    return wanted


def _chain(first: tuple[int, str], rest: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    yield first
    yield from rest


def _detect(line: str, name: str) -> str:
    cells = line.split("\t")
    if len(cells) in (len(EVENT_COLUMNS), len(EVENT_COLUMNS) - 1):
        return "events"
    if len(next(csv.reader([line], delimiter="\t"))) == len(DYAD_COLUMNS):
        return "dyad-years"
    raise InputError([Problem(name, 1, None, None,
                              f"line has {len(cells)} tab-separated columns: neither a GDELT 1.0 event "
                              f"file (57 or 58) nor a dyad-year counts file (8)",
                              "give a GDELT 1.0 event file (e.g. 20160728.export.CSV) or dyad-year counts")])


def _keep(data: GdeltData, a: str, b: str, wanted: set[str]) -> bool:
    table = countries()
    if (a not in table and a not in FORMER) or (b not in table and b not in FORMER):
        data.non_state += 1
        return False
    if a == b:
        data.domestic += 1
        return False
    if wanted and not ({a, b} <= wanted if len(wanted) > 1 else wanted & {a, b}):
        data.filtered += 1
        return False
    return True


class _Bad(Exception):
    def __init__(self, column: str, value: Any, message: str):
        self.column, self.value, self.message = column, value, message


def _int(cells: list[str], column: str, *, optional: bool = False) -> int | None:
    value = cells[COL[column]].strip()
    if optional and not value:
        return None
    if not re.fullmatch(r"-?\d+", value):
        raise _Bad(column, value, "not a whole number")
    return int(value)


def _float(cells: list[str], column: str, *, optional: bool = False) -> float | None:
    value = cells[COL[column]].strip()
    if optional and not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise _Bad(column, value, "not a number") from None


def _read_events(rows: Iterator[tuple[int, str]], data: GdeltData, wanted: set[str],
                 problems: list[Problem]) -> None:
    name = str(data.path)
    codes = cameo_codes()
    seen: set[str] = set()
    for n, text in rows:
        if not text.strip():
            continue
        data.rows += 1
        cells = text.split("\t")
        if len(cells) not in (len(EVENT_COLUMNS), len(EVENT_COLUMNS) - 1):
            problems.append(Problem(name, n, None, None,
                                    f"row has {len(cells)} columns, not 57 or 58 (GDELT 1.0)",
                                    "give the file as GDELT publishes it (tab-separated)"))
            continue
        if not cells[0].strip().isdigit():
            header = cells[0].strip().lower() == "globaleventid"
            problems.append(Problem(name, n, "GLOBALEVENTID", cells[0],
                                    "a header row: GDELT 1.0 event files have none" if header
                                    else "not an event id (digits)",
                                    "remove the header line" if header
                                    else "give the file as GDELT publishes it"))
            continue
        coded = cells[COL["Actor1CountryCode"]].strip(), cells[COL["Actor2CountryCode"]].strip()
        day = _sqldate(cells[COL["SQLDATE"]])
        # GDELT codes actors by today's states: map them to the states of the event's day
        # (a 1982 RUS is the USSR, and RUS with UKR in 1985 is within one state).
        a, b = (state_on(coded[0], day), state_on(coded[1], day)) if day else coded
        if not _keep(data, a, b, wanted):
            continue
        try:
            event = _event(cells, n, a, b, codes)
        except _Bad as e:
            problems.append(Problem(name, n, e.column, e.value, e.message,
                                    "give the file as GDELT publishes it"))
            continue
        if (a, b) != coded:
            event.coded = coded
        if event.event_id in seen:
            problems.append(Problem(name, n, "GLOBALEVENTID", event.event_id, "event id seen before",
                                    "give each event once"))
            continue
        seen.add(event.event_id)
        data.kept += 1
        data.kept_rows += 1
        if data.aggregate:
            key = (a, b, event.day.year)
            data.dyads.setdefault(key, DyadYear(a, b, event.day.year, n)).add(1, event.goldstein, event.quad)
        else:
            data.events.append(event)


def _sqldate(text: str) -> date | None:
    """A GDELT SQLDATE (YYYYMMDD), or None when it is none (:func:`_event` reports it).

    >>> _sqldate("19820501"), _sqldate("1982051"), _sqldate("19821301")
    (datetime.date(1982, 5, 1), None, None)
    """
    text = text.strip()
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])) if len(text) == 8 else None
    except ValueError:
        return None


def _event(cells: list[str], n: int, a: str, b: str, codes: dict[str, Any]) -> Event:
    event_id = cells[COL["GLOBALEVENTID"]].strip()
    if not event_id.isdigit():
        raise _Bad("GLOBALEVENTID", event_id, "not an event id (digits)")
    day = _sqldate(cells[COL["SQLDATE"]])
    if day is None:
        raise _Bad("SQLDATE", cells[COL["SQLDATE"]].strip(), "not a date (YYYYMMDD)")
    code = cells[COL["EventCode"]].strip()
    if code not in codes:
        raise _Bad("EventCode", code, "not a CAMEO event code")
    quad = _int(cells, "QuadClass")
    if quad not in QUAD_PROPS:
        raise _Bad("QuadClass", quad, "not a quad class (1-4)")
    goldstein = _float(cells, "GoldsteinScale", optional=True)
    if goldstein is None:
        goldstein = codes[code].goldstein
    url = cells[COL["SOURCEURL"]].strip() if len(cells) > COL["SOURCEURL"] else ""
    return Event(event_id, n, day, a, b, cells[COL["Actor1Name"]].strip(), cells[COL["Actor2Name"]].strip(),
                 code, codes[code].name, quad, goldstein if goldstein is not None else 0.0,
                 _int(cells, "NumMentions", optional=True), _float(cells, "AvgTone", optional=True), url)


def _read_dyads(rows: Iterator[tuple[int, str]], data: GdeltData, wanted: set[str],
                problems: list[Problem]) -> None:
    name = str(data.path)
    codes = cameo_codes()
    for n, text in rows:
        if not text.strip():
            continue
        data.rows += 1
        try:
            cells = next(csv.reader(io.StringIO(text), delimiter="\t", strict=True))
        except csv.Error as e:
            problems.append(Problem(name, n, None, None, f"CSV error: {e}", "check the quotes on this line"))
            continue
        if len(cells) != len(DYAD_COLUMNS):
            problems.append(Problem(name, n, None, None, f"row has {len(cells)} columns, not 8",
                                    "columns: year, actor1, actor2, event code, base code, root code, "
                                    "Goldstein, count"))
            continue
        row = dict(zip(DYAD_COLUMNS, (c.strip() for c in cells), strict=True))
        a, b = row["actor1"][:3], row["actor2"][:3]
        if re.fullmatch(r"\d{4}", row["year"]):  # the states as the year began (see _read_events)
            a, b = state_on(a, date(int(row["year"]), 1, 1)), state_on(b, date(int(row["year"]), 1, 1))
        if not _keep(data, a, b, wanted):
            continue
        bad = _dyad_problem(row, codes)
        if bad:
            problems.append(Problem(name, n, bad[0], row[bad[0]], bad[1], "give the file as published"))
            continue
        count, year = int(row["count"]), int(row["year"])
        goldstein = float(row["goldstein"]) if row["goldstein"] else codes[row["eventcode"]].goldstein
        data.kept += count
        data.kept_rows += 1
        quad = quad_class(row["rootcode"]) or 0
        data.dyads.setdefault((a, b, year), DyadYear(a, b, year, n)).add(count, goldstein or 0.0, quad)


def _dyad_problem(row: dict[str, str], codes: dict[str, Any]) -> tuple[str, str] | None:
    if not re.fullmatch(r"\d{4}", row["year"]):
        return "year", "not a year (YYYY)"
    if not row["count"].isdigit():
        return "count", "not a count"
    if row["eventcode"] not in codes:
        return "eventcode", "not a CAMEO event code"
    if quad_class(row["rootcode"]) is None or not row["eventcode"].startswith(row["rootcode"]):
        return "rootcode", "not the event code's CAMEO root code"
    if row["goldstein"]:
        try:
            float(row["goldstein"])
        except ValueError:
            return "goldstein", "not a number"
    elif codes[row["eventcode"]].goldstein is None:
        return "goldstein", "no Goldstein score in the row or the CAMEO table"
    return None


# -- records ---------------------------------------------------------------------
def _name(states: dict[str, Any], code: str) -> str:
    return states[code].name if code in states else FORMER[code].name


def _succession_note(e: Event) -> str:
    """Where an actor's code names a state that did not exist on the event's day, say so."""
    moved = [(c, t) for c, t in zip(e.coded, (e.source, e.target), strict=True) if c and c != t]
    return "; ".join(f"GDELT codes the actor {c} (today's state); on {e.day.isoformat()} that territory "
                     f"was {FORMER[t].name if t in FORMER else t} ({t})" for c, t in moved)


def plan_gdelt_import(data: GdeltData, builder: RecordBuilder) -> None:
    """Add the file's Document, the State nodes it needs and its relationships to ``builder``."""
    doc = data.doc_id
    published = data.file_date.isoformat() if data.file_date else None
    what = "dyad-year event counts" if data.kind == "dyad-years" else "event records"
    builder.add_node("Document", doc, name=f"GDELT 1.0 {what}: {data.path.name}", kind="dataset",
                     publisher="The GDELT Project", published=published, url="https://www.gdeltproject.org/",
                     status="confirmed",
                     description=f"Machine-coded news events (CAMEO codes); imported from {data.path.name}.")
    states = countries()
    if data.aggregate:
        for key in sorted(data.dyads):
            d = data.dyads[key]
            s, t = builder.ensure_state(d.source), builder.ensure_state(d.target)
            mean = d.mean_goldstein
            rel_id = f"gdelt-dyad:{slug(doc.removeprefix('doc:'))}:{d.source}-{d.target}:{d.year}"
            builder.add_rel(
                "CAMEO_DYAD_YEAR", rel_id, s, t, d.line, status="reported",
                date=str(d.year), validFrom=str(d.year), validTo=str(d.year), year=d.year,
                count=d.count, meanGoldstein=mean,
                **{QUAD_PROPS[q]: n for q, n in d.quads.items() if q in QUAD_PROPS},
                description=f"{d.count} events from {_name(states, d.source)} to {_name(states, d.target)} "
                            f"in {d.year}" + (f", mean Goldstein {mean:.2f}" if mean is not None else ""),
                sources=[f"{doc} | {d.source}->{d.target} {d.year}"])
        return
    for e in data.events:
        s, t = builder.ensure_state(e.source), builder.ensure_state(e.target)
        locator = f"GLOBALEVENTID {e.event_id}" + (f" {e.url}" if e.url else "")
        builder.add_rel(
            "CAMEO_EVENT", f"gdelt:{e.event_id}", s, t, e.line, status="reported", date=e.day.isoformat(),
            cameoCode=e.code, cameoName=e.name, quadClass=e.quad, goldstein=e.goldstein,
            numMentions=e.mentions, avgTone=e.tone, sourceUrl=e.url or None,
            sourceActor=e.source_name, targetActor=e.target_name,
            description=f"{e.source_name or e.source} to {e.target_name or e.target}: {e.name}",
            note=_succession_note(e) or None, sources=[f"{doc} | {locator}"])
