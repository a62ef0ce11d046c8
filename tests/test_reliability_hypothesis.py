"""Property-based tests (hypothesis) of loading.

- Random valid records, drawn from the schema itself (every node and
  relationship type, every property type, any Unicode text), load into a fresh
  store with exactly their values; exported back to a data file (from
  `Store.iter_nodes` / `iter_relationships`) and loaded into another fresh
  store, they give the same graph.
- Random mutations of valid files (lines dropped, doubled, swapped, cut short,
  re-indented; YAML syntax, tags, aliases, tabs, NULs and bytes that are not
  UTF-8 put in) either load or give problems that name the file, a line in it
  and a fix; nothing else escapes, and a refused load leaves the store as it was.
"""

from __future__ import annotations

import math
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import dump_store
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relgraph import api
from relgraph.errors import InputError
from relgraph.loaders import parse_date, read_dataset
from relgraph.loaders.validate import END_DATES
from relgraph.model import Citation
from relgraph.schema import load_schema
from relgraph.store import open_store

pytestmark = pytest.mark.reliability

SCHEMA = load_schema()
DERIVED = {"id", "origin", "sourceDocs", "datePrecision"}  # the loader computes these
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])

# -- strategies: records drawn from the schema --------------------------------------------

# Any text but lone surrogates (which no UTF-8 file can hold) and the three characters YAML 1.1
# reads as line breaks, which PyYAML's emitter (this test's writer) puts raw into quoted scalars,
# where they are folded into spaces (YAML's own rule): escaped ("\N", "\L", "\P") they load
# exactly (test_yaml_line_break_escapes_load_exactly).
# Texts hold no control character but tab and line feed, nor U+FFFE or U+FFFF (the loaders
# refuse them: tests/test_reliability_values.py); a name is not blanks only.
BREAKS = "\x85\u2028\u2029"
REFUSED = "".join(chr(c) for c in [*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]) + "\ufffe\uffff"
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=BREAKS + REFUSED), min_size=1,
               max_size=24).filter(lambda t: t.strip() != "")
# Ids: ASCII letters, digits, ".", "_", "-" (matched whole); none differing from another by case alone.
SLUG = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"),
               min_size=1, max_size=12)
DAY = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


@st.composite
def a_date(draw: Any) -> str:
    """A full or partial date, as written in a data file."""
    d = draw(DAY)
    return draw(st.sampled_from([d.isoformat(), d.isoformat()[:7], d.isoformat()[:4]]))


def value_of(prop: Any, docs: list[str]) -> st.SearchStrategy[Any]:
    t = prop.type
    if t in ("string", "text"):
        return TEXT
    if t == "enum":
        return st.sampled_from(prop.values)
    if t == "string[]":
        return st.lists(TEXT, min_size=1, max_size=3)
    if t == "sources":
        locator = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=BREAKS + REFUSED),
                          max_size=16)
        return st.lists(st.builds(lambda d, loc: f"{d} | {loc}", st.sampled_from(docs), locator),
                        min_size=1, max_size=3)
    if t == "date":
        return a_date()
    if t == "int":
        return st.integers(min_value=-(2**63), max_value=2**63 - 1)
    if t == "float":
        return st.floats(allow_nan=False, allow_infinity=False)
    if t == "bool":
        return st.booleans()
    raise AssertionError(t)


