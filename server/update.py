"""``/update``: SPARQL 1.1 Update as amendments, for data stewards holding the update token.

Each update goes through the same path as ``plankg amend`` (:func:`plankg.amend.amend`): applied
to a private copy of one plan's current version, inferred and validated; if the rules hold it
becomes the next version (with its PROV-O record) and the server publishes a new snapshot,
otherwise the answer is 422 with the SHACL report and nothing is written. An update that
leaves the plan as it is (the candidate is the current version) is a 200 saying
``"changed": false``, and nothing is written either. Writers are
serialised by a file lock, so concurrent updates from several HTTP workers queue up.

The protocol (SPARQL 1.1 Protocol, 2.2): POST only (GET is 405); the update in a form body
(``update=``, with ``using-graph-uri`` / ``using-named-graph-uri`` in the body too) or as an
``application/sparql-update`` body (those parameters in the URL); one update per request.
Relative IRIs resolve against this endpoint's IRI, as queries' do at ``/sparql``.

What the dataset parameters mean here, where an update amends one plan's graph: the WHERE
clause of an amendment reads that plan's asserted graph (``{plan}/graph``) and nothing else, and
its INSERT and DELETE write there. So ``using-graph-uri`` may name exactly that graph, which then
says nothing new about the data but names the plan, as ``?plan=`` does; any other graph (the
inferred graph, the reference graph, another store's) would promise a WHERE clause that reads
what it cannot, and is a 400. ``using-named-graph-uri`` is always a 400: an amendment may not use
GRAPH, so named graphs have no meaning in it. As the protocol requires, a request that gives a
dataset in its parameters while the update has USING, USING NAMED or WITH is a 400 (and USING
and WITH are refused in any case, as in ``plankg amend``).

Which plan: the one the request names (``?plan=IRI`` or ``using-graph-uri``), else the one plan
whose IRIs (the plan's own, or any IRI under it: ``{plan}/task/35``) the update names as a subject
or object, else the only plan when the update names no subject IRI at all (patterns with
variables only). Never a guess: IRIs under several plans, subject IRIs under none (a typo in a
plan's IRI, a relative IRI), or several plans and nothing to tell them apart are a 400 that says
to name the plan with ``?plan=IRI`` and lists the plans; a named plan that the update's IRIs
contradict is a 400 too.
"""
from __future__ import annotations

import hmac
import json
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import MethodNotAllowed

from plankg.versions import default_plan

from .limits import Refused
from .sparql import FORM, UPDATE, service_iri, utf8_body

bp = Blueprint("update", __name__)
LISTED = 20  # plans named in a message; the rest are counted


@dataclass(frozen=True)
class UpdateRequest:
    text: str
    using: tuple[str, ...]        # using-graph-uri values
    using_named: tuple[str, ...]  # using-named-graph-uri values


def authorise(config) -> None:
    if not config.update_token:
        raise Refused("updates are switched off on this server (no PLANKG_UPDATE_TOKEN is set)", 403)
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), config.update_token.encode()):
        raise Refused("an update needs the header Authorization: Bearer <token>", 401)


def read_update() -> UpdateRequest:
    """The update and its dataset parameters, from a form POST or a direct POST."""
    args = request.args
    if "query" in request.values:
        raise Refused(f"queries go to {request.url_root}sparql, not to /update")
    if request.mimetype == FORM:
        texts, params = request.form.getlist("update") + args.getlist("update"), request.values
    elif request.mimetype == UPDATE:
        if "update" in args:
            raise Refused("with application/sparql-update the update is the body: no update parameter in the URL")
        texts, params = [utf8_body()], args
    else:
        raise Refused(f"send the update as {FORM} or {UPDATE}, not {request.mimetype or 'an untyped body'}", 415)
    if len(texts) != 1:
        raise Refused("the update parameter is given more than once" if texts
                      else "no update: give it in the update parameter")
    if not texts[0].strip():
        raise Refused("the update is empty")
    return UpdateRequest(texts[0], tuple(dict.fromkeys(params.getlist("using-graph-uri"))),
                         tuple(dict.fromkeys(params.getlist("using-named-graph-uri"))))


def check_dataset(req: UpdateRequest, datasets: tuple[str, ...]) -> None:
    """The protocol's rule on the two ways of giving a dataset, then what this server makes of them."""
    if (req.using or req.using_named) and datasets:
        given = "using-graph-uri" if req.using else "using-named-graph-uri"
        raise Refused(f"the request gives a dataset ({given}) and the update gives one too ({', '.join(datasets)}): "
                      "the SPARQL 1.1 Protocol does not allow both; drop one")
    if req.using_named:
        raise Refused("using-named-graph-uri is not accepted: an amendment may not use GRAPH, so it reads no "
                      "named graphs; its WHERE clause reads the plan's own graph (using-graph-uri=PLAN/graph)")


def plan_list(plans: list[str]) -> str:
    shown = ", ".join(plans[:LISTED])
    more = len(plans) - LISTED
    return f"{shown} and {more} more (SELECT ?p WHERE {{ ?p a plan:Plan }} at /sparql)" if more > 0 else shown


def how_to_name(plans: list[str]) -> str:
    return f"name the plan with ?plan=IRI (or using-graph-uri=IRI/graph); the plans here: {plan_list(plans)}"


def named_plan(plans: list[str], given: str | None, using: tuple[str, ...]) -> str | None:
    """The plan the request itself names, by ?plan= or by using-graph-uri (its graph), or None."""
    names = {}
    if given:
        if given not in plans:
            raise Refused(f"?plan={given} is not a plan here; {how_to_name(plans)}")
        names[given] = "?plan="
    graphs = {f"{p}/graph": p for p in plans}
    for graph in using:
        if graph not in graphs:
            raise Refused(f"using-graph-uri=<{graph}> is not a plan's graph: an amendment's WHERE clause reads "
                          "the plan's own graph only, so using-graph-uri may name that graph (PLAN/graph) and "
                          f"nothing else; the plans here: {plan_list(plans)}")
        names.setdefault(graphs[graph], "using-graph-uri")
    if len(names) > 1:
        raise Refused(f"the request names {len(names)} plans ({', '.join(names)}); one update amends one plan")
    return next(iter(names), None)


