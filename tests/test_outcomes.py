"""plankg outcomes, run as an analyst does: each kind of report, each trap, the verdicts and the
canned questions (tests/data/outcomes holds constructed reports in the form real ones take)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.conftest import PLAN_IRI, REPO

REPORTS = REPO / "tests" / "data" / "outcomes"
ORDER = [("task-progress-2023q3", "2023-10-15"), ("work-report-2024", "2024-01-09"),
         ("plan-execution-2023", "2024-01-09"), ("statistical-bulletin-2023", "2024-03-20")]


def line_for(output: str, phrase: str) -> str:
    hits = [l for l in output.splitlines() if phrase in l]
    assert hits, f"{phrase!r} not printed:\n{output}"
    return hits[0]


def dry_run(run_cli, tmp_path: Path, text: str) -> str:
    """What `plankg outcomes --dry-run` prints for a report written on the spot."""
    report = tmp_path / "report.txt"
    report.write_text(text, encoding="utf-8")
    return run_cli("outcomes", str(report), "--plan", PLAN_IRI, "--dry-run").output


@pytest.fixture
def outcomes(run_cli, tmp_path):
    store = tmp_path / "store"

    def run(name: str, published: str | None = None, *more: str):
        args = ["outcomes", str(REPORTS / f"{name}.txt"), "--plan", PLAN_IRI, "--store", str(store), *more]
        return run_cli(*args, *(["--published", published] if published else []))
    run.store = store
    return run


def test_work_report_traps(outcomes):
    out = outcomes("work-report-2024", "2024-01-09", "--dry-run")
    assert out.exit_code == 0, out.output
    o = out.output
    assert "work-report (the title says 政府工作报告)" in o
    assert "linked to the plan's headline target、task 1" in line_for(o, "预计全年地区生产总值增长6.1%")
    # sub-area: 解放碑商圈 is not the district, and no target is 解放碑's; 大坪商圈 has its own (task 51)
    assert "kept, not linked: a figure for 解放碑商圈" in line_for(o, "解放碑商圈实现社会消费品零售总额350亿元")
    assert "linked to task 51" in line_for(o, "大坪商圈社会消费品零售总额突破210亿元")
    # report names: 经营主体 for 市场主体, 户 for 万户
    assert "linked to task 62" in line_for(o, "新增经营主体1.6万户")
    # stock against flow, cumulative
    assert "cumulative or stock figure (总量)" in line_for(o, "经营主体总量达到12.8万户")
    assert "cumulative or stock figure (累计)" in line_for(o, "国家高新技术企业260家")
    assert "linked to task 110" in line_for(o, "新增国家高新技术企业56家")
    # five-year review, next year's targets, another measure with the same number
    assert "five-year review" in line_for(o, "地区生产总值年均增长5.8%")
    assert "five-year review" in line_for(o, "累计新增经营主体5.2万户")
    assert "not read: a target stated under '三、2024年主要预期目标'" in line_for(o, "地区生产总值增长5.5%左右")
    assert "no target of the plan measures 民间投资" in line_for(o, "民间投资增长5%")
    assert "a level in 元; the targets are growth-rate" in line_for(o, "区级一般公共预算收入完成52.3亿元")
    assert "dry run: nothing stored" in o
    assert not (outcomes.store / "outcomes").exists()  # (the plan itself is imported: the first reader does it)


def test_wrong_year_and_no_year(outcomes, run_cli, tmp_path):
    o = outcomes("plan-execution-2023", "2024-01-09", "--dry-run").output
    assert "a figure for 2022 (the sentence names it), not the plan's year 2023" in line_for(o, "1320亿元")
    undated = tmp_path / "undated.txt"
    undated.write_text("渝中区经济运行情况\n一、主要指标\n地区生产总值增长5.2%。\n", encoding="utf-8")
    r = run_cli("outcomes", str(undated), "--plan", PLAN_IRI, "--kind", "work-report", "--dry-run")
    assert "no year" in line_for(r.output, "地区生产总值增长5.2%"), r.output  # a work report's title year is not its figures'



def test_unknown_kind_is_an_error_naming_the_file(outcomes, tmp_path, run_cli):
    odd = tmp_path / "odd.txt"
    odd.write_text("会议纪要\n地区生产总值增长5.2%。\n", encoding="utf-8")
    r = run_cli("outcomes", str(odd), "--plan", PLAN_IRI, "--dry-run")
    assert r.exit_code == 2 and f"{odd}:1: cannot tell what kind of report" in r.output and "--kind" in r.output


def test_verdicts_estimate_then_final_and_queries(outcomes, run_cli, monkeypatch):
    for name, published in ORDER:
        r = outcomes(name, published)
        assert r.exit_code == 0, r.output
    assert "verdicts (every report of the plan): 11 met, 2 missed, 1 unclear, 114 not-reported" in r.output  # as target-summary
    monkeypatch.setenv("PLANKG_STORE", str(outcomes.store))
    status = run_cli("query", "target-status", "--param", f"plan={PLAN_IRI}", "--format", "csv")
    rows = {(r["task"], r["indicator"]): r for r in csv.DictReader(io.StringIO(status.output))}
    gdp = rows[("1", "地区生产总值")]
    # the bulletin's final 5.8% supersedes the estimates (6.1% 预计, 6%左右 预计): about 5% is met
    assert (gdp["outcome_value"], gdp["qualifier"], gdp["verdict"], gdp["line"]) == ("5.8", "", "met", "5")
    assert gdp["source"] == "2023年渝中区国民经济和社会发展统计公报"
    assert rows[("62", "新增市场主体")]["outcome_value"] == "16235"  # 户 against 1.4万户
    budget = rows[("2", "区级一般公共预算收入")]
    assert (budget["verdict"], budget["qualifier"]) == ("missed", "预计")  # an estimate, marked as such
    assert rows[("103", "固定资产投资")]["verdict"] == "unclear"  # 210亿元左右 against 210亿元以上
    assert rows[("51", "社会消费品零售总额")]["verdict"] == "met"  # 突破210亿元 against 超过200亿元
    assert rows[("110", "全社会研发经费投入")]["verdict"] == "missed"  # 12% against 15%以上
    assert rows[("16", "首店品牌")]["verdict"] == "not-reported"
    summary = run_cli("query", "target-summary", "--format", "csv").output.splitlines()
    assert summary[1] == f"{PLAN_IRI},128,11,2,1,114,1"  # each target once: 4 headline targets restate tasks 1, 3, 4, 5
    progress = list(csv.DictReader(io.StringIO(run_cli("query", "task-progress", "--format", "csv").output)))
    assert [(p["task"], p["status_as_written"], p["lead_units"]) for p in progress if p["status"]] == [
        ("10", "已完成", ""), ("44", "序时推进", ""), ("51", "滞后", "时代天街管委会"), ("62", "序时推进", ""),
        ("72", "滞后", "区住建委"), ("129", "未启动", "")]


def test_stored_outcomes_conform_and_the_rules_can_fail(outcomes):
    from rdflib import Dataset, Graph, URIRef

    from plankg.validate import validate
    from plankg.vocab import PLAN
    for name, published in ORDER:
        outcomes(name, published)
    g = Graph()
    for path in (outcomes.store / "outcomes" / "500103-2023").glob("*.trig"):
        ds = Dataset()
        ds.parse(path, format="trig")
        for s, p, o, _ in ds.quads():
            g.add((s, p, o))
    assert validate(g).conforms
    met = next(g.subjects(PLAN.verdict, URIRef("https://w3id.org/plankg/def/verdict/met")))
    g.remove((met, PLAN.evidence, None))
    report = validate(g)
    assert not report.conforms and "must name the reported figure" in report.to_text()


def test_progress_row_numbers_and_other_areas(run_cli, tmp_path):
    o = run_cli("outcomes", str(REPORTS / "task-progress-2023q3.txt"), "--plan", PLAN_IRI, "--dry-run").output
    # a bare "1." whose text is not task 1's is a row number, not the plan's task number
    assert "not read: 1. may be the report's row number" in line_for(o, "1.楼宇经济招商进度较慢")
    assert "status on-schedule of task 44" in line_for(o, "task 44: 序时推进")
    assert "not read: the plan has no task 250" in line_for(o, "第250项")
    o = dry_run(run_cli, tmp_path, "2023年渝中区国民经济和社会发展统计公报\n一、综合\n"
                "全年全区实现地区生产总值（GDP）1638.2亿元，按可比价格计算，比上年增长5.8%。\n"
                "全市社会消费品零售总额增长6.9%。\n")
    assert "linked to the plan's headline target、task 1" in line_for(o, "增长5.8%")
    assert "kept, not linked: no target of the plan measures 全市社会消费品零售总额" in line_for(o, "增长6.9%")


def test_final_figure_supersedes_estimates(outcomes):
    from rdflib import Dataset, URIRef

    from plankg.vocab import PLAN
    for name, published in ORDER:
        outcomes(name, published)
    ds = Dataset()
    ds.parse(outcomes.store / "outcomes" / "500103-2023" / "verdicts.trig", format="trig")
    final = URIRef(f"{PLAN_IRI}/outcomes/statistical-bulletin-2023/figure/2")  # 比上年增长5.8%
    superseded = {str(o).split("/outcomes/")[1] for _, _, o, _ in ds.quads((final, PLAN.supersedes, None, None))}
    assert superseded == {"work-report-2024/figure/1", "plan-execution-2023/figure/1"}  # 6.1% and 6%左右, both 预计


def test_respectively_points_and_relative_years(run_cli, tmp_path):
    o = dry_run(run_cli, tmp_path, "2024年渝中区人民政府工作报告\n一、2023年工作回顾\n"
                "过去一年，全区地区生产总值增长6.1%，高于全市0.2个百分点。\n"
                "城镇、农村常住居民人均可支配收入分别增长4.8%、6.9%。\n")
    assert "linked to the plan's headline target、task 1" in line_for(o, "地区生产总值增长6.1%")
    assert "not read: percentage points" in line_for(o, "0.2个百分点")
    assert "过去" not in "".join(l for l in o.splitlines() if "kept" in l)  # 过去一年 is no figure
    # 分别 pairs names and figures: never linked, 4.8% is not the rural figure
    assert all("not read: 分别 pairs" in l for l in o.splitlines() if "4.8%" in l or "6.9%" in l)


@pytest.mark.parametrize("value, comparator, reported, qualifiers, verdict", [
    ("5", "about", "5.2", (), "met"),            # about 5% against 5.2%
    ("5", "about", "4.8", (), "met"),            # within the tolerance below
    ("5", "about", "4.7", (), "missed"),
    ("21000000000", "at-least", "21040000000", (), "met"),         # at least 210亿元 against 210.4亿元
    ("21000000000", "at-least", "21000000000", ("左右",), "unclear"),  # 210亿元左右 may be below
    ("20000000000", "at-least", "21000000000", ("突破",), "met"),
    ("15", "at-least", "12", ("预计",), "missed"),  # an estimate judges as written (the verdict says so)
    ("5.5", "at-most", "5.2", (), "met"),
    ("0", "maintain", "3", (), "missed"),        # 违法建筑保持零新增: zero is a ceiling
    ("-3", "at-least", "-2", (), "missed"),      # 下降3%以上 against a 2% fall
])
def test_verdict_rules(value, comparator, reported, qualifiers, verdict):
    from decimal import Decimal

    from plankg.outcomes.linking import PlanTarget
    from plankg.outcomes.verdicts import Evidence, judge
    target = PlanTarget("t", "1", "i", "x", "level", Decimal(value), "NUM", "", comparator, 2023, "", "")
    assert judge(target, Evidence("e", Decimal(reported), qualifiers, "", 0))[0] == verdict


def summary_line(output: str) -> str:
    return line_for(output, "figures: ")


def test_review_paragraphs_and_text_after_a_heading_are_read(outcomes, run_cli, tmp_path):
    """A work report's review paragraphs open with ——; a plan-execution report's sub-headings carry
    their section's text on the same line: every figure of either is listed, none dropped."""
    o = outcomes("work-report-paragraphs-2024", None, "--dry-run").output
    assert summary_line(o).startswith("figures: 11 found, 4 linked, 7 kept (not linked), 0 not read"), o
    assert "a level in 元" in line_for(o, "地区生产总值突破1600亿元")
    # the subject carries (GDP增速 … 一季度x、上半年y、预计全年z): part-year figures kept, the year's linked
    for part in ("一季度2.9%", "上半年3.5%"):
        assert "kept, not linked: a figure for part of the year" in line_for(o, part)
    annual = line_for(o, "预计全年5.1%左右")
    assert "linked to the plan's headline target、task 1" in annual and "an estimate (预计)" in annual
    assert "indicator from GDP增速" in annual and "GDP is a label of 地区生产总值 in data/indicators.ttl" in annual
    assert "kept, not linked: no target" in line_for(o, "产出GDP超70亿元")
    cbd = line_for(o, "首次突破千亿")  # a sub-area's figure, written in Chinese numerals
    assert "kept, not linked: a figure for 解放碑中央商务区" in cbd and "千亿 read as 1000亿元" in cbd
    assert "no target of the plan measures 游客接待量" in line_for(o, "逾8100万人次")
    assert "linked to task 62" in line_for(o, "新增经营主体1.45万户")
    assert "linked to task 107" in line_for(o, "社会投资增长8.3%")
    assert "linked to task 142" in line_for(o, "城镇新增就业3.1万人")
    assert "five-year review" in line_for(o, "地区生产总值年均增长5.0%")
    assert not [l for l in o.splitlines() if l.strip().startswith("line") and l.split()[2] == "过去五年"]

    o = dry_run(run_cli, tmp_path, "渝中区2023年国民经济和社会发展计划执行情况的报告\n一、2023年计划执行情况\n"
                "（一）收入与创新。城镇常住居民人均可支配收入增长5.3%，累计培育国家高新技术企业270家。\n")
    income = line_for(o, "城镇常住居民人均可支配收入增长5.3%")
    assert "task 5" in income and "城镇常住居民人均可支配收入 is a label of 城镇居民人均可支配收入" in income
    assert "cumulative or stock figure (累计)" in line_for(o, "国家高新技术企业270家")


