"""/update keeps the plan's graph governed (P7): a triple about anything but the plan's own
resources, or with a term nobody declared, is refused with 422 naming it, also with ?plan=, and is
never stored (queries do not see it, the version does not change)."""
from __future__ import annotations

import pytest

import plankg.validate
from tests.conftest import PLAN_IRI

from .conftest import TOKEN, quick_validate

pytestmark = pytest.mark.server
JUNK = [
    ('INSERT DATA { <urn:x> <urn:p> "y" }', "urn:x"),
    ('INSERT DATA { <http://example.org/s> <http://example.org/p> <http://example.org/o> }', "example.org/s"),
    (f'INSERT DATA {{ <{PLAN_IRI}/task/2> <https://w3id.org/plankg/ontology#madeUp> "y" }}', "madeUp"),
]


@pytest.fixture
def client(app_for, state_copy, monkeypatch):
    monkeypatch.setattr(plankg.validate, "validate", quick_validate)
    return app_for(state_copy, update_token=TOKEN).test_client()


def _version(client):
    q = ("PREFIX plan: <https://w3id.org/plankg/ontology#> "
         f"SELECT ?n WHERE {{ <{PLAN_IRI}> plan:currentVersion/plan:versionNumber ?n }}")
    r = client.get("/sparql", query_string={"query": q}, headers={"Accept": "application/sparql-results+json"})
    return [b["n"]["value"] for b in r.get_json()["results"]["bindings"]]


@pytest.mark.parametrize("update,named", JUNK)
@pytest.mark.parametrize("with_plan", [False, True])
def test_junk_is_refused_with_422_naming_the_triple(client, update, named, with_plan):
    before = _version(client)
    r = client.post("/update", data={"update": update, **({"plan": PLAN_IRI} if with_plan else {})},
                    headers={"Authorization": f"Bearer {TOKEN}"})
    if not with_plan and "urn:x" in update or (not with_plan and "example.org" in update):
        # without ?plan= an update about no plan's IRIs cannot be placed: a 400 that says so
        assert r.status_code == 400, r.data
        return
    assert r.status_code == 422, r.data
    assert named in r.get_data(as_text=True) and "governed graph" in r.get_data(as_text=True)
    assert _version(client) == before
    ask = client.get("/sparql", query_string={"query": "ASK { ?s <urn:p> ?o }"},
                     headers={"Accept": "application/sparql-results+json"})
    assert ask.get_json()["boolean"] is False
