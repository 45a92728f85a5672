"""A document's sentences → the figures they state, each with what it needs to be judged.

The figures are read by the same reader as the plans' targets (plankg.targets.extract), on each
sentence with what would mislead it masked out (same length, so offsets hold): the base of a
comparison (比上年, 同比), dates (2024年1月9日), spans of months (1—9月). What reports add is
read here, with the words of data/outcome-words.toml:
  * the qualifier as written (预计, 突破, 超, 逾, 左右, 完成 …);
  * the period: a year written in the sentence before the figure, else 今年/去年 counted from
    the published date, else the heading's year, else the document's; else none;
  * what makes a figure no year's figure: a five-year review (heading or sentence), a
    cumulative or stock figure (累计, 总量, 年末 in its clause), part of a year (1—9月, 上半年);
  * the indicator name without the report's filler (全年实现地区生产总值 → 地区生产总值) and
    with the report's names replaced by the plan's (经营主体 → 市场主体).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from ..scopes import Scope
from ..target_graph import registered
from ..targets import extract
from .chinese import arabic, compose, note_for, pair_respectively
from .reading import PRESS, Document
from .words import longest_first, words

ESTIMATE = "预计"
RESPECTIVELY = "分别"
SENTENCE_END = "。;；!！?？"
CLAUSE_END = SENTENCE_END + ",，、:："
_MASKS = (  # in this order: a span of months before a single date
    re.compile(r"\d{1,2}\s*[—\-～~至到]\s*\d{1,2}\s*月(?:份)?"),                 # 1—9月
    re.compile(r"同比|(?:比|较)(?:上年|去年|年初|(?:19|20)\d\d年)(?:同期|末|底)?"),  # the base of a comparison
    re.compile(r"(?:(?:19|20)\d\d年)?\d{1,2}月(?:\d{1,2}日|底|末|份)?"),    # dates
)


@dataclass(frozen=True)
class Figure:
    line: int
    start: int  # characters in the whole document
    end: int
    sentence: str
    phrase: str
    indicator_as_written: str
    name: str  # the indicator name after the report's words are read
    kind: str  # growth-rate, level, count, share, duration
    value: Decimal
    unit_key: str
    number_as_written: str
    unit_as_written: str
    qualifiers: tuple[str, ...]  # as written, in text order
    period: int | None
    period_basis: str  # how the period was found
    scope: Scope | None
    not_annual: str = ""  # why this is not a figure of one year, if it is not
    target_heading: str = ""  # the heading that says these are targets, if any
    carried: str = ""  # where its indicator came from, when written with none (上半年3.2%)
    rewritten: str = ""  # how its number was read, when not written in digits (千亿 → 1000亿元)


@dataclass(frozen=True)
class Unread:
    line: int
    text: str
    why: str


_LISTED_FIGURE = re.compile(r"-?[0-9.]+[^、和，,；;。0-9 ]{0,4}")  # one of x、y after 分别


def _clause_end(masked: str, at: int) -> int:
    return min((i for i in (masked.find(c, at) for c in CLAUSE_END.replace("、", "")) if i >= 0), default=len(masked))


_POINTS = re.compile(r"[0-9.]+\s*个百分点")  # a difference between two rates, not a rate


@cache
def _period_comma() -> re.Pattern:
    """上半年，增长6.2%: a period word and a comma before a verb, with no subject between them."""
    per = words()["period"]
    names = "|".join(re.escape(w) for w in longest_first((*per["part_of_year"], *per["whole_year"])))
    return re.compile(rf"(?:^|(?<=[。；;，,]))\s*(?:{names})\s*([，,])(?=\s*(?:预计)?\s*(?:增长|下降|增速|增幅|达到|达|完成))")


def _mask(sentence: str) -> str:
    out = sentence
    for m in _period_comma().finditer(sentence):  # 上半年，增长6.2%: the comma goes, the subject carries
        out = out[:m.start(1)] + " " + out[m.end(1):]
    for word in words()["period"]["five_year"]:  # 过去五年 is no figure of five years
        if any(c in word for c in "一二三四五六七八九十"):
            out = out.replace(word, " " * len(word))
    for regex in (*_MASKS, _POINTS):  # before the words below: 比上年 goes whole
        out = regex.sub(lambda m: " " * len(m.group()), out)
    for word in (*words()["period"]["relative_years"], *words()["masks"]["words"]):  # 过去一年 is no figure
        out = out.replace(word, " " * len(word))
    return out


_ABBREVIATION = re.compile(r"[（(][A-Za-z&\s]+[)）]")  # 地区生产总值（GDP）


def _strip(name: str) -> str:
    """The name without the report's filler words and abbreviations, before synonyms."""
    name = _ABBREVIATION.sub("", name)
    w, per = words()["filler"], words()["period"]
    periods = (*per["part_of_year"], *per["whole_year"])  # 社会消费品零售总额一季度 is 社会消费品零售总额
    before, after = longest_first((*w["before"], *periods)), longest_first((*w["after"], *periods))
    changed = True
    while changed:
        changed = False
        name = name.strip(" ，,、（）()")
        for f in before:
            if name.startswith(f) and len(name) > len(f):
                name, changed = name[len(f):], True
                break
        for f in after:
            if name.endswith(f) and len(name) > len(f):
                name, changed = name[:-len(f)], True
                break
    return name


