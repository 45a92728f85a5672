"""The external stores `plankg serve --store-url` is tested against, each started privately on free
loopback ports: `oxigraph serve --union-default-graph` (PyPI oxigraph) and Virtuoso Open Source
(Debian's virtuoso-opensource, see :mod:`tests.server.virtuoso`). The tests reach each store
directly too (``query``, ``update``), with their own client, to see what plankg put there."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import requests
from requests.auth import HTTPDigestAuth

from . import virtuoso
from .conftest import Server, free_port

ENGINES = ["oxigraph", "virtuoso"]
OXIGRAPH = Path(sys.executable).with_name("oxigraph")


class ExternalStore:
    query_timeout = 3  # PLANKG_QUERY_TIMEOUT for plankg in front of it

    def __init__(self, name: str, query_url: str, update_url: str, stop, user=None, password=None, process=None):
        self.name, self.query_url, self.update_url, self.stop = name, query_url, update_url, stop
        self.user, self.password, self.process = user, password, process

    def plankg_options(self) -> dict:
        """What `plankg serve` is given (as PLANKG_* variables) to use this store."""
        options = {"store_url": self.query_url, "store_update_url": self.update_url,
                   "query_timeout": self.query_timeout}
        if self.user:
            options.update(store_user=self.user, store_password=self.password)
        return options

    def query(self, sparql: str, accept="application/sparql-results+json") -> requests.Response:
        r = requests.post(self.query_url, data={"query": sparql}, headers={"Accept": accept}, timeout=60)
        r.raise_for_status()
        return r

    def count(self, pattern: str) -> int:
        body = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}").json()
        return int(body["results"]["bindings"][0]["n"]["value"])

    def update(self, sparql: str) -> None:
        auth = HTTPDigestAuth(self.user, self.password) if self.user else None
        r = requests.post(self.update_url, data=sparql.encode("utf-8"), auth=auth, timeout=60,
                          headers={"Content-Type": "application/sparql-update; charset=utf-8"})
        r.raise_for_status()


def start_store(name: str, root: Path) -> ExternalStore:
    root.mkdir(parents=True, exist_ok=True)
    if name == "oxigraph":
        if not OXIGRAPH.exists():  # a developer's machine may skip; CI (CI=true) must run it
            (pytest.fail if os.environ.get("CI") else pytest.skip)("the oxigraph server is not installed "
                                                                   "(pip install oxigraph)")
        port = free_port()
        server = Server([str(OXIGRAPH), "serve", "--location", str(root / "db"), "--bind", f"127.0.0.1:{port}",
                         "--union-default-graph", "--timeout-s", "30"], port, {}, "/", root / "oxigraph.log")
        return ExternalStore(name, server.url + "/query", server.url + "/update", server.stop, process=server)
    virtuoso.require()
    v = virtuoso.Virtuoso(root)
    store = ExternalStore(name, v.query_url, v.update_url, v.stop, virtuoso.USER, v.password, process=v)
    store.query_timeout = 10  # a canned question (30 ms) once took over 3 s on this busy 2-core machine
    return store
