"""The SHACL Core constraints our shapes use: each parameter compiled to a check, and the checks run."""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, RDFS, XSD

from ..vocab import SH
from .data import _Data
from .model import ResultRow, Unsupported, _Shape

# sh:datatype: the Python value rdflib gives a well-formed literal of these types (as pySHACL checks)
_VALUE_TYPES = {XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
                XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}


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
