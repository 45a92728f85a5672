"""The goals the benchmarks are held to, each with the figure measured, the reference beside it
and met / not met: issue 22's (the write path at the engine's speed), issue 15's and earlier ones."""
from __future__ import annotations

from .scale_base import Bench, median, ratio

TOP = 1000  # the "at 1,000 plans"


def _verdict(ok) -> str:
    return "met" if ok else "not met"


def _at(b: Bench, table: str, n: int):
    """A figure measured at n plans, or (None, why not) when this run did not go that far."""
    got = b.goals.get(table, {}).get(n)
    if got is not None:
        return got, ""
    return None, f"not run at {n:,} plans ({'--quick: ' if b.quick else ''}sizes {', '.join(map(str, b.sizes))})"


def goals22(b: Bench) -> list[tuple[str, str, str, str]]:
    """Issue 22's goals (the write path at the engine's speed), each beside the engine's floor:
    pyoxigraph loading the built plan and answering a query, as a whole process (bench/floor.py)."""
    floor = b.goals.get("floor")

    def beside(runs) -> str:
        if not floor:
            return "floor not measured"
        return f"floor {median(floor):.3f} s; {median(runs) / median(floor):.0f}× it" if runs else f"floor {median(floor):.3f} s"

    rows = []
    for n, limit in ((1, 1.0), (TOP, 1.5)):
        got, why = _at(b, "amend-cli", n)
        if got is None:
            largest = max(b.goals.get("amend-cli", {}), default=None)
            if largest and largest > 1:
                why += f"; at {largest:,} plans: {median(b.goals['amend-cli'][largest][1]):.2f} s"
        runs = got[1] if got else None
        rows.append((f"`plankg amend` whole process, {n:,} plan{'s' * (n > 1)}: ≤ {limit:g} s",
                     f"{median(runs):.2f} s ({len(runs)} runs)" if runs else why, beside(runs),
                     _verdict(median(runs) <= limit) if runs else "not measured"))
    for key, label, limit in (("build", "`plankg build` whole process", 1.0),
                              ("validate", "`plankg validate` whole process", 0.8)):
        runs = b.goals.get(key)
        rows.append((f"{label}: ≤ {limit:g} s", f"{median(runs):.2f} s ({len(runs)} runs)" if runs else "not run",
                     beside(runs), _verdict(median(runs) <= limit) if runs else "not measured"))
    for key, label in (("update", "accepted"), ("rejected", "rejected")):
        runs, why = _at(b, key, 1)
        rows.append((f"`/update` {label} through `plankg serve` (2 workers), 1 plan: p50 ≤ 0.5 s",
                     f"{median(runs):.2f} s ({len(runs)} runs)" if runs else why, beside(runs),
                     _verdict(median(runs) <= 0.5) if runs else "not measured"))
    return rows


def table(rows) -> list[str]:
    return ["| goal | measured | reference beside it | |", "|---|---|---|---|",
            *[f"| {g} | {m} | {r} | {v} |" for g, m, r, v in rows]]


