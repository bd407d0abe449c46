"""The schema of ``dataset.toml``: one strict pydantic model, and its errors as located ``Problem``s.

In: the parsed TOML document and the dataset folder (``context={"folder": ...}``: every path is
checked to be a file inside it, ``parlib.config.confine``). Out: a validated ``DatasetSchema``, or
``problems(error, file)``: every error pydantic found (not only the first), each naming the dotted
key (``years.2012.decimals``), the value found and what is expected, in English and Vietnamese.

Strict: no coercion (``"false"`` is text, not a boolean; ``"2"`` is text, not a number; ``2.5`` is
not a whole number), ranges (``decimals`` 0-6, declared totals above 0, year keys four-digit years
from 1990 to 2100), unknown keys refused with the list of valid ones, and required keys.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo
from pydantic_core import PydanticCustomError

from parlib.config import confine
from parlib.config.schema_text import DECIMALS, EXPECTED, YEARS, found_text, hint, kind_of
from parlib.core.errors import Problem


def _in_folder(written: str, info: ValidationInfo) -> Path:
    folder = info.context["folder"]
    try:
        return confine.inside(folder, written)
    except confine.Refused as why:
        # ``load_dataset(allow_missing_scores=True)``: a score file not written yet (``parlib
        # template`` before any score file exists) is no problem, if it would be inside the folder
        if (
            why.check == "config_missing_file"
            and info.field_name == "scores"
            and info.context.get("allow_missing_scores")
            and _would_be_inside(folder, written)
        ):
            return Path(folder).resolve() / written
        raise PydanticCustomError(why.check, why.message, {"vi": why.message_vi}) from None


def _year_key(text: str) -> str:
    if not (len(text) == 4 and text.isascii() and text.isdigit()) or not (
        YEARS[0] <= int(text) <= YEARS[1]
    ):
        raise PydanticCustomError("config_bad_year", "not a year")
    return text


def _would_be_inside(folder: Path, written: str) -> bool:
    """A path not written yet that would be inside ``folder`` (lexically: no ``..`` out of it)."""
    home = Path(folder).resolve()
    return Path(os.path.normpath(home / written)).is_relative_to(home)


def _period_id(text: str) -> str:
    if not PERIOD.fullmatch(text):
        raise PydanticCustomError("config_bad_id", "not a period")
    return text


def _component_id(text: str) -> str:
    if not ID.fullmatch(text) or text in RESERVED or text.startswith(("self_", "round_")):
        raise PydanticCustomError("config_bad_id", "not a component id")
    return text


def _block_id(text: str) -> str:
    if not BLOCK_ID.fullmatch(text):
        raise PydanticCustomError("config_bad_id", "not a block id")
    return text


ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*")  # ASCII letters, digits, underscores
BLOCK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
PERIOD = re.compile(r"Q[1-4]|M(0[1-9]|1[0-2])")  # a quarter (Q1-Q4) or a month (M01-M12)
RESERVED = ("self", "appraised", "explanation", "block", "unit", "criterion", "source")
File = Annotated[str, AfterValidator(_in_folder)]
Text = str
Points = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Part = Annotated[float, Field(ge=0, allow_inf_nan=False)]
YearKey = Annotated[str, AfterValidator(_year_key)]
ComponentKey = Annotated[str, AfterValidator(_component_id)]
BlockKey = Annotated[str, AfterValidator(_block_id)]
PeriodKey = Annotated[str, AfterValidator(_period_id)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class ComponentSchema(_Strict):
    """``[frameworks.<id>.components.<component>]``: one scored part."""

    kind: Literal["assessed", "measured", "bonus", "penalty"]
    label_vi: Text
    label_en: Text = ""  # empty: the Vietnamese label
    max: Part | None = None
    cap: Part | None = None  # bonus and penalty only (``rules``)
    self_assessed: bool | None = None  # default: true for assessed, false otherwise
    aliases: list[Text] = []
    note: Text = ""


class FrameworkSchema(_Strict):
    """``[frameworks.<id>]``."""

    file: File | None = None  # None: a framework of parts only (published results)
    index_cap: Points | None = None
    components: dict[ComponentKey, ComponentSchema] = {}
    decision: Text = ""  # empty: the framework id
    unit_kind: Text = ""
    declared_total: Points | None = None
    declared_appraisal: Part | None = None
    declared_survey: Part | None = None
    note: Text = ""


class BlockSchema(_Strict):
    """``[years.<year>.blocks.<block>]``: units ranked together on one framework."""

    name_vi: Text
    name_en: Text = ""  # empty: the Vietnamese name
    framework: Text | None = None  # None: the year's framework
    kinds: list[Text] = []
    units: list[Text] = []
    scores: File | None = None  # None: the year's score file
    sheet: Text | None = None
    note: Text = ""


class YearSchema(_Strict):
    """``[years.<year>]``."""

    framework: Text | None = None  # required without blocks (``rules``)
    scores: File | None = None  # required unless published results only (``rules``)
    self_assessment: bool = True
    blocks: dict[BlockKey, BlockSchema] = {}
    published: File | None = None
    decimals: Annotated[int, Field(ge=DECIMALS[0], le=DECIMALS[1])] = 2
    prefer_published_totals: bool = False
    survey_responses: File | None = None
    note: Text = ""


class TrackingSchema(_Strict):
    """``[tracking.<year>]``: a year followed during the year, by interim self-assessments."""

    baseline: Annotated[int, Field(ge=YEARS[0], le=YEARS[1])]  # last year's results (``rules``)
    periods: Annotated[dict[PeriodKey, File], Field(min_length=1)]  # period → snapshot file
    plan: File | None = None  # a filled action list; None: actions/<baseline>.xlsx or plans.csv
    note: Text = ""


class DatasetSchema(_Strict):
    """The whole of ``dataset.toml``."""

    title_vi: Text
    title_en: Text
    synthetic: bool
    description: Text = ""
    units: File = "units.csv"  # the default is checked too (validate_default)
    unit_label_vi: Text = "đơn vị"
    unit_label_en: Text = "unit"
    bands: File | None = None
    corrections: File | None = None
    alternatives: File | None = None
    national_results: File | None = None
    frameworks: Annotated[dict[str, FrameworkSchema], Field(min_length=1)]
    years: Annotated[dict[YearKey, YearSchema], Field(min_length=1)]
    tracking: dict[YearKey, TrackingSchema] = {}

    model_config = ConfigDict(validate_default=True)


_LEVELS = {
    None: DatasetSchema,
    "frameworks": FrameworkSchema,
    "years": YearSchema,
    "components": ComponentSchema,
    "blocks": BlockSchema,
    "tracking": TrackingSchema,
}


def _field(loc: tuple) -> str:
    """The name ``EXPECTED`` describes the key at ``loc`` by."""
    if len(loc) == 5 and loc[2] == "periods":  # a period's key or its file
        return "periods.*"
    if loc and loc[-1] == "[key]":
        return "[key]"
    if len(loc) == 2 and loc[0] in ("frameworks", "years", "tracking"):
        return f"{loc[0]}.*"
    if (
        len(loc) >= 4
        and loc[2] in ("components", "blocks", "periods")
        and (len(loc) == 4 or loc[-1] == "[key]")
    ):
        return f"{loc[2]}.*"
    return str(loc[-1]) if loc else ""


def _level(loc: tuple) -> tuple[str | None, str]:
    """The table a key at ``loc`` is in (a ``_LEVELS`` key) and how a message names it."""
    keys = [p for p in loc if p != "[key]"]
    if len(keys) > 4 and keys[2] in ("components", "blocks"):
        return keys[2], f"[{'.'.join(map(str, keys[:4]))}]"
    if len(keys) > 2 and keys[0] in ("frameworks", "years", "tracking"):
        return keys[0], f"[{keys[0]}.{keys[1]}]"
    return None, ""


def _problem(error: dict, file: str) -> Problem:
    loc = tuple(error["loc"])
    key = ".".join(str(p) for p in loc if p != "[key]")
    kind = error["type"]
    value = error.get("input")
    field = _field(loc)
    expected, expected_vi = EXPECTED.get(field, ("", ""))
    level, table = _level(loc)
    where = table or "the top level"
    where_vi = table or "cấp ngoài cùng"
    found = found_text(value)
    if kind == "extra_forbidden":
        valid = sorted(_LEVELS[level].model_fields)
        return Problem(
            "critical",
            "config_unknown_key",
            file,
            key=key,
            value=str(loc[-1]),
            expected=f"one of {valid}",
            expected_vi=f"một trong {valid}",
            message=f"unknown key in {where} (a misspelt option must not be ignored)",
            message_vi=f"khóa không hợp lệ trong {where_vi} (khóa viết sai không được bỏ qua)",
        )
    if kind == "missing":
        return Problem(
            "critical",
            "config_missing_key",
            file,
            key=key,
            value="",
            expected=expected,
            expected_vi=expected_vi,
            message=f"required key {key} is missing",
            message_vi=f"thiếu khóa bắt buộc {key}",
        )
    if kind == "config_bad_id":
        return Problem(
            "critical",
            "config_bad_id",
            file,
            key=key,
            value=str(loc[-2]),
            expected=expected,
            expected_vi=expected_vi,
            message=f"{loc[-2]!r} cannot be the id of a {loc[2][:-1]}",
            message_vi=f"{loc[-2]!r} không dùng được làm mã",
        )
    if kind == "config_bad_year":
        return Problem(
            "critical",
            "config_bad_year",
            file,
            key=key,
            value=str(loc[-2]),
            expected=expected,
            expected_vi=expected_vi,
            message="a [years.<year>] key must be a year (check for a letter O in place of a 0)",
            message_vi="khóa [years.<năm>] phải là một năm (kiểm tra chữ O thay cho số 0)",
        )
    if kind in ("config_path_outside", "config_missing_file"):
        return Problem(
            "critical",
            kind,
            file,
            key=key,
            value=str(value),
            expected=expected,
            expected_vi=expected_vi,
            message=error["msg"],
            message_vi=error.get("ctx", {}).get("vi", ""),
        )
    if kind.endswith("_type") or kind in ("model_attributes_type", "int_from_float"):
        is_, is_vi = kind_of(value)
        said, said_vi = hint(value, field)
        return Problem(
            "critical",
            "config_wrong_type",
            file,
            key=key,
            value=found,
            expected=expected,
            expected_vi=expected_vi,
            message=f"wrong type: {is_}{said}",
            message_vi=f"sai kiểu: {is_vi}{said_vi}",
        )
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal") or kind in (
        "finite_number",
        "too_short",
    ):
        return Problem(
            "critical",
            "config_out_of_range",
            file,
            key=key,
            value=found,
            expected=expected,
            expected_vi=expected_vi,
            message=f"out of range ({error['msg'].lower()})",
            message_vi="ngoài khoảng cho phép",
        )
    return Problem(  # any other pydantic error, still located
        "critical",
        "config_invalid_value",
        file,
        key=key,
        value=found,
        expected=expected,
        expected_vi=expected_vi,
        message=error["msg"],
    )


def problems(error: ValidationError, file: str) -> list[Problem]:
    """Every error of a failed validation as a located ``Problem``, in the order pydantic found
    them."""
    return [_problem(e, file) for e in error.errors(include_url=False)]


def validate(
    doc: dict, folder: Path, file: str, allow_missing_scores: bool = False
) -> tuple[DatasetSchema | None, list[Problem]]:
    """``doc`` checked against ``DatasetSchema`` (paths confined to ``folder``): the model, or None
    and every problem found. ``allow_missing_scores``: score files need not exist yet."""
    context = {"folder": folder, "allow_missing_scores": allow_missing_scores}
    try:
        return DatasetSchema.model_validate(doc, context=context), []
    except ValidationError as exc:
        return None, problems(exc, file)
