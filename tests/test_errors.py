"""Sources that cannot be read give one clear error naming file and line, and write nothing."""
from __future__ import annotations

import pytest

from plankg import pipeline
from plankg.sources import PlanSyntaxError, read_plan


def _edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.mark.parametrize("old, new, line, expected", [
    ("21.深化建设", "2l.深化建设", 79, "garbled task number"),
    ("\n二、作着力扩内需", "\n以上为主要预期指标。\n二、作着力扩内需", 29, "cannot read '以上为主要预期指标。'"),
    ("(一)大力度刺激恢复扩大消费\n", "(一)大力度刺激恢复扩大消费\n责任单位:区商务委\n", 31, "a 责任单位 line with no task"),
    ("牵头单位:区商务委\n责任单位:区金融办、区经信委", "牵头单位:区商务委\n牵头单位:区金融办\n责任单位:区经信委", 33,
     "a second 牵头单位 line for task 6 (the first is on line 32)"),
    ("7.丰富消费活动,办优办精国际咖啡节、“一会一节”等大型节会活动,开展“我在渝中等你”等专题营销,全力拉动消费、促进消费。", "7.", 34,
     "task 7 has no text"),
])
def test_unreadable_line_names_file_and_line(plan_copy, old, new, line, expected):
    _edit(plan_copy, old, new)
    with pytest.raises(PlanSyntaxError) as err:
        read_plan(plan_copy)
    assert err.value.line == line
    assert str(err.value).startswith(f"{plan_copy}:{line}: ")
    assert expected in str(err.value)


def test_cli_error_is_one_line_and_nothing_is_written(plan_copy, run_cli, tmp_path):
    _edit(plan_copy, "21.深化建设", "2l.深化建设")
    out = tmp_path / "out"
    result = run_cli("build", str(plan_copy), build_dir=out)
    assert result.exit_code == 2  # unreadable input, as read, validate and amend say it
    assert result.output.strip().splitlines() == [
        f"Error: {plan_copy}:79: garbled task number in '2l.深化建设西部金融中'… "
        "(expected a task line \"N.text\" or \"N、text\")"]
    assert not out.exists() or not any(out.iterdir())


def test_a_bad_source_among_several_writes_none(plan_copy, run_cli, tmp_path):
    good = plan_copy.parent / "good"
    good.mkdir()
    (good / plan_copy.name).write_text(plan_copy.read_text(encoding="utf-8"), encoding="utf-8")
    (good / plan_copy.with_suffix(".toml").name).write_text(
        plan_copy.with_suffix(".toml").read_text(encoding="utf-8"), encoding="utf-8")
    _edit(plan_copy, "牵头单位:区大数据局\n97.", "97.")
    _edit(plan_copy, "责任单位:区金融办、区经信委\n", "")
    _edit(plan_copy, "(一)大力度刺激恢复扩大消费\n", "(一)大力度刺激恢复扩大消费\n牵头单位:区商务委\n")
    out = tmp_path / "out"
    result = run_cli("build", str(good / plan_copy.name), str(plan_copy), build_dir=out)
    assert result.exit_code == 2 and ":31: a 牵头单位 line with no task" in result.output
    assert not out.exists() or not any(out.iterdir())


def test_not_utf8_and_empty_and_no_tasks(tmp_path):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("一、总体要求\n1.任务\n牵头单位:区发改委\n".encode("gbk"))
    with pytest.raises(PlanSyntaxError, match=r"gbk.txt:1: not UTF-8 text"):
        read_plan(gbk)
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(PlanSyntaxError, match="found no section heading followed by a task"):
        read_plan(empty)
    prose = tmp_path / "prose.txt"
    prose.write_text("一、总体要求\n各部门要高度重视。\n", encoding="utf-8")
    with pytest.raises(PlanSyntaxError, match="found no section heading followed by a task"):
        read_plan(prose)


def test_missing_metadata(tmp_path):
    src = tmp_path / "plan.txt"
    src.write_text("一、总体要求\n1.任务\n牵头单位:区发改委\n", encoding="utf-8")
    with pytest.raises(pipeline.MetadataError, match=r"plan.toml: no metadata file for plan.txt"):
        pipeline.read_meta(src)


def test_rule_breaking_but_readable_source_is_read_and_marked(plan_copy, settings):
    """A task without 牵头单位 and an unknown unit are read as they are, for the checks to report."""
    _edit(plan_copy, "牵头单位:区大数据局\n97.", "97.")        # task 96 loses its only unit line
    _edit(plan_copy, "责任单位:区金融办、区经信委", "责任单位:区金融办、区经信伟")  # typo in task 6
    result = pipeline.build(plan_copy, settings)
    t96 = {t.number: t for t in result.plan.tasks}[96]
    assert t96.lead == [] and t96.responsible == []
    from plankg.vocab import PLAN, RDF
    from rdflib import URIRef
    g = result.graph
    task96 = URIRef(str(result.iris.plan) + "/task/96")
    assert g.value(task96, PLAN.leadUnit) is None
    mention = URIRef(str(result.iris.plan) + "/task/6/responsible/2")
    unit = g.value(mention, PLAN.refersTo)
    assert (unit, RDF.type, PLAN.UnregisteredUnit) in g
    assert str(g.value(mention, PLAN.nameAsWritten)) == "区经信伟"
