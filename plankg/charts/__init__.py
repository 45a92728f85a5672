"""Charts of the canned questions: one Vega-Lite (or Vega) spec per chart, drawn by the browser
(vega-embed, ``/charts/NAME``) and rendered to SVG or PNG without one (``plankg chart NAME``).

Both draw the same spec file (``plankg/charts/specs/NAME.json``) with the same data: the rows of
the canned queries the spec names in its ``usermeta.plankg`` block, inlined as named datasets.
So a chart never has data of its own: the page shows the same rows as a table with CSV/JSON
links to ``/queries/NAME``, and the tests can compare marks with rows. The look every chart
shares (font, sizes) is one file, ``theme.json``; the CJK font it names is the one README asks
for (Debian's fonts-noto-cjk).
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import canned

HERE = Path(__file__).parent
INTEGER = re.compile(r"-?\d+")
DECIMAL = re.compile(r"-?\d+\.\d*([eE][-+]?\d+)?|-?\d+[eE][-+]?\d+")


@dataclass(frozen=True)
class Dataset:
    """One named dataset of a spec: the canned query that fills it, and fixed parameters."""

    name: str
    query: str
    fixed: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    description: str
    spec: dict
    datasets: tuple[Dataset, ...]
    params: dict[str, str]        # chart parameter -> default ("" for none); passed to every query taking it
    required: tuple[str, ...] = ()

    @property
    def grammar(self) -> str:
        return "vega" if "/vega/" in self.spec.get("$schema", "") else "vega-lite"


def _load(path: Path) -> Chart:
    spec = json.loads(path.read_text(encoding="utf-8"))
    meta = spec.get("usermeta", {}).get("plankg", {})
    name = path.name.removesuffix(".json")
    datasets = tuple(Dataset(n, d["query"], {k: str(v) for k, v in d.get("fixed", {}).items()})
                     for n, d in meta["data"].items())
    return Chart(name, meta["title"], meta.get("description", ""), spec, datasets,
                 {k: str(v) for k, v in meta.get("params", {}).items()}, tuple(meta.get("required", ())))


def load_all() -> dict[str, Chart]:
    """Every chart, in the order of specs/order.json (the order pages and README list them)."""
    order = json.loads((HERE / "specs" / "order.json").read_text(encoding="utf-8"))
    charts = {p.name.removesuffix(".json"): _load(p) for p in sorted((HERE / "specs").glob("*.json"))
              if p.name != "order.json"}
    return {n: charts[n] for n in order if n in charts} | charts


def get(name: str) -> Chart:
    charts = load_all()
    if name not in charts:
        raise canned.QueryError(f"no chart {name!r} (known: {', '.join(charts)})")
    return charts[name]


def theme() -> dict:
    return json.loads((HERE / "theme.json").read_text(encoding="utf-8"))


def query_values(chart: Chart, query: canned.CannedQuery, values: dict[str, str], fixed: dict[str, str]) -> dict:
    """The parameters one query gets: the chart's values (or defaults) that the query declares, then fixed ones."""
    declared = {p.name for p in query.params}
    out = {k: v for k, v in chart.params.items() if k in declared and v}
    out.update({k: v for k, v in values.items() if k in declared and v})
    out.update(fixed)
    return out


def typed(value: str):
    """A cell as JSON wants it: numbers as numbers, so the spec needs no parse step."""
    if INTEGER.fullmatch(value):
        return int(value)
    return float(value) if DECIMAL.fullmatch(value) else value


def records(rows, link: Callable[[str], str]) -> list[dict]:
    """Query rows as records; every IRI cell gets a ``COLUMN_href`` beside it (where a click goes)."""
    out = []
    for row in rows.rows:
        rec = {}
        for column, value in zip(rows.columns, row):
            rec[column] = typed(value)
            if value.startswith(("http://", "https://")):
                rec[column + "_href"] = link(value)
        out.append(rec)
    return out


@dataclass
class Built:
    """A chart made ready to draw: the spec with its data inlined, and the rows behind it."""

    chart: Chart
    spec: dict
    tables: list[tuple[Dataset, dict[str, str], object]]   # dataset, the values its query ran with, Rows


def build(name: str, store, values: dict[str, str] | None = None, link: Callable[[str], str] = str,
          queries: dict[str, canned.CannedQuery] | None = None) -> Built:
    """Run the chart's queries on ``store`` (a Store or the server's engine) and inline their rows.

    ``queries`` are the canned queries by name (the server passes the ones it read at start).
    """
    chart = get(name)
    queries = queries if queries is not None else canned.load_all()
    values = {k: v for k, v in (values or {}).items() if v}
    unknown = sorted(set(values) - set(chart.params))
    if unknown:
        raise canned.QueryError(f"chart {name!r} has no parameter(s) {', '.join(unknown)}"
                                f" (it takes: {', '.join(chart.params) or 'none'})")
    missing = [p for p in chart.required if not values.get(p)]
    if missing:
        raise canned.QueryError(f"chart {name!r} needs parameter(s): {', '.join(missing)} (e.g. --param {missing[0]}=IRI)")
    spec = copy.deepcopy(chart.spec)
    spec["config"] = _theme_for(chart.grammar) | spec.get("config", {})
    tables, inline = [], {}
    for dataset in chart.datasets:
        query = queries[dataset.query]
        given = query_values(chart, query, values, dataset.fixed)
        rows = query.run(store, given)
        tables.append((dataset, given, rows))
        inline[dataset.name] = records(rows, link)
    _inline(spec, inline, chart.grammar)
    _signals(spec, values, chart)
    return Built(chart, spec, tables)


def _theme_for(grammar: str) -> dict:
    """The theme; Vega has no one ``font`` for everything as Vega-Lite has, so it is spelled out
    for titles, legends, axes and text marks (else the network's came out in a serif font)."""
    config = theme()
    font = config.get("font") if grammar == "vega" else None
    if font:
        for part, keys in {"title": ["font"], "legend": ["labelFont", "titleFont"],
                           "axis": ["labelFont", "titleFont"], "text": ["font"]}.items():
            config[part] = {k: font for k in keys} | config.get(part, {})
    return config


def _inline(spec: dict, inline: dict[str, list], grammar: str) -> None:
    if grammar == "vega":
        for data in spec.get("data", []):
            if data.get("name") in inline:
                data["values"] = inline[data["name"]]
    else:
        spec["datasets"] = {**spec.get("datasets", {}), **inline}


def _signals(spec: dict, values: dict[str, str], chart: Chart) -> None:
    """A chart parameter that is also a Vega signal or Vega-Lite param starts at the given value."""
    for holder in spec.get("signals", []) + spec.get("params", []):
        name = holder.get("name")
        if name in chart.params and (values.get(name) or chart.params[name]):
            holder["value"] = typed(values.get(name) or chart.params[name])
