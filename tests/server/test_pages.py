"""Pages people read and the canned questions, from a running server: every IRI dereferences to
HTML or RDF, the questions give the same rows as the CLI, and their parameters cannot change the query."""
from __future__ import annotations

import json
import re
import urllib.parse

import pytest
from rdflib import Graph, URIRef

from tests.conftest import PLAN_IRI

from .test_protocol import http

pytestmark = pytest.mark.server
BASE = "https://w3id.org/plankg/"


def page(server, path, accept="text/html"):
    status, headers, body = http(server.url + path, headers={"Accept": accept})
    return status, headers, body.decode("utf-8")


def test_home_page_has_the_editor_and_the_questions(server):
    status, _, html = page(server, "/")
    assert status == 200
    assert "vendor/yasgui/yasgui.min.js" in html and 'class="example"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "no CDN: every asset is served from here"
    status, headers, _ = http(server.url + "/static/vendor/yasgui/yasgui.min.js")
    assert status == 200 and "javascript" in headers["Content-Type"]


def test_task_page(server):
    status, headers, html = page(server, "/plan/500103/2023/task/35")
    assert status == 200 and "Accept" in headers["Vary"]
    assert "巩固提升国家全域旅游示范区" in html            # the text
    assert "区文旅委" in html and "区商务委" in html       # lead and responsible units
    assert "line 122" in html                               # the source line
    assert 'href="/plan/500103/2023/section/3"' in html    # its section, as a link
    assert "测试：任务35没有备注" in html                    # its validation result


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                         ("application/n-triples", "nt"), ("application/rdf+xml", "xml")])
def test_task_as_data(server, accept, fmt):
    status, headers, body = page(server, "/plan/500103/2023/task/35", accept)
    assert status == 200 and headers["Content-Type"].startswith(accept)
    g = Graph().parse(data=body, format=fmt)
    assert (URIRef(f"{PLAN_IRI}/task/35"), URIRef(BASE + "ontology#leadUnit"), URIRef(BASE + "unit/500103/wlw")) in g


def test_unit_page(server):
    status, _, html = page(server, "/unit/500103/fgw")
    assert status == 200
    assert "区发改委" in html and "Yuzhong District Development and Reform Commission" in html
    assert "重庆市渝中区发展和改革委员会" in html and "区发展改革委" in html  # official name, alias
    assert "commission" in html                                               # body type
    assert 'href="/plan/500103/2023/task/1"' in html                          # a task it leads


def test_section_and_plan_pages(server):
    status, _, html = page(server, "/plan/500103/2023/section/3")
    assert status == 200 and "着力锻长板" in html and 'href="/plan/500103/2023/task/35"' in html
    status, _, html = page(server, "/plan/500103/2023")
    assert status == 200 and "2023年区政府工作报告重点工作目标任务分解" in html and "version" in html.lower()


def test_unknown_iri_is_404(server):
    status, _, body = page(server, "/plan/500103/2023/task/999")
    assert status == 404 and "Traceback" not in body


def test_validation_page(server):
    status, _, html = page(server, "/validation")
    assert status == 200 and "测试：任务35没有备注" in html and "Conforms" in html
    status, _, body = page(server, "/validation?format=ttl")
    assert status == 200 and "sh:ValidationReport" in body


def test_queries_are_listed(server):
    status, _, html = page(server, "/queries")
    assert status == 200 and "/queries/tasks-led-by" in html
    status, _, body = page(server, "/queries.json")
    names = {q["name"] for q in json.loads(body)}
    assert {"tasks", "tasks-led-by", "unit-workload"} <= names


def test_canned_question_as_table_csv_and_json(server, run_cli):
    unit = urllib.parse.quote("区发改委")
    status, _, html = page(server, f"/queries/tasks-led-by?unit={unit}")
    assert status == 200 and "<table" in html and "地区生产总值增长5%左右" in html
    status, headers, csv_text = page(server, f"/queries/tasks-led-by.csv?unit={unit}")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    cli = run_cli("query", "tasks-led-by", "--param", "unit=区发改委", "--format", "csv")
    assert csv_text == cli.output  # one definition, one answer
    status, _, body = page(server, f"/queries/tasks-led-by.json?unit={unit}")
    assert json.loads(body)[0].keys() == {"number", "text"}


@pytest.mark.parametrize("value", ['区发改委" } ; DROP ALL #', "> } UNION { ?a ?b ?c } #", "?unit"])
def test_parameters_cannot_change_the_query(server, value):
    status, _, body = page(server, "/queries/tasks-led-by.json?" + urllib.parse.urlencode({"unit": value}))
    assert status == 200 and json.loads(body) == []


def test_bad_parameters_are_400(server):
    status, _, body = page(server, "/queries/tasks-led-by.json?unit=x&bogus=1")
    assert status == 400 and "bogus" in body
    status, _, body = page(server, "/queries/no-such-question")
    assert status == 404
