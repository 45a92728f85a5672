"""A query process: runs queries on a read-only snapshot of the store, one at a time, until told to stop.

Run as ``python -m plankg.server.worker IN_FD OUT_FD MEMORY_MB`` by :mod:`plankg.server.pool`,
which kills it when a query outlives the time limit. It is a fresh interpreter (not a fork of a
threaded server), limits its own address space so a runaway query fails here rather than
starving the machine, dies with its parent, and evaluates on a thread with a large stack so a
deep query that slips past the guard fails gracefully instead of overflowing.
"""
from __future__ import annotations

import os
import resource
import signal
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from . import formats
from .limits import Refused

STACK_BYTES = 256 * 1024 * 1024
READY = ("ready",)  # the first message of every query process, before any job


def open_snapshot(path: str) -> ox.Store:
    """A snapshot: a store directory (opened read-only) or an N-Quads file (loaded into memory)."""
    p = Path(path)
    if p.is_dir():
        return ox.Store.read_only(str(p))
    store = ox.Store()
    store.bulk_load(path=str(p), format=ox.RdfFormat.N_QUADS)
    return store


def term(spec):
    """A pyoxigraph term from its picklable form: ("iri", v) | ("bnode", v) | ("literal", v, datatype, lang)."""
    if spec[0] == "iri":
        return ox.NamedNode(spec[1])
    if spec[0] == "bnode":
        return ox.BlankNode(spec[1])
    _, value, datatype, lang = spec
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=ox.NamedNode(datatype) if datatype else None)


def run(store: ox.Store, job: dict):
    """Evaluate one job; returns ("ok", body) or ("error", status, message)."""
    kwargs = {"base_iri": job.get("base")}
    if job.get("default_graph") is None:
        kwargs["use_default_graph_as_union"] = True
    else:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job["default_graph"]]
    if job.get("named_graphs") is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
    if job.get("substitutions"):
        kwargs["substitutions"] = {ox.Variable(k): term(v) for k, v in job["substitutions"].items()}
    if job.get("search") and job["search"]["ns"] in job["query"]:  # text:matches, text:score (plankg.search.functions)
        from plankg.search.functions import TextFunctions

        s = job["search"]
        kwargs["custom_functions"] = TextFunctions(store, s["base"], s["folder"] and Path(s["folder"]),
                                                   s["cache"] and Path(s["cache"])).registry()
    try:
        result = store.query(job["query"], **kwargs)
        if job["output"] == "rows":
            return ("ok", formats.rows(result, job["max_rows"]))
        return ("ok", formats.serialize(result, job["kind"], job["output"], max_rows=job["max_rows"],
                                        limit=job.get("limit")))
    except Refused as e:
        return ("error", e.status, e.message)
    except SyntaxError as e:
        return ("error", 400, f"the query is not valid SPARQL: {e}")
    except MemoryError:
        return ("error", 503, "the query needed more memory than a query may use")
    except (OSError, ValueError, RuntimeError, TypeError) as e:
        return ("error", 400, f"the query failed: {str(e).splitlines()[0] if str(e) else type(e).__name__}")


def serve(inbox: Connection, outbox: Connection) -> None:
    stores: dict[str, ox.Store] = {}
    while True:
        try:
            job = inbox.recv()
        except (EOFError, OSError):
            return
        path = job["snapshot"]
        if path not in stores:
            stores.clear()  # the previous snapshot is released before the next one is opened
            try:
                stores[path] = open_snapshot(path)
            except OSError as e:
                outbox.send(("error", 503, f"the store snapshot cannot be opened: {e}"))
                continue
        outbox.send(run(stores[path], job))


def _die_with_parent() -> None:
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main(argv: list[str]) -> None:
    fd_in, fd_out, memory_mb = int(argv[0]), int(argv[1]), int(argv[2])
    _die_with_parent()
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.dup2(os.open(os.devnull, os.O_RDWR), 0)
    threading.stack_size(STACK_BYTES)
    inbox, outbox = Connection(fd_in, writable=False), Connection(fd_out, readable=False)
    outbox.send(READY)  # started: from now on the pool's time limit counts the query only
    t = threading.Thread(target=serve, args=(inbox, outbox), name="query", daemon=True)
    t.start()
    t.join()


if __name__ == "__main__":
    main(sys.argv[1:])
