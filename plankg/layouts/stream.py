"""Numbered tasks carrying their units in labelled fields → records, wherever the fields sit.

One reader for the layouts that differ only in where a task's fields are and how it is numbered:

    brackets     1、任务…[牵头单位:…;责任单位:…]            also 【】〔〕
    parentheses  1.任务…(责任领导:…;牵头单位:…;责任单位:…)   also （）, and (区发改局牵头,区财政局配合)
    inline       1.任务…。责任单位:…                       after the text, on the same line
    ordinal      (一)任务…  /  责任单位:…                  tasks numbered (一), (1) or ①; fields below
    one-line     any of these with several tasks on a line (a text whose line breaks were lost)

The body starts at the section heading above the first task that has a field, so a cover notice
with its own 一、二、 paragraphs stays in the preamble. Text inside the body that belongs to no
task and no field is reported as a problem, never dropped silently.
"""
from __future__ import annotations

from collections import Counter

from ..reading import (CLOSE, LABELS, OPEN, PUNCT, SPACES, Claim, PlanSyntaxError, PlanText, Problem, Section,
                       Subsection, Task, imply_missing_heading, stray_characters)
from .common import LineIndex, Names, renumber, section_officials, split_names, take_marked
from .marks import LABEL_PREFIXES, PHRASE_RE, Mark, field_marks, heading_marks, task_kind, task_marks


