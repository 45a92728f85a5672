"""What every reader of a plan text shares: the records it reads into, and the basics of reading.

The records (:class:`PlanText` with its :class:`Section`, :class:`Subsection` and :class:`Task`
records, :class:`UnitRef` for each name as written, :class:`Problem` for what cannot be read)
are what the graph is built from, whatever the layout. The basics are what real documents vary
in and every layout reader must read alike: the field labels (牵头单位, 主办单位, 牵头责任单位;
责任单位, 配合单位 …; 责任领导 …), the separators of a unit list (never inside parentheses:
各县(市、区)政府), numerals, the sub-section heading that is missing where tasks precede the
first heading, and the stray character in a section title. ``plankg.sources`` (the entry point)
and ``plankg.layouts`` (one reader per layout) both build on this module; it imports neither.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

LAYOUTS = ("lines", "brackets", "parentheses", "inline", "ordinal", "one-line", "table")  # plankg.layouts
SECTION_RE = re.compile(r"^(?P<num>[一二三四五六七八九十]+)\s*[、.．,，]\s*(?P<title>.*)$")
SUBSECTION_RE = re.compile(r"^[(（]\s*(?P<num>[一二三四五六七八九十]+)\s*[)）]\s*(?P<title>.*)$")

# Field label as written → role. Officials (责任领导 …) are people: they never become units.
LABELS: dict[str, str] = {
    **dict.fromkeys(("牵头单位", "牵头部门", "牵头责任单位", "主办单位", "主责单位", "牵头"), "lead"),
    **dict.fromkeys(("责任单位", "责任部门", "配合单位", "配合部门", "协办单位", "协同单位", "参与单位",
                     "协作单位", "配合"), "responsible"),
    **dict.fromkeys(("责任领导", "分管领导", "牵头领导", "联系领导", "包抓领导", "领衔领导", "责任区领导",
                     "责任县领导", "区级领导", "县级领导", "责任人"), "official"),
    **dict.fromkeys(("完成时限", "完成时间", "时间节点", "时限要求", "时限", "备注"), "other"),
}
LABEL_RE = re.compile("(?P<label>" + "|".join(sorted(LABELS, key=len, reverse=True)) + r")\s*[:：]")
OPEN, CLOSE = "([（【〔［", ")]）】〕］"
SEPARATORS = "、,，;；"
SPACES = " \t\u3000"
PUNCT = "。.；;，,、:： \t\u3000\r\n"
OPEN_LIST_MARK = "等"
TRAILING_PUNCT = "。.；;，,"


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


class Claim(NamedTuple):
    """A stretch of the text (character offsets, end exclusive) that one element was read from.

    Readers record a claim for everything they read: the preamble, each heading, each task's
    number and text, each unit field. ``element`` names the element, one name per element
    ("task 5 (line 40)"). plankg.layouts.account checks every line against the claims.
    """

    start: int
    end: int
    element: str


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
    claims: list[Claim] = field(default_factory=list)  # what each element was read from (see Claim)


def chinese_number(numeral: str) -> int:
    """三 → 3, 十二 → 12 (plankg.numerals' table, else cn2an in strict mode)."""
    from .numerals import cn2an

    return int(cn2an(numeral, "strict"))


def ascii_digits(s: str) -> str:
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
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif ch in SEPARATORS and depth == 0 or i == len(stripped):
            raw = stripped[item_start:i]
            name = raw.strip()
            lead_ws = len(raw) - len(raw.lstrip())
            s = start + item_start + lead_ws
            refs.append(UnitRef(name, len(refs) + 1, line, s, s + len(name)))
            item_start = i + 1
    return refs, is_open


def stray_characters(sections: list[Section]) -> None:
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


def imply_missing_heading(section: int, number: int, subsections: list[Subsection], tasks: list[Task]) -> None:
    """Before sub-section ``number`` of ``section``: when it is the section's first heading, is not
    (一), and tasks came before it, the (一) heading is missing. Record it as such (an implied
    sub-section with ``heading_missing``) and give it the tasks that came before."""
    if number > 1 and not any(s.section == section for s in subsections) and any(t.section == section for t in tasks):
        subsections.append(Subsection(section, 1, "一", None, None, None, heading_missing=True))
        for t in tasks:
            if t.section == section and t.subsection is None:
                t.subsection = 1
