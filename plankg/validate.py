"""Plan graph + reference graph → SHACL validation report, each result tied to its task and line.

The rules are ``shapes/*.ttl`` (SHACL Core, and SHACL-SPARQL where Core cannot compare a task
with its neighbours), read from the package resources. pySHACL runs them with no inference —
the graph says what the document says — and with SHACL-AF on for the SPARQL constraints.
A :class:`Report` is the standard ``sh:ValidationReport`` (:meth:`Report.to_turtle`,
:meth:`Report.to_json`) plus a reading grouped by task for people (:meth:`Report.to_text`).
Nothing here knows about the CLI or the web: both call :func:`validate` and these methods.
The report and its results are in plankg.validate_report, the speed-up of pySHACL's queries in
plankg.validate_queries, the fast path in plankg.fastshacl.
"""
from __future__ import annotations

from functools import lru_cache

from rdflib import Graph, URIRef

from . import config, fastshacl, resources, validate_reading
from .validate_queries import _focused
from .validate_report import BLOCKING, SEVERITY, Report, Result, _report, _tag_languages  # noqa: F401 (public here)
from .vocab import PLAN, RDF, SH


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """All of shapes/*.ttl in one graph, parsed once."""
    g = Graph()
    for ttl in resources.listing("shapes", ".ttl"):
        g.parse(data=ttl.read_text(encoding="utf-8"), format="turtle")
    return g


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
        report = _pyshacl(focused if focused.store.context_aware else _focused(_in_memory(data)), shapes, focus_nodes)
    validate_reading.add_results(focused, report, focus_nodes)  # lines of the text not read: SourceLineRead
    _tag_languages(report, shapes)
    return _report(focused, report, list(report.subjects(RDF.type, SH.ValidationResult)), shapes)


def _in_memory(data: Graph) -> Graph:
    """A copy of ``data`` in rdflib's default store: pySHACL needs a context-aware one, and the
    data graph of an amendment (plankg.facts.union) is in SimpleMemory."""
    copy = Graph()
    copy += data
    return copy


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


def validate_change(old, new, data: Graph, previous: Graph | None) -> Report:
    """The report on ``data`` (``new`` + the reference graph), re-checking only what changed.

    Args:
        old, new: the plan's graph before and after the change (rdflib graphs or
            plankg.facts.Facts: what changed is worked out on Oxigraph terms either way).
        previous: the stored report on ``old`` (its sh:ValidationReport graph); None checks in full.
    """
    from .facts import Facts
    from .store import memoised, to_rdflib

    old, new = Facts.from_graph(old), Facts.from_graph(new)
    before, after = set(old.triples), set(new.triples)
    changed = before ^ after
    t = _ox_terms()

    def structural(node) -> bool:
        return any(ox_triple(node, t["type"], c) in g for g in (after, before) for c in t["structure"])

    ox_triple = t["triple"]
    if previous is None or any((p in t["global"] and structural(s)) or (p == t["type"] and o in t["structure"])
                               for s, p, o in changed):
        return validate(data)
    subjects = {x.subject for x in changed}
    touched = subjects | {x.object for x in changed if t["is_iri"](x.object)}
    # the tasks whose own triples changed, or those of a part of theirs (a mention, a target)
    tasks = set()
    for g in (before, after):
        pointing: dict = {}
        for x in g:
            if x.object in subjects:
                pointing.setdefault(x.object, set()).add(x.subject)
        tasks |= {n for x in subjects for n in (x, *pointing.get(x, ())) if ox_triple(n, t["type"], t["task"]) in g}
    out = new.outgoing()
    focus = set(touched)
    for task in tasks:
        focus.add(task)
        for _, part in out.get(task, ()):
            if t["is_iri"](part):
                focus.add(part)
                focus.update(o for p, o in out.get(part, ()) if p == t["refers"])
    focus.update(x.object for x in after if x.predicate == t["headline"])
    present = {n for n in focus if n in out}
    back = memoised(to_rdflib)
    focus, present = {back(n) for n in focus}, {back(n) for n in present}
    shapes = shapes_graph()
    partial = validate(data, focus_nodes=sorted(present))
    kept = [n for n in previous.subjects(RDF.type, SH.ValidationResult)
            if previous.value(n, SH.focusNode) not in focus]
    merged = Graph()
    merged += partial.graph
    merged += previous
    return _report(_focused(data), merged, kept + list(partial.graph.subjects(RDF.type, SH.ValidationResult)),
                   shapes)


@lru_cache(maxsize=1)
def _ox_terms() -> dict:
    """The terms :func:`validate_change` looks for, as pyoxigraph terms."""
    import pyoxigraph as ox

    def node(term):
        return ox.NamedNode(str(term))
    return {"type": node(RDF.type), "task": node(PLAN.Task), "refers": node(PLAN.refersTo),
            "headline": node(PLAN.headlineTarget), "structure": tuple(node(c) for c in _STRUCTURE),
            "global": {node(p) for p in _GLOBAL}, "triple": ox.Triple,
            "is_iri": lambda term: isinstance(term, ox.NamedNode)}


def stored_report(text: str) -> Graph:
    """A report kept as Turtle (``Report.to_turtle``), as a graph for :func:`validate_change`."""
    return Graph().parse(data=text, format="turtle")


__all__ = ["Report", "Result", "shapes_graph", "validate"]
