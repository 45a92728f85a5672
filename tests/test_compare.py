"""Cross-district questions with Yuzhong and three sample plans loaded side by side.

Expected rows are typed from the sample documents (tests/data/samples/) and the Yuzhong text, or
counted in Python from the parsed plan and the registry, independently of the SPARQL queries.
"""
from __future__ import annotations

import json
from collections import defaultdict

import pytest
from click.testing import CliRunner
from rdflib import Graph

from plankg.cli import cli
from plankg.registry import Registry
from plankg.vocab import PLAN

from .conftest import DATA, PLAN_IRI, REPO

SAMPLES = REPO / "tests" / "data" / "samples"
PLANS = {  # sample file → district, code, plan IRI
    "brackets": ("样例区", "500199"),
    "parentheses-leaders": ("示例区", "500198"),
    "one-line-county": ("样例县", "500197"),
}


def iri(code: str) -> str:
    return f"https://w3id.org/plankg/plan/{code}/2024"


@pytest.fixture(scope="module")
def side_by_side(tmp_path_factory, built):
    """A build folder holding the bundled plan and the three samples, built with the CLI."""
    out = tmp_path_factory.mktemp("districts")
    runner = CliRunner(env={"PLANKG_STORE": str(out / "state")})
    logs = {}
    for name, (district, code) in PLANS.items():
        r = runner.invoke(cli, ["--build-dir", str(out), "build", str(SAMPLES / f"{name}.txt"), "--district", district,
                                "--code", code, "--year", "2024", "--title", "2024年重点工作"], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        logs[name] = r.output
    assert runner.invoke(cli, ["--build-dir", str(out), "build"]).exit_code == 0
    return out, logs


def rows(out, name, *params):
    args = ["--build-dir", str(out), "query", name, "--format", "json"]
    for p in params:
        args += ["--param", p]
    r = CliRunner(env={"PLANKG_STORE": str(out / "state")}).invoke(cli, args, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_every_plans_gdp_growth_target(side_by_side):
    out, _ = side_by_side
    got = {(r["plan"], r["kind"], r["value"], r["unit"], r["comparator"], r["level"])
           for r in rows(out, "compare-targets", "indicator=地区生产总值")}
    assert got == {
        (PLAN_IRI, "growth-rate", "5", "%", "about", "1"),             # 地区生产总值增长5%左右 (task 1)
        (iri("500199"), "growth-rate", "6", "%", "about", "plan"),     # the opening 主要预期目标 paragraph
        (iri("500198"), "growth-rate", "6.5", "%", "about", "1"),
        (iri("500197"), "growth-rate", "7.5", "%", "about", "1"),
    }
    # the preamble's line 1 restates task 1's target (plan:restates): counted once, shown when asked for
    restated = {(r["plan"], r["kind"], r["value"], r["unit"], r["comparator"], r["level"])
                for r in rows(out, "compare-targets", "indicator=地区生产总值", "restated=yes")}
    assert restated - got == {(PLAN_IRI, "growth-rate", "5", "%", "about", "plan")}
    # the English name and a written variant find the same indicator
    assert len(rows(out, "compare-targets", "indicator=gross regional product")) == 4


def test_compare_targets_compares_like_with_like(side_by_side):
    """Task 51's 200亿元 is the 大坪商圈 business district's retail sales: not a second district-wide
    target beside task 28's 1380亿元, but listed, with its scope, when asked for."""
    out, _ = side_by_side
    wide = {(r["plan"], r["kind"], r["value"], r["level"], r["scope"])
            for r in rows(out, "compare-targets", "indicator=社会消费品零售总额")}
    assert wide == {(PLAN_IRI, "growth-rate", "6", "4", ""), (PLAN_IRI, "level", "138000000000", "28", ""),
                    (iri("500199"), "growth-rate", "7", "3", "")}  # brackets.txt task 3
    # the same growth, stated in the preamble, restates task 4's: listed with restated=yes
    assert {(r["plan"], r["kind"], r["value"], r["level"], r["scope"]) for r in rows(
        out, "compare-targets", "indicator=社会消费品零售总额", "restated=yes")} - wide == {
        (PLAN_IRI, "growth-rate", "6", "plan", "")}
    scoped = [(r["level"], r["value"], r["scope"], r["scope_type"])
              for r in rows(out, "compare-targets", "indicator=社会消费品零售总额", "scope=all") if r["scope"]]
    assert scoped == [("51", "20000000000", "大坪商圈", "business-district")]
    by_type = rows(out, "compare-targets", "scope=business-district")
    assert {r["scope"] for r in by_type} == {"大坪商圈"} and {r["level"] for r in by_type} == {"51"}
    assert rows(out, "compare-targets", "scope=大坪商圈") == by_type
    # the samples' targets are all district-wide: scope=all adds Yuzhong's scoped ones only
    extra = [r for r in rows(out, "compare-targets", "scope=all") if r["scope"]]
    assert extra and {r["plan"] for r in extra} == {PLAN_IRI}


def test_headline_targets_keep_their_line(side_by_side):
    out, _ = side_by_side
    headline = [r for r in rows(out, "compare-targets") if r["level"] == "plan" and r["plan"] == iri("500199")]
    assert {(r["indicator"], r["value"], r["comparator"]) for r in headline} == {
        ("地区生产总值", "6", "about"), ("一般公共预算收入", "5", "exactly"), ("城镇调查失业率", "5.5", "at-most")}
    g = Graph().parse(out / "500199-2024.ttl")
    lines = {int(o) for t in g.objects(None, PLAN.headlineTarget) for o in g.objects(t, PLAN.sourceLine)}
    assert lines == {5}  # 今年经济社会发展的主要预期目标是：… is line 5 of brackets.txt
    # Yuzhong's preamble restates four targets, one a line, before its notice (lines 1-4)
    g = Graph().parse(out / "500103-2023.ttl")
    lines = {int(o) for t in g.objects(None, PLAN.headlineTarget) for o in g.objects(t, PLAN.sourceLine)}
    assert lines == {1, 2, 3, 4}


def test_tasks_led_by_body_type_in_the_samples(side_by_side):
    out, _ = side_by_side
    table = {(r["body_type"], r["plan"]): (int(r["tasks_led"]), int(r["guessed_tasks"]))
             for r in rows(out, "compare-leads-by-body-type")}
    # brackets.txt: 1 led by 区发改局, 2 by 区财政局 and 区发改局, 3 区商务局, 4 区人社局, 5 区教育局, 6 区卫健局 + 区创卫办 (both health)
    sample = {k[0]: v for k, v in table.items() if k[1] == iri("500199")}
    assert sample == {"development-reform": (2, 2), "commerce": (1, 1), "human-resources-social-security": (1, 1),
                      "education": (1, 1), "health": (1, 1), "finance": (1, 1)}
    # one-line-county.txt: the first unit listed leads (首位单位为牵头单位)
    county = {k[0]: v[0] for k, v in table.items() if k[1] == iri("500197")}
    assert county["development-reform"] == 1 and county["justice"] == 1 and county["finance"] == 1


def test_tasks_led_by_body_type_in_yuzhong_match_the_registry(side_by_side, built, settings):
    """Counted in Python from the parsed plan and data/units.ttl, not by SPARQL."""
    out, _ = side_by_side
    registry = Registry.load(DATA / "units.ttl")
    expected: dict[str, set] = defaultdict(set)
    for task in built.plan.tasks:
        for ref in task.lead:
            unit = registry.resolve(ref.name, "500103")
            for sector in registry.graph.objects(unit, PLAN.sector):
                expected[str(sector).rsplit("/", 1)[-1]].add(task.id)
    got = {r["body_type"]: int(r["tasks_led"]) for r in rows(out, "compare-leads-by-body-type")
           if r["plan"] == PLAN_IRI}
    assert got == {k: len(v) for k, v in expected.items()}
    assert got["development-reform"] >= 20
    assert all(r["guessed_tasks"] == "0" for r in rows(out, "compare-leads-by-body-type") if r["plan"] == PLAN_IRI)


def test_unit_types_say_where_the_type_comes_from(side_by_side):
    out, _ = side_by_side
    sample = {(r["unit"], r["body_type"]): (r["form"], r["basis"])
              for r in rows(out, "unit-types", f"plan={iri('500198')}")}
    assert sample[("区税务局", "taxation")] == ("vertical-branch", "guess")
    assert sample[("区自然资源和规划局", "planning-natural-resources")] == ("bureau", "guess")
    assert sample[("各乡镇办", "subdistrict")] == ("township-government", "guess")
    assert sample[("区城投集团", "state-owned-enterprise")] == ("state-owned-company", "guess")
    yuzhong = rows(out, "unit-types", f"plan={PLAN_IRI}")
    # every Yuzhong unit is registered; only 各产业部门 has no sector in the registry
    assert {r["unit"] for r in yuzhong if r["basis"] != "registry"} == {"各产业部门"}
    assert {(r["unit"], r["body_type"], r["form"]) for r in yuzhong} >= {
        ("区发改委", "development-reform", "commission"), ("区税务局", "taxation", "vertical-branch")}


def test_build_lists_unregistered_names_with_their_guesses(side_by_side):
    _, logs = side_by_side
    log = logs["parentheses-leaders"]
    assert "14 unit name(s) not in the registry" in log
    assert "区税务局" in log and "vertical-branch; sector taxation" in log
    assert "有关乡镇办" in log and "group of township-government (selective)" in log


def test_an_unknown_district_is_described_with_the_source_of_its_code(side_by_side):
    out, _ = side_by_side
    g = Graph().parse(out / "500199-2024.ttl")
    from rdflib import URIRef
    from plankg.vocab import DCTERMS
    district = URIRef("https://w3id.org/plankg/district/500199")
    assert str(g.value(district, PLAN.divisionCode)) == "500199"
    assert "not checked against GB/T 2260" in str(g.value(district, DCTERMS.source))
    assert g.value(district, PLAN.parentDivision) == URIRef("https://w3id.org/plankg/district/500000")


def test_a_new_district_is_accepted_with_warnings_that_carry_the_guess(side_by_side):
    """No unit of 示例区 is registered: its names await confirmation (warnings), they are not errors."""
    out, _ = side_by_side
    r = CliRunner().invoke(cli, ["--build-dir", str(out), "validate", str(out / "500198-2024.ttl")])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[-1] == "conforms: 0 violation(s), 16 warning(s)"  # one per unit mention: 16 in the text
    assert ("task 5 (line 17)  Warning  任务5的责任单位“区税务局”尚未登记（该区还没有单位名录）；"
            "按名称推测：vertical-branch; taxation") in r.output


def test_confirming_a_unit_in_the_districts_registry_file(tmp_path):
    """A steward confirms 区发改局 in data/units/500199.ttl: it becomes registered, and from then on
    the district's other unknown names are violations (the registry of 样例区 has begun)."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("build", "store"))
    (data / "units").mkdir()
    (data / "units" / "500199.ttl").write_text("""
@prefix plan: <https://w3id.org/plankg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix bt: <https://w3id.org/plankg/def/body-type/> .
@prefix sector: <https://w3id.org/plankg/def/sector/> .
<https://w3id.org/plankg/unit/500199/fgj> a plan:GovernmentUnit ;
    skos:prefLabel "区发改局"@zh, "Development and Reform Bureau"@en ;
    plan:bodyType bt:bureau ; plan:sector sector:development-reform ;
    plan:district <https://w3id.org/plankg/district/500199> ; skos:notation "fgj" .
""", encoding="utf-8")
    out = tmp_path / "build"
    runner = CliRunner()
    r = runner.invoke(cli, ["--data-dir", str(data), "--build-dir", str(out), "build", str(SAMPLES / "brackets.txt"),
                            "--district", "样例区", "--code", "500199", "--year", "2024"], catch_exceptions=False)
    # the plan now breaks the rules, so plankg build refuses it: the report, exit 1, nothing stored
    assert r.exit_code == 1 and "15 unit name(s) not in the registry" in r.output, r.output
    assert "“区财政局”不在单位名录中" in r.output and "“区发改局”" not in r.output
    assert not out.exists() and not (data / "store" / "plans").exists()
