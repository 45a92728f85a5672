"""Commands alike, through the real ``plankg`` command: the same help with examples everywhere,
errors that name the file, line and column with the line shown, one exit code (2) for input that
cannot be read, rejections that put the new findings first, and diffs of the changed words."""
from __future__ import annotations

import re
import shutil

import click
import pytest
from click.testing import CliRunner

from plankg.cli import cli
from plankg.validate import validate
from plankg.versions import Repository

from .conftest import DATA, SOURCE


def commands(group=cli, path=()):
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


@pytest.mark.parametrize("path", [p for p, _ in commands()], ids=" ".join)
def test_every_command_has_clicks_help_with_an_example(path):
    out = CliRunner().invoke(cli, [*path, "--help"], prog_name="plankg").output
    assert out.startswith(f"Usage: plankg {' '.join(path)} ")
    assert "\nOptions:\n" in out and "--help" in out
    assert re.search(r"\n  Examples?:\n\n      plankg ", out), f"plankg {' '.join(path)} --help has no example"
    assert "``" not in out and "usage:" not in out  # no raw reST, no argparse


def test_outcomes_help_lists_its_options_in_clicks_words(run_cli):
    out = run_cli("outcomes", "--help").output
    assert "--plan IRI" in out and "--kind [work-report|" in out and "--dry-run" in out


def error_lines(result) -> list[str]:
    return result.output.rstrip("\n").splitlines()


def caret_under(lines: list[str], text: str) -> None:
    """The last two lines are the line as written and a caret under ``text`` in it."""
    shown, caret = lines[-2], lines[-1]
    assert caret.strip() == "^" and shown.index(text) == caret.index("^"), (shown, caret)


def test_an_rq_syntax_error_names_file_line_column_and_shows_the_line(run_cli, tmp_path):
    q = tmp_path / "bad.rq"
    q.write_text("PREFIX plan: <https://w3id.org/plankg/ontology#>\nSELECT ?t WHERE {\n  ?t plan:number ?n .\n"
                 "  FILTER (?n > 3\n}\n", encoding="utf-8")
    r = run_cli("query", str(q))
    assert r.exit_code == 2
    lines = error_lines(r)
    assert lines[0] == f'Error: {q}:5:1: SPARQL syntax error: expected ")" (for the "(" at 4:10), found "}}"'
    caret_under(lines, "}")
    q.write_text("SELECT ?t WHERE { ?t rdfs:label ?n }\n", encoding="utf-8")
    r = run_cli("query", str(q))
    assert r.exit_code == 2 and f'{q}:1:22: SPARQL syntax error: the prefix "rdfs:" is not declared' in r.output
    caret_under(error_lines(r), "rdfs:label")
    q.write_text("SELECT ?t WHERE { ?t ?p ?o } LIMIT many\n", encoding="utf-8")
    r = run_cli("query", str(q))
    assert r.exit_code == 2 and f'{q}:1:36: SPARQL syntax error: expected one of' in r.output
    assert 'a digit, found "many"' in r.output and "[_]" not in r.output
    caret_under(error_lines(r), "many")


def test_bad_turtle_names_file_line_and_reason(run_cli, tmp_path):
    ttl = tmp_path / "plan.ttl"
    ttl.write_text("@prefix plan: <https://w3id.org/plankg/ontology#> .\n<a> plan:x \"y\" .\n<a> foo:bar 1 .\n",
                   encoding="utf-8")
    r = run_cli("validate", str(ttl))
    assert r.exit_code == 2
    lines = error_lines(r)
    assert lines[0] == f'Error: {ttl}:3:5: not valid Turtle: Prefix "foo:" not bound'
    caret_under(lines, "foo:bar")


