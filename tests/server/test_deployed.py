"""The write path as deployed: `plankg serve` (gunicorn, two workers, query processes on) on a
fresh state folder, driven over HTTP the way the README tells a user to.

Round 1's updates passed in-process and hung the real server: the gunicorn master had opened
RocksDB while preparing the state folder, and its forked workers inherited a RocksDB whose
background threads did not exist (``plankg/server/run.py``, "the fork rule").
"""
from __future__ import annotations

import re
import shlex
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from bench.serving import plankg
from bench.writes import (Readers, accepted_update, current_version, fingerprint, marks, post_update,
                          rejected_update, select)
from tests.conftest import PLAN_IRI, REPO, SOURCE

from .conftest import TOKEN, start_plankg

pytestmark = [pytest.mark.server, pytest.mark.slow]
QUERY_TIMEOUT = 5  # seconds: the query limit of the servers started here


def readme_update_example() -> str:
    """The update the steward's tutorial shows (the README links to it), taken from its curl command."""
    text = (REPO / "docs" / "tutorials" / "steward.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(curl http://127\.0\.0\.1:5000/update .*?)\n```", text, re.S)
    assert block, "docs/tutorials/steward.md has no curl example for /update"
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


# -- every write path, each on a server of its own (version 1 of the session's prepared state) ----


@pytest.fixture
def served(state_copy, settings, tmp_path):
    """`plankg serve` on a private copy of the prepared state folder; the rules are the real ones."""
    s = start_plankg(settings, state_copy, tmp_path / "server.log", update_token=TOKEN, query_timeout=QUERY_TIMEOUT)
    s.store = state_copy
    yield s
    s.stop()


def test_a_rejected_update_is_422_and_changes_no_byte(served):
    """A rule violation: 422 with the report, and not one byte of the state folder changes.

    Every file is hashed: the version record (plans/*/v*.ttl, reports, history, IRI), HEAD, the
    snapshots and RocksDB's own folder (oxigraph/). A rejected update never opens the store, so
    RocksDB has nothing to write either, and queries read snapshots read-only. serve.lock, the
    writers' lock, is hashed too: it is always empty."""
    url = served.url
    assert current_version(url) == 1  # the server is serving (a snapshot is open) before the hashes
    before = fingerprint(served.store)
    r = post_update(url, rejected_update("must-not-appear"), TOKEN)
    assert r.status_code == 422, r.text
    assert "leadUnit" in r.text or "牵头单位" in r.text
    after = fingerprint(served.store)
    assert after == before
    assert "must-not-appear" not in marks(url) and current_version(url) == 1


def test_an_update_while_four_clients_query(served):
    """No query fails, and none waits longer than the query time limit plus the update's own work."""
    url = served.url
    with Readers(url, 4) as readers:
        time.sleep(1)
        start = time.monotonic()
        r = post_update(url, accepted_update("read-while-written"), TOKEN)
        took = time.monotonic() - start
        assert r.status_code == 200, r.text
        assert r.json()["version"] == 2
        time.sleep(1)
    assert not readers.errors, readers.errors[:5]
    assert len(readers.latencies) > 20
    assert readers.longest < QUERY_TIMEOUT + took, (readers.longest, took)
    assert max(readers.seen_versions) == 2  # they saw the new version without a restart
    assert "read-while-written" in marks(url)


def test_plankg_amend_from_the_command_line_while_the_server_runs(served, settings, tmp_path):
    """The steward's CLI writes the same state folder; the server's next query sees the version."""
    revised = tmp_path / "revised.txt"
    text = SOURCE.read_text(encoding="utf-8")
    assert "96.加快建设数字政府。" in text
    revised.write_text(text.replace("96.加快建设数字政府。", "96.加快建设数字政府(已修订)。", 1), encoding="utf-8")
    assert current_version(served.url) == 1
    done = plankg(settings, served.store, "amend", str(revised), "-m", "任务96修订", stdout=subprocess.PIPE,
                  stderr=subprocess.STDOUT, text=True)
    out, _ = done.communicate(timeout=180)
    assert done.returncode == 0, out
    assert "version 2" in out
    assert current_version(served.url) == 2
    rows = select(served.url, f"PREFIX plan: <https://w3id.org/plankg/ontology#> SELECT ?t WHERE {{ <{PLAN_IRI}/task/96> plan:text ?t }}")
    assert rows == [{"t": "加快建设数字政府(已修订)。提升“城市大脑”一网统管能力,提速构建整体智治格局。"}]


def test_two_stewards_update_at_once(served, settings):
    """Both accepted, one after the other (versions 2 and 3), both changes kept, history in order."""
    url = served.url
    barrier = threading.Barrier(2)
    answers = {}

    def steward(name, task):
        barrier.wait()
        answers[name] = post_update(url, accepted_update(f"by-{name}", task), TOKEN, message=f"from {name}")

    threads = [threading.Thread(target=steward, args=a) for a in (("wang", 35), ("li", 36))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert {n: r.status_code for n, r in answers.items()} == {"wang": 200, "li": 200}, {n: r.text for n, r in answers.items()}
    assert sorted(r.json()["version"] for r in answers.values()) == [2, 3]
    assert {"by-wang", "by-li"} <= marks(url)
    assert current_version(url) == 3
    first = min(answers, key=lambda n: answers[n].json()["version"])
    second = ({"wang", "li"} - {first}).pop()
    listing = plankg(settings, served.store, "history", stdout=subprocess.PIPE, text=True)
    out, _ = listing.communicate(timeout=60)
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["v1", "v2", "v3"], out
    assert lines[1].endswith(f"from {first}") and lines[2].endswith(f"from {second}"), out
