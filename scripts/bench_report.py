"""Benchmark of the reports (issue #13), used by ``scripts/bench.py``: `make report` and its rerun
against a baseline version of the project, and the one-execution unit profiles at scale.

Each program runs as a whole process in its own copy of a project (``bench/project`` this working
tree, ``bench/baseline`` the git ref given with ``--baseline``), from empty outputs; the baseline
and this tree alternate, A B A B, so both see the same machine load, and the figures quoted are
medians with the ratio this ÷ baseline. Wall seconds and CPU seconds (the whole process tree:
the runner, its worker process and the notebook kernels) are both recorded: on a shared machine
the CPU seconds move less.

- ``report``: the command of the project's own ``make report`` recipe (``parlib run`` with the
  Makefile's options) from empty ``reports/`` and ``data/processed/``, the venv ready; then the
  same command again with nothing changed (``noop``).
- ``profiles``: a SYNTHETIC national-scale year (``scripts/make_synthetic_national.py --out DIR
  --units N``, seeded) is run with ``parlib run``, and the unit profiles' record of its
  ``run.json`` (one execution for every unit) gives their seconds; the reference beside it is a
  fixed pandas workload (``CALIBRATION``) run alternately, so the ratio says how the profiles
  compare with the machine's speed at that moment. Without the script that row is skipped, with
  the reason.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
COPIED = ("parlib", "data/raw", "notebooks", "expectations", "scripts")
SYNTHETIC_NATIONAL = ROOT / "scripts" / "make_synthetic_national.py"
CALIBRATION = r"""
import json, time
t0 = time.perf_counter()
import numpy as np, pandas as pd
rng = np.random.default_rng(0)
frame = pd.DataFrame({"g": rng.integers(0, 1000, 2_000_000), "x": rng.random(2_000_000)})
for _ in range(5):
    frame.groupby("g")["x"].agg(["sum", "mean", "max"])
print(json.dumps({"seconds": time.perf_counter() - t0}))
"""


def project(dest: Path, ref: str | None = None) -> Path:
    """A copy of the project in ``dest``: this working tree (``ref`` None) or a git ref."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    if ref:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    else:
        for name in COPIED:
            shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        for name in ("pyproject.toml", "Makefile"):
            shutil.copy(ROOT / name, dest / name)
    for name in ("reports", "data/processed"):
        (dest / name).mkdir(parents=True, exist_ok=True)
    return dest


def report_arguments(folder: Path) -> list[str]:
    """The options of ``parlib run`` in the project's own ``make report`` recipe."""
    text = (folder / "Makefile").read_text(encoding="utf-8")
    found = re.search(r"^report:.*\n\t\$\(BIN\)/parlib run([^\n]*)", text, re.M)
    return ["run", *found.group(1).split()] if found else ["run"]


def timed(command: list[str], folder: Path) -> dict:
    """Run ``command`` in the project ``folder`` (its code and its outputs): wall and CPU seconds
    of the whole process tree (``RUSAGE_CHILDREN`` counts every reaped descendant)."""
    env = {**os.environ, "PARLIB_ROOT": str(folder), "PYTHONPATH": str(folder)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=folder, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "exit": done.returncode}
    if done.returncode:
        out["error"] = done.stderr[-800:]
    return out


def parlib(*args: str) -> list[str]:
    """``parlib ARGS`` as the project's Python runs it (the copy's code: ``PYTHONPATH``)."""
    return [sys.executable, "-m", "parlib.run.cli", *args]


def clean(folder: Path) -> None:
    for name in ("reports", "data/processed"):
        shutil.rmtree(folder / name, ignore_errors=True)
        (folder / name).mkdir(parents=True)


def _medians(runs: list[dict]) -> dict:
    good = [r for r in runs if not r["exit"]]
    if not good:
        return {"error": (runs[-1].get("error") or "")[-300:] if runs else "not run"}
    return {
        "wall_s": round(statistics.median(r["wall_s"] for r in good), 2),
        "cpu_s": round(statistics.median(r["cpu_s"] for r in good), 2),
        "runs": len(good),
    }


def bench_report(baseline: str | None, repeats: int = 1, noop_repeats: int = 3) -> dict:
    """``make report``'s command from empty outputs, then with nothing changed, alternated with
    the ``baseline`` ref's (when given). Returns medians and ratios."""
    ours = project(BENCH / "project")
    sides = {"this": ours}
    if baseline:
        sides["baseline"] = project(BENCH / "baseline", baseline)
    runs: dict[str, dict[str, list]] = {s: {"cold": [], "noop": []} for s in sides}
    for _ in range(repeats):
        for side, folder in reversed(sides.items()):  # baseline first, then this tree
            clean(folder)
            runs[side]["cold"].append(timed(parlib(*report_arguments(folder)), folder))
    for _ in range(noop_repeats):
        for side, folder in reversed(sides.items()):
            runs[side]["noop"].append(timed(parlib(*report_arguments(folder)), folder))
    out = {
        "baseline_ref": baseline,
        "arguments": {s: report_arguments(f) for s, f in sides.items()},
        "runs": runs,
    }
    for side in sides:
        for kind in ("cold", "noop"):
            out[f"{side}_{kind}"] = _medians(runs[side][kind])
    if baseline:
        for kind in ("cold", "noop"):
            a, b = out[f"this_{kind}"], out[f"baseline_{kind}"]
            if "wall_s" in a and "wall_s" in b:
                out[f"ratio_{kind}_wall"] = round(a["wall_s"] / b["wall_s"], 3)
                out[f"ratio_{kind}_cpu"] = round(a["cpu_s"] / b["cpu_s"], 3)
    return out


