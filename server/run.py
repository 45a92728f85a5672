"""``plankg serve``: make the state folder ready, then serve the app with gunicorn.

On first start the bundled plan is built (if ``data/build`` lacks it), imported as version 1
after validation, indexed in the on-disk Oxigraph store and published as a snapshot; later
starts find all that in place and take a second. Gunicorn runs several HTTP worker processes
(threads inside each), so Flask's own per-request work runs on every core; each worker has its
own pool of query processes (:mod:`plankg.server.pool`).
"""
from __future__ import annotations

import logging

from gunicorn.app.base import BaseApplication

from plankg import pipeline

from .config import ServerConfig
from .snapshots import Snapshots, close, validator, write_lock

log = logging.getLogger("plankg.server")


def prepare(config: ServerConfig, echo=print, validate=None):
    """Build, import, validate, index and publish what the server will read; return the snapshot path.

    ``validate(graph) -> Report`` defaults to :func:`plankg.validate.validate` (tests pass a quicker one).
    """
    from plankg.versions import Repository

    settings = config.settings
    if not any(settings.build_dir.glob("*-*[0-9].ttl")):
        echo(f"building the bundled plan {settings.bundled_plan.name} …")
        pipeline.write(pipeline.build(settings.bundled_plan, settings), settings.build_dir, settings)
    validate = validate or validator()
    check = (lambda g, ref: validate(g + ref)) if validate else None
    root = settings.store_dir
    snapshots = Snapshots(settings, root, validate)
    with write_lock(root):
        repo = Repository.open(settings, root, validate=check)
        try:
            path = snapshots.publish(repo, locked=True)
        finally:
            close(repo)
    echo(f"state folder {root}: {', '.join(Repository.open(settings, root, initialise=False).plans())}")
    if config.store_url:
        from .remote import RemoteEngine

        pushed = RemoteEngine(config, snapshots=snapshots).mirror(path)
        echo(f"external store {config.store_url}: {len(pushed)} graphs updated")
    return path


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
            "graceful_timeout": 10, "keepalive": 5, "proc_name": "plankg",
            "limit_request_line": 8190, "accesslog": "-" if c.access_log else None, "errorlog": "-",
            "control_socket_disable": True,
        }.items():
            self.cfg.set(key, value)

    def load(self):
        from . import create_app

        app = create_app(self.config)
        engine = app.extensions["plankg"]
        if hasattr(engine, "pool"):
            engine.pool  # noqa: B018 - start this worker's query processes now, not on the first query
        return app


def serve(config: ServerConfig, echo=print) -> None:
    prepare(config, echo)
    echo(f"plankg: serving http://{config.host}:{config.port}/ (SPARQL at /sparql) with {config.workers} workers")
    Gunicorn(config).run()
