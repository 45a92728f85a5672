"""The SPARQL 1.1 Protocol, spoken to a running `plankg serve` by real clients: SPARQLWrapper in
every result format, rdflib's SPARQLStore, and plain HTTP for everything that must fail cleanly."""
from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from tests.conftest import PLAN_IRI

pytestmark = pytest.mark.server

PREFIX = "PREFIX plan: <https://w3id.org/plankg/ontology#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
LEADS = PREFIX + """SELECT ?number ?name WHERE {
  ?task plan:number ?number ; plan:leadUnit ?u . ?u skos:prefLabel ?name . FILTER (LANG(?name) = "zh")
  FILTER (?number IN (21, 35)) } ORDER BY ?number"""
TASK35 = f"<{PLAN_IRI}/task/35>"
CONSTRUCT = PREFIX + f"CONSTRUCT {{ {TASK35} plan:leadUnit ?u . ?u skos:prefLabel ?n }} WHERE {{ {TASK35} plan:leadUnit ?u . ?u skos:prefLabel ?n }}"


def wrapper(endpoint, query, fmt, method="GET"):
    w = SPARQLWrapper(endpoint)
    w.setQuery(query)
    w.setReturnFormat(fmt)
    w.setMethod(method)
    return w.query()


@pytest.mark.parametrize("method", ["GET", POST])
def test_select_json(endpoint, method):
    data = wrapper(endpoint, LEADS, JSON, method).convert()
    rows = [(b["number"]["value"], b["name"]["value"]) for b in data["results"]["bindings"]]
    assert rows == [("21", "区金融办"), ("35", "区文旅委")]
    assert data["head"]["vars"] == ["number", "name"]


def test_select_xml(endpoint):
    doc = wrapper(endpoint, LEADS, XML).convert()  # an xml.dom Document
    names = [n.firstChild.data for n in doc.getElementsByTagName("literal") if n.getAttribute("xml:lang") == "zh"]
    assert "区文旅委" in names


def test_select_csv_and_tsv(endpoint):
    result = wrapper(endpoint, LEADS, CSV)
    assert result.response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(result.convert().decode("utf-8"))))
    assert rows[0] == ["number", "name"] and ["35", "区文旅委"] in rows
    tsv = wrapper(endpoint, LEADS, TSV).convert().decode("utf-8").splitlines()
    assert tsv[0] == "?number\t?name" and any(line.endswith('"区文旅委"@zh') for line in tsv)


def test_ask(endpoint):
    assert wrapper(endpoint, PREFIX + f"ASK {{ {TASK35} plan:number 35 }}", JSON).convert()["boolean"] is True
    doc = wrapper(endpoint, PREFIX + f"ASK {{ {TASK35} plan:number 36 }}", XML).convert()
    assert doc.getElementsByTagName("boolean")[0].firstChild.data == "false"


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, XML, JSONLD])
def test_construct_every_format(endpoint, fmt):
    g = wrapper(endpoint, CONSTRUCT, fmt).convert()
    if not isinstance(g, Graph):  # SPARQLWrapper hands Turtle and N3 back as bytes
        g = Graph().parse(data=g, format="turtle")
    assert (URIRef(f"{PLAN_IRI}/task/35"), URIRef("https://w3id.org/plankg/ontology#leadUnit"),
            URIRef("https://w3id.org/plankg/unit/500103/wlw")) in g
    assert Literal("区文旅委", lang="zh") in set(g.objects())


def test_describe(endpoint):
    g = wrapper(endpoint, f"DESCRIBE {TASK35}", TURTLE).convert()
    g = Graph().parse(data=g, format="turtle")
    assert len(g) > 10


def test_rdflib_sparqlstore(endpoint):
    g = Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    rows = list(g.query(LEADS))
    assert (Literal(35), Literal("区文旅委", lang="zh")) in [(r.number, r.name) for r in rows]
    built = g.query(CONSTRUCT).graph
    assert len(built) >= 2


# -- plain HTTP: the protocol's details and its failures ---------------------------------

