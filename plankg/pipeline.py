"""Source text → built graph files: the chain behind ``plankg build`` and the test fixtures.

Everything is read and built in memory first; only when the whole plan has been read do the
output files get written, each to a temporary file renamed into place, so a bad source never
leaves half-written output behind.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from rdflib import Graph, Literal

from . import preamble, reason, reference, serialize, target_graph, targets
from .config import Settings
from .files import atomic_write, stamp
from .graph import Iris, PlanMeta, build_graph
from .iris import code_and_year, rebase
from .registry import Registry, RegistryError
from .sources import PlanSyntaxError, PlanText, read_plan
from .vocab import DCTERMS, PLAN, RDF, SKOS


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
    except UnicodeDecodeError as e:
        raise MetadataError(f"{meta_path}: not UTF-8 text (byte {e.start}); save it as UTF-8") from None
    except tomllib.TOMLDecodeError as e:
        from .syntax_errors import toml

        raise MetadataError(toml(meta_path, meta_path.read_text(encoding="utf-8"), e)) from None
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
    code, year = code_and_year(plan)
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
    """The registry (of one district's units, or of all), parsed once per process while its files
    stay as they are (a build, a check of each amendment: each parse took 85 ms). Read, never changed."""
    paths = settings.registry_paths(district)
    key = (tuple((str(p), stamp(p) if p.is_file() else None) for p in paths), settings.base)
    if key not in _registries:
        if len(_registries) > 8:
            _registries.clear()
        _registries[key] = Registry.load(paths, settings.base)
    return _registries[key]


_registries: dict = {}


def write(result: Build, out_dir: Path, settings: Settings, *, only_changed: bool = False) -> Path:
    """Write the plan graph and its inferred graph as sorted Turtle, atomically; return the first path.

    ``500103-2023.ttl`` holds what the text says; ``500103-2023.inferred.ttl`` what the ontology
    implies for it (plankg.reason), so asserted and inferred facts stay apart. ``only_changed``:
    leave a file that already holds the same text untouched.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / result.output_name
    from .facts import Facts  # the inference runs on Oxigraph terms; the reference data is read by Oxigraph

    derived = reason.derive(result.graph, reference.facts(settings, result.meta.division_code, reasoned=True))
    inferred = Facts(derived, namespaces=list(Graph().namespaces()))  # written with a new graph's prefixes
    for path, text in ((target, serialize.turtle(result.graph)),
                       (target.with_suffix(".inferred.ttl"), serialize.turtle(inferred))):
        if not (only_changed and path.is_file() and path.read_text(encoding="utf-8") == text):
            atomic_write(path, text)
    return target


class Unreadable(ValueError):
    """A plan given on the command line that is neither a readable text nor a built graph."""


GRAPH_FORMATS = {".ttl": "turtle", ".nt": "nt", ".trig": "trig"}


def plan_graph(source: Path, settings: Settings) -> Graph:
    """One plan's graph: a plan text (.txt, its .toml beside it) built in memory, or a built graph
    file (.ttl, .nt, .trig); Unreadable, naming the file and what was expected, if neither."""
    from rdflib import Dataset

    from .iris import plan_iri

    if not source.is_file():
        raise Unreadable(f"{source}: no such file")
    if source.suffix == ".txt":
        try:
            return build(source, settings).graph
        except (PlanSyntaxError, MetadataError, RegistryError) as e:
            raise Unreadable(str(e)) from None
    if source.suffix not in GRAPH_FORMATS:
        raise Unreadable(f"{source}: expected a plan text (.txt) or a built graph (.ttl, .nt, .trig)")
    fmt = GRAPH_FORMATS[source.suffix]
    try:
        parsed = Dataset().parse(source, format=fmt) if fmt == "trig" else Graph().parse(source, format=fmt)
    except Exception as e:  # noqa: BLE001 - each rdflib parser raises its own error type
        from .syntax_errors import turtle

        raise Unreadable(turtle(source, e, fmt)) from None
    graph = Graph()
    for s, p, o, *_ in (parsed.quads((None, None, None, None)) if fmt == "trig" else parsed):
        graph.add((s, p, o))
    try:
        plan_iri(graph)
    except ValueError as e:
        raise Unreadable(f"{source}: {e}") from None
    return graph


__all__ = ["Build", "build", "write", "read_meta", "find_meta", "PlanSyntaxError", "MetadataError", "plan_graph",
           "Unreadable", "RegistryError"]
