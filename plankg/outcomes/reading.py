"""An outcome text → its kind, title, year and, for each line, the heading it sits under.

A page saved from the web is first cleared of the site's furniture (plankg.outcomes.page): the
title is the first line of the document's head (the lines before its first sentence of text or
heading) that names a kind, else the head's first line. Five kinds of document report what a
plan achieved, each told by its title, a media feature by its lead:
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
from datetime import date
from pathlib import Path

from . import page as web
from .words import words

KINDS = ("work-report", "plan-execution", "statistical-bulletin", "task-progress", "press-report")
PRESS = "press-report"
TITLE_MIN = 6  # a line naming a kind is a title when longer than this (统计公报 alone is a menu's)
LEAD = 2  # lines of text after the head in which a press report's lead is looked for
_KIND_WORDS = (("statistical-bulletin", ("统计公报",)),
               ("plan-execution", ("计划执行情况",)),
               ("task-progress", ("推进情况", "落实情况", "督查", "通报")),
               ("work-report", ("政府工作报告",)))
HEADING = web.HEADING
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
    title_line: int = 1
    skipped: dict[int, str] = field(default_factory=dict)  # line → navigation, metadata, footer or title
    published: date | None = None  # as the page's metadata states it
    published_basis: str = ""

    def furniture(self) -> str:
        """"12 lines of page furniture: 1-9, 240-243 (…)", or "" when there are none."""
        lines = {n for n, why in self.skipped.items() if why != "title"}
        if not lines:
            return ""
        blank = {n for n, l in enumerate(self.lines, start=1) if not l.strip()}
        kinds = ", ".join(f"{sum(1 for n in lines if self.skipped[n] == k)} {k}"
                          for k in (web.NAVIGATION, web.METADATA, web.FOOTER) if any(self.skipped[n] == k for n in lines))
        return f"{len(lines)} line{'s' * (len(lines) > 1)} of page furniture: {web.ranges(lines, blank)} ({kinds})"


def _head(lines: list[str], skipped: dict[int, str]) -> tuple[list[int], list[int]]:
    """(the document's head: its lines before the first sentence of text or heading, the
    ``LEAD`` lines of text after it), by line number, furniture left out."""
    body = [n for n, l in enumerate(lines, start=1) if l.strip() and n not in skipped]
    for k, n in enumerate(body):
        if HEADING.match(lines[n - 1]) or web.is_prose(lines[n - 1]):
            return body[:k], body[k:k + LEAD]
    return body, []


_QUOTED = re.compile(r"《([^《》]{6,80})》")
_FIRST_HALF = re.compile(r"^关于|国民经济和社会发展$|[的与和及]$")


def _titles(lines: list[str], head: list[int]) -> list[tuple[int, str]]:
    """(line, title as it reads) for each head line: without the site's name after it (…报告_某区人民
    政府), joined with the next line when split in two (关于…国民经济和社会发展 / 计划执行情况…的报告),
    and the document's own title when the line is a notice publishing it (关于印发《…的报告》的通知)."""
    suffix = re.compile(words()["page"]["title_suffix"])
    out = []
    for k, n in enumerate(head):
        text = suffix.sub("", lines[n - 1].strip())
        if k + 1 < len(head) and _FIRST_HALF.search(text) and not detect_kind(text)[0]:
            joined = text + lines[head[k + 1] - 1].strip()
            text = joined if detect_kind(joined)[0] else text
        quoted = _QUOTED.search(text)
        out.append((n, quoted[1] if quoted and detect_kind(quoted[1])[0] else text))
    return out


