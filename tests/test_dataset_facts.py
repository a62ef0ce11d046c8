"""The bundled dataset checked like a fact-checker would: data only, no store, fast.

Invariants of graph/data/russia-dprk (see its README):

- every citation names a Document of the dataset and has a locator;
- every citation of a seed quotes, verbatim, the paragraph it names (the seeds
  are read from ../shared/seeds/ beside the repository);
- no interval ends before it begins;
- nobody takes part in anything before they were born;
- no two holders of one post overlap, unless a note says why;
- every alleged or denied fact names who claimed it (and, if denied, who denied it);
- every post has a start ("start unknown" is the earliest sourced day, not empty).
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any

import pytest
from conftest import BUNDLED, REPO, missing_part

from relgraph import api
from relgraph.model import Citation, Dataset

SEEDS = REPO.parent / "shared" / "seeds"
SEED_FILES = {
    "doc:seed-eternal-cold-war": "000_4a25fed5b340ce90.txt",
    "doc:eai-2024-06-05": "004_6d4985741ec87c74.txt",
}

pytestmark = pytest.mark.skipif(not BUNDLED.is_dir(), reason="graph/data/russia-dprk/ is missing")


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return api.validate()


def _items(ds: Dataset) -> list[tuple[str, str, dict[str, Any]]]:
    """(id, type, props) of every node and relationship."""
    return [(n.id, n.type, n.props) for n in ds.nodes] + [(r.id, r.type, r.props) for r in ds.relationships]


def _start(props: dict[str, Any]) -> date | None:
    return props.get("date") or props.get("validFrom")


# -- citations -----------------------------------------------------------------------------

def test_every_citation_names_a_document_and_has_a_locator(ds: Dataset) -> None:
    docs = {n.id for n in ds.nodes if n.type == "Document"}
    bad = []
    for ident, _, props in _items(ds):
        for text in props.get("sources") or []:
            c = Citation.parse(text)
            if c.doc not in docs or not c.locator.strip():
                bad.append((ident, text))
    assert bad == []


def _blocks(text: str) -> list[str]:
    return [" ".join(b.split()) for b in re.split(r"\n\s*\n", text) if b.strip()]


@cache
def seed_parts(doc: str) -> dict[str, str]:
    """The citable parts of a seed, by locator name, as the dataset README counts them."""
    path = SEEDS / SEED_FILES[doc]
    if not path.is_file():
        missing_part("the seed quote check", f"{path} is missing (the seeds live in ../shared/seeds/ "
                     "beside the repository)")
    blocks = _blocks(path.read_text("utf-8"))
    parts: dict[str, str] = {}
    if doc == "doc:seed-eternal-cold-war":
        captions = ["Port Used for Northern Sea Route Transit", "Official North Korea-Russia Trade"]
        prose = [b for b in blocks if b not in captions and b != "Print Friendly, PDF & Email"]
        parts.update({f"caption {i}": c for i, c in enumerate(captions, 1)})
    else:
        first, last = "Since the outbreak of the war", "Moreover, South Korea must be cautious"
        body_start = next(i for i, b in enumerate(blocks) if b.startswith(first))
        body_end = next(i for i, b in enumerate(blocks) if b.startswith(last))
        parts["title"], parts["byline"] = blocks[0], blocks[1]
        prose = []
        for b in blocks[body_start:body_end + 1]:
            if prose and b[0].islower():  # a paragraph split by a page break counts once
                prose[-1] += " " + b
            else:
                prose.append(b)
        rest = blocks[body_end + 1:]
        parts["author note"], parts["disclaimer"] = rest[0], rest[1]
        parts["colophon"] = " ".join(rest[2:])
    parts.update({f"para {i}": p for i, p in enumerate(prose, 1)})
    return parts


def test_the_seeds_have_the_paragraphs_the_readme_counts() -> None:
    old, eai = seed_parts("doc:seed-eternal-cold-war"), seed_parts("doc:eai-2024-06-05")
    assert max(int(k[5:]) for k in old if k.startswith("para ")) == 20
    assert max(int(k[5:]) for k in eai if k.startswith("para ")) == 19
    assert eai["para 1"].startswith("Since the outbreak of the war in Ukraine")
    # para 3 runs across a page break: "exchanged letters of" / "congratulations and condolences"
    assert "exchanged letters of congratulations and condolences" in eai["para 3"]


SEED_LOCATOR = re.compile(r"^(?P<part>para \d+|caption \d+|title|byline|author note|disclaimer|colophon)"
                          r"(?::\s*'(?P<quote>.*)')?$", re.DOTALL)


def test_every_seed_citation_quotes_its_paragraph_verbatim(ds: Dataset) -> None:
    seen, bad = 0, []
    for ident, _, props in _items(ds):
        for text in props.get("sources") or []:
            c = Citation.parse(text)
            if c.doc not in SEED_FILES:
                continue
            seen += 1
            m = SEED_LOCATOR.match(c.locator.strip())
            parts = seed_parts(c.doc)
            if not m or m["part"] not in parts:
                bad.append((ident, text, "locator is not a part of the seed"))
            elif not m["quote"]:
                bad.append((ident, text, "no quote"))
            elif " ".join(m["quote"].split()) not in parts[m["part"]]:
                bad.append((ident, text, "quote not in that part"))
    assert seen > 100
    assert bad == []


# -- time ----------------------------------------------------------------------------------------

def test_no_interval_ends_before_it_begins(ds: Dataset) -> None:
    bad = [i for i, _, p in _items(ds)
           if p.get("validFrom") and p.get("validTo") and p["validTo"] < p["validFrom"]]
    assert bad == []


def test_nobody_takes_part_in_anything_before_being_born(ds: Dataset) -> None:
    nodes = {n.id: n.props for n in ds.nodes}
    bad = []
    for r in ds.relationships:
        born = nodes.get(r.source, {}).get("born")
        if not born:
            continue
        # the relationship's own day, and for a part in an event or treaty that fact's day
        days = [_start(r.props)]
        if r.type in ("PARTICIPATED_IN", "SIGNED", "ALLEGED", "DENIED"):
            days.append(_start(nodes[r.target]))
        bad += [(r.id, d, born) for d in days if d and d < born]
    assert bad == []


def _same_period_handover(end: date, start: date) -> bool:
    """``end`` and ``start`` are the two ends of one partial month or year: a handover
    whose day is not known (``2014-04`` to ``2014-04``), not an overlap."""
    month_end = (date(end.year + end.month // 12, end.month % 12 + 1, 1) - date.resolution)
    return ((end.year, end.month) == (start.year, start.month) and start.day == 1 and end == month_end) or \
        (end.year == start.year and (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31))


def test_no_two_holders_of_a_post_overlap_unless_a_note_says_why(ds: Dataset) -> None:
    by_post: dict[str, list[Any]] = {}
    for r in ds.relationships:
        if r.type == "HOLDS":
            by_post.setdefault(r.target, []).append(r)
    bad = []
    for post, terms in by_post.items():
        terms.sort(key=lambda r: r.props["validFrom"])
        for i, a in enumerate(terms):
            for b in terms[i + 1:]:
                a_end, b_start = a.props.get("validTo"), b.props["validFrom"]
                # a term ends on its last day; the next may begin that day (a handover)
                if a_end and (b_start >= a_end or _same_period_handover(a_end, b_start)):
                    continue
                # naming the successor is not enough: the note must say the terms overlap, and why
                notes = f"{a.props.get('note', '')} {b.props.get('note', '')}"
                if "overlap" not in notes.lower():
                    bad.append((post, a.id, b.id))
    assert bad == []


def test_every_post_has_a_start(ds: Dataset) -> None:
    """An empty start would read as "always": see "Start unknown" in the data README."""
    bad = [r.id for r in ds.relationships if r.type == "HOLDS" and not r.props.get("validFrom")]
    assert bad == []
    unknown = [r for r in ds.relationships
               if r.type == "HOLDS" and "Start unknown" in r.props.get("note", "")]
    assert unknown and all("earliest sourced day" in r.props["note"] for r in unknown)


def test_officials_before_the_first_sourced_day_are_not_claimed(ds: Dataset) -> None:
    """The issue's example: on 2011-12-01 neither today's ambassador nor today's ministers held office."""
    day = date(2011, 12, 1)
    held = {r.source for r in ds.relationships if r.type == "HOLDS"
            and r.props["validFrom"] <= day and (r.props.get("validTo") or date.max) >= day}
    assert {"person:sin-hong-chol", "person:kim-il-guk", "person:choe-son-hui"}.isdisjoint(held)
    assert {"person:kim-jong-il", "person:pak-ui-chun"} <= held


