"""The proofreading rules (shapes/structure-shapes.ttl) and the figure rules (shapes/target-shapes.ttl):
each with a passing inline graph and a variant that breaks it alone, and the severity that protects."""
from __future__ import annotations

import pytest
from rdflib import Graph

from plankg import pipeline, reference as reference_data
from plankg.validate import validate
from plankg.vocab import PLAN

# A small plan as the parser records it: sections 一 二, sub-sections (一)(二) of 一, tasks 1 2 3 in
# document order (plan:sequence), the preamble's declared counts, stated title and district, and a
# headline target restating task 1's.
PASSING = """
@prefix plan: <https://w3id.org/plankg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix u:    <https://w3id.org/plankg/unit/500103/> .
@prefix fk:   <https://w3id.org/plankg/def/figure-kind/> .
@prefix cmp:  <https://w3id.org/plankg/def/comparator/> .
@prefix p:    <https://example.org/plan/> .

p:plan a plan:Plan ; dcterms:title "2023年测试方案"@zh ; plan:year "2023"^^xsd:gYear ; plan:layout "lines" ;
    plan:district <https://w3id.org/plankg/district/500103> ;
    plan:declaredCount p:count-tasks, p:count-sections ; plan:statedMetadata p:title, p:district ;
    plan:headlineTarget p:headline .
p:count-tasks a plan:DeclaredCount ; plan:countOf plan:Task ; plan:declaredValue 3 ;
    plan:valueAsWritten "共3项任务" ; plan:sourceLine 1 .
p:count-sections a plan:DeclaredCount ; plan:countOf plan:Section ; plan:declaredValue 2 ;
    plan:valueAsWritten "分为2个方面" ; plan:sourceLine 1 .
p:title a plan:StatedMetadata ; plan:statedProperty dcterms:title ; plan:valueAsWritten "2023年测试方案" ; plan:sourceLine 1 .
p:district a plan:StatedMetadata ; plan:statedProperty plan:district ; plan:valueAsWritten "渝中区" ; plan:sourceLine 1 .
p:headline a plan:Target ; plan:sourceLine 1 ; plan:phrase "地区生产总值增长5%左右" ;
    qudt:numericValue 5.0 ; qudt:unit unit:PERCENT ; plan:comparator cmp:about ; plan:figureKind fk:growth-rate ;
    plan:indicator <https://w3id.org/plankg/indicator/gross-regional-product> .

p:s1 a plan:Section ; plan:inPlan p:plan ; plan:number 1 ; plan:numeral "一" ; plan:sequence 1 ; plan:sourceLine 2 ;
    plan:title "总体要求"@zh ; plan:heading "一、总体要求" ; rdfs:label "一、总体要求"@zh .
p:s2 a plan:Section ; plan:inPlan p:plan ; plan:number 2 ; plan:numeral "二" ; plan:sequence 2 ; plan:sourceLine 12 ;
    plan:title "保障措施"@zh ; plan:heading "二、保障措施" ; rdfs:label "二、保障措施"@zh .
p:s1-1 a plan:Subsection ; plan:inPlan p:plan ; plan:section p:s1 ; plan:number 1 ; plan:numeral "一" ; plan:sequence 1 ;
    plan:sourceLine 3 ; plan:title "稳增长"@zh ; plan:heading "(一)稳增长" ; rdfs:label "(一)稳增长"@zh .
p:s1-2 a plan:Subsection ; plan:inPlan p:plan ; plan:section p:s1 ; plan:number 2 ; plan:numeral "二" ; plan:sequence 2 ;
    plan:sourceLine 7 ; plan:title "促消费"@zh ; plan:heading "(二)促消费" ; rdfs:label "(二)促消费"@zh .

p:t1 a plan:Task ; plan:inPlan p:plan ; plan:section p:s1 ; plan:subsection p:s1-1 ; plan:number 1 ; plan:sequence 1 ;
    plan:sourceLine 4 ; plan:text "地区生产总值增长5%左右。"@zh ; rdfs:label "任务1"@zh ;
    plan:leadMention p:t1-lead ; plan:leadUnit u:fgw ; plan:responsibleMention p:t1-resp ; plan:responsibleUnit u:czj ;
    plan:target p:t1-target .
p:t1-lead a plan:UnitMention ; plan:position 1 ; plan:nameAsWritten "区发改委" ; plan:refersTo u:fgw ; plan:sourceLine 5 .
p:t1-resp a plan:UnitMention ; plan:position 1 ; plan:nameAsWritten "区财政局" ; plan:refersTo u:czj ; plan:sourceLine 6 .
p:t1-target a plan:Target ; plan:phrase "地区生产总值增长5%左右" ;
    qudt:numericValue 5.0 ; qudt:unit unit:PERCENT ; plan:comparator cmp:about ; plan:figureKind fk:growth-rate ;
    plan:indicator <https://w3id.org/plankg/indicator/gross-regional-product> .
p:t2 a plan:Task ; plan:inPlan p:plan ; plan:section p:s1 ; plan:subsection p:s1-2 ; plan:number 2 ; plan:sequence 2 ;
    plan:sourceLine 8 ; plan:text "空气质量优良天数达305天。"@zh ; rdfs:label "任务2"@zh ;
    plan:leadMention p:t2-lead ; plan:leadUnit u:fgw ; plan:target p:t2-target .
p:t2-lead a plan:UnitMention ; plan:position 1 ; plan:nameAsWritten "区发改委" ; plan:refersTo u:fgw ; plan:sourceLine 9 .
p:t2-target a plan:Target ; plan:phrase "空气质量优良天数达305天" ;
    qudt:numericValue 305.0 ; qudt:unit unit:DAY ; plan:comparator cmp:reach ; plan:figureKind fk:duration ;
    plan:indicator <https://w3id.org/plankg/indicator/air> .
p:t3 a plan:Task ; plan:inPlan p:plan ; plan:section p:s2 ; plan:number 3 ; plan:sequence 3 ;
    plan:sourceLine 13 ; plan:text "学前三年毛入园率保持100%。"@zh ; rdfs:label "任务3"@zh ;
    plan:leadMention p:t3-lead ; plan:leadUnit u:fgw ; plan:target p:t3-target .
p:t3-lead a plan:UnitMention ; plan:position 1 ; plan:nameAsWritten "区发改委" ; plan:refersTo u:fgw ; plan:sourceLine 14 .
p:t3-target a plan:Target ; plan:phrase "学前三年毛入园率保持100%" ;
    qudt:numericValue 100.0 ; qudt:unit unit:PERCENT ; plan:comparator cmp:reach ; plan:figureKind fk:share ;
    plan:indicator <https://w3id.org/plankg/indicator/enrolment> .
"""

