"""``/charts``: the charts of ``plankg chart`` drawn in the browser, each beside its data.

A chart page runs the chart's canned queries on the server (the same :func:`plankg.charts.build`
the CLI uses), inlines the rows into the spec, and lets vega-embed draw it (served from
``static/vendor/vega``, no CDN). The same rows are shown as tables, with CSV/JSON links to
``/queries/NAME``, so a reader can check what a mark stands for.
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from plankg import charts as chartlib

from .pages import chart as draw

bp = Blueprint("charts", __name__)


@bp.get("/charts")
def index():
    return render_template("charts.html", charts=chartlib.load_all().values())


@bp.get("/charts/<name>")
def show(name: str):
    chart = chartlib.load_all().get(name)
    if chart is None:
        abort(404)
    values = {k: v for k, v in request.args.items() if k in chart.params and v != ""}
    built, error = (None, None)
    missing = [p for p in chart.required if p not in values]
    if not missing:
        built, error = draw(name, **values)
    return render_template("chart.html", chart=chart, values=values, built=built, error=error,
                           missing=missing), (400 if error else 200)
