"""The scale benchmark's validation tables and the whole-process `plankg amend`."""
from __future__ import annotations

import subprocess
import time

from plankg import config

from . import jobs
from .scale_base import SCOPED_CAP, UPDATE, Bench, cell, ratio
from .serving import BIN, plankg_env

# -- validation and amendments -----------------------------------------------------------------

def validation(b: Bench, datasets) -> list[str]:
    full_cap = 1 if b.quick else 10
    lines = [f"## Validation ({config.validator()} validator, all shapes; the data graph already assembled)", "",
             "| N | scope | triples | median s (min–max) | runs | vs N=1 |", "|---:|---|---:|---:|---:|---:|"]
    first = None  # at N=1, one plan is every plan
    for ds in datasets:
        b.log(f"{ds.n} plans: validation")
        for scope, cap, label in (("one", SCOPED_CAP, "one plan + reference (as an amendment checks it)"),
                                  ("all", full_cap, "every plan + reference")):
            if ds.n > cap or (scope == "all" and ds.n == 1):
                continue
            r = jobs.run("validate", ds, scope, b.runs(ds.n) if scope == "one" else 1)
            first = first or (r["runs"] if ds.n == 1 else None)
            if scope == "one":
                b.goals.setdefault("pyshacl", {})[ds.n] = r["runs"]
            lines.append(f"| {ds.n} | {label} | {r['triples']:,} | {cell(r['runs'])} | {len(r['runs'])} "
                         f"| {ratio(r['runs'], first)} |")
    b.notes.append(f"Whole-graph validation runs only up to {full_cap} plan(s), once: it takes about a minute "
                   f"for 10 plans and grows with N. One-plan validation runs up to {SCOPED_CAP} plans. At N=1 both "
                   "are the same: the bundled plan's full validation.")
    return lines + [""]


def fast_validation(b: Bench) -> dict | None:
    """Hook for ``bench/validation.py`` (the fast SHACL path of issue 15, engineer fastcheck's).

    It is called as ``validation.run(repeat, quick)`` and should return ``{"seconds": [one plan
    validated in-process, each run], "identical": bool (same results as pySHACL on every test case
    and mutation), "note": str}``. None while that module is not on this branch: the goal then
    reads "not measured".
    """
    try:
        from . import validation  # noqa: PLC0415 - optional: another branch brings it
    except ImportError:
        return None
    b.log("validation: fast path (bench/validation.py)")
    return validation.run(b.repeat, b.quick)


# -- plankg amend, whole process ---------------------------------------------------------------

def amend_cli(b: Bench, datasets) -> list[str]:
    """`plankg amend change.ru` as a steward runs it (a fresh process each time), at 1 plan and the
    largest N: the first amendment on a state folder apart (it was the slowest), then the median."""
    lines = ["## `plankg amend` of a SPARQL Update (task 21's label), whole process, until it exits accepted", "",
             "| N | first s | median s (min–max) after it | runs |", "|---:|---:|---:|---:|"]
    for ds in datasets:
        if ds.n not in (1, max(b.sizes)):
            continue
        b.log(f"{ds.n} plans: plankg amend")
        state = b.tmp("amend-state")
        ds.state_copy(state)
        env = plankg_env(ds.settings(), state, data_dir=ds.data, build_dir=ds.root / "build1")
        times = []
        for k in range(1 + max(3 if ds.n == 1 else 1, b.runs(ds.n))):
            change = b.work / "change.ru"
            change.write_text(UPDATE.format(task=f"{ds.plan(1)}/task/21", k=f"cli{k}"), encoding="utf-8")
            start = time.perf_counter()
            done = subprocess.run([str(BIN / "plankg"), "amend", str(change), "-m", f"bench {k}", "--plan", ds.plan(1),
                                   "--store", str(state)], env=env, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                raise RuntimeError(f"plankg amend refused the benchmark's change (exit {done.returncode}): "
                                   f"{(done.stdout + done.stderr)[-2000:]}")
        b.goals.setdefault("amend-cli", {})[ds.n] = (times[0], times[1:])
        lines.append(f"| {ds.n} | {times[0]:.2f} | {cell(times[1:])} | {len(times) - 1} |")
    return lines + [""]


