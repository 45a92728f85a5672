"""Single-defect and valid variants of the bundled plan text, for tests/test_mutations.py.

Each :class:`Variant` is the bundled text with one change. A defect says where a careful reader
would point: the place a check names (``task 141``, ``section 十三``, ``preamble`` …) and a marker,
text found on the line the finding must name in the changed text (None: any line of that place).
A valid edit is something a steward does on purpose (a rewording, units reordered, a task added
with the declared count updated …) and must be accepted with no new finding.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "data" / "source" / "yuzhong-2023-key-tasks.txt"


@dataclass(frozen=True)
class Variant:
    name: str
    kind: str          # what sort of defect or edit: numbering, count, field, figure, metadata, reading …
    text: str
    place: str | None = None   # a defect: the place the finding names
    marker: str | None = None  # a defect: text on the line the finding names


def _once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"not exactly once: {old!r}"
    return text.replace(old, new)


def _line(text: str, prefix: str) -> str:
    """The whole line starting with ``prefix`` (it must be unique)."""
    found = [line for line in text.splitlines() if line.startswith(prefix)]
    assert len(found) == 1, f"not one line starting {prefix!r}: {len(found)}"
    return found[0]


def _task_block(text: str, number: int) -> str:
    """Task ``number``'s line and its unit lines, with the line break before it."""
    m = re.search(rf"\n{number}\.[^\n]*(?:\n(?:牵头单位|责任单位):[^\n]*)*", text)
    assert m, number
    return m.group(0)


def _swap_lines(text: str, a: str, b: str) -> str:
    la, lb = _line(text, a), _line(text, b)
    return text.replace(la, "\0").replace(lb, la).replace("\0", lb)


