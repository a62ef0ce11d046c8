"""The command line, through click's CliRunner: output, exit codes, errors on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import MINI, MINI_NODE_COUNTS, MINI_REL_COUNTS, REPO

from relgraph.schema import load_schema

LOAD_SUMMARY = (
    "Loaded 8 nodes and 7 relationships from 2 files into {store} in {secs} s\n"
    "  nodes: 8 added, 0 updated, 0 removed; relationships: 7 added, 0 updated, 0 removed\n"
    'Next: relgraph stats --store {store}, or relgraph show "Rajin-Khasan" --store {store}\n'
)


def _summary(stdout: str) -> tuple[str, str]:
    """The load summary with its timing blanked (it varies from run to run)."""
    first, rest = stdout.split("\n", 1)
    head, _, tail = first.rpartition(" in ")
    assert tail.endswith(" s") and float(tail[:-2]) >= 0
    return head + " in {secs} s", rest


def test_help_lists_the_commands(cli) -> None:
    r = cli("--help")
    assert r.exit_code == 0
    for command in ("load", "validate", "stats", "schema", "show"):
        assert f"\n  {command} " in r.stdout
    assert "Exit codes: 0 ok, 1 bad input, 2 usage error." in r.stdout


def test_version(cli) -> None:
    from relgraph import __version__

    r = cli("--version")
    assert r.exit_code == 0 and r.stdout == f"relgraph, version {__version__}\n"


# -- load ----------------------------------------------------------------------------------
def test_load_paths_into_store(cli, tmp_store: str, mini_copy: Path) -> None:
    r = cli("load", str(mini_copy / "core.yaml"), str(mini_copy / "posts.csv"), "--store", tmp_store)
    assert r.exit_code == 0, r.stderr
    assert r.stderr == ""
    head, rest = _summary(r.stdout)
    assert head + "\n" + rest == LOAD_SUMMARY.format(store=tmp_store, secs="{secs}")
    # The same files again (named by their folder): nothing is written. The engine rewrites its
    # header page whenever it is opened for writing; every other page stays as it was.
    before = Path(tmp_store).read_bytes()
    r = cli("load", str(mini_copy), "--store", tmp_store)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith(f"Nothing changed: {tmp_store} already holds the 8 nodes and 7 "
                               "relationships of these 2 files (checked in ")
    after = Path(tmp_store).read_bytes()
    assert len(after) == len(before) and after[4096:] == before[4096:]
    # One file changed: one node updated, one relationship removed, the other file left alone.
    posts = mini_copy / "posts.csv"
    lines = posts.read_text("utf-8").splitlines(keepends=True)
    posts.write_text("".join(lines[:-1]), "utf-8")
    core = mini_copy / "core.yaml"
    core.write_text(core.read_text("utf-8").replace("name: Russian Federation",
                                                    "name: Russian Federation\n    note: changed", 1),
                    "utf-8")
    r = cli("load", str(mini_copy), "--store", tmp_store)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[1] == ("  nodes: 0 added, 1 updated, 0 removed; relationships: 0 added, "
                                        "0 updated, 1 removed")
    r = cli("load", str(mini_copy), "--store", tmp_store)
    assert r.stdout.startswith("Nothing changed: ")


def test_a_reload_writes_only_the_files_that_changed(cli, tmp_store: str, mini_copy: Path, dump) -> None:
    assert cli("load", str(mini_copy), "--store", tmp_store, "-q").exit_code == 0
    posts = mini_copy / "posts.csv"
    lines = posts.read_text("utf-8").splitlines(keepends=True)
    posts.write_text("".join(lines[:-1]), "utf-8")
    r = cli("load", str(mini_copy), "--store", tmp_store)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[1] == ("  nodes: 0 added, 0 updated, 0 removed; relationships: 0 added, "
                                        "0 updated, 1 removed (1 of 2 files changed; the others were left "
                                        "as they were)")
    fresh = str(Path(tmp_store).with_name("fresh.db"))
    assert cli("load", str(mini_copy), "--store", fresh, "-q").exit_code == 0
    assert dump(tmp_store) == dump(fresh)


def test_load_store_from_environment(cli, tmp_path: Path, dump, mini_template: str) -> None:
    store = str(tmp_path / "env.db")
    r = cli("load", str(MINI), "--quiet", env={"RELGRAPH_STORE": store})
    assert r.exit_code == 0 and r.stdout == "" and r.stderr == ""
    assert dump(store) == dump(mini_template)
    given = str(tmp_path / "given.db")
    r = cli("stats", "--store", given, env={"RELGRAPH_STORE": store})  # --store wins over the variable
    assert r.exit_code == 1 and r.stderr.startswith(f"error: no store at {given};")


def test_load_default_store_is_relgraph_db_in_the_working_folder(cli, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = cli("load", str(MINI), "-q")
    assert r.exit_code == 0 and r.stdout == ""
    assert (tmp_path / "relgraph.db").is_file()
    r = cli("stats", "--format", "json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["nodes"]["State"] == 2


def test_load_missing_path(cli, tmp_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = cli("load", "nope.yaml", "--store", tmp_store)
    assert r.exit_code == 1
    assert r.stderr == ("error: 1 problem in input:\n"
                        "  nope.yaml: no such file or folder (fix: check the path)\n")
    assert not Path(tmp_store).exists()


# -- validate ------------------------------------------------------------------------------
def test_validate_ok(cli) -> None:
    r = cli("validate", str(MINI))
    assert r.exit_code == 0
    assert r.stdout == "OK: 2 files, 8 nodes, 7 relationships\n"
    assert cli("validate", "-q", str(MINI)).stdout == ""


def test_validate_without_paths_checks_the_bundled_dataset(cli) -> None:
    from relgraph.loaders import read_dataset

    ds = read_dataset()
    r = cli("validate")
    assert r.exit_code == 0
    assert r.stdout == (f"OK: {len(ds.origins)} files, {len(ds.nodes)} nodes, "
                        f"{len(ds.relationships)} relationships\n")


def test_validate_touches_no_store(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("validate", str(MINI)).exit_code == 0
    assert list(tmp_path.iterdir()) == []


# -- stats ---------------------------------------------------------------------------------
def test_stats_json_counts_equal_the_dataset(cli, mini_template: str) -> None:
    r = cli("stats", "--store", mini_template, "--format", "json")
    assert r.exit_code == 0
    counts = json.loads(r.stdout)
    schema = load_schema()
    assert counts == {
        "nodes": {t: MINI_NODE_COUNTS.get(t, 0) for t in schema.nodes},
        "relationships": {t: MINI_REL_COUNTS.get(t, 0) for t in schema.relationships},
        # the summit of 2023-09-13 is the latest dated fact, the brief of 2024-06-05 the latest source
        "coverage": {"factsUntil": "2023-09-13", "sourcesUntil": "2024-06-05"},
    }


def test_stats_table(cli, mini_template: str) -> None:
    r = cli("stats", "--store", mini_template)
    assert r.exit_code == 0
    assert r.stdout == (
        "node type  count\n"
        "---------  -----\n"
        "Person     2\n"
        "State      2\n"
        "Document   1\n"
        "Event      1\n"
        "Position   1\n"
        "Project    1\n"
        "total      8\n"
        "\n"
        "relationship type  count\n"
        "-----------------  -----\n"
        "HOLDS              2\n"
        "PARTICIPATED_IN    2\n"
        "PARTNER_IN         2\n"
        "POST_IN            1\n"
        "total              7\n"
        "\n"
        "coverage: facts up to 2023-09-13, sources published up to 2024-06-05\n"
    )


def test_stats_coverage_of_a_store_without_facts_or_relationships(cli, tmp_path: Path) -> None:
    data = tmp_path / "docs.yaml"
    data.write_text("defaults: {status: confirmed}\nnodes:\n"
                    "  - {id: doc:a, type: Document, name: A, published: 2024-06-05}\n"
                    "  - {id: doc:b, type: Document, name: B, published: 2999-01-01}\n", "utf-8")
    store = str(tmp_path / "docs.db")
    assert cli("load", str(data), "--store", store, "-q").exit_code == 0
    r = cli("stats", "--store", store)
    assert r.exit_code == 0, r.stderr
    # no dated fact and no relationship table to ask; a source "published" in the future does not count
    assert r.stdout.endswith("coverage: facts up to none dated, sources published up to 2024-06-05\n")


def test_stats_without_a_store(cli, tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.db")
    r = cli("stats", "--store", missing)
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr == f"error: no store at {missing}; run `relgraph load` first (or pass --store)\n"
    assert r.exception is None
    assert not Path(missing).exists()


def test_neo4j_store_without_credentials_is_a_usage_error(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    r = cli("stats", "--store", "neo4j://localhost:7687")
    assert r.exit_code == 2
    assert r.stderr == "error: no Neo4j password: set NEO4J_PASSWORD\n"
    assert r.exception is None


@pytest.mark.parametrize("command", [["stats"], ["show", "Putin"], ["load", str(MINI)]])
def test_unknown_store_scheme_is_a_usage_error(cli, command: list[str]) -> None:
    r = cli(*command, "--store", "redis://localhost/0")
    assert r.exit_code == 2
    assert r.stderr == ("error: unknown store URI scheme in 'redis://localhost/0'; use a file path or one of "
                        "neo4j://, neo4j+s://, neo4j+ssc://, bolt://, bolt+s://, bolt+ssc://\n")


def test_store_that_is_a_folder(cli, tmp_path: Path) -> None:
    r = cli("stats", "--store", str(tmp_path))
    assert r.exit_code == 1
    assert r.stderr == f"error: {tmp_path} is a folder, not a relgraph store file; pass --store FILE\n"


# -- schema --------------------------------------------------------------------------------
def test_schema_json_and_yaml_are_the_schema_file(cli) -> None:
    raw = yaml.safe_load((REPO / "graph" / "schema.yaml").read_text("utf-8"))
    r = cli("schema", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout) == raw
    r = cli("schema", "--format", "yaml")
    assert r.exit_code == 0 and yaml.safe_load(r.stdout) == raw


def test_schema_text(cli) -> None:
    r = cli("schema")
    assert r.exit_code == 0
    out = r.stdout
    assert out.startswith("Every node and relationship carries: status (confirmed, reported, alleged, "
                          "denied, planned), sources, date, validFrom, validTo, note, description.\n")
    schema = load_schema()
    for t in schema.nodes.values():
        assert f"\n  {t.name} ({t.id_prefix}:...) - {t.description}\n" in out
    for rel in schema.relationships.values():
        ends = ", ".join(f"{a}->{b}" for a, b in rel.endpoints)
        assert f"\n  {rel.name}: {ends} - {rel.description}\n" in out
    assert "\n      iso3: string required\n" in out
    assert "\n      rank: enum [head-of-state, head-of-government, leader, minister, deputy, ambassador, " \
           "official, other]\n" in out


# -- show ----------------------------------------------------------------------------------
RAJIN = """\
Rajin–Khasan railway  (Project, project:rajin-khasan-railway)
  also: Rajin-Khasan; Najin-Khasan railway
  status: confirmed  valid: 2013-09 to now  [1]
  domain: transport  sanctionClass: gray-zone
  The 54 km rail link from Khasan in Russia to the port of Rajin.

