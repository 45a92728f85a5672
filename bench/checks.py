"""Cost of the checks on the bundled plan: inference (rules vs owlrl RDFS vs owlrl OWL-RL) and SHACL.

    python -m bench checks [--repeat 5] [--quick]

``--quick`` leaves out the owlrl references (40 s); run with the scale benchmark (``python -m
bench``), the whole-process build is left to the scale tables.
"""
from __future__ import annotations

import platform
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime

from rdflib import Graph

from plankg import config, pipeline, reason, reference as reference_data
from plankg.config import from_env
from plankg.validate import validate

from .timing import HEADER, measure


def run(repeat: int = 5, quick: bool = False, build: bool = True) -> str:
    settings = from_env()
    built = pipeline.build(settings.bundled_plan, settings)
    reference = reference_data.reasoned(settings)
    rows = []
    if build:
        t, _ = measure("plankg build (whole process)", lambda: subprocess.run(
            [sys.executable, "-m", "plankg.cli", "--build-dir", "/tmp/plankg-bench-build", "build"],
            check=True, capture_output=True), repeat)
        rows.append(t)
    t, fast = measure("inference: rules (Oxigraph)", lambda: reason.infer(built.graph, reference), repeat)
    rows.append(replace(t, note=f"{len(fast)} triples"))
    if not quick:
        for name, semantics in (("RDFS", "rdfs"), ("OWL 2 RL", "owlrl")):
            t, derived = measure(f"inference: owlrl {name}",
                                 lambda s=semantics: reason.infer_owlrl(built.graph, reference, s), max(1, repeat // 2))
            rows.append(replace(t, note=f"{len(derived)} triples"))
    data = Graph()
    data += built.graph
    data += reference
    t, report = measure(f"validation: {config.validator()} (PLANKG_VALIDATOR), all shapes", lambda: validate(data), repeat)
    rows.append(replace(t, note=f"conforms={report.conforms}, {len(report.results)} results"))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"
    lines = [f"# Checks on the bundled plan ({stamp})", "",
             f"Machine: {machine}; {len(built.graph)} asserted triples, reference graph {len(reference)} triples.", "",
             HEADER, *[r.row() for r in rows], ""]
    return "\n".join(lines)
