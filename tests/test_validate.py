"""The rule checks: the bundled plan, a copy broken once per rule, small graphs per shape, the CLI."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from rdflib import Graph, Literal

from plankg import pipeline, reference as reference_data
from plankg.validate import validate
from plankg.vocab import RDF, SH

from .conftest import REPO, SOURCE

# What a careful reader of the bundled plan notices, typed from the document:
# (place, line, rule, value) — line None where the document has no line (a missing heading).
BUNDLED_WARNINGS = [
    ("section 二", 29, "HeadingWithoutStrayCharacter", "作"),            # 二、作着力扩内需…
    ("sub-section 三（一）", None, "SubsectionHeadingPresent", "三（一）"),  # 三 starts at task 21, (二) follows
    ("task 35", 122, "UnitListedOnce", "各管委会"),                       # items 5 and 7 of 责任单位
    ("task 64", 213, "LeadNotAlsoResponsible", "区发改委"),
    ("task 68", 226, "LeadNotAlsoResponsible", "区财政局"),
    ("task 71", 235, "LeadNotAlsoResponsible", "区住建委"),
    ("task 105", 337, "LeadNotAlsoResponsible", "区发改委"),
]


@pytest.fixture(scope="session")
def reference(settings) -> Graph:
    return reference_data.graph(settings)


@pytest.fixture(scope="session")
def bundled_report(built, reference):
    return validate(built.graph + reference)


def _found(report):
    return [(r.place, r.line, r.rule, str(r.value)) for r in report.results]


# -- The bundled plan ---------------------------------------------------------------------

def test_bundled_plan_conforms_with_exactly_the_warnings_it_deserves(bundled_report):
    assert bundled_report.conforms, bundled_report.to_text()
    assert bundled_report.violations == []
    assert all(r.severity == "Warning" for r in bundled_report.results)
    assert sorted(_found(bundled_report), key=str) == sorted(BUNDLED_WARNINGS, key=str), bundled_report.to_text()


def test_results_name_their_task(bundled_report, built):
    (r,) = [r for r in bundled_report.results if r.place == "task 64"]
    assert r.task == built.iris.plan + "/task/64" and r.number == 64 and r.focus == r.task
    assert r.message_zh == "牵头单位又列为责任单位" and r.message_en == "lead unit also listed as responsible"
    assert str(r.shape) == "https://w3id.org/plankg/shapes#LeadNotAlsoResponsible"
    assert r.constraint == SH.SPARQLConstraintComponent


def test_text_report_is_grouped_by_task_in_document_order(bundled_report):
    lines = bundled_report.to_text().splitlines()
    assert "task 64 (line 213)  Warning  牵头单位又列为责任单位 / lead unit also listed as responsible: 区发改委" in lines
    tasks = [int(m.group(1)) for line in lines if (m := re.match(r"task (\d+) ", line))]
    assert tasks == sorted(tasks) == [35, 64, 68, 71, 105]
    assert lines[-1] == "conforms: 0 violation(s), 7 warning(s)"


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")
def test_standard_report_in_turtle_and_json_ld(bundled_report):
    for data, fmt in ((bundled_report.to_turtle(), "turtle"), (bundled_report.to_json(), "json-ld")):
        g = Graph().parse(data=data, format=fmt)
        (report,) = g.subjects(RDF.type, SH.ValidationReport)
        assert g.value(report, SH.conforms) == Literal(True)
        results = list(g.objects(report, SH.result))
        assert len(results) == len(BUNDLED_WARNINGS)
        languages = {m.language for r in results for m in g.objects(r, SH.resultMessage)}
        assert languages == {"zh", "en"}  # SPARQL messages keep their language tags
    assert json.loads(bundled_report.to_json())["@context"]["sh"] == str(SH)


# -- One copy of the plan, each rule broken exactly once -----------------------------------
# (rule, severity, task number, marker on the line to report, value shown) — the line is looked up
# in the edited text, so the expectations do not depend on how edits shift later lines.

EDITS = [
    ("牵头单位:区大数据局\n97.", "97."),                                          # task 96 loses its 牵头单位
    ("3.固定资产投资总额增长5%以上。\n牵头单位:区发改委", "3.固定资产投资总额增长5%以上。\n牵头单位:区发该委"),
    ("\n(二)高质量打造", "\n12.重复编号的任务。\n牵头单位:区商务委\n(二)高质量打造"),
    ("区经信委、区住建委、区商务委、区文旅委", "区经信委、区住建委、区商务委、、区文旅委"),  # task 22
    ("牵头单位:区商务委\n责任单位:区金融办、区经信委", "牵头单位:区商务委\n责任单位:区金融办、区经信委、区商务委"),
    ("责任单位:区民政局、区人社局", "责任单位:区民政局、区人社局、区民政局"),
    ("1.地区生产总值增长5%左右", "1.地区生产总值增长%左右"),
    ("4.社会消费品零售总额增长6%左右", "4.社会消费品零售总额增长500%左右"),
]

BROKEN = [
    ("Task-leadUnit", "Violation", 96, "96.加快建设数字政府", None),
    ("UnitRegistered", "Violation", 3, "牵头单位:区发该委", "区发该委"),
    ("TaskNumberUnique", "Violation", 12, "12.重复编号的任务", "12"),
    ("TaskNumberInSequence", "Violation", 12, "12.重复编号的任务", "12"),      # 12 again after 12
    ("TaskNumberInSequence", "Violation", 151, "151.加快发展普惠性学前教育", "151"),
    ("UnitListItemNotEmpty", "Violation", 22, "区商务委、、区文旅委", ""),
    ("LeadNotAlsoResponsible", "Warning", 6, "6.提振消费信心", "区商务委"),
    ("UnitListedOnce", "Warning", 5, "5.城镇居民人均可支配收入", "区民政局"),
    ("TargetHasNumber", "Violation", 1, "1.地区生产总值增长%左右", "地区生产总值增长%"),
    ("GrowthRateUsual", "NeedsAcknowledgement", 4, "4.社会消费品零售总额增长500%", "500"),
]
# and the preamble (line 3) still says 社会消费品零售总额增长6%左右: HeadlineTargetAgrees


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.fixture(scope="module")
def broken(tmp_path_factory, settings, reference):
    """The bundled plan with every edit of EDITS applied, built and validated once."""
    dest = tmp_path_factory.mktemp("broken")
    shutil.copy(SOURCE.with_suffix(".toml"), dest / SOURCE.with_suffix(".toml").name)
    text = SOURCE.read_text(encoding="utf-8")
    for old, new in EDITS:
        text = _edit(text, old, new)
    # Task 150 goes entirely (its text and unit lines), so the numbers skip from 149 to 151.
    text, deleted = re.subn(r"\n150\.[^\n]*\n牵头单位:[^\n]*\n责任单位:[^\n]*", "", text)
    assert deleted == 1
    path = dest / SOURCE.name
    path.write_text(text, encoding="utf-8")
    return text, validate(pipeline.build(path, settings).graph + reference)


@pytest.mark.parametrize("rule, severity, number, marker, value", BROKEN, ids=[f"{b[0]}-{b[2]}" for b in BROKEN])
def test_each_rule_reports_the_task_line_and_value(broken, rule, severity, number, marker, value):
    text, report = broken
    found = [r for r in report.results if r.rule == rule and r.number == number
             and r.line == next(i for i, t in enumerate(text.splitlines(), 1) if marker in t)]
    assert len(found) == 1, report.to_text()
    (r,) = found
    line = next(i for i, t in enumerate(text.splitlines(), 1) if marker in t)
    assert (r.severity, r.number, r.line, r.place) == (severity, number, line, f"task {number}")
    if value is not None:
        assert str(r.value) == value
    assert r.message_zh and r.message_en


def test_broken_copy_has_nothing_else_wrong(broken):
    _, report = broken
    expected = {b[0] for b in BROKEN} | {w[2] for w in BUNDLED_WARNINGS} | {"HeadlineTargetAgrees"}
    assert {r.rule for r in report.results} == expected, report.to_text()
    assert len(report.results) == len(BROKEN) + len(BUNDLED_WARNINGS) + 1
    (headline,) = [r for r in report.results if r.rule == "HeadlineTargetAgrees"]
    assert (headline.place, headline.line, headline.severity) == ("preamble", 3, "Violation")
    assert not report.conforms


def test_messages_name_the_string_and_the_task(broken):
    _, report = broken
    (r,) = [r for r in report.results if r.rule == "UnitRegistered"]
    assert r.message_zh == "任务3的牵头单位“区发该委”不在单位名录中（data/units.ttl）"
    assert r.message_en == "task 3: lead unit “区发该委” is not in the unit registry (data/units.ttl)"
    (gap,) = [r for r in report.results if r.rule == "TaskNumberInSequence" and r.number == 151]
    assert "150" in gap.message_zh and "151" in gap.message_en and "task 149 (line" in gap.message_en
    (dup,) = [r for r in report.results if r.rule == "TaskNumberUnique"]
    assert str(dup.task).endswith("/task/12-2") and "line 49" in dup.message_en


# -- Shapes on small inline graphs: one passing, each variant failing one rule ----------------

PASSING = """
@prefix plan: <https://w3id.org/plankg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix u:    <https://w3id.org/plankg/unit/500103/> .
@prefix fk:   <https://w3id.org/plankg/def/figure-kind/> .
@prefix cmp:  <https://w3id.org/plankg/def/comparator/> .
@prefix bt:   <https://w3id.org/plankg/def/body-type/> .
@prefix p:    <https://example.org/plan/> .

