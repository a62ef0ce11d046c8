"""Exports: every file is read back (networkx for GraphML, GEXF and JSON; the csv module
for the neo4j-admin files) and compared with the mini graph, counted by hand."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import networkx as nx
import pytest
from conftest import MINI_NODE_COUNTS, MINI_REL_COUNTS

from relgraph.analytics.export import to_neo4j_csv, write
from relgraph.analytics.project import Filters, read_store, select
from relgraph.errors import UsageError

PUTIN, PRES, SUMMIT, PRK = ("person:putin-vladimir", "position:rus-president",
                            "event:2023-09-13-vostochny-summit", "state:PRK")
HOLDS_1 = "HOLDS:person:putin-vladimir->position:rus-president@2000-05-07"
HOLDS_2 = "HOLDS:person:putin-vladimir->position:rus-president@2012-05-07"
N_NODES, N_RELS = sum(MINI_NODE_COUNTS.values()), sum(MINI_REL_COUNTS.values())


@pytest.fixture(scope="module")
def G(mini_template: str) -> nx.MultiDiGraph:
    return read_store(mini_template)


def test_graphml_reads_back(G, tmp_path: Path) -> None:
    out = tmp_path / "g.graphml"
    write(G, "graphml", out)
    H = nx.read_graphml(out)
    assert isinstance(H, nx.MultiDiGraph)
    assert (H.number_of_nodes(), H.number_of_edges()) == (N_NODES, N_RELS)
    assert set(H.get_edge_data(PUTIN, PRES)) == {HOLDS_1, HOLDS_2}  # parallel relationships kept
    assert H.edges[PUTIN, PRES, HOLDS_1]["validTo"] == "2008-05-07"
    assert H.nodes[PRK]["aliases"] == "North Korea; DPRK; PRK"
    assert H.nodes[SUMMIT]["type"] == "Event" and H.nodes[SUMMIT]["date"] == "2023-09-13"


def test_gexf_has_a_timeline(G, tmp_path: Path) -> None:
    out = tmp_path / "g.gexf"
    write(G, "gexf", out)
    graph = ET.parse(out).getroot().find("{http://www.gexf.net/1.2draft}graph")
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")
    H = nx.read_gexf(out)
    assert (H.number_of_nodes(), H.number_of_edges()) == (N_NODES, N_RELS)
    assert H.nodes[SUMMIT]["start"] == "2023-09-13" and "end" not in H.nodes[SUMMIT]
    assert "start" not in H.nodes[PRK]  # undated: always there
    assert H.nodes[PUTIN]["start"] == "1952-10-07" and "end" not in H.nodes[PUTIN]  # from birth on
    first = H.edges[PUTIN, PRES, HOLDS_1]
    assert (first["start"], first["end"], first["label"], first["relType"]) == (
        "2000-05-07", "2008-05-07", "HOLDS", "HOLDS")
    assert "end" not in H.edges[PUTIN, PRES, HOLDS_2]
    assert H.nodes[PRK]["label"] == "Democratic People's Republic of Korea"
    assert H.nodes[PRK]["viz"]["color"]["r"] == 0x1F  # State colour #1f4e79 from style.yaml


def test_gexf_time_follows_the_as_of_rule() -> None:
    # A treaty signed 2024-06-19, in force 2024-12-04: it appears on the timeline when in force.
    G = nx.MultiDiGraph()
    G.add_node("treaty:t", type="Treaty", name="T", date=date(2024, 6, 19), validFrom=date(2024, 12, 4))
    from relgraph.analytics.export import gexf_graph

    assert gexf_graph(G).nodes["treaty:t"]["start"] == "2024-12-04"
    # An event with a duration stays on the timeline after it ended, as with --as-of.
    G.add_node("event:e", type="Event", name="E", date=date(2023, 9, 13), validFrom=date(2023, 9, 12),
               validTo=date(2023, 9, 17))
    node = gexf_graph(G).nodes["event:e"]
    assert node["start"] == "2023-09-13" and "end" not in node


def test_node_link_json_reads_back(G, tmp_path: Path) -> None:
    out = tmp_path / "g.json"
    write(G, "json", out)
    data = json.loads(out.read_text("utf-8"))
    assert {"nodes", "links"} <= set(data)
    H = nx.node_link_graph(data, edges="links")
    assert (H.number_of_nodes(), H.number_of_edges()) == (N_NODES, N_RELS)
    assert H.nodes[PRK]["aliases"] == ["North Korea", "DPRK", "PRK"]
    assert H.edges[PUTIN, PRES, HOLDS_1]["validFrom"] == "2000-05-07"


def test_filters_apply_to_exports(G, tmp_path: Path) -> None:
    out = tmp_path / "g.graphml"
    write(select(G, Filters(as_of=date(2010, 1, 1))), "graphml", out)
    H = nx.read_graphml(out)
    # 2010, Documents left out: states, people and the post; only POST_IN held then.
    assert (H.number_of_nodes(), H.number_of_edges()) == (5, 1)


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_neo4j_csv_headers_and_counts(G, tmp_path: Path) -> None:
    report = to_neo4j_csv(G, tmp_path / "csv")
    folder = tmp_path / "csv"
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([f"nodes-{t}.csv" for t in MINI_NODE_COUNTS]
                           + [f"relationships-{t}.csv" for t in MINI_REL_COUNTS] + ["relgraph-export.txt"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv"]  # no temporary folder left
    for t, n in MINI_NODE_COUNTS.items():
        assert len(read_csv(folder / f"nodes-{t}.csv")) == 1 + n
    for t, n in MINI_REL_COUNTS.items():
        assert len(read_csv(folder / f"relationships-{t}.csv")) == 1 + n
    # Headers: id first, then name and aliases, then the schema's order (system, common, own),
    # only the properties the rows use; typed where not a string; the label last.
    person = read_csv(folder / "nodes-Person.csv")
    assert person[0] == ["id:ID", "name", "aliases:string[]", "sourceDocs:string[]", "origin", "status",
                         "sources:string[]", "born:date", ":LABEL"]
    putin = next(r for r in person if r[0] == PUTIN)
    assert (putin[1], putin[2], putin[7], putin[8]) == ("Vladimir Putin", "Putin", "1952-10-07", "Person")
    states = read_csv(folder / "nodes-State.csv")
    assert next(r for r in states if r[0] == PRK)[2] == "North Korea\x1fDPRK\x1fPRK"
    holds = read_csv(folder / "relationships-HOLDS.csv")
    assert holds[0] == [":START_ID", ":END_ID", ":TYPE", "id", "sourceDocs:string[]", "origin", "status",
                        "sources:string[]", "validFrom:date", "validTo:date"]
    assert sorted(r[3] for r in holds[1:]) == [HOLDS_1, HOLDS_2]
    assert all(r[:3] == [PUTIN, PRES, "HOLDS"] for r in holds[1:])
    assert report.command.startswith(f"cd {folder} && neo4j-admin database import full --nodes=")
    assert "--relationships=relationships-HOLDS.csv" in report.command
    assert report.command.endswith(" --array-delimiter=$'\\x1f' --multiline-fields=true "
                                   "--legacy-style-quoting=false neo4j")
    assert report.command in (folder / "relgraph-export.txt").read_text("utf-8")
    assert report.counts["nodes-Person.csv"] == 2


def test_neo4j_csv_refuses_values_holding_the_delimiter(G, tmp_path: Path) -> None:
    H = G.copy()
    H.nodes[PRK]["aliases"] = ["DPRK", "Korea; North"]
    with pytest.raises(UsageError, match="node state:PRK, aliases: the value 'Korea; North' contains"):
        to_neo4j_csv(H, tmp_path / "a", delimiter=";")
    assert not (tmp_path / "a").exists()  # a refused export leaves nothing
    assert list(tmp_path.iterdir()) == []
    report = to_neo4j_csv(H, tmp_path / "b", delimiter="^")  # "|" would not do: citations use it
    assert "--array-delimiter='^'" in report.command
    row = next(r for r in read_csv(tmp_path / "b" / "nodes-State.csv") if r[0] == PRK)
    assert row[2] == "DPRK^Korea; North"
    report = to_neo4j_csv(H, tmp_path / "c")  # the default, U+001F, cannot occur in data
    row = next(r for r in read_csv(tmp_path / "c" / "nodes-State.csv") if r[0] == PRK)
    assert row[2].split("\x1f") == ["DPRK", "Korea; North"]


def test_neo4j_csv_of_a_folded_graph_types_the_weights(G, tmp_path: Path) -> None:
    to_neo4j_csv(select(G, Filters(fold=True)), tmp_path / "fold")
    rows = read_csv(tmp_path / "fold" / "relationships-SHARED_EVENT.csv")
    assert len(rows) == 2
    header = rows[0]
    assert header[:4] == [":START_ID", ":END_ID", ":TYPE", "id"]
    assert "weight:long" in header and "via:string[]" in header and "validFrom:date" in header
    assert rows[1][header.index("weight:long")] == "1"


def test_write_checks_the_output_path(G, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        write(G, "gexf", tmp_path)
    with pytest.raises(UsageError, match="does not exist"):
        write(G, "gexf", tmp_path / "missing" / "g.gexf")
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="is a file"):
        write(G, "csv", tmp_path / "file")


def test_cli_export(cli, mini_template: str, tmp_path: Path) -> None:
    out = tmp_path / "g.gexf"
    r = cli("export", "--format", "gexf", "-o", str(out), "--store", mini_template)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == f"Wrote {N_NODES} nodes and {N_RELS} relationships as gexf to {out}\n"
    assert nx.read_gexf(out).number_of_nodes() == N_NODES  # Documents included by default
    r = cli("export", "--format", "csv", "-o", str(tmp_path / "csv"), "--types", "-Document",
            "--store", mini_template)
    assert r.exit_code == 0, r.stderr
    assert "neo4j-admin database import full" in r.stdout
    assert not (tmp_path / "csv" / "nodes-Document.csv").exists()
    # -Type changes the export's default (everything), so Documents stay when People go.
    r = cli("export", "--format", "csv", "-o", str(tmp_path / "csv2"), "--types", "-Person",
            "--store", mini_template)
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "csv2" / "nodes-Document.csv").exists()
    assert not (tmp_path / "csv2" / "nodes-Person.csv").exists()
    r = cli("export", "--format", "gexf", "-o", str(tmp_path), "--store", mini_template)
    assert r.exit_code == 2 and "is a folder" in r.stderr


def read_neo4j_csv(folder: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """The folder read as neo4j-admin reads it with the printed options: RFC 4180 quotes
    (every text is quoted), an empty typed field is no value, arrays split on U+001F."""
    def typed(header: str, raw: str) -> tuple[str, object]:
        if header.startswith(":"):
            return header[1:], raw  # START_ID, END_ID, TYPE, LABEL
        name, _, kind = header.partition(":")
        if kind == "string[]":
            return name, raw.split("\x1f")
        if kind == "long":
            return name, int(raw)
        if kind == "double":
            return name, float(raw)
        if kind == "boolean":
            return name, raw == "true"
        if kind == "date":
            return name, date.fromisoformat(raw)
        return name, raw

    nodes, rels = {}, {}
    for f in sorted(folder.glob("*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            lines = list(csv.reader(fh, strict=True))
        header = lines[0]
        for row in lines[1:]:
            assert len(row) == len(header), (f, row)
            props = dict(typed(h, v) for h, v in zip(header, row, strict=True)
                         if not (v == "" and h.partition(":")[2] not in ("", "ID")))
            if f.name.startswith("nodes-"):
                nodes[props.pop("id")] = props
            else:
                rels[props["id"]] = props
    return nodes, rels


def _compare_csv(G: nx.MultiDiGraph, folder: Path) -> int:
    """Compare every value of G with the folder's; the number of values compared."""
    nodes, rels = read_neo4j_csv(folder)
    assert len(nodes) == G.number_of_nodes() and len(rels) == G.number_of_edges()
    checked = 0

    def same(got: dict, d: dict, skip: tuple[str, ...]) -> int:
        n = 0
        for k, v in d.items():
            if k in skip or v is None:
                continue
            want = [str(x) for x in v] if isinstance(v, list) else v
            assert got.get(k) == want, (k, got.get(k), want)
            n += 1
        return n

    for n, d in G.nodes(data=True):
        assert nodes[n]["LABEL"] == d["type"]
        checked += same(nodes[n], d, ("id", "type"))
    for u, v, _k, d in G.edges(keys=True, data=True):
        got = rels[d["id"]]
        assert (got["START_ID"], got["END_ID"], got["TYPE"]) == (u, v, d["type"])
        checked += same(got, d, ("type",))
    return checked


