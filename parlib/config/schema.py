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

from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo
from pydantic_core import PydanticCustomError

from parlib.config import confine
from parlib.core.errors import Problem

DECIMALS = (0, 6)
YEARS = (1990, 2100)


def _in_folder(written: str, info: ValidationInfo) -> Path:
    try:
        return confine.inside(info.context["folder"], written)
    except confine.Refused as why:
        raise PydanticCustomError(why.check, why.message, {"vi": why.message_vi}) from None


def _year_key(text: str) -> str:
    if not (len(text) == 4 and text.isascii() and text.isdigit()) or not (
        YEARS[0] <= int(text) <= YEARS[1]
    ):
        raise PydanticCustomError("config_bad_year", "not a year")
    return text


File = Annotated[str, AfterValidator(_in_folder)]
Text = str
Points = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Part = Annotated[float, Field(ge=0, allow_inf_nan=False)]
YearKey = Annotated[str, AfterValidator(_year_key)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class FrameworkSchema(_Strict):
    """``[frameworks.<id>]``."""

    file: File
    decision: Text = ""  # empty: the framework id
    unit_kind: Text = ""
    declared_total: Points | None = None
    declared_appraisal: Part | None = None
    declared_survey: Part | None = None
    note: Text = ""


class YearSchema(_Strict):
    """``[years.<year>]``."""

    framework: Text
    scores: File
    published: File | None = None
    decimals: Annotated[int, Field(ge=DECIMALS[0], le=DECIMALS[1])] = 2
    prefer_published_totals: bool = False
    survey_responses: File | None = None
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

    model_config = ConfigDict(validate_default=True)


_LEVELS = {
    None: DatasetSchema,
    "frameworks": FrameworkSchema,
    "years": YearSchema,
}

_TEXT = ("text in quotes", "văn bản trong dấu ngoặc kép")
_BOOL = ("true or false, without quotes", "true hoặc false, không có dấu ngoặc kép")
_FILE = (
    'the path of a file inside the dataset folder, in quotes (e.g. "scores/2012.csv")',
    'đường dẫn tới một tệp trong thư mục bộ dữ liệu, trong dấu ngoặc kép (vd. "scores/2012.csv")',
)
EXPECTED: dict[str, tuple[str, str]] = {
    **{k: _TEXT for k in ("title_vi", "title_en", "description", "unit_label_vi", "unit_label_en")},
    **{k: _TEXT for k in ("decision", "unit_kind", "note")},
    **{k: _FILE for k in ("units", "bands", "corrections", "alternatives", "national_results")},
    **{k: _FILE for k in ("file", "scores", "published", "survey_responses")},
    "synthetic": _BOOL,
    "prefer_published_totals": _BOOL,
    "decimals": (
        f"a whole number from {DECIMALS[0]} to {DECIMALS[1]}, without quotes",
        f"một số nguyên từ {DECIMALS[0]} đến {DECIMALS[1]}, không có dấu ngoặc kép",
    ),
    "declared_total": (
        "a number above 0, without quotes",
        "một số lớn hơn 0, không có dấu ngoặc kép",
    ),
    "declared_appraisal": ("a number of 0 or more, without quotes", "một số từ 0 trở lên"),
    "declared_survey": ("a number of 0 or more, without quotes", "một số từ 0 trở lên"),
    "framework": (
        "the id of a [frameworks.<id>] table, in quotes",
        "mã của một bảng [frameworks.<id>], trong dấu ngoặc kép",
    ),
    "frameworks": (
        "one or more tables [frameworks.<id>], each with a file",
        "một hay nhiều bảng [frameworks.<id>], mỗi bảng có khóa file",
    ),
    "years": (
        "one or more tables [years.<year>], each with a framework and scores",
        "một hay nhiều bảng [years.<năm>], mỗi bảng có framework và scores",
    ),
    "frameworks.*": (
        "a table [frameworks.<id>] with a file",
        "một bảng [frameworks.<id>] có khóa file",
    ),
    "years.*": (
        "a table [years.<year>] with a framework and scores",
        "một bảng [years.<năm>] có framework và scores",
    ),
    "[key]": (
        f"a four-digit year from {YEARS[0]} to {YEARS[1]}",
        f"một năm gồm bốn chữ số, từ {YEARS[0]} đến {YEARS[1]}",
    ),
}


def _field(loc: tuple) -> str:
    """The name ``EXPECTED`` describes the key at ``loc`` by."""
    if loc and loc[-1] == "[key]":
        return "[key]"
    if len(loc) == 2 and loc[0] in ("frameworks", "years"):
        return f"{loc[0]}.*"
    return str(loc[-1]) if loc else ""


def _found(value: object) -> str:
    """The value found, as it is written in TOML (tables and lists by what they are)."""
    if isinstance(value, dict):
        return f"a table ({', '.join(map(str, value))})"[:80]
    if isinstance(value, list):
        return f"a list {value!r}"[:80]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'[:80]
    return str(value)[:80]


def _kind(value: object) -> tuple[str, str]:
    if isinstance(value, bool):
        return "true/false", "true/false"
    if isinstance(value, str):
        return "text in quotes", "văn bản trong dấu ngoặc kép"
    if isinstance(value, int):
        return "a whole number", "một số nguyên"
    if isinstance(value, float):
        return "a number with decimals", "một số thập phân"
    if isinstance(value, dict):
        return "a table", "một bảng"
    if isinstance(value, list):
        return "a list", "một danh sách"
    return type(value).__name__, type(value).__name__


def _hint(value: object, field: str) -> tuple[str, str]:
    """A sentence on the usual way a value of the wrong type came to be written."""
    if isinstance(value, str) and EXPECTED.get(field) is _BOOL:
        return (
            "; write true or false without quotes (in quotes it is text)",
            "; hãy viết true hoặc false, không có dấu ngoặc kép (trong ngoặc kép là văn bản)",
        )
    numeric = field == "decimals" or field.startswith("declared_")
    if isinstance(value, str) and numeric:
        return "; write the number without quotes", "; hãy viết số, không có dấu ngoặc kép"
    if isinstance(value, float) and field == "decimals":
        return "; decimals is a count of digits", "; decimals là số chữ số thập phân"
    return "", ""


def _problem(error: dict, file: str) -> Problem:
    loc = tuple(error["loc"])
    key = ".".join(str(p) for p in loc if p != "[key]")
    kind = error["type"]
    value = error.get("input")
    field = _field(loc)
    expected, expected_vi = EXPECTED.get(field, ("", ""))
    level = loc[0] if len(loc) > 1 and loc[0] in ("frameworks", "years") else None
    where = f"[{loc[0]}.{loc[1]}]" if level else "the top level"
    where_vi = f"[{loc[0]}.{loc[1]}]" if level else "cấp ngoài cùng"
    found = _found(value)
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
        is_, is_vi = _kind(value)
        hint, hint_vi = _hint(value, field)
        return Problem(
            "critical",
            "config_wrong_type",
            file,
            key=key,
            value=found,
            expected=expected,
            expected_vi=expected_vi,
            message=f"wrong type: {is_}{hint}",
            message_vi=f"sai kiểu: {is_vi}{hint_vi}",
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


def validate(doc: dict, folder: Path, file: str) -> tuple[DatasetSchema | None, list[Problem]]:
    """``doc`` checked against ``DatasetSchema`` (paths confined to ``folder``): the model, or None
    and every problem found."""
    try:
        return DatasetSchema.model_validate(doc, context={"folder": folder}), []
    except ValidationError as exc:
        return None, problems(exc, file)
