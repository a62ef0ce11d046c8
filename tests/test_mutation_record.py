"""The mutation checks' own bookkeeping stays true as the code moves (the checks themselves are slow:
README, "Dates on their edges, and a mutation check")."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _driver():
    spec = importlib.util.spec_from_file_location("mutate_python", REPO / "tests" / "mutate_python.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("mutate_python", module)
    spec.loader.exec_module(module)
    return module


DRIVER = _driver()


@pytest.mark.parametrize("target", DRIVER.TARGETS, ids=lambda t: t.name)
def test_each_target_names_code_and_tests_that_exist(target) -> None:
    source = (REPO / target.module).read_text("utf-8")
    for test in target.tests:
        assert (REPO / test).is_file(), test
    for function in target.functions:
        assert re.search(rf"^\s*(def|class) {re.escape(function)}\b", source, re.M), (target.module, function)


def test_every_recorded_python_survivor_is_still_in_its_module() -> None:
    """A key is ``module:function: old line -> new line``: the old line must still be in the module,
    or the record speaks of code that is gone (rerun ``tests/mutate_python.py`` and update it)."""
    modules = {t.module for t in DRIVER.TARGETS}
    keys = [k for k in DRIVER.recorded() if k.split(":", 1)[0] in modules]
    assert keys, "tests/mutants.md records no Python survivor"
    for key in keys:
        module, rest = key.split(":", 1)
        function, change = rest.split(": ", 1)
        old = change.split(" -> ", 1)[0]
        source = (REPO / module).read_text("utf-8")
        assert re.search(rf"^\s*(def|class) {re.escape(function)}\b", source, re.M), key
        assert old in source, key
