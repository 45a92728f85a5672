"""The records of target extraction: a target, a number that is not one, what a text yields, and
how the numbers of many texts were accounted for (plankg.targets makes them)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .numbers import Number
from .scopes import Scope


@dataclass(frozen=True)
class Target:
    """One quantitative target; ``start``/``end`` locate ``phrase`` in the task text."""

    indicator: str
    kind: str  # figure-kind slug: growth-rate, level, count, share, duration
    value: Decimal
    unit_key: str  # numbers.unit_key of the unit: PERCENT, CNY, KiloM, jia …
    number_as_written: str
    unit_as_written: str
    comparator: str  # comparator slug: about, at-least, at-most, reach, maintain, exactly
    period: int | None  # the year the text names, else the year given to extract()
    phrase: str
    start: int
    end: int
    measure: tuple[str, ...] = ()  # names to find the indicator node by, most specific first
    scope: Scope | None = None  # the place or sector the text narrows it to; None: the whole division

    @property
    def measure_names(self) -> tuple[str, ...]:
        return self.measure or (self.indicator,)


@dataclass(frozen=True)
class NonTarget:
    """A number that is not a target, with its ntc: category slug."""

    text: str
    start: int
    end: int
    category: str


@dataclass(frozen=True)
class Extraction:
    targets: tuple[Target, ...]
    non_targets: tuple[NonTarget, ...]
    unexplained: tuple[Number, ...]
    numbers: tuple[Number, ...]
    context: tuple[Target, ...] = ()  # context figures: read like targets, but not targets
    context_numbers: tuple[Number, ...] = ()


@dataclass
class Coverage:
    """How the numbers of some texts were accounted for; ``add`` one extraction at a time."""

    found: int = 0
    in_targets: int = 0
    targets: int = 0
    in_context: int = 0
    context: int = 0
    non_targets: int = 0
    unexplained: int = 0

    def add(self, e: Extraction) -> None:
        self.found += len(e.numbers)
        self.in_targets += len(e.numbers) - len(e.non_targets) - len(e.unexplained) - len(e.context_numbers)
        self.targets += len(e.targets)
        self.in_context += len(e.context_numbers)
        self.context += len(e.context)
        self.non_targets += len(e.non_targets)
        self.unexplained += len(e.unexplained)

    @classmethod
    def of(cls, extractions) -> Coverage:
        coverage = cls()
        for e in extractions:
            coverage.add(e)
        return coverage

    def __str__(self) -> str:
        return (f"numbers: {self.found} found, {self.in_targets} in {self.targets} targets, "
                f"{self.in_context} in {self.context} context figures, "
                f"{self.non_targets} non-targets, {self.unexplained} unexplained")
