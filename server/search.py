"""``/search``: the search box's results page, its JSON, and suggestions as one types.

``GET /search?q=…`` answers HTML (hits with snippets, facets by kind, section and lead unit) or,
for ``Accept: application/json``, the same as JSON; ``/search/suggest?q=…`` gives the few best
labels for the search box and the query editor's completions. Each plan's index is the state
folder's (plankg.search.index: keyed by the plan's version, built when missing); with a store
only in memory (tests) it is kept in memory. An index is found once per snapshot, not per request.
"""
from __future__ import annotations

import threading

from flask import Blueprint, current_app, jsonify, render_template, request

from plankg.search.index import open_index
from plankg.search.results import Results, facets

from .pages import href

bp = Blueprint("search", __name__)
KINDS = ("task", "section", "target", "unit", "indicator", "term")
MAX_QUERY = 200  # characters: a search box, not a document
_found: dict[tuple, object] = {}
_lock = threading.Lock()


def indexes(plan: str | None = None) -> list:
    """The search index of each plan served (or only of ``plan``) for the current snapshot."""
    engine = current_app.extensions["plankg"]
    settings = current_app.extensions["plankg.config"].settings
    generation = engine.generation()
    plans = _plans(engine, generation)
    chosen = [p for p in plans if p == plan] if plan else plans
    out = []
    for p in chosen:
        with _lock:
            index = _found.get((generation, p))
            if index is None:
                select = engine.store().select if hasattr(engine, "store") else engine.select
                folder = settings.store_dir / "search" if getattr(engine, "snapshots", None) else None
                index = _found[(generation, p)] = open_index(select, p, engine.base, folder, settings.cache_dir)
                for stale in [k for k in _found if k[0] != generation]:
                    del _found[stale]
        out.append(index)
    return out


def _plans(engine, generation) -> list[str]:
    key = (generation, "plans")
    if key not in _found:
        _found[key] = engine.plans()
    return _found[key]


def run(query: str, *, plan=None, kinds=None, section=None, lead=None, limit=20) -> Results:
    """Every plan's hits merged by score (a unit or indicator shared by plans once), then filtered."""
    merged, seen, terms, total = [], set(), [], 0
    for index in indexes(plan):
        found = index.search(query, kinds=kinds, limit=None)
        terms = terms or found.terms
        for h in found.hits:
            if (h.iri, h.kind) not in seen:
                seen.add((h.iri, h.kind))
                merged.append(h)
    merged.sort(key=lambda h: -h.score)
    counted = facets(merged)
    if section:
        merged = [h for h in merged if h.section == section]
    if lead:
        merged = [h for h in merged if h.lead == lead]
    total = len(merged)
    return Results(query, merged[:limit], total, terms, counted)


def _args():
    q = request.args.get("q", "").strip()[:MAX_QUERY]
    kinds = [k for k in request.args.getlist("kind") if k in KINDS] or None
    try:
        limit = max(1, min(int(request.args.get("limit", 20)), 500))
    except ValueError:
        limit = 20
    return q, kinds, limit


@bp.get("/search")
def page():
    q, kinds, limit = _args()
    results = run(q, plan=request.args.get("plan") or None, kinds=kinds, section=request.args.get("section"),
                  lead=request.args.get("lead"), limit=limit) if q else Results(q, [], 0, [])
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        return jsonify(results.to_json())
    return render_template("search.html", results=results, kinds=kinds or [], args=request.args)


@bp.get("/search/suggest")
def suggest():
    q, kinds, limit = _args()
    if not q:
        return jsonify([])
    out, seen = [], set()
    for index in indexes(request.args.get("plan") or None):
        for s in index.suggest(q, limit=min(limit, 20)):
            if (kinds is None or s["kind"] in kinds) and s["iri"] not in seen:
                seen.add(s["iri"])
                out.append({**s, "href": href(s["iri"])})
    return jsonify(out[:min(limit, 20)])
