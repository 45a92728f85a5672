"""Pages people read: the query page, ``/validation``, and a page for every IRI of the graph.

An IRI ``{base}plan/500103/2023/task/35`` is served at ``/plan/500103/2023/task/35``: as HTML
for browsers, and as Turtle, JSON-LD, N-Triples or RDF/XML by content negotiation (or
``?format=ttl``). Tasks, units, sections and plans get pages written for them; anything else
gets its statements as a table. Page queries are our own, small, and bind the IRI as a
substitution; they run in the HTTP worker on its read-only snapshot, so a busy query pool
never delays a page.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, g, render_template, request
from rdflib import URIRef

from plankg import canned
from plankg import charts as chartlib

from . import formats, reports
from .limits import Refused
from .queries import editor_examples

bp = Blueprint("pages", __name__)

PREFIX = """PREFIX plan: <https://w3id.org/plankg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
"""
Q = {
    "types": "SELECT ?x ?type WHERE { ?x a ?type }",
    "statements": """SELECT ?x ?p ?o (SAMPLE(?l) AS ?label) WHERE {
        ?x ?p ?o . OPTIONAL { ?o skos:prefLabel|rdfs:label ?l . FILTER (LANG(?l) = "zh") } }
        GROUP BY ?x ?p ?o ORDER BY ?p ?o""",
    "task": """SELECT ?x ?number ?text ?plan ?section ?section_heading ?subsection ?subsection_heading
                       ?line ?char_start ?char_end WHERE {
        ?x plan:number ?number ; plan:text ?text ; plan:inPlan ?plan .
        OPTIONAL { ?x plan:section ?section . OPTIONAL { ?section plan:heading ?section_heading } }
        OPTIONAL { ?x plan:subsection ?subsection . OPTIONAL { ?subsection plan:heading ?subsection_heading } }
        OPTIONAL { ?x plan:sourceLine ?line } OPTIONAL { ?x plan:charStart ?char_start ; plan:charEnd ?char_end }
    } LIMIT 1""",
    "mentions": """SELECT ?x ?role ?position ?written ?unit (SAMPLE(?l) AS ?label) ?line WHERE {
        { ?x plan:leadMention ?m BIND ("lead" AS ?role) } UNION { ?x plan:responsibleMention ?m BIND ("responsible" AS ?role) }
        ?m plan:position ?position ; plan:nameAsWritten ?written .
        OPTIONAL { ?m plan:sourceLine ?line }
        OPTIONAL { ?m plan:refersTo ?unit . OPTIONAL { ?unit skos:prefLabel ?l . FILTER (LANG(?l) = "zh") } }
    } GROUP BY ?x ?role ?position ?written ?unit ?line ORDER BY ?role ?position""",
    "targets": """SELECT ?x ?target ?phrase ?indicator ?number WHERE {
        ?x plan:target ?target . OPTIONAL { ?target plan:phrase ?phrase }
        OPTIONAL { ?target plan:indicatorAsWritten ?indicator } OPTIONAL { ?target plan:numberAsWritten ?number }
    } ORDER BY ?target""",
    "unit": """SELECT ?x ?zh ?en ?official (GROUP_CONCAT(DISTINCT ?alt; SEPARATOR="、") AS ?aliases) WHERE {
        OPTIONAL { ?x skos:prefLabel ?zh . FILTER (LANG(?zh) = "zh") }
        OPTIONAL { ?x skos:prefLabel ?en . FILTER (LANG(?en) = "en") }
        OPTIONAL { ?x plan:officialName ?official }
        OPTIONAL { ?x skos:altLabel ?alt }
    } GROUP BY ?x ?zh ?en ?official""",
    # The concepts and classes a unit is filed under, each with its Chinese and English label.
    "unit_kinds": """SELECT ?x ?kind ?concept (SAMPLE(?z) AS ?zh) (SAMPLE(?e) AS ?en) WHERE {
        { ?x plan:bodyType|plan:memberType ?concept BIND ("body_type" AS ?kind) }
        UNION { ?x plan:sector ?concept BIND ("sector" AS ?kind) } UNION { ?x a ?concept BIND ("type" AS ?kind) }
        OPTIONAL { ?concept skos:prefLabel|rdfs:label ?z . FILTER (LANG(?z) = "zh") }
        OPTIONAL { ?concept skos:prefLabel|rdfs:label ?e . FILTER (LANG(?e) = "en") }
    } GROUP BY ?x ?kind ?concept ORDER BY ?kind ?concept""",
    # Every registered unit and unit group by its Chinese name: result tables link the names to pages.
    "labels": """SELECT ?x (SAMPLE(?z) AS ?zh) (SAMPLE(?e) AS ?en) WHERE {
        OPTIONAL { ?x skos:prefLabel|rdfs:label ?z . FILTER (LANG(?z) = "zh") }
        OPTIONAL { ?x skos:prefLabel|rdfs:label ?e . FILTER (LANG(?e) = "en") } } GROUP BY ?x""",
    "unit_names": """SELECT ?unit ?name WHERE {
        { ?unit a plan:GovernmentUnit } UNION { ?unit a plan:UnitGroup }
        ?unit skos:prefLabel ?name . FILTER (LANG(?name) = "zh") }""",
    "unit_tasks": """SELECT ?x ?role ?task ?number ?text WHERE {
        { ?task plan:leadUnit ?x BIND ("lead" AS ?role) } UNION { ?task plan:responsibleUnit ?x BIND ("shared" AS ?role) }
        ?task plan:number ?number ; plan:text ?text .
    } ORDER BY ?role ?number""",
    "section": """SELECT ?x ?heading ?number ?plan ?parent WHERE {
        OPTIONAL { ?x plan:heading ?heading } OPTIONAL { ?x plan:number ?number }
        OPTIONAL { ?x plan:inPlan ?plan } OPTIONAL { ?x plan:section ?parent }
    } LIMIT 1""",
    "section_tasks": """SELECT ?x ?task ?number ?text WHERE {
        ?task plan:section|plan:subsection ?x ; plan:number ?number ; plan:text ?text . } ORDER BY ?number""",
    "plan": """SELECT ?x ?title ?year ?publisher WHERE {
        OPTIONAL { ?x dcterms:title ?title . FILTER (LANG(?title) = "zh") } OPTIONAL { ?x plan:year ?year }
        OPTIONAL { ?x dcterms:publisher/skos:prefLabel ?publisher . FILTER (LANG(?publisher) = "zh") }
    } LIMIT 1""",
    "plan_sections": """SELECT ?x ?section ?heading (COUNT(DISTINCT ?task) AS ?tasks) WHERE {
        ?section a plan:Section ; plan:inPlan ?x ; plan:heading ?heading ; plan:number ?n .
        OPTIONAL { ?task plan:section ?section }
    } GROUP BY ?x ?section ?heading ?n ORDER BY ?n""",
    "plan_versions": """SELECT ?x ?version ?number ?time ?agent ?message WHERE {
        ?version a plan:PlanVersion ; <http://www.w3.org/ns/prov#specializationOf> ?x ; plan:versionNumber ?number .
        OPTIONAL { ?version <http://www.w3.org/ns/prov#generatedAtTime> ?time }
        OPTIONAL { ?version <http://www.w3.org/ns/prov#wasGeneratedBy> ?a .
                   OPTIONAL { ?a rdfs:comment ?message }
                   OPTIONAL { ?a <http://www.w3.org/ns/prov#wasAssociatedWith>/rdfs:label ?agent } }
    } ORDER BY DESC(?number)""",
}
KINDS = [("https://w3id.org/plankg/ontology#Task", "task"), ("https://w3id.org/plankg/ontology#Plan", "plan"),
         ("https://w3id.org/plankg/ontology#Section", "section"),
         ("https://w3id.org/plankg/ontology#Subsection", "section"),
         ("https://w3id.org/plankg/ontology#UnitGroup", "unit"),
         ("https://w3id.org/plankg/ontology#GovernmentUnit", "unit"),
         ("https://w3id.org/plankg/ontology#UnregisteredUnit", "unit"),
         ("http://www.w3.org/ns/org#OrganizationalUnit", "unit")]


def engine():
    return current_app.extensions["plankg"]


def base() -> str:
    return current_app.extensions["plankg.config"].settings.base


def ask(name: str, iri: str) -> list[dict]:
    rows = engine().local(PREFIX + Q[name], {"x": URIRef(iri)})
    return [dict(zip(rows.columns, r)) for r in rows.rows]


@bp.app_template_filter("href")
def href(value: str) -> str:
    """Where a link to an IRI goes: our own page for IRIs under the base, else the IRI itself."""
    b = base()
    return request.script_root + "/" + value[len(b):] if value.startswith(b) else value


@bp.app_template_test("is_iri")
def is_iri(value: str) -> bool:
    return value.startswith(("http://", "https://", "urn:"))


@bp.app_template_filter("unit_links")
def unit_links(value: str) -> list[tuple[str, str | None]] | None:
    """A cell naming registered units ("区发改委", "区发改委、区财政局") as (name, IRI) pieces, joined by
    ("、", None); None when it is anything else. A name two units share links to neither."""
    if "plankg_units" not in g:
        names: dict[str, str | None] = {}
        rows = engine().local(PREFIX + Q["unit_names"], {})
        for unit, name in rows.rows:
            names[name] = None if names.get(name, unit) != unit else unit
        g.plankg_units = names
    parts = str(value).split("、")
    if not value or not all(g.plankg_units.get(p) for p in parts):
        return None
    pieces: list[tuple[str, str | None]] = []
    for i, p in enumerate(parts):
        pieces += ([("、", None)] if i else []) + [(p, g.plankg_units[p])]
    return pieces


CURIES = [("plan:", "https://w3id.org/plankg/ontology#"), ("skos:", "http://www.w3.org/2004/02/skos/core#"),
          ("rdfs:", "http://www.w3.org/2000/01/rdf-schema#"), ("rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
          ("dcterms:", "http://purl.org/dc/terms/"), ("org:", "http://www.w3.org/ns/org#"),
          ("prov:", "http://www.w3.org/ns/prov#"), ("qudt:", "http://qudt.org/schema/qudt/"),
          ("owl:", "http://www.w3.org/2002/07/owl#"), ("sh:", "http://www.w3.org/ns/shacl#")]


@bp.app_template_filter("curie")
def curie(iri: str) -> str:
    """A property as the ontology and the queries write it (``plan:leadUnit``); else the IRI."""
    return next((p + iri[len(ns):] for p, ns in CURIES if iri.startswith(ns)), iri)


TASK_IRI = re.compile(r"(?P<task>.*/task/(?P<id>[^/]+))(?:/(?P<rest>.+))?$")
SECTION_IRI = re.compile(r".*/section/(?P<section>\d+)(?:/(?P<sub>\d+))?$")


@bp.app_template_global()
def plans() -> list[dict]:
    """Every plan loaded (IRI and title), for the plan pickers; asked once per request."""
    if "plankg_plans" not in g:
        try:
            rows = current_app.extensions["plankg.queries"]["plans"].run(engine(), {})
            g.plankg_plans = [dict(zip(rows.columns, r)) for r in rows.rows]
        except Refused:
            g.plankg_plans = []
    return g.plankg_plans


@bp.app_template_filter("readable")
def readable(iri: str) -> str:
    """A node as a reader names it: "任务35 · Task 35 (line 122)", with what inside the task after ›.

    Nodes of a task (the task, its targets, its unit mentions) get this; sections their number,
    plans their title; others keep their IRI.
    """
    m = TASK_IRI.match(iri or "")
    if not m:
        if s := SECTION_IRI.match(iri or ""):
            return (f"小节{s['section']}.{s['sub']} · Sub-section {s['section']}.{s['sub']}" if s["sub"]
                    else f"章节{s['section']} · Section {s['section']}")
        return next((p["plan_label"] for p in plans() if p["plan"] == iri), iri)
    cache = g.setdefault("plankg_tasks", {})
    if m["task"] not in cache:
        cache[m["task"]] = (ask("task", m["task"]) or [{}])[0]
    task = cache[m["task"]]
    number = task.get("number") or m["id"]
    text = f"任务{number} · Task {number}" + (f" (line {task['line']})" if task.get("line") else "")
    return text + (f" › {m['rest']}" if m["rest"] else "")


def chart(name: str, **values) -> tuple:
    """A chart built with its data (the links going to our pages), or the one line saying why not."""
    try:
        return chartlib.build(name, engine(), values, link=href,
                              queries=current_app.extensions["plankg.queries"]), None
    except (canned.QueryError, Refused) as e:
        return None, getattr(e, "message", str(e))


@bp.get("/")
def home():
    return render_template("home.html", examples=editor_examples(), server=current_app.extensions["plankg.config"],
                           charts=chartlib.load_all().values(), unit_names_query=PREFIX + Q["unit_names"])


@bp.get("/validation")
def validation():
    found = reports.current(engine())
    wants = negotiate_rdf(html_first=True)
    if wants != "html":
        if found.graph is None:
            raise Refused(found.note, 404)
        return Response(reports.serialize(found.graph, wants), content_type=formats.media_type("graph", wants))
    return render_template("validation.html", found=found)


def negotiate_rdf(html_first: bool) -> str:
    fmt = request.args.getlist("format")
    if fmt:
        return formats.negotiate("graph", fmt, None)
    accept = request.accept_mimetypes if request.headers.get("Accept") else None
    offers = ["text/html"] + [mt for mt, _ in formats.GRAPHS.values()] + list(formats.ACCEPT["graph"])
    best = accept.best_match(offers) if accept else "text/html"
    if best is None:
        raise Refused(f"available: {', '.join(offers)}", 406)
    return "html" if best == "text/html" else formats.ACCEPT["graph"][best]


@bp.get("/<path:path>")
def resource(path: str):
    iri = base() + quote(path, safe="/:@!$&'()*+,;=-._~%")
    types = [r["type"] for r in ask("types", iri)]
    statements = ask("statements", iri)
    if not types and not statements:
        abort(404)
    output = negotiate_rdf(html_first=True)
    if output != "html":
        return Response(engine().describe(iri, output), content_type=formats.media_type("graph", output),
                        headers={"Vary": "Accept"})
    kind = next((k for t, k in KINDS if t in types), "resource")
    context = {"iri": iri, "types": types, "statements": statements, "kind": kind,
               "labels": (ask("labels", iri) or [{}])[0]}
    if kind == "task":
        context.update(task=(ask("task", iri) or [{}])[0], mentions=ask("mentions", iri),
                       targets=ask("targets", iri), results=reports.for_node(engine(), iri),
                       chart=chart("task-units", task=iri))
    elif kind == "unit":
        context.update(unit=(ask("unit", iri) or [{}])[0], kinds=ask("unit_kinds", iri), tasks=ask("unit_tasks", iri),
                       chart=chart("unit-tasks", unit=iri))
    elif kind == "section":
        context.update(section=(ask("section", iri) or [{}])[0], tasks=ask("section_tasks", iri))
    elif kind == "plan":
        context.update(plan=(ask("plan", iri) or [{}])[0], sections=ask("plan_sections", iri),
                       versions=ask("plan_versions", iri))
    response = Response(render_template(f"{kind}.html", **context))
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = f'<{request.base_url}?format=ttl>; rel="alternate"; type="text/turtle"'
    return response
