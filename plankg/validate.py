"""Plan graph + reference graph → SHACL validation report, each result tied to its task and line.

The rules are ``shapes/*.ttl`` (SHACL Core, and SHACL-SPARQL where Core cannot compare a task
with its neighbours), read from the package resources. pySHACL runs them with no inference —
the graph says what the document says — and with SHACL-AF on for the SPARQL constraints.
A :class:`Report` is the standard ``sh:ValidationReport`` (:meth:`Report.to_turtle`,
:meth:`Report.to_json`) plus a reading grouped by task for people (:meth:`Report.to_text`).
Nothing here knows about the CLI or the web: both call :func:`validate` and these methods.
"""
from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.graph import ConjunctiveGraph
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from . import config, fastshacl, resources
from .vocab import PLAN, RDF, SH, SKOS

# plan:NeedsAcknowledgement (a SHACL severity of our own, ontology/plankg.ttl): an unusual but
# possible figure. It blocks like a Violation unless the steward acknowledges that very result.
SEVERITY = {SH.Violation: "Violation", PLAN.NeedsAcknowledgement: "NeedsAcknowledgement",
            SH.Warning: "Warning", SH.Info: "Info"}
BLOCKING = ("Violation", "NeedsAcknowledgement")
_MENTIONS = (PLAN.leadMention, PLAN.responsibleMention)
_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """All of shapes/*.ttl in one graph, parsed once."""
    g = Graph()
    for ttl in resources.listing("shapes", ".ttl"):
        g.parse(data=ttl.read_text(encoding="utf-8"), format="turtle")
    return g


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

    def to_text(self) -> str:
        """One line per result, in document order so a task's results stand together."""
        lines = []
        for r in self.results:
            where = f"{r.place} (line {r.line})" if r.line else r.place
            message = " / ".join(m for m in (r.message_zh, r.message_en) if m)
            shown = _show(r.value)
            if shown and shown not in message:
                message += f": {shown}"
            if r.severity == "NeedsAcknowledgement":
                how = "acknowledged" if self.is_acknowledged(r) else "to accept it: --accept"
                message += f" [{how} {r.key}]"
            lines.append(f"{where}  {r.severity}  {message}")
        counts = f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s)"
        if self.needing_acknowledgement:
            open_ = sum(1 for r in self.needing_acknowledgement if not self.is_acknowledged(r))
            counts += f", {len(self.needing_acknowledgement)} needing acknowledgement ({open_} not acknowledged)"
        lines.append(f"conforms: {counts}" if self.conforms else f"does not conform: {counts}")
        return "\n".join(lines) + "\n"


def validate(data: Graph, shapes: Graph | None = None, focus_nodes=None) -> Report:
    """Check one plan's graph, merged with the reference graph (``pipeline.reference_graph``).

    Args:
        data: the plan's asserted triples plus the ontology and registry; not modified.
        shapes: a shapes graph to use instead of shapes/*.ttl.
        focus_nodes: check only these nodes (each against the shapes that target it).
    """
    shapes = shapes if shapes is not None else shapes_graph()
    focused = _focused(data)
    if focus_nodes is not None and not focus_nodes:
        return _report(focused, Graph(), [], shapes)
    report = None
    if config.validator() == "fast":
        report = _fast(focused, shapes, focus_nodes)
    if report is None:
        report = _pyshacl(focused, shapes, focus_nodes)
    _tag_languages(report, shapes)
    return _report(focused, report, list(report.subjects(RDF.type, SH.ValidationResult)), shapes)


def _pyshacl(data: Graph, shapes: Graph, focus_nodes) -> Graph:
    """pySHACL's report: the reference (PLANKG_VALIDATOR=pyshacl), and what runs on shapes the
    fast path does not implement."""
    import pyshacl  # imported here: it takes a second, and the fast path does not need it

    # No sh:rule means pySHACL writes nothing, so it may skip copying the graph.
    writes = (None, SH.rule, None) in shapes
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                    allow_warnings=True, allow_infos=True, inplace=not writes,
                                    focus_nodes=list(focus_nodes) if focus_nodes is not None else None)
    return report


_compiled: dict = {}  # id(shapes graph) → (graph, its size, compiled shapes or the reason why not)


def _fast(data: Graph, shapes: Graph, focus_nodes) -> Graph | None:
    """plankg.fastshacl's report, or None when the shapes use a feature it does not implement."""
    entry = _compiled.get(id(shapes))
    if entry is None or entry[0] is not shapes or entry[1] != len(shapes):
        try:
            compiled = fastshacl.compile_shapes(shapes)
        except fastshacl.Unsupported as why:
            compiled = why
        entry = _compiled[id(shapes)] = (shapes, len(shapes), compiled)
    compiled = entry[2]
    if isinstance(compiled, fastshacl.Unsupported):
        return None
    try:
        rows = fastshacl.run(compiled, data, set(focus_nodes) if focus_nodes is not None else None)
    except fastshacl.Unsupported:  # this graph has something the fast path cannot mirror
        return None
    return fastshacl.report_graph(compiled, rows, data)


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


# -- Checking a change: only what it can affect ---------------------------------------------
# A change to a plan that conformed (with its report kept) can alter only the results of the
# nodes it touches and of the tasks they belong to: every rule reads a task, its mentions and
# targets, and what those refer to. The exceptions compare a node with its neighbours (numbers
# unique and in sequence, declared counts): a change to the numbering, order or lines of tasks,
# sections or sub-sections, or to the set of them, is checked in full. A headline target is
# compared with the tasks' targets, so the plan's headline targets are always checked again.
# tests/test_validate_change.py compares both ways on many changes.

