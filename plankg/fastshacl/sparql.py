"""The SPARQL constraints: each run once for all its focus nodes, its rows turned into results."""
from __future__ import annotations

import re
from collections import defaultdict

from rdflib import Literal, URIRef

from ..vocab import SH
from .data import _Data
from .model import ResultRow, _Shape

# An aggregate whose result depends on the order the engine meets the rows in: Oxigraph's order
# is not rdflib's, so such a query runs on rdflib, once per focus node, as pySHACL runs it.
_ORDER_DEPENDENT = re.compile(r"\b(GROUP_CONCAT|SAMPLE)\s*\(", re.I)
# A back-reference (\\1 in the query text) in a regular expression: SPARQL's (XPath) regular
# expressions have them and rdflib's Python re reads them; Oxigraph's Rust regex does not, so such
# a query runs on rdflib too.
_BACK_REFERENCE = re.compile(r"\\\\[1-9]")


def _rows(data: _Data, text: str, focus):
    """(focus node, the row's other bound variables) for each answer row for these focus nodes."""
    if _ORDER_DEPENDENT.search(text) or _BACK_REFERENCE.search(text):
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