# (old, new, rule, severity, place): each variant breaks one rule; place is what the report names.
CASES = [
    # numbering: sections
    ('plan:number 2 ; plan:numeral "二" ; plan:sequence 2 ; plan:sourceLine 12',
     'plan:number 3 ; plan:numeral "三" ; plan:sequence 2 ; plan:sourceLine 12',
     "SectionNumberInSequence", "Violation", "section 三"),            # 一、… 三、: 二 skipped
    ('plan:number 1 ; plan:numeral "一" ; plan:sequence 1 ; plan:sourceLine 2',
     'plan:number 2 ; plan:numeral "二" ; plan:sequence 1 ; plan:sourceLine 2',
     "SectionNumberInSequence", "Violation", "section 二"),            # the first section is not 一
    ("plan:sequence 2 ; plan:sourceLine 12 ;", "plan:sequence 2, 3 ; plan:sourceLine 12, 20 ;",
     "SectionNumberUnique", "Violation", "section 二"),                # 二、 written twice: one node, two places
    ('plan:title "保障措施"@zh ;', 'plan:title ""@zh ;', "SectionTitle", "Violation", "section 二"),
    # numbering: sub-sections
    ('plan:number 2 ; plan:numeral "二" ; plan:sequence 2 ;\n    plan:sourceLine 7',
     'plan:number 3 ; plan:numeral "三" ; plan:sequence 2 ;\n    plan:sourceLine 7',
     "SubsectionNumberInSequence", "Violation", "sub-section 一（三）"),
    ('plan:number 1 ; plan:numeral "一" ; plan:sequence 1 ;\n    plan:sourceLine 3',
     'plan:number 1 ; plan:numeral "一" ; plan:sequence 1, 3 ;\n    plan:sourceLine 3, 10',
     "SubsectionNumberUnique", "Violation", "sub-section 一（一）"),
    ('plan:title "促消费"@zh ;', "", "SubsectionTitle", "Violation", "sub-section 一（二）"),
    # numbering: tasks
    ("plan:number 3 ; plan:sequence 3 ;", "plan:number 4 ; plan:sequence 3 ;",
     "TaskNumberInSequence", "Violation", "task 4"),                   # 1, 2, 4: no task 3
    ("plan:number 2 ; plan:sequence 2 ;", "plan:number 1 ; plan:sequence 2 ;",
     "TaskNumberUnique", "Violation", "task 1"),                       # 1, 1, 3
    # counts the document declares
    ("plan:declaredValue 3 ;", "plan:declaredValue 4 ;", "DeclaredTaskCount", "Violation", "preamble"),
    ("plan:declaredValue 2 ;", "plan:declaredValue 12 ;", "DeclaredSectionCount", "Violation", "preamble"),
    ('p:headline a plan:Target ; plan:sourceLine 1 ; plan:phrase "地区生产总值增长5%左右" ;\n    qudt:numericValue 5.0',
     'p:headline a plan:Target ; plan:sourceLine 1 ; plan:phrase "地区生产总值增长5%左右" ;\n    qudt:numericValue 6.0',
     "HeadlineTargetAgrees", "Violation", "preamble"),
    # fields
    ('plan:nameAsWritten "区财政局" ; plan:refersTo u:czj ; plan:sourceLine 6',
     'plan:nameAsWritten "区财政局" ; plan:refersTo u:czj ; plan:sourceLine 4',
     "LeadFieldFirst", "Violation", "task 1"),
    ('plan:text "空气质量优良天数达305天。"@zh', 'plan:text "空气质量优良天数达305天"@zh',
     "TaskTextComplete", "Violation", "task 2"),
    ("plan:sourceLine 13 ;", "plan:sourceLine 13 ; plan:sourceTruncated true ;",
     "SourceNotTruncated", "Violation", "task 3"),
    # metadata the text states
    ('plan:valueAsWritten "2023年测试方案"', 'plan:valueAsWritten "2024年测试方案"',
     "StatedTitleAgrees", "Violation", "preamble"),
    ('plan:valueAsWritten "渝中区"', 'plan:valueAsWritten "江北区"', "StatedDistrictAgrees", "Violation", "preamble"),
    ('dcterms:title "2023年测试方案"@zh', 'dcterms:title "2022年测试方案"@zh', "TitleYearAgrees", "Violation", "plan"),
    # figures: impossible, and unusual but possible
    ("qudt:numericValue 305.0", "qudt:numericValue -5.0", "AmountNotNegative", "Violation", "task 2"),
    ("qudt:numericValue 305.0", "qudt:numericValue 400.0", "DaysWithinAYear", "NeedsAcknowledgement", "task 2"),
    ("qudt:numericValue 100.0", "qudt:numericValue 120.0", "PercentShareAtMost100", "Violation", "task 3"),
]
# changes made together with a case, so that only its rule breaks
ALSO = {
    "TitleYearAgrees": [('plan:valueAsWritten "2023年测试方案"', 'plan:valueAsWritten "2022年测试方案"')],
}
# a number used twice is also out of sequence where it stands: the two rules report it together
WITH = {"TaskNumberUnique": {"TaskNumberInSequence"}, "SubsectionNumberUnique": {"SubsectionNumberInSequence"},
        "SectionNumberUnique": {"SectionNumberInSequence"}}
