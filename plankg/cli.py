"""The ``plankg`` command: read and build plans, run canned questions."""
from __future__ import annotations

import csv
import io
import json
import os
import sys
import unicodedata
from pathlib import Path

import click

from . import canned, pipeline
from .config import Settings, from_env
from .layouts import LAYOUTS, summary
from .sources import PlanSyntaxError


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj


@click.group()
@click.option("--base", help="IRI base for the data (env PLANKG_BASE).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with source/, build/ and units.ttl (env PLANKG_DATA_DIR).")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where built graphs are written and read (env PLANKG_BUILD_DIR; default DATA_DIR/build).")
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
    settings = _settings(ctx)
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
    except (PlanSyntaxError, pipeline.MetadataError) as e:
        raise click.ClickException(str(e)) from None
    for result in results:
        path = pipeline.write(result, settings.build_dir, settings)
        click.echo(f"{result.plan.path}: {len(result.plan.tasks)} tasks, {len(result.plan.sections)} sections, "
                   f"{len(result.plan.subsections)} sub-sections, {len(result.graph)} triples → {_rel(path)}")
        if result.coverage is not None:
            click.echo(f"  {result.coverage}")
        if result.plan.problems:
            click.echo(f"  {len(result.plan.problems)} thing(s) in the text could not be read "
                       f"(layout {result.plan.layout}); list them with: plankg read {result.plan.path}")
        _report_unregistered(result)


def _report_unregistered(result) -> None:
    """List the unit names the registry lacks, with the kind their names suggest, for a person to confirm."""
    from .classify import guess
    from .vocab import PLAN, RDF, SKOS

    g = result.graph
    names = sorted({str(g.value(u, SKOS.prefLabel)) for u in g.subjects(RDF.type, PLAN.UnregisteredUnit)})
    if not names:
        return
    click.echo(f"  {len(names)} unit name(s) not in the registry (data/units.ttl); best guesses, "
               f"to confirm before registering:")
    width = max(_width(n) for n in names)
    for name in names:
        click.echo(f"    {name}{' ' * (width - _width(name))}  {guess(name).describe()}")


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
    from . import reference as reference_data
    from .files import atomic_write
    from .serialize import turtle

    settings = _settings(ctx)
    reference = reference_data.graph(settings)
    prefixes = sorted({code[:2] for code in linking.ours(reference)})
    try:
        if answer:
            data, source = json.loads(answer.read_text(encoding="utf-8")), f"saved WDQS answer {answer.name}"
        else:
            endpoint = endpoint or linking.WDQS
            data, source = linking.fetch(endpoint, prefixes), f"SPARQL endpoint {endpoint}"
    except (OSError, ValueError) as e:
        raise click.ClickException(f"could not get the Wikidata answer: {e}") from None
    if not isinstance(data, dict) or "results" not in data:
        raise click.ClickException("the answer is not SPARQL JSON results (expected an object with \"results\")")
    result = linking.link(data, reference, source)
    target = out or settings.linksets_dir / "wikidata.ttl"
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, turtle(result.graph))
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
    from .sources import read_plan

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
        click.echo(f"  {f'line {p.line}' if p.line else 'text'}: {p.message}")


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


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


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
    from . import reference
    from .store import load_built

    settings = _settings(ctx)
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.ClickException(f"--param {item!r}: expected NAME=VALUE, e.g. --param unit=区发改委")
        values[key] = value
    try:
        if name.endswith((".rq", ".sparql")):
            path = Path(name)
            if not path.is_file():
                raise canned.QueryError(f"{name}: no such file")
            q = canned.from_file(path)
        else:
            q = canned.get(name)
        store = load_built(settings, reference.graph(settings, further=False))
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


GRAPH_FORMATS = {".ttl": "turtle", ".nt": "nt", ".trig": "trig"}


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

    settings = _settings(ctx)
    report = check(_plan_graph(source or settings.bundled_plan, settings), settings)
    out = {"text": report.to_text, "turtle": report.to_turtle, "json": report.to_json}[fmt]()
    click.echo(out, nl=not out.endswith("\n"))
    ctx.exit(0 if report.conforms else 1)


def _plan_graph(source: Path, settings: Settings):
    """One plan's graph: a text built in memory, or a built graph file; _Unreadable if neither."""
    from rdflib import Dataset, Graph

    from .iris import plan_iri

    if not source.is_file():
        raise _Unreadable(f"{source}: no such file")
    if source.suffix == ".txt":
        try:
            return pipeline.build(source, settings).graph
        except (PlanSyntaxError, pipeline.MetadataError) as e:
            raise _Unreadable(str(e)) from None
    if source.suffix not in GRAPH_FORMATS:
        raise _Unreadable(f"{source}: expected a plan text (.txt) or a built graph (.ttl, .nt, .trig)")
    fmt = GRAPH_FORMATS[source.suffix]
    try:
        parsed = Dataset().parse(source, format=fmt) if fmt == "trig" else Graph().parse(source, format=fmt)
    except Exception as e:  # noqa: BLE001 - each rdflib parser raises its own error type
        problem = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise _Unreadable(f"{source}: not valid {fmt}: {problem}") from None
    graph = Graph()
    for s, p, o, *_ in (parsed.quads((None, None, None, None)) if fmt == "trig" else parsed):
        graph.add((s, p, o))
    try:
        plan_iri(graph)
    except ValueError as e:
        raise _Unreadable(f"{source}: {e}") from None
    return graph


