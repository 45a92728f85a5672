"""The plankg server: the SPARQL endpoint, canned questions, pages for every IRI, and safe updates.

The package is ``plankg.server`` (``plankg/server`` links here, so the wheel carries it). Run it
with ``plankg serve`` (gunicorn, see :mod:`plankg.server.run`); tests build apps directly.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from .config import ServerConfig, from_env
from .limits import Refused

if TYPE_CHECKING:
    from flask import Flask, Response
    from werkzeug.exceptions import HTTPException

# Flask, werkzeug and rdflib (through plankg.canned) are imported where the app is made, not here:
# every query process runs ``python -m plankg.server.worker``, which imports this package first,
# and those imports doubled the start of a replacement for a killed query process (0.9 s of 1.5 s).

log = logging.getLogger("plankg.server")


def create_app(config: ServerConfig | None = None, *, store=None, engine=None) -> Flask:
    """Create the app; tests pass a ready-built in-memory ``store`` (or an ``engine``) to skip the state folder."""
    from flask import Flask
    from werkzeug.exceptions import HTTPException

    from plankg import canned

    config = config or from_env()
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=config.max_request_bytes, MAX_FORM_MEMORY_SIZE=config.max_request_bytes,
                      JSON_AS_ASCII=False)
    app.json.ensure_ascii = False
    app.extensions["plankg.config"] = config
    app.extensions["plankg"] = engine or make_engine(config, store)
    app.extensions["plankg.queries"] = canned.load_all()  # read once: the files do not change while serving

    from . import chart_pages, outcomes, pages, queries, search, sparql, update
    app.register_blueprint(sparql.bp)   # /sparql
    app.register_blueprint(update.bp)   # /update
    app.register_blueprint(queries.bp)  # /queries, /queries/<name>, /queries/<name>.csv|.json
    app.register_blueprint(chart_pages.bp)  # /charts, /charts/<name>
    app.register_blueprint(outcomes.bp)  # /outcomes/plan/<code>/<year>: each target's verdict
    app.register_blueprint(search.bp)   # /search, /search/suggest
    app.register_blueprint(pages.bp)    # /, /validation, and a page for every IRI under the base
    app.register_error_handler(Refused, refused)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, internal_error)
    app.after_request(cors)
    from .fastpath import FastSparql
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


def plain(message: str, status: int, headers=None) -> Response:
    from flask import Response

    return Response(message.rstrip("\n") + "\n", status=status, headers=headers,
                    content_type="text/plain; charset=utf-8")


def refused(e: Refused) -> Response:
    headers = {"Retry-After": "5"} if e.status == 503 else None
    return plain(e.message, e.status, headers)


def http_error(e: HTTPException) -> Response:
    """Werkzeug's errors (404, 405, 413 …) as one plain line instead of an HTML page."""
    response = e.get_response()
    message = {413: "the request is too large for this server", 404: "not found"}.get(e.code, e.description)
    out = plain(f"{e.code} {e.name}: {message}", e.code)
    for name in ("Allow", "WWW-Authenticate"):
        if name in response.headers:
            out.headers[name] = response.headers[name]
    return out


def internal_error(e: Exception) -> Response:
    """Anything unexpected: logged with its traceback, answered without it."""
    from flask import request

    log.exception("unexpected error on %s %s", request.method, request.path)
    return plain("500 Internal Server Error: the server could not answer this request", 500)


def cors(response: Response) -> Response:
    """Any origin may read the endpoint (no cookies are used, so * is safe)."""
    from flask import request

    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Authorization, Content-Type"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response