def test_verdicts_from_review_paragraphs(outcomes, run_cli, monkeypatch):
    assert outcomes("work-report-paragraphs-2024", "2024-01-10").exit_code == 0
    monkeypatch.setenv("PLANKG_STORE", str(outcomes.store))
    status = run_cli("query", "target-status", "--param", f"plan={PLAN_IRI}", "--format", "csv")
    rows = {(r["task"], r["indicator"]): r for r in csv.DictReader(io.StringIO(status.output))}
    assert rows[("62", "新增市场主体")]["verdict"] == "met"
    assert rows[("107", "社会投资")]["verdict"] == "met"
    gdp = rows[("1", "地区生产总值")]
    # the qualifiers in the order the store gives them (GROUP_CONCAT has none of its own)
    assert (gdp["outcome_value"], sorted(gdp["qualifier"].split()), gdp["verdict"]) == ("5.1", ["左右", "预计"], "met"), gdp
    assert rows[("142", "城镇新增就业人数")]["verdict"] == "missed"  # 3.1万人 against 4万人以上


def test_chained_figures_partial_periods_and_chinese_amounts(outcomes):
    o = outcomes("plan-execution-chained-2023", None, "--dry-run").output
    assert summary_line(o).startswith("figures: 15 found, 4 linked, 7 kept (not linked), 4 not read"), o
    for phrase in ("规模以上工业增加值同比增长3.6%", "社会消费品零售总额比上年同期增长5.1%"):
        assert "a figure for part of the year (1—11月)" in line_for(o, phrase)
    assert "linked to the plan's headline target、task 1" in line_for(o, "比上年增长5.4%")
    # 分别 with a name the registry does not know: each figure listed once, not read
    listed = [l for l in o.splitlines() if "分别…" in l]
    assert len(listed) == 2 and all("not read: 分别 pairs" in l for l in listed)
    assert "stock figure (总数)" in line_for(o, "经营主体总数达到13万户")
    assert "两千万 read as 2000万" in line_for(o, "接待游客两千万人次以上")
    assert "三百亿 read as 300亿元 (元 implied" in line_for(o, "旅游收入超三百亿")
    assert "linked to task 51" in line_for(o, "大坪商圈社会消费品零售总额突破220亿元")
    assert "five-year review (五年来)" in line_for(o, "年均增长5.3%")
    assert "not read: a target stated under '（一）主要预期目标。'" in line_for(o, "新增经营主体1.5万户以上")


