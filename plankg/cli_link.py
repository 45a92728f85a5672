"""``plankg link``: link our identifiers to other open data (the work is plankg.link's)."""
from __future__ import annotations

from pathlib import Path

import click


@click.group()
def link():
    """Link our identifiers to other open data (written to data/linksets/, loaded with the reference data).

    Example:

    \b
        plankg link wikidata
    """


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
    except ValueError as e:  # a saved answer that cannot be read is unreadable input: exit 2
        raise (click.BadParameter(str(e), param_hint="--answer") if answer else click.ClickException(str(e))) from None
    click.echo(result.to_text(), nl=False)
    here = Path.cwd()
    click.echo(f"→ {target.resolve().relative_to(here) if target.resolve().is_relative_to(here) else target}")
