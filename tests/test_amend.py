"""Amendments: checked before they are accepted, atomic when stored, visible in history and diff."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from plankg import amend, diff, reference
from plankg.cli import cli
from plankg.validate import validate
from plankg.versions import Repository

from .conftest import PLAN_IRI, SOURCE

TASK7 = PLAN_IRI + "/task/7"
PREFIX = "PREFIX plan: <https://w3id.org/plankg/ontology#>\n"


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def imported(settings, built, tmp_path_factory):
    """A state folder with the bundled plan imported (and validated) once; tests get copies."""
    root = tmp_path_factory.mktemp("template") / "store"
    Repository.open(settings.with_overrides(store_dir_override=root), validate=validate)
    return root


@pytest.fixture
def repo(settings, imported, tmp_path):
    root = tmp_path / "store"
    shutil.copytree(imported, root)
    return Repository.open(settings.with_overrides(store_dir_override=root), initialise=False)


def revised(tmp_path, old, new) -> Path:
    path = tmp_path / "revised.txt"
    text = SOURCE.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_first_open_imports_the_built_plan_as_version_1(repo):
    assert repo.plans() == [PLAN_IRI]
    (v1,) = repo.history(PLAN_IRI)
    assert (v1.number, v1.agent, v1.previous) == (1, "plankg build", None)
    assert v1.path.is_file()


def test_rejected_amendment_changes_no_file(repo, tmp_path):
    before = snapshot(repo.root)
    change = amend.RevisedText(revised(tmp_path, "责任单位:区金融办、区经信委", "责任单位:区金融办、区经信伟"))
    outcome = amend.amend(repo, PLAN_IRI, change, agent="test", message="typo")
    assert not outcome.accepted
    assert any("区经信伟" in r.message_en + r.message_zh + str(r.value) for r in outcome.report.results)
    assert snapshot(repo.root) == before


def test_rejected_sparql_update_changes_no_file(repo):
    before = snapshot(repo.root)
    update = PREFIX + f"DELETE WHERE {{ <{TASK7}> plan:leadUnit ?u }}"
    outcome = amend.amend(repo, PLAN_IRI, amend.SparqlUpdate(update), agent="test", message="drop leads")
    assert not outcome.accepted and not outcome.report.conforms
    assert snapshot(repo.root) == before


def test_reworded_text_is_accepted_and_shows_in_diff(repo, tmp_path):
    change = amend.RevisedText(revised(tmp_path, "7.丰富消费活动,", "7.持续丰富消费活动,"))
    outcome = amend.amend(repo, PLAN_IRI, change, agent="steward", message="reword task 7")
    assert outcome.accepted and outcome.version.number == 2
    d = diff.diff(repo.version_graph(PLAN_IRI, 1), repo.version_graph(PLAN_IRI, 2))
    assert [(old.number, aspects) for old, _, aspects in d.changed] == [("7", ["text"])]
    assert not d.added and not d.removed
    assert "~ task 7 changed (text)" in d.to_text()
    versions = repo.history(PLAN_IRI)
    assert [(v.number, v.agent, v.message) for v in versions] == [
        (1, "plankg build", "imported from 500103-2023.ttl"), (2, "steward", "reword task 7")]
    assert versions[1].previous == versions[0].iri


def test_added_responsible_unit_is_accepted(repo, tmp_path):
    change = amend.RevisedText(revised(tmp_path, "牵头单位:区大数据局\n97.", "牵头单位:区大数据局\n责任单位:区统计局\n97."))
    outcome = amend.amend(repo, PLAN_IRI, change, agent="steward", message="task 96 gets 区统计局")
    assert outcome.accepted
    d = diff.diff(repo.version_graph(PLAN_IRI, 1), repo.version_graph(PLAN_IRI, 2), reference=repo.reference_for(PLAN_IRI))
    ((old, new, aspects),) = d.changed
    assert (new.number, aspects, old.responsible, new.responsible) == ("96", ["responsible"], (), ("区统计局",))
    rows = repo.store.select(PREFIX + "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                             f"SELECT ?name WHERE {{ <{PLAN_IRI}/task/96> plan:responsibleUnit/skos:prefLabel ?name "
                             "FILTER (LANG(?name) = 'zh') }").rows
    assert rows == [["区统计局"]]


def test_unit_disappears(repo, tmp_path):
    change = amend.RevisedText(revised(tmp_path, "牵头单位:区统计局", "牵头单位:区发改委"))
    assert amend.amend(repo, PLAN_IRI, change, agent="s", message="m").accepted
    d = diff.diff(repo.version_graph(PLAN_IRI, 1), repo.version_graph(PLAN_IRI, 2), reference=repo.reference_for(PLAN_IRI))
    assert d.units_disappeared == ["区统计局"] and d.units_appeared == []
    rdf = diff.to_rdf(d, PLAN_IRI + "/version/1", PLAN_IRI + "/version/2", PLAN_IRI)
    from plankg.vocab import PLAN
    assert {str(o) for o in rdf.objects(None, PLAN.changedTask)} == {PLAN_IRI + "/task/167"}


def test_sparql_update_accepted_and_indexed(repo):
    update = PREFIX + (f"DELETE {{ <{TASK7}> plan:text ?t }} INSERT {{ <{TASK7}> plan:text \"丰富消费活动。\"@zh }} "
                       f"WHERE {{ <{TASK7}> plan:text ?t }}")
    outcome = amend.amend(repo, PLAN_IRI, amend.SparqlUpdate(update), agent="s", message="shorten task 7")
    assert outcome.accepted
    rows = repo.store.select(PREFIX + f"SELECT ?t WHERE {{ <{TASK7}> plan:text ?t }}").rows
    assert rows == [["丰富消费活动。"]]
    assert repo.history(PLAN_IRI)[-1].number == 2


@pytest.mark.parametrize("update, message", [
    ("LOAD <http://127.0.0.1:9/x.ttl>", "LOAD is not allowed"),
    (PREFIX + "INSERT { ?s plan:text 'x' } WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
     "SERVICE is not allowed"),
    (PREFIX + "INSERT DATA { GRAPH <urn:x> { <urn:a> plan:text 'x' } }", "GRAPH blocks are not allowed"),
    ("DROP ALL", "DROP is not allowed"),
    ("INSERT DATA { <urn:a> <urn:b> ", "not valid SPARQL 1.1 Update"),
])
def test_updates_that_reach_outside_the_plan_are_refused(repo, update, message):
    before = snapshot(repo.root)
    with pytest.raises(amend.AmendmentError, match=message):
        amend.amend(repo, PLAN_IRI, amend.SparqlUpdate(update), agent="s", message="m")
    assert snapshot(repo.root) == before


@pytest.mark.slow
@pytest.mark.parametrize("step", ["version-written", "history-written", "indexed"])
def test_crash_mid_write_leaves_old_or_new_version(repo, tmp_path, step):
    """An exception injected between the steps of storing a version: reopening finds one whole version."""
    repo.store  # the index is open, as in a running server
    change = amend.RevisedText(revised(tmp_path, "7.丰富消费活动,", "7.持续丰富消费活动,"))

    def crash(at):
        if at == step:
            raise KeyboardInterrupt(f"killed at {at}")

    with pytest.raises(KeyboardInterrupt):
        amend.amend(repo, PLAN_IRI, change, agent="s", message="m", hooks=crash)
    repo.store.flush()
    repo._store = None  # close it, as a killed process would
    import gc
    gc.collect()
    reopened = Repository.open(repo.settings, repo.root, initialise=False)
    expected = 1 if step == "version-written" else 2
    assert reopened.current(PLAN_IRI).number == expected
    text = reopened.store.select(PREFIX + f"SELECT ?t WHERE {{ <{TASK7}> plan:text ?t }}").rows[0][0]
    assert text.startswith("持续丰富") == (expected == 2)
    graph = reopened.store.graph(PLAN_IRI + "/graph")
    assert len(graph) == len(reopened.version_graph(PLAN_IRI))


@pytest.mark.slow
def test_cli_amend_history_diff(settings, built, tmp_path):
    store = tmp_path / "store"
    runner = CliRunner()
    base = ["--build-dir", str(settings.build_dir)]
    bad = revised(tmp_path, "责任单位:区金融办、区经信委", "责任单位:区金融办、区经信伟")
    result = runner.invoke(cli, [*base, "amend", str(bad), "-m", "typo", "--store", str(store)])
    assert result.exit_code == 1 and "区经信伟" in result.output
    good = revised(tmp_path, "7.丰富消费活动,", "7.持续丰富消费活动,")
    result = runner.invoke(cli, [*base, "amend", str(good), "-m", "reword 7", "--agent", "li", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "version 2" in result.output
    result = runner.invoke(cli, [*base, "history", "--store", str(store)])
    lines = result.output.splitlines()
    assert len(lines) == 2 and lines[1].startswith("v2") and "li" in lines[1] and "reword 7" in lines[1]
    result = runner.invoke(cli, [*base, "diff", "--store", str(store)])
    assert "~ task 7 changed (text)" in result.output
    result = runner.invoke(cli, [*base, "amend", str(tmp_path / "nope.txt"), "-m", "x", "--store", str(store)])
    assert result.exit_code == 2
    ru = tmp_path / "load.ru"
    ru.write_text("LOAD <file:///etc/passwd>", encoding="utf-8")
    result = runner.invoke(cli, [*base, "amend", str(ru), "-m", "x", "--store", str(store)])
    assert result.exit_code == 2 and "LOAD is not allowed" in result.output


@pytest.mark.slow
def test_cli_amend_waits_for_the_servers_write_lock(settings, imported, tmp_path):
    """`plankg amend` beside a running server takes the same lock as the server's writers."""
    import subprocess
    import sys
    import time

    from plankg.versions import write_lock

    store = tmp_path / "store"
    shutil.copytree(imported, store)
    ru = tmp_path / "comment.ru"
    ru.write_text(PREFIX + f'INSERT DATA {{ <{TASK7}> <http://www.w3.org/2000/01/rdf-schema#comment> "备注"@zh }}',
                  encoding="utf-8")
    command = [str(Path(sys.executable).with_name("plankg")), "--build-dir", str(settings.build_dir),
               "amend", str(ru), "-m", "note", "--store", str(store)]
    with write_lock(store):
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(3)
        assert process.poll() is None  # still waiting for the lock
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0 and "version 2" in out, out


