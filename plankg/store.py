"""The embedded store: Oxigraph (pyoxigraph) on disk or in memory, holding plans in named graphs.

Graph layout (all names under the configured base)::

    {base}graph/reference          ontology, concept schemes, data/units.ttl, districts, indicators
    {base}graph/units/{code}       a further district's unit registry (data/units/{code}.ttl)
    {base}graph/history            PROV-O records of every accepted version of every plan
    {plan}/graph                   a plan's current asserted triples
    {plan}/inferred                what the ontology implies for it (plankg.reason)

Queries run on Oxigraph's engine with the union of all graphs as the default graph, and
parameters are passed as SEP-0007 substitutions, never spliced into the query text. Replacing a
plan's graphs is a single SPARQL Update, which Oxigraph applies as one transaction: readers see
the old graphs or the new ones, never a mix.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .config import DEFAULT_BASE, Settings
from .iris import district_of, plan_for_key, plan_iri, rebase
from .vocab import PLAN_NS

REFERENCE = "graph/reference"
UNITS = "graph/units/"  # + a division code
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
TEXT_NS = "https://w3id.org/plankg/text#"  # plankg.search.functions.NS, without importing search


def plan_graphs(base: str, plans: Iterable[str]) -> list[str]:
    """The graphs a question about the given plans reads: the shared reference graph, the unit
    registry of each plan's district, and the plans' own graphs (not the other districts' units,
    so a one-plan question costs the same however many plans are loaded)."""
    names = [base + REFERENCE]
    for plan in plans:
        names += [base + UNITS + district_of(base, plan), f"{plan}/graph", f"{plan}/inferred"]
    return list(dict.fromkeys(names))


def to_ox(term):
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def to_rdflib(term):
    """A pyoxigraph term as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:  # RDF 1.1: a plain literal is an xsd:string
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"not an RDF term: {term!r}")


def memoised(convert):
    """``convert`` (to_ox, to_rdflib) converting each distinct term once: in a plan the same
    units, classes and properties recur hundreds of times."""
    seen: dict = {}

    def one(term):
        r = seen.get(term)
        if r is None:
            r = seen[term] = convert(term)
        return r
    return one


