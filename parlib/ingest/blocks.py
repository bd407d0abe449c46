"""Blocks (khối) in the data: which block each registered unit belongs to this year, and which files
and sheets hold each block's scores.

In: the units registry and the year's ``BlockConfig``s. Out: ``assign`` gives each unit its block
(by id first, else by kind, else a block of every unit; "" when it is in none or in two, with the
candidates in ``block_candidates`` so validation names them: ``unit_in_no_block``,
``unit_in_two_blocks``); ``sources`` gives the (file, sheet, block) reads of a year's scores: a
block's own file, the sheet a block names, one sheet per block of the year's workbook (sheets named
by the block id or ``name_vi``, as ``parlib template`` writes them), else the year's file read once
and split by the registry.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parlib.config.dataset import YearConfig
from parlib.ingest import sheets
from parlib.ingest.boundary import ascii_key


def _matches(unit_id: str, kind: str, blocks) -> list[str]:
    by_id = [b.id for b in blocks if unit_id in b.units]
    if by_id:
        return by_id
    by_kind = [b.id for b in blocks if kind in b.kinds]
    if by_kind:
        return by_kind
    return [b.id for b in blocks if not b.kinds and not b.units]


def assign(units: pd.DataFrame, blocks) -> tuple[pd.Series, pd.Series]:
    """Per unit of the registry: its block ("" in none or several) and every block it matched
    (``;``-separated)."""
    found = [_matches(uid, kind, blocks) for uid, kind in zip(units["unit_id"], units["kind"])]
    block = pd.Series([m[0] if len(m) == 1 else "" for m in found], index=units.index, dtype="str")
    candidates = pd.Series([";".join(m) for m in found], index=units.index, dtype="str")
    return block, candidates


def _sheet_of(block, titles: list[str]) -> str | None:
    wanted = {ascii_key(block.id), ascii_key(block.name_vi)}
    return next((t for t in titles if ascii_key(t) in wanted), None)


def sources(yc: YearConfig) -> list[tuple[Path, str | None, str]]:
    """The reads of a year's scores: ``(file, sheet or None, block id or "")``; block "" means the
    rows of every block sharing the year's file, split by the registry."""
    if yc.published_only:
        return []
    out: list[tuple[Path, str | None, str]] = []
    shared = []
    for b in yc.declared_blocks:
        if b.scores is not None:
            out.append((b.scores, b.sheet, b.id))
        elif b.sheet and yc.scores is not None:
            out.append((yc.scores, b.sheet, b.id))
        else:
            shared.append(b)
    if yc.scores is None or (yc.declared_blocks and not shared):
        return out
    if len(shared) > 1 and yc.scores.suffix.lower() in (".xlsx", ".xlsm"):
        titles = sheets.titles(yc.scores)
        found = [(b, _sheet_of(b, titles)) for b in shared]
        if all(t for _, t in found):
            return out + [(yc.scores, t, b.id) for b, t in found]
    return out + [(yc.scores, None, "")]
