"""Text search inside SPARQL: ``text:matches`` and ``text:score``, as pyoxigraph custom functions.

    PREFIX text: <https://w3id.org/plankg/text#>
    SELECT ?task ?score WHERE { ?task a plan:Task  FILTER(text:matches(?task, "财政 预算"))
                                BIND(text:score(?task, "财政 预算") AS ?score) } ORDER BY DESC(?score)

On an IRI they ask the plan's search index (plankg.search.index: the same hits and scores as
``/search``); on a literal they fold it and the query as the index does and check that every
term of the query is in it. The server's query processes register them (server/worker.py), so
they run under the same guard, time limit and memory limit as any query.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .text import LATIN, fold, query_terms, stem

NS = "https://w3id.org/plankg/text#"
TRUE = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
FALSE = ox.Literal("false", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
DOUBLE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")
PLANS = "SELECT DISTINCT ?p WHERE { ?p a <https://w3id.org/plankg/ontology#Plan> }"


def wanted(query: str) -> bool:
    """Whether a query uses the functions (only then are they set up)."""
    return NS in query


class TextFunctions:
    """The functions for one query on one store: each search string is looked up once."""

    def __init__(self, store: ox.Store, base: str, folder: Path | None, cache: Path | None):
        self.store, self.base, self.folder, self.cache = store, base, folder, cache
        self._hits: dict[str, dict[str, float]] = {}

    def registry(self) -> dict:
        return {ox.NamedNode(NS + "matches"): self.matches, ox.NamedNode(NS + "score"): self.score}

    def _scores(self, query: str) -> dict[str, float]:
        if query not in self._hits:
            from .index import open_index

            found: dict[str, float] = {}
            for (plan,) in self._select(PLANS).rows:
                for h in open_index(self._select, plan, self.base, self.folder, self.cache).search(query, limit=None).hits:
                    found[h.iri] = max(found.get(h.iri, 0.0), h.score)
            self._hits[query] = found
        return self._hits[query]

    def _select(self, sparql, substitutions=None, *, default_graph=None):
        from ..store import Rows

        kwargs = {"default_graph": [ox.NamedNode(g) for g in default_graph]} if default_graph else {
            "use_default_graph_as_union": True}
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(k): ox.NamedNode(str(v)) for k, v in substitutions.items()}
        result = self.store.query(sparql, **kwargs)
        columns = [v.value for v in result.variables]
        return Rows(columns, [["" if s[c] is None else s[c].value for c in columns] for s in result])

    def _literal_score(self, text: str, query: str) -> float:
        terms = query_terms(query, ())
        hay = fold(text)
        words = {stem(w) for w in LATIN.findall(hay)}
        return sum(t.found_in(hay, words) for t in terms) / len(terms) if terms else 0.0

    def score(self, term, query) -> ox.Literal | None:
        if not isinstance(query, ox.Literal):
            return None
        if isinstance(term, ox.NamedNode):
            value = self._scores(query.value).get(term.value, 0.0)
        elif isinstance(term, ox.Literal):
            value = self._literal_score(term.value, query.value)
        else:
            return None
        return ox.Literal(repr(float(value)), datatype=DOUBLE)

    def matches(self, term, query) -> ox.Literal | None:
        if not isinstance(query, ox.Literal):
            return None
        if isinstance(term, ox.NamedNode):
            return TRUE if term.value in self._scores(query.value) else FALSE
        if isinstance(term, ox.Literal):
            return TRUE if self._literal_score(term.value, query.value) == 1.0 else FALSE
        return None
