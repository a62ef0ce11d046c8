"""Measuring, side by side: figures with their references, medians, ratios, a table and JSON.

A :class:`Figure` is one measured quantity (seconds, a rate, megabytes) with
every sample taken, and the samples of its reference taken in the same run;
the table shows the median, min and max of the subject, the reference's
median, their ratio (subject / reference, oriented by ``better``), and the
target, if the issue sets one, with whether it was met.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    """One measured figure of the suite, and its reference."""

    area: str  # load, queries, analytics, views, cli, gdelt
    name: str
    unit: str  # "s", "ms", "rel/s", "MB", ...
    samples: list[float]
    reference: str = ""
    reference_samples: list[float] = field(default_factory=list)
    better: str = "lower"  # or "higher"
    target: str = ""  # e.g. "<= 50 ms", ">= 0.5x ref"
    met: bool | None = None
    note: str = ""
    # For latency figures: the 95th percentile too.
    p95: float | None = None
    # For fresh processes: the largest peak resident memory of a run, in MB.
    peak_mb: float | None = None
    # For queries: how many rows a run returned (min-max over the parameter sets).
    rows: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def ref_median(self) -> float | None:
        return statistics.median(self.reference_samples) if self.reference_samples else None

    @property
    def ratio(self) -> float | None:
        """Subject over reference (for rates: how many times the reference's rate)."""
        ref = self.ref_median
        if not ref:
            return None
        return self.median / ref

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(median=self.median, min=min(self.samples, default=None), max=max(self.samples, default=None),
                 ref_median=self.ref_median, ratio=self.ratio)
        return d


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100), linear between closest ranks.

    >>> percentile([1, 2, 3, 4], 50), percentile([1, 2, 3, 4], 95)
    (2.5, 3.85)
    """
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return round(xs[lo] + (xs[hi] - xs[lo]) * (k - lo), 12)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(seconds, result) of one call."""
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def repeat(fn: Callable[[], Any], n: int, *, warmup: int = 0) -> list[float]:
    """Seconds of ``n`` calls of ``fn`` (after ``warmup`` untimed ones)."""
    for _ in range(warmup):
        fn()
    return [timed(fn)[0] for _ in range(n)]


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def fix_threads(n: int) -> None:
    """Every library the suite measures (igraph's OpenMP, numpy's BLAS) to ``n`` threads,
    before any of them is imported: igraph's times swung 200x when it raced the other
    work for 2 cores."""
    for var in THREAD_VARIABLES:
        os.environ[var] = str(n)


@dataclass
class Process:
    """One fresh process, as a user runs a command: wall time and peak resident memory."""

    seconds: float
    peak_mb: float | None  # None: killed before it ended (its peak is unknown)
    returncode: int | None  # None: killed at the time limit
    stderr: str


# Runs the command and reports its peak memory. A child's ru_maxrss starts from the memory
# of the process that forked it (Linux keeps the old high-water mark across exec), so the
# command is started from this small launcher, not from the suite (600 MB at 10k).
_MARK = "relgraph-benchmark-peak-kb"
_LAUNCHER = f"""
import os, subprocess, sys
p = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(p.pid, 0)
sys.stderr.write("\\n{_MARK} %d\\n" % usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_process(argv: list[str], *, timeout: float) -> Process:
    """Run ``argv`` to its exit (stdout discarded): wall time, and the peak memory of the
    command itself (``wait4`` in a small launcher, see above)."""
    import signal
    import tempfile

    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _LAUNCHER, *argv], stdout=subprocess.DEVNULL,
                                stderr=err, start_new_session=True)
        try:
            code: int | None = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code = None
        seconds = time.perf_counter() - start
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    peak_kb = 0
    lines = text.rstrip("\n").split("\n")
    if lines and lines[-1].startswith(_MARK + " "):
        peak_kb = int(lines.pop().split()[1])
    return Process(seconds, peak_kb / 1024 if code is not None else None, code, "\n".join(lines))


E2E_SECONDS, E2E_MB = 15.0, 2048.0  # a command as a user runs it, at 1M (issue 18)


def command_figure(area: str, name: str, p: Process, *, timeout: float) -> Figure:
    """The figure of a command run once in a fresh process (:func:`run_process`), against
    :data:`E2E_SECONDS` and :data:`E2E_MB`: met where it exits 0 within both; the note says
    why it did not end."""
    f = Figure(area, name, "s", [p.seconds], target=f"<= {E2E_SECONDS:.0f} s, <= {E2E_MB:.0f} MB",
               peak_mb=p.peak_mb)
    f.met = p.returncode == 0 and p.seconds <= E2E_SECONDS and (p.peak_mb or 0) <= E2E_MB
    if p.returncode is None:
        f.note = f"killed at {timeout:.0f} s (--cli-timeout)"
    elif p.returncode != 0:
        f.note = f"exit {p.returncode}: {p.stderr.strip().splitlines()[-1:]}"
    return f


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def _version(dist: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict[str, Any]:
    """Where the figures come from: CPU, memory, Python and the engines' versions."""
    mem_gb = None
    cpu = platform.processor() or ""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": mem_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": {d: _version(d) for d in ("real_ladybug", "networkx", "igraph", "pyvis", "numpy",
                                               "PyYAML", "neo4j")},
        "git": _git_head(),
        "threads": {v: os.environ.get(v) for v in THREAD_VARIABLES},
    }


