"""Server fixtures: a state folder prepared once, and real servers (``plankg serve``, ``oxigraph serve``)
started on free loopback ports and stopped at the end.

The rule checks here use a small shapes graph (one warning on task 35, a lead unit for every task),
so a test run does not wait for the full rules; ``tests/test_validate*`` cover those.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph

from plankg.server.config import ServerConfig
from plankg.validate import validate
from tests.conftest import DATA, PLAN_IRI

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def state(tmp_path_factory, settings, built) -> Path:
    """A state folder as the first `plankg serve` leaves it: version 1, its index, a snapshot, a report."""
    from plankg.server.run import prepare

    root = tmp_path_factory.mktemp("state") / "store"
    prepare(ServerConfig(settings=settings.with_overrides(store_dir_override=root)), echo=lambda *_: None,
            validate=quick_validate)
    return root


@pytest.fixture
def state_copy(state, tmp_path) -> Path:
    """A private copy of the prepared state folder, for tests that change it."""
    dest = tmp_path / "store"
    shutil.copytree(state, dest, symlinks=True)
    return dest


class Server:
    """A process serving HTTP on 127.0.0.1:port, stopped with SIGTERM (then SIGKILL)."""

    def __init__(self, args: list[str], port: int, env: dict, ready_path: str, log: Path):
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        self.log = log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{args[0]} exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + ready_path, timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{args} did not start: {log.read_text(errors='replace')[-2000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def plankg_env(settings, store: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANKG_")}
    env.update(PLANKG_DATA_DIR=str(DATA), PLANKG_BUILD_DIR=str(settings.build_dir), PLANKG_STORE=str(store),
               PLANKG_WORKERS="2", PLANKG_QUERY_PROCESSES="2", PLANKG_QUERY_TIMEOUT="3")
    env.update({f"PLANKG_{k.upper()}": str(v) for k, v in extra.items()})
    return env


def start_plankg(settings, store: Path, log: Path, **extra) -> Server:
    port = free_port()
    plankg = str(Path(sys.executable).with_name("plankg"))
    return Server([plankg, "serve", "--port", str(port)], port, plankg_env(settings, store, **extra),
                  "/sparql", log)


@pytest.fixture(scope="session")
def server(state, settings, tmp_path_factory):
    """`plankg serve` on the prepared state (read-only use: tests that write start their own)."""
    root = tmp_path_factory.mktemp("served")
    store = root / "store"
    shutil.copytree(state, store, symlinks=True)
    s = start_plankg(settings, store, root / "server.log", update_token=TOKEN)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def endpoint(server) -> str:
    return server.url + "/sparql"


@pytest.fixture
def app_for(settings):
    """A Flask app on a state folder, for in-process tests; its query processes are stopped afterwards."""
    from plankg.server import create_app

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
