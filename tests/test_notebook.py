"""plankg's Python API (plankg.notebook) answers as ``plankg query`` does, and docs/notebook.ipynb runs.

The DataFrames are compared with what the command prints as CSV, read back by pandas: the same
rows, the same columns, numbers where the CSV has numbers.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

import plankg
from plankg.canned import QueryError
from plankg.config import Settings

from .conftest import DATA, PLAN_IRI, REPO

QUESTIONS = [["unit-workload"], ["targets"], ["sections"], ["tasks-led-by", "--param", "unit=区发改委"],
             ["compare-leads-by-body-type"], ["target-status"]]


@pytest.fixture(scope="module")
def api_settings(settings, built, tmp_path_factory):
    return Settings(data_dir=DATA, build_dir_override=settings.build_dir,
                    store_dir_override=tmp_path_factory.mktemp("api-store"))


@pytest.fixture(scope="module")
def kg(api_settings):
    return plankg.open(settings=api_settings)


def cli_frame(run_cli, args) -> pd.DataFrame:
    result = run_cli("query", *args, "--format", "csv")
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.output), keep_default_na=False)


def params(args) -> dict:
    return dict(a.split("=", 1) for a in args[2::2])


def test_import_plankg_loads_no_library():
    code = "import sys, plankg; assert callable(plankg.open); print(sorted(m for m in sys.modules if m.startswith(('rdflib', 'pandas', 'plankg.'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("args", QUESTIONS, ids=lambda a: "-".join(a[:1] + a[2:]))
def test_query_frame_is_the_cli_csv(kg, run_cli, args, api_settings):
    frame = kg.query(args[0], **params(args))
    pd.testing.assert_frame_equal(frame, cli_frame(run_cli, args), check_dtype=False)


def test_numbers_are_numbers(kg):
    workload = kg.query("unit-workload")
    assert workload["total"].dtype.kind == "i" and workload["total"].sum() > 171
    assert kg.query("targets")["value"].dtype.kind == "f"
    assert kg.query("tasks")["text"].map(type).eq(str).all()


def test_plans_and_questions(kg):
    assert kg.plans["plan"].tolist() == [PLAN_IRI]
    assert kg.plans["year"].tolist() == [2023]
    assert {"unit-workload", "tasks-led-by", "target-status"} <= set(kg.questions["name"])


def test_task_35(kg):
    task = kg.task(35)
    assert task.iri == f"{PLAN_IRI}/task/35"
    assert task.text.endswith("旅游收入实现530亿元。") and task.lead_units == "区文旅委"
    assert task.responsible_units.count("各管委会") == 2  # as the plan writes it
    assert task.units["role"].tolist()[0] == "lead" and "区招商局" in task.units["unit_label"].tolist()
    assert task.targets[["indicator", "value", "comparator"]].values.tolist() == [["旅游收入", 53_000_000_000, "reach"]]
    assert task.verdicts["verdict"].tolist() == ["not-reported"]
    assert "任务 35" in repr(task)


def test_errors_say_what_is_known(kg):
    with pytest.raises(KeyError, match="has no task 999"):
        kg.task(999)
    with pytest.raises(QueryError, match="no canned query 'nope'.*unit-workload"):
        kg.query("nope")
    with pytest.raises(QueryError, match="needs parameter"):
        kg.query("tasks-led-by")


def test_sparql(kg):
    frame = kg.sparql("PREFIX plan: <https://w3id.org/plankg/ontology#> "
                      "SELECT ?number WHERE { ?t plan:number ?number ; plan:text ?x } ORDER BY ?number LIMIT 3")
    assert frame["number"].tolist() == [1, 2, 3]  # plan:number is an integer


def test_chart_renders_in_jupyter(kg):
    chart = kg.chart("unit-workload")
    bundle = chart._repr_mimebundle_()
    spec = bundle["application/vnd.vegalite.v5+json"]
    rows = kg.query("workload-by-unit")
    assert len(next(iter(spec["datasets"].values()))) == len(rows)
    assert bundle["image/svg+xml"].lstrip().startswith("<svg") and "区发改委" in bundle["image/svg+xml"]
    assert "application/vnd.vega.v5+json" in kg.chart("collaboration")._repr_mimebundle_()  # a Vega (not -Lite) spec


@pytest.mark.slow
def test_notebook_runs_and_its_frames_are_the_cli_csv(api_settings, run_cli, monkeypatch, tmp_path):
    """docs/notebook.ipynb executed as Jupyter would; then its answers are read from the kernel."""
    import nbclient
    import nbformat

    nb = nbformat.read(REPO / "docs" / "notebook.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import json; print(json.dumps({k: v.to_csv(index=False) for k, v in from_canned.items()}))"))
    monkeypatch.setenv("PLANKG_DATA_DIR", str(DATA))
    monkeypatch.setenv("PLANKG_BUILD_DIR", str(api_settings.build_dir))
    monkeypatch.setenv("PLANKG_STORE", str(api_settings.store_dir))
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in nb.cells:
        assert not [o for o in cell.get("outputs", []) if o.output_type == "error"], cell.source
    answers = json.loads(nb.cells[-1].outputs[0]["text"])
    assert len(answers) >= 5
    for key, csv in answers.items():
        args = key.split(" ")
        expected = cli_frame(run_cli, [args[0], *sum((["--param", a] for a in args[1:]), [])])
        pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(csv), keep_default_na=False), expected,
                                      check_dtype=False, obj=key)
