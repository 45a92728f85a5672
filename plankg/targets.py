"""Task text → quantitative targets, and an account of every other number in it.

plankg/numbers.py finds the numbers; here each becomes part of a target, a named non-target
(ntc: in ontology/targets.ttl) or, failing both, unexplained. Reading rules:
  * A target is a number with a unit written right after it (%, 元, 公里, a measure word); a
    万/亿 belongs to the number (1380亿 + 元). Its indicator is the phrase before it, back to the
    clause start (社会消费品零售总额达1380亿元); when a noun follows a counted or measured quantity
    it is that noun instead (173个续建项目). Lead-in verbs are cut (cue:lead-in); in X等Y the
    indicator is Y (cue:examples).
  * 均/分别 after a list (A、B均增长10%) gives each indicator its own target. Without them a list
    stays one indicator as written (公路、水路运输周转量).
  * A figure with no indicator of its own (资产总额突破550亿元、增长10%) takes the one before it
    in the same sentence.
  * A comparator word after the figure (左右, 以上) belongs to that figure only and wins over a
    word before it (达, 不低于): 达305天左右 is about; in 首店品牌30个和连锁品牌30家以上 only the
    last figure is at least.
  * A range (5%—6%, 5-6%) gives two targets: at least the low figure, at most the high one.
  * A target of zero is written in words (零新增, 动态清零) and counted in qudt unit:NUM.
  * Comparators (cmp: in ontology/targets.ttl): 完成/完工/建成 before the figure or opening its
    clause state a level to reach (完成110栋…); 保持/稳定保持/巩固在 keep a level (maintain).
  * A figure governed by a verb of work in hand or existing stock (推进173个续建项目, 引导17家商场,
    cue:context) and with no comparator word is a context figure, not a target; so are the
    figures listed after it (141个开工项目、126个前期项目).
  * An indicator is one measure. ``measure`` lists the names its node is looked up by: the verb or
    新增 that governs a list goes before each name (归集载体 and 去化载体 are two measures; 新增…、
    科技型企业 → 新增科技型企业); a figure taking the previous indicator but measuring another
    quantity is named with that quantity (征收项目20个、25万平方米 → 征收项目面积).
  * Where the text narrows a figure to a place or sector, ``scope`` says so (plankg/scopes.py).
"""
from __future__ import annotations

import re
from typing import NamedTuple

from rdflib import URIRef

from .numbers import CMP, CUE, NTC, Number, covering, find_numbers, match_at, match_before
from .numbers import quantity_kind, unit_key, vocabulary, words, written_units
from .scopes import sentence_scope, split_place, title_scope
from .target_records import Coverage, Extraction, NonTarget, Target  # noqa: F401 (callers: targets.Target …)
from .vocab import PLAN, QK, UNIT

BOUNDARY = ",，。;；:：!！?？\n"
CONNECTORS = "、和及与"
_RANGE = re.compile(r"\s*[-—–~～至到]\s*")
_CJK = re.compile(r"[\u4e00-\u9fff“]")
_QUOTE = re.compile(r"“[^“”]{1,20}”|「[^「」]{1,20}」")
_NUMERAL = "一二两三四五六七八九十百千"
_SET_PHRASE = re.compile(f"(?=([多{_NUMERAL}][\u4e00-\u9fff]{{1,2}}?[{_NUMERAL}]))")
NEW = "新增"  # "newly added": part of what is measured (新增市场主体), and of each item of a list it opens
_CODE = re.compile(r"[A-Za-z][0-9]|[0-9][A-Za-z]|[0-9A-Za-z]\+[0-9A-Za-z]")


def extract(text: str, year: int | None = None) -> Extraction:
    """The targets, non-targets and unexplained numbers of one task text (or any text)."""
    numbers = find_numbers(text)
    quotes = [m.span() for m in _QUOTE.finditer(text)]
    non_targets, candidates = [], []
    for n in numbers:
        quoted = any(a < n.start and n.end < b for a, b in quotes)
        category = _category(text, n, quoted)
        if category:
            non_targets.append(NonTarget(n.text, n.start, n.end, category))
        else:
            candidates.append(n)
    years = [t for t in non_targets if t.category == "year"]
    reader = _Reader(text, years, year)
    targets, unexplained = reader.read(candidates)
    return Extraction(tuple(targets), tuple(non_targets), tuple(unexplained), tuple(numbers),
                      tuple(reader.context), tuple(reader.context_numbers))


