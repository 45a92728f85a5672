"""``plankg serve``: make the state folder ready, then serve the app with gunicorn.

On first start the bundled plan is built (if neither ``data/build`` nor the state folder has a
plan) the way ``plankg build`` builds it: imported as version 1 only if it passes the rules,
indexed in the on-disk Oxigraph store and published as a snapshot; later starts find all that in
place and take a second. Gunicorn runs several HTTP worker processes
(threads inside each), so Flask's own per-request work runs on every core; each worker has its
own pool of query processes (:mod:`plankg.server.pool`).

**The fork rule.** A process that forks must not have opened an on-disk store. RocksDB runs its
flushes and compactions on a process-wide thread pool that it starts the first time any store
is opened and keeps after the store is closed; a forked child inherits the pool's bookkeeping
but not its threads, so the child's first flush waits forever (this hung every ``/update``
when the gunicorn master had prepared the state folder itself). Hence:

- the gunicorn master never opens a store: :func:`prepare` runs in a *spawned* interpreter
  (:func:`prepare_in_child`), which exits before gunicorn forks its workers;
- an HTTP worker opens stores (snapshots to read, the state folder to write) but never forks
  without exec: its query processes are fresh interpreters (``subprocess``, fork + exec);
- ``tests/server/test_deployed.py`` checks that a serving master has no RocksDB threads.
"""
from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from gunicorn.app.base import BaseApplication

from .config import ServerConfig
from .snapshots import Snapshots, close, validator, write_lock

log = logging.getLogger("plankg.server")


def prepare(config: ServerConfig, echo=print, validate=None):
    """Build, import, validate, index and publish what the server will read; return the snapshot path.

    ``validate(graph) -> Report`` defaults to :func:`plankg.validate.validate` (tests pass a quicker one).
    """
    from plankg.versions import Repository, RepositoryError

    settings = config.settings
    if not any(settings.build_dir.glob("*-*[0-9].ttl")) and not Repository.open(settings, initialise=False).plans():
        echo(f"building the bundled plan {settings.bundled_plan.name} …")
        from plankg import building  # as `plankg build` does: imported only if it passes, then exported

        refused = [b for b in building.build(settings, [settings.bundled_plan]) if b.status == "rejected"]
        if refused:
            raise RepositoryError(f"{settings.bundled_plan}: the plan breaks its rules; see `plankg validate`:\n"
                                  + refused[0].outcome.report.to_text())
    validate = validate or validator()
    root = settings.store_dir
    snapshots = Snapshots(settings, root, validate)
    with write_lock(root):
        repo = Repository.open(settings, root, validate=validate)
        try:
            for leftover in repo.tidy():
                echo(f"removed {leftover.relative_to(root)}: left by a writer that was stopped before its commit")
            path = snapshots.publish(repo, locked=True)
            plans = repo.plans()
        finally:
            close(repo)
    echo(f"state folder {root}: {', '.join(plans)}")  # the repository is opened once per process
    if config.store_url:
        from .remote import RemoteEngine

        pushed = RemoteEngine(config, snapshots=snapshots).mirror(path)
        echo(f"external store {config.store_url}: {len(pushed)} graphs updated")
    return path


# **Stopping.** SIGTERM (a service manager) or Ctrl-C stops the server within 5 s. Gunicorn's
# master tells the workers to stop, waits GRACE seconds for the requests they hold, then kills
# them; a kept-alive idle connection is closed after at most 2 s (gunicorn's own linger), so an
# idle server stops in about a second. GRACE is short on purpose: queries are limited anyway, and
# an update that needs longer (about 2 s at one plan, more with many) is killed part-way, which
# the commit protocol of :mod:`plankg.versions` makes safe: the version is committed by one
# rename or not at all, and the next start brings the index, HEAD and the snapshot up to date
# and removes the unreferenced version file a killed writer may leave. The steward then gets no
# answer and finds the outcome in the history. (Gunicorn's default, 30 s, was the "SIGTERM takes
# 30 s" of issue 13, and 10 s still exceeded 5 s during an update.)
GRACE = 3


def _worker_exit(server, worker) -> None:
    """Stop the worker's query processes as it exits, rather than leaving it to the kernel's
    parent-death signal (which follows the thread that started a process, not the worker)."""
    engine = getattr(getattr(worker, "wsgi", None), "extensions", {}).get("plankg")
    if engine is not None and hasattr(engine, "close"):
        engine.close()


class Gunicorn(BaseApplication):
    """Gunicorn driven from Python, so ``plankg serve`` needs no separate configuration file."""

    def __init__(self, config: ServerConfig):
        self.config = config
        super().__init__()

    def load_config(self):
        c = self.config
        for key, value in {
            "bind": f"[{c.host}]:{c.port}" if ":" in c.host else f"{c.host}:{c.port}",
            "workers": c.workers, "worker_class": "gthread", "threads": c.threads,
            "timeout": int(c.query_timeout * 3 + 30),  # gunicorn's own watchdog, far beyond the query limit
            "graceful_timeout": GRACE, "keepalive": 5, "proc_name": "plankg",
            "limit_request_line": 8190, "accesslog": "-" if c.access_log else None, "errorlog": "-",
            "control_socket_disable": True, "worker_exit": _worker_exit,
        }.items():
            self.cfg.set(key, value)

    def load(self):
        from .app import create_app

        app = create_app(self.config)
        engine = app.extensions["plankg"]
        if hasattr(engine, "pool"):
            engine.pool  # noqa: B018 - start this worker's query processes now, not on the first query
        return app


class PrepareError(RuntimeError):
    """Preparing the state folder failed (in the child); the message is the child's error."""


def _prepare_child(config: ServerConfig) -> str | None:
    """Run :func:`prepare` in the spawned child; an error comes back as its one-line text."""
    try:
        prepare(config, echo=lambda *a: print(*a, flush=True))
    except Exception as e:  # noqa: BLE001 - any error is reported by the parent as one line
        return f"{type(e).__name__}: {e}" if not str(e).startswith(str(type(e).__name__)) else str(e)
    return None


def prepare_in_child(config: ServerConfig) -> None:
    """:func:`prepare` in a fresh interpreter, so this process never opens a store (the fork rule)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as child:
        error = child.submit(_prepare_child, config).result()
    if error:
        raise PrepareError(error)


def serve(config: ServerConfig, echo=print) -> None:
    prepare_in_child(config)
    echo(f"plankg: serving http://{config.host}:{config.port}/ (SPARQL at /sparql) with {config.workers} workers")
    Gunicorn(config).run()
