"""plankg outcomes on reports as found on the web, without --kind: the site's navigation, metadata
and footer skipped and listed, the document's own title and kind found, the published date read
from the page; media features and press reports (tests/data/outcomes/web-*.txt and press-*.txt
are constructed in the shape district sites publish them)."""
from __future__ import annotations

import csv
import io

from tests.conftest import PLAN_IRI
from tests.test_outcomes import REPORTS, dry_run, line_for, summary_line


def run(run_cli, name: str, *more: str):
    return run_cli("outcomes", str(REPORTS / f"{name}.txt"), "--plan", PLAN_IRI, *more)


def figure_lines(output: str) -> set[int]:
    return {int(l.split()[1]) for l in output.splitlines() if l.startswith("  line ")}


def test_a_work_report_page(run_cli):
    r = run(run_cli, "web-work-report-2024", "--dry-run")
    assert r.exit_code == 0, r.output
    o = r.output
    assert "work-report (the title says 政府工作报告)" in o
    assert "  title (line 5): 2024年渝中区政府工作报告\n" in o  # the site's name after _ is no part of it
    assert "  published 2024-01-15 (发布时间 on line 6)" in o
    assert "  skipped 19 lines of page furniture: 1-4, 6-9, 23-35 (10 navigation, 5 metadata, 4 footer)" in o
    assert "skipped line 11: the title again" in o
    # nothing of the furniture is read: not the related page's headline (line 30), not 浏览次数：3821
    assert figure_lines(o) == {18, 19, 20, 22}, o
    annual = line_for(o, "预计全年增长6.1%")
    assert "linked to the plan's headline target、task 1" in annual and "an estimate (预计)" in annual
    assert "indicator 地区生产总值, carried from 地区生产总值一季度增长3.1%" in annual
    assert "task 4" in line_for(o, "全年预计增长7.0%")  # the subject carried over separate sentences
    for part in ("一季度增长3.1%", "上半年增长4.6%", "前三季度增长5.3%", "上半年增长5.8%"):
        assert "kept, not linked: a figure for part of the year" in line_for(o, part)
    assert summary_line(o).startswith("figures: 14 found, 6 linked, 6 kept (not linked), 2 not read"), o


def test_a_plan_execution_page(run_cli):
    o = run(run_cli, "web-plan-execution-2023", "--dry-run").output
    assert "plan-execution (the title says 计划执行情况)" in o
    assert "title (line 13): 关于渝中区2023年国民经济和社会发展计划执行情况与2024年计划草案的报告" in o
    assert "published 2024-01-16 (公开日期 on line 10)" in o  # not 成文日期, the date it was written
    # a menu saved one item to a line, the metadata table, A- A A+ 打印 收藏, the footer
    assert "skipped 16 lines of page furniture: 1-12, 23-26 (9 navigation, 5 metadata, 2 footer)" in o
    assert "linked to the plan's headline target、task 1" in line_for(o, "比上年增长5.9%")  # the title's year
    assert "task 4" in line_for(o, "全年预计增长7.0%") and "an estimate" in line_for(o, "全年预计增长7.0%")
    assert "not read: a target stated under '（一）主要预期目标。'" in line_for(o, "新增经营主体1.5万户以上")
    assert summary_line(o).startswith("figures: 12 found, 5 linked, 5 kept (not linked), 2 not read"), o


def test_a_press_report(run_cli):
    o = run(run_cli, "press-report-2024", "--dry-run").output
    assert "press-report (the lead says 本报讯 (line 7))" in o
    assert "title (line 4): 2023年渝中区经济运行稳中有进 地区生产总值增长6%" in o
    assert "published 2024-01-22 (the date on line 5)" in o
    assert "skipped 8 lines of page furniture: 1-3, 5-6, 13-15" in o
    # 去年 in the lead, counted from the published date: the story is about 2023 until it says otherwise
    assert "linked to the plan's headline target、task 1" in line_for(o, "同比增长6.0%")
    assert "linked to the plan's headline target、task 4" in line_for(o, "全年增长7.1%")
    assert "linked to task 62" in line_for(o, "全年新增经营主体1.62万户")
    assert "kept, not linked: a figure for part of the year (前三季度)" in line_for(o, "前三季度增长6.5%")
    assert "no target of the plan measures 全市社会消费品零售总额" in line_for(o, "全市社会消费品零售总额增长5.8%")
    assert "five-year review" in line_for(o, "年均增长5.6%")
    assert "a figure for 2024 (今年, counted from the published date)" in line_for(o, "增长5.5%左右")
    assert figure_lines(o) == {8, 9, 10, 11, 12}  # not the headline's 6%


