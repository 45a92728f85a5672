"""Figures → the plan's targets they report on, or the reason they report on none.

A figure reports on a target only when all of these hold, checked in this order (the first that
fails is the reason given): it is an outcome, not a target stated for later; it is a figure of
one year (not a five-year review, not cumulative or a stock, not part of the year); it has a
year, and that year is the plan's; it measures the target's indicator node (the shared nodes of
data/indicators.ttl, found from the name the report uses); it covers the same place (a business
district's figure is not the district's); and it is the same kind of figure in the same unit
(a level is not a growth rate). An indicator the registry does not list is only a name the plan
wrote, and a short one (企业, 重点企业, 停车位) may mean something else in a report: such a figure
is linked only when its sentence shares some words with the task beyond the name. Every target
passing all of them is linked (a plan may state the same target twice: in its preamble and in a task).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, URIRef

from ..numbers import unit_key
from ..target_graph import indicator_iri, indicator_registry, registered
from ..vocab import PLAN, QUDT, SKOS
from .figures import Figure
from .words import words


@dataclass(frozen=True)
class PlanTarget:
    iri: URIRef
    task: str  # the task number, or "plan" for a headline target
    indicator: URIRef
    indicator_written: str
    kind: str
    value: Decimal
    unit_key: str
    unit_written: str
    comparator: str
    period: int | None
    scope: str  # "" for the whole division
    phrase: str
    task_text: str = ""


GENERIC = 4  # an unregistered indicator name this short needs its sentence to share words with the task
SHARED = 4  # characters the sentence must share with the task's text, beyond the name


def _shares_words(sentence: str, name: str, text: str) -> bool:
    rest = sentence.replace(name, "\0")
    return any("\0" not in rest[i:i + SHARED] and rest[i:i + SHARED] in text.replace(name, "\0")
               for i in range(len(rest) - SHARED + 1)
               if all("\u4e00" <= c <= "\u9fff" for c in rest[i:i + SHARED]))


@dataclass(frozen=True)
class Decision:
    figure: Figure
    indicator: URIRef
    targets: tuple[PlanTarget, ...]  # () when not linked
    reason: str  # why not linked ("" when linked)
    read: bool = True  # False: not read as an outcome at all (a target for later)


def name_basis(figure: Figure) -> str:
    """Why the figure's name is the indicator's, when the two are not written alike: a report
    name of data/outcome-words.toml, or another label of the node in data/indicators.ttl
    (城镇常住居民人均可支配收入, the statistical name since 2013, is listed there as a label of
    城镇居民人均可支配收入). Printed with the link, so an analyst sees each identification."""
    notes = [f"{w} read as {p} (data/outcome-words.toml [synonyms])"
             for w, p in words()["synonyms"].items() if w in figure.indicator_as_written and p in figure.name]
    node = indicator_iri(figure.name)
    labels = [str(l) for l in indicator_registry().objects(node, SKOS.prefLabel) if l.language == "zh"]
    if labels and labels[0] != figure.name:
        notes.append(f"{figure.name} is a label of {labels[0]} in data/indicators.ttl")
    return "; ".join(notes)


def _slug(iri) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def plan_targets(graph: Graph, plan: URIRef) -> list[PlanTarget]:
    """Every target of the plan: each task's and the headline targets of its preamble."""
    out = []
    owners = [(t, str(graph.value(task, PLAN.number)), str(graph.value(task, PLAN.text) or ""))
              for task in graph.subjects(PLAN.inPlan, plan) for t in graph.objects(task, PLAN.target)]
    owners += [(t, "plan", "") for t in graph.objects(plan, PLAN.headlineTarget)]
    for t, owner, text in owners:
        period = graph.value(t, PLAN.period)
        out.append(PlanTarget(
            t, owner, graph.value(t, PLAN.indicator), str(graph.value(t, PLAN.indicatorAsWritten) or ""),
            _slug(graph.value(t, PLAN.figureKind)), Decimal(str(graph.value(t, QUDT.numericValue))),
            unit_key(graph.value(t, QUDT.unit)), str(graph.value(t, PLAN.unitAsWritten) or ""),
            _slug(graph.value(t, PLAN.comparator)), int(str(period)[:4]) if period else None,
            str(graph.value(t, PLAN.scope) or ""), str(graph.value(t, PLAN.phrase) or ""), text))
    return sorted(out, key=lambda p: (p.task != "plan", int(p.task) if p.task.isdigit() else 0, str(p.iri)))


def decide(figure: Figure, targets: list[PlanTarget], year: int, base: str) -> Decision:
    """Link one figure to the targets it reports on, or say why it reports on none."""
    indicator = indicator_iri(figure.name, base)
    def no(reason: str, read: bool = True) -> Decision:
        return Decision(figure, indicator, (), reason, read)

    if figure.target_heading:
        return no(f"a target stated under '{figure.target_heading}', not an outcome", read=False)
    if figure.not_annual:
        return no(figure.not_annual + f": never linked to a {year} target")
    if figure.period is None:
        return no(f"no year ({figure.period_basis}): never linked to a {year} target")
    if figure.period != year:
        return no(f"a figure for {figure.period} ({figure.period_basis}), not the plan's year {year}")
    same = [t for t in targets if t.indicator == indicator]
    if not same:
        return no(f"no target of the plan measures {figure.name}")
    scope = figure.scope.written if figure.scope else ""
    placed = [t for t in same if t.scope == scope]
    if not placed:
        theirs = "、".join(sorted({t.scope or "the whole district" for t in same}))
        return no(f"a figure for {scope or 'the whole district'}; the plan's {figure.name} targets are for {theirs}")
    kind = [t for t in placed if t.kind == figure.kind and t.unit_key == figure.unit_key]
    if not kind:
        theirs = "、".join(sorted({f"{t.kind} in {t.unit_written or t.unit_key} "
                                  f"({'the headline' if t.task == 'plan' else 'task ' + t.task})" for t in placed}))
        return no(f"a {figure.kind} in {figure.unit_as_written or figure.unit_key}; the targets are {theirs}")
    if len(figure.name) <= GENERIC and not registered(figure.name):
        kind = [t for t in kind if _shares_words(figure.sentence, figure.name, t.task_text)]
        if not kind:
            return no(f"{figure.name} is a name only the plan's text gives (not in the indicator registry), "
                      f"and the sentence shares no words with the task beyond it")
    return Decision(figure, indicator, tuple(kind), "")
