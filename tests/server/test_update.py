"""Updates at /update: only with the token, through the amendment path: a change that breaks the
rules is refused with 422 and the SHACL report, and nothing changes; an accepted one is a new
version that queries see at once and that survives a restart."""
from __future__ import annotations

import json
import shutil
import urllib.parse

import pytest
import requests

import plankg.validate
from plankg.server.limits import Refused
from tests.conftest import PLAN_IRI

from .conftest import TOKEN, quick_validate, start_plankg
from .test_protocol import get, http

pytestmark = pytest.mark.server
PREFIX = "PREFIX plan: <https://w3id.org/plankg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
ADD = PREFIX + f'INSERT DATA {{ <{PLAN_IRI}/task/35> rdfs:comment "已核对"@zh }}'
BREAK = PREFIX + f"DELETE WHERE {{ <{PLAN_IRI}/task/21> plan:leadUnit ?u }}"
COMMENT = PREFIX + f"SELECT ?c WHERE {{ <{PLAN_IRI}/task/35> rdfs:comment ?c }}"
LEADS21 = PREFIX + f"SELECT ?u WHERE {{ <{PLAN_IRI}/task/21> plan:leadUnit ?u }}"


@pytest.fixture
def client(app_for, state_copy, monkeypatch):
    monkeypatch.setattr(plankg.validate, "validate", quick_validate)
    return app_for(state_copy, update_token=TOKEN).test_client()


def auth(token=TOKEN):
    return {"Authorization": f"Bearer {token}"}


def rows(client, query):
    r = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.data
    return [b for b in r.get_json()["results"]["bindings"]]


def test_updates_need_the_token(client):
    assert client.post("/update", data={"update": ADD}).status_code == 401
    assert client.post("/update", data={"update": ADD}, headers=auth("wrong")).status_code == 401
    r = client.get("/update")
    assert r.status_code == 405


def test_updates_are_off_without_a_token(app_for, state_copy):
    r = app_for(state_copy).test_client().post("/update", data={"update": ADD}, headers=auth())
    assert r.status_code == 403 and b"PLANKG_UPDATE_TOKEN" in r.data


def test_accepted_update_is_a_new_version(client):
    r = client.post("/update", data=ADD.encode(), content_type="application/sparql-update", headers=auth())
    assert r.status_code == 200, r.data
    body = r.get_json()
    assert body["accepted"] and body["changed"] and body["version"] == 2
    assert [b["c"]["value"] for b in rows(client, COMMENT)] == ["已核对"]
    versions = rows(client, PREFIX + f"SELECT ?n WHERE {{ <{PLAN_IRI}> plan:currentVersion/plan:versionNumber ?n }}")
    assert [b["n"]["value"] for b in versions] == ["2"]
    page = client.get("/plan/500103/2023/task/35").get_data(as_text=True)
    assert "测试：任务35没有备注" not in page  # the report of version 2 no longer warns


def test_an_update_that_changes_nothing_is_said_and_not_stored(app_for, state_copy):
    """Deleting a triple the plan does not have leaves the plan as it is: 200, "changed": false,
    and the state folder byte for byte as it was (no version, no history, no HEAD)."""
    client = app_for(state_copy, update_token=TOKEN).test_client()
    before = {p: p.read_bytes() for p in sorted(state_copy.rglob("*")) if p.is_file()}
    nothing = PREFIX + f'DELETE DATA {{ <{PLAN_IRI}/task/35> rdfs:comment "从未有过的备注" }}'
    r = client.post("/update", data={"update": nothing}, headers=auth())
    assert r.status_code == 200, r.data
    body = r.get_json()
    assert (body["accepted"], body["changed"], body["version"]) == (False, False, 1) and "no change" in body["message"]
    assert {p: p.read_bytes() for p in sorted(state_copy.rglob("*")) if p.is_file()} == before


def test_rejected_update_is_422_with_the_report_and_changes_nothing(client):
    r = client.post("/update", data={"update": BREAK}, headers=auth())
    assert r.status_code == 422
    assert r.content_type.startswith("text/turtle") and b"sh:ValidationReport" in r.data
    assert b"task/21" in r.data
    assert len(rows(client, LEADS21)) == 1
    r = client.post("/update", data={"update": BREAK}, headers={**auth(), "Accept": "application/json"})
    assert r.status_code == 422 and json.loads(r.data)


