"""An external SPARQL 1.1 store (``--store-url``), for deployments that outgrow one machine.

The state folder stays the record (versions, history, validation); the external store is a
mirror of its current graphs, pushed with SPARQL Update at start and after each accepted
version. Queries pass the same guards as on the embedded store, then go over HTTP with the
time limit as a deadline on the whole exchange. Results are read back with Oxigraph's parsers
and written with the same serialiser and row cap as locally, so clients see one behaviour.
Canned questions bind their parameters with a ``VALUES`` block written by Oxigraph's term
serialiser at the start of the query's WHERE group: the HTTP protocol has no bindings, and
this keeps user values out of the query text's syntax.

The external store must use the union of its named graphs as the default graph, as the
embedded one does (``oxigraph serve --union-default-graph``).
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
DIGEST = "https://w3id.org/plankg/ontology#contentDigest"


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


class RemoteEngine(Engine):
    def __init__(self, config, *, snapshots=None):
        self.config, self.base = config, config.settings.base
        self.url, self.update_url = config.store_url, config.update_url
        self.snapshots = snapshots
        self.cache = ResultCache(config.result_cache_mb * 1024 * 1024) if config.result_cache_mb > 0 else None

    def generation(self) -> str:
        return str(self.snapshots.current()) if self.snapshots else self.url

    def _post(self, url: str, data: bytes, content_type: str, accept: str, timeout: float) -> tuple[str, bytes]:
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(url, data=data, method="POST",
                                         headers={"Content-Type": content_type, "Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
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
                return response.headers.get("Content-Type", ""), b"".join(chunks)
        except urllib.error.HTTPError as e:
            message = e.read(2000).decode("utf-8", "replace").strip()
            status = 400 if e.code == 400 else 502
            raise Refused(f"the external store refused the query: {message or e.reason}", status) from None
        except (TimeoutError, OSError) as e:
            if isinstance(e, TimeoutError) or "timed out" in str(e):
                raise Refused(f"the query was stopped after the time limit of {timeout:g} s", 503) from None
            raise Refused(f"the external store cannot be reached ({e})", 502) from None

    def _query(self, query: str, kind: str, default_graph=None, named_graphs=None):
        params = [("query", query)]
        params += [("default-graph-uri", g) for g in default_graph or ()]
        params += [("named-graph-uri", g) for g in named_graphs or ()]
        accept = ("application/sparql-results+json, application/sparql-results+xml;q=0.9" if kind == "results"
                  else "application/n-triples, text/turtle;q=0.9")
        ctype, body = self._post(self.url, urllib.parse.urlencode(params).encode("utf-8"),
                                 "application/x-www-form-urlencoded", accept, self.config.query_timeout)
        ctype = ctype.split(";")[0].strip().lower()
        try:
            if kind == "results":
                fmt = ox.QueryResultsFormat.XML if "xml" in ctype else ox.QueryResultsFormat.JSON
                return ox.parse_query_results(body, format=fmt)
            fmt = ox.RdfFormat.TURTLE if "turtle" in ctype else ox.RdfFormat.N_TRIPLES
            return (q.triple for q in ox.parse(body, format=fmt))
        except (SyntaxError, ValueError) as e:
            raise Refused(f"the external store's answer cannot be read ({e})", 502) from None

    def execute(self, query: str, *, kind: str, output: str, limit=None, base=None, default_graph=None,
                named_graphs=None):
        if base:  # the store has a base of its own; a leading BASE makes relative IRIs resolve against ours
            query = f"BASE <{base}> {query}"
        result = self._query(query, kind, default_graph, named_graphs)
        return formats.serialize(result, kind, output, max_rows=self.config.max_rows, limit=limit)

    def select(self, sparql: str, substitutions=None, *, default_graph=None) -> Rows:
        result = self._query(inline_values(sparql, substitutions or {}), "results", default_graph)
        return Rows(*formats.rows(result, self.config.max_rows))

    def local(self, sparql: str, substitutions=None) -> Rows:
        return self.select(sparql, substitutions)

    def describe(self, iri: str, output: str) -> bytes:
        from rdflib import URIRef

        query = inline_values("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", {"x": URIRef(iri)})
        return formats.serialize(self._query(query, "graph"), "graph", output, max_rows=self.config.max_rows)

    # -- the mirror ----------------------------------------------------------

    def digests(self) -> dict[str, str]:
        rows = self.select(f"SELECT ?g ?d WHERE {{ GRAPH ?g {{ ?g <{DIGEST}> ?d }} }}").rows
        return {g: d for g, d in rows}

    def mirror(self, snapshot) -> list[str]:
        """Push every graph of the snapshot whose plan (or reference) digest the external store lacks."""
        store = ox.Store.read_only(str(snapshot))
        local = {r["g"].value: r["d"].value for r in store.query(
            f"SELECT ?g ?d WHERE {{ GRAPH ?g {{ ?g <{DIGEST}> ?d }} }}")}
        remote = self.digests()
        pushed = []
        names = sorted((g.value for g in store.named_graphs()), key=lambda n: n.endswith("/history"))
        for name in names:
            key = name if name in local and not name.endswith("/history") else name.rsplit("/", 1)[0] + "/history"
            if local.get(key) is not None and local.get(key) == remote.get(key):
                continue
            quads = store.quads_for_pattern(None, None, None, ox.NamedNode(name))
            body = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
            update = f"DROP SILENT GRAPH <{name}> ;\nINSERT DATA {{ GRAPH <{name}> {{\n{body}}} }}"
            self._post(self.update_url, update.encode("utf-8"), "application/sparql-update; charset=utf-8",
                       "*/*", max(60.0, self.config.query_timeout))
            pushed.append(name)
        return pushed
