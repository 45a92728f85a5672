"""Canned questions: ``queries/*.rq`` with their ``#+`` headers, run with safely bound parameters.

A header (the grlc ``#+`` convention, with Datasette's canned-query fields) is YAML::

    #+ title: 某单位牵头的任务 / Tasks a unit leads
    #+ description: …
    #+ params:
    #+   unit: {type: name, required: true, description: a unit's name as written}
    #+ example: {unit: 区发改委}
    #+ columns: [number, text]

Parameters are bound by the engine (Oxigraph substitutions, SEP-0007), never spliced into the
text; the engine requires a bound variable to be projected, so a query may project more than its
``columns`` and only the declared columns are returned. Types: ``name`` (a unit or indicator
name: NFKC-normalised, bound as a string), ``string``, ``iri``, ``integer``, and ``plan``, which
narrows the dataset instead: the query's default graph becomes that plan's graphs plus the shared
reference graph. The same files serve the CLI and the server: one definition of each.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from . import resources
from .registry import normalise


class QueryError(ValueError):
    """A canned query is unknown, or its parameters are wrong."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str = "string"
    required: bool = False
    description: str = ""
    var: str = ""  # the SPARQL variable it binds, when that differs from its name

    @property
    def variable(self) -> str:
        return self.var or self.name

    def bind(self, value: str):
        """The RDF term for a value given on the command line or in a URL."""
        if self.type in ("iri", "plan"):
            if not value.startswith(("http://", "https://", "urn:")):
                raise QueryError(f"parameter {self.name} must be an http(s) IRI, got {value!r}")
            return URIRef(value)
        if self.type == "integer":
            try:
                return Literal(int(value), datatype=XSD.integer)
            except ValueError:
                raise QueryError(f"parameter {self.name} must be a whole number, got {value!r}") from None
        if self.type == "name":
            return Literal(normalise(value))
        return Literal(value)


@dataclass(frozen=True)
class CannedQuery:
    name: str
    sparql: str
    title: str
    description: str = ""
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    example: dict[str, str] = field(default_factory=dict)

    def bindings(self, values: dict[str, str]) -> dict[str, Any]:
        """Check the given values against the declared parameters; return engine bindings."""
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            raise QueryError(f"query {self.name!r} has no parameter(s) {', '.join(unknown)}"
                             f" (it takes: {', '.join(declared) or 'none'})")
        missing = [p.name for p in self.params if p.required and not values.get(p.name)]
        if missing:
            raise QueryError(f"query {self.name!r} needs parameter(s): {', '.join(missing)}")
        return {declared[k].variable: declared[k].bind(v) for k, v in values.items() if v not in (None, "")}

    def run(self, store, values: dict[str, str]):
        """Run against a :class:`plankg.store.Store`; returns Rows with the declared columns."""
        bindings = self.bindings(values)
        plans = [str(bindings.pop(p.variable)) for p in self.params if p.type == "plan" and p.variable in bindings]
        rows = store.select(self.sparql, bindings, default_graph=store.plan_graphs(plans) if plans else None)
        if self.columns:
            missing = [c for c in self.columns if c not in rows.columns]
            if missing:
                raise QueryError(f"queries/{self.name}.rq: does not project declared column(s) {', '.join(missing)}")
            keep = [rows.columns.index(c) for c in self.columns]
            rows.columns, rows.rows = list(self.columns), [[r[i] for i in keep] for r in rows.rows]
        return rows


def parse(name: str, text: str) -> CannedQuery:
    """A canned query from the text of its .rq file."""
    header = "\n".join(line[3:] if line.startswith("#+ ") else line[2:]
                       for line in text.splitlines() if line.startswith("#+"))
    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError as e:
        raise QueryError(f"queries/{name}.rq: the #+ header is not valid YAML ({e})") from None
    if "title" not in meta:
        raise QueryError(f"queries/{name}.rq: the #+ header needs a title")
    params = []
    for pname, spec in (meta.get("params") or {}).items():
        spec = spec if isinstance(spec, dict) else {"description": str(spec or "")}
        params.append(Param(pname, spec.get("type", "string"), bool(spec.get("required", False)),
                            str(spec.get("description", "")), str(spec.get("var", ""))))
    return CannedQuery(name, text, str(meta["title"]), str(meta.get("description", "")).strip(),
                       tuple(params), tuple(meta.get("columns") or ()),
                       {k: str(v) for k, v in (meta.get("example") or {}).items()})


def from_file(path) -> CannedQuery:
    """A query file given by the user: with a #+ header, or plain SPARQL."""
    text = path.read_text(encoding="utf-8")
    if any(line.startswith("#+") for line in text.splitlines()):
        return parse(path.stem, text)
    return CannedQuery(path.stem, text, path.stem)


def load_all() -> dict[str, CannedQuery]:
    """Every canned query in queries/, by name."""
    return {p.name[:-3]: parse(p.name[:-3], p.read_text(encoding="utf-8"))
            for p in resources.listing("queries", ".rq")}


def find(name: str) -> CannedQuery:
    """A canned query by name (queries/NAME.rq), or the query in a .rq/.sparql file."""
    if name.endswith((".rq", ".sparql")):
        from pathlib import Path

        if not Path(name).is_file():
            raise QueryError(f"{name}: no such file")
        return from_file(Path(name))
    return get(name)


def get(name: str) -> CannedQuery:
    queries = load_all()
    if name not in queries:
        raise QueryError(f"no canned query {name!r} (known: {', '.join(sorted(queries))})")
    return queries[name]
