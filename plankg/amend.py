"""A proposed change → candidate version → inference and rule checks → accepted or rejected.

One function, :func:`amend`, serves ``plankg amend`` and the server's ``/update`` alike. A change
is either a revised text of the whole plan or a SPARQL Update applied to the plan's current
graph. The candidate is built and checked in memory, scoped to that plan (its graph plus the
shared ontology and registry), so the cost does not grow with the number of plans loaded.
A rejected change writes nothing; an accepted one becomes a new version (plankg.versions); one
whose candidate is the current version (the same graph) is "no change" and writes nothing either.
``plankg build`` takes the same path with the text it built (:class:`BuiltText`, plankg.building).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.plugins.sparql.algebra import translateUpdate
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .check import check
from .facts import Facts, same_graph
from .versions import Repository, Version

ALLOWED_OPERATIONS = {"InsertData", "DeleteData", "DeleteWhere", "Modify"}


class AmendmentError(ValueError):
    """The change cannot be applied at all (as opposed to applied and then failing the checks).

    ``syntax``: the SPARQL syntax error of an update, when that is why (placed in the file by
    plankg.syntax_errors when the update came from one)."""

    def __init__(self, message: str, syntax: SyntaxError | None = None):
        super().__init__(message)
        self.syntax = syntax

    status = 400  # the HTTP status /update answers with


class UngovernedChange(AmendmentError):
    """The change would put triples into the plan's graph that a governed graph may not hold
    (plankg.governed): refused as an unprocessable amendment, with the triples named."""

    status = 422


@dataclass(frozen=True)
class ParsedUpdate:
    """A SPARQL Update as rdflib's algebra, with what the server needs to know before applying it."""

    algebra: list
    datasets: tuple[str, ...]  # the dataset clauses it has: "WITH", "USING", "USING NAMED"
    subjects: frozenset[str]   # the IRIs it names as subjects (templates and WHERE alike)
    objects: frozenset[str]    # … and as objects


@dataclass(frozen=True)
class SparqlUpdate:
    text: str
    source: str = "SPARQL Update"
    base: str | None = None  # relative IRIs resolve against it (the server passes its /update IRI); None: no resolution

    @cached_property
    def parsed(self) -> ParsedUpdate:
        return parse_update(self.text, self.base)


@dataclass(frozen=True)
class RevisedText:
    path: Path


@dataclass(frozen=True)
class BuiltText:
    """A plan text already built (``plankg build``, whose metadata may come from its options)."""

    path: Path
    graph: Graph


@dataclass
class Outcome:
    plan: str
    accepted: bool
    report: object  # plankg.validate.Report; None when nothing changed
    facts: Facts    # the candidate, as the write path holds it (Oxigraph triples)
    version: Version | None = None
    standing: str | None = None  # the report kept with the current version (Turtle), to tell new results apart
    changed: bool = True  # False: the candidate is the current version (nothing was checked or stored)
    acknowledged: list = field(default_factory=list)  # results newly acknowledged, for the record

    @property
    def candidate(self) -> Graph:
        """The candidate as an rdflib graph (made on first use)."""
        return self.facts.graph()


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


def parse_update(text: str, base: str | None = None) -> ParsedUpdate:
    """The update parsed, or AmendmentError with the parser's message on one line."""
    try:
        algebra = translateUpdate(parseUpdate(text), base=base).algebra
    except Exception as e:  # rdflib raises pyparsing errors and others
        syntax = _oxigraph_syntax_error(text, base)
        message = _said(syntax) if syntax else (str(e).splitlines()[0] if str(e) else type(e).__name__)
        raise AmendmentError(f"the update is not valid SPARQL 1.1 Update: {message}", syntax) from None
    if not algebra:
        raise AmendmentError("the update is empty")
    datasets = []
    for op in algebra:
        if _field(op, "withClause") is not None:
            datasets.append("WITH")
        for clause in _field(op, "using") or ():
            datasets.append("USING NAMED" if _field(clause, "named") is not None else "USING")
    triples = [t for node in _walk(algebra) for t in _field(node, "triples") or ()]
    subjects = frozenset(str(t[0]) for t in triples if isinstance(t[0], URIRef))
    objects = frozenset(str(t[2]) for t in triples if isinstance(t[2], URIRef))
    return ParsedUpdate(algebra, tuple(dict.fromkeys(datasets)), subjects, objects)


