"""The GET /sparql fast path (server/fastpath.py) answers exactly as the Flask view does.

Each request is sent twice: as ``GET ?query=…`` (taken by the fast path) and as the same query
POSTed form-encoded (taken by Flask's view); status, body, content type and headers must agree.
The result cache is off, so both really run the query.
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.server

PLAN = "https://w3id.org/plankg/plan/500103/2023"
CASES = [  # (query, Accept)
    (f"SELECT ?p ?o WHERE {{ <{PLAN}/task/21> ?p ?o }} ORDER BY ?p ?o", "application/sparql-results+json"),
    (f"SELECT ?p ?o WHERE {{ <{PLAN}/task/21> ?p ?o }} ORDER BY ?p ?o", "text/csv"),
    (f"SELECT ?p ?o WHERE {{ <{PLAN}/task/21> ?p ?o }} ORDER BY ?p ?o", "application/sparql-results+xml;q=0.9, text/tab-separated-values"),
    ("ASK { ?s ?p ?o }", None),
    (f"CONSTRUCT {{ <s> ?p ?o }} WHERE {{ <{PLAN}/task/21> ?p ?o }}", "text/turtle"),
    ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json"),  # over the row cap: 400
    ("INSERT DATA { <a> <b> <c> }", None),                                # an update: 400
    ("SELECT * WHERE { ?s ?p }", None),                                   # not valid SPARQL: 400
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", None),  # SERVICE not allowed: 400
]


@pytest.mark.parametrize(("query", "accept"), CASES)
def test_fast_path_answers_as_flask_does(app_for, state_copy, query, accept):
    client = app_for(state_copy, result_cache_mb=0, max_rows=500).test_client()
    headers = {"Accept": accept} if accept else {}
    fast = client.get("/sparql", query_string={"query": query}, headers=headers)
    view = client.post("/sparql", data={"query": query}, headers=headers)
    assert (fast.status_code, fast.content_type) == (view.status_code, view.content_type), fast.data
    assert fast.data == view.data
    for name in ("Vary", "Access-Control-Allow-Origin", "Retry-After"):
        assert fast.headers.get(name) == view.headers.get(name), name


def test_raw_utf8_reads_as_flask_reads_it(app_for, state_copy):
    """WSGI hands the query string over as latin-1 text; a client may send 中文 unescaped."""
    client = app_for(state_copy, result_cache_mb=0).test_client()
    query = 'SELECT ?t WHERE { ?t <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER CONTAINS(?l, "任务21") }'
    fast = client.get("/sparql", environ_overrides={"QUERY_STRING": "query=" + query.encode().decode("latin-1")})
    view = client.post("/sparql", data={"query": query})
    assert fast.status_code == 200 and b"task/21" in fast.data, fast.data
    assert fast.data == view.data


def test_fast_path_leaves_other_requests_to_flask(app_for, state_copy):
    client = app_for(state_copy, result_cache_mb=0).test_client()
    assert client.get("/sparql", query_string={"query": "ASK {}", "format": "xml"}).content_type.startswith(
        "application/sparql-results+xml")  # format= is the view's
    r = client.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D")
    assert r.status_code == 400 and b"more than once" in r.data
    r = client.get("/sparql?query=")
    assert r.status_code == 400 and b"the query is empty" in r.data