def _git_head() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             cwd=Path(__file__).resolve().parent, timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, cwd=Path(__file__).resolve().parent, timeout=5)
        if out.returncode != 0:
            return None
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def fmt(value: float | None, unit: str = "") -> str:
    """A number for the table: 3 significant digits, thousands separated.

    >>> fmt(1234567.8), fmt(0.012345), fmt(None), fmt(12.5, "ms")
    ('1,234,568', '0.0123', '-', '12.5 ms')
    """
    if value is None or value != value:
        return "-"
    a = abs(value)
    if a >= 1000:
        text = f"{value:,.0f}"
    elif a >= 100:
        text = f"{value:.0f}"
    elif a >= 10:
        text = f"{value:.1f}"
    elif a >= 1:
        text = f"{value:.2f}"
    elif a == 0:
        text = "0"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".rstrip()


def table(figures: list[Figure]) -> str:
    """The figures as a fixed-width text table (also valid Markdown)."""
    head = ["area", "figure", "median", "min", "max", "p95", "peak RSS", "rows", "reference", "ref median",
            "ratio", "target", "met"]
    rows = []
    for f in figures:
        ratio = f.ratio
        rows.append([
            f.area, f.name, fmt(f.median, f.unit), fmt(min(f.samples, default=None)),
            fmt(max(f.samples, default=None)), fmt(f.p95) if f.p95 is not None else "",
            fmt(f.peak_mb, "MB") if f.peak_mb is not None else "", f.rows,
            f.reference, fmt(f.ref_median, f.unit) if f.ref_median is not None else "",
            f"{ratio:.2f}x" if ratio is not None else "", f.target,
            "" if f.met is None else ("yes" if f.met else "NO"),
        ])
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows]
    notes = [f"- {f.area} / {f.name}: {f.note}" for f in figures if f.note]
    return "\n".join(out + (["", *notes] if notes else []))


@dataclass
class Run:
    """One run of the suite: its settings, machine, load and figures."""

    size: int
    settings: dict[str, Any]
    machine: dict[str, Any] = field(default_factory=machine)
    started: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    loadavg_start: list[float] = field(default_factory=loadavg)
    loadavg_end: list[float] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    dataset: dict[str, Any] = field(default_factory=dict)

    def add(self, fig: Figure) -> Figure:
        self.figures.append(fig)
        print(f"  {fig.area:<9} {fig.name:<46} {fmt(fig.median, fig.unit):>14}"
              + (f"   ref {fmt(fig.ref_median, fig.unit)}" if fig.ref_median is not None else "")
              + (f"   ratio {fig.ratio:.2f}x" if fig.ratio is not None else "")
              + (f"   load {loadavg()[0]}" if loadavg() else ""), file=sys.stderr, flush=True)
        return fig

    def as_json(self) -> dict[str, Any]:
        return {"size": self.size, "settings": self.settings, "machine": self.machine,
                "started": self.started, "loadavg_start": self.loadavg_start,
                "loadavg_end": self.loadavg_end, "dataset": self.dataset,
                "figures": [f.as_json() for f in self.figures]}

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_json(), indent=1, default=str) + "\n", encoding="utf-8")

    def header(self) -> str:
        m = self.machine
        return (f"relgraph benchmarks, size {self.size:,} relationships, {self.started}\n"
                f"machine: {m['cpus']} CPUs ({m['cpu']}), {m['memory_gb']} GB, Python {m['python']}, "
                f"real_ladybug {m['versions'].get('real_ladybug')}, "
                f"networkx {m['versions'].get('networkx')}, "
                f"igraph {m['versions'].get('igraph')}, git {m.get('git')}, "
                f"threads {m.get('threads', {}).get('OMP_NUM_THREADS')}\n"
                f"load average: start {self.loadavg_start}, end {self.loadavg_end}")
