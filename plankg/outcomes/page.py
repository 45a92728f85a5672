"""A report as found on the web → which of its lines are the site's and which the document's.

A page saved as text begins with the site's navigation (导航菜单, 首页 > 政务公开 > …) and the
page's metadata (发布时间：2024-01-15 来源：区发改委 字号：大 中 小, 分享到, 打印本页), and ends with
its footer (版权所有, ICP备, 联系我们, 网站地图, 主办单位). Such lines are furniture: skipped, and
listed as skipped by number, never read for figures. Which lines they are is told by the words of
data/outcome-words.toml [page], by shape (a breadcrumb's >, a menu of short words), and never
for a line that holds a sentence of text. The published date is read from the metadata.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from .words import longest_first, words

NAVIGATION, METADATA, FOOTER = "navigation", "metadata", "footer"
_BREADCRUMB = re.compile(r"\s*(?:>>|>|＞|»|›|→|->)\s*")
_MENU_SPLIT = re.compile(r"[\s|｜丨/·•]+")
_SEPARATORS = re.compile(r"[\s【】\[\]（）()|｜丨/:：·•,，、\-—>＞»›]+")
HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)])")  # 一、 or （一）
_DATE = re.compile(r"((?:19|20)\d\d)\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")
_CAPTION = re.compile(r"(?:记者|摄影|通讯员)\s*[\u4e00-\u9fff ]{1,12}\s*摄\s*$")
_VALUE_ONLY = re.compile(r"^[\d\s:：.\-/次人]+$")
_ISO_DATE_LINE = re.compile(r"^\s*(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d\d(?::\d\d)?)?\s*$")


@dataclass
class Page:
    """Which lines (1-based) are furniture, and why; the published date if the page states one."""
    skipped: dict[int, str] = field(default_factory=dict)  # line → navigation, metadata or footer
    published: date | None = None
    published_line: int = 0
    published_label: str = ""
    source: tuple[int, str] | None = None  # (line, value) of the page's 来源：


@cache
def _labels() -> re.Pattern:
    names = "|".join(re.escape(w) for w in longest_first(words()["page"]["labels"]))
    # 发布时间：2024-01-15 anywhere; a metadata table's 发布日期 2024-02-22 (no colon) opening the line
    return re.compile(rf"(?:^|(?<=[\s【\[|｜丨(（]))({names})\s*[：:]|^\s*({names})(?:\s|$)")


@cache
def _row_labels() -> re.Pattern:
    """A metadata table's labels within a row, before their values: 成文日期 2024-02-09 发布日期 2024-02-22."""
    names = "|".join(re.escape(w) for w in longest_first(words()["page"]["published"]))
    return re.compile(rf"(?<=\s)()({names})\s+(?=\d)")


def is_prose(line: str) -> bool:
    return "。" in line and len(line.strip()) > words()["page"]["prose"]


def _only_words(line: str) -> bool:
    """Whether the line holds nothing but furniture words (分享到, 【打印本页】【关闭】, 大 中 小)."""
    rest = line
    for w in longest_first(words()["page"]["words"]):
        rest = rest.replace(w, " ")
    return not _SEPARATORS.sub("", rest)


def _breadcrumb(line: str) -> bool:
    """首页 > 政务公开 > 计划总结 > 关于…的报告: short steps, the last may be the page's title."""
    parts = [p for p in _BREADCRUMB.split(line.strip()) if p]
    if len(parts) < 2 or not _BREADCRUMB.search(line):
        return False
    first = re.sub(r"^.*?(?:位置|位置是)\s*[：:]?\s*", "", parts[0])
    return (any(w in parts[0] for w in ("首页", "位置", "主页", "网站")) or
            all(len(p) <= 12 for p in (first, *parts[1:-1])))


def _menu(line: str) -> bool:
    """首页 政务公开 网上办事 互动交流 (or 首 页 政 务 公 开): three or more short words and no figure."""
    tokens = [t for t in _MENU_SPLIT.split(line.strip()) if t]
    return (len(tokens) >= 3 and all(len(t) <= 6 for t in tokens) and not re.search(r"\d|[，。；、,;]", line)
            and not HEADING.match(line))


