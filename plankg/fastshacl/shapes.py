"""Shapes graph → :class:`Compiled`: our shapes, checked to use only what the fast path implements."""
from __future__ import annotations

import re
from collections import defaultdict

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..vocab import SH
from .core import _checks
from .model import Compiled, Unsupported, _Shape

# What a shape may say. Any other sh: term in the shapes graph makes compile_shapes refuse.
_PARAMETERS = {SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.minInclusive, SH.minLength,
               SH.languageIn, SH.uniqueLang, SH["in"], SH.nodeKind, SH.hasValue, SH["or"], SH["not"],
               SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.sparql}
_OTHER = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.property, SH.path, SH.severity, SH.message, SH.name,
          SH.description, SH.order, SH.group, SH.select, SH.prefixes, SH.declare, SH.prefix, SH.namespace}
_TYPES = {SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint, SH.SPARQLTarget, SH.PrefixDeclaration}
_SPARQL_RESERVED = {"failure", "path", "value", "this"}


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def compile_shapes(shapes: Graph) -> Compiled:
    """The shapes, checked to use only what this module implements (else :class:`Unsupported`)."""
    for s, p, o in shapes:
        if str(p).startswith(str(SH)) and p not in _PARAMETERS | _OTHER:
            raise Unsupported(f"{p} on {s}")
        if p == RDF.type and str(o).startswith(str(SH)) and o not in _TYPES:
            raise Unsupported(f"{s} a {o}")
    cache: dict = {}
    targeted = []
    candidates = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape)) \
        | {s for t in _TARGETS for s in shapes.subjects(t, None)}
    for node in sorted(candidates, key=str):
        shape = _compile(shapes, node, cache, top=True)
        if shape.target_classes or shape.target_queries or shape.targets:
            targeted.append(shape)
    return Compiled(shapes, targeted)


def _compile(sg: Graph, node, cache: dict, top: bool = False, inner: bool = False) -> _Shape:
    """``top``: a shape with targets or a property shape; ``inner``: a shape inside sh:or/sh:not/…"""
    if node in cache:
        if inner and cache[node].severity != SH.Violation:
            raise Unsupported(f"severity of {node}, used inside another shape")
        return cache[node]
    paths = list(sg.objects(node, SH.path))
    if len(paths) > 1 or (paths and not isinstance(paths[0], URIRef)):
        raise Unsupported(f"path of {node}: only one IRI")
    severities = list(sg.objects(node, SH.severity))
    if len(severities) > 1 or (severities and inner):
        raise Unsupported(f"severity of {node}")
    params: dict = defaultdict(list)
    for p, o in sg.predicate_objects(node):
        if p in _PARAMETERS:
            params[p].append(o)
    shape = cache[node] = _Shape(node, paths[0] if paths else None, severities[0] if severities else SH.Violation,
                                 list(sg.objects(node, SH.message)), dict(params))
    if len(params.get(SH.qualifiedValueShape, ())) > 1:
        raise Unsupported(f"{node}: more than one sh:qualifiedValueShape")
    shape.checks = _checks(sg, shape, lambda s: _compile(sg, s, cache, inner=True))
    shape.properties = [_compile(sg, p, cache, top=True) for p in sg.objects(node, SH.property)]
    for c in params.get(SH.sparql, ()):
        if not top or shape.path is not None:
            raise Unsupported(f"{node}: SPARQL constraint only on a node shape with targets")
        shape.sparql.append(_query(sg, c, SH.SPARQLConstraint))
    shape.target_classes = list(sg.objects(node, SH.targetClass))
    shape.targets = [(t, v) for t in _TARGETS[1:] for v in sg.objects(node, t)]
    for t in sg.objects(node, SH.target):
        shape.target_queries.append(_query(sg, t, SH.SPARQLTarget)[1])
    # a result with no sh:message gets a generic one from pySHACL, which is not mirrored here
    if top and not shape.messages and (set(params) - {SH.sparql} or not all(m for _, _, m, _ in shape.sparql)):
        raise Unsupported(f"{node}: no sh:message")
    return shape


def _query(sg: Graph, node, kind) -> tuple:
    """(node, query text with its PREFIXes, the constraint's messages, projected variables)."""
    if (node, RDF.type, kind) not in sg:
        raise Unsupported(f"{node}: not a {kind}")
    selects = list(sg.objects(node, SH.select))
    if len(selects) != 1:
        raise Unsupported(f"{node}: one sh:select")
    prefixes = ""
    for source in sg.objects(node, SH.prefixes):
        for decl in sg.objects(source, SH.declare):
            prefixes += f"PREFIX {sg.value(decl, SH.prefix)}: <{sg.value(decl, SH.namespace)}>\n"
    text = prefixes + str(selects[0])
    head = re.search(r"SELECT\s+(DISTINCT\s+)?(.*?)\s+WHERE", str(selects[0]), re.S | re.I)
    names = re.findall(r"[?$](\w+)", head.group(2)) if head else []
    if not head or "*" in head.group(2) or "this" not in names or "failure" in names or "path" in names:
        raise Unsupported(f"{node}: the query must select $this (and no ?failure, ?path, *)")
    return node, text, list(sg.objects(node, SH.message)), names