class StreamReader:
    """Reads one text: find where the body starts, accept headings and tasks in order, read fields."""

    def __init__(self, path: str, text: str, layout: str):
        self.path, self.text, self.layout = path, text, layout
        self.index = LineIndex(text)
        self.mid_line = layout == "one-line"
        self.fields = field_marks(text)
        self.kind = task_kind(text, self.index, self.fields, self.mid_line)
        self.problems: list[Problem] = []
        self.ignored_fields: Counter[str] = Counter()
        self.section_label = ""  # " in section 二": tasks are named so in problems
        self.claims: list[Claim] = []  # what each element was read from (plankg.layouts.account)

    def problem(self, pos: int, message: str) -> None:
        where = f" (character {pos})" if self.mid_line else ""  # one line holds many tasks
        self.problems.append(Problem(self.index.line(pos), message + where))

    # -- structure ----------------------------------------------------------

    def body_start(self, tasks: list[Mark], headings: list[Mark]) -> int:
        """The section heading above the first task with a field (walking back over earlier sections
        that hold tasks too); without sections, the last task numbered 1 before it."""
        if not self.fields:
            raise PlanSyntaxError(self.path, None, "found no tasks: no unit field such as 牵头单位:… or 责任单位:… "
                                                   "anywhere in the text (is it a plan of tasks?)")
        owned = (f.pos for f in self.fields if any(t.pos < f.pos and t.boundary for t in tasks))
        first_field = next(owned, None)
        if first_field is None:
            raise PlanSyntaxError(self.path, self.index.line(self.fields[0].pos),
                                  "found no tasks: a unit field with no numbered task before it "
                                  "(expected \"1.…\", \"1、…\", \"(一)…\" or \"(1)…\" before the first field)")
        before = [t for t in tasks if t.pos < first_field and t.boundary]
        t0 = before[-1]
        sections = [h for h in headings if h.kind == "section" and h.pos < t0.pos]
        if not sections:
            ones = [t for t in before if t.value == 1]
            return ones[-1].pos if ones else t0.pos
        k = len(sections) - 1
        while k > 0 and sections[k - 1].value == sections[k].value - 1 and \
                any(sections[k - 1].pos < t.pos < sections[k].pos for t in tasks):
            k -= 1
        return sections[k].pos

    def accepted(self) -> tuple[int, list[Mark]]:
        tasks = task_marks(self.text, self.index, self.kind, self.mid_line)
        headings = heading_marks(self.text, self.index, self.kind, self.mid_line)
        start = self.body_start(tasks, headings)
        marks = sorted([m for m in tasks + headings + self.fields if m.pos >= start],
                       key=lambda m: (m.pos, m.kind))
        out: list[Mark] = []
        last = {"section": 0, "subsection": 0, "task": 0}
        since_heading, field_seen, covered = True, False, start
        for m in marks:
            if m.pos < covered:
                continue
            if m.kind in ("label", "block", "phrase"):
                field_seen = field_seen or bool(out)
                continue
            at_start = self.index.is_line_start(m.pos)
            sequential = m.value == last[m.kind] + 1 or (m.kind != "section" and m.value == 1 and since_heading)
            if m.kind == "task":
                ok = at_start or (sequential and (m.boundary or field_seen)
                                  and not self.text[m.pos - 1: m.pos].isdigit())
            else:
                ok = at_start or (sequential and m.boundary)
            if not ok:
                continue
            out.append(m)
            covered = m.end
            last[m.kind] = m.value
            if m.kind == "section":
                last["subsection"] = 0
            since_heading, field_seen = m.kind != "task", False
        return start, out

    # -- reading ------------------------------------------------------------

    def read(self) -> PlanText:
        start, marks = self.accepted()
        if start:
            self.claims.append(Claim(0, start, "preamble"))
        sections: list[Section] = []
        subsections: list[Subsection] = []
        tasks: list[Task] = []
        officials: dict[tuple[int, int | None], list[str]] = {}
        for i, m in enumerate(marks):
            end = marks[i + 1].pos if i + 1 < len(marks) else len(self.text)
            if m.kind == "task":
                sec = sections[-1].number if sections else 0
                subs = [s for s in subsections if s.section == sec]
                sub = subs[-1].number if subs else None
                task = self.task(m, end, sec, sub)
                above = officials.get((sec, None), []) + (officials.get((sec, sub), []) if sub else [])
                task.officials = list(dict.fromkeys(above + task.officials))
                tasks.append(task)
                continue
            title_end = min(self.index.eol(m.end), end)
            title = self.text[m.end:title_end].strip()
            if any(m.end <= f.pos < title_end for f in self.fields if f.kind != "phrase"):
                self.problem(m.pos, f"unit fields in the heading {title[:20]!r} are not read "
                                    "(they are not given to the tasks under it)")
            heading = self.text[m.pos:title_end].strip()
            line = self.index.line(m.pos)
            self.claims.append(Claim(m.pos, title_end, f"{m.kind} {m.numeral} (line {line})"))
            if m.kind == "section":
                sections.append(Section(m.value, m.numeral, title, heading, line, m.pos, m.pos + len(heading)))
                self.section_label = f" in section {m.numeral}"
                officials[(m.value, None)] = section_officials(title)
            else:
                if not sections:
                    self.problem(m.pos, f"sub-section {heading[:20]!r} before any section heading; read as section 0")
                sec = sections[-1].number if sections else 0
                imply_missing_heading(sec, m.value, subsections, tasks)
                subsections.append(Subsection(sec, m.value, m.numeral, title, heading, line, m.pos,
                                              m.pos + len(heading)))
                officials[(sec, m.value)] = section_officials(title)
            if i + 1 < len(marks) and marks[i + 1].kind == "task":
                title_end = self.unnumbered_heading(title_end, end, sections, subsections, officials)
            self.leftover(title_end, end, "between a heading and the next task")
        if not tasks:
            raise PlanSyntaxError(self.path, None, "found no tasks (expected numbered tasks such as \"1.…\" "
                                                   "carrying 牵头单位:/责任单位: fields)")
        for label, n in sorted(self.ignored_fields.items()):
            self.problems.append(Problem(None, f"{label} fields are not read ({n} task(s))"))
        stray_characters(sections)
        return PlanText(self.path, self.text, sections, subsections, tasks, self.index.line(start) - 1,
                        layout=self.layout, problems=self.problems, claims=self.claims)

    def task(self, m: Mark, end: int, section: int, subsection: int | None) -> Task:
        text, index = self.text, self.index
        fields = [f for f in self.fields if m.end <= f.pos < end]
        blocks = []
        for f in fields:
            if f.kind == "block" and not any(b[0] < f.pos < b[1] for b in blocks):
                blocks.append((f.pos, self.close(f.pos, end)))
        inside = lambda p: any(a < p < b for a, b in blocks)  # noqa: E731
        labels = [f for f in fields if f.kind == "label" and not inside(f.pos)]
        phrases = [f for f in fields if f.kind == "phrase" and not inside(f.pos)
                   and not text[f.end:min(index.eol(f.end), end)].strip(PUNCT)]
        first = min([b[0] for b in blocks] + [f.pos for f in labels + phrases] + [end])
        t_start, t_end = _strip(text, m.end, first)
        task = Task(m.value, m.numeral, text[t_start:t_end], index.line(m.pos), t_start, t_end, section, subsection)
        name = f"task {m.numeral}{self.section_label}"
        covered = [(m.pos, t_end)]
        stops = sorted([b[0] for b in blocks] + [f.pos for f in labels + phrases] + [end])
        for a, b in blocks:
            covered.append((a, b + 1))
            inner = [f for f in self.fields if f.kind == "label" and a < f.pos < b]
            if not inner:
                continue
            self.leftover(a + 1, inner[0].pos, f"in the unit fields of {name}")
            for j, f in enumerate(inner):
                self.field(task, name, f, f.end, inner[j + 1].pos if j + 1 < len(inner) else b)
            if b >= len(text):
                task.truncated = True
                self.problem(a, f"the text ends inside the unit fields of {name} "
                                f"(no closing bracket for {text[a]!r})")
        for f in labels:
            stop = min(s for s in stops if s > f.pos)
            v_end = min(index.eol(f.end), stop)
            while v_end < stop and text[f.end:v_end].rstrip(SPACES)[-1:] in ("、", ",", "，"):
                wrapped = min(index.eol(index.starts[index.line(v_end)]), stop)  # a list wrapped after 、
                if wrapped <= v_end:
                    break
                v_end = wrapped
            self.field(task, name, f, f.end, v_end)
            covered.append((f.pos, v_end))
            self.wrapped(f.pos, v_end, f"the {f.numeral} list of {name} (the line before ends in a separator)")
        for f in phrases:
            pm = PHRASE_RE.match(text, f.pos)
            lead = split_names(text, pm.start("lead"), pm.end("lead"), index)
            task.lead += lead.refs
            self.problems += lead.problems
            task.lead_line = index.line(f.pos)
            if pm["resp"]:
                resp = split_names(text, pm.start("resp"), pm.end("resp"), index)
                take_marked(task, resp)
                self.problems += resp.problems
                task.responsible_line = index.line(f.pos)
            covered.append((f.pos, f.end))
        task.lead, task.responsible = renumber(task.lead), renumber(task.responsible)
        self.uncovered(covered, m.pos, end, f"after {name}")
        self.claims += [Claim(a, b, f"{name} (line {task.line})") for a, b in covered]
        self.wrapped(m.pos, t_end, f"the text of {name}")  # from the number's line: the text starts there
        for a, b in blocks:
            self.wrapped(a, b, f"the unit fields of {name} (its brackets run on to this line)")
        if end >= len(text.rstrip()) and not (blocks or labels or phrases):
            task.truncated = True
            tail = text[t_start:t_end]
            cut = next((p for p in sorted(LABEL_PREFIXES, key=len, reverse=True) if tail.endswith(p)), None)
            self.problem(m.pos, f"the text ends inside {name}: no unit field follows it"
                                + (f" (it ends with {cut!r}, a field label cut off)" if cut else ""))
        return task

    def wrapped(self, start: int, end: int, what: str) -> None:
        """Report each line after the first that a task's text or bracketed fields run on to: it is
        read as part of them, but nothing marks it so (a wrapped line, or a line glued to the task)."""
        pos = self.index.eol(start) + 1
        while pos < end:
            stop = min(self.index.eol(pos), end)
            piece = self.text[pos:stop].strip(PUNCT)
            if piece:
                self.problem(pos, f"{piece[:30]!r}{'…' if len(piece) > 30 else ''} is read as more of {what}: "
                                  "a line with no task number and no unit field of its own (a wrapped line, or "
                                  "one that belongs elsewhere)")
            pos = stop + 1

    def field(self, task: Task, name: str, label: Mark, start: int, end: int) -> None:
        role = LABELS[label.numeral]
        if role == "other":
            self.ignored_fields[label.numeral] += 1
            return
        names: Names = split_names(self.text, start, end, self.index)
        line = self.index.line(label.pos)
        for ref in names.refs:
            if ref.name in LABEL_PREFIXES:
                names.problems.append(Problem(ref.line, f"{ref.name!r} looks like a field label cut off, not a unit"))
        names.refs = [r for r in names.refs if r.name not in LABEL_PREFIXES]
        self.problems += names.problems
        if not names.refs and not names.problems:
            self.problem(label.pos, f"{name}: {label.numeral} is empty")
        if role == "official":
            task.officials += [r.name for r in names.refs]
            return
        if role == "lead":
            task.lead += names.refs
            task.lead_open = task.lead_open or names.is_open
            task.lead_line = task.lead_line or line
        else:
            take_marked(task, names)
            task.responsible_open = task.responsible_open or names.is_open
            task.responsible_line = task.responsible_line or line

    def close(self, pos: int, end: int) -> int:
        """Offset of the bracket closing the one at ``pos`` (before ``end``), or ``end`` if none."""
        depth = 0
        for i in range(pos, end):
            if self.text[i] in OPEN:
                depth += 1
            elif self.text[i] in CLOSE:
                depth -= 1
                if depth == 0:
                    return i
        if end < len(self.text):
            self.problem(pos, f"no closing bracket for {self.text[pos]!r} before the next task")
        return end

    def uncovered(self, spans: list[tuple[int, int]], start: int, end: int, where: str) -> None:
        pos = start
        for a, b in sorted(spans):
            if a > pos:
                self.leftover(pos, a, where)
            pos = max(pos, b)
        self.leftover(pos, end, where)

    def unnumbered_heading(self, start: int, end: int, sections, subsections, officials) -> int:
        """An unnumbered heading between a heading and the next task (加强基础设施建设): one short line
        with no sentence punctuation and no field is read as a sub-section without a numeral, so the
        tasks under it are in it. Returns where the leftover text begins (``end`` when it was read)."""
        a, b = _strip(self.text, start, end)
        line = self.text[a:b]
        if not heading_like(line) or any(a <= f.pos < b for f in self.fields):
            return start
        sec = sections[-1].number if sections else 0
        number = sum(1 for x in subsections if x.section == sec) + 1
        n = self.index.line(a)
        subsections.append(Subsection(sec, number, "", line, line, n, a, b))
        officials[(sec, number)] = []
        self.claims.append(Claim(a, b, f"unnumbered heading (line {n})"))
        return end

    def leftover(self, start: int, end: int, where: str) -> None:
        """Report each line of text[start:end] that holds more than punctuation."""
        pos = start
        while pos < end:
            stop = min(self.index.eol(pos), end)
            piece = self.text[pos:stop].strip(PUNCT + "()（）[]【】")
            if piece:
                self.problem(pos, f"not read: {piece[:30]!r}{'…' if len(piece) > 30 else ''} ({where}; "
                                  "no task number and no unit field)")
            nxt = self.index.starts[self.index.line(pos)] if self.index.line(pos) < len(self.index.starts) else end
            pos = max(nxt, stop + 1)


def heading_like(line: str) -> bool:
    """Whether a line reads as an unnumbered heading: 4 to 30 Chinese characters and nothing else
    (no punctuation, no figures, no field), as 加强基础设施建设."""
    return 4 <= len(line) <= 30 and all("\u4e00" <= c <= "\u9fff" for c in line)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in SPACES + "\r\n":
        start += 1
    while end > start and text[end - 1] in SPACES + "\r\n":
        end -= 1
    return start, end
