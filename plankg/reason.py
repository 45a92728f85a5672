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

import re

import pyoxigraph as ox
from rdflib import Graph

from . import resources
from .store import memoised, to_rdflib


def rules() -> list[str]:
    """The entailment rules, in the order they are applied."""
    return [p.read_text(encoding="utf-8") for p in resources.listing("ontology/rules", ".rq")]


def derive(asserted, ontology, max_rounds: int = 10) -> list:
    """The triples (pyoxigraph) the rules derive from ``asserted`` + ``ontology`` (each a
    plankg.facts.Facts or an rdflib graph) that neither already holds.

    Each rule runs in Oxigraph as a SPARQL INSERT of its CONSTRUCT template, all of them in turn,
    until a round adds nothing: what the CONSTRUCTs would find, without a triple leaving Oxigraph
    until the end."""
    from .facts import Facts

    store = ox.Store()
    given = {t for g in (asserted, ontology) for t in Facts.from_graph(g).triples}
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in given)
    updates = inserts()
    for _ in range(max_rounds):
        size = len(store)
        for update in updates:
            store.update(update)
        if len(store) == size:
            break
    return [q.triple for q in store if q.triple not in given]


def inserts() -> list[str]:
    """The rules as SPARQL Updates: each ``CONSTRUCT {template} WHERE`` as ``INSERT {template} WHERE``."""
    return [_CONSTRUCT.sub("INSERT", rule, count=1) for rule in rules()]


_CONSTRUCT = re.compile(r"^CONSTRUCT\b", re.M)


def infer(asserted: Graph, ontology: Graph, max_rounds: int = 10) -> Graph:
    """The triples the rules derive from ``asserted`` + ``ontology`` that neither already holds,
    as an rdflib graph (:func:`derive` keeps them in Oxigraph)."""
    out = Graph()
    back = memoised(to_rdflib)
    out.addN((back(t.subject), back(t.predicate), back(t.object), out) for t in derive(asserted, ontology, max_rounds))
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
