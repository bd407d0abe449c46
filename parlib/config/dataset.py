"""What a dataset declares: ``data/raw/<dataset>/dataset.toml`` read into typed records.

In: the dataset folder. Out: a ``DatasetConfig`` with its frameworks and years, checked against the
strict schema of ``parlib.config.schema`` (types without coercion, ranges, unknown keys refused with
the valid ones, required keys) and every referenced file confined to the dataset folder
(``parlib.config.confine``: its resolved path, symbolic links followed, is inside the folder). The
file is read as bytes (``parlib.config.tomlfile``): UTF-8, with or without a byte-order mark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from parlib.config import confine, rules, schema, tomlfile
from parlib.config.model import LEGACY_COMPONENTS, BlockConfig, ComponentConfig, all_units
from parlib.core import paths
from parlib.core.errors import DataError, Problem, UsageError


@dataclass(frozen=True)
class FrameworkConfig:
    id: str
    file: Path | None  # None: a framework of parts only (published-results-only years)
    decision: str
    unit_kind: str = ""
    declared_total: float | None = None
    declared_appraisal: float | None = None
    declared_survey: float | None = None
    components: tuple[ComponentConfig, ...] = LEGACY_COMPONENTS  # its scored parts, in order
    index_cap: float | None = None  # the index never exceeds it (bonus points), e.g. 100

    def component(self, cid: str) -> ComponentConfig:
        return next(c for c in self.components if c.id == cid)


@dataclass(frozen=True)
class YearConfig:
    year: int
    framework: FrameworkConfig | None  # None: every block names its own, or published only
    scores: Path | None  # None: every block names its own file, or published results only
    published: Path | None = None
    decimals: int = 2
    prefer_published_totals: bool = False
    survey_responses: Path | None = None  # respondent-level survey answers (optional)
    declared_blocks: tuple[BlockConfig, ...] = ()  # as declared (empty: one block of every unit)
    self_assessment: bool = True  # False: no self-assessment is known this year
    frameworks: dict[str, FrameworkConfig] = field(default_factory=dict)  # every one it uses

    @property
    def blocks(self) -> tuple[BlockConfig, ...]:
        """The year's blocks: as declared, or one implicit block of every unit."""
        if self.declared_blocks:
            return self.declared_blocks
        return (all_units(self.framework.id if self.framework else None),)

    @property
    def published_only(self) -> bool:
        """A year of published results only: no score file, no criteria."""
        return self.scores is None and not any(b.scores for b in self.declared_blocks)

    @property
    def methodology(self) -> str:
        """The decisions its frameworks follow, as reports name them ("" for published results
        only with no framework)."""
        used = [b.framework for b in self.blocks if b.framework] or (
            [self.framework.id] if self.framework else []
        )
        decisions = [
            self.frameworks[f].decision for f in dict.fromkeys(used) if f in self.frameworks
        ]
        return "; ".join(dict.fromkeys(decisions))  # two blocks may follow one decision

    def block_framework(self, block: BlockConfig) -> FrameworkConfig | None:
        """The framework a block is scored on (the year's when the block names none)."""
        if block.framework is None:
            return self.framework
        return self.frameworks.get(block.framework) or self.framework


@dataclass(frozen=True)
class TrackingConfig:
    """``[tracking.<year>]``: a year followed by interim self-assessments against ``baseline``'s
    results (``parlib.history.progress``). ``periods``: (period, file) in time order (Q1-Q4 or
    M01-M12); ``plan``: a filled action list (None: ``actions/<baseline>.xlsx`` when present,
    else the baseline's own plans)."""

    year: int
    baseline: int
    periods: tuple[tuple[str, Path], ...]
    plan: Path | None = None
    note: str = ""

    @property
    def files(self) -> list[Path]:
        return [f for _, f in self.periods] + ([self.plan] if self.plan else [])


