"""Every rule written from the principles (shapes/README.md): a failing and a passing inline case.

The cases edit tests/test_rules.py's small plan. A failing case must bring the rule's result,
with its severity, naming its place; a passing case, a near miss, must not bring it.
"""
from __future__ import annotations

import pytest

from .test_rules import PASSING, _check, reference  # noqa: F401 (a fixture)

T3 = 'plan:text "学前三年毛入园率保持100%。"@zh'
T1 = 'plan:text "地区生产总值增长5%左右。"@zh'
T2 = 'plan:text "空气质量优良天数达305天。"@zh'


def t3(text):
    return [(T3, f'plan:text "{text}"@zh')]


# rule → (severity, place or places, failing edits, passing edits)
CASES = {
    "TextBracketsPaired": ("Violation", "task 3", t3("学前三年毛入园率保持100%。“持续巩固。"), t3("学前三年毛入园率保持100%。“持续”巩固。")),
    "TextPunctuationSingle": ("Violation", "task 3", t3("学前三年毛入园率保持100%,,持续巩固。"), t3("学前三年毛入园率保持100%,持续巩固。")),
    "TextWidthConsistent": ("Violation", "task 3", t3("学前三年毛入园率保持100%,持续巩固，稳步提升。"),
                            t3("学前三年毛入园率保持100%,持续巩固,稳步提升。")),
    "CommaStyleOfThePlan": ("Violation", "task 3",
                            [(T1, 'plan:text "地区生产总值增长5%左右,稳中求进。"@zh'), (T2, 'plan:text "空气质量优良天数达305天,持续改善。"@zh'),
                             *t3("学前三年毛入园率保持100%，持续巩固。")],
                            [(T1, 'plan:text "地区生产总值增长5%左右,稳中求进。"@zh'), *t3("学前三年毛入园率保持100%,持续巩固。")]),
    "TextWithoutGarbage": ("Violation", "task 3", t3("学前三年毛入园率保持100%。持续\ufffd巩固。"), t3("学前三年毛入园率保持100%。持续·巩固。")),
    "TaskTextSubstantial": ("Violation", "task 3", [*t3("推进。"), ("plan:leadUnit u:fgw ; plan:target p:t3-target .", "plan:leadUnit u:fgw .")],
                            [*t3("推进学前教育。"), ("plan:leadUnit u:fgw ; plan:target p:t3-target .", "plan:leadUnit u:fgw .")]),
    "TextWithoutRepeatedWord": ("Violation", "task 3", t3("学前三年毛入园率保持100%。持续持续巩固。"), t3("学前三年毛入园率保持100%。持续巩固。")),
    "TextWithoutRepeatedPhrase": ("Violation", "task 3", t3("学前三年毛入园率保持100%。稳步提升普惠学前教育。稳步提升普惠学前教育。"),
                                  t3("学前三年毛入园率保持100%。稳步提升普惠学前教育。稳步扩大普惠托育服务。")),
    "TaskNotACopy": ("Violation", ("task 1", "task 2"),
                     [(T1, 'plan:text "地区生产总值增长5%左右,稳步推进高质量发展。"@zh'),
                      (T2, 'plan:text "地区生产总值增长5%左右,稳步推进空气质量优良天数达305天。"@zh')],
                     [(T1, 'plan:text "地区生产总值增长5%左右,稳步推进高质量发展。"@zh'),
                      (T2, 'plan:text "空气质量优良天数达305天,稳步推进城区生态环境改善。"@zh')]),
    "TaskTextUnique": ("Violation", ("task 1", "task 3"), [(T3, T1), ('plan:phrase "学前三年毛入园率保持100%"', 'plan:phrase "地区生产总值增长5%左右"')],
                       [(T3, 'plan:text "地区生产总值增长5%左右,学前三年毛入园率保持100%。"@zh')]),
    "HeadingNotACopy": ("Violation", ("sub-section 一（一）", "sub-section 一（二）"), [('plan:title "促消费"@zh', 'plan:title "稳增长"@zh')],
                        [('plan:title "促消费"@zh', 'plan:title "扩消费"@zh')]),
    "TargetStatedOnce": ("Violation", ("task 2", "task 3"), [(T3, 'plan:text "学前三年毛入园率保持100%,空气质量优良天数达305天。"@zh'),
                                                ('plan:phrase "学前三年毛入园率保持100%"', 'plan:phrase "空气质量优良天数达305天"')],
                         [(T3, 'plan:text "学前三年毛入园率保持100%,空气质量优良天数达305天。"@zh')]),
    "DeadlineNotPast": ("Violation", "task 3", t3("力争2022年底前学前三年毛入园率保持100%。"), t3("力争2023年底前学前三年毛入园率保持100%。")),
    "WithinTheYear": ("Violation", "task 3", t3("年内实现2024年学前三年毛入园率保持100%。"), t3("年内学前三年毛入园率保持100%,2025年全面巩固。")),
    "DateExists": ("Violation", "task 3", t3("力争13月底前学前三年毛入园率保持100%。"), t3("力争12月底前学前三年毛入园率保持100%。")),
    "TargetAsWritten": ("Violation", "task 3", [("qudt:numericValue 100.0", "qudt:numericValue 100.0 ; plan:numberAsWritten \"90\"")],
                        [("qudt:numericValue 100.0", "qudt:numericValue 100.0 ; plan:numberAsWritten \"100\"")]),
    "CountIsWhole": ("Violation", "task 2", [("fk:duration", "fk:count"), ("unit:DAY", "<https://w3id.org/plankg/def/counted-unit/ge>"),
                                             ("qudt:numericValue 305.0", "qudt:numericValue 305.5")],
                     [("fk:duration", "fk:count"), ("unit:DAY", "<https://w3id.org/plankg/def/counted-unit/ge>")]),
    "UnitFitsFigureKind": ("Violation", "task 2", [("unit:DAY", "unit:PERCENT")], [("unit:DAY", "unit:WK")]),
    "FigureWithinTheDistrict": ("NeedsAcknowledgement", "task 2",
                                [("fk:duration", "fk:count"), ("unit:DAY", "<https://w3id.org/plankg/def/counted-unit/ren>"),
                                 ("qudt:numericValue 305.0", "qudt:numericValue 4000000.0")],
                                [("fk:duration", "fk:count"), ("unit:DAY", "<https://w3id.org/plankg/def/counted-unit/ren>"),
                                 ("qudt:numericValue 305.0", "qudt:numericValue 40000.0")]),
    "UnitsAsWritten": ("Violation", "task 2", [("plan:leadUnit u:fgw ; plan:target p:t2-target", "plan:leadUnit u:fgw, u:czj ; plan:target p:t2-target")],
                       [("plan:leadUnit u:fgw ; plan:target p:t2-target", "plan:leadUnit u:fgw ; plan:target p:t2-target")]),
    "UnitOfThisDistrict": ("Violation", "task 2", [("plan:leadUnit u:fgw ; plan:target p:t2-target",
                                                    "plan:leadUnit u:fgw, <https://w3id.org/plankg/unit/500105/fgw> ; plan:target p:t2-target")],
                           [("plan:leadUnit u:fgw ; plan:target p:t2-target", "plan:leadUnit u:fgw ; plan:target p:t2-target")]),
    "TargetHasAccountableLead": ("Violation", "task 2",
                                 [('plan:nameAsWritten "区发改委" ; plan:refersTo u:fgw ; plan:sourceLine 9', 'plan:nameAsWritten "各街道" ; plan:refersTo u:all-jd ; plan:sourceLine 9'),
                                  ("plan:leadUnit u:fgw ; plan:target p:t2-target", "plan:leadUnit u:all-jd ; plan:target p:t2-target")],
                                 [('plan:nameAsWritten "区发改委" ; plan:refersTo u:fgw ; plan:sourceLine 9', 'plan:nameAsWritten "区发改委" ; plan:refersTo u:fgw ; plan:sourceLine 9')]),
}


