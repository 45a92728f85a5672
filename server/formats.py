"""Result formats: content negotiation, and serialising pyoxigraph results natively under a row cap.

Serialisation is Oxigraph's own (JSON, XML, CSV, TSV, Turtle, N-Triples, RDF/XML, JSON-LD). The
row cap needs one detour for SELECT: Oxigraph writes the solutions as SPARQL TSV (N-Triples terms,
one line each, newlines in literals escaped) into a writer that counts lines and stops the
evaluation once there are more than the cap, and that TSV is handed back to Oxigraph to write the
chosen format. All of it runs in Rust: the detour written in Python (``str`` of every term) cost
as much as the query itself for a 30-row answer. A query whose own top-level LIMIT is within the
cap skips the detour.
"""
from __future__ import annotations

import pyoxigraph as ox

from .limits import Refused

R, G = ox.QueryResultsFormat, ox.RdfFormat
RESULTS = {  # name → (media type, Oxigraph format); the first is the default
    "json": ("application/sparql-results+json", R.JSON),
    "xml": ("application/sparql-results+xml", R.XML),
    "csv": ("text/csv", R.CSV),
    "tsv": ("text/tab-separated-values", R.TSV),
}
GRAPHS = {
    "turtle": ("text/turtle", G.TURTLE),
    "ntriples": ("application/n-triples", G.N_TRIPLES),
    "rdfxml": ("application/rdf+xml", G.RDF_XML),
    "jsonld": ("application/ld+json", G.JSON_LD),
}
ACCEPT = {  # media types a client may ask for → our format, per kind of result
    "results": {"application/sparql-results+json": "json", "application/json": "json",
                "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
                "text/csv": "csv", "text/tab-separated-values": "tsv"},
    "graph": {"text/turtle": "turtle", "application/x-turtle": "turtle", "application/turtle": "turtle",
              "text/n3": "turtle", "application/n3": "turtle", "text/rdf+n3": "turtle",
              "application/n-triples": "ntriples", "text/plain": "ntriples",
              "application/rdf+xml": "rdfxml", "application/xml": "rdfxml", "text/xml": "rdfxml",
              "application/ld+json": "jsonld", "application/json": "jsonld"},
}
FORMAT_PARAM = {  # values of ?format= (SPARQLWrapper sends these), per kind of result
    "results": {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv"},
    "graph": {"turtle": "turtle", "ttl": "turtle", "n3": "turtle", "nt": "ntriples", "ntriples": "ntriples",
              "n-triples": "ntriples", "rdf": "rdfxml", "rdf+xml": "rdfxml", "rdfxml": "rdfxml", "xml": "rdfxml",
              "json-ld": "jsonld", "jsonld": "jsonld", "json": "jsonld"},
}
OFFERS = {kind: [mt for mt, _ in table.values()] + [mt for mt in ACCEPT[kind] if mt not in
                                                   {m for m, _ in table.values()}]
          for kind, table in (("results", RESULTS), ("graph", GRAPHS))}  # ours first, then aliases
PREFIXES = {
    "plan": "https://w3id.org/plankg/ontology#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#", "org": "http://www.w3.org/ns/org#",
    "qudt": "http://qudt.org/schema/qudt/", "sh": "http://www.w3.org/ns/shacl#",
}


def kind_of(form: str) -> str:
    return "results" if form in ("SELECT", "ASK") else "graph"


def media_type(kind: str, name: str) -> str:
    mt = (RESULTS if kind == "results" else GRAPHS)[name][0]
    return f"{mt}; charset=utf-8" if mt.startswith("text/") or mt.endswith("json") else mt


def negotiate(kind: str, format_values: list[str], accept) -> str:
    """Our format name for a request: ``format`` wins over ``Accept`` (a werkzeug MIMEAccept).

    An unknown ``format`` is 406; an Accept header that names nothing we write gets the default
    format (as RFC 9110 allows), which keeps clients that ask for the wrong family working.
    """
    offers = ACCEPT[kind]
    if format_values:
        for value in format_values:
            for item in value.split(","):
                item = item.split(";")[0].strip().lower()
                if item in FORMAT_PARAM[kind]:
                    return FORMAT_PARAM[kind][item]
                if item in offers:
                    return offers[item]
        raise Refused(f"format={format_values[0]!r} is not available here; use one of "
                      f"{', '.join(FORMAT_PARAM[kind])}", 406)
    default = "json" if kind == "results" else "turtle"
    if not accept:
        return default
    best = accept.best_match(OFFERS[kind])
    return offers[best] if best is not None else default  # RFC 9110: else the default


class TooMany(Exception):
    pass


def _capped(items, cap: int):
    for n, item in enumerate(items):
        if n >= cap:
            raise TooMany
        yield item


def too_many(cap: int, what: str) -> Refused:
    return Refused(f"the result has more than {cap:,} {what} (this server's limit); "
                   "add LIMIT and OFFSET to read it in pages", 400)


class LineCap:
    """A file-like sink that keeps what Oxigraph writes and raises TooMany past ``cap`` lines
    (Oxigraph writes in buffered chunks, so it stops within a few kilobytes of the cap)."""

    def __init__(self, cap: int):
        self.cap, self.lines, self.parts = cap, 0, []

    def write(self, chunk) -> int:
        self.lines += chunk.count(b"\n")
        self.parts.append(bytes(chunk))
        if self.lines > self.cap:
            raise TooMany
        return len(chunk)

    def flush(self) -> None:
        pass


def serialize(result, kind: str, name: str, *, max_rows: int, limit: int | None = None) -> bytes:
    """A pyoxigraph query result as bytes in format ``name``, refusing more than ``max_rows`` rows."""
    if isinstance(result, ox.QueryBoolean):
        return result.serialize(format=RESULTS[name][1])
    if isinstance(result, ox.QuerySolutions):
        if kind != "results":
            raise Refused("SELECT results cannot be served as an RDF graph", 406)
        if limit is not None and limit <= max_rows:
            return result.serialize(format=RESULTS[name][1])
        out = LineCap(max_rows + 1)  # the header line, then one line per solution
        try:
            result.serialize(out, format=R.TSV)
        except TooMany:
            raise too_many(max_rows, "rows") from None
        tsv = b"".join(out.parts)
        if name == "tsv":
            return tsv
        return ox.parse_query_results(tsv, format=R.TSV).serialize(format=RESULTS[name][1])
    if kind != "graph":
        raise Refused("CONSTRUCT and DESCRIBE results are RDF graphs, not SPARQL result tables", 406)
    try:
        return ox.serialize(_capped(result, max_rows), format=GRAPHS[name][1], prefixes=PREFIXES)
    except TooMany:
        raise too_many(max_rows, "triples") from None


def _value(term) -> str:
    return term.value if hasattr(term, "value") else str(term)  # an RDF-star triple has no .value


def rows(result, max_rows: int) -> tuple[list[str], list[list[str]]]:
    """A result as plain strings (unbound as ""), for HTML tables and canned questions."""
    if isinstance(result, ox.QueryBoolean):
        return ["ask"], [[str(bool(result)).lower()]]
    if isinstance(result, ox.QueryTriples):
        items = _capped(result, max_rows)
        try:
            return ["subject", "predicate", "object"], [[_value(t.subject), _value(t.predicate), _value(t.object)]
                                                          for t in items]
        except TooMany:
            raise too_many(max_rows, "triples") from None
    columns = [v.value for v in result.variables]
    width = range(len(columns))
    try:
        return columns, [["" if s[i] is None else _value(s[i]) for i in width] for s in _capped(result, max_rows)]
    except TooMany:
        raise too_many(max_rows, "rows") from None
