"""Writing one plan's search index: an SQLite database with an FTS5 table of pre-cut words.

SQLite's own tokenizers cannot cut Chinese into words, so the words are cut here
(plankg.search.text) and stored space-joined; FTS5's unicode61 tokenizer then only splits on the
spaces. Columns, weighted in that order by BM25: ``title`` (names and labels), ``body`` (a task's
text), ``grams`` (character pairs: substrings), ``latin`` (English, pinyin, Latin letters and
digits), ``units`` (the units a task names). What jieba and pypinyin produced is kept in the
``cuts`` table, so the next version's index reuses it and loads neither for unchanged texts.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from ..files import atomic_write
from .documents import Doc
from .text import LATIN, Segmenter, bigrams, fold, pinyin_keys, stem

SCHEMA = "plankg-search/1"
COLUMNS = ("title", "body", "grams", "latin", "units")
DDL = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE docs(id INTEGER PRIMARY KEY, iri TEXT, kind TEXT, label TEXT, text TEXT, english TEXT, hay TEXT,
                  latin TEXT, names TEXT, number INTEGER, section TEXT, section_label TEXT, line INTEGER,
                  lead TEXT, lead_label TEXT, task TEXT);
CREATE VIRTUAL TABLE fts USING fts5(title, body, grams, latin, units, tokenize="unicode61 remove_diacritics 0");
CREATE TABLE vocab(word TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE cuts(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
"""


class Cutter:
    """jieba and pypinyin behind a cache of earlier results (the previous index's ``cuts``)."""

    def __init__(self, dictionary: list[str], earlier: dict[str, str]):
        self.segmenter = Segmenter()
        self.segmenter.words(dictionary)
        self.cache, self.made = earlier, {}

    def _cached(self, key: str, make) -> str:
        if key not in self.cache:
            self.cache[key] = make()
        self.made[key] = self.cache[key]
        return self.cache[key]

    def fold(self, text: str) -> str:
        return self._cached("fold:" + text, lambda: fold(text)) if not text.isascii() else text.lower()

    def words(self, text: str) -> list[str]:
        folded = self.fold(text)
        return self._cached("cut:" + folded, lambda: " ".join(self.segmenter.cut(folded))).split() if folded else []

    def pinyin(self, name: str) -> list[str]:
        return self._cached("py:" + name, lambda: " ".join(pinyin_keys(name))).split()


def dictionary_of(docs: list[Doc]) -> list[str]:
    """The user dictionary: every unit's names and every indicator's labels."""
    return sorted({n for d in docs if d.kind in ("unit", "indicator") for n in d.names if len(n) >= 2})


def dictionary_digest(words: list[str]) -> str:
    return hashlib.sha256(("\n".join([SCHEMA, *words])).encode("utf-8")).hexdigest()[:16]


def cache_file(cache: Path | None, digest: str) -> Path | None:
    """The user's cache of cuts made with one dictionary (shared by every state folder)."""
    return None if cache is None else cache / "search" / f"cuts-{digest}.json"


def read_cache(path: Path | None) -> dict[str, str]:
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path is not None and path.is_file() else {}
    except (OSError, ValueError):
        return {}


def write_cache(path: Path | None, cuts: dict[str, str]) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(cuts, ensure_ascii=False, sort_keys=True))
    except OSError:  # a read-only home: the cache only saves time
        pass


def earlier_cuts(path: Path | None, digest: str) -> dict[str, str]:
    """The cuts of an earlier index made with the same dictionary, or nothing."""
    if path is None:
        return {}
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if db.execute("SELECT value FROM meta WHERE key = 'dictionary'").fetchone() != (digest,):
                return {}
            return dict(db.execute("SELECT key, value FROM cuts"))
        finally:
            db.close()
    except sqlite3.Error:
        return {}


def _row(d: Doc, cut: Cutter) -> tuple[tuple, tuple, set[str]]:
    title = [w for n in d.names for w in (cut.fold(n), *cut.words(n))]
    body = cut.words(d.text) if d.kind in ("task", "target") else []
    units = [w for n in d.units for w in (cut.fold(n), *cut.words(n))]
    latin = [stem(w) for w in LATIN.findall(cut.fold(" ".join([d.text, d.english, *d.names])))]
    if d.kind == "unit":
        latin += [k for n in d.names for k in cut.pinyin(n)]
    hay = cut.fold(" ".join([d.label, d.text, *d.names])) + "\n" + cut.fold("、".join(d.units))  # after \n: units named
    latin = list(dict.fromkeys(latin))
    doc = (d.iri, d.kind, d.label, d.text, d.english, hay, " ".join(latin), json.dumps(d.names, ensure_ascii=False),
           d.number, d.section, d.section_label, d.line, d.lead, d.lead_label, d.task)
    fts = (" ".join(title), " ".join(body), " ".join(bigrams(hay)), " ".join(latin), " ".join(units))
    return doc, fts, {w for w in title + body + units if len(w) >= 2}


def write(path, docs: list[Doc], meta: dict[str, str], earlier: Path | None = None, cache: Path | None = None) -> None:
    """Write the index of ``docs`` to ``path`` (a new file's name, or an open connection).

    ``earlier``: the plan's previous index; ``cache``: the user's cache folder. The cuts of both
    are reused (the same text with the same dictionary is cut the same way)."""
    words = dictionary_of(docs)
    digest = dictionary_digest(words)
    cached = cache_file(cache, digest)
    cut = Cutter(words, {**read_cache(cached), **earlier_cuts(earlier, digest)})
    before = len(cut.cache)
    db = path if isinstance(path, sqlite3.Connection) else sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + DDL)  # a new file, renamed when whole
    vocab: set[str] = set()
    rows = [_row(d, cut) for d in docs]
    for _, _, known in rows:
        vocab |= known
    with db:
        db.executemany("INSERT INTO docs VALUES (?" + ", ?" * 15 + ")",  # id and the 15 columns of _row
                       ((i, *doc) for i, (doc, _, _) in enumerate(rows, 1)))
        db.executemany("INSERT INTO fts(rowid, title, body, grams, latin, units) VALUES (?, ?, ?, ?, ?, ?)",
                       ((i, *fts) for i, (_, fts, _) in enumerate(rows, 1)))
        db.executemany("INSERT INTO vocab VALUES (?)", ((w,) for w in sorted(vocab)))
        db.executemany("INSERT INTO cuts VALUES (?, ?)", sorted(cut.made.items()))
        db.executemany("INSERT INTO meta VALUES (?, ?)", sorted({**meta, "schema": SCHEMA, "dictionary": digest}.items()))
    if not isinstance(path, sqlite3.Connection):
        db.close()
    if len(cut.cache) > before:
        write_cache(cached, cut.cache)
