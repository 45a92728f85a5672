"""python -m bench.validation [--repeat K]: the candidates for checking and reasoning, side by side.

In-process, on the bundled plan, medians of K runs (CPU seconds of this process, and wall):
validation by pySHACL (the reference) and by plankg.fastshacl, in full and for the nodes one
amendment touches (plankg.validate.validate_change), and by pyrudof when it is installed;
inference by the rules on Oxigraph (plankg.reason.infer), owlrl, and `reasonable` when installed;
Turtle writing. Writes bench/results/validation.md.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from rdflib import Graph

from plankg import pipeline, reason, reference, serialize, validate
from plankg.config import Settings
from plankg.vocab import PLAN

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"


def _time(fn, repeat: int) -> tuple[float, float]:
    cpu, wall = [], []
    for _ in range(repeat):
        c, w = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu), statistics.median(wall)


def _with(engine: str, fn):
    def run():
        os.environ["PLANKG_VALIDATOR"] = engine
        return fn()
    return run


def _pyrudof(data: Graph, folder: Path):
    """pyrudof's own SHACL engine on the same data and shapes (reading included), or None."""
    try:
        import pyrudof
    except ImportError:
        return None
    data.serialize(folder / "data.nt", format="nt", encoding="utf-8")
    validate.shapes_graph().serialize(folder / "shapes.ttl", format="turtle")

    def run():
        r = pyrudof.Rudof(pyrudof.RudofConfig())
        r.read_data(str(folder / "data.nt"), pyrudof.RDFFormat.NTriples)
        r.read_shacl(str(folder / "shapes.ttl"))
        r.validate_shacl()
    return run


def _reasonable(asserted: Graph, ontology: Graph):
    try:
        import reasonable
    except ImportError:
        return None

    def run():
        r = reasonable.PyReasoner()
        r.from_graph(asserted + ontology)
        return r.reason()
    return run


def run(repeat: int, quick: bool) -> dict:
    """The goal row of ``python -m bench`` (bench/scale.py): the fast path on the bundled plan,
    in-process, each run's CPU seconds, and whether its report is the same as pySHACL's.

    Only the bundled plan is compared here; tests/test_fastshacl.py compares every rule case,
    sample and mutation (CI runs it), which is what "identical" rests on.
    """
    settings = Settings(data_dir=REPO / "data", build_dir_override=Path(tempfile.mkdtemp()))
    data = pipeline.build(settings.bundled_plan, settings).graph + reference.graph(settings)
    seconds = []
    for _ in range(max(repeat, 3)):
        c = time.process_time()
        fast = _with("fast", lambda: validate.validate(data))()
        seconds.append(time.process_time() - c)
    c = time.process_time()
    reference_report = _with("pyshacl", lambda: validate.validate(data))()
    reference_seconds = time.process_time() - c
    os.environ.pop("PLANKG_VALIDATOR", None)
    same = fast.to_text() == reference_report.to_text() and fast.conforms == reference_report.conforms
    return {"seconds": seconds, "identical": same, "reference_seconds": reference_seconds,
            "note": "CPU s in-process; same report as pySHACL on the bundled plan" + ("" if same else ": NOT identical")
                    + " (every case and mutation: tests/test_fastshacl.py)"}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.validation", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-reference", action="store_true", help="skip pySHACL and owlrl (the slow ones)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp())
    settings = Settings(data_dir=REPO / "data", build_dir_override=folder)
    built = pipeline.build(settings.bundled_plan, settings)
    data = built.graph + reference.graph(settings)
    ontology = reference.reasoned(settings, built.meta.division_code)
    # one amendment: task 64's text reworded
    task = next(s for s in built.graph.subjects() if str(s).endswith("/task/64"))
    new = Graph()
    new += built.graph
    text = next(built.graph.objects(task, PLAN.text))
    new.set((task, PLAN.text, type(text)(str(text) + "（修订）")))
    previous = validate.stored_report(validate.validate(data).to_turtle())
    changed = new + reference.graph(settings)
    inferred = reason.infer(built.graph, ontology)

    rows = []  # (what, how, cpu, wall)
    slow = 1 if args.repeat > 1 else args.repeat
    if not args.no_reference:
        rows.append(("validation, bundled plan", "pySHACL (reference)",
                     *_time(_with("pyshacl", lambda: validate.validate(data)), slow)))
    rows.append(("validation, bundled plan", "fast path (plankg.fastshacl)",
                 *_time(_with("fast", lambda: validate.validate(data)), args.repeat)))
    rows.append(("validation, one amendment", "fast path, touched nodes only (validate_change)",
                 *_time(_with("fast", lambda: validate.validate_change(built.graph, new, changed, previous)),
                        args.repeat)))
    if not args.no_reference:
        rows.append(("validation, one amendment", "pySHACL, touched nodes only",
                     *_time(_with("pyshacl", lambda: validate.validate_change(built.graph, new, changed, previous)),
                            slow)))
    rudof = _pyrudof(data, folder)
    if rudof:
        rows.append(("validation, bundled plan", "pyrudof 0.3 (native engine, reading included)", *_time(rudof, slow)))
    rows.append(("inference", "rules on Oxigraph (plankg.reason.infer)",
                 *_time(lambda: reason.infer(built.graph, ontology), args.repeat)))
    if not args.no_reference:
        rows.append(("inference", "owlrl (OWL 2 RL closure)",
                     *_time(lambda: reason.infer_owlrl(built.graph, ontology), slow)))
    rr = _reasonable(built.graph, ontology)
    if rr:
        rows.append(("inference", "reasonable (OWL 2 RL, Rust)", *_time(rr, slow)))
    rows.append(("Turtle writing", "plan graph (plankg.serialize.turtle)",
                 *_time(lambda: serialize.turtle(built.graph), args.repeat)))
    rows.append(("Turtle writing", "inferred graph", *_time(lambda: serialize.turtle(inferred), args.repeat)))
    os.environ.pop("PLANKG_VALIDATOR", None)

    lines = ["# Validation, inference and Turtle writing, in-process (bundled plan)", "",
             f"Medians of {args.repeat} runs ({slow} for the slow references), on a shared 2-core machine.",
             f"`python -m bench.validation --repeat {args.repeat}`", "",
             "| step | how | CPU s | wall s |", "|---|---|---:|---:|"]
    lines += [f"| {what} | {how} | {cpu:.3f} | {wall:.3f} |" for what, how, cpu, wall in rows]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "validation.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