def test_sync_reads_no_history_whose_file_is_unchanged(repo, monkeypatch):
    """Opening the index with many plans must not re-read every plan's history (file stamps)."""
    repo.store  # first open: loads and stamps
    parsed = []
    real = Repository.history_graph

    def counting(self, plan):
        parsed.append(plan)
        return real(self, plan)

    monkeypatch.setattr(Repository, "history_graph", counting)
    assert repo.sync() == [] and parsed == []
    assert repo.plans() == [PLAN_IRI] and parsed == []  # the IRI file, not the history


UNIT_500199 = """@prefix plan: <https://w3id.org/plankg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/plankg/unit/500199/fgj> a plan:GovernmentUnit ; skos:prefLabel "{label}"@zh ;
    plan:district <https://w3id.org/plankg/district/500199> .
"""


def test_further_districts_registries_are_graphs_of_their_own(settings, built, imported, tmp_path):
    """data/units/<code>.ttl goes into graph/units/<code>, kept in step with its file, so that a
    question about one plan reads its own district's units and not every district's."""
    from .conftest import DATA

    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("build", "store"))
    (data / "units").mkdir()
    registry = data / "units" / "500199.ttl"
    registry.write_text(UNIT_500199.format(label="区发改局"), encoding="utf-8")
    root = tmp_path / "store"
    shutil.copytree(imported, root)
    s = settings.with_overrides(data_dir=data, store_dir_override=root, build_dir_override=settings.build_dir)
    repo = Repository.open(s, initialise=False)
    base = s.base
    units = "SELECT ?l WHERE { ?u a <https://w3id.org/plankg/ontology#GovernmentUnit> ; " \
            "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }"

    def labels(graphs):
        return {r[0] for r in repo.store.select(units, default_graph=graphs).rows}

    assert labels([base + "graph/units/500199"]) == {"区发改局"}
    assert "区发改局" not in labels([base + "graph/reference"])
    assert "区发改局" not in labels(repo.store.plan_graphs([PLAN_IRI]))  # Yuzhong's plan: its own units only
    assert "区发改局" in labels(repo.store.plan_graphs([base + "plan/500199/2024"]))
    assert repo.sync() == []  # unchanged file: nothing remade
    registry.write_text(UNIT_500199.format(label="区发展和改革局"), encoding="utf-8")
    assert repo.sync() == [base + "graph/units/500199"]
    assert labels([base + "graph/units/500199"]) == {"区发展和改革局"}
    registry.unlink()
    assert repo.sync() == [base + "graph/units/500199"]
    assert labels([base + "graph/units/500199"]) == set()


