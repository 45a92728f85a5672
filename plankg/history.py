"""The state folder's record: every accepted version of every plan, and its PROV-O history.

Layout (the state folder, see plankg.versions)::

    plans/500103-2023/IRI              the plan's IRI, written once with its first version
    plans/500103-2023/v1.ttl           version 1 (asserted triples, sorted Turtle); never rewritten
    plans/500103-2023/v1.report.ttl    its validation report (the one copy: amendments and pages read it)
    plans/500103-2023/history.ttl      PROV-O: each version, the activity that made it, its predecessor
    HEAD                               changes with every accepted version: cheap for readers to poll

Accepting a version writes its new ``vN.ttl`` (a new name, so nothing existing changes), then
replaces ``history.ttl`` by an atomic rename: that rename is the commit. A history file is parsed
once per version of it (and not at all by the commit that writes it).
"""
from __future__ import annotations

import fcntl
import getpass
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from . import serialize
from .files import atomic_write
from .iris import plan_key
from .vocab import DCTERMS, PLAN, PROV, RDF, RDFS, XSD

IRI_FILE = "IRI"  # in each plan's folder: the plan's IRI, written once with its first version
HEAD = "HEAD"  # a file whose content changes with every accepted version: cheap to poll


def default_plan(plans: list[str]) -> str | None:
    """The plan a command or an update means when it names none: the only one there is, else None."""
    return plans[0] if len(plans) == 1 else None


def choose_plan(plans: list[str], given: str | None, where: Path) -> str:
    """The plan ``given`` (which must be there), else the only one; RepositoryError naming the choices."""
    if given:
        if given not in plans:
            raise RepositoryError(f"no plan {given} in {where} (known: {', '.join(plans) or 'none'})")
        return given
    plan = default_plan(plans)
    if plan is None:
        raise RepositoryError(f"{where} holds {len(plans)} plans; choose one with --plan ({', '.join(plans)})")
    return plan


def snapshot_name(head: str) -> str:
    """The name of the snapshot published for the content of ``HEAD`` (plankg.server.snapshots)."""
    return hashlib.sha256(head.encode("utf-8")).hexdigest()[:16]


class RepositoryError(RuntimeError):
    """The state folder cannot be opened or initialised."""


@dataclass(frozen=True)
class Version:
    plan: str
    number: int
    iri: str
    path: Path
    time: str
    agent: str
    message: str
    previous: str | None
    digest: str
    acknowledged: tuple = ()  # (RULE@FOCUS, value, reason) for each finding the steward accepted


