"""Plan text in any known layout → the records of plankg.sources, with the layout named and why.

Layouts (``plankg read --layout`` overrides the detection):

    lines        task line, then 牵头单位:/责任单位: lines (the Yuzhong plan; the strict reader in sources)
    brackets     units at the end of a task in [牵头单位:…;责任单位:…]
    parentheses  units at the end of a task in (责任领导:…;牵头单位:…;责任单位:…)
    inline       units after the task text on the same line: …。责任单位:…
    ordinal      tasks numbered (一)/(1)/①, unit lines below them
    one-line     several tasks on one line: a text whose line breaks were lost
    table        a table flattened one cell per line (序号 / 工作任务 / 牵头单位 / 配合单位)

Detection, in order: a 序号 header with a 单位/部门 column → table; a line holding the fields of
more than one task → one-line; otherwise where most unit fields sit: in [ ] → brackets, in ( ) →
parentheses, after text on a line → inline, on their own lines → lines (tasks numbered 1.) or
ordinal (tasks numbered otherwise). No unit field anywhere → the strict lines reader, which
refuses with its own message. Every reader reports what it could not read in ``plan.problems``,
and records what each element was read from (``plan.claims``); plankg.layouts.account then makes
sure that every line is part of exactly one element or named by a problem.
"""
from __future__ import annotations

import re
from collections import Counter

from ..reading import LAYOUTS, PlanSyntaxError, PlanText, Problem  # noqa: F401 (LAYOUTS: for callers)
from . import marks, stream, table
from .account import account
from .lines import LinesReader
from .common import LineIndex, apply_lead_rule, drop_cut_off_name, lead_rule

DISTRICT_RE = re.compile(r"^\s*(?:关于印发|关于|印发)?(?P<d>[一-鿿]{1,10}?(?:自治县|区|县|市|旗))(?:人民政府|政府|\s*\d{4}年)", re.M)
YEAR_RE = re.compile(r"(20\d{2})\s*年")


def detect(text: str) -> tuple[str, str]:
    """The layout of a plan text, and why (one line for people)."""
    if (line := table.find_table(text)) is not None:
        return "table", f"a table flattened to text: a 序号 header with unit columns on line {line}"
    index = LineIndex(text)
    fields = marks.field_marks(text)
    if not fields:
        return "lines", "no unit field in [ ], ( ) or after a task; read as task lines with unit lines"
    shared = marks.several_tasks_on_a_line(text, index, fields)
    if shared:
        lines = sum(1 for line in text.splitlines() if line.strip())
        if lines == 1:
            return "one-line", "the whole text is one line, holding the fields of several tasks"
        return "one-line", f"{shared} of {lines} lines hold the fields of several tasks"
    places = Counter()
    first: dict[str, int] = {}
    blocks = {f.pos + 1 for f in fields if f.kind == "block"}
    for f in fields:
        if f.kind == "block":
            place = "brackets" if f.numeral in "[【〔［" else "parentheses"
        elif f.kind == "phrase":
            place = "parentheses"
        elif any(b <= f.pos <= b + 2 for b in blocks) or _in_block(text, f.pos):
            continue
        elif index.is_line_start(f.pos):
            place = "lines"
        else:
            place = "inline"
        places[place] += 1
        first.setdefault(place, index.line(f.pos))
    place, count = places.most_common(1)[0]
    where = {"brackets": "in [ ] at the end of a task", "parentheses": "in ( ) at the end of a task",
             "inline": "after the task text on the same line", "lines": "on lines of their own"}[place]
    why = f"{count} of {sum(places.values())} unit fields are {where} (first on line {first[place]})"
    if place == "lines":
        kind = marks.task_kind(text, index, fields, mid_line=False)
        if kind != "arabic":
            return "ordinal", f"{why}; tasks are numbered like {_example(kind)}"
    return place, why


def _in_block(text: str, pos: int) -> bool:
    """Whether a label sits inside a bracket opened earlier on its line and not yet closed."""
    line_start = text.rfind("\n", 0, pos) + 1
    depth = 0
    for ch in text[line_start:pos]:
        depth += ch in "([（【〔［"
        depth -= ch in ")]）】〕］"
    return depth > 0


def _example(kind: str) -> str:
    return {"paren": "(1)", "ordinal": "(一)", "circled": "①", "closing": "1)", "arabic": "1."}[kind]


