"""``plankg chart``: every chart renders to SVG from the canned questions, its labels are text
(searchable, selectable: not glyph outlines) and name what the rows say; PNG needs a CJK font."""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import pytest

from plankg import charts
from plankg.charts import render
from tests.conftest import PLAN_IRI

SVG = "{http://www.w3.org/2000/svg}"
UNIT = "https://w3id.org/plankg/unit/500103/fgw"
TASK = f"{PLAN_IRI}/task/35"
# chart -> (parameters, labels it must show: the Chinese names its rows hold)
EXPECTED = {
    "unit-workload": ([], ["单位任务量", "区住建委", "区发改委", "各管委会", "单位集合 unit groups", "牵头 led"]),
    "collaboration": ([], ["单位协作网络", "区发改委", "区住建委", "各街道", "机构形式 body form"]),
    "targets": (["--plan", PLAN_IRI], ["各章节的量化目标", "增速 growth rates", "数量 counts", "比率 shares"]),
    "leads-by-body-type": ([], ["各类机构牵头任务数", "发展改革", "渝中区2023年区政府工作报告重点工作目标任务分解"]),
    "indicator-across-plans": (["--param", "indicator=地区生产总值"], ["同一指标的目标", "地区生产总值增长5%左右"]),
    "unit-tasks": (["--param", f"unit={UNIT}"], ["一、主要预期指标", "牵头 led"]),
    "task-units": (["--param", f"task={TASK}"], ["区文旅委（本任务牵头）", "区商务委", "各管委会"]),
}


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(SVG + "text")]


def test_every_chart_is_tested_and_its_data_is_a_canned_question():
    assert set(charts.load_all()) == set(EXPECTED)
    queries = charts.canned.load_all()
    for chart in charts.load_all().values():
        assert chart.datasets and all(d.query in queries for d in chart.datasets), chart.name
        signals = {s["name"] for s in chart.spec.get("signals", []) + chart.spec.get("params", [])}
        for param in chart.params:   # each parameter reaches a query or a signal of the chart
            assert param in signals or any(param in {p.name for p in queries[d.query].params}
                                           for d in chart.datasets), (chart.name, param)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_chart_renders_to_svg_with_text_labels(run_cli, tmp_path, name):
    args, labels = EXPECTED[name]
    out = tmp_path / f"{name}.svg"
    result = run_cli("chart", name, *args, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{out}: ")
    found = texts(out.read_text(encoding="utf-8"))
    assert len(found) >= 5, f"{name}: labels are not <text> elements"
    joined = "\n".join(found)
    for label in labels:
        assert label in joined, f"{name}: no text label {label!r}"


@pytest.mark.slow
def test_workload_svg_puts_the_busiest_unit_first(run_cli, tmp_path, store):
    rows = charts.canned.get("workload-by-unit").run(store, {}).rows
    busiest_unit = next(r[1] for r in rows if r[2] == "unit")   # 区住建委: 17 led + 34 shared
    out = tmp_path / "w.svg"
    assert run_cli("chart", "unit-workload", "-o", str(out)).exit_code == 0
    found = texts(out.read_text(encoding="utf-8"))
    names = {r[1] for r in rows}
    first = next(t for t in found if t in names)
    assert first == busiest_unit


@pytest.mark.slow
def test_png_needs_and_uses_a_cjk_font(run_cli, tmp_path):
    missing = render.cjk_font_missing()
    if missing:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(missing)
    out = tmp_path / "w.png"
    result = run_cli("chart", "unit-tasks", "--param", f"unit={UNIT}", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


@pytest.mark.parametrize("args, message", [
    (["nope"], "no chart 'nope' (known: unit-workload"),
    (["task-units"], "chart 'task-units' needs parameter(s): task (e.g. --param task=IRI)"),
    (["unit-workload", "--param", "colour=red"], "chart 'unit-workload' has no parameter(s) colour"),
    (["unit-workload", "-o", "w.gif"], "w.gif: cannot tell the format from the suffix"),
])
def test_chart_errors_are_one_line(run_cli, args, message, capsys):
    result = run_cli("chart", *args)
    assert result.exit_code == 2
    err = capsys.readouterr().err + (result.stderr if result.stderr_bytes is not None else "")
    assert message in err and "Traceback" not in err
