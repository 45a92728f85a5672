"""``plankg build`` and ``plankg read``: plan texts into the state folder, or only read.

They parse arguments and print; the work is plankg.building's (every build is an amendment of
the state folder, or its first import) and plankg.layouts' (how a text reads).
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from .reading import LAYOUTS


class Unreadable(click.ClickException):
    """The input could not be read at all, or the request is wrong: exit 2, as pySHACL's CLI does."""

    exit_code = 2


def rel(path: Path) -> str:
    """A path relative to the working folder when it is under it (shorter in messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@click.command()
@click.argument("sources", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--district", help="District name, e.g. 沙坪坝区 (instead of a .toml metadata file).")
@click.option("--code", help="Six-digit GB/T 2260 division code of the district, e.g. 500106.")
@click.option("--year", type=int, help="The year the plan is for.")
@click.option("--title", help="Document title (default: the file name).")
@click.option("--publisher", help="Who published it (default: the district's people's government).")
@click.option("--layout", type=click.Choice(LAYOUTS), help="Read the text in this layout instead of the detected one.")
@click.option("-m", "--message", help="Why the plan changes (kept in the history; default: built from FILE).")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path),
              help="State folder with versions and history (env PLANKG_STORE; see README).")
@click.option("--all", "show_all", is_flag=True,
              help="On rejection, list the results the current version has too (by default summed in one line).")
@click.pass_context
def build(ctx, sources, district, code, year, title, publisher, layout, message, store, show_all):
    """Read plan texts and make each the current version of its plan, checked by the rules.

    With no SOURCES, builds the bundled plan (data/source/yuzhong-2023-key-tasks.txt). Each text
    goes the way of `plankg amend`: built, inferred and checked; a plan the state folder lacks is
    imported as version 1, a plan that differs from its current version becomes the next version
    (PROV agent "plankg build"), an unchanged one stores nothing. If any plan breaks a rule, the
    report is printed, the exit code is 1, and nothing is written. Last, each plan's graph is
    exported as sorted Turtle to the build folder (data/build: an export, never read back).

    A text's metadata comes from a .toml file beside it with the same name, or from --district,
    --code and --year (IRIs are keyed by code and year, so two plans never collide).

    Example:

    \b
        plankg build
        plankg build shapingba-2022.txt --district 沙坪坝区 --code 500106 --year 2022
    """
    from . import building, pipeline

    settings = ctx.obj.with_overrides(store_dir_override=store.resolve() if store else None)
    sources = sources or (settings.bundled_plan,)
    meta = _meta(sources, district, code, year, title, publisher, layout)
    missing = [s for s in sources if not s.is_file()]
    if missing:
        raise Unreadable(f"{missing[0]}: no such file")
    try:
        built = building.build(settings, list(sources), meta, message=message)
    except (pipeline.PlanSyntaxError, pipeline.MetadataError, pipeline.RegistryError) as e:  # exit 2, as read does
        raise Unreadable(str(e)) from None
    for b in built:
        _describe(b.result)
    for b in built:
        if b.status == "rejected":
            if b.outcome.standing is None:  # a first import: every result is new
                click.echo(b.outcome.report.to_text(), nl=False)
            else:
                from .findings import rejection_text

                click.echo(rejection_text(b.outcome.report, b.outcome.standing, show_all), nl=False)
            click.echo(f"rejected: {b.result.plan.path} breaks the plan's rules; nothing was stored", err=True)
    if any(b.status == "rejected" for b in built):
        if len(built) > 1:
            click.echo("no plan was stored or exported: every text given is accepted, or none", err=True)
        ctx.exit(1)
    for b in built:
        v, plan, to = b.outcome.version, b.outcome.plan, rel(b.export)
        if b.status == "unchanged":
            click.echo(f"no change: {plan} is already this text; nothing was stored → {to}")
        else:
            click.echo(f"{b.status}: {plan} version {v.number} ({v.digest[:19]}…) → {to}")


def _meta(sources, district, code, year, title, publisher, layout):
    given = [n for n, v in (("--district", district), ("--code", code), ("--year", year)) if v]
    if not given:
        return None
    if len(given) < 3:
        raise click.UsageError("--district, --code and --year go together (or use a .toml file)")
    if not (code.isdigit() and len(code) == 6):
        raise click.UsageError(f"--code {code!r}: expected a six-digit division code such as 500106")
    if len(sources) != 1:
        raise click.UsageError("--district/--code/--year describe one plan: give exactly one SOURCE")
    from .graph import PlanMeta

    return PlanMeta(title=title or sources[0].stem, publisher=publisher or f"{district}人民政府",
                    district=district, division_code=code, year=year, layout=layout)


def _describe(result) -> None:
    click.echo(f"{result.plan.path}: {len(result.plan.tasks)} tasks, {len(result.plan.sections)} sections, "
               f"{len(result.plan.subsections)} sub-sections, {len(result.graph)} triples")
    if result.coverage is not None:
        click.echo(f"  {result.coverage}")
    if result.plan.problems:
        click.echo(f"  {len(result.plan.problems)} line(s) of the text could not be read (layout "
                   f"{result.plan.layout}); each is a violation (SourceLineRead) that plankg validate "
                   "reports and the state folder refuses:")
        for p in result.plan.problems:
            click.echo(f"    {where(result.plan.path, p)}: {p.message}")
    _report_unregistered(result)


def where(path, problem) -> str:
    """FILE:LINE of a reading problem (FILE alone when it concerns the whole text)."""
    return f"{path}:{problem.line}" if problem.line else str(path)


def _report_unregistered(result) -> None:
    """List the unit names the registry lacks, with the kind their names suggest, for a person to confirm."""
    from .classify import guess
    from .tables import width
    from .vocab import PLAN, RDF, SKOS

    g = result.graph
    names = sorted({str(g.value(u, SKOS.prefLabel)) for u in g.subjects(RDF.type, PLAN.UnregisteredUnit)})
    if not names:
        return
    click.echo(f"  {len(names)} unit name(s) not in the registry (data/units.ttl); best guesses, "
               f"to confirm before registering:")
    column = max(width(n) for n in names)
    for name in names:
        click.echo(f"    {name}{' ' * (column - width(name))}  {guess(name).describe()}")


@click.command("read")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--layout", type=click.Choice(LAYOUTS),
              help="Read the text in this layout instead of the detected one.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def read_command(ctx, source, layout, fmt):
    """Show how a plan text reads - layout, tasks, units, problems - and what the rules find, without adding it anywhere.

    Check a new district's document before building it. The layout is detected (and the reason
    given) unless --layout names it: lines, brackets, parentheses, inline, ordinal, one-line,
    table. With a .toml metadata file beside the text the plan is also checked against the rules
    (as `plankg validate FILE` does); without one it says the rules were not checked. JSON has
    the shape of tests/data/samples/*.expected.json plus "problems" and "rules". Exit 0 when the
    text was read (problems and rule findings are listed), 2 when no tasks could be read at all.

    Example:

    \b
        plankg read other-district-2024.txt
        plankg read other-district-2024.txt --layout one-line --format json
    """
    from .layouts import summary
    from .sources import PlanSyntaxError, read_plan
    from .tables import render

    try:
        plan = read_plan(source, layout=layout)
    except PlanSyntaxError as e:
        click.echo(f"Error: {e}", err=True)
        ctx.exit(2)
    reading = summary(plan)
    report, why = _rules(ctx.obj, source, layout)
    if fmt == "json":
        reading["rules"] = _rules_json(report, why)
        click.echo(json.dumps(reading, ensure_ascii=False, indent=1))
        return
    click.echo(f"{source}: layout {plan.layout} ({plan.layout_reason})")
    click.echo(f"lead rule: {reading['lead_rule']}")
    sections = {s.number: s.numeral for s in plan.sections}
    columns = ["id", "line", "section", "lead", "responsible", "leaders", "text"]
    rows = [[t.id, str(t.line), sections.get(t.section, ""), "、".join(u.name for u in t.lead),
             "、".join(u.name for u in t.responsible), "、".join(t.officials), t.title or t.text]
            for t in plan.tasks]
    click.echo(render(columns, rows, "table"), nl=False)
    click.echo(f"reading problems: {len(plan.problems)}")
    for p in plan.problems:
        click.echo(f"  {where(plan.path, p)}: {p.message}")
    if report is None:
        click.echo(f"rules: not checked ({why}); run plankg validate {source} once it has its metadata")
    else:
        click.echo("rules:")
        for line in report.to_text().splitlines():
            click.echo(f"  {line}")


def _rules(settings, source: Path, layout):
    """The rule report of the text's plan, or (None, why not) when it has no metadata to build it."""
    from dataclasses import replace

    from . import pipeline
    from .check import check

    if not source.with_suffix(".toml").is_file():
        return None, f"no metadata file {source.with_suffix('.toml').name} beside it"
    try:
        meta = pipeline.read_meta(source)
        result = pipeline.build(source, settings, meta=replace(meta, layout=layout) if layout else meta)
    except (pipeline.PlanSyntaxError, pipeline.MetadataError) as e:
        return None, str(e)
    return check(result.graph, settings), None


def _rules_json(report, why) -> dict:
    if report is None:
        return {"checked": False, "why": why}
    return {"checked": True, "conforms": report.conforms, "violations": len(report.violations),
            "warnings": len(report.warnings),
            "results": [{"severity": r.severity, "rule": r.rule, "place": r.place, "line": r.line,
                         "message_zh": r.message_zh, "message_en": r.message_en} for r in report.results]}
