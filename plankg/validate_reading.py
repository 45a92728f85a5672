"""Reading problems → SHACL validation results: a line of the text that is part of no element blocks.

A plan built from a text keeps each line it could not read as a plan:ReadingProblem (its line,
its words, why; plankg.graph). Checking the plan turns each into a standard sh:ValidationResult
of severity sh:Violation, rule ``SourceLineRead``, focus the problem node, so that ``plankg
validate`` reports it with its line and ``plankg amend``, ``/update`` and the import of built plans
refuse the plan until the text is fixed (a problem with no line — a kind of field the model has
no place for, such as 完成时限 — is the Warning ``FieldNotRead``). The result is made here rather than by a shape in
shapes/: what makes it wrong is already decided by the reader (plankg.layouts.account); the
check only carries it into the report every caller reads.
"""
from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace

from .vocab import DCTERMS, PLAN, RDF, RDFS, SH

PLANSH = Namespace("https://w3id.org/plankg/shapes#")
RULE = PLANSH.SourceLineRead
FIELD_NOT_READ = PLANSH.FieldNotRead  # a Warning: a field kind the model has no place for (完成时限)


def add_results(data: Graph, report: Graph, focus_nodes=None) -> None:
    """Add a Violation to ``report`` for each reading problem in ``data`` (within ``focus_nodes``)."""
    problems = sorted(set(data.subjects(RDF.type, PLAN.ReadingProblem)))
    if focus_nodes is not None:
        problems = [p for p in problems if p in set(focus_nodes)]
    if not problems:
        return
    top = next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)
    for problem in problems:
        line = data.value(problem, PLAN.sourceLine)
        why = data.value(problem, RDFS.comment)
        plan = data.value(problem, PLAN.inPlan)
        source = data.value(data.value(plan, PLAN.sourceDocument), DCTERMS.title) if plan is not None else None
        where = f"{source or 'the text'}:{line}" if line is not None else str(source or "the text")
        # a problem with no line is no line that fits nowhere: a kind of field the model has no
        # place for (完成时限), read as a field of its task and named here so it is not lost unseen
        rule = RULE if line is not None else FIELD_NOT_READ
        result = BNode()
        if top is not None:
            report.add((top, SH.result, result))
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.focusNode, problem))
        report.add((result, SH.resultSeverity, SH.Violation if line is not None else SH.Warning))
        report.add((result, SH.sourceShape, rule))
        report.add((result, SH.sourceConstraintComponent, PLANSH[f"{rule.split('#')[-1]}Component"]))
        written = data.value(problem, PLAN.valueAsWritten)
        if written is not None:
            report.add((result, SH.value, written))
        zh = (f"原文{where}未能确切读入方案的任何要素（导语、标题、任务内容、单位栏目），须先修正原文" if line is not None
              else f"原文{where}中有模型未收录的栏目，未读入图中")
        report.add((result, SH.resultMessage, Literal(zh, lang="zh")))
        report.add((result, SH.resultMessage, Literal(f"{where}: {why}", lang="en")))
