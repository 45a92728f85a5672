"""`plankg serve --store-url`: the same endpoint over an external SPARQL 1.1 store, mirrored from the
state folder, for each engine in ``stores.ENGINES`` (`oxigraph serve`, Virtuoso); and SERVICE to an
allowlisted endpoint. Updates and restarts are in ``test_external_mirror.py``."""
from __future__ import annotations

import csv
import io
import json
import shutil
import time

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from SPARQLWrapper import JSON, SPARQLWrapper

from plankg import canned
from tests.conftest import PLAN_IRI

from .conftest import start_plankg
from .stores import ENGINES, start_store
from .test_limits import EXPENSIVE
from .test_protocol import LEADS, get

pytestmark = pytest.mark.server
TASK35 = f"<{PLAN_IRI}/task/35>"


@pytest.fixture(scope="module", params=[pytest.param(e, marks=pytest.mark.slow if e == "virtuoso" else ())
                                        for e in ENGINES])
def external_store(request, tmp_path_factory):
    store = start_store(request.param, tmp_path_factory.mktemp(request.param))
    yield store
    store.stop()


@pytest.fixture(scope="module")
def external(external_store, state, settings, tmp_path_factory):
    root = tmp_path_factory.mktemp("external")
    store = root / "store"
    shutil.copytree(state, store, symlinks=True)
    server = start_plankg(settings, store, root / "server.log", **external_store.plankg_options())
    yield server
    server.stop()


def test_external_store_is_mirrored_and_queried(external, external_store):
    w = SPARQLWrapper(external.url + "/sparql")
    w.setQuery(LEADS)
    w.setReturnFormat(JSON)
    rows = [(b["number"]["value"], b["name"]["value"]) for b in w.query().convert()["results"]["bindings"]]
    assert rows == [("21", "区金融办"), ("35", "区文旅委")]
    # the data really is in the external store
    assert external_store.count("?t a <https://w3id.org/plankg/ontology#Task>") == 171


def test_mirror_holds_exactly_the_state_folders_graphs(external, external_store, state):
    """Every graph of the current snapshot, triple for triple (values compared: Virtuoso writes
    "5.0"^^xsd:decimal back as "5", and +00:00 as Z)."""
    snapshot = ox.Store.read_only(str(max((state / "snapshots").iterdir(), key=lambda p: p.stat().st_mtime)))
    names = sorted(g.value for g in snapshot.named_graphs())
    assert len(names) >= 4
    for name in names:
        local = Graph().parse(data=ox.serialize((q.triple for q in snapshot.quads_for_pattern(
            None, None, None, ox.NamedNode(name))), format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
        body = external_store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}",
                                    "application/n-triples").text
        remote = Graph().parse(data=body, format="nt")
        assert len(remote) == len(local), name
        assert isomorphic(remote, local), name


ENGINE_BUGS = {  # (engine, canned question): why its answer differs; strict, so a fixed engine shows up
    ("virtuoso", name): "Virtuoso 7.2.5 writes a non-ASCII GROUP_CONCAT separator (、) as ?"
    for name in ("joint-leads", "tasks", "units")} | {
    ("virtuoso", "sections"): "Virtuoso 7.2.5 splits a GROUP BY group whose key is unbound (sections without sub-sections)"}


# seen in whole-module runs, not when the test runs alone: two rows that differ only in ?level (bound in
# two UNION branches) come back as one under SELECT DISTINCT. Only that loss is let through. (Since
# plan:restates, such pairs are listed only with restated=yes, which the example does not give.)
ENGINE_SOMETIMES = {("virtuoso", "compare-targets"): "Virtuoso 7.2.5 sometimes drops one of two rows that differ "
                    "only in ?level (a headline target and the task restating it word for word)"}


@pytest.mark.parametrize("name", sorted(canned.load_all()))
def test_every_canned_question_answers_as_on_the_embedded_store(external, external_store, run_cli, name, request):
    if (external_store.name, name) in ENGINE_BUGS:
        request.applymarker(pytest.mark.xfail(reason=ENGINE_BUGS[external_store.name, name], strict=True))
    params = canned.load_all()[name].example
    status, _, body = get(external.url + f"/queries/{name}.csv", **params)
    assert status == 200, body
    args = [a for k, v in params.items() for a in ("--param", f"{k}={v}")]
    (header, rows), (want_header, want) = table(body.decode("utf-8")), table(
        run_cli("query", name, *args, "--format", "csv").output)
    assert header == want_header
    if (external_store.name, name) in ENGINE_SOMETIMES:  # only the known loss is let through: nothing else
        level = header.index("level")
        assert all(r in want for r in rows), [r for r in rows if r not in want][:3]

        def twin(r):  # the same row but for level is in the answer
            return any(o[:level] + o[level + 1:] == r[:level] + r[level + 1:] for o in rows)
        assert all(twin(r) for r in want if r not in rows), [r for r in want if r not in rows]
        return
    assert rows == want, ([r for r in rows if r not in want][:3], [r for r in want if r not in rows][:3])


