"""Best-guess kind of a unit from its name, for names the registry does not know.

Other districts' plans name bodies the registry has never seen. Rather than leave them untyped,
plankg guesses their organisational form (body-type scheme) and function (sector scheme) from
the rules in ``data/unit-kinds.toml`` and says which rule decided, so a person can confirm the
guess and move the unit into the registry. A guess never becomes plan:bodyType/plan:sector by
itself: the graph keeps it as plan:suggestedBodyType/plan:suggestedSector.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache

from . import resources
from .registry import normalise


@dataclass(frozen=True)
class Guess:
    """What a name suggests. ``body_type`` is the members' form when ``collective``."""

    name: str
    body_type: str | None
    sectors: tuple[str, ...]
    collective: bool = False
    selective: bool = False
    rules: tuple[str, ...] = ()

    def describe(self) -> str:
        kind = self.body_type or "?"
        if self.collective:
            kind = f"group of {kind}" + (" (selective)" if self.selective else "")
        return f"{kind}; sector {', '.join(self.sectors) or '?'}"


@dataclass(frozen=True)
class _Rule:
    slug: str
    pattern: re.Pattern
    alone: bool = False


@cache
def _rules() -> tuple[dict, tuple[_Rule, ...], tuple[_Rule, ...]]:
    spec = tomllib.loads(resources.text("data/unit-kinds.toml"))
    forms = tuple(_Rule(r["type"], re.compile(r["pattern"])) for r in spec["form"])
    sectors = tuple(_Rule(r["sector"], re.compile(r["pattern"]), r.get("alone", False)) for r in spec["sector"])
    collective = {k: re.compile(v) for k, v in spec["collective"].items()}
    return collective, forms, sectors


def guess(name: str) -> Guess:
    """The kind the rules read in ``name``; ``None``/empty where no rule applies."""
    collective, forms, sector_rules = _rules()
    text = normalise(name)
    group = bool(collective["pattern"].search(text))
    members = text
    if group:
        # classify what the quantifier applies to: 各街道 → 街道, 区属各重点国企 → 重点国企
        members = re.split(r"各(?:相关|有关)?|^(?:有关|相关)", text)[-1] or text
    rules = []
    form = next((r for r in forms if r.pattern.search(members)), None)
    if group and collective["members-are-departments"].search(text):
        body_type, rules = "department", ["collective: members named by role"]
    else:
        body_type = form.slug if form else None
        if form:
            rules.append(f"form {form.slug}: /{form.pattern.pattern}/")
    sectors: list[str] = []
    for rule in sector_rules:
        if rule.pattern.search(text):
            if rule.alone:
                sectors = [rule.slug]
                rules.append(f"sector {rule.slug} (alone): /{rule.pattern.pattern}/")
                break
            if rule.slug not in sectors:
                sectors.append(rule.slug)
                rules.append(f"sector {rule.slug}: /{rule.pattern.pattern}/")
    return Guess(name, body_type, tuple(sectors), group,
                 bool(group and collective["selective"].search(text)), tuple(rules))