def defects(text: str | None = None) -> list[Variant]:
    """At least forty variants, each with one defect a careful reader catches."""
    t = text if text is not None else SOURCE.read_text(encoding="utf-8")
    out: list[Variant] = []

    def add(name, kind, new_text, place, marker):
        assert new_text != t, name
        out.append(Variant(name, kind, new_text, place, marker))

    # -- numbering: sections
    add("section 十三 inserted between 九 and 十", "numbering",
        _once(t, "\n141.", "\n十三、着力优环境、强服务,持续提升城市品质\n141."), "section 十三", "十三、着力优环境")
    add("section number 十 used twice", "numbering",
        _once(t, "\n十一、着力防风险", "\n十、着力防风险"), "section 十", None)
    add("section number skipped (十二 → 十三)", "numbering",
        _once(t, "\n十二、全面加强", "\n十三、全面加强"), "section 十三", "十三、全面加强")
    add("sections 五 and 六 swapped", "numbering",
        _once(_once(t, "\n五、着力强功能", "\n六、着力强功能"), "\n六、着力留记忆", "\n五、着力留记忆"),
        "section 六", "六、着力强功能")
    add("first section numbered 二", "numbering", _once(t, "\n一、主要预期指标", "\n二、主要预期指标"), "section 二", None)
    add("section heading without a title", "field", _once(t, "\n十二、全面加强政府自身建设", "\n十二、"),
        "section 十二", None)
    # -- numbering: sub-sections
    add("sub-section number skipped ((二) → (四))", "numbering",
        _once(t, "\n(三)全方位做靓", "\n(四)全方位做靓"), "sub-section 二（四）", "(四)全方位做靓")
    add("sub-section number (二) used twice", "numbering",
        _once(t, "\n(三)全方位做靓", "\n(二)全方位做靓"), "sub-section 二（二）", None)
    add("sub-sections (三) and (四) of 三 swapped", "numbering",
        _once(_once(t, "\n(三)夯基筑本", "\n(四)夯基筑本"), "\n(四)分类施策", "\n(三)分类施策"),
        "sub-section 三（四）", "(四)夯基筑本")
    add("stray sub-section heading (八)", "numbering",
        _once(t, "\n50.", "\n(八)其他产业平台\n50."), "sub-section 三（八）", "(八)其他产业平台")
    add("sub-section heading without a title", "field", _once(t, "\n(二)量质并重做大优势产业", "\n(二)"),
        "sub-section 三（二）", None)
    # -- numbering: tasks
    add("task number 86 used twice", "numbering", _once(t, "\n87.大鹅岭", "\n86.大鹅岭"), "task 86", "86.大鹅岭")
    add("last task numbered 172 (171 skipped)", "numbering", _once(t, "\n171.树立大局观", "\n172.树立大局观"),
        "task 172", "172.树立大局观")
    add("tasks 60 and 61 swapped", "numbering",
        _once(_once(t, "\n60.深化外资", "\n61.深化外资"), "\n61.用好转贷", "\n60.用好转贷"), "task 61", "61.深化外资")
    add("task 150 removed", "numbering", _once(t, _task_block(t, 150), ""), "task 151", "151.")
    add("numbering restarts at 1 in section 十", "numbering", _once(t, "\n142.全面落实", "\n1.全面落实"),
        "task 143", "143.")
    add("a new task numbered 100 again", "numbering",
        _once(t, "\n101.", "\n100.推进国企改革深化提升行动。\n牵头单位:区国资委\n101."), "task 100", "100.推进国企改革")
    add("task 12 numbered 21", "numbering", _once(t, "\n12.提质消费平台", "\n21.提质消费平台"), "task 21",
        "21.提质消费平台")
    # -- counts the document declares
    add("declared task count 170", "count", _once(t, "共细分出171项", "共细分出170项"), "preamble", "共细分出170项")
    add("declared task count in words, wrong", "count", _once(t, "共细分出171项", "共细分出一百七十项"),
        "preamble", "共细分出一百七十项")
    add("task 172 added, declared count not updated", "count",
        t.rstrip("\n") + "\n172.持续深化政务公开。\n牵头单位:区政务服务办\n", "preamble", "共细分出171项")
    add("a declared section count that disagrees", "count",
        _once(t, "共细分出171项目标任务,", "共细分出171项目标任务,分为10个方面,"), "preamble", "分为10个方面")
    add("preamble's headline GDP target changed", "count",
        _once(t, "地区生产总值增长5%左右\n固定", "地区生产总值增长6%左右\n固定"), "preamble", "地区生产总值增长6%左右")
    add("task 3's target no longer the preamble's", "count",
        _once(t, "3.固定资产投资总额增长5%以上", "3.固定资产投资总额增长7%以上"), "preamble", "固定资产投资总额增长5%以上")
    # -- fields
    add("task 5 loses its 牵头单位 line", "field",
        _once(t, "5.城镇居民人均可支配收入增长5%以上。\n牵头单位:区发改委\n", "5.城镇居民人均可支配收入增长5%以上。\n"),
        "task 5", "5.城镇居民")
    add("task 6's 牵头单位 is empty", "field", _once(t, "\n牵头单位:区商务委\n责任单位:区金融办", "\n牵头单位:\n责任单位:区金融办"),
        "task 6", "6.提振消费信心")
    add("task 2's 责任单位 is empty", "field", _once(t, "\n责任单位:区税务局、区国资委等", "\n责任单位:"), "task 2", None)
    add("task 7's fields swapped", "field",
        _once(t, "\n牵头单位:区商务委、区文旅委\n责任单位:各管委会\n", "\n责任单位:各管委会\n牵头单位:区商务委、区文旅委\n"),
        "task 7", "7.丰富消费活动")
    add("field label misspelt", "reading", _once(t, "\n牵头单位:区财政局\n责任单位:区税务局", "\n牵头单住:区财政局\n责任单位:区税务局"),
        None, "牵头单住")
    add("a unit name cut short", "field", _once(t, "\n牵头单位:区大数据局\n97.", "\n牵头单位:区大数\n97."), "task 96",
        "牵头单位:区大数")
    add("an empty item in a unit list", "field", _once(t, "区经信委、区住建委、区商务委、区文旅委", "区经信委、区住建委、、区文旅委"),
        "task 22", None)
    add("a unit line repeated", "reading", _once(t, "\n牵头单位:区商务委\n责任单位:区金融办", "\n牵头单位:区商务委\n牵头单位:区商务委\n责任单位:区金融办"),
        None, "牵头单位:区商务委\n牵头单位:区商务委")
    add("a stray line in the body", "reading", _once(t, "\n(二)量质并重", "\n以上任务由各单位认真落实。\n(二)量质并重"),
        None, "以上任务由各单位认真落实")
    # -- truncated text
    add("task 170's text cut short", "truncated", _once(t, "一体推进、有效贯通不敢腐、不能腐、不想腐。\n", "一体推进、有效贯通不敢腐\n"),
        "task 170", "170.")
    add("the text ends inside task 171", "truncated", t.rstrip("\n").rsplit("\n", 1)[0] + "\n", "task 171", "171.")
    add("task 4's figure lost its number", "truncated", _once(t, "4.社会消费品零售总额增长6%左右", "4.社会消费品零售总额增长%左右"),
        "task 4", "4.社会消费品")
    add("a task number garbled", "reading", _once(t, "\n21.深化建设", "\n2l.深化建设"), None, "2l.深化建设")
    add("a task with no text", "reading", _once(t, "\n24.新增市级以上金融机构5家。", "\n24."), None, "24.")
    # -- figures
    add("growth of 500% (unusual)", "figure", _once(t, "社会投资增长8%左右", "社会投资增长500%左右"), "task 107", "107.")
    add("a fall of 40% (unusual)", "figure", _once(t, "社会投资增长8%左右", "社会投资下降40%左右"), "task 107", "107.")
    add("a fall of 150% (impossible)", "figure", _once(t, "建筑业注册地总产值增长8%", "建筑业注册地总产值下降150%"),
        "task 43", "43.")
    add("a share of 120% (impossible)", "figure", _once(t, "就业率不低于90%", "就业率不低于120%"), "task 142", "142.")
    add("a share of 101% (impossible)", "figure", _once(t, "安全转移处置率达100%", "安全转移处置率达101%"), "task 137", "137.")
    add("400 good-air days in a year (unusual)", "figure", _once(t, "优良天数达305天左右", "优良天数达400天左右"),
        "task 135", "135.")
    # -- metadata the text states
    add("title on line 12 names 2024", "metadata",
        _once(t, "\n2023年区政府工作报告重点工作目标任务分解\n", "\n2024年区政府工作报告重点工作目标任务分解\n"),
        "preamble", "2024年区政府工作报告")
    add("title on line 6 names 2022", "metadata", _once(t, "《2023年区政府工作报告", "《2022年区政府工作报告"),
        "preamble", "《2022年区政府工作报告")
    add("another district issues it", "metadata", _once(t, "渝中区人民政府办公室", "江北区人民政府办公室"),
        "preamble", "江北区人民政府办公室")
    return out