Relationships (2)
  PARTNER_IN <- Democratic People's Republic of Korea (State)  role: partner  reported  [1]
  PARTNER_IN <- Russian Federation (State)  role: operator  confirmed  [1]

Sources
[1] Russia-DPRK Ties after 75th Anniversary of Diplomatic Relations: Hurdles and Opportunities (Seho
    Jang, East Asia Institute, 2024-06-05): para 6
"""


def test_show_project_full_text(cli, mini_template: str) -> None:
    r = cli("show", "Rajin-Khasan", "--store", mini_template)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == RAJIN


def test_show_person_numbers_each_distinct_citation(cli, mini_template: str) -> None:
    r = cli("show", "person:putin-vladimir", "--store", mini_template)
    assert r.exit_code == 0
    assert r.stdout == """\
Vladimir Putin  (Person, person:putin-vladimir)
  also: Putin
  status: confirmed  [1]
  born: 1952-10-07

Relationships (3)
  HOLDS -> President of the Russian Federation (Position)  valid: 2000-05-07 to 2008-05-07  confirmed  [2]
  HOLDS -> President of the Russian Federation (Position)  valid: 2012-05-07 to now  confirmed  [2]
  PARTICIPATED_IN -> Vostochny Cosmodrome summit (Event)  role: host  confirmed  [3]

