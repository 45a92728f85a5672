"""Every line accounted for: each line of a plan text is part of exactly one element, or a problem names it.

The property (hypothesis): lines of every kind — blank, whitespace, headings, numbered lines,
field lines, junk, copies of a neighbour — inserted at arbitrary places in every layout's sample
and in the bundled plan. Whatever the reader makes of a variant, every line with text in it is
claimed by one element (preamble, heading, task, field) or named by a problem, and a line of
junk is never taken into a task or a heading silently. The examples below it: an appended heading
is refused by ``plankg read``, ``plankg validate`` and ``plankg amend``, naming its line.
"""
from __future__ import annotations

import re
import shutil
from bisect import bisect_right
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from plankg import amend
from plankg.cli import cli
from plankg.layouts.account import CONTENT, NOT_CONTENT
from plankg.layouts.stream import heading_like
from plankg.reading import PlanSyntaxError
from plankg.sources import read_plan
from plankg.validate import validate
from plankg.versions import Repository

from .conftest import PLAN_IRI, SOURCE

SAMPLES = Path(__file__).parent / "data" / "samples"
CORPORA = sorted(SAMPLES.glob("*.txt")) + [SOURCE]
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in CORPORA}
HEADING = "十三、着力抓统筹，推动各项工作落地见效"

# Junk that cannot spell a number, a heading numeral, a field label's colon or a bracket.
JUNK_CHARS = st.sampled_from("的是在和了有我们这个要发展推进加强建设工作城市乡村服务体系水平abcXYZ %。，；!?—…·「」")
JUNK = st.text(JUNK_CHARS, min_size=1, max_size=30).filter(lambda s: any(c not in NOT_CONTENT for c in s))
BLANK = st.sampled_from(["", " ", "   ", "\t", "\u3000", " \u3000 "])
HEADINGS = st.sampled_from([HEADING, "二、着力优环境", "一、稳增长", "(三)加强统筹协调", "（一）扩大有效投资",
                            "第三部分 社会民生"])
NUMBERED = st.builds(lambda n, sep, text: f"{n}{sep}{text}", st.integers(1, 200), st.sampled_from([".", "、", "．"]),
                     st.sampled_from(["新建学校2所。", "推进老旧小区改造15个", "完成投资100亿元以上。"])) | \
    st.sampled_from(["(一)新增就业5000人", "(2)办好民生实事", "①培育新兴产业。", "1)完善制度"])
FIELDS = st.sampled_from(["牵头单位:区发改委", "责任单位:区财政局、区商务委", "牵头单位：区大数据局",
                          "配合单位:区统计局", "责任领导:区长", "完成时限:2024年底"])
KINDS = {"blank": BLANK, "heading": HEADINGS, "numbered": NUMBERED, "field": FIELDS, "junk": JUNK}


@st.composite
def variants(draw, name: str):
    """A corpus text with 1-3 lines inserted between its lines: (text, {line number: (kind, line)})."""
    lines = TEXTS[name].splitlines()
    inserted: list[tuple[int, str, str]] = []  # (index in the new lines, kind, text)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines)))
        kind = draw(st.sampled_from(sorted(KINDS) + ["copy"]))
        if kind == "copy":
            line = lines[min(max(at - draw(st.integers(0, 1)), 0), len(lines) - 1)]
        else:
            line = draw(KINDS[kind])
        lines.insert(at, line)
        inserted = [(i + (i >= at), k, t) for i, k, t in inserted] + [(at, kind, line)]
    return "\n".join(lines) + "\n", {i + 1: (k, t) for i, k, t in inserted}


@st.composite
def split_variants(draw, name: str):
    """A corpus text with a line inserted at an arbitrary character, splitting the line it falls in."""
    text = TEXTS[name]
    at = draw(st.integers(0, len(text)))
    kind = draw(st.sampled_from(sorted(KINDS)))
    line = draw(KINDS[kind])
    return text[:at] + "\n" + line + "\n" + text[at:], {text[:at].count("\n") + 2: ("split " + kind, line)}


