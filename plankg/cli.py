"""The ``plankg`` command: it parses arguments and prints; the work is done by the library.

Commands that read and build plans and ask questions are here; those of the state folder (amend,
history, diff) are in plankg.cli_state, the server's (serve, bench) in plankg.cli_server. Every
module a command needs is imported inside it, so ``plankg --help`` and each command load only
what they use (no Flask, gunicorn or pySHACL for ``plankg build``).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .config import from_env
from .reading import LAYOUTS


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@click.group()
@click.option("--base", help="IRI base for the data (env PLANKG_BASE).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with source/, build/ and units.ttl (env PLANKG_DATA_DIR).")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where built graphs are written and read (env PLANKG_BUILD_DIR; see README).")
@click.version_option(package_name="plankg")
@click.pass_context
def cli(ctx, base, data_dir, build_dir):
    """plankg: Chinese local governments' annual work plans as a knowledge graph."""
    if base and not base.endswith(("/", "#")):
        base += "/"
    ctx.obj = from_env().with_overrides(base=base, data_dir=data_dir.resolve() if data_dir else None,
                                        build_dir_override=build_dir.resolve() if build_dir else None)


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--district", help="District name, e.g. 沙坪坝区 (instead of a .toml metadata file).")
@click.option("--code", help="Six-digit GB/T 2260 division code of the district, e.g. 500106.")
@click.option("--year", type=int, help="The year the plan is for.")
@click.option("--title", help="Document title (default: the file name).")
@click.option("--publisher", help="Who published it (default: the district's people's government).")
@click.option("--layout", type=click.Choice(LAYOUTS), help="Read the text in this layout instead of the detected one.")
@click.pass_context
def build(ctx, sources, district, code, year, title, publisher, layout):
    """Read plan texts and write their graphs as sorted Turtle, one file (and named graph) per plan.

    With no SOURCES, builds the bundled plan (data/source/yuzhong-2023-key-tasks.txt). A text's
    metadata comes from a .toml file beside it with the same name, or from --district, --code
    and --year (IRIs are keyed by code and year, so two plans never collide).

    Example:

    \b
        plankg build
        plankg build shapingba-2022.txt --district 沙坪坝区 --code 500106 --year 2022
    """
    from . import pipeline

    settings = ctx.obj
    sources = sources or (settings.bundled_plan,)
    given = [n for n, v in (("--district", district), ("--code", code), ("--year", year)) if v]
    meta = None
    if given:
        if len(given) < 3:
            raise click.ClickException("--district, --code and --year go together (or use a .toml file)")
        if not (code.isdigit() and len(code) == 6):
            raise click.ClickException(f"--code {code!r}: expected a six-digit division code such as 500106")
        if len(sources) != 1:
            raise click.ClickException("--district/--code/--year describe one plan: give exactly one SOURCE")
        from .graph import PlanMeta

        meta = PlanMeta(title=title or sources[0].stem, publisher=publisher or f"{district}人民政府",
                        district=district, division_code=code, year=year, layout=layout)
    try:
        results = [pipeline.build(s, settings, meta=meta) for s in sources]  # read everything before writing
    except (pipeline.PlanSyntaxError, pipeline.MetadataError) as e:
        raise click.ClickException(str(e)) from None
    for result in results:
        path = pipeline.write(result, settings.build_dir, settings)
        click.echo(f"{result.plan.path}: {len(result.plan.tasks)} tasks, {len(result.plan.sections)} sections, "
                   f"{len(result.plan.subsections)} sub-sections, {len(result.graph)} triples → {_rel(path)}")
        if result.coverage is not None:
            click.echo(f"  {result.coverage}")
        if result.plan.problems:
            click.echo(f"  {len(result.plan.problems)} line(s) of the text could not be read (layout "
                       f"{result.plan.layout}); each is a violation (SourceLineRead) that plankg validate "
                       "reports and the state folder refuses:")
            for p in result.plan.problems:
                click.echo(f"    {_where(result.plan.path, p)}: {p.message}")
        _report_unregistered(result)


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


