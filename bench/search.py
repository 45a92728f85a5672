"""Search: SQLite FTS5 and tantivy side by side on the same pre-cut words, then the goals.

    python -m bench.search [-o bench/results/search.md]

Both engines index the same documents with the same words (plankg.search.build cuts them: jieba,
bigrams, pinyin), so the comparison is of the engines: build time of one plan's index and the
p50 of the analysts' queries (retrieval of every match by BM25; FTS5's figure also includes
plankg's reranking by terms matched and its snippets). Then the goals: ``plankg search``
in-process p50 ≤ 20 ms, GET /search and /search/suggest served p50 ≤ 50 ms, one plan's index
built in ≤ 0.3 s (jieba's one-time dictionary load reported apart).
"""
from __future__ import annotations

import argparse
import http.client
import sqlite3
import statistics
import threading
import time
import urllib.parse
from pathlib import Path

from plankg import reference
from plankg.config import from_env
from plankg.store import load_built

from .timing import HEADER, measure

PLAN = "https://w3id.org/plankg/plan/500103/2023"
QUERIES = ["财政局", "营商环境", "消费 商圈", "caizhengju", "wlw", "區財政局", "发展和改革", "budget revenue",
           "解放碑", "财政局 预算", "城市更新 老旧小区", "GDP"]


def p50(fn, repeat: int = 15) -> float:
    runs = []
    for q in QUERIES:
        for _ in range(repeat):
            t = time.perf_counter()
            fn(q)
            runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def tantivy_index(rows):
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("iri", stored=True, tokenizer_name="raw")
    for name in ("title", "body", "grams", "latin", "units"):
        sb.add_text_field(name, tokenizer_name="whitespace")
    schema = sb.build()
    index = tantivy.Index(schema)
    writer = index.writer(50_000_000, 1)
    for iri, fts in rows:
        writer.add_document(tantivy.Document(iri=iri, **dict(zip(("title", "body", "grams", "latin", "units"), fts))))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search")
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    from plankg.search import build, index as search_index
    from plankg.search.documents import documents
    from plankg.search.text import Segmenter, bigrams, query_terms

    settings = from_env()
    store = load_built(settings, reference.graph(settings, further=False))
    lines = ["# Search: SQLite FTS5 and tantivy, and the goals", "", f"`python -m bench.search`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
             f"load average {open('/proc/loadavg').read().split()[0]} (2 cores shared).", ""]
    t = time.perf_counter()
    Segmenter().cut("预热")
    jieba_load = time.perf_counter() - t
    docs_t, docs = measure("read the documents from the store (6 queries)", lambda: documents(store.select, PLAN, settings.base))
    cut = build.Cutter(build.dictionary_of(docs), {})
    prepared = [(d.iri, build._row(d, cut)[1]) for d in docs]  # cut once: both engines get the same words

    def fts5():
        db = sqlite3.connect(":memory:")
        build.write(db, docs, {"plan": PLAN}, cache=settings.cache_dir)
        return db
    fts_t, db = measure("FTS5: write one plan's index (words cut before, from the cache)", fts5)
    tan_t, tan = measure("tantivy: write one plan's index (the same words)", lambda: tantivy_index(prepared))
    idx = search_index.Index(PLAN, db)

    def fts_query(q):
        return idx.search(q, limit=20)

    def tantivy_query(q):
        terms = query_terms(q, idx.vocab)
        parts = [f'latin:{t.text}*' if t.latin else "(" + " OR ".join(
            [f'{f}:"{t.text}"' for f in ("title", "body", "units")] + [f'grams:"{" ".join(bigrams(t.text))}"']) + ")"
            for t in terms]
        searcher = tan.searcher()
        return searcher.search(tan.parse_query(" OR ".join(parts), ["title"]), 1000).hits

    fts_p50, tan_p50 = p50(fts_query), p50(tantivy_query)
    whole_t, _ = measure("one plan's index, from the store to the file's content (documents + write)",
                         lambda: fts5() if documents(store.select, PLAN, settings.base) else None)
    served = served_p50(store, settings)
    lines += [HEADER, docs_t.row(), fts_t.row(), tan_t.row(), whole_t.row(), "",
              "| query p50 over the analysts' queries | ms |", "|---|---:|",
              f"| FTS5 + plankg's ranking and snippets (`plankg search` in-process) | {fts_p50 * 1000:.2f} |",
              f"| tantivy, retrieval only | {tan_p50 * 1000:.2f} |",
              f"| GET /search (JSON, served over HTTP) | {served['search'] * 1000:.2f} |",
              f"| GET /search/suggest (served over HTTP) | {served['suggest'] * 1000:.2f} |", "",
              f"jieba's dictionary, loaded once per process that cuts new text: {jieba_load:.2f} s.", "",
              "Goals: in-process p50 ≤ 20 ms "
              f"({'met' if fts_p50 <= 0.02 else 'missed'}); served /search ≤ 50 ms ({'met' if served['search'] <= 0.05 else 'missed'}); "
              f"suggest ≤ 50 ms ({'met' if served['suggest'] <= 0.05 else 'missed'}); one plan's index ≤ 0.3 s "
              f"({'met' if whole_t.median <= 0.3 else 'missed'}: {whole_t.median:.3f} s)."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    return 0


def served_p50(store, settings) -> dict[str, float]:
    """The app on a loopback port (werkzeug's threaded server), asked over one kept-alive connection."""
    from werkzeug.serving import make_server

    from plankg.server import create_app
    from plankg.server.config import ServerConfig

    app = create_app(ServerConfig(settings=settings, query_processes=1), store=store)
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    conn = http.client.HTTPConnection("127.0.0.1", server.server_port)

    def get(path):
        conn.request("GET", path, headers={"Accept": "application/json"})
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status
    try:
        get("/search?q=warm")
        return {"search": p50(lambda q: get("/search?q=" + urllib.parse.quote(q)), 5),
                "suggest": p50(lambda q: get("/search/suggest?q=" + urllib.parse.quote(q[:3])), 5)}
    finally:
        server.shutdown()
        app.extensions["plankg"].close()


if __name__ == "__main__":
    raise SystemExit(main())
