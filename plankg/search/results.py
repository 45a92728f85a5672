"""Search hits as users see them: scored, with a snippet whose matches are marked, and facets."""
from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field

from .text import Term, fold

KIND_ORDER = {"unit": 0, "indicator": 1, "section": 2, "task": 3, "target": 4, "term": 5}
WINDOW = 60  # characters of a long text around its first match


@dataclass
class Hit:
    iri: str
    kind: str
    label: str
    snippet: str  # HTML: the text escaped, each match in <mark>…</mark>
    score: float
    number: int | None = None
    section: str | None = None
    section_label: str | None = None
    line: int | None = None
    lead: str | None = None
    lead_label: str | None = None
    task: str | None = None
    matched: int = 0  # how many of the query's terms the hit has

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


@dataclass
class Results:
    query: str
    hits: list[Hit]
    total: int
    terms: list[str]
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)  # name → (value, label, count)

    def to_json(self) -> dict:
        return {"query": self.query, "total": self.total, "terms": self.terms,
                "facets": {k: [{"value": v, "label": lab, "count": n} for v, lab, n in items]
                           for k, items in self.facets.items()},
                "hits": [h.to_json() for h in self.hits]}


def snippet(text: str, terms: list[Term]) -> str:
    """``text`` HTML-escaped, with each place a Chinese term occurs marked, cut around the first."""
    folded = fold(text)
    if len(folded) != len(text):
        text = folded  # folding changed the length: show the folded text so the marks line up
    marks = [False] * len(text)
    for t in terms:
        if t.latin:
            continue
        start = folded.find(t.text)
        while start >= 0:
            marks[start:start + len(t.text)] = [True] * len(t.text)
            start = folded.find(t.text, start + 1)
    first = marks.index(True) if True in marks else 0
    lo = max(0, first - WINDOW // 3) if len(text) > WINDOW * 2 else 0
    hi = min(len(text), lo + WINDOW * 2)
    out, inside = [], False
    for i in range(lo, hi):
        if marks[i] != inside:
            out.append("<mark>" if marks[i] else "</mark>")
            inside = marks[i]
        out.append(html.escape(text[i]))
    if inside:
        out.append("</mark>")
    return ("…" if lo else "") + "".join(out) + ("…" if hi < len(text) else "")


def plain(snippet_html: str) -> str:
    """A snippet for a terminal: matches in 【】, entities unescaped."""
    return html.unescape(snippet_html.replace("<mark>", "【").replace("</mark>", "】"))


def facets(hits: list[Hit]) -> dict[str, list[tuple[str, str, int]]]:
    """How many hits of each kind, section and lead unit (most first)."""
    counts: dict[str, dict[tuple[str, str], int]] = {"kind": {}, "section": {}, "lead": {}}
    for h in hits:
        for name, value, label in (("kind", h.kind, h.kind), ("section", h.section, h.section_label),
                                   ("lead", h.lead, h.lead_label)):
            if value:
                counts[name][(value, label or value)] = counts[name].get((value, label or value), 0) + 1
    return {name: [(v, lab, n) for (v, lab), n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0][1]))]
            for name, c in counts.items()}


def names(value: str) -> list[str]:
    return json.loads(value) if value else []
