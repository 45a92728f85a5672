"""What every part of the scale benchmark shares: its settings, the Bench it fills, the figures' cells."""
from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .prereq import tool

FULL, QUICK = (1, 10, 100, 1000), (1, 10)
INDEX_CAP = 100  # beyond this, plankg's index rebuild takes about an hour
SCOPED_CAP = 1000  # one-plan validation: its cost does not grow with N
QUERY_LIMIT = 60  # s a canned query may take (pyoxigraph cannot stop one: its process is killed); --quick 10
TOKEN = "plankg-bench"  # the update token of the benchmark's own server, on 127.0.0.1 only
UPDATE = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
DELETE {{ <{task}> rdfs:label ?old }} INSERT {{ <{task}> rdfs:label "任务21：修订{k}"@zh }}
WHERE {{ <{task}> rdfs:label ?old FILTER (LANG(?old) = "zh") }}"""
REJECTED = """PREFIX plan: <https://w3id.org/plankg/ontology#>
DELETE WHERE {{ <{task}> plan:leadUnit ?unit }}"""  # task 7 loses its lead unit: a rule violation, refused
HTTP_QUERY = "SELECT ?p ?o WHERE {{ <{plan}/task/21> ?p ?o }}"  # one task: the same cost at every N


def median(xs) -> float:
    return statistics.median(xs)


def cell(xs, scale: float = 1.0, digits: int = 2) -> str:
    """median (min–max), or just the value for a single run."""
    m = f"{median(xs) * scale:,.{digits}f}"
    return m if len(xs) == 1 else f"{m} ({min(xs) * scale:,.{digits}f}–{max(xs) * scale:,.{digits}f})"


def ratio(a, b) -> str:
    return f"{median(a) / median(b):.2f}×" if a and b else "–"


@dataclass
class Bench:
    sizes: tuple[int, ...]
    repeat: int
    quick: bool
    work: Path
    notes: list[str] = field(default_factory=list)
    goals: dict = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def runs(self, n: int) -> int:
        """Runs at size n: all of --repeat up to 10 plans, half at 100, one beyond; --quick: one beyond 1."""
        if self.quick:
            return self.repeat if n == 1 else 1
        return self.repeat if n <= 10 else max(1, self.repeat // 2) if n <= 100 else 1

    def log(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.started:6.0f} s] {message}", file=sys.stderr, flush=True)

    def tmp(self, name: str) -> Path:
        path = self.work / name
        shutil.rmtree(path, ignore_errors=True)
        return path


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    ram = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))) / 1024 ** 2
    oxigraph = subprocess.run([tool("oxigraph"), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return (f"{cpu}, {os.cpu_count()} cores, {ram:.0f} GiB RAM, {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, pyoxigraph {ox.__version__}, {oxigraph} (CLI), wrk")


