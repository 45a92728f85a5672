"""The parser against facts typed by hand from the Yuzhong 2023 document (not from its own output)."""
from __future__ import annotations

import pytest

from plankg.sources import read_plan

from .conftest import SOURCE

# number: (section, subsection, lead units, responsible units, source line) — typed from the text.
FACTS = {
    1: (1, None, ["区发改委"], ["各产业主管部门"], 14),
    2: (1, None, ["区财政局"], ["区税务局", "区国资委"], 17),
    3: (1, None, ["区发改委"], ["区住建委", "区财政局", "区国资委", "区规资局", "各管委会", "区属各重点国企"], 20),
    6: (2, 1, ["区商务委"], ["区金融办", "区经信委"], 31),
    7: (2, 1, ["区商务委", "区文旅委"], ["各管委会"], 34),
    8: (2, 1, ["区文旅委"], ["各管委会", "各相关街道"], 37),
    10: (2, 1, ["区商务委"], ["历史文化街区管委会"], 43),
    13: (2, 2, ["解放碑CBD管委会"], ["区商务委", "区住建委", "区招商局", "解放碑街道", "朝天门街道"], 53),
    15: (2, 2, ["化龙桥国际商务区开发建设委员会"], ["区商务委"], 59),
    20: (2, 3, ["区商务委"], ["区文旅委", "区住建委", "区市场监管局", "区国资公司", "渝商发公司", "各管委会"], 75),
    21: (3, 1, ["区金融办"], ["区发改委", "区科技局", "各管委会", "化龙桥国际商务区开发建设委员会"], 79),
    28: (3, 1, ["区商务委"], ["各管委会", "各街道"], 100),
    29: (3, 2, ["区金融办", "区发改委"], ["区科技局", "区经信委", "区司法局", "区财政局", "区人社局", "区住建委",
                                       "区商务委", "区文旅委", "区卫健委", "区市场监管局", "区招商局", "区大数据局",
                                       "各管委会", "化龙桥国际商务区开发建设委员会"], 104),
    35: (3, 2, ["区文旅委"], ["区商务委", "区政府外办", "区招商局", "区大数据局", "各管委会", "区国资公司",
                             "各管委会", "区母城文化公司"], 122),
    44: (3, 4, ["区发改委"], ["区经信委", "区住建委", "区金融办", "区税务局", "各管委会",
                             "化龙桥国际商务区开发建设委员会", "各街道", "区属各国有重点企业"], 151),
    52: (3, 5, ["菜园坝滨江新城建设指挥部办公室"], ["区住建委", "区规资局", "菜园坝街道"], 176),
    53: (4, None, ["区发改委"], ["各产业部门", "各管委会", "各街道", "区税务局", "区市场监管局", "区财政局"], 180),
    64: (4, None, ["区政务服务办", "区发改委", "区市场监管局"],
         ["区经信委", "区住建委", "区城管局", "区司法局", "区交通局", "区规资局", "区金融办", "区人社局", "区财政局",
          "区商务委", "区文旅委", "区税务局", "区发改委", "各街道"], 213),
    66: (4, None, ["区政府外办"], ["区发改委", "区教委", "区民政局", "区商务委", "区卫健委", "区文旅委", "区招商局",
                                  "区规资局", "有关街道", "有关管委会"], 219),
    68: (5, None, ["区发改委", "区财政局", "区国资公司"],
         ["区财政局", "区住建委", "区金融办", "区规资局", "各街道", "区城投公司", "康翔公司", "区城市更新公司"], 226),
    96: (7, None, ["区大数据局"], [], 312),
    98: (7, None, ["区大数据局", "区政务服务办"], [], 317),
    103: (7, None, ["区发改委"], ["区住建委", "区财政局", "区国资委", "区规资局", "各管委会", "区属各重点国企"], 331),
    112: (8, None, ["区司法局", "区法院"], ["区金融办"], 359),
    129: (9, None, ["区住建委", "区交通局"], [], 411),
    133: (9, None, ["区城管局", "区商务委"], [], 422),
    140: (9, None, ["区规资局", "区交通局"], ["区公安分局", "区市场监管局", "各有关街道"], 441),
    157: (10, None, ["区疫情防控办", "区卫健委"], ["各街道"], 492),
    160: (11, None, ["区委政法委", "区民政局", "区司法局"], ["各街道"], 502),
    163: (11, None, ["区信访办", "区司法局"], ["区公安分局", "区检察院", "区法院", "区住建委", "区金融办", "各街道"], 511),
    165: (12, None, ["区政府各部门", "各管委会", "各街道"], [], 518),
    167: (12, None, ["区统计局"], ["区政府各部门", "各管委会", "各街道"], 522),
    171: (12, None, ["区政府各部门", "各管委会", "各街道"], [], 532),
}
OPEN_LISTS = {2, 3, 103}  # responsible lists ending in 等


