"""Write the configuration and path cases of the malformed corpus (29-44) from the shipped
``data/raw/vn-provinces/dataset.toml``: each case changes that file as someone really would (or links
a file out of the dataset) and states the located problem it must produce.

Deterministic: run ``python tests/malformed/make_config_cases.py`` after changing the shipped
``dataset.toml`` and commit what it writes (``case.toml`` and ``overlay/dataset.toml`` per case; case
36 is UTF-16 bytes, as Notepad saves "Unicode").
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent
SHIPPED = (ROOT / "data" / "raw" / "vn-provinces" / "dataset.toml").read_text(encoding="utf-8")
FILE = "data/raw/vn-provinces/dataset.toml"


def replace(old: str, new: str):
    def change(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return change


# name: (description, change of the text or None, extra case.toml lines, [expected] fields)
CASES: dict[str, tuple] = {
    "29-config-bool-as-text": (
        'prefer_published_totals = "false" in quotes: text, which a loose reader takes as true.',
        replace("prefer_published_totals = true", 'prefer_published_totals = "false"'),
        "",
        {
            "check": "config_wrong_type",
            "key": "years.2012.prefer_published_totals",
            "value": '"false"',
            "message": "without quotes",
        },
    ),
    "30-config-decimals-negative": (
        "decimals = -1 (meant as 'no rounding'): 31 units would collapse to 3 ranks.",
        replace("decimals = 2", "decimals = -1"),
        "",
        {
            "check": "config_out_of_range",
            "key": "years.2012.decimals",
            "value": "-1",
            "expected": "from 0 to 6",
        },
    ),
    "31-config-decimals-fraction": (
        "decimals = 2.5: a number of digits must be whole, not rounded to 2 silently.",
        replace("decimals = 2", "decimals = 2.5"),
        "",
        {"check": "config_wrong_type", "key": "years.2012.decimals", "value": "2.5"},
    ),
    "32-config-decimals-as-text": (
        'decimals = "2", quoted as a spreadsheet exports it: text, not a number.',
        replace("decimals = 2", 'decimals = "2"'),
        "",
        {
            "check": "config_wrong_type",
            "key": "years.2012.decimals",
            "value": '"2"',
            "message": "write the number without quotes",
        },
    ),
    "33-config-unknown-top-key": (
        "national_result (singular) at the top level: the benchmarks would silently vanish.",
        replace(
            'national_results = "national_results.csv"', 'national_result = "national_results.csv"'
        ),
        "",
        {
            "check": "config_unknown_key",
            "key": "national_result",
            "value": "national_result",
            "expected": "'national_results'",
        },
    ),
    "34-config-unknown-framework-key": (
        "declared_apraisal misspelt in [frameworks.province-2012]: the share check would be off.",
        replace("declared_appraisal = 62", "declared_apraisal = 62"),
        "",
        {
            "check": "config_unknown_key",
            "key": "frameworks.province-2012.declared_apraisal",
            "expected": "'declared_appraisal'",
        },
    ),
    "35-config-unknown-year-key": (
        "publised misspelt in [years.2012]: the reconciliation with published totals would vanish.",
        replace('published = "published/2012.csv"', 'publised = "published/2012.csv"'),
        "",
        {
            "check": "config_unknown_key",
            "key": "years.2012.publised",
            "expected": "'published'",
        },
    ),
    "36-config-utf16-notepad": (
        "dataset.toml edited in Notepad and saved as 'Unicode' (UTF-16 LE with a byte-order mark).",
        None,  # the shipped text, as UTF-16
        "",
        {
            "check": "config_encoding",
            "file": FILE,
            "value": "UTF-16 LE",
            "message": "dataset.toml is UTF-16; save it as UTF-8",
        },
    ),
    "37-config-table-for-path": (
        "scores written as an inline table { file = ... } where a path (text) is expected.",
        replace('scores = "scores/2012.csv"', 'scores = { file = "scores/2012.csv" }'),
        "",
        {"check": "config_wrong_type", "key": "years.2012.scores", "value": "a table (file)"},
    ),
    "38-config-text-for-table": (
        "A framework given as a bare path instead of a [frameworks.<id>] table.",
        replace(
            '[frameworks.province-2017]\nfile = "frameworks/province-2017.csv"\n'
            'decision = "QĐ 2948/QĐ-BNV (28/12/2017)"\nunit_kind = "province"\n'
            "declared_total = 100\ndeclared_survey = 34.5\n",
            '[frameworks]\nprovince-2017 = "frameworks/province-2017.csv"\n',
        ),
        "",
        {
            "check": "config_wrong_type",
            "key": "frameworks.province-2017",
            "expected": "a table [frameworks.<id>]",
        },
    ),
    "39-config-absolute-path": (
        "units pointed at an absolute path (/etc/passwd): any readable file would become an input.",
        replace('units = "units.csv"', 'units = "/etc/passwd"'),
        "",
        {
            "check": "config_path_outside",
            "key": "units",
            "value": "/etc/passwd",
            "message": "an absolute path",
        },
    ),
    "40-config-dotdot-escape": (
        "published taken from a sibling draft folder with ../: a file outside the dataset.",
        replace(
            'published = "published/2012.csv"',
            'published = "../vn-provinces-draft/published/2012.csv"',
        ),
        "",
        {
            "check": "config_path_outside",
            "key": "years.2012.published",
            "value": "../vn-provinces-draft/published/2012.csv",
            "message": "points outside the dataset folder data/raw/vn-provinces/",
        },
    ),
    "41-config-symlink-escape": (
        "scores/2012.csv replaced by a symbolic link to a file outside the project.",
        None,
        '[links]\n"scores/2012.csv" = "/etc/passwd"\n',
        {
            "check": "config_path_outside",
            "key": "years.2012.scores",
            "value": "scores/2012.csv",
            "message": "through a symbolic link outside the dataset folder",
        },
    ),
    "42-config-missing-scores": (
        "The scores line of [years.2012] deleted: a year without scores.",
        replace('scores = "scores/2012.csv"\n', ""),
        "",
        {
            "check": "config_missing_key",
            "key": "years.2012.scores",
            "message": "required key years.2012.scores is missing",
        },
    ),
    "43-config-year-letter-o": (
        "[years.2O12] typed with a capital O for the zero.",
        replace("[years.2012]", "[years.2O12]"),
        "",
        {"check": "config_bad_year", "key": "years.2O12", "value": "2O12"},
    ),
    "44-config-undeclared-framework": (
        "[years.2012] names framework province-2013, which no [frameworks.<id>] declares.",
        replace('framework = "province-2012"', 'framework = "province-2013"'),
        "",
        {
            "check": "config_unknown_framework",
            "key": "years.2012.framework",
            "value": "province-2013",
            "expected": "province-2012",
        },
    ),
}


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def main() -> None:
    for name, (description, change, extra, expected) in CASES.items():
        folder = CORPUS / name
        shutil.rmtree(folder, ignore_errors=True)
        spec = f"description = {_toml_value(description)}\n"
        if extra:
            spec += "\n" + extra
        spec += "\n[expected]\n"
        expected = {"check": expected["check"], "file": FILE, **expected}
        spec += "".join(f"{k} = {_toml_value(v)}\n" for k, v in expected.items())
        folder.mkdir()
        (folder / "case.toml").write_text(spec, encoding="utf-8")
        overlay = folder / "overlay" / "dataset.toml"
        if name == "36-config-utf16-notepad":  # Notepad's "Unicode": BOM FF FE, CR LF
            overlay.parent.mkdir()
            overlay.write_bytes(b"\xff\xfe" + SHIPPED.replace("\n", "\r\n").encode("utf-16-le"))
        elif change is not None:
            overlay.parent.mkdir()
            overlay.write_text(change(SHIPPED), encoding="utf-8")


if __name__ == "__main__":
    main()
