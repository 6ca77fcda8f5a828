"""Flight keys, local -> UTC with airport time zones (DST included), traveller identity keys."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from conftest import FIXTURES
from paxvet.flights.models import Flight
from paxvet.flights.service import apply_manifest, identity_key, name_key
from paxvet.ingest.airports import airport_country, local_to_utc
from paxvet.ingest.edifact import parse_edifact
from paxvet.ingest.paxlst import (
    TravellerData,
    parse_edi_date,
    parse_edi_datetime,
    read_paxlst,
    split_flight,
)


@pytest.mark.parametrize(
    ("local", "airport", "utc"),
    [
        (datetime(2025, 7, 1, 15, 30), "MEX", datetime(2025, 7, 1, 21, 30, tzinfo=UTC)),  # no DST since 2022
        (datetime(2025, 1, 15, 12, 0), "JFK", datetime(2025, 1, 15, 17, 0, tzinfo=UTC)),  # EST
        (datetime(2025, 7, 15, 12, 0), "JFK", datetime(2025, 7, 15, 16, 0, tzinfo=UTC)),  # EDT
        (datetime(2025, 3, 30, 3, 30), "MAD", datetime(2025, 3, 30, 1, 30, tzinfo=UTC)),  # first hour of CEST
        (datetime(2025, 6, 1, 10, 0), "CUN", datetime(2025, 6, 1, 15, 0, tzinfo=UTC)),  # Quintana Roo, UTC-5
    ],
)
def test_local_times_become_utc_with_the_airport_zone(local: datetime, airport: str, utc: datetime) -> None:
    assert local_to_utc(local, airport) == utc


def test_unknown_airport_has_no_utc_time() -> None:
    assert local_to_utc(datetime(2025, 1, 1), "Q9Q") is None
    assert airport_country("TIJ") == "MX" and airport_country(None) is None


@pytest.mark.parametrize(
    ("flight", "hint", "expected"),
    [
        ("AM645", "", ("AM", "645")),
        ("XY421", "XY", ("XY", "421")),
        ("UA0989", "", ("UA", "0989")),
        ("AAL123", "", ("AAL", "123")),
        ("U21234", "", ("U2", "1234")),
        ("4O123", "", ("4O", "123")),
    ],
)
def test_split_flight(flight: str, hint: str, expected: tuple[str, str]) -> None:
    assert split_flight(flight, hint) == expected


def test_dates_two_digit_years_and_tolerated_forms() -> None:
    assert parse_edi_date("920229", "birth") == (date(1992, 2, 29), None)
    assert parse_edi_date("150101", "birth") == (date(2015, 1, 1), None)
    assert parse_edi_date("19780314", "birth")[0] == date(1978, 3, 14)
    assert parse_edi_date("300115", "expiry") == (date(2030, 1, 15), None)
    assert parse_edi_date("910230", "birth") == (None, "impossible date '910230'")
    assert parse_edi_datetime(" 1306212200") == (datetime(2013, 6, 21, 22, 0), None)


TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("261203", "birth", date(2026, 12, 3)),  # born today: this century
        ("261204", "birth", date(1926, 12, 4)),  # tomorrow in 20xx: never in the future, so 19xx
        ("270101", "birth", date(1927, 1, 1)),
        ("000229", "birth", date(2000, 2, 29)),  # 2000 was a leap year (1900 was not)
        ("280229", "birth", date(1928, 2, 29)),  # 2028 is ahead: 19xx, and 1928 was a leap year
        ("991231", "birth", date(1999, 12, 31)),
        ("261204", "issue", date(1926, 12, 4)),  # issue dates are never in the future either
        ("261202", "issue", date(2026, 12, 2)),
        ("461231", "expiry", date(2046, 12, 31)),  # expiry dates: 20xx up to 20 years ahead (as in MRZs)
        ("470101", "expiry", date(1947, 1, 1)),  # beyond the horizon: no passport is valid that long
        ("000101", "expiry", date(2000, 1, 1)),
        ("980831", "expiry", date(1998, 8, 31)),
    ],
)
def test_two_digit_years_take_a_century_window(raw: str, kind: str, expected: date) -> None:
    assert parse_edi_date(raw, kind, today=TODAY) == (expected, None)


def test_two_digit_years_that_are_impossible_in_both_centuries() -> None:
    assert parse_edi_date("290229", "birth", today=TODAY) == (None, "impossible date '290229'")
    assert parse_edi_date("250229", "expiry", today=TODAY) == (None, "impossible date '250229'")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9912312359", datetime(2099, 12, 31, 23, 59)),  # flight times are always 20xx
        ("0001010000", datetime(2000, 1, 1, 0, 0)),
        ("700101", datetime(2070, 1, 1)),
        ("201306212200", datetime(2013, 6, 21, 22, 0)),
    ],
)
def test_flight_times_are_this_century(raw: str, expected: datetime) -> None:
    assert parse_edi_datetime(raw) == (expected, None)


def test_identity_key_ignores_case_accents_and_punctuation() -> None:
    a = TravellerData(
        role="passenger", party="FL", surname="O'Brien", given_names="Seán", date_of_birth=date(1978, 3, 14)
    )
    b = TravellerData(
        role="passenger", party="FL", surname="OBRIEN", given_names="SEAN", date_of_birth=date(1978, 3, 14)
    )
    crew = TravellerData(
        role="crew", party="FM", surname="OBRIEN", given_names="SEAN", date_of_birth=date(1978, 3, 14)
    )
    assert identity_key(a) == identity_key(b) != identity_key(crew)
    assert name_key("Smith-Jones ") == "SMITHJONES"


def test_a_manifest_says_whether_it_moved_a_known_flights_times(session: Session) -> None:
    """The handler refreshes the hits' queue time only then (none for a new flight or unchanged times)."""
    data = (FIXTURES / "paxlst" / "basic_d05b.edi").read_bytes()
    message = parse_edifact(data).messages[0]
    assert apply_manifest(session, read_paxlst(message)).times_moved is False  # new flight
    assert apply_manifest(session, read_paxlst(message)).times_moved is False  # same times
    later = data.replace(b"DTM+232:2507011530", b"DTM+232:2507011745")
    moved = apply_manifest(session, read_paxlst(parse_edifact(later).messages[0]))
    assert moved.times_moved is True and moved.flight is not None
    stored = session.get_one(Flight, moved.flight.id)
    assert stored.scheduled_arrival_utc == datetime(2025, 7, 1, 23, 45, tzinfo=UTC)
