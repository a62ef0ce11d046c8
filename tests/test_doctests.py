"""Every doctest in the package passes.

``pytest --doctest-modules graph loaders`` cannot be used: it imports the folders under
their own names (``graph.cli``), second copies beside ``relgraph.cli`` (the package-dir
mapping). So each ``relgraph`` module is imported under its real name and handed to
:func:`doctest.testmod` (``__main__`` modules aside: importing one runs it).
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import tomllib

import pytest
from conftest import REPO


def _modules() -> list[str]:
    """Every module of the packages pyproject.toml lists (they live in several folders)."""
    packages = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"]
    names = set(packages)
    for package in packages:
        path = importlib.import_module(package).__path__
        names.update(info.name for info in pkgutil.iter_modules(path, package + ".")
                     if not info.ispkg and not info.name.endswith(".__main__"))
    return sorted(names)


MODULES = _modules()


def test_the_modules_with_doctests_are_found() -> None:
    assert {"relgraph.schema", "relgraph.model", "relgraph.api", "relgraph.errors", "relgraph.formats",
            "relgraph.loaders", "relgraph.loaders.validate", "relgraph.store.embedded"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a doctest that writes a default store writes it here
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             verbose=False, report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctests failed in {name}"
