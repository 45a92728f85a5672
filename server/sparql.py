"""``/sparql``: the SPARQL 1.1 Protocol query operation, to the letter of the W3C recommendation.

GET with ``query``; POST form-encoded; POST ``application/sparql-query`` (parameters in the URL).
``default-graph-uri`` / ``named-graph-uri`` set the dataset. The format is chosen by ``format``
(as SPARQLWrapper sends it) or else ``Accept`` with q-values. Each failure has its status and a
one-line reason: 400 (malformed, missing or repeated query), 405, 406, 413, 415, 503 (time limit).
With no parameters at all, GET answers with a SPARQL Service Description and VoID.

Relative IRIs in a query resolve against the IRI the request was sent to (``http://host/sparql``):
with no BASE, SPARQL 1.1 Query (4.1.1.1) takes the base from RFC 3986 (5.1), whose base for a
retrieved resource is its retrieval IRI, here the service's. So ``CONSTRUCT { <s> <p> 1 } WHERE {}``
answers with ``<http://host/s>`` as the W3C protocol tests expect; the guard resolves IRIs the same
way before it checks graph and SERVICE IRIs. An update sent here, in any of its forms, is refused
with a pointer to ``/update``.
"""
from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, redirect, request, url_for

from . import description, formats, limits
from .limits import Refused

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
IRI_CHARS = re.compile(r"[^\x00-\x20<>\"{}|^`\\]+")


def service_iri() -> str:
    """The IRI of this endpoint as the client addressed it (no query string): the base of relative IRIs."""
    iri = request.base_url
    if not IRI_CHARS.fullmatch(iri):
        raise Refused("the Host header does not make a valid IRI of this endpoint")
    return iri


def not_here(status: int = 400):
    """The answer to an update sent to /sparql: where updates go instead."""
    return Refused(f"this is a SPARQL Update: /sparql only answers queries; POST updates to "
                   f"{request.url_root}update (form update= or application/sparql-update, with "
                   "Authorization: Bearer <token>)", status)


def utf8_body() -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise Refused(f"the body must be sent as UTF-8, not {charset}", 415)
    try:
        return request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("the request body is not valid UTF-8") from None


def read_request():
    """(query or None, default graphs, named graphs, format values) from any of the three forms of request."""
    config = current_app.extensions["plankg.config"]
    if len(request.query_string) > config.max_request_bytes:
        raise Refused("the request is too large for this server", 413)
    args = request.args
    if request.mimetype == UPDATE and request.method == "POST":
        raise not_here(415)
    if "update" in args or (request.mimetype == FORM and "update" in request.form):
        raise not_here()
    if request.method == "GET":
        queries, params = args.getlist("query"), args
    elif request.mimetype == FORM:
        params = request.form
        queries = params.getlist("query") + args.getlist("query")
    elif request.mimetype == QUERY:
        if "query" in args:
            raise Refused("with application/sparql-query the query is the body: no query parameter in the URL")
        queries, params = [utf8_body()], args
    else:
        raise Refused(f"send the query as {FORM} or {QUERY}, not {request.mimetype or 'an untyped body'}", 415)
    if len(queries) > 1:
        raise Refused("the query parameter is given more than once")
    default = params.getlist("default-graph-uri") + (args.getlist("default-graph-uri") if params is not args else [])
    named = params.getlist("named-graph-uri") + (args.getlist("named-graph-uri") if params is not args else [])
    fmt = params.getlist("format") + (args.getlist("format") if params is not args else [])
    return (queries[0] if queries else None), default, named, fmt


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    query, default, named, fmt = read_request()
    if query is None:
        if request.method == "GET" and not request.args:
            return service_description()
        raise Refused("no query: give a SPARQL query in the query parameter (or the body)")
    engine = current_app.extensions["plankg"]
    accept = request.headers.get("Accept")
    base = service_iri()
    key = (query, tuple(default), tuple(named), tuple(fmt), accept, base)
    hit = engine.cached(key)
    if hit is not None:
        return Response(hit[0], content_type=hit[1], headers={"Vary": "Accept"})
    config = current_app.extensions["plankg.config"]
    info = limits.check_query(query, base=config.settings.base, service=base, allowlist=config.service_allowlist,
                              max_chars=config.max_query_chars)
    for iri in default + named:
        limits.check_graph_iri(iri, config.settings.base)
    kind = formats.kind_of(info.form)
    output = formats.negotiate(kind, fmt, request.accept_mimetypes if accept else None)
    body = engine.execute(query, kind=kind, output=output, limit=info.limit, base=base,
                          default_graph=default or None, named_graphs=named or None)
    content_type = formats.media_type(kind, output)
    if info.repeatable:
        engine.remember(key, body, content_type)
    return Response(body, content_type=content_type, headers={"Vary": "Accept"})


def service_description():
    """For a browser, the query page; for anything else, the description in the RDF format it asks for."""
    accept = request.accept_mimetypes if request.headers.get("Accept") else None
    if accept and accept.best_match(["text/turtle", "text/html"]) == "text/html":
        return redirect(url_for("pages.home"))
    output = formats.negotiate("graph", [], accept)
    body = description.service(request.url_root.rstrip("/") + "/sparql", output)
    return Response(body, content_type=formats.media_type("graph", output), headers={"Vary": "Accept"})
