"""What every layout reader shares: field labels, unit lists, lead rules, line numbers, cut-off names.

Real documents name the same fields in many ways (牵头单位, 牵头部门, 主办单位; 责任单位, 配合单位,
协办单位; 责任领导, 分管领导), separate names with 、 , ; or spaces, put notes inside names
(县发改局(首位单位为牵头单位,下同)) and parentheses in them (各县(市、区)政府). The readers keep
every name as written with its offsets; what they cannot read becomes a :class:`Problem`.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace

from ..reading import CLOSE, OPEN, PUNCT, SEPARATORS, SPACES, PlanText, Problem, Task, UnitRef

# A parenthetical note inside a name, not part of it: (牵头), (首位单位为牵头单位,下同), （配合）.
NOTE_RE = re.compile(r"[(（](?P<note>[^()（）]*(?:牵头|配合|下同|首位|第一|排名|排序|负责)[^()（）]*)[)）]\s*$")
LEAD_MARKS = "*＊★☆"
# "The first unit listed leads", stated once: 首位单位为牵头单位 / 排在第一位的为牵头单位 / 列第一的牵头.
FIRST_LISTED_RE = re.compile(r"(?:首位|第一位|第一个|排名第一|排序第一|排在首位|排在第一位?|列第一位?|列首位|排第一)"
                             r"[^。;；,，)）]{0,8}?(?:为|是)?牵头[^。;；,，)）]{0,6}")
MARKED_RULE_RE = re.compile(r"(?:标注?|带|加)\s*[*＊★☆]\s*[号的者]?[^。;；]{0,6}?为?牵头")
# Officials who lead a whole section: 一、县长牵头重点工作 / 由常务副区长负责的工作.
SECTION_OFFICIAL_RE = re.compile(r"^由?(?P<o>[^\s,，、。()（）]{0,6}?(?:县长|区长|市长|旗长|书记|主任|主席))"
                                 r"(?:牵头|负责|分管|领衔|主抓|联系)")
# How a complete unit name ends; used only for the last name before the end of the text.
NAME_ENDINGS = ("局", "委", "办", "院", "府", "部", "会", "处", "所", "站", "队", "室", "厅", "行", "校", "馆",
                "台", "组", "团", "园", "区", "镇", "乡", "村", "场", "心", "司", "道", "位", "门", "业", "构",
                "合作社", "联社", "报社", "供销社", ")", "）")
DATE_RE = re.compile(r"\d{1,4}\s*[年月日]|[0-9]{3,}")


class LineIndex:
    """Character offset → line number (from 1), splitting lines as str.splitlines does."""

    def __init__(self, text: str):
        self.starts, offset = [0], 0
        for raw in text.splitlines(keepends=True):
            offset += len(raw)
            self.starts.append(offset)
        self.text = text

    def line(self, offset: int) -> int:
        return max(1, min(bisect_right(self.starts, offset), len(self.starts) - 1 or 1))

    def eol(self, offset: int) -> int:
        """Offset of the end of the line holding ``offset`` (before its line break)."""
        n = self.line(offset)
        end = self.starts[n] if n < len(self.starts) else len(self.text)
        while end > offset and self.text[end - 1] in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
            end -= 1
        return end

    def is_line_start(self, offset: int) -> bool:
        s = self.starts[self.line(offset) - 1]
        return not self.text[s:offset].strip(SPACES)


@dataclass
class Names:
    """One unit list read from the text: the names and what was noticed on the way."""

    refs: list[UnitRef]
    is_open: bool
    marked: list[int]  # indexes of names marked as lead: (牵头), *, ★
    problems: list[Problem]


def split_names(text: str, start: int, end: int, index: LineIndex, spaces: bool = True) -> Names:
    """The names in ``text[start:end]``: split on 、,;， (and spaces) outside parentheses, notes removed."""
    problems: list[Problem] = []
    while end > start and text[end - 1] in PUNCT:
        end -= 1
    while start < end and text[start] in PUNCT:
        start += 1
    is_open = text[start:end].endswith("等")
    if is_open:
        end -= 1
    seps = SEPARATORS + (SPACES if spaces else "")
    items, depth, item_start = [], 0, start
    for i in range(start, end + 1):
        ch = text[i] if i < end else "、"
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif (ch in seps and depth == 0) or i == end:
            items.append((item_start, i))
            item_start = i + 1
    refs, marked = [], []
    for s, e in items:
        while s < e and text[s] in SPACES:
            s += 1
        while e > s and text[e - 1] in SPACES:
            e -= 1
        if s == e:
            if len(items) > 1:
                problems.append(Problem(index.line(s), "an empty name in a unit list (two separators in a row)"))
            continue
        name, is_lead = text[s:e], False
        if m := NOTE_RE.search(name):
            is_lead = m["note"].strip() == "牵头"
            e = s + m.start()
            while e > s and text[e - 1] in SPACES:
                e -= 1
            name = text[s:e]
        if name and name[0] in LEAD_MARKS:
            s, is_lead = s + 1, True
        if name and name[-1] in LEAD_MARKS:
            e, is_lead = e - 1, True
        name = text[s:e]
        if len(name) < 2 or len(name) > 30 or "。" in name or DATE_RE.search(name):
            why = "too short for a unit name" if len(name) < 2 else "not a unit name"
            problems.append(Problem(index.line(s), f"not read as a unit: {name!r} ({why})"))
            continue
        if is_lead:
            marked.append(len(refs))
        refs.append(UnitRef(name, len(refs) + 1, index.line(s), s, e))
    return Names(refs, is_open, marked, problems)


def looks_complete(name: str) -> bool:
    """Whether a name at the very end of a text can be a whole unit name (not 区, 县财, 各乡镇(街)."""
    if len(name) < 2 or name.count("(") + name.count("（") != name.count(")") + name.count("）"):
        return False
    return name.endswith(NAME_ENDINGS) and not (name[-1] in "区县市" and len(name) < 3)


def renumber(refs: list[UnitRef]) -> list[UnitRef]:
    return [replace(r, position=i) for i, r in enumerate(refs, start=1)]


def section_officials(title: str) -> list[str]:
    """县长 from 县长牵头重点工作: the official a section heading puts in charge."""
    m = SECTION_OFFICIAL_RE.match(title)
    return [m["o"]] if m else []


def lead_rule(text: str) -> tuple[str | None, str | None]:
    """The lead rule a document states once, and the words stating it: first-listed, marked or None."""
    if m := FIRST_LISTED_RE.search(text):
        return "first-listed", m.group(0)
    if m := MARKED_RULE_RE.search(text):
        return "marked", m.group(0)
    return None, None


def apply_lead_rule(plan: PlanText, stated: str | None, stated_text: str | None) -> None:
    """Take leads from responsible lists where the plan says so, and set plan.lead_rule.

    Marked names ((牵头), *, ★) lead wherever they appear (:func:`take_marked`). With a stated
    first-listed rule, a task with no 牵头单位 field is led by its first responsible name and the
    others stay responsible. Otherwise a task without a lead field has no lead: never guessed.
    ``plan.lead_rule`` names where the leads came from: field, first-listed, marked, several
    joined by + (field+marked), or none.
    """
    marked = any(t.lead_by_rule for t in plan.tasks)
    first = False
    for t in plan.tasks:
        if stated == "first-listed" and not t.lead and t.responsible:
            t.lead, t.responsible = renumber(t.responsible[:1]), renumber(t.responsible[1:])
            t.lead_by_rule = first = True
    kinds = [k for k, used in (("field", any(t.lead and not t.lead_by_rule for t in plan.tasks)),
                               ("first-listed", first), ("marked", marked)) if used]
    plan.lead_rule = "+".join(kinds) or "none"
    plan.lead_rule_text = stated_text if first or (marked and stated == "marked") else None


def take_marked(task: Task, names: Names) -> None:
    """Names marked (牵头) or * in a responsible list lead the task; the rest stay responsible."""
    if not names.marked:
        task.responsible += names.refs
        return
    task.lead += [r for i, r in enumerate(names.refs) if i in names.marked]
    task.responsible += [r for i, r in enumerate(names.refs) if i not in names.marked]
    task.lead, task.responsible = renumber(task.lead), renumber(task.responsible)
    task.lead_by_rule = True


def drop_cut_off_name(plan: PlanText) -> None:
    """A text that ends in the middle of a name (…责任单位:区住建局、区) must not give a unit 区."""
    if not plan.tasks:
        return
    last = plan.tasks[-1]
    tail_end = len(plan.text.rstrip(SPACES))
    for role in ("responsible", "lead"):
        refs = getattr(last, role)
        if refs and refs[-1].end == tail_end and not looks_complete(refs[-1].name):
            cut = refs[-1]
            setattr(last, role, refs[:-1])
            last.truncated = True
            plan.problems.append(Problem(cut.line, f"the text ends inside a name: {cut.name!r} in task {last.id} "
                                                   "looks cut off and is not read as a unit"))
            return
