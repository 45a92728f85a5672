"""The query guard and content negotiation on their own (fast, no server)."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from plankg.server import formats, limits
from plankg.server.remote import inline_values

BASE = "https://w3id.org/plankg/"


@pytest.mark.parametrize("query, form, limit", [
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 10", "SELECT", 10),
    ("PREFIX : <http://x/> BASE <http://y/> ASK { :a :b :c }", "ASK", None),
    ("# LOAD <file:///etc/passwd>\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT", None),
    ('SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1/> LOAD" }', "SELECT", None),
    ("DESCRIBE <https://w3id.org/plankg/unit/500103/fgw>", "DESCRIBE", None),
    ("SELECT * WHERE { { SELECT * WHERE { ?s ?p ?o } LIMIT 99999 } } LIMIT 5", "SELECT", 5),
    ("SELECT * FROM <https://w3id.org/plankg/plan/500103/2023/graph> WHERE { ?s ?p ?o }", "SELECT", None),
])
def test_allowed(query, form, limit):
    info = limits.check_query(query, base=BASE)
    assert (info.form, info.limit) == (form, limit)


@pytest.mark.parametrize("query, words", [
    ("", "empty"),
    ("INSERT DATA { <a:b> <a:c> <a:d> }", "/update"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "not allowed"),
    ("SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }", "fixed endpoint"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "only http"),
    ("SELECT * FROM <http://localhost:5000/x> WHERE { ?s ?p ?o }", "local host"),
    ("SELECT * WHERE { GRAPH <http://10.0.0.1/x> { ?s ?p ?o } }", "private"),
    ("SELECT * WHERE { GRAPH <http://[::1]/x> { ?s ?p ?o } }", "private"),
    ("SELECT * WHERE " + "{" * 100 + "}" * 100, "deeper"),
    ("SELECT * WHERE { FILTER (" + "-" * 100 + "1) }", "operators"),
    ('SELECT * WHERE { ?s ?p "unterminated }', "unterminated"),
    ("hello", "starts with"),
])
def test_refused(query, words):
    with pytest.raises(limits.Refused) as e:
        limits.check_query(query, base=BASE)
    assert words in e.value.message


def test_allowlisted_service():
    q = "PREFIX e: <http://example.org/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }"
    assert limits.check_query(q, base=BASE, allowlist=("http://example.org/sparql",)).form == "SELECT"
    assert not limits.check_query(q, base=BASE, allowlist=("http://example.org/sparql",)).repeatable


@pytest.mark.parametrize("service, query, words", [
    ("http://127.0.0.1:5000/sparql", "SELECT * FROM <g> WHERE { ?s ?p ?o }", "<http://127.0.0.1:5000/g> names a local"),
    ("http://127.0.0.1:5000/sparql", "BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }", "file:///etc/passwd"),
    ("http://127.0.0.1:5000/sparql", "BASE <x/> PREFIX f: <y#> SELECT * WHERE { GRAPH f:z { ?s ?p ?o } }",
     "<http://127.0.0.1:5000/x/y#z>"),                     # a relative BASE resolves against the service
    ("https://plans.example.org/sparql", "SELECT * WHERE { SERVICE <other/sparql> { ?s ?p ?o } }",
     "<https://plans.example.org/other/sparql> is not allowed"),
    ("https://plans.example.org/sparql", "PREFIX e: <other#> SELECT * WHERE { SERVICE e:x { ?s ?p ?o } }",
     "<https://plans.example.org/other#x> is not allowed"),
])
def test_iris_are_checked_after_resolution_against_the_service(service, query, words):
    with pytest.raises(limits.Refused) as e:
        limits.check_query(query, base=BASE, service=service)
    assert words in e.value.message


def test_relative_iris_on_a_public_service_pass():
    service = "https://plans.example.org/sparql"
    assert limits.check_query("SELECT * FROM <g> WHERE { ?s ?p ?o }", base=BASE, service=service).form == "SELECT"
    q = "PREFIX e: <http://example.org/ns#> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }"
    assert limits.check_query(q, base=BASE, service=service, allowlist=("http://example.org/ns#sparql",)).form == "SELECT"


def accept(header):
    return parse_accept_header(header, MIMEAccept)


@pytest.mark.parametrize("kind, fmt, header, expected", [
    ("results", [], None, "json"),
    ("results", [], "text/csv;q=0.2, application/sparql-results+xml;q=0.8", "xml"),
    ("results", ["tsv"], "application/json", "tsv"),
    ("results", ["json", "application/sparql-results+json"], None, "json"),
    ("graph", [], "*/*", "turtle"),
    ("graph", ["json-ld", "application/ld+json,application/x-json+ld"], None, "jsonld"),
    ("graph", ["rdf+xml", "application/rdf+xml"], None, "rdfxml"),
    ("graph", [], "application/n-triples", "ntriples"),
])
def test_negotiate(kind, fmt, header, expected):
    assert formats.negotiate(kind, fmt, accept(header) if header else None) == expected


def test_negotiate_refuses_an_unknown_format_but_not_an_unknown_accept():
    with pytest.raises(limits.Refused) as e:
        formats.negotiate("results", ["turtle"], None)
    assert e.value.status == 406
    assert formats.negotiate("results", [], accept("text/turtle")) == "json"


def test_inline_values_binds_terms_safely():
    from rdflib import Literal

    q = inline_values('SELECT ?x WHERE { ?x ?p ?unit }', {"unit": Literal('a" } ; DROP ALL #')})
    assert 'VALUES (?unit) { ("a\\" } ; DROP ALL #") }' in q
    assert limits.check_query(q, base=BASE).form == "SELECT"
