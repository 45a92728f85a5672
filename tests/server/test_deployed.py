"""The write path as deployed: `plankg serve` (gunicorn, two workers, query processes on) on a
fresh state folder, driven over HTTP the way the README tells a user to.

Round 1's updates passed in-process and hung the real server: the gunicorn master had opened
RocksDB while preparing the state folder, and its forked workers inherited a RocksDB whose
background threads did not exist (``plankg/server/run.py``, "the fork rule").
"""
from __future__ import annotations

import re
import shlex
import time
from pathlib import Path

import pytest
import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from tests.conftest import PLAN_IRI, REPO

from .conftest import TOKEN, start_plankg

pytestmark = [pytest.mark.server, pytest.mark.slow]


def readme_update_example() -> str:
    """The update the README's "Updates" paragraph shows, taken from its curl command."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(curl http://127\.0\.0\.1:5000/update .*?)\n```", text, re.S)
    assert block, "the README has no curl example for /update"
    words = shlex.split(block.group(1).replace("\\\n", " "))
    return words[words.index("--data-binary") + 1]


def threads_of(pid: int) -> list[str]:
    names = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            names.append((task / "comm").read_text().strip())
        except OSError:
            pass
    return names


def comments(url: str) -> list[str]:
    sparql = SPARQLWrapper(url + "/sparql")
    sparql.setQuery(f"SELECT ?c WHERE {{ <{PLAN_IRI}/task/35> <http://www.w3.org/2000/01/rdf-schema#comment> ?c }}")
    sparql.setReturnFormat(JSON)
    sparql.setTimeout(10)
    return [b["c"]["value"] for b in sparql.query().convert()["results"]["bindings"]]


@pytest.fixture(scope="module")
def fresh_server(settings, built, tmp_path_factory):
    """`plankg serve` on an empty state folder: the first start imports and validates the plan itself."""
    root = tmp_path_factory.mktemp("deployed")
    s = start_plankg(settings, root / "store", root / "server.log", update_token=TOKEN, query_timeout=5)
    yield s
    s.stop()


def test_the_master_holds_no_store_when_it_forks(fresh_server):
    """The master prepared a fresh state folder, yet never opened RocksDB (whose threads are named rocksdb:*)."""
    master = fresh_server.proc.pid
    assert not [t for t in threads_of(master) if t.startswith("rocksdb")], threads_of(master)


def test_readme_update_example_answers_and_the_server_keeps_answering(fresh_server):
    url = fresh_server.url
    update = readme_update_example()
    start = time.monotonic()
    r = requests.post(url + "/update", data=update.encode("utf-8"), timeout=60,
                      headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    assert time.monotonic() - start < 30
    # the next query, whichever worker answers it, sees the new version; and the server keeps answering
    for _ in range(6):
        assert comments(url) == ["已核对"]
    ask = requests.get(url + "/sparql", params={"query": "ASK {}"}, timeout=10,
                       headers={"Accept": "application/sparql-results+json"})
    assert ask.status_code == 200 and ask.json()["boolean"] is True
