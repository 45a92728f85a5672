"""The store ``plankg query``, ``plankg chart`` and ``plankg.open()`` ask without a server.

It is the state folder's current accepted versions, as a server serves them: the read-only
snapshot of its index (plankg.readers), which holds every plan's current version and what the
ontology implies for it, the reference data, the further districts' registries and the stored
outcome reports. Built files (data/build) are an export of a version, never read here.
"""
from __future__ import annotations

from .config import Settings
from .readers import snapshot
from .search.functions import TextFunctions
from .store import Store


def query_store(settings: Settings) -> Store:
    """The current versions in a read-only store (RepositoryError when the state folder has none)."""
    store = Store(snapshot(settings), base=settings.base, read_only=True)
    store.functions = lambda: TextFunctions(store.ox, store.base, settings.store_dir / "search",
                                            settings.cache_dir).registry()  # text:matches, as the server has them
    return store