def goals15(b: Bench, validation: dict | None) -> list[tuple[str, str, str, str]]:
    """Issue 15's goals: (goal, measured, reference beside it, verdict)."""
    rows = []
    for n, limit in ((1, 2.0), (TOP, 2.5)):
        got, why = _at(b, "amend-cli", n)
        if got is None and n == TOP:
            largest = max(b.goals.get("amend-cli", {}), default=None)
            if largest and largest > 1:
                first, runs = b.goals["amend-cli"][largest]
                why += f"; at {largest} plans: {median(runs):.2f} s"
        rows.append((f"`plankg amend` whole process, {n:,} plan{'s' * (n > 1)}: ≤ {limit:g} s",
                     f"{median(got[1]):.2f} s (first on the folder {got[0]:.2f} s)" if got else why,
                     "no peer: the goal", _verdict(median(got[1]) <= limit) if got else "not measured"))
    for n, limit in ((1, 1.0), (TOP, 1.5)):
        got, why = _at(b, "update", n)
        rows.append((f"`/update` accepted, served, {n:,} plan{'s' * (n > 1)}: p50 ≤ {limit:g} s",
                     f"{median(got):.2f} s ({len(got)} runs)" if got else why, "no peer: the goal",
                     _verdict(median(got) <= limit) if got else "not measured"))
    reference, _ = _at(b, "pyshacl", 1)
    ref = f"pySHACL {median(reference):.2f} s" if reference else "pySHACL: not run"
    if validation is None:
        rows.append(("validation of one plan in-process: ≤ 0.3 s, results identical to pySHACL's",
                     "not measured: bench/validation.py (the fast path's benchmark) is not on this branch", ref,
                     "not measured"))
    else:
        t = median(validation["seconds"])
        if "reference_seconds" in validation:  # pySHACL on the same graph, in the same process
            ref = f"pySHACL {validation['reference_seconds']:.2f} s CPU (PLANKG_VALIDATOR=pyshacl)"
        rows.append(("validation of one plan in-process: ≤ 0.3 s, results identical to pySHACL's",
                     f"{t:.3f} s; identical: {'yes' if validation['identical'] else 'NO'}"
                     + (f" ({validation['note']})" if validation.get("note") else ""), ref,
                     _verdict(t <= 0.3 and validation["identical"])))
    build = b.goals.get("build")
    rows.append(("`plankg build` whole process: ≤ 1.5 s", f"{median(build):.2f} s" if build else "not run",
                 "no peer: the goal", _verdict(median(build) <= 1.5) if build else "not measured"))
    for kind, label, share in (("distinct", "uncached (a different query each request)", 0.4),
                               ("same", "cached (the same query each request)", 0.6)):
        got = b.goals.get("http", {}).get((1, kind))
        if got is None:
            rows.append((f"`/sparql` {label}, 4 clients: ≥ {share:.0%} of oxigraph serve's req/s", "not run", "", "not measured"))
            continue
        vs_rate, vs_p50, rate, ref_rate, p50, ref_p50 = got
        rows.append((f"`/sparql` {label}, 4 clients: ≥ {share:.0%} of oxigraph serve's req/s",
                     f"{vs_rate:.0%} ({rate:,.0f} req/s)", f"oxigraph serve {ref_rate:,.0f} req/s", _verdict(vs_rate >= share)))
        if kind == "distinct":
            rows.append((f"`/sparql` {label}, 4 clients: p50 ≤ 2× oxigraph serve's", f"{vs_p50:.2f}× ({p50:.2f} ms)",
                         f"oxigraph serve {ref_p50:.2f} ms", _verdict(vs_p50 <= 2)))
    return rows


def earlier_goals(b: Bench) -> list[tuple[str, str, str, str]]:
    """The scale goals of earlier issues, still tracked."""
    top = max(b.sizes)
    rows = []
    n, own, _ = b.goals["load"]["load-store"]
    _, ref_s = b.goals["load-ref"]["ox-files"]
    if n == top:
        rows.append((f"{top} plans: load ≤ 1.5× pyoxigraph's bulk load", ratio(own, ref_s),
                     f"pyoxigraph {median(ref_s):.2f} s", _verdict(median(own) <= 1.5 * median(ref_s))))
    else:
        estimate = median(own) / n * top
        rows.append((f"{top} plans: load ≤ 1.5× pyoxigraph's bulk load",
                     f"not run; ≈ {estimate / median(ref_s):.0f}× (linear from {n} plans)",
                     f"pyoxigraph {median(ref_s):.2f} s", "not met"))
    qn, worst, skipped = b.goals["queries"]
    rows.append((f"{qn} plans: every canned query ≤ 1.2× pyoxigraph direct",
                 f"worst {worst:.2f}×" + (f"; {skipped} not run or not finished" if skipped else ""),
                 "the same text on pyoxigraph", _verdict(worst <= 1.2 and not skipped)))
    mn, rss, pss = b.goals["memory"]["plankg serve"]
    rows.append((f"{mn} plans: server memory ≤ 2 GiB (the most it used)", f"PSS {pss / 1024:.2f} GiB (RSS {rss / 1024:.2f} GiB)",
                 "", _verdict(pss <= 2048)))
    an, totals, one = b.goals["amend"]
    if one and an > 1:
        rows.append((f"{an} plans: `/update` amendment ≤ 1.5× the same with 1 plan", ratio(totals, one),
                     f"1 plan: {median(one):.2f} s", _verdict(median(totals) <= 1.5 * median(one))))
    return rows


def goals(b: Bench, validation: dict | None = None) -> list[str]:
    return ["## Goals of issue 22: the write path at the engine's speed (targets, not assertions)", "",
            *table(goals22(b)), "", "## Goals of issue 15 (targets, not assertions)", "", *table(goals15(b, validation)), "",
            "## Earlier goals, still tracked", "", *table(earlier_goals(b)), ""]


