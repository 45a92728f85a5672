"""``plankg amend``, ``plankg history``, ``plankg diff``: the commands of the state folder.

They parse arguments and print; the work is plankg.amend's, plankg.versions' and plankg.diff's.
"""
from __future__ import annotations

from pathlib import Path

import click

store_option = click.option("--store", type=click.Path(file_okay=False, path_type=Path),
                            help="State folder with versions and history (env PLANKG_STORE; see README).")
plan_option = click.option("--plan", help="Plan IRI (default: the only plan in the state folder).")


def _settings(ctx, store):
    settings = ctx.obj
    return settings.with_overrides(store_dir_override=store.resolve()) if store else settings


def _repository_and_plan(settings, plan):
    """The repository (importing built plans, checked, on first use) and the plan chosen in it."""
    from .readers import repository
    from .versions import RepositoryError, choose_plan

    try:
        repo = repository(settings)
        return repo, choose_plan(repo.plans(), plan, repo.root)
    except (RepositoryError, FileNotFoundError, ValueError) as e:
        raise click.ClickException(str(e)) from None


@click.command()
@click.argument("change", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-m", "--message", required=True, help="Why the plan changes (kept in the history).")
@click.option("--agent", help="Who makes the change (default: your login name).")
@click.option("--accept", "accepted", multiple=True, metavar="RULE@FOCUS",
              help="Acknowledge a result needing acknowledgement (as the report prints it); repeatable.")
@click.option("--reason", help="Why the acknowledged results are right (kept in the history).")
@click.option("--all", "show_all", is_flag=True,
              help="On rejection, list the results the current version has too (by default summed in one line).")
@plan_option
@store_option
@click.pass_context
def amend(ctx, change, message, agent, accepted, reason, show_all, plan, store):
    """Check a change to a plan and accept it as a new version, or reject it.

    CHANGE is a revised text of the whole plan (.txt) or a SPARQL Update (.ru). The candidate is
    built, reasoned and validated; with rule violations it is rejected: the report is printed,
    the exit code is 1, and no stored file changes. The report lists what the change brings first, and
    sums the results the current version has too in one line (--all lists them). Otherwise it is stored
    as the next version and recorded in the PROV-O history (exit 0). A change that leaves the plan as it
    is says so and stores nothing (exit 0). Exit 2: the change cannot be read or applied.
    A result that needs acknowledgement (an unusual but possible figure) rejects the change too,
    unless it is accepted with --accept RULE@FOCUS (the key the report prints) and --reason.

    Example:

    \b
        plankg amend revised-plan.txt -m "任务96增加责任单位"
        plankg amend add-unit.ru -m "add 区政务服务办 to task 96"
        plankg amend revised.txt -m "task 4" --accept GrowthRateUsual@task/4/target/1 --reason "按区委决定"
    """
    from .amend import AmendmentError, amend_from_file
    from .versions import RepositoryError, default_agent

    try:
        outcome = amend_from_file(_settings(ctx, store), change, plan, agent=agent or default_agent(),
                                  message=message, accept=accepted, reason=reason)
    except (AmendmentError, UnicodeDecodeError) as e:  # first: both are ValueErrors; the change is unreadable
        click.echo(f"Error: {e}", err=True)
        ctx.exit(2)
    except (RepositoryError, FileNotFoundError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    except OSError as e:
        click.echo(f"Error: {e}", err=True)
        ctx.exit(2)
    if not outcome.changed:
        click.echo(f"no change: {change} gives {outcome.plan} as it is; nothing was stored")
        return
    if not outcome.accepted:
        from .findings import rejection_text

        click.echo(rejection_text(outcome.report, outcome.standing, show_all), nl=False)
        click.echo(f"rejected: {change} breaks the plan's rules; nothing was stored", err=True)
        ctx.exit(1)
    v = outcome.version
    click.echo(f"accepted: {outcome.plan} version {v.number} ({v.digest[:19]}…)")
    for key, _, why in v.acknowledged:
        click.echo(f"  acknowledged {key}: {why}")


@click.command()
@plan_option
@store_option
@click.pass_context
def history(ctx, plan, store):
    """List the versions of a plan: number, time, agent, message, and the results acknowledged.

    Example:

    \b
        plankg history
    """
    repo, plan = _repository_and_plan(_settings(ctx, store), plan)
    for v in repo.history(plan):
        click.echo(f"v{v.number}  {v.time}  {v.agent}  {v.message}")
        for key, value, why in v.acknowledged:
            click.echo(f"    acknowledged {key}" + (f" (value {value})" if value is not None else "") + f": {why}")


@click.command("diff")
@click.argument("old", type=int, required=False)
@click.argument("new", type=int, required=False)
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "turtle"]), default="text", show_default=True)
@plan_option
@store_option
@click.pass_context
def diff_command(ctx, old, new, fmt, plan, store):
    """Say what changed between two versions (default: the last two).

    Sections and sub-sections added, removed, renamed or renumbered; tasks added, removed, changed
    (text, lead and responsible units, targets) or moved to another section; targets changed
    (value, comparator, indicator, unit, scope); units that appeared or disappeared. Source
    offsets are not content: they are counted apart ("N offset(s) shifted"), never as changes or
    triples. --format turtle gives the same as RDF.

    Example:

    \b
        plankg diff 1 2
    """
    from . import diff as diffing
    from .versions import RepositoryError

    repo, plan = _repository_and_plan(_settings(ctx, store), plan)
    new = new or repo.history(plan)[-1].number
    old = old or max(new - 1, 1)
    try:
        a, b = repo.version_graph(plan, old), repo.version_graph(plan, new)
    except RepositoryError as e:
        raise click.ClickException(str(e)) from None
    d = diffing.diff(a, b, f"v{old}", f"v{new}", reference=repo.reference_for(plan))
    if fmt == "turtle":
        from . import serialize

        g = diffing.to_rdf(d, f"{plan}/version/{old}", f"{plan}/version/{new}", plan)
        click.echo(serialize.turtle(g), nl=False)
    else:
        click.echo(d.to_text(), nl=False)
