"""What the search index holds: one document per task, section, target, unit, indicator and
ontology term of a plan, read from the store with the queries beside this module (``*.rq``).

``select`` is anything with the signature of :meth:`plankg.store.Store.select` (a local store,
or the server's engine, which may be an external SPARQL store), so one code path indexes both.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from .. import resources
from ..store import plan_graphs

KINDS = ("task", "section", "target", "unit", "indicator", "term")


@dataclass
class Doc:
    iri: str
    kind: str
    label: str
    text: str = ""  # what the snippet is cut from (the task's text, a unit's names …)
    names: list[str] = field(default_factory=list)  # what the title column holds (labels, aliases)
    english: str = ""
    units: list[str] = field(default_factory=list)  # units a task names (found, weighted low)
    number: int | None = None
    section: str = ""
    section_label: str = ""
    line: int | None = None
    lead: str = ""
    lead_label: str = ""
    task: str = ""  # a target's task


def _rows(select, name: str, plan: str, base: str):
    query = resources.text(f"search/{name}.rq")
    rows = select(query, {"plan": URIRef(plan)} if "?plan" in query else None, default_graph=plan_graphs(base, [plan]))
    return [dict(zip(rows.columns, r)) for r in rows.rows]


def _int(value: str) -> int | None:
    return int(value) if value not in ("", None) else None


def _split(value: str) -> list[str]:
    return [v for v in (value or "").split("|") if v]


def documents(select, plan: str, base: str) -> list[Doc]:
    """Every document of one plan, in a stable order."""
    docs = []
    for r in _rows(select, "tasks", plan, base):
        leads, labels = _split(r["leads"]), _split(r["leadLabels"])
        docs.append(Doc(r["iri"], "task", f"任务{r['number']}：{r['text']}", r["text"], number=_int(r["number"]),
                        section=r["section"], section_label=r["heading"], line=_int(r["line"]),
                        units=_split(r["names"]), lead=leads[0] if leads else "",
                        lead_label=labels[0] if labels else ""))
    for r in _rows(select, "sections", plan, base):
        docs.append(Doc(r["iri"], "section", r["heading"], r["heading"], [r["heading"]], number=_int(r["number"]),
                        section=r["iri"], section_label=r["heading"], line=_int(r["line"])))
    for r in _rows(select, "targets", plan, base):
        docs.append(Doc(r["iri"], "target", r["phrase"], r["phrase"], [r["indicator"]] if r["indicator"] else [],
                        number=_int(r["number"]), section=r["section"], section_label=r["heading"],
                        line=_int(r["line"]), task=r["task"]))
    for r in _rows(select, "units", plan, base):
        names = [r["label"], *( [r["official"]] if r["official"] else []), *_split(r["alts"])]
        docs.append(Doc(r["iri"], "unit", r["label"], "；".join(dict.fromkeys(names)), list(dict.fromkeys(names)),
                        english=r["en"]))
    for r in _rows(select, "indicators", plan, base):
        alts = _split(r["alts"])
        zh = [r["label"], *(a for a in alts if not a.isascii())]
        docs.append(Doc(r["iri"], "indicator", r["label"], "；".join(zh), zh,
                        english=" ".join([r["en"], *(a for a in alts if a.isascii())])))
    for r in _rows(select, "terms", plan, base):
        local = r["iri"].rsplit("#", 1)[-1]
        label = r["label"] or r["en"] or local
        docs.append(Doc(r["iri"], "term", label, "；".join(x for x in (r["label"], r["en"]) if x),
                        [r["label"]] if r["label"] else [], english=f"{r['en']} {local}"))
    seen, out = set(), []
    for d in docs:  # a target both headline and a task's, a unit found twice: once
        if (d.iri, d.kind) not in seen:
            seen.add((d.iri, d.kind))
            out.append(d)
    return out