@cli.group()
def link():
    """Link our identifiers to other open data (written to data/linksets/, loaded with the reference data)."""


@link.command("wikidata")
@click.option("--answer", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A saved WDQS answer (SPARQL JSON) to the query in data/linksets/wikidata-p442.rq.")
@click.option("--endpoint", default=None, help="Ask this SPARQL endpoint instead [default: the Wikidata Query Service].")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the linkset "
              "[default: data/linksets/wikidata.ttl].")
@click.pass_context
def link_wikidata(ctx, answer, endpoint, out):
    """Link divisions and sub-district offices to Wikidata items through their codes (P442).

    An item is linked only when its P442 code (written with spaces, "50 01 03") equals ours and its
    Chinese label equals our name; anything else is listed and left out. Without --answer the query
    is sent to the Wikidata Query Service; to check by hand, run data/linksets/wikidata-p442.rq
    there (with {prefix} set to 50), download the JSON, and pass it with --answer.

    Example:

    \b
        plankg link wikidata
        plankg link wikidata --answer wdqs-answer.json
    """
    from . import link as linking

    try:
        result, target = linking.wikidata(ctx.obj, answer, endpoint, out)
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    click.echo(result.to_text(), nl=False)
    click.echo(f"→ {_rel(target)}")


@cli.command()
@click.argument("names", nargs=-1, required=True)
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def classify(names, fmt):
    """Show the kind a unit name suggests: body type, sectors, and the rules that decided.

    This is the guess plankg records for names the registry does not know (plan:suggestedBodyType,
    plan:suggestedSector); the rules are in data/unit-kinds.toml. Confirm a guess by adding the
    unit to data/units.ttl with its plan:bodyType and plan:sector.

    Example:

    \b
        plankg classify 区发展和改革局 县税务局 各乡镇(街道)
    """
    from .classify import guess
    from .tables import render

    guesses = [guess(n) for n in names]
    if fmt == "json":
        click.echo(json.dumps([{"name": g.name, "body_type": g.body_type, "sectors": list(g.sectors),
                                "collective": g.collective, "selective": g.selective, "rules": list(g.rules)}
                               for g in guesses], ensure_ascii=False, indent=1))
        return
    rows = [[g.name, ("group of " if g.collective else "") + (g.body_type or "?"), ", ".join(g.sectors) or "?",
             "; ".join(g.rules)] for g in guesses]
    click.echo(render(["name", "body type", "sectors", "rules"], rows, "table"), nl=False)


