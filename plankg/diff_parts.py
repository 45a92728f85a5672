"""The parts of a plan version that plankg/diff.py compares: sections, tasks and their figures.

Each is read from a version's graph into a small view that keeps what a steward compares and
leaves out where it sits in the source. Sections are matched across versions by number and title
(a section whose title reappears under another number was renumbered, not removed and added), and
a task's figures by indicator and kind in text order (difflib), so inserting one target does not
make every later one "changed".
"""
from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from rdflib import Graph, URIRef

from .vocab import PLAN, QUDT, RDF

FIELDS = ("role", "indicator", "measure", "kind", "value", "unit", "comparator", "scope")


def _tail(iri, marker: str) -> str:
    return str(iri).rsplit(marker, 1)[-1]


@dataclass(frozen=True)
class SectionView:
    key: str  # the IRI tail: "9", or "3/2" for sub-section 三（二）
    kind: str  # "section" or "sub-section"
    numeral: str  # as the reader sees it: 九, 三（二）
    title: str  # "" where the source has no heading line
    line: int | None

    def label(self) -> str:
        return f"{self.kind} {self.numeral}"


@dataclass(frozen=True)
class SectionChange:
    what: str  # added, removed, renamed, renumbered
    old: SectionView | None
    new: SectionView | None

    def line(self) -> str:
        o, n = self.old, self.new
        if self.what == "added":
            return f"+ {n.label()} added (line {n.line}): {n.title}"
        if self.what == "removed":
            return f"- {o.label()} removed (was line {o.line}): {o.title}"
        if self.what == "renamed":
            return f"~ {n.label()} renamed: {o.title} → {n.title}"
        return f"~ {o.label()} renumbered {o.numeral} → {n.numeral}: {n.title}"

    def add_to(self, g: Graph, node: URIRef, plan: str) -> None:
        prop = {"added": PLAN.addedSection, "removed": PLAN.removedSection,
                "renamed": PLAN.renamedSection, "renumbered": PLAN.renumberedSection}[self.what]
        g.add((node, prop, URIRef(f"{plan}/section/{(self.new or self.old).key}")))


def sections(g: Graph) -> dict[str, SectionView]:
    """Sections and sub-sections by IRI tail."""
    out = {}
    numerals = {_tail(s, "/section/"): str(g.value(s, PLAN.numeral) or "") for s in g.subjects(RDF.type, PLAN.Section)}
    for cls, kind in ((PLAN.Section, "section"), (PLAN.Subsection, "sub-section")):
        for s in g.subjects(RDF.type, cls):
            key, numeral = _tail(s, "/section/"), str(g.value(s, PLAN.numeral) or "")
            if kind == "sub-section":
                numeral = f"{numerals.get(key.split('/')[0], '')}（{numeral}）"
            line = g.value(s, PLAN.sourceLine)
            out[key] = SectionView(key, kind, numeral, str(g.value(s, PLAN.title) or ""),
                                   int(line) if line is not None else None)
    return out


def match_sections(old: dict[str, SectionView], new: dict[str, SectionView]
                   ) -> tuple[list[SectionChange], dict[str, str]]:
    """What happened to each section, and old key → new key for those that go on."""
    matched: dict[str, str] = {}
    changes = []

    def free(side, used):
        return [k for k in sorted(side) if k not in used]

    for k in sorted(set(old) & set(new)):  # same number, same title
        if (old[k].kind, old[k].title) == (new[k].kind, new[k].title):
            matched[k] = k
    for k in free(old, matched):  # the same title under another number: renumbered
        hits = [n for n in free(new, matched.values()) if (new[n].kind, new[n].title) == (old[k].kind, old[k].title)
                and old[k].title]
        if len(hits) == 1:
            matched[k] = hits[0]
            changes.append(SectionChange("renumbered", old[k], new[hits[0]]))
    for k in free(old, matched):  # the same number, another title: renamed
        if k in new and k not in matched.values() and new[k].kind == old[k].kind:
            matched[k] = k
            changes.append(SectionChange("renamed", old[k], new[k]))
    changes += [SectionChange("removed", old[k], None) for k in free(old, matched)]
    changes += [SectionChange("added", None, new[k]) for k in free(new, matched.values())]
    order = {"removed": 0, "added": 1, "renamed": 2, "renumbered": 3}
    changes.sort(key=lambda c: (order[c.what], _order((c.new or c.old).key)))
    return changes, matched


def _order(key: str):
    return tuple(int(p) if p.isdigit() else 0 for p in key.split("/"))


@dataclass(frozen=True)
class FigureView:
    """A target or context figure, as compared: what it measures and its value, not where it sits."""

    iri: str
    role: str  # "target" or "context"
    indicator: str
    measure: str
    kind: str
    value: str
    unit: str
    comparator: str
    scope: str
    written: str  # number and unit as written, for the report

    @property
    def match_key(self) -> tuple[str, str, str]:
        return (self.role, self.indicator, self.kind)

    def describe(self) -> str:
        scope = f" [{self.scope}]" if self.scope else ""
        return f"{self.indicator} {self.written} {self.comparator or self.role}{scope}"