def _clean_name(name: str) -> str:
    name = _strip(name)
    for written, plan_word in words()["synonyms"].items():
        name = name.replace(written, plan_word)
    return name


def _measure(names: tuple[str, ...]) -> str:
    """The name to find the indicator node by, chosen as the plan's targets choose it
    (plankg.target_graph.measure_name: the first registered name, else the last)."""
    cleaned = [_clean_name(n) for n in names]
    return next((n for n in cleaned if registered(n)), cleaned[-1])


def _qualifiers(text: str, estimate: bool = False) -> tuple[str, ...]:
    found, taken = ([(-1, ESTIMATE)] if estimate and ESTIMATE not in text else []), set()
    for w in longest_first(words()["qualifiers"]):
        for m in re.finditer(re.escape(w), text):
            span = set(range(*m.span()))
            if not span & taken:
                taken |= span
                found.append((m.start(), w))
    return tuple(w for _, w in sorted(found))


def _first_word(text: str, candidates) -> str | None:
    hits = [(text.find(w), w) for w in candidates if w in text]
    return min(hits)[1] if hits else None


def sentences(doc: Document):
    """(line, offset in document, sentence) for every sentence of every line but the title's and
    the page's furniture (Document.skipped).

    A line opening —— is read too: a work report's review paragraphs take that form
    (——经济实力稳步提升。地区生产总值…); its label sentence states no figure, and the subtitle
    (——2024年1月9日在…会议上) only a date, which the masks below take out."""
    for no, line in enumerate(doc.lines, start=1):
        if no == doc.title_line or no in doc.skipped:
            continue
        start = 0
        for i, ch in enumerate(line + "。"):
            if ch in SENTENCE_END:
                if line[start:i].strip():
                    yield no, doc.offsets[no - 1] + start, line[start:i + 1] if i < len(line) else line[start:]
                start = i + 1


def _relative(sentence: str) -> str:
    """The sentence with the bases of comparisons blanked: 比去年同期增长 says no 去年 of a figure."""
    return _MASKS[1].sub(lambda m: " " * len(m.group()), sentence)


def _stated_year(e, sentence: str, published: int | None) -> int | None:
    """The year a sentence states (2023年，…; 去年…, counted from the published date), if any: a
    press report's later sentences are about it until another is stated."""
    years = [int(n.text) for n in e.non_targets if n.category == "year"]
    if years:
        return years[-1]
    rel = words()["period"]["relative_years"]
    plain = _relative(sentence)
    hits = [(plain.rfind(w), w) for w in rel if w in plain]
    return published + rel[max(hits)[1]] if hits and published is not None else None


def _period(doc: Document, sentence: str, at: int, heading, year_in_sentence: int | None,
            published: int | None, stated: tuple[int, int] | None = None) -> tuple[int | None, str]:
    if year_in_sentence:
        return year_in_sentence, "the sentence names it"
    rel = words()["period"]["relative_years"]
    word = _first_word(_relative(sentence)[:at], rel)
    if word and published is not None:
        return published + rel[word], f"{word}, counted from the published date"
    if stated is not None:
        return stated[0], f"the year the story last stated (line {stated[1]})"
    if heading is not None and heading.year:
        return heading.year, f"the heading says so (line {heading.line})"
    if doc.year:
        return doc.year, f"the document's title says so ({doc.kind})"
    if word:
        return None, f"{word} with no published date (give --published)"
    return None, "no year is written in the sentence, its heading or the title"


