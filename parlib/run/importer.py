"""``parlib import``: the wide tables provinces keep and publish → the contract's long files.

In: a dataset-year, a CSV or XLSX table and its layout:

- ``criteria-rows``: criteria as rows, units as columns, each unit with sub-columns named in a
  second header row (``Tự chấm`` / ``Thẩm định``, also ``Thẩm định lần N`` and ``Giải trình``); the
  unit's name stands above its first sub-column (the cells to its right may be empty or repeat it,
  as an export of merged cells does). Rows of areas and subtotals (codes of inner nodes of the
  framework) are skipped. Out: a scores file (contract §3), one row per unit × criterion.
- ``units-rows``: units as rows, one column per published figure (``Chỉ số``, ``Xếp hạng``,
  ``Xếp loại``, a part by its label: ``Điểm thẩm định``, ``Chỉ số hài lòng (SIPAS)``…). Out: a
  published file (contract §5), one row per unit × measure.

Every header is classified and every unit name matched (its id or name exactly, then NFC and
case-insensitive, then without diacritics, each step only when exactly one unit matches). The
mapping used is returned (``Plan.report``: which header → which unit, criterion or measure). What
cannot be mapped unambiguously (an unknown or ambiguous unit, two columns for one unit and field,
a header it cannot classify, an unknown criterion code) is refused, all problems together in one
``DataError``, and nothing is written. The output is a path inside the dataset folder, never
overwritten without ``force``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from parlib import ingest
from parlib.config.dataset import DatasetConfig
from parlib.core import cells, paths
from parlib.core.errors import Problem, UsageError
from parlib.ingest import boundary
from parlib.run.widegrid import Units, read_grid

LAYOUTS = ("criteria-rows", "units-rows")
CODE_HEADERS = {"ma tieu chi", "tieu chi", "ma", "ma so", "stt tieu chi", "code", "criterion"}
NAME_HEADERS = {"ten tieu chi", "noi dung", "noi dung tieu chi", "name vi", "ten"}
MAX_HEADERS = {"diem toi da", "diem chuan", "max points", "toi da"}
SUB_HEADERS = {
    "self_score": {"tu cham", "diem tu cham", "tu danh gia", "diem tu danh gia", "self"},
    "appraised_score": {"tham dinh", "diem tham dinh", "appraised"},
    "explanation": {"giai trinh", "noi dung giai trinh", "explanation"},
}
ROUND = re.compile(r"(?:diem )?tham dinh lan (\d+)")
UNIT_HEADERS = {"ten don vi", "don vi", "unit name", "unit", "ma don vi", "unit id", "tinh", "so"}
IGNORED_HEADERS = {"stt", "tt", "so thu tu", "ghi chu"}
MEASURE_HEADERS = {
    "index_pct": {"chi so", "chi so (%)", "chi so cchc", "chi so cchc (%)", "index", "par index"},
    "rank": {"xep hang", "thu hang", "hang", "rank"},
    "rank_of": {"so don vi xep hang", "rank of"},
    "band": {"xep loai", "muc xep loai", "band"},
    "self_total": {"diem tu danh gia", "tong diem tu danh gia", "tu cham", "diem tu cham"},
    "achieved_total": {"tong diem", "tong diem dat duoc", "diem dat duoc"},
    "max_total": {"diem toi da", "tong diem toi da"},
}


@dataclass
class Plan:
    """What an import did: the mapping it used, the rows it wrote, the file."""

    source: Path
    layout: str
    mapping: list[tuple[str, str]] = field(default_factory=list)  # (header, where it went)
    skipped: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    target: Path | None = None

    def report(self) -> str:
        lines = [f"{paths.display(self.source)} ({self.layout}):"]
        lines += [f"  {header} → {where}" for header, where in self.mapping]
        lines += [f"  skipped: {what}" for what in self.skipped]
        if self.target is not None:
            rows = 0 if self.table is None else len(self.table)
            lines.append(f"wrote {paths.display(self.target)} ({rows} rows)")
        return "\n".join(lines)


def _problem(check: str, path: Path, column: int, header: str, message: str, **kw) -> Problem:
    return Problem(
        "critical",
        check,
        paths.display(path),
        row=kw.pop("row", 1),
        value=header,
        key=f"column {boundary.column_letter(column + 1)}",
        message=message,
        **kw,
    )


def _framework_codes(cfg: DatasetConfig, year: int) -> dict[str, tuple[set, set, pd.DataFrame]]:
    """Per block id: (leaf codes, inner codes, leaves) of the block's framework."""
    yc = cfg.year(year)
    out = {}
    for block in yc.blocks:
        fw = yc.block_framework(block)
        if fw is None or fw.file is None:
            continue
        table = ingest.read_framework(fw.file)
        leaves = table[table["is_leaf"]]
        out[block.id] = (set(leaves["code"]), set(table.loc[~table["is_leaf"], "code"]), leaves)
    return out