_GLOBAL = {PLAN.number, PLAN.sourceLine, PLAN.inPlan, PLAN.taskId, PLAN.sequence, PLAN.numberingScope,
           PLAN.numeral, PLAN.section}
_STRUCTURE = (PLAN.Task, PLAN.Section, PLAN.Subsection)


def validate_change(old: Graph, new: Graph, data: Graph, previous: Graph | None) -> Report:
    """The report on ``data`` (``new`` + the reference graph), re-checking only what changed.

    Args:
        old, new: the plan's graph before and after the change.
        previous: the stored report on ``old`` (its sh:ValidationReport graph); None checks in full.
    """
    changed = set(new) ^ set(old)

    def structural(node) -> bool:
        return any((node, RDF.type, c) in g for g in (new, old) for c in _STRUCTURE)

    if previous is None or any((p in _GLOBAL and structural(s)) or (p == RDF.type and o in _STRUCTURE)
                               for s, p, o in changed):
        return validate(data)
    subjects = {s for s, _, _ in changed}
    touched = subjects | {o for _, _, o in changed if isinstance(o, URIRef)}
    # the tasks whose own triples changed, or those of a part of theirs (a mention, a target)
    tasks = {t for g in (old, new) for x in subjects
             for t in (x, *g.subjects(None, x)) if (t, RDF.type, PLAN.Task) in g}
    focus = set(touched)
    for task in tasks:
        focus.add(task)
        for part in new.objects(task, None):
            if isinstance(part, URIRef):
                focus.add(part)
                focus.update(new.objects(part, PLAN.refersTo))
    focus.update(new.objects(None, PLAN.headlineTarget))
    present = {n for n in focus if (n, None, None) in new}
    shapes = shapes_graph()
    partial = validate(data, focus_nodes=sorted(present))
    kept = [n for n in previous.subjects(RDF.type, SH.ValidationResult)
            if previous.value(n, SH.focusNode) not in focus]
    merged = Graph()
    merged += partial.graph
    merged += previous
    return _report(_focused(data), merged, kept + list(partial.graph.subjects(RDF.type, SH.ValidationResult)),
                   shapes)


def stored_report(text: str) -> Graph:
    """A report kept as Turtle (``Report.to_turtle``), as a graph for :func:`validate_change`."""
    return Graph().parse(data=text, format="turtle")


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


# -- Making pySHACL's SPARQL constraints fast on rdflib ---------------------------------------
# pySHACL sends each constraint's query text once per focus node, with $this bound. rdflib parses
# the text every time (≈10 ms, more than the evaluation), and orders a query's triple patterns
# when it parses, without knowing that $this will be bound, so a query may start from "every
# mention of the plan" instead of "this task's mentions". The graph below parses each text once
# and puts the patterns joined to $this first: on the bundled plan 2 s instead of 200 s.

class _FocusedGraph(Graph):
    """A view of a graph whose SPARQL queries are parsed once and ordered for a bound $this."""

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


def _focused(data: Graph) -> _FocusedGraph:
    if type(data) is Graph:  # same store, no copy
        return _FocusedGraph(store=data.store, identifier=data.identifier, namespace_manager=data.namespace_manager)
    out = _FocusedGraph()
    quads = data.quads((None, None, None, None)) if isinstance(data, (Dataset, ConjunctiveGraph)) else (
        (s, p, o, None) for s, p, o in data)
    for s, p, o, _ in quads:
        out.add((s, p, o))
    return out


_parsed = threading.local()  # per thread: rdflib writes evaluation state into a parsed query


def _prepared(text: str):
    cache = _parsed.__dict__.setdefault("queries", {})
    if text not in cache:
        cache[text] = query = prepareQuery(text)
        if "$this" in text:  # a constraint, run with the focus node bound; a SPARQL target
            _order(query.algebra, frozenset({Variable("this")}))  # (?this) is left as written
    return cache[text]


def _order(node, known: frozenset) -> None:
    """Reorder every basic graph pattern so that patterns with bound variables run first.

    ``known`` are the variables bound when the node is evaluated: $this, and inside FILTER
    (NOT) EXISTS and OPTIONAL also those of the pattern they apply to.
    """
    if isinstance(node, (list, tuple)):
        for item in node:
            _order(item, known)
        return
    if not isinstance(node, CompValue):
        return
    name, part = node.name, lambda key: OrderedDict.get(node, key)
    if name == "BGP":
        node["triples"] = _bound_first(part("triples"), known)
    elif name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
        _order(vars(node).get("graph", part("graph")), known)  # rdflib keeps the translated pattern as an attribute
    elif name in ("Filter", "Extend"):
        _order(part("p"), known)
        _order(part("expr"), known | _vars(part("p")))
    elif name == "LeftJoin" or (name == "Join" and part("lazy")):
        _order(part("p1"), known)
        _order(part("p2"), known | _vars(part("p1")))
        _order(part("expr"), known | _vars(part("p1")) | _vars(part("p2")))
    else:
        for value in node.values():
            _order(value, known)


def _vars(node) -> frozenset:
    return frozenset(OrderedDict.get(node, "_vars") or ()) if isinstance(node, CompValue) else frozenset()


def _bound_first(triples, known: frozenset) -> list:
    """Greedy order: patterns joined to what is bound first, then fewest unbound variables."""
    todo, done, known = list(triples), [], set(known)

    def cost(t):
        free = sum(isinstance(x, Variable) and x not in known for x in t)
        bound = sum(isinstance(x, Variable) and x in known for x in t)
        return (free > 0 and bound == 0, free, -bound)

    while todo:
        best = min(todo, key=cost)
        todo.remove(best)
        done.append(best)
        known.update(x for x in best if isinstance(x, Variable))
    return done


__all__ = ["Report", "Result", "shapes_graph", "validate"]
