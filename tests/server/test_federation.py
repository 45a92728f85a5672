"""Federation: two plankg servers holding different plans, joined with SERVICE through the allowlist.

Server B holds only a sample district's plan (built with `plankg build … --code 500199`); server A
holds Yuzhong and may call B's endpoint, and no other. Queries go through SPARQLWrapper, as an
analyst's script would send them.
"""
from __future__ import annotations

import urllib.request

import shutil
import urllib.request

import pytest
from rdflib import Graph, URIRef
from click.testing import CliRunner
from SPARQLWrapper import JSON, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from plankg.cli import cli
from tests.conftest import DATA, PLAN_IRI, REPO

from .conftest import start_plankg

pytestmark = pytest.mark.server

SAMPLE = REPO / "tests" / "data" / "samples" / "brackets.txt"
ANSWER = REPO / "tests" / "data" / "wdqs-p442-answer.json"
OTHER = "https://w3id.org/plankg/plan/500199/2024"
GDP_GROWTH = """
PREFIX plan: <https://w3id.org/plankg/ontology#>
PREFIX qudt: <http://qudt.org/schema/qudt/>
PREFIX ind:  <https://w3id.org/plankg/indicator/>
PREFIX fk:   <https://w3id.org/plankg/def/figure-kind/>
SELECT ?plan ?value WHERE {
  {
    ?task plan:inPlan ?plan ; plan:target ?t .
    ?t plan:indicator ind:gross-regional-product ; plan:figureKind fk:growth-rate ; qudt:numericValue ?value .
  } UNION {
    SERVICE <%s> {
      ?plan plan:headlineTarget ?t .
      ?t plan:indicator ind:gross-regional-product ; plan:figureKind fk:growth-rate ; qudt:numericValue ?value .
    }
  }
} ORDER BY ?plan
"""


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory, settings, built):
    root = tmp_path_factory.mktemp("federation")
    other_build = root / "build-b"
    r = CliRunner().invoke(cli, ["--build-dir", str(other_build), "build", str(SAMPLE), "--district", "样例区",
                                 "--code", "500199", "--year", "2024", "--store", str(root / "store-b")],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    b = start_plankg(settings.with_overrides(build_dir_override=other_build), root / "store-b", root / "b.log")
    # A's data carries a Wikidata linkset made by `plankg link wikidata` from a constructed answer
    data = root / "data-a"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("build", "store"))
    r = CliRunner().invoke(cli, ["--data-dir", str(data), "link", "wikidata", "--answer", str(ANSWER)])
    assert r.exit_code == 0, r.output
    try:
        a = start_plankg(settings, root / "store-a", root / "a.log", service_allowlist=b.url + "/sparql",
                         data_dir=data)
    except Exception:
        b.stop()
        raise
    yield a, b
    a.stop()
    b.stop()


def select(endpoint: str, query: str) -> list[dict]:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    return [{k: v["value"] for k, v in row.items()} for row in client.query().convert()["results"]["bindings"]]


def test_each_server_holds_its_own_plan(two_servers):
    a, b = two_servers
    plans = "PREFIX plan: <https://w3id.org/plankg/ontology#> SELECT DISTINCT ?p WHERE { ?p a plan:Plan }"
    assert [r["p"] for r in select(a.url + "/sparql", plans)] == [PLAN_IRI]
    assert [r["p"] for r in select(b.url + "/sparql", plans)] == [OTHER]


def test_service_joins_the_allowlisted_server(two_servers):
    a, b = two_servers
    rows = select(a.url + "/sparql", GDP_GROWTH % (b.url + "/sparql"))
    # Yuzhong's task 1: 地区生产总值增长5%左右; 样例区's opening paragraph: 地区生产总值增长6%左右
    assert [(r["plan"], float(r["value"])) for r in rows] == [(PLAN_IRI, 5.0), (OTHER, 6.0)]


def test_service_outside_the_allowlist_is_refused(two_servers):
    a, b = two_servers
    for target in (a.url + "/sparql", b.url + "/update", "http://127.0.0.1:1/sparql"):
        with pytest.raises(QueryBadFormed) as refused:
            select(a.url + "/sparql", GDP_GROWTH % target)
        assert "not allowed" in str(refused.value)
    # B has no allowlist: it calls nobody, not even A
    with pytest.raises(QueryBadFormed):
        select(b.url + "/sparql", GDP_GROWTH % (a.url + "/sparql"))


def test_service_description_announces_federation_only_where_allowed(two_servers):
    a, b = two_servers

    assert (None, URIRef(SD + "feature"), URIRef(SD + "BasicFederatedQuery")) in description(a)
    assert (None, URIRef(SD + "feature"), URIRef(SD + "BasicFederatedQuery")) not in description(b)


def test_void_lists_the_linksets_kept_with_the_data(two_servers):
    a, _ = two_servers
    g = description(a)
    wikidata = URIRef("https://w3id.org/plankg/linkset/wikidata")
    assert (URIRef("https://w3id.org/plankg/void"), URIRef(VOID + "subset"), wikidata) in g
    assert int(g.value(wikidata, URIRef(VOID + "triples"))) == 3
    assert (wikidata, URIRef(VOID + "objectsTarget"), URIRef("http://www.wikidata.org/")) in g
    # and the links themselves are data an analyst can query
    rows = select(a.url + "/sparql", "SELECT ?item WHERE { <https://w3id.org/plankg/district/500103> "
                                     "<http://www.w3.org/2004/02/skos/core#exactMatch> ?item }")
    assert rows == [{"item": "http://www.wikidata.org/entity/Q900000001"}]


SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"


def description(server) -> Graph:
    request = urllib.request.Request(server.url + "/sparql", headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return Graph().parse(data=response.read(), format="turtle")


def test_first_start_without_a_build_builds_the_bundled_plan(tmp_path, settings):
    """A server started where data/build is empty (e.g. from an installed wheel) builds the plan itself."""
    from plankg.server.config import ServerConfig
    from plankg.server.run import prepare

    from .conftest import quick_validate

    empty = tmp_path / "build"
    empty.mkdir()
    config = ServerConfig(settings=settings.with_overrides(build_dir_override=empty,
                                                           store_dir_override=tmp_path / "store"))
    prepare(config, echo=lambda *_: None, validate=quick_validate)
    assert sorted(p.name for p in empty.iterdir()) == ["500103-2023.inferred.ttl", "500103-2023.ttl"]
