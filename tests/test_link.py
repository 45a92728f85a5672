"""Wikidata links through P442: made only where code and name agree, with a VoID linkset."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

import pytest
from rdflib import Graph, Literal, URIRef

from plankg import reference
from plankg.link import LINKSET, link, query_text
from plankg.vocab import DCTERMS, SKOS, VOID

from .conftest import REPO

ANSWER = REPO / "tests" / "data" / "wdqs-p442-answer.json"
ENTITY = "http://www.wikidata.org/entity/"
YUZHONG = URIRef("https://w3id.org/plankg/district/500103")


@pytest.fixture(scope="module")
def linking(settings):
    return link(json.loads(ANSWER.read_text(encoding="utf-8")), reference.graph(settings), "test answer")


def test_code_with_spaces_and_same_name_is_linked(linking):
    g = linking.graph
    assert (YUZHONG, SKOS.exactMatch, URIRef(ENTITY + "Q900000001")) in g           # "50 01 03", 渝中区
    assert (URIRef("https://w3id.org/plankg/district/500000"), SKOS.exactMatch, URIRef(ENTITY + "Q900000002")) in g
    jiefangbei = URIRef("https://w3id.org/plankg/unit/500103/jiefangbei-jd")
    assert (jiefangbei, DCTERMS.spatial, URIRef(ENTITY + "Q900000003")) in g        # 9-digit P442 = 500103003000


def test_a_differing_name_or_a_shared_code_is_left_out(linking):
    linked = {item for _, _, item in linking.linked}
    assert ENTITY + "Q900000004" not in linked  # 500103004000 is 两路口街道, not 两路口镇
    assert not {ENTITY + "Q900000005", ENTITY + "Q900000006"} & linked  # two items share a code
    assert ENTITY + "Q900000007" not in linked  # a code we do not hold
    text = linking.to_text()
    assert "named 两路口镇" in text and "2 items share the code" in text
    assert text.endswith("3 link(s), 2 candidate(s) left out\n")


def test_the_linkset_is_described_in_void(linking):
    g = linking.graph
    assert g.value(LINKSET, VOID.triples) == Literal(3)
    assert (LINKSET, VOID.linkPredicate, SKOS.exactMatch) in g
    assert str(g.value(LINKSET, DCTERMS.source)) == "test answer"


def test_query_asks_for_every_prefix():
    assert '"50")' in query_text(["50"])
    both = query_text(["50", "51"])
    assert '"50")' in both and '"51")' in both and "||" in both


def test_link_command_asks_an_endpoint_and_writes_a_linkset(run_cli, tmp_path):
    """The command sends the query to the endpoint given (a local stand-in for WDQS)."""
    answer, asked = ANSWER.read_bytes(), []

    class WDQS(BaseHTTPRequestHandler):
        def do_POST(self):
            asked.append(parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())["query"][0])
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), WDQS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        out = tmp_path / "wikidata.ttl"
        r = run_cli("link", "wikidata", "--endpoint", f"http://127.0.0.1:{server.server_port}/sparql", "--out", str(out))
    finally:
        server.shutdown()
    assert r.exit_code == 0, r.output
    assert "wdt:P442" in asked[0] and '"50"' in asked[0]
    g = Graph().parse(out)
    assert (YUZHONG, SKOS.exactMatch, URIRef(ENTITY + "Q900000001")) in g
    assert "3 link(s)" in r.output


def test_link_command_reads_a_saved_answer_and_refuses_garbage(run_cli, tmp_path):
    out = tmp_path / "wikidata.ttl"
    assert run_cli("link", "wikidata", "--answer", str(ANSWER), "--out", str(out)).exit_code == 0
    assert (YUZHONG, SKOS.exactMatch, URIRef(ENTITY + "Q900000001")) in Graph().parse(out)
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    r = run_cli("link", "wikidata", "--answer", str(bad), "--out", str(tmp_path / "x.ttl"))
    assert r.exit_code == 2 and "not SPARQL JSON results" in r.output and not (tmp_path / "x.ttl").exists()
    r = run_cli("link", "wikidata", "--endpoint", "http://127.0.0.1:1/sparql", "--out", str(tmp_path / "x.ttl"))
    assert r.exit_code == 1 and "could not get the Wikidata answer" in r.output


def test_no_unverified_wikidata_identifier_ships(settings):
    """The repository links to no Wikidata item: none could be checked where it was written."""
    g = reference.graph(settings)
    assert not [o for o in g.objects() if str(o).startswith(ENTITY)]
