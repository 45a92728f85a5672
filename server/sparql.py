"""``/sparql``: the SPARQL 1.1 Protocol query operation, to the letter of the W3C recommendation.

GET with ``query``; POST form-encoded; POST ``application/sparql-query`` (parameters in the URL).
``default-graph-uri`` / ``named-graph-uri`` set the dataset. The format is chosen by ``format``
(as SPARQLWrapper sends it) or else ``Accept`` with q-values. Each failure has its status and a
one-line reason: 400 (malformed, missing or repeated query), 405, 406, 413, 415, 503 (time limit).
With no parameters at all, GET answers with a SPARQL Service Description and VoID.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, request, url_for

from . import description, formats, limits
from .limits import Refused

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


def utf8_body() -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise Refused(f"the query must be sent as UTF-8, not {charset}", 415)
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
    if request.method == "GET":
        if "update" in args:
            raise Refused("updates are not accepted here: POST them to /update with a token")
        queries, params = args.getlist("query"), args
    elif request.mimetype == FORM:
        params = request.form
        if "update" in params:
            raise Refused("updates are not accepted here: POST them to /update with a token")
        queries = params.getlist("query") + args.getlist("query")
    elif request.mimetype == QUERY:
        if "query" in args:
            raise Refused("with application/sparql-query the query is the body: no query parameter in the URL")
        queries, params = [utf8_body()], args
    elif request.mimetype == UPDATE:
        raise Refused("updates are not accepted here: POST them to /update with a token", 415)
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
    key = (query, tuple(default), tuple(named), tuple(fmt), accept)
    hit = engine.cached(key)
    if hit is not None:
        return Response(hit[0], content_type=hit[1], headers={"Vary": "Accept"})
    config = current_app.extensions["plankg.config"]
    info = limits.check_query(query, base=config.settings.base, allowlist=config.service_allowlist,
                              max_chars=config.max_query_chars)
    for iri in default + named:
        limits.check_graph_iri(iri, config.settings.base)
    kind = formats.kind_of(info.form)
    output = formats.negotiate(kind, fmt, request.accept_mimetypes if accept else None)
    body = engine.execute(query, kind=kind, output=output, limit=info.limit,
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