Sources
[1] Russia-DPRK Ties after 75th Anniversary of Diplomatic Relations: Hurdles and Opportunities (Seho
    Jang, East Asia Institute, 2024-06-05): para 3: 'Putin presented Kim Jong Un with an AURUS'
[2] Russia-DPRK Ties after 75th Anniversary of Diplomatic Relations: Hurdles and Opportunities (Seho
    Jang, East Asia Institute, 2024-06-05): para 3
[3] Russia-DPRK Ties after 75th Anniversary of Diplomatic Relations: Hurdles and Opportunities (Seho
    Jang, East Asia Institute, 2024-06-05): para 1
"""


@pytest.mark.parametrize(
    ("name", "node_id"),
    [
        ("project:rajin-khasan-railway", "project:rajin-khasan-railway"),  # id
        ("Rajin–Khasan railway", "project:rajin-khasan-railway"),  # name, en dash
        ("Rajin-Khasan railway", "project:rajin-khasan-railway"),  # hyphen for the en dash
        ("rajin khasan RAILWAY", "project:rajin-khasan-railway"),  # case and punctuation
        ("Rajin-Khasan", "project:rajin-khasan-railway"),  # alias
        ("Najin-Khasan railway", "project:rajin-khasan-railway"),  # the other romanization
        ("Najin", "project:rajin-khasan-railway"),  # a word of exactly one node's alias
        ("north korea", "state:PRK"),  # alias, case-insensitive
        ("DPRK", "state:PRK"),
        ("Kim Jong-un", "person:kim-jong-un"),
        ("kim jong un", "person:kim-jong-un"),
        ("Russia", "state:RUS"),  # exact alias beats the fragment in "Russian Federation"
        ("Vostochny", "event:2023-09-13-vostochny-summit"),
    ],
)
def test_show_resolves_names(cli, mini_template: str, name: str, node_id: str) -> None:
    r = cli("show", name, "--store", mini_template, "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["node"]["id"] == node_id


def test_show_json(cli, mini_template: str) -> None:
    r = cli("show", "Kim Jong Un", "--store", mini_template, "--format", "json")
    assert r.exit_code == 0
    assert json.loads(r.stdout) == {
        "node": {"type": "Person", "id": "person:kim-jong-un", "status": "confirmed",
                 "sources": ["doc:eai-2024-06-05 | para 3"], "name": "Kim Jong Un",
                 "aliases": ["Kim Jong-un"]},
        "relationships": [{
            "type": "PARTICIPATED_IN", "direction": "out",
            "other": {"id": "event:2023-09-13-vostochny-summit", "type": "Event",
                      "name": "Vostochny Cosmodrome summit"},
            "id": "PARTICIPATED_IN:person:kim-jong-un->event:2023-09-13-vostochny-summit",
            "status": "confirmed", "sources": ["doc:eai-2024-06-05 | para 1"], "role": "guest",
        }],
        "documents": {"doc:eai-2024-06-05": {
            "type": "Document", "id": "doc:eai-2024-06-05", "origin": (MINI / "core.yaml").as_posix(),
            "status": "confirmed", "kind": "seed", "author": "Seho Jang", "publisher": "East Asia Institute",
            "published": "2024-06-05",
            "name": ("Russia-DPRK Ties after 75th Anniversary of Diplomatic Relations: "
                     "Hurdles and Opportunities"),
        }},
    }


def test_show_unknown_name_suggests(cli, mini_template: str) -> None:
    r = cli("show", "Vladimir Poutine", "--store", mini_template)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr == "error: no node named 'Vladimir Poutine'; did you mean 'Vladimir Putin'?\n"
    assert r.exception is None


def test_an_unknown_name_suggests_the_three_closest() -> None:
    from relgraph.api import resolve_in
    from relgraph.errors import NotFoundError

    names = ("Kim Jong Un", "Kim Jong Il", "Kim Jong Nam", "Kim Jong Ok", "Kim Il Sung")
    with pytest.raises(NotFoundError) as info:
        resolve_in([(f"person:{i}", "Person", n, []) for i, n in enumerate(names)], "Kim Jong Ux")
    assert len(info.value.suggestions) == 3 and info.value.suggestions[0] == "Kim Jong Un"


def test_show_an_id_that_is_no_node(cli, mini_template: str) -> None:
    r = cli("show", "state:NOPE", "--store", mini_template)
    assert r.exit_code == 2
    assert r.stderr.startswith("error: no node named 'state:NOPE'")


def test_show_unknown_name_without_suggestion(cli, mini_template: str) -> None:
    r = cli("show", "Zzyzx", "--store", mini_template)
    assert r.exit_code == 2
    assert r.stderr == "error: no node named 'Zzyzx'\n"


def test_show_ambiguous_fragment_lists_candidates(cli, mini_template: str) -> None:
    r = cli("show", "russian", "--store", mini_template)
    assert r.exit_code == 2
    assert r.stderr == ("error: 'russian' matches 2 nodes; give one of these ids, or more of the name:\n"
                        "  position:rus-president  President of the Russian Federation (Position)\n"
                        "  state:RUS               Russian Federation (State)\n")


def test_show_ambiguous_exact_name(cli, mini_copy: Path, tmp_store: str) -> None:
    (mini_copy / "more.yaml").write_text("""\
