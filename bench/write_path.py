"""Issue 22's goals alone: the write path's figures, without the rest of the scale benchmark.

    python -m bench goals [--repeat 5]

The same measurements as the scale benchmark's (bench.scale_load.build, bench.scale_checks.amend_cli,
bench.scale_http.updates), at 1 plan, in about two minutes: `plankg build`, `plankg validate` and
`plankg amend` as whole processes, `/update` accepted and rejected through `plankg serve`, each
beside the engine's floor (bench/floor.py). Writes results/goals.md.
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
from .goals import goals22, table
from .scale_base import Bench, cell, machine
from .scale_checks import amend_cli
from .scale_http import start_servers, updates
from .scale_load import build


def served(b: Bench, ds) -> list[str]:
    """/update accepted and rejected on plankg serve alone (no oxigraph serve, no /sparql load)."""
    started = start_servers(b, ds, oxigraph=False)
    try:
        warm, times, refused = updates(b, ds, started["plankg serve"][0])
    finally:
        for server, _, _ in started.values():
            server.stop()
    b.goals["update"], b.goals["rejected"] = {1: times}, {1: refused}
    return ["## `/update` through `plankg serve`, 1 plan (after warm-up updates)", "",
            "| outcome | median s (min–max) | runs |", "|---|---:|---:|",
            f"| accepted (task 21's label) | {cell(times)} | {len(times)} |",
            f"| rejected (task 7 loses its lead unit: 422 with the report) | {cell(refused)} | {len(refused)} |", ""]


def run(repeat: int = 5, command: str = "python -m bench goals") -> str:
    settings = from_env()
    started = time.perf_counter()
    ds = synthetic.generate(1, settings, synthetic.template(settings))
    work = Path(tempfile.mkdtemp(prefix="work-", dir=synthetic.CACHE))
    load_before = os.getloadavg()[0]
    b = Bench((1,), repeat, False, work)
    try:
        body = build(b) + amend_cli(b, [ds]) + served(b, ds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    head = [f"# The write path's goals (issue 22), 1 plan ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)", "",
            f"Machine: {machine()}.", "",
            f"Command: `{command}` (took {(time.perf_counter() - started) / 60:.1f} min). Load average (1 min) at "
            f"start and end: {load_before:.1f} and {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.", ""]
    return "\n".join(head + ["## Goals of issue 22 (targets, not assertions)", "", *table(goals22(b)), ""] + body)
