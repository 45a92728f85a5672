"""What the fast path passes along: a compiled shape, the compiled shapes, one result row."""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef


class Unsupported(Exception):
    """The shapes use a SHACL feature the fast path does not implement: use pySHACL."""


@dataclass
class _Shape:
    node: object
    path: URIRef | None
    severity: URIRef
    messages: list
    params: dict                                   # parameter → list of values
    checks: list = field(default_factory=list)      # (check, argument, component): see core._checks
    properties: list = field(default_factory=list)  # property shapes (sh:property), compiled
    sparql: list = field(default_factory=list)      # (constraint node, query text, messages, variables)
    target_classes: list = field(default_factory=list)
    target_queries: list = field(default_factory=list)
    targets: list = field(default_factory=list)     # (sh:targetNode | targetSubjectsOf | targetObjectsOf, value)


@dataclass
class Compiled:
    shapes: Graph
    targeted: list      # the shapes with targets, in the order pySHACL finds them


@dataclass
class ResultRow:
    """One validation result, as pySHACL's make_v_result would write it."""
    focus: object
    shape: _Shape
    component: URIRef
    value: object = None
    path: object = None
    source_constraint: object = None
    messages: tuple = ()
