"""The state folder: every accepted version of every plan, its PROV-O history, and the store index.

:class:`Repository` joins the record (plankg.history: version files and PROV-O history) and its
index (plankg.index: the Oxigraph store), and imports built plans on first use. Layout (the state
folder: ``Settings.store_dir``, set with ``--store`` or ``PLANKG_STORE``; see README)::

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

from pathlib import Path

from rdflib import Graph

from .check import check
from .config import Settings
from .graph import PREFIXES
from .history import (HEAD, IRI_FILE, RepositoryError, Version, choose_plan, default_agent,  # noqa: F401
                      default_plan, digest, snapshot_name, write_lock)
from .index import Index, close  # noqa: F401
from .iris import plan_for_key, plan_iri
from .store import read_turtle


class Repository(Index):
    """A state folder: its versions and history (plankg.history) and their index (plankg.index)."""

    def __init__(self, settings: Settings, root: Path):
        super().__init__(settings, root)

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
            # a build is named after its plan (plankg.pipeline.write): an imported plan is not
            # parsed again (4 s of every `plankg amend` went here)
            named = plan_for_key(self.settings.base, path.stem)
            if named and self.history_path(named).is_file():
                continue
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

    def version_facts(self, plan: str):
        """The current version's asserted triples as plankg.facts.Facts: read by Oxigraph from
        the index if it is open, else from the version's file, with no rdflib terms made."""
        from .facts import Facts

        namespaces = _prefixes()
        if self._store is not None:
            store = self._store.ox
            import pyoxigraph as ox

            return Facts([q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(f"{plan}/graph"))],
                         namespaces=namespaces)
        return Facts.from_turtle(self.current(plan).path, namespaces=namespaces)


def _prefixes() -> list:
    """The prefixes :meth:`Repository.version_graph` binds (with rdflib's own)."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return list(g.namespaces())
