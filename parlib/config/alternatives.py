"""Alternatives: the methodology alternatives and Monte Carlo settings a dataset declares in
``alternatives.toml``, validated on load (read as bytes like ``dataset.toml``: UTF-8 with or
without a byte-order mark, other encodings refused by name; no coercion of types).

In: the file's path (or None: the official rule only). Out: ``Alternatives`` (each ``Alternative`` a
rule, component and weights; ``MonteCarlo`` draws, seed and ranges). Problems are located
``DataError`` records naming the file and key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from parlib.config import tomlfile
from parlib.core import paths
from parlib.core.errors import DataError, Problem

RULES = (
    "official",
    "rescale_missing_component",
    "impute_not_applicable",
    "not_applicable_as_zero",
    "area_weights",
)


COMPONENTS = ("appraisal", "survey", "all")


_TOP_KEYS = {"alternatives", "monte_carlo", "description"}


_ALT_KEYS = {"rule", "label_vi", "label_en", "component", "weights", "note"}


_MC_KEYS = {"draws", "seed", "area_weight_range", "survey_noise_sd", "alternatives"}


_NEEDS_COMPONENT = ("impute_not_applicable", "not_applicable_as_zero")


@dataclass(frozen=True)
class Alternative:
    """One declared way of computing the index."""

    name: str
    rule: str
    label_vi: str = ""
    label_en: str = ""
    component: str = ""  # impute_not_applicable, not_applicable_as_zero
    weights: str | dict[str, float] | None = None  # area_weights: "equal" or area → multiplier

    def label(self, lang: str) -> str:
        return (self.label_vi if lang == "vi" else self.label_en) or self.label_en or self.name


@dataclass(frozen=True)
class MonteCarlo:
    """Settings of the rank-interval simulation (defaults apply when a dataset declares none)."""

    draws: int = 1000
    seed: int = 20241123
    area_weight_range: float = 0.2  # each area's weight × U(1 − r, 1 + r)
    survey_noise_sd: float = 0.25  # points added to each applicable survey part, N(0, sd²)
    alternatives: tuple[str, ...] = ("official",)


@dataclass(frozen=True)
class Alternatives:
    """What ``alternatives.toml`` declares: the named alternatives (official first) and the MC."""

    items: tuple[Alternative, ...] = (Alternative("official", "official"),)
    monte_carlo: MonteCarlo = field(default_factory=MonteCarlo)
    source: str = ""  # the file it came from, "" for the built-in default

    def get(self, name: str) -> Alternative:
        return next(a for a in self.items if a.name == name)


OFFICIAL = Alternative("official", "official", "Chính thức", "Official")


def load_alternatives(path: Path | None) -> Alternatives:
    """Read and check ``alternatives.toml``; without a file, only ``official`` and the MC defaults.

    Unknown keys or rules, bad values and undeclared names are ``DataError`` problems naming the
    file and the key. ``official`` is always present (added first when not declared).
    """
    if path is None:
        return Alternatives(items=(OFFICIAL,))
    where = paths.display(path)
    doc = tomlfile.load(Path(path), where)  # UTF-8 (BOM tolerated); other encodings named
    problems: list[Problem] = []

    def bad(key: str, value: object, expected: str, message: str) -> None:
        problems.append(
            Problem(
                "critical",
                "alternatives_invalid",
                where,
                key=key,
                value=f"{key} = {value!r}",
                expected=expected,
                message=message,
            )
        )

    for key in doc:
        if key not in _TOP_KEYS:
            bad(key, doc[key], f"one of {sorted(_TOP_KEYS)}", "unknown key")
    if not isinstance(doc.get("description", ""), str):
        bad("description", doc["description"], "text in quotes", "not text")
    items: list[Alternative] = []
    declared = doc.get("alternatives", {})
    if not isinstance(declared, dict):
        bad("alternatives", declared, "tables [alternatives.<name>]", "not a table")
        declared = {}
    for name, spec in declared.items():
        prefix = f"alternatives.{name}"
        if not isinstance(spec, dict):
            bad(prefix, spec, "a table with a rule", "not a table")
            continue
        for key in spec:
            if key not in _ALT_KEYS:
                bad(f"{prefix}.{key}", spec[key], f"one of {sorted(_ALT_KEYS)}", "unknown key")
            elif key in ("label_vi", "label_en", "note") and not isinstance(spec[key], str):
                bad(f"{prefix}.{key}", spec[key], "text in quotes", "not text (no coercion)")
        rule = spec.get("rule")
        if rule not in RULES:
            bad(f"{prefix}.rule", rule, f"one of {list(RULES)}", "unknown or missing rule")
            continue
        component = str(spec.get("component", ""))
        if rule in _NEEDS_COMPONENT and component not in COMPONENTS:
            bad(
                f"{prefix}.component",
                spec.get("component"),
                f"one of {list(COMPONENTS)}",
                f"rule {rule} needs a component",
            )
        elif rule not in _NEEDS_COMPONENT and "component" in spec:
            bad(f"{prefix}.component", component, "no component", f"rule {rule} takes none")
        weights = spec.get("weights")
        if rule == "area_weights":
            if weights == "equal":
                pass
            elif (
                isinstance(weights, dict)
                and weights
                and all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
                    for v in weights.values()
                )
            ):
                weights = {str(k): float(v) for k, v in weights.items()}
            else:
                bad(
                    f"{prefix}.weights",
                    weights,
                    '"equal" or a table area = multiplier > 0',
                    "area_weights needs weights",
                )
                continue
        elif weights is not None:
            bad(f"{prefix}.weights", weights, "no weights", f"rule {rule} takes none")
        items.append(
            Alternative(
                str(name),
                str(rule),
                str(spec.get("label_vi", "")),
                str(spec.get("label_en", "")),
                component,
                weights,
            )
        )
    if not any(a.name == "official" for a in items):
        items.insert(0, OFFICIAL)
    elif items[0].name != "official":
        items.sort(key=lambda a: a.name != "official")
    official = next(a for a in items if a.name == "official")
    if official.rule != "official":
        bad(
            "alternatives.official.rule",
            official.rule,
            '"official"',
            "the name official is kept for the official method",
        )

    mc_doc = doc.get("monte_carlo", {})
    defaults = MonteCarlo()
    values: dict[str, object] = {}
    if not isinstance(mc_doc, dict):
        bad("monte_carlo", mc_doc, "a table [monte_carlo]", "not a table")
        mc_doc = {}
    for key, value in mc_doc.items():
        if key not in _MC_KEYS:
            bad(f"monte_carlo.{key}", value, f"one of {sorted(_MC_KEYS)}", "unknown key")
        elif key in ("draws", "seed"):
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or value < (1 if key == "draws" else 0)
            ):
                bad(
                    f"monte_carlo.{key}",
                    value,
                    "a whole number ≥ 1" if key == "draws" else "a whole number ≥ 0",
                    "not a valid setting",
                )
            else:
                values[key] = value
        elif key == "area_weight_range":
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value < 1:
                bad(
                    f"monte_carlo.{key}",
                    value,
                    "a number from 0 to below 1 (0.2 = ±20 %)",
                    "not a valid setting",
                )
            else:
                values[key] = float(value)
        elif key == "survey_noise_sd":
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                bad(f"monte_carlo.{key}", value, "a number of points ≥ 0", "not a valid setting")
            else:
                values[key] = float(value)
        elif key == "alternatives":
            known = {a.name for a in items}
            if (
                not isinstance(value, list)
                or not value
                or any(not isinstance(v, str) or v not in known for v in value)
            ):
                bad(
                    f"monte_carlo.{key}",
                    value,
                    f"a non-empty list of {sorted(known)}",
                    "names an alternative that is not declared",
                )
            else:
                values[key] = tuple(value)
    if problems:
        raise DataError(f"{where}: the methodology alternatives have problems", problems)
    mc = MonteCarlo(**{**defaults.__dict__, "alternatives": tuple(a.name for a in items), **values})
    return Alternatives(items=tuple(items), monte_carlo=mc, source=where)
