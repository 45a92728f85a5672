"""Extracted targets → RDF: target nodes under their task, and the indicator nodes they share.

A target's IRI is ``<task>/target/<k>``, k counting from 1 in text order, so rebuilding a plan
gives the same IRIs and there are no blank nodes; a context figure's is ``<task>/context/<k>``.
The indicator is the registry entry of data/indicators.ttl one of whose labels is one of the
target's measure names, tried most specific first (归集载体 before 载体); otherwise the last name,
percent-encoded, under https://w3id.org/plankg/indicator/ — so equal names share one node either way.
"""
from __future__ import annotations

from functools import cache
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef

from . import resources
from .config import DEFAULT_BASE
from .numbers import CMP, FK, quantity_kind, unit_iri
from .scopes import SCOPE
from .targets import Extraction, Target
from .vocab import PLAN, QK, QUDT, RDF, SKOS, XSD

INDICATOR_NS = DEFAULT_BASE + "indicator/"


@cache
def indicator_registry() -> Graph:
    """data/indicators.ttl, parsed once."""
    return Graph().parse(data=resources.text("data/indicators.ttl"), format="turtle")


@cache
def _registered() -> dict[str, URIRef]:
    g = indicator_registry()
    return {str(label): s for s in g.subjects(RDF.type, PLAN.Indicator)
            for label in (*g.objects(s, SKOS.prefLabel), *g.objects(s, SKOS.altLabel))}


def registered(name: str) -> bool:
    """Whether data/indicators.ttl lists ``name`` as an indicator's label."""
    return name in _registered()


def indicator_iri(name: str, base: str = DEFAULT_BASE) -> URIRef:
    """The indicator written ``name``: its registry IRI, else its percent-encoded IRI, under ``base``."""
    iri = str(_registered().get(name) or INDICATOR_NS + quote(name, safe=""))
    return URIRef(base + iri[len(DEFAULT_BASE):])


def measure_name(target: Target) -> str:
    """The name of the indicator node a target measures: the first registered measure name, else the last."""
    names = target.measure_names
    return next((n for n in names if n in _registered()), names[-1])


def add_targets(graph: Graph, task_iri: URIRef | str, extraction: Extraction,
                year: int | None = None, base: str = DEFAULT_BASE, *,
                link: URIRef = PLAN.target, first: int = 1) -> list[URIRef]:
    """Write the targets of one task into ``graph``, linked from the task.

    An indicator the registry does not know gets its node here (plan:UnregisteredIndicator);
    registered ones are described by data/indicators.ttl.

    Args:
        year: the plan's year, the period of targets whose text names none.
        base: the IRI base of the build, as in plankg.config.Settings.
        link: how the owner holds them: plan:target from a task (which also gets its context
            figures, plan:contextFigure), plan:headlineTarget from a plan.
        first: the number of the first target (a plan's headline targets come from several lines).
    Returns:
        The target IRIs in text order.
    """
    task = URIRef(task_iri)
    nodes = [_figure(graph, task, link, URIRef(f"{task}/target/{k}"), t, year, base)
             for k, t in enumerate(extraction.targets, start=first)]
    for k, t in enumerate(extraction.context if link == PLAN.target else (), start=1):
        _figure(graph, task, PLAN.contextFigure, URIRef(f"{task}/context/{k}"), t, year, base)
    return nodes


def _figure(graph: Graph, task: URIRef, link: URIRef, node: URIRef, t: Target, year: int | None, base: str) -> URIRef:
    """One target (or context figure, when ``link`` is plan:contextFigure) and its unregistered indicator."""
    name = measure_name(t)
    unit, indicator = unit_iri(t.unit_key), indicator_iri(name, base)
    graph.add((task, link, node))
    if name not in _registered():
        graph.add((indicator, RDF.type, PLAN.Indicator))
        graph.add((indicator, RDF.type, PLAN.UnregisteredIndicator))
        graph.add((indicator, SKOS.prefLabel, Literal(name, lang="zh")))
    context = link == PLAN.contextFigure
    for p, o in (
        (RDF.type, PLAN.ContextFigure if context else PLAN.Target),
        (PLAN.indicator, indicator),
        (PLAN.indicatorAsWritten, Literal(t.indicator)),
        (PLAN.figureKind, FK[t.kind]),
        (QUDT.numericValue, Literal(t.value, datatype=XSD.decimal)),
        (QUDT.unit, unit),
        (PLAN.numberAsWritten, Literal(t.number_as_written)),
        (PLAN.phrase, Literal(t.phrase)),
        (PLAN.charStart, Literal(t.start, datatype=XSD.integer)),
        (PLAN.charEnd, Literal(t.end, datatype=XSD.integer)),
    ):
        graph.add((node, p, o))
    if not context:  # a context figure states no level to compare with
        graph.add((node, PLAN.comparator, CMP[t.comparator]))
    if t.unit_as_written:
        graph.add((node, PLAN.unitAsWritten, Literal(t.unit_as_written)))
    if quantity_kind(unit) == QK.Currency:
        graph.add((node, PLAN.currency, unit))
    if period := t.period or year:
        graph.add((node, PLAN.period, Literal(str(period), datatype=XSD.gYear)))
    if t.scope:
        graph.add((node, PLAN.scope, Literal(t.scope.written)))
        graph.add((node, PLAN.scopeType, SCOPE[t.scope.type]))
    return node


def indicator_graph(graph: Graph) -> Graph:
    """The triples describing every indicator the targets in ``graph`` use (default base)."""
    registry, out = indicator_registry(), Graph()
    for indicator in set(graph.objects(None, PLAN.indicator)):
        source = registry if (indicator, RDF.type, PLAN.Indicator) in registry else graph
        for p, o in source.predicate_objects(indicator):
            out.add((indicator, p, o))
    return out