def _part_of_year(sentence: str, at: int) -> str | None:
    """The span of the year a figure covers, when part of it: the last period word before the
    figure in its sentence (上半年3.2%、前三季度4.4%、预计全年5%: only the first two are part;
    1—11月，A增长x，B增长y: both are)."""
    per = words()["period"]
    hits = [(sentence.rfind(w, 0, at), w) for w in (*per["part_of_year"], *per["whole_year"]) if w in sentence[:at]]
    if not hits:
        return None
    at, word = max(hits, key=lambda h: (h[0] + len(h[1]), len(h[1])))  # 前三季度 over 三季度
    if word in per["whole_year"]:
        return None
    months = sentence.find("月", at, at + 6)  # 1— → 1—11月, as written
    return sentence[at:months + 1] if word[-1] in "—-～至" and months > 0 else word


_BRACKETS = re.compile(r"\s*[（(]([^）)]{1,12})[）)]")


def _part_in_brackets(sentence: str, end: int) -> str | None:
    """A part of the year written in brackets right after the figure (增长5.2%（1—11月））."""
    m = _BRACKETS.match(sentence, end)
    return _part_of_year(m[1], len(m[1])) if m else None


def _period_only(name: str) -> bool:
    """Whether a name is only period words and filler (上半年, 预计全年): no indicator of its own."""
    per = words()["period"]
    for w in longest_first((*per["part_of_year"], *per["whole_year"], *words()["filler"]["before"])):
        name = name.replace(w, "")
    return not name.strip(" ，,、：:（）()")


_SUBJECT = re.compile(r"^\s*(?P<name>[^，,、；;：:]+?)(?P<rate>增速|增幅|增长)")


def _from_figure(previous: "Figure", t, where: str) -> tuple[str, str, str]:
    # 迈上1600亿元台阶，预计增长5.6%: the name carries, the kind is the figure's
    kind = t.kind if t.kind == "growth-rate" or previous.unit_key != t.unit_key else previous.kind
    return previous.name, kind, previous.carried or f"{previous.name}, carried from {previous.phrase}{where}"


def _carried(masked: str, previous: "Figure | None", t, paragraph: "Figure | None") -> tuple[str, str, str] | None:
    """(name, kind, where from) for a figure written with no indicator of its own, taken from the
    figure before it in the sentence, else from the subject of a clause before it (GDP增速逐季攀升，上半年3.2%),
    else from the last figure of the paragraph's sentences before (固定资产投资一季度增长3%。上半年
    增长4.1%。预计全年增长6.3%。: the subject carries through the chain to its annual figure)."""
    if previous is not None:
        return _from_figure(previous, t, "")
    clauses = re.split(r"[，,；;：:]", masked[:t.start])  # 特别是…以来，GDP增速逐季攀升，上半年3.2%
    m = next((m for c in reversed(clauses) if (m := _SUBJECT.match(c)) and not _period_only(m["name"])), None)
    if m is not None and _clean_name(m["name"]):
        kind = "growth-rate" if t.unit_key == "PERCENT" else t.kind
        return _measure((m["name"],)), kind, f"from {m.group().strip()}"
    if paragraph is not None and (t.kind == "growth-rate" or paragraph.unit_key == t.unit_key):
        return _from_figure(paragraph, t, " (a sentence before)")  # not a bare 3.2% after 1600亿元
    return None