nodes:
  - id: person:kim-jong-un-namesake
    type: Person
    name: Kim Jong Un
    status: alleged
    sources: ["doc:eai-2024-06-05 | para 9"]
""", "utf-8")
    assert cli("load", str(mini_copy), "--store", tmp_store, "-q").exit_code == 0
    r = cli("show", "KIM JONG-UN", "--store", tmp_store)
    assert r.exit_code == 2
    assert r.stderr == ("error: 'KIM JONG-UN' matches 2 nodes; give one of these ids, or more of the "
                        "name:\n  person:kim-jong-un           Kim Jong Un (Person)\n"
                        "  person:kim-jong-un-namesake  Kim Jong Un (Person)\n")
    assert cli("show", "person:kim-jong-un-namesake", "--store", tmp_store).exit_code == 0


def test_show_makes_control_characters_visible(cli, mini_copy: Path, tmp_store: str) -> None:
    core = mini_copy / "core.yaml"
    core.write_text(core.read_text("utf-8").replace(
        "name: Kim Jong Un\n", 'name: "Kim Jong Un\\e[31m"\n'), "utf-8")
    # The loaders refuse it (issue 16); a store holding it anyway is tested in
    # tests/test_reliability_hostile_output.py.
    r = cli("load", str(mini_copy), "--store", tmp_store, "-q")
    assert r.exit_code == 1
    assert ("core.yaml:" in r.stderr and "name = 'Kim Jong Un\\x1b[31m': holds the character "
            "U+001B at position 12 (fix: remove it" in r.stderr), r.stderr
    assert "\x1b" not in r.stderr


def test_load_refuses_to_remove_a_node_another_file_uses(cli, dump, mini_copy: Path, tmp_store: str) -> None:
    assert cli("load", str(mini_copy), "--store", tmp_store, "-q").exit_code == 0
    before = dump(tmp_store)
    extra = mini_copy / "extra.yaml"
    extra.write_text("""\
nodes:
  - id: state:KOR
    type: State
    name: Republic of Korea
    iso3: KOR
    status: confirmed
    sources: ["doc:eai-2024-06-05 | para 13"]
relationships:
  - type: DIPLOMATIC_RELATIONS
    from: state:RUS
    to: state:KOR
    validFrom: 1990-09-30
    status: confirmed
    sources: ["doc:eai-2024-06-05 | para 13"]
""", "utf-8")
    assert cli("load", str(mini_copy), "--store", tmp_store, "-q").exit_code == 0
    with_extra = dump(tmp_store)
    assert with_extra != before
    core = mini_copy / "core.yaml"
    text = core.read_text("utf-8")
    start = text.index("  - id: state:RUS\n")
    end = text.index("  - id: state:PRK\n")
    text = text[:start] + text[end:]
    for rel in ('''  - type: POST_IN
    from: position:rus-president
    to: state:RUS
    sources: ["doc:eai-2024-06-05 | para 3"]
''', '''  - type: PARTNER_IN
    from: state:RUS
    to: project:rajin-khasan-railway
    role: operator
    sources: ["doc:eai-2024-06-05 | para 6"]
'''):
        assert rel in text
        text = text.replace(rel, "")
    core.write_text(text, "utf-8")
    r = cli("load", str(core), "--store", tmp_store)
    rel_id = "DIPLOMATIC_RELATIONS:state:RUS->state:KOR@1990-09-30"
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr == (
        "error: 1 problem in input:\n"
        f"  {core.as_posix()}: id = 'state:RUS': this file no longer defines the node, but relationship "
        f"{rel_id!r} in {extra.as_posix()} uses it (fix: keep the node in this file, or remove the "
        f"relationship from {extra.as_posix()} too)\n"
    )
    assert dump(tmp_store) == with_extra


@pytest.mark.parametrize("name", ["Zzyzx", "russian"], ids=["unknown", "ambiguous"])
def test_a_wrong_name_is_the_same_mistake_in_every_command(cli, mini_template: str, tmp_path: Path,
                                                           name: str) -> None:
    runs = {
        "show": cli("show", name, "--store", mini_template),
        "query run": cli("query", "run", "neighbors", "-p", f"node={name}", "--store", mini_template),
        "analyze ego": cli("analyze", "ego", name, "--store", mini_template),
        "analyze path": cli("analyze", "path", "Putin", name, "--store", mini_template),
        "view --focus": cli("view", "--focus", name, "-o", str(tmp_path / "v.html"), "--store",
                            mini_template),
    }
    for command, r in runs.items():
        assert r.exit_code == 2, (command, r)
        assert r.stdout == "" and "Traceback" not in r.stderr, command
        assert ("no node named" if name == "Zzyzx" else "matches 2 nodes") in r.stderr, command


def test_a_wrong_parameter_name_gets_did_you_mean(cli, mini_template: str) -> None:
    r = cli("query", "run", "meetings", "-p", "aa=Putin", "-p", "form=2000", "--store", mini_template)
    assert r.exit_code == 2
    assert r.stderr.splitlines()[0] == ("error: query 'meetings' has no parameter 'aa', 'form'; "
                                        "did you mean 'a' or 'from'?")
    r = cli("query", "run", "meetings", "-p", "zzz=1", "--store", mini_template)
    assert r.stderr.splitlines()[0] == "error: query 'meetings' has no parameter 'zzz'"


def test_store_before_the_command(cli, mini_template: str, tmp_path: Path) -> None:
    after = cli("stats", "--store", mini_template)
    before = cli("--store", mini_template, "stats")
    assert before.exit_code == 0 and before.stdout == after.stdout
    other = str(tmp_path / "none.db")
    r = cli("--store", mini_template, "stats", "--store", other)  # the command's own wins
    assert r.exit_code == 1 and r.stderr.startswith(f"error: no store at {other};")
    r = cli("--store", mini_template, "show", "Putin")
    assert r.exit_code == 0 and r.stdout.startswith("Vladimir Putin")
    assert "--store PATH|URI" in cli("--help").stdout


def _in_a_terminal(args: list[str], columns: int) -> str:
    """What `relgraph ARGS` prints to a real terminal (a pseudo-terminal) `columns` wide."""
    import fcntl
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    relgraph = Path(sys.executable).with_name("relgraph")
    proc = subprocess.Popen([str(relgraph), *args], stdout=slave, stderr=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_tables_fit_the_terminal(mini_template: str) -> None:
    from relgraph.formats import _width

    args = ["query", "run", "changes", "-p", "from=1990", "--store", mini_template]
    for columns in (80, 120):
        shown = _in_a_terminal(args, columns)
        lines = shown.splitlines()
        assert len(lines) >= 3 and all(_width(line) <= columns for line in lines), shown
        assert "2000-05-07" in shown and "…" in shown  # dates whole, long cells cut
    piped = subprocess.run([str(Path(sys.executable).with_name("relgraph")), *args], capture_output=True,
                           text=True, timeout=60)
    assert max(len(line) for line in piped.stdout.splitlines()) > 120  # a pipe gets every character
    assert "…" not in piped.stdout


def test_a_piped_table_keeps_every_character_without_padding_to_the_longest() -> None:
    """A pipe gets every character, but a column is aligned to at most PAD characters: an ego
    network's ways in to a node reached through 2,000 others ran to 96,000 characters, and
    padding its 20,000 lines to that made 2 GB."""
    from relgraph.formats import PAD, table

    long = "; ".join(f"Event {i} <-[PARTICIPATED_IN]-" for i in range(2_000))
    rows = [[1, "Kim", long if i == 7 else "Putin -[MET]->", f"person:{i}"] for i in range(1_000)]
    lines = table(["distance", "name", "via", "id"], rows).splitlines()
    assert lines[2 + 7].endswith(long + "  person:7")
    assert all(f"person:{i}" in lines[2 + i] for i in range(1_000))
    others = [line for i, line in enumerate(lines) if i != 2 + 7]
    assert len({line.index("person:") for line in others[2:]}) == 1  # the rest line up
    assert max(map(len, others)) <= len("distance  name  ") + PAD + len("  person:999")


def test_one_date_grammar(cli, mini_template: str) -> None:
    store = ["--store", mini_template]
    today = cli("analyze", "centrality", "--as-of", "today", *store)
    assert today.exit_code == 0 and "[--as-of " in today.stdout
    assert cli("analyze", "centrality", "--as-of", "TODAY", *store).exit_code == 0
    # A start after an end: an error in analyze and in query run alike.
    r = cli("analyze", "centrality", "--from", "2020", "--to", "2010", *store)
    assert r.exit_code == 2 and "is after --to" in r.stderr
    r = cli("query", "run", "changes", "-p", "from=2020", "-p", "to=2010", *store)
    assert r.exit_code == 2 and r.stderr.startswith("error: -p from=2020-01-01 is after -p to=2010-12-31")
    # A point in time given as a year is its last day, in -p day= as in --as-of: Putin's first
    # term ended on 2008-05-07, so on "2008" (31 December) he held no post, as --as-of 2008 says.
    r = cli("query", "run", "officials", "-p", "day=2008", "-p", "state=Russia", "--format", "json", *store)
    assert r.exit_code == 0 and json.loads(r.stdout) == []
    r = cli("analyze", "ego", "Putin", "--as-of", "2008", "--types", "Person,Position", *store)
    assert r.exit_code == 0 and "President" not in r.stdout
    for day, held in (("2008-05", []), ("2008-05-07", ["Vladimir Putin"])):
        r = cli("query", "run", "officials", "-p", f"day={day}", "-p", "state=Russia", "--format", "json",
                *store)
        assert [row["person"] for row in json.loads(r.stdout)] == held, day


def test_validate_checks_a_folder_against_the_store_it_will_be_loaded_into(
        cli, mini_template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    ext = tmp_path / "ext"
    ext.mkdir()
    (ext / "extra.yaml").write_text("""\
