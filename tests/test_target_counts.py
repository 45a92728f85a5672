"""Each target counted once: every canned question that counts or lists targets agrees on how many.

The preamble of the bundled plan restates four targets that tasks 1, 3, 4 and 5 set; the reader
links each to its task's (plan:restates), and the questions count the pair once (128 targets, as
the plan states them), unless asked for the restatements with restated=yes.
"""
from __future__ import annotations

import json

from rdflib import Graph

from plankg import canned
from plankg.vocab import PLAN

from .conftest import PLAN_IRI

TARGETS = 128  # the tasks' targets of the bundled plan (plankg build: "131 in 132 targets", 4 of them headline)

# how each question that reads targets counts them: rows, or the sum of a column; params to list all
COUNTED = {
    "targets": ({}, None),
    "targets-by-section": ({}, None),
    "target-status": ({}, None),
    "target-summary": ({}, "targets"),
    "compare-targets": ({"scope": "all"}, None),  # by default only targets for the whole division
}
# questions that read targets but count something else, and why
NOT_A_COUNT = {
    "targets-by-unit": "one unit's tasks only (a joint lead's target is under each of its units)",
    "headline-targets": "the preamble's statements, each with the task target it restates (tested below)",
    "context-figures": "figures that are not targets",
}


def answer(run_cli, name, params):
    result = run_cli("query", name, *[f"--param={k}={v}" for k, v in params.items()], "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def count(rows, column):
    return sum(int(r[column]) for r in rows) if column else len(rows)


def test_every_question_on_targets_is_counted_or_says_why_not():
    reading = {n for n, q in canned.load_all().items() if "plan:target " in q.sparql or "plan:headlineTarget" in q.sparql
               or "plan:contextFigure" in q.sparql}
    assert reading == set(COUNTED) | set(NOT_A_COUNT)


def test_every_count_of_targets_agrees(run_cli):
    counts = {name: count(answer(run_cli, name, params), column) for name, (params, column) in COUNTED.items()}
    assert counts == dict.fromkeys(COUNTED, TARGETS)
    for name in COUNTED:  # and each says how to see the plan-level restatements
        assert "restated=yes" in canned.get(name).description or "headline-targets" in canned.get(name).description
    narrowed = {name: count(answer(run_cli, name, {**params, "plan": PLAN_IRI}), column)
                for name, (params, column) in COUNTED.items() if any(p.name == "plan" for p in canned.get(name).params)}
    assert set(narrowed.values()) == {TARGETS}, narrowed


def test_restatements_are_counted_apart_only_when_asked(run_cli):
    restating = [r for r in answer(run_cli, "headline-targets", {}) if r["task"]]
    assert [r["task"] for r in restating] == ["1", "3", "4", "5"]
    for name, (params, column) in COUNTED.items():
        if any(p.name == "restated" for p in canned.get(name).params):
            assert count(answer(run_cli, name, {**params, "restated": "yes"}), column) == TARGETS + len(restating), name
            assert "restated=yes" in canned.get(name).description, name
    listed = answer(run_cli, "compare-targets", {"restated": "yes"})
    plan_level = {r["indicator"] for r in listed if r["level"] == "plan"}
    assert len(plan_level) == 4 and plan_level == {r["indicator"] for r in listed if r["level"] in ("1", "3", "4", "5")}
    assert not [r for r in answer(run_cli, "compare-targets", {}) if r["level"] == "plan"]


def test_each_headline_target_is_linked_to_the_target_it_restates(built):
    g: Graph = built.graph
    links = sorted((str(h).rsplit("/", 3)[-2:][-1], str(t).split("/task/")[1])
                   for h, t in g.subject_objects(PLAN.restates))
    assert links == [("1", "1/target/1"), ("2", "3/target/1"), ("3", "4/target/1"), ("4", "5/target/1")]
    for h, t in g.subject_objects(PLAN.restates):
        assert (None, PLAN.headlineTarget, h) in g and (None, PLAN.target, t) in g
        for p in (PLAN.indicator, PLAN.figureKind):
            assert g.value(h, p) == g.value(t, p)
