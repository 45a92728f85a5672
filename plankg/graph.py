"""Plan records → one RDF graph per plan, with stable, readable IRIs.

IRIs are keyed by division code, year and number under a configurable base::

    {base}plan/500103/2023                    the plan
    {base}plan/500103/2023/section/3          a section;  …/section/3/2  a sub-section
    {base}plan/500103/2023/task/21            a task;     …/task/21/lead/1  a unit mention
    {base}unit/500103/fgw                     a registered unit (data/units.ttl)

No blank nodes: everything people link to has an IRI, so a changed plan gives a readable diff.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF

from . import classify
from .registry import Registry
from .reading import PlanText, Task, UnitRef
from .vocab import BODY_TYPE, DCTERMS, ORG, PLAN, PROV, QUDT, RDF, RDFS, SECTOR, SKOS, XSD

PREFIXES = {"plan": PLAN, "rdfs": RDFS, "skos": SKOS, "dcterms": DCTERMS, "prov": PROV, "org": ORG,
            "xsd": XSD, "qudt": QUDT, "foaf": FOAF}


@dataclass(frozen=True)
class PlanMeta:
    """What a plan's metadata file says (see data/source/*.toml)."""

    title: str
    publisher: str
    district: str
    division_code: str
    year: int
    parent: str | None = None
    parent_code: str | None = None
    language: str = "zh"
    title_en: str | None = None
    publisher_en: str | None = None
    district_en: str | None = None
    parent_en: str | None = None
    published_at: str | None = None
    published_note: str | None = None
    layout: str | None = None  # see plankg.layouts; None: detected from the text


@dataclass(frozen=True)
class Iris:
    """The IRI scheme for one plan."""

    base: str
    code: str
    year: int

    @property
    def plan(self) -> URIRef:
        return URIRef(f"{self.base}plan/{self.code}/{self.year}")

    @property
    def graph(self) -> URIRef:
        """Name of the named graph that holds the plan's asserted triples."""
        return URIRef(f"{self.plan}/graph")

    @property
    def source(self) -> URIRef:
        return URIRef(f"{self.plan}/source")

    def district(self, code: str | None = None) -> URIRef:
        return URIRef(f"{self.base}district/{code or self.code}")

    def section(self, number: int, sub: int | None = None) -> URIRef:
        return URIRef(f"{self.plan}/section/{number}" + (f"/{sub}" if sub else ""))

    def task(self, task: Task) -> URIRef:
        """…/task/21; …/task/21-2 for a number used twice; …/task/2.3 where numbering restarts
        (task 3 of section 2; …/task/t2.1 for row 1 of table 2)."""
        suffix = f"-{task.occurrence}" if task.occurrence > 1 else ""
        key = ".".join((*task.scope, str(task.number)))
        return URIRef(f"{self.plan}/task/{key}{suffix}")

    def unregistered(self, name: str) -> URIRef:
        return URIRef(f"{self.base}unit/{self.code}/unregistered/{quote(name, safe='')}")


def _lit(value, datatype=None, lang=None) -> Literal:
    return Literal(value, datatype=datatype, lang=lang)


def _int(n: int) -> Literal:
    # xsd:integer, not positiveInteger: Oxigraph stores every integer type as xsd:integer, and
    # the graph must read the same from the files and from the store. SHACL checks the sign.
    return Literal(n, datatype=XSD.integer)


def _located(g: Graph, node: URIRef, line: int | None, start: int | None, end: int | None) -> None:
    if line is not None:
        g.add((node, PLAN.sourceLine, _int(line)))
    if start is not None:
        g.add((node, PLAN.charStart, _int(start)))
        g.add((node, PLAN.charEnd, _int(end)))