def _edited(edits):
    ttl = PASSING
    for old, new in edits:
        assert ttl.count(old) >= 1, old
        ttl = ttl.replace(old, new)
    return ttl


@pytest.mark.parametrize("rule", CASES)
def test_rule_fails_on_its_defect(reference, rule):  # noqa: F811
    severity, place, failing, _ = CASES[rule]
    report = _check(reference, _edited(failing))
    mine = [r for r in report.results if r.rule == rule]
    assert mine, report.to_text()
    places = {place} if isinstance(place, str) else set(place)  # a copy: both places are named
    assert {(r.severity, r.place) for r in mine} == {(severity, p) for p in places}, report.to_text()
    assert all(r.message_zh and r.message_en for r in mine) and not report.conforms


@pytest.mark.parametrize("rule", CASES)
def test_rule_passes_its_near_miss(reference, rule):  # noqa: F811
    report = _check(reference, _edited(CASES[rule][3]))
    assert not [r for r in report.results if r.rule == rule], report.to_text()


def test_every_principled_rule_has_its_cases():
    from rdflib import Graph

    from plankg import resources
    from plankg.vocab import SH

    rules = set()
    for ttl in resources.listing("shapes", ".ttl"):
        if ttl.name in ("text-shapes.ttl", "date-shapes.ttl", "figure-shapes.ttl", "responsibility-shapes.ttl"):
            g = Graph().parse(data=ttl.read_text(encoding="utf-8"), format="turtle")
            rules |= {str(s).split("#")[-1] for s in g.subjects(SH.sparql, None)}
    assert rules == set(CASES)


@pytest.mark.slow
@pytest.mark.parametrize("rule", CASES)
def test_fast_validator_agrees_with_pyshacl(reference, rule, monkeypatch):  # noqa: F811
    from rdflib import Graph

    from .test_fastshacl import _both, assert_same

    data = Graph().parse(data=_edited(CASES[rule][2]), format="turtle") + reference
    assert_same(*_both(monkeypatch, data))
