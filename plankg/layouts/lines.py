"""The ``lines`` layout: the strict reader of plans laid out line by line, as the Yuzhong plan is.

Reads the line layout of the Yuzhong plan: a free preamble, then section headings (``一、…``),
optional sub-section headings (``（一）…``), task lines (``1.…`` or ``1、…``) each followed by
``牵头单位：…`` and ``责任单位：…`` lines. What the text says is kept as it is — unit order,
repeated units, lists ending in 等, tasks without unit lines — so that the rule checks can report
it. A line that fits none of these forms is a :class:`PlanSyntaxError` naming file, line and the
form expected; nothing is guessed silently.

This strict reader is the ``lines`` layout. The plans of other districts come in other layouts
(units in brackets at the end of a task, whole documents on one line, flattened tables …):
plankg.layouts detects the layout and reads it into the same records (plankg.reading), reporting
what it cannot read in ``PlanText.problems``.
"""
from __future__ import annotations

import re
from collections import Counter

from ..reading import (LABELS, SECTION_RE, SUBSECTION_RE, Claim, PlanSyntaxError, PlanText, Section, Subsection,
                       Task, ascii_digits, chinese_number, imply_missing_heading, split_units, stray_characters)

TASK_RE = re.compile(r"^(?P<num>[0-9０-９]+)\s*[.．、](?![0-9０-９])\s*(?P<text>.*)$")
# A unit line: any field label of a unit list or of officials (plankg.reading.LABELS) on its own line.
UNIT_LINE_RE = re.compile("^(?P<role>" + "|".join(sorted((k for k, v in LABELS.items() if v != "other"),
                                                        key=len, reverse=True)) + r")\s*[:：]\s*(?P<list>.*)$")
LOOKS_LIKE_TASK_RE = re.compile(r"^[0-9０-９]+\s*\S?\s*[一-鿿“\"]|^[0-9０-９]+[A-Za-z]")


class LinesReader:
    """A small state machine over the lines of one plan text."""

    def __init__(self, path: str, text: str):
        self.path, self.text = path, text
        self.sections: list[Section] = []
        self.subsections: list[Subsection] = []
        self.tasks: list[Task] = []
        self.seen_numbers: Counter[int] = Counter()
        self.claims: list[Claim] = []  # every line read, with the element it became part of
        self.task_element = ""

    def error(self, line: int, message: str) -> PlanSyntaxError:
        return PlanSyntaxError(self.path, line, message)

    def lines(self):
        offset = 0
        for no, raw in enumerate(self.text.splitlines(keepends=True), start=1):
            body = raw.rstrip("\r\n")
            lstrip = len(body) - len(body.lstrip())
            yield no, offset + lstrip, body.strip()
            offset += len(raw)

    def body_start(self, lines) -> int:
        """Index of the first section heading that is followed by a task or sub-section."""
        content = [(i, l) for i, l in enumerate(lines) if l[2]]
        for k, (i, (_, _, s)) in enumerate(content):
            if SECTION_RE.match(s) and k + 1 < len(content):
                nxt = content[k + 1][1][2]
                if TASK_RE.match(nxt) or SUBSECTION_RE.match(nxt):
                    return i
        raise PlanSyntaxError(self.path, None,
                              "found no section heading followed by a task "
                              "(expected a line such as \"一、…\" and then \"1.…\")")

    def read(self) -> PlanText:
        lines = list(self.lines())
        first = self.body_start(lines)
        if lines[first][1]:
            self.claims.append(Claim(0, lines[first][1], "preamble"))
        current: Task | None = None
        for no, start, s in lines[first:]:
            if not s:
                continue
            if m := UNIT_LINE_RE.match(s):
                self.unit_line(current, m, no, start, s)
                element = self.task_element
            elif m := TASK_RE.match(s):
                current = self.task_line(m, no, start, s)
                element = self.task_element = f"task {m['num']} (line {no})"
            elif m := SUBSECTION_RE.match(s):
                current = None
                self.subsection_line(m, no, start, s)
                element = f"sub-section ({m['num']}) (line {no})"
            elif m := SECTION_RE.match(s):
                current = None
                self.section_line(m, no, start, s)
                element = f"section {m['num']} (line {no})"
            elif LOOKS_LIKE_TASK_RE.match(s):
                raise self.error(no, f"garbled task number in {s[:12]!r}… "
                                     "(expected a task line \"N.text\" or \"N、text\")")
            else:
                where = f"after task {current.number}" if current else "here"
                raise self.error(no, f"cannot read {s[:20]!r}… {where} (expected a task line \"N.text\", "
                                     "a unit line \"牵头单位:…\" / \"责任单位:…\", or a heading \"一、…\" / \"(一)…\")")
            self.claims.append(Claim(start, start + len(s), element))
        if not self.tasks:
            raise PlanSyntaxError(self.path, None, "found no tasks (expected lines such as \"1.…\")")
        last = self.tasks[-1]
        if not last.lead and not last.responsible and last.lead_line is None and last.responsible_line is None:
            last.truncated = True
        stray_characters(self.sections)
        return PlanText(self.path, self.text, self.sections, self.subsections, self.tasks, first,
                        claims=self.claims)

    def section_line(self, m, no, start, s):
        self.sections.append(Section(chinese_number(m["num"]), m["num"], m["title"].strip(), s,
                                     no, start, start + len(s)))

    def subsection_line(self, m, no, start, s):
        if not self.sections:
            raise self.error(no, "a sub-section heading before any section heading (expected \"一、…\" first)")
        section = self.sections[-1].number
        number = chinese_number(m["num"])
        imply_missing_heading(section, number, self.subsections, self.tasks)
        self.subsections.append(Subsection(section, number, m["num"], m["title"].strip(), s,
                                           no, start, start + len(s)))

    def task_line(self, m, no, start, s):
        if not self.sections:
            raise self.error(no, "a task before any section heading (expected \"一、…\" first)")
        section = self.sections[-1].number
        subs = [x for x in self.subsections if x.section == section]
        number = int(ascii_digits(m["num"]))
        if number < 1:
            raise self.error(no, f"task number {m['num']} is not a positive integer")
        self.seen_numbers[number] += 1
        text_start = start + m.start("text")
        task = Task(number, m["num"], m["text"].strip(), no, text_start, start + len(s), section,
                    subs[-1].number if subs else None, occurrence=self.seen_numbers[number])
        if not task.text:
            raise self.error(no, f"task {number} has no text (expected \"{number}.任务内容\")")
        self.tasks.append(task)
        return task

    def unit_line(self, task, m, no, start, s):
        label = m["role"]
        if task is None:
            raise self.error(no, f"a {label} line with no task before it (expected a task line \"N.text\" first)")
        role = LABELS[label]
        if role == "official":
            task.officials += [u.name for u in split_units(m["list"], no, start + m.start("list"))[0] if u.name]
            return
        if getattr(task, f"{role}_line") is not None:
            raise self.error(no, f"a second {label} line for task {task.number} "
                                 f"(the first is on line {getattr(task, f'{role}_line')})")
        refs, is_open = split_units(m["list"], no, start + m.start("list"))
        setattr(task, f"{role}_line", no)
        setattr(task, role, refs)
        setattr(task, f"{role}_open", is_open)
