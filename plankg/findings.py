"""A rejected change's report, new findings first: what the change brought, then the standing
results of the current version summed in one line (listed only when asked).

The bundled plan always has 7 warnings; a change's one violation must not hide among them. A
result stands when the report kept with the current version has it too: the same focus node,
severity, message and value.
"""
from __future__ import annotations

from collections import Counter

from rdflib import Graph

from .validate_report import Report, Result
from .vocab import RDF, SH


def _standing(kept_text: str | None) -> set[tuple]:
    if not kept_text:
        return set()
    g = Graph().parse(data=kept_text, format="turtle")
    out = set()
    for r in g.subjects(RDF.type, SH.ValidationResult):
        messages = frozenset(str(m) for m in g.objects(r, SH.resultMessage))
        out.add((str(g.value(r, SH.focusNode)), str(g.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                 messages, str(g.value(r, SH.value) or "")))
    return out


def _key(r: Result) -> tuple:
    return (str(r.focus), r.severity, frozenset(m for m in (r.message_zh, r.message_en) if m), str(r.value or ""))


def split(report: Report, kept_text: str | None) -> tuple[list[Result], list[Result]]:
    """(new, standing): the results the change brought, and those the current version has too."""
    standing = _standing(kept_text)
    new = [r for r in report.results if _key(r) not in standing]
    return new, [r for r in report.results if _key(r) in standing]


def rejection_text(report: Report, kept_text: str | None, show_all: bool = False) -> str:
    """New findings one a line, then the standing ones counted in one line (or listed), then the counts."""
    new, standing = split(report, kept_text)
    lines = [f"new in this change: {len(new)} result(s)"] + [f"  {report.line(r)}" for r in new]
    if standing:
        counts = ", ".join(f"{n} {severity.lower()}(s)" for severity, n in Counter(r.severity for r in standing).items())
        lines.append(f"standing (the current version has them too): {counts}"
                     + ("" if show_all else "; list them with --all"))
        lines += [f"  {report.line(r)}" for r in standing] if show_all else []
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


__all__ = ["split", "rejection_text"]
