"""The flat layout's module names (before 0.2), kept importable for one release.

``import parlib.report`` or ``from parlib.runner import run`` still work: a finder on ``sys.meta_path``
answers the old names with a module that looks each attribute up in the new modules and warns once
per old module (``DeprecationWarning``, naming the new place). Nothing inside parlib uses these names.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings

# old module → the new modules its names now live in, searched in order
ALIASES: dict[str, tuple[str, ...]] = {
    "errors": ("core.errors",),
    "paths": ("core.paths",),
    "labels": ("core.labels",),
    "storage": ("core.storage",),
    "dataset": ("config.dataset",),
    "framework": ("config.framework",),
    "provenance": ("config.provenance",),
    "corrections": ("ingest.corrections",),
    "fairness_report": ("publish.fairness_text", "publish.deductions_text"),
    "deductions": ("fairness.deductions",),
    "survey": ("fairness.survey",),
    "robustness": ("fairness.robustness", "config.alternatives"),
    "trends": ("history.trends", "history.lineage"),
    "profile": ("history.profile",),
    "plots": ("publish.plots", "publish.history_plots"),
    "export": ("publish.export",),
    "template": ("publish.template",),
    "session": ("publish.session",),
    "kernels": ("run.kernels",),
    "cli": ("run.cli",),
    "report": (
        "publish.markup",
        "publish.landing",
        "publish.layouts",
        "publish.views",
        "publish.sentences",
        "run.pipeline",
    ),
    "runner": (
        "run.runner",
        "run.pipeline",
        "run.parameters",
        "run.locking",
        "run.fingerprints",
        "run.execute",
        "run.fanout",
    ),
}


class _Moved(types.ModuleType):
    """An old module name: attributes come from the new modules, with one warning."""

    def __init__(self, old: str, targets: tuple[str, ...]):
        super().__init__(f"parlib.{old}")
        self._targets = tuple(f"parlib.{t}" for t in targets)
        self._warned = False

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        for target in self._targets:
            module = importlib.import_module(target)
            if hasattr(module, name):
                if not self._warned:
                    self._warned = True
                    warnings.warn(
                        f"{self.__name__} moved in parlib 0.2: import {name} from {target}",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                return getattr(module, name)
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        package, _, old = fullname.partition(".")
        if package == "parlib" and old in ALIASES:
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec):
        return _Moved(spec.name.partition(".")[2], ALIASES[spec.name.partition(".")[2]])

    def exec_module(self, module):
        pass


def install() -> None:
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())
