"""What a notebook needs to start: resolved paths, the dataset, labels and display helpers.

A notebook's parameters cell holds ``dataset``, ``year``, ``lang`` and three roots ("" = the
project's own ``data/raw``, ``data/processed``, ``reports``); ``Session`` turns them into folders and
offers ``header``, ``section``, ``say``, ``table``, ``figure``, ``show`` and ``footer`` so notebooks
stay a story, not plumbing. The page around the outputs (banner, breadcrumb, the other language's
page, the footer's place) is the shell's (``parlib.publish.shell``): ``show(..., place=...)`` marks
the outputs that go to the shell's header or footer. ``history_root`` (a keyword parameter; "" = the project's
``data/processed``) is where the other years' published results are read from (movers, trends, unit
profiles). Every other keyword parameter is listed in the footer.

**A notebook run by hand** (JupyterLab, or papermill without the runner's parameters: an empty
``processed_root``) never writes the published outputs, which ``run.json`` vouches for: its
tables go to ``data/processed/_scratch/<dataset>/<year>/`` and its reports to
``reports/_scratch/...`` (``SCRATCH``; git-ignored, never linked from the landing page), and it
says so in its first output and in the log. A scratch year starts as a copy of the published one
(without its ``run.json``), so a notebook that only reads results (04–07) runs on its own; delete
the ``_scratch`` folders to start again from the published results. Relative roots are resolved
from the notebook's folder (the runner passes them so; no absolute path enters a notebook).

The footer's provenance is collected once per dataset-year: under ``parlib run`` the runner wrote it
to ``provenance.json`` in the output folder before the notebooks ran, and the footer reads it; a
notebook run by hand (no such file) collects it itself, once. The trends page's footer (all years)
reads the published years' records from their ``run.json``, and lists the lineage and the
in-year tracking's files too.
"""

from __future__ import annotations

import base64
import logging
import shutil
from pathlib import Path

from IPython.display import HTML, display

from parlib.config import provenance
from parlib.config.dataset import DatasetConfig, load_dataset
from parlib.core import paths
from parlib.core.errors import UsageError
from parlib.core.labels import LANGS, number, t
from parlib.history.lineage import lineage_path
from parlib.publish import chart_kit, markup
from parlib.publish.blocks import methodology

log = logging.getLogger(__name__)
SCRATCH = "_scratch"  # where a notebook run by hand writes, under data/processed and reports