# -- Versions and amendments -------------------------------------------------

def _repository(settings, store):
    from .versions import Repository, RepositoryError

    if store:
        settings = settings.with_overrides(store_dir_override=store.resolve())
    try:
        return Repository.open(settings, validate=True)
    except (RepositoryError, FileNotFoundError, ValueError) as e:
        raise click.ClickException(str(e)) from None


def _plan_option(repo, plan: str | None) -> str:
    plans = repo.plans()
    if plan:
        if plan not in plans:
            raise click.ClickException(f"no plan {plan} in {repo.root} (known: {', '.join(plans) or 'none'})")
        return plan
    if len(plans) != 1:
        raise click.ClickException(f"{repo.root} holds {len(plans)} plans; choose one with --plan "
                                   f"({', '.join(plans)})")
    return plans[0]


store_option = click.option("--store", type=click.Path(file_okay=False, path_type=Path),
                            help="State folder with versions and history (env PLANKG_STORE; default data/store).")
plan_option = click.option("--plan", help="Plan IRI (default: the only plan in the store).")


@cli.command()
@click.argument("change", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-m", "--message", required=True, help="Why the plan changes (kept in the history).")
@click.option("--agent", help="Who makes the change (default: your login name).")
@click.option("--accept", "accepted", multiple=True, metavar="RULE@FOCUS",
              help="Acknowledge a result needing acknowledgement (as the report prints it); repeatable.")
@click.option("--reason", help="Why the acknowledged results are right (kept in the history).")
@plan_option
@store_option
@click.pass_context
def amend(ctx, change, message, agent, accepted, reason, plan, store):
    """Check a change to a plan and accept it as a new version, or reject it.

    CHANGE is a revised text of the whole plan (.txt) or a SPARQL Update (.ru). The candidate is
    built, reasoned and validated; with rule violations it is rejected: the report is printed,
    the exit code is 1, and no stored file changes. Otherwise it is stored as the next version
    and recorded in the PROV-O history (exit 0). Exit 2: the change cannot be read or applied.
    A result that needs acknowledgement (an unusual but possible figure) rejects the change too,
    unless it is accepted with --accept RULE@FOCUS (the key the report prints) and --reason.

    Example:

    \b
        plankg amend revised-plan.txt -m "任务96增加责任单位"
        plankg amend add-unit.ru -m "add 区政务服务办 to task 96"
        plankg amend revised.txt -m "task 4" --accept GrowthRateUsual@task/4/target/1 --reason "按区委决定"
    """
    from . import amend as amending
    from .versions import close, default_agent, write_lock

    settings = _settings(ctx)
    if store:
        settings = settings.with_overrides(store_dir_override=store.resolve())
    # the same lock as a running server's writers: one writer at a time, and the store closed after
    with write_lock(settings.store_dir):
        repo = _repository(settings, None)
        try:
            plan = _plan_option(repo, plan)
            if change.suffix in (".ru", ".rq", ".sparql"):
                text = change.read_text(encoding="utf-8")
                proposal = amending.SparqlUpdate(text)
            else:
                if not change.is_file():
                    raise amending.AmendmentError(f"{change}: no such file")
                proposal = amending.RevisedText(change)
            outcome = amending.amend(repo, plan, proposal, agent=agent or default_agent(), message=message,
                                     accept=accepted, reason=reason)
            if outcome.accepted:
                repo.index(plan, outcome.candidate)  # so a server's next snapshot need not re-read it
        except (amending.AmendmentError, OSError, UnicodeDecodeError) as e:
            click.echo(f"Error: {e}", err=True)
            ctx.exit(2)
        finally:
            close(repo)
    if not outcome.accepted:
        click.echo(outcome.report.to_text(), nl=False)
        click.echo(f"rejected: {change} breaks the plan's rules; nothing was stored", err=True)
        ctx.exit(1)
    v = outcome.version
    click.echo(f"accepted: {plan} version {v.number} ({v.digest[:19]}…)")
    for key, _, why in v.acknowledged:
        click.echo(f"  acknowledged {key}: {why}")


@cli.command()
@plan_option
@store_option
@click.pass_context
def history(ctx, plan, store):
    """List the versions of a plan: number, time, agent, message, and the results acknowledged.

    Example:

    \b
        plankg history
    """
    repo = _repository(_settings(ctx), store)
    plan = _plan_option(repo, plan)
    for v in repo.history(plan):
        click.echo(f"v{v.number}  {v.time}  {v.agent}  {v.message}")
        for key, value, why in v.acknowledged:
            click.echo(f"    acknowledged {key}" + (f" (value {value})" if value is not None else "") + f": {why}")


@cli.command("diff")
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

    repo = _repository(_settings(ctx), store)
    plan = _plan_option(repo, plan)
    versions = repo.history(plan)
    new = new or versions[-1].number
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


# -- The server ---------------------------------------------------------------

@cli.command()
@click.option("--host", help="Address to listen on (env PLANKG_HOST; default 127.0.0.1).")
@click.option("--port", type=int, help="Port (env PLANKG_PORT; default 5000).")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path),
              help="State folder: versions, history, the Oxigraph store (env PLANKG_STORE; default data/store).")