def valid_edits(text: str | None = None) -> list[Variant]:
    """At least fifteen edits a steward makes on purpose: each must be accepted with no new finding."""
    t = text if text is not None else SOURCE.read_text(encoding="utf-8")
    out: list[Variant] = []

    def add(name, kind, new_text):
        assert new_text != t, name
        out.append(Variant(name, kind, new_text))

    add("task 7 reworded", "reword", _once(t, "7.丰富消费活动,", "7.持续丰富消费活动,"))
    add("task 7's lead units reordered", "units", _once(t, "牵头单位:区商务委、区文旅委\n责任单位:各管委会",
                                                       "牵头单位:区文旅委、区商务委\n责任单位:各管委会"))
    add("task 3's responsible units reordered", "units",
        _once(t, "3.固定资产投资总额增长5%以上。\n牵头单位:区发改委\n责任单位:区住建委、区财政局", "3.固定资产投资总额增长5%以上。\n牵头单位:区发改委\n责任单位:区财政局、区住建委"))
    add("task 172 added with the count updated", "count",
        _once(t, "共细分出171项", "共细分出172项").rstrip("\n") + "\n172.持续深化政务公开。\n牵头单位:区政务服务办\n")
    add("the last task removed with the count updated", "count",
        _once(t, "共细分出171项", "共细分出170项").replace(_task_block(t, 171), ""))
    add("a unit swapped for another registered unit", "units", _once(t, "责任单位:区金融办、区经信委", "责任单位:区金融办、区统计局"))
    add("task 96 gains a 责任单位 line", "units",
        _once(t, "\n牵头单位:区大数据局\n97.", "\n牵头单位:区大数据局\n责任单位:区发改委、区财政局\n97."))
    add("a growth target raised within the usual range", "figure", _once(t, "社会投资增长8%左右", "社会投资增长9%左右"))
    add("the GDP target changed in the preamble and task 1 alike", "figure",
        _once(_once(t, "地区生产总值增长5%左右\n固定", "地区生产总值增长5.5%左右\n固定"),
              "1.地区生产总值增长5%左右", "1.地区生产总值增长5.5%左右"))
    add("a new sub-section (六) in section 三", "structure", _once(t, "\n50.", "\n(六)做优大健康产业\n50."))
    add("a new section 十三 at the end, with its task and the count", "structure",
        _once(t, "共细分出171项", "共细分出172项").rstrip("\n")
        + "\n十三、持续加强基层治理\n172.完善基层治理体系。\n牵头单位:区民政局\n责任单位:各街道\n")
    add("a section title reworded", "reword", _once(t, "\n十二、全面加强政府自身建设", "\n十二、全面加强政府自身能力建设"))
    add("a sub-section title reworded", "reword", _once(t, "\n(三)夯基筑本做优传统产业", "\n(三)夯基筑本做强传统产业"))
    add("a unit written by its registered alias", "units", _once(t, "区招商局、区商务委、母城文化公司", "区招商局、区商务委、区母城文化公司"))
    add("blank lines between tasks", "layout", _once(t, "\n牵头单位:区财政局\n责任单位:区税务局、区国资委等\n",
                                                  "\n牵头单位:区财政局\n责任单位:区税务局、区国资委等\n\n"))
    add("a count target changed", "figure", _once(t, "新增市级以上金融机构5家", "新增市级以上金融机构6家"))
    add("a responsible list left open with 等", "units", _once(t, "责任单位:区民政局、区人社局", "责任单位:区民政局、区人社局等"))
    add("the declared count written in words", "count", _once(t, "共细分出171项", "共细分出一百七十一项"))
    return out