p:plan a plan:Plan .
p:s1 a plan:Section ; plan:inPlan p:plan ; plan:number 1 ; plan:title "总体要求"@zh ; rdfs:label "一、总体要求"@zh .
p:t1 a plan:Task ; plan:inPlan p:plan ; plan:section p:s1 ; plan:number 1 ; plan:sourceLine 2 ;
    plan:text "地区生产总值增长5%。"@zh ; rdfs:label "任务1"@zh ;
    plan:leadMention p:t1-lead-1 ; plan:leadUnit u:fgw ; plan:target p:t1-target-1 .
p:t1-lead-1 a plan:UnitMention ; plan:position 1 ; plan:nameAsWritten "区发改委" ; plan:refersTo u:fgw .
p:t1-target-1 a plan:Target ; qudt:numericValue 5.0 ; qudt:unit unit:PERCENT ; plan:comparator cmp:exactly ;
    plan:figureKind fk:growth-rate ; plan:indicator <https://w3id.org/plankg/indicator/gross-regional-product> .
p:unit a plan:GovernmentUnit ; skos:prefLabel "区新设局"@zh, "New Bureau"@en ; plan:bodyType bt:bureau ;
    plan:sector <https://w3id.org/plankg/def/sector/commerce> ; plan:district <https://w3id.org/plankg/district/500103> .
