"""One measured job in a fresh process: ``python -m benchmarks.worker TASK 'JSON-ARGS'``.

Prints one JSON line with the job's figures and ``maxrss_mb``, the peak
resident memory of this process (so a load's memory is its own, measured
from start to end).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any


def _maxrss_mb() -> float:
    # Linux reports kilobytes (macOS bytes).
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / 1024 / (1024 if sys.platform == "darwin" else 1), 1)


def prepare(files: list[str], folder: str) -> dict[str, Any]:
    from benchmarks.loading import prepare_native_csv
    from relgraph.loaders import read_dataset

    dataset = read_dataset(files)
    return {"plan": prepare_native_csv(dataset, Path(folder))}


def relgraph_load(files: list[str], store: str) -> dict[str, Any]:
    from relgraph import api

    start = time.perf_counter()
    api.load(files, store=store)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "counts": api.stats(store=store)}


def validate(files: list[str]) -> dict[str, Any]:
    from relgraph import api

    start = time.perf_counter()
    ds = api.validate(files)
    return {"seconds": time.perf_counter() - start, "relationships": len(ds.relationships)}


def raw_copy(store: str, plan: list[dict[str, Any]]) -> dict[str, Any]:
    from benchmarks.loading import raw_copy as copy

    return {"seconds": copy(store, plan)}


def per_row(store: str, plan: list[dict[str, Any]], sample: int) -> dict[str, Any]:
    from benchmarks.loading import per_row as rows

    seconds, n = rows(store, plan, sample)
    return {"seconds": seconds, "rows": n}


TASKS = {"prepare": prepare, "relgraph-load": relgraph_load, "validate": validate, "raw-copy": raw_copy,
         "per-row": per_row}


def main(argv: list[str]) -> None:
    task, args = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    out = TASKS[task](**args)
    out["maxrss_mb"] = _maxrss_mb()
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
