"""The engines the views query: the embedded store (default) or an external SPARQL 1.1 endpoint.

Both answer the same four calls: ``execute`` (a user's query, guarded and time-limited, as
bytes in a negotiated format), ``select`` (a canned question with bound parameters, as Rows,
time-limited), ``local`` (our own small page queries) and ``plan_graphs``. The embedded engine
runs user queries in :class:`~plankg.server.pool.QueryPool` processes over read-only snapshots
(:mod:`plankg.server.snapshots`); the external one sends them over HTTP with the same guards.
"""
from __future__ import annotations

import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from plankg.search.functions import NS as TEXT_NS
from plankg.store import Rows, Store, plan_graphs

from . import formats
from .limits import Refused
from .pool import QueryPool


def term_spec(term):
    """An rdflib term in a picklable form for the query processes."""
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, BNode):
        return ("bnode", str(term))
    if isinstance(term, Literal):
        return ("literal", str(term), str(term.datatype) if term.datatype else None, term.language)
    raise TypeError(f"not an RDF term: {term!r}")


class ResultCache:
    """Whole responses by (data version, request), least recently used out first, within a byte budget.

    A snapshot never changes, so an answer computed on it stays right until the next version. The
    key is the request as sent (query text, graphs, format, Accept), so a repeated request skips
    even the guard and the negotiation; queries whose answer may differ between runs (NOW, RAND,
    UUID, BNODE, SERVICE) are not kept.
    """

    def __init__(self, budget: int, largest: int = 4 * 1024 * 1024):
        self.budget, self.largest, self.size = budget, largest, 0
        self.items: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            hit = self.items.get(key)
            if hit is not None:
                self.items.move_to_end(key)
            return hit

    def put(self, key, body: bytes, content_type: str) -> None:
        if len(body) > self.largest:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = (body, content_type)
            self.size += len(body)
            while self.size > self.budget:
                _, (old, _) = self.items.popitem(last=False)
                self.size -= len(old)


class Engine:
    base: str
    cache: ResultCache | None = None

    def cached(self, request_key: tuple):
        """(body, content type) of an identical earlier request on the same data, or None."""
        return self.cache.get((self.generation(), *request_key)) if self.cache is not None else None

    def remember(self, request_key: tuple, body: bytes, content_type: str) -> None:
        if self.cache is not None:
            self.cache.put((self.generation(), *request_key), body, content_type)

    def plan_graphs(self, plans) -> list[str]:
        return plan_graphs(self.base, plans)

    def plans(self) -> list[str]:
        rows = self.local("SELECT DISTINCT ?p WHERE { ?p a <https://w3id.org/plankg/ontology#Plan> } ORDER BY ?p")
        return [r[0] for r in rows.rows]


class LocalEngine(Engine):
    """The embedded Oxigraph store, as snapshots; user queries in killable processes."""

    def __init__(self, config, *, snapshots=None, store: Store | None = None):
        self.config, self.base = config, config.settings.base
        self.snapshots = snapshots
        self.cache = ResultCache(config.result_cache_mb * 1024 * 1024) if config.result_cache_mb > 0 else None
        self._fixed: Path | None = None
        self._store, self._store_path = store, None
        self._pool: QueryPool | None = None
        self._lock = threading.Lock()
        if store is not None:  # an in-memory store (tests): the processes load a dump of it
            fd, name = tempfile.mkstemp(prefix="plankg-", suffix=".nq")
            os.close(fd)
            store.ox.dump(name, format=ox.RdfFormat.N_QUADS)
            self._fixed = Path(name)

    def snapshot(self) -> Path:
        return self._fixed if self._fixed is not None else self.snapshots.current()

    def generation(self) -> str:
        return str(self.snapshot())

    @property
    def pool(self) -> QueryPool:
        with self._lock:  # one pool per process: a pool made before a fork is not the child's
            if self._pool is None or self._pool.pid != os.getpid():
                c = self.config
                self._pool = QueryPool(max(c.query_processes, c.threads), c.query_memory_mb, warm=c.query_processes)
                self._pool.warm()
            return self._pool

    def store(self) -> Store:
        """This process's read-only view of the current snapshot, for page queries."""
        if self._fixed is not None:
            return self._store
        path = self.snapshot()
        with self._lock:
            if self._store_path != (path, os.getpid()):
                self._store = Store(path, base=self.base, read_only=True)
                self._store_path = (path, os.getpid())
            return self._store

    def _run(self, job: dict):
        job["snapshot"] = str(self.snapshot())
        job.setdefault("max_rows", self.config.max_rows)
        settings = self.config.settings  # for text:matches (plankg.search.functions): where the indexes are
        job["search"] = {"ns": TEXT_NS, "base": self.base, "cache": str(settings.cache_dir),
                         "folder": str(settings.store_dir / "search") if self.snapshots is not None else None}
        reply = self.pool.run(job, self.config.query_timeout)
        if reply[0] == "error":
            raise Refused(reply[2], reply[1])
        return reply[1]

    def execute(self, query: str, *, kind: str, output: str, limit=None, base=None, default_graph=None,
                named_graphs=None):
        """A user's query (already guarded) as bytes in format ``output``; relative IRIs resolve
        against ``base`` (the endpoint's IRI). Refused on any failure."""
        return self._run({"query": query, "kind": kind, "output": output, "limit": limit, "base": base,
                          "default_graph": default_graph, "named_graphs": named_graphs})

    def select(self, sparql: str, substitutions=None, *, default_graph=None) -> Rows:
        columns, rows = self._run({"query": sparql, "kind": "results", "output": "rows",
                                   "default_graph": default_graph,
                                   "substitutions": {k: term_spec(v) for k, v in (substitutions or {}).items()}})
        return Rows(columns, rows)

    def local(self, sparql: str, substitutions=None) -> Rows:
        return self.store().select(sparql, substitutions)

    def describe(self, iri: str, output: str) -> bytes:
        result = self.store().query("DESCRIBE ?x", {"x": URIRef(iri)})
        return formats.serialize(result, "graph", output, max_rows=self.config.max_rows)

    def close(self) -> None:
        if self._pool is not None and self._pool.pid == os.getpid():
            self._pool.close()
        if self._fixed is not None:
            self._fixed.unlink(missing_ok=True)
