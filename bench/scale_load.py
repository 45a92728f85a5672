"""The scale benchmark's first tables: `plankg build` (whole process), loading N plans, canned queries."""
from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from plankg import canned

from . import jobs, synthetic
from .scale_base import INDEX_CAP, QUERY_LIMIT, Bench, cell, median, ratio
from .serving import BIN

ROOT = Path(__file__).resolve().parent.parent  # the clone: `python -m bench.floor` runs from it

# -- plankg build ------------------------------------------------------------------------------

def build(b: Bench) -> list[str]:
    """`plankg build`, `plankg validate` and the engine's floor (bench.floor on the build), each a
    whole process, timed alike; the goals of issue 22 put each beside the floor."""
    b.log("plankg build, plankg validate, the engine's floor")
    out = b.tmp("build")
    plankg = str(BIN / "plankg")
    subprocess.run([plankg, "--build-dir", str(out), "build"], check=True, capture_output=True)
    cmds = {"build": ("`plankg build` of the bundled plan", [plankg, "--build-dir", str(out), "build"]),
            "validate": ("`plankg validate` (the bundled plan built in memory and checked)", [plankg, "validate"]),
            "floor": ("the engine's floor: pyoxigraph loads the built plan and answers a query (bench/floor.py)",
                      [sys.executable, "-m", "bench.floor", str(out / "500103-2023.ttl")]),
            "import": ("of plankg's: interpreter start and `import plankg.cli, plankg.pipeline`",
                       [sys.executable, "-c", "import plankg.cli, plankg.pipeline"])}
    lines = ["## `plankg build` and `plankg validate`, whole process, beside the engine's floor", "",
             "| what | median s (min–max) | runs |", "|---|---:|---:|"]
    for key, (name, cmd) in cmds.items():
        runs = []
        for _ in range(max(5, b.repeat)):
            start = time.perf_counter()
            subprocess.run(cmd, capture_output=True, cwd=ROOT)  # validate exits 1 on violations: still timed
            runs.append(time.perf_counter() - start)
        lines.append(f"| {name} | {cell(runs, digits=3)} | {len(runs)} |")
        b.goals[key] = runs
    return lines + [""]


# -- loading -----------------------------------------------------------------------------------

LOADS = [  # (plankg's path, its job, cap) against (pyoxigraph on the same data, its job)
    ("`plankg query`'s load (store.load_built, in memory)", "load-store", math.inf,
     "pyoxigraph `bulk_load` of the same Turtle files, in memory", "ox-files"),
    ("state-folder index rebuilt from its files (Repository.sync: infer, index; on disk)", "index", INDEX_CAP,
     "pyoxigraph `bulk_load` of the index's N-Quads, on disk", "ox-index"),
]


def _job_runs(b: Bench, ds, kind: str) -> list[dict]:
    out = []
    for _ in range(b.runs(ds.n)):
        if kind == "index":  # a state folder with the version files but no store yet
            args = [b.tmp("index-state")]
            shutil.copytree(ds.state, args[0], copy_function=os.link)
        elif kind == "ox-index":
            args = [b.tmp("ox-index")]
        else:
            args = []
        out.append(jobs.run(kind, ds, *args))
        if kind == "ox-index" and not (ds.root / "index-store").exists():
            synthetic.settle(args[0])  # not timed
            os.rename(args[0], ds.root / "index-store")  # kept: the store the queries and servers use
    return out


