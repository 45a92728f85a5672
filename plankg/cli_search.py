"""``plankg search``: find tasks, sections, targets, units, indicators and ontology terms by typing.

The work is plankg.search's; the index is the state folder's ``search/`` (built when missing).
"""
from __future__ import annotations

import csv
import io
import json

import click

from .cli_state import _settings, plan_option, store_option

KINDS = ("task", "section", "target", "unit", "indicator", "term")


def plan_index(settings, plan: str | None):
    """The state folder's plan (chosen as other commands choose it) and its current search index."""
    from . import reference
    from .search.index import key_of, open_index
    from .versions import Repository, RepositoryError, choose_plan

    try:
        repo = Repository.open(settings, validate=True)
        plan = choose_plan(repo.plans(), plan, repo.root)
        k = key_of(plan, repo.current(plan).digest, reference.digest(settings))
        return open_index(lambda *a, **kw: repo.store.select(*a, **kw), plan, settings.base,
                          repo.root / "search", settings.cache_dir, k)
    except (RepositoryError, FileNotFoundError, ValueError) as e:
        raise click.ClickException(str(e)) from None


@click.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS), help="Only hits of this kind (repeatable).")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@plan_option
@store_option
@click.pass_context
def search(ctx, text, kinds, limit, fmt, plan, store):
    """Ranked hits for TEXT: Chinese (simplified or traditional), pinyin of a unit, or English.

    Several words rank first what has them all. Exits 1 when nothing is found.

    Examples:

    \b
        plankg search 财政局 预算
        plankg search caizhengju
        plankg search "budget revenue" --kind indicator --format json
    """
    from .search.results import plain

    results = plan_index(_settings(ctx, store), plan).search(" ".join(text), kinds=kinds or None, limit=limit)
    hits = [h.to_json() for h in results.hits]
    if fmt == "json":
        click.echo(json.dumps(hits, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        out = io.StringIO()
        columns = ["kind", "score", "label", "snippet", "iri", "number", "section_label", "line", "lead_label"]
        writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({**h, "snippet": plain(h["snippet"])} for h in hits)
        click.echo(out.getvalue(), nl=False)
    else:
        for h in results.hits:
            where = f"  line {h.line}" if h.line else ""
            click.echo(f"{h.score:8.1f}  {h.kind:<9} {plain(h.snippet)}{where}\n{'':19}{h.iri}")
        click.echo(f"{len(results.hits)} of {results.total} hits for {' '.join(results.terms)}", err=True)
    ctx.exit(0 if results.hits else 1)