@pytest.fixture(scope="module")
def plan():
    return read_plan(SOURCE)


@pytest.fixture(scope="module")
def tasks(plan):
    return {t.number: t for t in plan.tasks}


def test_counts(plan):
    assert [t.number for t in plan.tasks] == list(range(1, 172))
    assert [s.number for s in plan.sections] == list(range(1, 13))
    assert [(s.section, s.number) for s in plan.subsections] == [
        (2, 1), (2, 2), (2, 3), (3, 1), (3, 2), (3, 3), (3, 4), (3, 5)]


@pytest.mark.parametrize("number", sorted(FACTS))
def test_task_facts(tasks, number):
    section, subsection, lead, responsible, line = FACTS[number]
    t = tasks[number]
    assert (t.section, t.subsection, t.line) == (section, subsection, line)
    assert [u.name for u in t.lead] == lead
    assert [u.name for u in t.responsible] == responsible
    assert t.responsible_open == (number in OPEN_LISTS)
    assert not t.lead_open


def test_preamble_is_not_read_as_tasks(plan):
    # Lines 1-12: restated targets, a news article, and a title line beginning with a year.
    assert plan.preamble_lines == 12
    assert min(t.line for t in plan.tasks) == 14
    assert 2023 not in {t.number for t in plan.tasks}


def test_stray_character_in_section_two(plan):
    two = plan.sections[1]
    assert two.heading == "二、作着力扩内需、挖潜能,持续促进消费复苏回暖"  # kept as written
    assert two.stray_character == "作"
    assert [s.number for s in plan.sections if s.stray_character] == [2]


def test_missing_first_subsection_heading(plan, tasks):
    implied = [s for s in plan.subsections if s.heading_missing]
    assert [(s.section, s.number, s.heading, s.line) for s in implied] == [(3, 1, None, None)]
    assert [n for n, t in tasks.items() if t.section == 3 and t.subsection == 1] == list(range(21, 29))


def test_texts_and_offsets(plan, tasks):
    t13 = tasks[13]
    assert t13.text.startswith("解放碑—朝天门世界知名商圈。打造亮眼的城市形态")
    assert t13.text.endswith("打造千亿级商圈。")
    assert plan.text[t13.start:t13.end] == t13.text
    dup = tasks[35].responsible
    assert (dup[4].name, dup[6].name) == ("各管委会", "各管委会")
    for u in dup:
        assert plan.text[u.start:u.end] == u.name
        assert u.line == 124


def test_last_task_without_trailing_newline(tasks):
    last = tasks[171]
    assert last.text.endswith("一起奋斗。")
    assert last.lead_line == 533 and last.responsible_line is None
    assert not last.truncated


def test_full_width_punctuation_and_dun_numbering(tmp_path):
    """The same plan written with 1、 numbering and full-width colons reads the same."""
    text = SOURCE.read_text(encoding="utf-8")
    import re
    variant = re.sub(r"^(\d+)\.", r"\1、", text, flags=re.M).replace("单位:", "单位：")
    variant = variant.replace("(一)", "（一）").replace("(二)", "（二）")
    path = tmp_path / "variant.txt"
    path.write_text(variant, encoding="utf-8")
    a, b = read_plan(SOURCE), read_plan(path)
    assert [(t.number, t.text, [u.name for u in t.lead], [u.name for u in t.responsible]) for t in a.tasks] == \
           [(t.number, t.text, [u.name for u in t.lead], [u.name for u in t.responsible]) for t in b.tasks]
    assert [s.title for s in b.subsections if s.title] == [s.title for s in a.subsections if s.title]
