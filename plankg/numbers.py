"""Task text → the numbers in it, and the word tables of ontology/targets.ttl that read them.

What counts as a number is decided here, once, so that the coverage line can hold every number to
account. A number is
  * a run of digits, with a decimal point and any 万/亿 magnitude written after it (``1.4万``);
  * a Roman numeral before 类 or 级 (``II类``);
  * a run of Chinese numeral characters, unless it lies inside a word of cue:not-a-number
    (一体, 一批, 统一, 零售 …: dictionary words whose numeral counts nothing).
Chinese numerals are valued by plankg.numerals (cn2an beyond its table); the word tables live in Turtle so
stewards can extend them.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from rdflib import Graph, Namespace, URIRef

from . import resources
from .numerals import cn2an
from .vocab import PLAN, QK, QUDT, RDF, UNIT

CUE = Namespace("https://w3id.org/plankg/def/target-cue/")
NTC = Namespace("https://w3id.org/plankg/def/non-target/")
CMP = Namespace("https://w3id.org/plankg/def/comparator/")
FK = Namespace("https://w3id.org/plankg/def/figure-kind/")

CHINESE_NUMERALS = "〇零一二两三四五六七八九十百千万亿"
_ARABIC = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?(?:[十百千]?万|万?亿)?")
_CHINESE = re.compile(f"[{CHINESE_NUMERALS}]+")
_ROMAN = re.compile(r"(?<![A-Za-z])(?:[IVX]{1,4}|[Ⅰ-Ⅻ])(?![A-Za-z])")
_MASK = "\u25a1"  # stands in for characters already read, keeping offsets


@dataclass(frozen=True)
class Number:
    """One number as written: ``text`` at ``text[start:end]`` of the task, and its value."""

    text: str
    start: int
    end: int
    value: Decimal | None
    script: str  # "arabic", "chinese" or "roman"


@cache
def vocabulary() -> Graph:
    """ontology/targets.ttl, parsed once."""
    return Graph().parse(data=resources.text("ontology/targets.ttl"), format="turtle")


@cache
def words(concept: URIRef, prop: URIRef = PLAN.cueWord) -> tuple[str, ...]:
    """The words ``concept`` lists under ``prop``, longest first (so matching is greedy)."""
    return tuple(sorted((str(w) for w in vocabulary().objects(concept, prop)), key=lambda w: (-len(w), w)))


@cache
def written_units() -> dict[str, URIRef]:
    """Written unit or measure word → unit IRI (QUDT unit, QUDT currency or counted unit)."""
    g = vocabulary()
    found = {str(w): s for p in (PLAN.writtenAs, PLAN.measureWord) for s, w in g.subject_objects(p)}
    return dict(sorted(found.items(), key=lambda kv: -len(kv[0])))


def unit_key(unit: URIRef) -> str:
    """A unit's short key: the end of its IRI (``PERCENT``, ``CNY``, ``jia``)."""
    return re.split(r"[/#]", str(unit))[-1]


@cache
def unit_iri(key: str) -> URIRef:
    """The unit IRI for a short key made by :func:`unit_key`."""
    return next(u for u in (*written_units().values(), UNIT.NUM) if unit_key(u) == key)


def quantity_kind(unit: URIRef) -> URIRef | None:
    """The QUDT quantity kind of a unit; counted units are counts."""
    g = vocabulary()
    return QK.Count if (unit, RDF.type, PLAN.CountedUnit) in g else g.value(unit, QUDT.hasQuantityKind)


def match_at(text: str, pos: int, candidates) -> str | None:
    """The longest candidate that ``text`` has at ``pos``."""
    return next((w for w in candidates if text.startswith(w, pos)), None)


def match_before(text: str, pos: int, candidates) -> str | None:
    """The longest candidate that ends at ``pos``."""
    return next((w for w in candidates if pos >= len(w) and text.startswith(w, pos - len(w))), None)


def covering(text: str, start: int, end: int, candidates: tuple[str, ...]) -> tuple[int, int] | None:
    """The span of a candidate word occurrence that contains ``text[start:end]``."""
    for w in candidates:
        for m in re.finditer(re.escape(w), text):
            if m.start() <= start and end <= m.end():
                return m.span()
    return None


def chinese_value(numeral: str) -> Decimal | None:
    """The value of a Chinese numeral (``千亿`` is read as 一千亿); None if not a numeral."""
    whole = ("一" + numeral) if numeral[0] in "百千万亿" else numeral
    try:
        return Decimal(cn2an(whole, "normal"))
    except (ValueError, KeyError):
        return None


def _arabic_value(written: str) -> Decimal:
    plain = unicodedata.normalize("NFKC", written)
    digits = re.match(r"[0-9.]+", plain).group()
    magnitude = plain[len(digits):]
    value = Decimal(digits) * (Decimal(cn2an("一" + magnitude, "normal")) if magnitude else 1)
    return plain_decimal(value)


def plain_decimal(value: Decimal) -> Decimal:
    """``value`` without exponent or trailing zeros: 14000.0 → 14000, 2.50 → 2.5."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def find_numbers(text: str) -> list[Number]:
    """Every number in ``text``, in text order."""
    masked = list(text)
    numbers = []

    def take(m: re.Match, script: str, value: Decimal | None) -> None:
        numbers.append(Number(m.group(), m.start(), m.end(), value, script))
        masked[m.start():m.end()] = _MASK * (m.end() - m.start())

    for m in _ARABIC.finditer(text):
        take(m, "arabic", _arabic_value(m.group()))
    for m in _ROMAN.finditer(text):
        if match_at(text, m.end(), words(NTC.grade, PLAN.cueAfter)):
            take(m, "roman", None)
    for w in words(CUE["not-a-number"]):
        for m in re.finditer(re.escape(w), text):
            masked[m.start():m.end()] = _MASK * len(w)
    for m in _CHINESE.finditer("".join(masked)):
        numbers.append(Number(m.group(), m.start(), m.end(), chinese_value(m.group()), "chinese"))
    return sorted(numbers, key=lambda n: n.start)
