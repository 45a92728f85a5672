"""Search on a running server: /search as JSON and HTML (snippets, facets), /search/suggest, the
search box on every page, and text:matches inside /sparql, all through real HTTP; then the box
and the results page in headless Chromium."""
from __future__ import annotations

import json
import urllib.parse
from urllib.parse import urlsplit

import pytest

from tests.conftest import PLAN_IRI

from .test_browser import browser  # noqa: F401 - the fixture
from .test_protocol import http

pytestmark = pytest.mark.server
CZJ = "https://w3id.org/plankg/unit/500103/czj"


def get(server, path, accept="application/json"):
    status, headers, body = http(server.url + path, headers={"Accept": accept})
    return status, headers, body.decode("utf-8")


def test_search_json(server):
    status, headers, body = get(server, "/search?q=" + urllib.parse.quote("财政局 预算"))
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    found = json.loads(body)
    first = found["hits"][0]
    assert first["iri"] == f"{PLAN_IRI}/task/2" and first["number"] == 2 and first["line"] == 17
    assert "<mark>预算</mark>" in first["snippet"] and found["total"] >= len(found["hits"])
    assert {f["value"] for f in found["facets"]["kind"]} >= {"task", "unit"}


def test_search_page_has_snippets_facets_and_filters(server):
    status, _, html = get(server, "/search?q=" + urllib.parse.quote("解放碑"), accept="text/html")
    assert status == 200 and 'id="facets"' in html and "<mark>解放碑</mark>" in html
    assert 'href="/unit/500103/jiefangbei-jd"' in html
    _, _, only = get(server, "/search?kind=task&q=" + urllib.parse.quote("解放碑"))
    assert {h["kind"] for h in json.loads(only)["hits"]} == {"task"}
    _, _, led = get(server, "/search?lead=" + urllib.parse.quote(CZJ, safe="") + "&q=" + urllib.parse.quote("预算"))
    assert {h["lead"] for h in json.loads(led)["hits"]} == {CZJ}


def test_suggest_and_the_box_on_every_page(server):
    status, _, body = get(server, "/search/suggest?q=caizhengju")
    assert status == 200 and json.loads(body)[0] == {"iri": CZJ, "kind": "unit", "label": "区财政局",
                                                      "href": "/unit/500103/czj"}
    assert get(server, "/search/suggest?q=")[2].strip() == "[]"
    for path in ("/", "/validation", "/plan/500103/2023/task/35"):
        assert 'class="search-box"' in get(server, path, accept="text/html")[2]


def test_text_matches_in_sparql(server):
    query = """PREFIX text: <https://w3id.org/plankg/text#> PREFIX plan: <https://w3id.org/plankg/ontology#>
    SELECT ?task WHERE { ?task a plan:Task FILTER(text:matches(?task, "营商环境")) }
    ORDER BY DESC(text:score(?task, "营商环境")) LIMIT 1"""
    status, _, body = get(server, "/sparql?query=" + urllib.parse.quote(query), accept="text/csv")
    assert status == 200 and body.splitlines()[1] == f"{PLAN_IRI}/task/63"


@pytest.mark.browser
def test_search_box_suggests_and_the_results_page_shows_hits(browser, server):  # noqa: F811
    page = browser.new_page()
    elsewhere, errors = [], []
    page.on("request", lambda r: urlsplit(r.url).hostname not in ("127.0.0.1", None) and elsewhere.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + "/validation", wait_until="networkidle")
    box = page.locator("form.search-box input[name=q]")
    box.fill("wlw")
    page.wait_for_function("document.querySelectorAll('#search-suggestions option').length > 0")
    assert page.locator("#search-suggestions option").first.get_attribute("value") == "区文旅委"
    box.fill("財政局 預算")  # traditional characters
    box.press("Enter")
    page.wait_for_selector("#hits li.hit")
    assert "/search?q=" in page.url
    first = page.locator("#hits li.hit").first
    assert first.locator("a").inner_text() == "任务2" and first.locator("mark").count() >= 2
    assert page.locator("#facets a", has_text="task").count() == 1
    page.locator("#facets a", has_text="区财政局").first.click()  # the lead-unit facet
    page.wait_for_selector("#hits li.hit")
    assert "lead=" in page.url and page.locator("#hits li.hit").count() >= 1
    assert not errors and not elsewhere


@pytest.mark.browser
def test_the_query_editor_completes_names_from_the_data(browser, server):  # noqa: F811
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + "/", wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate("() => { const y = window.plankgYasgui.getTab().getYasqe(); y.setValue('SELECT * WHERE { ?t plan:leadUnit '); "
                  "y.focus(); y.getDoc().setCursor(y.getDoc().lineCount(), 0); }")
    page.keyboard.type("caizhengju")
    page.keyboard.press("Control+Space")
    hints = page.wait_for_selector(".CodeMirror-hints")
    assert "区财政局" in hints.inner_text()
    page.keyboard.press("Enter")
    value = page.evaluate("() => window.plankgYasgui.getTab().getYasqe().getValue()")
    assert value.endswith("<https://w3id.org/plankg/unit/500103/czj>"), value
    assert not errors
