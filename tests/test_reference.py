"""The reference data is made once per content: kept in the process and in the cache folder,
named by the digest of its files, so a new process reads it and an edited file makes it anew."""
from __future__ import annotations

import shutil

from rdflib import BNode

from plankg import reference
from plankg.config import Settings

from .conftest import DATA


def plain(graph) -> set:
    return {t for t in graph if not any(isinstance(x, BNode) for x in t)}


def test_the_reference_graph_is_read_from_the_cache_as_it_was_made(tmp_path):
    settings = Settings(data_dir=DATA, cache_dir_override=tmp_path / "cache")
    reference._kept.clear()  # made by this process: not kept from an earlier test
    made = reference.reasoned(settings, "500103")
    files = sorted(p.name for p in (tmp_path / "cache" / "reference").iterdir())
    assert len(files) == 2 and {f.split("-")[0] for f in files} == {"plain", "reasoned"}  # the plain graph too
    reference._kept.clear()  # a new process
    read = reference.reasoned(settings, "500103")
    assert read is not made and len(read) == len(made) and plain(read) == plain(made)
    assert sorted(p.name for p in (tmp_path / "cache" / "reference").iterdir()) == files  # nothing made again


def test_an_edited_file_makes_a_new_reference_graph(tmp_path, monkeypatch):
    # graphs this process made already are kept in memory by digest (the same files elsewhere give the
    # same digest): start without them, so both graphs are made here and written to this cache
    monkeypatch.setattr(reference, "_kept", type(reference._kept)())
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("build", "store"))
    settings = Settings(data_dir=data, cache_dir_override=tmp_path / "cache")
    before = reference.graph(settings, "500103")
    with open(data / "indicators.ttl", "a", encoding="utf-8") as f:
        f.write('\n<https://w3id.org/plankg/indicator/test> <http://www.w3.org/2000/01/rdf-schema#label> "test" .\n')
    after = reference.graph(settings, "500103")
    assert len(after) == len(before) + 1
    assert len(list((tmp_path / "cache" / "reference").iterdir())) == 2
