"""Benchmark: the workbook's pipeline against a minimal pandas baseline, side by side.

    make bench            (or: .venv/bin/python scripts/bench.py)

For each size (10⁴ … 10⁷ score rows) a SYNTHETIC dataset is generated (scripts/make_national.py,
seeded) and two programs run, each in a fresh Python process so peak memory is the process's own:

- pipeline: for every year, the calls `parlib run`'s preflight makes: ingest → validate (the one
  validation engine, Great Expectations suites with their Data Docs site written to a temporary
  folder) → index → result suites (into the same site) → fairness (max-points bias, comparable
  groups); no Monte Carlo, no HTML. With several years, the years run in a pool of 2 worker
  processes (one per core, as `parlib run --jobs 2`; BENCH_JOBS=1 for one process); its peak
  memory is then the main process's peak plus each worker's, and its step times add up the
  workers' seconds;
- baseline: for every year, pandas reads the same file and computes the same unit indexes
  (checked equal to the pipeline's to 1e-9), nothing else.

Each is repeated and the median wall time reported, with the ratio pipeline ÷ baseline. Then the
Monte Carlo rank intervals (1,000 draws, 100 units × 100 criteria) and `parlib run` on the shipped
datasets (from scratch, then a rerun with nothing changed) are timed. Results go to
bench/results.json, docs/benchmarks.md and docs/benchmarks.png.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import bench_report  # scripts/: `make report`, its rerun and the unit profiles (issue #13)

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SIZES = [  # (label, units, criteria, years)
    ("10^4", 100, 100, 1),
    ("10^5", 1000, 100, 1),
    ("10^6", 10000, 100, 1),
    ("10^7", 10000, 100, 10),
]
TARGETS = {
    "pipeline_10^7_s": 25.0,
    "peak_10^7_mb": 4096.0,
    "ratio_10^7": 1.5,
    "mc_s": 10.0,
    "report_s": 60.0,  # issue #13: make report on the shipped datasets, venv ready
    "noop_s": 2.0,  # issue #13: the rerun with nothing changed
    "profiles_3321_s": 60.0,  # issue #13: unit profiles of a national-scale SYNTHETIC year
    "profiles_150_s": 5.0,  # issue #13: a 150-unit province
}
PROFILE_SIZES = [150, 3321]

PIPELINE = r"""
import json, os, resource, shutil, sys, tempfile, time
t0 = time.perf_counter()
from pathlib import Path
from parlib import ingest, score
from parlib.config import dataset
from parlib.fairness import bias
from parlib.validate import data_docs_index, docs, validate_inputs, validate_results
t_import = time.perf_counter() - t0
cfg = dataset.load_dataset(sys.argv[2], Path(sys.argv[1]))
sites = Path(tempfile.mkdtemp(prefix="parlib-bench-docs-"))

def one_year(year):
    # the calls of `parlib run`'s preflight (parlib/run/preflight.py), Data Docs included: one
    # site per dataset-year with the input and the result suites, written to a temporary folder
    site = sites / str(year) / "gx"
    steps = {"ingest": 0.0, "validate": 0.0, "index": 0.0, "results": 0.0, "fairness": 0.0}
    t = time.perf_counter(); inputs = ingest.load_year(cfg, year); steps["ingest"] += time.perf_counter() - t
    t = time.perf_counter(); report = validate_inputs(inputs, docs=site); steps["validate"] += time.perf_counter() - t
    assert report.success, report.critical[:3]
    t = time.perf_counter(); results = score.compute(inputs); steps["index"] += time.perf_counter() - t
    t = time.perf_counter(); checked = validate_results(results, docs=site); docs.forget(site); steps["results"] += time.perf_counter() - t
    assert checked.success and data_docs_index(site).is_file()
    t = time.perf_counter(); bias.max_bias(results.unit_index); bias.group_ranks(results.unit_index, 5.0); steps["fairness"] += time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return steps, results.unit_index[["year", "unit_id", "index_pct_exact"]], (os.getpid(), peak)

# the years in a pool of processes, one per core (at most 2), as `parlib run --jobs` does; forked
# after the imports (the process has no other thread), so each worker starts ready
jobs = min(int(os.environ.get("BENCH_JOBS", "2")), os.cpu_count() or 1, len(cfg.years))
if jobs > 1:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        done = list(pool.map(one_year, cfg.years))
else:
    done = [one_year(year) for year in cfg.years]
