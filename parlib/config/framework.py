"""The methodology tree as data: codes → parents, depths, areas, leaves, components, subtotals.

In: a framework table (``code``, ``max_points``, ``max_appraisal``, ``max_survey`` ...).
Out: the same table with derived columns, and the tree's consistency figures (declared subtotal
versus the sum of its children), so validation can report both numbers when they differ.
"""

from __future__ import annotations

import pandas as pd

COMPONENTS = ("appraisal", "survey")
LEVEL_NAMES = {1: "area", 2: "criterion", 3: "subcriterion"}


def normalise_code(code: object) -> str:
    """``' 1.2. '`` → ``'1.2'``; codes are text, compared exactly after trimming."""
    text = str(code).strip()
    while text.endswith("."):
        text = text[:-1]
    return text


def parent_code(code: str) -> str:
    """``'1.2.3'`` → ``'1.2'``; an area's parent is ``''`` (the root)."""
    return code.rsplit(".", 1)[0] if "." in code else ""


def area_code(code: str) -> str:
    return code.split(".", 1)[0]


def depth(code: str) -> int:
    return code.count(".") + 1


def derive(framework: pd.DataFrame) -> pd.DataFrame:
    """Add ``parent``, ``depth``, ``level``, ``area``, ``is_leaf`` and ``component``."""
    fw = framework.copy()
    codes = fw["code"].astype(str)
    fw["parent"] = codes.map(parent_code)
    fw["depth"] = codes.map(depth).astype("int64")
    fw["level"] = fw["depth"].map(lambda d: LEVEL_NAMES.get(d, f"level{d}"))
    fw["area"] = codes.map(area_code)
    parents = set(fw["parent"])
    fw["is_leaf"] = ~codes.isin(parents)
    appraisal = fw["max_appraisal"].fillna(0) > 0
    survey = fw["max_survey"].fillna(0) > 0
    component = pd.Series("unspecified", index=fw.index, dtype="str")
    component[appraisal & ~survey] = "appraisal"
    component[survey & ~appraisal] = "survey"
    component[appraisal & survey] = "mixed"
    # A leaf whose maximum is entirely appraisal with no split given (max 0 on both) stays unspecified.
    fw["component"] = component.where(fw["is_leaf"], "")
    return fw


def subtotal_check(fw: pd.DataFrame) -> pd.DataFrame:
    """For every non-leaf node: the declared subtotal, the sum of its children, the difference.

    Also one row for the root (code ``''``) comparing the sum of areas with nothing declared; the
    dataset's declared total is compared by ``total_check``.
    """
    children = fw.groupby("parent")["max_points"].sum(min_count=1)
    inner = fw.loc[~fw["is_leaf"], ["code", "max_points", "source_row"]].copy()
    inner["children_sum"] = inner["code"].map(children)
    inner["difference"] = (inner["max_points"] - inner["children_sum"]).round(6)
    return inner.reset_index(drop=True)


def leaf_split_check(fw: pd.DataFrame) -> pd.Series:
    """Per leaf: ``max_points − (max_appraisal + max_survey)`` (0 when consistent, NaN when unsplit)."""
    split = fw["max_appraisal"].fillna(0) + fw["max_survey"].fillna(0)
    unsplit = fw["max_appraisal"].isna() & fw["max_survey"].isna()
    diff = (fw["max_points"] - split).round(6)
    return diff.where(fw["is_leaf"] & ~unsplit)


def totals(fw: pd.DataFrame) -> dict[str, float]:
    """Sum of leaf maxima: total and per component."""
    leaves = fw[fw["is_leaf"]]
    return {
        "total": float(leaves["max_points"].sum()),
        "appraisal": float(leaves["max_appraisal"].fillna(0).sum()),
        "survey": float(leaves["max_survey"].fillna(0).sum()),
    }