@click.option("--store-url", help="Use an external SPARQL 1.1 query endpoint instead (env PLANKG_STORE_URL).")
@click.option("--store-update-url", help="Its update endpoint (env PLANKG_STORE_UPDATE_URL; default: …/query → …/update).")
@click.option("--store-user", help="User for the external store (env PLANKG_STORE_USER; "
                                   "the password only in the environment: PLANKG_STORE_PASSWORD).")
@click.option("--store-mirror/--no-store-mirror", default=None,
              help="Write the external store from the state folder (env PLANKG_STORE_MIRROR; default on; "
                   "off for read-only front ends of a store another plankg writes).")
@click.option("--query-timeout", type=float, help="Seconds a query may run (env PLANKG_QUERY_TIMEOUT; default 10).")
@click.option("--max-rows", type=int, help="Result rows a query may return (env PLANKG_MAX_ROWS; default 10000).")
@click.option("--max-request-bytes", type=int, help="Largest request (env PLANKG_MAX_REQUEST_BYTES; default 1000000).")
@click.option("--service-allowlist", multiple=True, metavar="URL",
              help="An endpoint SERVICE may call (repeatable; env PLANKG_SERVICE_ALLOWLIST, space-separated).")
@click.option("--workers", type=int, help="HTTP worker processes (env PLANKG_WORKERS; default: one per core, 2–8).")
@click.option("--threads", type=int, help="Threads per worker (env PLANKG_THREADS; default 4).")
@click.option("--query-processes", type=int, help="Query processes per worker (env PLANKG_QUERY_PROCESSES; default 2).")
@click.option("--access-log/--no-access-log", default=None, help="Log every request (env PLANKG_ACCESS_LOG; default off).")
@click.pass_context
def serve(ctx, store, service_allowlist, **options):
    """Serve the graph: SPARQL endpoint, canned questions, pages, and updates (with PLANKG_UPDATE_TOKEN).

    On first start the bundled plan is built, validated and loaded into the state folder.

    Example:

    \b
        plankg serve
        PLANKG_UPDATE_TOKEN=s3cret plankg serve --port 8080 --query-timeout 5
    """
    from .server.config import from_env as server_env
    from .server.run import PrepareError
    from .server.run import serve as run

    settings = _settings(ctx)
    if store:
        settings = settings.with_overrides(store_dir_override=store.resolve())
    try:
        config = server_env().with_overrides(settings=settings, service_allowlist=tuple(service_allowlist) or None,
                                             **options)
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    try:
        run(config, echo=click.echo)
    except PrepareError as e:
        raise click.ClickException(f"cannot prepare the state folder {settings.store_dir}: {e}") from None


@cli.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args):
    """Run the benchmarks in bench/ of a clone of the repository (python -m bench; --help for options).

    Example:

    \b
        plankg bench --quick
        plankg bench scale --sizes 1,10,100
    """
    root = Path.cwd()
    if (root / "bench" / "__main__.py").is_file() and str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        from bench.__main__ import main as bench_main
    except ImportError:
        raise click.ClickException("the benchmarks are not installed with plankg: run `plankg bench` from the "
                                   "root of a clone of the repository (with pip install -e '.[test]')") from None
    bench_main(list(args), prog="plankg bench")


def render(columns: list[str], rows: list[list[str]], fmt: str) -> str:
    """Rows as an aligned table, CSV (with a BOM-free UTF-8 header) or JSON objects."""
    if fmt == "json":
        return json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return buf.getvalue()
    widths = [max([_width(c)] + [_width(r[i]) for r in rows]) for i, c in enumerate(columns)]
    widths = [min(w, 60) for w in widths]
    lines = ["  ".join(_pad(c, w) for c, w in zip(columns, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(v, w) for v, w in zip(r, widths)) for r in rows]
    lines.append(f"({len(rows)} rows)")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    if _width(s) > width:
        out, w = "", 0
        for ch in s:
            cw = _width(ch)
            if w + cw > width - 1:
                break
            out, w = out + ch, w + cw
        s = out + "…"
    return s + " " * (width - _width(s))


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
