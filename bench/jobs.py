"""One measured job in a fresh interpreter: ``python -m bench.jobs KIND DATASET [ARG …]`` prints JSON.

Each load and validation runs in its own process so that its peak memory (VmHWM) is its
own and no cache of an earlier run helps it; the times exclude the interpreter's start and
imports. Canned queries run in one too, because a slow one can only be stopped by killing it.
:func:`run` starts a job and reads its answer; :func:`stream` reads one answer per item.
"""
from __future__ import annotations

import json
import re
import resource
import select
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from plankg import canned, reference as reference_data, resources
from plankg.store import load_built
from plankg.store import REFERENCE, Store, to_ox
from plankg.validate import validate
from plankg.versions import Repository

from . import synthetic


def _argv(kind: str, ds: synthetic.Dataset, args) -> list[str]:
    return [sys.executable, "-m", "bench.jobs", kind, str(ds.root), *map(str, args)]


def run(kind: str, ds: synthetic.Dataset, *args, timeout: float | None = None) -> dict:
    """Run a job on a generated dataset in a fresh interpreter and return its JSON answer."""
    argv = _argv(kind, ds, args)
    out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=synthetic.REPO, check=False)
    if out.returncode:
        raise RuntimeError(f"{' '.join(argv[1:])} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.splitlines()[-1])


def stream(kind: str, ds: synthetic.Dataset, items: list[str], *args, timeout: float):
    """Run a job over ``items`` in a fresh interpreter that says it is ready, then answers one JSON
    line per item (after any ``{"progress": …}`` lines); yield (item, answer), or (item, None) for
    one with a step (the time to its next line) over ``timeout`` s: its process is killed
    (pyoxigraph cannot stop a query) and the rest go on in a new one."""
    todo = list(items)
    while todo:
        proc = subprocess.Popen(_argv(kind, ds, [*args, *todo]), stdout=subprocess.PIPE, text=True, cwd=synthetic.REPO)
        try:
            ready = False
            while todo:
                if not select.select([proc.stdout], [], [], timeout if ready else max(timeout, 300))[0]:
                    if not ready:
                        raise RuntimeError(f"bench.jobs {kind} did not start")
                    yield todo.pop(0), None
                    break
                line = proc.stdout.readline()
                if not line:
                    raise RuntimeError(f"bench.jobs {kind} stopped (exit status {proc.wait()}); see its errors above")
                answer = json.loads(line)
                if ready and "progress" not in answer:
                    yield todo.pop(0), answer
                ready = True
        finally:
            proc.kill()
            proc.wait()


def _files(ds: synthetic.Dataset):
    """(graph name, Turtle file) of everything ``plankg query`` loads: reference files, then each plan."""
    reference = ds.base + REFERENCE
    for name in reference_data.ONTOLOGY_FILES:
        yield reference, Path(str(resources.path(name)))
    for path in reference_data.files(ds.settings()):
        yield reference, path
    for path in sorted(ds.build.glob("*-*[0-9].ttl")):
        plan = ds.base + "plan/" + path.stem.replace("-", "/")
        yield f"{plan}/graph", path
        yield f"{plan}/inferred", path.with_suffix(".inferred.ttl")


def load_store(ds, *_):
    """plankg's own load path for many plans (``plankg query``): store.load_built, in memory."""
    return {"quads": len(load_built(ds.settings(), reference_data.graph(ds.settings(), further=False)))}


def ox_files(ds, *_):
    """The same files bulk-loaded by pyoxigraph into the same named graphs, in memory."""
    store = ox.Store()
    for graph, path in _files(ds):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    return {"quads": len(store)}


def index(ds, state):
    """plankg's state-folder index rebuilt from its files (Repository.sync), on disk."""
    state = Path(state)
    repo = Repository.open(ds.settings(store=state), state, initialise=False)
    repo.store.flush()
    return {"plans": len(repo.plans())}


def ox_index(ds, dest):
    """The index's N-Quads bulk-loaded by pyoxigraph into an on-disk store."""
    store = ox.Store(dest)
    store.bulk_load(path=str(ds.index), format=ox.RdfFormat.N_QUADS)
    store.flush()
    return {"quads": ds.quads}


def scopes(q: canned.CannedQuery, ds: synthetic.Dataset) -> dict[str, dict]:
    """The parameter values a canned query runs with: its example's, for every plan and for one plan."""
    declared = {p.name for p in q.params}
    values = {k: v for k, v in q.example.items() if k in declared}
    return {"all plans": values} | ({"one plan": values | {"plan": ds.plan(1)}} if "plan" in declared else {})


def _direct(store: Store, q: canned.CannedQuery, values: dict):
    """The same query text and bindings, straight to pyoxigraph; every value of every row read."""
    bindings = q.bindings(values)
    plans = [str(bindings.pop(p.variable)) for p in q.params if p.type == "plan" and p.variable in bindings]
    kwargs = {"substitutions": {ox.Variable(k): to_ox(v) for k, v in bindings.items()}} if bindings else {}
    if plans:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in store.plan_graphs(plans)]
    else:
        kwargs["use_default_graph_as_union"] = True
    return lambda: [tuple(s) for s in store.ox.query(q.sparql, **kwargs)]