@st.composite
def properties(draw: Any, kind: Any, docs: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    exempt = getattr(kind, "sources_required", True) is False
    for name, prop in kind.properties.items():
        if name in DERIVED or name.endswith("Precision"):  # the loader sets every …Precision
            continue
        required = prop.required and not (prop.type == "sources" and exempt)
        if required or draw(st.integers(0, 3)) == 0:
            out[name] = draw(value_of(prop, docs))
    start, end = out.get("validFrom"), out.get("validTo")
    if start and end and parse_date(end, end=True)[0] < parse_date(start)[0]:
        out["validFrom"], out["validTo"] = end, start  # then in order, partial dates included
    return out


@st.composite
def datasets(draw: Any) -> dict[str, list[dict[str, Any]]]:
    """A valid data file's content: documents, other nodes, relationships between them."""
    docs = [f"doc:{s}" for s in draw(st.lists(SLUG, min_size=1, max_size=2, unique_by=str.casefold))]
    nodes = [{"id": d, "type": "Document", **draw(properties(SCHEMA.nodes["Document"], docs))} for d in docs]
    def folded_id(x: tuple[str, str]) -> str:
        return f"{SCHEMA.nodes[x[0]].id_prefix}:{x[1]}".casefold()

    others = draw(st.lists(st.tuples(st.sampled_from([t for t in SCHEMA.nodes if t != "Document"]), SLUG),
                           max_size=6, unique_by=folded_id))
    for t, slug in others:
        nodes.append({"id": f"{SCHEMA.nodes[t].id_prefix}:{slug}", "type": t,
                      **draw(properties(SCHEMA.nodes[t], docs))})
    by_type: dict[str, list[str]] = {}
    for n in nodes:
        by_type.setdefault(n["type"], []).append(n["id"])
    possible = [(r, a, b) for r, spec in SCHEMA.relationships.items() for a, b in spec.endpoints
                if a in by_type and b in by_type]
    rels, seen = [], set()
    if possible:
        for r, a, b in draw(st.lists(st.sampled_from(possible), max_size=6)):
            ends = {"from": draw(st.sampled_from(by_type[a])), "to": draw(st.sampled_from(by_type[b]))}
            rel = {"type": r, **ends, **draw(properties(SCHEMA.relationships[r], docs))}
            when = rel.get("date") or rel.get("validFrom")
            key = (r, rel["from"], rel["to"], parse_date(when)[0] if when else None)
            if key in seen:  # the same fact twice is a duplicate: give it its own id
                rel["id"] = f"rel-{len(rels)}"
            seen.add(key)
            rels.append(rel)
    return {"nodes": nodes, "relationships": rels}


def write(folder: Path, name: str, content: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), "utf-8")
    return path


# -- expected values and the export ------------------------------------------------------

def expected(record: dict[str, Any]) -> dict[str, Any]:
    """What the store should hold for a record: dates parsed, citations normalised."""
    kind = SCHEMA.nodes.get(record["type"]) or SCHEMA.relationships[record["type"]]
    out: dict[str, Any] = {}
    for k, v in record.items():
        if k in ("type", "from", "to"):
            continue
        if k in kind.properties and kind.properties[k].type == "date":
            d, precision = parse_date(v, end=k in END_DATES)
            out[k] = d
            if k == "date" or precision != "day":
                out[f"{k}Precision"] = precision
        elif k == "sources":
            cites = [Citation.parse(s) for s in v]
            out[k] = [str(c) for c in cites]
            out["sourceDocs"] = list(dict.fromkeys(c.doc for c in cites))
        else:
            out[k] = v
    return out


