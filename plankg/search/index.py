"""One plan's search index: found by what it was made from, built when missing, then queried.

The file is ``<state folder>/search/<plan key>-<key>.sqlite``, where the key hashes the digests
of the plan's current version and of the reference data (the digests the store's graphs carry,
plankg.index). A new version or new reference data has a new key, so an index is never stale:
the first search after a change (or plankg.index, as a version is indexed) builds the new file
beside the old one and renames it into place, then removes the old. Deleting the folder is safe.
Without a folder (a store only in memory) the index is kept in memory, per process.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import threading
from pathlib import Path

from rdflib import URIRef

from .. import resources
from ..iris import plan_key
from ..store import REFERENCE
from . import build
from .documents import documents
from .results import KIND_ORDER, Hit, Results, facets, snippet
from .text import Term, bigrams, fold, query_terms

WEIGHTS = (4.0, 1.0, 0.5, 2.0, 0.3)  # bm25 weights of title, body, grams, latin, units
_open: dict[tuple, "Index"] = {}
_lock = threading.RLock()  # re-entered when building the index syncs the store, whose hook refreshes it


def key_of(plan: str, version_digest: str, reference_digest: str) -> str:
    """The index's key: the digests of the plan's current version and of the reference data."""
    return hashlib.sha256("\n".join([build.SCHEMA, plan, version_digest, reference_digest]).encode()).hexdigest()[:16]


def key(select, plan: str, base: str) -> str:
    """The key of what the store holds (the digests plankg.index puts in its graphs)."""
    rows = select(resources.text("search/key.rq"), {"h": URIRef(f"{plan}/history"), "ref": URIRef(base + REFERENCE)}).rows
    version, ref = (rows[0][2], rows[0][3]) if rows else ("", "")
    if not version:  # a store without a history (built in memory): its size stands in
        n = select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{plan}/graph> {{ ?s ?p ?o }} }}").rows
        version = f"triples:{n[0][0] if n else 0}"
    return key_of(plan, version, ref)


def open_index(select, plan: str, base: str, folder: Path | None, cache: Path | None = None,
               k: str | None = None) -> "Index":
    """The plan's current index, built first if there is none (``select``: see plankg.search.documents;
    ``cache``: the user's cache folder, whose cuts spare jieba and pypinyin the texts they cut before;
    ``k``: the key, when the caller knows it without asking the store)."""
    k = k or key(select, plan, base)
    path = None if folder is None else Path(folder) / f"{plan_key(plan)}-{k}.sqlite"
    with _lock:
        hit = _open.get((plan, k, str(folder)))
        if hit is not None and (path is None or path.is_file()):
            return hit
        index = Index(plan, _connect(path) if path is not None and path.is_file() else None)
        if index.db is None:
            index.db = _build(select, plan, base, path, k, cache)
        _open[(plan, k, str(folder))] = index
        return index


def refresh(select, plan: str, base: str, folder: Path, cache: Path | None = None) -> Path:
    """Build the plan's index for what the store now holds (plankg.index calls it per version)."""
    index = open_index(select, plan, base, folder, cache)
    return Path(index.db.execute("PRAGMA database_list").fetchone()[2])


def _connect(path: Path) -> sqlite3.Connection | None:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        return db
    except sqlite3.Error:  # unreadable (cut short, overwritten): build it again
        path.unlink(missing_ok=True)
        return None


def _build(select, plan: str, base: str, path: Path | None, k: str, cache: Path | None) -> sqlite3.Connection:
    docs = documents(select, plan, base)
    meta = {"plan": plan, "key": k}
    if path is None:
        db = sqlite3.connect(":memory:", check_same_thread=False)
        build.write(db, docs, meta, cache=cache)
        return db
    path.parent.mkdir(parents=True, exist_ok=True)
    older = sorted(path.parent.glob(f"{plan_key(plan)}-*.sqlite"), key=lambda p: p.stat().st_mtime)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".building-", suffix=".sqlite")
    os.close(fd)
    try:
        os.unlink(tmp)
        build.write(tmp, docs, meta, earlier=older[-1] if older else None, cache=cache)
        os.replace(tmp, path)  # readers see the whole file or none
    finally:
        Path(tmp).unlink(missing_ok=True)
    for old in older:
        if old != path:
            old.unlink(missing_ok=True)
    return _connect(path)


