"""Soak and faults of the write path as deployed (``bench/soak.py`` does the work; the benchmark
``python -m bench soak`` runs the same functions and reports the figures).

Counts. The issue asks for 200 accepted and 50 rejected updates under 4 readers, and at least
20 kill -9 rounds of each writer. With the real rules and 4 readers querying without pause, an
accepted update took 10 s (median) on the shared 2-core machine this was written on, and 250
updates did not fit in 30 minutes (``bench/results/soak.md``); an idle machine does one in about
2 s. CI's default is therefore 9 accepted and 3 rejected under 3 readers, and 8 kill rounds of
each writer: every path of a round (an accepted version seen by every reader, a rejected one by
none, a kill at a random moment of a write and the restart after it) is taken several times, in minutes
with the rest of the suite beside it. PLANKG_SOAK_ACCEPTED, PLANKG_SOAK_REJECTED, PLANKG_SOAK_READERS
and PLANKG_SOAK_KILLS set them; ``python -m bench soak`` runs the issue's 200/50 and 20 kills.
Every loop is bounded in count and in time.
"""
from __future__ import annotations

import os

import pytest

from bench import soak

pytestmark = [pytest.mark.server, pytest.mark.slow]

ACCEPTED = int(os.environ.get("PLANKG_SOAK_ACCEPTED", "9"))
REJECTED = int(os.environ.get("PLANKG_SOAK_REJECTED", "3"))
READERS = int(os.environ.get("PLANKG_SOAK_READERS", "3"))
KILLS = int(os.environ.get("PLANKG_SOAK_KILLS", "8"))


def test_soak_every_accepted_version_is_seen_and_no_rejected_one(settings, state_copy, tmp_path):
    result = soak.soak(settings, state_copy, tmp_path / "server.log", ACCEPTED, REJECTED, readers=READERS,
                       limit=max(600, 20 * (ACCEPTED + REJECTED)))
    assert result.failures == []
    assert result.read_errors == []
    assert len(result.accepted) == ACCEPTED and len(result.rejected) == REJECTED
    assert len(result.reads) > ACCEPTED  # the readers really read all the while


def test_kill_9_of_the_server_during_updates(settings, state_copy, tmp_path):
    result = soak.kill_server(settings, state_copy, tmp_path, KILLS, limit=max(600, 40 * KILLS))
    assert result.failures == []
    assert result.rounds == KILLS, result.outcomes


def test_kill_9_of_plankg_amend(settings, state_copy, tmp_path):
    result = soak.kill_amend(settings, state_copy, tmp_path, KILLS, limit=max(600, 30 * KILLS))
    assert result.failures == []
    assert result.rounds == KILLS, result.outcomes
