"""Graphs → deterministic Turtle for files kept under version control.

rdflib's Turtle writer already sorts predicates and objects; this one also orders subjects by
their IRI with numbers compared as numbers (task/2 before task/10), so that a change to the
plan moves only the lines it touches.
"""
from __future__ import annotations

import io
import re

from rdflib import BNode, Graph
from rdflib.plugins.serializers.turtle import TurtleSerializer

_DIGITS = re.compile(r"(\d+)")


def natural_key(term) -> tuple:
    """Sort key: blank nodes last, then the IRI split into text and numbers."""
    parts = _DIGITS.split(str(term))
    return (isinstance(term, BNode), [int(p) if p.isdigit() else p for p in parts])


class SortedTurtleSerializer(TurtleSerializer):
    def orderSubjects(self):  # noqa: N802 (rdflib's name)
        subjects = sorted(self._subjects, key=natural_key)
        for s in subjects:
            self._topLevels[s] = True
        return subjects


def turtle(graph: Graph) -> str:
    """The graph as Turtle, subjects in natural IRI order."""
    out = io.BytesIO()
    SortedTurtleSerializer(graph).serialize(out, encoding="utf-8")
    return out.getvalue().decode("utf-8")
