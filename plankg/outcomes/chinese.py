"""Amounts reports write in Chinese numerals → the same amounts in digits, so the target reader
(plankg.targets.extract, which reads digits only as figures) reads them as figures.

Only amounts are rewritten, never a numeral inside a word (前三季度, 一年来, 第十九届):
  * a numeral with 万/亿 (突破千亿, 两千万人次): 千亿 → 1000亿; where no unit follows and the
    name before it is a sum of money (data/outcome-words.toml [chinese] money), 元 is implied;
  * tenths after a verb of change or share (增长两成 → 增长20%);
  * 一半 after 超过/近/占/达 (占一半 → 占50%).
The rewritten text keeps a map back to the written one, so every figure is still located and
printed as written; each figure carries a note saying how its number was read.
"""
from __future__ import annotations

import re

from ..numbers import chinese_value
from .words import words

_DIGITS = "一二两三四五六七八九十百千"
_AMOUNT = re.compile(f"(?<![第{_DIGITS}])([{_DIGITS}]+)(万亿|亿|万)(?!级|众|一)")
_TENTHS = re.compile(f"(?<=[长高降超近约达占逾过])([一二两三四五六七八九])成(?![为了功本果立员交绩效])")
_HALF = re.compile(r"(?<=[过近占达逾])一半")
_UNIT_AFTER = re.compile(r"\s*(?:元|美元|人|户|家|个|平方|亩|吨|千瓦|辆|套|件|项|次|台|间|栋|公里|米)")


def _value(numeral: str) -> str | None:
    value = chinese_value(numeral)
    return None if value is None else format(value.normalize(), "f")


def arabic(sentence: str) -> tuple[str, list[tuple[int, int]], list[tuple[int, int, str]]]:
    """(the sentence with its Chinese amounts in digits, for each character of it the span of the
    characters written for it, notes as (start, end, how read) in the rewritten text)."""
    money = words()["chinese"]["money"]
    edits = []  # (start, end, replacement, note), in the written sentence
    for m in _AMOUNT.finditer(sentence):
        digits = _value(m[1])
        if digits is None:
            continue
        unit = ""
        if not _UNIT_AFTER.match(sentence, m.end()) and any(w in sentence[max(0, m.start() - 15):m.start()]
                                                             for w in money):
            unit = "元"
        edits.append((m.start(), m.end(), digits + m[2] + unit,
                      f"{m.group()} read as {digits}{m[2]}{unit}" + (" (元 implied: a sum of money)" if unit else "")))
    for m in _TENTHS.finditer(sentence):
        digits = _value(m[1])
        if digits:
            edits.append((m.start(), m.end(), digits + "0%", f"{m.group()} read as {digits}0%"))
    for m in _HALF.finditer(sentence):
        edits.append((m.start(), m.end(), "50%", "一半 read as 50%"))
    out, back, notes, at = [], [], [], 0
    for start, end, new, note in sorted(edits):
        if start < at:
            continue  # overlapping matches: the first wins
        out.append(sentence[at:start])
        back.extend((i, i + 1) for i in range(at, start))
        here = sum(len(p) for p in out)
        out.append(new)
        back.extend([(start, end)] * len(new))
        notes.append((here, here + len(new), note))
        at = end
    out.append(sentence[at:])
    back.extend((i, i + 1) for i in range(at, len(sentence)))
    back.append((len(sentence), len(sentence)))
    return "".join(out), back, notes


def note_for(notes: list[tuple[int, int, str]], start: int, end: int) -> str:
    """How the number of the figure at start:end (rewritten text) was read, if rewritten."""
    return "; ".join(n for a, b, n in notes if a < end and b > start)


_RESPECTIVELY = re.compile(r"(?P<names>[^，,；;。：:（(]+?)分别(?P<verb>[\u4e00-\u9fff]{0,3}?)"
                           r"(?P<figures>[0-9.]+[^、，,；;。0-9]{0,4}(?:[、和][0-9.]+[^、，,；;。0-9]{0,4})+)")


def pair_respectively(sentence: str, known) -> tuple[str, list[tuple[int, int]], list[tuple[int, int, str]]]:
    """A、B分别增长x、y → A增长x、B增长y, when the names and figures are as many and every name,
    ``known(name)`` says, is an indicator's own (城镇、农村常住居民…分别 is not: 城镇 is half a name,
    and such a sentence stays as written, for the reader to list as not read)."""
    out, back, notes, at = [], [], [], 0
    for m in _RESPECTIVELY.finditer(sentence):
        names = [(n.start() + m.start("names"), n.end() + m.start("names"))
                 for n in re.finditer(r"[^、和及与]+", m["names"])]
        figures = [(f.start() + m.start("figures"), f.end() + m.start("figures"))
                   for f in re.finditer(r"[^、和]+", m["figures"])]
        if len(names) != len(figures) or not all(known(sentence[a:b]) for a, b in names):
            continue
        out.append(sentence[at:m.start()])
        back.extend((i, i + 1) for i in range(at, m.start()))
        begin = sum(len(p) for p in out)
        for k, ((na, nb), (fa, fb)) in enumerate(zip(names, figures)):
            for a, b in ((na, nb), m.span("verb"), (fa, fb)):
                out.append(sentence[a:b])
                back.extend((i, i + 1) for i in range(a, b))
            if k < len(names) - 1:
                out.append("，")
                back.append((fb, fb))
        notes.append((begin, sum(len(p) for p in out), "分别: each name paired with the figure in its place"))
        at = m.end()
    out.append(sentence[at:])
    back.extend((i, i + 1) for i in range(at, len(sentence)))
    back.append((len(sentence), len(sentence)))
    return "".join(out), back, notes


def compose(first: list[tuple[int, int]], then: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The map back to the written text of a rewrite (``then``) of a rewrite (``first``)."""
    return [(first[a][0], first[b - 1][1] if b > a else first[a][0]) for a, b in then]
