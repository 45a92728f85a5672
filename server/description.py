"""The SPARQL Service Description and VoID description of the endpoint, made once per data version.

Counts come from the engine (one GROUP BY over the graphs), and the graph is serialised by
Oxigraph like every other answer; the result is cached until the data changes.
"""
from __future__ import annotations

import threading

import pyoxigraph as ox
from flask import current_app

from . import formats

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCTERMS = "http://purl.org/dc/terms/"
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "RDF_XML", "JSON-LD")

_cache: dict = {}
_lock = threading.Lock()


QUDT_UNIT = "http://qudt.org/schema/qudt/unit"
# Linksets kept in the data (plankg link …) describe themselves; the description repeats them.
LINKSETS = (f"SELECT ?ls ?p ?o (isIRI(?o) AS ?iri) (DATATYPE(?o) AS ?type) (LANG(?o) AS ?lang) "
            f"WHERE {{ ?ls a <{VOID}Linkset> ; ?p ?o }}")  # SELECT: an external store answers it too
QUDT_LINKS = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?target <{QUDT_UNIT}> ?unit }}"


def _stored_linksets(rows) -> list[ox.Triple]:
    n = ox.NamedNode
    out = []
    for ls, p, o, iri, datatype, lang in rows:
        obj = n(o) if iri == "true" else ox.Literal(o, language=lang) if lang else ox.Literal(o, datatype=n(datatype))
        out.append(ox.Triple(n(ls), n(p), obj))
    return out


def linksets(base: str, stored: list[ox.Triple], qudt_links: int) -> list[tuple]:
    """The link sets: those stored with the data, and the targets' units of measure in QUDT."""
    n, lit = ox.NamedNode, ox.Literal
    dataset, qudt = n(base + "void"), n(base + "linkset/qudt")
    out = [(t.subject, t.predicate, t.object) for t in stored]
    out += [(dataset, n(VOID + "subset"), s) for s in {t.subject for t in stored}]
    out += [
        (dataset, n(VOID + "subset"), qudt), (qudt, n(RDF_TYPE), n(VOID + "Linkset")),
        (qudt, n(DCTERMS + "title"), lit("量化目标的计量单位 ↔ QUDT", language="zh")),
        (qudt, n(DCTERMS + "title"), lit("units of measure of the targets ↔ QUDT", language="en")),
        (qudt, n(VOID + "subjectsTarget"), dataset), (qudt, n(VOID + "objectsTarget"), n("http://qudt.org/vocab/unit/")),
        (qudt, n(VOID + "linkPredicate"), n(QUDT_UNIT)),
        (qudt, n(VOID + "triples"), lit(str(qudt_links), datatype=n("http://www.w3.org/2001/XMLSchema#integer"))),
    ]
    return out


def triples(endpoint: str, base: str, counts: dict[str, int], allowlist) -> list[ox.Triple]:
    n, lit = ox.NamedNode, ox.Literal
    xsd_int = n("http://www.w3.org/2001/XMLSchema#integer")
    service, dataset, default = n(endpoint), n(base + "void"), ox.BlankNode("default")
    out = [
        (service, n(RDF_TYPE), n(SD + "Service")),
        (service, n(SD + "endpoint"), service),
        (service, n(SD + "supportedLanguage"), n(SD + "SPARQL11Query")),
        (service, n(SD + "feature"), n(SD + "UnionDefaultGraph")),
        (service, n(SD + "defaultDataset"), dataset),
        (dataset, n(RDF_TYPE), n(SD + "Dataset")),
        (dataset, n(RDF_TYPE), n(VOID + "Dataset")),
        (dataset, n(DCTERMS + "title"), lit("plankg: Chinese local governments' annual work plans", language="en")),
        (dataset, n(DCTERMS + "title"), lit("地方政府年度工作计划知识图谱", language="zh")),
        (dataset, n(VOID + "sparqlEndpoint"), service),
        (dataset, n(VOID + "uriSpace"), lit(base)),
        (dataset, n(VOID + "vocabulary"), n("https://w3id.org/plankg/ontology#")),
        (dataset, n(VOID + "triples"), lit(str(sum(counts.values())), datatype=xsd_int)),
        (dataset, n(SD + "defaultGraph"), default),
        (default, n(RDF_TYPE), n(SD + "Graph")),
        (default, n(VOID + "triples"), lit(str(sum(counts.values())), datatype=xsd_int)),
    ]
    if allowlist:
        out.append((service, n(SD + "feature"), n(SD + "BasicFederatedQuery")))
    out += [(service, n(SD + "resultFormat"), n(FORMATS + f)) for f in RESULT_FORMATS]
    for i, (name, count) in enumerate(sorted(counts.items())):
        ng, g = ox.BlankNode(f"ng{i}"), ox.BlankNode(f"g{i}")
        out += [(dataset, n(SD + "namedGraph"), ng), (ng, n(RDF_TYPE), n(SD + "NamedGraph")),
                (ng, n(SD + "name"), n(name)), (ng, n(SD + "graph"), g), (g, n(RDF_TYPE), n(SD + "Graph")),
                (g, n(VOID + "triples"), lit(str(count), datatype=xsd_int)),
                (dataset, n(VOID + "subset"), n(name)), (n(name), n(VOID + "triples"), lit(str(count), datatype=xsd_int))]
    return [ox.Triple(*t) for t in out]


def service(endpoint: str, output: str) -> bytes:
    engine = current_app.extensions["plankg"]
    config = current_app.extensions["plankg.config"]
    key = (engine.generation(), endpoint, output)
    with _lock:
        if key in _cache:
            return _cache[key]
    rows = engine.local("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").rows
    counts = {g: int(n) for g, n in rows}
    base = config.settings.base
    links = linksets(base, _stored_linksets(engine.local(LINKSETS).rows), int(engine.local(QUDT_LINKS).rows[0][0]))
    body = ox.serialize(triples(endpoint, base, counts, config.service_allowlist) + [ox.Triple(*t) for t in links],
                        format=formats.GRAPHS[output][1], prefixes={"sd": SD, "void": VOID, "dcterms": DCTERMS})
    with _lock:
        if len(_cache) > 64:
            _cache.clear()
        _cache[key] = body
    return body