def _timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def queries(ds, runs, slow, *items):
    """Each canned query (``name:scope``) through plankg and straight to pyoxigraph, alternately, on
    the state folder's store, after a first plankg call that warms the store up; one run each when
    that call takes over ``slow`` seconds. One JSON line per item, after a progress line per slow run."""
    store, known = Store(ds.store, base=ds.base, read_only=True), canned.load_all()
    print(json.dumps({"ready": True}), flush=True)
    for item in items:
        name, scope = item.split(":")
        q = known[name]
        values = scopes(q, ds)[scope]
        direct, own = _direct(store, q, values), (lambda: q.run(store, values))  # noqa: B023 - called at once
        first, rows = _timed(own)
        if first > float(slow):  # one run each, both after this warm-up (a cold store is slower)
            print(json.dumps({"progress": "warmed up"}), flush=True)
            direct_s = [_timed(direct)[0]]
            print(json.dumps({"progress": "direct"}), flush=True)
            own_s = [_timed(own)[0]]
        else:
            direct()
            own_s, direct_s = [], []
            for _ in range(int(runs)):
                own_s.append(_timed(own)[0])
                direct_s.append(_timed(direct)[0])
        print(json.dumps({"rows": len(rows.rows), "own": own_s, "direct": direct_s}), flush=True)


def _warm(ds) -> None:
    """Parse the shapes and prepare their queries once, as a running server has done already
    (on the first 20 tasks of a plan: every shape has something to check there)."""
    plan, warm = Graph().parse(next(ds.build.glob("*-*[0-9].ttl")), format="turtle"), Graph()
    for s, p, o in plan:
        task = re.search(r"/task/(\d+)", s)
        if task is None or int(task.group(1)) <= 20:
            warm.add((s, p, o))
    validate(warm)


def validation(ds, scope, repeat):
    """validate() of one plan (as an amendment checks it) or of every plan, with the reference graph."""
    _warm(ds)
    # one plan: its own district's registry only, as Repository.shared_for gives an amendment
    data = Graph()
    data += reference_data.graph(ds.settings(), synthetic.code(1) if scope == "one" else None)
    for path in sorted(ds.build.glob("*-*[0-9].ttl"))[: 1 if scope == "one" else None]:
        data.parse(path, format="turtle")
    runs = []
    for _ in range(int(repeat)):
        start = time.perf_counter()
        report = validate(data)
        runs.append(time.perf_counter() - start)
    return {"runs": runs, "conforms": report.conforms, "triples": len(data)}


def peak_mb() -> float:
    """This process's peak resident memory. Not ru_maxrss: Linux keeps that across execve, so a
    child started by a big parent would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


JOBS = {"load-store": load_store, "ox-files": ox_files, "index": index, "ox-index": ox_index,
        "validate": validation, "queries": queries}


def main(argv: list[str]) -> None:
    kind, root, *args = argv
    ds = synthetic.Dataset.at(Path(root))
    start = time.perf_counter()
    answer = JOBS[kind](ds, *args)
    if answer is None:  # it has answered line by line
        return
    answer.setdefault("seconds", time.perf_counter() - start)
    answer["peak_mb"] = peak_mb()
    print(json.dumps(answer))


if __name__ == "__main__":
    main(sys.argv[1:])
