"""``plankg outcomes SOURCE --plan IRI``: read an outcome report, link its figures, store them.

Prints the report's kind, title and published date and the web page's lines it skipped
(navigation, metadata, footer), then every figure found and what was done with it — linked to a target (task, indicator),
kept but not linked (and why), or not read (and why) — then the plan's verdicts over every
report stored so far. ``--dry-run`` stores nothing. Exit 0 when read, 2 when the text or the
plan cannot be read at all.
"""
from __future__ import annotations

from collections import Counter
from datetime import date

from rdflib import Graph, URIRef

from ..config import Settings
from ..vocab import DCTERMS, PLAN, QUDT, RDF
from . import graph as rdf
from . import storage
from .figures import read_figures
from .linking import Decision, decide, name_basis, plan_targets
from .progress import read_statuses
from .reading import OutcomeTextError, read
from .verdicts import Evidence, verdicts


def _published(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise OutcomeTextError(f"--published {text!r}: expected a date YYYY-MM-DD, e.g. 2024-01-09") from None


def _evidence(reports: dict[str, Graph]) -> dict[str, list[Evidence]]:
    linked: dict[str, list[Evidence]] = {}
    for name, g in reports.items():
        issued = g.value(URIRef(name), DCTERMS.issued)
        for obs in g.subjects(RDF.type, PLAN.OutcomeObservation):
            order = int(str(obs).rsplit("/", 1)[-1]) if str(obs).rsplit("/", 1)[-1].isdigit() else 0
            e = Evidence(str(obs), g.value(obs, QUDT.numericValue).toPython(),
                         tuple(sorted(str(q) for q in g.objects(obs, PLAN.qualifier))), str(issued or ""), order)
            for t in g.objects(obs, PLAN.reportsOn):
                linked.setdefault(str(t), []).append(e)
    return linked


def _describe(d: Decision) -> str:
    f = d.figure
    read_as = [f"indicator {f.carried}"] if f.carried else []
    read_as += [f.rewritten] if f.rewritten else []
    if d.targets:
        where = "、".join("the plan's headline target" if t.task == "plan" else f"task {t.task}" for t in d.targets)
        read_as += [n] if (n := name_basis(f)) else []
        estimate = "; an estimate (预计)" if "预计" in f.qualifiers else ""
        what = f"linked to {where} ({d.targets[0].indicator_written}: {d.targets[0].phrase}){estimate}"
    else:
        what = ("kept, not linked: " if d.read else "not read: ") + d.reason
    return what + (f"  [{'; '.join(read_as)}]" if read_as else "")


def run(args, settings: Settings) -> int:
    try:
        published = _published(args.published)
        doc = read(args.source, args.kind, args.title)
        plan_g = storage.plan_graph(settings, args.plan)
    except (OutcomeTextError, storage.StorageError) as e:
        print(f"Error: {e}")
        return 2
    plan = URIRef(args.plan)
    year_lit = plan_g.value(plan, PLAN.year)
    if year_lit is None:
        print(f"Error: {args.plan}: no such plan in the graph read (no plan:year)")
        return 2
    year = int(str(year_lit)[:4])
    given = published
    published = published or doc.published
    targets = plan_targets(plan_g, plan)
    figures, unread = read_figures(doc, published.year if published else None)
    decisions = [decide(f, targets, year, settings.base) for f in figures]
    tasks = {str(plan_g.value(t, PLAN.number)): str(plan_g.value(t, PLAN.text) or "")
             for t in plan_g.subjects(PLAN.inPlan, plan) if plan_g.value(t, PLAN.number) is not None}
    statuses, bad_statuses = read_statuses(doc, tasks) if doc.kind == "task-progress" else ([], [])

    print(f"{args.source}: {doc.kind} ({doc.kind_reason}); plan {args.plan}, year {year}")
    _page(doc, given)
    rows = sorted([(d.figure.line, d.figure.start, d.figure.phrase, _describe(d)) for d in decisions]
                  + [(u.line, 0, u.text, f"not read: {u.why}") for u in unread])
    for line, _, text, what in rows:
        print(f"  line {line:<4} {text}  →  {what}")
    for s in statuses:
        print(f"  line {s.line:<4} task {s.task}: {s.written}  →  status {s.status} of task {s.task}")
    for line, text, why in bad_statuses:
        print(f"  line {line:<4} {text[:30]}  →  not read: {why}")
    linked = sum(1 for d in decisions if d.targets)
    kept = sum(1 for d in decisions if not d.targets and d.read)
    print(f"figures: {len(decisions) + len(unread)} found, {linked} linked, {kept} kept (not linked), "
          f"{len(unread) + sum(1 for d in decisions if not d.read)} not read; "
          f"task statuses: {len(statuses)} read, {len(bad_statuses)} not read")

    report = rdf.report_iri(args.plan, args.name or args.source.stem)
    graph = rdf.report_graph(doc, args.plan, report, published.isoformat() if published else None,
                             decisions, statuses)

    def remake(stored: dict[str, Graph]):
        stored = {**stored, str(report): graph}
        made = verdicts(targets, _evidence(stored))
        return rdf.verdicts_iri(args.plan), (rdf.verdict_graph(args.plan, made), made)

    if args.dry_run:
        _, (_, made) = remake(storage.reports(settings, args.plan))
        _summary(made, plan_g)
        print("dry run: nothing stored")
        return 0
    kept_made = []

    def store_remake(stored):
        name, (g, made) = remake(stored)
        kept_made.append(made)
        return name, g
    try:
        files = storage.save(settings, args.plan, report, graph, store_remake,
                             validate=True)  # a plan imported on first use is checked
    except storage.StorageError as e:
        print(f"Error: {e}")
        return 2
    _summary(kept_made[-1], plan_g)
    print(f"stored: graph <{report}> ({files[0].name}), verdicts <{rdf.verdicts_iri(args.plan)}>")
    return 0


def _page(doc, given: date | None) -> None:
    """The title, the published date and the lines skipped, each with where it was found."""
    print(f"  title (line {doc.title_line}): {doc.title}" if doc.title_line else
          f"  title: none before the text; its first words: {doc.title}")
    if given:
        page = f"; the page says {doc.published} ({doc.published_basis})" if doc.published not in (None, given) else ""
        print(f"  published {given} (given with --published{page})")
    elif doc.published:
        print(f"  published {doc.published} ({doc.published_basis})")
    else:
        print("  published: not stated (give --published: 今年 and 去年 are counted from it)")
    if furniture := doc.furniture():
        print(f"  skipped {furniture}")
    for n in sorted(n for n, why in doc.skipped.items() if why == "title"):
        print(f"  skipped line {n}: the title again ({doc.lines[n - 1].strip()})")


def _summary(made, plan_g: Graph) -> None:
    """The verdicts counted as target-summary counts them: a headline target restating a task's
    target (plan:restates) is that target, counted once."""
    restating = set(plan_g.subjects(PLAN.restates, None))
    made = [v for v in made if v.target.iri not in restating]
    counts = Counter(v.verdict for v in made)
    estimates = sum(1 for v in made if v.estimate)
    print("verdicts (every report of the plan): " + ", ".join(
        f"{counts[k]} {k}" for k in ("met", "missed", "unclear", "not-reported"))
        + (f" ({estimates} resting on an estimate)" if estimates else ""))