steps = {k: sum(d[0][k] for d in done) for k in done[0][0]}
import pandas as pd
pd.concat([d[1] for d in done]).to_csv(sys.argv[3], index=False)
seconds = time.perf_counter() - t0
shutil.rmtree(sites, ignore_errors=True)
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
# memory of the whole program: this process's peak plus, with workers, each worker's peak (an
# upper bound: the workers' peaks need not coincide, and pages shared after the fork count twice)
workers = {}
for pid, peak in (d[2] for d in done):
    workers[pid] = max(peak, workers.get(pid, 0.0))
print(json.dumps({"seconds": seconds, "import_s": t_import, "steps": steps,
                  "jobs": jobs, "peak_mb": own + (sum(workers.values()) if jobs > 1 else 0.0),
                  "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

BASELINE = r"""
import json, resource, sys, time, tomllib
t0 = time.perf_counter()
from pathlib import Path
import numpy as np, pandas as pd
folder = Path(sys.argv[1]) / sys.argv[2]
meta = tomllib.loads((folder / "dataset.toml").read_text())
fw = pd.read_csv(folder / "frameworks" / "national.csv", dtype={"code": str})
fw = fw[fw["max_appraisal"].notna()]
out = []
for year, spec in meta["years"].items():
    s = pd.read_csv(folder / spec["scores"], dtype=str, keep_default_na=False)
    s = s.merge(fw[["code", "max_appraisal", "max_survey"]], left_on="criterion", right_on="code")
    num = lambda c: pd.to_numeric(s[c].str.replace(",", ".", regex=False).replace({"": None, "KPS": None}))
    live_a = (s["max_appraisal"] > 0) & (s["appraised_score"] != "KPS")
    live_s = (s["max_survey"] > 0) & (s["survey_score"] != "KPS")
    s["got"] = num("appraised_score").where(live_a, 0).fillna(0) + num("survey_score").where(live_s, 0).fillna(0)
    s["max"] = s["max_appraisal"].where(live_a, 0) + s["max_survey"].where(live_s, 0)
    g = s.groupby("unit_id")[["got", "max"]].sum()
    out.append(pd.DataFrame({"year": int(year), "unit_id": g.index, "index_pct_exact": g["got"] / g["max"] * 100}))
pd.concat(out).to_csv(sys.argv[3], index=False)
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def child(code: str, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "PARLIB_ROOT": str(ROOT)},
    )
    if result.returncode:
        raise SystemExit(f"benchmark child failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def same_indexes(a: Path, b: Path) -> float:
    import pandas as pd

    x = pd.read_csv(a).sort_values(["year", "unit_id"], ignore_index=True)
    y = pd.read_csv(b).sort_values(["year", "unit_id"], ignore_index=True)
    assert list(x["unit_id"]) == list(y["unit_id"]), "baseline and pipeline rank different units"
    return float((x["index_pct_exact"] - y["index_pct_exact"]).abs().max())


def bench_sizes(repeats: int, big_repeats: int, only: list[str] | None) -> list[dict]:
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_national import generate

    rows = []
    for label, units, criteria, years in SIZES:
        if only and label not in only:
            continue
        folder = BENCH / "data" / label
        if not (folder / "national" / "dataset.toml").is_file():
            generate(folder / "national", units, criteria, years, seed=20241123)
        n = 3 if label != "10^7" else big_repeats
        n = min(n, repeats) if label != "10^7" else n
        runs_p, runs_b = [], []
        for _ in range(n):  # alternate, so both see the same machine load
            runs_b.append(child(BASELINE, folder, "national", BENCH / "baseline.csv"))
            runs_p.append(child(PIPELINE, folder, "national", BENCH / "pipeline.csv"))
        diff = same_indexes(BENCH / "pipeline.csv", BENCH / "baseline.csv")
        assert diff < 1e-9, f"pipeline and baseline disagree by {diff}"
        p = statistics.median(r["seconds"] for r in runs_p)
        b = statistics.median(r["seconds"] for r in runs_b)
        steps = {
            k: round(statistics.median(r["steps"][k] for r in runs_p), 2)
            for k in runs_p[0]["steps"]
        }
        rows.append(
            {
                "size": label,
                "rows": units * criteria * years,
                "repeats": n,
                "pipeline_s": round(p, 2),
                "baseline_s": round(b, 2),
                "ratio": round(p / b, 2),
                "pipeline_peak_mb": round(max(r["peak_mb"] for r in runs_p)),
                "baseline_peak_mb": round(max(r["peak_mb"] for r in runs_b)),
                "import_s": round(statistics.median(r["import_s"] for r in runs_p), 2),
                "jobs": runs_p[0].get("jobs", 1),
                "steps": steps,
                "max_index_difference": diff,
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    return rows


def bench_monte_carlo() -> dict | None:
    code = r"""
import json, statistics, time
from pathlib import Path
from parlib import score
from parlib.config.alternatives import load_alternatives
from parlib.fairness import robustness
points = robustness.synthetic_points(100, 100, seed=1)
units = score.aggregate(points, ["unit_id"])
units["unit_name"], units["kind"] = units["unit_id"], "unit"
units["index_pct"] = score.round_half_up(units["index_pct_exact"], 2)
units["rank"], units["rank_of"] = score.rank_desc(units["index_pct"]), len(units)
config = load_alternatives(Path("data/raw/synthetic-province/alternatives.toml"))
runs = []
for seed in range(5):
    t = time.perf_counter()
    robustness.rank_intervals(points, units, config, draws=1000, seed=seed)
    runs.append(time.perf_counter() - t)
print(json.dumps({"seconds": statistics.median(runs), "runs": runs,
                  "alternatives": list(config.monte_carlo.alternatives)}))
"""
    try:
        return child(code)
    except SystemExit as exc:
        return {"error": str(exc)[-500:]}


def write_docs(results: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = results["sizes"]
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    xs = [r["rows"] for r in rows]
    a.loglog(xs, [r["pipeline_s"] for r in rows], "o-", label="pipeline")
    a.loglog(xs, [r["baseline_s"] for r in rows], "s--", label="pandas baseline")
    a.set(xlabel="score rows", ylabel="seconds (median)", title="Time")
    a.legend()
    b.loglog(xs, [r["pipeline_peak_mb"] for r in rows], "o-", label="pipeline")
    b.loglog(xs, [r["baseline_peak_mb"] for r in rows], "s--", label="pandas baseline")
    b.set(xlabel="score rows", ylabel="peak memory (MB)", title="Memory")
    b.legend()
    fig.tight_layout()
    fig.savefig(ROOT / "docs" / "benchmarks.png", dpi=100)
    big = next((r for r in rows if r["size"] == "10^7"), None)
    mc = results.get("monte_carlo") or {}
    rep = results.get("report") or {}
    if "cold_jobs1" in rep:  # a results.json of the bench before issue #13: its report figures
        rep = {}

    T = TARGETS

    def verdict(value, target):
        return "–" if value is None else ("met" if value <= target else "**not met**")

    lines = [
        "# Benchmarks",
        "",
        "Measured by `make bench` (`scripts/bench.py`); raw figures in `bench/results.json`.",
        f"Machine: {results['machine']}. Run: {results['when']}. Medians of the repeats shown;",
        "pipeline and baseline alternate so they see the same machine load.",
        "",
        "## Against the targets (issue #10)",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
    ]
    if big:
        lines += [
            f"| ingest + validate (with Data Docs) + index + fairness on 10⁷ rows < {T['pipeline_10^7_s']:g} s | {big['pipeline_s']} s | {verdict(big['pipeline_s'], T['pipeline_10^7_s'])} |",
            f"| peak memory < 4 GB | {big['pipeline_peak_mb']} MB | {verdict(big['pipeline_peak_mb'], T['peak_10^7_mb'])} |",
            f"| at most {T['ratio_10^7']:g}× the pandas baseline | {big['ratio']}× ({big['pipeline_s']} s vs {big['baseline_s']} s) | {verdict(big['ratio'], T['ratio_10^7'])} |",
        ]
    if "seconds" in mc:
        lines.append(
            f"| Monte Carlo, 1,000 draws, 100 units × 100 criteria < {T['mc_s']:g} s | {mc['seconds']:.2f} s (median of 5 seeds) | {verdict(mc['seconds'], T['mc_s'])} |"
        )
    elif mc:
        lines.append(
            f"| Monte Carlo, 1,000 draws < 10 s | not measured: {mc.get('error', '')[:80]} | – |"
        )
    lines += ["", *bench_report.lines(rep or None, results.get("profiles"), T)]
    lines += [
        "## Growth with size",
        "",
        "| rows | repeats | pipeline (s) | baseline (s) | ratio | pipeline peak (MB) | baseline peak (MB) | import | ingest | validate + Data Docs | index | result suites | fairness |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        s = r["steps"]
        lines.append(
            f"| {r['rows']:,} | {r['repeats']} | {r['pipeline_s']} | {r['baseline_s']} | {r['ratio']}× | {r['pipeline_peak_mb']} | {r['baseline_peak_mb']} | {r['import_s']} | {s['ingest']} | {s['validate']} | {s['index']} | {s.get('results', '–')} | {s['fairness']} |"
        )
    lines += [
        "",
        "![time and memory against size](benchmarks.png)",
        "",
        "Pipeline seconds include starting Python and importing pandas and Great Expectations",
        "(the import column). The validate column is the input suites with their Data Docs site",
        "(one per dataset-year, written to a temporary folder, as `parlib run`'s preflight",
        "writes it); the result suites go into the same site. The baseline only reads the files",
        "and computes the unit indexes; the benchmark checks that its indexes equal the",
        "pipeline's to 1e-9.",
        "With several years (10⁷ rows: 10 years) the pipeline runs the years in "
        f"{max(r.get('jobs', 1) for r in rows)} worker processes: its peak memory is the",
        "main process's plus each worker's peak, and the step columns add up the workers'",
        "seconds, so they exceed the wall time.",
        "",
        "## Reading the results",
        "",
        results.get("notes", ""),
        "",
        "## Reproduce",
        "",
        "```sh",
        "make bench                       # everything (several minutes)",
        ".venv/bin/python scripts/bench.py --sizes 10^4 10^5   # a quick look",
        "```",
        "",
    ]
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines), encoding="utf-8")


def run_report_benches(results: dict, args) -> None:
    """The reports' figures (``bench_report``) into ``results``, as asked by the options."""
    if not args.skip_report:
        results["report"] = bench_report.bench_report(
            args.baseline or None, args.report_repeats, args.noop_repeats
        )
        print(json.dumps({k: v for k, v in results["report"].items() if k != "runs"}), flush=True)
    if not args.skip_profiles:
        results["profiles"] = bench_report.bench_profiles(args.profile_units)
        print(json.dumps(results["profiles"]), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="PAR workbook benchmark")
    parser.add_argument("--sizes", nargs="*", help="only these sizes, e.g. 10^4 10^5")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--big-repeats", type=int, default=3, help="repeats at 10^7 rows")
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument(
        "--baseline",
        default="main",
        help="git ref whose `make report` runs alternately with this tree's (empty: none)",
    )
    parser.add_argument("--report-repeats", type=int, default=1, help="`make report` runs each")
    parser.add_argument("--noop-repeats", type=int, default=3, help="reruns with nothing changed")
    parser.add_argument(
        "--profile-units",
        type=int,
        nargs="*",
        default=PROFILE_SIZES,
        help="unit counts of the SYNTHETIC national-scale years whose profiles are timed",
    )
    parser.add_argument("--skip-profiles", action="store_true")
    parser.add_argument("--notes", default="", help="text for the 'Reading the results' section")
    parser.add_argument(
        "--docs-only",
        action="store_true",
        help="rewrite docs/benchmarks.md from bench/results.json and the notes file",
    )
    parser.add_argument(
        "--no-write",
        action="store_true",
        help="print the figures only; leave bench/results.json and docs/ as they are",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="keep the sizes and Monte Carlo of bench/results.json; time the reports (issue #13)",
    )
    args = parser.parse_args()
    BENCH.mkdir(exist_ok=True)
    if args.docs_only:
        results = json.loads((BENCH / "results.json").read_text(encoding="utf-8"))
        notes = ROOT / "docs" / "benchmarks-notes.md"
        results["notes"] = notes.read_text(encoding="utf-8") if notes.is_file() else ""
        (BENCH / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
        write_docs(results)
        return
    if args.report_only:
        results = json.loads((BENCH / "results.json").read_text(encoding="utf-8"))
        run_report_benches(results, args)
        notes = ROOT / "docs" / "benchmarks-notes.md"
        results["notes"] = notes.read_text(encoding="utf-8") if notes.is_file() else ""
        (BENCH / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
        write_docs(results)
        return
    results = {
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}",
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    results["sizes"] = bench_sizes(args.repeats, args.big_repeats, args.sizes)
    if args.no_write:
        return
    results["monte_carlo"] = bench_monte_carlo()
    print(json.dumps(results["monte_carlo"]), flush=True)
    run_report_benches(results, args)
    notes = ROOT / "docs" / "benchmarks-notes.md"
    results["notes"] = args.notes or (notes.read_text(encoding="utf-8") if notes.is_file() else "")
    (BENCH / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    write_docs(results)
    print(f"wrote {ROOT / 'docs' / 'benchmarks.md'}")


if __name__ == "__main__":
    main()