def test_a_press_report_needs_a_published_date(run_cli, tmp_path):
    """Without the page's date a story's 去年 has no year: nothing is linked until --published says it."""
    text = (REPORTS / "press-report-2024.txt").read_text(encoding="utf-8").replace(
        "2024-01-22 16:05  来源：渝中区融媒体中心  作者：记者 李某\n", "")
    o = dry_run(run_cli, tmp_path, text)
    assert "published: not stated (give --published" in o
    assert "no year (no year is written in the sentence, its heading or the title)" in line_for(o, "同比增长6.0%")
    assert summary_line(o).startswith("figures: 12 found, 0 linked"), o
    r = run_cli("outcomes", str(tmp_path / "report.txt"), "--plan", PLAN_IRI, "--published", "2024-01-22", "--dry-run")
    assert "published 2024-01-22 (given with --published)" in r.output
    assert "task 1" in line_for(r.output, "同比增长6.0%")
    o = run(run_cli, "press-report-2024", "--published", "2023-12-30", "--dry-run").output
    assert "published 2023-12-30 (given with --published; the page says 2024-01-22 (the date on line 5))" in o
    assert "a figure for 2022" in line_for(o, "同比增长6.0%")  # 去年 of a story written in 2023


def test_a_press_report_in_the_year_and_a_reporters_source(run_cli, tmp_path):
    o = dry_run(run_cli, tmp_path, "渝中消费市场持续回暖\n发布日期：2023年10月25日 信息来源：渝中区融媒体中心\n"
                "今年以来，全区消费市场持续回暖。前三季度，社会消费品零售总额增长6.5%，比上半年提高0.6个百分点。"
                "区商务委预计，全年社会消费品零售总额增长6.8%左右。\n")
    assert "press-report (the page's source is 渝中区融媒体中心 (line 2))" in o
    assert "published 2023-10-25 (发布日期 on line 2)" in o
    assert "part of the year (前三季度)" in line_for(o, "社会消费品零售总额增长6.5%")
    annual = line_for(o, "全年社会消费品零售总额增长6.8%左右")
    assert "linked to the plan's headline target、task 4" in annual and "an estimate (预计)" in annual


def test_text_is_never_furniture_and_kind_still_overrides(run_cli, tmp_path):
    """Words of the page's furniture inside a sentence of text (分享, 打印, 来源, 首页) do not make it furniture."""
    o = dry_run(run_cli, tmp_path, "首页 > 政务公开 > 统计数据\n2023年渝中区国民经济和社会发展统计公报\n"
                "来源：区统计局\n一、综 合\n"
                "分享经济、3D打印等新业态加快发展，资金来源更加多元，全年全区实现地区生产总值比上年增长5.8%。\n"
                "版权所有 重庆市渝中区统计局\n")
    assert "statistical-bulletin (the title says 统计公报)" in o
    assert "skipped 3 lines of page furniture: 1, 3, 6 (1 navigation, 1 metadata, 1 footer)" in o
    assert "linked to the plan's headline target、task 1" in line_for(o, "比上年增长5.8%")
    report = tmp_path / "report.txt"
    r = run_cli("outcomes", str(report), "--plan", PLAN_IRI, "--kind", "work-report", "--dry-run")
    assert "work-report (given with --kind)" in r.output and "no year" in line_for(r.output, "比上年增长5.8%")


