"""Syntax errors in the files people write (.rq, .ttl, .toml), said one way: FILE:LINE:COL, the
reason, and the line itself with a caret under the place.

pyoxigraph, rdflib and tomllib each say where and what in their own words ("error at 2:1:
expected one of HAVING, OFFSET, [_]", "at line 2 of <>:" with the rest on further lines, "(at
line 3, column 5)"); these functions read their positions and reasons and say them in ours.
"""
from __future__ import annotations

import re

from .tables import width


def located(path, text: str, line: int, col: int, reason: str) -> str:
    """``FILE:LINE:COL: reason``, then the line and a caret under column ``col`` (1-based)."""
    lines = text.splitlines()
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    return f"{path}:{line}:{col}: {reason}\n    {shown}\n    {' ' * width(shown[:col - 1])}^"


# -- SPARQL (pyoxigraph) ---------------------------------------------------------------------

_OXIGRAPH = re.compile(r"error at (\d+):(\d+): expected (.*)", re.S)
_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[A-Za-z_]+(?: [a-z]+)*')
_FUNCTIONS = {"ABS", "AVG", "DAY", "IRI", "MAX", "MD5", "MIN", "NOW", "STR", "SUM", "URI", "IF", "STRSTARTS", "isLITERAL"}
_INTERNAL = {'"{|"', '"~"', "[_]", '"\\\\"', '"\\\\U"', '"\\\\u"'}  # SPARQL 1.2 annotations, escapes, "any character"


def _expected(written: str) -> str:
    items = [i for i in _ITEM.findall(written.removeprefix("one of ")) if i not in _INTERNAL]
    if items == ["IRI parsing failed"]:
        return "a valid IRI"
    if _FUNCTIONS & set(items):
        return "an expression (a variable, a value, or a function such as STR)"
    said = ["a digit" if i.startswith("['0'") else i for i in items]
    if not said:
        return "something else"
    return said[0] if len(said) == 1 else "one of " + ", ".join(said)


def _place(text: str, line: int, col: int) -> tuple[int, int, str]:
    """Where to point and what is there: the word at (line, col), or the end of the last line
    written when nothing but blanks follows (pyoxigraph points past them)."""
    lines = text.splitlines()
    rest = lines[line - 1][col - 1:] if 0 < line <= len(lines) else ""
    if not rest.strip() and not "\n".join(lines[line:]).strip():
        last = max((i for i, written in enumerate(lines[:line], start=1) if written.strip()), default=1)
        return last, len(lines[last - 1].rstrip()) + 1 if lines else 1, "the end of the file"
    if not rest.strip():
        return line, col, "the end of the line"
    start = col - 1
    while start > 0 and lines[line - 1][start - 1].isalnum():  # pyoxigraph may point inside a word
        start -= 1
    return line, start + 1, f'"{lines[line - 1][start:].split()[0][:20]}"'


def _code(text: str) -> list[str]:
    """The query's lines with strings, IRIs and comments blanked, so that only syntax is left."""
    return [re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#.*', lambda m: " " * len(m.group(0)), line)
            for line in text.splitlines()]


_CLOSING = {"{": "}", "(": ")", "[": "]"}


def _unbalanced(text: str) -> tuple[int, int, str] | None:
    """The first bracket that closes nothing, or the last one never closed: the commonest slip,
    which pyoxigraph reports at the end of the query."""
    opened: list[tuple[int, int, str]] = []
    for no, line in enumerate(_code(text), start=1):
        for col, ch in enumerate(line, start=1):
            if ch in _CLOSING:
                opened.append((no, col, ch))
            elif ch in _CLOSING.values():
                if not opened:
                    return no, col, f'this "{ch}" closes nothing'
                if _CLOSING[opened[-1][2]] != ch:
                    o_line, o_col, o_ch = opened[-1]
                    return no, col, f'expected "{_CLOSING[o_ch]}" (for the "{o_ch}" at {o_line}:{o_col}), found "{ch}"'
                opened.pop()
    if opened:
        no, col, ch = opened[-1]
        return no, col, f'this "{ch}" is never closed (expected "{_CLOSING[ch]}" before the end of the file)'
    return None


def _undeclared_prefix(text: str) -> tuple[int, int, str] | None:
    """The first prefixed name whose prefix no PREFIX line declares (pyoxigraph places it badly)."""
    code = _code(text)
    declared = {m.group(1) for line in code for m in re.finditer(r"(?i)\bPREFIX\s+([\w-]*):", line)}
    for no, line in enumerate(code, start=1):
        for m in re.finditer(r"(?<![\w?$:])([A-Za-z][\w-]*|):[\w\u4e00-\u9fff]", line):
            if m.group(1) not in declared and not re.match(r"(?i)\s*PREFIX\b", line):
                return no, m.start() + 1, m.group(1)
    return None


def sparql(path, text: str, error: Exception) -> str:
    """A SPARQL syntax error pyoxigraph raised for ``text`` (the file at ``path``), said our way."""
    undeclared = _undeclared_prefix(text)
    if undeclared:
        line, col, prefix = undeclared
        return located(path, text, line, col, f'SPARQL syntax error: the prefix "{prefix}:" is not declared '
                       f"(expected a line PREFIX {prefix}: <…> before the query)")
    unbalanced = _unbalanced(text)
    if unbalanced:
        line, col, why = unbalanced
        return located(path, text, line, col, f"SPARQL syntax error: {why}")
    m = _OXIGRAPH.match(str(error))
    if not m:
        return f"{path}: SPARQL syntax error: {str(error).splitlines()[0]}"
    line, col, found = _place(text, int(m.group(1)), int(m.group(2)))
    return located(path, text, line, col, f"SPARQL syntax error: expected {_expected(m.group(3))}, found {found}")


# -- Turtle (rdflib) -------------------------------------------------------------------------

_NAMES = {"turtle": "Turtle", "trig": "TriG", "nt": "N-Triples"}


def turtle(path, error: Exception, fmt: str = "turtle") -> str:
    """A Turtle (or TriG, N-Triples) syntax error rdflib raised, with its file, line, reason and
    the line shown; rdflib's own message stops at "at line 2 of <>:" on its first line."""
    name = _NAMES.get(fmt, fmt)
    raw, at, why = getattr(error, "_str", None), getattr(error, "_i", None), getattr(error, "_why", None)
    if not isinstance(raw, bytes) or at is None or why is None:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"{path}: not valid {name}: {first}"
    text = raw.decode("utf-8", errors="replace")  # rdflib's index counts characters, not bytes
    while skipped := re.match(r"\s+|#[^\n]*", text[at:]):  # it points where it began to skip
        if not skipped.group(0):
            break
        at += len(skipped.group(0))
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    return located(path, text, line, col, f"not valid {name}: {why}")


# -- TOML (tomllib) --------------------------------------------------------------------------

_TOML = re.compile(r"(?P<why>.*?) \(at line (?P<line>\d+), column (?P<col>\d+)\)$|(?P<why_end>.*?) \(at end of document\)$")


def toml(path, text: str, error: Exception) -> str:
    """A TOML syntax error tomllib raised, with its file, line and column, and the line shown."""
    m = _TOML.match(str(error))
    if not m:
        return f"{path}: not valid TOML: {error}"
    if m.group("why_end"):
        lines = text.splitlines() or [""]
        return located(path, text, len(lines), len(lines[-1]) + 1, f"not valid TOML: {m.group('why_end')} "
                       "(at the end of the file)")
    return located(path, text, int(m.group("line")), int(m.group("col")), f"not valid TOML: {m.group('why')}")