def _said(error: SyntaxError) -> str:
    """Oxigraph's message on one line, without the character classes it expects (long and unreadable)."""
    message = " ".join(str(error).split())
    classes = re.search(r",? \[", message)
    return message[:classes.start()] + ", …" if classes else message


def _oxigraph_syntax_error(text: str, base: str | None) -> SyntaxError | None:
    """Oxigraph's error for a malformed update, or None.

    rdflib's parser backtracks, so a missing brace at the end is reported as "found 'INSERT' at
    line 1, column 1"; Oxigraph's names the line and column where the text stops making sense.
    Oxigraph has no parse-only call, but it parses a whole update before running any of it, and
    here it runs on an empty in-memory store; text that could reach outside that store (LOAD,
    SERVICE, or \\u escapes, which SPARQL decodes before parsing and could spell them) is not tried.
    """
    if re.search(r"load|service|\\u", text, re.IGNORECASE):
        return None
    try:
        ox.Store().update(text, base_iri=base)
    except SyntaxError as e:
        return e
    except Exception:  # noqa: BLE001 - any other failure: rdflib's message stands
        return None
    return None


def check_update(update: SparqlUpdate) -> None:
    """Refuse updates that could reach beyond the plan's own graph (LOAD, SERVICE, GRAPH, WITH …)."""
    parsed = update.parsed
    for op in parsed.algebra:
        if op.name not in ALLOWED_OPERATIONS:
            raise AmendmentError(f"{op.name.upper()} is not allowed: an amendment may only INSERT and DELETE "
                                 "triples of the plan's own graph")
        for part in (op, _field(op, "insert"), _field(op, "delete")):
            if isinstance(part, CompValue) and _field(part, "quads"):
                raise AmendmentError("GRAPH blocks are not allowed: write the triples without GRAPH; "
                                     "the update applies to the plan's own graph")
        for node in _walk(_field(op, "where")):
            if node.name == "ServiceGraphPattern":
                raise AmendmentError("SERVICE is not allowed in an amendment")
            if node.name == "GraphGraphPattern":
                raise AmendmentError("GRAPH patterns are not allowed in an amendment")
    if parsed.datasets:
        verb = "is" if len(parsed.datasets) == 1 else "are"
        raise AmendmentError(f"{' and '.join(parsed.datasets)} {verb} not allowed: the update applies to the "
                             "plan's own graph")


def apply_update(graph: Graph | Facts, update: SparqlUpdate | str) -> Graph | Facts:
    """The graph after a (checked) SPARQL Update, run by Oxigraph on a private in-memory copy.

    Given plankg.facts.Facts, the result is Facts holding that store: nothing is converted."""
    if isinstance(update, str):
        update = SparqlUpdate(update)
    check_update(update)
    old = Facts.from_graph(graph)
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in old.triples)
    try:
        store.update(update.text, base_iri=update.base)
    except (SyntaxError, ValueError, RuntimeError, OSError) as e:
        raise AmendmentError(f"the update failed: {str(e).splitlines()[0]}") from None
    new = Facts(store=store, namespaces=_namespaces(old))
    return new if isinstance(graph, Facts) else new.graph()


def _namespaces(facts: Facts) -> list:
    """The prefixes a new rdflib graph has, and those of ``facts``."""
    g = Graph()
    for prefix, ns in facts.namespaces():
        g.bind(prefix, ns)
    return list(g.namespaces())


def candidate(repo: Repository, plan: str, change, current: Graph | Facts | None = None) -> Facts:
    """The plan as it would be after the change (nothing is written), as plankg.facts.Facts."""
    if isinstance(change, SparqlUpdate):
        old = current if current is not None else repo.version_facts(plan)
        result = apply_update(Facts.from_graph(old), change)
    elif isinstance(change, BuiltText):
        result = Facts.from_graph(change.graph)
    elif isinstance(change, RevisedText):
        from . import pipeline  # the reading chain: only for a revised text
        from .graph import Iris
        from .sources import PlanSyntaxError

        try:
            meta = pipeline.find_meta(repo.settings, change.path, plan)
            result = Facts.from_graph(pipeline.build(change.path, repo.settings, meta=meta).graph)
        except (PlanSyntaxError, pipeline.MetadataError) as e:
            raise AmendmentError(str(e)) from None
        built = str(Iris(repo.settings.base, meta.division_code, meta.year).plan)
        if built != plan:
            raise AmendmentError(f"{change.path} is the text of {built}, not of {plan}")
    else:  # pragma: no cover - programming error
        raise TypeError(f"not a change: {change!r}")
    try:
        found = result.plan()
    except ValueError:
        raise AmendmentError(f"the change removes the plan node {plan} itself") from None
    if found != plan:
        raise AmendmentError(f"the change turns the graph into a description of {found}, not {plan}")
    return result


