"""``/update``: SPARQL 1.1 Update as amendments, for data stewards holding the update token.

Each update goes through the same path as ``plankg amend`` (:func:`plankg.amend.amend`): applied
to a private copy of one plan's current version, inferred and validated; if the rules hold it
becomes the next version (with its PROV-O record) and the server publishes a new snapshot,
otherwise the answer is 422 with the SHACL report and nothing is written. Writers are
serialised by a file lock, so concurrent updates from several HTTP workers queue up.
"""
from __future__ import annotations

import hmac
import json

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import MethodNotAllowed

from .limits import Refused
from .sparql import FORM, UPDATE, utf8_body

bp = Blueprint("update", __name__)


def authorise(config) -> None:
    if not config.update_token:
        raise Refused("updates are switched off on this server (no PLANKG_UPDATE_TOKEN is set)", 403)
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), config.update_token.encode()):
        raise Refused("an update needs the header Authorization: Bearer <token>", 401)


def read_update() -> str:
    if request.mimetype == FORM:
        texts = request.form.getlist("update")
        if "query" in request.form:
            raise Refused("queries go to /sparql")
    elif request.mimetype == UPDATE:
        texts = [utf8_body()]
    else:
        raise Refused(f"send the update as {FORM} or {UPDATE}, not {request.mimetype or 'an untyped body'}", 415)
    if request.values.getlist("using-graph-uri") or request.values.getlist("using-named-graph-uri"):
        raise Refused("using-graph-uri is not supported: an amendment applies to one plan's graph")
    if len(texts) != 1:
        raise Refused("give exactly one update parameter" if texts else "no update: give it in the update parameter")
    if not texts[0].strip():
        raise Refused("the update is empty")
    return texts[0]


def choose_plan(plans: list[str], text: str) -> str:
    """The plan named by ?plan=, else the only plan, else the one plan whose IRIs the update mentions."""
    given = request.values.get("plan")
    if given:
        if given not in plans:
            raise Refused(f"no plan {given} here (plans: {', '.join(plans)})", 404)
        return given
    if len(plans) == 1:
        return plans[0]
    named = [p for p in plans if f"<{p}/" in text or f"<{p}>" in text]
    if len(named) != 1:
        raise Refused(f"say which plan the update amends: ?plan=IRI (plans: {', '.join(plans)})")
    return named[0]


@bp.get("/update")
def update_by_get():
    """GET is not a way to update (SPARQL 1.1 Protocol, 2.2); answered here, not by the IRI pages."""
    raise MethodNotAllowed(valid_methods=["POST"], description="updates are sent with POST")


@bp.route("/update", methods=["POST"])
def update():
    config = current_app.extensions["plankg.config"]
    authorise(config)
    text = read_update()
    engine = current_app.extensions["plankg"]
    snapshots = getattr(engine, "snapshots", None)
    if snapshots is None:
        raise Refused("this server has no state folder to record versions in (started on a fixed store)", 503)
    from plankg import amend
    from plankg.versions import Repository, RepositoryError

    from .snapshots import close, write_lock

    agent = request.headers.get("X-Plankg-Agent") or request.values.get("agent") or "the /update endpoint"
    message = request.values.get("message") or "SPARQL Update sent to /update"
    with write_lock(snapshots.root):
        repo = Repository.open(config.settings, snapshots.root, initialise=False)
        try:
            plan = choose_plan(repo.plans(), text)
            outcome = amend.amend(repo, plan, amend.SparqlUpdate(text), agent=agent, message=message,
                                  accept=request.values.getlist("accept"), reason=request.values.get("reason"))
            if outcome.accepted:
                repo.index(plan, outcome.candidate)
                snapshots.write_reports(repo, given={plan: outcome.report})
                path = snapshots.publish(repo, locked=True, reports=False)
                mirrored = mirror(engine, path)
        except amend.AmendmentError as e:
            raise Refused(str(e)) from None
        except RepositoryError as e:
            raise Refused(str(e), 404) from None
        finally:
            close(repo)
    if not outcome.accepted:
        return rejected(outcome)
    v = outcome.version
    body = {"accepted": True, "plan": plan, "version": v.number, "version_iri": v.iri, "agent": v.agent,
            "message": v.message, "time": v.time}
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
