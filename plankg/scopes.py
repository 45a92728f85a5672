"""Task text → the place or sector a figure is narrowed to (its scope), or None for the whole division.

A figure covers the plan's whole division unless its text says otherwise. Three readings, with the
words they use in ontology/targets.ttl (the scope: scheme and cue:needs-subject):
  * an indicator written with a named place before it (解放碑商圈社会消费品零售总额) is that place's;
  * a sentence opening 瞄准X主攻方向 narrows its figures to sector X (task 33), and an indicator that
    does not say whose it is (营业收入, 资产总额) measures the sector or firms named before it in the
    same sentence (培育循环经济、生态产业和节能环保产业,营业收入达280亿元; 促进国企……资产总额);
  * a task whose first sentence is only a place name (大坪商圈。…) is about that place: its figures
    are that place's (task 51's 社会消费品零售总额超过200亿元 is Daping's, not the district's).
The first reading that applies wins, in that order.
"""
from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from rdflib import Namespace

from .numbers import CUE, match_at, vocabulary, words
from .vocab import PLAN

SCOPE = Namespace("https://w3id.org/plankg/def/scope/")
PLACES = ("business-district", "park", "area", "sub-district")
_CLAUSE_END = ",，;；:：!！?？"


class Scope(NamedTuple):
    written: str
    type: str  # a slug of the scope: scheme


@cache
def _suffixes(types: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(word a scope of that type ends with, type slug), longest word first."""
    pairs = [(str(w), t) for t in types for w in vocabulary().objects(SCOPE[t], PLAN.cueWord)]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def _place(name: str) -> Scope | None:
    """The scope a whole name is, if it ends with a place word after a proper name of 2+ characters."""
    for word, kind in _suffixes(PLACES):
        if name.endswith(word) and len(name) - len(word) >= 2 and not name.startswith("各"):
            return Scope(name, kind)
    return None


def split_place(indicator: str) -> tuple[Scope, str] | None:
    """解放碑商圈社会消费品零售总额 → (Scope(解放碑商圈), 社会消费品零售总额); None if no place leads it."""
    best = None
    for word, _ in _suffixes(PLACES):
        for m in re.finditer(re.escape(word), indicator):
            rest = indicator[m.end():]
            scope = _place(indicator[:m.end()])
            if scope and len(rest) >= 2 and (best is None or m.end() > len(best[0].written)):
                best = (scope, rest)
    return best


def title_scope(text: str) -> Scope | None:
    """The place a task is about when its first sentence is only that place's name (大坪商圈。)."""
    head, dot, _ = text.partition("。")
    if not dot or len(head) > 20 or any(c in head for c in _CLAUSE_END + "、"):
        return None
    return _place(head)


def sentence_scope(text: str, indicator: str, at: int) -> Scope | None:
    """The sector the sentence narrows the indicator at ``at`` to, if any."""
    start = text.rfind("。", 0, at) + 1
    before = text[start:at]
    sector = _suffixes(("sector",))
    opens = words(SCOPE.sector, PLAN.cueBefore)
    closes = words(SCOPE.sector, PLAN.cueAfter)
    for o in opens:
        for c in closes:
            if m := re.search(re.escape(o) + "(.+?)" + re.escape(c), before):
                return Scope(m.group(1), "sector")
    if indicator not in words(CUE["needs-subject"]):
        return None
    for clause in reversed(re.split(f"[{_CLAUSE_END}]", before)):
        ends = [(clause.rfind(w), w) for w, _ in sector if w in clause]
        if not ends:
            continue
        i, w = max(ends)
        while lead := match_at(clause, 0, words(CUE["lead-in"])):
            clause = clause[len(lead):]
        return Scope(clause if clause.endswith(w) else w, "sector")
    return None

