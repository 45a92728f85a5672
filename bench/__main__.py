"""python -m bench [all|checks|scale|goals|soak] [--quick] [--sizes 1,10,100,1000] [--repeat K]

Writes each result table to bench/results/ and prints it. ``all`` (the default) runs the checks
on the bundled plan and the scale benchmark; ``--quick`` keeps to 1 and 10 plans and fewer runs
(under 3 minutes on a 2-core machine). ``soak`` (not part of ``all``) runs the write path as
deployed: updates under readers, then kill -9 of the server and of ``plankg amend``
(``--accepted 200 --rejected 50 --kills 20`` by default; about 20 minutes). ``goals`` (not part
of ``all``, whose scale table opens with them) measures only issue 22's goals, in about two minutes.
"""
from __future__ import annotations

import argparse

from .timing import RESULTS


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(sorted({int(s) for s in text.split(",") if s.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 1,10,100, not {text!r}") from None
    if not sizes or min(sizes) < 1 or max(sizes) > 9999:
        raise argparse.ArgumentTypeError("sizes must be between 1 and 9999 plans")
    return sizes


def _write(name: str, text: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / name).write_text(text, encoding="utf-8")
    print(text)


def main(argv=None, prog: str = "python -m bench") -> None:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", default="all", choices=["all", "checks", "scale", "goals", "soak"])
    parser.add_argument("--quick", action="store_true", help="1 and 10 plans, fewer runs, no owlrl references")
    parser.add_argument("--sizes", type=_sizes, help="numbers of plans for the scale benchmark (default 1,10,100,1000)")
    parser.add_argument("--repeat", type=int, help="runs per figure (default: checks 5, scale 3; --quick 2)")
    parser.add_argument("--accepted", type=int, default=200, help="soak: accepted updates (default 200)")
    parser.add_argument("--rejected", type=int, default=50, help="soak: rejected updates (default 50)")
    parser.add_argument("--kills", type=int, default=20, help="soak: kill -9 rounds of each writer (default 20)")
    args = parser.parse_args(argv)
    from .prereq import require

    require(args.what, prog)  # before any work: say what to install, not fail minutes in
    command = " ".join([prog, *(argv if argv is not None else __import__("sys").argv[1:])])
    if args.what in ("all", "checks"):
        from . import checks

        _write("checks-quick.md" if args.quick else "checks.md",
               checks.run(args.repeat or (2 if args.quick else 5), quick=args.quick, build=args.what == "checks"))
    if args.what in ("all", "scale"):
        from . import scale

        sizes = args.sizes or (scale.QUICK if args.quick else scale.FULL)
        name = "scale-quick" if args.quick and not args.sizes else "scale" if sizes == scale.FULL else (
            "scale-" + "-".join(map(str, sizes)))
        _write(f"{name}.md", scale.run(sizes, args.repeat or (2 if args.quick else 3), args.quick, command))
    if args.what == "goals":
        from . import write_path

        _write("goals.md", write_path.run(args.repeat or 5, command))
    if args.what == "soak":
        from . import soak

        _write("soak.md", soak.run(args.accepted, args.rejected, args.kills, command))


if __name__ == "__main__":
    main()
