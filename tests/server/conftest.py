"""Server fixtures: a state folder prepared once, and real servers (``plankg serve``, ``oxigraph serve``)
started on free loopback ports and stopped at the end.

The rule checks here use a small shapes graph (one warning on task 35, a lead unit for every task),
so a test run does not wait for the full rules; ``tests/test_validate*`` cover those.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from bench.serving import Server, free_port, plankg_env, start_plankg  # noqa: F401 (for the tests)
from plankg.server.config import ServerConfig
from plankg.validate import validate
from tests import parallel
from tests.conftest import PLAN_IRI

TASK35 = f"{PLAN_IRI}/task/35"
TOKEN = "test-token-123"
SHAPES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix plan: <https://w3id.org/plankg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:test:Task35Comment> a sh:NodeShape ; sh:targetNode <{TASK35}> ;
    sh:property [ sh:path rdfs:comment ; sh:minCount 1 ; sh:severity sh:Warning ;
                  sh:message "测试：任务35没有备注"@zh, "test: task 35 has no comment"@en ] .
<urn:test:LeadUnit> a sh:NodeShape ; sh:targetClass plan:Task ;
    sh:property [ sh:path plan:leadUnit ; sh:minCount 1 ; sh:severity sh:Violation ;
                  sh:message "每项任务至少要有一个牵头单位"@zh, "Every task needs at least one lead unit"@en ] .
"""


def quick_validate(data: Graph, shapes=None, focus_nodes=None):
    return validate(data, shapes=Graph().parse(data=SHAPES, format="turtle"), focus_nodes=focus_nodes)


@pytest.fixture(scope="session")
def state(tmp_path_factory, settings, built) -> Path:
    """A state folder as the first `plankg serve` leaves it: version 1, its index, a snapshot, a report.

    Prepared once for the whole run (tests/parallel.py: one worker makes it, the others wait); tests
    only copy it (state_copy) or serve a copy (server)."""
    from plankg.server.run import prepare

    def make(root: Path) -> None:
        prepare(ServerConfig(settings=settings.with_overrides(store_dir_override=root)), echo=lambda *_: None,
                validate=quick_validate)

    return parallel.shared_folder(tmp_path_factory, "state-store", make)


@pytest.fixture
def state_copy(state, tmp_path) -> Path:
    """A private copy of the prepared state folder, for tests that change it."""
    dest = tmp_path / "store"
    shutil.copytree(state, dest, symlinks=True)
    return dest


@pytest.fixture(scope="session")
def server(state, settings, tmp_path_factory):
    """`plankg serve` on a copy of the prepared state, one for the whole run (read-only use: tests that
    write start their own); the first worker that asks starts it, the last one that used it stops it."""
    def start(root: Path):
        store = root / "store"
        shutil.copytree(state, store, symlinks=True)
        return start_plankg(settings, store, root / "server.log", update_token=TOKEN)

    with parallel.shared_server(tmp_path_factory, "served", start) as s:
        yield s


@pytest.fixture(scope="session")
def endpoint(server) -> str:
    return server.url + "/sparql"


@pytest.fixture
def app_for(settings):
    """A Flask app on a state folder, for in-process tests; its query processes are stopped afterwards."""
    from plankg.server.app import create_app

    apps = []

    def make(store: Path, **options):
        config = ServerConfig(settings=settings.with_overrides(store_dir_override=store), query_timeout=3,
                              query_processes=1, **options)
        app = create_app(config)
        app.extensions["plankg"].snapshots.validate = quick_validate
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["plankg"].close()
