"""Headline: what the landing page says first of a dataset, from its latest published year —
per block, how many units have an index, the leader with its index, the median and the mean.

In: a published year's ``unit_index`` table (``data/processed/<ds>/<year>/unit_index.csv``). Out:
a language-neutral record kept in the year's ``run.json`` (``of_year``; the landing page reads
manifests, never tables), and its sentences in a language (``sentences``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parlib.core.labels import number, t
from parlib.publish.blocks import block_title
from parlib.score.spread import spread
from parlib.score.tables import load_table


def of_year(processed: Path) -> list[dict]:
    """Per block of the year (in the order of its first unit's rank): ``block``, ``name_vi``,
    ``name_en``, ``units`` (with an index), ``leader`` (id, name, index; the highest index, ties
    by official rank) or None, ``median`` and ``mean`` of the index (None without units)."""
    units = load_table(processed, "unit_index")
    if "block" not in units.columns:
        units = units.assign(block="all", block_name_vi="", block_name_en="")
    out = []
    for block, frame in units.groupby("block", sort=False):
        scored = frame[pd.to_numeric(frame["index_pct"], errors="coerce").notna()].copy()
        scored["index_pct"] = scored["index_pct"].astype(float)
        by = ["index_pct", "rank"] if "rank" in scored.columns else ["index_pct"]
        best = scored.sort_values(by, ascending=[False, True][: len(by)]).head(1)
        first, dist = frame.iloc[0], spread(scored["index_pct"])
        out.append(
            {
                "block": str(block),
                "name_vi": str(first.get("block_name_vi", "") or ""),
                "name_en": str(first.get("block_name_en", "") or ""),
                "units": int(len(scored)),
                "leader": None
                if best.empty
                else {
                    "unit_id": str(best["unit_id"].iloc[0]),
                    "unit_name": str(best["unit_name"].iloc[0]),
                    "index_pct": round(float(best["index_pct"].iloc[0]), 2),
                },
                "median": round(dist.median, 2) if dist.n else None,
                "mean": round(dist.mean, 2) if dist.n else None,
            }
        )
    return out


def sentences(record: list[dict], year: int, lang: str) -> list[str]:
    """The headline of a year in ``lang``: one sentence per block (its name when the year has
    more than one block)."""
    out = []
    for block in record:
        name = block_title(block["name_vi"], block["name_en"], lang) if len(record) > 1 else ""
        leader = block.get("leader")
        if not leader or not block["units"]:
            out.append(
                t("landing_headline_none", lang, year=year, block=f"{name}: " if name else "")
            )
            continue
        out.append(
            t(
                "landing_headline_block" if block["units"] > 1 else "landing_headline_single",
                lang,
                year=year,
                block=f"{name}: " if name else "",
                n=block["units"],
                leader=leader["unit_name"],
                index=number(leader["index_pct"], 2, lang),
                median=number(block["median"], 2, lang),
            )
        )
    return out