def http(url, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def get(endpoint, accept=None, **params):
    return http(endpoint + "?" + urllib.parse.urlencode(params, doseq=True), headers={"Accept": accept} if accept else {})


@pytest.mark.parametrize("graph, tasks", [(f"{PLAN_IRI}/graph", "171"), ("https://w3id.org/plankg/graph/reference", "0")])
def test_post_sparql_query_body_with_default_graph(endpoint, graph, tasks):
    url = endpoint + "?" + urllib.parse.urlencode({"default-graph-uri": graph})
    q = PREFIX + "SELECT (COUNT(?t) AS ?n) WHERE { ?t a plan:Task }"
    status, _, body = http(url, q.encode("utf-8"), {"Content-Type": "application/sparql-query; charset=utf-8",
                                                        "Accept": "application/sparql-results+json"})
    assert status == 200, body
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == tasks


def test_named_graph_parameter(endpoint):
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    status, _, body = get(endpoint, "application/sparql-results+json", query=q, **{"named-graph-uri": f"{PLAN_IRI}/graph"})
    assert status == 200
    assert [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]] == [f"{PLAN_IRI}/graph"]


@pytest.mark.parametrize("accept, expected", [
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/tab-separated-values, application/sparql-results+json;q=0.1", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
])
def test_accept_with_q_values(endpoint, accept, expected):
    status, headers, _ = get(endpoint, accept, query="SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert status == 200 and headers["Content-Type"].startswith(expected)
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_unknown_accept_gets_the_default(endpoint):
    status, headers, _ = get(endpoint, "image/png", query="ASK {}")
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")


def test_format_parameter_beats_accept(endpoint):
    status, headers, _ = get(endpoint, "application/sparql-results+json", query="ASK {}", format="xml")
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+xml")


def test_utf8_query_and_results(endpoint):
    q = PREFIX + 'SELECT ?u WHERE { ?u skos:prefLabel "区发改委"@zh }'
    status, headers, body = get(endpoint, "text/csv", query=q)
    assert status == 200 and "charset=utf-8" in headers["Content-Type"]
    assert body.decode("utf-8").splitlines()[1] == "https://w3id.org/plankg/unit/500103/fgw"


def test_service_description(endpoint):
    status, headers, body = http(endpoint, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=body, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (URIRef(endpoint), URIRef(sd + "endpoint"), URIRef(endpoint)) in g
    assert (None, URIRef("http://rdfs.org/ns/void#sparqlEndpoint"), URIRef(endpoint)) in g
    assert URIRef(f"{PLAN_IRI}/graph") in set(g.objects(None, URIRef(sd + "name")))
    void = "http://rdfs.org/ns/void#"
    qudt = URIRef("https://w3id.org/plankg/linkset/qudt")
    assert (qudt, URIRef(void + "linkPredicate"), URIRef("http://qudt.org/schema/qudt/unit")) in g
    # one unit per figure of the bundled plan: 128 task targets, 4 headline targets, 9 context figures
    assert int(g.value(qudt, URIRef(void + "triples"))) == 141


def test_cors_preflight(endpoint):
    status, headers, _ = http(endpoint, method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]


@pytest.mark.parametrize("request_args, status, words", [
    ({"params": {"query": "SELECT * WHERE { ?s ?p "}}, 400, "not valid SPARQL"),
    ({"params": {"default-graph-uri": "http://example.org/g"}}, 400, "no query"),
    ({"params": {"query": ["ASK {}", "ASK {}"]}}, 400, "more than once"),
    ({"params": {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 400, "/update"),
    ({"params": {"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 400, "/update"),
    ({"body": b"ASK {}", "type": "text/plain"}, 415, "application/sparql-query"),
    ({"body": b"INSERT DATA { <a:b> <a:c> <a:d> }", "type": "application/sparql-update"}, 415, "/update"),
    ({"body": "ASK {}".encode("utf-16"), "type": "application/sparql-query; charset=utf-16"}, 415, "UTF-8"),
    ({"body": b"\xff\xfe ASK", "type": "application/sparql-query"}, 400, "UTF-8"),
    ({"body": b"", "type": "application/x-www-form-urlencoded"}, 400, "no query"),
    ({"params": {"query": "ASK {}", "format": "html"}}, 406, "format"),
    ({"method": "PUT"}, 405, "Method Not Allowed"),
    ({"method": "DELETE"}, 405, "Method Not Allowed"),
])
def test_failures_are_clean(endpoint, request_args, status, words):
    url = endpoint
    if "params" in request_args:
        url += "?" + urllib.parse.urlencode(request_args["params"], doseq=True)
    headers = {"Accept": request_args.get("accept", "*/*")}
    body = request_args.get("body")
    method = request_args.get("method", "POST" if body is not None else "GET")
    if body is not None:
        headers["Content-Type"] = request_args["type"]
    got, resp_headers, text = http(url, body, headers, method)
    assert got == status, text
    assert resp_headers["Content-Type"].startswith("text/plain")
    assert words in text.decode("utf-8")
    assert b"Traceback" not in text and b"File \"" not in text


def test_request_too_large(endpoint):
    body = ("ASK {} #" + "x" * 1_100_000).encode()
    status, _, text = http(endpoint, body, {"Content-Type": "application/sparql-query"})
    assert status == 413, text


# -- relative IRIs resolve against the endpoint's IRI; updates are not answered here ------------

RELATIVE = "CONSTRUCT { <s> <p> 1 } WHERE {}"  # W3C protocol test query_content_type_construct


def test_relative_iris_resolve_against_the_endpoint(endpoint):
    """As the W3C test sends it (form POST, a default-graph-uri), and as SPARQLWrapper does: the triple
    comes back with the endpoint's base, http://127.0.0.1:PORT/s."""
    root = endpoint.rsplit("/", 1)[0]
    expected = (URIRef(root + "/s"), URIRef(root + "/p"), Literal(1))
    body = urllib.parse.urlencode({"query": RELATIVE, "default-graph-uri": "http://kasei.us/2009/09/sparql/data/data0.rdf"})
    status, headers, text = http(endpoint, body.encode(), {"Content-Type": "application/x-www-form-urlencoded",
                                                          "Accept": "text/turtle"})
    assert status == 200, text
    assert headers["Content-Type"].startswith("text/turtle")
    assert set(Graph().parse(data=text, format="turtle")) == {expected}
    g = Graph().parse(data=wrapper(endpoint, RELATIVE, TURTLE, POST).convert(), format="turtle")
    assert set(g) == {expected}
    rows = wrapper(endpoint, "BASE <https://example.org/a/> SELECT ?x WHERE { BIND(<b> AS ?x) }", JSON).convert()
    assert rows["results"]["bindings"][0]["x"]["value"] == "https://example.org/a/b"  # a BASE of the query wins


@pytest.mark.parametrize("query, words", [
    ("SELECT * FROM <g> WHERE { ?s ?p ?o }", "local"),                  # → http://127.0.0.1:PORT/g
    ("BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }", "only http(s) and urn"),
    ("PREFIX f: <passwd#> SELECT * WHERE { GRAPH f:x { ?s ?p ?o } }", "local"),
    ("SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }", "/sparql> is not allowed"),
])
def test_the_guard_checks_iris_after_resolution(endpoint, query, words):
    status, _, body = get(endpoint, query=query)
    assert status == 400 and words in body.decode("utf-8"), body


@pytest.mark.parametrize("send", ["SPARQLWrapper", "query= by GET", "update= by GET", "update= in a form",
                                  "update= in the URL of a form POST", "sparql-update body"])
def test_updates_sent_to_sparql_point_to_update(endpoint, send):
    update = PREFIX + f'INSERT DATA {{ {TASK35} plan:note "x" }}'
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    if send == "SPARQLWrapper":  # a client that thinks /sparql takes updates too
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed
        w = SPARQLWrapper(endpoint, updateEndpoint=endpoint)
        w.setMethod(POST)
        w.setQuery(update)
        with pytest.raises(QueryBadFormed) as e:
            w.query()
        text, status = str(e.value), 400
    else:
        status, _, body = {
            "query= by GET": lambda: get(endpoint, query=update),
            "update= by GET": lambda: get(endpoint, update=update),
            "update= in a form": lambda: http(endpoint, urllib.parse.urlencode({"update": update}).encode(), form),
            "update= in the URL of a form POST": lambda: http(
                endpoint + "?" + urllib.parse.urlencode({"update": update}), b"", form),
            "sparql-update body": lambda: http(endpoint, update.encode(), {"Content-Type": "application/sparql-update"}),
        }[send]()
        text = body.decode("utf-8")
        assert status == (415 if send == "sparql-update body" else 400), text
    assert "/update" in text and "SPARQL Update" in text
    status, _, body = get(endpoint, "application/sparql-results+json", query=PREFIX + f"ASK {{ {TASK35} plan:note ?n }}")
    assert json.loads(body)["boolean"] is False