def _category(text: str, n: Number, quoted: bool) -> str | None:
    """The ntc: category slug of a number that is not a target, or None."""
    def before(c): return match_before(text, n.start, words(NTC[c], PLAN.cueBefore))
    def after(c): return match_at(text, n.end, words(NTC[c], PLAN.cueAfter))
    def inside(c): return covering(text, n.start, n.end, words(NTC[c]))
    around = text[max(n.start - 2, 0):n.end + 2]
    if n.script == "roman":
        return "grade"
    if n.script == "arabic" and re.fullmatch(r"(19|20)\d\d", n.text) and after("year"):
        return "year"
    if n.script == "arabic" and (_CODE.search(around) or after("name")):
        return "name"
    if before("ordinal") or after("ordinal"):
        return "ordinal"
    if after("age-bound"):
        return "age-bound"
    if before("indicator-part"):
        return "indicator-part"
    if after("title-duration") or (quoted and text.startswith("年", n.end)):
        return "title-duration"
    if set(n.text) <= set("十百千万亿") and (after("magnitude-class") or text.startswith("元", n.end)):
        return "magnitude-class"
    if _within_means(text, n):
        return "means"
    if inside("name"):
        return "name"
    if inside("abbreviation") or ((w := after("abbreviation")) and _CJK.match(text, n.end + len(w))):
        return "abbreviation"
    if inside("set-phrase") or any(m.start() <= n.start < m.start() + len(m.group(1))
                                   for m in _SET_PHRASE.finditer(text, max(n.start - 3, 0), n.end + 3)):
        return "set-phrase"
    return "abbreviation" if quoted else None


def _within_means(text: str, n: Number) -> bool:
    """Whether ``n`` sits in a 通过……措施 clause of its sentence."""
    lo, hi = text.rfind("。", 0, n.start) + 1, text.find("。", n.end)
    hi = len(text) if hi < 0 else hi
    return any(text.rfind(b, lo, n.start) >= 0 for b in words(NTC.means, PLAN.cueBefore)) and any(
        text.find(a, n.end, hi) >= 0 for a in words(NTC.means, PLAN.cueAfter))


def _comparator_words(prop) -> dict[str, str]:
    pairs = [(w, c) for c in ("about", "at-least", "at-most", "reach", "maintain") for w in words(CMP[c], prop)]
    return dict(sorted(pairs, key=lambda p: -len(p[0])))


def _measure_name(unit: URIRef) -> str:
    """面积 for an area unit …: the word that names what a unit measures (ontology/targets.ttl)."""
    return str(vocabulary().value(quantity_kind(unit), PLAN.measureName) or "")


class _Figure(NamedTuple):
    """A number (two for a range) with its unit and any comparator word after it."""

    numbers: list[Number]
    unit_written: str
    unit: URIRef
    end: int  # after the unit and the comparator word
    comparator: str | None
    lead: int  # where the figure's words begin: the number, or a zero word such as 零新增