def test_neo4j_csv_of_the_bundled_dataset_reads_back(tmp_path: Path) -> None:
    from relgraph import api

    store = str(tmp_path / "b.db")
    api.load(store=store)
    G = read_store(store)
    assert any(";" in s and "|" in s for _, d in G.nodes(data=True) for s in d.get("sources") or [])
    write(G, "csv", tmp_path / "csv")
    assert _compare_csv(G, tmp_path / "csv") > 1000


HOSTILE_TEXTS = ['a "quoted" value', "semi; colon | pipe", "comma, here", "line\nbreak", "cr\r\nlf",
                 "back\\slash\\", '"', "", " lead and trail ", "tab\there", "\u202eRLO", "zero\u200bwidth",
                 "日本語", "emoji 🦀", "=1+1", "a" * 5000]


def test_neo4j_csv_of_hostile_values_reads_back(tmp_path: Path) -> None:
    G = nx.MultiDiGraph()
    for i, t in enumerate(HOSTILE_TEXTS):
        G.add_node(f"person:p{i}", type="Person", name=t or "x", note=t, aliases=[t, t + "2", "x"],
                   sources=[f"doc:d | {t}"], born=date(1950, 1, 1 + i % 28))
        G.add_edge(f"person:p{i}", "person:p0", key=f"r{i}", id=f"r{i}", type="KNOWS", note=t,
                   sources=[f"doc:d | {t}; more"])
    write(G, "csv", tmp_path / "csv")
    assert _compare_csv(G, tmp_path / "csv") == len(HOSTILE_TEXTS) * 8


