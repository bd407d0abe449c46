"""What a dataset declares: ``data/raw/<dataset>/dataset.toml`` read into typed records.

In: the dataset folder. Out: a ``DatasetConfig`` with its frameworks and years, every referenced file
checked to exist. Unknown keys are errors (a typo must not silently switch an option off).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from parlib.core import paths
from parlib.core.errors import DataError, Problem, UsageError

_DATASET_KEYS = {
    "title_vi",
    "title_en",
    "synthetic",
    "units",
    "frameworks",
    "years",
    "unit_label_vi",
    "unit_label_en",
    "bands",
    "description",
    "corrections",
    "alternatives",
    "national_results",
}
_FRAMEWORK_KEYS = {
    "file",
    "decision",
    "unit_kind",
    "declared_total",
    "declared_appraisal",
    "declared_survey",
    "note",
}
_YEAR_KEYS = {
    "framework",
    "scores",
    "published",
    "decimals",
    "prefer_published_totals",
    "note",
    "survey_responses",
}


@dataclass(frozen=True)
class FrameworkConfig:
    id: str
    file: Path
    decision: str
    unit_kind: str = ""
    declared_total: float | None = None
    declared_appraisal: float | None = None
    declared_survey: float | None = None


@dataclass(frozen=True)
class YearConfig:
    year: int
    framework: FrameworkConfig
    scores: Path
    published: Path | None = None
    decimals: int = 2
    prefer_published_totals: bool = False
    survey_responses: Path | None = None  # respondent-level survey answers (optional)


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
        files = [self.folder / "dataset.toml", self.units, yc.framework.file, yc.scores]
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
        return files


def list_datasets(raw: Path | None = None) -> list[str]:
    raw = raw or paths.raw_dir()
    return sorted(p.parent.name for p in raw.glob("*/dataset.toml"))


def _unknown_keys(table: dict, allowed: set[str], file: Path, where: str) -> list[Problem]:
    return [
        Problem(
            "critical",
            "config_unknown_key",
            paths.display(file),
            value=k,
            expected=f"one of {sorted(allowed)}",
            message=f"unknown key in {where}",
        )
        for k in table
        if k not in allowed
    ]


def load_dataset(name: str, raw: Path | None = None) -> DatasetConfig:
    """Read and check ``data/raw/<name>/dataset.toml``."""
    raw = Path(raw) if raw else paths.raw_dir()
    folder = raw / name
    toml_path = folder / "dataset.toml"
    if not toml_path.is_file():
        known = ", ".join(list_datasets(raw)) or "none"
        raise UsageError(f"no dataset {name!r} in {raw} (no {toml_path.name}); datasets: {known}")
    try:
        doc = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{toml_path}: not valid TOML: {exc}") from exc

    problems = _unknown_keys(doc, _DATASET_KEYS, toml_path, "the dataset")

    def need_file(rel: str | None, what: str) -> Path | None:
        if rel is None:
            return None
        path = folder / rel
        if not path.is_file():
            problems.append(
                Problem(
                    "critical",
                    "config_missing_file",
                    paths.display(toml_path),
                    value=rel,
                    expected="an existing file",
                    message=f"{what} file not found",
                )
            )
        return path

    frameworks: dict[str, FrameworkConfig] = {}
    for fid, fw in doc.get("frameworks", {}).items():
        problems += _unknown_keys(fw, _FRAMEWORK_KEYS, toml_path, f"[frameworks.{fid}]")
        frameworks[fid] = FrameworkConfig(
            id=fid,
            file=need_file(fw.get("file"), f"framework {fid}") or folder,
            decision=str(fw.get("decision", fid)),
            unit_kind=str(fw.get("unit_kind", "")),
            declared_total=fw.get("declared_total"),
            declared_appraisal=fw.get("declared_appraisal"),
            declared_survey=fw.get("declared_survey"),
        )

    years: dict[int, YearConfig] = {}
    for key, yc in doc.get("years", {}).items():
        problems += _unknown_keys(yc, _YEAR_KEYS, toml_path, f"[years.{key}]")
        try:
            year = int(key)
        except ValueError:
            problems.append(
                Problem(
                    "critical",
                    "config_bad_year",
                    paths.display(toml_path),
                    value=key,
                    expected="a four-digit year",
                    message="year keys are years",
                )
            )
            continue
        fid = yc.get("framework")
        if fid not in frameworks:
            problems.append(
                Problem(
                    "critical",
                    "config_unknown_framework",
                    paths.display(toml_path),
                    value=str(fid),
                    expected=f"one of {sorted(frameworks)}",
                    message=f"[years.{key}] names a framework that is not declared",
                )
            )
            continue
        scores = need_file(yc.get("scores"), f"scores {year}")
        if scores is None:
            problems.append(
                Problem(
                    "critical",
                    "config_missing_key",
                    paths.display(toml_path),
                    value="scores",
                    message=f"[years.{key}] needs a scores file",
                )
            )
            continue
        years[year] = YearConfig(
            year=year,
            framework=frameworks[fid],
            scores=scores,
            published=need_file(yc.get("published"), f"published {year}"),
            decimals=int(yc.get("decimals", 2)),
            prefer_published_totals=bool(yc.get("prefer_published_totals", False)),
            survey_responses=need_file(yc.get("survey_responses"), f"survey responses {year}"),
        )

    units = need_file(doc.get("units", "units.csv"), "units")
    bands_rel = doc.get("bands", "bands.csv" if (folder / "bands.csv").is_file() else None)
    bands = need_file(bands_rel, "bands")

    def optional(key: str, default: str, what: str) -> Path | None:
        rel = doc.get(key, default if (folder / default).is_file() else None)
        return need_file(rel, what)

    corrections = optional("corrections", "corrections.csv", "corrections")
    alternatives = optional("alternatives", "alternatives.toml", "alternatives")
    national_results = optional("national_results", "national_results.csv", "national results")
    if problems:
        raise DataError(f"{toml_path}: the dataset declaration has problems", problems)
    return DatasetConfig(
        name=name,
        folder=folder,
        title_vi=str(doc.get("title_vi", name)),
        title_en=str(doc.get("title_en", name)),
        synthetic=bool(doc.get("synthetic", False)),
        units=units,
        bands=bands,
        corrections=corrections,
        alternatives=alternatives,
        national_results=national_results,
        frameworks=frameworks,
        years=dict(sorted(years.items())),
        unit_label_vi=str(doc.get("unit_label_vi", "đơn vị")),
        unit_label_en=str(doc.get("unit_label_en", "unit")),
    )
