"""Graphs → deterministic Turtle for files kept under version control.

Subjects in IRI order with numbers compared as numbers (task/2 before task/10), predicates and
objects sorted, one predicate per line, so that a change to the plan moves only the lines it
touches. Written directly rather than through rdflib's Turtle serializer, whose prefix lookup
costs grow with every distinct IRI path and made writing a plan take seconds.
"""
from __future__ import annotations

import re
from collections import defaultdict

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

_DIGITS = re.compile(r"(\d+)")
_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def natural_key(term) -> tuple:
    """Sort key: blank nodes last, then the IRI split into text and numbers."""
    parts = _DIGITS.split(str(term))
    return (isinstance(term, BNode), [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts])


def _object_key(term) -> tuple:
    if isinstance(term, Literal):
        return (1, str(term.datatype or ""), term.language or "", str(term))
    return (0,) + natural_key(term)


def quote(text: str) -> str:
    """``text`` as a Turtle string, written as rdflib's ``Literal(text).n3()`` writes it (long
    quotes when it holds a line break), without making a Literal for each of a plan's 10,000
    strings; tests/test_write_path.py compares the two."""
    if "\n" not in text:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r") + '"'
    body = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if body.endswith('"') and not body.endswith('\\"'):
        body = body[:-1] + '\\"'
    return '"""' + body.replace("\r", "\\r") + '"""'


class _Writer:
    def __init__(self, graph: Graph):
        self.prefixes = sorted(((p, str(ns)) for p, ns in graph.namespaces() if p),
                               key=lambda pn: -len(pn[1]))
        self.used: set[str] = set()
        self.written: dict[URIRef, str] = {}

    def iri(self, term: URIRef) -> str:
        written = self.written.get(term)
        if written is None:
            written = self.written[term] = self._iri(term)
        return written

    def _iri(self, term: URIRef) -> str:
        s = str(term)
        for prefix, ns in self.prefixes:
            if s.startswith(ns) and _LOCAL.match(s[len(ns):]):
                self.used.add(prefix)
                return f"{prefix}:{s[len(ns):]}"
        return f"<{s}>"

    def term(self, term) -> str:
        if isinstance(term, URIRef):
            return self.iri(term)
        if isinstance(term, BNode):
            return f"_:{term}"
        quoted = quote(str(term))
        if term.language:
            return f"{quoted}@{term.language}"
        if term.datatype:
            return f"{quoted}^^{self.iri(term.datatype)}"
        return quoted


def turtle(graph: Graph) -> str:
    """The graph as sorted Turtle with the graph's bound prefixes."""
    w = _Writer(graph)
    described: dict = defaultdict(lambda: defaultdict(list))  # one pass over the graph, no lookups
    for s, p, o in graph:
        described[s][p].append(o)
    blocks = []
    for s in sorted(described, key=natural_key):
        preds = sorted(described[s], key=lambda p: (p != RDF.type, str(p)))
        lines = []
        for p in preds:
            objs = sorted(described[s][p], key=_object_key)
            pred = "a" if p == RDF.type else w.iri(p)
            lines.append(f"    {pred} " + ",\n        ".join(w.term(o) for o in objs))
        blocks.append(w.term(s) + "\n" + " ;\n".join(lines) + " .\n")
    head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(w.prefixes) if p in w.used)
    return head + "\n" + "\n".join(blocks)
