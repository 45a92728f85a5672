"""Source text → built graph files: the chain behind ``plankg build`` and the test fixtures.

Everything is read and built in memory first; only when the whole plan has been read do the
output files get written, each to a temporary file renamed into place, so a bad source never
leaves half-written output behind.
"""
from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections import OrderedDict
from dataclasses import dataclass, fields
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from . import preamble, reason, resources, serialize, target_graph, targets
from .config import DEFAULT_BASE, Settings
from .graph import Iris, PlanMeta, build_graph
from .registry import Registry, rebase
from .sources import PlanSyntaxError, PlanText, read_plan
from .store import REFERENCE, UNITS, Store
from .vocab import DCTERMS, PLAN, RDF, SKOS, XSD

ONTOLOGY_FILES = ("ontology/plankg.ttl", "ontology/body-types.ttl", "ontology/targets.ttl")


class MetadataError(ValueError):
    """A plan's metadata file is missing or incomplete."""


@dataclass
class Build:
    """One plan, read and turned into its graph."""

    plan: PlanText
    meta: PlanMeta
    iris: Iris
    graph: Graph
    coverage: targets.Coverage | None = None

    @property
    def output_name(self) -> str:
        return f"{self.meta.division_code}-{self.meta.year}.ttl"


def read_meta(source: Path) -> PlanMeta:
    """The metadata file beside a plan text (same name, .toml)."""
    meta_path = source.with_suffix(".toml")
    try:
        data = tomllib.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MetadataError(f"{meta_path}: no metadata file for {source.name} "
                            "(expected title, publisher, district, division_code, year)") from None
    except tomllib.TOMLDecodeError as e:
        raise MetadataError(f"{meta_path}: not valid TOML ({e})") from None
    known = {f.name for f in fields(PlanMeta)}
    missing = [k for k in ("title", "publisher", "district", "division_code", "year") if k not in data]
    if missing:
        raise MetadataError(f"{meta_path}: missing {', '.join(missing)}")
    unknown = sorted(set(data) - known)
    if unknown:
        raise MetadataError(f"{meta_path}: unknown key(s) {', '.join(unknown)}")
    return PlanMeta(**data)


def find_meta(settings: Settings, source: Path, plan: str) -> PlanMeta:
    """Metadata for a revised text: the .toml beside it, else the one of the plan it revises."""
    if source.with_suffix(".toml").is_file():
        return read_meta(source)
    code, year = plan.rstrip("/").split("/")[-2:]
    for path in sorted(settings.source_dir.glob("*.toml")):
        meta = read_meta(path.with_suffix(".txt"))
        if meta.division_code == code and str(meta.year) == year:
            return meta
    raise MetadataError(f"{source}: no metadata file beside it, and none in {settings.source_dir} for {plan}")


def _target_hook(base: str):
    """The target extractor as a build_graph hook, with the coverage it counts."""
    coverage = targets.Coverage()

    def add(g, task_iri, task, meta):
        extraction = targets.extract(task.text, meta.year)
        coverage.add(extraction)
        target_graph.add_targets(g, task_iri, extraction, meta.year, base=base)

    return add, coverage


def build(source: Path, settings: Settings, meta: PlanMeta | None = None,
          registry: Registry | None = None) -> Build:
    """Read one plan text and build its graph (nothing is written)."""
    source = Path(source)
    meta = meta or read_meta(source)
    plan = read_plan(source, layout=meta.layout)
    registry = registry or load_registry(settings, meta.division_code)
    hook, coverage = _target_hook(settings.base)
    g = build_graph(plan, meta, registry, settings.base, add_targets=hook)
    preamble.add(g, plan, meta, settings.base, coverage)
    _describe_unknown_district(g, meta, settings)
    return Build(plan, meta, Iris(settings.base, meta.division_code, meta.year), g, coverage)


