"""Every line accounted for: after a reader has run, each line is part of one element or a problem.

The readers record what each element was read from (:class:`plankg.reading.Claim`: the preamble,
a heading, a task's number and text, its unit fields, a table row). This module holds the text
to those claims, whatever the layout: a line with text that no element claims, or that two
elements claim, is a :class:`Problem` naming the line, unless a problem already names it. A
heading with no task under it is one too: its line was read, but it heads nothing. Blank lines,
and punctuation or brackets standing alone, are layout, not content: they need no element.

The checks work on characters, not whole lines, so a text whose line breaks were lost (the
one-line layout: one line, many tasks) is held to the same rule.
"""
from __future__ import annotations

import re

from ..reading import PUNCT, PlanText, Problem, Section, Subsection

NOT_CONTENT = set(PUNCT + "()（）[]【】〔〕［］\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
CONTENT = re.compile("[^" + re.escape("".join(sorted(NOT_CONTENT))) + "]+")  # a run of text on one line


def account(plan: PlanText) -> list[Problem]:
    """The problems that make every line of ``plan`` accounted for (added to ``plan.problems``)."""
    from .common import LineIndex

    text, index = plan.text, LineIndex(plan.text)
    merged = _merged(plan)
    events = sorted((p, step) for _, spans in merged.values() for a, b in spans for p, step in ((a, 1), (b, -1)))
    unclaimed: dict[int, int] = {}  # line → offset of its first unclaimed character
    twice: dict[int, int] = {}
    depth, pos = 0, 0
    for at, step in events + [(len(text), 0)]:
        if at > pos and depth != 1:  # text[pos:at] is claimed by no element, or by several
            for m in CONTENT.finditer(text, pos, at):
                (unclaimed if depth == 0 else twice).setdefault(index.line(m.start()), m.start())
        depth, pos = depth + step, max(pos, at)
    named = {p.line for p in plan.problems}
    found = []
    for line, pos in sorted(unclaimed.items()):
        if line not in named:
            found.append(Problem(line, f"not read: {_shown(text, index, pos)} (it belongs to no element: not the "
                                       "preamble, a heading, a task's text or a unit field)"))
    for line, pos in sorted(twice.items()):
        if line not in named:
            owners = [e for e, (_, spans) in merged.items() if any(a <= pos < b for a, b in spans)]
            found.append(Problem(line, f"read twice: {_shown(text, index, pos)} is part of "
                                       f"{' and of '.join(owners)}"))
    found += [p for p in empty_headings(plan) if p.line not in named]
    plan.problems += found
    return found


def _merged(plan: PlanText) -> dict[str, tuple[int, list[tuple[int, int]]]]:
    """Each element's claims, merged where they overlap: element → (first offset, spans)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for c in plan.claims:
        end = min(c.end, len(plan.text))  # a bracket left open claims to the end of the text
        if end > c.start:
            spans.setdefault(c.element, []).append((c.start, end))
    out = {}
    for element, parts in spans.items():
        merged: list[tuple[int, int]] = []
        for a, b in sorted(parts):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        out[element] = (merged[0][0], merged)
    return out


def _shown(text: str, index, pos: int) -> str:
    piece = text[pos:index.eol(pos)].strip()
    return repr(piece[:30]) + ("…" if len(piece) > 30 else "")


def empty_headings(plan: PlanText) -> list[Problem]:
    """A section or sub-section heading with no task after it before the next heading (or the end)."""
    headings: list[Section | Subsection] = sorted(
        [s for s in plan.sections] + [s for s in plan.subsections if s.start is not None], key=lambda h: h.start)
    task_starts = sorted(t.start for t in plan.tasks)
    out = []
    for k, h in enumerate(headings):
        # a section is followed by its sub-sections; it heads nothing only if no task comes before the next section
        later = [x for x in headings[k + 1:] if isinstance(h, Subsection) or isinstance(x, Section)]
        stop = later[0].start if later else len(plan.text) + 1
        if not any(h.start < t < stop for t in task_starts):
            kind = "section" if isinstance(h, Section) else "sub-section"
            numeral = h.numeral if isinstance(h, Section) else f"({h.numeral})"
            out.append(Problem(h.line, f"{kind} {numeral} {h.heading[:30]!r} has no task under it: a heading "
                                       "with nothing to head (left over, or its tasks are missing)"))
    return out
