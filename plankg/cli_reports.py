"""``plankg outcomes`` and ``plankg chart``: reports read into the graph, and charts drawn from it.

Their options are declared here, in click like every other command's (so ``--help`` reads the
same everywhere); the work is in plankg.outcomes.command and plankg.charts.command, imported
only when the command runs, so ``plankg --help`` imports neither.
"""
from __future__ import annotations

from argparse import Namespace
from pathlib import Path

import click

from .outcomes.reading import KINDS  # a tuple and two regexes: light enough for --help


@click.command("outcomes")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plan", required=True, metavar="IRI",
              help="The plan's IRI, e.g. https://w3id.org/plankg/plan/500103/2023.")
@click.option("--published", metavar="YYYY-MM-DD",
              help="The date the report was published (orders estimates and final figures; counts 今年 and 去年) "
                   "[default: the page's 发布时间 or other metadata date].")
@click.option("--title", help="The report's title [default: the first line of its text that names a kind, "
                                   "after the web page's navigation, metadata and footer].")
@click.option("--kind", type=click.Choice(KINDS), help="The kind of report [default: told by its title, or a press "
                                                                 "report by its lead].")
@click.option("--name", help="The report's name in its IRI [default: the file name].")
@click.option("--dry-run", is_flag=True, help="Print what would be done; store nothing.")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path),
              help="State folder with versions and history (env PLANKG_STORE; see README).")
@click.pass_context
def outcomes(ctx, source, plan, published, title, kind, name, dry_run, store):
    """Read an outcome report, link its figures to the plan's targets, and store them.

    Prints every figure found and what was done with it: linked to a target (task, indicator),
    kept but not linked (and why), or not read (and why); then the plan's verdicts over every
    report stored so far. --dry-run stores nothing. Exit 0 when read, 2 when the text or the
    plan cannot be read at all.

    Example:

    \b
        plankg outcomes work-report-2024.txt --plan https://w3id.org/plankg/plan/500103/2023 --dry-run
        plankg outcomes bulletin-2023.txt --plan https://w3id.org/plankg/plan/500103/2023 --published 2024-03-20
    """
    from .outcomes import command

    settings = ctx.obj.with_overrides(store_dir_override=store.resolve()) if store else ctx.obj
    args = Namespace(source=source, plan=plan, published=published, title=title, kind=kind, name=name,
                     dry_run=dry_run, store=store)
    ctx.exit(command.run(args, settings))


@click.command()
@click.argument("name")
@click.option("--plan", metavar="IRI", help="Only this plan [default: every plan loaded].")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A chart parameter: unit=IRI (unit-tasks), task=IRI (task-units), "
                   "indicator=NAME (indicator-across-plans), min_weight=N (collaboration); repeatable.")
@click.option("-f", "--format", "fmt", type=click.Choice(["svg", "png"]),
              help="[default: from -o's suffix, else svg]")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Where to write it [default: NAME.svg (or .png)].")
@click.pass_context
def chart(ctx, name, plan, params, fmt, output):
    """Draw a chart of the canned questions as an SVG or PNG file.

    NAME is one of: collaboration, indicator-across-plans, leads-by-body-type, targets, task-units,
    unit-tasks, unit-workload (plankg/charts/specs; they are also pages of plankg serve).

    Exit 2 when the chart, a parameter or the output format is unknown.

    Example:

    \b
        plankg chart unit-workload -o workload.svg
        plankg chart indicator-across-plans --param indicator=地区生产总值 -o gdp.png
    """
    from .charts import command

    ctx.exit(command.run(Namespace(name=name, plan=plan, param=list(params), format=fmt, output=output), ctx.obj))
