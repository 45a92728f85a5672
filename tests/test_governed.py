"""A governed graph (P7, plankg.governed): an amendment may state only things about the plan's own
resources, with the ontology's terms and the standard vocabularies; anything else is refused with
the triple named, and nothing is stored. Through the real ``plankg amend`` with a .ru file."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from plankg import governed, reference
from plankg.cli import cli
from plankg.validate import validate
from plankg.versions import Repository

from .conftest import PLAN_IRI

P = "PREFIX plan: <https://w3id.org/plankg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" \
    "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
T = f"<{PLAN_IRI}/task/1>"
REFUSED = [
    ('INSERT DATA { <urn:x> <urn:p> "y" }', '<urn:x> <urn:p> "y"'),
    ("INSERT DATA { <http://example.org/a> rdfs:label \"a\" }", "<http://example.org/a>"),
    (f"INSERT DATA {{ {T} dcterms:source <http://example.org/doc> }}", "<http://example.org/doc>"),
    (f'INSERT DATA {{ {T} plan:noSuchTerm "y" }}', "plan:noSuchTerm".replace("plan:", "<https://w3id.org/plankg/ontology#")),
    (f"INSERT DATA {{ {T} a plan:NoSuchClass }}", "<https://w3id.org/plankg/ontology#NoSuchClass>"),
    (f'INSERT DATA {{ {T} <http://example.org/p> "y" }}', "<http://example.org/p>"),
    ('INSERT DATA { [] <urn:p> "y" }', '[] <urn:p> "y"'),
    (f"INSERT DATA {{ {T} rdfs:seeAlso <{PLAN_IRI}/nothing-here> }}", "nothing describes the object"),
]


@pytest.fixture(scope="module")
def imported(settings, built, tmp_path_factory):
    root = tmp_path_factory.mktemp("governed") / "store"
    Repository.open(settings.with_overrides(store_dir_override=root), validate=validate)
    return root


def _files(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*.ttl"))}


def test_the_bundled_plan_is_governed(built, settings):
    assert governed.foreign(built.graph, reference.graph(settings, "500103"), settings.base) == []


@pytest.mark.parametrize("update,named", REFUSED, ids=[u for u, _ in REFUSED])
def test_cli_amend_refuses_triples_outside_the_governed_graph(settings, imported, tmp_path, update, named):
    store = tmp_path / "store"
    shutil.copytree(imported, store)
    before = _files(store)
    ru = tmp_path / "change.ru"
    ru.write_text(P + update, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--build-dir", str(settings.build_dir), "amend", str(ru), "-m", "junk",
                                      "--store", str(store)])
    assert result.exit_code != 0 and "governed graph may not hold" in result.output, result.output
    assert named.split(" ")[0].strip('"') in result.output, result.output
    assert "Traceback" not in result.output
    assert _files(store) == before


def test_cli_amend_accepts_a_comment_in_a_standard_vocabulary(settings, imported, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(imported, store)
    ru = tmp_path / "change.ru"
    ru.write_text(P + f'INSERT DATA {{ {T} rdfs:comment "已核对"@zh ; dcterms:source <https://www.cqyz.gov.cn/> }}',
                  encoding="utf-8")
    result = CliRunner().invoke(cli, ["--build-dir", str(settings.build_dir), "amend", str(ru), "-m", "ok",
                                      "--store", str(store)])
    assert result.exit_code == 0, result.output
