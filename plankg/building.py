"""``plankg build``: plan texts into the state folder, as amendments, then their exports.

A text is read and built in memory (plankg.pipeline); then, under the writers' lock, each plan
goes the way of ``plankg amend``: a plan the state folder already holds gets the built graph as
its candidate (inferred, checked, and accepted as the next version with its PROV record, or
rejected); a plan it lacks is checked and, only if it passes, imported as version 1. A text that
builds to the current version changes nothing. If any plan is rejected, nothing at all is
written, the built files included. The built files (data/build) are written last, as an export
of the versions just accepted: no reader reads them (plankg.readers).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import pipeline
from .amend import BuiltText, Outcome, evaluate, record
from .check import check
from .config import Settings
from .facts import Facts
from .versions import Repository, close, write_lock

AGENT = "plankg build"


@dataclass
class Built:
    """One text built: what it read, and what became of its plan in the state folder."""

    result: pipeline.Build
    outcome: Outcome
    new: bool  # the state folder did not hold the plan: accepted means imported as version 1
    export: Path | None = None

    @property
    def status(self) -> str:
        o = self.outcome
        return ("unchanged" if not o.changed else "rejected" if not o.accepted
                else "imported" if self.new else "accepted")


def _evaluate(repo: Repository, result: pipeline.Build) -> Built:
    plan = str(result.iris.plan)
    if plan in repo.plans():
        return Built(result, evaluate(repo, plan, BuiltText(Path(result.plan.path), result.graph)), False)
    report = check(result.graph, repo.settings)
    return Built(result, Outcome(plan, report.conforms, report, Facts.from_graph(result.graph)), True)


def build(settings: Settings, sources: list[Path], meta=None, *, message: str | None = None) -> list[Built]:
    """Read every text, then accept all their plans or none (see the module's docstring).

    Raises pipeline.PlanSyntaxError or MetadataError when a text cannot be read (nothing written)."""
    results = [pipeline.build(s, settings, meta=meta) for s in sources]  # read everything before writing
    with write_lock(settings.store_dir):
        repo = Repository.open(settings, initialise=False)
        try:
            built = [_evaluate(repo, r) for r in results]
            if any(b.status == "rejected" for b in built):
                return built
            for b in built:
                if b.status in ("accepted", "imported"):
                    _record(repo, b, message)
        finally:
            close(repo)
    for b in built:
        b.export = pipeline.write(b.result, settings.build_dir, settings, only_changed=True)
    return built


def _record(repo: Repository, b: Built, message: str | None) -> None:
    name = Path(b.result.plan.path).name
    if b.new:
        b.outcome.version = repo.commit(b.outcome.plan, b.result.graph, agent=AGENT,
                                        message=message or f"imported from {name}", report=b.outcome.report)
    else:
        record(repo, b.outcome, BuiltText(Path(b.result.plan.path), b.result.graph), agent=AGENT,
               message=message or f"built from {name}")
    repo.index(b.outcome.plan, b.result.graph)
