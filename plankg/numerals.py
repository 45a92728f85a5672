"""Chinese numerals a plan writes most (零, 一 … 九十九, 两, and 一百, 一千, 一万 … as magnitudes), valued
without cn2an: importing cn2an costs 0.5–1 s of every process that reads a plan, and almost every
numeral in a plan is one of these. Anything else is left to cn2an;
tests/test_write_path.py checks every entry against cn2an.
"""
from __future__ import annotations

_DIGITS = dict(zip("一二三四五六七八九", range(1, 10)))
_MAGNITUDES = {"十": 10, "百": 100, "千": 1000, "万": 10 ** 4, "十万": 10 ** 5, "百万": 10 ** 6, "千万": 10 ** 7,
               "亿": 10 ** 8, "十亿": 10 ** 9, "百亿": 10 ** 10, "千亿": 10 ** 11, "万亿": 10 ** 12}


def _table() -> dict[str, int]:
    out = dict(_DIGITS)
    out["十"] = 10
    for d, n in _DIGITS.items():
        out["十" + d] = 10 + n
        out[d + "十"] = 10 * n
        for e, m in _DIGITS.items():
            out[d + "十" + e] = 10 * n + m
    for word, n in _MAGNITUDES.items():
        if word != "十":
            out["一" + word] = n
    return out


TABLE = _table()
TABLE["零"] = 0
LOOSE = {"两": 2}  # what cn2an's "normal" and "smart" modes read too ("strict" refuses it)


def cn2an(numeral: str, mode: str = "strict"):
    """cn2an.cn2an(numeral, mode), answered from the table where it can be (cn2an is imported only
    for a numeral beyond it)."""
    known = TABLE.get(numeral)
    if known is None and mode != "strict":
        known = LOOSE.get(numeral)
    if known is not None:
        return known
    import cn2an as slow

    return slow.cn2an(numeral, mode)