def test_a_plan_is_checked_against_its_own_division_and_those_above_it(settings, tmp_path):
    """The districts file lists every division; a plan's inference and checks get only its own
    district and its parents, so their cost does not grow with the districts listed."""
    from rdflib import URIRef

    from .conftest import DATA

    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("build", "store"))
    with open(data / "districts.ttl", "a", encoding="utf-8") as f:
        f.write('\n<https://w3id.org/plankg/district/500106> a plan:AdministrativeDivision ;\n'
                '    skos:prefLabel "沙坪坝区"@zh ; plan:divisionCode "500106" ;\n'
                '    plan:parentDivision <https://w3id.org/plankg/district/500000> .\n')
    s = settings.with_overrides(data_dir=data)
    district = s.base + "district/"

    def divisions(graph):
        return {x for x in graph.subjects() if str(x).startswith(district)}

    assert divisions(reference.graph(s)) == {URIRef(district + c) for c in ("500000", "500103", "500106")}
    scoped = reference.graph(s, "500103")
    assert divisions(scoped) == {URIRef(district + "500103"), URIRef(district + "500000")}
    assert (URIRef(district + "500103"), URIRef("https://w3id.org/plankg/ontology#parentDivision"),
            URIRef(district + "500000")) in scoped


@pytest.mark.parametrize("update, where", [
    ('PREFIX r: <http://r/>\nINSERT DATA {\n <urn:a> r:b "x }', "error at 3:18"),   # Oxigraph's line:column
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> } ; DELTE WHERE { ?s ?p ?o }", "error at 1:49: expected one of CREATE"),
    ("INSERT DATA { <urn:a> <urn:b> ", "error at 1:31"),                       # rdflib would say line 1, column 1
    ("LOAD <http://127.0.0.1:9/x> INTO GRAPH", "(line:1, col:29)"),           # never run, even to read its error
])
def test_a_malformed_update_is_one_line_saying_where(update, where):
    with pytest.raises(amend.AmendmentError) as e:
        amend.parse_update(update)
    assert where in str(e.value) and "\n" not in str(e.value) and len(str(e.value)) < 300


