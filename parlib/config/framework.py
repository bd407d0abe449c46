"""The methodology tree as data: codes → parents, depths, areas, leaves, components, subtotals.

In: a framework table (``code``, ``max_points``, one ``max_<component>`` per scored part:
``max_appraisal``, ``max_survey``, ``max_sipas``, ``max_bonus`` ...) and the framework's components
(``parlib.config.model.ComponentConfig``; the legacy appraisal + survey when it declares none).
Out: the same table with derived columns, and the tree's consistency figures (declared subtotal
versus the sum of its children; a leaf's ``max_points`` versus the sum of its parts inside the
maximum, assessed and measured; bonus and penalty maxima are outside it), so validation can report
both numbers when they differ.
"""

from __future__ import annotations

import pandas as pd

from parlib.config.model import LEGACY_COMPONENTS, ComponentConfig

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


def _maxima(fw: pd.DataFrame, components, in_maximum: bool | None = None) -> list[str]:
    """The ``max_<id>`` columns of ``components`` present in ``fw`` (only the parts inside, or
    outside, the maximum when ``in_maximum`` is given)."""
    return [
        c.max_column
        for c in components
        if c.max_column in fw.columns and (in_maximum is None or c.in_maximum == in_maximum)
    ]


def derive(
    framework: pd.DataFrame, components: tuple[ComponentConfig, ...] = LEGACY_COMPONENTS
) -> pd.DataFrame:
    """Add ``parent``, ``depth``, ``level``, ``area``, ``is_leaf`` and ``component`` (the one part a
    leaf's maximum is in: ``appraisal``, ``survey``, ``sipas``...; ``mixed`` for several;
    ``unspecified`` when its split is not given)."""
    fw = framework.copy()
    codes = fw["code"].astype(str)
    fw["parent"] = codes.map(parent_code)
    fw["depth"] = codes.map(depth).astype("int64")
    fw["level"] = fw["depth"].map(lambda d: LEVEL_NAMES.get(d, f"level{d}"))
    fw["area"] = codes.map(area_code)
    parents = set(fw["parent"])
    fw["is_leaf"] = ~codes.isin(parents)
    component = pd.Series("unspecified", index=fw.index, dtype="str")
    columns = _maxima(fw, components)
    has = pd.DataFrame({c: fw[c].fillna(0) > 0 for c in columns}, index=fw.index)
    count = has.sum(axis=1) if columns else pd.Series(0, index=fw.index)
    for comp in components:
        if comp.max_column in has:
            component[has[comp.max_column] & (count == 1)] = comp.id
    component[count > 1] = "mixed"
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


def leaf_split_check(
    fw: pd.DataFrame, components: tuple[ComponentConfig, ...] = LEGACY_COMPONENTS
) -> pd.Series:
    """Per leaf: ``max_points`` − the sum of its parts inside the maximum (0 when consistent, NaN
    when no part's maximum is given). A bonus or penalty leaf has ``max_points`` 0."""
    inside, every = _maxima(fw, components, True), _maxima(fw, components)
    split = sum((fw[c].fillna(0) for c in inside), pd.Series(0.0, index=fw.index))
    unsplit = fw[every].isna().all(axis=1) if every else pd.Series(True, index=fw.index)
    diff = (fw["max_points"] - split).round(6)
    return diff.where(fw["is_leaf"] & ~unsplit)


def common(fw: pd.DataFrame) -> pd.Series:
    """The rows of the common core: every unit is scored on them (no ``applies_to``)."""
    if "applies_to" not in fw.columns:
        return pd.Series(True, index=fw.index)
    return fw["applies_to"].fillna("").astype(str).str.strip() == ""


def totals(
    fw: pd.DataFrame, components: tuple[ComponentConfig, ...] = LEGACY_COMPONENTS
) -> dict[str, float]:
    """Sum of the leaf maxima of the tree as published (unit-specific criteria included: the
    framework document's total counts them, though each unit's own maximum has only those that
    apply to it): total and per component (by component id)."""
    leaves = fw[fw["is_leaf"]]
    out = {"total": float(leaves["max_points"].sum())}
    for comp in (*LEGACY_COMPONENTS, *components):
        col = comp.max_column
        out[comp.id] = float(leaves[col].fillna(0).sum()) if col in leaves.columns else 0.0
    return out


def applies(applies_to: str, unit_id: str, kind: str) -> bool:
    """Whether a criterion whose ``applies_to`` is this text applies to a unit (empty: every unit;
    else unit ids and kinds separated by ``;``)."""
    wanted = [t.strip() for t in str(applies_to).split(";") if t.strip()]
    return not wanted or unit_id in wanted or kind in wanted