def test_a_page_of_furniture_only_is_an_error(run_cli, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("导航菜单\n首页 > 政务公开\n发布时间：2024-01-15\n【打印本页】【关闭】\n", encoding="utf-8")
    r = run_cli("outcomes", str(page), "--plan", PLAN_IRI, "--dry-run")
    assert r.exit_code == 2 and f"{page}:1: the file holds no text (lines 1-4 are page furniture)" in r.output
    page.write_text("导航菜单\n发布时间：2024-01-15\n渝中区召开会议\n会议研究了有关事项。\n", encoding="utf-8")
    r = run_cli("outcomes", str(page), "--plan", PLAN_IRI, "--dry-run")
    assert r.exit_code == 2 and f"{page}:3: cannot tell what kind of report '渝中区召开会议' is " \
        "(2 lines of page furniture skipped before it)" in r.output, r.output


def test_stored_pages_conform_and_a_press_reports_final_figure_wins(run_cli, tmp_path, monkeypatch):
    from rdflib import Dataset, Graph

    from plankg.validate import validate
    from plankg.vocab import PLAN
    store = tmp_path / "store"
    for name in ("web-work-report-2024", "press-report-2024"):
        r = run(run_cli, name, "--store", str(store))
        assert r.exit_code == 0, r.output
    monkeypatch.setenv("PLANKG_STORE", str(store))
    status = run_cli("query", "target-status", "--param", f"plan={PLAN_IRI}", "--format", "csv")
    rows = {(r["task"], r["indicator"]): r for r in csv.DictReader(io.StringIO(status.output))}
    retail = rows[("4", "社会消费品零售总额")]  # the story's final 7.1% (2024-01-22) over the report's estimate
    assert (retail["outcome_value"], retail["qualifier"], retail["verdict"]) == ("7.1", "", "met"), retail
    g = Graph()
    for path in (store / "outcomes" / "500103-2023").glob("*.trig"):
        ds = Dataset()
        ds.parse(path, format="trig")
        for s, p, o, _ in ds.quads():
            g.add((s, p, o))
    assert validate(g).conforms
    kinds = {str(o).rsplit("/", 1)[-1] for o in g.objects(None, PLAN.reportKind)}
    assert kinds == {"work-report", "press-report"}


def test_a_notice_publishing_the_report_a_metadata_table_and_a_title_in_two_lines(run_cli, tmp_path):
    """A district site publishes the plan-execution report inside a notice (关于印发《…的报告》的通知),
    under a metadata table written without colons; the report's own title follows in two lines."""
    o = dry_run(run_cli, tmp_path, "索引号 11500103000000000X/2024-00006 发布机构 渝中区人民政府\n"
                "成文日期 2024-02-09 发布日期 2024-02-22 主题分类 国民经济发展规划、计划\n有效性\n\n"
                "重庆市渝中区人民政府关于印发《重庆市渝中区2023年国民经济和社会发展计划执行情况及2024年计划草案的报告》的通知\n"
                "打印 打印\n纠错 纠错\n分享到\n区政府各部门，各街道办事处，有关单位：\n"
                "《重庆市渝中区2023年国民经济和社会发展计划执行情况及2024年计划草案的报告》已经区人民代表大会批准，现印发给你们，请认真抓好落实。\n"
                "重庆市渝中区2023年国民经济和社会发展\n计划执行情况及2024年计划草案的报告\n一、2023年计划执行情况\n"
                "全区实现地区生产总值1631亿元、增长5.2%，社会消费品零售总额完成1450亿元、增长5.5%。\n")
    assert "plan-execution (the title says 计划执行情况)" in o
    assert "title (line 5): 重庆市渝中区2023年国民经济和社会发展计划执行情况及2024年计划草案的报告\n" in o
    assert "published 2024-02-22 (发布日期 on line 2)" in o  # not 成文日期 2024-02-09
    assert "skipped 6 lines of page furniture: 1-3, 6-8 (3 navigation, 3 metadata)" in o, o
    assert "linked to the plan's headline target、task 1" in line_for(o, "增长5.2%")
    assert "linked to task 28" in line_for(o, "社会消费品零售总额完成1450亿元")
    o = dry_run(run_cli, tmp_path, "首页 > 政务公开 > 计划总结\n发布时间：2024-01-16\n关于渝中区2023年国民经济和社会发展\n"
                "计划执行情况与2024年计划草案的报告\n各位代表：\n（一）经济运行。全年实现地区生产总值比上年增长5.9%。\n")
    assert "title (line 3): 关于渝中区2023年国民经济和社会发展计划执行情况与2024年计划草案的报告\n" in o
    assert "skipped line 4: the title again" in o
    assert "linked to the plan's headline target、task 1" in line_for(o, "比上年增长5.9%")  # the joined title's year


def test_values_under_their_labels_and_a_digest_before_a_work_report(run_cli, tmp_path):
    """A label's value on the next line (浏览次数： / 1234) is the page's; a 导读 tells a press report only
    when the title names no kind (a work report reprinted under one stays a work report)."""
    o = dry_run(run_cli, tmp_path, "网站导航\n首页\n政务公开\n新闻中心\n当前位置：首页 > 渝中要闻\n"
                "渝中经济稳中向好\n发布时间：\n2024-01-20 09:12\n浏览次数：\n1234\n"
                "导读：去年全区经济稳中向好，区统计局发布消息。\n去年全区实现地区生产总值1650亿元，同比增长6.0%。\n"
                "手机扫一扫\n分享到微信朋友圈\n【我要纠错】 【打印本页】 【关闭窗口】\n")
    assert "press-report (the lead says 导读 (line 11))" in o
    assert "published 2024-01-20 (the date on line 8)" in o
    assert "skipped 12 lines of page furniture: 1-5, 7-10, 13-15 (8 navigation, 4 metadata)" in o, o
    assert "linked to the plan's headline target、task 1" in line_for(o, "同比增长6.0%")
    o = dry_run(run_cli, tmp_path, "2024年渝中区政府工作报告\n导读：报告回顾了过去一年的工作。\n"
                "一、2023年工作回顾\n全区地区生产总值增长6.1%。\n")
    assert "work-report (the title says 政府工作报告)" in o


def test_a_page_opening_with_its_menu_and_dated_by_its_subtitle(run_cli, tmp_path):
    """The page that stopped `plankg outcomes` at "cannot tell what kind of report '导航菜单' is": with no
    date in its metadata, the subtitle's day of delivery is the published date."""
    o = dry_run(run_cli, tmp_path, "导航菜单\n\n(重庆市)渝中区人民政府工作报告(2024年1月15日)\n\n"
                "  渝中区人民政府工作报告(2024年)\n  ——2024年1月15日在渝中区人民代表大会会议上\n  各位代表:\n"
                "  一、2023年工作回顾\n  过去一年,我们稳住了经济大盘。今年,地区生产总值增长5.5%左右。\n")
    assert "work-report (the title says 政府工作报告)" in o and "cannot tell" not in o
    assert "title (line 3): (重庆市)渝中区人民政府工作报告(2024年1月15日)" in o
    assert "published 2024-01-15 (the day it was delivered, line 6)" in o
    assert "skipped 1 line of page furniture: 1 (1 navigation)" in o
    assert "skipped line 5: the title again" in o
    assert "a figure for 2024 (今年, counted from the published date)" in line_for(o, "增长5.5%左右")


def test_a_newspaper_page_with_no_headline_and_a_photo_credit(run_cli, tmp_path):
    """An e-paper's story begins at its lead: nothing is taken as its title and skipped, and a photo's
    credit (记者 某某 摄) is the page's."""
    o = dry_run(run_cli, tmp_path, "日 | 一 | 二 | 三 | 四 | 五 | 六 |\n版次:01 作者:李某 2023年10月30日\n"
                "繁华的解放碑 记者 王某 摄\n本报讯(记者 李某)日前,从区统计局传出消息,前三季度,全区地区生产总值同比增长7.0%。\n"
                "今年以来,全区经济持续恢复。区统计局预计,全年地区生产总值增长6.5%左右。\n")
    assert "press-report (the lead says 本报讯 (line 4))" in o
    assert "title: none before the text; its first words: 本报讯(记者 李某)" in o
    assert "published 2023-10-30 (the date on line 2)" in o
    assert "skipped 3 lines of page furniture: 1-3 (1 navigation, 2 metadata)" in o, o
    assert "part of the year (前三季度)" in line_for(o, "同比增长7.0%")  # the lead is read
    annual = line_for(o, "全年地区生产总值增长6.5%左右")  # 今年 (2023, from the page's date) carries
    assert "linked to the plan's headline target、task 1" in annual and "an estimate (预计)" in annual
