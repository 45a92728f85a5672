"""Two versions of a plan → what changed: tasks added, removed or changed (text, units, targets),
and units that appeared or disappeared — in words for stewards and as RDF for machines."""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef

from .vocab import PLAN, QUDT, RDF, RDFS, SKOS, XSD


@dataclass(frozen=True)
class TaskView:
    """What a steward compares in a task."""

    key: str  # the IRI tail: "21", or "12-2" for a repeated number
    number: str
    text: str
    lead: tuple[str, ...]
    responsible: tuple[str, ...]
    targets: tuple[str, ...]


@dataclass
class Diff:
    old_label: str
    new_label: str
    added: list[TaskView] = field(default_factory=list)
    removed: list[TaskView] = field(default_factory=list)
    changed: list[tuple[TaskView, TaskView, list[str]]] = field(default_factory=list)
    units_appeared: list[str] = field(default_factory=list)
    units_disappeared: list[str] = field(default_factory=list)
    triples_added: int = 0
    triples_removed: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.units_appeared or self.units_disappeared)

    def to_text(self) -> str:
        lines = [f"{self.old_label} → {self.new_label}: "
                 f"{len(self.added)} task(s) added, {len(self.removed)} removed, {len(self.changed)} changed; "
                 f"{self.triples_added} triple(s) added, {self.triples_removed} removed"]
        for t in self.added:
            lines.append(f"+ task {t.number} added: {t.text[:40]}")
        for t in self.removed:
            lines.append(f"- task {t.number} removed: {t.text[:40]}")
        for old, new, aspects in self.changed:
            lines.append(f"~ task {new.number} changed ({', '.join(aspects)})")
            for aspect in aspects:
                before, after = _aspect(old, aspect), _aspect(new, aspect)
                lines.append(f"    {aspect}: {before}")
                lines.append(f"    {' ' * len(aspect)}→ {after}")
        for u in self.units_appeared:
            lines.append(f"+ unit appeared: {u}")
        for u in self.units_disappeared:
            lines.append(f"- unit disappeared: {u}")
        return "\n".join(lines) + "\n"


def _aspect(t: TaskView, aspect: str) -> str:
    value = getattr(t, aspect)
    return "、".join(value) if isinstance(value, tuple) else value


def _names(g: Graph, task, prop) -> tuple[str, ...]:
    mentions = sorted(g.objects(task, prop), key=lambda m: int(g.value(m, PLAN.position) or 0))
    return tuple(str(g.value(m, PLAN.nameAsWritten) or "") for m in mentions)


def _targets(g: Graph, task) -> tuple[str, ...]:
    out = []
    for t in g.objects(task, PLAN.target):
        out.append(f"{g.value(t, PLAN.phrase) or ''} = {g.value(t, QUDT.numericValue)}")
    return tuple(sorted(out))


def tasks(g: Graph) -> dict[str, TaskView]:
    """Tasks by IRI (tail), with what a diff compares."""
    out = {}
    for task in g.subjects(RDF.type, PLAN.Task):
        key = str(task).rsplit("/task/", 1)[-1]
        out[key] = TaskView(
            key, str(g.value(task, PLAN.number)), str(g.value(task, PLAN.text) or ""),
            _names(g, task, PLAN.leadMention), _names(g, task, PLAN.responsibleMention), _targets(g, task))
    return out


def _units(g: Graph) -> set[str]:
    names = set()
    for unit in set(g.objects(None, PLAN.leadUnit)) | set(g.objects(None, PLAN.responsibleUnit)):
        label = next((str(l) for l in g.objects(unit, SKOS.prefLabel) if getattr(l, "language", None) == "zh"),
                     None)
        names.add(label or str(unit))
    return names


def _natural(key: str):
    head = key.split("-", 1)[0]
    return (int(head) if head.isdigit() else 0, key)


def diff(old: Graph, new: Graph, old_label: str = "old", new_label: str = "new",
         reference: Graph | None = None) -> Diff:
    """Compare two versions of one plan; ``reference`` supplies unit names for registered units."""
    ref = reference or Graph()
    a, b = tasks(old), tasks(new)
    d = Diff(old_label, new_label)
    d.added = [b[k] for k in sorted(set(b) - set(a), key=_natural)]
    d.removed = [a[k] for k in sorted(set(a) - set(b), key=_natural)]
    for k in sorted(set(a) & set(b), key=_natural):
        aspects = [f for f in ("text", "lead", "responsible", "targets") if getattr(a[k], f) != getattr(b[k], f)]
        if aspects:
            d.changed.append((a[k], b[k], aspects))
    ua, ub = _units(old + ref), _units(new + ref)
    d.units_appeared, d.units_disappeared = sorted(ub - ua), sorted(ua - ub)
    d.triples_added, d.triples_removed = len(new - old), len(old - new)
    return d


def to_rdf(d: Diff, old_iri: str, new_iri: str, plan: str) -> Graph:
    """The diff as RDF: a plan:VersionDiff node naming the added, removed and changed tasks."""
    g = Graph()
    g.bind("plan", PLAN)
    node = URIRef(f"{new_iri}/diff-from/{old_iri.rsplit('/', 1)[-1]}")
    g.add((node, RDF.type, PLAN.VersionDiff))
    g.add((node, PLAN.fromVersion, URIRef(old_iri)))
    g.add((node, PLAN.toVersion, URIRef(new_iri)))
    g.add((node, RDFS.label, Literal(f"{d.old_label} → {d.new_label}")))
    for prop, views in ((PLAN.addedTask, d.added), (PLAN.removedTask, d.removed),
                        (PLAN.changedTask, [new for _, new, _ in d.changed])):
        for v in views:
            g.add((node, prop, URIRef(f"{plan}/task/{v.key}")))
    for prop, names in ((PLAN.unitAppeared, d.units_appeared), (PLAN.unitDisappeared, d.units_disappeared)):
        for name in names:
            g.add((node, prop, Literal(name)))
    g.add((node, PLAN.triplesAdded, Literal(d.triples_added, datatype=XSD.integer)))
    g.add((node, PLAN.triplesRemoved, Literal(d.triples_removed, datatype=XSD.integer)))
    return g