def _block_of(cfg: DatasetConfig, year: int, unit: pd.Series) -> str | None:
    held = [b.id for b in cfg.year(year).blocks if b.holds(unit["unit_id"], unit["kind"])]
    return held[0] if len(held) == 1 else None


def plan_criteria_rows(cfg: DatasetConfig, year: int, path: Path, grid: list[list[str]]) -> Plan:
    """Layout ``criteria-rows``: two header rows, then one row per criterion."""
    plan, problems = Plan(path, "criteria-rows"), []
    if len(grid) < 3:
        raise UsageError(f"{paths.display(path)}: needs two header rows and at least one criterion")
    top, sub = grid[0], grid[1]
    units = ingest.read_units(cfg.units)
    matcher, code_col, columns, current = Units(units), None, {}, None
    for i, (head, subhead) in enumerate(zip(top, sub)):
        key = boundary.ascii_key(head)
        if current is None and key in CODE_HEADERS:
            code_col = i
            plan.mapping.append((head, "criterion code"))
            continue
        if current is None and (
            key in NAME_HEADERS or key in MAX_HEADERS or key in IGNORED_HEADERS
        ):
            plan.skipped.append(f"column {boundary.column_letter(i + 1)} {head!r} (not a score)")
            continue
        if head and (current is None or head != current[1]):
            unit_id, candidates = matcher.match(head)
            if unit_id is None:
                why = (
                    f"matches several units ({', '.join(candidates)})"
                    if candidates
                    else ("matches no unit of the registry (by id or name)")
                )
                problems.append(
                    _problem("import_unknown_unit", path, i, head, f"unit column {why}")
                )
                current = (None, head)
                continue
            current = (unit_id, head)
        if current is None:
            problems.append(
                _problem(
                    "import_unclassified_header",
                    path,
                    i,
                    head or subhead,
                    "a column before any unit that is not a criterion code",
                )
            )
            continue
        sub_key = boundary.ascii_key(subhead)
        target = next((f for f, names in SUB_HEADERS.items() if sub_key in names), None)
        if (m := ROUND.fullmatch(sub_key)) is not None:
            target = f"round_{int(m[1])}_score"
        if target is None:
            problems.append(
                _problem(
                    "import_unclassified_header",
                    path,
                    i,
                    subhead,
                    "sub-header not "
                    "recognised (expected Tự chấm, Thẩm định, Thẩm định lần N, Giải trình)",
                    row=2,
                )
            )
            continue
        if current[0] is None:
            continue
        if (current[0], target) in columns:
            first = boundary.column_letter(columns[current[0], target] + 1)
            problems.append(
                _problem(
                    "import_duplicate_column",
                    path,
                    i,
                    f"{current[1]} / {subhead}",
                    f"a second column for unit {current[0]} and {target} "
                    f"(the first is column {first})",
                )
            )
            continue
        columns[current[0], target] = i
        plan.mapping.append((f"{current[1]} / {subhead}", f"{current[0]} · {target}"))
    if code_col is None:
        raise UsageError(f"{paths.display(path)}: no criterion code column (Mã tiêu chí)")
    codes = _framework_codes(cfg, year)
    blocks = {
        u: _block_of(cfg, year, row) for u, row in units.set_index("unit_id", drop=False).iterrows()
    }
    fields = sorted({f for _u, f in columns}, key=_field_order)
    records = []
    for r, row in enumerate(grid[2:], start=3):
        code = row[code_col].rstrip(".")
        if not code:
            continue
        known = [c for c in codes.values() if code in c[0] or code in c[1]]
        if not known:
            problems.append(
                _problem(
                    "import_unknown_criterion",
                    path,
                    code_col,
                    code,
                    "criterion code not in the year's framework(s)",
                    row=r,
                )
            )
            continue
        if all(code in c[1] for c in known):
            plan.skipped.append(f"row {r} {code} (an area or subtotal)")
            continue
        for unit_id in dict.fromkeys(u for u, _f in columns):
            leaves = codes.get(blocks.get(unit_id), (set(), set(), None))
            if code not in leaves[0]:
                continue
            record = {"unit_id": unit_id, "criterion": code}
            record.update(
                {f: row[columns[unit_id, f]] if (unit_id, f) in columns else "" for f in fields}
            )
            records.append(record)
    if problems:
        boundary.refuse(path, "the wide table cannot be mapped unambiguously", problems)
    order = {u: n for n, u in enumerate(dict.fromkeys(u for u, _f in columns))}
    records.sort(key=lambda rec: order[rec["unit_id"]])  # unit by unit, criteria in table order
    plan.table = pd.DataFrame(records, columns=["unit_id", "criterion", *fields])
    return plan