def test_carried_subjects_parentheses_falls_and_shares(outcomes, run_cli, tmp_path):
    o = outcomes("work-report-review-2024", None, "--dry-run").output
    assert summary_line(o).startswith("figures: 15 found, 7 linked, 6 kept (not linked), 2 not read"), o
    grew = line_for(o, "预计增长5.6%")  # after 迈上1600亿元台阶: the name carries, the kind is its own
    assert "linked to the plan's headline target、task 1" in grew and "an estimate (预计)" in grew
    assert "linked to task 107" in line_for(o, "全年达9.5%")  # 社会投资增速…，全年达9.5%
    assert "linked to task 2" in line_for(o, "区级一般公共预算收入下降2.1%")
    assert "linked to the plan's headline target、task 4" in line_for(o, "  同比增长4.8%")  # in parentheses
    assert "两成 read as 20%" in line_for(o, "增长两成")
    assert "一半 read as 50%" in line_for(o, "接近一半")
    assert "not read: percentage points" in line_for(o, "0.3个百分点")
    o = dry_run(run_cli, tmp_path, "2024年渝中区人民政府工作报告\n一、2023年工作回顾\n"
                "全年地区生产总值、固定资产投资分别增长5.2%、6.1%。\n")
    assert "linked to the plan's headline target、task 1" in line_for(o, "地区生产总值增长5.2%")
    assert "task 3" in line_for(o, "固定资产投资增长6.1%") and "分别: each name paired" in o