class Held:
    """Which elements' claims hold the text (not blank, not punctuation) of each line, and of any stretch."""

    def __init__(self, plan):
        self.plan, self.starts = plan, [0]
        for raw in plan.text.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(raw))
        self.by_line: dict[int, list] = {}
        for c in plan.claims:
            for line in range(bisect_right(self.starts, c.start), bisect_right(self.starts, max(c.start, c.end - 1)) + 1):
                self.by_line.setdefault(line, []).append(c)

    def within(self, a: int, b: int) -> set[str]:
        out = set()
        for m in CONTENT.finditer(self.plan.text, a, b):
            line = bisect_right(self.starts, m.start())
            out |= {c.element for c in self.by_line.get(line, ()) if c.start < m.end() and m.start() < c.end}
        return out

    def line(self, no: int) -> set[str]:
        return self.within(self.starts[no - 1], self.starts[no])


def check_accounted(text: str, inserted: dict[int, tuple[str, str]], original=None) -> None:
    try:
        plan = read_plan("variant.txt", text=text)
    except PlanSyntaxError as e:  # a refusal is an account too, if it names its line
        assert e.line is not None and 1 <= e.line <= len(text.splitlines()), str(e)
        return
    named = {p.line for p in plan.problems}
    held = Held(plan)
    for no, line in enumerate(text.splitlines(), start=1):
        if no in named or all(c in NOT_CONTENT for c in line):
            continue
        owners = held.line(no)
        assert owners, f"line {no} {line!r} is part of no element and no problem names it"
        if plan.layout != "one-line":  # one line may hold many tasks only when line breaks were lost
            assert len(owners) == 1, f"line {no} {line!r} is part of {sorted(owners)}"
    # what the records say agrees with the claims: a task's text, its units, a heading lie in them
    # (unless a problem names the line: then two elements may claim it, and the problem says so)
    for t in [t for t in plan.tasks if t.text and t.line not in named]:  # a row whose cells went missing has none
        tasks = held.within(t.start, t.end)
        assert len(tasks) == 1, (t.id, t.text, tasks)
        for u in t.lead + t.responsible:
            assert u.line in named or held.within(u.start, u.end) == tasks, (t.id, u.name)
    for h in plan.sections + [s for s in plan.subsections if s.start is not None]:
        assert h.line in named or len(held.within(h.start, h.end)) == 1, h.heading
    for no, (kind, line) in inserted.items():
        if no in named or all(c in NOT_CONTENT for c in line) or held.line(no) == {"preamble"}:
            continue
        kind = kind.removeprefix("split ")  # a blank line that splits a line may change the reading
        if plan.layout == "table" and damage_reported(plan, held.line(no), named):
            continue  # one cell per line: a line in a cell's place cannot be told from the cell
        if kind == "junk" and held.line(no) == {f"unnumbered heading (line {no})"} and heading_like(line.strip()):
            continue  # Chinese words alone on a line before a task are a heading (parentheses-leaders.txt's)
        if kind == "junk":
            pytest.fail(f"junk line {no} {line!r} was taken into {sorted(held.line(no))} without a word")
        if kind == "heading":
            assert any(h.line == no for h in plan.sections + plan.subsections) or \
                any(t.line == no for t in plan.tasks), f"heading line {no} {line!r} read as {sorted(held.line(no))}"
        if kind == "field" and not line.startswith(("责任领导", "完成时限")):
            assert any(u.line == no for t in plan.tasks for u in t.lead + t.responsible), \
                f"field line {no} {line!r} gave no unit"
    if original is not None and all(k == "blank" for k, _ in inserted.values()):
        assert reading(plan) == reading(original), "a blank line changed the reading"


def damage_reported(plan, owners: set[str], named: set) -> bool:
    """In a flattened table: whether a problem names a line of the table holding the line, from its
    header to the next one (one cell per line: a line in a cell's place shifts the cells after it,
    or gives every row a title cell, and the reader reports where the cells stop fitting, not which
    line is the intruder)."""
    lines = [int(re.search(r"\(line (\d+)\)", e)[1]) for e in owners if e.startswith("row ")]
    headers = sorted(int(re.search(r"\(line (\d+)\)", c.element)[1]) for c in plan.claims
                     if c.element.startswith("table header"))
    for first in lines:
        start = max((h for h in headers if h <= first), default=first)
        stop = next((h for h in headers if h > first), 10**9)
        if any(p is not None and start <= p < stop for p in named):
            return True
    return False


def reading(plan):
    return ([(t.id, t.text, [u.name for u in t.lead], [u.name for u in t.responsible]) for t in plan.tasks],
            [s.heading for s in plan.sections], [p.message for p in plan.problems])


