"""Great Expectations with one expectation configuration per lookup, not one per key.

GX builds an expectation's ``configuration`` afresh on every access (a pydantic ``dict()`` of the
expectation and a new ``ExpectationConfiguration``), and its kwarg lookups access it once per
domain key, per success key and per runtime key: about ten configurations per expectation and
metric, half of the time GX spends judging a suite on the workbook's small tables. ``install``
replaces the four lookups of ``Expectation`` with ones that build the configuration once per
call and read every key from it. Each returns exactly what GX's own returns (the configuration is
a function of the expectation, which nothing changes during a lookup); ``tests/test_gxfast.py``
compares them on every expectation of ``expectations/``. ``ORIGINAL`` keeps GX's own.
"""

from __future__ import annotations

import logging
from typing import Any

from great_expectations.exceptions import InvalidExpectationKwargsError
from great_expectations.expectations import expectation as expectation_module
from great_expectations.expectations.expectation import Expectation, parse_result_format

ORIGINAL = {
    name: getattr(Expectation, name)
    for name in (
        "_get_success_kwarg",
        "_get_domain_kwargs",
        "_get_success_kwargs",
        "_get_runtime_kwargs",
    )
}
_log = logging.getLogger(expectation_module.__name__)  # GX's own logger for its one warning


def _domain(self: Expectation, kwargs: dict) -> dict:
    domain_kwargs = {key: kwargs.get(key, self._get_default_value(key)) for key in self.domain_keys}
    missing = set(self.domain_keys) - set(domain_kwargs)
    if missing:
        raise InvalidExpectationKwargsError(f"Missing domain kwargs: {list(missing)}")
    return domain_kwargs


def _success(self: Expectation, kwargs: dict) -> dict:
    success_kwargs = {
        key: kwargs.get(key, self._get_default_value(key)) for key in self.success_keys
    }
    success_kwargs.update(_domain(self, kwargs))
    return success_kwargs


def _kwarg(self: Expectation, key: str, default: Any, kwargs: dict) -> Any:
    """GX's ``_get_success_kwarg`` reading ``kwargs`` (the configuration's) given once."""
    if key in kwargs:
        return kwargs[key]
    field = self.__fields__.get(key)
    if field is not None:
        return field.default if not field.required else default
    _log.warning(
        f'_get_success_kwarg called with key "{key}", '
        f"but it is not a known field of {type(self).__name__}"
    )
    return default


def _get_success_kwarg(self: Expectation, key: str, default: Any = None) -> Any:
    return _kwarg(self, key, default, self.configuration.kwargs)


def _get_domain_kwargs(self: Expectation) -> dict:
    return _domain(self, self.configuration.kwargs)


def _get_success_kwargs(self: Expectation) -> dict:
    return _success(self, self.configuration.kwargs)


def _get_runtime_kwargs(self: Expectation, runtime_configuration: dict | None = None) -> dict:
    runtime_configuration = runtime_configuration or {}
    kwargs = self.configuration.kwargs
    success_kwargs = _success(self, kwargs)
    runtime_kwargs = {
        key: runtime_configuration.get(key, _kwarg(self, key, None, kwargs))
        for key in self.runtime_keys
    }
    runtime_kwargs.update(success_kwargs)
    runtime_kwargs["result_format"] = parse_result_format(runtime_kwargs["result_format"])
    return runtime_kwargs


def install() -> None:
    """Put the lookups in place (idempotent)."""
    Expectation._get_success_kwarg = _get_success_kwarg
    Expectation._get_domain_kwargs = _get_domain_kwargs
    Expectation._get_success_kwargs = _get_success_kwargs
    Expectation._get_runtime_kwargs = _get_runtime_kwargs


def uninstall() -> None:
    """GX's own lookups again (for the tests that compare both)."""
    for name, function in ORIGINAL.items():
        setattr(Expectation, name, function)
