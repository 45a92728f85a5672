"""Linked figures → a verdict per target: met, missed, not reported or unclear.

The figure a verdict rests on is the latest final one (by published date, then position); an
estimate (预计) counts only while no final figure exists, and the verdict then says it rests on
an estimate. A later final figure supersedes every earlier estimate for the same target.

A figure as written stands for a range of true values, from its qualifiers (data/outcome-words.toml):
突破/超/逾/以上 X is above X; X左右 is X less or more the tolerance; 近X is just under X;
anything else is X. The target's comparator says which true values meet it: at least, reach,
maintain and exactly (a plan's bare figure, 新增企业800家, is a level to reach) are met from the
target up; at most up to it; about from the target less the tolerance up (an expected growth of
about 5% is not missed by 5.2%). Met when the whole range meets it, missed when none of it does,
unclear otherwise (固定资产投资完成210亿元左右 against 210亿元以上). A target holding a figure
down — a decline (下降3%: -3) or zero (违法建筑保持零新增) — is a ceiling whatever its comparator.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .linking import PlanTarget
from .words import words

UP = ("at-least", "reach", "maintain", "exactly")


@dataclass(frozen=True)
class Evidence:
    """A linked figure with where it comes from: what a verdict is made from."""

    iri: str
    value: Decimal
    qualifiers: tuple[str, ...]
    published: str  # YYYY-MM-DD, "" when unknown
    order: int  # position among all figures, for ties


@dataclass(frozen=True)
class Verdict:
    target: PlanTarget
    verdict: str  # met, missed, not-reported, unclear
    rule: str
    evidence: Evidence | None
    estimate: bool
    superseded: tuple[str, ...]  # the estimates the evidence supersedes


def _tolerance(name: str) -> Decimal:
    return Decimal(str(words()["verdict-rules"][name]))


def meaning(qualifier: str) -> str:
    return words()["qualifiers"].get(qualifier, "")


def is_estimate(e: Evidence) -> bool:
    return any(meaning(q) == "estimate" for q in e.qualifiers)


def value_range(e: Evidence) -> tuple[Decimal, Decimal | None, str]:
    """(lowest, highest or None for no bound, how) the true value can be, from the qualifiers."""
    senses = {meaning(q) for q in e.qualifiers}
    v, tol = e.value, _tolerance("about_tolerance") * abs(e.value)
    if "more" in senses:
        return v, None, f"{v} or more"
    if "about" in senses:
        return v - tol, v + tol, f"about {v} (±{_tolerance('about_tolerance'):%})"
    if "nearly" in senses:
        return v - _tolerance("nearly_tolerance") * abs(v), v, f"nearly {v}"
    return v, v, f"{v}"


def _downward(target: PlanTarget) -> bool:
    """A target that holds a figure down: a decline (下降3%以上: -3, at least that fall) or zero
    (违法建筑保持零新增, 动态清零), where more is worse."""
    return target.value < 0 or (target.value == 0 and target.comparator != "at-least")


def judge(target: PlanTarget, e: Evidence) -> tuple[str, str]:
    """(verdict, the rule as applied) for one target and one figure."""
    low, high, how = value_range(e)
    t = target.value
    if target.comparator == "at-most" or _downward(target):
        if target.comparator == "about":
            t = t + _tolerance("about_tolerance") * abs(t)
        word = "at most" if target.comparator == "at-most" else f"{target.comparator} (a ceiling)"
        rule = f"{word} {t}: reported {how}"
        if high is not None and high <= t:
            return "met", rule
        return ("missed", rule) if low > t else ("unclear", rule + " (the range straddles the target)")
    floor = t - _tolerance("about_tolerance") * abs(t) if target.comparator == "about" else t
    name = {"about": f"about {t} (met from {floor})"}.get(target.comparator, f"{target.comparator} {t}")
    rule = f"{name}: reported {how}"
    if low >= floor:
        return "met", rule
    if high is not None and high < floor:
        return "missed", rule
    return "unclear", rule + " (the range straddles the target)"


def verdicts(targets: list[PlanTarget], linked: dict[str, list[Evidence]]) -> list[Verdict]:
    """One verdict per target; ``linked`` maps a target IRI to the figures linked to it."""
    out = []
    for target in targets:
        found = sorted(linked.get(str(target.iri), []), key=lambda e: (e.published, e.order))
        if not found:
            out.append(Verdict(target, "not-reported", "no report states a figure for this target", None, False, ()))
            continue
        finals = [e for e in found if not is_estimate(e)]
        chosen = (finals or found)[-1]
        superseded = tuple(e.iri for e in found if is_estimate(e) and finals and e.published <= chosen.published)
        verdict, rule = judge(target, chosen)
        if not finals:
            rule += "; an estimate (预计): no final figure yet"
        out.append(Verdict(target, verdict, rule, chosen, not finals, superseded))
    return out