class _Reader:
    """Reads the candidate numbers of one text left to right into targets."""

    def __init__(self, text: str, years: list[NonTarget], year: int | None):
        self.text, self.years, self.year = text, years, year
        self.after, self.before = _comparator_words(PLAN.cueAfter), _comparator_words(PLAN.cueBefore)
        self.lead_in = _comparator_words(PLAN.cueLeadIn)
        self.last_end, self.last_indicator, self.last_sentence = 0, None, -1
        self.last_qualifier, self.last_unit, self.last_context = "", None, False
        self.title_scope = title_scope(text)
        self.context: list[Target] = []
        self.context_numbers: list[Number] = []

    def read(self, candidates: list[Number]) -> tuple[list[Target], list[Number]]:
        targets, unexplained, i = [], [], 0
        while i < len(candidates):
            figure = self._figure(candidates[i], candidates[i + 1] if i + 1 < len(candidates) else None)
            numbers = figure.numbers if figure else [candidates[i]]
            made, context = self._targets(figure) if figure else ([], False)
            if context:
                self.context += made
                self.context_numbers += numbers
            else:
                targets += made
                unexplained += [] if made else numbers
            i += len(numbers)
        return targets, unexplained

    def _figure(self, n: Number, nxt: Number | None) -> _Figure | None:
        """The figure that starts at ``n``, or None if no unit or zero word follows it."""
        t, units = self.text, written_units()
        unit = match_at(t, n.end, units)
        numbers, end = [n], n.end + len(unit or "")
        gap = _RANGE.match(t, end)
        if gap and nxt and nxt.start == gap.end():
            unit2 = match_at(t, nxt.end, units)
            if unit2 and unit in (None, unit2):
                numbers, unit, end = [n, nxt], unit2, nxt.end + len(unit2)
        if unit is None:
            zero = n.value == 0 and covering(t, n.start, n.end, words(CUE.zero))
            return _Figure(numbers, "", UNIT.NUM, zero[1], None, zero[0]) if zero else None
        word = match_at(t, end, self.after)
        return _Figure(numbers, unit, units[unit], end + len(word or ""), self.after.get(word), n.start)

    def _targets(self, figure: _Figure) -> tuple[list[Target], bool]:
        """The targets a figure sets: one per indicator (均), two for a range; [] if no indicator.
        True with them when they are context figures instead."""
        t, (numbers, unit_written, unit, end, comparator, lead) = self.text, figure
        sentence = t.rfind("。", 0, lead)
        clause = max(t.rfind(c, 0, lead) for c in BOUNDARY) + 1
        listed = False  # the figure continues a list begun by the previous one (、和及与 or nothing between)
        if sentence == self.last_sentence and self.last_end <= lead:
            after_last = self.last_end + (t[self.last_end:self.last_end + 1] in CONNECTORS)
            listed = after_last >= clause
            clause = max(clause, after_last)
        clause = max([clause] + [y.end + 1 for y in self.years if clause <= y.start < lead])  # after 2025年
        cut, before, growth, sign, split = lead, None, False, 1, False
        while True:  # peel cue words off the end of the clause: 均增长, 稳定保持, 不低于 …
            if w := match_before(t, cut, self.before):
                before = before or self.before[w]
            elif w := match_before(t, cut, words(CUE.growth)):
                growth = True
            elif w := match_before(t, cut, words(CUE.decline)):
                growth, sign = True, -1
            elif w := match_before(t, cut, words(CUE.distributive)):
                split = True
            else:
                break
            cut -= len(w)
        kind_of = quantity_kind(unit)
        following = (_CJK.match(t, end) and t[end] not in CONNECTORS and not comparator and unit != UNIT.NUM
                     and kind_of not in (QK.DimensionlessRatio, QK.Currency, QK.Time))
        verb = _first(t[clause:lead], words(CUE["lead-in"]))  # 打造, 完成 …, with any peeled off above
        inherited = False
        if following:  # 173个续建项目: the indicator is the noun after the quantity
            stop = min([i for c in BOUNDARY + "、" if (i := t.find(c, end)) >= 0] + [len(t)])
            stop = min([i for w in words(CUE["noun-end"]) if (i := t.find(w, end + 1, stop)) >= 0] + [stop])
            parts, start, end = [(t[end:stop], end)], cut, stop
        else:
            found = _indicator(t[clause:cut], clause)
            if found is None and self.last_sentence == sentence and self.last_indicator:
                found, inherited = (self.last_indicator, clause), True
            if found is None:
                return [], False
            parts = _split(*found) if split else [found]
            start = parts[0][1]
        qualifier = verb or (covering(t, lead, lead + 1, words(CUE.zero)) and _zero_qualifier(t, lead))
        if not qualifier and listed:
            qualifier = self.last_qualifier
        if not qualifier and (parts[0][0].startswith(NEW) or t[clause:cut].lstrip().startswith(NEW)):
            qualifier = NEW
        context = not (comparator or before) and (
            (listed and self.last_context) or _first(t[clause:cut], words(CUE.context)) is not None)
        if verb and t[clause:lead].lstrip().startswith(verb):  # 完成……项目18个: a level to reach
            before = before or self.lead_in.get(verb)
        # 征收项目20个、25万平方米: the area takes the indicator of the count, but is another measure
        # (a growth rate in % stays a figure of the same indicator: 资产总额突破550亿元、增长10%)
        other_measure = (inherited and self.last_unit is not None and UNIT.PERCENT not in (unit, self.last_unit)
                         and quantity_kind(unit) != quantity_kind(self.last_unit))
        suffix = _measure_name(unit) if other_measure else ""
        self.last_end, self.last_indicator, self.last_sentence = end, parts[-1][0], sentence
        self.last_qualifier, self.last_unit, self.last_context = qualifier or "", unit, context
        period = next((int(y.text) for y in reversed(self.years)
                       if t.rfind("。", 0, y.start) == sentence and y.start < lead), self.year)
        made = []
        for indicator, at in parts:
            kind = _kind(kind_of, growth, indicator)
            p0 = start if following else at
            scope, name = None, indicator
            if placed := split_place(indicator):
                scope, name = placed
            scope = scope or sentence_scope(t, name, p0) or self.title_scope
            measure = tuple(dict.fromkeys(
                q + name + suffix for q in ((qualifier, "") if qualifier and not name.startswith(qualifier) else ("",))))
            for k, n in enumerate(numbers):
                comp = ("at-least", "at-most")[k] if len(numbers) == 2 else comparator or before or "exactly"
                made.append(Target(indicator, kind, n.value * (sign if kind == "growth-rate" else 1),
                                   unit_key(unit), n.text, unit_written, comp, period, t[p0:end], p0, end,
                                   measure if measure != (indicator,) else (), scope))
        return made, context


