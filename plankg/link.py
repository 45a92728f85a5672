"""Links to Wikidata through the division code (property P442), made only where code and name agree.

Our districts carry GB/T 2260 codes and our sub-district offices NBS statistical codes; Wikidata
records the same codes with property P442, written with spaces ("50 01 03"). A link is written
only when an item's code equals ours after removing spaces AND its Chinese label equals our name;
a code held by two items, or whose name differs, is reported and left out, never guessed. The
result is a VoID linkset (``data/linksets/wikidata.ttl``) that records where and when it came from.
"""
from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from datetime import date

from rdflib import Graph, Literal, URIRef

from . import resources
from .vocab import DCTERMS, PLAN, RDF, SKOS, VOID, XSD

WDQS = "https://query.wikidata.org/sparql"
ENTITY = "http://www.wikidata.org/entity/"
QUERY = "data/linksets/wikidata-p442.rq"
LINKSET = URIRef("https://w3id.org/plankg/linkset/wikidata")


@dataclass
class Linking:
    """The links made and, for a person to look at, the candidates left out and why."""

    graph: Graph
    linked: list[tuple[str, str, str]] = field(default_factory=list)   # (our IRI, name, item)
    left_out: list[str] = field(default_factory=list)

    def to_text(self) -> str:
        lines = [f"linked  {name}  {ours} → {item}" for ours, name, item in self.linked]
        lines += [f"left out  {why}" for why in self.left_out]
        lines.append(f"{len(self.linked)} link(s), {len(self.left_out)} candidate(s) left out")
        return "\n".join(lines) + "\n"


def query_text(prefixes: list[str]) -> str:
    """The WDQS query for the codes under the given two-digit province prefixes."""
    text = resources.text(QUERY)
    if len(prefixes) == 1:
        return text.replace("{prefix}", prefixes[0])
    return text.replace('STRSTARTS(REPLACE(?code, " ", ""), "{prefix}")',
                        " || ".join(f'STRSTARTS(REPLACE(?code, " ", ""), "{p}")' for p in prefixes))


def fetch(endpoint: str, prefixes: list[str], timeout: float = 60) -> dict:
    """Send the query to a SPARQL endpoint (WDQS by default) and return its JSON answer."""
    body = urllib.parse.urlencode({"query": query_text(prefixes)}).encode()
    request = urllib.request.Request(endpoint, data=body, headers={
        "Accept": "application/sparql-results+json", "User-Agent": "plankg (division-code linker)"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def ours(reference: Graph) -> dict[str, tuple[URIRef, str, URIRef]]:
    """Our coded things by code: (IRI, Chinese name, link predicate)."""
    found = {}
    for division in reference.subjects(RDF.type, PLAN.AdministrativeDivision):
        for code in reference.objects(division, PLAN.divisionCode):
            found[str(code)] = (division, _zh(reference, division), SKOS.exactMatch)
    for office in reference.subjects(PLAN.statisticalCode, None):
        # an office is not its area: the item is the area it serves
        found[str(reference.value(office, PLAN.statisticalCode))] = (office, _zh(reference, office), DCTERMS.spatial)
    return found


def _zh(g: Graph, node) -> str:
    return next((str(label) for label in g.objects(node, SKOS.prefLabel) if label.language == "zh"), "")


def _full_code(code: str) -> str:
    """P442 as GB/T 2260 or NBS writes it: no spaces; P442 drops trailing zero pairs ("50" is 500000)
    and writes a township's 12-digit statistical code as 9 digits (500103003 is 500103003000)."""
    code = "".join(code.split())
    return code.ljust(6, "0") if len(code) < 6 else code + "000" if len(code) == 9 else code


def link(answer: dict, reference: Graph, source: str, retrieved: date | None = None) -> Linking:
    """Match a WDQS answer (SPARQL JSON results) against our codes and names."""
    ours_by_code = ours(reference)
    candidates: dict[str, dict[str, set[str]]] = {}
    for row in answer["results"]["bindings"]:
        item = row["item"]["value"]
        if not item.startswith(ENTITY):
            continue
        labels = candidates.setdefault(_full_code(row["code"]["value"]), {}).setdefault(item, set())
        if "label" in row:
            labels.add(row["label"]["value"])
    out = Linking(Graph())
    for code, items in sorted(candidates.items()):
        if code not in ours_by_code:
            continue
        node, name, predicate = ours_by_code[code]
        if len(items) > 1:
            out.left_out.append(f"{name} ({code}): {len(items)} items share the code: {', '.join(sorted(items))}")
            continue
        (item, labels), = items.items()
        if name not in labels:
            out.left_out.append(f"{name} ({code}): {item} has the code but is named {'/'.join(sorted(labels)) or '(no Chinese label)'}")
            continue
        out.graph.add((node, predicate, URIRef(item)))
        out.linked.append((str(node), name, item))
    _describe(out.graph, len(out.linked), source, retrieved or date.today())
    return out


def _describe(g: Graph, links: int, source: str, retrieved: date) -> None:
    """The VoID linkset: what links to what, by which predicates, how many, from where and when."""
    g.bind("void", VOID)
    g.add((LINKSET, RDF.type, VOID.Linkset))
    g.add((LINKSET, DCTERMS.title, Literal("plankg 行政区划 ↔ Wikidata", lang="zh")))
    g.add((LINKSET, DCTERMS.title, Literal("plankg divisions ↔ Wikidata", lang="en")))
    g.add((LINKSET, VOID.subjectsTarget, URIRef("https://w3id.org/plankg/void")))
    g.add((LINKSET, VOID.objectsTarget, URIRef("http://www.wikidata.org/")))
    g.add((LINKSET, VOID.linkPredicate, SKOS.exactMatch))
    g.add((LINKSET, VOID.linkPredicate, DCTERMS.spatial))
    g.add((LINKSET, VOID.triples, Literal(links, datatype=XSD.integer)))
    g.add((LINKSET, DCTERMS.source, Literal(source)))
    g.add((LINKSET, DCTERMS.created, Literal(retrieved.isoformat(), datatype=XSD.date)))
    g.add((LINKSET, DCTERMS.description, Literal(
        "Matched through Wikidata property P442 (China administrative division code): a link only where "
        "the item's code, without spaces, equals ours and its Chinese label equals our name.", lang="en")))


def wikidata(settings, answer: Path | None = None, endpoint: str | None = None,
             out: Path | None = None) -> tuple[Linking, Path]:
    """Link against a saved WDQS answer, or the answer ``endpoint`` (WDQS) gives now, and write the
    linkset (default data/linksets/wikidata.ttl); ValueError with a sentence when there is no answer."""
    from . import reference
    from .files import atomic_write
    from .serialize import turtle

    ours_graph = reference.graph(settings)
    prefixes = sorted({code[:2] for code in ours(ours_graph)})
    try:
        if answer:
            data, source = json.loads(answer.read_text(encoding="utf-8")), f"saved WDQS answer {answer.name}"
        else:
            endpoint = endpoint or WDQS
            data, source = fetch(endpoint, prefixes), f"SPARQL endpoint {endpoint}"
    except (OSError, ValueError) as e:
        raise ValueError(f"could not get the Wikidata answer: {e}") from None
    if not isinstance(data, dict) or "results" not in data:
        raise ValueError("the answer is not SPARQL JSON results (expected an object with \"results\")")
    result = link(data, ours_graph, source)
    target = out or settings.linksets_dir / "wikidata.ttl"
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, turtle(result.graph))
    return result, target
