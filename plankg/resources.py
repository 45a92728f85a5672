"""Locate the project's resource files (Turtle, SHACL, SPARQL) from a checkout or an installed wheel.

``ontology/``, ``shapes/`` and ``queries/`` live at the top of the repository where people edit
them; the package reaches them through symlinks (``plankg/ontology -> ../ontology``), and the
wheel build copies them in, so :func:`files` works the same in both cases.
"""
from __future__ import annotations

from importlib.resources import files as _files
from importlib.resources.abc import Traversable


def path(relative: str) -> Traversable:
    """The resource at ``relative`` (e.g. ``"ontology/plankg.ttl"``) inside the package."""
    node = _files("plankg")
    for part in relative.split("/"):
        node = node / part
    return node


def text(relative: str) -> str:
    """The UTF-8 text of a resource."""
    return path(relative).read_text(encoding="utf-8")


def listing(folder: str, suffix: str) -> list[Traversable]:
    """The resources in ``folder`` whose names end in ``suffix``, sorted by name."""
    return sorted((p for p in path(folder).iterdir() if p.name.endswith(suffix)), key=lambda p: p.name)
