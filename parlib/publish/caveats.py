"""Caveats: everything that qualifies a dataset-year's figures, collected once from the saved
tables, so that every page of the year states the same ones (none says "no warnings" while another
raises one).

In: a dataset-year's output folder (``data/processed/<dataset>/<year>/``): ``unit_index``, the
validation records (``validation.json``, ``validation_results.json``), ``survey_quality``,
``fairness_bias``, ``reconciliation``, ``conflicts``, ``components``; and, for methodology
changes, the dataset's configuration (given, or found beside the output folder). Out: a list of
``Caveat`` (kind, severity, block, unit, text in Vietnamese and English from the label catalogue,
a link to the evidence: a page and an anchor on it) and ``caveats_html``, the box every page that
states caveats shows (``data-caveats="<n>"``: how many it states).

Kinds, and where the evidence is (page names in their Vietnamese form; ``localized`` gives the
English one):

- ``validation``: each warning of the validation suites (``05_report.html#validation-warnings``);
- ``survey``: each unit's survey-quality flag — ``gap`` (the scores file's survey points differ
  from what the survey answers give), ``too_few`` respondents, ``excess_straightlining``
  (``04_fairness.html#survey-quality``);
- ``fairness``: a significant max-points bias among all units of a block
  (``04_fairness.html#max-bias``);
- ``reconciliation``: each published figure the computed one does not match
  (``03_index.html#reconciliation``);
- ``conflict``: each unit × measure whose sources print different values
  (``03_index.html#conflicts``);
- ``methodology``: a block scored under another methodology than in the previous year
  (``05_report.html#main-points``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from parlib.config.dataset import DatasetConfig, load_dataset
from parlib.core.labels import number, t
from parlib.history.trends import methodology_changes
from parlib.publish.markup import esc
from parlib.publish.pages import localized
from parlib.publish.sentences import measure_name

KINDS = ("validation", "survey", "fairness", "reconciliation", "conflict", "methodology")
SURVEY_FLAGS = ("gap", "too_few", "excess_straightlining")


@dataclass(frozen=True)
class Caveat:
    """One caveat: what kind of evidence, how serious, whom it concerns, what it says in each
    language and where the evidence is (a link relative to the year's reports folder)."""

    kind: str  # validation | survey | fairness | reconciliation | conflict | methodology
    severity: str  # warning | info
    block: str = ""  # "" = the whole year
    unit_id: str = ""  # "" = not about one unit
    text_vi: str = ""
    text_en: str = ""
    evidence: str = ""  # e.g. "04_fairness.html#survey-quality" (Vietnamese page name)

    def text(self, lang: str) -> str:
        return self.text_vi if lang == "vi" else self.text_en


def anchor(name: str, block: str = "", split: bool = False) -> str:
    """The ``id`` of an evidence section: ``name`` for a year of one block, ``name-<block>`` for
    one block's section when the year has several (``split``)."""
    return f"{name}-{block}" if split and block else name


def _read(out: Path, name: str) -> pd.DataFrame | None:
    path = out / f"{name}.csv"
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype={"unit_id": "str", "block": "str"}, keep_default_na=True)


def _texts(key: str, **values: object) -> tuple[str, str]:
    """The label ``key`` in both languages; numbers in ``values`` given as (value, decimals)
    are written in each language's format."""

    def fill(lang: str) -> dict:
        return {
            k: number(v[0], v[1], lang) if isinstance(v, tuple) else v for k, v in values.items()
        }

    return t(key, "vi", **fill("vi")), t(key, "en", **fill("en"))


def _blocks_of(unit_index: pd.DataFrame | None) -> dict[str, str]:
    if unit_index is None or "block" not in unit_index.columns:
        return {}
    return dict(zip(unit_index["unit_id"].astype(str), unit_index["block"].fillna("").astype(str)))


def _names(unit_index: pd.DataFrame | None) -> dict[str, str]:
    if unit_index is None:
        return {}
    return dict(zip(unit_index["unit_id"].astype(str), unit_index["unit_name"].astype(str)))


def _split(unit_index: pd.DataFrame | None) -> bool:
    if unit_index is None or "block" not in unit_index.columns:
        return False
    blocks = set(unit_index["block"].fillna("").astype(str)) - {""}
    return len(blocks) > 1 or (len(blocks) == 1 and blocks != {"all"})


