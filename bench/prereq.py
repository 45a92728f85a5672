"""What each benchmark needs from outside Python, checked before it starts, with the command that installs it.

Why: the benchmarks take minutes; a new user once got ``FileNotFoundError: … 'wrk'`` after 74 s
of work. Each missing piece is named with how to get it, and nothing runs until all are there.
"""
from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

BIN = Path(sys.executable).parent  # the virtual environment's scripts: plankg, oxigraph

NEEDS = {  # benchmark → tools it runs
    "all": ("pyoxigraph", "oxigraph", "wrk"),
    "scale": ("pyoxigraph", "oxigraph", "wrk"),
    "server": ("pyoxigraph", "oxigraph", "wrk"),
    "checks": ("pyoxigraph",),
    "soak": ("pyoxigraph",),
    "goals": ("pyoxigraph",),
}
HOW = {
    "wrk": "the HTTP load generator `wrk`: apt-get install wrk (Debian, Ubuntu; brew install wrk on macOS)",
    "oxigraph": ("the `oxigraph` command (oxigraph serve, the reference server): pip install oxigraph "
                 "(it comes with the test extra: pip install -e '.[test]')"),
    "pyoxigraph": "the pyoxigraph module: pip install pyoxigraph (or pip install -e '.[test]')",
}


def tool(name: str) -> str | None:
    """The path of a command: the one beside this interpreter first (the venv's), else on PATH."""
    local = BIN / name
    return str(local) if local.is_file() else shutil.which(name)


def missing(what: str) -> list[str]:
    """How to install each thing benchmark ``what`` needs and this machine lacks (empty: all there)."""
    out = []
    for name in NEEDS.get(what, ()):
        present = importlib.util.find_spec(name) is not None if name == "pyoxigraph" else tool(name) is not None
        if not present:
            out.append(HOW[name])
    return out


def require(what: str, prog: str = "python -m bench") -> None:
    """Exit (status 2) with an install hint for each missing tool, before any work starts."""
    lacking = missing(what)
    if lacking:
        name = prog if what == "all" else f"{prog} {what}"
        print(f"{name}: cannot start, missing:\n" + "\n".join(f"  - {m}" for m in lacking)
              + "\nInstall these and run it again.", file=sys.stderr)
        sys.exit(2)
