"""python -m bench [checks] — write the results to bench/results/ and print them."""
from __future__ import annotations

import argparse
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("what", nargs="?", default="checks", choices=["checks"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    from . import checks

    text = checks.run(args.repeat)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.what}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