CODE_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def in_words(message: str, lang: str) -> str:
    """A suite's message with the code names of measures it quotes (``index_pct``) in words."""
    return CODE_NAME.sub(lambda m: measure_name(m.group(0), lang), message)


def validation(out: Path, names: dict, blocks: dict) -> list[Caveat]:
    """One caveat per warning of the validation suites (inputs, then computed results)."""
    found = []
    for record in ("validation.json", "validation_results.json"):
        path = out / record
        if path.is_file():
            found += json.loads(path.read_text(encoding="utf-8")).get("problems", [])
    out_list = []
    for p in found:
        unit = str(p.get("unit_id") or "")
        who = names.get(unit, "")
        vi = in_words(p.get("message_vi") or p.get("message") or "", "vi")
        en = in_words(p.get("message") or vi, "en")
        text_vi = t("caveat_validation", "vi", unit=who or t("caveat_whole_year", "vi"), message=vi)
        text_en = t("caveat_validation", "en", unit=who or t("caveat_whole_year", "en"), message=en)
        out_list.append(
            Caveat(
                "validation",
                "warning" if p.get("severity") != "info" else "info",
                blocks.get(unit, ""),
                unit,
                text_vi,
                text_en,
                "05_report.html#validation-warnings",
            )
        )
    return out_list


def survey(out: Path, blocks: dict, split: bool) -> list[Caveat]:
    """One caveat per unit and survey-quality flag raised in ``survey_quality``."""
    quality = _read(out, "survey_quality")
    if quality is None or quality.empty:
        return []
    found = []
    for r in quality.itertuples(index=False):
        unit = str(r.unit_id)
        block = blocks.get(unit, str(getattr(r, "block", "")) if split else "")
        link = f"04_fairness.html#{anchor('survey-quality', block, split)}"
        values = {
            "gap": dict(
                file=(r.survey_points_file, 2),
                answers=(r.survey_points_answers, 2),
                difference=(abs(r.difference), 2),
            ),
            "too_few": dict(n=int(r.n_respondents)),
            "excess_straightlining": dict(
                share=(100 * float(r.straightliner_share), 0),
                chance=(100 * float(r.straightliner_chance_share), 0),
            ),
        }
        for flag in SURVEY_FLAGS:
            if _true(getattr(r, flag, False)):
                vi, en = _texts(f"caveat_survey_{flag}", unit=r.unit_name, **values[flag])
                found.append(Caveat("survey", "warning", block, unit, vi, en, link))
    return found


def _true(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value) if pd.notna(value) else False


def bias(out: Path, split: bool) -> list[Caveat]:
    """One caveat per block whose max-points bias (all its units) is significant."""
    table = _read(out, "fairness_bias")
    if table is None or table.empty:
        return []
    rows = table[(table["scope"] == "all") & table["finding"].isin(["negative", "positive"])]
    found = []
    for r in rows.itertuples(index=False):
        block = str(getattr(r, "block", "")) if split else ""
        vi, en = _texts(f"caveat_bias_{r.finding}", rho=(r.spearman_rho, 2), n=int(r.n_units))
        link = f"04_fairness.html#{anchor('max-bias', block, split)}"
        found.append(Caveat("fairness", "warning", block, "", vi, en, link))
    return found


def reconciliation(out: Path, names: dict, blocks: dict) -> list[Caveat]:
    """One caveat per published figure the computed one does not match (beyond rounding)."""
    recon = _read(out, "reconciliation")
    if recon is None or recon.empty:
        return []
    comps = _read(out, "components")
    found = []
    for r in recon[recon["status"] == "mismatch"].itertuples(index=False):
        unit = str(r.unit_id)

        def text(lang: str, r=r, unit=unit) -> str:
            return t(
                "caveat_reconciliation",
                lang,
                unit=names.get(unit, unit),
                measure=measure_name(str(r.measure), lang, comps),
                computed=number(r.computed, 2, lang),
                published=number(r.published, 2, lang),
            )

        found.append(
            Caveat(
                "reconciliation",
                "warning",
                blocks.get(unit, ""),
                unit,
                text("vi"),
                text("en"),
                "03_index.html#reconciliation",
            )
        )
    return found


