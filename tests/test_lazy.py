"""``parlib.core.lazy``: the CLI's start-up imports no notebook machinery (papermill, nbformat,
nbconvert, jupyter_client, Great Expectations) and the stand-ins answer as the real modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from parlib.core import lazy

HEAVY = ("papermill", "nbformat", "nbconvert", "jupyter_client", "great_expectations", "jsonschema")


def test_the_command_line_starts_without_the_notebook_machinery():
    code = (
        "import json, sys; import parlib.run.cli, parlib.run.runner; "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert json.loads(done.stdout) == []


def test_a_stand_in_answers_from_the_real_module():
    stand_in = lazy.module("textwrap")
    assert stand_in is not textwrap
    assert stand_in.dedent is textwrap.dedent
    with pytest.raises(AttributeError):
        stand_in.no_such_name  # noqa: B018


def test_a_missing_module_is_refused_at_once():
    with pytest.raises(ModuleNotFoundError):
        lazy.module("no_such_module_here")
