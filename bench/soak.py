"""Soak and faults of the write path as deployed: python -m bench soak [--accepted N --rejected N --kills N]

Three parts, each bounded in count and in time, each on its own state folder made by a first
`plankg serve` (the bundled plan, the real rules):

- **soak**: accepted and rejected updates over HTTP, one steward after the other, while readers
  query without pause. After each update the steward's next query must see an accepted version
  (its mark, its number) and must not see a rejected one; at the end the history must list every
  accepted version in order, and history, files, index and snapshot must agree.
- **kill -9 of the server**: an update is sent, and at a random moment of it the whole server
  (master, workers, query processes) is killed with SIGKILL; the server is started again on the
  same folder, must answer, and the folder must be consistent with every update that was
  answered 200 still there.
- **kill -9 of plankg amend**: the same with the command-line writer, killed at a random moment
  of its run; the next start (``prepare``, what `plankg serve` does first) must find the folder
  consistent, with every amendment that exited 0 still there.

The tests in ``tests/server/test_soak.py`` run the same functions and assert on what they return.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from rdflib import RDFS

from plankg import integrity
from plankg.server.config import ServerConfig
from plankg.server.run import prepare
from plankg.versions import Repository

from .serving import plankg, start_plankg
from .writes import (PLAN, Readers, accepted_update, current_version, marks, percentile, post_update,
                     rejected_update)

TOKEN = "soak-token"
QUERY_TIMEOUT = 5.0  # the servers' query limit, seconds
TIME_LIMIT = 1800.0  # no part runs longer than this, whatever the counts


@dataclass
class Soak:
    accepted: list[float] = field(default_factory=list)   # seconds per accepted update
    rejected: list[float] = field(default_factory=list)
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)     # anything that should not have happened
    reads: list[float] = field(default_factory=list)      # the readers' query latencies
    read_errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return (len(self.accepted) + len(self.rejected)) / self.seconds if self.seconds else 0.0


@dataclass
class Kills:
    target: str
    rounds: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)  # how each round ended → count
    accepted: int = 0                                       # writes answered 200 / exit 0, all kept
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def soak(settings, store: Path, log: Path, accepted: int, rejected: int, readers: int = 4,
         seed: int = 13, limit: float = TIME_LIMIT) -> Soak:
    """``accepted`` + ``rejected`` updates in a random order, each checked by the next query."""
    out = Soak()
    order = ["ok"] * accepted + ["bad"] * rejected
    random.Random(seed).shuffle(order)
    server = start_plankg(settings, store, log, update_token=TOKEN, query_timeout=QUERY_TIMEOUT)
    expected, seen_marks = current_version(server.url), []
    start = time.monotonic()
    try:
        with Readers(server.url, readers) as reading:
            for i, kind in enumerate(order):
                if time.monotonic() - start > limit:
                    out.failures.append(f"stopped after {i} updates: the time limit of {limit:.0f} s")
                    break
                mark = f"soak-{i}-{kind}"
                text = accepted_update(mark, 35 + i % 50) if kind == "ok" else rejected_update(mark)
                t0 = time.monotonic()
                r = post_update(server.url, text, TOKEN, message=mark)
                took = time.monotonic() - t0
                if kind == "ok":
                    expected += 1
                    out.accepted.append(took)
                    if r.status_code != 200 or r.json().get("version") != expected:
                        out.failures.append(f"{mark}: {r.status_code} {r.text[:200]} (expected version {expected})")
                    seen_marks.append(mark)
                else:
                    out.rejected.append(took)
                    if r.status_code != 422:
                        out.failures.append(f"{mark}: {r.status_code}, expected 422")
                now, version = marks(server.url), current_version(server.url)
                if (mark in now) != (kind == "ok") or version != expected:
                    out.failures.append(f"{mark}: the next query saw version {version} (expected {expected}), "
                                        f"mark {'present' if mark in now else 'absent'}")
        out.seconds = time.monotonic() - start
        out.reads, out.read_errors = reading.latencies, reading.errors
        longest = max(out.accepted + out.rejected, default=0.0)
        if reading.longest > QUERY_TIMEOUT + longest:
            out.failures.append(f"a query waited {reading.longest:.1f} s, more than the limit {QUERY_TIMEOUT:g} s "
                                f"plus the longest update {longest:.1f} s")
    finally:
        server.stop()
    repo = Repository.open(settings, store, initialise=False)
    messages = [v.message for v in repo.history(PLAN)]
    if messages[1:] != seen_marks:
        out.failures.append(f"the history lists {len(messages) - 1} amendments, not the {len(seen_marks)} "
                            "accepted, in their order")
    out.failures += integrity.problems(settings, store)
    return out


def _check(settings, store: Path, kept: list[str], kills: Kills, label: str, url: str | None = None) -> None:
    """After a restart: the folder is consistent and every accepted write is in the current version."""
    found = integrity.problems(settings, store)
    kills.failures += [f"{label}: {p}" for p in found]
    repo = Repository.open(settings, store, initialise=False)
    have = marks(url) if url else {str(o) for o in repo.version_graph(PLAN).objects(None, RDFS.comment)}
    lost = [m for m in kept if m not in have]
    if lost:
        kills.failures.append(f"{label}: accepted writes lost: {lost}")


def kill_server(settings, store: Path, logs: Path, rounds: int, seed: int = 13, limit: float = TIME_LIMIT) -> Kills:
    """Rounds of: start the server, send an update, SIGKILL the whole server at a random moment.

    Round 0 only measures how long an update takes (the kills then fall anywhere in one), and the
    last start only checks: ``rounds`` kills during updates in all."""
    out, rng, kept = Kills("plankg serve"), random.Random(seed), []
    start = time.monotonic()
    span = None
    for n in range(rounds + 2):
        if time.monotonic() - start > limit:
            out.failures.append(f"stopped after {n} rounds: the time limit of {limit:.0f} s")
            break
        try:
            server = start_plankg(settings, store, logs / f"server-{n}.log", update_token=TOKEN,
                                  query_timeout=QUERY_TIMEOUT)
        except RuntimeError as e:
            out.failures.append(f"round {n}: the server did not start again: {str(e)[-300:]}")
            break
        try:
            _check(settings, store, kept, out, f"after kill {n}" if n else "at start", server.url)
            if n == rounds + 1:
                break
            before = current_version(server.url)
            mark, answer = f"kill-{n}", {}
            t0 = time.monotonic()

            def send():
                try:
                    answer["r"] = post_update(server.url, accepted_update(mark, 35 + n % 50), TOKEN, message=mark)
                except requests.RequestException as e:
                    answer["e"] = e
            sender = threading.Thread(target=send)
            sender.start()
            if span is None:  # the first round measures an update, then kills the idle server
                sender.join(120)
                span = time.monotonic() - t0
            else:
                time.sleep(rng.uniform(0, span * 1.2))
        finally:
            server.kill()
        sender.join(120)
        r = answer.get("r")
        if r is not None and r.status_code == 200:
            kept.append(mark)
            out.accepted += 1
        committed = Repository.open(settings, store, initialise=False).current(PLAN).number > before
        if n:
            out.count("answered 200 before the kill" if r is not None and r.status_code == 200 else
                      "killed after its commit: recovered as the new version" if committed else
                      "killed before its commit: old version kept, nothing left behind")
    out.rounds = sum(out.outcomes.values())
    out.seconds = time.monotonic() - start
    return out


def kill_amend(settings, store: Path, work: Path, rounds: int, seed: int = 13, limit: float = TIME_LIMIT) -> Kills:
    """Rounds of: `plankg amend` on the folder, SIGKILLed at a random moment of its run, then the next
    start's ``prepare`` (it opens the store, syncs the index, removes leftovers, publishes).
    Round 0 only measures how long a whole `plankg amend` takes; ``rounds`` kills follow."""
    out, rng, kept = Kills("plankg amend"), random.Random(seed + 1), []
    config = ServerConfig(settings=settings.with_overrides(store_dir_override=store))
    start, span = time.monotonic(), None
    for n in range(rounds + 1):
        if time.monotonic() - start > limit:
            out.failures.append(f"stopped after {n} rounds: the time limit of {limit:.0f} s")
            break
        mark = f"amend-{n}"
        change = work / f"{mark}.ru"
        change.write_text(accepted_update(mark, 35 + n % 50), encoding="utf-8")
        before = Repository.open(settings, store, initialise=False).current(PLAN).number
        t0 = time.monotonic()
        proc = plankg(settings, store, "amend", str(change), "-m", mark, stdout=subprocess.DEVNULL,
                      stderr=subprocess.PIPE)
        if span is None:  # the first run measures a whole `plankg amend`
            proc.wait(300)
            span = time.monotonic() - t0
        else:
            try:
                proc.wait(rng.uniform(0, span * 1.1))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        proc.stderr.close()
        if proc.returncode == 0:
            kept.append(mark)
            out.accepted += 1
        prepare(config, echo=lambda *_: None)  # the restart
        _check(settings, store, kept, out, f"after round {n}")
        committed = Repository.open(settings, store, initialise=False).current(PLAN).number > before
        if n:
            out.count("exited 0 before the kill" if proc.returncode == 0 else
                      "killed after its commit: recovered as the new version" if committed else
                      "killed before its commit: old version kept, nothing left behind")
    out.rounds = sum(out.outcomes.values())
    out.seconds = time.monotonic() - start
    return out


def fresh_state(settings, root: Path, log: Path) -> Path:
    """A state folder as the first `plankg serve` leaves it (the plan imported with the real rules)."""
    store = root / "store"
    shutil.rmtree(store, ignore_errors=True)
    start_plankg(settings, store, log).stop()
    return store


def report(s: Soak, kills: list[Kills], command: str, machine: str) -> str:
    ms = lambda xs, q: f"{percentile(xs, q) * 1000:,.0f}"  # noqa: E731
    lines = [
        "# Soak and kill -9 of the write path", "",
        f"{machine}. Command: `{command}`. The real rules; 2 gunicorn workers with 2 query processes each, "
        f"query limit {QUERY_TIMEOUT:g} s.", "",
        "## Soak", "",
        f"{len(s.accepted)} accepted and {len(s.rejected)} rejected updates over HTTP, one after the other, "
        f"each followed by a check query, with 4 readers querying all the while: {s.seconds:.0f} s.", "",
        "| figure | value |", "|---|---:|",
        f"| updates/s (accepted and rejected, with the check queries) | {s.rate:.2f} |",
        f"| accepted update, p50 / p95 / max ms | {ms(s.accepted, 50)} / {ms(s.accepted, 95)} / {ms(s.accepted, 100)} |",
        f"| rejected update, p50 / p95 ms | {ms(s.rejected, 50)} / {ms(s.rejected, 95)} |",
        f"| readers' queries: count, p50 / p95 / max ms | {len(s.reads):,}, {ms(s.reads, 50)} / {ms(s.reads, 95)} / {ms(s.reads, 100)} |",
        f"| reader errors | {len(s.read_errors)} |",
        f"| failures (version not seen, rejected seen, history, consistency) | {len(s.failures)} |", ""]
    for k in kills:
        lines += [f"## kill -9 of {k.target}", "",
                  f"{k.rounds} kills at random moments of a write, {k.seconds:.0f} s in all (with one first write "
                  f"that measures how long a write takes); {k.accepted} write(s) answered 200 / exited 0, "
                  f"every one kept; problems found after a restart: {len(k.failures)}.", "",
                  "| how the round ended | rounds |", "|---|---:|"]
        lines += [f"| {name} | {count} |" for name, count in sorted(k.outcomes.items())] + [""]
    failures = s.failures + [f for k in kills for f in k.failures]
    lines += ["## Failures", ""] + ([f"- {f}" for f in failures[:50]] or ["none"]) + [""]
    return "\n".join(lines)


def run(accepted: int, rejected: int, kills: int, command: str) -> str:
    """All three parts on fresh state folders under a temporary folder; the report as Markdown."""
    import tempfile

    from plankg.config import from_env

    work = Path(tempfile.mkdtemp(prefix="plankg-soak-"))
    try:
        settings = from_env()
        first = fresh_state(settings, work, work / "first.log")
        parts = []
        for name in ("soak", "serve", "amend"):  # three copies of one first start
            shutil.copytree(first, work / name / "store", symlinks=True)
            parts.append((name, work / name / "store"))
        s = soak(settings, parts[0][1], work / "soak" / "server.log", accepted, rejected)
        k1 = kill_server(settings, parts[1][1], work / "serve", kills)
        k2 = kill_amend(settings, parts[2][1], work / "amend", kills)
        return report(s, [k1, k2], command, machine())
    finally:
        shutil.rmtree(work, ignore_errors=True)


def machine() -> str:
    import platform

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    load = os.getloadavg()[0]
    return (f"{cpu}, {os.cpu_count()} cores (load average {load:.1f} at the end, the machine is shared), "
            f"Python {platform.python_version()}")
