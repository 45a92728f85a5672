"""Repeat a measurement and report median, min and max: the machines are noisy."""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"  # where each benchmark writes its table


@dataclass(frozen=True)
class Timing:
    name: str
    runs: list[float]
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def row(self) -> str:
        return (f"| {self.name} | {self.median:.3f} | {min(self.runs):.3f} | {max(self.runs):.3f} "
                f"| {len(self.runs)} | {self.note} |")


HEADER = "| measurement | median s | min s | max s | runs | note |\n|---|---:|---:|---:|---:|---|"


def measure(name: str, fn: Callable[[], object], repeat: int = 5, note: str = "") -> tuple[Timing, object]:
    """Call ``fn`` ``repeat`` times; return the timings and the last result."""
    runs, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - start)
    return Timing(name, runs, note), result