def build_graph(plan: PlanText, meta: PlanMeta, registry: Registry, base: str, add_targets=None) -> Graph:
    """The asserted triples of one plan. ``add_targets(graph, task_iri, task, meta)`` adds its targets."""
    iris = Iris(base, meta.division_code, meta.year)
    g = Graph(store="SimpleMemory")  # read and written here, never by context: half the cost of the default store
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    _plan_node(g, iris, plan, meta)
    if plan.lead_rule_text:
        g.add((iris.plan, PLAN.leadRule, _lit(plan.lead_rule_text, lang="zh")))
    g.add((iris.plan, PLAN.layout, _lit(plan.layout)))
    # plan:sequence: the place in document order, so the checks can compare it with the numbers
    for k, s in enumerate(plan.sections, start=1):
        node = iris.section(s.number)
        g.add((node, RDF.type, PLAN.Section))
        g.add((node, PLAN.sequence, _int(k)))
        g.add((node, PLAN.inPlan, iris.plan))
        g.add((node, PLAN.number, _int(s.number)))
        g.add((node, PLAN.numeral, _lit(s.numeral)))
        g.add((node, PLAN.title, _lit(s.title, lang="zh")))
        g.add((node, PLAN.heading, _lit(s.heading)))
        g.add((node, RDFS.label, _lit(s.heading, lang="zh")))
        g.add((node, RDFS.label, _lit(f"Section {s.number}", lang="en")))
        if s.stray_character:
            g.add((node, PLAN.suspectedStrayCharacter, _lit(s.stray_character)))
        _located(g, node, s.line, s.start, s.end)
    for k, sub in enumerate(plan.subsections, start=1):
        node = iris.section(sub.section, sub.number)
        g.add((node, RDF.type, PLAN.Subsection))
        g.add((node, PLAN.sequence, _int(k)))
        g.add((node, PLAN.inPlan, iris.plan))
        g.add((node, PLAN.section, iris.section(sub.section)))
        g.add((node, PLAN.number, _int(sub.number)))
        if sub.numeral:  # an unnumbered heading has none
            g.add((node, PLAN.numeral, _lit(sub.numeral)))
        if sub.heading_missing:
            g.add((node, PLAN.headingMissing, _lit(True)))
            g.add((node, RDFS.label, _lit(f"（{sub.numeral}）〔原文缺此小节标题〕", lang="zh")))
        else:
            g.add((node, PLAN.title, _lit(sub.title, lang="zh")))
            g.add((node, PLAN.heading, _lit(sub.heading)))
            g.add((node, RDFS.label, _lit(sub.heading, lang="zh")))
        g.add((node, RDFS.label, _lit(f"Sub-section {sub.section}.{sub.number}", lang="en")))
        _located(g, node, sub.line, sub.start, sub.end)
    for k, task in enumerate(plan.tasks, start=1):
        node = iris.task(task)
        _task(g, iris, node, task, meta, registry)
        g.add((node, PLAN.sequence, _int(k)))
        if add_targets is not None:
            add_targets(g, node, task, meta)
    _reading_problems(g, iris, plan)
    return g


def _reading_problems(g: Graph, iris: Iris, plan: PlanText) -> None:
    """Each line that could not be read, with its words and why: kept, so the checks refuse the
    plan (plankg.validate_reading) and no line of the document vanishes between text and graph."""
    lines = plan.text.splitlines()
    for k, p in enumerate(plan.problems, start=1):
        node = URIRef(f"{iris.plan}/reading/{k}")
        g.add((iris.plan, PLAN.readingProblem, node))
        g.add((node, RDF.type, PLAN.ReadingProblem))
        g.add((node, PLAN.inPlan, iris.plan))
        g.add((node, RDFS.comment, _lit(p.message, lang="en")))
        if p.line is not None:
            g.add((node, PLAN.sourceLine, _int(p.line)))
            if p.line <= len(lines):
                g.add((node, PLAN.valueAsWritten, _lit(lines[p.line - 1].strip())))
        g.add((node, RDFS.label, _lit(f"第{p.line}行未能读入" if p.line else "原文未能读入", lang="zh")))
        g.add((node, RDFS.label, _lit(f"Line {p.line} not read" if p.line else "Text not read", lang="en")))


def _plan_node(g: Graph, iris: Iris, plan: PlanText, meta: PlanMeta) -> None:
    p = iris.plan
    g.add((p, RDF.type, PLAN.Plan))
    g.add((p, DCTERMS.title, _lit(meta.title, lang="zh")))
    label = f"{meta.district}{meta.year}年{meta.title.removeprefix(str(meta.year) + '年')}"
    g.add((p, RDFS.label, _lit(label, lang="zh")))
    if meta.title_en:
        g.add((p, DCTERMS.title, _lit(meta.title_en, lang="en")))
        g.add((p, RDFS.label, _lit(f"{meta.district_en or meta.district} {meta.year}: {meta.title_en}", lang="en")))
    publisher = URIRef(f"{p}/publisher")
    g.add((p, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, SKOS.prefLabel, _lit(meta.publisher, lang="zh")))
    if meta.publisher_en:
        g.add((publisher, SKOS.prefLabel, _lit(meta.publisher_en, lang="en")))
    g.add((p, PLAN.district, iris.district()))
    g.add((p, PLAN.year, _lit(str(meta.year), datatype=XSD.gYear)))
    g.add((p, DCTERMS.language, URIRef(f"http://id.loc.gov/vocabulary/iso639-1/{meta.language}")))
    if meta.published_at:
        g.add((p, DCTERMS.source, URIRef(meta.published_at)))
    if meta.published_note:
        g.add((p, SKOS.note, _lit(meta.published_note)))
    g.add((p, PLAN.sourceDocument, iris.source))
    src = iris.source
    g.add((src, RDF.type, PLAN.SourceDocument))
    g.add((src, DCTERMS.title, _lit(plan.path.rsplit("/", 1)[-1])))
    g.add((src, DCTERMS.format, _lit("text/plain; charset=utf-8")))
    digest = hashlib.sha256(plan.text.encode("utf-8")).hexdigest()
    g.add((src, DCTERMS.identifier, _lit(f"sha256:{digest}")))
    g.add((src, RDFS.label, _lit(f"{meta.district}{meta.year}年方案原文", lang="zh")))


