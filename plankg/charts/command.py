"""``plankg chart NAME``: a chart of the canned questions as an SVG or PNG file, for reports.

Its own module so that plankg.cli_reports only declares its options and calls ``run(args)``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .. import canned
from ..asking import query_store
from ..versions import RepositoryError
from . import build, load_all, render


def run(args, settings=None) -> int:
    """Build the chart from the current versions (plankg.asking) and write it; errors are one line, exit 2."""
    fmt = args.format or (args.output.suffix.lstrip(".").lower() if args.output else "") or "svg"
    if fmt not in ("svg", "png"):
        return _fail(f"{args.output}: cannot tell the format from the suffix (expected .svg or .png, or --format)")
    values = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            return _fail(f"--param {item!r}: expected NAME=VALUE, e.g. --param unit=https://w3id.org/plankg/unit/500103/fgw")
        values[key] = value
    if args.plan:
        values["plan"] = args.plan
    if fmt == "png" and (why := render.cjk_font_missing()):
        return _fail(why)
    try:
        store = query_store(settings or _settings())
        built = build(args.name, store, values)
    except (canned.QueryError, FileNotFoundError, ValueError, RepositoryError) as e:
        return _fail(str(e))
    out = args.output or Path(f"{args.name}.{fmt}")
    if fmt == "svg":
        out.write_text(render.svg(built.spec, built.chart.grammar), encoding="utf-8")
    else:
        out.write_bytes(render.png(built.spec, built.chart.grammar))
    rows = ", ".join(f"{d.query}: {len(r.rows)} rows" for d, _, r in built.tables)
    print(f"{out}: {built.chart.title} ({rows})")
    return 0


def _settings():
    from ..config import from_env

    return from_env()


def _fail(message: str) -> int:
    print(f"Error: {message}", file=sys.stderr)
    return 2
