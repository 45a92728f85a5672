"""A governed graph (principle P7, shapes/README.md): what a plan's graph may state at all.

A plan's graph states things about the plan's own resources (the plan and what lies under the
project's IRI base) with the terms the ontology declares and the standard vocabularies the plan
uses. An amendment (``plankg amend``, ``/update``) whose candidate graph holds any other triple —
a subject from outside (``<urn:x>``, example.org), a predicate or class nobody declared, a link to
something nothing describes, or to a name reserved for examples (RFC 2606) — is refused with the
triple named (HTTP 422), before any rule runs, and nothing is stored.

Why Python and not a shape: the check reads every triple of the plan against the whole reference
graph, which one pass of set look-ups does in milliseconds; as SHACL-SPARQL it ran for minutes on
pySHACL, the reference the fast validator must match. The standard vocabularies are admitted by
namespace (their terms are not in the reference data), so a misspelt ``dcterms:`` term is not caught.
"""
from __future__ import annotations

import re

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF

STANDARD = ("http://www.w3.org/", "http://purl.org/dc/terms/", "http://qudt.org/", "http://xmlns.com/foaf/0.1/",
            "http://purl.org/vocab/vann/", "http://purl.org/linked-data/cube#",
            "http://id.loc.gov/vocabulary/iso639-1/")
# predicates whose object may be a page on the web that nothing in the graph describes (but not
# an IRI of the project's own, which must be described)
REFERENCES = {DCTERMS.source, DCTERMS.license, RDFS.seeAlso, RDFS.isDefinedBy, FOAF.homepage, OWL.versionIRI}
RESERVED = re.compile(r"^(urn:|[a-z]+://([^/:]*\.)?(example\.(org|com|net)|localhost|[^/:]*\.(test|example|invalid|localhost))([:/]|$))")
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
CLASS_TYPES = (OWL.Class, RDFS.Class)
SHOWN = 10  # triples named in a message; the rest are counted


def _standard(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(STANDARD)


def _show(term) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return f'"{term}"'
    return "[]"


def foreign(plan: Graph, reference: Graph, base: str, also: Graph | None = None) -> list[tuple[tuple, str]]:
    """Each triple of ``plan`` that a governed graph may not hold, with why (in English).

    ``also``: the rest of the graph the triples go into (what they may point to)."""
    properties = {s for t in PROPERTY_TYPES for s in reference.subjects(RDF.type, t)}
    classes = {s for t in CLASS_TYPES for s in reference.subjects(RDF.type, t)}
    described = set(reference.subjects()) | set(plan.subjects()) | set(also.subjects() if also is not None else ())
    out = []
    for s, p, o in sorted(plan, key=lambda t: tuple(map(str, t))):
        if isinstance(s, URIRef) and not str(s).startswith(base) and not _standard(s):
            why = "the subject is neither a resource of this plan nor shared reference data"
        elif not _standard(p) and p not in properties:
            why = "the predicate is neither a term the ontology declares nor in a standard vocabulary the plan uses"
        elif p == RDF.type and not _standard(o) and o not in classes:
            why = "the class is neither one the ontology declares nor in a standard vocabulary the plan uses"
        elif isinstance(o, URIRef) and p != RDF.type and not _standard(o) and (
                RESERVED.match(str(o)) or (o not in described and (p not in REFERENCES or str(o).startswith(base)))):
            why = "the object is a name reserved for examples" if RESERVED.match(str(o)) else "nothing describes the object"
        else:
            continue
        out.append(((s, p, o), why))
    return out


def message(found: list[tuple[tuple, str]]) -> str:
    """One line per refused triple, for the 422 answer and the CLI."""
    lines = [f"{_show(s)} {_show(p)} {_show(o)} — {why}" for (s, p, o), why in found[:SHOWN]]
    more = f"\n… and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    return (f"the change would put {len(found)} triple(s) into the plan's graph that a governed graph may not "
            "hold (only the plan's own resources, with the ontology's terms and the standard vocabularies "
            "the plan uses; see docs/rules.md, P7):\n" + "\n".join(lines) + more)


def added(settings, plan: str, old, new) -> list[tuple[tuple, str]]:
    """What :func:`foreign` finds among the triples a change adds to the plan (``old`` → ``new``,
    plankg.facts.Facts or rdflib graphs): what it brings, not what the current version already
    holds (a built plan's own graph is the parser's)."""
    from . import reference
    from .iris import district_of

    try:
        district = district_of(settings.base, URIRef(plan))
    except ValueError:
        district = None
    brought = Graph()
    if hasattr(old, "triples") and hasattr(new, "triples") and not isinstance(new, Graph):  # plankg.facts.Facts
        from .store import to_rdflib  # compare Oxigraph terms: only the added triples become rdflib terms

        kept = set(old.triples)
        for t in new.triples:
            if t not in kept:
                brought.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    else:
        for t in set(new) - set(old):
            brought.add(t)
    if not brought:
        return []
    return foreign(brought, reference.graph(settings, district), settings.base,
                   also=new.graph() if hasattr(new, "graph") and not isinstance(new, Graph) else new)