def read(path: str, text: str, layout: str | None = None) -> PlanText:
    """Read a plan text in the given layout, or the detected one; raise PlanSyntaxError if no tasks."""
    auto = layout is None
    if auto:
        layout, why = detect(text)
    else:
        if layout not in LAYOUTS:
            raise PlanSyntaxError(path, None, f"unknown layout {layout!r} (known: {', '.join(LAYOUTS)})")
        why = "given (--layout)"
    if layout == "lines":
        try:
            plan = LinesReader(path, text).read()
        except PlanSyntaxError as e:
            if auto and e.line is None:
                raise PlanSyntaxError(path, None, f"{e.message}, and no unit field (牵头单位:…, 责任单位:…) "
                                                  f"of any other layout: found no tasks to read") from None
            raise
        last = plan.tasks[-1]
        if last.truncated:
            plan.problems.append(Problem(last.line, f"the text ends inside task {last.id}: no unit line follows it"))
    elif layout == "table":
        plan = table.read(path, text)
    else:
        plan = stream.StreamReader(path, text, layout).read()
    plan.layout, plan.layout_reason = layout, why
    if layout != "table":  # table rows are numbered by table and row as they are read
        number_tasks(plan)
    apply_lead_rule(plan, *lead_rule(text))
    drop_cut_off_name(plan)
    account(plan)  # every line part of one element, or a problem naming it
    return plan


def number_tasks(plan: PlanText) -> None:
    """Give each task its id and scope: section-qualified where numbering restarts, -2 for a repeat.

    Numbering restarts when a new section (or sub-section) begins again at 1; then ``二.3`` is task 3 of section 二, and its IRI key is ``2.3``. A
    number used twice within one run of numbering keeps the ``-2`` suffix of the continuous plans.
    """
    level = None
    for prev, t in zip(plan.tasks, plan.tasks[1:]):
        if t.number == 1 < prev.number + 1 and t.section != prev.section:
            level = level or "section"
        elif t.number == 1 < prev.number + 1 and t.subsection != prev.subsection:
            level = "subsection"
    numerals = {s.number: s.numeral for s in plan.sections}
    sub_numerals = {(s.section, s.number): s.numeral for s in plan.subsections}
    seen: Counter = Counter()
    for t in plan.tasks:
        shown = _shown(t.numeral)
        if level == "section":
            t.scope, prefix = (str(t.section),), f"{numerals.get(t.section, '')}."
        elif level == "subsection":
            t.scope = (str(t.section), str(t.subsection or 0))
            prefix = f"{numerals.get(t.section, '')}.({sub_numerals.get((t.section, t.subsection), '')})."
        else:
            t.scope, prefix = (), ""
        seen[(t.scope, t.number)] += 1
        t.occurrence = seen[(t.scope, t.number)]
        base = prefix + shown if level else (str(t.number) if shown.isdigit() else shown)
        t.id = base + (f"-{t.occurrence}" if t.occurrence > 1 else "")


def _shown(numeral: str) -> str:
    digits = numeral.translate(str.maketrans("０１２３４５６７８９（）", "0123456789()"))
    return str(int(digits)) if digits.isascii() and digits.isdigit() else digits


def summary(plan: PlanText) -> dict:
    """The reading as the samples' ``*.expected.json`` show it, plus layout and problems."""
    numerals = {s.number: s.numeral for s in plan.sections}
    subs = {(s.section, s.number): f"({s.numeral})" if s.numeral else s.title for s in plan.subsections}
    with_leaders = any(t.officials for t in plan.tasks)
    tasks = []
    for t in plan.tasks:
        row = {"id": t.id, "section": numerals.get(t.section)}
        if any(s.numeral for s in plan.subsections):  # an unnumbered heading alone is no numbering
            row["subsection"] = subs.get((t.section, t.subsection))
        if t.title:
            row["title"] = t.title
        if with_leaders:
            row["leaders"] = list(t.officials)
        row["lead"] = [u.name for u in t.lead]
        row["responsible"] = [u.name for u in t.responsible]
        tasks.append(row)
    district = DISTRICT_RE.search(plan.text[:2000])
    year = YEAR_RE.search(plan.text[:2000])
    rule = plan.lead_rule + (f": {plan.lead_rule_text}" if plan.lead_rule_text else "")
    return {"district": district["d"] if district else None, "year": int(year[1]) if year else None,
            "layout": plan.layout, "layout_reason": plan.layout_reason, "lead_rule": rule, "tasks": tasks,
            "problems": [{"line": p.line, "message": p.message} for p in plan.problems]}
