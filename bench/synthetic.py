"""N synthetic districts' plans made from the bundled one, for the scale benchmark; cached on disk.

Copy i is the fictitious district 99iiii (GB/T 2260 has no province 99, so no code can clash with
a real one), with its own plan, task and unit IRIs, division code and copy of the unit registry.
plankg itself makes one template: ``plankg serve``'s first start (:func:`plankg.server.run.prepare`)
builds, validates, imports, indexes and publishes the bundled plan in a state folder. Each copy
is then that template's files and index rewritten as text, which is fast enough for 1000 copies
(about 17 million quads) and keeps whatever layout plankg uses: the codes have the bundled one's
length, so file sizes stay the same, and modification times are kept, so plankg's index
recognises every history file as the one it was loaded from.

For each size N, ``generate(N)`` gives a folder with:

    data/        units/990001.ttl … (each copy's registry), districts.ttl, the rest of data/: a PLANKG_DATA_DIR
    build/       990001-2023.ttl, .inferred.ttl …: what ``plankg build`` writes, for load_store
    build1/      the first plan's build only (a server started on it skips parsing all N)
    state/       the state folder's files for N plans (plans/, snapshots/reports/, HEAD)
    index.nq     its store index: the shared graphs as plankg writes them, and each plan's graphs

The cache key hashes every input (data, ontology, shapes, plankg's code and this file), so a change
to any of them regenerates; the cache lives in $PLANKG_BENCH_CACHE or ~/.cache/plankg-bench.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from plankg import pipeline
from plankg.config import Settings, from_env
from plankg.store import UNITS
from plankg.iris import plan_key
from plankg.versions import HEAD, Repository, close, digest

REPO = Path(__file__).resolve().parent.parent
CODE = "500103"
CACHE = Path(os.environ.get("PLANKG_BENCH_CACHE") or Path.home() / ".cache" / "plankg-bench")
NOT_DATA = ("build", "store", "units", "districts.ttl")
REGISTRY_MTIME = 1_767_225_600 * 10**9  # 2026-01-01, the modification time of every copy's registry file  # data/ entries not copied as they are


def code(i: int) -> str:
    """The division code of copy i (1-based): 990001, 990002 …"""
    return f"99{i:04d}"


def rewrite(text: str, new: str) -> str:
    """The bundled district's IRIs and code in ``text`` (Turtle or N-Quads, or a path) made those of ``new``."""
    for old, repl in ((f"/plan/{CODE}/", f"/plan/{new}/"), (f"/unit/{CODE}/", f"/unit/{new}/"),
                      (f"/district/{CODE}>", f"/district/{new}>"), (f'"{CODE}"', f'"{new}"'),
                      (f"{CODE}-", f"{new}-")):  # file names: plans/500103-2023/, reports/500103-2023-v1.ttl
        text = text.replace(old, repl)
    return text


@dataclass(frozen=True)
class Dataset:
    n: int
    root: Path
    base: str

    @classmethod
    def at(cls, root: Path) -> Dataset:
        """A dataset generated earlier (its folder name ends in -n<N>)."""
        return cls(int(root.name.rsplit("-n", 1)[1]), root, from_env().base)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def index(self) -> Path:
        return self.root / "index.nq"

    @property
    def store(self) -> Path:
        """index.nq in an on-disk Oxigraph store (kept from a pyoxigraph load run, else loaded now)."""
        path = self.root / "index-store"
        if not path.is_dir():
            tmp = self.root / "index-store.tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            store = ox.Store(str(tmp))
            store.bulk_load(path=str(self.index), format=ox.RdfFormat.N_QUADS)
            del store
            settle(tmp)
            os.rename(tmp, path)
        return path

    @property
    def quads(self) -> int:
        """Quads in index.nq (the data every loader and server gets)."""
        return int((self.root / "quads").read_text())

    def settings(self, build: Path | None = None, store: Path | None = None) -> Settings:
        return Settings(base=self.base, data_dir=self.data, build_dir_override=build or self.build,
                        store_dir_override=store or self.state)

    def plan(self, i: int = 1) -> str:
        meta = json.loads((self.root / "template.json").read_text())
        return rewrite(meta["plan"], code(i))

    def state_copy(self, dest: Path) -> Path:
        """A private state folder ready to serve and amend: files hard-linked (plankg replaces files by
        rename, never rewrites them), the store and its current snapshot as RocksDB checkpoints."""
        from plankg.server.snapshots import Snapshots

        shutil.copytree(self.state, dest, copy_function=os.link)
        source = ox.Store.read_only(str(self.store))
        source.backup(str(dest / "oxigraph"))
        head = (dest / HEAD).read_text(encoding="utf-8")
        (dest / "snapshots").mkdir(exist_ok=True)  # the state folder need not have one yet
        source.backup(str(dest / "snapshots" / Snapshots(self.settings(), dest).name_for(head)))
        return dest


