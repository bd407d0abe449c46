"""The figures every unit profile of a dataset-year reads, loaded ONCE and looked up per unit.

In: a dataset-year's saved tables (``unit_index`` with its blocks, ``area_index``,
``criterion_index``, ``points``, the tidy ``units``, ``survey_quality``, ``fairness_groups``), the
history of the dataset (``parlib.history.gather``: earlier years, the lineage, the published
national results), the previous year's ``area_index`` and the year's caveats
(``parlib.publish.caveats.collect``). Out: ``ProfileContext`` — per-block figures (size, median,
mean, the leader and the runner-up), per-unit records and small lists (areas, leaf criteria,
points deducted and added by appraisal, the previous year's figures, the series, the survey
flags, the like-for-like peers). Every table is grouped once; a section looks a unit up in a
dict, never filters a whole frame for one unit (3,321 units of a national year in one execution).

Points deducted and added by appraisal are counted on the unit's leaf criteria:
deducted = Σ max(self − appraised, 0), added = Σ max(appraised − self, 0) (their difference is
the net ``points_deducted`` of ``unit_index``); both are None when self-assessment is unknown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from parlib.config.dataset import DatasetConfig
from parlib.core import paths
from parlib.core.errors import UsageError
from parlib.core.labels import number, t
from parlib.history import step as history
from parlib.history import trends
from parlib.ingest.inputs import load_tidy_table
from parlib.publish import blocks as bk
from parlib.publish import caveats as cv
from parlib.publish import profile_page, views
from parlib.score.tables import load_table

# Vietnam's provinces and centrally-run cities: 63 from 2008 until 30 June 2025, 34 after the
# merger (Nghị quyết 202/2025/QH15). The published provincial PAR Index ranks all of them; a
# published provincial rank whose count the data do not print is "of" this many.
PROVINCES = ((2008, 2024, 63), (2025, 2100, 34))


def provinces_in(year: int) -> int | None:
    return next((n for lo, hi, n in PROVINCES if lo <= year <= hi), None)


def _f(value: object) -> float | None:
    """A number or None (NaN, empty, text)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _records(frame: pd.DataFrame | None, key: str) -> dict[str, list[dict]]:
    """``frame``'s rows as dicts, grouped by ``key`` once."""
    if frame is None or frame.empty or key not in frame.columns:
        return {}
    out: dict[str, list[dict]] = {}
    for rec in frame.to_dict("records"):
        out.setdefault(str(rec[key]), []).append(rec)
    return out


leaf_mask = views.leaf_mask  # one definition (``parlib.publish.views``)


