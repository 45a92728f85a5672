"""The principled mutation suite: every single-defect variant (tests/principled_mutations.py) is
rejected with a blocking finding that names its place, and every valid edit brings no new finding.

Fast by design: each variant is read and built in-process (plankg.pipeline.build) and checked with
the fast validator (plankg.check), no CLI process and no state folder per variant; the amendment
path itself is covered by tests/test_mutations.py and tests/test_governed.py. About a second a
variant on a loaded machine, so the whole suite is marked slow; the generator's own test is not.
"""
from __future__ import annotations

import shutil
from collections import Counter

import pytest

from plankg import pipeline
from plankg.check import check

from . import principled_mutations as pm
from .conftest import SOURCE

DEFECTS = pm.defects()
VALID = pm.valid_edits()


def test_enough_variants_of_enough_kinds():
    kinds = Counter(v.kind for v in DEFECTS)
    assert len(DEFECTS) >= 120 and len(kinds) >= 40, (len(DEFECTS), len(kinds))
    assert len(VALID) >= 30, len(VALID)
    assert {v.principle for v in DEFECTS} >= {"P1", "P2", "P3", "P4", "P5", "P6"}
    assert len({v.name for v in DEFECTS + VALID}) == len(DEFECTS) + len(VALID)


@pytest.fixture(scope="module")
def judge(settings, tmp_path_factory):
    folder = tmp_path_factory.mktemp("principled")
    shutil.copy(SOURCE.with_suffix(".toml"), folder / SOURCE.with_suffix(".toml").name)
    path = folder / SOURCE.name

    def run(text: str):
        path.write_text(text, encoding="utf-8")
        return check(pipeline.build(path, settings).graph, settings)

    return run


@pytest.fixture(scope="module")
def baseline(judge):
    report = judge(SOURCE.read_text(encoding="utf-8"))
    assert report.conforms
    return Counter((r.rule, r.place) for r in report.results)


@pytest.mark.slow
@pytest.mark.parametrize("variant", DEFECTS, ids=[v.name for v in DEFECTS])
def test_defect_is_rejected_with_its_place(judge, variant):
    report = judge(variant.text)
    blocking = [r for r in report.blocking]
    assert blocking, f"{variant.name}: accepted\n{report.to_text()}"
    assert any(r.place == variant.place for r in blocking), \
        f"{variant.name}: nothing names {variant.place}\n{report.to_text()}"


@pytest.mark.slow
@pytest.mark.parametrize("variant", VALID, ids=[v.name for v in VALID])
def test_valid_edit_brings_no_new_finding(judge, baseline, variant):
    report = judge(variant.text)
    new = Counter((r.rule, r.place) for r in report.results) - baseline
    assert not new, f"{variant.name}: {dict(new)}\n{report.to_text()}"
