"""The fast SHACL path (plankg.fastshacl) against pySHACL, the reference, result by result.

Each graph is validated twice through plankg.validate.validate, once with PLANKG_VALIDATOR=pyshacl
and once with the default; the reports must agree in everything a result says (focus node,
path, value, severity, source shape, constraint, message in each language), as graphs
(isomorphic), and as text. The graphs: the bundled plan (in full and for a few focus nodes, as an
amendment checks), every inline case of tests/test_rules.py, the samples of other layouts, and
(slow) every variant of tests/mutations.py.
"""
from __future__ import annotations

import shutil
from collections import Counter

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.compare import isomorphic

from plankg import fastshacl, pipeline, reference as reference_data
from plankg.validate import shapes_graph, validate
from plankg.vocab import PLAN, RDF, SH

from . import mutations, test_rules
from .conftest import REPO, SOURCE


def _both(monkeypatch, data: Graph, **kw):
    monkeypatch.setenv("PLANKG_VALIDATOR", "pyshacl")
    reference = validate(data, **kw)
    monkeypatch.setenv("PLANKG_VALIDATOR", "fast")
    fast = validate(data, **kw)
    return reference, fast


def _said(report) -> Counter:
    """What each result node says, blank nodes left out (each run names them differently)."""
    g = report.graph

    def term(x):
        return None if isinstance(x, BNode) else x

    return Counter((term(g.value(n, SH.focusNode)), g.value(n, SH.resultPath), term(g.value(n, SH.value)),
                    g.value(n, SH.resultSeverity), term(g.value(n, SH.sourceShape)),
                    g.value(n, SH.sourceConstraintComponent),
                    frozenset((str(m), m.language) for m in g.objects(n, SH.resultMessage)))
                   for n in g.subjects(RDF.type, SH.ValidationResult))


def _read(report) -> Counter:
    """What plankg makes of each result: its place, line, rule, messages …"""
    return Counter((r.focus, r.severity, r.message_zh, r.message_en, r.value, r.shape, r.constraint, r.task,
                    r.number, r.line, r.place, r.rule) for r in report.results)


def assert_same(reference, fast):
    assert fast.conforms == reference.conforms
    assert _said(fast) == _said(reference), fast.to_text() + "\n---- pySHACL:\n" + reference.to_text()
    assert _read(fast) == _read(reference)
    assert fast.to_text() == reference.to_text()
    assert isomorphic(fast.graph, reference.graph)


@pytest.fixture(scope="module")
def reference(settings) -> Graph:
    return reference_data.graph(settings, "500103")


def test_our_shapes_are_all_implemented():
    """If this fails, a shape uses a feature the fast path refuses: every plan falls back to pySHACL."""
    fastshacl.compile_shapes(shapes_graph())


@pytest.mark.parametrize("extra", [
    'plansh:X a sh:NodeShape ; sh:targetClass plan:Task ; sh:xone ( plansh:A plansh:B ) ; sh:message "m" .',
    "plansh:X a sh:PropertyShape ; sh:targetClass plan:Task ; sh:path ( plan:a plan:b ) ; sh:minCount 1 ;"
    ' sh:message "m" .',                                                          # a path that is not one IRI
    'plansh:X a sh:NodeShape ; sh:targetClass plan:Task ; sh:closed true ; sh:message "m" .',
    "plansh:X a sh:NodeShape ; sh:targetClass plan:Task ; sh:property [ sh:path plan:a ; sh:minCount 1 ] .",
])
def test_an_unknown_feature_is_refused_and_pyshacl_runs(extra, built, reference, monkeypatch):
    shapes = Graph()
    shapes += shapes_graph()
    shapes.parse(data="@prefix plansh: <https://w3id.org/plankg/shapes#> . @prefix plan: <https://w3id.org/plankg/"
                      "ontology#> . @prefix sh: <http://www.w3.org/ns/shacl#> .\n" + extra, format="turtle")
    with pytest.raises(fastshacl.Unsupported):
        fastshacl.compile_shapes(shapes)
    called = []
    import plankg.validate as v
    real = v._pyshacl
    monkeypatch.setattr(v, "_pyshacl", lambda *a: called.append(1) or real(*a))
    small = Graph().parse(data=test_rules.PASSING, format="turtle") + reference
    validate(small, shapes=shapes)
    assert called


_TARGET_KINDS = """
@prefix plansh: <https://w3id.org/plankg/shapes#> . @prefix plan: <https://w3id.org/plankg/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
plansh:BySubject a sh:NodeShape ; sh:targetSubjectsOf plan:leadUnit ;
    sh:property [ sh:path plan:number ; sh:minCount 2 ; sh:message "two numbers"@en ] .
plansh:ByObject a sh:NodeShape ; sh:targetObjectsOf plan:leadUnit ;
    sh:property [ sh:path plan:nonesuch ; sh:minCount 1 ; sh:message "no nonesuch"@en ] .
plansh:ByNode a sh:NodeShape ; sh:targetNode plan:Nowhere, <https://w3id.org/plankg/plan/500103/2023/task/1> ;
    sh:property [ sh:path plan:text ; sh:maxCount 0 ; sh:message "has text"@en ] .
"""


