"""Inference: the fast rules give what analysts' queries need, and everything useful owlrl derives."""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from plankg import canned, reason, reference as reference_data
from plankg.store import load_built
from plankg.store import Store
from plankg.vocab import PLAN, SKOS

from .conftest import PLAN_IRI

TASK = URIRef(PLAN_IRI + "/task/64")
FGW = URIRef("https://w3id.org/plankg/unit/500103/fgw")


@pytest.fixture(scope="module")
def reference(settings):
    return reference_data.reasoned(settings)


@pytest.fixture(scope="module")
def inferred(built, reference):
    return reason.infer(built.graph, reference)


def test_inferred_facts_analysts_use(inferred, built):
    assert (TASK, PLAN.involvedUnit, FGW) in inferred
    assert (FGW, PLAN.leads, TASK) in inferred and (FGW, PLAN.responsibleFor, TASK) in inferred
    assert (FGW, PLAN.involvedIn, TASK) in inferred
    assert (URIRef(PLAN_IRI), PLAN.hasTask, TASK) in inferred
    assert (TASK, RDF.type, URIRef("http://www.w3.org/ns/prov#Plan")) in inferred
    # only new triples: nothing asserted is repeated
    assert not set(inferred) & set(built.graph)


def test_reference_inference_aliases(reference):
    assert (FGW, SKOS.altLabel, Literal("重庆市渝中区发展和改革委员会", lang="zh")) in reference
    assert (FGW, RDF.type, PLAN.Party) in reference


def test_a_query_that_needs_inference(built, settings):
    """tasks-involving uses plan:involvedIn: empty on asserted facts alone, right with inference."""
    q = canned.get("tasks-involving")
    with_inference = load_built(settings, reference_data.graph(settings, further=False))
    asserted_only = Store(base=settings.base)
    asserted_only.bulk_load({settings.base + "graph/reference": reference_data.graph(settings),
                             PLAN_IRI + "/graph": built.graph})
    assert q.run(asserted_only, {"unit": "区政务服务办"}).rows == []
    numbers = [int(r[0]) for r in q.run(with_inference, {"unit": "区政务服务办"}).rows]
    # typed from the document: 区政务服务办 leads 64 and 98, shares 39, 45, 63, 114
    assert numbers == [39, 45, 63, 64, 98, 114]


def _useful(triple, ontology_terms) -> bool:
    """owlrl output an analyst could use: not sameAs, not literal/Thing/Resource typing, not schema."""
    s, p, o = triple
    if p in (OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, OWL.disjointWith,
             RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range):
        return False  # identity and schema axioms, not facts about the plan
    if s in ontology_terms or not isinstance(s, URIRef):
        return False
    if p == RDF.type and (str(o).startswith(str(XSD)) or o in (OWL.Thing, RDFS.Resource, RDFS.Datatype,
                                                                  OWL.Class, OWL.AnnotationProperty)):
        return False
    return True


@pytest.mark.slow
def test_fast_path_covers_owlrl(built, reference, inferred):
    """owlrl's OWL 2 RL closure is the reference: every useful triple it derives, the rules derive too."""
    full = reason.infer_owlrl(built.graph, reference)
    terms = set(reference.subjects(RDF.type, OWL.Class)) | set(reference.subjects(RDF.type, OWL.ObjectProperty)) \
        | set(reference.subjects(RDF.type, OWL.DatatypeProperty)) | set(reference.subjects(RDF.type, RDF.Property))
    useful = {t for t in full if _useful(t, terms)}
    missing = sorted(useful - set(inferred) - set(reference))
    assert len(useful) > 3000
    assert missing == [], f"{len(missing)} useful owlrl triples not derived by the rules, e.g. {missing[:5]}"
