"""The mutation suite: every single-defect copy of the bundled plan is rejected by the amendment path
with a finding that names its place; every valid edit is accepted with no new finding.

The variants are made by tests/mutations.py. Each goes through :func:`plankg.amend.amend` (what
``plankg amend`` and ``/update`` call) on its own copy of a state folder holding the bundled plan,
in a few worker processes at once (validation takes a few seconds a variant); a handful also go
through the real ``plankg amend`` command, with an acknowledgement and ``plankg history``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from plankg import amend
from plankg.validate import validate
from plankg.versions import Repository

from . import mutations
from .conftest import PLAN_IRI, SOURCE

DEFECTS = mutations.defects()
VALID = mutations.valid_edits()


@dataclass
class Judged:
    accepted: bool
    findings: list      # (place, line, rule, severity, blocking) of every result
    error: str | None   # the AmendmentError message, when the change could not be read


def test_the_generator_makes_enough_variants_of_many_kinds():
    assert len(DEFECTS) >= 40 and len(VALID) >= 15
    assert len({v.kind for v in DEFECTS}) >= 6 and len({v.kind for v in VALID}) >= 5
    assert len({v.name for v in DEFECTS + VALID}) == len(DEFECTS) + len(VALID)
    original = SOURCE.read_text(encoding="utf-8")
    assert all(v.text != original for v in DEFECTS + VALID)


def _judge(settings, template: Path, work: Path, variant: mutations.Variant) -> Judged:
    """One variant through the amendment path, on its own copy of the state folder."""
    root = work / "store"
    shutil.copytree(template, root)
    (work / "plan.txt").write_text(variant.text, encoding="utf-8")
    repo = Repository.open(settings.with_overrides(store_dir_override=root), initialise=False)
    try:
        outcome = amend.amend(repo, PLAN_IRI, amend.RevisedText(work / "plan.txt"), agent="mutation",
                              message=variant.name)
    except amend.AmendmentError as e:
        return Judged(False, [], str(e))
    blocking = {id(r) for r in outcome.report.blocking}
    return Judged(outcome.accepted, [(r.place, r.line, r.rule, r.severity, id(r) in blocking)
                                     for r in outcome.report.results], None)


@pytest.fixture(scope="module")
def template(settings, built, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mutations") / "store"
    Repository.open(settings.with_overrides(store_dir_override=root), validate=validate)
    return root


@pytest.fixture(scope="module")
def judged(request, settings, template, tmp_path_factory) -> dict[str, Judged]:
    """Every variant the session runs a test for, judged once, a few at a time."""
    wanted = {item.callspec.params["variant"].name for item in request.session.items
              if hasattr(item, "callspec") and "variant" in item.callspec.params}
    variants = [v for v in DEFECTS + VALID if v.name in wanted]
    work = [tmp_path_factory.mktemp("variant") for _ in variants]
    workers = max(1, min(4, os.cpu_count() or 1, len(variants)))
    with ProcessPoolExecutor(workers) as pool:
        results = pool.map(_judge, [settings] * len(variants), [template] * len(variants), work, variants)
        return {v.name: r for v, r in zip(variants, results)}


def _line(text: str, marker: str) -> int:
    """The line holding ``marker``; a marker of several lines names the line of its last one."""
    if "\n" in marker:
        return text[:text.index(marker)].count("\n") + 1 + marker.count("\n")
    return next(i for i, line in enumerate(text.splitlines(), 1) if marker in line)


@pytest.mark.slow
@pytest.mark.parametrize("variant", DEFECTS, ids=[v.name for v in DEFECTS])
def test_every_defect_is_rejected_naming_its_place(judged, variant):
    j = judged[variant.name]
    assert not j.accepted, f"{variant.name}: accepted"
    line = _line(variant.text, variant.marker) if variant.marker else None
    if j.error is not None:  # refused as unreadable: the message is file:line: what was expected
        assert variant.place is None and f":{line}:" in j.error, j.error
        return
    assert variant.place is not None, f"{variant.name}: expected an unreadable text, got {j.findings}"
    named = [f for f in j.findings if f[4] and f[0] == variant.place and (line is None or f[1] == line)]
    assert named, f"{variant.name}: nothing blocking names {variant.place} line {line}: {j.findings}"


@pytest.mark.slow
@pytest.mark.parametrize("variant", VALID, ids=[v.name for v in VALID])
def test_every_valid_edit_is_accepted_with_no_new_finding(judged, variant):
    j = judged[variant.name]
    assert j.error is None and j.accepted, f"{variant.name}: {j.error or j.findings}"
    warnings = sorted((rule, severity) for _, _, rule, severity, _ in j.findings)
    assert all(severity == "Warning" for _, severity in warnings), j.findings
    assert Counter(warnings) == Counter({("HeadingWithoutStrayCharacter", "Warning"): 1,
                                         ("SubsectionHeadingPresent", "Warning"): 1,
                                         ("UnitListedOnce", "Warning"): 1,
                                         ("LeadNotAlsoResponsible", "Warning"): 4}), j.findings


# -- Through the real command ----------------------------------------------------------------

def _plankg(settings, *args):
    command = [str(Path(sys.executable).with_name("plankg")), "--build-dir", str(settings.build_dir), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def _variant(name: str) -> mutations.Variant:
    return next(v for v in DEFECTS + VALID if v.name == name)


@pytest.mark.slow
def test_plankg_amend_rejects_defects_and_keeps_acknowledgements(settings, template, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(template, store)
    def stored():  # every file but the writers' lock, which plankg amend creates empty
        return {p: p.read_bytes() for p in store.rglob("*") if p.is_file() and p.name != "serve.lock"}

    before = stored()
    for name, place in (("section 十三 inserted between 九 and 十", "section 十三"),
                        ("declared task count 170", "preamble (line 6)"),
                        ("tasks 60 and 61 swapped", "task 61")):
        path = tmp_path / "plan.txt"
        path.write_text(_variant(name).text, encoding="utf-8")
        done = _plankg(settings, "amend", str(path), "-m", name, "--store", str(store))
        assert done.returncode == 1, done.stdout + done.stderr
        assert any(line.strip().startswith(place) and "Violation" in line for line in done.stdout.splitlines()), done.stdout
    assert stored() == before  # nothing stored

    path = tmp_path / "plan.txt"
    path.write_text(_variant("growth of 500% (unusual)").text, encoding="utf-8")
    done = _plankg(settings, "amend", str(path), "-m", "社会投资目标", "--store", str(store))
    assert done.returncode == 1 and "[to accept it: --accept GrowthRateUsual@task/107/target/1]" in done.stdout
    done = _plankg(settings, "amend", str(path), "-m", "社会投资目标", "--store", str(store),
                   "--accept", "GrowthRateUsual@task/99/target/1", "--reason", "x")
    assert done.returncode == 2 and "no result needing acknowledgement has this key" in done.stderr
    done = _plankg(settings, "amend", str(path), "-m", "社会投资目标", "--store", str(store), "--agent", "li.si",
                   "--accept", "GrowthRateUsual@task/107/target/1", "--reason", "区委常委会确定的目标")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "acknowledged GrowthRateUsual@task/107/target/1: 区委常委会确定的目标" in done.stdout
    # a later amendment that leaves task 107 alone needs no new acknowledgement
    again = tmp_path / "again.txt"
    again.write_text(path.read_text(encoding="utf-8").replace("7.丰富消费活动,", "7.持续丰富消费活动,"), encoding="utf-8")
    done = _plankg(settings, "amend", str(again), "-m", "reword 7", "--store", str(store))
    assert done.returncode == 0, done.stdout + done.stderr
    history = _plankg(settings, "history", "--store", str(store)).stdout.splitlines()
    assert history[1].startswith("v2") and "li.si" in history[1]
    assert history[2] == "    acknowledged GrowthRateUsual@task/107/target/1 (value 500): 区委常委会确定的目标"
    assert history[3].startswith("v3") and len(history) == 4
    prov = (store / "plans" / "500103-2023" / "history.ttl").read_text(encoding="utf-8")
    assert "plan:Acknowledgement" in prov and "区委常委会确定的目标" in prov and "plan:acknowledged" in prov