def test_the_other_target_kinds_as_pyshacl(built, reference, monkeypatch):
    """sh:targetSubjectsOf, sh:targetObjectsOf and sh:targetNode (the outcome shapes use the first)
    give the focus nodes pySHACL gives, a node absent from the data included."""
    shapes = Graph()
    shapes += shapes_graph()
    shapes.parse(data=_TARGET_KINDS, format="turtle")
    reference_report, fast = _both(monkeypatch, built.graph + reference, shapes=shapes)
    assert not fast.conforms and any("two numbers" in r.message_en for r in fast.results)
    assert any("has text" in r.message_en for r in fast.results)
    assert_same(reference_report, fast)


def test_bundled_plan(built, reference, monkeypatch):
    assert_same(*_both(monkeypatch, built.graph + reference))


def test_bundled_plan_for_a_few_focus_nodes(built, reference, monkeypatch):
    """As plankg.validate.validate_change checks an amendment: only the nodes it touches."""
    plan = URIRef(str(built.iris.plan))
    focus = {URIRef(f"{plan}/task/{n}") for n in (1, 35, 64)} | set(built.graph.objects(None, PLAN.headlineTarget))
    focus |= {m for t in list(focus) for m in built.graph.objects(t, PLAN.responsibleMention)}
    reference_report, fast = _both(monkeypatch, built.graph + reference, focus_nodes=sorted(focus))
    assert reference_report.results  # tasks 35 and 64 have warnings
    assert_same(reference_report, fast)


def _case_ids():
    return [c[2] for c in test_rules.CASES] + [f"growth{g[0]}" for g in test_rules.GROWTH] + ["passing"]


def _case_texts():
    out = []
    for old, new, rule, *_ in test_rules.CASES:
        ttl = test_rules.PASSING.replace(old, new)
        for a, b in test_rules.ALSO.get(rule, []):
            ttl = ttl.replace(a, b)
        out.append(ttl)
    out += [test_rules.PASSING.replace("qudt:numericValue 5.0", f"qudt:numericValue {g[0]}")
            for g in test_rules.GROWTH]
    return out + [test_rules.PASSING]


@pytest.mark.parametrize("ttl", _case_texts(), ids=_case_ids())
def test_each_rule_case(ttl, reference, monkeypatch):
    ref, fast = _both(monkeypatch, Graph().parse(data=ttl, format="turtle") + reference)
    assert_same(ref, fast)


@pytest.mark.parametrize("name", test_rules.SAMPLES)
def test_samples(name, settings, monkeypatch):
    from plankg.graph import PlanMeta

    district, code, title = test_rules.SAMPLES[name]
    meta = PlanMeta(title=title, publisher=f"{district}人民政府办公室", district=district, division_code=code, year=2024)
    result = pipeline.build(REPO / "tests" / "data" / "samples" / f"{name}.txt", settings, meta=meta)
    assert_same(*_both(monkeypatch, result.graph + reference_data.graph(settings, code)))


# every variant the reader reads: the valid edits, and the defects a rule finding names (a defect
# with no place is one the reader refuses, which tests/test_mutations.py checks)
VARIANTS = [v for v in mutations.defects() if v.place is not None] + mutations.valid_edits()


@pytest.mark.slow
@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_every_mutation(variant, settings, reference, tmp_path, monkeypatch):
    path = tmp_path / SOURCE.name
    path.write_text(variant.text, encoding="utf-8")
    shutil.copy(SOURCE.with_suffix(".toml"), path.with_suffix(".toml"))
    result = pipeline.build(path, settings)
    assert_same(*_both(monkeypatch, result.graph + reference))


def test_the_rdflib_query_rewrite_still_applies():
    """plankg.validate reorders rdflib's parsed queries (private internals, for pySHACL and the
    order-dependent constraints): on the rdflib version pinned in pyproject.toml, a pattern
    joined to $this must come first, else pySHACL takes minutes again."""
    from rdflib import Variable

    from plankg.validate_queries import _prepared

    query = _prepared("PREFIX plan: <https://w3id.org/plankg/ontology#>\n"
                      "SELECT $this ?value WHERE { ?m plan:nameAsWritten ?value . $this plan:leadMention ?m . }")
    bgps = []

    def walk(node):
        if isinstance(node, dict):
            if getattr(node, "name", None) == "BGP":
                bgps.append(node["triples"])
            for v in node.values():
                walk(v)
        elif isinstance(node, (list, tuple)):
            for v in node:
                walk(v)

    walk(query.algebra)
    assert bgps and Variable("this") in bgps[0][0], bgps
