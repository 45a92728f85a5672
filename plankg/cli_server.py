"""``plankg serve`` and ``plankg bench``: the server, and the benchmarks of a clone.

They parse arguments and print; the server is plankg.server.run's. Flask and gunicorn are
imported only when ``serve`` runs.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click


@click.command()
@click.option("--host", help="Address to listen on (env PLANKG_HOST; default 127.0.0.1).")
@click.option("--port", type=int, help="Port (env PLANKG_PORT; default 5000).")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path),
              help="State folder: versions, history, the Oxigraph store (env PLANKG_STORE; see README).")
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

    settings = ctx.obj
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


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args):
    """Run the benchmarks in bench/ of a clone of the repository (python -m bench).

    The benchmarks are not part of the installed package: run this from the root of a clone,
    with the test extras installed (pip install -e '.[test]'). ARGS go to python -m bench:
    a benchmark (all, checks, scale or soak; default all), --quick (1 and 10 plans, fewer runs),
    --sizes 1,10,100,1000 (numbers of plans for scale), --repeat K (runs per figure), and for
    soak --accepted N, --rejected N, --kills N.

    Example:

    \b
        plankg bench --quick
        plankg bench scale --sizes 1,10,100
    """
    root = Path.cwd()
    if not (root / "bench" / "__main__.py").is_file():
        raise click.ClickException(
            f"no bench/ folder in {root}: the benchmarks are not installed with plankg. Run `plankg bench` "
            "from the root of a clone of the repository (git clone …, then pip install -e '.[test]')")
    done = subprocess.run([sys.executable, "-m", "bench", *args], cwd=root, check=False)
    sys.exit(done.returncode)
