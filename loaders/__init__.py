"""Loaders: data files -> validated graph model.

``read_dataset`` parses YAML and CSV files, validates the whole input against
the schema and returns a :class:`~relgraph.model.Dataset`, or raises
:class:`~relgraph.errors.InputError` listing every problem (file, line, field,
value, fix). Nothing is written anywhere.

>>> ds = read_dataset()          # the bundled Russia–DPRK dataset
>>> any(n.id == "state:PRK" for n in ds.nodes)
True
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path

from relgraph.errors import InputError, Problem
from relgraph.loaders.csvfile import read_csv
from relgraph.loaders.records import RawRecord
from relgraph.loaders.validate import Validator, parse_date
from relgraph.loaders.yamlfile import read_yaml
from relgraph.model import Dataset
from relgraph.schema import Schema, load_schema

__all__ = ["BUNDLED", "bundled_dir", "discover", "parse_date", "read_dataset", "read_records"]

SUFFIXES = {".yaml": read_yaml, ".yml": read_yaml, ".csv": read_csv}
BUNDLED = "russia-dprk"


def bundled_dir(name: str = BUNDLED) -> Path:
    """The folder of a dataset shipped inside the package."""
    return Path(str(resources.files("relgraph").joinpath("data", name)))


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into their data files (sorted); keep files as given."""
    out: list[Path] = []
    problems: list[Problem] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = _walk(p, problems)
            if not found:
                problems.append(Problem(str(p), None, None, None, "folder has no .yaml, .yml or .csv files",
                                        "point at a folder of data files"))
            out.extend(found)
        elif p.is_file():
            if p.suffix.lower() not in SUFFIXES:
                problems.append(Problem(str(p), None, None, None, f"unsupported file type {p.suffix!r}",
                                        "give .yaml, .yml or .csv files"))
            out.append(p)
        else:
            problems.append(Problem(str(p), None, None, None, "no such file or folder",
                                    "check the path"))
    if problems:
        raise InputError(problems)
    return list(dict.fromkeys(out))


def _walk(folder: Path, problems: list[Problem]) -> list[Path]:
    """The data files under ``folder`` (sorted); a sub-folder that cannot be read is a problem,
    not a silent gap in the data."""
    def unreadable(e: OSError) -> None:
        problems.append(Problem(str(e.filename or folder), None, None, None,
                                f"cannot read this folder ({e.strerror or e})",
                                "make it readable (e.g. chmod u+rx), or move it out of the data folder"))

    found, seen = [], set()
    for root, dirs, files in os.walk(folder, onerror=unreadable, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:  # a link back up the tree: walked once
            dirs.clear()
            continue
        seen.add(real)
        for name in files:
            f = Path(root) / name
            if f.suffix.lower() in SUFFIXES and f.is_file():
                found.append(f)
    return sorted(found)


def origin_of(path: Path) -> str:
    """A stable name for where facts came from: bundled files by their package path."""
    resolved = path.resolve()
    data_root = bundled_dir("").resolve()
    if resolved.is_relative_to(data_root):
        return "relgraph:data/" + resolved.relative_to(data_root).as_posix()
    return resolved.as_posix()


def read_records(files: Iterable[Path], problems: list[Problem]) -> list[RawRecord]:
    return list(_iter_records(files, problems))


def _iter_records(files: Iterable[Path], problems: list[Problem]) -> Iterator[RawRecord]:
    for f in files:
        reader = SUFFIXES.get(f.suffix.lower())
        if reader is not None:
            yield from reader(f, problems)


def read_dataset(paths: Iterable[str | Path] | None = None, *, schema: Schema | None = None,
                 existing: Mapping[str, str] | None = None,
                 existing_origins: Mapping[str, str] | None = None) -> Dataset:
    """Read and validate data files (default: the bundled dataset).

    ``existing`` maps ids of nodes already in the store (and kept by this
    load) to their types, so that files may refer to them; a file that
    defines one of them again is refused. ``existing_origins`` maps those ids
    to the files they were loaded from, to name them in that message.
    """
    schema = schema or load_schema()
    files = discover(paths if paths is not None else [bundled_dir()])
    problems: list[Problem] = []
    validator = Validator(schema, {str(f): origin_of(f) for f in files}, existing, existing_origins)
    # Records stream in file by file, not held in a list here, so that the validator can let
    # each go once validated: at a million relationships they would double the peak memory.
    dataset = validator.run(_iter_records(files, problems))
    problems.extend(validator.problems)
    if problems:
        raise InputError(problems)
    dataset.origins = sorted({origin_of(f) for f in files})
    return dataset
