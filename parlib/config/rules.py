"""The rules of ``dataset.toml`` that join keys (the schema checks each key alone): frameworks named
by years and blocks must be declared, bonus/penalty alone may have a cap, a framework needs a part
inside its maximum, a year needs a framework and scores unless it is a year of published results
only, a framework without a criteria file is one of parts only.

In: the TOML document as parsed (``unknown_frameworks``: reported beside the schema's problems) or
the validated ``DatasetSchema`` (``check``). Out: located ``Problem``s naming the dotted key.
"""

from __future__ import annotations

from parlib.core.errors import Problem

IN_MAXIMUM = ("assessed", "measured")


def _problem(file: str, check: str, key: str, value: str, expected: tuple, message: tuple):
    return Problem(
        "critical",
        check,
        file,
        key=key,
        value=value,
        expected=expected[0],
        expected_vi=expected[1],
        message=message[0],
        message_vi=message[1],
    )


def _named_frameworks(years: dict):
    """``(dotted key, table name, framework named)`` for every year and block naming one."""
    for key, table in years.items():
        if not isinstance(table, dict):
            continue
        if isinstance(table.get("framework"), str):
            yield f"years.{key}.framework", f"[years.{key}]", table["framework"]
        blocks = table.get("blocks")
        for bid, block in blocks.items() if isinstance(blocks, dict) else ():
            if isinstance(block, dict) and isinstance(block.get("framework"), str):
                where = f"years.{key}.blocks.{bid}"
                yield f"{where}.framework", f"[{where}]", block["framework"]


def unknown_frameworks(doc: dict, file: str) -> list[Problem]:
    """Years and blocks naming a framework that is not declared (read from the document as it is,
    so these are reported beside the schema's problems)."""
    frameworks, years = doc.get("frameworks"), doc.get("years")
    if not isinstance(frameworks, dict) or not isinstance(years, dict):
        return []
    return [
        _problem(
            file,
            "config_unknown_framework",
            key,
            name,
            (f"one of {sorted(frameworks)}", f"một trong {sorted(frameworks)}"),
            (
                f"{where} names a framework that is not declared",
                f"{where} dùng một bộ tiêu chí chưa được khai báo trong [frameworks]",
            ),
        )
        for key, where, name in _named_frameworks(years)
        if name not in frameworks
    ]


def _framework_rules(fid: str, fw, file: str) -> list[Problem]:
    out = []
    where = f"frameworks.{fid}.components"
    for cid, comp in fw.components.items():
        if comp.cap is not None and comp.kind not in ("bonus", "penalty"):
            out.append(
                _problem(
                    file,
                    "config_cap_not_allowed",
                    f"{where}.{cid}.cap",
                    f"{comp.cap:g}",
                    ("no cap (only bonus and penalty parts have one)", "không có cap"),
                    (
                        f"a cap is for bonus and penalty points; {cid} is {comp.kind}: its "
                        "maximum is max",
                        f"cap chỉ dùng cho điểm thưởng và điểm trừ; {cid} là {comp.kind}",
                    ),
                )
            )
    if fw.components and not any(c.kind in IN_MAXIMUM for c in fw.components.values()):
        out.append(
            _problem(
                file,
                "config_no_in_maximum_part",
                where,
                ", ".join(f"{c} ({p.kind})" for c, p in fw.components.items()),
                (
                    "at least one part of kind assessed or measured",
                    "ít nhất một phần điểm loại assessed hoặc measured",
                ),
                (
                    "the index is points over a maximum: bonus and penalty alone have none",
                    "chỉ số là điểm đạt trên điểm tối đa: điểm thưởng, điểm trừ không có tối đa",
                ),
            )
        )
    # A framework without a file names a methodology only (published-results-only years); its
    # parts, when declared, need their maxima unless the declared total gives the denominator.
    if fw.file is None and fw.declared_total is None:
        out += [
            _problem(
                file,
                "config_missing_key",
                f"{where}.{cid}.max",
                "",
                ("the part's maximum, a number", "điểm tối đa của phần điểm"),
                (
                    f"required key {where}.{cid}.max is missing (a framework of parts only has "
                    "no criteria to sum; or declare its declared_total)",
                    f"thiếu khóa bắt buộc {where}.{cid}.max",
                ),
            )
            for cid, comp in fw.components.items()
            if comp.kind in IN_MAXIMUM and comp.max is None
        ]
    return out