def _describe_unknown_district(g: Graph, meta: PlanMeta, settings: Settings) -> None:
    """Give a district that data/districts.ttl lacks its name and code, saying where they came from."""
    districts = rebase(Graph().parse(settings.districts_path, format="turtle"), settings.base)
    iris = Iris(settings.base, meta.division_code, meta.year)
    district = iris.district()
    if (district, RDF.type, PLAN.AdministrativeDivision) in districts:
        return
    g.add((district, RDF.type, PLAN.AdministrativeDivision))
    g.add((district, SKOS.prefLabel, Literal(meta.district, lang="zh")))
    if meta.district_en:
        g.add((district, SKOS.prefLabel, Literal(meta.district_en, lang="en")))
    g.add((district, PLAN.divisionCode, Literal(meta.division_code)))
    g.add((district, DCTERMS.source, Literal(
        "as given to plankg build (--code); not checked against GB/T 2260 — add the district to "
        "data/districts.ttl with its source to confirm it")))
    for prefix in (meta.division_code[:4] + "00", meta.division_code[:2] + "0000"):  # city, then province
        parent = iris.district(prefix)
        if parent != district and (parent, RDF.type, PLAN.AdministrativeDivision) in districts:
            g.add((district, PLAN.parentDivision, parent))
            break


def load_registry(settings: Settings, district: str | None = None) -> Registry:
    """The registry (of one district's units, or of all)."""
    return Registry.load(settings.registry_paths(district), settings.base)


def write(result: Build, out_dir: Path, settings: Settings) -> Path:
    """Write the plan graph and its inferred graph as sorted Turtle, atomically; return the first path.

    ``500103-2023.ttl`` holds what the text says; ``500103-2023.inferred.ttl`` what the ontology
    implies for it (plankg.reason), so asserted and inferred facts stay apart.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / result.output_name
    inferred = reason.infer(result.graph, reasoned_reference(settings, result.meta.division_code))
    asserted_text, inferred_text = serialize.turtle(result.graph), serialize.turtle(inferred)
    atomic_write(target, asserted_text)
    atomic_write(target.with_suffix(".inferred.ttl"), inferred_text)
    return target


def reasoned_reference(settings: Settings, district: str | None = None, *, further: bool = True) -> Graph:
    """The reference graph (of one district, or of all) plus what the ontology implies for it.

    Kept per process while its files are unchanged (see :func:`reference_graph`): do not modify it.
    """
    return _cached(("reasoned", settings.base, district, further), settings, district, further, _reasoned)


def _reasoned(settings: Settings, district: str | None, further: bool) -> Graph:
    ref = Graph()
    ref += reference_graph(settings, district, further=further)
    ref += reason.infer(ref, Graph())
    return ref


def registry_graph(settings: Settings, district: str) -> Graph:
    """A further district's registry (data/units/<code>.ttl) and what the ontology implies for it:
    its graph in the store, beside the shared reference graph (``further=False``)."""
    path = settings.district_registries()[district]
    try:
        g = rebase(Graph().parse(path, format="turtle"), settings.base)
    except Exception as e:  # rdflib raises several kinds
        raise ValueError(f"{path}: not readable Turtle ({e})") from None
    g += reason.infer(g, reasoned_reference(settings, further=False))
    return g


_CACHE: "OrderedDict[tuple, tuple[tuple, Graph]]" = OrderedDict()  # key → (file stamps, graph)


def _cached(key: tuple, settings: Settings, district: str | None, further: bool, make) -> Graph:
    """One graph per key and process, made again when a file it is made from changes."""
    stamps = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                   for p in reference_files(settings, district, further=further))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == stamps:
        _CACHE.move_to_end(key)
        return hit[1]
    graph = make(settings, district, further)
    _CACHE[key] = (stamps, graph)
    while len(_CACHE) > 8:
        _CACHE.popitem(last=False)
    return graph


def atomic_write(target: Path, data: str) -> None:
    """Write ``data`` to ``target`` so that readers see the old file or the new one, never a mix."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; built files are for everyone to read
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def reference_files(settings: Settings, district: str | None = None, *, further: bool = True) -> list[Path]:
    """The data files of the reference graph (the ontology files are package resources).

    ``further=False`` leaves out the further districts' registries (data/units/<code>.ttl), which
    the store keeps in graphs of their own (:func:`registry_graph`)."""
    linksets = sorted(settings.linksets_dir.glob("*.ttl")) if settings.linksets_dir.is_dir() else []
    registries = settings.registry_paths(district) if further else [settings.registry_path]
    return [p for p in (*registries, settings.districts_path, settings.indicators_path, *linksets) if p.is_file()]


