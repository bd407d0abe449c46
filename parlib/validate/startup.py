"""Before Great Expectations is imported (``parlib.validate`` imports this module first): GX's usage
reports are switched off, and the IRI grammar that ``jsonschema`` builds when it is imported is
deferred until something checks an IRI.

GX imports altair, altair imports ``jsonschema``, and ``jsonschema`` imports ``rfc3987_syntax`` for
its optional ``iri`` format check; that import compiles about 30 Earley parsers, 2–3 s of every
process that validates, for a check nothing in the workbook makes. ``defer`` puts a stand-in module
in its place whose functions import the real module on first use and call it, so a check that is
made behaves exactly as before.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types


def defer(name: str, functions: list[str]) -> None:
    """A stand-in for the module ``name`` (if installed and not yet imported): ``functions`` and any
    other public attribute import the real module when first used."""
    if name in sys.modules or importlib.util.find_spec(name) is None:
        return
    stand_in = types.ModuleType(name, f"stand-in for {name}, imported when first used")

    def real():
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        return importlib.import_module(name)

    def deferred(function: str):
        def call(*args, **kwargs):
            return getattr(real(), function)(*args, **kwargs)

        call.__name__ = function
        return call

    def attribute(attr: str):
        if attr.startswith("__"):  # the import system's own questions (``__path__``, ``__spec__``)
            raise AttributeError(attr)
        return getattr(real(), attr)

    for function in functions:
        setattr(stand_in, function, deferred(function))
    stand_in.__getattr__ = attribute
    sys.modules[name] = stand_in


os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # read when GX is imported: no usage reports
defer("rfc3987_syntax", ["is_valid_syntax"])  # the one name jsonschema takes from it
