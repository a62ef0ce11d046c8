"""A deterministic generator of a large bilateral-relations graph, as relgraph data files.

The graph is shaped like real event data: about 200 states (the ISO 3166-1
list, Russia and the DPRK always among them), persons, organizations, their
posts, places and the documents facts cite; and, filling up to the requested
number of relationships, dated events (visits, summits, meetings, statements)
with their participants and venues, agreements with their parties and
signatories, and machine-coded state-to-state events (``CAMEO_EVENT``, as
GDELT gives them). Who takes part is skewed as in real data: a few states and
persons are in many facts, most in few.

Every relationship carries an explicit id, a claim status, one or two
citations and a date; every fact cites one of the generated Documents, so the
files pass relgraph's validation unchanged. The files are the ones the
loaders read: states as YAML (``states.yaml``), everything else as CSV (one
file per node type and per relationship type; lists ``;``-separated).

The same ``seed`` and sizes always give byte-identical files.

>>> spec = Spec.for_size(2_000)
>>> spec.relationships, spec.persons, spec.organizations
(2000, 100, 25)
"""

from __future__ import annotations

import csv
import json
import random
import re
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from itertools import accumulate
from pathlib import Path

STATUSES = ("confirmed", "reported", "alleged", "denied", "planned")
STATUS_WEIGHTS = (70, 18, 7, 3, 2)
FIRST_DAY = date(1990, 1, 1)
DAYS = (date(2025, 12, 31) - FIRST_DAY).days
ANCHORS = ("RUS", "PRK", "CHN", "USA", "KOR", "JPN")  # always present, and the busiest

GIVEN = ("Sergei", "Kim", "Ivan", "Choe", "Pak", "Ri", "Vladimir", "Anna", "Olga", "Jong", "Song", "Li",
         "Maria", "Dmitry", "Yuri", "Hyon", "Chol", "Mikhail", "Elena", "Nikolai", "Ahmed", "John",
         "Wei", "Hiro", "Laila", "Pedro", "Amara", "Kofi", "Aiko", "Sofia")
FAMILY = ("Lavrov", "Kim", "Choe", "Pak", "Ri", "Shoigu", "Kozlov", "Ivanov", "Petrov", "Jang", "Han",
          "Sidorov", "Volkov", "Kang", "Yun", "Smith", "Wang", "Tanaka", "Haddad", "Mensah", "Silva",
          "Novak", "Okafor", "Sato", "Garcia", "Nguyen", "Rossi", "Müller", "Dubois", "Kowalski")
ORG_KINDS = ("government", "ministry", "agency", "legislature", "party", "military", "intelligence",
             "company", "research", "media", "other")
ORG_WORDS = ("Ministry of Foreign Affairs", "Ministry of Defence", "Trade Bureau", "State Railways",
             "Energy Corporation", "Academy of Sciences", "News Agency", "Workers' Party",
             "Shipping Company", "Investment Fund", "Border Guard", "Space Agency")
POSTS = (("head-of-state", "President"), ("head-of-government", "Prime Minister"),
         ("minister", "Minister of Foreign Affairs"), ("ambassador", "Ambassador to Russia"))
EVENT_KINDS = (("visit", 30), ("meeting", 35), ("statement", 17), ("summit", 10),
               ("commission-meeting", 5), ("launch", 3))
DOMAINS = ("politics", "diplomacy", "economy", "trade", "transport", "energy", "labour", "tourism",
           "culture", "military", "security", "science")
CAMEO = (("010", "Make statement", 1, 0.0), ("036", "Express intent to meet or negotiate", 1, 4.0),
         ("040", "Consult", 1, 1.0), ("042", "Make a visit", 1, 1.9), ("043", "Host a visit", 1, 2.8),
         ("051", "Engage in diplomatic cooperation", 1, 3.5), ("057", "Sign formal agreement", 1, 8.0),
         ("061", "Cooperate economically", 2, 6.4), ("071", "Provide economic aid", 2, 7.4),
         ("112", "Accuse", 3, -2.0), ("130", "Threaten", 3, -4.4), ("163", "Impose embargo", 4, -8.0),
         ("190", "Use conventional military force", 4, -10.0))

MAX_ROWS = 100_000  # rows per CSV file

#: Where the requested relationships go once the fixed structure is in place.
SANCTION_CLASSES = ("non-sanctioned", "gray-zone", "sanctioned")
SHARES = {"events": 0.60, "agreements": 0.15, "cameo": 0.25}