def reference_graph(settings: Settings, district: str | None = None, *, further: bool = True) -> Graph:
    """Ontology, concept schemes, registry, districts, indicators and linksets: what every plan shares.

    With ``district``, the registry part holds only that district's units: a plan is built and
    checked against its own district's registry, so the cost does not grow with the districts
    loaded. The graph is kept per process while its files are unchanged (a server's every
    amendment needs it): do not modify it.
    """
    return _cached(("plain", settings.base, district, further), settings, district, further, _reference)


def _reference(settings: Settings, district: str | None, further: bool) -> Graph:
    g = Graph()
    for name in ONTOLOGY_FILES:
        if resources.path(name).is_file():
            g.parse(data=resources.text(name), format="turtle")
    own_files = settings.registry_paths(district) if district is not None else []
    for path in reference_files(settings, district, further=further):
        part = rebase(Graph().parse(path, format="turtle"), settings.base)
        if path in own_files:
            others = settings.base + "unit/"
            own = f"{others}{district}/"
            part = _without(part, lambda s: str(s).startswith(others) and not str(s).startswith(own))
        elif district is not None and path == settings.districts_path:
            part = _own_divisions(part, settings.base, district)
        g += part
    return g


def _own_divisions(graph: Graph, base: str, district: str) -> Graph:
    """The districts file narrowed to one district and the divisions above it: with thousands of
    districts listed, the rest would double what every amendment of that district reasons over."""
    prefix = base + "district/"
    keep, node = set(), URIRef(prefix + district)
    while node is not None and node not in keep:
        keep.add(node)
        node = graph.value(node, PLAN.parentDivision)
    return _without(graph, lambda s: str(s).startswith(prefix) and s not in keep)


def _without(graph: Graph, drop) -> Graph:
    out = Graph()
    for t in graph:
        if not drop(t[0]):
            out.add(t)
    return out


def plan_iri(graph: Graph) -> URIRef:
    """The plan a built graph describes."""
    plan = graph.value(predicate=RDF.type, object=PLAN.Plan)
    if plan is None:
        raise ValueError("not a built plan (no plan:Plan in it)")
    return plan


def load_store(settings: Settings, built: list[Path] | None = None) -> Store:
    """An in-memory store with the built plans (each in its own named graphs) and the reference graph."""
    paths = built if built is not None else sorted(settings.build_dir.glob("*-*[0-9].ttl"))
    if not paths:
        raise FileNotFoundError(f"{settings.build_dir} has no built plan - run \"plankg build\" first")
    store = Store(base=settings.base)
    store.bulk_load({settings.base + REFERENCE: reference_graph(settings, further=False)})
    for district, path in settings.district_registries().items():
        name = settings.base + UNITS + district
        if settings.base == DEFAULT_BASE:
            try:
                store.load_file(path, name)
            except (SyntaxError, ValueError, OSError) as e:
                raise ValueError(f"{path}: {e}") from None
        else:
            store.bulk_load({name: rebase(_parse(path), settings.base)})
    for path in paths:
        # Oxigraph parses the files itself (rdflib would take ten times as long); a build output's
        # name gives its plan (500103-2023.ttl → …/plan/500103/2023), which the file must describe
        name = re.fullmatch(r"(\d{6})-(\d{4})", path.stem)
        plan = f"{settings.base}plan/{name[1]}/{name[2]}" if name else str(plan_iri(_parse(path)))
        try:
            store.load_file(path, f"{plan}/graph")
        except (SyntaxError, ValueError, OSError) as e:
            raise ValueError(f"{path}: {e}") from None
        if not store.select("ASK { ?p a <https://w3id.org/plankg/ontology#Plan> }", {"p": URIRef(plan)},
                            default_graph=[f"{plan}/graph"]).rows == [["true"]]:
            raise ValueError(f"{path}: not the build of {plan} (it has no plan:Plan {plan})")
        inferred = path.with_suffix(".inferred.ttl")
        if inferred.is_file():
            store.load_file(inferred, f"{plan}/inferred")
    from .outcomes.storage import load_into  # the reported outcomes kept in the state folder
    load_into(store, settings)
    return store


def _parse(path: Path) -> Graph:
    try:
        return Graph().parse(path, format="turtle")
    except Exception as e:  # rdflib raises several kinds
        raise ValueError(f"{path}: not readable Turtle ({e})") from None


__all__ = ["Build", "build", "write", "load_store", "read_meta", "PlanSyntaxError", "MetadataError"]
