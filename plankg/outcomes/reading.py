"""An outcome text → its kind, title, year and, for each line, the heading it sits under.

Four kinds of document report what a plan achieved, each told by its title:
  * 统计公报 (statistical-bulletin): the year's final figures; the title's year is theirs;
  * 国民经济和社会发展计划执行情况 (plan-execution): the year in front of those words is the
    year reported on; its second part (…计划草案) states next year's targets;
  * 推进情况 / 落实情况 / 督查 / 通报 (task-progress): task by task, the title's year is the
    tasks' year;
  * 政府工作报告 (work-report): the *next* year's report; its title year is not the year of
    its figures, so only a heading (一、2023年工作回顾) or the sentence gives a year.
A heading is a line opening 一、 or （一）, its words up to the first 。 (the section's text may
follow on the same line, and is read as any other line); a sub-heading inherits its section's
year unless it states its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .words import words

KINDS = ("work-report", "plan-execution", "statistical-bulletin", "task-progress")
_KIND_WORDS = (("statistical-bulletin", ("统计公报",)),
               ("plan-execution", ("计划执行情况",)),
               ("task-progress", ("推进情况", "落实情况", "督查", "通报")),
               ("work-report", ("政府工作报告",)))
HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)])")
TOP_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+[、.．]")
YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


class OutcomeTextError(ValueError):
    """The document cannot be read as an outcome report (the message names file and line)."""


@dataclass(frozen=True)
class Heading:
    text: str
    line: int
    year: int | None  # the year it names (2023年工作回顾), else its section's
    five_year: bool   # 过去五年工作回顾
    targets: bool     # 2024年主要预期目标: targets, not outcomes


@dataclass
class Document:
    path: Path
    text: str
    kind: str
    kind_reason: str
    title: str
    year: int | None  # the year the whole document reports on, where its kind says so
    lines: list[str] = field(default_factory=list)
    headings: list[Heading | None] = field(default_factory=list)  # per line (index 0 = line 1)
    offsets: list[int] = field(default_factory=list)  # character offset of each line's start


def detect_kind(title: str) -> tuple[str | None, str]:
    for kind, cues in _KIND_WORDS:
        for cue in cues:
            if cue in title:
                return kind, f"the title says {cue}"
    return None, "the title names none of 统计公报, 计划执行情况, 推进情况/落实情况/督查/通报, 政府工作报告"


def document_year(kind: str, title: str) -> int | None:
    if kind == "work-report":
        return None
    if kind == "plan-execution":
        m = re.search(r"((?:19|20)\d\d)\s*年\s*国民经济和社会发展计划执行", title)
        return int(m[1]) if m else None
    m = YEAR.search(title)
    return int(m[1]) if m else None


def heading_label(line: str) -> str:
    """A heading line's own words: up to its first 。, as a section's text often follows on the
    same line (（一）经济运行稳中向好。GDP增速…) and must not make the section five-year or targets."""
    line = line.strip()
    end = line.find("。")
    return line[:end + 1] if end >= 0 else line


def _heading(text: str, line: int, parent: Heading | None) -> Heading:
    w = words()
    year = YEAR.search(text)
    five = any(c in text for c in w["period"]["five_year"])
    targets = any(c in text for c in w["targets"]["heading"])
    if parent is not None and not year and not five:
        return Heading(text, line, parent.year, parent.five_year, parent.targets or targets)
    return Heading(text, line, int(year[1]) if year else None, five, targets)


def read(path: Path, kind: str | None = None, title: str | None = None) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise OutcomeTextError(f"{path}: not UTF-8 text (byte {e.start}); save it as UTF-8 first") from None
    except OSError as e:
        raise OutcomeTextError(f"{path}: cannot be read ({e.strerror})") from None
    lines = text.splitlines()
    first = next((l.strip() for l in lines if l.strip()), "")
    if not first:
        raise OutcomeTextError(f"{path}:1: the file is empty (expected an outcome report's text)")
    title = title or first
    if kind:
        reason = "given with --kind"
    else:
        kind, reason = detect_kind(title)
        if kind is None:
            raise OutcomeTextError(f"{path}:1: cannot tell what kind of report '{title[:40]}' is: {reason}; "
                                   f"give --kind ({', '.join(KINDS)})")
    doc = Document(path, text, kind, reason, title, document_year(kind, title), lines)
    top = current = None
    offset = 0
    for no, line in enumerate(lines, start=1):
        doc.offsets.append(offset)
        offset += len(line) + 1
        if HEADING.match(line):
            label = heading_label(line)
            if TOP_HEADING.match(line):
                top = current = _heading(label, no, None)
            else:
                current = _heading(label, no, top)
        doc.headings.append(current)
    return doc