@cli.command("read")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--layout", type=click.Choice(LAYOUTS),
              help="Read the text in this layout instead of the detected one.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def read_command(ctx, source, layout, fmt):
    """Show how a plan text reads - layout, tasks, units, problems - without adding it anywhere.

    Check a new district's document before building it. The layout is detected (and the reason
    given) unless --layout names it: lines, brackets, parentheses, inline, ordinal, one-line,
    table. JSON has the shape of tests/data/samples/*.expected.json plus "problems". Exit 0 when
    the text was read (problems are listed), 2 when no tasks could be read at all.

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
    if fmt == "json":
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
    click.echo(f"problems: {len(plan.problems)}")
    for p in plan.problems:
        click.echo(f"  {_where(plan.path, p)}: {p.message}")


def _where(path: str, problem) -> str:
    """FILE:LINE of a reading problem (FILE alone when it concerns the whole text)."""
    return f"{path}:{problem.line}" if problem.line else path


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("docs/ontology.html"),
              show_default=True, help="Where to write the HTML.")
def docs(out):
    """Write the ontology documentation (HTML, generated by pyLODE from ontology/plankg.ttl).

    Example:

    \b
        plankg docs && xdg-open docs/ontology.html
    """
    from . import docs as ontology_docs

    click.echo(f"ontology documentation → {_rel(ontology_docs.write(out))}")


@cli.command()
@click.argument("name")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter, e.g. --param unit=区发改委 (repeatable).")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@click.option("--bom", is_flag=True, help="Start CSV with a UTF-8 byte-order mark, so Excel reads the Chinese.")
@click.pass_context
def query(ctx, name, params, fmt, bom):
    """Run a canned query (a name from queries/) or a SPARQL file, and print the rows.

    Example:

    \b
        plankg query tasks-led-by --param unit=区发改委
        plankg query unit-workload --format csv > workload.csv
        plankg query targets --format csv --bom > targets.csv   # for Excel
        plankg query my-question.rq
    """
    from . import canned
    from .asking import query_store
    from .tables import render

    settings = ctx.obj
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.ClickException(f"--param {item!r}: expected NAME=VALUE, e.g. --param unit=区发改委")
        values[key] = value
    try:
        q = canned.find(name)
        store = query_store(settings)
    except (canned.QueryError, FileNotFoundError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    try:
        rows = q.run(store, values)
    except canned.QueryError as e:
        raise click.ClickException(str(e)) from None
    except (SyntaxError, RuntimeError, ValueError) as e:  # pyoxigraph's parse and evaluation errors
        raise click.ClickException(f"{name}: the query failed: {str(e).splitlines()[0]}") from None
    out = render(rows.columns, rows.rows, fmt)
    click.echo(("\ufeff" + out) if bom and fmt == "csv" else out, nl=False)


# -- Rule checks ----------------------------------------------------------------

class _Unreadable(click.ClickException):
    """The input could not be read at all: exit 2, as pySHACL's CLI does."""

    exit_code = 2


@cli.command("validate")
@click.argument("source", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text",
              show_default=True, help="text: one line per result, by task; turtle/json: the SHACL report.")
@click.pass_context
def validate_command(ctx, source, fmt):
    """Check a plan against the rules in shapes/ and print what they find.

    SOURCE is a plan text (.txt, with its .toml beside it) or a built graph (.ttl, .nt, .trig);
    without it the bundled plan is built in memory and checked. Exit status: 0 when the plan
    conforms (warnings allowed), 1 when a rule is violated, 2 when SOURCE cannot be read.

    Example:

    \b
        plankg validate
        plankg validate data/source/yuzhong-2023-key-tasks.txt
        plankg validate data/build/500103-2023.ttl --format turtle > report.ttl
    """
    from .check import check
    from .pipeline import Unreadable, plan_graph

    settings = ctx.obj
    try:
        plan = plan_graph(source or settings.bundled_plan, settings)
    except Unreadable as e:
        raise _Unreadable(str(e)) from None
    report = check(plan, settings)
    out = {"text": report.to_text, "turtle": report.to_turtle, "json": report.to_json}[fmt]()
    click.echo(out, nl=not out.endswith("\n"))
    ctx.exit(0 if report.conforms else 1)


# -- The state folder and the server: their commands are in plankg.cli_state and plankg.cli_server --
from . import cli_reports, cli_search, cli_server, cli_state  # noqa: E402 - registered after the group is defined

for _command in (cli_state.amend, cli_state.history, cli_state.diff_command, cli_server.serve, cli_server.bench,
                 cli_reports.outcomes, cli_reports.chart, cli_search.search):
    cli.add_command(_command)


def main():  # pragma: no cover - console entry point
    """Run the CLI; an unexpected error is one line on stderr, the traceback only with PLANKG_DEBUG=1."""
    try:
        cli(prog_name="plankg", standalone_mode=True)
    except Exception as e:  # noqa: BLE001 - last line of defence: no stack traces for users
        if os.environ.get("PLANKG_DEBUG"):
            raise
        click.echo(f"Error: {type(e).__name__}: {e} (set PLANKG_DEBUG=1 for details)", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
