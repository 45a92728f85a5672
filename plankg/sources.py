"""Plan text → records: sections, sub-sections and tasks with their unit lists and source positions.

Reads the line layout of the Yuzhong plan: a free preamble, then section headings (``一、…``),
optional sub-section headings (``（一）…``), task lines (``1.…`` or ``1、…``) each followed by
``牵头单位：…`` and ``责任单位：…`` lines. What the text says is kept as it is — unit order,
repeated units, lists ending in 等, tasks without unit lines — so that the rule checks can report
it. A line that fits none of these forms is a :class:`PlanSyntaxError` naming file, line and the
form expected; nothing is guessed silently.

This strict reader is the ``lines`` layout. The plans of other districts come in other layouts
(units in brackets at the end of a task, whole documents on one line, flattened tables …):
:func:`read_plan` detects the layout and plankg.layouts reads it into the same records, reporting
what it cannot read in ``PlanText.problems``.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import cn2an

SECTION_RE = re.compile(r"^(?P<num>[一二三四五六七八九十]+)\s*[、.．,，]\s*(?P<title>.*)$")
SUBSECTION_RE = re.compile(r"^[(（]\s*(?P<num>[一二三四五六七八九十]+)\s*[)）]\s*(?P<title>.*)$")
TASK_RE = re.compile(r"^(?P<num>[0-9０-９]+)\s*[.．、](?![0-9０-９])\s*(?P<text>.*)$")
UNIT_LINE_RE = re.compile(r"^(?P<role>牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门|协办单位|责任领导|分管领导)"
                          r"\s*[:：]\s*(?P<list>.*)$")
LOOKS_LIKE_TASK_RE = re.compile(r"^[0-9０-９]+\s*\S?\s*[一-鿿“\"]|^[0-9０-９]+[A-Za-z]")
SEPARATORS = "、,，;；"
OPEN_LIST_MARK = "等"
TRAILING_PUNCT = "。.；;，,"
ROLES = {"牵头单位": "lead", "牵头部门": "lead", "责任单位": "responsible", "责任部门": "responsible",
         "配合单位": "responsible", "配合部门": "responsible", "协办单位": "responsible",
         "责任领导": "officials", "分管领导": "officials"}  # officials are people, never units


class PlanSyntaxError(ValueError):
    """A line of a plan text that cannot be read; ``str()`` is ``path:line: message``."""

    def __init__(self, path: str | Path, line: int | None, message: str):
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


@dataclass(frozen=True)
class UnitRef:
    """One name in a unit list, as written, with its place in the source."""

    name: str
    position: int
    line: int
    start: int
    end: int


@dataclass
class Section:
    number: int
    numeral: str
    title: str
    heading: str
    line: int
    start: int
    end: int
    stray_character: str | None = None


@dataclass
class Subsection:
    section: int
    number: int
    numeral: str
    title: str | None
    heading: str | None
    line: int | None
    start: int | None = None
    end: int | None = None
    heading_missing: bool = False


@dataclass
class Task:
    number: int
    numeral: str
    text: str
    line: int
    start: int
    end: int
    section: int
    subsection: int | None
    lead: list[UnitRef] = field(default_factory=list)
    responsible: list[UnitRef] = field(default_factory=list)
    lead_open: bool = False
    responsible_open: bool = False
    lead_line: int | None = None
    responsible_line: int | None = None
    truncated: bool = False
    occurrence: int = 1  # >1 when the same number was used before (kept for the checks)
    id: str = ""  # the identity a reader quotes: "21", or "二.3" / "表2-1" where numbering restarts
    scope: tuple[str, ...] = ()  # what qualifies the number when numbering restarts: ("2",), ("t1",)
    officials: list[str] = field(default_factory=list)  # 责任领导 as written: people, never units
    title: str | None = None  # a short title cell before the task text (tables)
    lead_by_rule: bool = False  # the lead was taken from the responsible list by the plan's lead rule

    def __post_init__(self):
        if not self.id:
            self.id = str(self.number) + (f"-{self.occurrence}" if self.occurrence > 1 else "")


class Problem(NamedTuple):
    """Something in a plan text that could not be read (reported, never turned into data)."""

    line: int | None
    message: str


@dataclass
class PlanText:
    path: str
    text: str
    sections: list[Section]
    subsections: list[Subsection]
    tasks: list[Task]
    preamble_lines: int
    layout: str = "lines"
    layout_reason: str = ""
    lead_rule: str = "field"  # field | first-listed | marked | none (see plankg.layouts)
    lead_rule_text: str | None = None  # the sentence stating the rule, as written
    problems: list[Problem] = field(default_factory=list)


def chinese_number(numeral: str) -> int:
    """三 → 3, 十二 → 12 (cn2an, strict mode)."""
    return int(cn2an.cn2an(numeral, "strict"))


def _ascii_digits(s: str) -> str:
    return s.translate(str.maketrans("０１２３４５６７８９", "0123456789"))


def split_units(body: str, line: int, start: int) -> tuple[list[UnitRef], bool]:
    """Split a unit list on 、,，;； (not inside parentheses); report whether it ends in 等."""
    stripped = body.rstrip()
    while stripped and stripped[-1] in TRAILING_PUNCT:
        stripped = stripped[:-1].rstrip()
    is_open = stripped.endswith(OPEN_LIST_MARK)
    if is_open:
        stripped = stripped[: -len(OPEN_LIST_MARK)]
    refs: list[UnitRef] = []
    depth, item_start = 0, 0
    for i, ch in enumerate(stripped + "、"):
        if ch in "(（[【":
            depth += 1
        elif ch in ")）]】":
            depth = max(0, depth - 1)
        elif ch in SEPARATORS and depth == 0 or i == len(stripped):
            raw = stripped[item_start:i]
            name = raw.strip()
            lead_ws = len(raw) - len(raw.lstrip())
            s = start + item_start + lead_ws
            refs.append(UnitRef(name, len(refs) + 1, line, s, s + len(name)))
            item_start = i + 1
    return refs, is_open


def _stray_characters(sections: list[Section]) -> None:
    """Flag a title with one extra character before the prefix most section titles share.

    Work-report plans title their sections in parallel (着力…、…，持续…); a title that reads
    ``作着力…`` where the others read ``着力…`` carries a stray character. The title is kept as
    written; the character is recorded for the checks.
    """
    prefixes = Counter(s.title[:2] for s in sections if len(s.title) >= 2)
    if not prefixes:
        return
    common, count = prefixes.most_common(1)[0]
    if count < 3 or count * 2 < len(sections):
        return
    for s in sections:
        if not s.title.startswith(common) and s.title[1:3] == common:
            s.stray_character = s.title[0]


def read_plan(path: str | Path, text: str | None = None, layout: str | None = None) -> PlanText:
    """Read a plan text file (UTF-8) into records; raise PlanSyntaxError on unreadable input.

    The layout (see plankg.layouts) is detected unless given; the plan records which was used.
    """
    path = Path(path)
    if text is None:
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise PlanSyntaxError(path, None, f"cannot read the file ({e.strerror})") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            raise PlanSyntaxError(path, line, f"not UTF-8 text (byte {e.start}); save the plan as UTF-8") from None
    from . import layouts  # the readers of the other layouts build on this module

    return layouts.read(str(path), text, layout)


class _Reader:
    """A small state machine over the lines of one plan text."""

    def __init__(self, path: str, text: str):
        self.path, self.text = path, text
        self.sections: list[Section] = []
        self.subsections: list[Subsection] = []
        self.tasks: list[Task] = []
        self.seen_numbers: Counter[int] = Counter()

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
        current: Task | None = None
        for no, start, s in lines[first:]:
            if not s:
                continue
            if m := UNIT_LINE_RE.match(s):
                self.unit_line(current, m, no, start, s)
            elif m := TASK_RE.match(s):
                current = self.task_line(m, no, start, s)
            elif m := SUBSECTION_RE.match(s):
                current = None
                self.subsection_line(m, no, start, s)
            elif m := SECTION_RE.match(s):
                current = None
                self.section_line(m, no, start, s)
            elif LOOKS_LIKE_TASK_RE.match(s):
                raise self.error(no, f"garbled task number in {s[:12]!r}… "
                                     "(expected a task line \"N.text\" or \"N、text\")")
            else:
                where = f"after task {current.number}" if current else "here"
                raise self.error(no, f"cannot read {s[:20]!r}… {where} (expected a task line \"N.text\", "
                                     "a unit line \"牵头单位:…\" / \"责任单位:…\", or a heading \"一、…\" / \"(一)…\")")
        if not self.tasks:
            raise PlanSyntaxError(self.path, None, "found no tasks (expected lines such as \"1.…\")")
        last = self.tasks[-1]
        if not last.lead and not last.responsible and last.lead_line is None and last.responsible_line is None:
            last.truncated = True
        _stray_characters(self.sections)
        return PlanText(self.path, self.text, self.sections, self.subsections, self.tasks, first)

    def section_line(self, m, no, start, s):
        self.sections.append(Section(chinese_number(m["num"]), m["num"], m["title"].strip(), s,
                                     no, start, start + len(s)))

    def subsection_line(self, m, no, start, s):
        if not self.sections:
            raise self.error(no, "a sub-section heading before any section heading (expected \"一、…\" first)")
        section = self.sections[-1].number
        number = chinese_number(m["num"])
        mine = [x for x in self.subsections if x.section == section]
        if not mine and number > 1 and any(t.section == section for t in self.tasks):
            # Tasks came before the first heading we see, and that heading is not (一):
            # the (一) heading is missing. Record it as such; its tasks are re-homed below.
            implied = Subsection(section, 1, "一", None, None, None, heading_missing=True)
            self.subsections.append(implied)
            for t in self.tasks:
                if t.section == section and t.subsection is None:
                    t.subsection = 1
        self.subsections.append(Subsection(section, number, m["num"], m["title"].strip(), s,
                                           no, start, start + len(s)))

    def task_line(self, m, no, start, s):
        if not self.sections:
            raise self.error(no, "a task before any section heading (expected \"一、…\" first)")
        section = self.sections[-1].number
        subs = [x for x in self.subsections if x.section == section]
        number = int(_ascii_digits(m["num"]))
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
        role = ROLES[label]
        if role == "officials":
            task.officials += [u.name for u in split_units(m["list"], no, start + m.start("list"))[0] if u.name]
            return
        if getattr(task, f"{role}_line") is not None:
            raise self.error(no, f"a second {label} line for task {task.number} "
                                 f"(the first is on line {getattr(task, f'{role}_line')})")
        refs, is_open = split_units(m["list"], no, start + m.start("list"))
        setattr(task, f"{role}_line", no)
        setattr(task, role, refs)
        setattr(task, f"{role}_open", is_open)
