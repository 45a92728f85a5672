"""pySHACL's SPARQL constraints, fast on rdflib: each query parsed once and ordered for a bound $this."""
from __future__ import annotations

import threading
from collections import OrderedDict

from rdflib import Dataset, Graph, Variable
from rdflib.graph import ConjunctiveGraph
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

# pySHACL sends each constraint's query text once per focus node, with $this bound. rdflib parses
# the text every time (≈10 ms, more than the evaluation), and orders a query's triple patterns
# when it parses, without knowing that $this will be bound, so a query may start from "every
# mention of the plan" instead of "this task's mentions". The graph below parses each text once
# and puts the patterns joined to $this first: on the bundled plan 2 s instead of 200 s.


class _FocusedGraph(Graph):
    """A view of a graph whose SPARQL queries are parsed once and ordered for a bound $this."""

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


def _focused(data: Graph) -> _FocusedGraph:
    if type(data) is Graph:  # same store, no copy
        return _FocusedGraph(store=data.store, identifier=data.identifier, namespace_manager=data.namespace_manager)
    out = _FocusedGraph()
    quads = data.quads((None, None, None, None)) if isinstance(data, (Dataset, ConjunctiveGraph)) else (
        (s, p, o, None) for s, p, o in data)
    for s, p, o, _ in quads:
        out.add((s, p, o))
    return out


_parsed = threading.local()  # per thread: rdflib writes evaluation state into a parsed query


def _prepared(text: str):
    cache = _parsed.__dict__.setdefault("queries", {})
    if text not in cache:
        cache[text] = query = prepareQuery(text)
        if "$this" in text:  # a constraint, run with the focus node bound; a SPARQL target
            _order(query.algebra, frozenset({Variable("this")}))  # (?this) is left as written
    return cache[text]


def _order(node, known: frozenset) -> None:
    """Reorder every basic graph pattern so that patterns with bound variables run first.

    ``known`` are the variables bound when the node is evaluated: $this, and inside FILTER
    (NOT) EXISTS and OPTIONAL also those of the pattern they apply to.
    """
    if isinstance(node, (list, tuple)):
        for item in node:
            _order(item, known)
        return
    if not isinstance(node, CompValue):
        return
    name, part = node.name, lambda key: OrderedDict.get(node, key)
    if name == "BGP":
        node["triples"] = _bound_first(part("triples"), known)
    elif name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
        _order(vars(node).get("graph", part("graph")), known)  # rdflib keeps the translated pattern as an attribute
    elif name in ("Filter", "Extend"):
        _order(part("p"), known)
        _order(part("expr"), known | _vars(part("p")))
    elif name == "LeftJoin" or (name == "Join" and part("lazy")):
        _order(part("p1"), known)
        _order(part("p2"), known | _vars(part("p1")))
        _order(part("expr"), known | _vars(part("p1")) | _vars(part("p2")))
    else:
        for value in node.values():
            _order(value, known)


def _vars(node) -> frozenset:
    return frozenset(OrderedDict.get(node, "_vars") or ()) if isinstance(node, CompValue) else frozenset()


def _bound_first(triples, known: frozenset) -> list:
    """Greedy order: patterns joined to what is bound first, then fewest unbound variables."""
    todo, done, known = list(triples), [], set(known)

    def cost(t):
        free = sum(isinstance(x, Variable) and x not in known for x in t)
        bound = sum(isinstance(x, Variable) and x in known for x in t)
        return (free > 0 and bound == 0, free, -bound)

    while todo:
        best = min(todo, key=cost)
        todo.remove(best)
        done.append(best)
        known.update(x for x in best if isinstance(x, Variable))
    return done
