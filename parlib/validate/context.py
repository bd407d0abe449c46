"""The Great Expectations context the engine validates in: one ephemeral (in-memory) context per
process, and one in-memory data asset per suite, each taking the frame to judge at run time.
"""

from __future__ import annotations

from functools import cache, lru_cache

import great_expectations as gx
from great_expectations.data_context.types.base import ProgressBarsConfig


def new_context():
    """An ephemeral GX context with progress bars off (they leak into notebooks)."""
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


@lru_cache(maxsize=1)
def process_context():
    """The context every validation runs in (the Data Docs contexts only store and render)."""
    return new_context()


@cache
def batch_definition(name: str):
    """The whole-dataframe batch definition of the asset ``name`` (a suite's name): adding and
    deleting a data source per table rewrote the context's configuration each time."""
    source = process_context().data_sources.add_or_update_pandas(name)
    return source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
