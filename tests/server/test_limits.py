"""Limits that keep the server up, against a running `plankg serve`: the time limit really stops a
query (and others are served meanwhile), no request reaches a local file or another server, and
deep, huge or over-long queries are refused before the engine sees them."""
from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .test_protocol import get, http

pytestmark = pytest.mark.server

# Quadratic in the whole store with a regex per pair: minutes of work without the time limit.
EXPENSIVE = ('SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . '
             'FILTER (REGEX(CONCAT(STR(?c), STR(?f)), "^(a|aa)+$")) }')
CHEAP = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/plankg/ontology#Task> }"


def test_time_limit_stops_the_query_and_others_are_served(endpoint):
    with ThreadPoolExecutor(3) as pool:
        started = time.monotonic()
        slow = [pool.submit(get, endpoint, "application/sparql-results+json", query=EXPENSIVE + f" # {i}")
                for i in range(2)]
        time.sleep(0.5)
        t = time.monotonic()
        status, _, body = get(endpoint, "application/sparql-results+json", query=CHEAP)
        cheap_took = time.monotonic() - t
        assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "171"
        assert cheap_took < 2.5, f"a cheap query waited {cheap_took:.1f} s behind expensive ones"
        for f in slow:
            status, _, body = f.result()
            assert status == 503, body  # never a 200 with a partial or empty answer
            assert b"time limit" in body
        assert time.monotonic() - started < 3 + 5  # the limit is 3 s in these tests
    status, _, _ = get(endpoint, query=CHEAP)  # the server is still up
    assert status == 200


class Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - shared on purpose: the test reads what the server got

    def do_GET(self):
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"leak"}}]}}')

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def local_http():
    """A local HTTP server that records every request it gets: none may arrive."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Recorder.hits = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
    "PREFIX x: <{url}/> SELECT * WHERE {{ SERVICE x:sparql {{ ?s ?p ?o }} }}",
    "BASE <{url}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND (<{url}/sparql> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <{url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ GRAPH <{url}/data.ttl> {{ ?s ?p ?o }} }}",
])
def test_no_request_reaches_another_server(endpoint, local_http, template):
    status, _, body = get(endpoint, query=template.format(url=local_http))
    assert status == 400, body
    assert Recorder.hits == []


@pytest.mark.parametrize("query, params", [
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", {}),
    ("SELECT * WHERE { GRAPH <file:///etc/passwd> { ?s ?p ?o } }", {}),
    ("SELECT * WHERE { ?s ?p ?o }", {"default-graph-uri": "file:///etc/passwd"}),
    ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", {"named-graph-uri": "file:///etc/hostname"}),
    ("LOAD <file:///etc/passwd>", {}),
    ("SELECT * WHERE { ?s ?p ?o } # \n LOAD <file:///etc/passwd>", {}),
])
def test_no_local_file_is_read(endpoint, query, params):
    status, _, body = get(endpoint, query=query, **params)
    assert status == 400, body
    assert b"root:" not in body


def test_allowlisted_service_is_not_a_way_around(endpoint, local_http):
    # The server under test has no allowlist: even its own address is refused.
    status, _, body = get(endpoint, query=f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}")
    assert status == 400 and b"not allowed" in body


@pytest.mark.parametrize("depth", [1_000, 10_000])
@pytest.mark.parametrize("shape", ["braces", "parens", "nots"])
def test_deep_queries_are_refused_and_the_server_stays_up(endpoint, depth, shape):
    query = {"braces": "SELECT * WHERE " + "{ " * depth + "?s ?p ?o" + " }" * depth,
             "parens": "SELECT * WHERE { FILTER (" + "(" * depth + "1" + ")" * depth + ") }",
             "nots": "SELECT * WHERE { FILTER (" + "!" * depth + "true) }"}[shape]
    status, _, body = http(endpoint, query.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 400 and (b"deeper" in body or b"operators" in body), body
    assert get(endpoint, query=CHEAP)[0] == 200


def test_huge_query_is_refused(endpoint):
    query = "SELECT * WHERE { " + " ".join(f"?s <urn:p{i}> ?o{i} ." for i in range(5000)) + " }"
    status, _, body = http(endpoint, query.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 400 and b"characters long" in body


def test_too_many_rows_is_an_error_not_a_truncated_answer(endpoint):
    status, _, body = get(endpoint, query="SELECT * WHERE { ?s ?p ?o }")
    assert status == 400 and b"LIMIT" in body
    status, _, body = get(endpoint, "text/csv", query="SELECT * WHERE { ?s ?p ?o } LIMIT 5")
    assert status == 200 and len(body.decode().splitlines()) == 6


def test_errors_show_no_stack_traces(endpoint):
    for query in ["SELECT (1/0 AS ?x) WHERE {}", 'SELECT * WHERE { FILTER (REGEX("a", "(")) }',
                  "SELECT * WHERE { ?s ?p ?o } LIMIT -1", "\x00\x01"]:
        status, _, body = get(endpoint, query=query)
        assert status in (200, 400), (query, status, body)
        assert b"Traceback" not in body


def test_long_url_is_refused_cleanly(endpoint):
    status, _, _ = get(endpoint, query="ASK {} #" + "x" * 9000)
    assert status in (400, 413, 414)
