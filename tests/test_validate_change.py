"""Checking a change against the kept report gives exactly what checking the whole plan gives."""
from __future__ import annotations

import pytest
from rdflib import Graph

from plankg import amend, reference as reference_data, validate as validation
from plankg.validate import stored_report, validate, validate_change

from .conftest import PLAN_IRI

T = PLAN_IRI + "/task/"
PREFIXES = """PREFIX plan: <https://w3id.org/plankg/ontology#>
PREFIX qudt: <http://qudt.org/schema/qudt/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
CHANGES = {
    "comment only": f'INSERT DATA {{ <{T}35> rdfs:comment "备注"@zh }}',
    "lead becomes unregistered": f"""
        DELETE {{ ?m plan:refersTo ?u . ?t plan:leadUnit ?u }}
        INSERT {{ ?m plan:refersTo <https://w3id.org/plankg/unit/500103/unregistered/x> . ?t plan:leadUnit <https://w3id.org/plankg/unit/500103/unregistered/x> .
                 <https://w3id.org/plankg/unit/500103/unregistered/x> a plan:UnregisteredUnit ; skos:prefLabel "区发该委"@zh ;
                     plan:district <https://w3id.org/plankg/district/500103> }}
        WHERE {{ BIND (<{T}3> AS ?t) ?t plan:leadMention ?m . ?m plan:refersTo ?u }}""",
    "lead removed": f"""
        DELETE {{ ?t plan:leadMention ?m . ?t plan:leadUnit ?u . ?m ?p ?o }}
        WHERE {{ BIND (<{T}96> AS ?t) ?t plan:leadMention ?m ; plan:leadUnit ?u . ?m ?p ?o }}""",
    "lead no longer also responsible": f"""
        DELETE {{ ?t plan:responsibleMention ?m . ?m ?p ?o }}
        WHERE {{ BIND (<{T}64> AS ?t) ?t plan:leadUnit ?u ; plan:responsibleMention ?m . ?m plan:refersTo ?u ; ?p ?o }}""",
    "implausible growth": f"""
        DELETE {{ ?x qudt:numericValue ?v }} INSERT {{ ?x qudt:numericValue 500.0 }}
        WHERE {{ <{T}4> plan:target ?x . ?x qudt:numericValue ?v }}""",
    "target removed": f"DELETE {{ <{T}1> plan:target ?x . ?x ?p ?o }} WHERE {{ <{T}1> plan:target ?x . ?x ?p ?o }}",
    "number changed": f"DELETE DATA {{ <{T}12> plan:number 12 }} ; INSERT DATA {{ <{T}12> plan:number 13 }}",
}


def key(report):
    return sorted((r.rule, str(r.focus), r.severity, str(r.value), r.message_en, r.line or 0) for r in report.results)


@pytest.fixture(scope="module")
def reference(settings) -> Graph:
    return reference_data.graph(settings)


@pytest.fixture(scope="module")
def before(built, reference):
    old = built.graph
    data = Graph()
    data += old
    data += reference
    return old, stored_report(validate(data).to_turtle())


@pytest.mark.parametrize("name", CHANGES)
def test_checking_the_change_equals_checking_everything(name, before, reference, monkeypatch):
    old, kept = before
    new = amend.apply_update(old, PREFIXES + CHANGES[name])
    assert set(new) != set(old)
    data = Graph()
    data += new
    data += reference
    full = validate(data)
    focus_sizes = []
    real = validation.validate

    def spy(data, shapes=None, focus_nodes=None):
        focus_sizes.append(None if focus_nodes is None else len(focus_nodes))
        return real(data, shapes, focus_nodes)

    monkeypatch.setattr(validation, "validate", spy)
    changed = validate_change(old, new, data, kept)
    assert key(changed) == key(full)
    assert changed.conforms == full.conforms
    if name == "number changed":
        assert focus_sizes == [None]  # numbering compares tasks with each other: checked in full
    else:
        assert focus_sizes and focus_sizes[0] < 60  # a task and its parts, not the plan's 2,000 nodes
    standard = Graph().parse(data=changed.to_turtle(), format="turtle")
    assert len(set(standard.subjects(validation.RDF.type, validation.SH.ValidationResult))) == len(full.results)


def test_without_a_kept_report_everything_is_checked(before, reference):
    old, _ = before
    new = amend.apply_update(old, PREFIXES + CHANGES["lead removed"])
    data = Graph()
    data += new
    data += reference
    assert key(validate_change(old, new, data, None)) == key(validate(data))
