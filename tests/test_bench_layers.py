"""bench/ imports one way and stays in short modules, as the library does (tests/test_layers.py).

Bottom to top: the helpers every benchmark uses, the measurements, the tables made of them, the
runners. A module imports its own layer and those below, never one above, and no module imports
itself back through others (``__main__ → scale → server → __main__`` was such a circle).
Imports are read with ``ast``; nothing is run.
"""
from __future__ import annotations

import ast
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
MAX_LINES = 350

LAYERS = [
    ("helpers", {"__init__", "timing", "prereq", "serving", "synthetic", "floor"}),
    ("measurements", {"jobs", "server", "writes", "validation", "checks", "search"}),
    ("tables", {"scale_base", "scale_load", "scale_http", "scale_checks", "goals", "soak"}),
    ("runners", {"scale", "write_path", "__main__"}),
]


def imports() -> dict[str, set[str]]:
    """bench module → the bench modules it imports (relative imports, anywhere in its text)."""
    names = {p.stem for p in BENCH.glob("*.py")}
    out = {}
    for path in sorted(BENCH.glob("*.py")):
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level == 1 or (node.module or "").startswith("bench")):
                module = (node.module or "").removeprefix("bench").lstrip(".")
                found |= {module} if module in names else {a.name for a in node.names if a.name in names}
        out[path.stem] = found - {path.stem}
    return out


def layer(name: str) -> int:
    return next(i for i, (_, members) in enumerate(LAYERS) if name in members)


def test_every_bench_module_has_a_layer():
    placed = set().union(*(members for _, members in LAYERS))
    assert sorted(set(imports()) - placed) == []


def test_bench_imports_point_down():
    up = [f"bench.{a} ({LAYERS[layer(a)][0]}) imports bench.{b} ({LAYERS[layer(b)][0]})"
          for a, targets in imports().items() for b in targets if layer(b) > layer(a)]
    assert up == []


def test_bench_has_no_import_cycles():
    graph = imports()

    def reaches(start: str, goal: str, seen: set) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in graph.get(start, ()))
    assert [m for m in graph if reaches(m, m, {m})] == []


def test_bench_modules_are_short():
    long = {p.name: n for p in BENCH.glob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
