"""The wheel carries the code and the resources, never what a used clone holds beside them.

plankg/data links to data/, where a clone that has served, amended and stored outcomes keeps its
state folder (data/store: versions with their agents, outcomes, the Oxigraph index, snapshots,
search indexes, serve.lock) and its exports (data/build); caches (__pycache__, .pytest_cache)
lie all over it. The wheel is built from such a clone and must hold none of them.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow
CLEAN_WHEEL_MB = 1.5  # a clean wheel is about 1 MB; a used clone's state folder made it 9.6 MB


def clone(dest):
    """The repository's tracked files as they are now in the working tree (symlinks kept)."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, check=True, capture_output=True).stdout
    for name in filter(None, names.decode("utf-8").split("\0")):
        src, out = REPO / name, dest / name
        if not src.exists() and not src.is_symlink():
            continue  # deleted in the working tree
        out.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), out)
        else:
            shutil.copy2(src, out)


def use(root):
    """What serving, amending and storing outcomes leave in a clone (sizes like the real ones)."""
    store = root / "data" / "store"
    made = {
        store / "plans" / "500103-2023" / "v2.ttl": 900_000, store / "plans" / "500103-2023" / "history.ttl": 4_000,
        store / "oxigraph" / "000042.sst": 3_000_000, store / "snapshots" / "8c6659ee93a5dc3b" / "000042.sst": 3_000_000,
        store / "search" / "500103-2023-0123456789abcdef.sqlite": 1_500_000,
        store / "outcomes" / "500103-2023" / "verdicts.trig": 50_000, store / "serve.lock": 0, store / "HEAD": 40,
        root / "data" / "build" / "500199-2024.ttl": 60_000, root / "plankg" / "__pycache__" / "cli.cpython-311.pyc": 20_000,
        root / "plankg" / "server" / "__pycache__" / "update.cpython-311.pyc": 20_000,
        root / ".pytest_cache" / "v" / "cache" / "lastfailed": 100, root / "data" / "source" / ".notes.txt.tmp": 100,
    }
    for path, size in made.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(size))
    return made


def test_a_used_clone_builds_a_clean_wheel(tmp_path):
    root = tmp_path / "clone"
    clone(root)
    use(root)
    done = subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path / "dist")],
                          cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("plankg-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    carried = [n for n in names if n.startswith(("plankg/data/store/", "plankg/data/build/"))
               or any(part in n for part in ("__pycache__", ".pytest_cache", "/snapshots/", "/oxigraph/"))
               or n.endswith((".lock", ".sqlite", ".pyc", ".tmp", "/HEAD"))]
    assert carried == []
    assert "plankg/data/source/yuzhong-2023-key-tasks.txt" in names and "plankg/cli.py" in names
    assert wheel.stat().st_size < CLEAN_WHEEL_MB * 1024 * 1024, f"{wheel.stat().st_size} bytes"
