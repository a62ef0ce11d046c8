"""Packaging: a fast --help, and a wheel that holds one `relgraph` package with its data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

HEAVY = ("real_ladybug", "networkx", "pyvis", "neo4j", "numpy", "playwright")

HELP_PROBE = """
import sys
from click.testing import CliRunner
import relgraph.cli
args = sys.argv[1:]
result = CliRunner().invoke(relgraph.cli.main, args)
assert result.exit_code == 0, (args, result.output)
assert "Usage:" in result.output
loaded = sorted(m for m in {heavy} if m in sys.modules)
assert not loaded, f"{{args}} imported {{loaded}}"
print("ok")
"""


def _commands() -> list[list[str]]:
    from relgraph.cli import main

    out = [["--help"]]
    for name, cmd in sorted(main.commands.items()):
        out.append([name, "--help"])
        for sub in sorted(getattr(cmd, "commands", {})):
            out.append([name, sub, "--help"])
    return out


@pytest.mark.parametrize("args", _commands(), ids=lambda a: " ".join(a))
def test_help_does_not_import_heavy_modules(args: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-c", HELP_PROBE.format(heavy=HEAVY), *args],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "ok\n"


# -- the wheel ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory, pyproject: dict) -> Path:
    """Build the wheel offline from a copy of the sources (no build/ or egg-info left in the repository)."""
    src = tmp_path_factory.mktemp("src")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.db", "*.db.*", "node_modules")
    for folder in sorted(set(pyproject["tool"]["setuptools"]["package-dir"].values())):
        shutil.copytree(REPO / folder, src / folder, ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, src / name)
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "-q", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (path,) = out.glob("relgraph-*.whl")
    return path


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as z:
        return set(z.namelist())


def test_wheel_has_one_top_level_package(names: set[str]) -> None:
    from relgraph import __version__

    assert {n.split("/", 1)[0] for n in names} == {"relgraph", f"relgraph-{__version__}.dist-info"}


def test_wheel_holds_every_module_under_its_relgraph_name(names: set[str], pyproject: dict) -> None:
    package_dir = pyproject["tool"]["setuptools"]["package-dir"]
    expected = set()
    for package, folder in package_dir.items():
        for py in (REPO / folder).rglob("*.py"):
            rel = py.relative_to(REPO / folder)
            if "__pycache__" in rel.parts or not (py.parent / "__init__.py").exists():
                continue
            # A subfolder mapped to its own package is listed under that package.
            if any(rel.parts[0] == p.split(".")[-1] and p != package and p.startswith(package + ".")
                   for p in package_dir):
                continue
            expected.add(package.replace(".", "/") + "/" + rel.as_posix())
    assert expected - names == set()
    assert {"relgraph/schema.yaml", "relgraph/cli/app.py", "relgraph/cli/__main__.py",
            "relgraph/store/embedded.py",
            "relgraph/loaders/__init__.py", "relgraph/loaders/yamlfile.py", "relgraph/loaders/csvfile.py",
            "relgraph/loaders/validate.py", "relgraph/loaders/records.py"} <= names


def test_wheel_holds_the_data_files(names: set[str]) -> None:
    data = REPO / "graph" / "data"
    expected = {"relgraph/data/" + f.relative_to(data).as_posix()
                for f in data.glob("*/*") if f.suffix in (".yaml", ".csv", ".md", ".json")}
    assert expected - names == set()
    queries = {"relgraph/queries/" + f.name for f in (REPO / "queries").glob("*.cypher")}
    assert queries - names == set()


def test_wheel_entry_point(wheel: Path) -> None:
    from relgraph import __version__

    with zipfile.ZipFile(wheel) as z:
        text = z.read(f"relgraph-{__version__}.dist-info/entry_points.txt").decode()
    assert "[console_scripts]\nrelgraph = relgraph.cli:run\n" in text


def test_installed_wheel_reads_its_own_schema_and_data(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(target)  # what an installer does with a pure-Python wheel
    probe = (
        "import relgraph, relgraph.schema, relgraph.loaders\n"
        f"assert relgraph.__file__.startswith({str(target)!r}), relgraph.__file__\n"
        "s = relgraph.schema.load_schema()\n"
        "assert 'State' in s.nodes\n"
        "d = relgraph.loaders.bundled_dir()\n"
        f"assert str(d).startswith({str(target)!r}), d\n"
        "print(sorted(p.name for p in d.glob('*')) if d.exists() else [])\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(target)}, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    bundled = REPO / "graph" / "data" / "russia-dprk"
    shipped = sorted(p.name for p in bundled.glob("*") if p.suffix in (".yaml", ".csv", ".md", ".json"))
    assert proc.stdout == f"{shipped}\n"