def choose_plan(plans: list[str], named: str | None, subjects, objects) -> str:
    """The plan to amend (module docstring: "Which plan"); a 400 that says how to name it when it cannot be told."""
    def under(iri, plan):
        return iri == plan or iri.startswith(plan + "/")

    about = [p for p in plans if any(under(iri, p) for iri in (*subjects, *objects))]
    if named is not None:
        if about and named not in about:
            raise Refused(f"the update is about {', '.join(about)}, not about {named}, the plan the request names")
        return named
    if len(about) == 1:
        return about[0]
    if about:
        raise Refused(f"the update names IRIs of {len(about)} plans ({', '.join(about)}); "
                      f"one update amends one plan: {how_to_name(plans)}")
    if subjects:
        raise Refused("the update's triples are about nothing in any plan here (no subject or object IRI is a "
                      f"plan's IRI or under it, e.g. <{sorted(subjects)[0]}>); {how_to_name(plans)}")
    if (only := default_plan(plans)) is not None:
        return only
    raise Refused(f"there are {len(plans)} plans here and the update names none of them; {how_to_name(plans)}")


@bp.get("/update")
def update_by_get():
    """GET is not a way to update (SPARQL 1.1 Protocol, 2.2); answered here, not by the IRI pages."""
    raise MethodNotAllowed(valid_methods=["POST"], description=(
        "an update is sent with POST to this URL (form update= or application/sparql-update), never with GET"))


@bp.route("/update", methods=["POST"])
def update():
    config = current_app.extensions["plankg.config"]
    authorise(config)
    req = read_update()
    engine = current_app.extensions["plankg"]
    snapshots = getattr(engine, "snapshots", None)
    if snapshots is None:
        raise Refused("this server has no state folder to record versions in (started on a fixed store)", 503)
    from plankg import amend
    from plankg.versions import Repository, RepositoryError

    from .snapshots import close, write_lock

    change = amend.SparqlUpdate(req.text, base=service_iri())
    try:  # parsed and checked before the write lock: a malformed update never waits for other writers
        check_dataset(req, change.parsed.datasets)
        amend.check_update(change)
    except amend.AmendmentError as e:
        raise Refused(str(e)) from None
    agent = request.headers.get("X-Plankg-Agent") or request.values.get("agent") or "the /update endpoint"
    message = request.values.get("message") or "SPARQL Update sent to /update"
    with write_lock(snapshots.root):
        repo = Repository.open(config.settings, snapshots.root, initialise=False)
        try:
            plans = repo.plans()
            named = named_plan(plans, request.values.get("plan"), req.using)
            plan = choose_plan(plans, named, change.parsed.subjects, change.parsed.objects)
            outcome = amend.amend(repo, plan, change, agent=agent, message=message,
                                  accept=request.values.getlist("accept"), reason=request.values.get("reason"))
            if outcome.accepted:
                repo.index(plan, outcome.facts)  # the candidate as Oxigraph holds it: nothing converted
                snapshots.write_reports(repo, given={plan: outcome.report})
                path = snapshots.publish(repo, locked=True, reports=False)
                mirrored = mirror(engine, path)
        except amend.AmendmentError as e:
            raise Refused(str(e), e.status) from None
        except RepositoryError as e:
            raise Refused(str(e), 404) from None
        finally:
            close(repo)
    if not outcome.changed:
        return unchanged(outcome, repo.current(plan))
    if not outcome.accepted:
        return rejected(outcome)
    v = outcome.version
    body = {"accepted": True, "changed": True, "plan": plan, "version": v.number, "version_iri": v.iri,
            "agent": v.agent, "message": v.message, "time": v.time}
    if mirrored is not None:
        body["external_store"] = mirrored
    return Response(json.dumps(body, ensure_ascii=False, indent=1) + "\n", status=200,
                    content_type="application/json")


def mirror(engine, snapshot):
    """Push the new version to an external store, if there is one; a failure is reported, not fatal."""
    if not hasattr(engine, "mirror"):
        return None
    try:
        return f"updated: {len(engine.mirror(snapshot))} graphs"
    except Refused as e:
        return f"not updated ({e.message}); it will be on the next start"


def unchanged(outcome, current) -> Response:
    """200: the update leaves the plan as it is (its current version); nothing was stored."""
    body = {"accepted": False, "changed": False, "plan": outcome.plan, "version": current.number,
            "version_iri": current.iri, "message": "no change: the update leaves the plan as it is; nothing was stored"}
    return Response(json.dumps(body, ensure_ascii=False, indent=1) + "\n", status=200,
                    content_type="application/json")


def rejected(outcome) -> Response:
    """422 with the SHACL report, as Turtle (default), JSON or text by Accept."""
    offers = ["text/turtle", "application/json", "text/plain"]
    best = request.accept_mimetypes.best_match(offers) if request.headers.get("Accept") else offers[0]
    report = outcome.report
    body = {"text/turtle": report.to_turtle, "application/json": report.to_json,
            "text/plain": report.to_text}[best or offers[0]]()
    if not isinstance(body, str):
        body = json.dumps(body, ensure_ascii=False, indent=1)
    return Response(body, status=422, content_type=f"{best or offers[0]}; charset=utf-8",
                    headers={"X-Plankg-Outcome": "rejected: the amended plan breaks the rules"})
