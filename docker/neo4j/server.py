"""A real Neo4j Community server on loopback, from the jars Maven Central serves.

The test suite starts one per run (``tests/conftest.py``), and a developer can
start the same server by hand to point ``relgraph --store neo4j://...``, Neo4j
Browser or a notebook at it::

    export NEO4J_PASSWORD=choose-a-password
    python3 docker/neo4j/server.py            # neo4j://127.0.0.1:7687, Browser on :7474

It runs Neo4j's own entry point (``org.neo4j.server.CommunityEntryPoint``, the
class the ``neo4j`` script starts) with a configuration written here: Bolt and
HTTP bound to 127.0.0.1, page cache and heap set explicitly (the defaults take
half the machine), no log preallocation, authentication on with the given
password (set with ``neo4j-admin dbms set-initial-password`` before the first
start). The jars come from ``docker/neo4j/pom.xml`` (Neo4j 5.26 LTS: it runs on
Java 17, the machines' default; 2025.x needs Java 21+), fetched into
``docker/neo4j/lib/`` by ``.ci/setup`` or, if missing, by :func:`fetch`.

Only the standard library is used, so the test suite and ``.ci/`` can run it
before anything else is installed.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIB = HERE / "lib"
POM = HERE / "pom.xml"
VERSION = "5.26.30"  # keep in step with pom.xml's neo4j.version
# Neo4j's own launch scripts open these to the database's native I/O code.
JVM_OPENS = ("java.base/java.nio", "java.base/java.io", "java.base/sun.nio.ch", "java.base/java.lang",
             "java.base/java.util", "java.base/java.util.concurrent", "java.base/java.net")


class ServerError(RuntimeError):
    """The server could not be fetched, configured or started; the message says why."""


def java() -> str:
    """The ``java`` to run: ``$JAVA_HOME/bin/java`` if set, else the one on PATH."""
    home = os.environ.get("JAVA_HOME")
    exe = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not exe or not Path(exe).exists():
        raise ServerError("no java: install a JDK 17 or 21 (Debian: openjdk-17-jre-headless)")
    return exe


def fetched() -> bool:
    return (LIB / f"neo4j-{VERSION}.jar").exists() and (LIB / "gds").is_dir()


def fetch(quiet: bool = True) -> None:
    """Fetch the pinned Neo4j jars from Maven Central into ``lib/`` (idempotent)."""
    if fetched():
        return
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ServerError("no mvn: install Maven (Debian: maven) or run `bash .ci/setup`")
    cmd = [mvn, "-B", *(["-q"] if quiet else []), "-f", str(POM), "dependency:copy-dependencies",
           "dependency:copy-dependencies@gds"]
    r = subprocess.run(cmd, capture_output=quiet, text=True)
    if r.returncode != 0 or not fetched():
        raise ServerError(f"`{' '.join(cmd)}` failed ({r.returncode}):\n{(r.stdout or '')[-4000:]}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def configure(home: Path, *, bolt_port: int, http_port: int, page_cache: str = "256m",
              settings: dict[str, str] | None = None) -> Path:
    """Write ``home/conf/neo4j.conf`` for a server bound to 127.0.0.1; return the conf folder."""
    conf = home / "conf"
    for sub in ("conf", "data", "logs", "import", "run"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    values = {
        "server.default_listen_address": "127.0.0.1",
        "server.default_advertised_address": "127.0.0.1",
        "server.bolt.listen_address": f"127.0.0.1:{bolt_port}",
        "server.http.listen_address": f"127.0.0.1:{http_port}",
        "server.https.enabled": "false",
        "server.memory.pagecache.size": page_cache,
        "db.tx_log.preallocate": "false",
        "db.tx_log.rotation.retention_policy": "1 files",
        "server.directories.data": str(home / "data"),
        "server.directories.logs": str(home / "logs"),
        # GDS's jars (pom.xml: lib/gds): Neo4j registers procedures only from the plugins folder.
        "server.directories.plugins": str(LIB / "gds"),
        "server.directories.import": str(home / "import"),
        "server.directories.run": str(home / "run"),
        "dbms.usage_report.enabled": "false",
        # OpenGDS is on the classpath (pom.xml): its procedures need these.
        "dbms.security.procedures.unrestricted": "gds.*",
        "dbms.security.procedures.allowlist": "gds.*,db.*,dbms.*",
        **(settings or {}),
    }
    (conf / "neo4j.conf").write_text("".join(f"{k}={v}\n" for k, v in values.items()), "utf-8")
    return conf


def admin_argv(heap: str = "512m") -> list[str]:
    """The command line of ``neo4j-admin`` (``org.neo4j.cli.AdminTool``), before its arguments;
    it works on the server whose home ``NEO4J_HOME`` and ``NEO4J_CONF`` name."""
    return [java(), f"-Xmx{heap}", *_opens(), "-cp", str(LIB / "*"), "org.neo4j.cli.AdminTool"]


def admin(home: Path, *args: str, heap: str = "512m",
          timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``neo4j-admin ARGS`` on the server in ``home``."""
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    return subprocess.run([*admin_argv(heap), *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def admin_script(home: Path, path: Path) -> Path:
    """Write an executable ``neo4j-admin`` script at ``path`` for the server in ``home``, so that
    a command printed for people (``neo4j-admin database import full ...``) runs as printed."""
    import shlex

    env = f"NEO4J_HOME={shlex.quote(str(home))} NEO4J_CONF={shlex.quote(str(home / 'conf'))}"
    path.write_text(f"#!/bin/sh\nexport {env}\nexec {shlex.join(admin_argv())} \"$@\"\n", "utf-8")
    path.chmod(0o755)
    return path


def _opens() -> list[str]:
    return [f"--add-opens={m}=ALL-UNNAMED" for m in JVM_OPENS]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the JVM gets SIGKILL when the process that started it dies, even by SIGKILL."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    os.setpgrp()  # a Ctrl-C in the parent's terminal is the parent's to handle


class Server:
    """One Neo4j server process over ``home``; start it, stop it, start it again.

    >>> # s = Server(Path("/tmp/n4"), password="a-long-password"); s.start(); s.uri
    """

    def __init__(self, home: Path, *, password: str, bolt_port: int | None = None,
                 http_port: int | None = None, heap: str = "1g", page_cache: str = "256m",
                 settings: dict[str, str] | None = None, die_with_parent: bool = True):
        self.home = Path(home)
        self.password = password
        self.bolt_port = bolt_port or free_port()
        self.http_port = http_port or free_port()
        self.heap = heap
        self.die_with_parent = die_with_parent
        self.proc: subprocess.Popen[bytes] | None = None
        self.conf = configure(self.home, bolt_port=self.bolt_port, http_port=self.http_port,
                              page_cache=page_cache, settings=settings)

    @property
    def uri(self) -> str:
        return f"neo4j://127.0.0.1:{self.bolt_port}"

    @property
    def browser(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/browser/"

    def start(self, timeout: float = 180) -> Server:
        """Start the server and wait until Bolt answers."""
        fetch()
        if len(self.password) < 8:
            raise ServerError("Neo4j needs a password of at least 8 characters")
        if not (self.home / "data" / "dbms").exists():
            r = admin(self.home, "dbms", "set-initial-password", self.password)
            if r.returncode != 0:
                raise ServerError(f"neo4j-admin dbms set-initial-password failed:\n{r.stdout}{r.stderr}")
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.conf)}
        cmd = [java(), f"-Xms{self.heap}", f"-Xmx{self.heap}", "-XX:+UseG1GC", *_opens(),
               # GDS on the classpath too: its extension (which procedures are injected with)
               # is found there, its procedures in the plugins folder.
               "-cp", f"{LIB / '*'}:{LIB / 'gds' / '*'}", "org.neo4j.server.CommunityEntryPoint",
               f"--home-dir={self.home}", f"--config-dir={self.conf}"]
        log = open(self.home / "logs" / "console.log", "ab")  # noqa: SIM115 - the child keeps it
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                     env=env, preexec_fn=_die_with_parent if self.die_with_parent else None)
        log.close()
        self._wait_for_bolt(timeout)
        return self

    def _wait_for_bolt(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise ServerError(f"Neo4j exited with {self.proc.returncode} while starting:\n"
                                  + self.log_tail())
            if _answers(self.uri, self.password):
                return
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError(f"Neo4j did not answer on {self.uri} within {timeout:.0f} s:\n"
                                  + self.log_tail())
            time.sleep(0.5)

    def log_tail(self, lines: int = 40) -> str:
        out = []
        for name in ("console.log", "neo4j.log", "debug.log"):
            p = self.home / "logs" / name
            if p.exists():
                out += [f"--- {name}", *p.read_text("utf-8", "replace").splitlines()[-lines:]]
        return "\n".join(out)

    def stop(self, *, kill: bool = False, timeout: float = 60) -> None:
        """Stop the server: SIGTERM and a clean shutdown, or SIGKILL with ``kill``."""
        if self.proc is None or self.proc.poll() is not None:
            self.proc = None
            return
        self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _answers(uri: str, password: str) -> bool:
    port = int(uri.rsplit(":", 1)[1])
    with socket.socket() as s:
        s.settimeout(1)
        if s.connect_ex(("127.0.0.1", port)) != 0:
            return False
    try:
        import neo4j
    except ImportError:  # the port is open: good enough without the driver
        return True
    try:
        with neo4j.GraphDatabase.driver(uri, auth=("neo4j", password)) as d:
            d.verify_connectivity()
            d.execute_query("RETURN 1", database_="neo4j")
        return True
    except Exception:  # not up yet: the database starts after the Bolt port opens
        return False


@contextlib.contextmanager
def running(home: Path, **kwargs: object) -> Iterator[Server]:
    server = Server(home, **kwargs)  # type: ignore[arg-type]
    try:
        yield server.start()
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Run a Neo4j Community server on 127.0.0.1 (Ctrl-C stops it).")
    p.add_argument("--port", type=int, default=7687, help="Bolt port (default 7687)")
    p.add_argument("--http-port", type=int, default=7474, help="HTTP port for Neo4j Browser (default 7474)")
    p.add_argument("--home", type=Path, default=HERE / "home",
                   help="where the database lives (default docker/neo4j/home; kept between runs)")
    p.add_argument("--heap", default="1g")
    p.add_argument("--page-cache", default="512m")
    args = p.parse_args(argv)
    password = os.environ.get("NEO4J_PASSWORD")
    if not password:
        print("error: set NEO4J_PASSWORD (at least 8 characters) first", file=sys.stderr)
        return 2
    # `kill`/SIGTERM stops the server cleanly too (through the `finally` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        fetch(quiet=False)
        server = Server(args.home, password=password, bolt_port=args.port, http_port=args.http_port,
                        heap=args.heap, page_cache=args.page_cache, die_with_parent=True)
        print(f"starting Neo4j {VERSION} in {args.home} ...", flush=True)
        server.start()
    except ServerError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"Neo4j {VERSION} is up: --store {server.uri} (user neo4j, the password in NEO4J_PASSWORD)\n"
          f"Neo4j Browser: {server.browser}\nCtrl-C stops it.", flush=True)
    try:
        while server.proc is not None and server.proc.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        print("stopping Neo4j ...", flush=True)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
