"""plankg from Python, for notebooks: ``kg = plankg.open()``, then DataFrames and charts.

It asks the same store the command line asks (:func:`plankg.asking.query_store`: the state
folder's current versions, the reference data and the stored outcome reports) or, with ``store_url=``, the external
SPARQL store a server mirrors to, through the server's own client (guards, row cap, Virtuoso's
corrections). Canned questions run exactly as ``plankg query NAME`` runs them, so a DataFrame
holds the rows ``plankg query NAME --format csv`` prints; numbers are numbers where every cell
of a column is one, as pandas' ``read_csv`` would read that CSV. pandas is the optional extra
``plankg[notebook]``, imported only when a DataFrame is made.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import canned, charts
from .asking import query_store
from .config import Settings, from_env
from .store import Rows

INTEGER = re.compile(r"[-+]?\d+")
NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ImportError("plankg's DataFrames need pandas: pip install 'plankg[notebook]'") from None
    return pandas


def frame(rows: Rows):
    """Rows as a DataFrame: a column whose every cell is an integer (or a number) becomes one."""
    pd = _pandas()
    df = pd.DataFrame(rows.rows, columns=rows.columns, dtype=object)
    for column in rows.columns:
        cells = df[column].tolist()
        if cells and all(INTEGER.fullmatch(c) for c in cells):
            df[column] = [int(c) for c in cells]
        elif cells and all(NUMBER.fullmatch(c) for c in cells):
            df[column] = [float(c) for c in cells]
        else:
            df[column] = df[column].astype(str)
    return df


@dataclass(frozen=True)
class Chart:
    """A chart's spec, filled with its canned questions' rows as ``plankg chart`` fills it.

    Jupyter draws it from the Vega-Lite (or Vega) MIME type; the SVG beside it (drawn by
    vl-convert, as ``plankg chart`` draws files) is what renderers without Vega show.
    """

    name: str
    title: str
    spec: dict
    grammar: str  # "vega-lite" or "vega"

    def svg(self) -> str:
        """The chart as SVG text (labels stay text, so they can be searched and selected)."""
        from .charts import render

        return render.svg(self.spec, self.grammar)

    def save(self, path) -> Path:
        """Write SVG or PNG, by the file's suffix."""
        from .charts import render

        path = Path(path)
        if path.suffix.lower() == ".png":
            path.write_bytes(render.png(self.spec, self.grammar))
        else:
            path.write_text(self.svg(), encoding="utf-8")
        return path

    def _repr_mimebundle_(self, include=None, exclude=None):
        """What Jupyter shows: the spec as Vega-Lite (or Vega) for its renderer, SVG for the others."""
        mime = "application/vnd.vegalite.v5+json" if self.grammar == "vega-lite" else "application/vnd.vega.v5+json"
        return {mime: self.spec, "image/svg+xml": self.svg(), "text/plain": f"<plankg chart {self.name}: {self.title}>"}


@dataclass(frozen=True)
class Task:
    """One task: its text and section, the units named on it, its targets and their verdicts."""

    iri: str
    number: str
    section: str
    subsection: str
    text: str
    lead_units: str
    responsible_units: str
    units: object      # DataFrame: task-units (unit, role, what else it carries)
    targets: object    # DataFrame: targets of this task
    verdicts: object   # DataFrame: target-status of this task

    def __repr__(self) -> str:
        return (f"任务 {self.number} ({self.iri})\n{self.text}\n牵头单位: {self.lead_units}\n"
                f"责任单位: {self.responsible_units}\n{len(self.targets)} target(s), {len(self.units)} unit(s)")


class KnowledgeGraph:
    """The plans a store holds, asked in canned questions or SPARQL; every answer a DataFrame."""

    def __init__(self, store, settings: Settings):
        self.store, self.settings = store, settings
        self._queries = canned.load_all()

    def __repr__(self) -> str:
        return f"<plankg {len(self.plans)} plan(s) at {self.settings.base}>"

    @property
    def plans(self):
        """The plans loaded: plan, plan_label, district, year."""
        return self.query("plans")

    @property
    def questions(self):
        """The canned questions: name, title, parameters, columns."""
        pd = _pandas()
        return pd.DataFrame([(q.name, q.title, ", ".join(p.name for p in q.params), ", ".join(q.columns))
                             for q in self._queries.values()], columns=["name", "title", "params", "columns"])

    def rows(self, name: str, **params) -> Rows:
        """A canned question's rows as plankg query prints them (strings), without pandas."""
        if name not in self._queries:
            raise canned.QueryError(f"no canned query {name!r} (known: {', '.join(sorted(self._queries))})")
        return self._queries[name].run(self.store, {k: str(v) for k, v in params.items() if v is not None})

    def query(self, name: str, **params):
        """A canned question (queries/NAME.rq) as a DataFrame: ``kg.query("tasks-led-by", unit="区发改委")``."""
        return frame(self.rows(name, **params))

    def sparql(self, text: str):
        """Any SELECT (or ASK, CONSTRUCT) over every graph, as a DataFrame of strings and numbers."""
        return frame(self.store.select(text))

    def _plan(self, plan: str | None) -> str:
        if plan:
            return plan
        plans = self.rows("plans").rows
        if len(plans) != 1:
            known = ", ".join(r[0] for r in plans) or "none"
            raise ValueError(f"{len(plans)} plans are loaded: say which one with plan=IRI (loaded: {known})")
        return plans[0][0]

    def task(self, number, plan: str | None = None) -> Task:
        """A task by its number (or id, such as "二.3") in ``plan`` (default: the one plan loaded)."""
        plan = self._plan(plan)
        number = str(number)
        tasks = [r for r in self.rows("tasks", plan=plan).rows if r[0] == number]
        if not tasks:
            raise KeyError(f"{plan} has no task {number}")
        _, section, subsection, text, lead, responsible = tasks[0]
        iri = f"{plan}/task/{number}"
        targets = self.query("targets", plan=plan)
        verdicts = self.query("target-status", plan=plan)
        return Task(iri, number, section, subsection, text, lead, responsible,
                    self.query("task-units", task=iri),
                    targets[targets["number"].astype(str) == number].reset_index(drop=True),
                    verdicts[verdicts["task"].astype(str) == number].reset_index(drop=True))

    def chart(self, name: str, plan: str | None = None, **params) -> Chart:
        """A chart of plankg/charts (``kg.chart("unit-workload")``), drawn inline by Jupyter."""
        values = {k: str(v) for k, v in params.items() if v is not None}
        if plan:
            values["plan"] = plan
        built = charts.build(name, self.store, values, queries=self._queries)
        return Chart(name, built.chart.title, built.spec, built.chart.grammar)


def open(path=None, *, store_url: str | None = None, settings: Settings | None = None,  # noqa: A001
         **store_options) -> KnowledgeGraph:
    """The plans of a data folder (``path``; default: the one ``plankg`` uses, PLANKG_* variables
    included), or of the external SPARQL store at ``store_url`` (the server's ``--store-url``;
    ``store_user=`` and the PLANKG_STORE_PASSWORD variable for one that asks for a login)."""
    settings = settings or from_env()
    if path is not None:
        settings = settings.with_overrides(data_dir=Path(path).resolve())
    if store_url:
        import os

        from .server.config import ServerConfig
        from .server.remote import RemoteEngine

        config = ServerConfig(settings=settings, store_url=store_url, result_cache_mb=0,
                              store_password=os.environ.get("PLANKG_STORE_PASSWORD") if store_options.get("store_user") else None,
                              **store_options)
        return KnowledgeGraph(RemoteEngine(config), settings)
    return KnowledgeGraph(query_store(settings), settings)
