"""Where the fields, tasks and headings of a text are: the marks the stream reader reads between.

A stream layout (brackets, parentheses, inline, ordinal, one-line) is read by finding every
marker first — unit fields (牵头单位:), task numbers (1. (1) ① 1)), headings (一、 第一部分) — and
then deciding which kind of task number the text uses: the one found most often just before a
field. plankg.layouts.stream reads the text between the marks.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

from ..numerals import cn2an
from ..reading import CLOSE, LABEL_RE, LABELS, OPEN, SPACES
from .common import LineIndex

TASK_RES = {
    "arabic": re.compile(r"(?P<num>[0-9０-９]{1,3})\s*(?:[.．](?![0-9０-９])|、)"),
    "paren": re.compile(r"[(（]\s*(?P<num>[0-9０-９]{1,3})\s*[)）]"),
    "ordinal": re.compile(r"[(（]\s*(?P<num>[一二三四五六七八九十]{1,3})\s*[)）]"),
    "circled": re.compile(r"(?P<num>[①-⑳])"),
    "closing": re.compile(r"(?P<num>[0-9０-９]{1,3})[)）]"),
}
LINE_START_ONLY = ("circled", "closing")  # too common inside running text to trust elsewhere
SECTION_RE = re.compile(r"(?P<num>[一二三四五六七八九十]{1,3})\s*(?:[.．](?![0-9０-９])|、)"
                        r"|第(?P<part>[一二三四五六七八九十]{1,3})(?:部分|章|篇)\s*[、:：]?")
BOUNDARY = SPACES + "。；;！!？?" + CLOSE
# (区发改局牵头,区财政局、区住建局配合): who leads and who helps, in words, at the end of a task.
PHRASE_RE = re.compile(r"[(（](?P<lead>[^()（）:：]{2,60}?)牵头(?:[,，;；、]\s*(?P<resp>[^()（）:：]{2,120}?)"
                       r"(?:等?(?:配合|参与|协助|协同|负责|共同负责|按职责分工负责)))?[。.]?[)）]")
LABEL_PREFIXES = {lab[:k] for lab in LABELS for k in range(2, len(lab) + 1)}


@dataclass
class Mark:
    kind: str  # section | subsection | task | label | block | phrase
    pos: int
    end: int  # end of the marker itself ("1." or "牵头单位:" or the opening bracket)
    value: int = 0
    numeral: str = ""
    boundary: bool = True  # starts a line, or follows a space, a full stop or a closing bracket


def _value(numeral: str) -> int:
    if numeral in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳":
        return ord(numeral) - ord("①") + 1
    digits = numeral.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return int(digits) if digits.isdigit() else int(cn2an(numeral, "strict"))


def _boundary(text: str, index: LineIndex, pos: int) -> bool:
    return pos == 0 or text[pos - 1] in BOUNDARY or index.is_line_start(pos)


def field_marks(text: str) -> list[Mark]:
    """Every unit field: labels (牵头单位:), bracketed blocks that open with a label, 牵头 phrases."""
    marks = [Mark("label", m.start(), m.end(), numeral=m["label"]) for m in LABEL_RE.finditer(text)]
    for m in LABEL_RE.finditer(text):
        p = m.start() - 1
        while p >= 0 and text[p] in SPACES:
            p -= 1
        if p >= 0 and text[p] in OPEN:
            marks.append(Mark("block", p, p + 1, numeral=text[p]))
    marks += [Mark("phrase", m.start(), m.end()) for m in PHRASE_RE.finditer(text)]
    return sorted(marks, key=lambda m: (m.pos, m.kind != "block"))


def task_marks(text: str, index: LineIndex, kind: str, mid_line: bool) -> list[Mark]:
    out = []
    for m in TASK_RES[kind].finditer(text):
        at_start = index.is_line_start(m.start())
        if kind == "arabic" and not at_start and text[m.end():m.end() + 1].isdigit():
            continue  # 2、3季度 in running text; 1、2024年… at the start of a line is a task
        if at_start or (mid_line and kind not in LINE_START_ONLY):
            numeral = m["num"] if kind == "arabic" else re.sub(r"\s", "", m.group(0))
            out.append(Mark("task", m.start(), m.end(), _value(m["num"]), numeral,
                            _boundary(text, index, m.start())))
    return out


def heading_marks(text: str, index: LineIndex, kind: str, mid_line: bool) -> list[Mark]:
    out = []
    for kind_, regex in (("section", SECTION_RE), ("subsection", TASK_RES["ordinal"])):
        if kind_ == "subsection" and kind == "ordinal":
            continue
        for m in regex.finditer(text):
            if index.is_line_start(m.start()) or (mid_line and _boundary(text, index, m.start())):
                num = m["num"] or m["part"]
                out.append(Mark(kind_, m.start(), m.end(), _value(num), num))
    return out


def several_tasks_on_a_line(text: str, index: LineIndex, fields: list[Mark]) -> int:
    """How many lines hold fields of more than one task (a numbered marker between two fields)."""
    by_line: dict[int, list[int]] = {}
    for f in fields:
        by_line.setdefault(index.line(f.pos), []).append(f.pos)
    count = 0
    for line, positions in by_line.items():
        a, b = min(positions), max(positions)
        between = text[a:b]
        if any(_boundary(text, index, a + m.start()) for regex in TASK_RES.values() for m in regex.finditer(between)):
            count += 1
    return count


def task_kind(text: str, index: LineIndex, fields: list[Mark], mid_line: bool) -> str:
    """How tasks are numbered: the kind of marker found most often just before a field."""
    marks = sorted((m.pos, k) for k in TASK_RES for m in task_marks(text, index, k, mid_line) if m.boundary)
    positions = [p for p, _ in marks]
    votes = Counter()
    for f in fields:
        i = bisect_left(positions, f.pos) - 1
        if i >= 0:
            votes[marks[i][1]] += 1
    return votes.most_common(1)[0][0] if votes else "arabic"