def loads(b: Bench, datasets) -> list[str]:
    lines = ["## Loading N plans (each run a fresh process; peak = its VmHWM, the most resident memory it held)", "",
             "| N | quads | loader | median s (min–max) | peak MiB | runs | time vs pyoxigraph | memory vs pyoxigraph |",
             "|---:|---:|---|---:|---:|---:|---:|---:|"]
    for ds in datasets:
        b.log(f"{ds.n} plans: loading")
        for name, kind, cap, ref_name, ref_kind in LOADS:
            ref = _job_runs(b, ds, ref_kind)
            ref_s, ref_mb = [r["seconds"] for r in ref], [r["peak_mb"] for r in ref]
            if ds.n <= (1 if b.quick and kind == "index" else cap):
                own = _job_runs(b, ds, kind)
                own_s, own_mb = [r["seconds"] for r in own], [r["peak_mb"] for r in own]
                lines.append(f"| {ds.n} | {ds.quads:,} | {name} | {cell(own_s)} | {median(own_mb):,.0f} | {len(own)} "
                             f"| {ratio(own_s, ref_s)} | {ratio(own_mb, ref_mb)} |")
                b.goals.setdefault("load", {})[kind] = (ds.n, own_s, own_mb)
            else:
                lines.append(f"| {ds.n} | {ds.quads:,} | {name} | not run (capped) | | | | |")
            lines.append(f"| {ds.n} | {ds.quads:,} | {ref_name} | {cell(ref_s)} | {median(ref_mb):,.0f} | {len(ref)} | 1× | 1× |")
            b.goals.setdefault("load-ref", {})[ref_kind] = (ds.n, ref_s)
    b.notes.append(f"The index rebuild (every plan parsed, inferred and written again, as after a change to the "
                   f"ontology) runs only up to {INDEX_CAP} plans (--quick: 1): it takes about 3 s per plan.")
    return lines + [""]


# -- canned queries ----------------------------------------------------------------------------

def _predict(history: list[tuple[int, float]], n: int) -> float:
    """Seconds a query should take at n plans, from its last two sizes (at least linear growth)."""
    if not history:
        return 0.0
    (n2, t2), (n1, t1) = history[-1], (history[-2] if len(history) > 1 else (0, 0.0))
    k = max(1.0, math.log(t2 / t1) / math.log(n2 / n1)) if n1 and t1 > 0 and t2 > 0 else 1.0
    return t2 * (n / n2) ** k


def queries(b: Bench, datasets) -> list[str]:
    limit = 10 if b.quick else QUERY_LIMIT
    lines = ["## Canned queries: plankg (`CannedQuery.run`) vs the same text on pyoxigraph (`Store.query`)", "",
             ("Both on the state folder's store, opened read-only, after one warm-up call; with `plan`, the "
              "query is narrowed to that plan's graphs as plankg does it. Times in ms."), "",
             "| N | query | scope | rows | plankg ms | pyoxigraph ms | ratio | runs |",
             "|---:|---|---|---:|---:|---:|---:|---:|"]
    history: dict[str, list[tuple[int, float]]] = {}  # "query:scope" → (N, plankg seconds) where it ran
    stopped: dict[str, int] = {}  # "query:scope" → N where it did not finish within the limit
    for ds in datasets:
        b.log(f"{ds.n} plans: canned queries")
        items = [f"{name}:{scope}" for name, q in sorted(canned.load_all().items()) for scope in jobs.scopes(q, ds)]
        todo, worst, missing = [], [], 0
        for item in items:
            expected = _predict(history.get(item, []), ds.n)
            if item in stopped or expected > limit:
                why = (f"did not finish in {limit} s at {stopped[item]} plans" if item in stopped
                       else f"≈ {expected:,.0f} s expected")
                lines.append(f"| {ds.n} | {item.replace(':', ' | ')} | | not run: {why} | | | |")
                missing += 1
            else:
                todo.append(item)
        for item, r in jobs.stream("queries", ds, todo, b.repeat, limit / 10, timeout=limit):
            if r is None:
                stopped[item] = ds.n
                lines.append(f"| {ds.n} | {item.replace(':', ' | ')} | | did not finish in {limit} s | | | |")
                missing += 1
                continue
            history.setdefault(item, []).append((ds.n, median(r["own"])))
            worst.append(median(r["own"]) / median(r["direct"]))
            lines.append(f"| {ds.n} | {item.replace(':', ' | ')} | {r['rows']:,} | {cell(r['own'], 1000, 1)} "
                         f"| {cell(r['direct'], 1000, 1)} | {ratio(r['own'], r['direct'])} | {len(r['own'])} |")
        b.goals["queries"] = (ds.n, max(worst, default=math.nan), missing)
    b.notes.append(f"Canned queries run in a separate process, stopped when a run takes over {limit} s; one expected to take longer "
                   f"(extrapolated from the two sizes before, at least linearly) is not run, and one whose first "
                   f"(warm-up) run takes over {limit / 10:g} s then runs once each way.")
    return lines + [""]


