"""Ingest: a dataset-year's raw files (CSV or XLSX as provinces keep them) → tidy tables.

``tables`` reads one file into text cells and parses them (decimal commas, ``KPS``) and depends on
nothing but ``parlib.core``; ``boundary`` and ``sheets`` refuse what a file must not be (unreadable,
too large, header below row 1, an ambiguous delimiter or sheet, hidden or merged cells, formulas
without values), ``cellcheck`` and ``textcheck`` the ids, codes and names that cannot be trusted; ``corrections`` applies the declared fixes with an audit trail;
``readers`` reads each input table (framework, units, scores, bands), ``published`` the published
results, ``parts`` the columns of every scored part and the appraisal rounds, ``blocks`` and ``year``
a year's blocks (each unit's block, each block's file or sheet);
``inputs`` gathers a year's tables into ``YearInputs`` (``load_year``, the stage's entry point), which saves itself (``YearInputs.save``; ``save_tidy``) and is read back (``YearInputs.load``;
``load_tidy``; one table: ``load_tidy_table``).
"""

from parlib.ingest.inputs import (
    TIDY_FILES,
    YearInputs,
    load_tidy,
    load_tidy_table,
    load_year,
    save_tidy,
    summary,
)
from parlib.ingest.published import PUBLISHED_MEASURES, read_published
from parlib.ingest.readers import (
    SCORE_COLUMNS,
    Notes,
    read_bands,
    read_framework,
    read_scores,
    read_units,
)
from parlib.ingest.tables import (
    Cell,
    ascii_key,
    canonical_columns,
    nfc,
    parse_cell,
    parse_cells,
    parse_number,
    read_table,
    read_text_table,
)

__all__ = [
    "PUBLISHED_MEASURES",
    "SCORE_COLUMNS",
    "TIDY_FILES",
    "Cell",
    "Notes",
    "YearInputs",
    "ascii_key",
    "canonical_columns",
    "load_tidy",
    "load_tidy_table",
    "load_year",
    "nfc",
    "parse_cell",
    "parse_cells",
    "parse_number",
    "read_bands",
    "read_framework",
    "read_published",
    "read_scores",
    "read_table",
    "read_text_table",
    "read_units",
    "save_tidy",
    "summary",
]
