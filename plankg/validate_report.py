"""A SHACL report graph → :class:`Report`: its results, each tied to its task, line and rule.

plankg.validate makes the report graph (pySHACL or the fast path); this module reads it the way
people and the state folder need it: results in document order, a place and a key for each,
messages tagged zh/en, acknowledgements taken into account.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .vocab import PLAN, RDF, SH, SKOS

# plan:NeedsAcknowledgement (a SHACL severity of our own, ontology/plankg.ttl): an unusual but
# possible figure. It blocks like a Violation unless the steward acknowledges that very result.
SEVERITY = {SH.Violation: "Violation", PLAN.NeedsAcknowledgement: "NeedsAcknowledgement",
            SH.Warning: "Warning", SH.Info: "Info"}
BLOCKING = ("Violation", "NeedsAcknowledgement")
_MENTIONS = (PLAN.leadMention, PLAN.responsibleMention)
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Result:
    """One validation result, located in the plan."""

    focus: Node
    severity: str          # "Violation", "Warning" or "Info"
    message_zh: str
    message_en: str
    value: Node | None     # sh:value: the offending value, if the rule names one
    shape: Node            # sh:sourceShape, e.g. plansh:Task-leadUnit
    constraint: Node       # sh:sourceConstraintComponent, e.g. sh:MinCountConstraintComponent
    task: URIRef | None    # the task the result concerns (the focus, or the task it belongs to)
    number: int | None     # that task's number
    line: int | None       # plan:sourceLine of the focus node, else of its task
    place: str             # "task 64", "section 二", "sub-section 三（一）", "unit 区发改委" …
    rule: str              # the shape's local name: Task-leadUnit, TaskNumberUnique …
    plan: URIRef | None = None  # the plan the focus node belongs to (for the acknowledgement key)

    @property
    def key(self) -> str:
        """RULE@FOCUS, the focus relative to its plan: what ``plankg amend --accept`` takes."""
        focus = str(self.focus)
        if self.plan is not None and focus.startswith(str(self.plan) + "/"):
            focus = focus[len(str(self.plan)) + 1:]
        return f"{self.rule}@{focus}"


@dataclass
class Report:
    """What :func:`validate` found: ``conforms`` is true when nothing blocks (warnings allowed).

    A result with the severity NeedsAcknowledgement blocks unless it is acknowledged: ``accepted``
    holds the acknowledged results' keys (:attr:`Result.key`) with the value each was given for.
    """

    graph: Graph           # the sh:ValidationReport, as pySHACL made it (messages tagged zh/en)
    results: list[Result]
    accepted: dict = field(default_factory=dict)  # key → sh:value (as str) acknowledged

    @property
    def conforms(self) -> bool:
        return not self.blocking

    @property
    def blocking(self) -> list[Result]:
        """Violations, and results needing an acknowledgement that have none."""
        return [r for r in self.results if r.severity == "Violation"
                or (r.severity == "NeedsAcknowledgement" and not self.is_acknowledged(r))]

    def acknowledge(self, accepted: dict) -> None:
        """Take these acknowledgements (key → value) into account, in ``conforms`` and the graph."""
        self.accepted.update(accepted)
        for report in self.graph.subjects(RDF.type, SH.ValidationReport):
            self.graph.set((report, SH.conforms, Literal(self.conforms)))

    def is_acknowledged(self, r: Result) -> bool:
        value = None if r.value is None else str(r.value)
        return r.key in self.accepted and self.accepted[r.key] == value

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def needing_acknowledgement(self) -> list[Result]:
        return [r for r in self.results if r.severity == "NeedsAcknowledgement"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Warning"]

    def to_turtle(self) -> str:
        """The standard SHACL validation report as Turtle."""
        return self.graph.serialize(format="turtle")

    def to_json(self) -> str:
        """The standard SHACL validation report as JSON-LD."""
        doc = json.loads(self.graph.serialize(format="json-ld", context={"sh": str(SH)}, auto_compact=True))
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"

    def line(self, r: Result) -> str:
        """One result as a line: place (line), severity, message, the acknowledgement key if it needs one."""
        where = f"{r.place} (line {r.line})" if r.line else r.place
        message = " / ".join(m for m in (r.message_zh, r.message_en) if m)
        shown = _show(r.value)
        if shown and shown not in message:
            message += f": {shown}"
        if r.severity == "NeedsAcknowledgement":
            how = "acknowledged" if self.is_acknowledged(r) else "to accept it: --accept"
            message += f" [{how} {r.key}]"
        return f"{where}  {r.severity}  {message}"

    def to_text(self) -> str:
        """One line per result, in document order so a task's results stand together."""
        lines = [self.line(r) for r in self.results]
        lines.append(self.summary())
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        """The last line of the text: conforms or not, and the counts."""
        counts = f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s)"
        if self.needing_acknowledgement:
            open_ = sum(1 for r in self.needing_acknowledgement if not self.is_acknowledged(r))
            counts += f", {len(self.needing_acknowledgement)} needing acknowledgement ({open_} not acknowledged)"
        return f"conforms: {counts}" if self.conforms else f"does not conform: {counts}"


def _report(data: Graph, source: Graph, nodes: list, shapes: Graph) -> Report:
    """A report holding the given result nodes of ``source`` (copied with what hangs off them)."""
    out, report = Graph(), BNode()
    for prefix, ns in source.namespaces():
        out.bind(prefix, ns)
    out.add((report, RDF.type, SH.ValidationReport))
    for node in nodes:
        out.add((report, SH.result, node))
        todo = [node]
        while todo:
            subject = todo.pop()
            for p, o in source.predicate_objects(subject):
                out.add((subject, p, o))
                if isinstance(o, BNode) and o != subject:
                    todo.append(o)
    results = [_result(out, node, data, shapes) for node in nodes]
    # the last keys order two results of one rule on one node alike whichever engine found them
    results.sort(key=lambda r: (_position(data, r), r.line or 0, list(SEVERITY.values()).index(r.severity),
                                r.rule, str(r.focus), str(r.constraint), r.message_en, r.message_zh, str(r.value)))
    out.add((report, SH.conforms, Literal(not any(r.severity in BLOCKING for r in results))))
    return Report(out, results)