def export(location: str) -> dict[str, list[dict[str, Any]]]:
    """Every node and relationship of a store, as a data file's content."""

    def fields(props: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for k, v in props.items():
            if k in DERIVED or k.endswith("Precision"):
                continue
            if isinstance(v, date):
                v = {"day": v.isoformat(), "month": v.isoformat()[:7], "year": v.isoformat()[:4]}[
                    props.get(f"{k}Precision", "day")]
            out[k] = v
        return out

    with open_store(location, read_only=True) as st_:
        nodes = [{"id": i, "type": t, **fields(p)} for i, t, p in st_.iter_nodes()]
        rels = [{"id": i, "type": t, "from": a, "to": b, **fields(p)}
                for i, t, a, b, p in st_.iter_relationships()]
    return {"nodes": nodes, "relationships": rels}


def without_origin(dump: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {"nodes": [(t, [kv for kv in p if kv[0] != "origin"]) for t, p in dump["nodes"]],
            "relationships": [(t, a, b, [kv for kv in p if kv[0] != "origin"])
                              for t, a, b, p in dump["relationships"]]}


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the schema and no data, copied for each example (creating one takes longer)."""
    path = tmp_path_factory.mktemp("empty") / "empty.db"
    open_store(str(path)).close()
    return path


def fresh(template: Path, folder: Path, name: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    for p in folder.glob(name + "*"):
        p.unlink()
    shutil.copyfile(template, target)
    return str(target)


# -- load -> export -> load ------------------------------------------------------------

@SETTINGS
@given(content=datasets())
def test_records_survive_load_export_load(content: dict[str, Any], empty_store: Path,
                                          tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("roundtrip")
    first = fresh(empty_store, folder, "first.db")
    api.load([write(folder, "data.yaml", content)], store=first)
    got = dump_store(first)

    # the store holds exactly the records' values
    stored = {dict(p)["id"]: (t, {k: v for k, v in p if k != "origin"}) for t, p in got["nodes"]}
    assert {i: t for i, (t, _) in stored.items()} == {n["id"]: n["type"] for n in content["nodes"]}
    for n in content["nodes"]:
        assert stored[n["id"]][1] == expected(n), n["id"]
    stored_rels = sorted((t, a, b, sorted((k, repr(v)) for k, v in p if k not in ("origin", "id")))
                         for t, a, b, p in got["relationships"])
    wanted_rels = sorted((r["type"], r["from"], r["to"], sorted((k, repr(v)) for k, v in expected(r).items()
                                                                 if k != "id"))
                         for r in content["relationships"])
    assert stored_rels == wanted_rels

    # exported and loaded again: the same graph
    second = fresh(empty_store, folder, "second.db")
    api.load([write(folder, "export.yaml", export(first))], store=second)
    assert without_origin(dump_store(second)) == without_origin(got)


def test_floats_and_dates_at_the_edges_round_trip(empty_store: Path, tmp_path: Path) -> None:
    """Examples hypothesis might not draw: extreme floats and ints, the first and last dates."""
    content = {"nodes": [
        {"id": "doc:d", "type": "Document", "name": "D", "status": "confirmed", "date": "0001",
         "validFrom": "0001-01-01", "validTo": "9999-12"},
    ], "relationships": []}
    content["nodes"] += [
        {"id": "state:A", "type": "State", "name": "A", "iso3": "AAA", "status": "confirmed",
         "sources": ["doc:d | x"]},
        {"id": "state:B", "type": "State", "name": "B", "iso3": "BBB", "status": "confirmed",
         "sources": ["doc:d"]},
    ]
    content["relationships"] = [
        {"type": "BORDERS", "from": "state:A", "to": "state:B", "lengthKm": 1.7976931348623157e308,
         "status": "confirmed", "sources": ["doc:d"]},
        {"type": "BORDERS", "id": "b2", "from": "state:B", "to": "state:A", "lengthKm": 5e-324,
         "status": "confirmed", "sources": ["doc:d"]},
        {"type": "CAMEO_DYAD_YEAR", "from": "state:A", "to": "state:B", "year": 2**63 - 1, "count": -(2**63),
         "status": "confirmed", "sources": ["doc:d"]},
    ]
    first = fresh(empty_store, tmp_path, "first.db")
    api.load([write(tmp_path, "data.yaml", content)], store=first)
    got = dump_store(first)
    rels = {dict(p)["id"]: dict(p) for _, _, _, p in got["relationships"]}
    assert rels["BORDERS:state:A->state:B"]["lengthKm"] == 1.7976931348623157e308
    assert rels["b2"]["lengthKm"] == 5e-324 and not math.isnan(rels["b2"]["lengthKm"])
    assert rels["CAMEO_DYAD_YEAR:state:A->state:B"]["year"] == 2**63 - 1
    second = fresh(empty_store, tmp_path, "second.db")
    api.load([write(tmp_path, "export.yaml", export(first))], store=second)
    assert without_origin(dump_store(second)) == without_origin(got)


def test_yaml_line_break_escapes_load_exactly(tmp_path: Path) -> None:
    path = tmp_path / "breaks.yaml"
    path.write_text('nodes:\n  - {id: doc:d, type: Document, status: confirmed, name: "a\\Lc\\Pd"}\n',
                    "utf-8")
    [node] = read_dataset([path]).nodes
    assert node.props["name"] == "a\u2028c\u2029d"
    # "\N" is U+0085, a C1 control character: refused, as every control character but tab and line feed.
    path.write_text('nodes:\n  - {id: doc:d, type: Document, status: confirmed, name: "a\\Nb"}\n', "utf-8")
    with pytest.raises(InputError, match="holds the character U\\+0085 at position 2"):
        read_dataset([path])


# -- mutations of valid files ----------------------------------------------------------

INSERTS = [":", ": ", "- ", "-", "[", "]", "{", "}", "&a ", "*a", "!!python/object/apply:os.system ['true']",
           "!!binary AAAA", "\t", "'", '"', "#", "\\", "\x00", "\x1b", "\n", "  ", "---\n", "...\n", "? ",
           "|\n", ">\n", "%YAML 1.1\n", "<<: *a\n", "~", "null", "2023-02-30", "1e999", ",", "\ufeff", "|"]


@st.composite
def mutated(draw: Any) -> bytes:
    text = yaml.safe_dump(draw(datasets()), allow_unicode=True, sort_keys=False)
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["drop", "double", "swap", "insert", "replace", "cut", "indent", "bytes"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[i]
        elif op == "double":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(INSERTS)) + lines[i][at:]
        elif op == "replace":
            key, sep, _ = lines[i].partition(": ")
            lines[i] = key + (sep or ": ") + draw(st.sampled_from(INSERTS) | TEXT) + "\n"
        elif op == "cut":
            lines = [*lines[:i], lines[i][: draw(st.integers(0, len(lines[i])))]]
        elif op == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "   ", "\t", "      "])) + lines[i].lstrip(" ")
        else:
            data = bytearray("".join(lines).encode("utf-8"))
            if data:
                at = draw(st.integers(0, len(data) - 1))
                data[at] = draw(st.integers(0, 255))
            return bytes(data)
    return "".join(lines).encode("utf-8")


def check_problems(e: InputError, path: Path, data: bytes) -> None:
    n_lines = data.count(b"\n") + 1
    assert e.problems
    for p in e.problems:
        assert p.file == str(path)
        # a line of the file, or the one after its last (where the parser met the end of the file)
        assert p.line is None or 1 <= p.line <= n_lines + 1, (p.line, n_lines, str(p))
        assert p.message and p.fix


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=mutated())
def test_mutated_files_load_or_give_located_problems(data: bytes, tmp_path_factory: pytest.TempPathFactory,
                                                     ) -> None:
    path = tmp_path_factory.getbasetemp() / "mutated" / "data.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    try:
        read_dataset([path])
    except InputError as e:
        check_problems(e, path, data)


@SETTINGS
@given(data=mutated())
def test_a_mutated_file_loads_or_leaves_the_store_as_it_was(
        data: bytes, cli, mini_template: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("mutated-load")
    store = folder / "s.db"
    shutil.copyfile(mini_template, store)
    path = folder / "data.yaml"
    path.write_bytes(data)
    before = dump_store(store)
    r = cli("load", str(path), "--store", str(store))
    assert r.exception is None, r.exception
    assert r.exit_code in (0, 1), r.stderr
    if r.exit_code == 1:
        assert r.stderr.startswith("error: ") and "Traceback" not in r.stderr
        assert dump_store(store) == before
