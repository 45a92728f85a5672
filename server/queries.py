"""``/queries``: the canned questions of ``queries/*.rq``, the same definitions ``plankg query`` runs.

``/queries/<name>`` shows a form for the parameters and the answer as a table; ``.csv`` and
``.json`` give the same rows exactly as the CLI prints them (``plankg query NAME --format csv``).
Parameter values are bound by the engine (SEP-0007 substitutions), never spliced into the text,
and the query runs in a query process under the same time limit as ``/sparql``.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from plankg import canned
from plankg.tables import render

from .limits import Refused

bp = Blueprint("queries", __name__)


def catalogue() -> dict[str, canned.CannedQuery]:
    return current_app.extensions["plankg.queries"]


def find(name: str) -> canned.CannedQuery:
    query = catalogue().get(name)
    if query is None:
        abort(404)
    return query


def describe(q: canned.CannedQuery) -> dict:
    return {"name": q.name, "title": q.title, "description": q.description, "columns": list(q.columns),
            "params": [{"name": p.name, "type": p.type, "required": p.required, "description": p.description}
                       for p in q.params],
            "example": q.example, "url": url_for("queries.show", name=q.name, _external=True)}


@bp.get("/queries")
def index():
    return render_template("queries.html", queries=catalogue().values())


@bp.get("/queries.json")
def index_json():
    return [describe(q) for q in catalogue().values()]


def values_from_request(q: canned.CannedQuery) -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k != "format" and v != ""}


def run(q: canned.CannedQuery, values: dict[str, str]):
    try:
        return q.run(current_app.extensions["plankg"], values)
    except canned.QueryError as e:
        raise Refused(str(e)) from None


@bp.get("/queries/<name>")
def show(name: str):
    q = find(name)
    values = values_from_request(q)
    missing = [p.name for p in q.params if p.required and p.name not in values]
    rows, error, status = None, None, 200
    if not missing:
        try:
            rows = run(q, values)
        except Refused as e:
            error, status = e.message, e.status
    return render_template("query.html", q=q, values=values, rows=rows, error=error, missing=missing,
                           base=current_app.extensions["plankg.config"].settings.base), status


@bp.get("/queries/<name>.<any(csv, json):ext>")
def download(name: str, ext: str):
    q = find(name)
    rows = run(q, values_from_request(q))
    body = render(rows.columns, rows.rows, ext)
    if ext == "json":
        return Response(body, content_type="application/json")
    return Response(body, content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{q.name}.csv"'})


def editor_examples() -> list[dict]:
    """Each canned question as a ready query for the editor: example parameters written in as VALUES."""
    from .remote import inline_values

    out = []
    for q in catalogue().values():
        try:
            bindings = q.bindings(q.example)
        except canned.QueryError:
            continue
        bindings = {k: v for k, v in bindings.items() if all(p.name != k or p.type != "plan" for p in q.params)}
        try:
            text = inline_values(q.sparql, bindings)
        except ValueError:
            continue
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#+"))
        out.append({"name": q.name, "title": q.title, "description": q.description, "query": body.strip() + "\n"})
    return out