# -- claims ----------------------------------------------------------------------------------------

def test_every_alleged_or_denied_fact_names_who_claimed_it(ds: Dataset) -> None:
    alleged_by = {r.target for r in ds.relationships if r.type == "ALLEGED"}
    denied_by = {r.target for r in ds.relationships if r.type == "DENIED"}
    bad = []
    for n in ds.nodes:
        status = n.props["status"]
        if status in ("alleged", "denied") and n.id not in alleged_by:
            bad.append((n.id, "no ALLEGED names who claimed it"))
        if status == "denied" and n.id not in denied_by:
            bad.append((n.id, "no DENIED names who denied it"))
    for r in ds.relationships:
        # a contested link (a PARTNER_IN, an ABOUT) is part of a claim about the project or event at one end
        if r.props["status"] in ("alleged", "denied") and r.type not in ("ALLEGED", "DENIED") \
                and not ({r.source, r.target} & alleged_by):
            bad.append((r.id, "neither end is a claimed fact"))
    assert bad == []


def test_claims_and_denials_are_dated_in_order_for_the_troop_deployment(ds: Dataset) -> None:
    """South Korea's NIS first (18 October 2024), the denials, then the acknowledgements (April 2025)."""
    claims = sorted((r.props["date"], r.type, r.source) for r in ds.relationships
                    if r.target == "project:dprk-troops-in-russia" and r.type in ("ALLEGED", "DENIED"))
    assert claims[0] == (date(2024, 10, 18), "ALLEGED", "state:KOR")
    assert {("DENIED", "state:PRK"), ("DENIED", "state:RUS")} <= {(t, s) for _, t, s in claims}
    events = {n.id: n.props for n in ds.nodes}
    acknowledged = [events["event:2025-04-26-russia-acknowledges-dprk-troops"]["date"],
                    events["event:2025-04-28-dprk-confirms-troop-deployment"]["date"]]
    assert all(d < min(acknowledged) for d, t, _ in claims if t == "DENIED")