@contextmanager
def write_lock(root: Path):
    """Serialise writers across processes (HTTP workers, `plankg amend`) with an advisory file lock."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "serve.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _acknowledged(g: Graph, plan: str, activity) -> tuple:
    """(RULE@FOCUS, value, reason) of each acknowledgement an activity records, in order."""
    out = []
    for ack in sorted(g.objects(activity, PLAN.acknowledged)):
        focus = str(g.value(ack, PLAN.acknowledgedFocus))
        focus = focus[len(plan) + 1:] if focus.startswith(plan + "/") else focus
        value = g.value(ack, PLAN.acknowledgedValue)
        out.append((f"{g.value(ack, PLAN.rule)}@{focus}", None if value is None else str(value),
                    str(g.value(ack, PLAN.reason) or "")))
    return tuple(out)


def digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_agent() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "unknown"


class History:
    """The versions and history files of one state folder."""

    def __init__(self, root: Path):
        self.root = root
        self._histories: dict[str, tuple] = {}  # plan → (file identity, graph, versions)

    def plan_dir(self, plan: str) -> Path:
        return self.root / "plans" / plan_key(plan)

    def version_path(self, plan: str, number: int) -> Path:
        return self.plan_dir(plan) / f"v{number}.ttl"

    def history_path(self, plan: str) -> Path:
        return self.plan_dir(plan) / "history.ttl"

    def plans(self) -> list[str]:
        """Every plan with at least one version (its IRI file, so no history is parsed)."""
        out = []
        for h in sorted((self.root / "plans").glob("*/history.ttl")):
            iri = h.with_name(IRI_FILE)
            if iri.is_file():
                out.append(iri.read_text(encoding="utf-8").strip())
            else:  # a state folder from before IRI files
                out += [str(p) for p in Graph().parse(h, format="turtle").subjects(RDF.type, PLAN.Plan)]
        return sorted(out)

    def history_graph(self, plan: str) -> Graph:
        """The plan's PROV-O history as parsed (do not modify it): parsed once per version of the file."""
        return self._parsed(plan)[0]

    def history(self, plan: str) -> list[Version]:
        """The versions of a plan, oldest first."""
        return self._parsed(plan)[1]

    def _parsed(self, plan: str) -> tuple[Graph, list[Version]]:
        path = self.history_path(plan)
        try:
            st = path.stat()
            key = (st.st_ino, st.st_size, st.st_mtime_ns)  # a commit renames a new file into place
        except FileNotFoundError:
            return Graph(), []
        hit = self._histories.get(plan)
        if hit is None or hit[0] != key:
            g = Graph().parse(path, format="turtle")
            hit = self._histories[plan] = (key, g, self._versions(plan, g))
        return hit[1], hit[2]

    def _versions(self, plan: str, g: Graph) -> list[Version]:
        versions = []
        for v in g.subjects(RDF.type, PLAN.PlanVersion):
            activity = g.value(v, PROV.wasGeneratedBy)
            number = int(g.value(v, PLAN.versionNumber))
            prev = g.value(v, PROV.wasRevisionOf)
            versions.append(Version(
                plan, number, str(v), self.version_path(plan, number),
                str(g.value(v, PROV.generatedAtTime)), str(g.value(g.value(activity, PROV.wasAssociatedWith), RDFS.label) or ""),
                str(g.value(activity, RDFS.comment) or ""), str(prev) if prev else None,
                str(g.value(v, DCTERMS.identifier)), _acknowledged(g, plan, activity)))
        return sorted(versions, key=lambda v: v.number)

    def acknowledgements(self, plan: str) -> dict[str, str | None]:
        """RULE@FOCUS → the value acknowledged, over every version: an acknowledgement holds
        while its result keeps that value."""
        return {key: value for v in self.history(plan) for key, value, _ in v.acknowledged}

    def current(self, plan: str) -> Version:
        versions = self.history(plan)
        if not versions:
            raise RepositoryError(f"no plan {plan} in {self.root} (known: {', '.join(self.plans()) or 'none'})")
        return versions[-1]

    def report_text(self, plan: str) -> str | None:
        """The validation report kept with the plan's current version, if any (Turtle)."""
        path = self.current(plan).path.with_suffix(".report.ttl")
        return path.read_text(encoding="utf-8") if path.is_file() else None

    # -- writing -------------------------------------------------------------

    def commit(self, plan: str, graph: Graph, *, agent: str, message: str, used: str | None = None,
               report=None, hooks=None, acknowledged=()) -> Version:
        """Store ``graph`` as the plan's next version; the history rename is the commit point.

        ``report`` (a plankg.validate.Report on the graph) is kept beside the version, so the next
        amendment re-checks only what it changes. ``hooks`` (tests only) is called with a step
        name between the steps, to simulate a crash. ``acknowledged`` holds (result, reason) for
        each finding the steward accepted; each becomes a plan:Acknowledgement of the activity.
        """
        hook = hooks or (lambda step: None)
        folder = self.plan_dir(plan)
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / IRI_FILE).is_file():
            atomic_write(folder / IRI_FILE, plan + "\n")
        history = Graph()
        history += self.history_graph(plan)  # a copy: the parsed one is kept as the file's
        previous = self.history(plan)[-1] if len(history) else None
        number = previous.number + 1 if previous else 1
        text = serialize.turtle(graph)
        path = folder / f"v{number}.ttl"
        atomic_write(path, text)
        if report is not None:
            atomic_write(path.with_suffix(".report.ttl"), report.to_turtle())
        else:  # a report a killed writer left for an uncommitted vN is not this version's
            path.with_suffix(".report.ttl").unlink(missing_ok=True)
        hook("version-written")
        now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        version = URIRef(f"{plan}/version/{number}")
        activity = URIRef(f"{plan}/version/{number}/activity")
        h = history
        h.bind("plan", PLAN)
        h.bind("prov", PROV)
        h.bind("dcterms", DCTERMS)
        h.add((URIRef(plan), RDF.type, PLAN.Plan))
        h.set((URIRef(plan), PLAN.currentVersion, version))
        h.add((version, RDF.type, PLAN.PlanVersion))
        h.add((version, RDF.type, PROV.Entity))
        h.add((version, PROV.specializationOf, URIRef(plan)))
        h.add((version, PLAN.versionNumber, Literal(number, datatype=XSD.integer)))
        h.add((version, PROV.generatedAtTime, Literal(now, datatype=XSD.dateTime)))
        h.add((version, PROV.wasGeneratedBy, activity))
        h.add((version, DCTERMS.identifier, Literal(digest(text))))
        h.add((version, RDFS.label, Literal(f"第{number}版", lang="zh")))
        h.add((version, RDFS.label, Literal(f"version {number}", lang="en")))
        h.add((activity, RDF.type, PROV.Activity))
        h.add((activity, RDF.type, PLAN.Amendment if previous else PLAN.Import))
        h.add((activity, PROV.endedAtTime, Literal(now, datatype=XSD.dateTime)))
        agent_node = URIRef(f"{activity}/agent")
        h.add((activity, PROV.wasAssociatedWith, agent_node))
        h.add((agent_node, RDF.type, PROV.Agent))
        h.add((agent_node, RDFS.label, Literal(agent)))
        h.add((activity, RDFS.comment, Literal(message)))
        if used:
            h.add((activity, PLAN.change, Literal(used)))
        if previous:
            h.add((version, PROV.wasRevisionOf, URIRef(previous.iri)))
            h.add((activity, PROV.used, URIRef(previous.iri)))
        for k, (result, why) in enumerate(acknowledged, start=1):
            ack = URIRef(f"{activity}/acknowledgement/{k}")
            h.add((activity, PLAN.acknowledged, ack))
            h.add((ack, RDF.type, PLAN.Acknowledgement))
            h.add((ack, PROV.wasAttributedTo, agent_node))
            h.add((ack, PLAN.rule, Literal(result.rule)))
            h.add((ack, PLAN.acknowledgedFocus, result.focus))
            if result.value is not None:
                h.add((ack, PLAN.acknowledgedValue, Literal(str(result.value))))
            h.add((ack, PLAN.reason, Literal(why)))
            for m in (result.message_zh, result.message_en):
                if m:
                    h.add((ack, RDFS.comment, Literal(m, lang="zh" if m == result.message_zh else "en")))
        atomic_write(self.history_path(plan), serialize.turtle(h))  # the commit point
        hook("history-written")
        self.touch_head(f"{plan} {number} {now}")
        st = self.history_path(plan).stat()
        self._histories[plan] = ((st.st_ino, st.st_size, st.st_mtime_ns), h, self._versions(plan, h))
        self._committed(plan, graph, h)
        hook("indexed")
        return self.history(plan)[-1]

    def _committed(self, plan: str, graph: Graph, history: Graph) -> None:
        """Called after each commit (the index puts the new version in, if it is open)."""

    def touch_head(self, what: str) -> None:
        """Say that what readers should see has changed: snapshots are named after HEAD."""
        atomic_write(self.root / HEAD, f"{what}\n")

    def tidy(self) -> list[Path]:
        """Remove what a writer killed part-way leaves behind; return the files removed.

        That is a version file (and its report) written but never committed — the history does
        not list it — and the temporary files of :func:`atomic_write`. Neither is ever read (the
        next commit would overwrite the version file), but a steward looking at the folder should
        not find a version that does not exist. Call it with the write lock held. Only a plan
        whose newest version file is at least as new as its history is read, so it costs a
        directory listing per plan."""
        removed = []
        for folder in sorted(p for p in (self.root / "plans").glob("*") if p.is_dir()):
            removed += [t for t in folder.glob(".*.*") if t.is_file()]  # atomic_write's temporary files
            history = folder / "history.ttl"
            numbers = [int(p.stem[1:]) for p in folder.glob("v*.ttl") if p.stem[1:].isdigit()]
            if not numbers:
                continue
            newest = folder / f"v{max(numbers)}.ttl"
            if history.is_file() and newest.stat().st_mtime_ns < history.stat().st_mtime_ns:
                continue  # written before the last commit: it is listed
            iri = (folder / IRI_FILE).read_text(encoding="utf-8").strip() if (folder / IRI_FILE).is_file() else None
            listed = {v.number for v in self.history(iri)} if iri and history.is_file() else set()
            for n in sorted(numbers):
                if n not in listed:
                    removed += [p for p in (folder / f"v{n}.ttl", folder / f"v{n}.report.ttl") if p.is_file()]
        for path in removed:
            path.unlink(missing_ok=True)
        return removed
