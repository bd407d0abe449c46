"""Modules imported on first use: ``papermill = lazy.module("papermill")`` at a module's top level
gives a stand-in at once; reading any of its attributes imports the real module (once: Python's
import system makes concurrent first imports from several threads safe) and answers from it.

For the heavy packages the runner needs only when it executes or renders a notebook (papermill,
nbformat, nbconvert, jupyter_client: about half of ``parlib``'s start-up): a rerun with nothing
to do, ``parlib list`` or ``parlib validate`` never load them. The stand-in is not put in
``sys.modules``: a plain ``import papermill`` elsewhere is the ordinary import. A package's
submodules are reached as attributes (``papermill.engines``) where the package imports them. A
module that is not installed raises ``ModuleNotFoundError`` here, at import time, as an
``import`` would.
"""

from __future__ import annotations

import importlib
import importlib.util
import types


class _Module(types.ModuleType):
    """Stands for the module of its name; an attribute read imports that module and reads it."""

    def __getattr__(self, attr: str):
        if attr.startswith("__"):  # the import system's and copy's own questions
            raise AttributeError(attr)
        return getattr(importlib.import_module(self.__name__), attr)


def module(name: str) -> types.ModuleType:
    """A stand-in for the installed module ``name``, imported when first used."""
    if importlib.util.find_spec(name) is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    return _Module(name, f"stand-in for {name}, imported when first used")
