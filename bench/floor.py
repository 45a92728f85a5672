"""The engine's floor: pyoxigraph alone loads a built plan and answers a query, as a whole process.

    python -m bench.floor data/build/500103-2023.ttl

What any plankg command that reads a plan and answers about it cannot beat on this machine: the
interpreter's start, pyoxigraph's import, Oxigraph parsing the Turtle and one query. It imports
nothing of plankg; the goals of issue 22 print each figure's ratio to it.
"""
from __future__ import annotations

import sys

import pyoxigraph as ox

TASKS = "SELECT (COUNT(?t) AS ?n) WHERE { ?t a <https://w3id.org/plankg/ontology#Task> }"


def main(paths: list[str]) -> None:
    store = ox.Store()
    for path in paths:
        store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
    print(next(iter(store.query(TASKS)))[0].value)


if __name__ == "__main__":
    main(sys.argv[1:])
