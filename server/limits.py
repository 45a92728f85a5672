"""What a query must pass before any engine sees it: size, nesting, form, and what it may reach.

Why before the engine: Oxigraph's parser is recursive, so a query nested thousands of levels
deep overflows the stack and aborts the process (seen with ``oxigraph serve``); and Oxigraph's
SERVICE makes real HTTP calls, so an unchecked query could reach any server the machine can.
One pass of a small tokenizer, which skips comments, strings and IRIs exactly as SPARQL
defines them, finds every keyword that matters and costs microseconds, where rdflib's parser
costs milliseconds per query.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

MAX_DEPTH = 48  # brackets of any kind, plus runs of prefix operators: far beyond real queries
FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
PREFIX_OPERATORS = {"!", "^", "-", "+"}
VOLATILE = {"NOW", "RAND", "UUID", "STRUUID", "BNODE", "SERVICE"}  # answers that may differ between runs

TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'
               |"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7]+)
  | (?P<word>[\w:][\w\u00B7%:\\-]*(?:\.+[\w\u00B7%:\\-]+)*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
''', re.VERBOSE | re.DOTALL)


class Refused(Exception):
    """A request the server will not run; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


@dataclass(frozen=True)
class QueryInfo:
    form: str                 # SELECT, ASK, CONSTRUCT or DESCRIBE
    limit: int | None         # the top-level LIMIT, if any
    repeatable: bool = True   # the same data always gives the same answer (so it may be cached)


def tokens(text: str):
    """(kind, text) pairs, comments and white space dropped; an unterminated string is refused."""
    for m in TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        value = m.group()
        if kind == "other" and value in "\"'":
            raise Refused("the query has an unterminated string")
        yield kind, value


def check_query(text: str, *, base: str, service: str | None = None, allowlist=(),
                max_chars: int = 100_000) -> QueryInfo:
    """Refuse (400) an update, LOAD, SERVICE outside the allowlist, a local graph IRI, or a query too big or deep.

    ``base`` is the graph's IRI base (graphs under it are ours); ``service`` the IRI the query was
    sent to, against which relative IRIs resolve (as the engine resolves them) before the checks.
    """
    if not text.strip():
        raise Refused("the query is empty")
    if len(text) > max_chars:
        raise Refused(f"the query is {len(text):,} characters long; the limit is {max_chars:,}")
    prefixes, query_base = {}, service
    form, limit = None, None
    depth = run = 0
    repeatable = True
    toks = list(tokens(text))
    for i, (kind, value) in enumerate(toks):
        upper = value.upper() if kind == "word" else ""
        if kind == "open":
            depth += 1
            if depth + run > MAX_DEPTH:
                raise Refused(f"the query nests deeper than {MAX_DEPTH} levels")
        elif kind == "close":
            depth -= 1
        run = run + 1 if kind == "other" and value in PREFIX_OPERATORS else 0
        if run > MAX_DEPTH:
            raise Refused(f"the query chains more than {MAX_DEPTH} operators in a row")
        if form is None and kind == "word":
            if upper == "PREFIX" and i + 2 < len(toks):
                prefixes[toks[i + 1][1].rstrip(":")] = _iri(toks[i + 2][1], query_base)
            elif upper == "BASE" and i + 1 < len(toks):
                query_base = _iri(toks[i + 1][1], query_base)
            elif upper in FORMS:
                form = upper
            elif upper in UPDATES:
                raise Refused("this is a SPARQL Update: send updates to /update (with a token), not to /sparql")
            elif not (i > 0 and toks[i - 1][1].upper() in ("PREFIX", "BASE")):
                raise Refused(f"a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE, not {value!r}")
        if upper in VOLATILE:
            repeatable = False
        if upper == "LOAD":
            raise Refused("LOAD is not allowed")
        if upper == "SERVICE":
            _check_service(toks, i, prefixes, query_base, allowlist)
        if upper in ("FROM", "GRAPH"):
            j = i + 1 + (i + 1 < len(toks) and toks[i + 1][1].upper() == "NAMED")
            if j < len(toks):
                target = _resolve(toks[j], prefixes, query_base)
                if target is not None:
                    check_graph_iri(target, base)
        if upper == "LIMIT" and depth == 0 and i + 1 < len(toks) and toks[i + 1][1].isdigit():
            limit = int(toks[i + 1][1])
    if form is None:
        raise Refused("no query form: a query needs SELECT, ASK, CONSTRUCT or DESCRIBE")
    return QueryInfo(form, limit, repeatable)


def _iri(token: str, query_base: str | None) -> str:
    iri = token[1:-1] if token.startswith("<") else token
    if not query_base:
        return iri
    resolved = urljoin(query_base, iri)
    return resolved + "#" if iri.endswith("#") and not resolved.endswith("#") else resolved  # urljoin drops an empty fragment


def _resolve(token, prefixes, query_base) -> str | None:
    kind, value = token
    if kind == "iri":
        return _iri(value, query_base)
    if kind == "word" and ":" in value:
        prefix, _, local = value.partition(":")
        return prefixes.get(prefix, "") + local
    return None


def _check_service(toks, i, prefixes, query_base, allowlist) -> None:
    j = i + 1 + (i + 1 < len(toks) and toks[i + 1][1].upper() == "SILENT")
    target = _resolve(toks[j], prefixes, query_base) if j < len(toks) else None
    if target is None:
        raise Refused("SERVICE needs a fixed endpoint IRI (not a variable)")
    if target not in allowlist:
        allowed = ", ".join(allowlist) if allowlist else "none are configured (PLANKG_SERVICE_ALLOWLIST)"
        raise Refused(f"SERVICE <{target}> is not allowed; allowed endpoints: {allowed}")


def check_graph_iri(iri: str, base: str) -> None:
    """Refuse a graph IRI that names a local resource: file:, or a loopback or private host outside our base."""
    if iri.startswith(base):
        return
    parts = urlsplit(iri)
    if parts.scheme.lower() not in ("http", "https", "urn"):
        raise Refused(f"graph IRI <{iri}> is not allowed: only http(s) and urn IRIs name graphs here")
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith((".localhost", ".local")):
        raise Refused(f"graph IRI <{iri}> names a local host")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return
    if not address.is_global:
        raise Refused(f"graph IRI <{iri}> names a local or private address")
