"""OFAC remarks: the phrasings OFAC really uses for dates, places, countries, gender and documents."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paxvet.watchlists.importers.ofac_remarks import parse_dob, parse_document, parse_remarks
from paxvet.watchlists.schemas import BirthDate, EntryDocument


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23 Nov 1962", [BirthDate(year=1962, month=11, day=23)]),
        ("1962", [BirthDate(year=1962)]),
        ("Sep 1938", [BirthDate(year=1938, month=9)]),
        ("circa 1951", [BirthDate(year=1951, circa=True)]),
        ("circa 01 Jul 1960", [BirthDate(year=1960, month=7, day=1, circa=True)]),
        ("1955 to 1958", [BirthDate(year=1955, end_year=1958)]),
        ("01 Jan 1961 to 31 Dec 1962", [BirthDate(year=1961, end_year=1962)]),
        ("01 Mar 1970 to 31 Mar 1970", [BirthDate(year=1970, month=3)]),
        ("circa 1979-1982", [BirthDate(year=1979, end_year=1982, circa=True)]),
    ],
)
def test_dates_of_birth(text: str, expected: list[BirthDate]) -> None:
    assert parse_dob(text) == expected


@pytest.mark.parametrize("text", ["", "unknown", "31 Feb 1960", "1960 to 1950", "13 Foo 1960"])
def test_unreadable_dates_are_none(text: str) -> None:
    assert parse_dob(text) is None


def test_a_full_remarks_field() -> None:
    facts = parse_remarks(
        "DOB 19 Jun 1951; alt. DOB 1952; POB Giza, Egypt; alt. POB Cairo, Egypt; nationality Egypt; "
        "alt. nationality Korea, North; citizen Russia; Gender Male; Passport 1084010 (Egypt); "
        "alt. Passport 19820215; National ID No. 653225197110100533 (China); Cedula No. 16215230 (Colombia); "
        "Tax ID No. 7744001497 (Russia); a.k.a. 'ABU MUHAMMAD'; Linked To: EXAMPLE GROUP."
    )
    assert facts.dates_of_birth == [BirthDate(year=1951, month=6, day=19), BirthDate(year=1952)]
    assert facts.places_of_birth == ["Giza, Egypt", "Cairo, Egypt"]
    assert facts.nationalities == ["EGY", "PRK"] and facts.citizenships == ["RUS"]
    assert facts.gender == "M"
    assert [(d.number, d.doc_type, d.country) for d in facts.documents] == [
        ("1084010", "passport", "EGY"),
        ("19820215", "passport", None),
        ("653225197110100533", "national_id", "CHN"),
        ("16215230", "national_id", "COL"),
    ]  # the tax id is not a travel or identity document
    assert facts.weak_aliases == ["ABU MUHAMMAD"]
    assert facts.unreadable == []


def test_unreadable_items_are_reported() -> None:
    facts = parse_remarks("DOB sometime in the sixties; nationality Atlantis; Gender Female")
    assert facts.unreadable == ["DOB sometime in the sixties", "nationality Atlantis"]
    assert facts.gender == "F"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Passport RL 1794375 (Lebanon)",
            EntryDocument(number="RL 1794375", doc_type="passport", country="LBN"),
        ),
        (
            "Passport 702142921 (Germany) expires 03 Dec 2011",
            EntryDocument(number="702142921", doc_type="passport", country="DEU", note="expires 03 Dec 2011"),
        ),
        (
            "Diplomatic Passport 008827 (Iran) issued 1999",
            EntryDocument(number="008827", doc_type="passport", country="IRN", note="issued 1999"),
        ),
        (
            "D.N.I. 78.865.882 (Spain)",
            EntryDocument(number="78.865.882", doc_type="national_id", country="ESP"),
        ),
        (
            "C.U.R.P. AIMM67125HCHRRG06 (Mexico)",
            EntryDocument(number="AIMM67125HCHRRG06", doc_type="national_id", country="MEX"),
        ),
        (
            "Driver's License No. 180839 (Mexico)",
            EntryDocument(number="180839", doc_type="driving_licence", country="MEX"),
        ),
        (
            "Passport 472220033 (Korea, North)",
            EntryDocument(number="472220033", doc_type="passport", country="PRK"),
        ),
        ("Registration Number 1027700167110 (Russia)", None),
        ("Passport unknown", None),
    ],
)
def test_documents(text: str, expected: EntryDocument | None) -> None:
    assert parse_document(text) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_any_remarks_text_parses_without_error(text: str) -> None:
    facts = parse_remarks(text)
    assert all(1800 <= d.year <= 2100 for d in facts.dates_of_birth)


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)))
def test_dates_round_trip_in_ofac_form(day: date) -> None:
    assert parse_dob(day.strftime("%d %b %Y")) == [BirthDate(year=day.year, month=day.month, day=day.day)]