# -- hostile values: every export is read back by a strict parser, exactly (issue 16, item 6) --

# What texts may hold (the loaders refuse other control characters): tab, line feed, other
# scripts, format characters, quotes, markup, formulas, and a C1 control for the JSON writer.
XML_SAFE = [t for t in HOSTILE_TEXTS if "\r" not in t] + [
    "<b>&amp;</b>", "]]>", "\u2028 and \u2029", "\ufeffBOM", "\U0001f600", "x" * 100_000]
JSON_EXTRA = ["\x1b[2J esc", "\x07 bell", "\x00 nul", "\x85 nel", "cr\r only"]


def _hostile_graph(texts: list[str]) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for i, t in enumerate(texts):
        G.add_node(f"person:p{i}", type="Person", name=t, note=t, aliases=[t, "x"], score=i / 7)
        G.add_edge(f"person:p{i}", "person:p0", key=f"r{i}", type="KNOWS", note=t, weight=i)
    return G


def _strict_json(path: Path) -> object:
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return json.loads(path.read_text("utf-8"), parse_constant=refuse)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_hostile_values_read_back_exactly(tmp_path: Path, fmt: str) -> None:
    texts = XML_SAFE + (JSON_EXTRA if fmt == "json" else [])
    G = _hostile_graph(texts)
    out = tmp_path / f"g.{fmt}"
    write(G, fmt, out)
    if fmt == "json":
        H = nx.node_link_graph(_strict_json(out), edges="links")
    else:
        import xml.dom.minidom

        xml.dom.minidom.parse(str(out))  # expat: well-formed or an error
        H = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    for i, t in enumerate(texts):
        d = H.nodes[f"person:p{i}"]
        assert (d["name"], d["note"]) == (t, t), (fmt, i)
        assert d["aliases"] == ([t, "x"] if fmt == "json" else f"{t}; x")
        assert float(d["score"]) == i / 7
        data = H.get_edge_data(f"person:p{i}", "person:p0")
        notes = [e["note"] for e in data.values()] if H.is_multigraph() else [data["note"]]
        assert notes == [t], (fmt, i)
    assert len(texts) >= 21


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "csv"])
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf"), "esc \x1b", "nul \x00",
                                 "lone \ud800"])
def test_values_a_format_cannot_hold_are_refused(tmp_path: Path, fmt: str, bad: object) -> None:
    G = nx.MultiDiGraph()
    G.add_node("person:a", type="Person", name="A", note="fine")
    G.add_node("person:b", type="Person", name="B", note=bad)
    out = tmp_path / ("csv" if fmt == "csv" else f"g.{fmt}")
    text_ok = isinstance(bad, str) and (fmt in ("json", "csv")) and "\ud800" not in bad
    if text_ok:  # JSON escapes control characters; the CSV quotes them: both read back exactly
        write(G, fmt, out)
        return
    with pytest.raises(UsageError, match=r"node 'person:b', note: .*(not a finite number|cannot hold)"):
        write(G, fmt, out)
    assert not out.exists()
