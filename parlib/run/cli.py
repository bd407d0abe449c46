"""``parlib`` command line: run the workbook, validate inputs, list datasets.

Exit codes: 0 success (or nothing to do); 1 the data (or a dataset.toml) were refused; 2 usage error;
3 execution or environment: a notebook failed for another reason, another run holds the lock, the
machine stopped the run (a full disk, a read-only folder: ``EnvironmentFault``, one line), or a bug
in parlib itself (the traceback is logged). Documented in the README.
Progress and warnings are logged to stderr (``runlog.console``); results are printed to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import logging
import sys
from pathlib import Path

from parlib import ingest
from parlib.config.dataset import list_datasets, load_dataset
from parlib.core import paths
from parlib.core.errors import DataError, EnvironmentFault, ParlibError, UsageError
from parlib.publish import template
from parlib.publish.landing import write_landing
from parlib.run import importer, newdataset, parameters, preflight, runlog, runner
from parlib.run.pipeline import REPORT_PAGES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parlib", description="PAR Index Workbook")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="execute the notebooks with papermill and publish reports")
    run.add_argument("--dataset", action="append", help="dataset name (repeatable; default: all)")
    run.add_argument("--year", action="append", type=int, help="year (repeatable; default: all)")
    run.add_argument(
        "--lang",
        default=None,
        choices=["vi", "en"],
        help="accepted for older scripts: every run builds both languages (pages and workbook in "
        "Vietnamese, with the English ones beside them as *.en.html, results.en.xlsx)",
    )
    run.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a notebook parameter, checked before anything runs (the README's parameter table)",
    )
    run.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=1,
        help="run this many dataset-years side by side (default 1)",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="rerun even what is up to date (same inputs, parameters and code)",
    )

    val = sub.add_parser("validate", help="ingest and validate inputs without publishing anything")
    val.add_argument("--dataset", action="append")
    val.add_argument("--year", action="append", type=int)

    tpl = sub.add_parser(
        "template", help="write an Excel scoring template for a year: one sheet per block"
    )
    tpl.add_argument("dataset_name", nargs="?", metavar="dataset")
    tpl.add_argument("year_number", nargs="?", type=int, metavar="year")
    tpl.add_argument("--dataset", help="the dataset (or give it as the first argument)")
    tpl.add_argument("--year", type=int, help="the year (or give it as the second argument)")
    tpl.add_argument("--unit", action="append", help="unit id (repeatable; default: every unit)")
    tpl.add_argument(
        "--out", help="the .xlsx file to write (default data/raw/<dataset>/templates/<year>.xlsx)"
    )
    tpl.add_argument(
        "--rounds",
        type=int,
        default=0,
        help="appraisal rounds to enter (round 1, explanation, round 2...); default 0: one score",
    )
    tpl.add_argument("--force", action="store_true", help="overwrite an existing file")

    new = sub.add_parser("new", help="write the commented skeleton of a new dataset in data/raw")
    new.add_argument("name", metavar="dataset", help="its folder name under data/raw")
    new.add_argument("--year", type=int, default=dt.date.today().year, help="its first year")

    imp = sub.add_parser(
        "import", help="turn a wide table (criteria × units, or units × parts) into contract files"
    )
    imp.add_argument("dataset_name", metavar="dataset")
    imp.add_argument("year", type=int)
    imp.add_argument("file", help="the wide CSV or XLSX table")
    imp.add_argument(
        "--layout",
        choices=importer.LAYOUTS,
        default="criteria-rows",
        help="criteria-rows: criteria as rows, units as columns (self/appraised sub-columns); "
        "units-rows: units as rows, one column per area or part (published results)",
    )
    imp.add_argument(
        "--out",
        help="the file to write, inside the dataset folder (default: scores/ or published/)",
    )
    imp.add_argument("--source", help="units-rows: the source of the figures (default: the file)")
    imp.add_argument("--force", action="store_true", help="overwrite an existing file")

    sub.add_parser("list", help="list datasets and years")
    sub.add_parser(
        "landing", help="rebuild reports/index.html (and index.en.html) from the published runs"
    )
    return parser


def _cmd_run(args) -> int:

    outcomes = runner.run(
        args.dataset, args.year, args.lang, args.param, jobs=args.jobs, force=args.force
    )
    for o in outcomes:
        where = f"{o.dataset} {o.year}" if o.year else f"{o.dataset} (all years)"
        line = f"{where}: {o.status} ({o.seconds:.1f}s)"
        print(line + (f" — {o.message}" if o.message else ""))
    return max((o.exit_code for o in outcomes), default=0)


def _cmd_validate(args) -> int:

    worst = 0
    broken: list = []
    for name, year in parameters.plan(args.dataset, args.year, broken=broken):
        cfg = load_dataset(name)
        report, _ = preflight.preflight(functools.partial(ingest.load_year, cfg, year))
        for problem in report.problems:
            print(problem)
        print(f"{name} {year}: {len(report.critical)} critical, {len(report.warnings)} warnings")
        worst = max(worst, 0 if report.success else 1)
    for name, exc in broken:
        print(f"{name}: {exc}")
        worst = 1
    return worst


def _cmd_template(args) -> int:

    name, year = args.dataset or args.dataset_name, args.year or args.year_number
    if not name or year is None:
        raise UsageError(
            "parlib template needs a dataset and a year: parlib template <dataset> <year>"
        )
    cfg = template.load(name)
    out = Path(args.out) if args.out else cfg.folder / "templates" / f"{year}.xlsx"
    if out.exists() and not args.force:
        raise UsageError(f"{paths.display(out)} exists; give --force to overwrite it")
    print(paths.display(template.write(cfg, year, out, args.unit, args.rounds)))
    return 0


def _cmd_new(args) -> int:

    written = newdataset.create(args.name, args.year)
    for path in written:
        print(paths.display(path))
    print(
        f"next: edit units.csv and the framework, then `parlib template {args.name} {args.year}`, "
        f"fill it in and save it as scores/{args.year}.xlsx"
    )
    return 0


def _cmd_import(args) -> int:

    cfg = load_dataset(args.dataset_name)
    plan = importer.run(cfg, args.year, args.file, args.layout, args.out, args.force, args.source)
    print(plan.report())
    return 0


def _cmd_list(_args) -> int:

    for name in list_datasets():
        cfg = load_dataset(name)
        tag = " [SYNTHETIC]" if cfg.synthetic else ""
        print(f"{name}{tag}: {', '.join(map(str, cfg.years))} — {cfg.title_en}")
    return 0


def _cmd_landing(args) -> int:

    print(write_landing(REPORT_PAGES))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    runlog.console()
    commands = {
        "run": _cmd_run,
        "validate": _cmd_validate,
        "list": _cmd_list,
        "template": _cmd_template,
        "new": _cmd_new,
        "import": _cmd_import,
        "landing": _cmd_landing,
    }
    try:
        with EnvironmentFault.raised():
            return commands[args.command](args)
    except UsageError as exc:
        print(f"parlib: usage error: {exc}", file=sys.stderr)
        return 2
    except DataError as exc:
        print(f"parlib: data error: {exc}", file=sys.stderr)
        return 1
    except ParlibError as exc:
        print(f"parlib: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # a bug: exit 3 (1 means invalid data), with the traceback to report
        logging.getLogger("parlib").exception("internal error")
        print(f"parlib: internal error (a bug, please report it): {exc!r}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
