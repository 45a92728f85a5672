"""A graph held as Oxigraph triples, with rdflib's view of it made only when something asks.

Why: the write path (``plankg amend``, ``/update``) used to turn a plan's 12,000 triples from
rdflib into Oxigraph and back three times per amendment (apply the update, infer, index), each
conversion costing more than Oxigraph's own work. A :class:`Facts` is read from Turtle by
Oxigraph, changed in an Oxigraph store, inferred from and indexed as Oxigraph triples; the rdflib
terms are made once, for what needs them (the rule checks' reports, the sorted Turtle of a new
version), and each distinct term is converted once.

:func:`twin` lets the fast SHACL path (plankg.fastshacl) find the Oxigraph triples of an rdflib
graph made by :func:`union`, so it does not convert them back again.
"""
from __future__ import annotations

import weakref
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph

from .store import memoised, to_ox, to_rdflib
from .vocab import PLAN_NS

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_PLAN = ox.NamedNode(PLAN_NS + "Plan")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_twins: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # an rdflib store → its triples in Oxigraph


class Facts:
    """Triples as Oxigraph terms (``triples``), their rdflib view (:meth:`graph`) made on demand."""

    def __init__(self, triples=None, *, store: ox.Store | None = None, graph: Graph | None = None,
                 namespaces=()):
        self._triples = list(triples) if triples is not None else None
        self._store, self._graph = store, graph
        self._rdf: list | None = None
        self._namespaces = list(namespaces) if namespaces else (list(graph.namespaces()) if graph is not None else [])

    @classmethod
    def from_turtle(cls, path: Path, namespaces=()) -> "Facts":
        """A Turtle (or N-Triples) file parsed by Oxigraph, the terms as written."""
        fmt = ox.RdfFormat.N_TRIPLES if Path(path).suffix == ".nt" else ox.RdfFormat.TURTLE
        return cls([q.triple for q in ox.parse(path=str(path), format=fmt)], namespaces=namespaces)

    @classmethod
    def from_graph(cls, graph: Graph) -> "Facts":
        return graph if isinstance(graph, Facts) else cls(graph=graph)

    @property
    def triples(self) -> list:
        """The triples as pyoxigraph terms."""
        if self._triples is None:
            if self._store is not None:
                self._triples = [q.triple for q in self._store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
            else:
                to = memoised(to_ox)
                self._triples = [ox.Triple(to(s), to(p), to(o)) for s, p, o in self._graph]
        return self._triples

    def store(self) -> ox.Store:
        """An in-memory Oxigraph store with the triples in its default graph (kept: do not change it)."""
        if self._store is None:
            self._store = ox.Store()
            self._store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in self.triples)
        return self._store

    def rdf(self) -> list:
        """The triples as rdflib terms, each distinct term converted once."""
        if self._rdf is None:
            if self._graph is not None:
                self._rdf = list(self._graph)
            else:
                back = memoised(to_rdflib)
                self._rdf = [(back(t.subject), back(t.predicate), back(t.object)) for t in self.triples]
        return self._rdf

    def graph(self) -> Graph:
        """The triples as an rdflib graph (made once)."""
        if self._graph is None:
            g = Graph()
            for prefix, ns in self._namespaces:
                g.bind(prefix, ns)
            g.addN((s, p, o, g) for s, p, o in self.rdf())
            self._graph = g
        return self._graph

    def namespaces(self):
        """The prefixes to write it with (plankg.serialize reads them, as from a Graph)."""
        return iter(self._namespaces)

    def __iter__(self):
        """The rdflib triples: what plankg.serialize and set() read of a Graph."""
        return iter(self.rdf())

    def __len__(self) -> int:
        return len(self.triples)

    def plan(self) -> str:
        """The plan the triples describe: plankg.iris.plan_iri without making rdflib terms
        (ValueError if none; for several, plan_iri's choice)."""
        plans = {t.subject for t in self.triples
                 if t.predicate == _RDF_TYPE and t.object == _PLAN and isinstance(t.subject, ox.NamedNode)}
        if len(plans) == 1:
            return plans.pop().value
        from .iris import plan_iri

        return str(plan_iri(self.graph()))

    def outgoing(self) -> dict:
        """subject → [(predicate, object)], Oxigraph terms, in one pass (for lookups by subject)."""
        out: dict = {}
        for t in self.triples:
            out.setdefault(t.subject, []).append((t.predicate, t.object))
        return out


def union(*parts: Facts) -> Graph:
    """One rdflib graph of all the parts (a triple in several once), whose Oxigraph triples
    :func:`twin` finds: the data graph a validation reads. It is read, never written, and holds
    no named graphs, so it lives in rdflib's SimpleMemory store: half the cost of filling and
    reading the default one."""
    g = Graph(store="SimpleMemory")
    seen: set = set()
    rdf, oxs = [], []
    for part in parts:
        for r, t in zip(part.rdf(), part.triples):
            if t not in seen:
                seen.add(t)
                rdf.append((*r, g))
                oxs.append(t)
    g.addN(rdf)
    # twins only if each rdflib term converts back to the same Oxigraph term (rdflib rewrites some
    # typed literals as it makes them, and two Oxigraph terms may become one rdflib term)
    if len(g) == len(oxs) and all(to_ox(r[2]) == t.object for r, t in zip(rdf, oxs) if _typed(t.object)):
        _twins[g.store] = oxs
    return g


def _typed(term) -> bool:
    return isinstance(term, ox.Literal) and term.language is None and term.datatype.value != _XSD_STRING


def twin(graph: Graph) -> list | None:
    """The Oxigraph triples of a graph made by :func:`union` (any graph sharing its store), or None."""
    try:
        return _twins.get(graph.store)
    except TypeError:  # a store that cannot be weakly referenced: never a twin
        return None


def same_graph(a, b) -> bool:
    """Whether two graphs (rdflib or plankg.facts.Facts) say the same: graph isomorphism; without
    blank nodes, set equality of their triples."""
    if len(a) != len(b):
        return False
    if isinstance(a, Facts) and isinstance(b, Facts):
        if not any(isinstance(t, ox.BlankNode) for f in (a, b) for tr in f.triples for t in tr):
            return set(a.triples) == set(b.triples)
        a, b = a.graph(), b.graph()
    if not any(isinstance(t, BNode) for g in (a, b) for triple in g for t in triple):
        return set(a) == set(b)
    from rdflib.compare import isomorphic

    return isomorphic(a.graph() if isinstance(a, Facts) else a, b.graph() if isinstance(b, Facts) else b)
