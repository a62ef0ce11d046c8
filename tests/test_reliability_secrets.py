"""The Neo4j password never shows: not in output, errors, exception messages or logs.

Every command that can reach a store runs against Neo4j URIs that fail (no
server listening, a TLS handshake with no server, a bad port, a URI that holds
the password itself), with a sentinel password; all output, every logging
record and every exception in the chain are searched for it. No server is
needed: the driver is real and fails for real. (A wrong password against a
real server is tested in tests/test_reliability_neo4j.py.)
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, MINI

from relgraph.errors import RelgraphError
from relgraph.store import open_store

pytestmark = pytest.mark.reliability

SENTINEL = "sentinel-Pa55word-5e1f"

URIS = [
    "neo4j://127.0.0.1:1",  # nothing listens
    "bolt+s://127.0.0.1:1",  # TLS, nothing listens
    "bolt://127.0.0.1:notaport",
    f"neo4j://neo4j:{SENTINEL}@127.0.0.1:1",  # the password in the URI itself
    f"bolt://:{SENTINEL}@127.0.0.1:1",
    f"neo4j://127.0.0.1:1?policy={SENTINEL}",
]


def commands(uri: str, tmp: Path, mini_store: str) -> list[list[str]]:
    return [
        ["stats", "--store", uri],
        ["load", str(MINI), "--store", uri],
        ["show", "Kim Jong Un", "--store", uri],
        ["query", "run", "search", "-p", "text=Kim", "--store", uri],
        ["analyze", "centrality", "--store", uri],
        ["export", "--format", "json", "-o", str(tmp / "x.json"), "--store", uri],
        ["view", "-o", str(tmp / "x.html"), "--store", uri],
        ["sync", "--from", mini_store, "--to", uri],
        ["sync", "--from", uri, "--to", str(tmp / "copy.db")],
        ["import", "un-sanctions", str(FIXTURES / "un" / "consolidated-2018-10-29.xml"), "--store", uri],
        ["import", "gdelt", str(FIXTURES / "gdelt" / "events-sample-2016-07-28.tsv"), "--store", uri],
    ]


@pytest.fixture
def logs() -> Iterator[list[logging.LogRecord]]:
    """Every logging record of any logger, at every level, the neo4j driver's included."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(level=logging.DEBUG)
    loggers = [logging.getLogger(), logging.getLogger("neo4j")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    yield records
    for lg, level in zip(loggers, levels, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)


def no_sentinel_in_logs(records: list[logging.LogRecord]) -> None:
    for r in records:
        text = r.getMessage() + (logging.Formatter().formatException(r.exc_info) if r.exc_info else "")
        assert SENTINEL not in text, r.name


@pytest.mark.parametrize("uri", URIS)
def test_failing_commands_never_show_the_password(cli, uri: str, tmp_path: Path, mini_template: str,
                                                  logs: list[logging.LogRecord]) -> None:
    for args in commands(uri, tmp_path, mini_template):
        r = cli(*args, env={"NEO4J_PASSWORD": SENTINEL})
        assert r.exit_code in (1, 2), (args, r.stdout, r.stderr)
        assert r.exception is None, args
        assert r.stderr.startswith("error: "), (args, r.stderr)
        assert SENTINEL not in r.stdout + r.stderr, args
    no_sentinel_in_logs(logs)


def test_a_password_in_the_uri_is_refused_without_echoing_it(cli) -> None:
    r = cli("stats", "--store", f"neo4j://neo4j:{SENTINEL}@127.0.0.1:1", env={"NEO4J_PASSWORD": "x"})
    assert r.exit_code == 2
    assert r.stderr == ("error: the Neo4j URI holds a user name or password (USER:PASSWORD@HOST); give the "
                        "host alone, the user in NEO4J_USER and the password in NEO4J_PASSWORD "
                        "(or --neo4j-password-stdin)\n")


@pytest.mark.parametrize("uri", URIS)
def test_exceptions_and_their_chains_hold_no_password(uri: str, monkeypatch: pytest.MonkeyPatch,
                                                      logs: list[logging.LogRecord]) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", SENTINEL)
    for read_only in (True, False):
        with pytest.raises(RelgraphError) as info:
            open_store(uri, read_only=read_only)
        e: BaseException | None = info.value
        assert "".join(traceback.format_exception(info.value)).count(SENTINEL) == 0
        while e is not None:  # what `raise ... from None` hides is still reachable: check it too
            assert SENTINEL not in f"{e!s} {e!r} {e.args!r}", type(e)
            e = e.__cause__ or e.__context__
    no_sentinel_in_logs(logs)


@pytest.mark.parametrize("args", [
    ["stats", "--store", "neo4j://127.0.0.1:1"],
    ["load", "--store", "bolt://127.0.0.1:1"],
    ["query", "run", "search", "-p", "text=Kim", "--store", "neo4j+s://127.0.0.1:1"],
])
def test_real_processes_with_the_password_from_stdin(args: list[str], tmp_path: Path) -> None:
    """The console script in a real process, its password read from stdin, with the driver's
    own debug logging switched on: nothing of it reaches stdout or stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "RELGRAPH_"))}
    code = ("import logging, sys; logging.basicConfig(level=logging.DEBUG); "
            "from relgraph.cli import main; sys.argv[0] = 'relgraph'; main()")
    proc = subprocess.run([sys.executable, "-c", code, "--neo4j-password-stdin", *args],
                          input=SENTINEL + "\n", capture_output=True, text=True, env=env, timeout=120,
                          cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[-1].startswith("error: cannot reach Neo4j at ")
    assert SENTINEL not in proc.stdout + proc.stderr
