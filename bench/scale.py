"""plankg with 1 … 1000 districts' plans, measured side by side with pyoxigraph and ``oxigraph serve``.

    python -m bench scale [--quick] [--sizes 1,10,100,1000] [--repeat 3]

For each size N (bench.synthetic makes the plans) and in the same run: load time and peak memory
(each loader in a fresh process), every canned query through plankg and directly on pyoxigraph,
/sparql throughput and latency against ``oxigraph serve``, amendments through /update, and
validation; plus
the whole-process ``plankg build`` of the bundled plan. Figures are medians with min–max; large N
get fewer runs, and the slowest paths are capped (the tables say where, and why).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from plankg.config import from_env

from . import synthetic
from .goals import goals
from .scale_base import FULL, QUICK, Bench, machine  # noqa: F401 (QUICK: python -m bench --quick)
from .scale_checks import amend_cli, fast_validation, validation
from .scale_http import serving
from .scale_load import build, loads, queries


def run(sizes=FULL, repeat: int = 3, quick: bool = False, command: str = "python -m bench scale") -> str:
    settings = from_env()
    started = time.perf_counter()
    tpl = synthetic.template(settings)
    datasets = [synthetic.generate(n, settings, tpl) for n in sizes]
    work = Path(tempfile.mkdtemp(prefix="work-", dir=synthetic.CACHE))
    load_before = os.getloadavg()[0]
    b = Bench(tuple(sizes), repeat, quick, work)
    try:
        body = (build(b) + loads(b, datasets) + queries(b, datasets)
                + serving(b, datasets, 2 if quick else 3, 3) + amend_cli(b, datasets) + validation(b, datasets))
        fast = fast_validation(b)
        b.log("done")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    load = (load_before, os.getloadavg()[0])
    busy = max(load) > (os.cpu_count() or 1)
    head = [f"# plankg at scale: {', '.join(map(str, sizes))} plans ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)", "",
            f"Machine: {machine()}.", "",
            (f"Command: `{command}` (took {elapsed / 60:.1f} min, data generation included). Synthetic plans: "
             f"copies of the bundled plan (≈170 tasks, ≈17,000 quads with inference and history each) as districts "
             f"990001…, each with its own unit registry (bench/synthetic.py). Runs per figure: "
             f"{', '.join(f'{b.runs(n)} at {n} plan(s)' for n in sizes)} (canned queries: {b.repeat}"
             f"{'' if b.quick else ', amendments: at least 3'}, /sparql: see its table)."), "",
            (f"Load average (1 min) at start and end: {load[0]:.1f} and {load[1]:.1f} on {os.cpu_count()} cores"
             + (". **The machine was busy with other work**: times are inflated and req/s ratios against "
                "oxigraph serve are unreliable (both servers are starved); CPU ms per request is the steadier "
                "figure." if busy else ".")), ""]
    return "\n".join(head + goals(b, fast) + body + ["", "## Notes", "", *[f"- {n}" for n in b.notes], ""])
