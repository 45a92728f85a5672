"""Search: find any task, section, target, unit, indicator or ontology term by typing, in
Chinese (simplified or traditional), pinyin or English. See docs/search.md.

plankg.search.text cuts and folds text, plankg.search.documents reads what to index from the
store, plankg.search.build writes the SQLite FTS5 index, plankg.search.index opens (or builds)
the index of a plan's current version and queries it, plankg.search.functions offers it to SPARQL.
"""
from __future__ import annotations


def refresh(select, plan: str, base: str, folder, cache=None):
    """Build the search index of the plan's version the store now holds (plankg.index calls it as
    each version is indexed). A failure is logged, never raised: the version is accepted either
    way, and the first search builds the index instead."""
    import logging
    import sqlite3

    try:
        from .index import refresh as build

        return build(select, plan, base, folder, cache)
    except (sqlite3.Error, OSError, ImportError, ValueError) as e:
        logging.getLogger("plankg.search").warning("search index of %s not built: %s", plan, e)
        return None
