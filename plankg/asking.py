"""The graph ``plankg query`` and ``plankg chart`` ask without a server.

The built plans (data/build) and the reference data, as ``store.load_built`` gives them, plus
the outcome reports kept in the state folder (``plankg outcomes``): the questions about
verdicts need those, and a server's store holds them too, so both answer alike.
"""
from __future__ import annotations

from . import reference
from .config import Settings
from .outcomes.storage import load_into
from .search.functions import TextFunctions
from .store import Store, load_built


def query_store(settings: Settings) -> Store:
    """An in-memory store with the built plans, the reference data and the stored outcomes."""
    store = load_built(settings, reference.graph(settings, further=False))
    load_into(store, settings)
    store.functions = lambda: TextFunctions(store.ox, store.base, None, settings.cache_dir).registry()  # as on the server
    return store
