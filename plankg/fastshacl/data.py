"""Data graph → :class:`_Data`: a dict index for the Core constraints, an Oxigraph store for SPARQL."""
from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, XSD

from .. import facts
from ..store import to_ox, to_rdflib
from .model import Unsupported

_EMPTY: frozenset = frozenset()
_AMBIGUOUS = object()
_FORMS: dict = {}  # a typed or tagged rdflib literal → the term Oxigraph stores for it (see _Data._canonical)


class _Data:
    """The data graph twice: a dict index for the Core constraints, an Oxigraph store for SPARQL."""

    def __init__(self, graph: Graph):
        self.graph = graph
        triples = list(graph)
        out: dict = defaultdict(dict)
        for s, p, o in triples:
            values = out[s].get(p)
            if values is None:
                values = out[s][p] = set()
            values.add(o)
        self.out = out
        self.types = {s: d[RDF.type] for s, d in out.items() if RDF.type in d}
        self.instances: dict = defaultdict(set)
        for s, types in self.types.items():
            for t in types:
                self.instances[t].add(s)
        self.subclass = {s: d[RDFS.subClassOf] for s, d in out.items() if RDFS.subClassOf in d}
        self.superclass_of: dict = defaultdict(set)
        for s, sups in self.subclass.items():
            for o in sups:
                self.superclass_of[o].add(s)
        self._supers: dict = {}
        self.store = ox.Store()
        self.original: dict = {}  # a term of a query's answer → the graph's own term, where they differ
        self._load(triples)

    def _load(self, triples: list) -> None:
        """The triples into Oxigraph, each distinct term converted once (terms recur). (Writing
        N-Triples for Oxigraph to parse measured no faster, and it renames blank nodes.) A graph
        made by plankg.facts.union brings its Oxigraph triples along: nothing to convert."""
        twin = facts.twin(self.graph)
        if twin is not None:
            self.store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in twin)
            self._canonical({o for _, _, o in triples if isinstance(o, Literal)})
            return
        terms: dict = {}
        quads = []
        for t in triples:
            quad = []
            for x in t:
                y = terms.get(x)
                if y is None:
                    y = terms[x] = to_ox(x)
                quad.append(y)
            quads.append(ox.Quad(*quad))
        self.store.bulk_extend(quads)
        self._canonical({x for x in terms if isinstance(x, Literal)})

    def _canonical(self, literals: set) -> None:
        """Oxigraph stores a number in canonical form ("6.0"^^xsd:decimal comes back as "6") and a
        language tag in lower case: map each such form back to the literal the graph holds."""
        changed = [lit for lit in literals if (lit.datatype is not None and lit.datatype != XSD.string)
                   or (lit.language and lit.language != lit.language.lower())]
        if not changed:
            return
        new = [lit for lit in changed if lit not in _FORMS]
        if new:  # what Oxigraph makes of a literal never changes: asked once per process
            if len(_FORMS) > 200_000:
                _FORMS.clear()
                new = changed
            scratch, p, default = ox.Store(), ox.NamedNode("urn:p"), ox.DefaultGraph()
            scratch.bulk_extend(ox.Quad(ox.NamedNode(f"urn:{i}"), p, to_ox(x), default) for i, x in enumerate(new))
            for q in scratch:
                _FORMS[new[int(q.subject.value[4:])]] = q.object
        found: dict = defaultdict(set)
        for lit in changed:
            found[_FORMS[lit]].add(lit)
        for form, originals in found.items():
            self.original[form] = originals.pop() if len(originals) == 1 else _AMBIGUOUS

    def back(self, term):
        """The rdflib term for a term of a query's answer."""
        r = self.original.get(term)
        if r is None:
            r = self.original[term] = to_rdflib(term)
        elif r is _AMBIGUOUS:
            raise Unsupported(f"{term}: the graph writes this number in two ways, which Oxigraph merges")
        return r

    def objects(self, s, p) -> set:
        return self.out[s].get(p, _EMPTY) if s in self.out else _EMPTY

    def superclasses(self, c) -> set:
        """c and every class it is a sub-class of (rdfs:subClassOf*)."""
        if c not in self._supers:
            self._supers[c] = _closure(c, self.subclass)
        return self._supers[c]

    def subclasses(self, c) -> set:
        """c and every class that is a sub-class of it."""
        return _closure(c, self.superclass_of)

    def is_instance(self, v, c) -> bool:
        return any(c in self.superclasses(t) for t in self.types.get(v, ()))

    def select(self, text: str):
        """Rows of a SELECT as dicts of rdflib terms, bound variables only, in projection order."""
        result = self.store.query(text)
        names = [v.value for v in result.variables]
        for solution in result:
            row = {}
            for i, name in enumerate(names):
                term = solution[i]
                if term is not None:
                    row[name] = self.back(term)
            yield row


def _closure(start, edges: dict) -> set:
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen
