"""The charts in headless Chromium (Debian's package, driven by Playwright): each chart page draws
one mark per row of its canned question, the marks say what the rows say (the longest workload bar
is the unit with the most tasks), clicks on marks open the pages they link to, nothing is fetched
from another host, and the pages fit a phone's width. Screenshots go to SCREENSHOTS (a CI artefact)."""
from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from tests.conftest import PLAN_IRI, REPO

from .test_browser import browser  # noqa: F401 (the fixture: Debian's chromium; fails in CI when missing)
from .test_protocol import http

pytestmark = [pytest.mark.server, pytest.mark.browser]
SCREENSHOTS = Path(os.environ.get("PLANKG_SCREENSHOTS", REPO / "test-artifacts" / "screenshots"))
FGW = "https://w3id.org/plankg/unit/500103/fgw"

# Every drawn data mark of a chart (axes, legends and titles left out), with the plain fields of its row.
MARKS = """(name) => {
  const out = [];
  const plain = (d) => Object.fromEntries(Object.entries(d || {}).filter(([, v]) => v === null || typeof v !== "object"));
  (function walk(mark) {
    for (const item of mark.items || []) {
      if (mark.marktype === "group") { for (const child of item.items || []) walk(child); continue; }
      if (mark.role !== "mark") continue;
      out.push({type: mark.marktype, name: mark.name, x: item.x, y: item.y, width: item.width,
                height: item.height, size: item.size, datum: plain(item.datum)});
    }
  })(window.plankgViews[name].scenegraph().root);
  return out;
}"""


def rows(server, query: str, **params) -> list[dict]:
    qs = urlencode(params)
    status, _, body = http(f"{server.url}/queries/{query}.json" + (f"?{qs}" if qs else ""))
    assert status == 200, body
    return json.loads(body)