def _figures(g: Graph, task) -> tuple[FigureView, ...]:
    out = []
    for prop, role in ((PLAN.target, "target"), (PLAN.contextFigure, "context")):
        for f in g.objects(task, prop):
            unit = g.value(f, PLAN.unitAsWritten) or _tail(g.value(f, QUDT.unit) or "", "/")
            start = g.value(f, PLAN.charStart)
            out.append((int(start) if start is not None else 0, str(f), FigureView(
                str(f), role, str(g.value(f, PLAN.indicatorAsWritten) or ""),
                _tail(g.value(f, PLAN.indicator) or "", "/indicator/"),
                _tail(g.value(f, PLAN.figureKind) or "", "/"), str(g.value(f, QUDT.numericValue) or ""),
                str(unit), _tail(g.value(f, PLAN.comparator) or "", "/") if role == "target" else "",
                str(g.value(f, PLAN.scope) or ""), f"{g.value(f, PLAN.numberAsWritten) or ''}{unit}")))
    return tuple(v for _, _, v in sorted(out))


@dataclass(frozen=True)
class TaskView:
    """What a steward compares in a task, and where it sits in the plan's outline."""

    key: str  # the IRI tail: "21", or "12-2" for a repeated number
    number: str
    text: str
    lead: tuple[str, ...]
    responsible: tuple[str, ...]
    figures: tuple[FigureView, ...]
    location: tuple[str | None, str | None]  # section key, sub-section key
    place: str  # "section 九" or "sub-section 三（二）"

    @property
    def deepest(self) -> str | None:
        return self.location[1] or self.location[0]

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(f.describe() for f in self.figures if f.role == "target")


def _names(g: Graph, task, prop) -> tuple[str, ...]:
    mentions = sorted(g.objects(task, prop), key=lambda m: int(g.value(m, PLAN.position) or 0))
    return tuple(str(g.value(m, PLAN.nameAsWritten) or "") for m in mentions)


def tasks(g: Graph, outline: dict[str, SectionView] | None = None) -> dict[str, TaskView]:
    """Tasks by IRI tail, with what a diff compares."""
    outline = sections(g) if outline is None else outline
    out = {}
    for task in g.subjects(RDF.type, PLAN.Task):
        key = _tail(task, "/task/")
        sec, sub = g.value(task, PLAN.section), g.value(task, PLAN.subsection)
        location = (_tail(sec, "/section/") if sec else None, _tail(sub, "/section/") if sub else None)
        shown = outline.get(location[1] or location[0] or "")
        out[key] = TaskView(
            key, str(g.value(task, PLAN.number)), str(g.value(task, PLAN.text) or ""),
            _names(g, task, PLAN.leadMention), _names(g, task, PLAN.responsibleMention), _figures(g, task),
            location, shown.label() if shown else "no section")
    return out


@dataclass(frozen=True)
class TargetChange:
    """A figure of a task added, removed or changed (the fields of FIELDS that differ)."""

    number: str
    what: str  # added, removed, changed
    old: FigureView | None
    new: FigureView | None
    fields: tuple[str, ...] = ()

    def line(self) -> str:
        o, n = self.old, self.new
        if self.what == "added":
            return f"+ task {self.number} {n.role} added: {n.describe()}"
        if self.what == "removed":
            return f"- task {self.number} {o.role} removed: {o.describe()}"
        return f"~ task {self.number} {n.role} changed ({', '.join(self.fields)}): {o.describe()} → {n.describe()}"

    def add_to(self, g: Graph, node: URIRef) -> None:
        prop = {"added": PLAN.addedTarget, "removed": PLAN.removedTarget, "changed": PLAN.changedTarget}[self.what]
        g.add((node, prop, URIRef((self.new or self.old).iri)))


def figure_changes(old: TaskView, new: TaskView) -> list[TargetChange]:
    """The figures added, removed or changed between two versions of one task."""
    a, b = old.figures, new.figures
    changes = []
    blocks = SequenceMatcher(a=[f.match_key for f in a], b=[f.match_key for f in b], autojunk=False)
    for op, i1, i2, j1, j2 in blocks.get_opcodes():
        pairs = list(zip(a[i1:i2], b[j1:j2])) if op == "equal" or (i2 - i1 == j2 - j1) else []
        for x, y in pairs:
            fields = tuple(f for f in FIELDS if getattr(x, f) != getattr(y, f))
            if fields:
                changes.append(TargetChange(new.number, "changed", x, y, fields))
        if not pairs:
            changes += [TargetChange(new.number, "removed", x, None) for x in a[i1:i2]]
            changes += [TargetChange(new.number, "added", None, y) for y in b[j1:j2]]
    return changes
