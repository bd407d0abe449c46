"""The improvement plan section of a unit profile (Kế hoạch khắc phục, issue #15 item 2): the
criteria where the unit lost most points with the department responsible, the what-if sentence
and, when last year's filled action list was followed up, what it recovered.

In: a ``ProfileContext`` (its processed folder ``out`` holds ``plans.csv``, ``plans_whatif.csv``
and, when present, ``plans_followup.csv``, written by ``publish.action_list.write_plans`` before
the profiles) and a unit id. Out: escaped HTML. ``appraisal_and_plan`` is the profile's appraisal
section followed by this one (``profile_doc.SECTIONS`` names it ``appraisal``, so the one-unit
notebook shows both in the same cell).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parlib.core.labels import t
from parlib.fairness.plans import TOP_K
from parlib.publish import profile_detail
from parlib.publish.markup import Column, esc
from parlib.publish.navigation import ACTION_LIST
from parlib.publish.profile_sections import _h, _n, _p, _table

_CACHE: dict[tuple[str, int], dict[str, list[dict]]] = {}
_SUMMARY: dict[tuple[str, int], dict[str, tuple[list[dict], int, float]]] = {}


def _grouped(records: list[dict]) -> dict[str, list[dict]]:
    """Rows by unit id, in file order: one conversion of the table, not one per unit."""
    out: dict[str, list[dict]] = {}
    for row in records:
        out.setdefault(str(row["unit_id"]), []).append(row)
    return out


def _by_unit(path: Path) -> dict[str, list[dict]]:
    """The rows of a plans table by unit id, read once per file version ({} when absent)."""
    if not path.is_file():
        return {}
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _CACHE:
        frame = pd.read_csv(path, dtype={"unit_id": str, "code": str}, keep_default_na=False)
        _CACHE[key] = _grouped(frame.to_dict("records"))
    return _CACHE[key]


def _plan_summary(path: Path) -> dict[str, tuple[list[dict], int, float]]:
    """Per unit of ``plans.csv``: its first ``TOP_K`` rows (the file ranks them), how many rows it
    has and the points they lose; read once per file version. A national year's plans run to
    hundreds of thousands of rows, of which each profile shows five."""
    if not path.is_file():
        return {}
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _SUMMARY:
        frame = pd.read_csv(path, dtype={"unit_id": str, "code": str}, keep_default_na=False)
        lost = pd.to_numeric(frame["points_lost"], errors="coerce").fillna(0.0)
        by = frame.groupby("unit_id", sort=False)
        heads = _grouped(by.head(TOP_K).to_dict("records"))
        sizes, totals = by.size(), lost.groupby(frame["unit_id"], sort=False).sum()
        _SUMMARY[key] = {
            str(u): (heads[str(u)], int(sizes[u]), float(totals[u])) for u in sizes.index
        }
    return _SUMMARY[key]


def _f(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _followed(rows: list[dict], lang: str) -> str:
    done = [r for r in rows if str(r.get("done")) == "True"]
    return _p(
        t(
            "profile_plan_followup",
            lang,
            n=len(rows),
            done=len(done),
            recovered=_n(sum(_f(r.get("recovered")) for r in done), lang),
            lost=_n(sum(_f(r.get("lost_last")) for r in done), lang),
        )
    )


def plan(ctx, unit_id: str) -> str:
    """The unit's improvement plan section ("" when the year has no plans)."""
    lang, out = ctx.lang, Path(ctx.out)
    if not (out / "plans.csv").is_file():
        return ""
    rows, n_rows, total = _plan_summary(out / "plans.csv").get(unit_id, ([], 0, 0.0))
    html = _h(t("profile_plan", lang), "plan")
    if not rows:
        html += _p(t("profile_plan_none", lang))
    else:
        html += _p(t("profile_plan_reading", lang, n=n_rows, points=_n(total, lang)))
        name, owner = ("name_vi", "owner") if lang == "vi" else ("name_en", "owner_en")
        top = [
            {
                "code": r["code"],
                "name": r[name],
                "owner": r.get(owner) or r.get("owner") or t("plan_no_owner", lang),
                "points_lost": _f(r["points_lost"]),
            }
            for r in rows[:TOP_K]
        ]
        cols = [
            Column("code", "criterion", kind="code"),
            Column("name"),
            Column("owner", "plan_owner"),
            Column("points_lost", kind="num"),
        ]
        html += _table(top, cols, lang)
        what = _by_unit(out / "plans_whatif.csv").get(unit_id, [])
        if what and pd.notna(what[0].get("index_after")) and what[0].get("index_after") != "":
            w, now = what[0], ctx.rows[unit_id]
            html += _p(
                t(
                    "profile_plan_whatif",
                    lang,
                    k=min(n_rows, int(w["k"])),
                    index=_n(_f(w["index_after"]), lang),
                    now=_n(_f(w["index_pct"]), lang),
                    rank=int(_f(w["rank_after"])),
                    rank_now=now.get("rank", ""),
                )
            )
    followed = _by_unit(out / "plans_followup.csv").get(unit_id, [])
    if followed:
        html += _followed(followed, lang)
    link = f'<a href="../{esc(ACTION_LIST)}">{esc(t("results_actions", lang))}</a>'
    return html + f"<p>{esc(t('profile_plan_link', lang))} {link}</p>"


def appraisal_and_plan(ctx, unit_id: str) -> str:
    """The appraisal section, then the improvement plan."""
    return profile_detail.appraisal(ctx, unit_id) + plan(ctx, unit_id)
