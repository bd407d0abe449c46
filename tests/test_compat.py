"""The flat layout's module names still import for one release, with a DeprecationWarning that
names the new place."""

from __future__ import annotations

import importlib

import pytest

from parlib import _compat
from parlib.publish import markup
from parlib.run import runner


@pytest.mark.parametrize(
    "old, name, new",
    [
        ("report", "esc", markup.esc),
        ("runner", "run", runner.run),
    ],
)
def test_old_names_import_with_a_warning(old, name, new):
    module = importlib.import_module(f"parlib.{old}")
    with pytest.warns(DeprecationWarning, match=f"parlib.{old} moved"):
        assert getattr(module, name) is new


def test_every_old_module_resolves_to_new_modules():
    for old, targets in _compat.ALIASES.items():
        for target in targets:
            importlib.import_module(f"parlib.{target}")
        assert not hasattr(importlib.import_module(f"parlib.{old}"), "no_such_name")


def test_unknown_names_are_not_aliased():
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("parlib.no_such_module")