@dataclass
class ProfileContext:
    """A dataset-year's profiles: what every section builder looks up (see the module doc)."""

    cfg: DatasetConfig
    year: int
    lang: str
    out: Path
    record: dict  # the dataset-year's provenance record (the footer), without parameters
    parameters: dict  # the execution's parameters besides ``unit_id``
    order: list[str]  # unit ids, blocks in declared order, each in rank order
    rows: dict[str, dict]  # unit id → its unit_index row
    blocks: dict[str, dict]  # block → n, units (rank order), median, mean, printed
    split: bool  # the year has blocks worth naming
    parts: dict[str, list[dict]]  # block → its components (label_vi, label_en, points_column)
    areas: dict[str, list[dict]]
    area_median: dict[tuple[str, str], float]  # (block, area) → the block's median
    leaves: dict[str, list[dict]]  # unit → its applicable leaf criteria
    appraisal: dict[str, tuple[float, float] | None]  # unit → (deducted, added)
    previous_year: int | None
    previous: dict[str, dict]  # unit → its row of the previous year
    previous_n: dict[str, int]  # previous year's block → units
    previous_areas: dict[str, dict[str, float]]  # unit → area → previous index
    history: dict[str, list[dict]]  # unit → its rows of every year up to this one
    national: dict[str, list[dict]]  # unit → its published national rows
    national_table: pd.DataFrame | None
    predecessors: dict[str, list[dict]]  # unit → lineage rows naming its predecessors
    successors: dict[str, list[tuple[str, int, str]]]  # unit → (successor, year, others)
    years: list[int]  # the dataset's declared years up to this one
    survey: dict[str, dict]  # unit → its survey_quality row
    peers: dict[str, dict]  # unit → its like-for-like group (name, members in rank order)
    caveats: list[cv.Caveat]
    regions: dict[str, str]
    rounds: dict[str, pd.DataFrame] = field(default_factory=dict)  # unit → appraisal rounds
    methodology: str = ""
    group_rank: dict = field(default_factory=dict)  # unit → (rank in its declared group, size)
    position: dict = field(default_factory=dict)  # unit → its place in ``order``
    history_n: dict = field(default_factory=dict)  # (year, block) → units ranked that year
    conflicts: pd.DataFrame | None = None  # conflicts between the national results' sources
    _decisions: dict = field(default_factory=dict)

    @classmethod
    def load(cls, source, lang: str) -> ProfileContext:
        """Read every table of the year once. ``source``: a ``Session`` (or anything with its
        ``cfg``, ``year``, ``out``, ``history_root``, ``parameters`` and ``provenance()``)."""
        cfg, year, out = source.cfg, int(source.year), Path(source.out)
        blocks_t, components = views.block_tables(out)
        ui = bk.with_blocks(load_table(out, "unit_index"), blocks_t)
        order_t = bk.block_order(ui, blocks_t)
        area_index = load_table(out, "area_index")
        crit = load_table(out, "criterion_index")
        points = views.optional_table(out, "points")
        units = load_tidy_table(out, "units")
        past = history.gather(cfg, source.history_root, year, ui)

        rows, order, blocks = {}, [], {}
        for block in order_t["block"]:
            mine = bk.members(ui, block)
            recs = mine.to_dict("records")
            for r in recs:
                rows[str(r["unit_id"])] = r
            order += [str(r["unit_id"]) for r in recs]
            idx = pd.to_numeric(mine["index_pct"], errors="coerce")
            by_index = sorted(
                range(len(recs)), key=lambda i: (-(_f(recs[i]["index_pct"]) or -1.0), i)
            )
            blocks[block] = {
                "top": [str(recs[i]["unit_id"]) for i in by_index[:2]],  # the best two
                "n": len(mine),
                "units": [str(u) for u in mine["unit_id"]],
                "median": _f(idx.median()),
                "mean": _f(idx.mean()),
                "printed": bool((mine["source"] == "published").all()),
                "name_vi": str(mine["block_name_vi"].iloc[0]),
                "name_en": str(mine["block_name_en"].iloc[0]),
                "known": bk.self_known(mine),
            }
        group_rank = {}
        if "group" in ui.columns:
            grouped = ui[ui["group"].fillna("").astype(str) != ""]
            keys = [grouped["block"], grouped["group"]]
            ranks = grouped.groupby(keys)["index_pct"].rank(method="min", ascending=False)
            sizes = grouped.groupby(keys)["index_pct"].transform("size")
            group_rank = {
                str(u): (int(r), int(n))
                for u, r, n in zip(grouped["unit_id"], ranks, sizes)
                if not pd.isna(r)
            }
        parts = {b: bk.block_components(components, b, ui).to_dict("records") for b in blocks}
        area_block = area_index.assign(
            block=area_index["unit_id"].map({u: r["block"] for u, r in rows.items()})
        )
        med = area_block.groupby(["block", "area"])["index_pct"].median()
        area_median = {k: v for k, v in med.items() if not pd.isna(v)}

        leaves_t = (
            crit[leaf_mask(crit) & (pd.to_numeric(crit["max_points"]) > 0)] if len(crit) else crit
        )
        appraisal: dict[str, tuple[float, float] | None] = {
            str(u): (float(d), float(a))
            for u, d, a in views.appraisal_split(crit)[
                ["unit_id", *views.APPRAISAL_SPLIT]
            ].itertuples(index=False)
        }
        for u, r in rows.items():
            if (
                not (r.get("self_known") and "self_points" in ui.columns)
                or r["source"] == "published"
            ):
                appraisal[u] = None  # not known: never "0,00 deducted"

        prev_year = past.previous_year
        prev = past.previous()
        previous, previous_n = {}, {}
        if prev is not None:
            previous = {str(r["unit_id"]): r for r in prev.to_dict("records")}
            previous_n = prev.groupby("block").size().to_dict()
        previous_areas: dict[str, dict[str, float]] = {}
        prev_dir = paths.year_dir(source.history_root, cfg.name, prev_year) if prev_year else None
        if prev_dir is not None and (prev_dir / "area_index.csv").is_file():
            pa = load_table(prev_dir, "area_index")
            for u, a, v in zip(pa["unit_id"], pa["area"], pa["index_pct"]):
                if _f(v) is not None:
                    previous_areas.setdefault(str(u), {})[str(a)] = float(v)

        national = past.national
        lin = past.lineage
        preds = _records(lin.table, "unit_id") if lin is not None else {}
        succ: dict[str, list[tuple[str, int, str]]] = {}
        if lin is not None:
            for s_id, rs in preds.items():
                for r in rs:
                    if r["predecessor_id"] != s_id:
                        others = ", ".join(
                            x["predecessor_name"]
                            for x in rs
                            if x["predecessor_id"] != r["predecessor_id"]
                        )
                        succ.setdefault(str(r["predecessor_id"]), []).append(
                            (str(r["unit_name"]), int(r["from_year"]), others)
                        )

        survey = {
            u: rs[0]
            for u, rs in _records(views.optional_table(out, "survey_quality"), "unit_id").items()
        }
        groups = views.optional_table(out, "fairness_groups")
        peers: dict[str, dict] = {}
        if groups is not None and "max_group" in groups.columns:
            g = groups.assign(block=groups["unit_id"].map({u: r["block"] for u, r in rows.items()}))
            for (_block, name), members in g.groupby(["block", "max_group"], sort=False):
                members = members.sort_values(["index_pct", "unit_id"], ascending=[False, True])
                info = {
                    "name": str(name),
                    "members": members[["unit_id", "unit_name", "index_pct", "max_points"]].to_dict(
                        "records"
                    ),
                    "lo": _f(members["max_points"].min()),
                    "hi": _f(members["max_points"].max()),
                }
                for u in members["unit_id"]:
                    peers[str(u)] = info

        collected = cv.collect(out)
        if not any(c.kind == "survey" and c.unit_id for c in collected):
            collected = collected + survey_caveats(survey)

        rounds = {}
        if points is not None and profile_page.round_columns(points):
            crit_by = dict(tuple(crit.groupby("unit_id"))) if len(crit) else {}
            for u, p in points.groupby("unit_id"):
                r = profile_page.rounds(p, crit_by.get(u, crit.iloc[0:0]), str(u), lang)
                if r is not None:
                    rounds[str(u)] = r

        base = {k: v for k, v in dict(source.parameters).items() if k != "unit_id"}
        record = dict(source.provenance())
        record.pop("parameters", None)
        return cls(
            cfg=cfg,
            year=year,
            lang=lang,
            out=out,
            record=record,
            parameters=base,
            order=order,
            rows=rows,
            blocks=blocks,
            split=bk.is_split(order_t),
            parts=parts,
            areas=_records(area_index, "unit_id"),
            area_median=area_median,
            leaves=_records(leaves_t, "unit_id"),
            appraisal=appraisal,
            previous_year=prev_year,
            previous=previous,
            previous_n={str(k): int(v) for k, v in previous_n.items()},
            previous_areas=previous_areas,
            history=_records(past.table, "unit_id"),
            national=_records(
                national[national["unit_type"] == "province"] if national is not None else None,
                "unit_id",
            ),
            national_table=national,
            predecessors=preds,
            successors=succ,
            years=[y for y in cfg.years if y <= year],
            survey=survey,
            peers=peers,
            caveats=collected,
            regions=dict(zip(units["unit_id"], units["region"]))
            if "region" in units.columns
            else {},
            rounds=rounds,
            group_rank=group_rank,
            position={u: i for i, u in enumerate(order)},
            history_n={
                (int(y), str(b)): int(n)
                for (y, b), n in past.table.groupby(["year", "block"]).size().items()
            },
            conflicts=past.conflicts(),
            methodology=bk.methodology(cfg.year(year), lang),
        )

    def pick(self, unit_id: str = "") -> str:
        """``unit_id`` if given (it must have results this year), else the first in rank order."""
        if not unit_id:
            return min(self.order, key=lambda u: (_f(self.rows[u]["rank"]) or math.inf, u))
        if unit_id not in self.rows:
            raise UsageError(
                f"unit {unit_id!r} has no results this year; units: {', '.join(self.order[:10])}…"
            )
        return unit_id

    def decision(self, year: int, block: str) -> str:
        """The methodology decision ``block`` follows in ``year`` (cached)."""
        key = (int(year), str(block))
        if key not in self._decisions:
            self._decisions[key] = trends.year_methodology(self.cfg, int(year), str(block))
        return self._decisions[key]

    def conflicts_in(self, years: list[int]) -> pd.DataFrame:
        """The conflicts between sources recorded for ``years`` (empty without national results)."""
        if self.conflicts is None:
            return pd.DataFrame()
        return trends.conflicts_in_years(self.conflicts, years)

    def block_of(self, unit_id: str) -> dict:
        return self.blocks[self.rows[unit_id]["block"]]

    def name(self, unit_id: str) -> str:
        return str(self.rows[unit_id]["unit_name"])


