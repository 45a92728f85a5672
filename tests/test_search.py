"""Search as an analyst types it: the expected hit ranks first for single words, several words,
a unit's pinyin, a fragment of an official name, traditional characters and English; the index
is keyed by the version it was made from, rebuilt when missing, stale or broken; and the CLI
(plankg search) and the SPARQL functions give the same hits."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from plankg.cli import cli
from plankg.search.functions import TextFunctions
from plankg.search.index import open_index
from tests.conftest import PLAN_IRI

UNIT = "https://w3id.org/plankg/unit/500103/"
IND = "https://w3id.org/plankg/indicator/"
TASK = PLAN_IRI + "/task/"


@pytest.fixture(scope="module")
def index(store, settings):
    return open_index(store.select, PLAN_IRI, settings.base, None, settings.cache_dir)


@pytest.mark.parametrize("query, first", [
    ("财政局", UNIT + "czj"),                       # a single word: the unit before tasks it is named in
    ("区文旅委", UNIT + "wlw"),                     # a unit's label exactly
    ("caizhengju", UNIT + "czj"),                   # full pinyin, without the 区
    ("wlw", UNIT + "wlw"),                          # pinyin initials
    ("发展和改革", UNIT + "fgw"),                   # a fragment of an official name (重庆市渝中区发展和改革委员会)
    ("區財政局", UNIT + "czj"),                     # traditional characters
    ("發展和改革委員會", UNIT + "fgw"),
    ("budget revenue", IND + "general-budget-revenue"),  # English labels
    ("GDP", IND + "gross-regional-product"),
    ("营商环境", TASK + "63"),                       # a phrase of a task's text
    ("财政局 预算", TASK + "2"),                     # several words: the task with all of them (one via its unit)
])
def test_the_expected_hit_ranks_first(index, query, first):
    hits = index.search(query, limit=5).hits
    assert hits and hits[0].iri == first, [(h.iri, h.score) for h in hits]


def test_several_words_rank_what_has_them_all_first(index):
    hits = index.search("消费 商圈", limit=None).hits
    both = [h.matched == 2 for h in hits]
    assert both[0] and both == sorted(both, reverse=True)  # every hit with both words before any with one
    assert {h.iri for h in hits if h.matched == 2} >= {TASK + "15", TASK + "51"}


def test_a_task_hit_has_its_number_section_line_and_marked_snippet(index):
    hit = index.search("营商环境", kinds=["task"], limit=1).hits[0].to_json()
    assert hit["number"] == 63 and hit["kind"] == "task" and hit["line"] > 0
    assert hit["section"].startswith(PLAN_IRI + "/section/") and hit["section_label"]
    assert "<mark>营商环境</mark>" in hit["snippet"] and hit["score"] > 0


def test_kinds_filter_and_facets(index):
    found = index.search("解放碑", kinds=["task"], limit=None)
    assert found.hits and {h.kind for h in found.hits} == {"task"}
    assert found.facets["kind"] == [("task", "task", found.total)]
    assert index.search("解放碑", limit=None).facets["kind"][0][2] > 0


def test_nothing_found_and_empty_query(index):
    assert index.search("量子引力弦论", limit=5).hits == []
    assert index.search("  ", limit=5).hits == []


def test_the_index_file_is_keyed_by_version_and_rebuilt_when_missing_or_broken(store, settings, tmp_path):
    import shutil

    from plankg.search import index as module

    folder = tmp_path / "search"
    first = open_index(store.select, PLAN_IRI, settings.base, folder, settings.cache_dir, "v1key")
    assert first.search("财政局", limit=1).hits[0].iri == UNIT + "czj"
    open_index(store.select, PLAN_IRI, settings.base, folder, settings.cache_dir, "v2key")  # a new version
    assert [p.name for p in folder.glob("*.sqlite")] == ["500103-2023-v2key.sqlite"]     # the old one is gone
    shutil.rmtree(folder)                                                                 # deleted
    open_index(store.select, PLAN_IRI, settings.base, folder, settings.cache_dir, "v2key")
    path = folder / "500103-2023-v2key.sqlite"
    assert path.is_file()
    path.write_bytes(b"not a database")                                                   # broken
    module._open.clear()                                                                  # as a new process finds it
    rebuilt = open_index(store.select, PLAN_IRI, settings.base, folder, settings.cache_dir, "v2key")
    assert rebuilt.search("wlw", limit=1).hits[0].iri == UNIT + "wlw"


def test_sparql_functions_on_iris_and_literals(store, settings):
    fns = TextFunctions(store.ox, settings.base, None, settings.cache_dir).registry()
    q = """PREFIX text: <https://w3id.org/plankg/text#> PREFIX plan: <https://w3id.org/plankg/ontology#>
    SELECT ?x WHERE { %s } ORDER BY DESC(text:score(?x, "财政局 预算")) LIMIT 1"""
    by_iri = list(store.ox.query(q % '?x a plan:Task FILTER(text:matches(?x, "财政局 预算"))',
                                 custom_functions=fns, use_default_graph_as_union=True))
    assert by_iri[0]["x"] == ox.NamedNode(TASK + "2")
    by_text = list(store.ox.query(q % '?x plan:text ?t FILTER(text:matches(?t, "營商環境"))',
                                  custom_functions=fns, use_default_graph_as_union=True))
    assert by_text[0]["x"] == ox.NamedNode(TASK + "63")


@pytest.fixture(scope="module")
def state(tmp_path_factory, settings, built):
    """A state folder with the bundled plan as version 1 (its search index built as it is indexed)."""
    from plankg.versions import Repository, close

    root = tmp_path_factory.mktemp("search-state") / "store"
    repo = Repository.open(settings.with_overrides(store_dir_override=root))
    repo.store  # noqa: B018 - opening the index builds the search index (plankg.index → plankg.search)
    close(repo)
    return root


@pytest.mark.slow
def test_cli_search_json_table_and_csv(state, settings):
    runner = CliRunner()
    base = ["--build-dir", str(settings.build_dir), "search", "--store", str(state)]
    assert list((state / "search").glob("500103-2023-*.sqlite")), "built as the version was indexed"
    out = runner.invoke(cli, [*base, "caizhengju", "--format", "json"], catch_exceptions=False)
    assert out.exit_code == 0 and json.loads(out.output)[0]["iri"] == UNIT + "czj"
    out = runner.invoke(cli, [*base, "财政局", "预算", "--kind", "task", "--limit", "3"], catch_exceptions=False)
    assert out.exit_code == 0 and TASK + "2" in out.output.splitlines()[1] and "【预算】" in out.output
    out = runner.invoke(cli, [*base, "GDP", "--format", "csv"], catch_exceptions=False)
    assert out.output.splitlines()[0].startswith("kind,score,label") and "gross-regional-product" in out.output
    assert runner.invoke(cli, [*base, "量子引力弦论"]).exit_code == 1
