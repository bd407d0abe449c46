"""The in-year progress page (09, issue #15 item 3): points secured so far, period by period,
against last year's final result and the plan, and what to discuss at the next meeting.

In: the notebook's ``Session`` (a dataset page: ``reports/<ds>/progress.html``), the dataset's
latest ``[tracking.<year>]`` whose baseline year is published under ``history_root``, that year's
``criterion_index``/``unit_index``, the plan (the declared ``plan`` action list, else
``actions/<baseline>.xlsx``, else the baseline's ``plans.csv``: each unit's ``TOP_K`` criteria
with the most points lost) and the owners table. Out: the page's sections through the session.
The figures are ``parlib.history.progress``'s; this module reads the inputs, words and shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import matplotlib.pyplot as plt
import pandas as pd

from parlib.config import provenance
from parlib.config.dataset import TrackingConfig
from parlib.core import paths
from parlib.core.labels import number, t
from parlib.fairness.plans import TOP_K, owner_of, owners_path, read_owners
from parlib.history import progress as pg
from parlib.publish import chart_kit, palette
from parlib.publish.action_list import last_year_list, read_action_list
from parlib.publish.markup import Column
from parlib.publish.pages import localized
from parlib.publish.views import unit_file
from parlib.score.tables import load_table

PAGE = "progress.html"  # the page, in Vietnamese (parlib.run.pipeline publishes it)
FINAL_PERIODS = ("Q4", "M12")  # the year's last period: a criterion not assessed by then is at risk


@dataclass
class Tracking:
    """One tracked year, read: its declaration, the tracked criteria (with names), the units
    (name, block), the plan (``unit_id, code``; None: no plan), where the plan came from (a label
    key and a file name), the owners and the snapshots (period → ``read_snapshot`` frame)."""

    config: TrackingConfig
    criteria: pd.DataFrame
    units: pd.DataFrame
    plan: pd.DataFrame | None
    plan_source: tuple[str, str]
    owners: dict
    snapshots: dict[str, pd.DataFrame]

    @property
    def last(self) -> str:
        return list(self.snapshots)[-1]

    @property
    def final_period(self) -> bool:
        return self.last in FINAL_PERIODS


def published_years(s) -> list[int]:
    """The dataset's years with published results under the session's ``history_root``."""
    return provenance.published_years(s.cfg, s.history_root)


def load(s) -> Tracking | None:
    """The latest tracked year whose baseline is published, read strictly (a bad snapshot, plan
    or owners table raises its located problems); None when the dataset tracks no such year."""
    tr = s.cfg.latest_tracking(published_years(s))
    if tr is None:
        return None
    base = paths.year_dir(s.history_root, s.cfg.name, tr.baseline)
    index = load_table(base, "criterion_index")
    criteria = pg.tracked(index)
    names = index[["unit_id", "code", "name_vi", "name_en"]].astype(str)
    criteria = criteria.merge(names, on=["unit_id", "code"], how="left")
    units = load_table(base, "unit_index")[
        ["unit_id", "unit_name", "block", "block_name_vi", "block_name_en"]
    ]
    found = owners_path(s.cfg)
    owners = read_owners(found, index["code"].unique()) if found else {}
    plan, source = _plan(s.cfg, tr, base)
    snapshots = {period: pg.read_snapshot(f, period, criteria) for period, f in tr.periods}
    return Tracking(tr, criteria, units, plan, source, owners, snapshots)


def _plan(cfg, tr: TrackingConfig, base) -> tuple[pd.DataFrame | None, tuple[str, str]]:
    """The plan the year is followed against, and where it came from."""
    listed = tr.plan or last_year_list(cfg, tr.baseline + 1)
    if listed is not None:
        actions = read_action_list(listed)
        actions = actions[actions["year"].astype(str) == str(tr.baseline)]
        return actions[["unit_id", "code"]], ("progress_plan_list", paths.display(listed))
    if (base / "plans.csv").is_file():
        plans = load_table(base, "plans")
        top = plans[plans["rank_in_unit"].astype(int) <= TOP_K]
        return top[["unit_id", "code"]], ("progress_plan_top", "plans.csv")
    return None, ("progress_plan_none", "")


def period_label(period: str, year: int, lang: str) -> str:
    """``Q1`` → "Quý 1/2025" / "Q1 2025"; ``M03`` → "Tháng 3/2025" / "Month 3 of 2025"."""
    kind = "progress_quarter" if period.startswith("Q") else "progress_month"
    return t(kind, lang, n=int(period[1:]), year=year)


def intro(s, tk: Tracking) -> list[str]:
    """What the page follows (the year, its periods, the baseline, the tracked maximum of the
    median unit) and where the plan came from."""
    periods = ", ".join(period_label(p, tk.config.year, s.lang) for p in tk.snapshots)
    tracked_max = tk.criteria.groupby("unit_id")["max_points"].sum().median()
    key, file = tk.plan_source
    return [
        s.t(
            "progress_intro",
            year=tk.config.year,
            n=len(tk.snapshots),
            periods=periods,
            baseline=tk.config.baseline,
            max=s.num(tracked_max),
        ),
        s.t(key, file=file, baseline=tk.config.baseline, k=TOP_K),
    ]


def figures(tk: Tracking) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per unit and period, ``progress.progress``; the criteria at risk in the last period)."""
    table = pg.progress(tk.snapshots, tk.criteria, tk.plan)
    risky = pg.at_risk(
        tk.snapshots[tk.last], tk.criteria, tk.plan, tk.final_period, tk.owners
    ).merge(tk.criteria[["unit_id", "code", "name_vi", "name_en"]], on=["unit_id", "code"])
    return table, risky