def _year_rules(key: str, yc, frameworks: dict, file: str) -> list[Problem]:
    out = []
    named = [(f"years.{key}.framework", yc.framework)] if not yc.blocks else []
    named += [
        (f"years.{key}.blocks.{bid}.framework", b.framework or yc.framework)
        for bid, b in yc.blocks.items()
    ]
    has_scores = yc.scores is not None or any(b.scores is not None for b in yc.blocks.values())
    with_criteria = [(k, f) for k, f in named if f in frameworks and frameworks[f].file is not None]
    published_only = not has_scores and yc.published is not None and not with_criteria
    if not yc.blocks and yc.framework is None and not published_only:
        out.append(
            _problem(
                file,
                "config_missing_key",
                f"years.{key}.framework",
                "",
                ("the id of a [frameworks.<id>] table, in quotes", "mã của một bảng [frameworks]"),
                (
                    f"required key years.{key}.framework is missing",
                    f"thiếu khóa bắt buộc years.{key}.framework",
                ),
            )
        )
    if not has_scores and not published_only:
        on = (
            f" (a year on a framework with criteria, {with_criteria[0][1]}, needs scores)"
            if with_criteria
            else " (a year of published results only names its published file)"
        )
        out.append(
            _problem(
                file,
                "config_missing_key",
                f"years.{key}.scores",
                "",
                (
                    'the path of a file inside the dataset folder, in quotes (e.g. "scores/'
                    f'{key}.csv"); a year of published results only has published and no '
                    "framework with criteria",
                    "đường dẫn tới tệp điểm; năm chỉ có kết quả công bố thì có published",
                ),
                (
                    f"required key years.{key}.scores is missing" + on,
                    f"thiếu khóa bắt buộc years.{key}.scores",
                ),
            )
        )
    if has_scores:
        for k, f in named:
            if f is None and yc.blocks:
                out.append(
                    _problem(
                        file,
                        "config_missing_key",
                        k,
                        "",
                        ("the id of a [frameworks.<id>] table", "mã của một bảng [frameworks]"),
                        (
                            f"the block names no framework and [years.{key}] has none: required "
                            f"key {k} is missing",
                            f"khối không có bộ tiêu chí: thiếu khóa bắt buộc {k}",
                        ),
                    )
                )
            elif f in frameworks and frameworks[f].file is None and not frameworks[f].components:
                out.append(
                    _problem(
                        file,
                        "config_missing_key",
                        f"frameworks.{f}.file",
                        "",
                        (
                            "a criteria file (years scored by criterion need one)",
                            "một tệp tiêu chí (năm chấm điểm theo tiêu chí cần tệp này)",
                        ),
                        (
                            f"required key frameworks.{f}.file is missing ({k} is scored by "
                            "criterion)",
                            f"thiếu khóa bắt buộc frameworks.{f}.file ({k} chấm theo tiêu chí)",
                        ),
                    )
                )
            elif f in frameworks and frameworks[f].file is None:
                out.append(
                    _problem(
                        file,
                        "config_framework_without_file",
                        k,
                        f,
                        (
                            "a framework with a criteria file (scores are given by criterion)",
                            "một bộ tiêu chí có tệp tiêu chí",
                        ),
                        (
                            f"framework {f} has parts only (no file): scores by criterion need "
                            "its criteria",
                            f"bộ tiêu chí {f} chỉ có các phần điểm (không có tệp tiêu chí)",
                        ),
                    )
                )
    return out


def check(model, file: str) -> list[Problem]:
    """Every rule joining keys of a ``DatasetSchema`` that passed the schema."""
    out = []
    for fid, fw in model.frameworks.items():
        out += _framework_rules(fid, fw, file)
    for key, yc in model.years.items():
        out += _year_rules(key, yc, model.frameworks, file)
    for key, tr in model.tracking.items():
        out += _tracking_rules(key, tr, model.years, file)
    return out


def _tracking_rules(key: str, tr, years: dict, file: str) -> list[Problem]:
    """A tracked year follows a scored year before it, by periods of one kind (quarters or
    months, not both)."""
    out = []
    earlier = sorted(
        y
        for y, cfg in years.items()
        if int(y) < int(key)
        and (cfg.scores is not None or any(b.scores is not None for b in cfg.blocks.values()))
    )
    if str(tr.baseline) not in earlier:
        out.append(
            _problem(
                file,
                "config_bad_baseline",
                f"tracking.{key}.baseline",
                str(tr.baseline),
                (
                    f"a declared year before {key} with scores, one of {earlier}",
                    f"một năm trước {key} đã khai báo và có điểm, một trong {earlier}",
                ),
                (
                    f"[tracking.{key}] must follow the results of an earlier scored year",
                    f"[tracking.{key}] phải theo dõi so với kết quả của một năm trước có điểm",
                ),
            )
        )
    if len({p[0] for p in tr.periods}) > 1:
        out.append(
            _problem(
                file,
                "config_mixed_periods",
                f"tracking.{key}.periods",
                ", ".join(tr.periods),
                (
                    "quarters (Q1-Q4) or months (M01-M12)",
                    "các quý (Q1-Q4) hoặc các tháng (M01-M12)",
                ),
                (
                    "periods mix quarters and months",
                    "các kỳ lẫn lộn quý và tháng",
                ),
            )
        )
    return out