@pytest.mark.parametrize("text, words", [
    ("LOAD <file:///etc/passwd>", b"LOAD"),
    ("INSERT DATA { GRAPH <https://w3id.org/plankg/graph/reference> { <a:b> <a:c> <a:d> } }", b"GRAPH"),
    ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }", b"SERVICE"),
    ("DELETE DATA { <a:b> ", b"not valid"),
])
def test_updates_that_cannot_apply_are_400(client, text, words):
    r = client.post("/update", data={"update": text}, headers=auth())
    assert r.status_code == 400 and words in r.data, r.data


def test_update_media_types(client):
    assert client.post("/update", data=ADD, content_type="text/plain", headers=auth()).status_code == 415
    assert client.post("/update", data={"update": [ADD, ADD]}, headers=auth()).status_code == 400


def test_update_survives_a_restart(app_for, state_copy, settings, tmp_path, monkeypatch):
    monkeypatch.setattr(plankg.validate, "validate", quick_validate)
    client = app_for(state_copy, update_token=TOKEN).test_client()
    assert client.post("/update", data={"update": ADD}, headers=auth()).status_code == 200
    server = start_plankg(settings, state_copy, tmp_path / "server.log")
    try:
        status, _, body = get(server.url + "/sparql", "application/sparql-results+json", query=COMMENT)
        assert status == 200, body
        assert json.loads(body)["results"]["bindings"][0]["c"]["value"] == "已核对"
    finally:
        server.stop()


