"""Our shapes, checked fast: Core constraints in Python, SPARQL constraints by Oxigraph, once each.

Why: pySHACL sends every SPARQL constraint to rdflib's engine once per focus node (≈2,000
queries on the bundled plan, seconds). Here each SPARQL constraint and target runs once over the
whole graph, with ``$this`` free, and its rows are kept for the shape's focus nodes; the Core
constraints read a dict index of the data built in one pass.

pySHACL stays the reference, so the output is pySHACL's, result for result: the same focus nodes,
values, paths, severities, source shapes, source constraints, and the same message texts
(SPARQL messages filled in with ``{?var}`` the way pySHACL does it and left untagged, as pySHACL
leaves them; plankg.validate tags them for both). The shapes use a known subset of SHACL;
:func:`compile_shapes` raises :class:`Unsupported` for anything else, and plankg.validate then
runs pySHACL, so a new shape feature can never make the fast path silently differ.
tests/test_fastshacl.py compares both on the bundled plan, every mutation and every sample.

The data flows through the modules in order: ``shapes`` compiles the shapes graph (into the
types of ``model``), ``data`` indexes the data graph, ``focus`` finds each shape's focus nodes
and runs its ``core`` and ``sparql`` constraints on them, ``report`` writes pySHACL's report graph.
"""
from __future__ import annotations

from .focus import run
from .model import Compiled, ResultRow, Unsupported
from .report import report_graph
from .shapes import compile_shapes

__all__ = ["Compiled", "ResultRow", "Unsupported", "compile_shapes", "report_graph", "run"]
