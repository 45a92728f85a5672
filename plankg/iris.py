"""Reading plan IRIs: ``{base}plan/500103/2023`` → its division code, year and folder name.

The scheme itself is written by :class:`plankg.graph.Iris`; these are its inverses, kept in one
place so that a change of scheme is a change of two modules, not of every caller.
"""
from __future__ import annotations

from rdflib import Graph, URIRef

from .config import DEFAULT_BASE
from .vocab import PLAN, RDF


def plan_iri(graph: Graph) -> URIRef:
    """The plan a built graph describes (ValueError if it holds none)."""
    plan = graph.value(predicate=RDF.type, object=PLAN.Plan)
    if plan is None:
        raise ValueError("not a built plan (no plan:Plan in it)")
    return plan


def code_and_year(plan: str) -> tuple[str, str]:
    """…/plan/500103/2023 → ("500103", "2023")."""
    code, year = str(plan).rstrip("/").split("/")[-2:]
    return code, year


def district_of(base: str, plan: str) -> str:
    """The division code in a plan's IRI ({base}plan/500103/2023 → 500103)."""
    return str(plan)[len(base + "plan/"):].split("/", 1)[0]


def plan_key(plan: str) -> str:
    """…/plan/500103/2023 → 500103-2023: the name of the plan's built file and version folder."""
    return "-".join(code_and_year(plan))


def plan_for_key(base: str, key: str) -> str | None:
    """500103-2023 → {base}plan/500103/2023; None when ``key`` is not of that form."""
    code, sep, year = key.partition("-")
    if not (sep and len(code) == 6 and code.isdigit() and len(year) == 4 and year.isdigit()):
        return None
    return f"{base}plan/{code}/{year}"


def rebase(graph: Graph, base: str) -> Graph:
    """Rewrite IRIs under the default data base (unit/, district/, indicator/) to ``base``."""
    if base == DEFAULT_BASE:
        return graph
    data_roots = tuple(DEFAULT_BASE + p for p in ("unit/", "district/", "indicator/", "plan/"))

    def move(term):
        if isinstance(term, URIRef) and str(term).startswith(data_roots):
            return URIRef(base + str(term)[len(DEFAULT_BASE):])
        return term

    out = Graph()
    for prefix, ns in graph.namespaces():
        out.bind(prefix, move(URIRef(ns)), override=True)
    for s, p, o in graph:
        out.add((move(s), p, move(o)))
    return out