def read_figures(doc: Document, published: int | None) -> tuple[list[Figure], list[Unread]]:
    """Every figure of the document, and the numbers that could not be read as figures."""
    per = words()["period"]
    figures, unread = [], []
    paragraph, paragraph_line = None, 0  # the last figure of the line's sentences so far
    stated = None  # a press report's (year, line) as last stated (2023年，…; 去年…)
    for no, offset, written in sentences(doc):
        if no != paragraph_line:
            paragraph, paragraph_line = None, no
        heading = doc.headings[no - 1]
        paired, pairs_back, pair_notes = pair_respectively(written, lambda n: registered(_clean_name(n)))
        sentence, back, notes = arabic(paired)  # 千亿 → 1000亿元, 两成 → 20%: read as written in digits
        here = [a for a, _ in back]  # where each paired position went in the rewritten text
        notes += [(here.index(next(p for p in here if p >= a)), here.index(next(p for p in here if p >= b)), n)
                  for a, b, n in pair_notes]
        back = compose(pairs_back, back)
        masked = _mask(sentence)

        def orig(a: int, b: int) -> tuple[int, int]:  # a span of the rewritten sentence, as written
            return back[a][0], back[b - 1][1] if b > a else back[a][0]

        def text(a: int, b: int) -> str:
            return written.__getitem__(slice(*orig(a, b)))
        e = extract(masked)
        unread += [Unread(no, m.group(), "percentage points: a difference between two rates, not a figure to link")
                   for m in _POINTS.finditer(sentence)]
        for n in e.unexplained:
            if n.script != "arabic" or (n.start == 0 and sentence[n.end:n.end + 1] in ".．、"):
                continue  # a numeral inside a word (一年来, 前三季度), or a row's number (1.)
            unread.append(Unread(no, text(max(n.start - 8, 0), min(n.end + 4, len(sentence))),
                                 f"{n.text}: no unit or no indicator before it"))
        previous, respectively = None, set()
        for t in e.targets:
            clause = max(masked.rfind(c, 0, t.start) for c in CLAUSE_END) + 1
            before = sentence[clause:t.end]
            cumulative = _first_word(before, per["cumulative"])
            five = heading.five_year if heading else False
            five_word = _first_word(sentence, per["five_year"])
            part = _part_of_year(sentence, t.end) or _part_in_brackets(sentence, t.end)
            not_annual = ""
            listed = max(masked.rfind(c, 0, t.start) for c in CLAUSE_END.replace("、", "")) + 1
            if RESPECTIVELY in sentence[listed:t.end]:
                if listed not in respectively:  # once per figure written, not per name the reader tried
                    respectively.add(listed)
                    at = sentence.index(RESPECTIVELY, listed)
                    names = sentence[listed:at].strip()
                    for m in _LISTED_FIGURE.finditer(masked, at, _clause_end(masked, at)):
                        unread.append(Unread(no, f"{names}{RESPECTIVELY}…{text(*m.span())}",
                                             f"{RESPECTIVELY} pairs several names with several figures "
                                             "(A、B分别增长x、y), and not every name is an indicator's own "
                                             "(data/indicators.ttl): not read, to be read by hand"))
                continue
            if five or five_word:
                not_annual = f"a five-year review ({five_word or heading.text})"
            elif cumulative:
                not_annual = f"a cumulative or stock figure ({cumulative})"
            elif part:
                not_annual = f"a figure for part of the year ({part.strip()})"
            estimate = ESTIMATE in sentence[:t.end]  # 预计 governs every figure after it in its sentence
            period, basis = _period(doc, sentence, t.start, heading, t.period, published, stated)
            bare = _strip(t.indicator.split(t.scope.written, 1)[-1] if t.scope else t.indicator)
            at = sentence.find(bare, clause, t.end) if bare else -1
            phrase_start = at + len(bare) if at >= 0 else t.start  # the qualifiers sit between name and figure
            name, kind, carried = _measure(t.measure_names), t.kind, ""
            if _period_only(t.indicator) and (got := _carried(masked, previous, t, paragraph)):
                name, kind, carried = got
            start, end = orig(t.start, t.end)
            start += len(written[start:end]) - len(written[start:end].lstrip("（( "))  # （同比增长4.8%）
            figure = Figure(
                no, offset + start, offset + end, written.strip(),
                sentence[t.start:t.end] if paired != written else written[start:end],  # 分别: A增长x
                t.indicator, name, kind, t.value, t.unit_key, t.number_as_written, t.unit_as_written,
                _qualifiers(sentence[phrase_start:t.end], estimate), period, basis, t.scope, not_annual,
                heading.text if heading and heading.targets else "", carried,
                note_for(notes, t.start, t.end))
            figures.append(figure)
            previous = paragraph = figure
        if doc.kind == PRESS and (year := _stated_year(e, sentence, published)):
            stated = (year, no)
    return figures, unread
