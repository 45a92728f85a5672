"""A plan's preamble → RDF: its text and lines, the counts it declares, its headline targets and
the metadata it states about itself.

The preamble is everything before the first section heading. It is where a plan says what it
is (2023年区政府工作报告重点工作目标任务分解, 渝中区人民政府办公室), how much it holds
(共细分出171项目标任务) and its headline targets (地区生产总值增长5%左右). All of it is kept as
written, with its line, so the proofreading rules (shapes/structure-shapes.ttl) can hold the
document to what it says about itself; nothing here decides whether it agrees.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from . import target_graph, targets
from .numerals import cn2an
from .graph import Iris, PlanMeta, _int
from .reading import PlanText
from .vocab import DCTERMS, PLAN, QUDT, RDF, RDFS

_N = r"(?P<n>[0-9０-９]+|[一二两三四五六七八九十百千〇零]+)"
# 共细分出171项目标任务 / 共分解为35项重点任务 / 梳理出一百二十条工作任务
TASK_COUNT = re.compile(r"(?:共|合计|总计)\s*(?:细分出?|分解为?出?|梳理出?|细化出?|列出|确定|明确|形成|提出|安排|部署)?"
                        r"\s*" + _N + r"\s*(?:项|条|个)\s*[一-鿿]{0,6}?任务")
# 共分为12个方面 / 涵盖十二个部分
SECTION_COUNT = re.compile(r"(?:共|分为|涵盖|包括)\s*" + _N + r"\s*个?\s*(?:方面|部分|板块|大类)")
# a preamble line stating the plan's headline targets says so: 主要预期目标是：…, 主要目标为…
HEADLINE = re.compile(r"(?:预期|主要)目标(?:是|为|如下)?[:：]?")
# the district a plan is issued by: 渝中区人民政府办公室 (not 区政府工作报告, which names no district,
# nor 于1月15日前报区人民政府, whose words before 区 are no name)
ISSUER = re.compile(r"(?:(?<![一-鿿])|(?<=印发)|(?<=近日))(?P<d>[一-鿿]{1,7}?(?:自治县|区|县|市|旗))人民政府")
NOT_IN_A_NAME = set("日月年前后报至于向由各本全该我和及与的")
YEAR_PREFIX = re.compile(r"^\d{4}\s*年\s*")
_FILLER = re.compile(r"[\s,，。;；、:：.…]+")


@dataclass(frozen=True)
class Declared:
    counts: str  # "Task" or "Section"
    value: int
    phrase: str
    line: int


def _number(written: str) -> int:
    digits = written.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return int(digits) if digits.isdigit() else int(cn2an(written, "smart"))


def lines(plan: PlanText) -> list[str]:
    """The preamble's lines as written (line 1 first)."""
    return plan.text.splitlines()[:plan.preamble_lines]


def declared_counts(plan: PlanText) -> list[Declared]:
    """The counts the preamble declares about the plan's own content, in text order."""
    out = []
    for no, line in enumerate(lines(plan), start=1):
        for counts, regex in (("Task", TASK_COUNT), ("Section", SECTION_COUNT)):
            for m in regex.finditer(line):
                try:
                    out.append(Declared(counts, _number(m["n"]), m.group(0), no))
                except (ValueError, TypeError):  # a numeral cn2an cannot read: not a count
                    continue
    return out


def stated_metadata(plan: PlanText, meta: PlanMeta) -> list[tuple[URIRef, str, int]]:
    """(property, words as written, line) for each place the preamble names the plan's title
    (its words with whatever year is written right before them) or the district that issues it.

    A title is recorded only where a year is written with it (2023年区政府工作报告…): the year
    is what it states beyond the words the metadata file already has."""
    core = YEAR_PREFIX.sub("", meta.title)
    title = re.compile(r"\d{4}\s*年\s*" + re.escape(core)) if core != meta.title else None
    out = []
    for no, line in enumerate(lines(plan), start=1):
        if title is not None:
            out += [(DCTERMS.title, m.group(0), no) for m in title.finditer(line)]
        for m in ISSUER.finditer(line):
            if not NOT_IN_A_NAME & set(m["d"]):
                out.append((PLAN.district, m["d"], no))
    return out