def furniture(line: str) -> str | None:
    """navigation, metadata or footer when the line is the site's, else None."""
    text = line.strip()
    if not text or is_prose(text):
        return None
    p = words()["page"]
    if _breadcrumb(text):
        return NAVIGATION
    label = _labels().search(text)
    if label:
        return FOOTER if (label[1] or label[2]) in p["footer_labels"] else METADATA
    if any(w in text for w in p["footer"]):
        return FOOTER
    if _CAPTION.search(text) and len(text) <= 40:
        return METADATA  # a photo's credit: 蓬勃发展的渝中 记者 吴某 摄
    if _ISO_DATE_LINE.match(text):
        return METADATA  # 2024-01-15 10:30, the page's date on a line of its own
    if _menu(text) or _only_words(text):
        return NAVIGATION
    return None


_MENU_ITEM = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,6}$")
MENU_RUN = 3  # menu items one to a line: this many short lines in a row, outside the text


def _menu_columns(lines: list[str], page: Page) -> None:
    """A menu saved one item to a line (首页 / 政务公开 / 新闻中心 …), before the document's first
    sentence of text or after its last: runs of ``MENU_RUN`` or more short lines of words only."""
    prose = [n for n, l in enumerate(lines, start=1) if is_prose(l)]
    first, last = (prose[0], prose[-1]) if prose else (len(lines) + 1, len(lines) + 1)
    run: list[int] = []  # short lines in a row, those already furniture (首页) among them
    for no, line in enumerate([*lines, "。"], start=1):
        text = line.strip()
        if not text:
            continue
        if _MENU_ITEM.match(text) and (no < first or no > last):
            run.append(no)
            continue
        if len(run) >= MENU_RUN:
            page.skipped.update((n, NAVIGATION) for n in run if n not in page.skipped)
        run = []


def _date(text: str) -> date | None:
    m = _DATE.search(text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def read_page(lines: list[str]) -> Page:
    """The furniture of a page's lines and the date it was published (see the module's docstring)."""
    p = words()["page"]
    page, in_list, seen_text, previous = Page(), False, False, 0
    site = re.compile(p["site_name"])
    for no, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        why = furniture(text)
        if why is None and in_list and len(text) <= 40 and "。" not in text:
            why = NAVIGATION  # a title in a list of other pages (相关阅读)
        if why is None and not seen_text and site.match(text):
            why = NAVIGATION  # the site's name above the page
        if (why is None and _VALUE_ONLY.match(text) and page.skipped.get(previous)
                and lines[previous - 1].rstrip().endswith(("：", ":"))):
            why = page.skipped[previous]  # 浏览次数： / 3821, a label's value on a line of its own
        previous = no
        if why is None:
            in_list, seen_text = False, True
            continue
        page.skipped[no] = why
        in_list = in_list or any(text.strip("【】[]：: ").startswith(w) for w in p["lists"])
    _menu_columns(lines, page)
    _published(lines, page)
    return page


def _published(lines: list[str], page: Page) -> None:
    """The published date: the best label of data/outcome-words.toml [page] published, else the
    first date written on a metadata line."""
    order = words()["page"]["published"]
    found = []  # (preference, line, label, date)
    for no, why in page.skipped.items():
        if why != METADATA:
            continue
        text = lines[no - 1]
        for m in [*_labels().finditer(text), *_row_labels().finditer(text)]:
            label, value = m[1] or m[2], text[m.end():]
            if label.endswith("来源") and page.source is None:  # 来源, 信息来源, 文章来源
                page.source = (no, re.split(r"\s{2,}|\s+(?=\S+\s*[：:])", value.strip())[0])
            if label in order and (d := _date(value[:30])):
                found.append((order.index(label), no, label, d))
        if (d := _date(text)) is not None:
            found.append((len(order), no, "", d))
    if found:
        _, page.published_line, page.published_label, page.published = min(found, key=lambda f: (f[0], f[1]))


def ranges(numbers, blank=frozenset()) -> str:
    """1, 2, 3, 5, 9, 10 → 1-3, 5, 9-10; a run goes on over ``blank`` lines (1, 2, blank 3, 4 → 1-4)."""
    out, run = [], []
    for n in sorted(numbers):
        if run and all(k in blank for k in range(run[-1] + 1, n)):
            run.append(n)
            continue
        if run:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [n]
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(out)