@dataclass(frozen=True)
class Spec:
    """How big a graph to generate. ``persons``/``organizations`` scale with
    ``relationships`` (20,000 and 5,000 at a million) unless given."""

    relationships: int
    states: int = 200
    persons: int = 0
    organizations: int = 0
    documents: int = 0
    seed: int = 42

    @classmethod
    def for_size(cls, relationships: int, seed: int = 42, **kw: int) -> Spec:
        return cls(relationships=relationships, seed=seed,
                   persons=kw.get("persons") or max(100, relationships // 50),
                   organizations=kw.get("organizations") or max(25, relationships // 200),
                   documents=kw.get("documents") or max(20, relationships // 1000),
                   states=kw.get("states", 200))


def parse_size(text: str | int) -> int:
    """``"10k"`` -> 10000, ``"1M"`` -> 1000000, ``"2500"`` -> 2500.

    >>> parse_size("10k"), parse_size("1M"), parse_size("1.5k"), parse_size(300)
    (10000, 1000000, 1500, 300)
    """
    if isinstance(text, int):
        return text
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not m:
        raise ValueError(f"not a size: {text!r} (write e.g. 10k, 100k, 1M)")
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[m[2].lower()]
    return int(float(m[1]) * factor)


def size_label(n: int) -> str:
    """A size as the command line writes it.

    >>> size_label(1_000_000), size_label(100_000), size_label(2_500)
    ('1M', '100k', '2500')
    """
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


@dataclass
class Generated:
    """What :func:`generate` wrote: the files, and how many of each type."""

    folder: Path
    files: list[Path]
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    # A few real ids, for query parameters: the busiest persons, states, places, ...
    samples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def node_count(self) -> int:
        return sum(self.nodes.values())

    @property
    def relationship_count(self) -> int:
        return sum(self.relationships.values())

    def to_json(self) -> dict:
        return {"folder": str(self.folder), "files": [str(f) for f in self.files], "nodes": self.nodes,
                "relationships": self.relationships, "samples": self.samples}

    @classmethod
    def from_json(cls, data: dict) -> Generated:
        return cls(Path(data["folder"]), [Path(f) for f in data["files"]], data["nodes"],
                   data["relationships"], data["samples"])


class _Skewed:
    """Draws from a sequence with weight 1/(rank+1)^s: a few items often, most rarely."""

    def __init__(self, items: Sequence[str], rnd: random.Random, s: float = 0.9):
        self.items = list(items)
        self.cum = list(accumulate(1.0 / (i + 1) ** s for i in range(len(self.items))))
        self.rnd = rnd

    def one(self) -> str:
        return self.items[bisect(self.cum, self.rnd.random() * self.cum[-1])]

    def some(self, k: int) -> list[str]:
        out: list[str] = []
        for _ in range(k * 4):
            x = self.one()
            if x not in out:
                out.append(x)
                if len(out) == k:
                    break
        return out


class _Writer:
    """A CSV data file with a fixed header; counts rows per type.

    After ``MAX_ROWS`` rows it goes on in a new file (``NAME-part2.csv``, ...):
    the loaders refuse files over 50 MB.
    """

    def __init__(self, path: Path, header: Sequence[str], counts: dict[str, int], files: list[Path]):
        self.path = path
        self.header = list(header)
        self.counts = counts
        self.files = files
        self._rows = 0
        self._open(path)

    def _open(self, path: Path) -> None:
        self.files.append(path)
        self._f = path.open("w", newline="", encoding="utf-8")
        self._w = csv.writer(self._f, lineterminator="\n")
        self._w.writerow(self.header)

    def row(self, **values: object) -> None:
        t = str(values["type"])
        self.counts[t] = self.counts.get(t, 0) + 1
        self._rows += 1
        if self._rows % MAX_ROWS == 0:
            self._f.close()
            self._open(self.path.with_name(f"{self.path.stem}-part{self._rows // MAX_ROWS + 1}.csv"))
        self._w.writerow(["" if values.get(h) is None else values[h] for h in self.header])

    def close(self) -> None:
        self._f.close()


def _countries(n: int) -> list[tuple[str, str, str]]:
    """``n`` ISO 3166-1 countries (alpha-3, alpha-2, name): the anchors first, then by code."""
    raw = json.loads(resources.files("relgraph").joinpath("data", "countries", "iso_3166-1.json")
                     .read_text("utf-8"))["3166-1"]
    by_code = {c["alpha_3"]: (c["alpha_3"], c["alpha_2"], c.get("common_name") or c["name"]) for c in raw}
    order = [*ANCHORS, *sorted(c for c in by_code if c not in ANCHORS)]
    return [by_code[c] for c in order[: min(n, len(order))]]


def generate(folder: str | Path, spec: Spec) -> Generated:
    """Write the data files for ``spec`` into ``folder`` (created; files in it replaced)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*"):
        if old.suffix in (".csv", ".yaml") and old.is_file():
            old.unlink()
    rnd = random.Random(spec.seed)
    nodes: dict[str, int] = {}
    rels: dict[str, int] = {}
    files: list[Path] = []
    samples: dict[str, list[str]] = {}
    seq = iter(range(1, 1 << 62))

    def day() -> date:
        return FIRST_DAY + timedelta(days=rnd.randrange(DAYS))

    status_cum = list(accumulate(STATUS_WEIGHTS))

    def status() -> str:
        return STATUSES[bisect(status_cum, rnd.random() * status_cum[-1])]

    doc_ids = [f"doc:gen-{i:05d}" for i in range(spec.documents)]
    docs = _Skewed(doc_ids, rnd, 0.6)

    def cite(what: str) -> str:
        k = 1 if rnd.random() < 0.7 else 2
        return ";".join(f"{d} | {what} para {rnd.randrange(1, 60)}" for d in docs.some(k))

    def rel_file(name: str, extra: Sequence[str] = ()) -> _Writer:
        return _Writer(out / f"rel-{name}.csv", ["type", "id", "from", "to", "status", "sources", "date",
                                                 "validFrom", "validTo", *extra, "note"], rels, files)

    def rid() -> str:
        return f"gen:r{next(seq):07d}"

    # -- states (YAML, as a curated file would be) ----------------------------
    countries = _countries(spec.states)
    state_ids = [f"state:{a3}" for a3, _, _ in countries]
    lines = ["# Generated by benchmarks/generate.py", "defaults:", "  status: confirmed", "nodes:"]
    for a3, a2, name in countries:
        lines += [f"  - id: state:{a3}", "    type: State", f"    name: {json.dumps(name)}",
                  f"    iso3: {a3}", f"    iso2: {json.dumps(a2)}",
                  f"    sources: [\"{doc_ids[0]} | ISO 3166-1 {a3}\"]"]
    (out / "states.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    files.append(out / "states.yaml")
    nodes["State"] = len(countries)
    states = _Skewed(state_ids, rnd, 1.0)

    # -- documents, places, posts, organizations, persons (CSV) ------------------
    w = _Writer(out / "nodes-Document.csv", ["type", "id", "name", "kind", "status", "publisher", "published",
                                              "url"], nodes, files)
    for i, d in enumerate(doc_ids):
        w.row(type="Document", id=d, name=f"Report {i} on bilateral relations",
              kind=rnd.choice(("report", "article", "official", "dataset")), status="confirmed",
              publisher=f"Publisher {i % 37}",
              published=day().isoformat(), url=f"https://example.org/reports/{i}")
    w.close()

    w = _Writer(out / "nodes-Place.csv", ["type", "id", "name", "kind", "status", "sources",
                                          "latitude", "longitude"], nodes, files)
    loc = rel_file("LOCATED_IN")
    place_ids: list[str] = []
    for a3, _, name in countries:
        for j, kind in enumerate(("capital", "city", "port")):
            pid = f"place:{a3.lower()}-{j}"
            place_ids.append(pid)
            w.row(type="Place", id=pid, name=f"{name} {kind} {j}", kind=kind, status="confirmed",
                  sources=cite("gazetteer"), latitude=round(rnd.uniform(-60, 70), 4),
                  longitude=round(rnd.uniform(-180, 180), 4))
            loc.row(type="LOCATED_IN", id=rid(), **{"from": pid, "to": f"state:{a3}"}, status="confirmed",
                    sources=cite("gazetteer"), validFrom=FIRST_DAY.isoformat())
    w.close()
    loc.close()
    places = _Skewed(place_ids, rnd, 0.9)

    w = _Writer(out / "nodes-Position.csv", ["type", "id", "name", "rank", "status", "sources"], nodes, files)
    post_in = rel_file("POST_IN")
    position_ids: list[str] = []
    for a3, _, name in countries:
        for rank, title in POSTS:
            pos = f"position:{a3.lower()}-{rank}"
            position_ids.append(pos)
            w.row(type="Position", id=pos, name=f"{title} of {name}", rank=rank, status="confirmed",
                  sources=cite("constitution"))
            post_in.row(type="POST_IN", id=rid(), **{"from": pos, "to": f"state:{a3}"}, status="confirmed",
                        sources=cite("constitution"), validFrom=FIRST_DAY.isoformat())
    w.close()
    post_in.close()

    w = _Writer(out / "nodes-Organization.csv", ["type", "id", "name", "aliases", "kind", "status",
                                                 "sources"], nodes, files)
    part_of = rel_file("PART_OF")
    org_ids = [f"org:gen-{i:05d}" for i in range(spec.organizations)]
    for i, oid in enumerate(org_ids):
        home = states.one()
        w.row(type="Organization", id=oid, name=f"{home[6:]} {ORG_WORDS[i % len(ORG_WORDS)]} {i}",
              aliases=f"ORG{i};{home[6:]}-{i}", kind=rnd.choice(ORG_KINDS), status=status(),
              sources=cite("registry"))
        part_of.row(type="PART_OF", id=rid(), **{"from": oid, "to": home}, status="confirmed",
                    sources=cite("registry"), validFrom=day().isoformat())
    w.close()
    part_of.close()
    orgs = _Skewed(org_ids, rnd, 0.8)

    w = _Writer(out / "nodes-Person.csv", ["type", "id", "name", "aliases", "status", "sources", "born",
                                           "gender"], nodes, files)
    citizen = rel_file("CITIZEN_OF")
    affiliated = rel_file("AFFILIATED_WITH", ["role"])
    person_ids = [f"person:gen-{i:06d}" for i in range(spec.persons)]
    citizenship: dict[str, str] = {}
    for i, pid in enumerate(person_ids):
        given, family = GIVEN[i % len(GIVEN)], FAMILY[(i // len(GIVEN)) % len(FAMILY)]
        home = states.one()
        citizenship[pid] = home
        w.row(type="Person", id=pid, name=f"{given} {family} {i}",
              aliases=f"{family} {given} {i}" if i % 3 == 0 else None, status=status(),
              sources=cite("biography"), born=f"{rnd.randrange(1930, 1990)}-{rnd.randrange(1, 13):02d}",
              gender=rnd.choice(("female", "male")))
        citizen.row(type="CITIZEN_OF", id=rid(), **{"from": pid, "to": home}, status="confirmed",
                    sources=cite("biography"), validFrom=f"{rnd.randrange(1930, 1990)}")
        if i % 2 == 0:
            affiliated.row(type="AFFILIATED_WITH", id=rid(), **{"from": pid, "to": orgs.one()},
                           status=status(), sources=cite("staff list"), validFrom=day().isoformat(),
                           role=rnd.choice(("staff", "director", "adviser", "member")))
    w.close()
    citizen.close()
    affiliated.close()
    persons = _Skewed(person_ids, rnd, 0.8)

    # -- posts held over time ----------------------------------------------------
    holds = rel_file("HOLDS")
    terms = max(1, min(4, spec.persons // max(1, len(position_ids))))
    for pos in position_ids:
        start = FIRST_DAY
        for t in range(terms):
            end = start + timedelta(days=rnd.randrange(365, 365 * 9))
            holds.row(type="HOLDS", id=rid(), **{"from": persons.one(), "to": pos}, status=status(),
                      sources=cite("official biography"), validFrom=start.isoformat(),
                      validTo=None if t == terms - 1 else end.isoformat())
            start = end + timedelta(days=1)
    holds.close()

    # -- projects, sanctions and yearly event counts: what the other stored queries find
    pw = _Writer(out / "nodes-Project.csv", ["type", "id", "name", "domain", "sanctionClass", "status",
                                             "sources", "validFrom", "validTo"], nodes, files)
    partner = rel_file("PARTNER_IN", ["role"])
    for i in range(max(3, spec.relationships // 5_000)):
        prid = f"project:gen-{i:05d}"
        start = day()
        pw.row(type="Project", id=prid, name=f"Joint project {i}", domain=DOMAINS[i % len(DOMAINS)],
               sanctionClass=SANCTION_CLASSES[i % len(SANCTION_CLASSES)], status=status(),
               sources=cite("project report"), validFrom=start.strftime("%Y-%m"),
               validTo=(start + timedelta(days=rnd.randrange(400, 4000))).isoformat() if i % 4 == 0 else None)
        members = states.some(2) + orgs.some(rnd.choice((0, 1, 2))) + persons.some(rnd.choice((0, 1)))
        for m in members:
            partner.row(type="PARTNER_IN", id=rid(), **{"from": m, "to": prid}, status=status(),
                        sources=cite("project report"), validFrom=start.isoformat(),
                        role=rnd.choice(("operator", "supplier", "recipient", "partner")))
    pw.close()
    partner.close()

    sw = _Writer(out / "nodes-Sanction.csv", ["type", "id", "name", "kind", "reference", "status", "sources",
                                              "date"], nodes, files)
    adopted, targets = rel_file("ADOPTED_BY"), rel_file("TARGETS")
    designated = rel_file("DESIGNATED_UNDER", ["reference"])
    regimes = [f"sanction:gen-{i:03d}" for i in range(max(2, spec.relationships // 100_000))]
    for i, sid in enumerate(regimes):
        when = day()
        sw.row(type="Sanction", id=sid, name=f"Sanctions regime {i}", kind="resolution",
               reference=f"S/RES/{1000 + i} ({when.year})", status="confirmed", sources=cite("resolution"),
               date=when.isoformat())
        adopted.row(type="ADOPTED_BY", id=rid(), **{"from": sid, "to": orgs.one()}, status="confirmed",
                    sources=cite("resolution"), date=when.isoformat())
        for target in states.some(rnd.choice((1, 2))):
            targets.row(type="TARGETS", id=rid(), **{"from": sid, "to": target}, status="confirmed",
                        sources=cite("resolution"), date=when.isoformat())
    for j in range(max(4, spec.relationships // 2_000)):
        listed = persons.one() if j % 2 else orgs.one()
        designated.row(type="DESIGNATED_UNDER", id=rid(), **{"from": listed, "to": regimes[j % len(regimes)]},
                       status="confirmed", sources=cite("consolidated list"), date=day().isoformat(),
                       reference=f"KPi.{j:03d}")
    for wr in (sw, adopted, targets, designated):
        wr.close()

    dyads = rel_file("CAMEO_DYAD_YEAR", ["year", "count", "meanGoldstein", "verbalCooperation",
                                         "materialCooperation", "verbalConflict", "materialConflict"])
    busiest = state_ids[:min(8, len(state_ids))]
    years = max(1, min(10, spec.relationships // 10_000))  # 560 relationships at 100k and more
    for a in busiest:
        for b in busiest:
            if a == b:
                continue
            for year in range(2025 - years, 2025):
                parts = [rnd.randrange(0, 400) for _ in range(4)]
                dyads.row(type="CAMEO_DYAD_YEAR", id=rid(), **{"from": a, "to": b}, status="reported",
                          sources=cite("GDELT dyad-year"), date=str(year), year=year, count=sum(parts),
                          meanGoldstein=round(rnd.uniform(-5, 5), 2), verbalCooperation=parts[0],
                          materialCooperation=parts[1], verbalConflict=parts[2], materialConflict=parts[3])
    dyads.close()

    # -- the bulk: events, agreements, machine-coded events -----------------------
    fixed = sum(rels.values())
    left = max(0, spec.relationships - fixed)
    budget = {k: int(left * share) for k, share in SHARES.items()}
    budget["cameo"] = left - budget["events"] - budget["agreements"]

    ew = _Writer(out / "nodes-Event.csv", ["type", "id", "name", "kind", "domain", "status", "sources",
                                           "date", "validFrom", "validTo", "description"], nodes, files)
    part = rel_file("PARTICIPATED_IN", ["role"])
    held = rel_file("HELD_AT")
    kinds = _Skewed([k for k, _ in EVENT_KINDS], rnd, 1.2)
    event_ids: list[str] = []
    used = 0
    n_event = 0
    while used < budget["events"]:
        n_event += 1
        eid = f"event:gen-{n_event:07d}"
        event_ids.append(eid)
        kind = kinds.one()
        when = day()
        venue = places.one()
        span = rnd.random() < 0.3
        month_only = rnd.random() < 0.05
        ew.row(type="Event", id=eid, name=f"{kind.title()} {n_event} at {venue[6:]}", kind=kind,
               domain=rnd.choice(DOMAINS), status=status(), sources=cite(kind),
               date=when.strftime("%Y-%m") if month_only else when.isoformat(),
               validFrom=when.isoformat() if span else None,
               validTo=(when + timedelta(days=rnd.randrange(1, 7))).isoformat() if span else None,
               description=f"Generated {kind}, \"quoted\", with commas" if n_event % 50 == 0 else None)
        held.row(type="HELD_AT", id=rid(), **{"from": eid, "to": venue}, status="confirmed",
                 sources=cite("venue"), date=when.isoformat())
        used += 1
        people = persons.some(rnd.choice((1, 2, 2, 3, 3, 4)))
        for j, p in enumerate(people):
            role = ("visitor (delegation head)" if j == 0 else "host") if kind in ("visit", "summit") \
                else "participant"
            part.row(type="PARTICIPATED_IN", id=rid(), **{"from": p, "to": eid}, status=status(),
                     sources=cite("readout"), date=when.isoformat(), role=role)
        used += len(people)
        for s in states.some(rnd.choice((0, 1, 1, 2))):
            part.row(type="PARTICIPATED_IN", id=rid(), **{"from": s, "to": eid}, status=status(),
                     sources=cite("readout"), date=when.isoformat(), role=rnd.choice(("host", "guest")))
            used += 1
        if rnd.random() < 0.1:
            part.row(type="PARTICIPATED_IN", id=rid(), **{"from": orgs.one(), "to": eid}, status=status(),
                     sources=cite("readout"), date=when.isoformat(), role="organizer")
            used += 1
    ew.close()
    part.close()
    held.close()

    tw = _Writer(out / "nodes-Treaty.csv", ["type", "id", "name", "kind", "mutualAssistance", "provisions",
                                            "status", "sources", "date", "validFrom", "validTo"],
                 nodes, files)
    party = rel_file("PARTY_TO", ["role"])
    signed = rel_file("SIGNED")
    used = 0
    n_treaty = 0
    while used < budget["agreements"]:
        n_treaty += 1
        tid = f"treaty:gen-{n_treaty:06d}"
        when = day()
        k = 2 if rnd.random() < 0.9 else rnd.randrange(3, 7)
        members = states.some(k)
        ends = rnd.random() < 0.2
        tw.row(type="Treaty", id=tid,
               name=f"Agreement {n_treaty} between {' and '.join(m[6:] for m in members)}",
               kind="bilateral" if len(members) == 2 else "multilateral",
               mutualAssistance="true" if rnd.random() < 0.05 else "false",
               provisions="trade;transport" if n_treaty % 3 == 0 else None, status=status(),
               sources=cite("treaty text"), date=when.isoformat(),
               validFrom=(when + timedelta(days=rnd.randrange(0, 400))).isoformat(),
               validTo=(when + timedelta(days=rnd.randrange(500, 5000))).isoformat() if ends else None)
        for m in members:
            party.row(type="PARTY_TO", id=rid(), **{"from": m, "to": tid}, status=status(),
                      sources=cite("treaty text"), date=when.isoformat(), role="signatory")
        used += len(members)
        for p in persons.some(rnd.choice((0, 1, 2))):
            signed.row(type="SIGNED", id=rid(), **{"from": p, "to": tid}, status=status(),
                       sources=cite("treaty text"), date=when.isoformat())
            used += 1
    tw.close()
    party.close()
    signed.close()

    cameo = rel_file("CAMEO_EVENT", ["cameoCode", "cameoName", "quadClass", "goldstein", "numMentions",
                                     "avgTone", "sourceUrl"])
    for _ in range(budget["cameo"]):
        a = states.one()
        b = states.one()
        while b == a:
            b = states.one()
        code, name, quad, gold = CAMEO[rnd.randrange(len(CAMEO))]
        cameo.row(type="CAMEO_EVENT", id=rid(), **{"from": a, "to": b}, status="reported",
                  sources=cite("GLOBALEVENTID"), date=day().isoformat(), cameoCode=code, cameoName=name,
                  quadClass=quad, goldstein=gold, numMentions=rnd.randrange(1, 40),
                  avgTone=round(rnd.uniform(-8, 6), 3), sourceUrl=f"https://news.example.org/{rnd.randrange(10**9)}")
    cameo.close()

    samples = {
        "states": state_ids[:8],
        "persons": persons.items[:40],
        "places": place_ids[:20],
        "organizations": org_ids[:10],
        "events": event_ids[:10],
        "positions": position_ids[:8],
        "citizenship": [citizenship[p] for p in persons.items[:40]],
    }
    return Generated(out, files, nodes, rels, samples)


def iter_rows(path: Path) -> Iterator[dict[str, str]]:
    """The rows of a generated CSV file as dicts (for tests and references)."""
    with path.open(newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)