def test_sparql_endpoint_refuses_updates_even_with_the_token(endpoint):
    status, _, body = http(endpoint, urllib.parse.urlencode({"update": ADD}).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded", **auth()})
    assert status == 400 and b"/update" in body


# -- the protocol (SPARQL 1.1 Protocol, 2.2): forms of request, datasets, which plan -------------

OTHER = "https://w3id.org/plankg/plan/500199/2024"
PLANS = [PLAN_IRI, OTHER]
BY_VARIABLES = PREFIX + "DELETE WHERE { ?t rdfs:comment ?c }"


@pytest.mark.parametrize("plans, named, subjects, objects, expected", [
    (PLANS, None, {f"{OTHER}/task/3"}, set(), OTHER),                        # the IRIs tell
    (PLANS, None, set(), {PLAN_IRI}, PLAN_IRI),                              # an object IRI tells too
    (PLANS, None, {f"{PLAN_IRI}/task/3"}, {"https://w3id.org/plankg/unit/500103/fgw"}, PLAN_IRI),
    ([PLAN_IRI], None, set(), set(), PLAN_IRI),                              # the only plan, no IRIs to contradict
    (PLANS, OTHER, set(), set(), OTHER),                                     # the request names it
    (PLANS, OTHER, {f"{OTHER}/task/1"}, {f"{PLAN_IRI}/task/2"}, OTHER),      # a link between plans
    (PLANS, OTHER, {"urn:x"}, set(), OTHER),                                 # named: not refused as "about nothing"
])
def test_the_plan_an_update_amends(plans, named, subjects, objects, expected):
    from plankg.server.update import choose_plan
    assert choose_plan(plans, named, subjects, objects) == expected


@pytest.mark.parametrize("plans, named, subjects, objects, words", [
    (PLANS, None, set(), set(), "2 plans here and the update names none"),
    (PLANS, None, {f"{PLAN_IRI}/task/3"}, {f"{OTHER}/task/1"}, "IRIs of 2 plans"),
    ([PLAN_IRI], None, {PLAN_IRI + "x/task/3"}, set(), "about nothing in any plan"),  # exact: not a substring
    ([PLAN_IRI], None, {"http://127.0.0.1:5000/s"}, set(), "about nothing in any plan"),  # a relative IRI, resolved
    (PLANS, PLAN_IRI, {f"{OTHER}/task/3"}, set(), f"not about {PLAN_IRI}"),
])
def test_a_plan_that_cannot_be_told_is_400_saying_how_to_name_it(plans, named, subjects, objects, words):
    from plankg.server.update import choose_plan
    with pytest.raises(Refused) as e:
        choose_plan(plans, named, subjects, objects)
    assert e.value.status == 400 and words in e.value.message
    if named is None:
        assert "?plan=IRI" in e.value.message and all(p in e.value.message for p in plans)


@pytest.mark.parametrize("given, using, expected", [
    (None, (), None),
    (OTHER, (), OTHER),
    (None, (f"{OTHER}/graph",), OTHER),                 # the plan's own graph names the plan
    (OTHER, (f"{OTHER}/graph",), OTHER),
])
def test_the_plan_a_request_names(given, using, expected):
    from plankg.server.update import named_plan
    assert named_plan(PLANS, given, using) == expected


@pytest.mark.parametrize("given, using, words", [
    ("https://w3id.org/plankg/plan/500103/2024", (), "is not a plan here"),
    (None, (f"{PLAN_IRI}/inferred",), "is not a plan's graph"),
    (None, ("https://w3id.org/plankg/graph/reference",), "is not a plan's graph"),
    (None, (PLAN_IRI,), "is not a plan's graph"),           # the plan, not its graph
    (None, (f"{PLAN_IRI}/graph", f"{OTHER}/graph"), "names 2 plans"),
    (PLAN_IRI, (f"{OTHER}/graph",), "names 2 plans"),
])
def test_a_request_naming_no_plan_or_two_is_400(given, using, words):
    from plankg.server.update import named_plan
    with pytest.raises(Refused) as e:
        named_plan(PLANS, given, using)
    assert e.value.status == 400 and words in e.value.message and OTHER in e.value.message


def test_form_and_direct_post_with_using_graph_uri_in_process(client):
    """Form POST with using-graph-uri in the body; direct POST with it in the URL; both name the plan's graph."""
    graph = f"{PLAN_IRI}/graph"
    r = client.post("/update", data={"update": ADD, "using-graph-uri": graph}, headers=auth())
    assert r.status_code == 200, r.data
    assert r.get_json()["version"] == 2
    r = client.post(f"/update?using-graph-uri={graph}", data=BY_VARIABLES.encode(), headers=auth(),
                    content_type="application/sparql-update; charset=utf-8")
    assert r.status_code == 200, r.data
    assert r.get_json()["version"] == 3 and rows(client, COMMENT) == []


def record(root) -> dict[str, bytes]:
    """The state folder's record: every version file and history, byte for byte."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "plans").rglob("*")) if p.is_file()}


@pytest.mark.parametrize("request_args, words", [
    ({"data": {"update": ADD, "using-named-graph-uri": f"{PLAN_IRI}/graph"}}, "using-named-graph-uri is not accepted"),
    ({"data": {"update": ADD, "using-graph-uri": "https://w3id.org/plankg/graph/reference"}}, "not a plan's graph"),
    ({"data": {"update": PREFIX + f"INSERT {{ <{PLAN_IRI}/task/1> rdfs:comment 'x' }} USING <{PLAN_IRI}/graph> "
                         "WHERE {}", "using-graph-uri": f"{PLAN_IRI}/graph"}}, "does not allow both"),
    ({"data": {"update": PREFIX + f"WITH <{PLAN_IRI}/graph> DELETE {{ ?s rdfs:comment ?c }} WHERE "
                         "{ ?s rdfs:comment ?c }", "using-named-graph-uri": "urn:g"}}, "does not allow both"),
    ({"data": {"update": PREFIX + "INSERT { ?s rdfs:comment 'x' } USING <urn:g> WHERE { ?s ?p ?o }"}},
     "USING is not allowed"),
    ({"data": {"update": PREFIX + "INSERT DATA { <https://w3id.org/plankg/plan/500103/2024/task/1> "
                         "rdfs:comment 'x' }"}}, "about nothing in any plan"),
    ({"data": {"update": "INSERT DATA { <task/1> <p> 1 }"}}, "about nothing in any plan"),
    ({"data": {"update": ADD}, "query_string": {"plan": "https://w3id.org/plankg/plan/1/1"}}, "not a plan here"),
    ({"data": {"update": "INSERT DATA { <urn:a> <urn:b> "}}, "not valid SPARQL 1.1 Update"),
    ({"data": {"update": ADD, "query": "ASK {}"}}, "/sparql"),
    ({"data": {"update": "  "}}, "the update is empty"),
    ({"data": ADD.encode(), "content_type": "application/sparql-update", "query_string": {"update": ADD}},
     "no update parameter in the URL"),
])
def test_update_requests_refused_with_400_in_process(client, state_copy, request_args, words):
    before = record(state_copy)
    r = client.post("/update", headers=auth(), **request_args)
    text = r.get_data(as_text=True)
    assert r.status_code == 400 and words in text, text
    assert text.count("\n") == 1 and r.content_type.startswith("text/plain")
    assert record(state_copy) == before  # nothing was written


def test_update_by_get_is_405_pointing_to_post(client):
    r = client.get("/update", query_string={"update": ADD}, headers=auth())
    assert r.status_code == 405 and r.headers["Allow"] == "POST"
    assert b"POST" in r.data and b"never with GET" in r.data


# -- the same, through a real `plankg serve` holding two plans ----------------------------------

def call(url, update=None, *, params=None, form=None, direct=False, method="POST"):
    headers = auth()
    if direct:
        headers["Content-Type"] = "application/sparql-update; charset=utf-8"
        return requests.request(method, url, params=params, data=update.encode("utf-8"), headers=headers, timeout=60)
    return requests.request(method, url, params=params, data={"update": update, **(form or {})}, headers=headers,
                            timeout=60)


@pytest.fixture(scope="module")
def two_plans(settings, built, tmp_path_factory):
    """`plankg serve` (two workers) on a state folder with two plans: Yuzhong and a sample district's."""
    from click.testing import CliRunner

    from plankg.cli import cli
    from plankg.server.config import ServerConfig
    from plankg.server.run import prepare
    from tests.conftest import REPO

    root = tmp_path_factory.mktemp("two-plans")
    build = root / "build"
    shutil.copytree(settings.build_dir, build)
    r = CliRunner().invoke(cli, ["--build-dir", str(build), "build", str(REPO / "tests/data/samples/brackets.txt"),
                                 "--district", "样例区", "--code", "500199", "--year", "2024",
                                 "--store", str(root / "store")], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    two = settings.with_overrides(build_dir_override=build, store_dir_override=root / "store")
    prepare(ServerConfig(settings=two), echo=lambda *_: None, validate=quick_validate)
    s = start_plankg(two, root / "store", root / "server.log", update_token=TOKEN, query_timeout=30)
    yield s
    s.stop()


def versions(url) -> dict[str, str]:
    q = PREFIX + "SELECT ?p ?n WHERE { ?p plan:currentVersion/plan:versionNumber ?n }"
    r = requests.get(url + "/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"},
                     timeout=30)
    assert r.status_code == 200, r.text
    return {b["p"]["value"]: b["n"]["value"] for b in r.json()["results"]["bindings"]}


def test_served_plan_cannot_be_told_is_400_listing_the_plans(two_plans):
    before = versions(two_plans.url)
    r = call(two_plans.url + "/update", BY_VARIABLES)
    assert r.status_code == 400 and "?plan=IRI" in r.text and PLAN_IRI in r.text and OTHER in r.text, r.text
    typo = PREFIX + 'INSERT DATA { <https://w3id.org/plankg/plan/500199/2042/task/1> rdfs:comment "x" }'
    r = call(two_plans.url + "/update", typo, direct=True)
    assert r.status_code == 400 and "about nothing in any plan" in r.text and "?plan=IRI" in r.text, r.text
    both = PREFIX + f'INSERT DATA {{ <{PLAN_IRI}/task/1> rdfs:seeAlso <{OTHER}/task/1> }}'
    r = call(two_plans.url + "/update", both)
    assert r.status_code == 400 and "IRIs of 2 plans" in r.text, r.text
    assert versions(two_plans.url) == before


def test_served_form_post_with_using_graph_uri_and_direct_post_with_plan(two_plans):
    """SPARQLWrapper sends the form POST (update=, using-graph-uri=); requests the direct POST with ?plan=."""
    from SPARQLWrapper import POST, SPARQLWrapper

    url = two_plans.url
    before = versions(url)
    w = SPARQLWrapper(url + "/sparql", updateEndpoint=url + "/update")
    w.setMethod(POST)
    w.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    w.setQuery(PREFIX + 'INSERT { ?t rdfs:comment "已核对"@zh } WHERE { ?t plan:number 3 }')
    w.addParameter("using-graph-uri", f"{OTHER}/graph")
    answer = json.loads(w.query().response.read())
    assert answer["plan"] == OTHER and answer["version"] == int(before[OTHER]) + 1
    r = call(url + "/update", BY_VARIABLES, params={"plan": OTHER, "message": "undo"}, direct=True)
    assert r.status_code == 200 and r.json()["plan"] == OTHER and r.json()["message"] == "undo", r.text
    after = versions(url)
    assert after[OTHER] == str(int(before[OTHER]) + 2) and after[PLAN_IRI] == before[PLAN_IRI]


@pytest.mark.parametrize("kind", ["malformed", "both datasets", "named graphs", "other graph", "by GET"])
def test_served_protocol_refusals(two_plans, kind):
    url, graph = two_plans.url + "/update", f"{PLAN_IRI}/graph"
    r = {
        "malformed": lambda: call(url, "INSERT DATA { <urn:a> <urn:b> ", direct=True),
        "both datasets": lambda: call(url, PREFIX + f"WITH <{graph}> DELETE {{ ?s rdfs:comment ?c }} WHERE "
                                      "{ ?s rdfs:comment ?c }", params={"using-graph-uri": graph}, direct=True),
        "named graphs": lambda: call(url, ADD, form={"using-named-graph-uri": graph}),
        "other graph": lambda: call(url, ADD, form={"using-graph-uri": f"{PLAN_IRI}/inferred"}),
        "by GET": lambda: requests.get(url, params={"update": ADD}, headers=auth(), timeout=30),
    }[kind]()
    words = {"malformed": "not valid SPARQL 1.1 Update", "both datasets": "does not allow both",
             "named graphs": "using-named-graph-uri", "other graph": "not a plan's graph", "by GET": "POST"}[kind]
    assert r.status_code == (405 if kind == "by GET" else 400) and words in r.text, r.text
    assert r.headers["Content-Type"].startswith("text/plain") and r.text.count("\n") == 1


def test_an_unusual_figure_needs_an_acknowledgement(app_for, state_copy):
    """Growth of 500% is refused until accept=RULE@FOCUS and reason= acknowledge it; the PROV record keeps both."""
    client = app_for(state_copy, update_token=TOKEN).test_client()  # the real rules, not quick_validate
    target = f"<{PLAN_IRI}/task/107/target/1>"
    # the figure, its number as written, its phrase and the task's text change together: a graph
    # whose figure is not its text's is a violation (plansh:TargetAsWritten), not an unusual figure
    q = "<http://qudt.org/schema/qudt/numericValue>"
    raise_it = PREFIX + (f"DELETE {{ {target} {q} ?v ; plan:numberAsWritten ?w ; plan:phrase ?p . ?task plan:text ?t }} "
                         f'INSERT {{ {target} {q} 500.0 ; plan:numberAsWritten "500" ; plan:phrase ?p2 . ?task plan:text ?t2 }} '
                         f"WHERE {{ {target} {q} ?v ; plan:numberAsWritten ?w ; plan:phrase ?p . ?task plan:target {target} ; "
                         'plan:text ?t . BIND (REPLACE(?p, ?w, "500") AS ?p2) BIND (REPLACE(?t, ?p, ?p2) AS ?t2) }')
    r = client.post("/update", data={"update": raise_it}, headers={**auth(), "Accept": "text/plain"})
    assert r.status_code == 422 and b"--accept GrowthRateUsual@task/107/target/1" in r.data, r.data
    r = client.post("/update", data={"update": raise_it, "accept": "GrowthRateUsual@task/107/target/1",
                                     "reason": "区委常委会确定的目标"}, headers=auth())
    assert r.status_code == 200, r.data
    history = (state_copy / "plans" / "500103-2023" / "history.ttl").read_text(encoding="utf-8")
    assert "plan:Acknowledgement" in history and "区委常委会确定的目标" in history
