"""Ontology → human-readable HTML documentation (pyLODE), written to docs/ontology.html."""
from __future__ import annotations

import logging
from pathlib import Path

from . import resources


def ontology_html() -> str:
    """The plankg ontology documented by pyLODE (deterministic for a given ontology file)."""
    from pylode import OntPub  # imported here: pyLODE is slow to import and only docs need it

    logging.getLogger().setLevel(logging.WARNING)  # pyLODE logs its progress at INFO
    with resources.path("ontology/plankg.ttl").open("r", encoding="utf-8") as f:
        ttl = f.read()
    return OntPub(ontology=ttl).make_html()


def write(out: Path) -> Path:
    from .files import atomic_write

    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, ontology_html())
    return out
