"""Unit names as written → registered units and unit groups (``data/units.ttl``).

A name resolves only by an exact match on a unit's ``skos:prefLabel``/``skos:altLabel`` in
Chinese, after Unicode NFKC normalisation (so full- and half-width forms are one) and removal
of white space. There is deliberately no fuzzy matching: a misspelt name stays unregistered and
the rule checks report it, instead of silently becoming a real unit.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from .config import DEFAULT_BASE
from .iris import rebase
from .vocab import PLAN, RDF, SKOS


class RegistryError(ValueError):
    """A registry file (data/units.ttl or a district's) that cannot be read: its file, line and why."""


def normalise(name: str) -> str:
    """The form names are compared in: NFKC, no white space."""
    return "".join(unicodedata.normalize("NFKC", name).split())


@dataclass
class Registry:
    """The registered units and groups, indexed by district code and normalised label."""

    graph: Graph
    base: str

    def __post_init__(self):
        self._index: dict[tuple[str, str], URIRef] = {}
        prefix = f"{self.base}unit/"
        for cls in (PLAN.GovernmentUnit, PLAN.UnitGroup):
            for unit in self.graph.subjects(RDF.type, cls):
                code = str(unit)[len(prefix):].split("/", 1)[0] if str(unit).startswith(prefix) else ""
                for prop in (SKOS.prefLabel, SKOS.altLabel):
                    for label in self.graph.objects(unit, prop):
                        if isinstance(label, Literal) and (label.language or "").startswith("zh"):
                            key = (code, normalise(str(label)))
                            other = self._index.setdefault(key, unit)
                            if other != unit:
                                raise ValueError(f"units.ttl: the name {label} is given to both {other} and {unit}")

    @classmethod
    def load(cls, path: Path | list[Path], base: str = DEFAULT_BASE) -> "Registry":
        """Parse ``units.ttl`` and any further registry files (IRIs rebased to ``base``)."""
        paths = path if isinstance(path, list) else [path]
        graph = Graph()
        for p in paths:
            if not p.is_file():
                raise FileNotFoundError(f"{p}: the unit registry is missing")
            try:
                graph.parse(p, format="turtle")
            except Exception as e:  # noqa: BLE001 - rdflib's BadSyntax and others: say where and why
                from .syntax_errors import turtle

                raise RegistryError(turtle(p, e)) from None
        return cls(rebase(graph, base), base)

    def resolve(self, name: str, division_code: str) -> URIRef | None:
        """The unit or group a name refers to in a district, or None when unregistered."""
        return self._index.get((division_code, normalise(name)))
