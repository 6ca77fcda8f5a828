"""The Screener's context effect read from prepared keys (score.Context) against score.context_effect."""

from __future__ import annotations

from collections import Counter
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from paxvet.match import DateRange, Name, PartialDate, PersonRecord
from paxvet.match import dates as d
from paxvet.match.dates import EFFECT, BirthDate, DateKey, relate
from paxvet.match.score import Context, context_effect, context_effect_of

# Years around 1962 reach every gap from 0 to more than FAR; months and days include the placeholder
# 1 January, swaps (1/2, 2/1), neighbours (1, 2, 3) and unknowns; a day without a month too.
PARTIAL = [
    PartialDate(year, month, day, circa)
    for year, month, day, circa in product(
        (1957, 1959, 1960, 1961, 1962, 1963, 1966), (None, 1, 2, 12), (None, 1, 2, 3), (False, True)
    )
]
RANGES = [DateRange(1955, 1958), DateRange(1961, 1962), DateRange(1962, 1962), DateRange(1964, 1970)]
ALL_DATES: list[BirthDate] = [*PARTIAL, *RANGES]


def test_date_key_effect_is_relate_for_every_pair() -> None:
    keys = [DateKey(d) for d in ALL_DATES]
    for a, ka in zip(ALL_DATES, keys, strict=True):
        for b, kb in zip(ALL_DATES, keys, strict=True):
            assert ka.effect(kb).hex() == EFFECT[relate(a, b)].hex(), (a, b)


def test_every_outcome_is_met_on_the_grid_as_often_as_before_one_rule_set_gave_both() -> None:
    """`relate` and `DateKey.effect` had a rule set each; folded into `DateKey.relation`, the 51,984
    ordered pairs of the grid fall into the outcomes exactly as relate's own rules put them (every one
    of the 51,984 outcomes and effects was compared with the former code when folding)."""
    found = Counter(relate(a, b) for a in ALL_DATES for b in ALL_DATES)
    assert found == {
        d.COMPATIBLE: 14870,
        d.NEAR: 18630,
        d.YEAR_OFF: 4192,
        d.CONFLICT: 13284,
        d.SAME_MONTH: 147,
        d.OTHER_MONTH: 574,
        d.SAME: 63,
        d.DAY_OFF: 84,
        d.PLACEHOLDER: 98,
        d.SWAPPED: 14,
        d.OTHER_DAY: 28,
    }
    assert set(d.OUTCOMES) == set(found) and len(d.OUTCOMES) == len(d.EFFECTS)


dates = st.sampled_from(ALL_DATES)
genders = st.sampled_from([None, "", "M", "F", "m", " f", "X", "male", "Female", "U"])
countries = st.sampled_from(["VE", "VEN", "US", "USA", "GB", "GBR", "FR", "XX", "", " zz ", "de"])


@st.composite
def records(draw: st.DrawFn) -> PersonRecord:
    return PersonRecord(
        names=(Name("A B"),),
        dates_of_birth=tuple(draw(st.lists(dates, max_size=4))),
        gender=draw(genders),
        nationalities=tuple(draw(st.lists(countries, max_size=3))),
    )


@settings(max_examples=2000, deadline=None)
@given(records(), records())
def test_context_effect_of_is_context_effect(traveller: PersonRecord, entry: PersonRecord) -> None:
    fast = context_effect_of(Context(traveller), Context(entry))
    assert fast.hex() == context_effect(traveller, entry).hex()