def test_marks_and_bases_are_no_names(run_cli, tmp_path):
    o = dry_run(run_cli, tmp_path, "2024年渝中区人民政府工作报告\n一、2023年工作回顾\n"
                "经营主体突破12万户大关，较年初增加1.2万户。全年接待游客两千万，税收收入达到两百亿。\n")
    assert "no target of the plan measures 市场主体" in line_for(o, "经营主体突破12万户")  # a stock, not 新增
    assert "no target of the plan measures 市场主体" in line_for(o, "较年初增加1.2万户")  # a net change, not 新增
    assert "not read: 2000万: no unit" in line_for(o, "两千万")  # no unit written: listed, not dropped
    assert "两百亿 read as 200亿元 (元 implied" in line_for(o, "税收收入达到两百亿")


def test_a_part_of_the_year_after_the_figure(run_cli, tmp_path):
    o = dry_run(run_cli, tmp_path, "2024年渝中区人民政府工作报告\n一、2023年工作回顾\n"
                "地区生产总值增长5.2%（1—11月），比上半年提高1.1个百分点。社会投资增长9%（全年）。\n")
    assert "part of the year (1—11月)" in line_for(o, "地区生产总值增长5.2%")  # in brackets after it
    assert "linked to task 107" in line_for(o, "社会投资增长9%")  # 比上半年 after a figure is no period of it


