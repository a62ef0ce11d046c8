"""Area ``serve``: ``relgraph serve`` under a load generator on loopback.

The server is the CLI itself (``relgraph serve --port 0``) in its own process,
over two stores: the bundled dataset, and the generated store of the run's
size. A client in this process sends requests one after another on one
keep-alive connection (the server reads the store one request at a time), a
bounded number per kind of page and within a time limit, and times each from
send to the last byte. Each kind cycles through several addresses (nodes,
queries with their parameter sets), so first visits (a view drawn, not yet
kept) count as they happen. The reference is ``/static/site.css``, a request
that reads nothing from the store: the server's own floor.

Targets (issue 19): on the bundled data every page and API call p95 <= 200 ms;
on the 1M store, node and query pages p95 <= 1 s (paged: 100 rows a page).
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from benchmarks.generate import Generated, size_label
from benchmarks.harness import Figure, Run, percentile

BUNDLED_P95_MS = 200.0
BIG_P95_MS = 1000.0
BUNDLED_IDS = ["state:RUS", "state:PRK", "person:kim-jong-un", "person:putin-vladimir",
               "project:rajin-khasan-railway", "org:rasonkontrans", "place:rajin"]


def start(store: str) -> tuple[subprocess.Popen[str], str, int]:
    """``relgraph serve --store STORE --port 0`` in its own process, once it says it listens:
    (process, host, port). tests/test_serve_browser.py starts its servers so too."""
    proc = subprocess.Popen([sys.executable, "-m", "relgraph.cli", "serve", "--store", store, "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    line = proc.stdout.readline() if proc.stdout else ""
    m = re.match(r"Serving http://(127\.0\.0\.1):(\d+)/ \(read-only; Ctrl-C stops\)$", line.rstrip("\n"))
    if not m:
        proc.kill()
        err = proc.stderr.read() if proc.stderr else ""
        raise RuntimeError(f"relgraph serve did not start: it printed {line!r}; stderr: {err}")
    return proc, m.group(1), int(m.group(2))


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()


class Client:
    def __init__(self, host: str, port: int):
        self.conn = http.client.HTTPConnection(host, port, timeout=300)

    def get(self, path: str) -> tuple[float, int, int]:
        """(milliseconds, status, bytes) of one GET, to the last byte."""
        start = time.perf_counter()
        self.conn.request("GET", path)
        r = self.conn.getresponse()
        body = r.read()
        return (time.perf_counter() - start) * 1000, r.status, len(body)


def _query_paths(sets: dict[str, list[dict[str, Any]]], api: bool) -> list[str]:
    out = []
    for name, given in sorted(sets.items()):
        for params in given:
            pairs = [(k, v) for k, v in params.items()]
            out.append(f"/api/queries/{name}?" + urlencode([*pairs, ("limit", 100)]) if api
                       else f"/queries/{name}?" + urlencode([("run", 1), *pairs]))
    return out


def bundled_sets() -> dict[str, list[dict[str, Any]]]:
    """A parameter set or two for every stored query, from ids the bundled dataset holds."""
    from relgraph.queries import load_queries

    values = {"node": "state:PRK", "a": "person:kim-jong-un", "b": "person:putin-vladimir",
              "visitor": "person:kim-jong-un", "text": "korea", "from": "2023", "state": "state:RUS",
              "other": "state:PRK", "party": "state:RUS", "partner": "state:PRK", "target": "state:PRK"}
    out: dict[str, list[dict[str, Any]]] = {}
    for name, q in load_queries().items():
        required = {p.name: values.get(p.name, "state:RUS") for p in q.params if p.required}
        out[name] = [required]
        if name == "neighbors":
            out[name].append({"node": "state:RUS", "hops": 2})
        if name == "common-partners":
            out[name] = [{"a": "state:RUS", "b": "state:PRK"}]
    return out


def kinds(ids: list[str], sets: dict[str, list[dict[str, Any]]], words: list[str]) -> dict[str, list[str]]:
    nodes = [quote(i, safe=":") for i in ids]
    return {
        "search page": [f"/?q={quote(w)}" for w in words],
        "node page": [f"/nodes/{n}" for n in nodes],
        "neighbourhood view": [f"/view/nodes/{n}" for n in nodes],
        "query page": _query_paths(sets, api=False),
        "api search": [f"/api/search?q={quote(w)}&limit=12" for w in words],
        "api node": [f"/api/nodes/{n}" for n in nodes],
        "api query": _query_paths(sets, api=True),
    }


def measure(bench: Run, label: str, store: str, paths: dict[str, list[str]], *, per_kind: int,
            seconds: float, limit_ms: float, targeted: set[str]) -> None:
    proc, host, port = start(store)
    try:
        client = Client(host, port)
        floor = [client.get("/static/site.css")[0] for _ in range(30)]
        for kind, urls in paths.items():
            times, sizes, failed, urls_timed = [], [], [], []
            began = time.perf_counter()
            n = max(per_kind, len(urls))
            for i in range(n):
                if time.perf_counter() - began > seconds:
                    break
                ms, status, size = client.get(urls[i % len(urls)])
                times.append(ms)
                urls_timed.append(urls[i % len(urls)])
                sizes.append(size)
                if status != 200:
                    failed.append(f"{urls[i % len(urls)]} -> {status}")
            p95 = percentile(times, 95)
            f = bench.add(Figure("serve", f"{label}: {kind}", "ms", times, "GET /static/site.css (no store)",
                                 floor, p95=p95,
                                 target=f"p95 <= {limit_ms:.0f} ms" if kind in targeted else "",
                                 met=(p95 <= limit_ms and not failed) if kind in targeted else None))
            slowest = urls_timed[times.index(max(times))]
            f.note = (f"{len(times)} requests over {len(urls)} addresses, one at a time, keep-alive; "
                      f"max {max(times):.0f} ms ({slowest}); "
                      f"{sum(sizes) / len(sizes) / 1e3:.0f} kB a response"
                      + (f"; FAILED: {failed[:3]}" if failed else ""))
            print(f"serve: {label}: {kind}: p50 {f.median:.1f} ms, p95 {p95:.1f} ms", file=sys.stderr,
                  flush=True)
    finally:
        stop(proc)


def run(bench: Run, store: str, g: Generated, work: Path, *, per_kind: int = 40,
        seconds: float = 120.0) -> None:
    from benchmarks.querying import parameter_sets
    from relgraph import api

    bundled = work / "bundled.db"
    if not bundled.exists():
        api.load(store=str(bundled))
    every = kinds(BUNDLED_IDS, bundled_sets(), ["korea", "kim", "rajin", "DPRK", "lavrov"])
    measure(bench, "bundled", str(bundled), every, per_kind=per_kind, seconds=seconds,
            limit_ms=BUNDLED_P95_MS, targeted=set(every))
    s = g.samples
    big = kinds(s["persons"][:6] + s["states"][:3], parameter_sets(g),
                ["Lavrov 1", "korea", "capital 0", "ministry of def"])
    measure(bench, f"{size_label(bench.size)} generated", store, big, per_kind=per_kind, seconds=seconds,
            limit_ms=BIG_P95_MS, targeted={"node page", "query page"} if bench.size >= 1_000_000 else set())