class Session:
    """One notebook's dataset-year: its folders, its dataset, its language and its display."""

    def __init__(
        self,
        dataset: str,
        year: int,
        lang: str = "vi",
        raw_root: str = "",
        processed_root: str = "",
        reports_root: str = "",
        **parameters: object,
    ):
        if lang not in LANGS:
            raise UsageError(f"lang must be one of {LANGS}, not {lang!r}")
        markup.setup_notebook()
        self.lang = lang
        self.year = int(year)
        by_hand = not processed_root  # the runner always names the (staging) folder
        self.raw_root = Path(raw_root).resolve() if raw_root else paths.raw_dir()
        self.processed_root = (
            Path(processed_root).resolve() if processed_root else paths.processed_dir() / SCRATCH
        )
        self.reports_root = Path(reports_root).resolve() if reports_root else paths.reports_dir()
        if by_hand and not reports_root:
            self.reports_root = self.reports_root / SCRATCH
        self.cfg: DatasetConfig = load_dataset(dataset, self.raw_root)
        self.year_cfg = self.cfg.year(self.year)
        self.out = paths.year_dir(self.processed_root, dataset, self.year)
        if by_hand:
            _start_scratch(self.out, paths.year_dir(paths.processed_dir(), dataset, self.year))
        self.out.mkdir(parents=True, exist_ok=True)
        self.reports_out = paths.year_dir(self.reports_root, dataset, self.year)
        self.gx_project = self.out / "gx"  # Great Expectations project of this run (Data Docs)
        self.data_docs = self.reports_out / "data_docs"
        self.parameters = {"dataset": dataset, "year": self.year, "lang": lang, **parameters}
        history = parameters.get("history_root")
        self.history_root = Path(history).resolve() if history else paths.processed_dir()
        self._record: dict | None = None  # this dataset-year's provenance, read or collected once
        if by_hand:
            where = {
                "processed": paths.display(self.out) + "/",
                "reports": paths.display(self.reports_out) + "/",
            }
            log.warning(self.t("hand_run_note", **where))
            self.show(markup.note(self.t("hand_run_note", **where)))

    # --- text ---------------------------------------------------------------------------------
    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def num(self, value: object, decimals: int = 2) -> str:
        return number(value, decimals, self.lang)

    # --- display ------------------------------------------------------------------------------
    def show(self, html: str, place: str = "") -> None:
        """Display an HTML fragment; ``place`` (``markup.BANNER`` or ``markup.FOOTER``) tells the
        page shell where it goes (``templates/nbconvert/parlib``): empty, into ``<main>``."""
        display(HTML(html), metadata={markup.SHELL_PLACE: place} if place else None)

    def header(self, report_key: str, subject: str = "", all_years: bool = False) -> None:
        """Title and subtitle, after the banner. ``subject`` (e.g. a unit's name, escaped) leads the
        title; ``all_years``: the subtitle names the dataset's years instead of one year's
        methodology. The banner is shown in JupyterLab; on the published page the shell draws it
        once, in its header."""
        decisions = ""
        if all_years:
            years = list(self.cfg.years)
            subtitle = (
                f"{self.cfg.title(self.lang)} — {self.t('years')} {years[0]}–{years[-1]}"
                if len(years) > 1
                else f"{self.cfg.title(self.lang)} — {years[0]}"
            )
        else:
            subtitle = (
                f"{self.cfg.title(self.lang)} — {self.t('year')} {self.year} — "
                f"{self.t('methodology')}: "
            )
            decisions = methodology(self.year_cfg, self.lang)  # decisions' titles: Vietnamese
        title = f"{subject} — {self.t(report_key)}" if subject else self.t(report_key)
        self.show(markup.banner(self.cfg.synthetic, self.lang), place=markup.BANNER)
        self.show(markup.heading(title, subtitle, decisions))

    def section(self, title: str, reading: str = "", level: int = 2, anchor: str = "") -> None:
        """A heading (``anchor``: its ``id``, for links to the evidence) and a reading sentence."""
        ident = f' id="{markup.esc(anchor)}"' if anchor else ""
        self.show(
            f"<h{level}{ident}>{markup.esc(title)}</h{level}>"
            + (f"<p>{markup.esc(reading)}</p>" if reading else "")
        )

    def say(self, text: str) -> None:
        self.show(f"<p>{markup.esc(text)}</p>")

    def table(self, df, columns, max_rows: int | None = None) -> None:
        self.show(markup.html_table(df, columns, self.lang, max_rows))

    def figure(self, fig, reading: str, alt: str = "") -> None:
        """Show a figure with ``alt`` (what it draws; by default the description its chart
        function recorded, ``chart_kit.alt_text``) and ``reading`` (what it means) as its caption.
        The image is shown at its size in inches, so its 9 pt text stays 9 pt in print."""
        described = alt or chart_kit.alt_text(fig, self.lang) or reading
        data, width = chart_kit.png(fig)
        encoded = base64.b64encode(data).decode("ascii")
        self.show(
            f'<figure><img alt="{markup.esc(described)}" '
            f'style="width:{width:.2f}in;max-width:100%;height:auto" '
            f'src="data:image/png;base64,{encoded}"><figcaption><em>{markup.esc(reading)}'
            f"</em></figcaption></figure>"
        )

    def provenance(self) -> dict:
        """This dataset-year's provenance record, with this notebook's parameters: the runner's
        (``provenance.json`` in the output folder) or, run by hand, collected here once."""
        if self._record is None:
            self._record = provenance.read(self.out) or provenance.collect(self.cfg, self.year, {})
        return {**self._record, "parameters": self.parameters}

    def dataset_provenance(self) -> dict:
        """The record of a dataset-level report (the trends page): this year's record, then the
        inputs of every year of the dataset and its lineage file. A published year's inputs and
        hashes come from its ``run.json`` (under ``history_root``); only files no record lists
        (a year never published, the lineage) are hashed here."""
        records = {
            y: provenance.published(paths.year_dir(self.history_root, self.cfg.name, y))
            for y in self.cfg.years
        }
        own = records.get(self.year)
        prov = {**own, "parameters": self.parameters} if own else self.provenance()
        inputs = list(prov["inputs"])
        seen = {i["path"] for i in inputs}
        for year in self.cfg.years:
            recorded = {i["path"]: i for i in (records[year] or {}).get("inputs", [])}
            for path in self.cfg.input_files(year):
                shown = paths.display(path)
                if shown not in seen:
                    seen.add(shown)
                    inputs.append(
                        recorded.get(shown) or {"path": shown, "sha256": provenance.sha256(path)}
                    )
        for path in [p for p in [lineage_path(self.cfg)] if p] + self.cfg.tracking_files():
            if paths.display(path) not in seen:  # the lineage, the interim self-assessments
                seen.add(paths.display(path))
                inputs.append({"path": paths.display(path), "sha256": provenance.sha256(path)})
        return {
            **prov,
            "inputs": inputs,
            "year": ", ".join(str(y) for y in self.cfg.years),
            "methodology": "; ".join(
                dict.fromkeys(  # each decision once, though several years and blocks name it
                    part
                    for y in self.cfg.years
                    for part in methodology(self.cfg.year(y), self.lang).split("; ")
                )
            ),
        }

    def footer(self, all_years: bool = False) -> None:
        """The provenance footer; ``all_years``: list the inputs of every year of the dataset
        (dataset-level reports such as the trends page), plus its lineage."""
        prov = self.dataset_provenance() if all_years else self.provenance()
        self.show(markup.provenance_footer(prov, self.lang), place=markup.FOOTER)


def _start_scratch(scratch: Path, published: Path) -> None:
    """A hand run's first scratch folder for a dataset-year: a copy of the published one, if any
    (its ``run.json`` left out: nothing in the scratch folder was published)."""
    if not scratch.exists() and published.is_dir():
        shutil.copytree(published, scratch, ignore=shutil.ignore_patterns("run.json"))
