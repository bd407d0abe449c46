"""Improvement plans with owners (issue #15, item 2): the points each unit lost per criterion, the
department responsible for each criterion, ranked by points recoverable, and a what-if.

In: the dataset's declared owners table (``owners.csv`` in the dataset folder, read if present:
``code``, ``owner``, ``owner_en`` optional; a code of any level applies to all criteria below it
unless a deeper row overrides), and a year's ``criterion_index`` and ``unit_index``. Out: a
``Plans`` result — per unit the leaf criteria where it lost points (lost = applicable maximum −
achieved, > 0) with the owner of the deepest matching code, sorted by points lost, and the what-if
for the top ``k``: index' = (A + Σ lost) ÷ M × 100 (A achieved, M applicable maximum of the unit),
rank' = 1 + the number of OTHER units of its block with an index above index' (everyone else
unchanged). ``Plans.save`` writes ``plans.csv`` and ``plans_whatif.csv`` to the processed folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from parlib.config.dataset import OWNERS_FILE, DatasetConfig
from parlib.core import paths
from parlib.core.errors import DataError, Problem
from parlib.core.storage import write_csv
from parlib.ingest.tables import read_text_table

TOP_K = 5  # the what-if recovers the unit's top five criteria
WHATIF_COLUMNS = [
    "unit_id",
    "block",
    "index_pct",
    "rank",
    "k",
    "recovered",
    "index_after",
    "rank_after",
]
PLAN_COLUMNS = ["unit_id", "rank_in_unit", "code", "name_vi", "name_en", "points_lost", "owner"]


def owners_path(cfg: DatasetConfig) -> Path | None:
    """``owners.csv`` of the dataset folder, or None when the dataset declares no owners."""
    path = Path(cfg.folder) / OWNERS_FILE
    return path if path.is_file() else None


def _problem(check: str, shown: str, row: int, code: str, value: str, expected: str, vi: str):
    return Problem(
        "critical",
        check,
        shown,
        row=row,
        criterion=code,
        value=value,
        expected=expected,
        expected_vi=vi,
        message=f"owners table: {check.replace('_', ' ')}",
        message_vi="bảng phân công đơn vị chủ trì có lỗi",
    )


def read_owners(path: Path, known_codes) -> dict[str, tuple[str, str]]:
    """The owners table at ``path`` checked against the framework's ``known_codes``: code →
    (owner, owner_en). Raises ``DataError`` with one located ``Problem`` per bad row (unknown code,
    empty owner, duplicate code, missing column)."""
    shown = paths.display(path)
    table = read_text_table(path, ("code", "owner"), "owners_missing_column", "owners.csv")
    known, seen, owners, problems = set(map(str, known_codes)), {}, {}, []
    for row_no, row in enumerate(table.to_dict("records"), start=2):
        code, owner = row["code"].strip(), row["owner"].strip()
        if code not in known:
            problems.append(
                _problem(
                    "owners_unknown_code",
                    shown,
                    row_no,
                    code,
                    code,
                    "a criterion code of the framework",
                    "mã tiêu chí có trong bộ tiêu chí",
                )
            )
        elif code in seen:
            problems.append(
                _problem(
                    "owners_duplicate_code",
                    shown,
                    row_no,
                    code,
                    code,
                    f"each code once (already on row {seen[code]})",
                    f"mỗi mã một lần (đã có ở dòng {seen[code]})",
                )
            )
        if not owner:
            problems.append(
                _problem(
                    "owners_empty_owner",
                    shown,
                    row_no,
                    code,
                    "",
                    "the department responsible",
                    "tên đơn vị chủ trì",
                )
            )
        seen.setdefault(code, row_no)
        owners.setdefault(code, (owner, row.get("owner_en", "").strip() or owner))
    if problems:
        raise DataError(f"{shown}: the owners table has problems", problems)
    return owners


def owner_of(code: str, owners: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """The owner of ``code``: the row of the deepest code that is ``code`` or one of its parents
    (``1.3.2`` → ``1.3.2``, else ``1.3``, else ``1``); ("", "") when none."""
    parts = str(code).split(".")
    for depth in range(len(parts), 0, -1):
        found = owners.get(".".join(parts[:depth]))
        if found:
            return found
    return ("", "")


def leaves(criterion_index: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``criterion_index`` whose code has no child code for the same unit."""
    codes = criterion_index[["unit_id", "code"]].astype(str)
    parents = set()
    for unit, code in codes.itertuples(index=False):
        parts = code.split(".")
        parents.update((unit, ".".join(parts[:d])) for d in range(1, len(parts)))
    keep = [(u, c) not in parents for u, c in codes.itertuples(index=False)]
    return criterion_index[keep]


def points_lost(criterion_index: pd.DataFrame) -> pd.DataFrame:
    """Per unit and leaf criterion: ``points_lost`` = applicable ``max_points`` − ``achieved_points``,
    only where > 0 (criteria that do not arise have no applicable maximum and lose nothing)."""
    leaf = leaves(criterion_index).copy()
    leaf["points_lost"] = (leaf["max_points"].fillna(0) - leaf["achieved_points"].fillna(0)).round(
        6
    )
    return leaf[leaf["points_lost"] > 0]


