"""Other districts' layouts: every sample reads to its expected tasks and units; what cannot be read is reported.

The samples (tests/data/samples/, a copy of ../shared/samples/) show the kinds of variation; the
made-up variants below vary them again (full-width brackets, 牵头部门, (1) numbering, marks, tabs)
so that the reader is not fitted to the samples alone.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import URIRef

from plankg import pipeline
from plankg.cli import cli
from plankg.config import Settings
from plankg.graph import Iris, PlanMeta, build_graph
from plankg.layouts import detect, summary
from plankg.registry import Registry
from plankg.layouts.lines import LinesReader
from plankg.sources import PlanSyntaxError, read_plan
from plankg.vocab import PLAN

from .conftest import DATA, SOURCE

SAMPLES = Path(__file__).parent / "data" / "samples"
LAYOUT_OF = {"brackets": "brackets", "parentheses-leaders": "parentheses", "one-line-county": "one-line",
             "flattened-table": "table", "ordinal-targets": "ordinal"}
BASE = "https://w3id.org/plankg/"


def _plan(tmp_path, text: str, name: str = "plan.txt", **kw):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_plan(path, **kw)


def _tasks(plan):
    return {t.id: ([u.name for u in t.lead], [u.name for u in t.responsible]) for t in plan.tasks}


def _graph(plan):
    meta = PlanMeta("2024年重点工作", "样例区人民政府办公室", "样例区", "999999", 2024)
    return build_graph(plan, meta, Registry.load(DATA / "units.ttl", BASE), BASE), Iris(BASE, "999999", 2024)


# -- The samples ----------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(LAYOUT_OF))
def test_sample_reads_to_its_expected_tasks(name):
    expected = json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    plan = read_plan(SAMPLES / f"{name}.txt")
    got = summary(plan)
    assert plan.layout == LAYOUT_OF[name]
    assert [t["id"] for t in got["tasks"]] == [t["id"] for t in expected["tasks"]]
    for mine, theirs in zip(got["tasks"], expected["tasks"]):
        assert mine == theirs, f"{name} task {theirs['id']}"
    assert (got["district"], got["year"]) == (expected["district"], expected["year"])


@pytest.mark.parametrize("name", sorted(LAYOUT_OF))
def test_sample_offsets_point_into_the_text(name):
    plan = read_plan(SAMPLES / f"{name}.txt")
    lines = plan.text.splitlines()
    for t in plan.tasks:
        assert plan.text[t.start:t.end] == t.text and t.text
        for u in t.lead + t.responsible:
            assert plan.text[u.start:u.end] == u.name
            assert u.name in lines[u.line - 1]


def test_sample_problems_are_reported_not_dropped():
    problems = {name: [p.message for p in read_plan(SAMPLES / f"{name}.txt").problems] for name in LAYOUT_OF}
    assert all(not p for p in problems.values()), problems
    # parentheses-leaders' unnumbered heading (line 13) is read as a heading, not dropped
    sub = read_plan(SAMPLES / "parentheses-leaders.txt").subsections
    assert [(s.title, s.line) for s in sub] == [("加强基础设施建设", 13)]


def test_lead_rules():
    rules = {name: read_plan(SAMPLES / f"{name}.txt") for name in LAYOUT_OF}
    assert {n: p.lead_rule for n, p in rules.items()} == {
        "brackets": "field", "parentheses-leaders": "field", "flattened-table": "field",
        "one-line-county": "first-listed", "ordinal-targets": "none"}
    assert rules["one-line-county"].lead_rule_text.startswith("首位单位为牵头单位")


# -- Detection and the override --------------------------------------------------

@pytest.mark.parametrize("name", sorted(LAYOUT_OF))
def test_layout_is_detected_with_a_reason(name):
    layout, why = detect((SAMPLES / f"{name}.txt").read_text(encoding="utf-8"))
    assert layout == LAYOUT_OF[name] and why


def test_bundled_plan_is_lines_and_reads_unchanged():
    auto, strict = read_plan(SOURCE), LinesReader(str(SOURCE), SOURCE.read_text(encoding="utf-8")).read()
    assert auto.layout == "lines" and auto.lead_rule == "field" and auto.problems == []
    assert [(t.id, t.number, t.scope, t.occurrence, t.text, t.start, t.end, t.lead, t.responsible)
            for t in auto.tasks] == \
           [(str(t.number), t.number, (), t.occurrence, t.text, t.start, t.end, t.lead, t.responsible)
            for t in strict.tasks]


def test_layout_override(tmp_path):
    plan = read_plan(SAMPLES / "parentheses-leaders.txt", layout="inline")
    assert plan.layout == "inline" and plan.layout_reason == "given (--layout)"
    assert _tasks(plan)["3"] == (["市交通运输局示例分局"], ["区自然资源和规划局", "区林业局", "区城投集团", "有关乡镇办"])
    with pytest.raises(PlanSyntaxError, match="found no tasks: no table"):
        read_plan(SAMPLES / "brackets.txt", layout="table")
    with pytest.raises(PlanSyntaxError, match="unknown layout 'csv'"):
        read_plan(SAMPLES / "brackets.txt", layout="csv")


def test_a_text_without_tasks_is_refused(tmp_path):
    news = "近日,某区召开会议,要求各责任单位抓好落实。\n会议强调,要推动一、二产业融合发展。\n"
    with pytest.raises(PlanSyntaxError, match=r"news.txt: .*found no tasks to read"):
        _plan(tmp_path, news, "news.txt")
    fields_only = "会议要求:\n责任单位:区发改局\n"
    with pytest.raises(PlanSyntaxError, match=r"fields.txt:2: found no tasks: a unit field with no numbered task"):
        _plan(tmp_path, fields_only, "fields.txt", layout="inline")


# -- Truncated documents ------------------------------------------------------------

@pytest.mark.parametrize("text, cut", [
    ("一、稳增长\n1、完成投资100亿元。[牵头单位:区发改局;责任单位:区住建局、区", "'区'"),
    ("一、县长牵头工作 1.任务一。责任单位:县发改局、县财政局 2.任务二。责任单位:县住建局、县财", "'县财'"),
    ("一、稳增长\n1.完成投资100亿元。\n牵头单位:区发改局\n责任单位:区住建局、区", "'区'"),
    ("一、稳增长\n(一)完成投资100亿元。\n责任单位:区住建局、各乡镇(街", "'各乡镇(街'"),
])
def test_a_name_cut_off_at_the_end_is_not_a_unit(tmp_path, text, cut):
    plan = _plan(tmp_path, text)
    names = {u.name for t in plan.tasks for u in t.lead + t.responsible}
    assert names and not any(len(n) < 3 or n.endswith(("(街", "县财")) for n in names)
    assert plan.tasks[-1].truncated
    assert any(cut in p.message for p in plan.problems), plan.problems


def test_a_text_ending_inside_a_task_or_a_label(tmp_path):
    plan = _plan(tmp_path, "一、稳增长\n1、完成投资100亿元。[牵头单位:区发改局]\n2、新增市场主体5000户。责任单")
    assert plan.tasks[-1].truncated and plan.tasks[-1].lead == []
    assert "the text ends inside task 2" in plan.problems[-1].message and "'责任单'" in plan.problems[-1].message
    plan = _plan(tmp_path, "一、稳增长\n1、完成投资。[牵头单位:区发改局]\n2、新增主体。[牵头单位:区市场监管局;责任")
    assert _tasks(plan)["2"] == (["区市场监管局"], [])
    assert {"'责任' looks like a field label cut off, not a unit",
            "the text ends inside the unit fields of task 2 in section 一 (no closing bracket for '[')"} <= \
           {p.message for p in plan.problems}


# -- Separators, parentheses, officials --------------------------------------------------

def test_separators_and_parentheses_inside_names(tmp_path):
    plan = _plan(tmp_path, "一、协同发展\n"
                           "1.推进区域合作。(牵头单位:市发改委;责任单位:各县(市、区)政府,市财政局;市商务局，"
                           "市交通局、各乡镇(街道))\n")
    assert _tasks(plan)["1"] == (["市发改委"], ["各县(市、区)政府", "市财政局", "市商务局", "市交通局", "各乡镇(街道)"])


def test_officials_are_people_never_units():
    plan = read_plan(SAMPLES / "parentheses-leaders.txt")
    assert [t.officials for t in plan.tasks] == [["区长"], ["常务副区长"], ["副区长"], ["副区长"], ["副区长"]]
    g, iris = _graph(plan)
    assert {str(o) for o in g.objects(None, PLAN.responsibleOfficial)} == {"区长", "常务副区长", "副区长"}
    written = {str(o) for o in g.objects(None, PLAN.nameAsWritten)}
    assert not written & {"区长", "常务副区长", "副区长"} and "区发改局" in written
    county = read_plan(SAMPLES / "one-line-county.txt")
    assert {u.name for t in county.tasks for u in t.lead + t.responsible}.isdisjoint({"县长", "常务副县长"})


# -- Graph identities ----------------------------------------------------------------------

def test_restarting_numbers_give_section_qualified_iris():
    plan = read_plan(SAMPLES / "one-line-county.txt")
    g, iris = _graph(plan)
    t = URIRef(f"{iris.plan}/task/2.3")
    assert int(g.value(t, PLAN.number)) == 3 and str(g.value(t, PLAN.taskId)) == "二.3"
    assert g.value(t, PLAN.section) == iris.section(2)
    assert g.value(t, PLAN.leadFromRule).toPython() is True
    assert str(g.value(iris.plan, PLAN.leadRule)).startswith("首位单位为牵头单位")
    table, _ = _graph(read_plan(SAMPLES / "flattened-table.txt"))
    assert str(table.value(URIRef(f"{iris.plan}/task/t2.1"), PLAN.title)) == "建设创新园区"


def test_a_repeated_number_keeps_its_dash_suffix(tmp_path):
    plan = _plan(tmp_path, "一、稳增长\n1.任务甲。[牵头单位:区发改局]\n2.任务乙。[牵头单位:区财政局]\n"
                           "2.任务丙。[牵头单位:区商务局]\n二、惠民生\n3.任务丁。[牵头单位:区民政局]\n")
    assert [t.id for t in plan.tasks] == ["1", "2", "2-2", "3"]
    _, iris = _graph(plan)
    assert str(iris.task(plan.tasks[2])).endswith("/task/2-2")


def test_numbering_restarting_in_each_subsection(tmp_path):
    plan = _plan(tmp_path, "一、稳增长\n(一)扩投资\n1.任务甲。[牵头单位:区发改局]\n2.任务乙。[牵头单位:区财政局]\n"
                           "(二)促消费\n1.任务丙。[牵头单位:区商务局]\n")
    assert [t.id for t in plan.tasks] == ["一.(一).1", "一.(一).2", "一.(二).1"]
    _, iris = _graph(plan)
    assert str(iris.task(plan.tasks[2])).endswith("/task/1.2.1")


# -- Variants of our own: real documents vary more than the samples ---------------------------

def test_variant_full_width_brackets_bumen_and_paren_numbers(tmp_path):
    plan = _plan(tmp_path, "某某区2024年重点工作任务分解表\n一、推动高质量发展\n"
                           "（1）加快建设科技园区。【牵头部门：区科技局；配合部门：区发改局、各县（市、区）政府；"
                           "完成时限：2024年12月底】\n"
                           "（2）推进老旧小区改造15个。【牵头部门：区住建局；配合部门：区财政局；各街道】\n"
                           "二、保障和改善民生\n（1）新增就业岗位5000个。【牵头部门：区人社局；配合部门：区总工会】\n")
    assert plan.layout == "brackets"
    assert _tasks(plan) == {"一.(1)": (["区科技局"], ["区发改局", "各县（市、区）政府"]),
                            "一.(2)": (["区住建局"], ["区财政局", "各街道"]),
                            "二.(1)": (["区人社局"], ["区总工会"])}
    assert [p.message for p in plan.problems] == ["完成时限 fields are not read (1 task(s))"]


def test_variant_inline_fields_marks_and_phrases(tmp_path):
    plan = _plan(tmp_path, "关于印发某区2024年重点任务的通知\n一、经济发展\n"
                           "1.地区生产总值增长6%。牵头单位:区发改委;责任单位:区统计局、区财政局\n"
                           "2.引进项目30个。责任单位:区招商局(牵头)、区商务委\n"
                           "二、社会民生\n3.新建学校2所(区教委牵头,区住建委、区财政局配合)\n")
    assert plan.layout == "inline" and plan.lead_rule == "field+marked"
    assert _tasks(plan) == {"1": (["区发改委"], ["区统计局", "区财政局"]), "2": (["区招商局"], ["区商务委"]),
                            "3": (["区教委"], ["区住建委", "区财政局"])}
    assert summary(plan)["district"] == "某区"


def test_variant_tab_table_with_an_empty_cell_and_a_deadline_column(tmp_path):
    plan = _plan(tmp_path, "序号\t工作任务\t牵头单位\t责任单位\t完成时限\n"
                           "1\t建设公园3个\t区城管局\t区住建局、区财政局\t2024年底\n"
                           "2\t改造道路10公里\t区交通局\t\t2024年6月\n")
    assert plan.layout == "table"
    assert _tasks(plan) == {"表1-1": (["区城管局"], ["区住建局", "区财政局"]), "表1-2": (["区交通局"], [])}
    assert plan.problems == []


def test_variant_lines_with_bumen_and_officials(tmp_path):
    plan = _plan(tmp_path, "一、总体要求\n1.加强组织领导。\n牵头部门:区政府办\n配合单位:各街道\n责任领导:张三\n"
                           "2.狠抓工作落实。\n牵头单位:区督查室\n")
    assert plan.layout == "lines"
    assert _tasks(plan) == {"1": (["区政府办"], ["各街道"]), "2": (["区督查室"], [])}
    assert plan.tasks[0].officials == ["张三"]


def test_lines_with_every_field_label_the_other_layouts_read(tmp_path):
    """The readers share their field labels (plankg.reading): 主办单位 and 牵头责任单位 on their own
    lines read as lead units in the lines layout too (they were refused: "cannot read '主办单位:…'")."""
    plan = _plan(tmp_path, "一、总体要求\n1.加强组织领导。\n主办单位:区发改委\n协同单位:区财政局、区税务局\n"
                           "2.狠抓工作落实。\n牵头责任单位:区督查室\n")
    assert plan.layout == "lines"
    assert _tasks(plan) == {"1": (["区发改委"], ["区财政局", "区税务局"]), "2": (["区督查室"], [])}
    assert not plan.problems


def test_variant_parts_circled_numbers_and_a_signature(tmp_path):
    plan = _plan(tmp_path, "第一部分 经济发展\n①培育新兴产业。\n责任单位:区经信局(牵头)、区科技局\n"
                           "②壮大数字经济。\n责任单位:区大数据局\n第二部分 民生保障\n①办好民生实事。\n"
                           "责任单位:区民政局\n\n某区人民政府办公室\n2024年2月1日\n")
    assert plan.layout == "ordinal"
    assert _tasks(plan) == {"一.①": (["区经信局"], ["区科技局"]), "一.②": ([], ["区大数据局"]),
                            "二.①": ([], ["区民政局"])}
    assert [p.line for p in plan.problems] == [10, 11]  # the signature is reported, not read as units


def test_unit_fields_on_a_heading_are_reported(tmp_path):
    plan = _plan(tmp_path, "一、稳增长(牵头单位:区发改局)\n1.任务甲。[牵头单位:区财政局]\n")
    assert _tasks(plan) == {"1": (["区财政局"], [])}
    assert "unit fields in the heading" in plan.problems[0].message


# -- plankg read and plankg build ---------------------------------------------------------------

def test_cli_read_json_has_the_samples_shape():
    result = CliRunner().invoke(cli, ["read", str(SAMPLES / "ordinal-targets.txt"), "--format", "json"])
    assert result.exit_code == 0
    got = json.loads(result.stdout)
    expected = json.loads((SAMPLES / "ordinal-targets.expected.json").read_text(encoding="utf-8"))
    assert got["tasks"] == expected["tasks"] and got["layout"] == "ordinal" and got["problems"] == []
    assert {"district", "year", "lead_rule", "layout", "tasks", "problems"} <= set(got)


def test_cli_read_table_and_override():
    result = CliRunner().invoke(cli, ["read", str(SAMPLES / "parentheses-leaders.txt"), "--layout", "inline"])
    assert result.exit_code == 0
    assert "layout inline (given (--layout))" in result.stdout
    assert "reading problems: 0" in result.stdout


def test_cli_read_runs_the_rules_when_the_text_has_its_metadata(plan_copy, settings):
    """Task 35 without its 牵头单位 line reads without a problem, and breaks a rule: both are said."""
    text = plan_copy.read_text(encoding="utf-8")
    plan_copy.write_text(text.replace("牵头单位:区文旅委\n责任单位:区商务委、区政府外办", "责任单位:区商务委、区政府外办"),
                         encoding="utf-8")
    result = CliRunner().invoke(cli, ["read", str(plan_copy)])
    assert result.exit_code == 0
    assert "reading problems: 0" in result.stdout and "\nproblems: 0" not in result.stdout
    assert "  task 35 (line 122)  Violation  每项任务至少要有一个牵头单位" in result.stdout
    assert result.stdout.rstrip().endswith("does not conform: 1 violation(s), 7 warning(s)")
    rules = json.loads(CliRunner().invoke(cli, ["read", str(plan_copy), "--format", "json"]).stdout)["rules"]
    assert (rules["checked"], rules["conforms"], rules["violations"]) == (True, False, 1)
    assert {"severity": "Violation", "rule": "Task-leadUnit", "place": "task 35", "line": 122}.items() <= next(
        r for r in rules["results"] if r["severity"] == "Violation").items()


def test_cli_read_says_the_rules_were_not_checked_without_metadata():
    result = CliRunner().invoke(cli, ["read", str(SAMPLES / "ordinal-targets.txt")])
    assert "rules: not checked (no metadata file ordinal-targets.toml beside it); run plankg validate" in result.stdout
    got = json.loads(CliRunner().invoke(cli, ["read", str(SAMPLES / "ordinal-targets.txt"), "--format", "json"]).stdout)
    assert got["rules"] == {"checked": False, "why": "no metadata file ordinal-targets.toml beside it"}


def test_cli_read_refuses_with_one_line_and_exit_2(tmp_path):
    news = tmp_path / "news.txt"
    news.write_text("近日,某区召开会议,要求各单位抓好落实。\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["read", str(news)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {news}: ") and "found no tasks" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_build_reads_another_layout(tmp_path):
    src = tmp_path / "county.txt"
    src.write_text((SAMPLES / "one-line-county.txt").read_text(encoding="utf-8"), encoding="utf-8")
    src.with_suffix(".toml").write_text('title = "2024年政府工作报告重点工作责任分解"\npublisher = "样例县人民政府办公室"\n'
                                        'district = "样例县"\ndivision_code = "999998"\nyear = 2024\n', encoding="utf-8")
    result = pipeline.build(src, Settings(data_dir=DATA, build_dir_override=tmp_path / "out"))
    assert result.plan.layout == "one-line"
    assert (URIRef(f"{result.iris.plan}/task/1.1"), PLAN.taskId, None) in result.graph


def test_the_lenient_reader_agrees_with_the_strict_one_on_the_bundled_plan():
    """Read as inline fields, the Yuzhong plan gives the same records, quirks included."""
    def key(p):
        return ([(t.id, t.text, t.start, t.end, t.line, t.section, t.subsection, t.lead, t.responsible,
                  t.lead_open, t.responsible_open, t.truncated) for t in p.tasks],
                [(s.number, s.heading, s.line, s.start, s.end, s.stray_character) for s in p.sections],
                p.subsections, p.preamble_lines)
    assert key(read_plan(SOURCE, layout="inline")) == key(read_plan(SOURCE))


def test_lines_layout_with_numbering_restarting_in_each_section(tmp_path):
    plan = _plan(tmp_path, "一、稳增长\n1.任务甲。\n牵头单位:区发改局\n2.任务乙。\n牵头单位:区财政局\n"
                           "二、惠民生\n1.任务丙。\n牵头单位:区民政局\n")
    assert plan.layout == "lines"
    assert [(t.id, t.scope, t.occurrence) for t in plan.tasks] == [
        ("一.1", ("1",), 1), ("一.2", ("1",), 1), ("二.1", ("2",), 1)]
