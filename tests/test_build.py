"""The built graph: deterministic, stable IRIs, committed in sync, resources found from a wheel."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest
from rdflib import BNode, Graph, URIRef

from plankg import pipeline, serialize
from plankg.config import Settings
from plankg.vocab import PLAN, RDF

from .conftest import DATA, PLAN_IRI, REPO, SOURCE


def test_committed_build_is_in_sync(built, settings):
    """data/build/ must be what `plankg build` writes today: rebuild after editing the plan."""
    for name in (built.output_name, built.output_name.replace(".ttl", ".inferred.ttl")):
        committed, fresh = DATA / "build" / name, settings.build_dir / name
        assert committed.is_file(), "run `plankg build` and commit data/build/"
        assert committed.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8"), \
            f"data/build/{name} is stale: run `plankg build` and commit the result"


def test_output_is_deterministic_across_processes(tmp_path):
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed, "PLANKG_BUILD_DIR": str(out), "PLANKG_STORE": str(tmp_path / f"state{seed}"),
               "PLANKG_CACHE_DIR": str(tmp_path / "cache")}
        subprocess.run([sys.executable, "-m", "plankg.cli", "build"], check=True, env=env, capture_output=True)
        outs.append((out / "500103-2023.ttl").read_bytes())
    assert outs[0] == outs[1]


def test_iris_are_readable_and_no_blank_nodes(built):
    g = built.graph
    assert not any(isinstance(t, BNode) for triple in g for t in triple)
    assert (URIRef(PLAN_IRI + "/task/21"), PLAN.number, None) in g
    assert (URIRef(PLAN_IRI + "/section/3/1"), PLAN.headingMissing, None) in g
    assert (URIRef(PLAN_IRI + "/task/35/responsible/7"), PLAN.nameAsWritten, None) in g
    assert len(set(g.subjects(RDF.type, PLAN.Task))) == 171
    assert len(set(g.subjects(RDF.type, PLAN.Section))) == 12
    assert len(set(g.subjects(RDF.type, PLAN.Subsection))) == 8


def test_every_unit_string_is_registered(built):
    unregistered = set(built.graph.subjects(RDF.type, PLAN.UnregisteredUnit))
    assert unregistered == set()


def test_base_is_configurable(tmp_path):
    settings = Settings(data_dir=DATA, build_dir_override=tmp_path, base="https://example.org/kg/")
    result = pipeline.build(SOURCE, settings)
    subjects = {str(s) for s in result.graph.subjects()}
    assert "https://example.org/kg/plan/500103/2023/task/1" in subjects
    units = {str(o) for o in result.graph.objects(None, PLAN.leadUnit)}
    assert units and all(u.startswith("https://example.org/kg/unit/500103/") for u in units)


def test_source_lines_link_back(built):
    g = built.graph
    task = URIRef(PLAN_IRI + "/task/62")
    line = int(g.value(task, PLAN.sourceLine))
    start, end = int(g.value(task, PLAN.charStart)), int(g.value(task, PLAN.charEnd))
    text = SOURCE.read_text(encoding="utf-8")
    assert text.splitlines()[line - 1] == "62.新增市场主体1.4万户以上。"
    assert text[start:end] == "新增市场主体1.4万户以上。" == str(g.value(task, PLAN.text))


@pytest.mark.slow
def test_resources_load_from_a_built_wheel(tmp_path):
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
                   cwd=REPO, check=True, capture_output=True)
    wheel = next(tmp_path.glob("plankg-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for resource in ("plankg/ontology/plankg.ttl", "plankg/queries/tasks.rq", "plankg/data/units.ttl",
                     "plankg/data/source/yuzhong-2023-key-tasks.txt"):
        assert resource in names
    code = ("import plankg.resources as r, plankg.canned as c; "
            "assert '.whl' in r.__file__; assert 'plan:Task' in r.text('ontology/plankg.ttl'); print(len(c.load_all()))")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(wheel)},
                         cwd=tmp_path, check=True, capture_output=True, text=True)
    assert int(out.stdout) >= 7


def test_ontology_docs_are_in_sync():
    """docs/ontology.html is what `plankg docs` writes from today's ontology."""
    from plankg import docs

    committed = REPO / "docs" / "ontology.html"
    assert committed.read_text(encoding="utf-8") == docs.ontology_html(), \
        "docs/ontology.html is stale: run `plankg docs` and commit it"
