"""Reference data: what every plan is built, reasoned and checked against.

The ontology and its concept schemes (package resources), the unit registries, the districts,
the indicators and the linksets (files under the data folder). :func:`graph` assembles them as
written; :func:`reasoned` adds what the ontology implies for them. With a ``district``, the
registry part holds only that district's units and the districts file only that district and the
divisions above it, so the cost of building or checking one plan does not grow with the
districts loaded.

Both are made once per content: they are kept in the process and, as N-Triples named after the
digest of everything they are made from, in the cache folder (``Settings.cache_dir``), so a
new process (``plankg amend``) reads them in a fraction of the time it takes to make them and
nothing is rebuilt while its files are unchanged. The digest covers the files' bytes, the IRI
base and, for :func:`reasoned`, the inference rules and code, so an edit anywhere makes a new
entry. Callers must not modify the graphs they get.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from pathlib import Path

from rdflib import Graph, URIRef

from . import reason, resources
from .config import Settings
from .facts import Facts
from .files import atomic_write
from .iris import rebase
from .store import read_turtle
from .vocab import PLAN

ONTOLOGY_FILES = ("ontology/plankg.ttl", "ontology/body-types.ttl", "ontology/targets.ttl")
KEPT = 8  # graphs kept per process (a server amends plans of a few districts at a time)

_kept: "OrderedDict[str, Graph]" = OrderedDict()  # digest → graph
_kept_facts: OrderedDict = OrderedDict()  # digest → plankg.facts.Facts


def files(settings: Settings, district: str | None = None, *, further: bool = True) -> list[Path]:
    """The data files of the reference graph (the ontology files are package resources).

    ``further=False`` leaves out the further districts' registries (data/units/<code>.ttl), which
    the store keeps in graphs of their own (:func:`registry_graph`)."""
    linksets = sorted(settings.linksets_dir.glob("*.ttl")) if settings.linksets_dir.is_dir() else []
    registries = settings.registry_paths(district) if further else [settings.registry_path]
    return [p for p in (*registries, settings.districts_path, settings.indicators_path, *linksets) if p.is_file()]


def digest(settings: Settings, district: str | None = None, *, further: bool = False) -> str:
    """A digest of what the reference graph is made from: the base, the ontology and the data files
    (reads the files, parses nothing). The store's reference graph carries it, so a store is
    brought up to date only when it changed."""
    h = hashlib.sha256(settings.base.encode())
    for name in ONTOLOGY_FILES:
        if resources.path(name).is_file():
            h.update(name.encode() + resources.text(name).encode("utf-8"))
    h.update(f"district={district} further={further}".encode() if district or further else b"")
    for path in files(settings, district, further=further):
        h.update(str(path.name).encode() + path.read_bytes())
    return "sha256:" + h.hexdigest()


def graph(settings: Settings, district: str | None = None, *, further: bool = True) -> Graph:
    """Ontology, concept schemes, registry, districts, indicators and linksets, as written."""
    key = _plain_key(settings, district, further)
    return _made(key, settings, lambda: _assemble(settings, district, further))


def _plain_key(settings: Settings, district: str | None, further: bool) -> str:
    return "plain-" + digest(settings, district, further=further)


def _reasoned_key(settings: Settings, district: str | None, further: bool) -> str:
    return "reasoned-" + _hash(digest(settings, district, further=further), _inference_digest())


def facts(settings: Settings, district: str | None = None, *, reasoned: bool = False, further: bool = True) -> Facts:
    """:func:`graph` (or, ``reasoned=True``, :func:`reasoned`) as plankg.facts.Facts: read by
    Oxigraph from the cache folder, so the write path makes no rdflib terms of it unless a check
    asks for its graph (then made once and kept with the Facts)."""
    key = (_reasoned_key if reasoned else _plain_key)(settings, district, further)
    hit = _kept_facts.get(key)
    if hit is None:
        cached = _cached(settings, key)
        if key in _kept or not cached.is_file():
            made = globals()["reasoned"] if reasoned else graph
            hit = Facts(graph=made(settings, district, further=further))
        else:
            hit = Facts.from_turtle(cached)
        _kept_facts[key] = hit
        while len(_kept_facts) > KEPT:
            _kept_facts.popitem(last=False)
    return hit


def _cached(settings: Settings, key: str) -> Path:
    return settings.cache_dir / "reference" / (key.replace(":", "-") + ".nt")


def reasoned(settings: Settings, district: str | None = None, *, further: bool = True) -> Graph:
    """The same plus what the ontology implies for it: what a plan's inference runs against."""
    key = _reasoned_key(settings, district, further)

    def make():
        g = Graph()
        g += graph(settings, district, further=further)
        g += reason.infer(g, Graph())
        return g
    return _made(key, settings, make)


def registry_graph(settings: Settings, district: str) -> Graph:
    """A further district's registry (data/units/<code>.ttl) and what the ontology implies for it:
    its graph in the store, beside the shared reference graph (``further=False``)."""
    path = settings.district_registries()[district]
    try:
        g = rebase(Graph().parse(path, format="turtle"), settings.base)
    except Exception as e:  # rdflib raises several kinds
        raise ValueError(f"{path}: not readable Turtle ({e})") from None
    g += reason.infer(g, reasoned(settings, further=False))
    return g


def _hash(*parts: str) -> str:
    return "sha256:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _inference_digest() -> str:
    """The rules and the code that apply them: a change of either changes every inferred graph."""
    return _hash(*reason.rules(), Path(reason.__file__).read_text(encoding="utf-8"))


def _made(key: str, settings: Settings, make) -> Graph:
    """The graph for ``key``: kept in the process, else read from the cache folder, else made."""
    hit = _kept.get(key)
    if hit is not None:
        _kept.move_to_end(key)
        return hit
    cached = _cached(settings, key)
    if cached.is_file():
        g = read_turtle(cached)
    else:
        g = make()
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(cached, g.serialize(format="nt"))
        except OSError:  # a read-only home: the cache only saves time
            pass
    _kept[key] = g
    while len(_kept) > KEPT:
        _kept.popitem(last=False)
    return g


def _assemble(settings: Settings, district: str | None, further: bool) -> Graph:
    g = Graph()
    for name in ONTOLOGY_FILES:
        if resources.path(name).is_file():
            g.parse(data=resources.text(name), format="turtle")
    own_files = settings.registry_paths(district) if district is not None else []
    for path in files(settings, district, further=further):
        part = rebase(Graph().parse(path, format="turtle"), settings.base)
        if path in own_files:
            others = settings.base + "unit/"
            own = f"{others}{district}/"
            part = _without(part, lambda s: str(s).startswith(others) and not str(s).startswith(own))
        elif district is not None and path == settings.districts_path:
            part = _own_divisions(part, settings.base, district)
        g += part
    return g


def _own_divisions(g: Graph, base: str, district: str) -> Graph:
    """The districts file narrowed to one district and the divisions above it: with thousands of
    districts listed, the rest would double what every amendment of that district reasons over."""
    prefix = base + "district/"
    keep, node = set(), URIRef(prefix + district)
    while node is not None and node not in keep:
        keep.add(node)
        node = g.value(node, PLAN.parentDivision)
    return _without(g, lambda s: str(s).startswith(prefix) and s not in keep)


def _without(g: Graph, drop) -> Graph:
    out = Graph()
    for t in g:
        if not drop(t[0]):
            out.add(t)
    return out