@dataclass
class Plans:
    """Per unit, the criteria where it lost points with their owners (``rows``) and the what-if
    (``whatif``: unit_id, block, index, rank, k, recovered, index_after, rank_after)."""

    year: int
    rows: pd.DataFrame
    whatif: pd.DataFrame

    def save(self, processed: Path) -> list[Path]:
        """Write ``plans.csv`` and ``plans_whatif.csv`` into ``processed``; returns the paths."""
        folder = Path(processed)
        return [
            write_csv(self.rows, folder / "plans.csv"),
            write_csv(self.whatif, folder / "plans_whatif.csv"),
        ]

    def of(self, unit_id: str) -> pd.DataFrame:
        """The plan rows of one unit, in order of points lost."""
        return self.rows[self.rows["unit_id"] == unit_id]


def what_if(unit_index: pd.DataFrame, lost: pd.DataFrame, k: int = TOP_K) -> pd.DataFrame:
    """Per unit: its index and rank, the points of its top ``k`` criteria and the index and rank
    in its block had it recovered them in full (everyone else unchanged)."""
    units = unit_index.copy()
    units["block"] = units["block"] if "block" in units else "all"
    exact = "index_pct_exact" if "index_pct_exact" in units else "index_pct"
    top = lost.groupby("unit_id")["points_lost"].apply(lambda s: s.nlargest(k).sum())
    records = []
    for unit in units.itertuples(index=False):
        recovered = float(top.get(unit.unit_id, 0.0))
        full = unit.max_points if pd.notna(unit.max_points) and unit.max_points > 0 else None
        after = (unit.achieved_points + recovered) / full * 100 if full else float("nan")
        others = units[(units["block"] == unit.block) & (units["unit_id"] != unit.unit_id)]
        records.append(
            {
                "unit_id": unit.unit_id,
                "block": unit.block,
                "index_pct": getattr(unit, exact),
                "rank": unit.rank,
                "k": k,
                "recovered": round(recovered, 6),
                "index_after": after,
                "rank_after": 1 + int((others[exact] > after + 1e-9).sum()),
            }
        )
    return pd.DataFrame.from_records(records, columns=WHATIF_COLUMNS)


def plans(
    criterion_index: pd.DataFrame,
    unit_index: pd.DataFrame,
    owners: dict[str, tuple[str, str]] | None = None,
    year: int = 0,
    k: int = TOP_K,
) -> Plans:
    """The year's improvement plans: the points lost per unit and leaf criterion with the owner,
    ranked by points lost (ties by code), and the what-if for the top ``k``."""
    owners = owners or {}
    lost = points_lost(criterion_index)
    lost = lost.sort_values(["unit_id", "points_lost", "code"], ascending=[True, False, True])
    rows = lost[["unit_id", "code", "points_lost"]].copy()
    for column in ("name_vi", "name_en"):
        rows[column] = lost[column] if column in lost else ""
    rows["owner"] = [owner_of(c, owners)[0] for c in rows["code"]]
    rows["owner_en"] = [owner_of(c, owners)[1] for c in rows["code"]]
    rows["rank_in_unit"] = rows.groupby("unit_id").cumcount() + 1
    rows = rows[[*PLAN_COLUMNS, "owner_en"]].reset_index(drop=True)
    return Plans(year=year, rows=rows, whatif=what_if(unit_index, lost, k))


STATUSES = ("Chưa thực hiện", "Đang thực hiện", "Đã hoàn thành")  # not started, under way, done
DONE = STATUSES[2]


def follow_up(actions: pd.DataFrame, next_criterion_index: pd.DataFrame) -> pd.DataFrame:
    """Per action of last year's list (``unit_id``, ``code``, ``points_lost``, ``status``...): done
    or not, the points lost on that criterion last year and this year (0 when none lost; empty when
    the unit or criterion is not in this year's results) and the points recovered (last − now)."""
    now = leaves(next_criterion_index).copy()
    now["lost_now"] = (now["max_points"].fillna(0) - now["achieved_points"].fillna(0)).clip(lower=0)
    now = now[["unit_id", "code", "lost_now"]].astype({"unit_id": str, "code": str})
    out = actions.astype({"unit_id": str, "code": str}).merge(
        now, on=["unit_id", "code"], how="left"
    )
    out["done"] = out["status"] == DONE
    out["lost_last"] = out["points_lost"]
    out["recovered"] = (out["lost_last"] - out["lost_now"]).round(6)
    return out


def summary(followed: pd.DataFrame, number=None) -> str:
    """One sentence: how many actions, how many done, the points the done ones recovered of the
    points they had lost (``number(value, decimals)`` formats the figures; decimal comma default)."""
    number = number or (lambda v, d: f"{v:.{d}f}".replace(".", ","))
    done = followed[followed["done"]]
    return (
        f"Trong {len(followed)} biện pháp, {len(done)} đã hoàn thành; các biện pháp này đã khôi "
        f"phục {number(float(done['recovered'].fillna(0).sum()), 2)} điểm trong số "
        f"{number(float(done['lost_last'].sum()), 2)} điểm bị mất."
    )
