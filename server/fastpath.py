"""The plain ``GET /sparql?query=…`` answered below Flask: the request analysts send most.

Why: on the 2-core machines this project runs on, Flask's request and response objects, its
routing, contexts and hooks cost about as much CPU per request as the query itself (py-spy on a
``plankg serve`` under wrk). This WSGI layer answers the commonest request, a GET whose only
parameter is ``query``, with the same steps as :func:`plankg.server.sparql.endpoint` (result
cache, guard, negotiation, the killable query process) and the same answers, headers and cache
entries; anything else (POST, ``format``, graph parameters, no query, another path) goes to
Flask untouched, so the protocol's corner cases stay in one place.
"""
from __future__ import annotations

import logging
from http import HTTPStatus
from functools import lru_cache
from urllib.parse import parse_qsl

import werkzeug.urls  # noqa: F401 - registers the "werkzeug.url_quote" codec error handler
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header
from werkzeug.wsgi import get_current_url

from . import formats, limits
from .limits import Refused
from .sparql import IRI_CHARS

log = logging.getLogger("plankg.server")
TEXT = "text/plain; charset=utf-8"


@lru_cache(maxsize=256)
def negotiated(kind: str, accept: str | None) -> str:
    """Our format for an Accept header (clients send the same few headers again and again)."""
    return formats.negotiate(kind, [], parse_accept_header(accept, MIMEAccept) if accept else None)


class FastSparql:
    """WSGI middleware in front of the Flask app: ``app.wsgi_app = FastSparql(app)``."""

    def __init__(self, app):
        self.app, self.next = app, app.wsgi_app
        self.config = app.extensions["plankg.config"]
        self.bases: dict[tuple, str | None] = {}  # (scheme, Host, script root) → the endpoint's IRI

    def __call__(self, environ, start_response):
        qs = environ.get("QUERY_STRING", "")
        if (environ.get("PATH_INFO") != "/sparql" or environ.get("REQUEST_METHOD") != "GET"
                or not qs.startswith("query=") or len(qs) > self.config.max_request_bytes):
            return self.next(environ, start_response)
        try:  # as werkzeug reads request.args: WSGI gives the raw bytes as latin-1 (a client may send raw UTF-8)
            pairs = parse_qsl(qs.encode("latin-1").decode(), keep_blank_values=True, errors="werkzeug.url_quote")
        except UnicodeError:
            return self.next(environ, start_response)
        base = self.base(environ)
        if len(pairs) != 1 or pairs[0][0] != "query" or not pairs[0][1] or base is None:
            return self.next(environ, start_response)  # Flask says what is wrong, or answers the rarer forms
        try:
            status, body, content_type = 200, *self.answer(pairs[0][1], environ.get("HTTP_ACCEPT"), base)
        except Refused as e:
            status, body, content_type = e.status, (e.message.rstrip("\n") + "\n").encode("utf-8"), TEXT
        except Exception:  # noqa: BLE001 - as plankg.server.internal_error: logged, answered without it
            log.exception("unexpected error on GET /sparql")
            status, body, content_type = 500, b"500 Internal Server Error: the server could not answer this request\n", TEXT
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body))),
                   ("Access-Control-Allow-Origin", "*")]
        headers.append(("Vary", "Accept") if status == 200 else ("Retry-After", "5") if status == 503 else None)
        start_response(f"{status} {HTTPStatus(status).phrase}", [h for h in headers if h])
        return [body]

    def base(self, environ) -> str | None:
        """The endpoint's IRI as the client addressed it (relative IRIs resolve against it), or None
        when the Host header makes no valid IRI (Flask then refuses the request)."""
        key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SCRIPT_NAME", ""))
        if key not in self.bases:
            iri = get_current_url(environ, strip_querystring=True)
            if len(self.bases) > 64:
                self.bases.clear()
            self.bases[key] = iri if IRI_CHARS.fullmatch(iri) else None
        return self.bases[key]

    def answer(self, query: str, accept: str | None, base: str) -> tuple[bytes, str]:
        """As :func:`plankg.server.sparql.endpoint` for a request with no graphs and no ``format``."""
        engine, config = self.app.extensions["plankg"], self.config
        key = (query, (), (), (), accept, base)  # the same key as the Flask view's: one cache for both
        hit = engine.cached(key)
        if hit is not None:
            return hit
        info = limits.check_query(query, base=config.settings.base, service=base, allowlist=config.service_allowlist,
                                  max_chars=config.max_query_chars)
        kind = formats.kind_of(info.form)
        output = negotiated(kind, accept)
        body = engine.execute(query, kind=kind, output=output, limit=info.limit, base=base)
        content_type = formats.media_type(kind, output)
        if info.repeatable:
            engine.remember(key, body, content_type)
        return body, content_type
