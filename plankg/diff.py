"""Two versions of a plan → what moved and what changed, in words for stewards and as RDF for machines.

What a steward asks of a revision: which sections and sub-sections were added, removed, renamed or
renumbered; which tasks were added, removed, changed (text, units) or moved to another section; which
targets changed (value, comparator, indicator, unit, scope); which units appeared or disappeared.
Where a node sits in the source (plan:charStart, plan:charEnd, plan:sourceLine) is not content: one
longer name early in the text moves every later offset, so offsets are compared apart and reported
as one count ("1,804 offsets shifted"), never as changed tasks or counted triples.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef

from .diff_parts import SectionChange, TargetChange, TaskView, figure_changes, match_sections, sections, tasks
from .vocab import PLAN, RDF, RDFS, SKOS, XSD
from .word_diff import marked

OFFSETS = (PLAN.charStart, PLAN.charEnd, PLAN.sourceLine)


@dataclass(frozen=True)
class Move:
    """A task whose section or sub-section is another one (after matching renumbered sections)."""

    task: TaskView
    old: TaskView


@dataclass
class Diff:
    old_label: str
    new_label: str
    added: list[TaskView] = field(default_factory=list)
    removed: list[TaskView] = field(default_factory=list)
    changed: list[tuple[TaskView, TaskView, list[str]]] = field(default_factory=list)
    moved: list[Move] = field(default_factory=list)
    sections: list[SectionChange] = field(default_factory=list)
    targets: list[TargetChange] = field(default_factory=list)
    units_appeared: list[str] = field(default_factory=list)
    units_disappeared: list[str] = field(default_factory=list)
    triples_added: int = 0
    triples_removed: int = 0
    offsets_shifted: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.moved or self.sections or self.targets
                    or self.units_appeared or self.units_disappeared)

    def count(self, what: str) -> int:
        return sum(1 for s in self.sections if s.what == what)

    def to_text(self) -> str:
        """The diff in words: a summary line, then one line per change (+ added, - removed, ~ changed, > moved)."""
        lines = [f"{self.old_label} → {self.new_label}: "
                 f"{self.count('added')} section(s) added, {self.count('removed')} removed, "
                 f"{self.count('renamed')} renamed, {self.count('renumbered')} renumbered; "
                 f"{len(self.added)} task(s) added, {len(self.removed)} removed, {len(self.changed)} changed, "
                 f"{len(self.moved)} moved; {len(self.targets)} target(s) changed; "
                 f"{self.triples_added:,} triple(s) added, {self.triples_removed:,} removed; "
                 f"{self.offsets_shifted:,} offset(s) shifted"]
        lines += [s.line() for s in self.sections]
        for t in self.added:
            lines.append(f"+ task {t.number} added in {t.place}: {_short(t.text)}")
        for t in self.removed:
            lines.append(f"- task {t.number} removed from {t.place}: {_short(t.text)}")
        for m in self.moved:
            lines.append(f"> task {m.task.number} moved from {m.old.place} to {m.task.place}")
        for old, new, aspects in self.changed:
            lines.append(f"~ task {new.number} changed ({', '.join(aspects)})")
            for aspect in (a for a in aspects if a != "targets"):  # targets: one line each, below
                if aspect == "text":  # the changed words in context, not the whole text twice
                    lines.append(f"    text: {marked(old.text, new.text)}")
                    continue
                lines.append(f"    {aspect}: {_aspect(old, aspect)}")
                lines.append(f"    {' ' * len(aspect)}→ {_aspect(new, aspect)}")
        lines += [c.line() for c in self.targets]
        lines += [f"+ unit appeared: {u}" for u in self.units_appeared]
        lines += [f"- unit disappeared: {u}" for u in self.units_disappeared]
        return "\n".join(lines) + "\n"


def _short(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[:size] + "…"


def _aspect(t: TaskView, aspect: str) -> str:
    value = getattr(t, aspect)
    return "、".join(value) if isinstance(value, tuple) else value


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


def without_offsets(g: Graph) -> Graph:
    """``g`` without the triples that say where a node sits in the source text."""
    out = Graph()
    for triple in g:
        if triple[1] not in OFFSETS:
            out.add(triple)
    return out


def shifted_offsets(old: Graph, new: Graph) -> int:
    """How many offsets (start, end, line) of nodes in both versions have another value."""
    count = 0
    for p in OFFSETS:
        before = {s: o for s, o in old.subject_objects(p)}
        count += sum(1 for s, o in new.subject_objects(p) if s in before and before[s] != o)
    return count


def diff(old: Graph, new: Graph, old_label: str = "old", new_label: str = "new",
         reference: Graph | None = None) -> Diff:
    """Compare two versions of one plan; ``reference`` supplies unit names for registered units."""
    ref = reference or Graph()
    d = Diff(old_label, new_label)
    sa, sb = sections(old), sections(new)
    d.sections, matched = match_sections(sa, sb)
    a, b = tasks(old, sa), tasks(new, sb)
    d.added = [b[k] for k in sorted(set(b) - set(a), key=_natural)]
    d.removed = [a[k] for k in sorted(set(a) - set(b), key=_natural)]
    for k in sorted(set(a) & set(b), key=_natural):
        aspects = [f for f in ("text", "lead", "responsible") if getattr(a[k], f) != getattr(b[k], f)]
        changes = figure_changes(a[k], b[k])
        if changes:
            aspects.append("targets")
            d.targets += changes
        if aspects:
            d.changed.append((a[k], b[k], aspects))
        if tuple(matched.get(s) for s in a[k].location) != b[k].location:
            d.moved.append(Move(b[k], a[k]))
    ua, ub = _units(old + ref), _units(new + ref)
    d.units_appeared, d.units_disappeared = sorted(ub - ua), sorted(ua - ub)
    plain_old, plain_new = without_offsets(old), without_offsets(new)
    d.triples_added, d.triples_removed = len(plain_new - plain_old), len(plain_old - plain_new)
    d.offsets_shifted = shifted_offsets(old, new)
    return d


def to_rdf(d: Diff, old_iri: str, new_iri: str, plan: str) -> Graph:
    """The diff as RDF: a plan:VersionDiff node naming what was added, removed, changed and moved."""
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
    for s in d.sections:
        s.add_to(g, node, plan)
    for m in d.moved:
        move = URIRef(f"{node}/move/{m.task.key}")
        g.add((node, PLAN.taskMove, move))
        g.add((move, RDF.type, PLAN.TaskMove))
        g.add((move, PLAN.movedTask, URIRef(f"{plan}/task/{m.task.key}")))
        g.add((move, PLAN.fromSection, URIRef(f"{plan}/section/{m.old.deepest}")))
        g.add((move, PLAN.toSection, URIRef(f"{plan}/section/{m.task.deepest}")))
        g.add((move, RDFS.label, Literal(f"task {m.task.number}: {m.old.place} → {m.task.place}")))
    for c in d.targets:
        c.add_to(g, node)
    for prop, names in ((PLAN.unitAppeared, d.units_appeared), (PLAN.unitDisappeared, d.units_disappeared)):
        for name in names:
            g.add((node, prop, Literal(name)))
    g.add((node, PLAN.triplesAdded, Literal(d.triples_added, datatype=XSD.integer)))
    g.add((node, PLAN.triplesRemoved, Literal(d.triples_removed, datatype=XSD.integer)))
    g.add((node, PLAN.offsetsShifted, Literal(d.offsets_shifted, datatype=XSD.integer)))
    return g