def _find_title(path: Path, lines: list[str], page: web.Page, kind: str | None,
                title: str | None) -> tuple[str, int, str, str]:
    """(kind, title line, title, reason): the kind told by the lead or the title (see the docstring)."""
    head, lead = _head(lines, page.skipped)
    if not head and not lead:
        where = f" (lines {web.ranges(page.skipped)} are page furniture)" if page.skipped else ""
        raise OutcomeTextError(f"{path}:1: the file holds no text{where} (expected an outcome report's text)")
    found = _titles(lines, head) or [(0, lines[lead[0] - 1].strip()[:30] + "…")]  # no title: the text's first words
    named = [(n, t, k, why) for n, t in found for k, why in [detect_kind(t)] if k and len(t) > TITLE_MIN]
    named.sort(key=lambda c: not YEAR.search(c[1]))  # a menu's 政府工作报告 is no title: one naming a year first
    line, text = (named[0][:2] if named else found[0])
    text = title or text
    if kind:
        return kind, line, text, "given with --kind"
    def said(cues):
        return next(((n, w) for n in head + lead for w in cues if w in lines[n - 1]), None)
    press = said(words()["press"]["lead"])
    if press:
        return PRESS, line, text, f"the lead says {press[1]} (line {press[0]})"
    told, reason = detect_kind(text)
    if told:
        return told, line, text, reason
    if press := said(words()["press"]["weak_lead"]):
        return PRESS, line, text, f"the lead says {press[1]} (line {press[0]})"
    if page.source and any(w in page.source[1] for w in words()["press"]["source"]):
        return PRESS, line, text, f"the page's source is {page.source[1]} (line {page.source[0]})"
    return None, line, text, reason


def _bare(title: str) -> str:
    """A title without brackets and spaces: (重庆市)…工作报告(2024年1月15日) is …工作报告(2024年) again."""
    return re.sub(r"[（(][^）)]{0,20}[）)]|\s", "", title)


_DELIVERED = re.compile(r"^\s*[—－-]{1,2}\s*((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日在")


def _delivered(doc: Document) -> None:
    """With no date in the page's metadata, a report's subtitle gives the day it was delivered
    (——2024年1月9日在…会议上), published the same day."""
    for n in _head(doc.lines, doc.skipped)[0]:
        if m := _DELIVERED.match(doc.lines[n - 1]):
            try:
                doc.published = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
            doc.published_basis = f"the day it was delivered, line {n}"
            return


def detect_kind(title: str) -> tuple[str | None, str]:
    for kind, cues in _KIND_WORDS:
        for cue in cues:
            if cue in title:
                return kind, f"the title says {cue}"
    return None, "the title names none of 统计公报, 计划执行情况, 推进情况/落实情况/督查/通报, 政府工作报告"


def document_year(kind: str, title: str) -> int | None:
    if kind in ("work-report", PRESS):
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
    if not any(l.strip() for l in lines):
        raise OutcomeTextError(f"{path}:1: the file is empty (expected an outcome report's text)")
    page = web.read_page(lines)
    kind, line, title, reason = _find_title(path, lines, page, kind, title)
    if kind is None:
        skipped = f" ({len(page.skipped)} lines of page furniture skipped before it)" if page.skipped else ""
        raise OutcomeTextError(f"{path}:{line or _head(lines, page.skipped)[1][0]}: cannot tell what kind of "
                               f"report '{title[:40]}' is{skipped}: "
                               f"{reason}; give --kind ({', '.join(KINDS)})")
    doc = Document(path, text, kind, reason, title, document_year(kind, title), lines, title_line=line,
                   skipped=dict(page.skipped), published=page.published)
    if page.published:
        doc.published_basis = f"{page.published_label or 'the date'} on line {page.published_line}"
    else:
        _delivered(doc)
    bare = _bare(title)
    for n in _head(lines, page.skipped)[0]:
        written = _bare(lines[n - 1])
        if n != line and written and (written in bare or bare in written) and len(written) <= len(bare) + 10:
            doc.skipped[n] = "title"  # the page's title, then the document's own
    top = current = None
    offset = 0
    for no, line in enumerate(lines, start=1):
        doc.offsets.append(offset)
        offset += len(line) + 1
        if HEADING.match(line) and no not in doc.skipped:
            label = heading_label(line)
            if TOP_HEADING.match(line):
                top = current = _heading(label, no, None)
            else:
                current = _heading(label, no, top)
        doc.headings.append(current)
    return doc
