"""An external SPARQL 1.1 store (``--store-url``), for deployments that outgrow one machine.

The state folder stays the record (versions, history, validation); the external store is a
mirror of its current graphs, pushed with SPARQL Update at start and after each accepted
version (:mod:`plankg.server.mirror`). Queries pass the same guards as on the embedded store,
then go over HTTP with the time limit as a deadline on the whole exchange. Results are read
back with Oxigraph's parsers and written with the same serialiser and row cap as locally, so
clients see one behaviour. Canned questions bind their parameters with a ``VALUES`` block
written by Oxigraph's term serialiser at the start of the query's WHERE group: the HTTP
protocol has no bindings, and this keeps user values out of the query text's syntax.

Tested engines: ``oxigraph serve --union-default-graph`` and Virtuoso Open Source 7. Both use
the union of their named graphs as the default graph, as the embedded store does. Virtuoso's
answers need three corrections, made here so that no client sees them: ASK comes back as a
one-row table (``__ASK_RETVAL``), an answer cut at its own row limit (``ResultSetMaxRows``)
is marked only by a header, and a query stopped at its own time limit is a 500. Credentials
(``PLANKG_STORE_USER``/``PLANKG_STORE_PASSWORD``) answer the store's Basic or Digest challenge;
they never appear in a URL, a log line or an error message.
"""
from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from plankg.store import Rows, to_ox

from . import formats, limits
from .engine import Engine, ResultCache
from .limits import Refused

MAX_RESPONSE_BYTES = 256 * 1024 * 1024
ASK_VARIABLE = "__ASK_RETVAL"  # Virtuoso 7 answers ASK as a table of this one variable, 1 or 0
XSD_STRING = "^^<http://www.w3.org/2001/XMLSchema#string>"
TIMED_OUT = "S1T00"            # Virtuoso's SQL state for a query stopped at MaxQueryExecutionTime


def ask_result(table) -> ox.QueryBoolean:
    """Virtuoso's one-row ``__ASK_RETVAL`` table as the boolean it stands for."""
    value = next(iter(table), None)
    truth = value is not None and value[0] is not None and value[0].value in ("1", "true")
    return ox.parse_query_results(b'{"head": {}, "boolean": %s}' % (b"true" if truth else b"false"),
                                  format=ox.QueryResultsFormat.JSON)


def inline_values(sparql: str, bindings: dict) -> str:
    """The query with ``VALUES (?a ?b) { (t1 t2) }`` opening its WHERE group (terms serialised by Oxigraph)."""
    if not bindings:
        return sparql
    seen_where = False
    form = None
    for m in limits.TOKEN.finditer(sparql):
        kind, value = m.lastgroup, m.group()
        if kind == "word" and value.upper() in limits.FORMS and form is None:
            form = value.upper()
        elif kind == "word" and value.upper() == "WHERE":
            seen_where = True
        elif kind == "open" and value == "{" and form and (seen_where or form in ("SELECT", "ASK")):
            names = " ".join("?" + k for k in bindings)
            terms = " ".join(str(to_ox(v)) for v in bindings.values())
            return f"{sparql[:m.end()]}\n  VALUES ({names}) {{ ({terms}) }}\n {sparql[m.end():]}"
    raise ValueError("no WHERE group to bind parameters in")


def typed_strings(sparql: str) -> str:
    """The query with each plain string constant that is not ASCII written as ``"…"^^xsd:string``.

    The same literal in RDF 1.1, but Virtuoso 7 keeps a plain constant as a one-byte string, so
    ``STR("区发改委")`` or a ``VALUES`` row compares as ``"????"`` (openlink/virtuoso-opensource#609,
    #300); with the datatype written out it keeps the characters. A ``SEPARATOR`` takes no datatype.
    """
    if sparql.isascii():
        return sparql
    toks = [(m.lastgroup, m.group(), m.end()) for m in limits.TOKEN.finditer(sparql)
            if m.lastgroup not in ("ws", "comment")]
    ends = [end for i, (kind, value, end) in enumerate(toks)
            if kind == "string" and not value.isascii()
            and not (i + 1 < len(toks) and toks[i + 1][1][0] in "@^")  # already tagged or typed
            and [v.upper() for _, v, _ in toks[max(i - 2, 0):i]] != ["SEPARATOR", "="]]
    pieces = [sparql[a:b] for a, b in zip([0, *ends], [*ends, len(sparql)])]
    return XSD_STRING.join(pieces)


def opener(config) -> urllib.request.OpenerDirector:
    """An HTTP opener that answers a Basic or Digest challenge with the configured user.

    A new one per request: urllib's digest handler counts its retries in the handler, so one
    shared between a worker's threads would mix up their counts.
    """
    if not config.store_user:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, [u for u in (config.store_url, config.update_url) if u],
                           config.store_user, config.store_password or "")
    return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords),
                                       urllib.request.HTTPBasicAuthHandler(passwords))


def store_message(body: bytes) -> str:
    """The store's error text, without the query Virtuoso echoes after it (an update's is megabytes)."""
    text = body.decode("utf-8", "replace").split("\n\nSPARQL query:")[0].strip()
    return text[:500] + ("…" if len(text) > 500 else "")


def query_form(query: str) -> str | None:
    return next((v.upper() for k, v in limits.tokens(query) if k == "word" and v.upper() in limits.FORMS), None)


