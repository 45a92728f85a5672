"""The state folder: every accepted version of every plan, its PROV-O history, and the store index.

Layout (default ``data/store/``, set with ``--store`` or ``PLANKG_STORE``)::

    plans/500103-2023/v1.ttl        version 1 (asserted triples, sorted Turtle); never rewritten
    plans/500103-2023/v2.ttl        version 2 …
    plans/500103-2023/history.ttl   PROV-O: each version, the activity that made it, its predecessor
    oxigraph/                       the Oxigraph store the queries run on (rebuilt from the files)

The files are the record; the Oxigraph store is an index of the current versions that can always
be rebuilt from them. Accepting a version writes its new ``vN.ttl`` (a new name, so nothing
existing changes), then replaces ``history.ttl`` by an atomic rename: that rename is the commit.
A crash before it leaves an unreferenced file and the old history (:meth:`Repository.tidy`
removes it at the next start); a crash after it leaves an index that :meth:`Repository.sync`
brings up to date on the next open, moving ``HEAD`` so that readers get a new snapshot. Nothing
accepted is lost, and a rejected amendment writes nothing at all (``tests/server/test_soak.py``
kills writers at random moments to check it).
"""
from __future__ import annotations

import fcntl
import gc
import getpass
import hashlib
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from . import reason, reference, serialize
from .check import check
from .config import Settings
from .files import atomic_write
from .graph import PREFIXES
from .iris import district_of, plan_iri, plan_key
from .store import REFERENCE, UNITS, Store, read_turtle
from .vocab import DCTERMS, PLAN, PROV, RDF, RDFS, XSD

IRI_FILE = "IRI"  # in each plan's folder: the plan's IRI, written once with its first version
HEAD = "HEAD"  # a file whose content changes with every accepted version: cheap to poll


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


def close(repo: "Repository") -> None:
    """Release the repository's store (and so RocksDB's lock) now, not whenever the collector runs.

    A full collection costs more than half a second with an amendment's graphs in memory, so it
    runs only when something other than this function still holds the Oxigraph store."""
    store, repo._store = repo._store, None
    if store is None:
        return
    ox_store = store.ox
    del store
    if sys.getrefcount(ox_store) > 2:  # this name and getrefcount's argument: a cycle holds it
        gc.collect()
    del ox_store


def _stamp(path: Path) -> str:
    """Size and modification time: changes whenever the file is replaced (every commit renames it)."""
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


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