def _first(ctx: str, candidates: tuple[str, ...]) -> str | None:
    """The candidate word that occurs first in ``ctx`` (the longest where two start together)."""
    hits = [(ctx.find(w), -len(w), w) for w in candidates if w in ctx]
    return min(hits)[2] if hits else None


def _zero_qualifier(text: str, lead: int) -> str:
    """零新增 → 新增: what a zero word says is zero, which belongs to the measure."""
    word = match_at(text, lead, words(CUE.zero)) or ""
    return word[1:] if word.startswith("零") else ""


def _kind(kind_of, growth: bool, indicator: str) -> str:
    if kind_of == QK.DimensionlessRatio:
        return "growth-rate" if growth else "share"
    if kind_of == QK.Time:
        return "duration"
    if kind_of == QK.Count:
        return "share" if indicator.startswith("每") else "count"
    return "level"


def _indicator(ctx: str, offset: int) -> tuple[str, int] | None:
    """The indicator in the clause text before a figure, with its offset; None if there is none."""
    lead_ins, at = words(CUE["lead-in"]), 0
    if leads := [(ctx.find(w), -len(w)) for w in lead_ins if w in ctx]:
        i, minus = min(leads)  # the first lead-in word: 打造, 引进 …
        at = i - minus
        if not ctx[at:].strip():  # or a verb at the end: 固定资产投资完成
            ctx, at = ctx[:i], 0
    if hits := [(ctx.rfind(w), len(w)) for w in words(CUE.examples) if ctx.find(w, at) >= 0]:
        i, size = max(hits)
        if ctx[i + size:].strip():
            at = i + size  # X等Y: the indicator is Y
        else:
            ctx = ctx[:i]  # a list ending in 等: drop the 等
    while w := match_at(ctx, at, lead_ins):  # chained verbs: 孵化培育, 改造升级
        at += len(w)
    name = ctx[at:]
    at += len(name) - len(name.lstrip())
    return (name.strip(), offset + at) if name.strip() else None


def _split(name: str, at: int) -> list[tuple[str, int]]:
    """A 、-separated list of indicators, each with its offset."""
    parts, pos = [], at
    for part in name.split("、"):
        parts.append((part, pos))
        pos += len(part) + 1
    return parts