ORIGINALS = {name: read_plan(name, text=text) for name, text in TEXTS.items()}


def _property(name: str, examples: int):
    @settings(max_examples=examples, deadline=None, derandomize=False, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(variants(name) | split_variants(name))
    def run(variant):
        text, inserted = variant
        check_accounted(text, inserted, ORIGINALS[name])
    run()


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_every_line_accounted_for_quick(name):
    """A few dozen variants of each text: quick enough for every run."""
    _property(name, 40)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TEXTS))
def test_every_line_accounted_for(name):
    """Thousands of variants in all (CI: -m ''): 700 of each sample, 300 of the bundled plan (~60 s)."""
    _property(name, 300 if name == SOURCE.name else 700)


def test_the_originals_are_accounted_for_as_they_are():
    for name, plan in ORIGINALS.items():
        check_accounted(plan.text, {})
    assert len(ORIGINALS[SOURCE.name].tasks) == 171 and len(ORIGINALS[SOURCE.name].sections) == 12
    assert ORIGINALS[SOURCE.name].problems == []


# -- The named case: a heading appended after the last task --------------------------------------

def appended(tmp_path: Path, line: str = HEADING) -> Path:
    path = tmp_path / SOURCE.name
    path.write_text(SOURCE.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")
    shutil.copy(SOURCE.with_suffix(".toml"), path.with_suffix(".toml"))
    return path


def test_an_appended_heading_is_a_reading_problem(tmp_path):
    path = appended(tmp_path)
    line = len(path.read_text(encoding="utf-8").splitlines())
    plan = read_plan(path)
    assert [p.line for p in plan.problems] == [line]
    assert "section 十三" in plan.problems[0].message and "no task under it" in plan.problems[0].message
    result = CliRunner().invoke(cli, ["read", str(path)])
    assert result.exit_code == 0
    assert f"problems: 1\n  {path}:{line}: section 十三 '{HEADING}' has no task under it" in result.stdout


def test_plankg_validate_refuses_an_appended_heading_naming_its_line(tmp_path, settings):
    path = appended(tmp_path)
    line = len(path.read_text(encoding="utf-8").splitlines())
    result = CliRunner().invoke(cli, ["--data-dir", str(settings.data_dir), "validate", str(path)])
    assert result.exit_code == 1, result.output
    (shown,) = [x for x in result.stdout.splitlines() if "Violation" in x]
    assert shown.startswith(f"text (line {line})  Violation  ")
    assert f"{SOURCE.name}:{line}: section 十三" in shown
    turtle = CliRunner().invoke(cli, ["--data-dir", str(settings.data_dir), "validate", str(path), "-f", "turtle"])
    assert "plansh:SourceLineRead" in turtle.stdout or "shapes#SourceLineRead" in turtle.stdout


def test_validate_passes_the_bundled_plan_and_junk_inside_it_is_refused(tmp_path, settings):
    runner = CliRunner()
    result = runner.invoke(cli, ["--data-dir", str(settings.data_dir), "validate", "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    junk = tmp_path / "junk.txt"  # a stream layout: the line is reported, not glued to task 2
    junk.write_text("一、稳增长\n1、完成投资。[牵头单位:区发改局]\n这一行不属于任何任务\n2、新增主体。[牵头单位:区市场监管局]\n",
                    encoding="utf-8")
    result = runner.invoke(cli, ["read", str(junk)])
    assert f"{junk}:3: not read: '这一行不属于任何任务'" in result.stdout


def test_amend_refuses_an_appended_heading_and_changes_nothing(tmp_path, settings, built):
    root = tmp_path / "store"
    repo = Repository.open(settings.with_overrides(store_dir_override=root), validate=validate)
    before = {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    path = appended(tmp_path)
    outcome = amend.amend(repo, PLAN_IRI, amend.RevisedText(path), agent="test", message="a heading")
    assert not outcome.accepted
    (result,) = [r for r in outcome.report.blocking if r.rule == "SourceLineRead"]
    assert result.line == len(path.read_text(encoding="utf-8").splitlines()) and result.place == "text"
    assert str(result.value) == HEADING
    assert before == {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("text, line, words", [
    ("一、稳增长\n(一)完成投资100亿元\n垃圾文字\n责任单位:区发改局\n", 3, "is read as more of the text of task (一)"),
    ("一、稳增长\n(一)扩投资\n(二)促消费\n1、完成投资。[牵头单位:区发改局]\n", 2, "sub-section (一) '(一)扩投资' has no task"),
    ("一、目标\n杂项\n序号\n工作任务\n牵头单位\n1\n任务甲\n区发改局\n", 2, "not read: '杂项' (it belongs to no element"),
    ("一、目标\n序号\n工作任务\n牵头单位\n1\n任务甲\n区发改局\n二、空\n", 8, "section 二 '二、空' has no task under it"),
])
def test_each_way_a_line_can_fit_nowhere(text, line, words):
    plan = read_plan("x.txt", text=text)
    assert any(p.line == line and words in p.message for p in plan.problems), plan.problems


def test_the_account_reports_a_line_read_twice_and_a_line_read_by_none():
    """The account on its own, with claims no reader makes today: two elements over one line, none over another."""
    from plankg.layouts.account import account
    from plankg.reading import Claim, PlanText

    text = "一、稳增长\n1.任务甲。\n无人认领的一行\n"
    plan = PlanText("x.txt", text, [], [], [], 0, claims=[Claim(0, 5, "section 一 (line 1)"),
                                                        Claim(6, 12, "task 1 (line 2)"), Claim(8, 12, "task 2 (line 2)")])
    found = account(plan)
    assert [(p.line, p.message.split(":")[0]) for p in found] == [(3, "not read"), (2, "read twice")]
    assert "is part of task 1 (line 2) and of task 2 (line 2)" in found[1].message
    assert plan.problems == found


def test_plankg_build_lists_each_reading_problem_with_its_line_and_refuses_the_plan(tmp_path, settings):
    text = (SAMPLES / "parentheses-leaders.txt").read_text(encoding="utf-8").replace(
        "加强基础设施建设\n", "加强基础设施建设，具体如下\n")  # a sentence, not a heading: it fits nowhere
    sample = tmp_path / "parentheses-leaders.txt"
    sample.write_text(text, encoding="utf-8")
    store, build = tmp_path / "store", tmp_path / "build"
    result = CliRunner().invoke(cli, ["--data-dir", str(settings.data_dir), "--build-dir", str(build), "build",
                                      str(sample), "--district", "示例区", "--code", "999997", "--year", "2024",
                                      "--store", str(store)])
    assert result.exit_code == 1, result.output  # a line that fits nowhere is a violation: refused
    assert "1 line(s) of the text could not be read" in result.stdout
    assert f"    {sample}:13: not read: '加强基础设施建设，具体如下'" in result.stdout
    assert "SourceLineRead" in result.stdout
    assert not build.exists() or not list(build.iterdir())  # nothing exported
    assert not store.exists() or not any(p.suffix == ".ttl" for p in store.rglob("*"))


def test_an_unnumbered_heading_before_a_task_is_a_sub_section_holding_the_tasks_under_it():
    plan = read_plan(SAMPLES / "parentheses-leaders.txt")
    assert plan.problems == []
    (sub,) = plan.subsections
    assert (sub.section, sub.numeral, sub.title, sub.line) == (2, "", "加强基础设施建设", 13)
    assert [t.number for t in plan.tasks if t.subsection == sub.number and t.section == 2] == [4, 5]


def test_a_field_the_model_has_no_place_for_is_a_warning_and_a_line_that_fits_nowhere_a_violation():
    from rdflib import Graph

    from plankg import validate_reading
    from plankg.graph import PlanMeta, build_graph
    from plankg.registry import Registry
    from plankg.vocab import SH

    plan = read_plan("x.txt", text="一、稳增长\n1、完成投资。[牵头单位:区发改局;完成时限:2024年底]\n不属于任何任务\n")
    assert [p.line for p in plan.problems] == [3, None]
    base = "https://w3id.org/plankg/"
    g = build_graph(plan, PlanMeta("2024年重点工作", "样例区人民政府办公室", "样例区", "999999", 2024),
                    Registry.load(SOURCE.parent.parent / "units.ttl", base), base)
    report = Graph()
    report.add((report.identifier, SH.conforms, SH.conforms))  # any graph: the results are added to it
    validate_reading.add_results(g, report)
    found = {(str(report.value(r, SH.sourceShape)).split("#")[-1], str(report.value(r, SH.resultSeverity)).split("#")[-1])
             for r in report.subjects(SH.focusNode, None)}
    assert found == {("SourceLineRead", "Violation"), ("FieldNotRead", "Warning")}
