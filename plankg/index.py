"""The state folder's index: an Oxigraph store of every plan's current version, for queries.

Graphs (plankg.store): the reference graph, each further district's registry, and per plan its
asserted graph, inferred graph and history. The index can always be rebuilt from the files
(plankg.history); each graph carries the digest (and file stamp) of what it was loaded from, so
:meth:`Index.sync` reloads only what changed: after a writer was killed between its commit and
its index update, or after the reference data changed. It runs once per opening.
"""
from __future__ import annotations

import gc
import sys
from datetime import datetime, timezone

from rdflib import Graph, Literal, URIRef

from . import reason, reference, search
from .files import stamp
from .history import History, RepositoryError
from .iris import district_of
from .store import REFERENCE, UNITS, Store, read_turtle
from .vocab import PLAN, PLAN_NS


def close(repo) -> None:
    """Release the repository's store (and so RocksDB's lock) now, not whenever the collector runs.

    A full collection costs more than half a second with an amendment's graphs in memory, so it
    runs only when something other than this function still holds the Oxigraph store."""
    store, repo._store = repo._store, None
    if store is None:
        return
    ox_store = store.ox
    del store
    if sys.getrefcount(ox_store) > 2:  # this name and getrefcount's argument: a cycle holds it
        gc.collect()
    del ox_store


class Index(History):
    """A History with its Oxigraph index, opened only when needed (``settings``: base and data)."""

    def __init__(self, settings, root):
        super().__init__(root)
        self.settings = settings
        self._store: Store | None = None

    def district_of(self, plan: str) -> str:
        return district_of(self.settings.base, plan)

    def reference_for(self, plan: str) -> Graph:
        """The plan's district's reference data and what the ontology implies for it: what the
        plan's inference runs against (plankg.reference keeps it while its files are unchanged)."""
        return reference.reasoned(self.settings, self.district_of(plan))

    @property
    def store(self) -> Store:
        """The on-disk Oxigraph store, opened (and brought up to date, once) on first use."""
        if self._store is None:
            self._open_store()
            self.sync()
        return self._store

    def _open_store(self) -> Store:
        try:
            self._store = Store(self.root / "oxigraph", base=self.settings.base)
        except OSError as e:
            raise RepositoryError(f"{self.root / 'oxigraph'}: cannot open the store ({e}); "
                                  "is another plankg process using it?") from None
        return self._store

    def _committed(self, plan: str, graph: Graph, history: Graph) -> None:
        if self._store is not None:
            self._index(plan, graph, history)

    def index(self, plan: str, graph) -> None:
        """Put the version just committed (``graph``, still in memory: an rdflib graph or
        plankg.facts.Facts) into the index, then sync
        the rest: cheaper than opening the index first, which would re-read the version's file."""
        if self._store is None:
            self._open_store()
            self._index(plan, graph, self.history_graph(plan))
            self.sync()
        else:
            self._index(plan, graph, self.history_graph(plan))

    def sync(self) -> list[str]:
        """Reload into the index every plan whose current version it does not hold; return them."""
        store = self._store if self._store is not None else self._open_store()
        changed = []
        ref_name = self.settings.base + REFERENCE
        ref_digest = reference.digest(self.settings)
        rows = store.select(f"PREFIX plan: <{PLAN_NS}> SELECT ?g ?d ?stamp WHERE {{ "
                            "GRAPH ?g { ?g plan:contentDigest ?d OPTIONAL { ?g plan:fileStamp ?stamp } } }").rows
        held = {r[0]: r[1] for r in rows}
        stamps = {r[0]: r[2] for r in rows}
        if held.get(ref_name) != ref_digest:
            ref = Graph()
            ref += reference.reasoned(self.settings, further=False)  # the reference graph queries read
            ref.add((URIRef(ref_name), PLAN.contentDigest, Literal(ref_digest)))
            store.replace_graphs({ref_name: ref})
            changed.append(ref_name)
        changed += self._sync_registries(store, ref_digest, held, stamps)
        for plan in self.plans():
            if stamps.get(f"{plan}/history") == stamp(self.history_path(plan)):
                continue  # the history file the index was loaded from: nothing to parse
            current = self.current(plan)
            if held.get(f"{plan}/history") == current.digest:
                continue
            self._index(plan, read_turtle(current.path), self.history_graph(plan))
            changed.append(plan)
        store.flush()
        if changed:  # the index moved past every published snapshot (a writer was killed after its commit)
            self.touch_head(f"synced {datetime.now(timezone.utc).isoformat()} {len(changed)} graphs")
        return changed

    def _sync_registries(self, store: Store, ref_digest: str, held: dict, stamps: dict) -> list[str]:
        """Each further district's registry in its own graph, remade when its file or the shared
        reference changed; graphs of registries whose file is gone are emptied."""
        units = self.settings.base + UNITS
        files = self.settings.district_registries()
        changed, graphs = [], {}
        for district, path in files.items():
            name = units + district
            if held.get(name) == ref_digest and stamps.get(name) == stamp(path):
                continue
            g = reference.registry_graph(self.settings, district)
            g.add((URIRef(name), PLAN.contentDigest, Literal(ref_digest)))
            g.add((URIRef(name), PLAN.fileStamp, Literal(stamp(path))))
            graphs[name] = g
        for name in held:
            if name.startswith(units) and name[len(units):] not in files:
                graphs[name] = Graph()
        items = list(graphs.items())
        for i in range(0, len(items), 100):  # one transaction per hundred, not one huge one
            store.replace_graphs(dict(items[i:i + 100]))
        return sorted(graphs)

    def _index(self, plan: str, graph, history: Graph) -> None:
        """Put a version (an rdflib graph or plankg.facts.Facts) and what the ontology implies for
        it into the index: inferred and written as Oxigraph triples, never converted to rdflib."""
        from .facts import Facts

        graph = Facts.from_graph(graph)
        inferred = Facts(reason.derive(graph, reference.facts(self.settings, self.district_of(plan), reasoned=True)))
        h = Graph()
        h += history
        current = self.history(plan)[-1]
        h.add((URIRef(f"{plan}/history"), PLAN.contentDigest, Literal(current.digest)))
        h.add((URIRef(f"{plan}/history"), PLAN.fileStamp, Literal(stamp(self.history_path(plan)))))
        self._store.replace_graphs({f"{plan}/graph": graph, f"{plan}/inferred": inferred, f"{plan}/history": h})
        search.refresh(self._store.select, plan, self.settings.base, self.root / "search", self.settings.cache_dir)
