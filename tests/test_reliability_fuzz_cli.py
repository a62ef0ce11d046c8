"""No traceback, ever: every command, every option given boundary values (issue 16, item 11).

The click command tree is walked, so a command or option added later is fuzzed too.
Each command starts from a working invocation on a copy of the mini store; then one
parameter at a time (option or argument) gets each boundary value of its type:
negative, zero, huge, empty, the wrong type, impossible dates, very long text, other
scripts, paths that are folders or do not exist. Every run must end with exit code 0,
1 or 2 and a message, never an exception or a Python traceback.

Plus the cases found by hand: a negative --seed for `view`, PageRank on a filtered
graph with nodes and no relationships, and a query file holding two statements.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest
from conftest import FIXTURES, MINI

from relgraph.cli import main

pytestmark = pytest.mark.reliability

INTS = ["-1", "0", "-9223372036854775809", "99999999999999999999999", "1.5", "abc", ""]
FLOATS = ["nan", "inf", "-inf", "-1", "0", "1e309", "abc", ""]
TEXTS = ["", " ", "-1", "0", "x" * 5000, "2023-02-30", "9999-99-99", "-0001-01-01", "state:PRK",
         "Ким Чен Ын \u202e", "a,b,,", "+", "-", "all", "=1+1", "../../etc/passwd", "'; DROP TABLE x; --"]
CHOICES = ["", "bogus", "TABLE"]


def _commands(cmd: click.Command = main, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    if isinstance(cmd, click.Group):
        return [c for name, sub in sorted(cmd.commands.items()) for c in _commands(sub, (*path, name))]
    return [(path, cmd)]


COMMANDS = {" ".join(p): c for p, c in _commands()}


def base(name: str, store: str, tmp: Path) -> tuple[list[str], dict[str, list[str]]]:
    """A working invocation: positional arguments, and options (name -> values)."""
    st = {"--store": [store]}
    return {
        "load": ([str(MINI)], dict(st)),
        "validate": ([str(MINI)], {}),
        "stats": ([], dict(st)),
        "schema": ([], {}),
        "sync": ([], {"--from": [store], "--to": [str(tmp / "copy.db")]}),
        "show": (["state:PRK"], dict(st)),
        "analyze centrality": ([], dict(st)),
        "analyze path": (["state:PRK", "state:RUS"], dict(st)),
        "analyze brokers": ([], dict(st)),
        "analyze communities": ([], dict(st)),
        "analyze ego": (["state:PRK"], dict(st)),
        "analyze compare": ([], {**st, "--as-of": ["2020-01-01", "2024-01-01"]}),
        "export": ([], {**st, "--format": ["json"], "--output": [str(tmp / "e.json")]}),
        "view": ([], {**st, "--output": [str(tmp / "v.html")]}),
        "import un-sanctions": ([str(FIXTURES / "un" / "consolidated-2018-10-29.xml")], dict(st)),
        "import gdelt": ([str(FIXTURES / "gdelt" / "dyad_events_by_year.csv")], dict(st)),
        "query list": ([], {}),
        "query show": (["visits"], dict(st)),
        "query run": (["visits"], dict(st)),
        # Refused before it listens (another interface without --expose): a server that started
        # would wait for Ctrl-C. Every option is still parsed and checked first.
        "serve": ([], {**st, "--host": ["0.0.0.0"]}),
    }[name]


def values(param: click.Parameter, tmp: Path) -> list[str]:
    t = param.type
    if isinstance(t, click.Choice):
        return CHOICES
    if isinstance(t, (click.IntRange, type(click.INT))):
        return INTS
    if isinstance(t, (click.FloatRange, type(click.FLOAT))):
        return FLOATS
    if isinstance(t, click.Path):
        return ["", "/", str(tmp), str(tmp / "missing" / "deep" / "x.yaml"), str(tmp / "nothing.yaml")]
    if param.name in ("store", "source", "target"):
        # No network: a Neo4j URI would wait for a server. Folders, missing files, odd schemes.
        return ["", str(tmp), str(tmp / "missing" / "x.db"), "x://y", "-"]
    return TEXTS


def test_every_command_is_fuzzed() -> None:
    assert len(COMMANDS) == 20, sorted(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_no_traceback_for_boundary_values(name: str, cli, mini_store: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # an empty --store means ./relgraph.db: here, not in the repository
    cmd = COMMANDS[name]
    args, opts = base(name, mini_store, tmp_path)
    runs = 0

    def run(positional: list[str], options: dict[str, list[str]], what: str) -> int:
        argv = [*name.split(), *positional]
        for opt, vals in options.items():
            for v in vals:
                argv += [opt, v]
        r = cli(*argv)
        assert r.exception is None, (what, argv[:8], repr(r.exception))
        assert r.exit_code in (0, 1, 2), (what, r.exit_code, r.stderr[-500:])
        assert "Traceback" not in r.stdout + r.stderr, (what, r.stderr[-2000:])
        if r.exit_code:
            assert r.stderr.startswith(("error:", "Usage:")), (what, r.stderr[-500:])
        return 1

    runs += run(args, opts, "the working invocation")
    arguments = [p for p in cmd.params if isinstance(p, click.Argument)]
    for p in cmd.params:
        if isinstance(p, click.Option) and p.is_flag:
            continue
        for v in values(p, tmp_path):
            if isinstance(p, click.Argument):
                i = arguments.index(p)
                pos = list(args) or [""]
                pos = [*pos[:i], v, *pos[i + 1:]] if i < len(pos) else [*pos, v]
                runs += run(pos, opts, f"{p.name}={v[:20]!r}")
            else:
                long = next(o for o in p.opts if o.startswith("--"))
                if long == "--output" and "missing" not in v and v not in ("", "/"):
                    v = str(Path(v) / "out.json") if Path(v).is_dir() else v
                runs += run(args, {**opts, long: [v]}, f"{long}={v[:20]!r}")
    fuzzed = [p for p in cmd.params if not (isinstance(p, click.Option) and p.is_flag)]
    assert runs == 1 + sum(len(values(p, tmp_path)) for p in fuzzed) and runs >= 4


def test_view_refuses_a_negative_seed(cli, mini_template: str, tmp_path: Path) -> None:
    r = cli("view", "-o", str(tmp_path / "v.html"), "--seed", "-1", "--store", mini_template)
    assert r.exit_code == 2 and "--seed" in r.stderr and r.exception is None
    from relgraph.errors import UsageError
    from relgraph.views import view

    with pytest.raises(UsageError, match="seed must be 0 or more"):
        view(tmp_path / "v.html", store=mini_template, seed=-5)


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_louvain_refuses_a_resolution_that_is_not_positive(cli, mini_template: str, value: str) -> None:
    r = cli("analyze", "communities", "--resolution", value, "--store", mini_template)
    assert (r.exit_code, r.stdout) == (2, "") and "--resolution" in r.stderr and "positive" in r.stderr


def test_pagerank_of_nodes_without_relationships(cli, mini_template: str) -> None:
    r = cli("analyze", "centrality", "--measure", "pagerank", "--types", "State", "--format", "json",
            "--store", mini_template)
    assert r.exit_code == 0, r.stderr
    import json

    rows = json.loads(r.stdout)
    assert len(rows) == 2 and all(abs(row["score"] - 0.5) < 1e-9 for row in rows), rows


def test_a_query_file_holding_two_statements(cli, mini_template: str, tmp_path: Path) -> None:
    q = tmp_path / "q"
    q.mkdir()
    (q / "two.cypher").write_text("// name: two\n// description: two statements\n// mode: read\n"
                                  "MATCH (n:State) RETURN n.id;\nMATCH (m:State) RETURN m.id\n", "utf-8")
    r = cli("query", "run", "two", "--queries", str(q), "--store", mini_template)
    assert r.exit_code == 1 and r.exception is None
    assert r.stderr == (f"error: 1 problem in input:\n  {q / 'two.cypher'}:4: body: query 'two' holds "
                        "more than one statement (a `;` with Cypher after it) (fix: keep one statement per "
                        "query: split it into queries of their own, each with its `// name:`)\n")
    # A `;` that ends the one statement, or sits in a string or a comment, is fine.
    (q / "two.cypher").write_text("// name: two\n// description: one statement\n// mode: read\n"
                                  "MATCH (n:State) RETURN n.id, 'a;b' AS x; // c;d\n", "utf-8")
    r = cli("query", "run", "two", "--queries", str(q), "--store", mini_template)
    assert r.exit_code == 0, r.stderr
