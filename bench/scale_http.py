"""The scale benchmark's server tables: `/sparql` against oxigraph serve, memory, `/update` accepted and rejected."""
from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from .prereq import tool
from .scale_base import HTTP_QUERY, REJECTED, TOKEN, UPDATE, Bench, cell, median, ratio
from .server import tree_cpu, tree_memory, wrk
from .serving import BIN, Server, free_port, plankg_env

# -- /sparql -----------------------------------------------------------------------------------

def start_servers(b: Bench, ds, oxigraph: bool) -> dict:
    """plankg serve (and oxigraph serve) on copies of the same store: name → (Server, query path, start s)."""
    state, ox_dir = b.tmp("serve-state"), b.tmp("serve-ox")
    ds.state_copy(state)
    path = "/sparql?query=" + urllib.parse.quote(HTTP_QUERY.format(plan=ds.plan(1)))
    env = plankg_env(ds.settings(), state, data_dir=ds.data, build_dir=ds.root / "build1", update_token=TOKEN,
                     query_timeout=600)  # gunicorn's watchdog is 3× that: an amendment at 1000 plans is slow
    env.pop("PLANKG_WORKERS")  # the default: one per core
    commands = {"plankg serve": (lambda port: [str(BIN / "plankg"), "serve", "--port", str(port)], env, "/sparql", path)}
    if oxigraph:
        ox.Store.read_only(str(ds.store)).backup(str(ox_dir))
        commands["oxigraph serve"] = (lambda port: [tool("oxigraph"), "serve", "--location", str(ox_dir), "--bind",
                                                    f"127.0.0.1:{port}", "--union-default-graph"],
                                      dict(os.environ), "/", path.replace("/sparql", "/query"))
    servers = {}
    try:
        for name, (command, environ, ready, query) in commands.items():
            port, start = free_port(), time.perf_counter()
            server = Server(command(port), port, environ, ready, b.work / f"{name}.log")
            servers[name] = (server, query, time.perf_counter() - start)
    except BaseException:
        for server, _, _ in servers.values():
            server.stop()
        raise
    return servers


