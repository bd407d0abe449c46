"""The words of ``dataset.toml``'s schema messages: what each key expects (``EXPECTED``, in English
and Vietnamese) and how a value found is shown (``found_text``, ``kind_of``, ``hint``).

In: a key's name or a value as TOML gave it. Out: text for a ``Problem`` (``parlib.config.schema``).
"""

from __future__ import annotations

DECIMALS = (0, 6)
YEARS = (1990, 2100)

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
    "self_assessment": _BOOL,
    "self_assessed": _BOOL,
    **{k: _TEXT for k in ("label_vi", "label_en", "name_vi", "name_en", "sheet")},
    "kind": (
        'one of "assessed", "measured", "bonus", "penalty"',
        'một trong "assessed", "measured", "bonus", "penalty"',
    ),
    "max": ("a number of 0 or more, without quotes", "một số từ 0 trở lên"),
    "cap": ("a number of 0 or more, without quotes", "một số từ 0 trở lên"),
    "index_cap": ("a number above 0, without quotes", "một số lớn hơn 0"),
    **{
        k: ('a list of texts in quotes, e.g. ["a", "b"]', 'một danh sách văn bản, vd. ["a", "b"]')
        for k in ("aliases", "kinds", "units")
    },
    "components": (
        "tables [frameworks.<id>.components.<part>], each with kind and label_vi",
        "các bảng [frameworks.<id>.components.<phần điểm>], mỗi bảng có kind và label_vi",
    ),
    "blocks": (
        "tables [years.<year>.blocks.<block>], each with name_vi",
        "các bảng [years.<năm>.blocks.<khối>], mỗi bảng có name_vi",
    ),
    "components.*": (
        "a table with kind and label_vi; its id letters, digits and underscores (not self, "
        "appraised, self_..., round_...)",
        "một bảng có kind và label_vi; mã gồm chữ cái, chữ số và dấu gạch dưới",
    ),
    "blocks.*": (
        "a table with name_vi; its id letters, digits, hyphens and underscores",
        "một bảng có name_vi; mã gồm chữ cái, chữ số, dấu gạch ngang và gạch dưới",
    ),
    "tracking": (
        "tables [tracking.<year>], each with baseline and periods",
        "các bảng [tracking.<năm>], mỗi bảng có baseline và periods",
    ),
    "tracking.*": (
        "a table [tracking.<year>] with baseline and periods",
        "một bảng [tracking.<năm>] có baseline và periods",
    ),
    "baseline": (
        "the year of last year's results, a declared [years.<year>] with scores, without quotes",
        "năm có kết quả năm trước, một bảng [years.<năm>] đã khai báo có điểm, không có ngoặc kép",
    ),
    "periods": (
        'one or more periods, e.g. Q1 = "interim/2025-Q1.csv"',
        'một hay nhiều kỳ, vd. Q1 = "interim/2025-Q1.csv"',
    ),
    "periods.*": (
        "a period Q1-Q4 (quarter) or M01-M12 (month) naming a file in quotes",
        "một kỳ Q1-Q4 (quý) hoặc M01-M12 (tháng) với tên tệp trong ngoặc kép",
    ),
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


def found_text(value: object) -> str:
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


def kind_of(value: object) -> tuple[str, str]:
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


def hint(value: object, field: str) -> tuple[str, str]:
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
