"""A proposed change → candidate version → inference and rule checks → accepted or rejected.

One function, :func:`amend`, serves ``plankg amend`` and the server's ``/update`` alike. A change
is either a revised text of the whole plan or a SPARQL Update applied to the plan's current
graph. The candidate is built and checked in memory, scoped to that plan (its graph plus the
shared ontology and registry), so the cost does not grow with the number of plans loaded.
A rejected change writes nothing; an accepted one becomes a new version (plankg.versions).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.plugins.sparql.algebra import translateUpdate
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from . import pipeline
from .graph import Iris
from .sources import PlanSyntaxError
from .store import memoised, to_ox, to_rdflib
from .versions import Repository, Version

ALLOWED_OPERATIONS = {"InsertData", "DeleteData", "DeleteWhere", "Modify"}


class AmendmentError(ValueError):
    """The change cannot be applied at all (as opposed to applied and then failing the checks)."""


@dataclass(frozen=True)
class SparqlUpdate:
    text: str
    source: str = "SPARQL Update"


@dataclass(frozen=True)
class RevisedText:
    path: Path


@dataclass
class Outcome:
    plan: str
    accepted: bool
    report: object  # plankg.validate.Report
    candidate: Graph
    version: Version | None = None


def _walk(node):
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _walk(value)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)


def _field(op: CompValue, key: str):
    """A field of an algebra node, or None (CompValue.get returns the key itself when missing)."""
    return op[key] if key in op else None


def check_update(text: str) -> None:
    """Refuse updates that could reach beyond the plan's own graph (LOAD, SERVICE, GRAPH, WITH …)."""
    try:
        update = translateUpdate(parseUpdate(text))
    except Exception as e:  # rdflib raises pyparsing errors and others
        raise AmendmentError(f"the update is not valid SPARQL 1.1 Update: {str(e).splitlines()[0]}") from None
    if not update.algebra:
        raise AmendmentError("the update is empty")
    for op in update.algebra:
        if op.name not in ALLOWED_OPERATIONS:
            raise AmendmentError(f"{op.name.upper()} is not allowed: an amendment may only INSERT and DELETE "
                                 "triples of the plan's own graph")
        if _field(op, "withClause") is not None or _field(op, "using"):
            raise AmendmentError("WITH and USING are not allowed: the update applies to the plan's graph")
        for part in (op, _field(op, "insert"), _field(op, "delete")):
            if isinstance(part, CompValue) and _field(part, "quads"):
                raise AmendmentError("GRAPH blocks are not allowed: write the triples without GRAPH; "
                                     "the update applies to the plan's own graph")
        for node in _walk(_field(op, "where")):
            if node.name == "ServiceGraphPattern":
                raise AmendmentError("SERVICE is not allowed in an amendment")
            if node.name == "GraphGraphPattern":
                raise AmendmentError("GRAPH patterns are not allowed in an amendment")


def apply_update(graph: Graph, text: str) -> Graph:
    """The graph after a (checked) SPARQL Update, run by Oxigraph on a private in-memory copy."""
    check_update(text)
    store = ox.Store()
    to = memoised(to_ox)
    store.extend(ox.Quad(to(s), to(p), to(o), ox.DefaultGraph()) for s, p, o in graph)
    try:
        store.update(text)
    except (SyntaxError, ValueError, RuntimeError, OSError) as e:
        raise AmendmentError(f"the update failed: {str(e).splitlines()[0]}") from None
    out = Graph()
    for prefix, ns in graph.namespaces():
        out.bind(prefix, ns)
    back = memoised(to_rdflib)
    out.addN((back(q.subject), back(q.predicate), back(q.object), out)
             for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return out


def candidate(repo: Repository, plan: str, change, current: Graph | None = None) -> Graph:
    """The plan as it would be after the change (nothing is written)."""
    if isinstance(change, SparqlUpdate):
        result = apply_update(current if current is not None else repo.version_graph(plan), change.text)
    elif isinstance(change, RevisedText):
        try:
            meta = pipeline.find_meta(repo.settings, change.path, plan)
            result = pipeline.build(change.path, repo.settings, meta=meta).graph
        except (PlanSyntaxError, pipeline.MetadataError) as e:
            raise AmendmentError(str(e)) from None
        built = str(Iris(repo.settings.base, meta.division_code, meta.year).plan)
        if built != plan:
            raise AmendmentError(f"{change.path} is the text of {built}, not of {plan}")
    else:  # pragma: no cover - programming error
        raise TypeError(f"not a change: {change!r}")
    try:
        found = str(pipeline.plan_iri(result))
    except ValueError:
        raise AmendmentError(f"the change removes the plan node {plan} itself") from None
    if found != plan:
        raise AmendmentError(f"the change turns the graph into a description of {found}, not {plan}")
    return result


def amend(repo: Repository, plan: str, change, *, agent: str, message: str, hooks=None,
          accept=(), reason: str | None = None) -> Outcome:
    """Build the candidate, check it, and store it as a new version only if it conforms.

    Args:
        accept: keys (RULE@FOCUS, as the report prints them) of results needing acknowledgement
            that the steward accepts; each must name such a result of this candidate.
        reason: why; kept with each acknowledgement in the version's PROV record.
    Acknowledgements of earlier versions still hold while the result keeps its value.
    """
    from .validate import stored_report, validate_change

    accept = [a.strip() for a in accept if a and a.strip()]
    if accept and not (reason or "").strip():
        raise AmendmentError("an acknowledgement needs a reason (--reason TEXT / reason=)")
    repo.current(plan)  # a clear error for an unknown plan, before any work
    old = repo.version_graph(plan)
    new = candidate(repo, plan, change, old)
    data = Graph()
    data += new
    data += repo.shared_for(plan)
    kept = repo.report_text(plan)
    # only what the change touches is re-checked, against the report kept with the current version
    report = validate_change(old, new, data, stored_report(kept) if kept else None)
    acknowledged = _acknowledge(report, accept, repo.acknowledgements(plan))
    if not report.conforms:
        return Outcome(plan, False, report, new)
    used = change.text if isinstance(change, SparqlUpdate) else change.path.name
    version = repo.commit(plan, new, agent=agent, message=message, used=used, report=report, hooks=hooks,
                         acknowledged=[(r, reason) for r in acknowledged])
    return Outcome(plan, True, report, new, version)


def _acknowledge(report, keys: list[str], earlier: dict) -> list:
    """Mark the results named by ``keys`` acknowledged (and those acknowledged in earlier versions);
    refuse a key that names none of them. Returns the results newly acknowledged."""
    needing = {r.key: r for r in report.needing_acknowledgement}
    accepted = dict(earlier)
    others = {r.key for r in report.results if r.severity != "NeedsAcknowledgement"}
    out = []
    for key in keys:
        if key not in needing:
            why = ("it is a violation or warning, which cannot be acknowledged" if key in others else
                   "no result needing acknowledgement has this key")
            shown = ", ".join(sorted(needing)) or "none"
            raise AmendmentError(f"--accept {key}: {why} (results needing acknowledgement: {shown})")
        r = needing[key]
        accepted[key] = None if r.value is None else str(r.value)
        out.append(r)
    report.acknowledge(accepted)
    return out
