"""`plankg serve --store-url`: the same endpoint over an external SPARQL 1.1 store (`oxigraph serve`,
from the PyPI package oxigraph), mirrored from the state folder; and SERVICE to an allowlisted endpoint."""
from __future__ import annotations

import json
import shutil
import os
import sys
import time
from pathlib import Path

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from .conftest import Server, free_port, start_plankg
from .test_limits import EXPENSIVE
from .test_protocol import LEADS, get

pytestmark = pytest.mark.server
OXIGRAPH = Path(sys.executable).with_name("oxigraph")


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    if not OXIGRAPH.exists():  # a developer's machine may skip; CI (CI=true) must run it
        (pytest.fail if os.environ.get("CI") else pytest.skip)("the oxigraph server is not installed (pip install oxigraph)")
    root = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    server = Server([str(OXIGRAPH), "serve", "--location", str(root / "db"), "--bind", f"127.0.0.1:{port}",
                     "--union-default-graph", "--timeout-s", "30"], port, {}, "/", root / "oxigraph.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def external(oxigraph, state, settings, tmp_path_factory):
    root = tmp_path_factory.mktemp("external")
    store = root / "store"
    shutil.copytree(state, store, symlinks=True)
    server = start_plankg(settings, store, root / "server.log", store_url=oxigraph.url + "/query")
    yield server
    server.stop()


def test_external_store_is_mirrored_and_queried(external, oxigraph):
    w = SPARQLWrapper(external.url + "/sparql")
    w.setQuery(LEADS)
    w.setReturnFormat(JSON)
    rows = [(b["number"]["value"], b["name"]["value"]) for b in w.query().convert()["results"]["bindings"]]
    assert rows == [("21", "区金融办"), ("35", "区文旅委")]
    # the data really is in the external store
    _, _, body = get(oxigraph.url + "/query", "application/sparql-results+json",
                          query="SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/plankg/ontology#Task> }")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "171"


def test_external_canned_question_and_page(external, run_cli):
    status, _, body = get(external.url + "/queries/tasks-led-by.csv", unit="区发改委")
    assert status == 200
    assert body.decode("utf-8") == run_cli("query", "tasks-led-by", "--param", "unit=区发改委", "--format", "csv").output
    status, _, body = get(external.url + "/plan/500103/2023/task/35", "text/html")
    assert status == 200 and "区文旅委" in body.decode("utf-8")


def test_external_guards_and_time_limit(external):
    status, _, body = get(external.url + "/sparql", query="SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    assert status == 400
    t = time.monotonic()
    status, _, body = get(external.url + "/sparql", query=EXPENSIVE)
    assert status == 503 and b"time limit" in body
    assert time.monotonic() - t < 3 + 3


def test_allowlisted_service(oxigraph, external, state, settings, tmp_path):
    """SERVICE reaches an endpoint on the allowlist (here the external store) and no other."""
    store = tmp_path / "store"
    shutil.copytree(state, store, symlinks=True)
    server = start_plankg(settings, store, tmp_path / "server.log", service_allowlist=oxigraph.url + "/query")
    try:
        q = (f"SELECT ?n WHERE {{ SERVICE <{oxigraph.url}/query> {{ <https://w3id.org/plankg/plan/500103/2023/task/35> "
             "<https://w3id.org/plankg/ontology#number> ?n } }")
        status, _, body = get(server.url + "/sparql", "application/sparql-results+json", query=q)
        assert status == 200, body
        assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "35"
        status, _, body = get(server.url + "/sparql", query=q.replace("/query>", "/update>"))
        assert status == 400 and b"not allowed" in body
    finally:
        server.stop()


def test_external_relative_iris_resolve_against_our_endpoint(external):
    """The external store has a base of its own (or none): the query goes with a BASE of our endpoint's IRI."""
    status, _, body = get(external.url + "/sparql", "application/n-triples", query="CONSTRUCT { <s> <p> 1 } WHERE {}")
    assert status == 200, body
    assert body.decode("utf-8").strip() == (f'<{external.url}/s> <{external.url}/p> '
                                            '"1"^^<http://www.w3.org/2001/XMLSchema#integer> .')
