"""`plankg diff` says what moved: sections, task moves and target changes, with offsets counted apart."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from plankg import diff, pipeline
from plankg.cli import cli
from plankg.vocab import PLAN

from .conftest import PLAN_IRI, SOURCE

TEXT = SOURCE.read_text(encoding="utf-8")
# task 11's responsible list gets one more name: every later offset in the text moves
ONE_NAME = ("11.注重规范经营,允许适度扩大外摆经营、开展特色外摆。\n牵头单位:区城管局\n责任单位:各街道\n",
            "11.注重规范经营,允许适度扩大外摆经营、开展特色外摆。\n牵头单位:区城管局\n责任单位:各街道、区市场监管局\n")
HEADING_141 = ("141.融合运用", "十、着力建设海绵城市\n141.融合运用")  # a new section 十 before task 141 …
RENUMBERED = [("十二、全面加强", "十三、全面加强"), ("十一、着力防风险", "十二、着力防风险"),
              ("十、着力兜底线", "十一、着力兜底线")]  # … and the sections after it renumbered
RETAIL_51 = ("社会消费品零售总额超过200亿元", "社会消费品零售总额300亿元左右")


def edited(text: str, *edits: tuple[str, str]) -> str:
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def write_plan(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SOURCE.name
    path.write_text(text, encoding="utf-8")
    path.with_suffix(".toml").write_text(SOURCE.with_suffix(".toml").read_text(encoding="utf-8"), encoding="utf-8")
    return path


def summary(output: str) -> str:
    return output.splitlines()[0]


@pytest.mark.slow
def test_cli_diff_says_what_moved(settings, built, tmp_path):
    """Two amendments through the CLI on a temporary store, each diffed in words and as Turtle."""
    runner = CliRunner()
    store = tmp_path / "store"

    def run(*args):
        result = runner.invoke(cli, ["--build-dir", str(settings.build_dir), *args, "--store", str(store)],
                               catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    v2 = edited(TEXT, ONE_NAME)
    run("amend", str(write_plan(tmp_path / "v2", v2)), "-m", "task 11 gets 区市场监管局")
    out = run("diff", "1", "2")
    assert "0 task(s) added, 0 removed, 1 changed, 0 moved" in summary(out), out
    assert "0 section(s) added, 0 removed, 0 renamed, 0 renumbered" in summary(out)
    assert out.splitlines()[1:4] == ["~ task 11 changed (responsible)", "    responsible: 各街道",
                                     "               → 各街道、区市场监管局"]
    assert "+ unit appeared" not in out  # 区市场监管局 leads other tasks already
    rdf = Graph().parse(data=run("diff", "1", "2", "--format", "turtle"), format="turtle")
    (node,) = rdf.subjects(PLAN.offsetsShifted, None)
    added, removed = (int(rdf.value(node, p)) for p in (PLAN.triplesAdded, PLAN.triplesRemoved))
    assert added + removed <= 12, (added, removed)  # was 1,813 added and 1,804 removed
    assert int(rdf.value(node, PLAN.offsetsShifted)) > 1500
    assert f"{int(rdf.value(node, PLAN.offsetsShifted)):,} offset(s) shifted" in summary(out)
    assert set(rdf.objects(node, PLAN.changedTask)) == {URIRef(PLAN_IRI + "/task/11")}

    v3 = edited(v2, *RENUMBERED, HEADING_141, RETAIL_51)
    run("amend", str(write_plan(tmp_path / "v3", v3)), "-m", "new section 十 before task 141")
    out = run("diff", "2", "3")
    lines = out.splitlines()
    assert "1 section(s) added, 0 removed, 0 renamed, 3 renumbered" in summary(out), out
    assert "0 task(s) added, 0 removed, 1 changed, 1 moved; 1 target(s) changed" in summary(out)
    assert "+ section 十 added (line 444): 着力建设海绵城市" in lines
    assert "~ section 十 renumbered 十 → 十一: 着力兜底线、优服务,持续增进民生福祉" in lines
    assert "> task 141 moved from section 九 to section 十" in lines
    assert ("~ task 51 target changed (value, comparator): 社会消费品零售总额 200亿元 at-least [大坪商圈]"
            " → 社会消费品零售总额 300亿元 about [大坪商圈]") in lines
    assert not any(line.startswith("> task 14") and "141" not in line for line in lines)  # 142… did not move
    rdf = Graph().parse(data=run("diff", "2", "3", "--format", "turtle"), format="turtle")
    (node,) = rdf.subjects(PLAN.offsetsShifted, None)
    (move,) = rdf.objects(node, PLAN.taskMove)
    assert (rdf.value(move, PLAN.movedTask), rdf.value(move, PLAN.fromSection), rdf.value(move, PLAN.toSection)) == (
        URIRef(PLAN_IRI + "/task/141"), URIRef(PLAN_IRI + "/section/9"), URIRef(PLAN_IRI + "/section/10"))
    assert set(rdf.objects(node, PLAN.addedSection)) == {URIRef(PLAN_IRI + "/section/10")}
    assert {str(s).rsplit("/", 1)[-1] for s in rdf.objects(node, PLAN.renumberedSection)} == {"11", "12", "13"}
    assert set(rdf.objects(node, PLAN.changedTarget)) == {URIRef(PLAN_IRI + "/task/51/target/2")}


def test_a_heading_inserted_out_of_sequence_moves_task_141(settings, built, tmp_path):
    """The amended copy of issue 14: 十三、… between 九 and 十. Whether the rules accept it or not,
    the diff must say that a section appeared and task 141 moved into it."""
    revised = pipeline.build(write_plan(tmp_path, edited(TEXT, ("141.融合运用", "十三、着力建设海绵城市\n141.融合运用"))),
                             settings)
    d = diff.diff(built.graph, revised.graph, "v1", "v2")
    text = d.to_text().splitlines()
    assert "+ section 十三 added (line 444): 着力建设海绵城市" in text
    assert "> task 141 moved from section 九 to section 十三" in text
    assert "0 task(s) added, 0 removed, 0 changed, 1 moved" in text[0]
    assert d.offsets_shifted > 300 and d.triples_added + d.triples_removed < 20


def test_a_new_sub_section_takes_a_task_and_renumbers_the_next(settings, built, tmp_path):
    revised = pipeline.build(write_plan(tmp_path, edited(TEXT, ("(三)全方位做靓", "(四)全方位做靓"),
                                                         ("15.化龙桥新兴商圈", "(三)打造新兴商圈\n15.化龙桥新兴商圈"))),
                             settings)
    text = diff.diff(built.graph, revised.graph, "v1", "v2").to_text().splitlines()
    assert text[1:] == ["+ sub-section 二（三） added (line 59): 打造新兴商圈",
                        "~ sub-section 二（三） renumbered 二（三） → 二（四）: 全方位做靓“五张消费名片”",
                        "> task 15 moved from sub-section 二（二） to sub-section 二（三）"]
    assert "1 section(s) added, 0 removed, 0 renamed, 1 renumbered" in text[0]
