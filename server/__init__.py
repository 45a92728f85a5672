"""The plankg server: the SPARQL endpoint, canned questions, pages for every IRI, and safe updates.

The package is ``plankg.server`` (``plankg/server`` links here, so the wheel carries it). Run it
with ``plankg serve`` (gunicorn, see :mod:`plankg.server.run`); tests build apps with
:func:`plankg.server.app.create_app`.

This file imports nothing: every ``from . import formats`` of a module below runs it first, and
every query process (``python -m plankg.server.worker``) imports it, so the app factory lives in
:mod:`plankg.server.app` and the imports between the modules point one way (tests/test_layers.py).
``plankg.server.create_app`` still works: it is looked up in ``app`` when first asked for.
"""
from __future__ import annotations


def __getattr__(name: str):
    if name in ("create_app", "make_engine"):
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