GROWTH = [  # task 1's growth rate (and the headline restating it) set to each value
    ("-150.0", {"GrowthRatePossible"}, "Violation"),
    ("-100.0", {"GrowthRateUsual"}, "NeedsAcknowledgement"),   # possible (all of it gone), unusual
    ("-31.0", {"GrowthRateUsual"}, "NeedsAcknowledgement"),
    ("-30.0", set(), None),
    ("50.0", set(), None),
    ("500.0", {"GrowthRateUsual"}, "NeedsAcknowledgement"),
]


@pytest.fixture(scope="module")
def reference(settings) -> Graph:
    return reference_data.graph(settings, "500103")


def _check(reference, ttl):
    return validate(Graph().parse(data=ttl, format="turtle") + reference)


def test_inline_plan_passes_every_rule(reference):
    report = _check(reference, PASSING)
    assert report.results == [], report.to_text()


@pytest.mark.parametrize("old, new, rule, severity, place", CASES, ids=[c[2] for c in CASES])
def test_each_rule_fails_alone_and_names_its_place(reference, old, new, rule, severity, place):
    ttl = PASSING
    for a, b in [(old, new), *ALSO.get(rule, [])]:
        assert ttl.count(a) == 1, a
        ttl = ttl.replace(a, b)
    report = _check(reference, ttl)
    assert {r.rule for r in report.results} == {rule} | WITH.get(rule, set()), report.to_text()
    mine = [r for r in report.results if r.rule == rule]
    assert {(r.severity, r.place) for r in mine} == {(severity, place)}, report.to_text()
    assert all(r.message_zh and r.message_en for r in mine) and not report.conforms


