"""Which way a flight crosses the reporting country's border, and at which of its airports.

A PAXLST manifest (or a PNR push) reports either an arrival into the reporting country (inbound) or a
departure from it (outbound); an agency in MX receives both. The leg that crosses the border tells: its
arrival airport is in the country (inbound) or its departure airport is (outbound). That airport is "the
reporting country's airport": the flight is keyed by it and by the scheduled local date there, and the
time that matters to officers (time left, queue order, retro window) is the scheduled arrival there for
inbound flights and the scheduled departure from there for outbound ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from paxvet.countries import to_alpha3
from paxvet.ingest.airports import airport_country

INBOUND = "inbound"
OUTBOUND = "outbound"


class LegLike(Protocol):
    @property
    def departure_airport(self) -> str | None: ...
    @property
    def arrival_airport(self) -> str | None: ...
    @property
    def departure_local(self) -> datetime | None: ...
    @property
    def arrival_local(self) -> datetime | None: ...


@dataclass(frozen=True)
class BorderSide:
    """The reporting country's side of a flight: the leg crossing the border, the direction, the
    airport in the country and the scheduled local time there."""

    leg: LegLike
    direction: str  # inbound | outbound
    airport: str
    local: datetime
    confirmed: bool  # False: no leg touches the reporting country (unknown airports); read as inbound


@dataclass(frozen=True)
class PlainLeg:
    """A single leg given by its airports and local times (a PNR push's flight)."""

    departure_airport: str | None
    arrival_airport: str | None
    departure_local: datetime | None
    arrival_local: datetime | None


def airport_country3(code: str | None) -> str | None:
    """ISO alpha-3 country of an IATA airport code; None when the airport is unknown."""
    return to_alpha3(airport_country(code))


def _crosses(leg: LegLike, country: str) -> str | None:
    arrives = airport_country3(leg.arrival_airport) == country
    departs = airport_country3(leg.departure_airport) == country
    if arrives and not departs:
        return INBOUND
    if departs and not arrives:
        return OUTBOUND
    return None


def border_side(legs: Sequence[LegLike], country: str, marked: Sequence[LegLike] = ()) -> BorderSide | None:
    """The side of the first leg crossing into `country` (else out of it), looking first at the `marked`
    legs (PAXLST LOC+125/87), then at all; None when no leg has an airport and a local time to key on.
    When no leg touches `country` (airports unknown to airportsdata, or a misconfigured country) the
    reporting leg's arrival airport is taken, inbound, with `confirmed` False."""
    for candidates in (marked, legs):
        for wanted in (INBOUND, OUTBOUND):
            for leg in candidates:
                if _crosses(leg, country) == wanted:
                    side = _side(leg, wanted, confirmed=True)
                    if side is not None:
                        return side
    fallback = marked[0] if marked else _first_into_final_country(legs)
    return _side(fallback, INBOUND, confirmed=False) if fallback is not None else None


def _side(leg: LegLike, direction: str, *, confirmed: bool) -> BorderSide | None:
    if direction == OUTBOUND:
        airport, local = leg.departure_airport, leg.departure_local or leg.arrival_local
    else:
        airport = leg.arrival_airport or leg.departure_airport
        local = leg.arrival_local or leg.departure_local
    if not airport or local is None:
        return None
    return BorderSide(leg, direction, airport, local, confirmed)


def _first_into_final_country(legs: Sequence[LegLike]) -> LegLike | None:
    """A progressive flight with only LOC+92: the first leg arriving in the final destination's country."""
    if not legs:
        return None
    final = airport_country(legs[-1].arrival_airport)
    for leg in legs:
        if final and airport_country(leg.arrival_airport) == final:
            return leg
    return legs[-1]
