"""What every reader reads: the state folder's current accepted versions, never a build file.

The command line (``plankg query``, ``chart``, ``validate``, ``diff``, ``history``, ``outcomes``)
and the server read the same thing. Files (a version, the history) are read straight from the
state folder: they are never rewritten, so no lock is needed. Queries read the index through a
published read-only snapshot (a RocksDB checkpoint under ``snapshots/``, named after ``HEAD``):
the one a running server publishes, or, when none is there for the current ``HEAD``, one this
process publishes under the writers' lock, exactly as the server does. So a reader never holds
the store a writer needs, and a version accepted anywhere is seen by the next reader.

A state folder that holds no plan yet is filled from the built plans (data/build), each checked
against the rules first: a plan with violations is refused, never imported (plankg.versions).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .config import Settings
from .history import HEAD, RepositoryError, snapshot_name, write_lock
from .iris import plan_for_key
from .store import REFERENCE, Store
from .versions import Repository, close

SNAPSHOTS = "snapshots"
KEEP = 3  # snapshots kept: the newest, and older ones a slow reader may still be using


def _unimported(repo: Repository) -> bool:
    """Whether a built plan is not in the state folder yet (by file name: nothing is parsed)."""
    for path in repo.settings.build_dir.glob("*-*[0-9].ttl"):
        plan = plan_for_key(repo.settings.base, path.stem)
        if plan is None or not repo.history_path(plan).is_file():
            return True
    return False


def repository(settings: Settings) -> Repository:
    """The state folder for reading its files, built plans not yet in it imported (checked)
    under the writers' lock; RepositoryError when it holds no plan at all."""
    repo = Repository.open(settings, initialise=False)
    if _unimported(repo):
        with write_lock(repo.root):
            try:
                repo = Repository.open(settings, validate=True)
            finally:
                close(repo)
    if not repo.plans():
        raise RepositoryError(f"{repo.root} holds no plan and {settings.build_dir} no built plan: "
                              "run \"plankg build\" first")
    return repo


def head(root: Path) -> str:
    try:
        return (root / HEAD).read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def published(root: Path) -> Path | None:
    """The snapshot published for the current HEAD, if there is one."""
    path = root / SNAPSHOTS / snapshot_name(head(root))
    return path if path.is_dir() else None


def publish(repo: Repository) -> Path:
    """Checkpoint the repository's index for its current HEAD (call it with the write lock held).

    The index is opened (and so synced) before the snapshot is named: a sync that catches up
    with a killed writer moves HEAD, and a snapshot named after the old HEAD would be stale."""
    store = repo.store
    folder = repo.root / SNAPSHOTS
    path = folder / snapshot_name(head(repo.root))
    if path.is_dir():
        return path
    store.flush()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".new-", dir=folder))
    tmp.rmdir()  # backup() insists on creating the folder itself
    store.ox.backup(str(tmp))
    os.rename(tmp, path)
    prune(folder, keep=path)
    return path


def prune(folder: Path, keep: Path) -> None:
    """Remove unfinished checkpoints and all but the newest KEEP snapshots."""
    for partial in folder.glob(".new-*"):  # a checkpoint a killed writer did not finish
        shutil.rmtree(partial, ignore_errors=True)
    snaps = sorted((p for p in folder.iterdir() if p.is_dir() and p.name != "reports"),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for old in snaps[KEEP:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def _current(path: Path, settings: Settings) -> bool:
    """Whether a snapshot holds the reference data as its files now are (data/units.ttl edited
    since it was published means the index must be synced first)."""
    from . import reference
    from .vocab import PLAN_NS

    store = Store(path, base=settings.base, read_only=True)
    name = settings.base + REFERENCE
    rows = store.select(f"SELECT ?d WHERE {{ GRAPH <{name}> {{ <{name}> <{PLAN_NS}contentDigest> ?d }} }}").rows
    return bool(rows) and rows[0][0] == reference.digest(settings)


def snapshot(settings: Settings) -> Path:
    """The read-only snapshot of the current versions, published first if nobody has yet."""
    root = settings.store_dir.resolve()
    path = published(root)
    if path is not None and _current(path, settings):
        return path
    repository(settings)  # imports built plans on first use; an empty state folder is an error
    with write_lock(root):
        repo = Repository.open(settings, root, initialise=False)
        try:
            return publish(repo)
        finally:
            close(repo)