def evaluate(repo: Repository, plan: str, change, *, accept=(), reason: str | None = None) -> Outcome:
    """The candidate and its check, nothing written: accepted, rejected, or unchanged (the
    candidate is the current version, so there is nothing to check or store)."""
    accept = [a.strip() for a in accept if a and a.strip()]
    if accept and not (reason or "").strip():
        raise AmendmentError("an acknowledgement needs a reason (--reason TEXT / reason=)")
    repo.current(plan)  # a clear error for an unknown plan, before any work
    old = repo.version_facts(plan)
    new = candidate(repo, plan, change, old)
    if same_graph(old, new):
        return Outcome(plan, False, None, new, changed=False)
    from . import governed  # the triples the change adds: the plan's own resources, in governed terms

    found = governed.added(repo.settings, plan, old, new)
    if found:
        raise UngovernedChange(governed.message(found))
    # only what the change touches is re-checked, against the report kept with the current version
    kept = repo.report_text(plan)
    report = check(new, repo.settings, since=(old, kept))
    acknowledged = _acknowledge(report, accept, repo.acknowledgements(plan))
    return Outcome(plan, report.conforms, report, new, acknowledged=acknowledged, standing=kept)


def record(repo: Repository, outcome: Outcome, change, *, agent: str, message: str, hooks=None,
           reason: str | None = None) -> Version:
    """Store an accepted outcome as the plan's next version, with its PROV record."""
    used = change.text if isinstance(change, SparqlUpdate) else change.path.name
    outcome.version = repo.commit(outcome.plan, outcome.facts, agent=agent, message=message, used=used,
                                  report=outcome.report, hooks=hooks,
                                  acknowledged=[(r, reason) for r in outcome.acknowledged])
    return outcome.version


def amend(repo: Repository, plan: str, change, *, agent: str, message: str, hooks=None,
          accept=(), reason: str | None = None) -> Outcome:
    """Build the candidate, check it, and store it as a new version only if it conforms.

    Args:
        accept: keys (RULE@FOCUS, as the report prints them) of results needing acknowledgement
            that the steward accepts; each must name such a result of this candidate.
        reason: why; kept with each acknowledgement in the version's PROV record.
    Acknowledgements of earlier versions still hold while the result keeps its value. A change
    that leaves the plan as it is stores nothing (``outcome.changed`` is False).
    """
    outcome = evaluate(repo, plan, change, accept=accept, reason=reason)
    if outcome.accepted:
        record(repo, outcome, change, agent=agent, message=message, hooks=hooks, reason=reason)
    return outcome


def proposal(path: Path):
    """The change in a file: a SPARQL Update (.ru, .rq, .sparql) or a revised text of the whole plan."""
    if not path.is_file():
        raise AmendmentError(f"{path}: no such file")
    if path.suffix in (".ru", ".rq", ".sparql"):
        return SparqlUpdate(path.read_text(encoding="utf-8"))
    return RevisedText(path)


def amend_from_file(settings, path: Path, plan: str | None, **options) -> Outcome:
    """``plankg amend``: the change in ``path`` to ``plan`` (default: the only plan), under the
    writers' lock that a running server's writers take too; the store is closed after, and an
    accepted version is indexed at once, so a server's next snapshot need not re-read it."""
    from .versions import choose_plan, close, write_lock

    with write_lock(settings.store_dir):
        repo = Repository.open(settings, validate=True)
        try:
            plan = choose_plan(repo.plans(), plan, repo.root)
            change = proposal(path)
            try:
                outcome = amend(repo, plan, change, **options)
            except AmendmentError as e:
                if e.syntax is None:
                    raise
                from .syntax_errors import sparql

                raise AmendmentError(sparql(path, change.text, e.syntax), e.syntax) from None
            if outcome.accepted:
                repo.index(plan, outcome.facts)
            return outcome
        finally:
            close(repo)


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