SURVEY_EVIDENCE = "04_fairness.html#survey-quality"


def _true(value: object) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def survey_caveats(survey: dict[str, dict]) -> list[cv.Caveat]:
    """The survey-quality flags of ``survey_quality.csv`` as caveats (until the overview helper's
    ``caveats.collect`` returns them, the profiles read them here; never both)."""
    out = []
    for unit, r in survey.items():
        if _true(r.get("gap")):
            a, b = _f(r.get("survey_points_file")), _f(r.get("survey_points_answers"))
            out.append(_survey(unit, "profile_flag_gap", a=a, b=b, d=abs((a or 0) - (b or 0))))
        if _true(r.get("too_few")):
            out.append(
                _survey(unit, "profile_flag_too_few", n=int(_f(r.get("n_respondents")) or 0))
            )
        if _true(r.get("excess_straightlining")):
            out.append(
                _survey(
                    unit,
                    "profile_flag_straightlining",
                    share=100 * (_f(r.get("straightliner_share")) or 0),
                    chance=100 * (_f(r.get("straightliner_chance_share")) or 0),
                )
            )
    return out


def _survey(unit: str, key: str, **values) -> cv.Caveat:
    text = {
        lang: t(
            key,
            lang,
            **{k: v if isinstance(v, int) else number(v, 2, lang) for k, v in values.items()},
        )
        for lang in ("vi", "en")
    }
    return cv.Caveat("survey", "warning", "", unit, text["vi"], text["en"], SURVEY_EVIDENCE)
