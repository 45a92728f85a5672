"""``plankg outcomes`` and ``plankg chart``: reports read into the graph, and charts drawn from it.

Both keep their options and printing in their own packages (plankg.outcomes.command,
plankg.charts.command); here they are only registered, so ``plankg --help`` imports neither.
"""
from __future__ import annotations

import argparse

import click


@click.command("outcomes", add_help_option=False,
               context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def outcomes(ctx, args):
    """Link a report's figures to a plan's targets (plankg outcomes --help)."""
    from .outcomes import command
    ctx.exit(command.main(list(args), ctx.obj))


@click.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def chart(ctx, args):
    """Draw a chart as SVG or PNG: plankg chart NAME [--plan IRI] [--format svg|png] [-o FILE] (--help)."""
    from .charts import command
    parser = argparse.ArgumentParser(prog="plankg chart", description="Draw a chart of the canned questions as SVG or PNG.")
    command.add_arguments(parser)
    ctx.exit(command.run(parser.parse_args(args), ctx.obj))
