"""Outcomes as RDF: a report's figures and statuses in its own named graph, the verdicts in another.

A report is ``{plan}/outcomes/{name}``: the IRI of its named graph and of the report itself
(plan:OutcomeReport, a qb:DataSet and prov:Entity with its title, published date and file). Its
figures are ``…/figure/{k}`` (plan:OutcomeObservation, a qb:Observation: period, value, QUDT
unit as the targets have them, qualifiers as written, line and characters in the file, and
plan:reportsOn each target it reports on, or plan:notLinkedReason); its statuses ``…/status/{k}``.
The verdicts of a plan are ``{plan}/verdicts``, one ``{target}/verdict`` each, remade from every
report of the plan whenever one is added.
"""
from __future__ import annotations

import re

from rdflib import Graph, Literal, Namespace, URIRef

from ..graph import PREFIXES
from ..numbers import FK, quantity_kind, unit_iri
from ..scopes import SCOPE
from ..vocab import DCTERMS, PLAN, PROV, QK, QUDT, RDF, RDFS, XSD
from .linking import Decision
from .progress import Status
from .reading import Document
from .verdicts import Verdict

QB = Namespace("http://purl.org/linked-data/cube#")
VERDICT = Namespace("https://w3id.org/plankg/def/verdict/")
PROGRESS = Namespace("https://w3id.org/plankg/def/progress/")
REPORT_KIND = Namespace("https://w3id.org/plankg/def/report-kind/")


def report_iri(plan: str, name: str) -> URIRef:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "report"
    return URIRef(f"{plan}/outcomes/{slug}")


def verdicts_iri(plan: str) -> URIRef:
    return URIRef(f"{plan}/verdicts")


def _graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    g.bind("qb", QB)
    return g


def report_graph(doc: Document, plan: str, report: URIRef, published: str | None,
                 decisions: list[Decision], statuses: list[Status]) -> Graph:
    g = _graph()
    for p, o in ((RDF.type, PLAN.OutcomeReport), (RDF.type, QB.DataSet), (RDF.type, PROV.Entity),
                 (DCTERMS.title, Literal(doc.title, lang="zh")), (PLAN.reportKind, REPORT_KIND[doc.kind]),
                 (PLAN.reportsOnPlan, URIRef(plan)), (DCTERMS.source, Literal(doc.path.name))):
        g.add((report, p, o))
    if published:
        g.add((report, DCTERMS.issued, Literal(published, datatype=XSD.date)))
    for k, d in enumerate(decisions, start=1):
        if not d.read:
            continue
        f, obs = d.figure, URIRef(f"{report}/figure/{k}")
        unit = unit_iri(f.unit_key)
        for p, o in (
            (RDF.type, PLAN.OutcomeObservation), (RDF.type, QB.Observation), (QB.dataSet, report),
            (PROV.wasDerivedFrom, report),
            (PLAN.indicator, d.indicator), (PLAN.indicatorAsWritten, Literal(f.indicator_as_written)),
            (PLAN.figureKind, FK[f.kind]), (QUDT.numericValue, Literal(f.value, datatype=XSD.decimal)),
            (QUDT.unit, unit), (PLAN.numberAsWritten, Literal(f.number_as_written)),
            (PLAN.phrase, Literal(f.phrase)), (PLAN.sentence, Literal(f.sentence)),
            (PLAN.sourceLine, Literal(f.line, datatype=XSD.integer)),
            (PLAN.charStart, Literal(f.start, datatype=XSD.integer)),
            (PLAN.charEnd, Literal(f.end, datatype=XSD.integer)),
        ):
            g.add((obs, p, o))
        if f.unit_as_written:
            g.add((obs, PLAN.unitAsWritten, Literal(f.unit_as_written)))
        if quantity_kind(unit) == QK.Currency:
            g.add((obs, PLAN.currency, unit))
        if f.period:
            g.add((obs, PLAN.period, Literal(str(f.period), datatype=XSD.gYear)))
        for q in f.qualifiers:
            g.add((obs, PLAN.qualifier, Literal(q)))
        g.add((obs, PLAN.estimate, Literal("预计" in f.qualifiers)))
        if f.scope:
            g.add((obs, PLAN.scope, Literal(f.scope.written)))
            g.add((obs, PLAN.scopeType, SCOPE[f.scope.type]))
        for t in d.targets:
            g.add((obs, PLAN.reportsOn, t.iri))
        if d.reason:
            g.add((obs, PLAN.notLinkedReason, Literal(d.reason, lang="en")))
    for k, s in enumerate(statuses, start=1):
        node = URIRef(f"{report}/status/{k}")
        for p, o in ((RDF.type, PLAN.TaskStatus), (QB.dataSet, report), (PROV.wasDerivedFrom, report),
                     (PLAN.statusOf, URIRef(f"{plan}/task/{s.task}")), (PLAN.progressStatus, PROGRESS[s.status]),
                     (PLAN.statusAsWritten, Literal(s.written)), (PLAN.sentence, Literal(s.text)),
                     (PLAN.sourceLine, Literal(s.line, datatype=XSD.integer))):
            g.add((node, p, o))
        if published:
            g.add((node, DCTERMS.issued, Literal(published, datatype=XSD.date)))
    return g


def verdict_graph(plan: str, verdicts: list[Verdict]) -> Graph:
    g = _graph()
    for v in verdicts:
        node = URIRef(f"{v.target.iri}/verdict")
        for p, o in ((RDF.type, PLAN.Verdict), (PLAN.verdictFor, v.target.iri), (PLAN.verdict, VERDICT[v.verdict]),
                     (PLAN.verdictRule, Literal(v.rule, lang="en")), (PLAN.estimate, Literal(v.estimate)),
                     (RDFS.label, Literal(f"{v.target.indicator_written}: {v.verdict}"))):
            g.add((node, p, o))
        if v.evidence is not None:
            g.add((node, PLAN.evidence, URIRef(v.evidence.iri)))
        for old in v.superseded:
            g.add((URIRef(v.evidence.iri), PLAN.supersedes, URIRef(old)))
    return g
