"""A writer stopped between the steps of a commit, then the next start (`prepare`): the state folder
is whole again — history, version files, index and the served snapshot agree
(:func:`plankg.integrity.problems`), and nothing a killed writer left behind remains.

Before the fix a writer stopped after its commit but before HEAD moved left the next start
serving the old snapshot (named after the old HEAD) although history and index had the new
version; and a version file written but never committed stayed in the folder.
"""
from __future__ import annotations

import pytest

from bench.writes import accepted_update
from plankg import amend, integrity
from plankg.server.config import ServerConfig
from plankg.server.run import prepare
from plankg.versions import Repository, close, write_lock
from tests.conftest import PLAN_IRI

from .conftest import quick_validate

pytestmark = pytest.mark.slow


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even `finally` blocks that would tidy up."""


@pytest.mark.parametrize("step,expected", [("version-written", 1), ("history-written", 2), ("indexed", 2)])
def test_the_next_start_recovers_from_a_writer_killed_mid_commit(settings, state_copy, step, expected):
    settings = settings.with_overrides(store_dir_override=state_copy)
    repo = Repository.open(settings, state_copy, initialise=False)
    repo.store  # noqa: B018 - the index is open, as in a writer

    def kill(at):
        if at == step:
            raise Killed(at)

    with write_lock(state_copy), pytest.raises(Killed):
        amend.amend(repo, PLAN_IRI, amend.SparqlUpdate(accepted_update("mid-commit")), agent="t", message="m",
                    hooks=kill)
    close(repo)
    prepare(ServerConfig(settings=settings), echo=lambda *_: None, validate=quick_validate)
    assert integrity.problems(settings, state_copy) == []
    assert Repository.open(settings, state_copy, initialise=False).current(PLAN_IRI).number == expected
    folder = state_copy / "plans" / "500103-2023"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["IRI", "history.ttl", *[f"v{n}{s}" for n in range(1, expected + 1) for s in (".ttl", ".report.ttl")]])


def test_integrity_finds_an_index_that_lags(settings, state_copy):
    """The check itself can fail: a version committed while the index is not looked at is reported."""
    settings = settings.with_overrides(store_dir_override=state_copy)
    repo = Repository.open(settings, state_copy, initialise=False)
    with write_lock(state_copy):
        amend.amend(repo, PLAN_IRI, amend.SparqlUpdate(accepted_update("unindexed")), agent="t", message="m")
    close(repo)
    found = integrity.problems(settings, state_copy)
    assert any("index's graph is not the current version's" in p for p in found), found
    assert any("snapshot" in p for p in found), found
