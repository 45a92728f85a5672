"""Outcome pages: ``/outcomes/plan/500103/2023`` lists each target of a plan with its verdict,
the sentence that says so and the report it comes from; task pages show their own verdicts.

Both read the canned question target-status (queries/target-status.rq), so the page, the CLI
and ``/queries/target-status`` give the same answer; task-progress adds the reported statuses.
"""
from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from rdflib import URIRef

from plankg import canned

bp = Blueprint("outcomes", __name__)


def _rows(name: str, plan: str) -> list[dict]:
    q = canned.get(name)
    rows = current_app.extensions["plankg"].local(q.sparql, {"planIri": URIRef(plan)})
    return [dict(zip(rows.columns, r)) for r in rows.rows]


def outcomes_path(plan: str) -> str | None:
    """``/outcomes/plan/500103/2023`` for a plan IRI under the base (None for plans elsewhere)."""
    head = current_app.extensions["plankg.config"].settings.base + "plan/"
    return url_for("outcomes.plan_outcomes", code=plan[len(head):].split("/")[0],
                   year=plan[len(head):].split("/")[1]) if plan.startswith(head) and plan.count("/") >= 6 else None


@bp.app_template_global("outcomes_link")
def outcomes_link(iri: str) -> str | None:
    """The outcomes page of the plan an IRI (the plan, one of its tasks or targets) belongs to."""
    plan = iri.split("/task/")[0]
    return outcomes_path(plan)


@bp.route("/outcomes")
def index():
    """The navigation bar's way in: the one plan's outcomes, or a list when several are loaded."""
    from .pages import plans

    found = [(p, outcomes_path(p["plan"])) for p in plans()]
    found = [(p, path) for p, path in found if path]
    if len(found) == 1:
        return redirect(found[0][1])
    return render_template("outcomes-index.html", plans=found)


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
