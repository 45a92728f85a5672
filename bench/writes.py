"""The write workload of the deployed tests and the soak benchmark: updates over HTTP, readers that
query all the while, and a fingerprint of the state folder.

Each accepted update adds one ``rdfs:comment`` to a task, so every accepted version leaves a mark
the next query can look for; each rejected one also adds a mark, and removes task 21's lead
unit (a rule violation), so its mark must never be seen.
"""
from __future__ import annotations

import hashlib
import itertools
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

PLAN = "https://w3id.org/plankg/plan/500103/2023"
PREFIX = ("PREFIX plan: <https://w3id.org/plankg/ontology#>\n"
          "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
JSON = "application/sparql-results+json"


def accepted_update(mark: str, task: int = 35) -> str:
    return PREFIX + f'INSERT DATA {{ <{PLAN}/task/{task}> rdfs:comment "{mark}"@zh }}'


def rejected_update(mark: str) -> str:
    """Breaks a rule (task 21 loses its lead unit), so the whole update is refused, mark included."""
    return PREFIX + (f"DELETE {{ <{PLAN}/task/21> plan:leadUnit ?u }} INSERT {{ <{PLAN}/task/35> rdfs:comment "
                     f'"{mark}"@zh }} WHERE {{ <{PLAN}/task/21> plan:leadUnit ?u }}')


def post_update(url: str, text: str, token: str, message: str = "", timeout: float = 120) -> requests.Response:
    return requests.post(url + "/update", params={"message": message} if message else None,
                         data=text.encode("utf-8"), timeout=timeout,
                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/sparql-update"})


_distinct = itertools.count()


def select(url: str, query: str, timeout: float = 30, session=None) -> list[dict]:
    """Rows of a SELECT; a comment makes each text distinct, so no answer comes from the result cache."""
    r = (session or requests).get(url + "/sparql", params={"query": f"{query}\n# {next(_distinct)}"},
                                  headers={"Accept": JSON}, timeout=timeout)
    if r.status_code != 200:
        raise LookupError(f"{r.status_code}: {r.text.strip()[:200]}")
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def marks(url: str, session=None) -> set[str]:
    """Every comment on any task of the plan: the marks of the accepted updates."""
    rows = select(url, PREFIX + f"SELECT ?c WHERE {{ ?t plan:inPlan <{PLAN}> ; rdfs:comment ?c }}", session=session)
    return {r["c"] for r in rows}


def current_version(url: str, session=None) -> int:
    rows = select(url, PREFIX + f"SELECT ?n WHERE {{ <{PLAN}> plan:currentVersion/plan:versionNumber ?n }}",
                  session=session)
    return int(rows[0]["n"])


@dataclass
class Readers:
    """``count`` clients querying without pause (each its own keep-alive connection) until stopped;
    every answer's latency is kept, and every failure."""

    url: str
    count: int = 4
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seen_versions: list[int] = field(default_factory=list)

    def __post_init__(self):
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._read, daemon=True) for _ in range(self.count)]

    def _read(self) -> None:
        with requests.Session() as session:
            while not self._stop.is_set():
                start = time.monotonic()
                try:
                    version = current_version(self.url, session=session)
                except (requests.RequestException, LookupError, ValueError) as e:
                    self.errors.append(f"{type(e).__name__}: {e}")
                    continue
                self.latencies.append(time.monotonic() - start)
                self.seen_versions.append(version)

    def __enter__(self) -> Readers:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(60)

    @property
    def longest(self) -> float:
        return max(self.latencies, default=0.0)


def fingerprint(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` (relative path → digest)."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]