def test_a_change_that_changes_nothing_is_said_and_not_stored(settings, imported, tmp_path):
    """The plan's own text again: `plankg amend` says "no change", exits 0 and writes nothing."""
    store = tmp_path / "store"
    shutil.copytree(imported, store)
    (store / "serve.lock").touch()  # the writers' lock file (empty), which any writer makes first
    before = snapshot(store)
    result = CliRunner().invoke(cli, ["--build-dir", str(settings.build_dir), "amend", str(SOURCE), "-m", "again",
                                      "--store", str(store)], catch_exceptions=False)
    assert result.exit_code == 0 and result.output.startswith(f"no change: {SOURCE} gives {PLAN_IRI} as it is")
    assert "nothing was stored" in result.output
    assert snapshot(store) == before


def test_validate_without_a_file_checks_the_current_version(settings, imported, tmp_path):
    """After an amendment, `plankg validate` checks version 2, not the bundled text it came from:
    task 64 no longer lists 区发改委 as lead, so its lead-also-responsible warning is gone."""
    store = tmp_path / "store"
    shutil.copytree(imported, store)
    runner = CliRunner()
    base = ["--build-dir", str(settings.build_dir)]
    change = revised(tmp_path, "牵头单位:区政务服务办、区发改委、区市场监管局", "牵头单位:区政务服务办、区市场监管局")
    result = runner.invoke(cli, [*base, "amend", str(change), "-m", "task 64", "--store", str(store)])
    assert result.exit_code == 0 and "version 2" in result.output, result.output
    current = runner.invoke(cli, [*base, "validate", "--store", str(store)])
    text = runner.invoke(cli, [*base, "validate", str(SOURCE)])
    assert current.exit_code == text.exit_code == 0
    assert current.output.splitlines()[-1] == "conforms: 0 violation(s), 6 warning(s)"
    assert text.output.splitlines()[-1] == "conforms: 0 violation(s), 7 warning(s)"
    assert "task 64 (" not in current.output and "task 64 (line 213)" in text.output
    wrong = runner.invoke(cli, [*base, "validate", "--plan", "https://example.org/no-such-plan", "--store", str(store)])
    assert wrong.exit_code == 1 and "no plan https://example.org/no-such-plan" in wrong.output
