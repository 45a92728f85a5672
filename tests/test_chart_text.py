"""The charts as ``plankg chart`` draws them (the same build and vl-convert), measured in headless
Chromium: no two visible text boxes of a chart intersect (axis labels, panel headers, the network's
names, legends), and no legend label is cut short with "…".

Chromium measures the boxes with the real fonts (getBoundingClientRect of each ``<text>``: its real
width, and its em height, as the CJK font's line box adds a gap that stacked labels may share),
which is more honest than estimating them from font size and text length. Labels Vega hid to avoid an
overlap stay in the SVG with opacity 0 and are left out, as a reader never sees them.
"""
from __future__ import annotations

import pytest

from plankg import charts
from plankg.charts import render
from tests.conftest import PLAN_IRI
from tests.server.test_browser import browser  # noqa: F401 (the module's Chromium)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
VALUES = {
    "targets": {"plan": PLAN_IRI},
    "indicator-across-plans": {"indicator": "地区生产总值"},
    "unit-tasks": {"unit": "https://w3id.org/plankg/unit/500103/fgw"},
    "task-units": {"task": f"{PLAN_IRI}/task/35"},
}
BOXES = """() => [...document.querySelectorAll("svg text")].filter(t => {
    const s = getComputedStyle(t);
    let hidden = false;
    for (let e = t; e && e.tagName !== "svg"; e = e.parentElement)
      if (e.getAttribute("opacity") === "0" || e.getAttribute("fill-opacity") === "0") hidden = true;
    return !hidden && s.visibility !== "hidden" && s.display !== "none" && t.textContent.trim();
  }).map(t => {
    const r = t.getBoundingClientRect(), em = parseFloat(getComputedStyle(t).fontSize);
    const h = Math.min(r.height, em);   // the em box: the font's line box adds gaps stacked labels share
    return { text: t.textContent, x: r.x, y: r.y + (r.height - h) / 2, w: r.width, h: h,
             legend: !!t.closest("g.role-legend, g.role-legend-label") };
  })"""


def overlaps(boxes: list[dict], gap: float = 0.8) -> list[tuple[str, str]]:
    """Pairs of boxes closer than ``gap`` px (or overlapping) both across and down: labels that touch
    read as one (the old targets chart had 30,000 0.4 px above 10,000)."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if (min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > -gap
                    and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > -gap):
                found.append((a["text"], b["text"]))
    return found


@pytest.fixture(scope="module")
def drawn(browser, store):  # noqa: F811
    page = browser.new_page(viewport={"width": 2400, "height": 1600})
    out = {}
    for name, chart in charts.load_all().items():
        built = charts.build(name, store, VALUES.get(name, {}))
        page.set_content(render.svg(built.spec, chart.grammar))
        out[name] = page.evaluate(BOXES)
    page.close()
    return out


@pytest.mark.parametrize("name", list(charts.load_all()))
def test_no_text_covers_other_text(drawn, name):
    boxes = drawn[name]
    assert len(boxes) >= 5, f"{name}: too few labels drawn to judge"
    assert not overlaps(boxes), f"{name}: text boxes intersect: {overlaps(boxes)[:6]}"


@pytest.mark.parametrize("name", list(charts.load_all()))
def test_no_legend_label_is_cut(drawn, name):
    cut = [b["text"] for b in drawn[name] if b["text"].endswith("…")]
    assert not cut, f"{name}: labels cut short: {cut}"


def test_the_network_names_its_busiest_units(drawn):
    shown = {b["text"] for b in drawn["collaboration"]}
    assert {"各管委会", "区发改委", "区住建委", "各街道"} <= shown
    assert "temporary command office" in shown          # the legend's longest entry, whole
