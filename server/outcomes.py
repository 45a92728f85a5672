"""Outcome pages: ``/outcomes/plan/500103/2023`` lists each target of a plan with its verdict,
the sentence that says so and the report it comes from; task pages show their own verdicts.

Both read the canned question target-status (queries/target-status.rq), so the page, the CLI
and ``/queries/target-status`` give the same answer; task-progress adds the reported statuses.
"""
from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, current_app, render_template
from rdflib import URIRef

from plankg import canned

bp = Blueprint("outcomes", __name__)


def _rows(name: str, plan: str) -> list[dict]:
    q = canned.get(name)
    rows = current_app.extensions["plankg"].local(q.sparql, {"planIri": URIRef(plan)})
    return [dict(zip(rows.columns, r)) for r in rows.rows]


@bp.route("/outcomes/plan/<code>/<year>")
def plan_outcomes(code: str, year: str):
    plan = f"{current_app.extensions['plankg.config'].settings.base}plan/{code}/{year}"
    targets = _rows("target-status", plan)
    if not targets:
        abort(404)
    return render_template("outcomes.html", plan=plan, targets=targets,
                           counts=Counter(t["verdict"] for t in targets), progress=_rows("task-progress", plan))


@bp.app_template_global("task_verdicts")
def task_verdicts(task_iri: str) -> list[dict]:
    """The verdicts on one task's targets ([] when no report has been stored for its plan)."""
    plan, _, number = task_iri.rpartition("/task/")
    return [r for r in _rows("target-status", plan) if r["task"] == number] if plan else []
