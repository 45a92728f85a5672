"""Every error the server answers, as one plain line (never an HTML page or a traceback)."""
from __future__ import annotations

import logging

from flask import Response, request
from werkzeug.exceptions import HTTPException

from .limits import Refused

log = logging.getLogger("plankg.server")


def plain(message: str, status: int, headers=None) -> Response:
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
    log.exception("unexpected error on %s %s", request.method, request.path)
    return plain("500 Internal Server Error: the server could not answer this request", 500)


def register(app) -> None:
    app.register_error_handler(Refused, refused)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, internal_error)