def _states_targets_only(line: str, extraction: targets.Extraction) -> bool:
    """A line that is nothing but targets (地区生产总值增长5%左右): a headline restated on its own."""
    rest = line
    for t in sorted(extraction.targets, key=lambda t: -t.start):
        rest = rest[:t.start] + rest[t.end:]
    return bool(extraction.targets) and not _FILLER.sub("", rest)


def add(g: Graph, plan: PlanText, meta: PlanMeta, base: str, coverage: targets.Coverage) -> None:
    """Add the preamble, its declared counts, stated metadata and headline targets to ``g``."""
    text_lines = lines(plan)
    if not any(line.strip() for line in text_lines):
        return
    iris = Iris(base, meta.division_code, meta.year)
    node = URIRef(f"{iris.plan}/preamble")
    g.add((iris.plan, PLAN.preamble, node))
    g.add((node, RDF.type, PLAN.Preamble))
    g.add((node, PLAN.preambleText, Literal("\n".join(text_lines), lang="zh")))
    g.add((node, RDFS.label, Literal(f"{meta.district}{meta.year}年方案导语", lang="zh")))
    g.add((node, RDFS.label, Literal("Preamble", lang="en")))
    g.add((node, PLAN.sourceLine, _int(1)))
    g.add((node, PLAN.lastLine, _int(len(text_lines))))
    for k, d in enumerate(declared_counts(plan), start=1):
        count = URIRef(f"{node}/count/{k}")
        g.add((iris.plan, PLAN.declaredCount, count))
        g.add((count, RDF.type, PLAN.DeclaredCount))
        g.add((count, PLAN.countOf, PLAN[d.counts]))
        g.add((count, PLAN.declaredValue, _int(d.value)))
        g.add((count, PLAN.valueAsWritten, Literal(d.phrase)))
        g.add((count, PLAN.sourceLine, _int(d.line)))
        if d.counts == "Task":
            g.add((iris.plan, PLAN.declaredTaskCount, _int(d.value)))
    for k, (prop, written, line) in enumerate(stated_metadata(plan, meta), start=1):
        stated = URIRef(f"{node}/stated/{k}")
        g.add((iris.plan, PLAN.statedMetadata, stated))
        g.add((stated, RDF.type, PLAN.StatedMetadata))
        g.add((stated, PLAN.statedProperty, prop))
        g.add((stated, PLAN.valueAsWritten, Literal(written)))
        g.add((stated, PLAN.sourceLine, _int(line)))
    _headline_targets(g, iris, text_lines, meta, base, coverage)


def _headline_targets(g: Graph, iris: Iris, text_lines: list[str], meta: PlanMeta, base: str, coverage) -> None:
    """Targets a plan states for the whole district before its first section: after a cue
    (主要预期目标是：…) or on lines that state nothing else (地区生产总值增长5%左右)."""
    k = 1
    for number, line in enumerate(text_lines, start=1):
        cue = HEADLINE.search(line)
        if cue and cue.end() == len(line.rstrip()):  # a heading such as 一、主要预期目标 sets none
            continue
        extraction = targets.extract(line, meta.year)
        if not extraction.targets or not (cue or _states_targets_only(line, extraction)):
            continue
        coverage.add(extraction)
        nodes = target_graph.add_targets(g, iris.plan, extraction, meta.year, base=base,
                                         link=PLAN.headlineTarget, first=k)
        for node in nodes:
            g.add((node, PLAN.sourceLine, _int(number)))
        k += len(nodes)
    link_restatements(g, iris.plan)


# what makes two targets one: a headline target with these of a task's target equal restates it
# (HeadlineTargetAgrees in shapes/structure-shapes.ttl flags the same pair with a different value)
_SAME = (PLAN.indicator, PLAN.figureKind, QUDT.unit, QUDT.numericValue, PLAN.scope)


def link_restatements(g: Graph, plan_iri: URIRef) -> None:
    """Link each headline target to the task targets it restates (plan:restates), so that the
    canned questions count a target the document states twice once."""
    def key(t):
        return tuple(g.value(t, p) for p in _SAME)

    by_key: dict[tuple, list[URIRef]] = {}
    for task in sorted(g.subjects(PLAN.inPlan, plan_iri)):
        for t in g.objects(task, PLAN.target):
            by_key.setdefault(key(t), []).append(t)
    for headline in g.objects(plan_iri, PLAN.headlineTarget):
        for t in by_key.get(key(headline), ()):
            g.add((headline, PLAN.restates, t))
