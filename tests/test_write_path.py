"""The write path held in Oxigraph (plankg.facts) gives what the rdflib path gave, triple for triple.

An amendment's candidate now stays in Oxigraph from the update to the index (issue 22): these
tests put each step beside the way it was done before (rdflib graphs, converted at each step)
and ask for the same output: the same inferred triples (4,870 for the bundled plan), the same
report, the same version file and the same index. Nothing here is timed; bench/ measures.
"""
from __future__ import annotations


import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph

from plankg import amend, numerals, reason, reference, serialize
from plankg.cli import cli
from plankg.facts import Facts, twin, union
from plankg.graph import PREFIXES
from plankg.store import memoised, read_turtle, to_ox, to_rdflib
from plankg.validate import validate, validate_change
from plankg.versions import Repository

from .conftest import PLAN_IRI

LABEL = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
DELETE { ?t rdfs:label ?old } INSERT { ?t rdfs:label "任务21：修订"@zh }
WHERE { BIND (<%s/task/21> AS ?t) ?t rdfs:label ?old FILTER (LANG(?old) = "zh") }""" % PLAN_IRI
NO_LEAD = "PREFIX plan: <https://w3id.org/plankg/ontology#>\nDELETE WHERE { <%s/task/7> plan:leadUnit ?u }" % PLAN_IRI


def rdflib_infer(asserted: Graph, ontology: Graph) -> set:
    """Inference as it was done before: rdflib terms into Oxigraph, the rules as CONSTRUCTs,
    the new triples back into rdflib."""
    store, default, to = ox.Store(), ox.DefaultGraph(), memoised(to_ox)
    store.extend(ox.Quad(to(s), to(p), to(o), default) for g in (asserted, ontology) for s, p, o in g)
    new = []
    for _ in range(10):
        fresh = []
        for q in reason.rules():
            found = [x for x in {ox.Quad(t.subject, t.predicate, t.object, default) for t in store.query(q)}
                     if x not in store]
            store.extend(found)
            fresh += found
        new += fresh
        if not fresh:
            break
    return {(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in new}


def old_version(settings, built) -> Graph:
    g = read_turtle(settings.build_dir / built.output_name)
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


def findings(report) -> list:
    return [(r.key, r.severity, r.message_en, r.message_zh, str(r.value)) for r in report.results]


def test_the_numeral_table_says_what_cn2an_says():
    import cn2an

    for written, value in numerals.TABLE.items():
        assert cn2an.cn2an(written, "strict") == cn2an.cn2an(written, "smart") == value, written
    for written, value in numerals.LOOSE.items():
        assert cn2an.cn2an(written, "normal") == cn2an.cn2an(written, "smart") == value, written
        assert numerals.cn2an(written, "normal") == value
        with pytest.raises(ValueError):  # strict mode refuses them, with or without the table
            numerals.cn2an(written, "strict")
    assert numerals.cn2an("一百二十三", "strict") == 123  # beyond the table: cn2an answers


def test_derive_gives_the_same_inferred_triples(settings, built):
    ontology = reference.reasoned(settings, "500103")
    derived = reason.derive(Facts.from_turtle(settings.build_dir / built.output_name),
                            reference.facts(settings, "500103", reasoned=True))
    expected = rdflib_infer(built.graph, ontology)
    assert len(expected) == len(derived) == 4870
    assert set(Facts(derived).graph()) == expected
    assert set(reason.infer(built.graph, ontology)) == expected


def test_an_update_in_oxigraph_gives_the_graph_rdflib_gave(settings, built):
    old = old_version(settings, built)
    by_rdflib = amend.apply_update(old, LABEL)
    by_facts = amend.apply_update(Facts.from_turtle(settings.build_dir / built.output_name,
                                                    namespaces=list(old.namespaces())), LABEL)
    assert isinstance(by_rdflib, Graph) and isinstance(by_facts, Facts)
    assert set(by_facts.graph()) == set(by_rdflib)
    assert serialize.turtle(by_facts) == serialize.turtle(by_rdflib)  # the version file, byte for byte


@pytest.mark.parametrize("update", [LABEL, NO_LEAD], ids=["accepted", "rejected"])
def test_the_check_of_a_change_reports_what_it_reported(settings, built, update):
    old = old_version(settings, built)
    new = amend.apply_update(old, update)
    data = Graph()  # the data graph as check() assembled it before
    data += new
    data += reference.graph(settings, "500103")
    full = validate(data)
    kept = validate(_with_reference(old, settings)).to_turtle()
    before = validate_change(old, new, data, Graph().parse(data=kept, format="turtle"))

    from plankg.check import check

    old_facts = Facts.from_turtle(settings.build_dir / built.output_name)
    now = check(amend.apply_update(old_facts, update), settings, since=(old_facts, kept))
    assert findings(now) == findings(before) == findings(full)
    assert now.conforms == full.conforms == (update is LABEL)
    assert now.to_text() == full.to_text()


def _with_reference(graph: Graph, settings) -> Graph:
    data = Graph()
    data += graph
    data += reference.graph(settings, "500103")
    return data


def test_the_data_graph_brings_its_oxigraph_triples(settings, built):
    facts = Facts.from_graph(built.graph)
    data = union(facts, reference.facts(settings, "500103"))
    ref = reference.graph(settings, "500103")
    assert set(data) == set(built.graph) | set(ref)
    assert {(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in twin(data)} == set(data)
    assert twin(Graph()) is None


def test_plankg_amend_stores_and_indexes_what_the_rdflib_path_would(settings, built, tmp_path):
    root = tmp_path / "store"
    Repository.open(settings.with_overrides(store_dir_override=root), validate=True)
    change = tmp_path / "label.ru"
    change.write_text(LABEL, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--build-dir", str(settings.build_dir), "amend", str(change), "-m", "label",
                                      "--store", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "version 2" in result.output
    expected = amend.apply_update(old_version(settings, built), LABEL)
    repo = Repository.open(settings.with_overrides(store_dir_override=root), initialise=False)
    (v2,) = [v for v in repo.history(PLAN_IRI) if v.number == 2]
    assert v2.path.read_text(encoding="utf-8") == serialize.turtle(expected)
    try:
        assert set(repo.store.graph(f"{PLAN_IRI}/graph")) == set(expected)
        assert set(repo.store.graph(f"{PLAN_IRI}/inferred")) == rdflib_infer(expected,
                                                                             reference.reasoned(settings, "500103"))
    finally:
        from plankg.versions import close

        close(repo)


def test_strings_are_quoted_as_rdflib_quotes_them(built):
    from rdflib import Literal

    odd = ['a"b', "a\\b", "a\nb", 'a\r\nb"', 'x"""y\nz', 'end"\n"', '\\"\n', 'q\n\\"', '"', "\r"]
    for text in odd + [str(o) for o in built.graph.objects() if isinstance(o, Literal)]:
        assert serialize.quote(text) == Literal(text).n3(), text


def test_plankg_build_writes_the_inferred_graph_the_rdflib_path_wrote(settings, built):
    written = (settings.build_dir / built.output_name).with_suffix(".inferred.ttl").read_text(encoding="utf-8")
    assert written == serialize.turtle(reason.infer(built.graph, reference.reasoned(settings, "500103")))


def test_the_data_graph_of_a_change_gets_pyshacls_report(settings, built, monkeypatch):
    """The data graph (facts.union, in SimpleMemory, its Oxigraph twin read by the fast path)
    gets from the fast path exactly what pySHACL reports on it."""
    new = amend.apply_update(Facts.from_turtle(settings.build_dir / built.output_name), NO_LEAD)
    data = union(new, reference.facts(settings, "500103"))
    monkeypatch.setenv("PLANKG_VALIDATOR", "pyshacl")
    by_pyshacl = validate(data)
    monkeypatch.setenv("PLANKG_VALIDATOR", "fast")
    fast = validate(data)
    assert not fast.conforms and findings(fast) == findings(by_pyshacl)
    assert fast.to_text() == by_pyshacl.to_text()
