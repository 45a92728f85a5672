"""Namespaces: the plankg ontology as a closed namespace, plus the W3C vocabularies it aligns to.

``PLAN`` is built from the terms that ``ontology/plankg.ttl`` declares, so a misspelt term
(``PLAN.leadUnti``) raises instead of minting an IRI nobody defined, and the ontology file
stays the one definition of the vocabulary.
"""
from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, ClosedNamespace, Namespace as _NS

from . import resources

ONTOLOGY_IRI = URIRef("https://w3id.org/plankg/ontology")
PLAN_NS = "https://w3id.org/plankg/ontology#"
ORG = Namespace("http://www.w3.org/ns/org#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
CUR = Namespace("http://qudt.org/vocab/currency/")
QK = Namespace("http://qudt.org/vocab/quantitykind/")
VOID = Namespace("http://rdfs.org/ns/void#")
SH = Namespace("http://www.w3.org/ns/shacl#")
BODY_TYPE = _NS("https://w3id.org/plankg/def/body-type/")
SECTOR = _NS("https://w3id.org/plankg/def/sector/")


def _declared_terms() -> list[str]:
    """The subjects of ontology/plankg.ttl in PLAN_NS, read by Oxigraph (rdflib's parser took
    0.1 s of every process's start)."""
    import pyoxigraph as ox

    triples = ox.parse(resources.text("ontology/plankg.ttl"), format=ox.RdfFormat.TURTLE)
    return sorted({q.subject.value[len(PLAN_NS):] for q in triples
                   if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(PLAN_NS)})


PLAN = ClosedNamespace(PLAN_NS, _declared_terms())

__all__ = ["PLAN", "ORG", "QUDT", "UNIT", "CUR", "QK", "VOID", "SH", "BODY_TYPE", "SECTOR",
           "DCTERMS", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD", "ONTOLOGY_IRI"]
