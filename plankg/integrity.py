"""Does a state folder hold what its history says? What the crash and soak checks ask after each restart.

Three things must agree for every plan: the history (versions 1…N, each revising the one before),
the version files (each ``vN.ttl`` present, its text hashing to the ``digest`` the history
recorded for it, and no file of a version the history does not list), and the Oxigraph index (its copy of the plan's graph serialises to the current
version's text, and its copy of the history names the same current version). The snapshot the
server reads (named after ``HEAD``) must hold the same as the index. The index is opened
read-only, under the writers' lock, and never brought up to date here: a lagging index is a
finding, not something to repair while checking.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import URIRef

from . import serialize
from .graph import PREFIXES
from .store import Store
from .versions import Repository, digest, snapshot_name, write_lock
from .vocab import PLAN_NS

HISTORY_DIGEST = (f"PREFIX plan: <{PLAN_NS}> "
                  "SELECT ?h ?d WHERE { GRAPH ?h { ?h plan:contentDigest ?d } }")


def index_digests(store: Store, plan: str) -> tuple[str, str]:
    """(digest of the plan's graph as held, digest of the current version its history graph names)."""
    graph = store.graph(f"{plan}/graph")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    rows = store.select(HISTORY_DIGEST, {"h": URIRef(f"{plan}/history")}).rows
    return digest(serialize.turtle(graph)), (rows[0][1] if rows else "")


def problems(settings, root: Path, *, snapshot: bool = True) -> list[str]:
    """Every disagreement found, one line each; an empty list means the folder is consistent."""
    found: list[str] = []
    with write_lock(root):
        repo = Repository.open(settings, root, initialise=False)
        plans = repo.plans()
        if not plans:
            return [f"{root}: no plan has a history"]
        current = {}
        for plan in plans:
            versions = repo.history(plan)
            if [v.number for v in versions] != list(range(1, len(versions) + 1)):
                found.append(f"{plan}: history numbers {[v.number for v in versions]}, expected 1…{len(versions)}")
            for prev, v in zip([None, *versions], versions):
                if (prev.iri if prev else None) != v.previous:
                    found.append(f"{plan} v{v.number}: revises {v.previous}, expected {prev.iri if prev else None}")
                if not v.path.is_file():
                    found.append(f"{plan} v{v.number}: {v.path.name} is missing")
                elif digest(v.path.read_text(encoding="utf-8")) != v.digest:
                    found.append(f"{plan} v{v.number}: {v.path.name} does not match the digest in the history")
            listed = {"IRI", "history.ttl"} | {n for v in versions for n in (v.path.name, f"v{v.number}.report.ttl")}
            extra = sorted(p.name for p in repo.plan_dir(plan).iterdir() if p.name not in listed)
            if extra:
                found.append(f"{plan}: files that belong to no version: {', '.join(extra)}")
            current[plan] = versions[-1].digest
        stores = [("index", root / "oxigraph")]
        if snapshot:
            head = (root / "HEAD").read_text(encoding="utf-8") if (root / "HEAD").is_file() else ""
            stores.append(("snapshot", root / "snapshots" / snapshot_name(head)))
        for name, path in stores:
            if not path.is_dir():
                found.append(f"{name} {path.name} is missing")
                continue
            store = Store(path, base=settings.base, read_only=True)
            for plan, expected in current.items():
                graph, history = index_digests(store, plan)
                if graph != expected:
                    found.append(f"{plan}: the {name}'s graph is not the current version's")
                if history != expected:
                    found.append(f"{plan}: the {name}'s history names another current version")
            del store
    return found
