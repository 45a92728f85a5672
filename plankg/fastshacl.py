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
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from .store import to_ox, to_rdflib
from .vocab import SH

# What a shape may say. Any other sh: term in the shapes graph makes compile_shapes refuse.
_PARAMETERS = {SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.minInclusive, SH.minLength,
               SH.languageIn, SH.uniqueLang, SH["in"], SH.nodeKind, SH.hasValue, SH["or"], SH["not"],
               SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.sparql}
_OTHER = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.property, SH.path, SH.severity, SH.message, SH.name,
          SH.description, SH.order, SH.group, SH.select, SH.prefixes, SH.declare, SH.prefix, SH.namespace}
_TYPES = {SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint, SH.SPARQLTarget, SH.PrefixDeclaration}
_SPARQL_RESERVED = {"failure", "path", "value", "this"}
# sh:datatype: the Python value rdflib gives a well-formed literal of these types (as pySHACL checks)
_VALUE_TYPES = {XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
                XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


class Unsupported(Exception):
    """The shapes use a SHACL feature this module does not implement: use pySHACL."""


@dataclass
class _Shape:
    node: object
    path: URIRef | None
    severity: URIRef
    messages: list
    params: dict                                   # parameter → list of values
    checks: list = field(default_factory=list)      # (check, argument, component): see _checks
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


# -- Running ------------------------------------------------------------------------------

_EMPTY: frozenset = frozenset()
_AMBIGUOUS = object()


class _Data:
    """The data graph twice: a dict index for the Core constraints, an Oxigraph store for SPARQL."""

    def __init__(self, graph: Graph):
        self.graph = graph
        triples = list(graph)
        out: dict = defaultdict(dict)
        for s, p, o in triples:
            values = out[s].get(p)
            if values is None:
                values = out[s][p] = set()
            values.add(o)
        self.out = out
        self.types = {s: d[RDF.type] for s, d in out.items() if RDF.type in d}
        self.instances: dict = defaultdict(set)
        for s, types in self.types.items():
            for t in types:
                self.instances[t].add(s)
        self.subclass = {s: d[RDFS.subClassOf] for s, d in out.items() if RDFS.subClassOf in d}
        self.superclass_of: dict = defaultdict(set)
        for s, sups in self.subclass.items():
            for o in sups:
                self.superclass_of[o].add(s)
        self._supers: dict = {}
        self.store = ox.Store()
        self.original: dict = {}  # a term of a query's answer → the graph's own term, where they differ
        self._load(triples)

    def _load(self, triples: list) -> None:
        """The triples into Oxigraph, each distinct term converted once (terms recur). (Writing
        N-Triples for Oxigraph to parse measured no faster, and it renames blank nodes.)"""
        terms: dict = {}
        quads = []
        for t in triples:
            quad = []
            for x in t:
                y = terms.get(x)
                if y is None:
                    y = terms[x] = to_ox(x)
                quad.append(y)
            quads.append(ox.Quad(*quad))
        self.store.bulk_extend(quads)
        self._canonical({x for x in terms if isinstance(x, Literal)})

    def _canonical(self, literals: set) -> None:
        """Oxigraph stores a number in canonical form ("6.0"^^xsd:decimal comes back as "6") and a
        language tag in lower case: map each such form back to the literal the graph holds."""
        changed = [lit for lit in literals if (lit.datatype is not None and lit.datatype != XSD.string)
                   or (lit.language and lit.language != lit.language.lower())]
        if not changed:
            return
        scratch, p, default = ox.Store(), ox.NamedNode("urn:p"), ox.DefaultGraph()
        scratch.bulk_extend(ox.Quad(ox.NamedNode(f"urn:{i}"), p, to_ox(x), default) for i, x in enumerate(changed))
        found: dict = defaultdict(set)
        for q in scratch:
            found[q.object].add(changed[int(q.subject.value[4:])])
        for form, originals in found.items():
            self.original[form] = originals.pop() if len(originals) == 1 else _AMBIGUOUS

    def back(self, term):
        """The rdflib term for a term of a query's answer."""
        r = self.original.get(term)
        if r is None:
            r = self.original[term] = to_rdflib(term)
        elif r is _AMBIGUOUS:
            raise Unsupported(f"{term}: the graph writes this number in two ways, which Oxigraph merges")
        return r

    def objects(self, s, p) -> set:
        return self.out[s].get(p, _EMPTY) if s in self.out else _EMPTY

    def superclasses(self, c) -> set:
        """c and every class it is a sub-class of (rdfs:subClassOf*)."""
        if c not in self._supers:
            self._supers[c] = _closure(c, self.subclass)
        return self._supers[c]

    def subclasses(self, c) -> set:
        """c and every class that is a sub-class of it."""
        return _closure(c, self.superclass_of)

    def is_instance(self, v, c) -> bool:
        return any(c in self.superclasses(t) for t in self.types.get(v, ()))

    def select(self, text: str):
        """Rows of a SELECT as dicts of rdflib terms, bound variables only, in projection order."""
        result = self.store.query(text)
        names = [v.value for v in result.variables]
        for solution in result:
            row = {}
            for i, name in enumerate(names):
                term = solution[i]
                if term is not None:
                    row[name] = self.back(term)
            yield row


def _closure(start, edges: dict) -> set:
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


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


def _check(data: _Data, shape: _Shape, focus) -> list[ResultRow]:
    """The Core constraints of ``shape`` and its property shapes on these focus nodes."""
    out: list[ResultRow] = []
    checks = shape.checks
    if checks:
        path, messages = shape.path, tuple(shape.messages)
        for f in focus:
            values = data.objects(f, path) if path is not None else {f}
            for check, arg, component in checks:
                for value in check(data, values, arg):
                    if check is _qualified:  # two components: which one says the value
                        component, value = value
                    out.append(ResultRow(f, shape, component, value, path, None, messages))
    for prop in shape.properties:
        out += _check(data, prop, focus)
    return out


# Each check: (data, value nodes, the parameter's compiled value) → the sh:value of each result
# (None: a result without one). As pySHACL's constraint components decide.
_NONE = (None,)


def _min_count(data, values, n):
    return _NONE if 0 < n > len(values) else ()


def _max_count(data, values, n):
    return _NONE if len(values) > n else ()


def _class(data, values, c):
    return [v for v in values if isinstance(v, Literal) or not data.is_instance(v, c)]


def _datatype(data, values, d):
    return [v for v in values if not _datatype_ok(v, d)]


def _min_inclusive(data, values, m):
    return [v for v in values if not _at_least(v, m)]


def _min_length(data, values, n):
    return [v for v in values if n != 0 and (isinstance(v, BNode) or len(_string(v)) < n)]


def _language_in(data, values, langs):
    def ok(v):
        lang = v.language if isinstance(v, Literal) else None
        return lang and ("*" in langs or lang.lower() in langs or lang.split("-")[0].lower() in langs)
    return [v for v in values if not ok(v)]


def _unique_lang(data, values, on):
    if not on:
        return ()
    seen, twice = set(), set()
    for v in values:
        if isinstance(v, Literal) and v.language:
            (twice if v.language.lower() in seen else seen).add(v.language.lower())
    return [None] * len(twice)


def _in(data, values, allowed):
    return [v for v in values if v not in allowed]


def _node_kind(data, values, rule):
    return [v for v in values if rule not in _KINDS[
        SH.BlankNode if isinstance(v, BNode) else SH.Literal if isinstance(v, Literal) else SH.IRI]]


def _has_value(data, values, h):
    return () if h in values else _NONE


def _or(data, values, shapes):
    return [v for v in values if not any(not _check(data, s, {v}) for s in shapes)]


def _not(data, values, inner):
    return [v for v in values if not _check(data, inner, {v})]


def _qualified(data, values, arg):
    inner, least, most = arg
    count = sum(1 for v in values if not _check(data, inner, {v}))
    return ([(SH.QualifiedMaxCountConstraintComponent, None)] if most is not None and count > most else []) + \
        ([(SH.QualifiedMinCountConstraintComponent, None)] if least is not None and count < least else [])


_KINDS = {SH.BlankNode: (SH.BlankNode, SH.BlankNodeOrLiteral, SH.BlankNodeOrIRI),
          SH.Literal: (SH.Literal, SH.BlankNodeOrLiteral, SH.IRIOrLiteral),
          SH.IRI: (SH.IRI, SH.IRIOrLiteral, SH.BlankNodeOrIRI)}


def _checks(sg: Graph, shape: _Shape, compile_inner) -> list:
    """(check, argument, constraint component) for each Core parameter of the shape."""
    p, out = shape.params, []

    def add(key, check, component, arg=lambda v: v):
        out.extend((check, arg(v), SH[component]) for v in p.get(key, ()))

    add(SH.minCount, _min_count, "MinCountConstraintComponent", int)
    add(SH.maxCount, _max_count, "MaxCountConstraintComponent", int)
    add(SH["class"], _class, "ClassConstraintComponent")
    add(SH.datatype, _datatype, "DatatypeConstraintComponent")
    add(SH.minInclusive, _min_inclusive, "MinInclusiveConstraintComponent")
    add(SH.minLength, _min_length, "MinLengthConstraintComponent", int)
    add(SH.languageIn, _language_in, "LanguageInConstraintComponent",
        lambda h: {str(x.value).lower() for x in sg.items(h)})
    add(SH.uniqueLang, _unique_lang, "UniqueLangConstraintComponent", lambda v: v.value is True)
    add(SH["in"], _in, "InConstraintComponent", lambda h: set(sg.items(h)))
    add(SH.nodeKind, _node_kind, "NodeKindConstraintComponent")
    add(SH.hasValue, _has_value, "HasValueConstraintComponent")
    add(SH["or"], _or, "OrConstraintComponent", lambda h: [compile_inner(s) for s in sg.items(h)])
    add(SH["not"], _not, "NotConstraintComponent", compile_inner)
    least = [int(n) for n in p.get(SH.qualifiedMinCount, ())]
    most = [int(n) for n in p.get(SH.qualifiedMaxCount, ())]
    if len(least) > 1 or len(most) > 1:
        raise Unsupported(f"{shape.node}: several qualified counts")
    add(SH.qualifiedValueShape, _qualified, "QualifiedValueShape",
        lambda s: (compile_inner(s), least[0] if least else None, most[0] if most else None))
    return out


def _datatype_ok(v, d) -> bool:
    if not isinstance(v, Literal):
        return False
    if v.datatype == d:
        if getattr(v, "ill_typed", None) is True:
            return False
    elif d == RDFS.Literal:
        return True
    elif d == RDFS.Datatype:
        return v.datatype is not None
    elif not ((v.datatype is None and v.language is None and d == XSD.string) or (d == RDF.langString and v.language)):
        return False
    wanted = _VALUE_TYPES.get(d)
    return wanted is None or isinstance(v.value, wanted)


def _at_least(v, m) -> bool:
    if not isinstance(v, Literal) or isinstance(m.value, str) != isinstance(v.value, str):
        return False
    try:
        if v.eq(m):
            return True
        return bool(v.value > m.value) if isinstance(v.value, (Decimal, int, float)) and \
            isinstance(m.value, (Decimal, int, float)) else bool(v > m)
    except (TypeError, NotImplementedError):
        return False


def _string(v) -> str:
    if isinstance(v, Literal) and v.value is not None and v.datatype in (None, RDF.langString, XSD.string):
        return str(v.value)
    return str(v)


# An aggregate whose result depends on the order the engine meets the rows in: Oxigraph's order
# is not rdflib's, so such a query runs on rdflib, once per focus node, as pySHACL runs it.
_ORDER_DEPENDENT = re.compile(r"\b(GROUP_CONCAT|SAMPLE)\s*\(", re.I)


def _rows(data: _Data, text: str, focus):
    """(focus node, the row's other bound variables) for each answer row for these focus nodes."""
    if _ORDER_DEPENDENT.search(text):
        for f in focus:
            for r in data.graph.query(text, initBindings={"this": f}):
                row = r.asdict()
                row.pop("this", None)
                yield f, row
        return
    for row in data.select(_restricted(text, focus)):
        f = row.pop("this", None)
        if f in focus:
            yield f, row


_OUTER_WHERE = re.compile(r"\bWHERE\s*\{", re.I)
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _restricted(text: str, focus) -> str:
    """The query with ``VALUES $this {…}`` first in its outer WHERE: Oxigraph then starts from the
    focus nodes (five times faster for UnitListedOnce). Rows are still kept by focus node, so the
    query is left as it is where the outer WHERE cannot be told for sure (a comment before it)."""
    where = _OUTER_WHERE.search(text)
    if where is None or re.search(r"^\s*#", text[:where.start()], re.M) or any(
            not isinstance(f, URIRef) or _NOT_IN_IRI.search(f) for f in focus):
        return text
    values = "VALUES $this { " + " ".join(f"<{f}>" for f in focus) + " }\n"
    return text[:where.end()] + "\n" + values + text[where.end():]


def _sparql(data: _Data, shape: _Shape, focus) -> list[ResultRow]:
    """Each SPARQL constraint of ``shape`` run once; its rows as pySHACL turns them into results."""
    out = []
    for node, text, extra, _ in shape.sparql:
        seen = defaultdict(list)
        for f, row in _rows(data, text, focus):
            row.pop("failure", None)
            p, v = row.pop("path", None), row.pop("value", None)
            key = (f, p, v, row)
            if key in seen[f]:   # pySHACL drops a row equal to one before it
                continue
            seen[f].append(key)
            v = f if v is None else v  # a node shape: the value is the focus node
            fill = dict(row)
            fill["this"] = f
            fill["value"] = v
            messages = [_fill(m, fill) for m in extra if m not in shape.messages]
            messages += [_fill(m, fill) for m in shape.messages]
            out.append(ResultRow(f, shape, SH.SPARQLConstraintComponent, v, None, node, tuple(messages)))
    return out


def _fill(message, values: dict):
    """pySHACL's substitution of {?var} and {$var}: str() of each value, in row order."""
    if not isinstance(message, Literal):
        return message
    msg = str(message.value)
    for var, val in values.items():
        msg = re.sub("{{[?$]{}}}".format(var), str(val), msg)
    return Literal(msg)


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
