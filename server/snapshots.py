"""Read-only snapshots of the state folder's store: what the query processes and pages read.

RocksDB lets one process open a store for writing, and says reading it from another process
while it is written is undefined. So no process keeps the store open: a writer (first start,
``/update``, ``plankg amend``) opens it under a lock, and the server then publishes a RocksDB
checkpoint of it (hard links, milliseconds) under ``snapshots/``; every HTTP worker and query
process opens the newest checkpoint read-only. Which one is newest follows the repository's
``HEAD`` file, which every accepted version rewrites; a version made outside the server
(``plankg amend``) is picked up by the next request that notices it.
"""
from __future__ import annotations

import os
from pathlib import Path

from plankg.config import Settings
from plankg.versions import close, snapshot_name, write_lock  # noqa: F401 (close: used by the server's writers)


def validator():
    """plankg.validate.validate, or None while that module is not installed."""
    try:
        from plankg.validate import validate
    except ImportError:
        return None
    return validate


class Snapshots:
    """The snapshots of one state folder."""

    def __init__(self, settings: Settings, root: Path, validate=None):
        self.settings, self.root = settings, Path(root)
        self.validate = validate  # None: plankg.validate.validate
        self.folder = self.root / "snapshots"
        self._seen: tuple | None = None
        self._path: Path | None = None

    def _head(self) -> str:
        try:
            return (self.root / "HEAD").read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def name_for(self, head: str) -> str:
        return snapshot_name(head)

    def current(self) -> Path:
        """The newest published snapshot, publishing it first if HEAD moved and nobody has yet."""
        key = self._stat_key()
        if key == self._seen and self._path is not None:
            return self._path
        path = self.folder / self.name_for(self._head())
        if not path.is_dir():
            try:
                path = self.publish()  # its name may differ: opening the store can bring HEAD forward
            except OSError:
                if self._path is not None:  # the store is busy (a writer holds it): keep the last one
                    return self._path
                raise
        self._seen, self._path = key, path
        return path

    def _stat_key(self):
        try:
            st = os.stat(self.root / "HEAD")
            return (st.st_ino, st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            return ()

    def publish(self, repo=None, *, locked: bool = False, reports: bool = True) -> Path:
        """Checkpoint the store for the current HEAD (opening the repository unless given one).

        ``reports=False`` when the caller has written the one report that changed (``/update``):
        looking at every plan's report would cost time in proportion to the plans loaded.
        """
        if not locked:
            with write_lock(self.root):
                return self.publish(repo, locked=True, reports=reports)
        from plankg import readers
        from plankg.versions import Repository

        own = repo is None
        repo = repo or Repository.open(self.settings, self.root, initialise=False)
        try:
            repo.store  # noqa: B018 - opened (and so synced) first: see plankg.readers.publish
            if reports and not (self.folder / self.name_for(self._head())).is_dir():
                self.write_reports(repo)
            return readers.publish(repo)
        finally:
            if own:
                close(repo)

    # -- validation reports: the one kept beside each plan version ----------

    def report_path(self, plan: str, number: int) -> Path:
        """The report of a plan version: the file the repository keeps beside the version."""
        from plankg.versions import Repository

        return Repository(self.settings, self.root).version_path(plan, number).with_suffix(".report.ttl")

    def write_reports(self, repo, given: dict | None = None) -> None:
        """Make the report of each plan's current version that has none yet (a version imported
        without a check); ``given`` holds reports already made (an accepted amendment's)."""
        validate = self.validate or validator()
        if validate is None:
            return
        from plankg.check import check
        from plankg.files import atomic_write

        for plan in list(given) if given else repo.plans():
            version = repo.current(plan)
            target = self.report_path(plan, version.number)
            if target.is_file():
                continue
            report = (given or {}).get(plan) or check(repo.version_graph(plan), self.settings, validate=validate)
            atomic_write(target, report.to_turtle())
