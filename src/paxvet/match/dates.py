"""Dates of birth compared as what they are: full dates, year-month, year only, circa, or ranges.

A year-only date is never read as 1 January. Each outcome has a fixed, explained effect on the score;
with several dates on either side the most favourable pair counts (sources list alternatives).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from paxvet.match.records import DateRange, PartialDate

SAME = "same date"
SAME_MONTH = "same year and month"
COMPATIBLE = "compatible (partial date)"
PLACEHOLDER = "same year (1 January, often a placeholder)"
SWAPPED = "day and month swapped"
DAY_OFF = "one day off"
YEAR_OFF = "one year off"
NEAR = "within 3 years"
OTHER_DAY = "same year and month, different day"
OTHER_MONTH = "same year, different month/day"
CONFLICT = "conflicting"
UNKNOWN = "unknown"

# Each outcome's effect, also as constants for `DateKey.effect` (compiled, they are plain C doubles).
SAME_EFFECT: Final = 0.08
SAME_MONTH_EFFECT: Final = 0.05
COMPATIBLE_EFFECT: Final = 0.03
PLACEHOLDER_EFFECT: Final = 0.0
SWAPPED_EFFECT: Final = -0.04
DAY_OFF_EFFECT: Final = -0.04
YEAR_OFF_EFFECT: Final = -0.07
NEAR_EFFECT: Final = -0.18
OTHER_DAY_EFFECT: Final = -0.08
OTHER_MONTH_EFFECT: Final = -0.15
CONFLICT_EFFECT: Final = -0.3
UNKNOWN_EFFECT: Final = 0.0

EFFECT = {
    SAME: SAME_EFFECT,
    SAME_MONTH: SAME_MONTH_EFFECT,
    COMPATIBLE: COMPATIBLE_EFFECT,
    PLACEHOLDER: PLACEHOLDER_EFFECT,
    SWAPPED: SWAPPED_EFFECT,
    DAY_OFF: DAY_OFF_EFFECT,
    YEAR_OFF: YEAR_OFF_EFFECT,
    NEAR: NEAR_EFFECT,
    OTHER_DAY: OTHER_DAY_EFFECT,
    OTHER_MONTH: OTHER_MONTH_EFFECT,
    CONFLICT: CONFLICT_EFFECT,
    UNKNOWN: UNKNOWN_EFFECT,
}

# The outcomes as small ints (`DateKey.relation`), their names and effects indexed by them: one set of
# rules gives both the outcome an explanation names (`relate`) and the effect the Screener sums.
R_SAME: Final = 0
R_SAME_MONTH: Final = 1
R_COMPATIBLE: Final = 2
R_PLACEHOLDER: Final = 3
R_SWAPPED: Final = 4
R_DAY_OFF: Final = 5
R_YEAR_OFF: Final = 6
R_NEAR: Final = 7
R_OTHER_DAY: Final = 8
R_OTHER_MONTH: Final = 9
R_CONFLICT: Final = 10
OUTCOMES: tuple[str, ...] = (
    SAME,
    SAME_MONTH,
    COMPATIBLE,
    PLACEHOLDER,
    SWAPPED,
    DAY_OFF,
    YEAR_OFF,
    NEAR,
    OTHER_DAY,
    OTHER_MONTH,
    CONFLICT,
)
EFFECTS: tuple[float, ...] = tuple([EFFECT[outcome] for outcome in OUTCOMES])

BirthDate = PartialDate | DateRange


@dataclass(frozen=True, slots=True)
class DateComparison:
    outcome: str
    effect: float
    traveller: str = ""
    entry: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "outcome": self.outcome,
            "effect": self.effect,
            "traveller": self.traveller,
            "entry": self.entry,
        }


def show(d: BirthDate) -> str:
    return d.iso() if isinstance(d, PartialDate) else f"{d.start_year}..{d.end_year}"


@lru_cache(maxsize=100_000)
def compare_dates(traveller: tuple[BirthDate, ...], entry: tuple[BirthDate, ...]) -> DateComparison:
    """The most favourable relation between any traveller date and any entry date."""
    if not traveller or not entry:
        return DateComparison(UNKNOWN, 0.0, ", ".join(map(show, traveller)), ", ".join(map(show, entry)))
    best = max(((relate(a, b), a, b) for a in traveller for b in entry), key=lambda r: EFFECT[r[0]])
    return DateComparison(best[0], EFFECT[best[0]], show(best[1]), show(best[2]))


def date_effect(traveller: tuple[BirthDate, ...], entry: tuple[BirthDate, ...]) -> float:
    """`compare_dates(traveller, entry).effect` without the comparison's display strings (the Screener's
    bounds need the number for every candidate, the explanation only for the few it scores)."""
    if not traveller or not entry:
        return EFFECT[UNKNOWN]
    return max(EFFECT[relate(a, b)] for a in traveller for b in entry)


def _years(d: BirthDate) -> tuple[int, int]:
    if isinstance(d, DateRange):
        return d.start_year, d.end_year
    spread = 1 if d.circa else 0
    return d.year - spread, d.year + spread


def relate(a: BirthDate, b: BirthDate) -> str:
    """How two birth dates relate, from 'same date' down to 'conflicting' (`DateKey.relation`'s rules)."""
    return OUTCOMES[DateKey(a).relation(DateKey(b))]


class DateKey:
    """A birth date reduced to plain ints: `relation` compares two with int comparisons alone (the
    Screener's bound needs the effect for every candidate; mypyc makes little of a union type, boxed
    tuples and string outcomes), and `relate` names what it finds. `exact`: a PartialDate not circa (a
    single year)."""

    def __init__(self, d: BirthDate) -> None:
        self.low, self.high = _years(d)
        if isinstance(d, PartialDate):
            self.partial, self.exact = True, not d.circa
            self.month, self.day = d.month or 0, d.day or 0
        else:
            self.partial = self.exact = False
            self.month = self.day = 0

    def effect(self, b: DateKey) -> float:
        """`EFFECT[relate(self, b)]`: the effect of the outcome `relation` finds."""
        return EFFECTS[self.relation(b)]

    def relation(self, b: DateKey) -> int:
        """How the two dates relate, as an index of OUTCOMES: the year gap first (a year-only date is
        never read as 1 January), then, within one year, months and days."""
        gap = self.low - b.high  # no max() or abs(): compiled, those are generic calls on boxed ints
        if b.low - self.high > gap:
            gap = b.low - self.high
        if gap > 0:
            if gap > 1:
                return R_NEAR if gap <= 3 else R_CONFLICT
            if not (self.partial and b.partial and self.day and b.day):
                return R_YEAR_OFF  # not both full dates
            same_day = self.month != 0 and self.month == b.month and self.day == b.day
            return R_YEAR_OFF if same_day else R_NEAR
        if not (self.exact and b.exact):
            return R_COMPATIBLE  # the same year then: no gap, and each allows one year only
        return self._within_year(b)

    def _within_year(self, b: DateKey) -> int:
        if not self.month or not b.month:
            return R_COMPATIBLE
        if not self.day or not b.day:
            return R_SAME_MONTH if self.month == b.month else R_OTHER_MONTH
        if self.month == b.month and self.day == b.day:
            return R_SAME
        if self.month == b.day and self.day == b.month:
            return R_SWAPPED
        if self.month == b.month and (self.day - b.day == 1 or b.day - self.day == 1):
            return R_DAY_OFF
        if (self.month == 1 and self.day == 1) or (b.month == 1 and b.day == 1):
            return R_PLACEHOLDER
        return R_OTHER_DAY if self.month == b.month else R_OTHER_MONTH


def date_keys(dates: tuple[BirthDate, ...]) -> tuple[DateKey, ...]:
    return tuple(DateKey(d) for d in dates)


def keys_effect(traveller: tuple[DateKey, ...], entry: tuple[DateKey, ...]) -> float:
    """`date_effect` of the dates these keys were made from: the most favourable pair's effect."""
    if not traveller or not entry:
        return UNKNOWN_EFFECT
    best = CONFLICT_EFFECT  # the least effect of all
    for a in traveller:
        for b in entry:
            effect = a.effect(b)
            if effect > best:
                if effect == SAME_EFFECT:
                    return effect  # none is better
                best = effect
    return best