def table(text: str):
    """A CSV answer as its header and its rows in any order, each list (GROUP_CONCAT, 、) in any order:
    SPARQL leaves both open where ORDER BY has ties, and engines differ there."""
    header, *rows = csv.reader(io.StringIO(text))
    return header, sorted(["、".join(sorted(cell.split("、"))) for cell in row] for row in rows)


def test_canned_question_on_one_plan_and_page(external, run_cli):
    status, _, body = get(external.url + "/queries/tasks-led-by.csv", unit="区发改委", plan=PLAN_IRI)
    assert status == 200
    assert body.decode("utf-8") == run_cli("query", "tasks-led-by", "--param", "unit=区发改委",
                                           "--param", f"plan={PLAN_IRI}", "--format", "csv").output
    status, _, body = get(external.url + "/plan/500103/2023/task/35", "text/html")
    assert status == 200 and "区文旅委" in body.decode("utf-8")


@pytest.mark.parametrize("query, expected", [(f"ASK {{ {TASK35} ?p ?o }}", True),
                                             (f"ASK {{ {TASK35} <urn:nothing> ?o }}", False)])
def test_ask_is_a_boolean(external, query, expected):
    for accept in ("application/sparql-results+json", "application/sparql-results+xml"):
        status, _, body = get(external.url + "/sparql", accept, query=query)
        assert status == 200, body
        if accept.endswith("json"):
            assert json.loads(body) == {"head": {}, "boolean": expected}
        else:
            assert f"<boolean>{str(expected).lower()}</boolean>".encode() in body


def test_construct_and_typed_literals(external):
    q = (f"CONSTRUCT {{ {TASK35} ?p ?o }} WHERE {{ {TASK35} ?p ?o "
         "FILTER (isLiteral(?o) && (DATATYPE(?o) = <http://www.w3.org/2001/XMLSchema#integer> || LANG(?o) != '')) }")
    status, _, body = get(external.url + "/sparql", "application/n-triples", query=q)
    assert status == 200, body
    text = body.decode("utf-8")
    assert f'{TASK35} <https://w3id.org/plankg/ontology#number> "35"^^<http://www.w3.org/2001/XMLSchema#integer>' \
        in text
    assert "旅游收入实现530亿元。\"@zh ." in text  # the language tag survives, the Chinese text intact


def test_too_many_rows_is_refused_not_cut(external):
    status, _, body = get(external.url + "/sparql", query="SELECT ?s WHERE { ?s ?p ?o } LIMIT 10001")
    assert status == 400 and b"LIMIT and OFFSET" in body


def test_external_guards_and_time_limit(external, external_store):
    status, _, body = get(external.url + "/sparql", query="SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    assert status == 400
    t = time.monotonic()
    status, _, body = get(external.url + "/sparql", query=EXPENSIVE)
    assert status == 503 and b"time limit" in body
    assert time.monotonic() - t < external_store.query_timeout + 3


def test_allowlisted_service(state, settings, tmp_path):
    """SERVICE reaches an endpoint on the allowlist (here `oxigraph serve`) and no other."""
    target = start_store("oxigraph", tmp_path / "oxigraph")
    target.update(f"INSERT DATA {{ {TASK35} <https://w3id.org/plankg/ontology#number> 35 }}")
    store = tmp_path / "store"
    shutil.copytree(state, store, symlinks=True)
    # under a 3 s limit a SERVICE call to oxigraph serve took 3.2 s here (0.04 s under 10 s): not this test's subject
    server = start_plankg(settings, store, tmp_path / "server.log", service_allowlist=target.query_url,
                          query_timeout=10)
    try:
        q = (f"SELECT ?n WHERE {{ SERVICE <{target.query_url}> {{ {TASK35} "
             "<https://w3id.org/plankg/ontology#number> ?n } }")
        status, _, body = get(server.url + "/sparql", "application/sparql-results+json", query=q)
        assert status == 200, body
        assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "35"
        status, _, body = get(server.url + "/sparql", query=q.replace(target.query_url, target.update_url))
        assert status == 400 and b"not allowed" in body
    finally:
        server.stop()
        target.stop()


def test_external_relative_iris_resolve_against_our_endpoint(external):
    """The external store has a base of its own (or none): the query goes with a BASE of our endpoint's IRI."""
    status, _, body = get(external.url + "/sparql", "application/n-triples", query="CONSTRUCT { <s> <p> 1 } WHERE {}")
    assert status == 200, body
    assert body.decode("utf-8").strip() == (f'<{external.url}/s> <{external.url}/p> '
                                            '"1"^^<http://www.w3.org/2001/XMLSchema#integer> .')
