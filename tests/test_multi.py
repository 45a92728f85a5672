"""Several plans side by side: each in its own graphs, IRIs keyed by code and year, queries per plan."""
from __future__ import annotations

import json

from click.testing import CliRunner

from plankg.cli import cli

from .conftest import PLAN_IRI, REPO

SAMPLE = REPO / "tests" / "data" / "samples" / "brackets.txt"
OTHER = "https://w3id.org/plankg/plan/500199/2024"


def _run(*args, store=None):
    """The CLI on a state folder of the test's own (``store``)."""
    return CliRunner().invoke(cli, list(args), env={"PLANKG_STORE": str(store)} if store else None,
                              catch_exceptions=False)


def test_build_with_flags_and_query_each_plan(tmp_path):
    out, store = str(tmp_path), tmp_path / "state"
    r = _run("--build-dir", out, "build", str(SAMPLE), "--district", "样例区", "--code", "500199", "--year", "2024",
             store=store)
    assert r.exit_code == 0, r.output
    assert _run("--build-dir", out, "build", store=store).exit_code == 0
    assert sorted(p.name for p in tmp_path.glob("*.ttl")) == [
        "500103-2023.inferred.ttl", "500103-2023.ttl", "500199-2024.inferred.ttl", "500199-2024.ttl"]

    def rows(*args):
        r = _run("--build-dir", out, "query", *args, "--format", "json", store=store)
        assert r.exit_code == 0, r.output
        return json.loads(r.output)

    assert len(rows("tasks")) == 171 + 6
    assert len(rows("tasks", "--param", f"plan={OTHER}")) == 6
    assert len(rows("tasks", "--param", f"plan={PLAN_IRI}")) == 171
    other = {r["unit"]: r for r in rows("unit-workload", "--param", f"plan={OTHER}")}
    assert other["区发改局"]["lead_count"] == "2" and "区发改委" not in other


def test_build_flags_are_checked(tmp_path):
    r = _run("--build-dir", str(tmp_path), "build", str(SAMPLE), "--district", "样例区", "--code", "5001",
             store=tmp_path)
    assert r.exit_code == 2 and "go together" in r.output
    r = _run("--build-dir", str(tmp_path), "build", str(SAMPLE), "--district", "样例区", "--code", "50a1x9",
             "--year", "2024", store=tmp_path)
    assert r.exit_code == 2 and "six-digit" in r.output
    assert not list(tmp_path.iterdir())
