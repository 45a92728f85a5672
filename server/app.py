"""The app factory: the engine, the blueprints, the error handlers and the fast path, put together.

It sits at the top of ``plankg.server`` (nothing in the package imports it but :mod:`.run`), so
the imports between the server's modules point one way (tests/test_layers.py, SERVER_LAYERS).
Flask and rdflib are imported here, never by the package's ``__init__`` or by the query processes.
"""
from __future__ import annotations

from flask import Flask, Response, request

from plankg import canned

from . import chart_pages, errors, outcomes, pages, queries, search, sparql, update
from .config import ServerConfig, from_env
from .fastpath import FastSparql


def create_app(config: ServerConfig | None = None, *, store=None, engine=None) -> Flask:
    """Create the app; tests pass a ready-built in-memory ``store`` (or an ``engine``) to skip the state folder."""
    config = config or from_env()
    app = Flask("plankg.server")
    app.config.update(MAX_CONTENT_LENGTH=config.max_request_bytes, MAX_FORM_MEMORY_SIZE=config.max_request_bytes,
                      JSON_AS_ASCII=False)
    app.json.ensure_ascii = False
    app.extensions["plankg.config"] = config
    app.extensions["plankg"] = engine or make_engine(config, store)
    app.extensions["plankg.queries"] = canned.load_all()  # read once: the files do not change while serving

    app.register_blueprint(sparql.bp)   # /sparql
    app.register_blueprint(update.bp)   # /update
    app.register_blueprint(queries.bp)  # /queries, /queries/<name>, /queries/<name>.csv|.json
    app.register_blueprint(chart_pages.bp)  # /charts, /charts/<name>
    app.register_blueprint(outcomes.bp)  # /outcomes/plan/<code>/<year>: each target's verdict
    app.register_blueprint(search.bp)   # /search, /search/suggest
    app.register_blueprint(pages.bp)    # /, /validation, and a page for every IRI under the base
    errors.register(app)
    app.after_request(cors)
    app.wsgi_app = FastSparql(app)      # GET /sparql?query=… answered below Flask (server/fastpath.py)
    return app


def make_engine(config: ServerConfig, store=None):
    from .engine import LocalEngine
    from .snapshots import Snapshots

    if store is not None:
        return LocalEngine(config, store=store)
    snapshots = Snapshots(config.settings, config.settings.store_dir)
    if config.store_url:
        from .remote import RemoteEngine
        return RemoteEngine(config, snapshots=snapshots)
    return LocalEngine(config, snapshots=snapshots)


def cors(response: Response) -> Response:
    """Any origin may read the endpoint (no cookies are used, so * is safe)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Authorization, Content-Type"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response
