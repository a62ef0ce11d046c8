"""The README is a test: every `relgraph ...` command in its code blocks and in the `--help`
texts runs on the bundled dataset (imports on the shared sample files), in the order shown.

A command fails the test on a non-zero exit, a traceback, or an empty answer: no output, a
query that returns no rows, an output file that was not written. Placeholders become real
files (`my-data/`, `extra.csv`, `consolidated.xml`, GDELT files); an optional part
(`[--top N]`) is run without and with it; alternatives (`graphml|gexf|json|csv`) each run.
Commands on `neo4j://` run against the suite's own Neo4j (the `neo4j` marker).
"""

from __future__ import annotations

import itertools
import os
import re
import shlex
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from conftest import FIXTURES, REPO, Neo4jTarget

from relgraph.cli import main

README = REPO / "README.md"
UN_LIST = FIXTURES / "un" / "consolidated-2018-10-29.xml"
GDELT_EVENTS = FIXTURES / "gdelt" / "events-sample-2016-07-28.tsv"
GDELT_DYADS = FIXTURES / "gdelt" / "dyad_events_by_year.csv"
NEO4J = re.compile(r"neo4j://[\w.]+:\d+")


def readme_commands() -> list[tuple[int, str]]:
    """(line, command) for every line of a README code block that runs `relgraph`."""
    out, code = [], False
    for n, line in enumerate(README.read_text("utf-8").splitlines(), 1):
        if line.strip().startswith("```"):
            code = not code
            continue
        text = line.split(" # ", 1)[0].split("  #", 1)[0].strip()
        if code and text.startswith("relgraph "):
            out.append((n, text))
    return out


def help_commands() -> list[tuple[str, str]]:
    """(command path, example) for every `relgraph ...` line of a `--help` text."""

    def walk(cmd: click.Command, path: list[str]) -> Iterator[tuple[list[str], click.Command]]:
        yield path, cmd
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                yield from walk(sub, [*path, name])

    out = []
    for path, cmd in walk(main, []):
        for line in (cmd.help or "").splitlines():
            if line.strip().startswith("relgraph "):
                out.append((" ".join(path) or "relgraph", re.split(r"\s{2,}", line.strip())[0]))
    return out


def variants(command: str) -> list[str]:
    """The command without its optional parts, and with all of them; one per alternative."""
    command = command.replace("20160728.export.CSV[.zip]", "20160728.export.CSV")
    optional = re.findall(r"\[([^\]]*)\]", command)
    bare = re.sub(r"\s*\[[^\]]*\]", "", command)
    full = re.sub(r"\[([^\]]*)\]", r"\1", command)
    out = []
    for text in dict.fromkeys([bare, full] if optional else [bare]):
        choices = [w.split("|") if "|" in w and not w.startswith(("'", '"')) else [w]
                   for w in shlex.split(text)]
        out.extend(shlex.join(c) for c in itertools.product(*choices))
    return list(dict.fromkeys(out))


def materialise(words: list[str], work: Path, uri: str | None) -> list[str]:
    """Placeholders as real files and values."""
    fmt = next((words[i + 1] for i, w in enumerate(words[:-1]) if w == "--format"), "json")
    real = {"my-data/": str(work / "my-data"), "extra.csv": str(work / "extra.csv"),
            "consolidated.xml": str(UN_LIST), "20160728.export.CSV": str(GDELT_EVENTS),
            "events.csv": str(GDELT_EVENTS), "dyad_events_by_year.csv": str(GDELT_DYADS),
            "N": "5", "ID": "sanction:un-dprk-sanctions-regime",
            "PATH": str(work / ("export-csv" if fmt == "csv" else f"export.{fmt}"))}
    out = [real.get(w, w) for w in words[1:]]
    if uri:
        out = [NEO4J.sub(uri, w) for w in out]
    return out


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the README's example files."""
    work = tmp_path_factory.mktemp("readme")
    (work / "my-data").mkdir()
    (work / "my-data" / "people.yaml").write_text("""\
defaults: {status: reported}
nodes:
  - {id: person:readme-envoy, type: Person, name: Readme Envoy, sources: ["doc:eai-2024-06-05 | para 1"]}
relationships:
  - {type: CITIZEN_OF, from: person:readme-envoy, to: state:RUS, sources: ["doc:eai-2024-06-05 | para 1"]}
""", "utf-8")
    (work / "extra.csv").write_text(
        "type,id,name,status,sources\n"
        "Person,person:readme-extra,Readme Extra,reported,doc:eai-2024-06-05 | para 1\n", "utf-8")
    return work


