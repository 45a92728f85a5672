"""Rows as text: an aligned table for a terminal, CSV, or JSON objects.

The one renderer of query answers and listings: ``plankg query``, ``plankg read``, ``plankg
classify`` and the server's ``/queries/<name>.csv`` and ``.json`` print the same rows the same
way. Widths count East Asian wide characters as two columns, so Chinese names line up.
"""
from __future__ import annotations

import csv
import io
import json
import unicodedata

MAX_WIDTH = 60  # a column wider than this is cut, with …


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
    widths = [max([width(c)] + [width(r[i]) for r in rows]) for i, c in enumerate(columns)]
    widths = [min(w, MAX_WIDTH) for w in widths]
    lines = ["  ".join(_pad(c, w) for c, w in zip(columns, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(v, w) for v, w in zip(r, widths)) for r in rows]
    lines.append(f"({len(rows)} rows)")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def width(s: str) -> int:
    """Terminal columns ``s`` takes: two for each wide or full-width character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int) -> str:
    if width(s) > w:
        out, used = "", 0
        for ch in s:
            cw = width(ch)
            if used + cw > w - 1:
                break
            out, used = out + ch, used + cw
        s = out + "…"
    return s + " " * (w - width(s))