def headline(s, tk: Tracking, table: pd.DataFrame, risky: pd.DataFrame) -> list[str]:
    """The page's main points: where the median unit stands, how many units are ahead, the
    criteria at risk."""
    last = table[table["period"] == tk.last]
    year, base = tk.config.year, tk.config.baseline
    said = [
        s.t(
            "progress_headline",
            period=period_label(tk.last, year, s.lang),
            median=s.num(last["secured"].median()),
            max=s.num(last["max_points"].median()),
            final=s.num(last["final"].median()),
            baseline=base,
            target=s.num(last["target"].median()),
            ahead=int((last["vs_final"] >= -1e-9).sum()),
            on_target=int((last["vs_target"] >= -1e-9).sum()),
            n=len(last),
        )
    ]
    counts = risky["risk"].value_counts()
    said.append(
        s.t(
            "progress_risk_summary",
            n=len(risky),
            units=risky["unit_id"].nunique(),
            stake=s.num(risky["at_stake"].sum()),
            below=int(counts.get(pg.RISKS[0], 0)),
            planned=int(counts.get(pg.RISKS[1], 0)),
            missing=int(counts.get(pg.RISKS[2], 0)),
        )
    )
    if not tk.final_period:
        said.append(s.t("progress_not_final"))
    return said


def chart(tk: Tracking, table: pd.DataFrame, lang: str):
    """Bars from zero: the median points secured per period, with the interquartile range as
    whiskers; lines: the median of last year's final and of the target."""
    by = table.groupby("period", sort=False)["secured"]
    med, q1, q3 = by.median(), by.quantile(0.25), by.quantile(0.75)
    labels = [period_label(p, tk.config.year, lang) for p in med.index]
    fig, ax = plt.subplots(figsize=(chart_kit.WIDTH, 3.2))
    x = range(len(med))
    ax.bar(x, med.to_numpy(), color=palette.HIGHLIGHT, label=t("progress_bar_median", lang))
    ax.errorbar(
        x,
        med.to_numpy(),
        yerr=[(med - q1).to_numpy(), (q3 - med).to_numpy()],
        fmt="none",
        ecolor=palette.REFERENCE,
        capsize=4,
        lw=1,
        label=t("progress_bar_iqr", lang),
    )
    last = table[table["period"] == tk.last]
    final, target = last["final"].median(), last["target"].median()
    ax.axhline(
        final,
        color=palette.REFERENCE,
        ls="--",
        lw=1.2,
        label=t("progress_line_final", lang, year=tk.config.baseline),
    )
    ax.axhline(target, color=palette.ACCENT, ls=":", lw=1.8, label=t("progress_line_target", lang))
    ax.set_xticks(list(x), labels)
    ax.set_ylim(0, max(float(q3.max()), target, final) * 1.1)
    chart_kit.finish(
        fig, ax, lang, t("progress_chart_title", lang), "", t("progress_points", lang), "y"
    )
    chart_kit.describe(
        fig,
        t(
            "progress_chart_alt",
            lang,
            periods=", ".join(labels),
            medians=", ".join(number(v, 2, lang) for v in med),
            final=number(final, 2, lang),
            target=number(target, 2, lang),
        ),
    )
    return fig