def test_a_bad_unit_registry_stops_build_with_its_line(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("build", "store"))
    units = data / "units.ttl"
    text = units.read_text(encoding="utf-8").splitlines()
    k = next(i for i, line in enumerate(text) if line.startswith("<") or line.startswith("unit:"))
    text.insert(k, "this is not turtle .")
    units.write_text("\n".join(text) + "\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["--data-dir", str(data), "--build-dir", str(tmp_path / "out"), "build"])
    assert r.exit_code == 2, r.output
    assert re.match(rf"Error: {re.escape(str(units))}:{k + 1}:\d+: not valid Turtle: ", r.output), r.output
    assert not (tmp_path / "out").exists()


def test_bad_toml_names_file_line_and_column(run_cli, plan_copy, tmp_path):
    meta = plan_copy.with_suffix(".toml")
    meta.write_text(meta.read_text(encoding="utf-8").replace("year = ", "year "), encoding="utf-8")
    r = run_cli("build", str(plan_copy), build_dir=tmp_path / "out")
    assert r.exit_code == 2
    lines = error_lines(r)
    assert re.fullmatch(rf"Error: {re.escape(str(meta))}:\d+:6: not valid TOML: Expected '=' after a key.*", lines[0])
    caret_under(lines, "2023")


@pytest.mark.parametrize("content", [None, "", "一、总体要求\n各部门要高度重视。\n"], ids=["missing", "empty", "no tasks"])
def test_unreadable_input_exits_2_from_every_command_that_reads_it(run_cli, tmp_path, content):
    source = tmp_path / "plan.txt"
    if content is not None:
        source.write_text(content, encoding="utf-8")
        shutil.copy(SOURCE.with_suffix(".toml"), source.with_suffix(".toml"))
    for args in (["build", str(source)], ["read", str(source)], ["validate", str(source)]):
        r = run_cli(*args, build_dir=tmp_path / "out")
        assert r.exit_code == 2, (args, r.output)
        assert r.output.startswith(f"Error: {source}") and "Traceback" not in r.output
    assert not (tmp_path / "out").exists()


def test_wrong_flags_and_requests_exit_2(run_cli, tmp_path):
    assert run_cli("build", str(SOURCE), "--district", "样例区", build_dir=tmp_path).exit_code == 2
    assert run_cli("query", "nope").exit_code == 2
    assert run_cli("chart", "nope", "-o", str(tmp_path / "x.svg")).exit_code == 2


@pytest.fixture(scope="module")
def state(settings, built, tmp_path_factory):
    """A state folder holding the bundled plan (version 1)."""
    root = tmp_path_factory.mktemp("commands") / "store"
    Repository.open(settings.with_overrides(store_dir_override=root), validate=validate)
    return root


def revised(tmp_path, old, new):
    path = tmp_path / "revised.txt"
    text = SOURCE.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_rejection_lists_the_new_finding_first_and_sums_the_standing_warnings(run_cli, state, tmp_path):
    change = revised(tmp_path, "责任单位:区金融办、区经信委", "责任单位:区金融办、区经信伟")
    def files():  # the lock file amend takes is not data
        return sorted((p, p.read_bytes()) for p in state.rglob("*") if p.is_file() and p.suffix != ".lock")

    before = files()
    r = run_cli("amend", str(change), "-m", "typo", "--store", str(state))
    assert r.exit_code == 1
    lines = error_lines(r)
    assert lines[0] == "new in this change: 1 result(s)"
    assert lines[1].startswith("  task 6 (line 33)  Violation  ") and "区经信伟" in lines[1]
    assert lines[2] == "standing (the current version has them too): 7 warning(s); list them with --all"
    assert lines[3] == "does not conform: 1 violation(s), 7 warning(s)"
    everything = error_lines(run_cli("amend", str(change), "-m", "typo", "--all", "--store", str(state)))
    assert everything[:2] == lines[:2] and everything[2] == "standing (the current version has them too): 7 warning(s)"
    assert sum(1 for line in everything if "  Warning  " in line) == 7
    assert files() == before


@pytest.mark.slow
def test_diff_shows_the_changed_words_in_context(run_cli, state, tmp_path):
    change = revised(tmp_path, "7.丰富消费活动,办优办精国际咖啡节", "7.丰富消费活动,办优办精世界咖啡节")
    assert run_cli("amend", str(change), "-m", "reword task 7", "--store", str(state)).exit_code == 0
    out = run_cli("diff", "--store", str(state)).output.splitlines()
    at = out.index("~ task 7 changed (text)")
    assert out[at + 1] == "    text: …费活动,办优办精[-国际-]{+世界+}咖啡节、“一会一…"  # 8 characters either side
    assert not any("7.丰富消费活动,办优办精国际咖啡节" in line for line in out)  # not the whole text twice


@pytest.mark.slow
def test_an_update_with_a_syntax_error_names_its_place_and_exits_2(run_cli, state, tmp_path):
    update = tmp_path / "note.ru"
    update.write_text("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nINSERT DATA {\n"
                      "  <https://w3id.org/plankg/plan/500103/2023/task/35> rdfs:comment \"已核对\"@zh\n", encoding="utf-8")
    r = run_cli("amend", str(update), "-m", "note", "--store", str(state))
    assert r.exit_code == 2
    lines = error_lines(r)
    assert lines[0] == f'Error: {update}:2:13: SPARQL syntax error: this "{{" is never closed (expected "}}" before the end of the file)'
    caret_under(lines, "{")
