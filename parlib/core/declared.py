"""Declared parameters: a strict pydantic model (``Declared``) whose every field carries its type,
its range or allowed values and a one-line description, and the one message a refused value gets
wherever it is checked (``parlib run -p``, a notebook's first code cell, code calling the model):
the parameter, the value and what is allowed.

Strict: nothing is coerced (``"0.5"`` is not a number, ``1`` is not True, True is not a whole
number); NaN and infinities are refused for every number; unknown names are refused. A refusal is a
``UsageError`` (exit code 2). ``from_text`` reads a command line's ``NAME=VALUE`` text as the
field's type (a decimal comma is read as a point; ``None`` or ``declared`` is None where the field
allows None) and leaves what does not parse as text, for the model to refuse naming the type.
"""

from __future__ import annotations

import types
from typing import Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError

from parlib.core.errors import UsageError

NONE_WORDS = ("none", "declared")  # command-line text read as None (where a field allows None)

_KINDS = {float: "a number", int: "a whole number", bool: "True or False", str: "text"}

# (attribute of a pydantic constraint, which side it bounds, its sign)
_BOUNDS = (("gt", "low", "<"), ("ge", "low", "≤"), ("lt", "high", "<"), ("le", "high", "≤"))


class Declared(BaseModel):
    """A strict, frozen set of declared parameters; a bad value is a ``UsageError`` naming it."""

    model_config = ConfigDict(
        strict=True, frozen=True, extra="forbid", allow_inf_nan=False, validate_default=True
    )

    def __init__(self, **values: object) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise UsageError(refusal(type(self), exc)) from None

    @classmethod
    def kind(cls, name: str) -> str:
        """The field's type in words: ``a number``, ``a whole number or None``, ``one of …``."""
        base, optional = _base(cls.model_fields[name].annotation)
        if get_origin(base) is Literal:
            text = "one of " + ", ".join(map(str, get_args(base)))
        else:
            text = _KINDS[base]
            if base is str and _constraint(cls, name, "min_length"):
                text = "non-empty text"
        return text + (" or None" if optional else "")

    @classmethod
    def bounds(cls, name: str) -> str:
        """The field's range, e.g. ``0 < alpha < 1``, ``top_n ≥ 1``; empty when it has none."""
        low = high = None
        for attribute, side, sign in _BOUNDS:
            value = _constraint(cls, name, attribute)
            if value is not None:
                if side == "low":
                    low = (value, sign)
                else:
                    high = (value, sign)
        if low and high:
            return f"{_number(low[0])} {low[1]} {name} {high[1]} {_number(high[0])}"
        if low:
            return f"{name} {'>' if low[1] == '<' else '≥'} {_number(low[0])}"
        if high:
            return f"{name} {high[1]} {_number(high[0])}"
        return ""

    @classmethod
    def allowed(cls, name: str) -> str:
        """What the field takes, in words: its type and range (``a number, 0 < alpha < 1``)."""
        bounds = cls.bounds(name)
        kind = cls.kind(name)
        if not bounds:
            return kind
        base, optional = kind.removesuffix(" or None"), kind.endswith(" or None")
        return f"{base}, {bounds}" + (", or None" if optional else "")

    @classmethod
    def from_text(cls, name: str, text: str) -> object:
        """A command line's text as the field's type; what does not parse stays text (refused)."""
        base, optional = _base(cls.model_fields[name].annotation)
        word = text.strip()
        if optional and word.lower() in NONE_WORDS:
            return None
        try:
            if base is bool:
                return {"true": True, "false": False, "1": True, "0": False}[word.lower()]
            if base is int:
                return int(word)
            if base is float:
                return float(word.replace(",", "."))
        except (KeyError, ValueError):
            return text
        return text


def refusal(model: type[Declared], exc: ValidationError) -> str:
    """One line per refused value: the parameter, the value, why, and what it allows."""
    lines = []
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0]) if error["loc"] else "?"
        if error["type"] == "extra_forbidden":
            known = ", ".join(model.model_fields)
            lines.append(f"unknown parameter {name!r}; the parameters are: {known}")
            continue
        value, kind = error.get("input"), error["type"]
        if kind == "finite_number":
            why = "not a finite number"
        elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
            why = "out of range"
        elif kind == "literal_error":
            why = "not an allowed value"
        elif kind == "string_too_short":
            why = "empty"
        else:
            why = f"not {model.kind(name).removesuffix(' or None')}"
        lines.append(f"parameter {name!r}: {value!r} is {why}; allowed: {model.allowed(name)}")
    return "\n".join(lines)


def _base(annotation: object) -> tuple[object, bool]:
    """``int | None`` → (int, True); ``float`` → (float, False)."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0], len(args) < len(get_args(annotation))
    return annotation, False


def _constraint(model: type[Declared], name: str, attribute: str) -> object:
    for item in model.model_fields[name].metadata:
        value = getattr(item, attribute, None)
        if value is not None:
            return value
    return None


def _number(value: object) -> str:
    return str(value)