class RemoteEngine(Engine):
    def __init__(self, config, *, snapshots=None):
        self.config, self.base = config, config.settings.base
        self.url, self.update_url = config.store_url, config.update_url
        self.snapshots = snapshots
        self.cache = ResultCache(config.result_cache_mb * 1024 * 1024) if config.result_cache_mb > 0 else None

    def generation(self) -> str:
        return str(self.snapshots.current()) if self.snapshots else self.url

    def post(self, url: str, data: bytes, content_type: str, accept: str, timeout: float,
             what: str = "the query"):
        """(response headers, body) of a POST, read within ``timeout``; Refused with a one-line reason."""
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(url, data=data, method="POST",
                                         headers={"Content-Type": content_type, "Accept": accept})
        try:
            with opener(self.config).open(request, timeout=timeout) as response:
                chunks, size = [], 0
                while True:
                    if time.monotonic() > deadline:  # each read also times out on its own
                        raise TimeoutError
                    chunk = response.read(65536)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > MAX_RESPONSE_BYTES:
                        raise Refused("the external store's answer is too large", 502)
                    chunks.append(chunk)
                return response.headers, b"".join(chunks)
        except urllib.error.HTTPError as e:
            message = store_message(e.read(4000)) or e.reason
            if e.code in (401, 403):
                hint = ("check PLANKG_STORE_USER and PLANKG_STORE_PASSWORD" if self.config.store_user
                        else "it needs a user: set PLANKG_STORE_USER and PLANKG_STORE_PASSWORD")
                raise Refused(f"the external store refused {what} ({e.code}: {message}); {hint}", 502) from None
            if TIMED_OUT in message:
                raise Refused(f"the query was stopped after the external store's time limit ({message})", 503) from None
            status = 400 if e.code == 400 else 502
            raise Refused(f"the external store refused {what}: {message}", status) from None
        except (TimeoutError, OSError, ValueError) as e:
            if isinstance(e, TimeoutError) or "timed out" in str(e):
                raise Refused(f"{what} was stopped after the time limit of {timeout:g} s", 503) from None
            if isinstance(e, ValueError):  # urllib: a challenge in a scheme it cannot answer
                raise Refused(f"the external store asks for an authentication plankg cannot give ({e})", 502) from None
            raise Refused(f"the external store cannot be reached ({e})", 502) from None

    def run_query(self, query: str, kind: str, default_graph=None, named_graphs=None, limit=None):
        params = [("query", typed_strings(query))]
        params += [("default-graph-uri", g) for g in default_graph or ()]
        params += [("named-graph-uri", g) for g in named_graphs or ()]
        accept = ("application/sparql-results+json, application/sparql-results+xml;q=0.9" if kind == "results"
                  else "application/n-triples, text/turtle;q=0.9")
        headers, body = self.post(self.url, urllib.parse.urlencode(params).encode("utf-8"),
                                  "application/x-www-form-urlencoded", accept, self.config.query_timeout)
        if headers.get("X-SQL-State") == "S1TAT":  # Virtuoso's "anytime" answer: partial, cut at its time limit
            raise Refused("the query was stopped after the external store's time limit (it sent a partial answer)", 503)
        cut = headers.get("X-SPARQL-MaxRows")  # Virtuoso: the answer reached its ResultSetMaxRows
        if cut and cut.isdigit() and (limit is None or limit > int(cut)):
            raise Refused(f"the external store cut the answer at {int(cut):,} rows (its own limit); "
                          "add LIMIT and OFFSET to read it in pages", 400)
        ctype = headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            if kind == "results":
                fmt = ox.QueryResultsFormat.XML if "xml" in ctype else ox.QueryResultsFormat.JSON
                result = ox.parse_query_results(body, format=fmt)
                if isinstance(result, ox.QuerySolutions) and [v.value for v in result.variables] == [ASK_VARIABLE] \
                        and query_form(query) == "ASK":
                    return ask_result(result)
                return result
            fmt = ox.RdfFormat.TURTLE if "turtle" in ctype else ox.RdfFormat.N_TRIPLES
            return (q.triple for q in ox.parse(body, format=fmt))
        except (SyntaxError, ValueError) as e:
            raise Refused(f"the external store's answer cannot be read ({e})", 502) from None

    def execute(self, query: str, *, kind: str, output: str, limit=None, base=None, default_graph=None,
                named_graphs=None):
        if base:  # the store has a base of its own; a leading BASE makes relative IRIs resolve against ours
            query = f"BASE <{base}> {query}"
        result = self.run_query(query, kind, default_graph, named_graphs, limit)
        return formats.serialize(result, kind, output, max_rows=self.config.max_rows, limit=limit)

    def select(self, sparql: str, substitutions=None, *, default_graph=None) -> Rows:
        result = self.run_query(inline_values(sparql, substitutions or {}), "results", default_graph)
        return Rows(*formats.rows(result, self.config.max_rows))

    def local(self, sparql: str, substitutions=None) -> Rows:
        return self.select(sparql, substitutions)

    def describe(self, iri: str, output: str) -> bytes:
        from rdflib import URIRef

        query = inline_values("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", {"x": URIRef(iri)})
        return formats.serialize(self.run_query(query, "graph"), "graph", output, max_rows=self.config.max_rows)

    # -- the mirror (plankg.server.mirror) ----------------------------------------

    def update(self, text: str, timeout: float) -> None:
        self.post(self.update_url, text.encode("utf-8"), "application/sparql-update; charset=utf-8", "*/*",
                  timeout, what="the update")

    def mirror(self, snapshot) -> list[str]:
        """Make the external store hold the snapshot's graphs; return the graphs written or dropped.

        Nothing on a read-only front end (``store_mirror`` off), whose state folder may lag the writer's."""
        from .mirror import mirror

        if not self.config.store_mirror:
            return []
        return mirror(self, snapshot)
