"""The embedded store's bulk path: big groups are copied from temporary CSV files.

``EmbeddedStore.write`` copies groups of ``COPY_FILE_MIN`` rows or more from a
CSV file (read as text, then cast; list items joined with a control
character) and smaller ones from ``UNWIND $rows``. Both must store exactly the
same values; values a CSV file cannot carry exactly send their group down the
UNWIND path; an engine error in the copying thread rolls the whole write back.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import dump_store

import relgraph.store.embedded as embedded
from relgraph import api
from relgraph.errors import StoreError
from relgraph.model import Dataset, Node, Relationship
from relgraph.store.embedded import EmbeddedStore

TRICKY = [
    'quote " and "" twice', "comma, and; semicolon | bar", "line\nbreak", "crlf\r\nline", " lead and trail ",
    "back\\slash \\N NULL", "tab\there", "unicode: Ким Чен Ын, 김정은, 🇰🇵", "[not, a list]", "'single'",
]


def _dataset(n: int = 12) -> Dataset:
    nodes = [Node("doc:d", "Document", {"name": "D", "status": "confirmed"}, "o")]
    rels = []
    for i in range(n):
        text = TRICKY[i % len(TRICKY)]
        nodes.append(Node(f"place:p{i}", "Place", {
            "name": f"{text} {i}", "status": "confirmed", "aliases": [text, f"alias {i}"],
            "sources": [f"doc:d | {text}"], "sourceDocs": ["doc:d"], "description": text,
            "latitude": [1e300, -0.0, 5e-324, 0.1, 12.5][i % 5], "longitude": float(i),
            "date": [date(1, 1, 1), date(9999, 12, 31), date(2024, 2, 29)][i % 3], "datePrecision": "day",
        }, "o"))
    for i in range(n - 1):
        rels.append(Relationship(f"r{i}", "LOCATED_IN", f"place:p{i}", f"place:p{i + 1}", {
            "status": "alleged", "sources": [f"doc:d | {TRICKY[i % len(TRICKY)]}"], "sourceDocs": ["doc:d"],
            "note": TRICKY[(i + 3) % len(TRICKY)], "validFrom": date(2000 + i, 1, 1)}, "o"))
    nodes.append(Node("treaty:t", "Treaty", {"name": "T", "status": "planned", "mutualAssistance": False,
                                             "provisions": ["a;b", "c"]}, "o"))
    return Dataset(nodes, rels, ["o"])


def _write(path: Path, ds: Dataset, copy_file_min: int, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(embedded, "COPY_FILE_MIN", copy_file_min)
    with EmbeddedStore(str(path)) as st:
        return st.write(ds)


def _files_written(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    written: list[str] = []
    real = embedded._write_csv

    def spy(path: Path, *args: Any, **kw: Any) -> None:
        real(path, *args, **kw)
        written.append(path.name)

    monkeypatch.setattr(embedded, "_write_csv", spy)
    return written


def test_csv_path_stores_exactly_what_unwind_stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ds = _dataset()
    _write(tmp_path / "unwind.db", ds, 10**9, monkeypatch)
    written = _files_written(monkeypatch)
    _write(tmp_path / "csv.db", ds, 1, monkeypatch)
    assert "Place-.csv" in written and "LOCATED_IN-Place-Place.csv" in written
    assert dump_store(tmp_path / "csv.db") == dump_store(tmp_path / "unwind.db")
    with EmbeddedStore(str(tmp_path / "csv.db"), read_only=True) as st:
        p3 = st.node("place:p3")
        assert p3 is not None
        assert p3["description"] == "crlf\r\nline" and p3["aliases"] == ["crlf\r\nline", "alias 3"]
        assert p3["latitude"] == 0.1 and p3["date"] == date(1, 1, 1)


def test_values_a_csv_file_cannot_carry_go_through_unwind(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    ds = _dataset()
    ds.nodes[1].props["note"] = ""  # the engine reads an empty cell as null
    ds.nodes[2].props["aliases"] = ["one\x1ftwo"]  # holds the list separator
    written = _files_written(monkeypatch)
    _write(tmp_path / "s.db", ds, 1, monkeypatch)
    assert "Place-.csv" not in written  # the Place group fell back to UNWIND
    assert "LOCATED_IN-Place-Place.csv" in written
    with EmbeddedStore(str(tmp_path / "s.db"), read_only=True) as st:
        assert st.node("place:p0")["note"] == ""
        assert st.node("place:p1")["aliases"] == ["one\x1ftwo"]


def test_an_engine_error_while_copying_rolls_everything_back(mini_store: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    before = dump_store(mini_store)
    ds = _dataset()
    ds.nodes.append(Node("place:p1", "Place", {"name": "again", "status": "confirmed"}, "o"))  # duplicate key
    monkeypatch.setattr(embedded, "COPY_FILE_MIN", 1)
    with EmbeddedStore(mini_store) as st, pytest.raises(StoreError):
        st.write(ds)
    assert dump_store(mini_store) == before


def test_progress_counts_every_record_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ds = _dataset(30)
    ticks: list[int] = []
    monkeypatch.setattr(embedded, "COPY_FILE_MIN", 5)
    with EmbeddedStore(str(tmp_path / "p.db")) as st:
        st.write(ds, progress=ticks.append)
        assert sum(ticks) == st.steps(ds)


def test_the_bundled_dataset_is_the_same_through_either_path(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def without_empty_lists(dump: dict[str, list[Any]]) -> dict[str, list[Any]]:
        # UNWIND stores an absent list as [] when other rows of its batch have one; a CSV file, as null.
        return {k: [(*row[:-1], [kv for kv in row[-1] if kv[1] != []]) for row in rows]
                for k, rows in dump.items()}

    monkeypatch.setattr(embedded, "COPY_FILE_MIN", 10**9)
    api.load(store=str(tmp_path / "a.db"))
    monkeypatch.setattr(embedded, "COPY_FILE_MIN", 1)
    api.load(store=str(tmp_path / "b.db"))
    a = without_empty_lists(dump_store(tmp_path / "a.db"))
    assert without_empty_lists(dump_store(tmp_path / "b.db")) == a
    api.load(store=str(tmp_path / "b.db"))  # loading again: every node re-copied through files
    assert without_empty_lists(dump_store(tmp_path / "b.db")) == a
