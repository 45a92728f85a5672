"""Cost of the checks on the bundled plan: inference (rules vs owlrl RDFS vs owlrl OWL-RL) and SHACL.

    python -m bench checks [--repeat 5]
"""
from __future__ import annotations

import platform
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timezone

from rdflib import Graph

from plankg import pipeline, reason
from plankg.config import from_env
from plankg.validate import validate

from .timing import HEADER, measure


def run(repeat: int = 5) -> str:
    settings = from_env()
    built = pipeline.build(settings.bundled_plan, settings)
    reference = pipeline.reasoned_reference(settings)
    rows = []
    t, _ = measure("plankg build (whole process)", lambda: subprocess.run(
        [sys.executable, "-m", "plankg.cli", "--build-dir", "/tmp/plankg-bench-build", "build"],
        check=True, capture_output=True), repeat)
    rows.append(t)
    t, fast = measure("inference: rules (Oxigraph)", lambda: reason.infer(built.graph, reference), repeat)
    rows.append(replace(t, note=f"{len(fast)} triples"))
    t, rdfs = measure("inference: owlrl RDFS", lambda: reason.infer_owlrl(built.graph, reference, "rdfs"),
                      max(1, repeat // 2))
    rows.append(replace(t, note=f"{len(rdfs)} triples"))
    t, full = measure("inference: owlrl OWL 2 RL", lambda: reason.infer_owlrl(built.graph, reference),
                      max(1, repeat // 2))
    rows.append(replace(t, note=f"{len(full)} triples"))
    data = Graph()
    data += built.graph
    data += reference
    t, report = measure("validation: pyshacl, all shapes", lambda: validate(data), repeat)
    rows.append(replace(t, note=f"conforms={report.conforms}, {len(report.results)} results"))
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"
    lines = [f"# Checks on the bundled plan ({stamp})", "", f"Machine: {machine}; "
             f"{len(built.graph)} asserted triples, reference graph {len(reference)} triples.", "",
             HEADER, *[r.row() for r in rows], ""]
    return "\n".join(lines)
