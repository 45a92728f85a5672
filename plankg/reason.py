"""A plan's asserted graph → the triples the ontology implies for it (its inferred graph).

Two ways to get them:

* :func:`infer` — the fast path the build and every amendment use: the entailment rules the
  ontology actually needs (sub-properties, inverses, sub-classes, domains and ranges of
  resources; ``ontology/rules/*.rq``),
  run by Oxigraph as SPARQL CONSTRUCTs until nothing new appears.
* :func:`infer_owlrl` — owlrl's full OWL 2 RL (or RDFS) closure: the reference for what the
  ontology implies. It is slower and most of what it adds (``rdf:type rdfs:Resource``,
  ``owl:sameAs`` a node to itself, facts about the vocabulary itself) is of no use to a query;
  a test checks that every useful triple it derives is also derived by the fast path.

Either way the result holds only new triples, so asserted and inferred facts stay apart (the
store keeps them in separate named graphs) and inference can be rebuilt at any time.
"""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from . import resources
from .store import memoised, to_ox, to_rdflib


def rules() -> list[str]:
    """The entailment rules, in the order they are applied."""
    return [p.read_text(encoding="utf-8") for p in resources.listing("ontology/rules", ".rq")]


def infer(asserted: Graph, ontology: Graph, max_rounds: int = 10) -> Graph:
    """The triples the rules derive from ``asserted`` + ``ontology`` that neither already holds."""
    store = ox.Store()
    default = ox.DefaultGraph()
    to = memoised(to_ox)  # terms recur (a plan names the same units and classes hundreds of times)
    store.extend(ox.Quad(to(s), to(p), to(o), default) for g in (asserted, ontology) for s, p, o in g)
    new: list[ox.Quad] = []
    queries = rules()
    for _ in range(max_rounds):
        fresh = []
        for q in queries:
            found = {ox.Quad(t.subject, t.predicate, t.object, default) for t in store.query(q)}
            found = [quad for quad in found if quad not in store]
            store.extend(found)
            fresh += found
        new += fresh
        if not fresh:
            break
    out = Graph()
    back = memoised(to_rdflib)
    out.addN((back(q.subject), back(q.predicate), back(q.object), out) for q in new)
    return out


def infer_owlrl(asserted: Graph, ontology: Graph, semantics: str = "owlrl") -> Graph:
    """owlrl's closure ("owlrl" or "rdfs") of asserted + ontology, minus what was there before."""
    import owlrl

    closure = Graph()
    closure += asserted
    closure += ontology
    before = set(closure)
    kind = owlrl.OWLRL_Semantics if semantics == "owlrl" else owlrl.RDFS_Semantics
    owlrl.DeductiveClosure(kind, rdfs_closure=False, axiomatic_triples=False,
                           datatype_axioms=False).expand(closure)
    out = Graph()
    for t in closure:
        if t not in before:
            out.add(t)
    return out