def run_all(cli, commands: list[tuple[str, str]], work: Path, monkeypatch: pytest.MonkeyPatch,
            uri: str | None = None, env: dict[str, str] | None = None) -> int:
    monkeypatch.chdir(work)
    monkeypatch.setenv("BROWSER", "true")  # `view --open` opens nothing
    ran = 0
    # `query run cameo-events` reads an import the README makes later on: make it first.
    store = ["--store", uri] if uri else []
    for args in (["load", "-q"], ["import", "gdelt", str(GDELT_EVENTS), "-q"]):
        assert cli(*args, *store, env=env).exit_code == 0
    for where, command in commands:
        for variant in variants(command):
            words = shlex.split(variant)
            args = materialise(words, work, uri)
            if args[:1] == ["serve"]:
                serve_once(args, f"{where}: {variant}")
                ran += 1
                continue
            outputs = [Path(args[i + 1]) for i, a in enumerate(args[:-1]) if a in ("-o", "--output")]
            for o in outputs:
                if o.is_file():
                    o.unlink()
            r = cli(*args, env=env)
            label = f"{where}: {variant}"
            assert r.exit_code == 0, (label, r.stdout[-2000:], r.stderr[-2000:])
            assert r.exception is None and "Traceback" not in r.stderr, (label, r.stderr)
            assert r.stdout.strip() or "--quiet" in args or "-q" in args, label
            assert "(0 rows)" not in r.stderr and r.stdout.strip() != "[]", (label, "an empty answer")
            for o in outputs:
                assert o.exists() and (o.is_dir() or o.stat().st_size > 0), (label, o)
            ran += 1
    return ran


def serve_once(args: list[str], label: str) -> None:
    """`relgraph serve ...` as shown, on a free port: it must serve its first page, then stop
    on Ctrl-C's signal with exit code 0."""
    if "--port" in args:
        args = [*args[:args.index("--port")], *args[args.index("--port") + 2:]]
    proc = subprocess.Popen([sys.executable, "-m", "relgraph.cli", *args, "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        m = re.match(r"Serving (http://\S+) ", line)
        assert m, (label, line, proc.stderr.read() if proc.stderr else "")
        with urllib.request.urlopen(m.group(1), timeout=30) as page:
            assert page.status == 200 and b"relgraph" in page.read(), label
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "Stopped." in out and "Traceback" not in err, (label, err)


def test_every_readme_command_runs_on_the_bundled_data(cli, work: Path, monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    commands = [(f"README.md:{n}", c) for n, c in readme_commands() if not NEO4J.search(c)]
    assert len(commands) >= 25
    monkeypatch.setenv("RELGRAPH_STORE", str(tmp_path / "relgraph.db"))
    ran = run_all(cli, commands, work, monkeypatch)
    assert ran >= 40


def test_every_help_example_runs_on_the_bundled_data(cli, work: Path, monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    commands = [(f"relgraph {path} --help", c) for path, c in help_commands()
                if not NEO4J.search(c) and "localhost:7687" not in c]
    assert len(commands) >= 18
    monkeypatch.setenv("RELGRAPH_STORE", str(tmp_path / "relgraph.db"))
    assert run_all(cli, commands, work, monkeypatch) >= 18


@pytest.mark.neo4j
def test_every_neo4j_command_of_the_readme_and_help_runs(cli, work: Path, monkeypatch: pytest.MonkeyPatch,
                                                         neo4j: Neo4jTarget, tmp_path: Path) -> None:
    commands = [(f"README.md:{n}", c) for n, c in readme_commands() if NEO4J.search(c)]
    commands += [(f"relgraph {p} --help", c.replace("localhost:7687", "127.0.0.1:7687"))
                 for p, c in help_commands() if "localhost:7687" in c]
    assert len(commands) >= 8
    neo4j.empty()
    local = str(tmp_path / "relgraph.db")
    monkeypatch.setenv("RELGRAPH_STORE", local)
    assert cli("load", "-q").exit_code == 0  # `sync --to` copies the default store
    env = {"NEO4J_USER": neo4j.user, "NEO4J_PASSWORD": neo4j.password}
    assert run_all(cli, commands, work, monkeypatch, uri=neo4j.uri, env=env) >= 8


def test_the_readme_and_the_help_texts_agree(cli) -> None:
    text = " ".join(README.read_text("utf-8").split())
    export_help = " ".join(cli("export", "--help").stdout.split())
    assert "(default: all, Documents included)" in export_help
    assert "keep every type by default, Documents included" in text
    import_help = " ".join(cli("import", "--help").stdout.split())
    for said in (import_help, text):
        assert ("importing the same GDELT file (or a UN list for the same regime) again replaces what "
                "it wrote") in said
        assert "another GDELT file is added beside it" in said
    # Every command --help lists is in the README, and every option of the top level too.
    for name in main.commands:
        assert f"relgraph {name}" in text, name
    for option in ("--store", "--neo4j-user", "--neo4j-database", "--neo4j-password-stdin"):
        assert option in text, option
