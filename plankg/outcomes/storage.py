"""Where outcomes are kept: files in the state folder, graphs in the store the queries read.

Every call into the versioned repository (plankg.versions) is in this module, so a change to
that API is met here only. Layout, beside the plan versions::

    outcomes/500103-2023/{report}.trig   one report: its named graph, exactly as stored
    outcomes/500103-2023/verdicts.trig   the plan's verdicts, remade from every report

The files are the record. Each is written by an atomic rename under the repository's write lock
(the lock ``plankg amend`` and the server's writers take), then its graph goes into the
repository's Oxigraph store and ``HEAD`` moves, so a running server's next snapshot holds it and
a restart keeps it. ``plankg query`` reads them there too (plankg.asking).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from rdflib import Dataset, Graph, URIRef

from .. import resources
from ..config import Settings
from ..files import atomic_write
from ..iris import plan_key
from ..store import Store, memoised, to_rdflib
from ..versions import Repository, RepositoryError, close, write_lock

FOLDER = "outcomes"
VERDICTS = "verdicts"


class StorageError(RuntimeError):
    """The plan is not there, or the state folder cannot be written."""


def folder(settings: Settings, plan: str) -> Path:
    return settings.store_dir / FOLDER / plan_key(plan)


def _trig(name: URIRef, graph: Graph) -> str:
    ds = Dataset()
    for prefix, ns in graph.namespaces():
        ds.bind(prefix, ns)
    ds.graph(name).__iadd__(graph)
    return ds.serialize(format="trig")


def _read(path: Path) -> dict[str, Graph]:
    ds = Dataset()
    ds.parse(path, format="trig")
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


def reports(settings: Settings, plan: str) -> dict[str, Graph]:
    """Every stored report of the plan: graph name → graph."""
    out = {}
    for path in sorted(folder(settings, plan).glob("*.trig")):
        if path.stem != VERDICTS:
            out.update(_read(path))
    return out


def plan_graph(settings: Settings, plan: str) -> Graph:
    """What the outcomes need of the plan (plan-targets.rq), from its current version in the
    state folder (built plans not yet there are imported first: plankg.readers)."""
    from ..readers import repository

    try:
        repo = repository(settings)
    except (RepositoryError, OSError, ValueError) as e:
        raise StorageError(str(e)) from None
    if plan not in repo.plans():
        raise StorageError(f"no plan {plan} in {settings.store_dir} (known: {', '.join(repo.plans()) or 'none'})")
    path = repo.current(plan).path
    store = Store(base=settings.base)
    try:
        store.load_file(path, plan + "/graph")
    except (SyntaxError, ValueError, OSError) as e:
        raise StorageError(f"{path}: {e}") from None
    g = Graph()
    term = memoised(to_rdflib)
    g.addN((term(t.subject), term(t.predicate), term(t.object), g)
           for t in store.query(resources.text("outcomes/plan-targets.rq")))
    return g


def save(settings: Settings, plan: str, report: URIRef, graph: Graph,
         remake: Callable[[dict[str, Graph]], tuple[URIRef, Graph]], validate=None) -> list[Path]:
    """Store one report (replacing an earlier one of the same name) and the plan's verdicts,
    remade by ``remake(reports) -> (name, graph)``; return the files written."""
    with write_lock(settings.store_dir):
        try:
            repo = Repository.open(settings, validate=validate)
        except (RepositoryError, OSError, ValueError) as e:
            raise StorageError(str(e)) from None
        try:
            if plan not in repo.plans():
                raise StorageError(f"no plan {plan} in {settings.store_dir} (known: {', '.join(repo.plans()) or 'none'})")
            where = folder(settings, plan)
            where.mkdir(parents=True, exist_ok=True)
            path = where / f"{str(report).rsplit('/', 1)[-1]}.trig"
            atomic_write(path, _trig(report, graph))
            name, verdicts = remake(reports(settings, plan))
            atomic_write(where / f"{VERDICTS}.trig", _trig(name, verdicts))
            repo.store.replace_graphs({str(report): graph, str(name): verdicts})
            repo.store.flush()
            repo.touch_head(f"outcomes {report}")  # readers follow HEAD to a new snapshot
        finally:
            close(repo)
    return [path, where / f"{VERDICTS}.trig"]