def open_chart(browser, server, path: str, shot: str, width: int = 1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.elsewhere, page.errors = [], []
    page.on("request", lambda r: urlsplit(r.url).hostname not in ("127.0.0.1", None) and page.elsewhere.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(server.url + path, wait_until="networkidle")
    page.wait_for_selector("figure.chart.drawn", timeout=30_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
    return page


def done(page):
    assert not page.elsewhere, f"the page fetched from other hosts: {page.elsewhere}"
    assert not page.errors, page.errors
    page.close()


def test_unit_workload(browser, server):
    page = open_chart(browser, server, "/charts/unit-workload", "unit-workload")
    expected = rows(server, "workload-by-unit")
    bars = page.evaluate(MARKS, "unit-workload")
    length: dict[str, float] = {}
    for bar in bars:
        length[bar["datum"]["unit_label"]] = length.get(bar["datum"]["unit_label"], 0) + bar["width"]
    assert set(length) == {r["unit_label"] for r in expected}
    assert len(bars) == 2 * len(expected)                          # led and shared, stacked
    units = [r for r in expected if r["kind"] == "unit"]
    longest = max((u["unit_label"] for u in units), key=length.get)
    assert longest == units[0]["unit_label"] == "区住建委"          # the unit with the most tasks
    groups = {r["unit_label"] for r in expected if r["kind"] == "group"}
    assert {b["datum"]["kind_label"] for b in bars if b["datum"]["unit_label"] in groups} == {"单位集合 unit groups"}
    assert "区住建委" in page.text_content("section.chart-data table.rows")   # the data beside the chart (folded)
    assert page.get_attribute("a:text('CSV')", "href").startswith("/queries/workload-by-unit.csv")
    done(page)


def test_collaboration_network(browser, server):
    page = open_chart(browser, server, "/charts/collaboration", "collaboration")
    nodes = rows(server, "workload-by-unit")
    marks = page.evaluate(MARKS, "collaboration")
    units = [m for m in marks if m["name"] == "units"]
    edges = [m for m in marks if m["name"] == "edges"]
    assert sorted(m["datum"]["unit_label"] for m in units) == sorted(r["unit_label"] for r in nodes)
    assert len(edges) == len(rows(server, "collaboration", min_tasks=3))
    biggest = max(units, key=lambda m: m["size"])
    assert biggest["datum"]["unit_label"] == nodes[0]["unit_label"]       # largest total: 各管委会
    # the minimum-weight filter
    page.evaluate("async () => { await window.plankgViews['collaboration'].signal('min_weight', 10).runAsync(); }")
    marks = page.evaluate(MARKS, "collaboration")
    edges = [m for m in marks if m["name"] == "edges"]
    assert len(edges) == len(rows(server, "collaboration", min_tasks=10)) > 0
    # a click on a unit opens its page (where the layout has put it now)
    fgw = next(m for m in marks if m["name"] == "units" and m["datum"]["unit_label"] == "区发改委")
    box = page.locator("figure.chart svg").first.bounding_box()
    origin = page.evaluate("window.plankgViews['collaboration'].origin()")
    page.mouse.click(box["x"] + origin[0] + fgw["x"], box["y"] + origin[1] + fgw["y"])
    page.wait_for_url("**/unit/500103/fgw")
    assert "牵头任务" in page.inner_text("main")
    done(page)


def test_targets_by_section(browser, server):
    page = open_chart(browser, server, f"/charts/targets?plan={PLAN_IRI}", "targets")
    expected = rows(server, "targets-by-section", plan=PLAN_IRI)
    dots = [m for m in page.evaluate(MARKS, "targets") if m["type"] == "symbol"]   # not each panel's span
    assert len(dots) == len(expected) > 100
    assert sorted(d["datum"]["as_written"] for d in dots) == sorted(r["as_written"] for r in expected)
    assert all(d["datum"]["task_href"].startswith("/plan/500103/2023/task/") for d in dots)
    # like with like: a panel holds one unit of measure (counts of things are one: unit:NUM)
    panels = {}
    for d in dots:
        panels.setdefault(d["datum"]["panel"], set()).add("NUM" if d["datum"]["kind"] == "count" else d["datum"]["unit"])
    assert all(len(units) == 1 for units in panels.values()), panels
    assert {"水平 levels · 元", "水平 levels · m²"} <= set(panels)
    done(page)


def test_leads_by_body_type_and_indicator_across_plans(browser, server):
    page = open_chart(browser, server, "/charts/leads-by-body-type", "leads-by-body-type")
    expected = rows(server, "compare-leads-by-body-type")
    bars = page.evaluate(MARKS, "leads-by-body-type")
    assert len(bars) == len(expected)
    for plan in {r["plan"] for r in expected}:       # one panel per plan, each with its own scale
        longest = max((b for b in bars if b["datum"]["plan"] == plan), key=lambda b: b["width"])
        assert longest["datum"]["tasks_led"] == max(int(r["tasks_led"]) for r in expected if r["plan"] == plan)
    done(page)
    page = open_chart(browser, server, "/charts/indicator-across-plans?indicator=地区生产总值", "indicator-across-plans")
    expected = rows(server, "compare-targets", indicator="地区生产总值")
    bars = [m for m in page.evaluate(MARKS, "indicator-across-plans") if m["type"] == "rect"]
    assert len(bars) == len(expected) >= 1
    assert "地区生产总值增长5%左右" in page.inner_text("figure.chart")
    done(page)


def test_unit_and_task_pages_have_their_charts(browser, server):
    page = open_chart(browser, server, "/unit/500103/fgw", "unit-page")
    bars = page.evaluate(MARKS, "unit-tasks")
    expected = rows(server, "unit-tasks-by-section", unit=FGW)
    assert len(bars) == len(expected)
    assert sum(b["datum"]["tasks"] for b in bars if b["datum"]["role"] == "lead") == 30   # 区发改委 leads 30 tasks
    done(page)
    page = open_chart(browser, server, "/plan/500103/2023/task/35", "task-page")
    bars = page.evaluate(MARKS, "task-units")
    names = {b["datum"]["unit_label"] for b in bars}
    assert names == {r["unit_label"] for r in rows(server, "task-units", task=f"{PLAN_IRI}/task/35")}
    assert "区文旅委（本任务牵头）" in page.inner_text("figure.chart")
    done(page)


def test_plan_is_picked_from_a_list(browser, server):
    page = browser.new_page()
    page.goto(server.url + "/queries/unit-workload")
    options = page.locator("select[name=plan] option").all_inner_texts()
    assert any("渝中区2023年" in o and PLAN_IRI in o for o in options), options
    page.select_option("select[name=plan]", PLAN_IRI)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert f"plan={PLAN_IRI}".replace(":", "%3A").replace("/", "%2F") in page.url
    assert "区住建委" in page.inner_text("table.rows")
    page.close()


@pytest.mark.parametrize("path", ["/", "/charts/unit-workload", "/unit/500103/fgw", "/plan/500103/2023/task/35",
                                  "/validation", "/queries/targets"])
def test_pages_fit_a_phone(browser, server, path):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(server.url + path, wait_until="networkidle")
    if page.locator("figure.chart").count():
        page.wait_for_selector("figure.chart.drawn", timeout=30_000)
    overflow = page.evaluate("document.documentElement.scrollWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"phone-{path.strip('/').replace('/', '-') or 'home'}.png"))
    assert overflow <= 390, f"{path}: the page is {overflow}px wide on a 390px screen"
    page.close()


def test_validation_names_tasks_as_readers_do(browser, server):
    page = browser.new_page()
    page.goto(server.url + "/validation")
    link = page.locator("a:text('任务35 · Task 35 (line 122)')")
    assert link.count() >= 1
    assert link.first.get_attribute("href") == "/plan/500103/2023/task/35"
    page.close()