@pytest.mark.parametrize("value, rules, severity", GROWTH, ids=[g[0] for g in GROWTH])
def test_growth_rates_possible_and_usual(reference, value, rules, severity):
    ttl = PASSING.replace("qudt:numericValue 5.0", f"qudt:numericValue {value}")
    report = _check(reference, ttl)
    on_task = {r.rule for r in report.results if r.place == "task 1"}
    assert on_task == rules, report.to_text()
    assert all(r.severity == severity for r in report.results if r.place == "task 1")
    assert report.conforms == (not rules)


def test_a_scoped_figure_does_not_contradict_the_headline(reference):
    """Task 51's 大坪商圈 retail sales are not the district's: a headline target is compared like with like."""
    task = 'p:t1-target a plan:Target ; plan:phrase "地区生产总值增长5%左右" ;\n    qudt:numericValue 5.0'
    assert PASSING.count(task) == 1
    ttl = PASSING.replace(task, task.replace("5.0", '6.0 ; plan:scope "大坪商圈"'))
    report = _check(reference, ttl)
    assert "HeadlineTargetAgrees" not in {r.rule for r in report.results}, report.to_text()
    unscoped = _check(reference, PASSING.replace(task, task.replace("5.0", "6.0")))
    assert "HeadlineTargetAgrees" in {r.rule for r in unscoped.results}, unscoped.to_text()


def test_a_finding_needing_acknowledgement_blocks_until_acknowledged(reference):
    report = _check(reference, PASSING.replace("qudt:numericValue 305.0", "qudt:numericValue 400.0"))
    (r,) = report.results
    assert (r.rule, r.key) == ("DaysWithinAYear", "DaysWithinAYear@https://example.org/plan/t2-target")
    assert not report.conforms and report.blocking == [r]
    assert f"[to accept it: --accept {r.key}]" in report.to_text()
    report.acknowledge({r.key: "300"})   # acknowledged for another value: still blocks
    assert not report.conforms
    report.acknowledge({r.key: "400.0"})
    assert report.conforms and report.blocking == [] and "[acknowledged " in report.to_text()


# -- No false findings on the valid samples of other layouts ---------------------------------

SAMPLES = {  # sample → (district, code, title as the document gives it); year 2024
    "brackets": ("样例区", "500199", "2024年区政府重点工作责任分解"),
    "flattened-table": ("试点区", "500196", "2024年区政府工作报告目标任务"),
    "one-line-county": ("样例县", "500197", "2024年政府工作报告重点工作责任分解"),
    "ordinal-targets": ("范例区", "500195", "2024年区《政府工作报告》确定的主要目标任务责任分解方案"),
    "parentheses-leaders": ("示例区", "500198", "2024年重点工作任务责任分解方案"),
}
NEW_RULES = {  # shapes/structure-shapes.ttl and the figure rules of shapes/target-shapes.ttl
    "SectionNumberUnique", "SectionNumberInSequence", "SubsectionNumberUnique", "SubsectionNumberInSequence",
    "TaskNumberUnique", "TaskNumberInSequence", "DeclaredTaskCount", "DeclaredSectionCount",
    "HeadlineTargetAgrees", "SectionTitle", "SubsectionTitle", "LeadFieldFirst", "TaskTextComplete",
    "SourceNotTruncated", "StatedTitleAgrees", "StatedDistrictAgrees", "TitleYearAgrees",
    "GrowthRatePossible", "GrowthRateUsual", "PercentShareAtMost100", "AmountNotNegative", "DaysWithinAYear"}


def test_every_new_rule_has_an_inline_case():
    covered = {c[2] for c in CASES} | {r for _, rules, _ in GROWTH for r in rules}
    assert covered == NEW_RULES


@pytest.mark.parametrize("name", SAMPLES)
def test_samples_have_no_finding_from_the_proofreading_rules(settings, name):
    from plankg.graph import PlanMeta

    from .conftest import REPO

    district, code, title = SAMPLES[name]
    meta = PlanMeta(title=title, publisher=f"{district}人民政府办公室", district=district, division_code=code, year=2024)
    result = pipeline.build(REPO / "tests" / "data" / "samples" / f"{name}.txt", settings, meta=meta)
    report = validate(result.graph + reference_data.graph(settings, code))
    found = [r for r in report.results if r.rule in NEW_RULES]
    assert found == [], report.to_text()
    stated = {str(o) for o in result.graph.objects(None, PLAN.valueAsWritten)}
    # the title is checked where the text has a preamble (one-line-county is one line: none)
    assert (title in stated) == (name != "one-line-county"), stated
