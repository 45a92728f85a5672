"""Every canned query, run through the CLI as an analyst runs it, against rows typed from the document."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from plankg import canned

from .conftest import PLAN_IRI, SOURCE

LED_BY_FGW = [1, 3, 5, 29, 43, 44, 45, 53, 55, 59, 61, 63, 64, 65, 68, 71, 100, 101, 103, 104, 105, 106, 107,
              108, 111, 115, 116, 128, 131, 132]


def rows(run_cli, *args):
    result = run_cli("query", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_every_canned_query_has_a_header_and_runs(run_cli):
    queries = canned.load_all()
    assert {"tasks", "tasks-led-by", "unit-workload", "lead-also-responsible", "joint-leads", "sections",
            "units"} <= set(queries)
    for q in queries.values():
        assert q.title and q.description, q.name
        args = [f"--param={k}={v}" for k, v in q.example.items()]
        result = rows(run_cli, q.name, *args)
        assert result, f"{q.name}: no rows"
        assert list(result[0]) == list(q.columns), q.name


def test_tasks(run_cli):
    table = {int(r["number"]): r for r in rows(run_cli, "tasks")}
    assert sorted(table) == list(range(1, 172))
    assert table[35]["responsible_units"] == "区商务委、区政府外办、区招商局、区大数据局、各管委会、区国资公司、各管委会、区母城文化公司"
    assert table[64]["lead_units"] == "区政务服务办、区发改委、区市场监管局"
    assert table[2]["responsible_units"] == "区税务局、区国资委"
    assert table[96]["responsible_units"] == ""
    assert table[13]["section"] == "二、作着力扩内需、挖潜能,持续促进消费复苏回暖"
    assert table[13]["subsection"] == "(二)高质量打造“三大地标商圈”"
    assert table[21]["subsection"] == ""  # the source lacks the heading of 三(一)
    assert table[53]["subsection"] == ""
    assert table[44]["text"].startswith("楼宇经济。坚持以“楼产论英雄”")


def test_tasks_for_one_plan(run_cli):
    assert len(rows(run_cli, "tasks", "--param", f"plan={PLAN_IRI}")) == 171
    assert rows(run_cli, "tasks", "--param", "plan=https://w3id.org/plankg/plan/500103/1999") == []


@pytest.mark.parametrize("name", ["区发改委", "区发改委 ", "重庆市渝中区发展和改革委员会"])
def test_tasks_led_by(run_cli, name):
    assert [int(r["number"]) for r in rows(run_cli, "tasks-led-by", "--param", f"unit={name}")] == LED_BY_FGW


def test_tasks_led_by_variant_name(run_cli):
    # 区属各国有重点企业 is written once for the group 区属各重点国企, which leads nothing.
    assert rows(run_cli, "tasks-led-by", "--param", "unit=区属各国有重点企业") == []
    assert [r["number"] for r in rows(run_cli, "tasks-led-by", "--param", "unit=区母城文化公司")] == []
    assert [r["number"] for r in rows(run_cli, "tasks-led-by", "--param", "unit=康翔公司")] == ["82"]


def test_unit_workload(run_cli):
    table = rows(run_cli, "unit-workload")
    top = [(r["unit"], int(r["lead_count"]), int(r["responsible_count"]), int(r["total"])) for r in table[:5]]
    assert top == [("各管委会", 5, 59, 64), ("各街道", 5, 49, 54), ("区住建委", 17, 34, 51),
                   ("区发改委", 30, 16, 46), ("区商务委", 24, 22, 46)]
    totals = [int(r["total"]) for r in table]
    assert totals == sorted(totals, reverse=True)


def test_lead_also_responsible(run_cli):
    assert [(int(r["number"]), r["unit"]) for r in rows(run_cli, "lead-also-responsible")] == [
        (64, "区发改委"), (68, "区财政局"), (71, "区住建委"), (105, "区发改委")]


def test_joint_leads(run_cli):
    table = {int(r["number"]): r["lead_units"] for r in rows(run_cli, "joint-leads")}
    assert table[7] == "区商务委、区文旅委"
    assert table[138] == "区住建委、区规资局、区城管局、区交通局"
    assert table[165] == "区政府各部门、各管委会、各街道"
    assert 1 not in table and 96 not in table
    text = SOURCE.read_text(encoding="utf-8")
    assert len(table) == len(re.findall(r"^牵头单位:[^\n]*、", text, flags=re.M))


def test_sections(run_cli):
    got = [(r["section"][:3], r["subsection"][:3], int(r["task_count"])) for r in rows(run_cli, "sections")]
    assert got == [
        ("一、主", "", 5), ("二、作", "(一)", 7), ("二、作", "(二)", 3), ("二、作", "(三)", 5),
        ("三、着", "（一）", 8), ("三、着", "(二)", 8), ("三、着", "(三)", 7), ("三、着", "(四)", 2), ("三、着", "(五)", 7),
        ("四、着", "", 14), ("五、着", "", 15), ("六、着", "", 14), ("七、着", "", 15), ("八、着", "", 17),
        ("九、着", "", 14), ("十、着", "", 18), ("十一、", "", 5), ("十二、", "", 7)]
    assert sum(c for *_, c in got) == 171


def test_units(run_cli):
    table = {r["unit"]: r for r in rows(run_cli, "units")}
    fgw = table["区发改委"]
    assert fgw["full_name"] == "重庆市渝中区发展和改革委员会"
    assert fgw["english_name"] and fgw["body_type"]
    assert table["各街道"]["body_type"] == "unit group"
    assert "区属各国有重点企业" in table["区属各重点国企"]["aliases"]
    assert "区母城文化公司" in table["母城文化公司"]["aliases"]


def test_csv_output_opens_as_a_table(run_cli):
    result = run_cli("query", "unit-workload", "--format", "csv")
    parsed = list(csv.reader(io.StringIO(result.output)))
    assert parsed[0] == ["unit", "lead_count", "responsible_count", "total"]
    assert parsed[1] == ["各管委会", "5", "59", "64"]


def test_table_output(run_cli):
    result = run_cli("query", "lead-also-responsible")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].split() == ["number", "unit"]
    assert result.output.rstrip().endswith("(4 rows)")


@pytest.mark.parametrize("args, message", [
    (["nope"], "no canned query 'nope'"),
    (["tasks-led-by"], "query 'tasks-led-by' needs parameter(s): unit"),
    (["tasks", "--param", "colour=red"], "query 'tasks' has no parameter(s) colour"),
    (["tasks", "--param", "plan"], "expected NAME=VALUE"),
    (["tasks", "--param", "plan=file:///etc/passwd"], "must be an http(s) IRI"),
    (["missing.rq"], "missing.rq: no such file"),
])
def test_query_errors_are_one_line(run_cli, args, message):
    result = run_cli("query", *args)
    assert result.exit_code == 2  # a wrong request, as unreadable input (docs/commands.md)
    assert len(result.output.strip().splitlines()) == 1 and message in result.output


def test_query_from_a_file(run_cli, tmp_path):
    q = tmp_path / "count.rq"
    q.write_text("PREFIX plan: <https://w3id.org/plankg/ontology#>\n"
                 "SELECT (COUNT(?t) AS ?n) WHERE { ?t a plan:Task }", encoding="utf-8")
    assert rows(run_cli, str(q)) == [{"n": "171"}]
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT WHERE {", encoding="utf-8")
    result = run_cli("query", str(bad))
    assert result.exit_code == 2 and f"{bad}:1:14: SPARQL syntax error: this \"{{\" is never closed" in result.output


def test_headline_targets(run_cli):
    """Lines 1-4 of the plan restate four targets that tasks 1, 3, 4 and 5 set; line 6 declares 171 tasks."""
    got = [(int(r["line"]), r["indicator"], r["kind"], r["value"], r["unit"], r["comparator"], r["task"],
            r["task_value"]) for r in rows(run_cli, "headline-targets", "--param", f"plan={PLAN_IRI}")]
    assert got == [
        (1, "地区生产总值", "growth-rate", "5", "%", "about", "1", "5"),             # 地区生产总值增长5%左右
        (2, "固定资产投资总额", "growth-rate", "5", "%", "at-least", "3", "5"),       # 固定资产投资总额增长5%以上
        (3, "社会消费品零售总额", "growth-rate", "6", "%", "about", "4", "6"),        # 社会消费品零售总额增长6%左右
        (4, "城镇居民人均可支配收入", "growth-rate", "5", "%", "at-least", "5", "5"),  # 城镇居民人均可支配收入增长5%以上
    ]
    assert {(r["declared_tasks"], r["tasks"]) for r in rows(run_cli, "headline-targets")} == {("171", "171")}


def test_every_plan_parameter_narrows_to_the_plan(run_cli):
    """Each query that takes a plan answers for that plan when given it (pyoxigraph refuses a bound
    variable that an aggregate hides from the projection: target-summary once did)."""
    for q in canned.load_all().values():
        for p in q.params:
            if p.name != "plan":
                continue
            given = {**q.example, "plan": PLAN_IRI}
            result = rows(run_cli, q.name, *[f"--param={k}={v}" for k, v in given.items()])
            assert result, f"{q.name} --param plan={PLAN_IRI}: no rows"
