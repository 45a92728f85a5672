"""Outcomes stored with `plankg outcomes` show in a running server's /sparql and pages, and after a restart."""
from __future__ import annotations

import subprocess

import pytest
import requests

from tests.conftest import PLAN_IRI, REPO
from bench.serving import plankg, start_plankg

pytestmark = [pytest.mark.server, pytest.mark.slow]
ASK = """PREFIX plan: <https://w3id.org/plankg/ontology#>
SELECT (COUNT(?o) AS ?n) WHERE { GRAPH <%s/outcomes/statistical-bulletin-2023> { ?o a plan:OutcomeObservation } }""" % PLAN_IRI


def count(url: str) -> int:
    r = requests.get(url + "/sparql", params={"query": ASK}, headers={"Accept": "application/sparql-results+json"},
                     timeout=30)
    r.raise_for_status()
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_outcomes_served_and_kept_across_restart(settings, state_copy, tmp_path):
    server = start_plankg(settings, state_copy, tmp_path / "server.log")
    try:
        assert count(server.url) == 0
        report = REPO / "tests" / "data" / "outcomes" / "statistical-bulletin-2023.txt"
        p = plankg(settings, state_copy, "outcomes", str(report), "--plan", PLAN_IRI, "--published", "2024-03-20",
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        out, _ = p.communicate(timeout=300)
        assert p.returncode == 0, out
        assert count(server.url) == 10  # the running server's next snapshot holds the report
        page = requests.get(server.url + "/outcomes/plan/500103/2023", timeout=30)
        assert page.status_code == 200 and "全年新增经营主体16235户" in page.text and "not-reported" in page.text
        task = requests.get(server.url + "/plan/500103/2023/task/62", headers={"Accept": "text/html"}, timeout=30)
        assert "目标完成情况" in task.text and "<strong>met</strong>" in task.text
    finally:
        server.stop()
    again = start_plankg(settings, state_copy, tmp_path / "server2.log")
    try:
        assert count(again.url) == 10
    finally:
        again.stop()