def _field_order(name: str) -> tuple:
    """Self, round 1, explanation, round 2, … then the final score (the contract's order)."""
    m = re.fullmatch(r"round_(\d+)_score", name)
    if m:
        return (1, int(m[1]))
    return {"self_score": (0, 0), "explanation": (1, 1.5)}.get(name, (2, 0))


def plan_units_rows(
    cfg: DatasetConfig, year: int, path: Path, grid: list[list[str]], source: str
) -> Plan:
    """Layout ``units-rows``: one header row, then one row per unit."""
    plan, problems = Plan(path, "units-rows"), []
    yc = cfg.year(year)
    measures = {m: set(names) for m, names in MEASURE_HEADERS.items()}
    for fw in yc.frameworks.values():
        for c in fw.components:
            names = {c.label_vi, c.label_en, c.id, c.total_measure, *c.aliases}
            measures.setdefault(c.total_measure, set()).update(boundary.ascii_key(n) for n in names)
    units = ingest.read_units(cfg.units)
    matcher, unit_col, columns = Units(units), None, {}
    for i, head in enumerate(grid[0]):
        key = boundary.ascii_key(head)
        if unit_col is None and key in UNIT_HEADERS:
            unit_col = i
            plan.mapping.append((head, "unit"))
            continue
        if key in IGNORED_HEADERS:
            plan.skipped.append(f"column {boundary.column_letter(i + 1)} {head!r}")
            continue
        hits = [m for m, names in measures.items() if key in names]
        if len(hits) != 1:
            why = f"could be {', '.join(hits)}" if hits else "is not a published measure or part"
            problems.append(_problem("import_unclassified_header", path, i, head, f"header {why}"))
            continue
        if hits[0] in columns:
            problems.append(
                _problem("import_duplicate_column", path, i, head, f"a second column for {hits[0]}")
            )
            continue
        columns[hits[0]] = i
        plan.mapping.append((head, hits[0]))
    if unit_col is None:
        raise UsageError(f"{paths.display(path)}: no unit column (Tên đơn vị or Mã đơn vị)")
    records, seen = [], {}
    for r, row in enumerate(grid[1:], start=2):
        name = row[unit_col]
        unit_id, candidates = matcher.match(name)
        if unit_id is None:
            why = (
                f"matches several units ({', '.join(candidates)})"
                if candidates
                else "matches no unit"
            )
            problems.append(_problem("import_unknown_unit", path, unit_col, name, why, row=r))
            continue
        if unit_id in seen:
            problems.append(
                _problem(
                    "import_duplicate_column",
                    path,
                    unit_col,
                    name,
                    f"a second row for {unit_id} (the first is row {seen[unit_id]})",
                    row=r,
                )
            )
            continue
        seen[unit_id] = r
        plan.mapping.append((f"row {r} {name!r}", unit_id))
        for measure, i in columns.items():
            if row[i]:
                records.append(
                    {
                        "unit_id": unit_id,
                        "measure": measure,
                        "value": row[i],
                        "source": source,
                        "unit_name": name,
                    }
                )
    if problems:
        boundary.refuse(path, "the wide table cannot be mapped unambiguously", problems)
    plan.table = pd.DataFrame(
        records, columns=["unit_id", "measure", "value", "source", "unit_name"]
    )
    return plan


def target_path(cfg: DatasetConfig, written: str) -> Path:
    """``written`` (relative to the dataset folder) if it stays inside it once resolved."""
    home = cfg.folder.resolve()
    candidate = (home / written).resolve()
    if Path(written).is_absolute() or not candidate.is_relative_to(home) or candidate == home:
        raise UsageError(f"--out {written!r}: the file must be inside {paths.display(home)}/")
    return candidate


def run(
    cfg: DatasetConfig,
    year: int,
    file: str | Path,
    layout: str,
    out: str | None = None,
    force: bool = False,
    source: str | None = None,
) -> Plan:
    """Map ``file`` and write the long file; nothing is written when anything is refused."""
    path = Path(file)
    if not path.is_file():
        raise UsageError(f"{file}: no such file")
    if layout not in LAYOUTS:
        raise UsageError(f"--layout {layout!r}: one of {', '.join(LAYOUTS)}")
    cfg.year(year)
    grid = read_grid(path)
    if layout == "criteria-rows":
        plan = plan_criteria_rows(cfg, year, path, grid)
        default = f"scores/{year}-imported.csv"
    else:
        plan = plan_units_rows(cfg, year, path, grid, source or f"{path.name} (parlib import)")
        default = f"published/{year}.csv"
    target = target_path(cfg, out or default)
    if target.exists() and not force:
        raise UsageError(f"{paths.display(target)} exists; give --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(cells.csv_document(plan.table), encoding="utf-8")
    plan.target = target
    return plan