# -- Results: where in the plan ------------------------------------------------------------

def _result(report: Graph, node, data: Graph, shapes: Graph) -> Result:
    focus = report.value(node, SH.focusNode)
    messages = list(report.objects(node, SH.resultMessage))
    zh = next((str(m) for m in messages if getattr(m, "language", None) == "zh"), "")
    en = next((str(m) for m in messages if getattr(m, "language", None) == "en"), "")
    if not (zh or en):  # a shape without sh:message: name the constraint component
        en = re.split(r"[#/]", str(report.value(node, SH.sourceConstraintComponent)))[-1]
    task = focus if (focus, RDF.type, PLAN.Task) in data else _owning_task(data, focus)
    number = data.value(task, PLAN.number) if task is not None else None
    line = data.value(focus, PLAN.sourceLine) or (data.value(task, PLAN.sourceLine) if task is not None else None)
    return Result(
        focus=focus,
        severity=SEVERITY.get(report.value(node, SH.resultSeverity), "Violation"),
        message_zh=zh, message_en=en,
        value=report.value(node, SH.value),
        shape=report.value(node, SH.sourceShape),
        constraint=report.value(node, SH.sourceConstraintComponent),
        task=task, number=int(number) if number is not None else None,
        line=int(line) if line is not None else None,
        place=_place(data, focus, task, number),
        rule=_rule(shapes, report.value(node, SH.sourceShape)),
        plan=_plan_of(data, focus, task),
    )


def _plan_of(data: Graph, focus, task) -> URIRef | None:
    """The plan a node belongs to: its own plan:inPlan, its task's, or the plan holding it."""
    for node in (focus, task):
        if node is not None and (plan := data.value(node, PLAN.inPlan)) is not None:
            return plan
    for prop in (PLAN.headlineTarget, PLAN.declaredCount, PLAN.statedMetadata, PLAN.preamble):
        if (plan := data.value(predicate=prop, object=focus)) is not None:
            return plan
    return focus if (focus, RDF.type, PLAN.Plan) in data else None


def _rule(shapes: Graph, shape) -> str:
    """The local name of a shape's IRI; for an anonymous property shape, that of its node shape."""
    if isinstance(shape, BNode):
        shape = shapes.value(predicate=SH.property, object=shape) or shape
    return re.split(r"[#/]", str(shape))[-1]


def _owning_task(data: Graph, focus) -> URIRef | None:
    """The task a unit mention or a target belongs to."""
    for prop in (*_MENTIONS, PLAN.target):
        task = data.value(predicate=prop, object=focus)
        if task is not None:
            return task
    return None


def _position(data: Graph, r: Result) -> tuple:
    """Where a result sorts: its task's line, else its own, else its section's; then the rest."""
    line = data.value(r.task, PLAN.sourceLine) if r.task is not None else None
    line = line or r.line or data.value(data.value(r.focus, PLAN.section), PLAN.sourceLine)
    return (line is None, int(line or 0))


def _place(data: Graph, focus, task, number) -> str:
    if task is not None:
        return f"task {number}" if number is not None else str(task)
    if (focus, RDF.type, PLAN.Subsection) in data:
        section = data.value(focus, PLAN.section)
        return f"sub-section {data.value(section, PLAN.numeral)}（{data.value(focus, PLAN.numeral)}）"
    if (focus, RDF.type, PLAN.Section) in data:
        return f"section {data.value(focus, PLAN.numeral)}"
    if any((focus, RDF.type, c) in data for c in (PLAN.DeclaredCount, PLAN.StatedMetadata, PLAN.Preamble)) \
            or (None, PLAN.headlineTarget, focus) in data:
        return "preamble"
    if (focus, RDF.type, PLAN.Plan) in data:
        return "plan"
    if (focus, RDF.type, PLAN.ReadingProblem) in data:
        return "text"
    label = next((str(lb) for lb in data.objects(focus, SKOS.prefLabel) if getattr(lb, "language", "") == "zh"), None)
    return f"unit {label}" if label else str(focus)


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Literal):
        return str(value)
    return re.split(r"[#/]", str(value))[-1] if "://" in str(value) else str(value)


def _tag_languages(report: Graph, shapes: Graph) -> None:
    """Give SPARQL-based messages back the language tag pySHACL drops when it fills in {?vars}.

    Each untagged message is matched against the templates of its constraint and shape.
    """
    for node in set(report.subjects(RDF.type, SH.ValidationResult)):
        templates = [t for src in (report.value(node, SH.sourceConstraint), report.value(node, SH.sourceShape))
                     if src is not None for t in shapes.objects(src, SH.message)]
        for message in list(report.objects(node, SH.resultMessage)):
            if not isinstance(message, Literal) or message.language:
                continue
            lang = next((t.language for t in templates if t.language and _fills(t, message)), None)
            lang = lang or ("zh" if _CJK.search(str(message)) else "en")
            report.remove((node, SH.resultMessage, message))
            report.add((node, SH.resultMessage, Literal(str(message), lang=lang)))


def _fills(template: Literal, message: Literal) -> bool:
    parts = re.split(r"\{[?$]\w+\}", str(template))
    return re.fullmatch(".*?".join(map(re.escape, parts)), str(message), re.DOTALL) is not None