def _task(g: Graph, iris: Iris, node: URIRef, task: Task, meta: PlanMeta, registry: Registry) -> None:
    g.add((node, RDF.type, PLAN.Task))
    g.add((node, PLAN.inPlan, iris.plan))
    if task.section:  # 0: the plan has no section heading above this task
        g.add((node, PLAN.section, iris.section(task.section)))
    if task.subsection is not None:
        g.add((node, PLAN.subsection, iris.section(task.section, task.subsection)))
    g.add((node, PLAN.number, _int(task.number)))
    g.add((node, PLAN.numeral, _lit(task.numeral)))
    g.add((node, PLAN.text, _lit(task.text, lang="zh")))
    if task.title:
        g.add((node, PLAN.title, _lit(task.title, lang="zh")))
    shown, key = (task.id, ".".join((*task.scope, str(task.number)))) if task.scope else (task.number, task.number)
    if task.scope:
        g.add((node, PLAN.taskId, _lit(task.id)))
        g.add((node, PLAN.numberingScope, _lit(".".join(task.scope))))
    short = task.text if len(task.text) <= 30 else task.text[:30] + "…"
    g.add((node, RDFS.label, _lit(f"任务{shown}：{short}", lang="zh")))
    g.add((node, RDFS.label, _lit(f"Task {key}", lang="en")))
    for official in task.officials:  # people, never units
        g.add((node, PLAN.responsibleOfficial, _lit(official, lang="zh")))
    if task.lead_by_rule:
        g.add((node, PLAN.leadFromRule, _lit(True)))
    g.add((node, PLAN.sourceDocument, iris.source))
    _located(g, node, task.line, task.start, task.end)
    if task.truncated:
        g.add((node, PLAN.sourceTruncated, _lit(True)))
    for role, refs, is_open, mention_prop, unit_prop, open_prop in (
        ("lead", task.lead, task.lead_open, PLAN.leadMention, PLAN.leadUnit, PLAN.leadListOpen),
        ("responsible", task.responsible, task.responsible_open, PLAN.responsibleMention,
         PLAN.responsibleUnit, PLAN.responsibleListOpen),
    ):
        if is_open:
            g.add((node, open_prop, _lit(True)))
        for ref in refs:
            mention = URIRef(f"{node}/{role}/{ref.position}")
            g.add((node, mention_prop, mention))
            _mention(g, iris, mention, ref, meta, registry)
            target = g.value(mention, PLAN.refersTo)
            if target is not None:
                g.add((node, unit_prop, target))


def _mention(g: Graph, iris: Iris, mention: URIRef, ref: UnitRef, meta: PlanMeta, registry: Registry) -> None:
    g.add((mention, RDF.type, PLAN.UnitMention))
    g.add((mention, PLAN.position, _int(ref.position)))
    g.add((mention, PLAN.nameAsWritten, _lit(ref.name)))
    _located(g, mention, ref.line, ref.start, ref.end)
    if not ref.name:
        return  # an empty item in a unit list: kept, refers to nothing, reported by the checks
    unit = registry.resolve(ref.name, meta.division_code)
    if unit is None:
        unit = iris.unregistered(ref.name)
        g.add((unit, RDF.type, PLAN.UnregisteredUnit))
        g.add((unit, SKOS.prefLabel, _lit(ref.name, lang="zh")))
        g.add((unit, PLAN.district, iris.district()))
        _suggest(g, unit, classify.guess(ref.name))
    g.add((mention, PLAN.refersTo, unit))


def _suggest(g: Graph, unit: URIRef, guess: classify.Guess) -> None:
    """A best guess at an unregistered unit's kind, kept apart from registry facts."""
    if guess.body_type:
        g.add((unit, PLAN.suggestedBodyType, BODY_TYPE[guess.body_type]))
    for sector in guess.sectors:
        g.add((unit, PLAN.suggestedSector, SECTOR[sector]))
    if guess.collective:
        g.add((unit, PLAN.suggestedCollective, Literal(True)))
    if guess.rules:
        g.add((unit, PLAN.suggestionBasis, _lit("; ".join(guess.rules))))
