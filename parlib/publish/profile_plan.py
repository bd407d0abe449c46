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


def _by_unit(path: Path) -> dict[str, list[dict]]:
    """The rows of a plans table by unit id, read once per file version ({} when absent)."""
    if not path.is_file():
        return {}
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _CACHE:
        frame = pd.read_csv(path, dtype={"unit_id": str, "code": str}, keep_default_na=False)
        _CACHE[key] = {str(u): g.to_dict("records") for u, g in frame.groupby("unit_id")}
    return _CACHE[key]


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
    rows = _by_unit(out / "plans.csv").get(unit_id, [])
    html = _h(t("profile_plan", lang), "plan")
    if not rows:
        html += _p(t("profile_plan_none", lang))
    else:
        total = sum(_f(r["points_lost"]) for r in rows)
        html += _p(t("profile_plan_reading", lang, n=len(rows), points=_n(total, lang)))
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
                    k=min(len(rows), int(w["k"])),
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