def calibration() -> float:
    done = subprocess.run(
        [sys.executable, "-c", CALIBRATION], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def _profile_records(folder: Path, dataset: str) -> list[dict]:
    records = []
    for manifest in sorted((folder / "reports" / dataset).glob("*/run.json")):
        for record in json.loads(manifest.read_text(encoding="utf-8")).get("notebooks", []):
            if "units" in record:
                records.append(record)
    return records


def bench_profiles(sizes: list[int], repeats: int = 1) -> dict:
    """Unit profiles of a SYNTHETIC national-scale year of ``n`` units, for each ``n``: their
    seconds from ``run.json`` (the step's elapsed seconds: one execution for all units per
    language, both languages side by side), beside the calibration workload."""
    if not SYNTHETIC_NATIONAL.is_file():
        return {
            "skipped": f"{SYNTHETIC_NATIONAL.relative_to(ROOT)} is not in this tree yet "
            "(it comes with the one-execution unit profiles): rows not measured"
        }
    folder = project(BENCH / "profiles")
    rows = []
    for n in sizes:
        name = f"synthetic-national-{n}"
        made = subprocess.run(
            [sys.executable, str(SYNTHETIC_NATIONAL), "--out", str(folder / "data/raw" / name),
             "--units", str(n)],
            env={**os.environ, "PARLIB_ROOT": str(folder), "PYTHONPATH": str(folder)},
            capture_output=True, text=True,
        )  # fmt: skip
        if made.returncode:
            rows.append({"units": n, "error": made.stderr[-500:]})
            continue
        runs, reference = [], []
        for _ in range(repeats):
            reference.append(calibration())
            clean(folder)
            whole = timed(parlib("run", "--dataset", name, "--jobs", "2"), folder)
            records = _profile_records(folder, name)
            if whole["exit"] or not records:
                rows.append({"units": n, "error": whole.get("error", "no profile record")[-500:]})
                break
            runs.append({**whole, "profiles_s": sum(r["seconds"] for r in records)})
        else:
            profiles = statistics.median(r["profiles_s"] for r in runs)
            ref = statistics.median(reference)
            rows.append(
                {
                    "units": n,
                    "repeats": repeats,
                    "profiles_s": round(profiles, 2),
                    "ms_per_unit": round(1000 * profiles / n, 1),
                    "run_wall_s": round(statistics.median(r["wall_s"] for r in runs), 2),
                    "calibration_s": round(ref, 2),
                    "ratio_to_calibration": round(profiles / ref, 2),
                }
            )
    return {"rows": rows}


def _show(measured: dict) -> str:
    if "wall_s" in measured:
        return f"{measured['wall_s']} / {measured['cpu_s']}"
    return measured.get("error", "–")[:80]


def lines(report: dict | None, profiles: dict | None, targets: dict) -> list[str]:
    """The section of docs/benchmarks.md on the reports' targets."""
    out = ["## Reports: `make report`, its rerun, the unit profiles (issue #13)", ""]
    if not report and not profiles:
        out += [
            "Not in this results file: `make bench` (or `scripts/bench.py --report-only`) measures"
            " them; figures measured by hand are under *Reading the results*.",
            "",
        ]
    if report:
        base = report.get("baseline_ref")
        out += [
            f"Baseline: git ref `{base}`, run alternately with this tree in the same run"
            if base
            else "No baseline ref given (`--baseline REF`): this tree only.",
            f"(`parlib {' '.join(report['arguments']['this'])}` here"
            + (f", `parlib {' '.join(report['arguments']['baseline'])}` there" if base else "")
            + "). Wall and CPU seconds of the whole process tree, medians.",
            "",
            "| measure | target | this tree (wall / CPU s) | baseline (wall / CPU s) | ratio wall / CPU |",
            "|---|---|---|---|---|",
        ]
        for kind, label, target in (
            ("cold", "`make report` from empty outputs", targets["report_s"]),
            ("noop", "rerun with nothing changed", targets["noop_s"]),
        ):
            a, b = report.get(f"this_{kind}", {}), report.get(f"baseline_{kind}", {})
            ratio = (
                f"{report[f'ratio_{kind}_wall']}× / {report[f'ratio_{kind}_cpu']}×"
                if f"ratio_{kind}_wall" in report
                else "–"
            )
            verdict = "met" if a.get("wall_s", 1e9) < target else "**not met**"
            shown = f"{_show(a)} | {_show(b) if b else '–'}"
            out.append(f"| {label} | < {target:g} s ({verdict}) | {shown} | {ratio} |")
        out.append("")
    if profiles:
        if "skipped" in profiles:
            out += [f"Unit profiles at scale: skipped — {profiles['skipped']}.", ""]
        else:
            out += [
                "| unit profiles, one execution | target | seconds | ms per unit | calibration (s) | ratio to calibration |",
                "|---|---|---|---|---|---|",
            ]
            for r in profiles["rows"]:
                target = targets.get(f"profiles_{r['units']}_s")
                if "error" in r:
                    out.append(f"| {r['units']:,} units | – | failed: {r['error'][:80]} | | | |")
                    continue
                met = target is not None and r["profiles_s"] < target
                verdict = "" if target is None else (" (met)" if met else " (**not met**)")
                out.append(
                    f"| {r['units']:,} units | {f'< {target:g} s' if target else '–'}{verdict} | {r['profiles_s']} | {r['ms_per_unit']} | {r['calibration_s']} | {r['ratio_to_calibration']}× |"
                )
            out.append("")
    return out
