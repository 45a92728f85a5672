"""The current validation reports, for ``/validation`` and the results on each task page.

A report is made once per plan version, when its snapshot is published (or, for an accepted
update, taken from the amendment's own check), and kept as Turtle beside the snapshots; pages
read it from there. Without a state folder (a server started on a fixed store) the report is
computed once, on first use.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from plankg.vocab import PLAN_NS

SH = "http://www.w3.org/ns/shacl#"
PLAN = PLAN_NS
_cache: dict = {}
_lock = threading.Lock()


@dataclass
class Found:
    graph: Graph | None = None
    plans: list[dict] = field(default_factory=list)  # {plan, conforms, results}
    note: str = ""


def results(report: Graph) -> list[dict]:
    """The SHACL results of a report as plain rows, most severe first."""
    def value(r, name: str) -> str:
        return str(report.value(r, URIRef(SH + name)) or "")

    out = []
    for r in report.subjects(URIRef(SH + "resultSeverity"), None):
        messages = list(report.objects(r, URIRef(SH + "resultMessage")))
        message = next((m for m in messages if isinstance(m, Literal) and m.language == "zh"), None) or \
            next(iter(messages), "")
        out.append({"focus": value(r, "focusNode"), "path": value(r, "resultPath"),
                    "severity": value(r, "resultSeverity").rsplit("#", 1)[-1], "message": str(message),
                    "value": value(r, "value"), "shape": value(r, "sourceShape")})
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    return sorted(out, key=lambda r: (order.get(r["severity"], 3), r["focus"], r["path"]))


def _from_files(engine) -> Found:
    snapshots = engine.snapshots
    rows = engine.local(f"""SELECT ?plan ?n WHERE {{ ?plan <{PLAN}currentVersion> ?v .
                            ?v <{PLAN}versionNumber> ?n }} ORDER BY ?plan""").rows
    found, graph = Found(), Graph()
    for plan, number in rows:
        path = snapshots.report_path(plan, int(number))
        if not path.is_file():
            found.note = "no validation report has been made yet for the current version"
            continue
        g = Graph().parse(path, format="turtle")
        graph += g
        conforms = g.value(None, URIRef(SH + "conforms"))
        found.plans.append({"plan": plan, "version": int(number),
                            "conforms": conforms is None or conforms.toPython(), "results": results(g)})
    found.graph = graph if found.plans else None
    return found


def _computed(engine) -> Found:
    from .snapshots import validator

    validate = validator()
    if validate is None:
        return Found(note="validation is not available: plankg.validate is not installed")
    store = engine.store()
    found, graph = Found(), Graph()
    reference = engine.base + "graph/reference"
    shared = store.graph(reference)  # read once, not once per plan
    for plan in engine.plans():
        # what the plan says, its district's units and the reference, as amendments are checked
        data = Graph()
        data += shared
        for name in engine.plan_graphs([plan]):
            if name != reference and not name.endswith("/inferred"):
                data += store.graph(name)
        report = validate(data)
        g = Graph().parse(data=report.to_turtle(), format="turtle")
        graph += g
        found.plans.append({"plan": plan, "version": None, "conforms": bool(report.conforms), "results": results(g)})
    found.graph = graph
    return found


def current(engine) -> Found:
    """The reports of every plan's current version (cached until the data changes)."""
    key = engine.generation()
    with _lock:
        if key in _cache:
            return _cache[key]
    found = _from_files(engine) if getattr(engine, "snapshots", None) else _computed(engine)
    if not found.plans and not found.note:
        found.note = "no plans are loaded"
    with _lock:
        if len(_cache) > 8:
            _cache.clear()
        _cache[key] = found
    return found


def for_node(engine, iri: str) -> list[dict] | None:
    """The results about a resource or the nodes under it (a task's unit mentions and targets);
    None when there is no report to look in."""
    found = current(engine)
    if not found.plans:
        return None
    prefix = iri + "/"
    return [r for p in found.plans for r in p["results"] if r["focus"] == iri or r["focus"].startswith(prefix)]


def serialize(graph: Graph, output: str) -> bytes:
    from plankg.store import to_ox

    from . import formats

    return ox.serialize((ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph),
                        format=formats.GRAPHS[output][1], prefixes={"sh": SH, "plan": PLAN})