@dataclass(frozen=True)
class DatasetConfig:
    name: str
    folder: Path
    title_vi: str
    title_en: str
    synthetic: bool
    units: Path
    bands: Path | None
    corrections: Path | None = None  # declared corrections of known source errors (optional)
    alternatives: Path | None = None  # methodology alternatives for robustness analyses (optional)
    national_results: Path | None = None  # published national results for benchmarks (optional)
    frameworks: dict[str, FrameworkConfig] = field(default_factory=dict)
    years: dict[int, YearConfig] = field(default_factory=dict)
    unit_label_vi: str = "đơn vị"
    unit_label_en: str = "unit"
    tracking: dict[int, TrackingConfig] = field(default_factory=dict)  # tracked year → periods

    def title(self, lang: str) -> str:
        return self.title_vi if lang == "vi" else self.title_en

    def year(self, year: int) -> YearConfig:
        if year not in self.years:
            known = ", ".join(str(y) for y in sorted(self.years))
            raise UsageError(f"dataset {self.name!r} has no year {year}; it has: {known}")
        return self.years[year]

    def input_files(self, year: int) -> list[Path]:
        """Every raw file one year's results depend on (for provenance and hashing)."""
        yc = self.year(year)
        files = [self.folder / "dataset.toml", self.units]
        files += [f.file for f in yc.frameworks.values() if f.file is not None]
        files += [yc.scores] if yc.scores is not None else []
        files += [b.scores for b in yc.declared_blocks if b.scores is not None]
        files += [
            p
            for p in (
                yc.published,
                yc.survey_responses,
                self.bands,
                self.corrections,
                self.alternatives,
                self.national_results,
            )
            if p is not None
        ]
        files += [p for p in self.plan_files(year) if p.is_file()]
        return list(dict.fromkeys(files))

    def tracking_files(self) -> list[Path]:
        """Every file of the in-year tracking (``[tracking.<year>]``): the dataset's progress page
        depends on them (``parlib.run.fanout``)."""
        return [f for tr in self.tracking.values() for f in tr.files]

    def latest_tracking(self, published: list[int]) -> TrackingConfig | None:
        """The latest tracked year whose baseline is among the ``published`` years, or None."""
        found = [tr for tr in self.tracking.values() if tr.baseline in published]
        return found[-1] if found else None

    def plan_files(self, year: int) -> list[Path]:
        """The improvement plans' inputs of ``year``, read when present: the owners table and last
        year's filled action list (``parlib.fairness.plans``, ``parlib.publish.action_list``)."""
        return [self.folder / OWNERS_FILE, self.folder / "actions" / f"{year - 1}.xlsx"]


def list_datasets(raw: Path | None = None) -> list[str]:
    raw = raw or paths.raw_dir()
    return sorted(p.parent.name for p in raw.glob("*/dataset.toml"))


def _default_named(folder: Path, key: str, default: str, file: str) -> tuple[Path | None, list]:
    """A file found by its default name (``bands.csv``...), confined like the declared ones."""
    if not (folder / default).is_file() and not (folder / default).is_symlink():
        return None, []
    try:
        return confine.inside(folder, default), []
    except confine.Refused as why:
        return None, [
            Problem(
                "critical",
                why.check,
                file,
                key=key,
                value=default,
                expected=schema.EXPECTED["bands"][0],
                expected_vi=schema.EXPECTED["bands"][1],
                message=f"{default} (found by its default name) {why.message}",
                message_vi=f"{default} (tìm theo tên mặc định) {why.message_vi}",
            )
        ]


OWNERS_FILE = "owners.csv"  # who is responsible for which criterion (optional, read if present)

# files the workbook finds by name when dataset.toml does not name them: (key, default name)
DEFAULT_NAMED = (
    ("bands", "bands.csv"),
    ("corrections", "corrections.csv"),
    ("alternatives", "alternatives.toml"),
    ("national_results", "national_results.csv"),
    ("lineage", "lineage.csv"),
)