def _post(server: Server, text: str, plan: str, message: str) -> tuple[float, int, bytes]:
    """POST /update of ``text`` to ``plan``: (seconds until the whole answer is read, status, body)."""
    body = urllib.parse.urlencode({"update": text, "plan": plan, "message": message}).encode()
    request = urllib.request.Request(server.url + "/update", data=body, headers={"Authorization": f"Bearer {TOKEN}"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=3600) as response:
            status, answer = response.status, response.read()
    except urllib.error.HTTPError as e:
        status, answer = e.code, e.read()
    return time.perf_counter() - start, status, answer


def _amend(server: Server, ds, k: int) -> float:
    """Seconds for POST /update of one small change, until the answer says it was accepted."""
    seconds, status, answer = _post(server, UPDATE.format(task=f"{ds.plan(1)}/task/21", k=k), ds.plan(1), f"bench {k}")
    if status != 200 or not json.loads(answer).get("accepted"):
        raise RuntimeError(f"/update did not accept the benchmark's change ({status}): {answer.decode()[:2000]}")
    return seconds


def _reject(server: Server, ds, k: int) -> float:
    """Seconds for POST /update of a change that breaks a rule, until the 422 with its report is read."""
    seconds, status, answer = _post(server, REJECTED.format(task=f"{ds.plan(1)}/task/7"), ds.plan(1), f"bench rejected {k}")
    if status != 422:
        raise RuntimeError(f"/update did not reject the benchmark's rule-breaking change ({status}): "
                           f"{answer.decode()[:2000]}")
    return seconds


def updates(b: Bench, ds, plankg: Server) -> tuple[int, list[float], list[float]]:
    """/update accepted and rejected on a running plankg serve: (warm-up updates, accepted s, rejected s)."""
    b.log(f"{ds.n} plans: amendments")
    warm, count = (2 if ds.n <= 100 else 1), max(3, b.runs(ds.n)) if ds.n == 1 or not b.quick else b.runs(ds.n)
    times = [_amend(plankg, ds, k) for k in range(warm + count)][warm:]
    refused = [_reject(plankg, ds, k) for k in range(1 + count)][1:]
    return warm, times, refused


def _wrk_rows(ds, results: dict, cpu: dict, b: Bench) -> list[str]:
    lines = []
    for (name, kind, c), runs in results.items():
        rate, p50 = [x.rate for x in runs], [x.p50 for x in runs]
        ref = results["oxigraph serve", kind, c]
        ref_rate, ref_p50 = median([x.rate for x in ref]), median([x.p50 for x in ref])
        vs_rate, vs_p50 = median(rate) / ref_rate, median(p50) / ref_p50
        lines.append(f"| {ds.n} | {name} | {kind} | {c} | {cell(rate, digits=0)} | {cell(p50)} "
                     f"| {cell([x.p99 for x in runs])} | {vs_rate:.0%} | {vs_p50:.2f}× | {median(cpu[name, kind, c]):.3f} |")
        if name == "plankg serve" and c == 4:
            b.goals.setdefault("http", {})[ds.n, kind] = (vs_rate, vs_p50, median(rate), ref_rate, median(p50), ref_p50)
    return lines


def serving(b: Bench, datasets, seconds: int, rounds: int) -> list[str]:
    """/sparql against oxigraph serve (at 1, 10 and the largest N), memory, and amendments through /update."""
    http = ["## `/sparql`: plankg serve vs oxigraph serve on the same store", "",
            (f"wrk, {seconds} s per run, {rounds} rounds alternating between servers; one query, "
             f"`{HTTP_QUERY.format(plan='…/plan/990001/2023')}` (a lookup whose cost does not grow with N, so "
             "the figures are the servers' own; JSON results), sent either as the same text every time (plankg "
             "answers repeats from its result cache) or with a different comment at the end of each request "
             "(no cache hit possible). plankg serve with its defaults (one worker per core)."), "",
            ("CPU ms/req is the CPU time of the server's whole process tree per answered request (from /proc): "
             "unlike req/s and latency it hardly depends on what else the machine is doing."), "",
            "| N | server | requests | clients | req/s | p50 ms | p99 ms | req/s vs oxigraph | p50 vs oxigraph | CPU ms/req |",
            "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    memory = ["## Server memory (whole process tree: RSS, and PSS, which splits shared pages)", "",
              "| N | server | start s | after | RSS MiB | PSS MiB |", "|---:|---|---:|---|---:|---:|"]
    amend = [("## One amendment: POST /update of a SPARQL Update, accepted (task 21's label) or rejected "
              "(task 7 loses its lead unit), until the answer is read"), "",
             ("plankg serve validates the change, stores the new version, indexes it with its inferred "
              "graph and publishes a new snapshot; the first updates warm the workers up (not timed)."), "",
             "| N | outcome | median s (min–max) | runs | vs 1 plan |", "|---:|---|---:|---:|---:|"]
    one = None
    for ds in datasets:
        b.log(f"{ds.n} plans: plankg serve")
        wanted = ds.n <= 10 or ds.n == max(b.sizes)
        servers = start_servers(b, ds, oxigraph=wanted)
        try:
            results: dict[tuple, list] = {}
            cpu: dict[tuple, list] = {}
            for _ in range(rounds if wanted else 0):
                for name, (server, query, _) in servers.items():
                    for kind, c in ((k, c) for k in ("same", "distinct") for c in (1, 4)):
                        before = tree_cpu(server.proc.pid)
                        load = wrk(server.url + query, c, seconds, distinct=kind == "distinct")
                        results.setdefault((name, kind, c), []).append(load)
                        cpu.setdefault((name, kind, c), []).append(
                            (tree_cpu(server.proc.pid) - before) / max(1.0, load.rate * seconds) * 1000)
            http += _wrk_rows(ds, results, cpu, b)
            for name, (server, _, started) in servers.items():
                rss, pss = tree_memory(server.proc.pid)
                memory.append(f"| {ds.n} | {name} | {started:.1f} | start{', /sparql runs' * wanted} "
                              f"| {rss:,.0f} | {pss:,.0f} |")
                b.goals.setdefault("memory", {})[name] = (ds.n, rss, pss)
            plankg = servers["plankg serve"][0]
            warm, times, refused = updates(b, ds, plankg)
            rss, pss = tree_memory(plankg.proc.pid)
            memory.append(f"| {ds.n} | plankg serve | | and {warm + len(times)} amendments | {rss:,.0f} | {pss:,.0f} |")
            b.goals["memory"]["plankg serve"] = max(b.goals["memory"]["plankg serve"], (ds.n, rss, pss),
                                                    key=lambda m: (m[0], m[2]))
        finally:
            for server, _, _ in servers.values():
                server.stop()
        one = one or (times if ds.n == 1 else None)
        amend.append(f"| {ds.n} | accepted | {cell(times)} | {len(times)} | {ratio(times, one) if one else '–'} |")
        amend.append(f"| {ds.n} | rejected (422 with the report) | {cell(refused)} | {len(refused)} | |")
        b.goals.setdefault("rejected", {})[ds.n] = refused
        b.goals["amend"] = (ds.n, times, one)
        b.goals.setdefault("update", {})[ds.n] = times
    b.notes.append("/sparql is measured at 1, 10 and the largest number of plans; amendments at every size, "
                   "at least 3 runs (--quick: as many as the other figures) after 2 warm-up updates (1 from "
                   "1000 plans).")
    return http + [""] + memory + [""] + amend + [""]


