"""plankg with 1 … 1000 districts' plans, measured side by side with pyoxigraph and ``oxigraph serve``.

    python -m bench scale [--quick] [--sizes 1,10,100,1000] [--repeat 3]

For each size N (bench.synthetic makes the plans) and in the same run: load time and peak memory
(each loader in a fresh process), every canned query through plankg and directly on pyoxigraph,
/sparql throughput and latency against ``oxigraph serve``, amendments through /update, and
validation; plus
the whole-process ``plankg build`` of the bundled plan. Figures are medians with min–max; large N
get fewer runs, and the slowest paths are capped (the tables say where, and why).
"""
from __future__ import annotations

import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from plankg import canned, config
from plankg.config import from_env

from . import jobs, synthetic
from .prereq import tool
from .server import BIN, Server, free_port, plankg_env, tree_cpu, tree_memory, wrk

FULL, QUICK = (1, 10, 100, 1000), (1, 10)
INDEX_CAP = 100  # beyond this, plankg's index rebuild takes about an hour
SCOPED_CAP = 1000  # one-plan validation: its cost does not grow with N
QUERY_LIMIT = 60  # s a canned query may take (pyoxigraph cannot stop one: its process is killed); --quick 10
TOKEN = "plankg-bench"  # the update token of the benchmark's own server, on 127.0.0.1 only
UPDATE = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
DELETE {{ <{task}> rdfs:label ?old }} INSERT {{ <{task}> rdfs:label "任务21：修订{k}"@zh }}
WHERE {{ <{task}> rdfs:label ?old FILTER (LANG(?old) = "zh") }}"""
HTTP_QUERY = "SELECT ?p ?o WHERE {{ <{plan}/task/21> ?p ?o }}"  # one task: the same cost at every N


def median(xs) -> float:
    return statistics.median(xs)


def cell(xs, scale: float = 1.0, digits: int = 2) -> str:
    """median (min–max), or just the value for a single run."""
    m = f"{median(xs) * scale:,.{digits}f}"
    return m if len(xs) == 1 else f"{m} ({min(xs) * scale:,.{digits}f}–{max(xs) * scale:,.{digits}f})"


def ratio(a, b) -> str:
    return f"{median(a) / median(b):.2f}×" if a and b else "–"


@dataclass
class Bench:
    sizes: tuple[int, ...]
    repeat: int
    quick: bool
    work: Path
    notes: list[str] = field(default_factory=list)
    goals: dict = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def runs(self, n: int) -> int:
        """Runs at size n: all of --repeat up to 10 plans, half at 100, one beyond; --quick: one beyond 1."""
        if self.quick:
            return self.repeat if n == 1 else 1
        return self.repeat if n <= 10 else max(1, self.repeat // 2) if n <= 100 else 1

    def log(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.started:6.0f} s] {message}", file=sys.stderr, flush=True)

    def tmp(self, name: str) -> Path:
        path = self.work / name
        shutil.rmtree(path, ignore_errors=True)
        return path


# -- plankg build ------------------------------------------------------------------------------

def build(b: Bench) -> list[str]:
    b.log("plankg build")
    out = b.tmp("build")
    cmds = {"`plankg build` of the bundled plan (whole process)": [str(BIN / "plankg"), "--build-dir", str(out), "build"],
            "of which: interpreter start and `import plankg.cli, plankg.pipeline`":
                [sys.executable, "-c", "import plankg.cli, plankg.pipeline"]}
    lines = ["## `plankg build`, whole process", "", "| what | median s (min–max) | runs |", "|---|---:|---:|"]
    for name, cmd in cmds.items():
        runs = []
        for _ in range(max(5, b.repeat)):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            runs.append(time.perf_counter() - start)
        lines.append(f"| {name} | {cell(runs, digits=3)} | {len(runs)} |")
        b.goals.setdefault("build", runs)
    return lines + [""]


# -- loading -----------------------------------------------------------------------------------

LOADS = [  # (plankg's path, its job, cap) against (pyoxigraph on the same data, its job)
    ("`plankg query`'s load (store.load_built, in memory)", "load-store", math.inf,
     "pyoxigraph `bulk_load` of the same Turtle files, in memory", "ox-files"),
    ("state-folder index rebuilt from its files (Repository.sync: infer, index; on disk)", "index", INDEX_CAP,
     "pyoxigraph `bulk_load` of the index's N-Quads, on disk", "ox-index"),
]


def _job_runs(b: Bench, ds, kind: str) -> list[dict]:
    out = []
    for _ in range(b.runs(ds.n)):
        if kind == "index":  # a state folder with the version files but no store yet
            args = [b.tmp("index-state")]
            shutil.copytree(ds.state, args[0], copy_function=os.link)
        elif kind == "ox-index":
            args = [b.tmp("ox-index")]
        else:
            args = []
        out.append(jobs.run(kind, ds, *args))
        if kind == "ox-index" and not (ds.root / "index-store").exists():
            synthetic.settle(args[0])  # not timed
            os.rename(args[0], ds.root / "index-store")  # kept: the store the queries and servers use
    return out


def loads(b: Bench, datasets) -> list[str]:
    lines = ["## Loading N plans (each run a fresh process; peak = its VmHWM, the most resident memory it held)", "",
             "| N | quads | loader | median s (min–max) | peak MiB | runs | time vs pyoxigraph | memory vs pyoxigraph |",
             "|---:|---:|---|---:|---:|---:|---:|---:|"]
    for ds in datasets:
        b.log(f"{ds.n} plans: loading")
        for name, kind, cap, ref_name, ref_kind in LOADS:
            ref = _job_runs(b, ds, ref_kind)
            ref_s, ref_mb = [r["seconds"] for r in ref], [r["peak_mb"] for r in ref]
            if ds.n <= (1 if b.quick and kind == "index" else cap):
                own = _job_runs(b, ds, kind)
                own_s, own_mb = [r["seconds"] for r in own], [r["peak_mb"] for r in own]
                lines.append(f"| {ds.n} | {ds.quads:,} | {name} | {cell(own_s)} | {median(own_mb):,.0f} | {len(own)} "
                             f"| {ratio(own_s, ref_s)} | {ratio(own_mb, ref_mb)} |")
                b.goals.setdefault("load", {})[kind] = (ds.n, own_s, own_mb)
            else:
                lines.append(f"| {ds.n} | {ds.quads:,} | {name} | not run (capped) | | | | |")
            lines.append(f"| {ds.n} | {ds.quads:,} | {ref_name} | {cell(ref_s)} | {median(ref_mb):,.0f} | {len(ref)} | 1× | 1× |")
            b.goals.setdefault("load-ref", {})[ref_kind] = (ds.n, ref_s)
    b.notes.append(f"The index rebuild (every plan parsed, inferred and written again, as after a change to the "
                   f"ontology) runs only up to {INDEX_CAP} plans (--quick: 1): it takes about 3 s per plan.")
    return lines + [""]


# -- canned queries ----------------------------------------------------------------------------

def _predict(history: list[tuple[int, float]], n: int) -> float:
    """Seconds a query should take at n plans, from its last two sizes (at least linear growth)."""
    if not history:
        return 0.0
    (n2, t2), (n1, t1) = history[-1], (history[-2] if len(history) > 1 else (0, 0.0))
    k = max(1.0, math.log(t2 / t1) / math.log(n2 / n1)) if n1 and t1 > 0 and t2 > 0 else 1.0
    return t2 * (n / n2) ** k


def queries(b: Bench, datasets) -> list[str]:
    limit = 10 if b.quick else QUERY_LIMIT
    lines = ["## Canned queries: plankg (`CannedQuery.run`) vs the same text on pyoxigraph (`Store.query`)", "",
             ("Both on the state folder's store, opened read-only, after one warm-up call; with `plan`, the "
              "query is narrowed to that plan's graphs as plankg does it. Times in ms."), "",
             "| N | query | scope | rows | plankg ms | pyoxigraph ms | ratio | runs |",
             "|---:|---|---|---:|---:|---:|---:|---:|"]
    history: dict[str, list[tuple[int, float]]] = {}  # "query:scope" → (N, plankg seconds) where it ran
    stopped: dict[str, int] = {}  # "query:scope" → N where it did not finish within the limit
    for ds in datasets:
        b.log(f"{ds.n} plans: canned queries")
        items = [f"{name}:{scope}" for name, q in sorted(canned.load_all().items()) for scope in jobs.scopes(q, ds)]
        todo, worst, missing = [], [], 0
        for item in items:
            expected = _predict(history.get(item, []), ds.n)
            if item in stopped or expected > limit:
                why = (f"did not finish in {limit} s at {stopped[item]} plans" if item in stopped
                       else f"≈ {expected:,.0f} s expected")
                lines.append(f"| {ds.n} | {item.replace(':', ' | ')} | | not run: {why} | | | |")
                missing += 1
            else:
                todo.append(item)
        for item, r in jobs.stream("queries", ds, todo, b.repeat, limit / 10, timeout=limit):
            if r is None:
                stopped[item] = ds.n
                lines.append(f"| {ds.n} | {item.replace(':', ' | ')} | | did not finish in {limit} s | | | |")
                missing += 1
                continue
            history.setdefault(item, []).append((ds.n, median(r["own"])))
            worst.append(median(r["own"]) / median(r["direct"]))
            lines.append(f"| {ds.n} | {item.replace(':', ' | ')} | {r['rows']:,} | {cell(r['own'], 1000, 1)} "
                         f"| {cell(r['direct'], 1000, 1)} | {ratio(r['own'], r['direct'])} | {len(r['own'])} |")
        b.goals["queries"] = (ds.n, max(worst, default=math.nan), missing)
    b.notes.append(f"Canned queries run in a separate process, stopped when a run takes over {limit} s; one expected to take longer "
                   f"(extrapolated from the two sizes before, at least linearly) is not run, and one whose first "
                   f"(warm-up) run takes over {limit / 10:g} s then runs once each way.")
    return lines + [""]


# -- /sparql -----------------------------------------------------------------------------------

def _servers(b: Bench, ds, oxigraph: bool) -> dict:
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


def _amend(server: Server, ds, k: int) -> float:
    """Seconds for POST /update of one small change, until the answer says it was accepted."""
    text = UPDATE.format(task=f"{ds.plan(1)}/task/21", k=k)
    body = urllib.parse.urlencode({"update": text, "plan": ds.plan(1), "message": f"bench {k}"}).encode()
    request = urllib.request.Request(server.url + "/update", data=body, headers={"Authorization": f"Bearer {TOKEN}"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=3600) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"/update refused the benchmark's change ({e.code}): {e.read().decode()[:2000]}") from None
    if not answer.get("accepted"):
        raise RuntimeError(f"/update did not accept the benchmark's change: {answer}")
    return time.perf_counter() - start


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
    amend = [("## One amendment: POST /update of a SPARQL Update (task 21's label), until accepted"), "",
             ("plankg serve validates the change, stores the new version, indexes it with its inferred "
              "graph and publishes a new snapshot; the first updates warm the workers up (not timed)."), "",
             "| N | median s (min–max) | runs | vs 1 plan |", "|---:|---:|---:|---:|"]
    one = None
    for ds in datasets:
        b.log(f"{ds.n} plans: plankg serve")
        wanted = ds.n <= 10 or ds.n == max(b.sizes)
        servers = _servers(b, ds, oxigraph=wanted)
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
            b.log(f"{ds.n} plans: amendments")
            plankg = servers["plankg serve"][0]
            warm, count = (2 if ds.n <= 100 else 1), max(3, b.runs(ds.n)) if ds.n == 1 or not b.quick else b.runs(ds.n)
            times = [_amend(plankg, ds, k) for k in range(warm + count)][warm:]
            rss, pss = tree_memory(plankg.proc.pid)
            memory.append(f"| {ds.n} | plankg serve | | and {warm + len(times)} amendments | {rss:,.0f} | {pss:,.0f} |")
            b.goals["memory"]["plankg serve"] = max(b.goals["memory"]["plankg serve"], (ds.n, rss, pss),
                                                    key=lambda m: (m[0], m[2]))
        finally:
            for server, _, _ in servers.values():
                server.stop()
        one = one or (times if ds.n == 1 else None)
        amend.append(f"| {ds.n} | {cell(times)} | {len(times)} | {ratio(times, one) if one else '–'} |")
        b.goals["amend"] = (ds.n, times, one)
        b.goals.setdefault("update", {})[ds.n] = times
    b.notes.append("/sparql is measured at 1, 10 and the largest number of plans; amendments at every size, "
                   "at least 3 runs (--quick: as many as the other figures) after 2 warm-up updates (1 from "
                   "1000 plans).")
    return http + [""] + memory + [""] + amend + [""]


# -- validation and amendments -----------------------------------------------------------------

def validation(b: Bench, datasets) -> list[str]:
    full_cap = 1 if b.quick else 10
    lines = [f"## Validation ({config.validator()} validator, all shapes; the data graph already assembled)", "",
             "| N | scope | triples | median s (min–max) | runs | vs N=1 |", "|---:|---|---:|---:|---:|---:|"]
    first = None  # at N=1, one plan is every plan
    for ds in datasets:
        b.log(f"{ds.n} plans: validation")
        for scope, cap, label in (("one", SCOPED_CAP, "one plan + reference (as an amendment checks it)"),
                                  ("all", full_cap, "every plan + reference")):
            if ds.n > cap or (scope == "all" and ds.n == 1):
                continue
            r = jobs.run("validate", ds, scope, b.runs(ds.n) if scope == "one" else 1)
            first = first or (r["runs"] if ds.n == 1 else None)
            if scope == "one":
                b.goals.setdefault("pyshacl", {})[ds.n] = r["runs"]
            lines.append(f"| {ds.n} | {label} | {r['triples']:,} | {cell(r['runs'])} | {len(r['runs'])} "
                         f"| {ratio(r['runs'], first)} |")
    b.notes.append(f"Whole-graph validation runs only up to {full_cap} plan(s), once: it takes about a minute "
                   f"for 10 plans and grows with N. One-plan validation runs up to {SCOPED_CAP} plans. At N=1 both "
                   "are the same: the bundled plan's full validation.")
    return lines + [""]


def fast_validation(b: Bench) -> dict | None:
    """Hook for ``bench/validation.py`` (the fast SHACL path of issue 15, engineer fastcheck's).

    It is called as ``validation.run(repeat, quick)`` and should return ``{"seconds": [one plan
    validated in-process, each run], "identical": bool (same results as pySHACL on every test case
    and mutation), "note": str}``. None while that module is not on this branch: the goal then
    reads "not measured".
    """
    try:
        from . import validation  # noqa: PLC0415 - optional: another branch brings it
    except ImportError:
        return None
    b.log("validation: fast path (bench/validation.py)")
    return validation.run(b.repeat, b.quick)


# -- plankg amend, whole process ---------------------------------------------------------------

def amend_cli(b: Bench, datasets) -> list[str]:
    """`plankg amend change.ru` as a steward runs it (a fresh process each time), at 1 plan and the
    largest N: the first amendment on a state folder apart (it was the slowest), then the median."""
    lines = ["## `plankg amend` of a SPARQL Update (task 21's label), whole process, until it exits accepted", "",
             "| N | first s | median s (min–max) after it | runs |", "|---:|---:|---:|---:|"]
    for ds in datasets:
        if ds.n not in (1, max(b.sizes)):
            continue
        b.log(f"{ds.n} plans: plankg amend")
        state = b.tmp("amend-state")
        ds.state_copy(state)
        env = plankg_env(ds.settings(), state, data_dir=ds.data, build_dir=ds.root / "build1")
        times = []
        for k in range(1 + max(3 if ds.n == 1 else 1, b.runs(ds.n))):
            change = b.work / "change.ru"
            change.write_text(UPDATE.format(task=f"{ds.plan(1)}/task/21", k=f"cli{k}"), encoding="utf-8")
            start = time.perf_counter()
            done = subprocess.run([str(BIN / "plankg"), "amend", str(change), "-m", f"bench {k}", "--plan", ds.plan(1),
                                   "--store", str(state)], env=env, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                raise RuntimeError(f"plankg amend refused the benchmark's change (exit {done.returncode}): "
                                   f"{(done.stdout + done.stderr)[-2000:]}")
        b.goals.setdefault("amend-cli", {})[ds.n] = (times[0], times[1:])
        lines.append(f"| {ds.n} | {times[0]:.2f} | {cell(times[1:])} | {len(times) - 1} |")
    return lines + [""]


# -- report ------------------------------------------------------------------------------------

def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    ram = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))) / 1024 ** 2
    oxigraph = subprocess.run([tool("oxigraph"), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return (f"{cpu}, {os.cpu_count()} cores, {ram:.0f} GiB RAM, {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, pyoxigraph {ox.__version__}, {oxigraph} (CLI), wrk")


TOP = 1000  # the "at 1,000 plans"


def _verdict(ok) -> str:
    return "met" if ok else "not met"


def _at(b: Bench, table: str, n: int):
    """A figure measured at n plans, or (None, why not) when this run did not go that far."""
    got = b.goals.get(table, {}).get(n)
    if got is not None:
        return got, ""
    return None, f"not run at {n:,} plans ({'--quick: ' if b.quick else ''}sizes {', '.join(map(str, b.sizes))})"


def goals15(b: Bench, validation: dict | None) -> list[tuple[str, str, str, str]]:
    """Issue 15's goals: (goal, measured, reference beside it, verdict)."""
    rows = []
    for n, limit in ((1, 2.0), (TOP, 2.5)):
        got, why = _at(b, "amend-cli", n)
        if got is None and n == TOP:
            largest = max(b.goals.get("amend-cli", {}), default=None)
            if largest and largest > 1:
                first, runs = b.goals["amend-cli"][largest]
                why += f"; at {largest} plans: {median(runs):.2f} s"
        rows.append((f"`plankg amend` whole process, {n:,} plan{'s' * (n > 1)}: ≤ {limit:g} s",
                     f"{median(got[1]):.2f} s (first on the folder {got[0]:.2f} s)" if got else why,
                     "no peer: the goal", _verdict(median(got[1]) <= limit) if got else "not measured"))
    for n, limit in ((1, 1.0), (TOP, 1.5)):
        got, why = _at(b, "update", n)
        rows.append((f"`/update` accepted, served, {n:,} plan{'s' * (n > 1)}: p50 ≤ {limit:g} s",
                     f"{median(got):.2f} s ({len(got)} runs)" if got else why, "no peer: the goal",
                     _verdict(median(got) <= limit) if got else "not measured"))
    reference, _ = _at(b, "pyshacl", 1)
    ref = f"pySHACL {median(reference):.2f} s" if reference else "pySHACL: not run"
    if validation is None:
        rows.append(("validation of one plan in-process: ≤ 0.3 s, results identical to pySHACL's",
                     "not measured: bench/validation.py (the fast path's benchmark) is not on this branch", ref,
                     "not measured"))
    else:
        t = median(validation["seconds"])
        if "reference_seconds" in validation:  # pySHACL on the same graph, in the same process
            ref = f"pySHACL {validation['reference_seconds']:.2f} s CPU (PLANKG_VALIDATOR=pyshacl)"
        rows.append(("validation of one plan in-process: ≤ 0.3 s, results identical to pySHACL's",
                     f"{t:.3f} s; identical: {'yes' if validation['identical'] else 'NO'}"
                     + (f" ({validation['note']})" if validation.get("note") else ""), ref,
                     _verdict(t <= 0.3 and validation["identical"])))
    build = b.goals.get("build")
    rows.append(("`plankg build` whole process: ≤ 1.5 s", f"{median(build):.2f} s" if build else "not run",
                 "no peer: the goal", _verdict(median(build) <= 1.5) if build else "not measured"))
    for kind, label, share in (("distinct", "uncached (a different query each request)", 0.4),
                               ("same", "cached (the same query each request)", 0.6)):
        got = b.goals.get("http", {}).get((1, kind))
        if got is None:
            rows.append((f"`/sparql` {label}, 4 clients: ≥ {share:.0%} of oxigraph serve's req/s", "not run", "", "not measured"))
            continue
        vs_rate, vs_p50, rate, ref_rate, p50, ref_p50 = got
        rows.append((f"`/sparql` {label}, 4 clients: ≥ {share:.0%} of oxigraph serve's req/s",
                     f"{vs_rate:.0%} ({rate:,.0f} req/s)", f"oxigraph serve {ref_rate:,.0f} req/s", _verdict(vs_rate >= share)))
        if kind == "distinct":
            rows.append((f"`/sparql` {label}, 4 clients: p50 ≤ 2× oxigraph serve's", f"{vs_p50:.2f}× ({p50:.2f} ms)",
                         f"oxigraph serve {ref_p50:.2f} ms", _verdict(vs_p50 <= 2)))
    return rows


def earlier_goals(b: Bench) -> list[tuple[str, str, str, str]]:
    """The scale goals of earlier issues, still tracked."""
    top = max(b.sizes)
    rows = []
    n, own, _ = b.goals["load"]["load-store"]
    _, ref_s = b.goals["load-ref"]["ox-files"]
    if n == top:
        rows.append((f"{top} plans: load ≤ 1.5× pyoxigraph's bulk load", ratio(own, ref_s),
                     f"pyoxigraph {median(ref_s):.2f} s", _verdict(median(own) <= 1.5 * median(ref_s))))
    else:
        estimate = median(own) / n * top
        rows.append((f"{top} plans: load ≤ 1.5× pyoxigraph's bulk load",
                     f"not run; ≈ {estimate / median(ref_s):.0f}× (linear from {n} plans)",
                     f"pyoxigraph {median(ref_s):.2f} s", "not met"))
    qn, worst, skipped = b.goals["queries"]
    rows.append((f"{qn} plans: every canned query ≤ 1.2× pyoxigraph direct",
                 f"worst {worst:.2f}×" + (f"; {skipped} not run or not finished" if skipped else ""),
                 "the same text on pyoxigraph", _verdict(worst <= 1.2 and not skipped)))
    mn, rss, pss = b.goals["memory"]["plankg serve"]
    rows.append((f"{mn} plans: server memory ≤ 2 GiB (the most it used)", f"PSS {pss / 1024:.2f} GiB (RSS {rss / 1024:.2f} GiB)",
                 "", _verdict(pss <= 2048)))
    an, totals, one = b.goals["amend"]
    if one and an > 1:
        rows.append((f"{an} plans: `/update` amendment ≤ 1.5× the same with 1 plan", ratio(totals, one),
                     f"1 plan: {median(one):.2f} s", _verdict(median(totals) <= 1.5 * median(one))))
    return rows


def goals(b: Bench, validation: dict | None = None) -> list[str]:
    def table(rows):
        return ["| goal | measured | reference beside it | |", "|---|---|---|---|",
                *[f"| {g} | {m} | {r} | {v} |" for g, m, r, v in rows]]

    return ["## Goals of issue 15 (targets, not assertions)", "", *table(goals15(b, validation)), "",
            "## Earlier goals, still tracked", "", *table(earlier_goals(b)), ""]


def run(sizes=FULL, repeat: int = 3, quick: bool = False, command: str = "python -m bench scale") -> str:
    settings = from_env()
    started = time.perf_counter()
    tpl = synthetic.template(settings)
    datasets = [synthetic.generate(n, settings, tpl) for n in sizes]
    work = Path(tempfile.mkdtemp(prefix="work-", dir=synthetic.CACHE))
    load_before = os.getloadavg()[0]
    b = Bench(tuple(sizes), repeat, quick, work)
    try:
        body = (build(b) + loads(b, datasets) + queries(b, datasets)
                + serving(b, datasets, 2 if quick else 3, 3) + amend_cli(b, datasets) + validation(b, datasets))
        fast = fast_validation(b)
        b.log("done")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    load = (load_before, os.getloadavg()[0])
    busy = max(load) > (os.cpu_count() or 1)
    head = [f"# plankg at scale: {', '.join(map(str, sizes))} plans ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)", "",
            f"Machine: {machine()}.", "",
            (f"Command: `{command}` (took {elapsed / 60:.1f} min, data generation included). Synthetic plans: "
             f"copies of the bundled plan (≈170 tasks, ≈17,000 quads with inference and history each) as districts "
             f"990001…, each with its own unit registry (bench/synthetic.py). Runs per figure: "
             f"{', '.join(f'{b.runs(n)} at {n} plan(s)' for n in sizes)} (canned queries: {b.repeat}"
             f"{'' if b.quick else ', amendments: at least 3'}, /sparql: see its table)."), "",
            (f"Load average (1 min) at start and end: {load[0]:.1f} and {load[1]:.1f} on {os.cpu_count()} cores"
             + (". **The machine was busy with other work**: times are inflated and req/s ratios against "
                "oxigraph serve are unreliable (both servers are starved); CPU ms per request is the steadier "
                "figure." if busy else ".")), ""]
    return "\n".join(head + goals(b, fast) + body + ["", "## Notes", "", *[f"- {n}" for n in b.notes], ""])