class Repository:
    """Versions and history on disk, with the Oxigraph index opened only when needed."""

    def __init__(self, settings: Settings, root: Path):
        self.settings, self.root = settings, root
        self._store: Store | None = None

    # -- opening -------------------------------------------------------------

    @classmethod
    def open(cls, settings: Settings, root: Path | None = None, *, initialise: bool = True,
             validate=None) -> "Repository":
        """Open the state folder; on first use, import every built plan as its version 1.

        ``validate``: True (plankg.validate.validate) or a function ``data -> Report`` checks each
        imported plan (:func:`plankg.check.check`); a plan with violations is refused
        (RepositoryError) rather than served unchecked. None imports without checking.
        """
        repo = cls(settings, (root or settings.store_dir).resolve())
        if initialise:
            repo._import_builds(validate)
        return repo

    def _import_builds(self, validate) -> None:
        builds = sorted(self.settings.build_dir.glob("*-*[0-9].ttl"))
        for path in builds:
            g = Graph().parse(path, format="turtle")
            plan = str(plan_iri(g))
            if self.history_path(plan).is_file():
                continue
            report = None
            if validate is not None:
                report = check(g, self.settings, validate=None if validate is True else validate)
                if not report.conforms:
                    raise RepositoryError(f"{path}: the built plan has rule violations; see `plankg validate`:\n"
                                          + report.to_text())
            self.commit(plan, g, agent="plankg build", message=f"imported from {path.name}", report=report)

    # -- reading -------------------------------------------------------------

    def district_of(self, plan: str) -> str:
        return district_of(self.settings.base, plan)

    def reference_for(self, plan: str) -> Graph:
        """The plan's district's reference data and what the ontology implies for it: what the
        plan's inference runs against (plankg.reference keeps it while its files are unchanged)."""
        return reference.reasoned(self.settings, self.district_of(plan))

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
        path = self.history_path(plan)
        return Graph().parse(path, format="turtle") if path.is_file() else Graph()

    def history(self, plan: str) -> list[Version]:
        """The versions of a plan, oldest first."""
        g = self.history_graph(plan)
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

    def version_graph(self, plan: str, number: int | None = None) -> Graph:
        """The asserted triples of one version (default: the current one)."""
        versions = self.history(plan)
        chosen = versions[-1] if number is None else next((v for v in versions if v.number == number), None)
        if chosen is None:
            raise RepositoryError(f"{plan} has no version {number} (it has 1…{len(versions)})")
        if chosen is versions[-1] and self._store is not None:
            graph = self._store.graph(f"{plan}/graph")  # the index holds the current version (synced)
        else:
            graph = read_turtle(chosen.path)
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)
        return graph

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
        history = self.history_graph(plan)
        previous = self.history(plan)[-1] if history else None
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
        for k, (result, reason) in enumerate(acknowledged, start=1):
            ack = URIRef(f"{activity}/acknowledgement/{k}")
            h.add((activity, PLAN.acknowledged, ack))
            h.add((ack, RDF.type, PLAN.Acknowledgement))
            h.add((ack, PROV.wasAttributedTo, agent_node))
            h.add((ack, PLAN.rule, Literal(result.rule)))
            h.add((ack, PLAN.acknowledgedFocus, result.focus))
            if result.value is not None:
                h.add((ack, PLAN.acknowledgedValue, Literal(str(result.value))))
            h.add((ack, PLAN.reason, Literal(reason)))
            for m in (result.message_zh, result.message_en):
                if m:
                    h.add((ack, RDFS.comment, Literal(m, lang="zh" if m == result.message_zh else "en")))
        atomic_write(self.history_path(plan), serialize.turtle(h))  # the commit point
        hook("history-written")
        self._touch_head(f"{plan} {number} {now}")
        if self._store is not None:
            self._index(plan, graph, h)
        hook("indexed")
        return self.history(plan)[-1]

    def _touch_head(self, what: str) -> None:
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

    # -- the index -----------------------------------------------------------

    @property
    def store(self) -> Store:
        """The on-disk Oxigraph store, opened (and brought up to date) on first use."""
        if self._store is None:
            self._open_store()
            self.sync()
        return self._store

    def _open_store(self) -> None:
        try:
            self._store = Store(self.root / "oxigraph", base=self.settings.base)
        except OSError as e:
            raise RepositoryError(f"{self.root / 'oxigraph'}: cannot open the store ({e}); "
                                  "is another plankg process using it?") from None

    def index(self, plan: str, graph: Graph) -> None:
        """Put the version just committed (``graph``, still in memory) into the index, then sync
        the rest: cheaper than opening the index first, which would re-read the version's file."""
        if self._store is None:
            self._open_store()
            self._index(plan, graph, self.history_graph(plan))
            self.sync()
        else:
            self._index(plan, graph, self.history_graph(plan))

    def sync(self) -> list[str]:
        """Reload into the index every plan whose current version it does not hold; return them."""
        store = self.store if self._store is None else self._store
        changed = []
        ref_name = self.settings.base + REFERENCE
        ref_digest = reference.digest(self.settings)
        rows = store.select("PREFIX plan: <https://w3id.org/plankg/ontology#> SELECT ?g ?d ?stamp WHERE { "
                            "GRAPH ?g { ?g plan:contentDigest ?d OPTIONAL { ?g plan:fileStamp ?stamp } } }").rows
        held = {r[0]: r[1] for r in rows}
        stamps = {r[0]: r[2] for r in rows}
        if held.get(ref_name) != ref_digest:
            ref = Graph()
            ref += reference.reasoned(self.settings, further=False)  # the reference graph queries read
            ref.add((URIRef(ref_name), PLAN.contentDigest, Literal(ref_digest)))
            store.replace_graphs({ref_name: ref})
            changed.append(ref_name)
        changed += self._sync_registries(store, ref_digest, held, stamps)
        for plan in self.plans():
            if stamps.get(f"{plan}/history") == _stamp(self.history_path(plan)):
                continue  # the history file the index was loaded from: nothing to parse
            current = self.current(plan)
            if held.get(f"{plan}/history") == current.digest:
                continue
            self._index(plan, read_turtle(current.path), self.history_graph(plan))
            changed.append(plan)
        store.flush()
        if changed:  # the index moved past every published snapshot (a writer was killed after its commit)
            self._touch_head(f"synced {datetime.now(timezone.utc).isoformat()} {len(changed)} graphs")
        return changed

    def _sync_registries(self, store: Store, ref_digest: str, held: dict, stamps: dict) -> list[str]:
        """Each further district's registry in its own graph, remade when its file or the shared
        reference changed; graphs of registries whose file is gone are emptied."""
        units = self.settings.base + UNITS
        files = self.settings.district_registries()
        changed, graphs = [], {}
        for district, path in files.items():
            name = units + district
            if held.get(name) == ref_digest and stamps.get(name) == _stamp(path):
                continue
            g = reference.registry_graph(self.settings, district)
            g.add((URIRef(name), PLAN.contentDigest, Literal(ref_digest)))
            g.add((URIRef(name), PLAN.fileStamp, Literal(_stamp(path))))
            graphs[name] = g
        for name in held:
            if name.startswith(units) and name[len(units):] not in files:
                graphs[name] = Graph()
        items = list(graphs.items())
        for i in range(0, len(items), 100):  # one transaction per hundred, not one huge one
            store.replace_graphs(dict(items[i:i + 100]))
        return sorted(graphs)

    def _index(self, plan: str, graph: Graph, history: Graph) -> None:
        inferred = reason.infer(graph, self.reference_for(plan))
        h = Graph()
        h += history
        current = self.history(plan)[-1]
        h.add((URIRef(f"{plan}/history"), PLAN.contentDigest, Literal(current.digest)))
        h.add((URIRef(f"{plan}/history"), PLAN.fileStamp, Literal(_stamp(self.history_path(plan)))))
        self._store.replace_graphs({f"{plan}/graph": graph, f"{plan}/inferred": inferred, f"{plan}/history": h})