def load_dataset(
    name: str, raw: Path | None = None, allow_missing_scores: bool = False
) -> DatasetConfig:
    """Read and check ``data/raw/<name>/dataset.toml`` against ``parlib.config.schema``.

    Every problem (encoding, TOML syntax, types, ranges, unknown and missing keys, paths outside
    the dataset folder, missing files, undeclared frameworks) is a located ``Problem``, all raised
    together in one ``DataError``. Every path is the file's resolved path inside the folder.
    ``allow_missing_scores``: score files that do not exist yet are no problem (``parlib template``
    writes them).
    """
    raw = Path(raw) if raw else paths.raw_dir()
    folder = raw / name
    toml_path = folder / "dataset.toml"
    if not toml_path.is_file():
        known = ", ".join(list_datasets(raw)) or "none"
        raise UsageError(
            f"no dataset {name!r} in {paths.display(raw)} (no {toml_path.name}); datasets: {known}"
        )
    shown = f"{paths.display(folder)}/dataset.toml"
    _, problems = _default_named(folder, "", "dataset.toml", shown)
    if problems:
        raise DataError(f"{shown}: the dataset declaration is refused", problems)
    doc = tomlfile.load(toml_path, shown)
    model, problems = schema.validate(doc, folder, shown, allow_missing_scores)
    problems += rules.unknown_frameworks(doc, shown)
    if model is not None:
        problems += rules.check(model, shown)
    found: dict[str, Path | None] = {}
    for key, default in DEFAULT_NAMED:
        if key not in doc:
            found[key], more = _default_named(folder, key, default, shown)
            problems += more
    if problems or model is None:
        raise DataError(f"{shown}: the dataset declaration has problems", problems)
    frameworks = {fid: _framework(fid, fw) for fid, fw in model.frameworks.items()}
    years = {int(key): _year(int(key), yc, frameworks) for key, yc in model.years.items()}

    def declared(key: str) -> Path | None:
        return getattr(model, key) if key in doc else found[key]

    return DatasetConfig(
        name=name,
        folder=folder,
        title_vi=model.title_vi,
        title_en=model.title_en,
        synthetic=model.synthetic,
        units=model.units,
        bands=declared("bands"),
        corrections=declared("corrections"),
        alternatives=declared("alternatives"),
        national_results=declared("national_results"),
        frameworks=frameworks,
        years=dict(sorted(years.items())),
        unit_label_vi=model.unit_label_vi,
        unit_label_en=model.unit_label_en,
        tracking={
            int(key): TrackingConfig(
                year=int(key),
                baseline=tr.baseline,
                periods=tuple(sorted(tr.periods.items())),  # Q1 < Q2, M01 < M02
                plan=tr.plan,
                note=tr.note,
            )
            for key, tr in sorted(model.tracking.items())
        },
    )


def _component(cid: str, comp) -> ComponentConfig:
    assessed = comp.kind == "assessed"
    return ComponentConfig(
        id=cid,
        kind=comp.kind,
        label_vi=comp.label_vi,
        label_en=comp.label_en or comp.label_vi,
        max=comp.max,
        cap=comp.cap,
        self_assessed=assessed if comp.self_assessed is None else comp.self_assessed,
        aliases=tuple(comp.aliases),
    )


def _framework(fid: str, fw) -> FrameworkConfig:
    components = tuple(_component(cid, c) for cid, c in fw.components.items())
    return FrameworkConfig(
        id=fid,
        file=fw.file,
        decision=fw.decision or fid,
        unit_kind=fw.unit_kind,
        declared_total=fw.declared_total,
        declared_appraisal=fw.declared_appraisal,
        declared_survey=fw.declared_survey,
        components=components or LEGACY_COMPONENTS,
        index_cap=fw.index_cap,
    )


def _year(year: int, yc, frameworks: dict[str, FrameworkConfig]) -> YearConfig:
    blocks = tuple(
        BlockConfig(
            id=bid,
            name_vi=b.name_vi,
            name_en=b.name_en or b.name_vi,
            framework=b.framework or yc.framework,
            kinds=tuple(b.kinds),
            units=tuple(b.units),
            scores=b.scores,
            sheet=b.sheet,
        )
        for bid, b in yc.blocks.items()
    )
    used = [yc.framework] if yc.framework else []
    used += [b.framework for b in blocks if b.framework]
    return YearConfig(
        year=year,
        framework=frameworks[yc.framework] if yc.framework else None,
        scores=yc.scores,
        published=yc.published,
        decimals=yc.decimals,
        prefer_published_totals=yc.prefer_published_totals,
        survey_responses=yc.survey_responses,
        declared_blocks=blocks,
        self_assessment=yc.self_assessment,
        frameworks={f: frameworks[f] for f in dict.fromkeys(used)},
    )


def refused_datasets(raw: Path | None = None) -> dict[str, list[Problem]]:
    """The datasets under ``raw`` whose ``dataset.toml`` is refused, each with its problems (the
    landing page lists them, so a dataset that cannot even be declared is not silently absent)."""
    refused: dict[str, list[Problem]] = {}
    for name in list_datasets(raw):
        try:
            load_dataset(name, raw)
        except DataError as exc:
            refused[name] = exc.problems or [
                Problem("critical", "config_invalid", message=str(exc))
            ]
    return refused
