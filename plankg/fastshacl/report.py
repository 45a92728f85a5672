"""Result rows → the report graph, as pySHACL writes it."""
from __future__ import annotations

from rdflib import BNode, Graph
from rdflib.namespace import RDF

from ..vocab import SH
from .model import Compiled, ResultRow


def report_graph(compiled: Compiled, rows: list[ResultRow], data: Graph) -> Graph:
    """The results as pySHACL writes them into its report graph (nodes of shapes copied in)."""
    sg = compiled.shapes
    g = Graph(bind_namespaces="core")
    for prefix, ns in sg.namespace_manager.namespaces():
        g.namespace_manager.bind(prefix, ns)
    report = BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    for r in rows:
        node = BNode()
        g.add((report, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.sourceConstraintComponent, r.component))
        g.add((node, SH.sourceShape, _copy(sg, r.shape.node, g)))
        g.add((node, SH.resultSeverity, r.shape.severity))
        g.add((node, SH.focusNode, _copy(data, r.focus, g)))
        if r.value is not None:
            g.add((node, SH.value, _copy(data, r.value, g)))
        if r.path is not None:
            g.add((node, SH.resultPath, r.path))
        if r.source_constraint is not None:
            g.add((node, SH.sourceConstraint, _copy(sg, r.source_constraint, g)))
        for m in r.messages:
            g.add((node, SH.resultMessage, m))
    return g


def _copy(source: Graph, node, g: Graph, depth: int = 0):
    """A blank node with what hangs off it in ``source`` (as pySHACL clones it), else the node."""
    if isinstance(node, BNode) and depth < 10:
        for p, o in source.predicate_objects(node):
            g.add((node, p, _copy(source, o, g, depth + 1)))
    return node