def conflicts(out: Path, names: dict, blocks: dict) -> list[Caveat]:
    """One caveat per unit × measure whose sources print different values."""
    table = _read(out, "conflicts")
    if table is None or table.empty or "values_differ" not in table.columns:
        return []
    differ = table[table["values_differ"].map(_true)]
    comps = _read(out, "components")
    found = []
    for (unit, measure), rows in differ.groupby(["unit_id", "measure"], sort=True):
        values_vi = ", ".join(number(v, 2, "vi") for v in rows["value"])
        values_en = ", ".join(number(v, 2, "en") for v in rows["value"])
        vi = t(
            "caveat_conflict",
            "vi",
            unit=names.get(unit, unit),
            measure=measure_name(measure, "vi", comps),
            values=values_vi,
            n=len(rows),
        )
        en = t(
            "caveat_conflict",
            "en",
            unit=names.get(unit, unit),
            measure=measure_name(measure, "en", comps),
            values=values_en,
            n=len(rows),
        )
        found.append(
            Caveat(
                "conflict", "info", blocks.get(unit, ""), unit, vi, en, "03_index.html#conflicts"
            )
        )
    return found


def methodology(cfg: DatasetConfig | None, year: int, block_ids: list[str]) -> list[Caveat]:
    """One caveat per block scored under another methodology than in the previous declared year
    (a year of one implicit block: the year's methodology)."""
    if cfg is None or year not in cfg.years:
        return []
    earlier = [y for y in cfg.years if y < year]
    if not earlier:
        return []
    previous = max(earlier)
    found = []
    for block in block_ids:
        key = block or None
        for a, b, da, db in methodology_changes(cfg, [previous, year], key):
            vi = t("caveat_methodology", "vi", a=a, b=b, da=da, db=db)
            en = t("caveat_methodology", "en", a=a, b=b, da=da, db=db)
            found.append(
                Caveat("methodology", "warning", block, "", vi, en, "05_report.html#main-points")
            )
    return found


def _config_near(out: Path) -> DatasetConfig | None:
    """The dataset's configuration found beside the output folder: ``<root>/raw/<dataset>/``
    for ``<root>/processed/…/<dataset>/<year>/`` (the project's layout, staging included)."""
    dataset = out.parent.name
    for parent in list(out.parents)[1:7]:
        if (parent / "raw" / dataset / "dataset.toml").is_file():
            return load_dataset(dataset, parent / "raw")
    return None


def collect(out: Path, cfg: DatasetConfig | None = None) -> list[Caveat]:
    """The caveats of the dataset-year whose tables are in ``out``, in the order of ``KINDS``.
    ``cfg``: the dataset's configuration (for methodology changes; found beside ``out`` when
    not given)."""
    out = Path(out)
    unit_index = _read(out, "unit_index")
    names, blocks = _names(unit_index), _blocks_of(unit_index)
    split = _split(unit_index)
    if not split:
        blocks = {u: "" for u in blocks}
    block_ids = list(dict.fromkeys(blocks.values())) if split else [""]
    try:
        year = int(out.name)
    except ValueError:
        year = None
    config = cfg if cfg is not None else _config_near(out)
    return (
        validation(out, names, blocks)
        + survey(out, blocks, split)
        + bias(out, split)
        + reconciliation(out, names, blocks)
        + conflicts(out, names, blocks)
        + (methodology(config, year, block_ids) if year is not None else [])
    )


def for_unit(caveats: list[Caveat], unit_id: str) -> list[Caveat]:
    """The caveats about one unit."""
    return [c for c in caveats if c.unit_id == unit_id]


def for_block(caveats: list[Caveat], block: str) -> list[Caveat]:
    """The caveats of one block (``block`` "" : those of the whole year)."""
    return [c for c in caveats if c.block == block]


def caveats_html(caveats: list[Caveat], lang: str, base: str = "") -> str:
    """The box of caveats: a heading with their number, one item per caveat with a link to its
    evidence (``base``: the path from the page to the year's reports folder, e.g. ``"../"`` on a
    unit profile). ``data-caveats`` carries how many it states; empty list: no box."""
    if not caveats:
        return ""
    items = []
    for c in caveats:
        link = ""
        if c.evidence:
            page, _, frag = c.evidence.partition("#")
            href = base + localized(page, lang) + (f"#{frag}" if frag else "")
            link = f' <a href="{esc(href)}">{esc(t("caveat_evidence", lang))}</a>'
        items.append(f'<li class="caveat-{esc(c.kind)}">{esc(c.text(lang))}{link}</li>')
    title = t("caveats_title", lang, n=len(caveats))
    return (
        f'<div class="par-note par-warning par-caveats" data-caveats="{len(caveats)}">'
        f"<strong>{esc(title)}</strong><ul>{''.join(items)}</ul></div>"
    )
