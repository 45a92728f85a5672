"""The external store as a mirror, through `plankg serve --store-url` as deployed: an accepted /update
reaches the store; a restart pushes nothing the store already holds, and writes again what it lost
(or drops what the state folder no longer has). For each engine in ``stores.ENGINES``."""
from __future__ import annotations

import re
import shutil

import pytest
import requests

from tests.conftest import PLAN_IRI

from .conftest import TOKEN, start_plankg
from .stores import ENGINES, start_store

pytestmark = [pytest.mark.server, pytest.mark.slow]
COMMENT = f'<{PLAN_IRI}/task/35> <http://www.w3.org/2000/01/rdf-schema#comment> "已核对"@zh'
TASKS = "?t a <https://w3id.org/plankg/ontology#Task>"
STALE = "https://w3id.org/plankg/graph/units/999999"  # a registry the state folder does not have


@pytest.fixture(params=ENGINES)
def external_store(request, tmp_path):
    store = start_store(request.param, tmp_path / request.param)
    yield store
    store.stop()


def pushed(log) -> int:
    """N in the server log's "external store …: N graphs updated"."""
    return int(re.search(r"external store \S+: (\d+) graphs updated", log.read_text(errors="replace")).group(1))


def serve(settings, store, log, external_store, **extra):
    return start_plankg(settings, store, log, update_token=TOKEN, **(external_store.plankg_options() | extra))


def test_accepted_update_reaches_the_store(external_store, state, settings, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(state, store, symlinks=True)
    server = serve(settings, store, tmp_path / "server.log", external_store)
    try:
        assert external_store.count(COMMENT) == 0
        r = requests.post(server.url + "/update", data={"update": f"INSERT DATA {{ {COMMENT} }}"},
                          headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120)
        assert r.status_code == 200, r.text
        assert r.json()["version"] == 2 and r.json()["external_store"] == "updated: 3 graphs"
        assert external_store.count(COMMENT) == 1  # in the store itself, and through plankg
        r = requests.get(server.url + "/sparql", params={"query": f"ASK {{ {COMMENT} }}"},
                         headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert r.json()["boolean"] is True
        assert external_store.count(TASKS) == 171
        # a rejected update changes nothing there either
        r = requests.post(server.url + "/update", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120,
                          data={"update": f"DELETE WHERE {{ <{PLAN_IRI}/task/7> "
                                          "<https://w3id.org/plankg/ontology#leadUnit> ?u }"})
        assert r.status_code == 422
        assert external_store.count(f"<{PLAN_IRI}/task/7> <https://w3id.org/plankg/ontology#leadUnit> ?u") >= 1
    finally:
        server.stop()


def test_restart_pushes_nothing_and_repairs_what_the_store_lost(external_store, state, settings, tmp_path):
    store, logs = tmp_path / "store", [tmp_path / f"server{i}.log" for i in range(4)]
    shutil.copytree(state, store, symlinks=True)
    serve(settings, store, logs[0], external_store).stop()
    assert pushed(logs[0]) == 4  # the reference graph and the plan's graph, inferred graph and history
    serve(settings, store, logs[1], external_store).stop()
    assert pushed(logs[1]) == 0
    # the store loses the plan's history and graph, and gains a registry nobody has
    external_store.update(f"CLEAR GRAPH <{PLAN_IRI}/history> ; CLEAR GRAPH <{PLAN_IRI}/graph> ; "
                          f"INSERT DATA {{ GRAPH <{STALE}> {{ <{STALE}> "
                          '<https://w3id.org/plankg/ontology#contentDigest> "old" } }')
    assert external_store.count(TASKS) == 0
    serve(settings, store, logs[2], external_store, store_mirror="0").stop()  # a read-only front end writes nothing
    assert pushed(logs[2]) == 0 and external_store.count(TASKS) == 0
    server = serve(settings, store, logs[3], external_store)
    try:
        assert pushed(logs[3]) == 4  # the plan's three graphs again, the stray registry dropped
        assert external_store.count(TASKS) == 171
        assert external_store.count(f"GRAPH <{STALE}> {{ ?s ?p ?o }}") == 0
        assert external_store.count(f"GRAPH <{PLAN_IRI}/inferred> {{ ?s ?p ?o }}") > 0
    finally:
        server.stop()


def test_wrong_store_password_is_one_line_without_the_password(state, settings, tmp_path):
    virtuoso = start_store("virtuoso", tmp_path / "virtuoso")
    store, log = tmp_path / "store", tmp_path / "server.log"
    shutil.copytree(state, store, symlinks=True)
    try:
        with pytest.raises(RuntimeError):
            serve(settings, store, log, virtuoso, store_password="wrong-password-123")
    finally:
        virtuoso.stop()
    text = log.read_text(errors="replace")
    assert "refused the update (401" in text and "PLANKG_STORE_PASSWORD" in text
    assert "wrong-password-123" not in text and "Traceback" not in text
