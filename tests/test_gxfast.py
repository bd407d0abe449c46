"""``parlib.validate.gxfast``: GX's kwarg lookups, one configuration per lookup, answer exactly what
GX's own answer, on every expectation of every suite in ``expectations/``."""

from __future__ import annotations

import great_expectations as gx
import pytest
from great_expectations.expectations.expectation import Expectation

from parlib.core import paths
from parlib.validate import engine, gxfast
from parlib.validate.gxfast import ORIGINAL


def _expectations():
    found = []
    for path in sorted(paths.expectations_dir().glob("*.json")):
        suite = gx.ExpectationSuite(**engine.load_suite_dict(path.stem))
        found += [(path.stem, i, e) for i, e in enumerate(suite.expectations)]
    return found


EXPECTATIONS = _expectations()


def test_every_suite_has_expectations_to_compare():
    assert len({name for name, _, _ in EXPECTATIONS}) == len(
        list(paths.expectations_dir().glob("*.json"))
    )
    assert len(EXPECTATIONS) > 50


@pytest.mark.parametrize("runtime", [None, {"result_format": "COMPLETE"}])
def test_lookups_answer_as_gx_own(runtime):
    for name, i, expectation in EXPECTATIONS:
        where = f"{name}[{i}] {type(expectation).__name__}"
        for lookup, args in (
            ("_get_domain_kwargs", ()),
            ("_get_success_kwargs", ()),
            ("_get_runtime_kwargs", (runtime,)),
        ):
            ours = getattr(gxfast, lookup)(expectation, *args)
            assert ours == ORIGINAL[lookup](expectation, *args), (where, lookup)
        for key in (*expectation.success_keys, *expectation.runtime_keys, "mostly", "column"):
            ours = gxfast._get_success_kwarg(expectation, key, "d")
            assert ours == ORIGINAL["_get_success_kwarg"](expectation, key, "d"), (where, key)


def test_installed_by_the_engine():
    assert Expectation._get_runtime_kwargs is gxfast._get_runtime_kwargs
    assert Expectation._get_success_kwarg is gxfast._get_success_kwarg
