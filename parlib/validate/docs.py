"""Data Docs: the Great Expectations site where a run's validations are published.

In: the suites and the suite validation results the engine produced (``record``). Out: a static
site (``site.data_docs_index``) with one page per suite and per validation, all of a dataset-year's
suites, input and result, in one index; ``site.publish_docs`` copies it into the reports.
"""

from __future__ import annotations

from pathlib import Path

import great_expectations as gx
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)
from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView

from parlib.validate.context import new_context
from parlib.validate.site import data_docs_index, publish_docs  # noqa: F401  (their old home)

_DOCS_CONTEXTS: dict[str, object] = {}
_PENDING: dict[int, bool] = {}  # contexts whose pages were built without their index since
_INDEX_ONLY = "index only"  # a resource identifier no stored suite or result has


class _KeepsTemplates:
    """A GX page view that keeps its compiled Jinja templates for the process. GX gives every site
    section of every build a new view, each compiling every template again: about half of a
    build's time. The first view of a kind (and styles folder) is kept and lends later ones its
    template environment; the views hold no other state, so the pages are the same."""

    _first: dict = {}

    def __init__(self, custom_styles_directory=None, custom_views_directory=None) -> None:
        key = (type(self), custom_styles_directory, custom_views_directory)
        first = _KeepsTemplates._first.get(key)
        if first is None:
            super().__init__(custom_styles_directory, custom_views_directory)
            _KeepsTemplates._first[key] = self
        else:
            self.__dict__.update(first.__dict__)


class PageView(_KeepsTemplates, DefaultJinjaPageView):
    """GX's page view (suite and validation pages), its templates compiled once per process."""


class IndexPageView(_KeepsTemplates, DefaultJinjaIndexPageView):
    """GX's index page view, its templates compiled once per process."""


_VIEWS = {
    kind: {"view": {"module_name": __name__, "class_name": "PageView"}}
    for kind in ("expectations", "validations", "profiling")
}


def docs_context(project_dir: Path):
    """The GX context whose stores hold the validations published as Data Docs under ``project_dir``.

    Ephemeral (in memory) with its Data Docs site pointed at ``project_dir``: a file-backed project
    rereads and rewrites its YAML configuration on every step, which cost seconds per suite. One
    context per folder and process, so the input and result suites of a run share one site index
    (``forget`` drops it once the site is written).
    """
    key = str(Path(project_dir).resolve())
    if key not in _DOCS_CONTEXTS:
        context = new_context()
        site = data_docs_index(project_dir).parent
        context.update_data_docs_site(
            "local_site",
            {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(site),
                },
                "site_section_builders": _VIEWS,
                "site_index_builder": {
                    "class_name": "DefaultSiteIndexBuilder",
                    "view": {"module_name": __name__, "class_name": "IndexPageView"},
                },
            },
        )
        _DOCS_CONTEXTS[key] = context
    return _DOCS_CONTEXTS[key]


def forget(project_dir: Path) -> None:
    """Write the site index of ``project_dir`` (once, listing every suite recorded there: the input
    and the result suites of a run build their pages without it, ``build(index=False)``) and drop
    its context: its site is written, its results are not needed."""
    context = _DOCS_CONTEXTS.pop(str(Path(project_dir).resolve()), None)
    if context is not None and _PENDING.pop(id(context), False):
        # a list naming no stored resource: no page is rendered again, only the index (an empty
        # list would render every page)
        context.build_data_docs(resource_identifiers=[_INDEX_ONLY], build_index=True)


def record(context, suite_dict: dict, result) -> list:
    """Put one suite and its validation result into ``context``'s stores, as a checkpoint's
    validation definition does (``ValidationDefinition.run``). Returns their identifiers."""
    suite = context.suites.add_or_update(gx.ExpectationSuite(**suite_dict))
    suite_id = ExpectationSuiteIdentifier(name=suite.name)
    result_id = ValidationResultIdentifier(
        expectation_suite_identifier=suite_id,
        run_id=result.meta["run_id"],
        batch_identifier=result.batch_id,
    )
    context.validation_results_store.store_validation_results(
        suite_validation_result=result,
        suite_validation_result_identifier=result_id,
        expectation_suite_identifier=suite_id,
    )
    return [suite_id, result_id]


def build(context, identifiers: list, index: bool = True) -> None:
    """Render the pages of ``identifiers`` and the site index (which lists everything stored).
    Without ``index`` the index is left to ``forget``, which writes it once for every build."""
    if not identifiers and not index:
        return
    _PENDING[id(context)] = not index or _PENDING.get(id(context), False)
    context.build_data_docs(resource_identifiers=identifiers, build_index=index)
    if index:
        _PENDING.pop(id(context), None)
