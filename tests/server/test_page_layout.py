"""Every kind of page at desktop (1400 px) and phone (400 px) width in headless Chromium: nothing runs off
the side of the window (nor out of a chart's or a findings table's box), no chart's labels touch as the
browser draws them, the page opens at its top with the header in view, and no IRI is shown as text
where the graph has a label for it. Screenshots go to test-artifacts/screenshots/ (CI keeps them).

One browser and one server for the module; each page is loaded once per width.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

from tests.conftest import REPO
from tests.server.test_browser import browser  # noqa: F401 (the module's Chromium)
from tests.test_chart_text import BOXES, overlaps

pytestmark = [pytest.mark.server, pytest.mark.browser]
SHOTS = Path(os.environ.get("PLANKG_SCREENSHOTS", REPO / "test-artifacts" / "screenshots"))
WIDTHS = {"desktop": (1400, 1000), "phone": (400, 860)}
PAGES = {
    "home": "/",
    "queries": "/queries",
    "canned-question": "/queries/tasks-led-by?unit=https://w3id.org/plankg/unit/500103/fgw",
    "task": "/plan/500103/2023/task/35",
    "unit": "/unit/500103/wlw",
    "plan": "/plan/500103/2023",
    "section": "/plan/500103/2023/section/3/2",
    "concept": "/def/body-type/commission",         # linked from unit pages: any other IRI's page
    "charts": "/charts",
    "chart-targets": "/charts/targets",
    "chart-collaboration": "/charts/collaboration",
    "outcomes": "/outcomes/plan/500103/2023",
    "validation": "/validation",
    "search": "/search?q=区发改委",
}

# What a reader sees: the text of rendered, visible nodes outside code (the editor, <code>, <pre>),
# with the IRIs in it; the page's width and the header's place at load; charts and result tables
# wider than their box (cut off, to be scrolled sideways).
MEASURE = """() => {
  const iris = new Set(), found = /(?:https?:\\/\\/|urn:)[^\\s<>"'，、)]+/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest("code, pre, script, style, .CodeMirror, noscript, option, datalist")) continue;
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
    for (const m of n.textContent.matchAll(found)) iris.add(m[0]);
  }
  const h = document.querySelector("body > header").getBoundingClientRect();
  const clipped = [...document.querySelectorAll("figure.chart, table.results")]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.dataset.name || e.className);
  return { scrollWidth: document.scrollingElement.scrollWidth, innerWidth: innerWidth, scrollY: scrollY,
           header: [h.top, h.bottom], innerHeight: innerHeight, iris: [...iris], clipped: clipped };
}"""
LABELLED = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX plan: <https://w3id.org/plankg/ontology#>
SELECT DISTINCT ?x WHERE { VALUES ?x { %s } ?x skos:prefLabel|rdfs:label|dcterms:title|plan:heading|plan:number ?l }"""


def labelled(url: str, iris: list[str]) -> list[str]:
    """The IRIs among ``iris`` the served graph has a label (or a number, for tasks) for."""
    if not iris:
        return []
    query = LABELLED % " ".join(f"<{i}>" for i in iris)
    r = requests.post(url + "/sparql", data={"query": query},
                      headers={"Accept": "application/sparql-results+json"}, timeout=30)
    r.raise_for_status()
    return sorted(b["x"]["value"] for b in r.json()["results"]["bindings"])


def measure(page, url: str, path: str, name: str) -> dict:
    page.goto(url + path, wait_until="networkidle")
    if path == "/":
        page.wait_for_selector(".yasqe .CodeMirror")
    if page.locator("figure.chart").count():
        page.wait_for_selector("figure.chart.drawn, figure.chart.failed", timeout=30_000)
    page.wait_for_timeout(300)  # editors settle after load
    found = page.evaluate(MEASURE)
    found["touching"] = overlaps(page.evaluate(BOXES)) if page.locator("figure.chart svg").count() else []
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    return found


def problems(found: dict, url: str) -> list[str]:
    said = []
    if found["scrollWidth"] > found["innerWidth"]:
        said.append(f"runs off the side: {found['scrollWidth']} px wide in a {found['innerWidth']} px window")
    if found["clipped"]:
        said.append(f"cut off at the right inside their box: {found['clipped']}")
    if found["touching"]:
        said.append(f"chart labels touch: {found['touching'][:4]}")
    top, bottom = found["header"]
    if found["scrollY"] != 0 or top < 0 or bottom > found["innerHeight"]:
        said.append(f"opens scrolled to {found['scrollY']} px, header at {top:.0f}–{bottom:.0f} px")
    if shown := labelled(url, found["iris"]):
        said.append(f"shows IRIs that have labels: {shown[:5]}")
    return said


@pytest.fixture(scope="module")
def pages(browser, server):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for width, (w, h) in WIDTHS.items():
        context = browser.new_context(viewport={"width": w, "height": h})
        page = context.new_page()
        for name, path in PAGES.items():
            found[name, width] = measure(page, server.url, path, f"{name}-{width}")
        context.close()
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_fits_opens_at_top_and_names_things(pages, server, name, width):
    assert not problems(pages[name, width], server.url), (name, width)


def test_canned_question_links_unit_names(browser, server):  # noqa: F811
    page = browser.new_page()
    page.goto(server.url + "/queries/units")
    link = page.locator("table.rows a", has_text="区文旅委").first
    assert link.get_attribute("href") == "/unit/500103/wlw"
    assert link.get_attribute("title") == "https://w3id.org/plankg/unit/500103/wlw"
    page.close()


def test_query_results_link_unit_names(browser, server):  # noqa: F811
    """A unit in the editor's results is its name, linking to its page, with the IRI as the tooltip."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server.url + "/", wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.click("button.example[data-name='tasks-led-by']")
    link = page.wait_for_selector(".yasr table.dataTable a.unit", timeout=20_000)
    assert link.inner_text() == "区发改委"
    assert link.get_attribute("href") == "/unit/500103/fgw"
    assert link.get_attribute("title") == "https://w3id.org/plankg/unit/500103/fgw"
    page.screenshot(path=str(SHOTS / "query-results-desktop.png"))
    page.close()