defaults: {status: reported}
nodes:
  - {id: person:test-envoy, type: Person, name: Test Envoy, sources: ["doc:eai-2024-06-05 | para 1"]}
relationships:
  - {type: CITIZEN_OF, from: person:test-envoy, to: state:RUS, sources: ["doc:eai-2024-06-05 | para 1"]}
""", "utf-8")
    # No store here: checked as a load into an empty store, which refuses it (and so would load).
    r = cli("validate", str(ext))
    assert r.exit_code == 1 and "cites unknown document 'doc:eai-2024-06-05'" in r.stderr
    assert cli("load", str(ext), "--store", str(tmp_path / "empty.db")).exit_code == 1
    # Against a store holding the document and the state: valid, and it loads.
    r = cli("validate", str(ext), "--store", mini_template)
    assert r.exit_code == 0
    assert r.stdout == f"OK: 1 file, 1 node, 1 relationship (checked against {mini_template})\n"
    store = str(tmp_path / "relgraph.db")
    Path(store).write_bytes(Path(mini_template).read_bytes())
    assert cli("validate", str(ext)).stdout.endswith("(checked against relgraph.db)\n")  # the default store
    assert cli("load", str(ext)).exit_code == 0


def test_the_cli_package_has_no_import_cycle() -> None:
    """Command modules import the shared options, never the group that imports them."""
    import ast

    folder = REPO / "graph" / "cli"
    imports: dict[str, set[str]] = {}
    for path in folder.glob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("relgraph.cli"):
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("relgraph.cli"))
        imports[path.stem] = found
    commands = {"data", "analyze", "view", "imports", "query", "serve"}
    assert commands <= set(imports)
    for name in commands:
        assert imports[name] <= {"relgraph.cli.options"}, (name, imports[name])
    assert imports["options"] == set()
    assert imports["app"] == {f"relgraph.cli.{c}" for c in commands} | {"relgraph.cli.options"}
    r = subprocess.run([sys.executable, "-c", "import relgraph.cli.options, sys; "
                        "sys.exit(sorted(m for m in sys.modules if m.startswith('relgraph.cli.')) != "
                        "['relgraph.cli.analyze', 'relgraph.cli.app', 'relgraph.cli.data', "
                        "'relgraph.cli.imports', 'relgraph.cli.options', 'relgraph.cli.query', "
                        "'relgraph.cli.serve', 'relgraph.cli.view'])"], timeout=60)
    assert r.returncode == 0


def test_analyses_end_without_teardown_and_lose_nothing(mini_template: str, tmp_path: Path) -> None:
    """After ``analyze``, ``export`` and ``view`` the console script ends the process with
    ``os._exit`` (no freeing of the projected graph, see ``relgraph.cli.app.run``): piped
    output, written files and exit codes must be what a normal exit gives."""
    relgraph = str(Path(sys.executable).with_name("relgraph"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([relgraph, *args, "--store", mini_template], capture_output=True, text=True,
                              timeout=120)

    table = run("analyze", "centrality", "--format", "csv")
    assert table.returncode == 0 and table.stderr == ""
    rows = table.stdout.splitlines()  # a pipe's buffer, flushed before the process ended
    assert rows[0].startswith("rank,") and len(rows) > 5 and rows[-1].count(",") == rows[0].count(",")
    import gc

    from click.testing import CliRunner

    from relgraph.cli import main

    assert table.stdout == CliRunner().invoke(main, ["analyze", "centrality", "--format", "csv",
                                                     "--store", mini_template]).stdout
    assert gc.isenabled()  # the commands run in a program's own process change nothing of it
    bad = run("analyze", "path", "no such person", "Kim Jong Un")
    assert bad.returncode == 2 and bad.stdout == "" and bad.stderr.startswith("error: ")
    out = tmp_path / "g.json"
    exported = run("export", "--format", "json", "-o", str(out))
    assert exported.returncode == 0 and json.loads(out.read_text())["nodes"]
    page = tmp_path / "v.html"
    assert run("view", "-o", str(page)).returncode == 0 and page.read_text().rstrip().endswith("</html>")
    # The process ends there: no exit handlers run after an analysis; they do after other commands.
    probe = ("import atexit, sys; atexit.register(lambda: print('torn down', file=sys.stderr)); "
             "from relgraph.cli import run; sys.argv[0] = 'relgraph'; run()")
    for args, torn_down in ((["analyze", "centrality"], False), (["stats"], True)):
        r = subprocess.run([sys.executable, "-c", probe, *args, "--store", mini_template],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0 and ("torn down" in r.stderr) is torn_down, (args, r.stderr)
