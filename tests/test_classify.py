"""Best-guess kinds for unit names: checked against every name in the Yuzhong registry."""
from __future__ import annotations

import json
import tomllib

import pytest
from click.testing import CliRunner
from rdflib import Graph

from plankg.classify import guess
from plankg.cli import cli
from plankg.vocab import BODY_TYPE, PLAN, RDF, SECTOR, SKOS

from .conftest import DATA, REPO

# Registry facts no name can show: each a known limit of guessing from names.
NOT_FROM_THE_NAME = {
    "区规资局": "a municipal branch in Chongqing (重庆市规划和自然资源局渝中区分局), a district bureau elsewhere",
    "菜园坝滨江新城建设指挥部办公室": "its sector, area development, comes from what the area is",
}


def _slug(term) -> str:
    return str(term).rsplit("/", 1)[-1]


def registry_names():
    g = Graph().parse(DATA / "units.ttl")
    for cls in (PLAN.GovernmentUnit, PLAN.UnitGroup):
        for unit in sorted(g.subjects(RDF.type, cls)):
            forms = {_slug(o) for p in (PLAN.bodyType, PLAN.memberType) for o in g.objects(unit, p)}
            sectors = {_slug(o) for o in g.objects(unit, PLAN.sector)}
            for p in (SKOS.prefLabel, SKOS.altLabel, PLAN.officialName):
                for name in g.objects(unit, p):
                    if name.language == "zh":
                        yield str(name), forms, sectors, cls == PLAN.UnitGroup


def test_names_in_the_registry_are_guessed_as_registered():
    wrong = []
    for name, forms, sectors, collective in registry_names():
        g = guess(name)
        if not (g.body_type in forms and set(g.sectors) == sectors and g.collective == collective):
            wrong.append(name)
    assert set(wrong) == set(NOT_FROM_THE_NAME), wrong
    assert len(list(registry_names())) > 150


@pytest.mark.parametrize("name, body_type, sectors", [
    # one kind, three local names: type from the function words, not the suffix
    ("区发改委", "commission", ("development-reform",)),
    ("区发展改革委", "commission", ("development-reform",)),
    ("区发展和改革局", "bureau", ("development-reform",)),
    ("县税务局", "vertical-branch", ("taxation",)),               # a 局 that is not the district's
    ("市交通运输局示例分局", "vertical-branch", ("transport",)),
    ("区科技和经信局", "bureau", ("economy-information", "science-technology")),
    ("中央商务区管委会", "management-committee", ("development-zone",)),  # not commerce
    ("区国有资产监督管理委员会", "commission", ("state-assets",)),         # not a management committee
    ("重庆市渝中区人民政府外事办公室", "office", ("foreign-affairs",)),     # 人民政府 is not 民政
    ("团区委", "peoples-organisation", ("youth",)),
    ("区城投集团", "state-owned-company", ("state-owned-enterprise",)),
    ("某某镇", "township-government", ("subdistrict",)),
])
def test_kinds_from_names(name, body_type, sectors):
    g = guess(name)
    assert (g.body_type, tuple(sorted(g.sectors))) == (body_type, tuple(sorted(sectors)))
    assert not g.collective


@pytest.mark.parametrize("name, members, selective", [
    ("各街道", "subdistrict-office", False), ("各街办(新区)", "subdistrict-office", False),
    ("有关乡镇办", "township-government", True), ("区政府各部门", "department", False),
    ("区创卫工作领导小组成员单位", "department", False),
])
def test_collective_names(name, members, selective):
    g = guess(name)
    assert g.collective and g.body_type == members and g.selective == selective


def test_unknown_names_say_so():
    g = guess("某某")
    assert g.body_type is None and g.sectors == () and "?" in g.describe()


def test_every_rule_names_a_concept_of_the_schemes():
    spec = tomllib.loads((DATA / "unit-kinds.toml").read_text(encoding="utf-8"))
    schemes = Graph().parse(REPO / "ontology" / "body-types.ttl")
    for rule in spec["form"]:
        assert (BODY_TYPE[rule["type"]], RDF.type, SKOS.Concept) in schemes, rule
    for rule in spec["sector"]:
        assert (SECTOR[rule["sector"]], RDF.type, SKOS.Concept) in schemes, rule


def test_classify_command():
    r = CliRunner().invoke(cli, ["classify", "区发展和改革局", "各乡镇(街道)", "--format", "json"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert got[0]["body_type"] == "bureau" and got[0]["sectors"] == ["development-reform"]
    assert got[1]["collective"] and got[1]["sectors"] == ["subdistrict"]
    assert any("发改" in rule for rule in got[0]["rules"])
    table = CliRunner().invoke(cli, ["classify", "区发展和改革局"]).output
    assert "development-reform" in table and "bureau" in table
