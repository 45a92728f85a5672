"""Chinese text for search: folding, word segmentation, pinyin, and reading a query.

Both sides of the index go through :func:`fold` (NFKC, lower case, traditional → simplified by
OpenCC), so 區財政局 finds 区财政局. Texts are cut into words by jieba, with the unit registry's
names and the indicator labels as its user dictionary, in search mode (财政局 also yields 财政),
and into character bigrams, so a fragment jieba did not cut out is still found as a substring.
jieba's dictionary takes a second or more to load, so only building an index loads it: a query
is cut with the words the index itself holds (:func:`query_terms`), never with jieba.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[a-z0-9]+")
PREFIXES = re.compile(r"^(?:重庆市|[\u4e00-\u9fff]{1,3}?[区县市])")  # 重庆市渝中区财政局 → 财政局
MAX_WORD = 12


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # the OpenCC wheel: its own C++ engine and dictionaries (0.1 s to load)

    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """NFKC, lower case, simplified characters: what is indexed and what is looked up."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _t2s().convert(text) if CJK.search(text) else text


def stem(word: str) -> str:
    """English plural folded (revenues → revenue): enough for labels; pinyin is left alone."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def bigrams(text: str) -> list[str]:
    """The overlapping character pairs of each run of Chinese characters."""
    out = []
    for run in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", text):
        out += [run[i:i + 2] for i in range(len(run) - 1)] or [run]
    return out


class Segmenter:
    """jieba, loaded on first use, with the registry's names added as words."""

    def __init__(self):
        self._jieba = None
        self._added: set[str] = set()
        self._loaded: set[str] = set()

    def words(self, names) -> None:
        """Make each name (unit names, indicator labels) one word for jieba."""
        self._added.update(n for n in names if n)  # folded when jieba is loaded (not at all if it never is)

    def cut(self, text: str) -> list[str]:
        """The words of a folded text in jieba's search mode (long words and their parts)."""
        jb = self._load()
        return [w for w in jb.cut_for_search(text) if CJK.search(w)]

    def _load(self):
        if self._jieba is None:
            import logging

            import jieba  # Chinese word segmentation (MIT); its dictionary loads in about a second

            jieba.setLogLevel(logging.WARNING)
            self._jieba = jieba.Tokenizer()
            self._jieba.initialize()  # the dictionary (jieba caches it, parsed, in its temp dir)
        for word in map(fold, self._added - self._loaded):
            self._jieba.add_word(word, freq=max(self._jieba.suggest_freq(word), 20000))
        self._loaded |= self._added
        return self._jieba


def pinyin_keys(name: str) -> list[str]:
    """Full pinyin and initials of a unit name, with and without its 区/district prefix:
    区财政局 → qucaizhengju, qczj, caizhengju, czj (ü as v and as u)."""
    from pypinyin import Style, lazy_pinyin  # pinyin with a phrase dictionary (重庆 → chongqing)

    keys = []
    folded = fold(name)
    short = PREFIXES.sub("", folded)
    for variant in dict.fromkeys([folded, short, short[1:] if short.startswith("区") else short]):
        chars = "".join(CJK.findall(variant))
        if len(chars) < 2:
            continue
        syllables = lazy_pinyin(chars)
        full = "".join(syllables)
        keys += [full, full.replace("v", "u"), "".join(s[0] for s in syllables if s)]
    return list(dict.fromkeys(keys))


@dataclass(frozen=True)
class Term:
    """One thing a query asks for: a Chinese word or fragment, or a Latin word (a prefix)."""

    text: str
    latin: bool

    def found_in(self, hay: str, latin_words: set[str] | frozenset) -> bool:
        if self.latin:
            return any(w.startswith(self.text) for w in latin_words)
        return self.text in hay


def query_terms(query: str, vocabulary) -> list[Term]:
    """The terms of a query: Latin words as they are; Chinese cut into the longest words the
    index knows (``vocabulary``), what is left over kept as fragments (found as substrings)."""
    terms = []
    for piece in fold(query).split():
        for part in re.findall(r"[a-z0-9]+|[\u3400-\u9fff\uf900-\ufaff]+", piece):
            if not CJK.match(part):
                terms.append(Term(stem(part), True))
                continue
            terms += [Term(w, False) for w in _longest_words(part, vocabulary)]
    return list(dict.fromkeys(terms))


def _longest_words(run: str, vocabulary) -> list[str]:
    out, rest, i = [], "", 0
    while i < len(run):
        for j in range(min(len(run), i + MAX_WORD), i + 1, -1):
            if run[i:j] in vocabulary:
                if rest:
                    out.append(rest)
                    rest = ""
                out.append(run[i:j])
                i = j
                break
        else:
            rest += run[i]
            i += 1
    if rest:
        out.append(rest)
    return out