def read_turtle(path: Path) -> Graph:
    """A Turtle file parsed by Oxigraph into an rdflib graph: half the time of rdflib's own parser
    (each distinct term is converted once). Prefixes are not kept: bind them if they matter."""
    term = memoised(to_rdflib)
    g = Graph()
    g.addN((term(q.subject), term(q.predicate), term(q.object), g)
           for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return g


def ntriples(graph: Graph) -> str:
    return graph.serialize(format="nt")


@dataclass
class Rows:
    """A SELECT result as plain strings, for the CLI and the HTML tables."""

    columns: list[str]
    rows: list[list[str]]


class Store:
    """An Oxigraph store; ``path=None`` keeps it in memory."""

    #: gives the custom functions (plankg.search.functions) for a query that uses ``text:``; set by
    #: the layer that knows the search (plankg.asking), so the store does not import it
    functions = None

    def __init__(self, path: Path | None = None, *, base: str, read_only: bool = False):
        self.path, self.base = path, base
        if path is None:
            self.ox = ox.Store()
        elif read_only:
            self.ox = ox.Store.read_only(str(path))
        else:
            path.mkdir(parents=True, exist_ok=True)
            self.ox = ox.Store(str(path))

    # -- reading --------------------------------------------------------------

    def query(self, sparql: str, substitutions: Mapping[str, object] | None = None, *,
              default_graph: Iterable[str] | None = None, named_graphs: Iterable[str] | None = None):
        """Run a query; the default graph is the union of all graphs unless ``default_graph`` is given."""
        kwargs = {}
        if default_graph is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(k): to_ox(v) for k, v in substitutions.items()}
        if self.functions is not None and TEXT_NS in sparql:  # text:matches, text:score, as the server has them
            kwargs["custom_functions"] = self.functions()
        return self.ox.query(sparql, **kwargs)

    def plan_graphs(self, plans: Iterable[str]) -> list[str]:
        return plan_graphs(self.base, plans)

    def select(self, sparql: str, substitutions: Mapping[str, object] | None = None, *,
               default_graph: Iterable[str] | None = None) -> Rows:
        """A SELECT query's solutions as strings (unbound values as "")."""
        result = self.query(sparql, substitutions, default_graph=default_graph)
        if isinstance(result, ox.QueryBoolean):
            return Rows(["ask"], [[str(bool(result)).lower()]])
        if isinstance(result, ox.QueryTriples):
            return Rows(["subject", "predicate", "object"],
                        [[str(t.subject), str(t.predicate), str(t.object)] for t in result])
        columns = [v.value for v in result.variables]
        rows = [["" if s[c] is None else s[c].value for c in columns] for s in result]
        return Rows(columns, rows)

    def graph(self, name: str) -> Graph:
        """One named graph, copied into rdflib."""
        g = Graph()
        term = memoised(to_rdflib)
        g.addN((term(q.subject), term(q.predicate), term(q.object), g)
               for q in self.ox.quads_for_pattern(None, None, None, ox.NamedNode(name)))
        return g

    def __len__(self) -> int:
        return len(self.ox)

    # -- writing --------------------------------------------------------------

    def replace_graphs(self, graphs: Mapping[str, Graph]) -> None:
        """Replace the content of each named graph (an rdflib graph or plankg.facts.Facts), all in
        one transaction.

        Only the difference is written (an amendment changes a few triples of thousands): dropping
        and rewriting whole graphs leaves RocksDB tombstones that slow every later write.
        """
        removed, added, dropped = [], [], []
        to = memoised(to_ox)
        for name, g in graphs.items():
            graph = ox.NamedNode(name)
            old = {q.triple for q in self.ox.quads_for_pattern(None, None, None, graph)}
            held = getattr(g, "triples", None)  # plankg.facts.Facts holds Oxigraph triples: none to convert
            new = set(held) if isinstance(held, list) else {ox.Triple(to(s), to(p), to(o)) for s, p, o in g}
            if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in old | new):
                dropped.append(f"DROP SILENT GRAPH <{name}>")  # blank nodes cannot be deleted as data
                old = set()
            if old - new:
                removed.append(f"GRAPH <{name}> {{\n" + " .\n".join(map(str, old - new)) + " .\n}")
            if new - old:
                added.append(f"GRAPH <{name}> {{\n" + " .\n".join(map(str, new - old)) + " .\n}")
        parts = dropped + ([f"DELETE DATA {{ {' '.join(removed)} }}"] if removed else []) + (
            [f"INSERT DATA {{ {' '.join(added)} }}"] if added else [])
        if parts:
            self.ox.update(" ;\n".join(parts))

    def bulk_load(self, graphs: Mapping[str, Graph]) -> None:
        """Fast first load into empty graphs (not transactional: only for a new store)."""
        for name, g in graphs.items():
            self.ox.bulk_load(ntriples(g).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES,
                              to_graph=ox.NamedNode(name))

    def load_file(self, path: Path, graph: str) -> None:
        """Parse a Turtle file into a named graph with Oxigraph's own parser (fast first loads)."""
        self.ox.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))

    def flush(self) -> None:
        if self.path is not None:
            self.ox.flush()


def load_built(settings: Settings, reference: Graph, built: list[Path] | None = None) -> Store:
    """An in-memory store with the built plans (each in its own named graphs), the further
    districts' registries and ``reference`` (plankg.reference.graph with ``further=False``):
    what ``plankg query`` asks, without a state folder."""
    paths = built if built is not None else sorted(settings.build_dir.glob("*-*[0-9].ttl"))
    if not paths:
        raise FileNotFoundError(f"{settings.build_dir} has no built plan - run \"plankg build\" first")
    store = Store(base=settings.base)
    store.bulk_load({settings.base + REFERENCE: reference})
    for district, path in settings.district_registries().items():
        name = settings.base + UNITS + district
        if settings.base == DEFAULT_BASE:
            _load(store, path, name)
        else:
            store.bulk_load({name: rebase(_parse(path), settings.base)})
    for path in paths:
        # Oxigraph parses the files itself (rdflib would take ten times as long); a build output's
        # name gives its plan (500103-2023.ttl → …/plan/500103/2023), which the file must describe
        plan = plan_for_key(settings.base, path.stem) or str(plan_iri(_parse(path)))
        _load(store, path, f"{plan}/graph")
        if not store.select(f"ASK {{ ?p a <{PLAN_NS}Plan> }}", {"p": URIRef(plan)},
                            default_graph=[f"{plan}/graph"]).rows == [["true"]]:
            raise ValueError(f"{path}: not the build of {plan} (it has no plan:Plan {plan})")
        inferred = path.with_suffix(".inferred.ttl")
        if inferred.is_file():
            store.load_file(inferred, f"{plan}/inferred")
    return store


def _load(store: Store, path: Path, name: str) -> None:
    try:
        store.load_file(path, name)
    except (SyntaxError, ValueError, OSError) as e:
        raise ValueError(f"{path}: {e}") from None


def _parse(path: Path) -> Graph:
    try:
        return Graph().parse(path, format="turtle")
    except Exception as e:  # rdflib raises several kinds
        raise ValueError(f"{path}: not readable Turtle ({e})") from None