"""

SHAPE_CASES = [  # (old, new, rule, severity); a unit typed as a group also lacks the group's member type
    ("qudt:numericValue 5.0 ; ", "", "Target-numericValue", "Violation"),
    ("qudt:unit unit:PERCENT ;", "", "Target-unit", "Violation"),
    ("plan:comparator cmp:exactly ;", "plan:comparator fk:level ;", "Target-comparator", "Violation"),
    ("qudt:numericValue 5.0", "qudt:numericValue -75.0", "GrowthRateUsual", "NeedsAcknowledgement"),
    ("qudt:unit unit:PERCENT ;", "qudt:unit unit:DAY ;", "GrowthRateInPercent", "Violation"),
    ("plan:section p:s1 ;", "plan:section p:s1, p:s1b ;", "Task-section", "Violation"),
    ("plan:number 1 ; plan:sourceLine", "plan:number 0 ; plan:sourceLine", "Task-number", "Violation"),
    ('rdfs:label "任务1"@zh', 'rdfs:label "Task 1"@en', "Task-label", "Violation"),
    ('"区新设局"@zh, "New Bureau"@en', '"区新设局"@zh', "RegisteredParty-prefLabel-en", "Warning"),
    ('"区新设局"@zh, "New Bureau"@en', '"区发改委"@zh, "New Bureau"@en', "UnitNameUnambiguous", "Violation"),
    ("plan:bodyType bt:bureau ;", "", "GovernmentUnit-bodyType", "Violation"),
    ("p:unit a plan:GovernmentUnit", "p:unit a plan:GovernmentUnit, plan:UnitGroup", "GovernmentUnit", "Violation"),
]


def _check(reference, ttl):
    return validate(Graph().parse(data=ttl, format="turtle") + reference)


def test_inline_plan_passes(reference):
    report = _check(reference, PASSING)
    assert report.results == [], report.to_text()


@pytest.mark.parametrize("old, new, rule, severity", SHAPE_CASES, ids=[c[2] for c in SHAPE_CASES])
def test_inline_plan_fails_one_rule(reference, old, new, rule, severity):
    assert PASSING.count(old) == 1, old
    report = _check(reference, PASSING.replace(old, new))
    also = {"UnitGroup-memberType"} if rule == "GovernmentUnit" else set()
    assert {(r.rule, r.severity) for r in report.results} >= {(rule, severity)}, report.to_text()
    assert {r.rule for r in report.results} == {rule} | also, report.to_text()
    assert report.conforms == (severity not in ("Violation", "NeedsAcknowledgement"))


# -- plankg validate -------------------------------------------------------------------------

def _standard_report(output: str) -> Graph:
    g = Graph().parse(data=output, format="turtle")
    (report,) = g.subjects(RDF.type, SH.ValidationReport)
    assert g.value(report, SH.conforms) == Literal(True)
    assert len(list(g.objects(report, SH.result))) == len(BUNDLED_WARNINGS)
    return g


def test_cli_built_graph_conforms_and_prints_a_standard_report(run_cli, built, settings):
    result = run_cli("validate", str(settings.build_dir / built.output_name), "--format", "turtle")
    assert result.exit_code == 0, result.output
    _standard_report(result.output)


@pytest.mark.slow
def test_cli_without_argument_builds_and_checks_the_bundled_plan(run_cli):
    result = run_cli("validate", "--format", "turtle")
    assert result.exit_code == 0, result.output
    _standard_report(result.output)


def test_cli_violation_exits_1_and_names_task_and_line(tmp_path, run_cli):
    text = tmp_path / "plan.txt"
    text.write_text("一、总体要求\n1.地区生产总值增长5%。\n牵头单位:区发该委\n", encoding="utf-8")
    shutil.copy(SOURCE.with_suffix(".toml"), tmp_path / "plan.toml")
    result = run_cli("validate", str(text))
    assert result.exit_code == 1, result.output
    assert "task 1 (line 3)  Violation  任务1的牵头单位“区发该委”不在单位名录中" in result.output
    assert result.output.endswith("does not conform: 1 violation(s), 0 warning(s)\n")


@pytest.mark.parametrize("name, content, message", [
    ("missing.ttl", None, "missing.ttl: no such file"),
    ("bad.ttl", "<a> <b> .\n", "bad.ttl:1:9: not valid Turtle: objectList expected\n    <a> <b> .\n            ^"),
    ("empty.ttl", "", "empty.ttl: not a built plan (no plan:Plan in it)"),
    ("plan.csv", "a,b\n", "plan.csv: expected a plan text (.txt) or a built graph (.ttl, .nt, .trig)"),
    ("plan.txt", "一、总体要求\n1.任务\n牵头单位:区发改委\n2l.深化建设\n", "plan.txt:4: garbled task number"),
])
def test_cli_unreadable_input_exits_2_without_a_traceback(tmp_path, run_cli, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
        shutil.copy(SOURCE.with_suffix(".toml"), path.with_suffix(".toml"))
    result = run_cli("validate", str(path))
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and message in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_shapes_load_from_a_built_wheel(tmp_path):
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
                   cwd=REPO, check=True, capture_output=True)
    wheel = next(tmp_path.glob("plankg-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("plan-shapes.ttl", "plan-shapes-recommended.ttl", "unit-shapes.ttl", "target-shapes.ttl"):
        assert f"plankg/shapes/{name}" in names
    code = ("import plankg.validate as v; assert '.whl' in v.__file__; "
            "from plankg.vocab import SH, RDF; print(len(set(v.shapes_graph().subjects(RDF.type, SH.NodeShape))))")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(wheel)},
                         cwd=tmp_path, check=True, capture_output=True, text=True)
    assert int(out.stdout) >= 15