def by_unit(tk: Tracking, table: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[Column]]:
    """One row per unit: points secured in each period, last year's final, the target and the
    last period's gaps, the units furthest behind their target first; each name links to the
    unit's profile of the baseline year."""
    wide = table.pivot(index="unit_id", columns="period", values="secured")[list(tk.snapshots)]
    wide.columns = [f"p_{c}" for c in wide.columns]
    last = table[table["period"] == tk.last].set_index("unit_id")
    out = (
        tk.units.set_index("unit_id")
        .join(wide, how="inner")
        .join(last[["assessed", "final", "target", "vs_final", "vs_target", "max_points"]])
    )
    out["n_tracked"] = tk.criteria.groupby("unit_id").size()
    out["assessed_of"] = [f"{int(a)}/{int(n)}" for a, n in zip(out["assessed"], out["n_tracked"])]
    out["block_name"] = out["block_name_vi" if lang == "vi" else "block_name_en"]
    out = out.reset_index().sort_values(["vs_target", "unit_name"])
    page = localized(f"{tk.config.baseline}/units/{unit_file('X')}", lang)
    out["href"] = [
        page.replace("X", quote(unit_file(u).rsplit(".", 1)[0]), 1) for u in out["unit_id"]
    ]
    columns = [Column("unit_name", "unit", link="href")]
    if tk.units["block"].nunique() > 1:
        columns.append(Column("block_name", "block"))
    columns += [
        Column(f"p_{p}", period_label(p, tk.config.year, lang), "num") for p in tk.snapshots
    ]
    columns += [
        Column("assessed_of", "progress_assessed"),
        Column("max_points", "progress_max", "num"),
        Column("final", t("progress_final", lang, year=tk.config.baseline), "num"),
        Column("target", "progress_target", "num"),
        Column("vs_final", "progress_vs_final", "num"),
        Column("vs_target", "progress_vs_target", "num"),
    ]
    return out, columns


def _owner(code: str, owners: dict, lang: str) -> str:
    vi, en = owner_of(code, owners)
    return (vi if lang == "vi" else en or vi) or t("plan_no_owner", lang)


def owners_table(tk: Tracking, risky: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[Column]]:
    """Per owner: criteria at risk, units concerned and points at stake, most points first."""
    shown = risky.assign(owner=[_owner(c, tk.owners, lang) for c in risky["code"]])
    out = pg.by_owner(shown)
    return out, [
        Column("owner", "plan_owner"),
        Column("criteria", "progress_n_criteria", "int"),
        Column("units", "progress_n_units", "int"),
        Column("at_stake", "progress_at_stake", "num"),
    ]


def meeting_list(tk: Tracking, risky: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[Column]]:
    """Each unit's ``SHORTLIST`` criteria at risk with the most points at stake, units furthest
    behind first: the list for the next meeting."""
    short = pg.shortlist(risky).merge(tk.units[["unit_id", "unit_name"]], on="unit_id")
    short["criterion_name"] = short["name_vi" if lang == "vi" else "name_en"]
    short["risk_label"] = "progress_risk_" + short["risk"]
    short["owner"] = [_owner(c, tk.owners, lang) for c in short["code"]]
    stake = short.groupby("unit_id")["at_stake"].transform("sum")
    short = short.assign(_stake=stake).sort_values(
        ["_stake", "unit_name", "at_stake"], ascending=[False, True, False]
    )
    return short, [
        Column("unit_name", "unit"),
        Column("code", "code", "code"),
        Column("criterion_name", "criterion"),
        Column("risk_label", "progress_risk", "label"),
        Column("secured", "progress_secured", "num"),
        Column("final", t("progress_final", lang, year=tk.config.baseline), "num"),
        Column("max_points", "progress_max", "num"),
        Column("at_stake", "progress_at_stake", "num"),
        Column("owner", "plan_owner"),
    ]