def settle(path: Path) -> None:
    """Compact a bulk-loaded on-disk store once, as a store that has been in use is. Otherwise
    RocksDB pays that debt at the first writes after the load: at 1000 plans the second amendment
    waited 77 s in flush() for the compaction (optimize() alone takes about 55 s there)."""
    store = ox.Store(str(path))
    store.optimize()
    store.flush()
    del store


def _inputs_key(settings: Settings) -> str:
    h = hashlib.sha256(settings.base.encode())
    files = [Path(__file__)]
    for root in [REPO / d for d in ("plankg", "server", "ontology", "shapes")] + [settings.data_dir]:
        files += sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                        and not (root == settings.data_dir and p.relative_to(root).parts[0] in NOT_DATA))
    for f in files:
        h.update(str(f.relative_to(REPO) if f.is_relative_to(REPO) else f.name).encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def template(settings: Settings) -> Path:
    """The bundled plan as plankg serve's first start leaves it, in a cache folder (made once)."""
    from plankg.server.config import ServerConfig
    from plankg.server.run import prepare

    folder = CACHE / f"template-{_inputs_key(settings)}"
    if (folder / "DONE").is_file():
        return folder
    tmp = Path(tempfile.mkdtemp(prefix=".template-", dir=_made(CACHE)))
    own = settings.with_overrides(build_dir_override=tmp / "build", store_dir_override=tmp / "state")
    pipeline.write(pipeline.build(settings.bundled_plan, settings), own.build_dir, settings)
    prepare(ServerConfig(settings=own), echo=lambda *_: None)
    repo = Repository.open(own, own.store_dir, initialise=False)
    (plan,) = repo.plans()
    files = {}  # the plan's own files (their names hold its key), with their modification times
    for path in sorted(own.store_dir.rglob("*")):
        rel = path.relative_to(own.store_dir)
        # the search index (SQLite, binary) is left out: it is made again on first use
        if path.is_file() and plan_key(plan) in str(rel) and rel.parts[0] != "search":
            files[str(path.relative_to(own.store_dir))] = path.stat().st_mtime_ns
            _made((tmp / "files" / path.relative_to(own.store_dir)).parent)
            shutil.copy2(path, tmp / "files" / path.relative_to(own.store_dir))
    index = ox.Store.read_only(str(own.store_dir / "oxigraph"))
    quads = [q for q in index if q.graph_name.value.startswith(f"{plan}/")]  # the plan's own graphs
    (tmp / "index.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    meta = {"plan": plan, "digest": repo.current(plan).digest, "files": files,
            "head": (own.store_dir / HEAD).read_text(encoding="utf-8")}
    (tmp / "template.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    (tmp / "units.nt").write_text(Graph().parse(settings.registry_path, format="turtle").serialize(format="nt"))
    (tmp / "district.nt").write_text(_district(settings))
    shutil.rmtree(own.store_dir)
    (tmp / "DONE").touch()
    for old in CACHE.iterdir():  # datasets of older inputs: gigabytes at 1000 plans
        if not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)
    os.rename(tmp, folder)
    return folder


def _district(settings: Settings) -> str:
    """The bundled district's own triples (N-Triples), under a fictitious province 990000."""
    g = Graph().parse(settings.districts_path, format="turtle")
    district = next(s for s in set(g.subjects()) if str(s).endswith(f"/district/{CODE}"))
    out = Graph()
    for p, o in g.predicate_objects(district):
        out.add((district, p, o))
    return (out.serialize(format="nt").replace(f"/district/{CODE[:2]}0000>", "/district/990000>")
            .replace('"渝中区"@zh', '"合成区"@zh').replace('"Yuzhong District"@en', '"Synthetic District"@en'))


def _made(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def generate(n: int, settings: Settings | None = None, tpl: Path | None = None, echo=print) -> Dataset:
    """The dataset of ``n`` synthetic plans (generated on first use, then read from the cache).

    Give ``tpl`` (from :func:`template`) to make several sizes from the same inputs even while
    someone edits them."""
    settings = settings or from_env()
    tpl = tpl or template(settings)
    ds = Dataset(n, tpl.parent / f"{tpl.name.removeprefix('template-')}-n{n}", settings.base)
    if (ds.root / "DONE").is_file():
        return ds
    echo(f"generating {n} synthetic plans in {ds.root} …")
    shutil.rmtree(ds.root, ignore_errors=True)
    meta = json.loads((tpl / "template.json").read_text())
    shutil.copy(tpl / "template.json", _made(ds.root))
    _write_data(ds, settings, tpl, n)
    texts = {rel: (tpl / "files" / rel).read_text(encoding="utf-8") for rel in meta["files"]}
    version = next(rel for rel in meta["files"] if digest(texts[rel]) == meta["digest"])  # the current one
    builds = {p.name: p.read_text(encoding="utf-8") for p in (tpl / "build").iterdir()}
    index_text = (tpl / "index.nq").read_text(encoding="utf-8")
    with open(ds.root / "index.nq.tmp", "w", encoding="utf-8") as index:
        reference = _reference(ds)
        index.write(reference)
        for i in range(1, n + 1):
            c = code(i)
            new_digest = digest(rewrite(texts[version], c))
            for rel, text in texts.items():
                target = ds.state / rewrite(rel, c)
                _made(target.parent)
                target.write_text(rewrite(text, c).replace(meta["digest"], new_digest), encoding="utf-8")
                os.utime(target, ns=(meta["files"][rel], meta["files"][rel]))
            for name, text in builds.items():
                (_made(ds.build) / name.replace(CODE, c)).write_text(rewrite(text, c), encoding="utf-8")
            index.write(rewrite(index_text, c).replace(meta["digest"], new_digest))
    (ds.state / HEAD).write_text(rewrite(meta["head"], code(n)), encoding="utf-8")
    first = min(ds.build.glob("*-*[0-9].ttl"))
    os.link(first, _made(ds.root / "build1") / first.name)
    os.rename(ds.root / "index.nq.tmp", ds.index)
    (ds.root / "quads").write_text(str(reference.count("\n") + n * index_text.count("\n")))
    (ds.root / "DONE").touch()
    return ds


def _write_data(ds: Dataset, settings: Settings, tpl: Path, n: int) -> None:
    """data/: the real data folder, plus every copy's registry in data/units/<code>.ttl (where plankg
    looks for further districts' units) and its district in districts.ttl."""
    for entry in settings.data_dir.iterdir():
        if entry.name not in NOT_DATA:
            (shutil.copytree if entry.is_dir() else shutil.copy)(entry, _made(ds.data) / entry.name)
    units = (tpl / "units.nt").read_text(encoding="utf-8")
    for i in range(1, n + 1):
        path = _made(ds.data / "units") / f"{code(i)}.ttl"
        path.write_text(rewrite(units, code(i)), encoding="utf-8")
        os.utime(path, ns=(REGISTRY_MTIME, REGISTRY_MTIME))  # one file stamp for all: see _reference
    district = (tpl / "district.nt").read_text(encoding="utf-8")
    province = ('<https://w3id.org/plankg/district/990000> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
                '<https://w3id.org/plankg/ontology#AdministrativeDivision> .\n'
                '<https://w3id.org/plankg/district/990000> <https://w3id.org/plankg/ontology#divisionCode> "990000" .\n')
    (ds.data / "districts.ttl").write_text(
        settings.districts_path.read_text(encoding="utf-8") + "\n" + province
        + "".join(rewrite(district, code(i)).replace('"合成区"', f'"合成{i}区"')
                  .replace('"Synthetic District"', f'"Synthetic District {i}"') for i in range(1, n + 1)),
        encoding="utf-8")


def _reference(ds: Dataset) -> str:
    """The shared graphs of the store index, as plankg writes them into an index with no plan yet.

    plankg makes the reference graph and the first copy's registry graph (graph/units/990001) in
    a data folder holding only that registry; the other copies' registry graphs are that one
    rewritten (their files differ only in the code, and have the same size and time)."""
    data, tmp = ds.root / "reference-data", ds.root / "reference-state"
    for entry in ds.data.iterdir():
        if entry.name != "units":
            _made(data).joinpath(entry.name).symlink_to(entry)
    os.link(ds.data / "units" / f"{code(1)}.ttl", _made(data / "units") / f"{code(1)}.ttl")
    settings = Settings(base=ds.base, data_dir=data, build_dir_override=ds.build, store_dir_override=tmp)
    repo = Repository(settings, tmp)
    try:
        repo.store.flush()
        quads = list(repo.store.ox)
    finally:
        close(repo)
    shutil.rmtree(tmp)
    shutil.rmtree(data)
    units = ds.base + UNITS
    shared = [q for q in quads if not q.graph_name.value.startswith(units)]
    first = ox.serialize([q for q in quads if q.graph_name.value.startswith(units)],
                         format=ox.RdfFormat.N_QUADS).decode("utf-8")
    assert f"/units/{code(1)}>" in first, "plankg wrote no registry graph for the first copy"
    text = ox.serialize(shared, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    return text + "".join(_registry_quads(first, code(i)) for i in range(1, ds.n + 1))


def _registry_quads(text: str, new: str) -> str:
    old = code(1)
    for a, b in ((f"/unit/{old}/", f"/unit/{new}/"), (f"/district/{old}>", f"/district/{new}>"),
                 (f"/units/{old}>", f"/units/{new}>"), (f'"{old}"', f'"{new}"')):
        text = text.replace(a, b)
    return text


__all__ = ["Dataset", "code", "generate", "rewrite"]
