"""Requests per second of /sparql against `oxigraph serve` on the same data: python -m bench.server

Both servers get the bundled plan; wrk (Debian's package) sends one simple SELECT with 1 and 4
connections, alternating between servers, several rounds; the table gives medians. Because the
machines here are shared and noisy, it also gives the CPU time each server spends per request
(all its processes, from /proc), which does not depend on what else the machine is doing.

    python -m bench.server [--rounds 3] [--seconds 5]
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import tempfile
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox

from plankg.config import from_env
from plankg.server.config import ServerConfig
from plankg.server.run import prepare
from .prereq import require, tool
from .serving import BIN, Server, free_port, plankg_env

from .timing import RESULTS

QUERY = ("PREFIX plan: <https://w3id.org/plankg/ontology#> "
         "SELECT ?task ?number WHERE { ?task plan:number ?number } ORDER BY ?number LIMIT 10")



def tree(pid: int) -> list[int]:
    """A process and all its living descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and all its descendants, living ones only."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0.0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / ticks
        except OSError:
            pass
    return total


def tree_memory(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MiB summed over a process tree; PSS counts a page shared by k processes as 1/k."""
    rss = pss = 0
    for p in tree(pid):
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
        except OSError:
            continue
        rss += int(re.search(r"^Rss:\s+(\d+)", rollup, re.MULTILINE).group(1))
        pss += int(re.search(r"^Pss:\s+(\d+)", rollup, re.MULTILINE).group(1))
    return rss / 1024, pss / 1024


@dataclass(frozen=True)
class Load:
    rate: float  # requests per second
    p50: float   # latency percentiles, ms
    p99: float


# wrk sends each request with a different comment at the end of the query text, so no two
# requests are the same and no answer can come from a result cache.
DISTINCT = """
local n, ids = 0, 0
function setup(thread) ids = ids + 1; thread:set("id", ids) end
function request() n = n + 1; return wrk.format(nil, wrk.path .. "%0A%23" .. id .. "-" .. n) end
"""


def wrk(url: str, connections: int, seconds: int, distinct: bool = False) -> Load:
    """Requests/s and p50/p99 latency of ``connections`` clients sending GET ``url`` for ``seconds``."""
    args = ["wrk", f"-t{connections}", f"-c{connections}", f"-d{seconds}s", "--latency",
            "-H", "Accept: application/sparql-results+json"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(DISTINCT)
        script.flush()
        out = subprocess.run(args + (["-s", script.name] if distinct else []) + [url],
                             check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"errors from {url}:\n{out}")
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {p: float(v) * unit[u] for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)}
    return Load(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), latency["50"], latency["99"])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.server", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args(argv)
    require("server", "python -m bench.server")
    tmp = Path(tempfile.mkdtemp(prefix="plankg-bench-"))
    settings = from_env().with_overrides(store_dir_override=tmp / "store")
    # the benchmark measures serving, not the rules: skip them on import
    skip_checks = lambda data: SimpleNamespace(conforms=True, to_turtle=lambda: "")
    snapshot = prepare(ServerConfig(settings=settings), echo=lambda *_: None, validate=skip_checks)
    ox.Store.read_only(str(snapshot)).dump(str(tmp / "all.nq"), format=ox.RdfFormat.N_QUADS)
    subprocess.run([tool("oxigraph"), "load", "--location", str(tmp / "ox"), "--file", str(tmp / "all.nq")],
                   check=True, capture_output=True)
    servers, q = {}, urllib.parse.quote(QUERY)
    try:
        port = free_port()
        servers["oxigraph serve"] = (Server([tool("oxigraph"), "serve", "--location", str(tmp / "ox"),
                                             "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                                            port, dict(os.environ), "/", tmp / "ox.log"), f"/query?query={q}")
        for name, cache in [("plankg serve", "64"), ("plankg serve, no cache", "0")]:
            port = free_port()
            env = plankg_env(settings, tmp / "store", result_cache_mb=cache, query_timeout=10)
            env.pop("PLANKG_WORKERS")  # the default: one per core
            servers[name] = (Server([str(BIN / "plankg"), "serve", "--port", str(port)], port, env, "/sparql",
                                    tmp / f"{name}.log"), f"/sparql?query={q}")
        rates = {(n, c): [] for n in servers for c in (1, 4)}
        cpu = {n: [] for n in servers}
        for _ in range(args.rounds):
            for name, (server, path) in servers.items():
                for c in (1, 4):
                    before = tree_cpu(server.proc.pid)
                    rate = wrk(server.url + path, c, args.seconds).rate
                    rates[name, c].append(rate)
                    cpu[name].append((tree_cpu(server.proc.pid) - before) / (rate * args.seconds) * 1000)
    finally:
        for server, _ in servers.values():
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    ox1, ox4 = (statistics.median(rates["oxigraph serve", c]) for c in (1, 4))
    lines = [f"# /sparql against oxigraph serve ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)", "",
             (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"pyoxigraph {ox.__version__}; wrk, {args.seconds} s per run, {args.rounds} rounds, medians."),
             f"Query: `{QUERY}`", "",
             "| server | 1 client req/s | 4 clients req/s | vs oxigraph (4) | CPU ms per request |",
             "|---|---:|---:|---:|---:|"]
    for name in servers:
        r1, r4 = statistics.median(rates[name, 1]), statistics.median(rates[name, 4])
        lines.append(f"| {name} | {r1:,.0f} | {r4:,.0f} | {r4 / ox4:.0%} | {statistics.median(cpu[name]):.3f} |")
    lines += ["", f"oxigraph serve, 1 client: {ox1:,.0f} req/s."]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "server.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