def _match(t: Term) -> str:
    """The FTS5 expression for one term (terms hold only letters, digits and Chinese characters)."""
    if t.latin:
        return f'latin : "{t.text}" *'
    grams = f'grams : "{t.text}" *' if len(t.text) == 1 else 'grams : "' + " ".join(bigrams(t.text)) + '"'
    return f'({{title body units}} : "{t.text}" OR {grams})'


class Index:
    """An open index of one plan."""

    def __init__(self, plan: str, db: sqlite3.Connection | None):
        self.plan, self.db = plan, db
        self._vocab: frozenset[str] | None = None
        self._lock = threading.Lock()

    @property
    def vocab(self) -> frozenset[str]:
        if self._vocab is None:
            self._vocab = frozenset(w for (w,) in self.db.execute("SELECT word FROM vocab"))
        return self._vocab

    def search(self, query: str, *, kinds=None, limit: int | None = 20) -> Results:
        """The hits for ``query``: most of its terms first, then by BM25 (``kinds``: only these)."""
        terms = query_terms(query, self.vocab)
        if not terms:
            return Results(query, [], 0, [])
        sql = ("SELECT d.iri, d.kind, d.label, d.text, d.english, d.hay, d.latin, d.names, d.number, d.section,"
               " d.section_label, d.line, d.lead, d.lead_label, d.task, bm25(fts, %s) FROM fts JOIN docs d"
               " ON d.id = fts.rowid WHERE fts MATCH ?" % ", ".join(map(str, WEIGHTS)))
        args = [" OR ".join(_match(t) for t in terms)]
        if kinds:
            sql += " AND d.kind IN (%s)" % ", ".join("?" * len(kinds))
            args += list(kinds)
        with self._lock:
            rows = self.db.execute(sql, args).fetchall()
        whole = fold("".join(query.split()))
        hits = [self._hit(r, terms, whole) for r in rows]
        hits.sort(key=lambda h: (-h.score, KIND_ORDER[h.kind], h.number or 0, h.iri))
        shown = hits if limit is None else hits[:limit]
        for h in shown:
            h.snippet = snippet(h.snippet, terms)
        return Results(query, shown, len(hits), [t.text for t in terms], facets(hits))

    @staticmethod
    def _hit(r, terms: list[Term], whole: str) -> Hit:
        (iri, kind, label, text, english, hay, latin, names, number, section, section_label, line, lead,
         lead_label, task, bm25) = r
        words = frozenset(latin.split())
        matched = sum(t.found_in(hay, words) for t in terms)
        exact = whole in words or any(whole == fold(n) for n in build_names(names, label))
        score = round(100.0 * matched / len(terms) + (50.0 if exact else 0.0) - bm25, 3)
        own, _, units = hay.partition("\n")
        shown = text
        if kind not in ("task", "target", "section") and english and any(t.latin for t in terms):
            shown = f"{text}；{english}"
        elif units and any(not t.latin and t.text in units and t.text not in own for t in terms):
            shown = f"{text}（单位：{units}）"
        return Hit(iri, kind, label, shown, score, number, section, section_label, line, lead, lead_label, task, matched)

    def suggest(self, query: str, limit: int = 8) -> list[dict]:
        """What a search box offers while one types: labels, units and indicators first."""
        found = self.search(query, limit=None)
        found.hits.sort(key=lambda h: (-h.matched, KIND_ORDER[h.kind] if h.kind != "term" else 2.5, -h.score))
        return [{"iri": h.iri, "kind": h.kind, "label": h.label} for h in found.hits[:limit]]


def build_names(names: str, label: str) -> list[str]:
    from .results import names as parse

    return [label, *parse(names)]
