"""Compiled shapes × data graph → result rows: each shape's focus nodes, then its constraints."""
from __future__ import annotations

from rdflib import Graph, URIRef

from ..vocab import SH
from .core import _check
from .data import _Data
from .model import Compiled, ResultRow
from .sparql import _sparql


def run(compiled: Compiled, graph: Graph, focus_nodes=None) -> list[ResultRow]:
    """Every result of the shapes on ``graph`` (only on ``focus_nodes`` if given, as pySHACL)."""
    data = _Data(graph)
    rows: list[ResultRow] = []
    for shape in compiled.targeted:
        focus = set()
        for c in shape.target_classes:
            for sub in data.subclasses(c):
                focus |= data.instances.get(sub, set())
        for kind, value in shape.targets:
            if kind == SH.targetNode:
                focus.add(value)
            elif kind == SH.targetSubjectsOf:
                focus |= {s for s, d in data.out.items() if value in d}
            else:  # sh:targetObjectsOf
                focus |= {o for d in data.out.values() for o in d.get(value, ())}
        for text in shape.target_queries:
            focus |= {row["this"] for row in data.select(text) if "this" in row}
        if focus_nodes is not None:
            focus = {f for f in focus if isinstance(f, URIRef) and f in focus_nodes}
        if focus:
            rows += _check(data, shape, focus)
            rows += _sparql(data, shape, focus)
    return rows
