"""data/outcome-words.toml, read once: the words reports use that plans do not (see that file)."""
from __future__ import annotations

import tomllib
from functools import cache

from .. import resources


@cache
def words() -> dict:
    return tomllib.loads(resources.text("data/outcome-words.toml"))


def longest_first(items) -> list[str]:
    return sorted(items, key=lambda w: (-len(w), w))
