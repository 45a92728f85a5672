"""Updates at /update: only with the token, through the amendment path: a change that breaks the
rules is refused with 422 and the SHACL report, and nothing changes; an accepted one is a new
version that queries see at once and that survives a restart."""
from __future__ import annotations

import json
import urllib.parse

import pytest

import plankg.validate
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
    assert body["accepted"] and body["version"] == 2
    assert [b["c"]["value"] for b in rows(client, COMMENT)] == ["已核对"]
    versions = rows(client, PREFIX + f"SELECT ?n WHERE {{ <{PLAN_IRI}> plan:currentVersion/plan:versionNumber ?n }}")
    assert [b["n"]["value"] for b in versions] == ["2"]
    page = client.get("/plan/500103/2023/task/35").get_data(as_text=True)
    assert "测试：任务35没有备注" not in page  # the report of version 2 no longer warns


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
        assert status == 200 and json.loads(body)["results"]["bindings"][0]["c"]["value"] == "已核对"
    finally:
        server.stop()


def test_sparql_endpoint_refuses_updates_even_with_the_token(endpoint):
    status, _, body = http(endpoint, urllib.parse.urlencode({"update": ADD}).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded", **auth()})
    assert status == 400 and b"/update" in body


def test_an_unusual_figure_needs_an_acknowledgement(app_for, state_copy):
    """Growth of 500% is refused until accept=RULE@FOCUS and reason= acknowledge it; the PROV record keeps both."""
    client = app_for(state_copy, update_token=TOKEN).test_client()  # the real rules, not quick_validate
    target = f"<{PLAN_IRI}/task/107/target/1>"
    raise_it = PREFIX + (f"DELETE {{ {target} <http://qudt.org/schema/qudt/numericValue> ?v }} "
                         f"INSERT {{ {target} <http://qudt.org/schema/qudt/numericValue> 500.0 }} "
                         f"WHERE {{ {target} <http://qudt.org/schema/qudt/numericValue> ?v }}")
    r = client.post("/update", data={"update": raise_it}, headers={**auth(), "Accept": "text/plain"})
    assert r.status_code == 422 and b"--accept GrowthRateUsual@task/107/target/1" in r.data, r.data
    r = client.post("/update", data={"update": raise_it, "accept": "GrowthRateUsual@task/107/target/1",
                                     "reason": "区委常委会确定的目标"}, headers=auth())
    assert r.status_code == 200, r.data
    history = (state_copy / "plans" / "500103-2023" / "history.ttl").read_text(encoding="utf-8")
    assert "plan:Acknowledgement" in history and "区委常委会确定的目标" in history
