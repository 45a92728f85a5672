"""Checking a plan: its graph with its own district's reference data, through the rules in shapes/.

The one place that puts a plan together with what it is checked against, for every caller: the
import of built plans into the state folder, ``plankg validate``, amendments (``plankg amend``,
``/update``) and the reports a server publishes. The plan is checked against its own district's
registry only (:func:`plankg.reference.graph` with the plan's district), so the cost of a check
does not grow with the districts loaded. Validation itself is :mod:`plankg.validate`'s.
"""
from __future__ import annotations

from rdflib import Graph

from . import reference
from .config import Settings
from .facts import Facts, union
from .iris import district_of


def check(plan: Graph | Facts, settings: Settings, *, validate=None, since: tuple | None = None):
    """The validation report (plankg.validate.Report) of ``plan`` with its district's reference data.

    ``validate(data) -> Report`` replaces plankg.validate.validate (tests pass a quicker one).
    ``since=(old_graph, kept_report_text)``: ``plan`` is a change of ``old_graph``, whose report is
    ``kept_report_text`` (or None); only what the change touches is checked again.
    ``plan`` and ``old_graph`` may be rdflib graphs or plankg.facts.Facts (then the data graph is
    made from Oxigraph terms once, and the fast path reads them without converting them again).
    """
    facts = Facts.from_graph(plan)
    try:
        district = district_of(settings.base, facts.plan())
    except ValueError:  # no plan:Plan in it: checked against every district's units
        district = None
    data = union(facts, reference.facts(settings, district))
    if since is not None:
        from .validate import stored_report, validate_change  # pySHACL: only where a check runs

        old, kept = since
        return validate_change(old, plan, data, stored_report(kept) if kept else None)
    if validate is None:
        from .validate import validate
    return validate(data)