def test_a_chain_of_part_year_figures_carries_its_subject_to_the_annual_figure(run_cli, tmp_path):
    """社会消费品零售总额一季度…，上半年…，全年预计…: the annual estimate links to the subject's target
    (not to 社会消费品零售总额一季度), in one sentence or across the paragraph's sentences; the part-year
    figures never link."""
    o = dry_run(run_cli, tmp_path, "2024年渝中区人民政府工作报告\n一、2023年工作回顾\n"
                "社会消费品零售总额一季度增长5%，上半年增长6.2%，前三季度增长6.5%，全年预计增长6.8%。\n"
                "固定资产投资一季度增长3%。上半年增长4.1%。前三季度增长5.2%。预计全年增长6.3%。\n")
    annual = line_for(o, "全年预计增长6.8%")
    assert "linked to the plan's headline target、task 4" in annual and "an estimate (预计)" in annual
    assert "indicator 社会消费品零售总额, carried from 社会消费品零售总额一季度增长5%" in annual
    annual = line_for(o, "预计全年增长6.3%")
    assert "task 3" in annual and "carried from 固定资产投资一季度增长3% (a sentence before)" in annual
    for part in ("一季度增长5%", "上半年增长6.2%", "前三季度增长6.5%", "一季度增长3%", "上半年增长4.1%", "前三季度增长5.2%"):
        assert "kept, not linked: a figure for part of the year" in line_for(o, part)
    assert summary_line(o).startswith("figures: 8 found, 2 linked, 6 kept"), o
    # the subject in a clause of its own, after an opening clause and a sentence stating a level
    o = dry_run(run_cli, tmp_path, "2024年渝中区人民政府工作报告\n一、2023年工作回顾\n"
                "地区生产总值突破1600亿元。特别是开展攻坚行动以来，GDP增速逐季攀升，上半年3.2%、前三季度4.4%、"
                "预计全年5%左右。\n")
    annual = line_for(o, "预计全年5%左右")
    assert "linked to the plan's headline target、task 1" in annual and "indicator from GDP增速" in annual
    # the period word set off by a comma, the subject stated once in the paragraph's first sentence
    o = dry_run(run_cli, tmp_path, "2024年渝中区人民政府工作报告\n一、2023年工作回顾\n"
                "一季度，全区社会消费品零售总额增长5%。上半年，增长6.2%。全年，增长6.8%。\n")
    assert "part of the year (上半年)" in line_for(o, "上半年，增长6.2%")
    assert "linked to the plan's headline target、task 4" in line_for(o, "全年，增长6.8%")
