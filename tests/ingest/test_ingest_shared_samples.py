"""Every shared PAXLST sample ingests with the flights, travellers and documents a careful reader expects.
Skipped when ../shared/data is absent (the samples are licensed separately and never copied here)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from conftest import shared_path
from paxvet.flights.models import Flight
from paxvet.flights.service import traveller_dicts
from paxvet.ingest.models import PROCESSED
from paxvet.ingest.service import receive

pytestmark = pytest.mark.shared

# file -> (flight code, reporting airport, local arrival date, passengers, crew, status, spot checks)
# spot check: (surname, given names, born, gender, nationality, [(doc type, number, country, expiry)])
EXPECTED: dict[str, tuple[str, str, date, int, int, str, list[tuple[Any, ...]]]] = {
    "gtas/apis_paxlst-unedifact-d02b_custom-una-separators-newlines.edi": (
        "TN506",
        "YEU",
        date(2014, 5, 11),
        10,
        0,
        "open",
        [("BETTON", "DAVID", "1954-10-16", "M", "USA", [("P", "178556534", "USA", "2018-02-21")])],
    ),
    "gtas/apis_paxlst-unedifact-d02b_delta_large-manifest.txt": (
        "UA0989",
        "IAD",
        date(2017, 1, 28),
        260,
        0,
        "open",
        [("Kuchel", "Rachel Pat", "1977-10-19", "F", "USA", [("P", "12345678", "USA", "2019-12-18")])],
    ),
    "gtas/apis_paxlst-unedifact-d02b_entity-resolution-flight1.txt": (
        "LA532",
        "JFK",
        date(2020, 1, 20),
        10,
        0,
        "open",
        [
            (
                "JIANG",
                "HSIUYUAN",
                "1967-06-03",
                "F",
                "CHN",
                [(None, "433419360", "CHN", "2023-09-20"), ("V", "57131424", "USA", "2021-07-29")],
            )
        ],
    ),
    "gtas/apis_paxlst-unedifact-d02b_entity-resolution-flight2.txt": (
        "FI615",
        "JFK",
        date(2020, 2, 26),
        10,
        0,
        "open",
        [
            (
                "CHIANG",
                "XIUYUAN",
                "1967-06-04",
                "F",
                "CHN",
                [("P", "51447450", "CHN", "2019-11-10"), ("V", "69396759", "USA", "2020-03-27")],
            )
        ],
    ),
    "gtas/apis_paxlst-unedifact-d02b_entity-resolution-flight3.txt": (
        "YY123",
        "BRU",
        date(2020, 4, 24),
        10,
        0,
        "open",
        [
            (
                "JIANG",
                "XIUYUAN",
                "1967-06-03",
                "F",
                "CHN",
                [("P", "461448207", "CHN", "2021-02-26"), ("V", "19495986", "USA", "2020-08-15")],
            )
        ],
    ),
    "gtas/apis_paxlst-unedifact-d02b_ua-fra-iad_small-manifest.txt": (
        "UA0989",
        "IAD",
        date(2017, 1, 28),
        0,
        8,
        "open",
        [("Steur", "Andrea Pat", "1978-07-06", "F", "GBR", [("P", "123456789", "GBR", "1961-02-18")])],
    ),
    "gtas/apis_paxlst-unedifact-d05b_multi-leg-itinerary.txt": (
        "QQ827",
        "CDG",
        date(2008, 8, 11),
        2,
        0,
        "open",
        [("BARRETT", "TODD", "1968-02-23", "M", "FRA", [("P", "YY3478621G", "FRA", "2008-12-30")])],
    ),
    "gtas/apis_paxlst-unedifact-d05b_two-tdt-legs_rff-refs.txt": (
        "AA123",
        "ORD",
        date(2007, 2, 19),
        2,
        0,
        "open",
        [("CLARK", "CHERYL", "1973-04-07", "F", None, [])],
    ),
    "gtas/apis_paxlst-usedifact-cedipax_four-pax_extracted-from-test.txt": (
        "SA812",
        "LAX",
        date(2002, 1, 31),
        4,
        0,
        "open",
        [("O'LEARY", "KRIS ANN", "1933-12-31", "F", "IRL", [("P", "E54321A", "IRL", "1998-08-31")])],
    ),
    "messages/paxlst/synthetic_crew_bgm250_fm_ddt.edi": (
        "XY421",
        "UTO",
        date(2025, 6, 1),
        0,
        3,
        "open",
        [
            (
                "KOWALSKA",
                "EWA",
                "1981-04-02",
                "F",
                "POL",
                [("P", "EA7654321", "POL", "2029-03-03"), ("AC", "CMC0012345", "GBR", "2027-01-01")],
            )
        ],
    ),
    "messages/paxlst/synthetic_typeb_envelope_alt_separators.txt": (
        "XY421",
        "UTO",
        date(2025, 6, 1),
        2,
        0,
        "open",
        [("SMITH-JONES", "ANNA", "1990-02-28", "F", "GBR", [("P", "533401234", "GBR", "2029-11-30")])],
    ),
    "messages/paxlst/synthetic_una_release_chars_multi_doc.edi": (
        "XY421",
        "UTO",
        date(2025, 6, 1),
        4,
        0,
        "open",
        [
            (
                "O'BRIEN",
                "SEAN PATRICK",
                "1978-03-14",
                "M",
                "IRL",
                [("P", "PX1234567", "IRL", "2030-01-15"), ("V", "UV998877", "UTO", "2025-12-31")],
            ),
            (
                "SMITH+JONES",
                "ANNA MARIA",
                "1992-02-29",
                "F",
                "GBR",
                [("P", "533401234", "GBR", "2029-11-30")],
            ),
        ],
    ),
    "messages/paxlst/wco_guide_ex5_1_single_sector_passenger_d15b.edi": (
        "ZZ123",
        "HNL",
        date(2013, 6, 21),
        1,
        0,
        "open",
        [("WILLIAMS", "JOHN DONALD", "1972-09-07", "M", "GBR", [("P", "MB140241", "GBR", "2015-12-31")])],
    ),
    "messages/paxlst/wco_guide_ex5_2_crew_d15b.edi": (
        "ZZ123",
        "HNL",
        date(2013, 6, 21),
        0,
        1,
        "open",
        [("CLARK", "MICHAEL", "1972-09-07", "M", "CAN", [("P", "MB140241", "CAN", "2015-10-21")])],
    ),
    "messages/paxlst/wco_guide_ex5_3_progressive_two_sector_d15b.edi": (
        "XZ877",
        "IAD",
        date(2014, 7, 8),
        2,
        0,
        "open",
        [("MARTINEZ", "SORINA MARIA", "1969-06-06", "F", "ESP", [("P", "TRQWE9980", "ESP", "2017-09-16")])],
    ),
    "messages/iapi_cusres/iapi_cn_10pax_paxlst.edi": (
        "CA339",
        "CAN",
        date(2025, 3, 15),
        10,
        0,
        "open",
        [
            (
                "ADACHI",
                "AYUM",
                "1963-03-11",
                "F",
                "JPN",
                [("P", "4827892126", "CHN", "2026-01-30"), ("V", "T1111", None, "2026-11-12")],
            )
        ],
    ),
    "messages/iapi_cusres/iapi_cn_adult_infant_paxlst.edi": (
        "CA339",
        "CAN",
        date(2025, 3, 15),
        2,
        0,
        "open",
        [("ONE", "UBE WI", "2024-04-12", "M", "CHN", [("P", "E6397444756", "CHN", "2026-09-09")])],
    ),
    "messages/iapi_cusres/iapi_cn_change_paxlst_bgm745cp.edi": (
        "ZH9073",
        "SZX",
        date(2025, 3, 15),
        1,
        0,
        "open",
        [("ONE", "JIA DUNG", "1976-03-07", "M", "CHN", [("T", "303856640", "CHN", "2027-11-15")])],
    ),
    "messages/iapi_cusres/iapi_cn_inbound_2pax_paxlst.edi": (
        "CA339",
        "CAN",
        date(2025, 3, 15),
        2,
        0,
        "open",
        [("ONE", "TWO WI", "1956-06-20", "M", "CHN", [("P", "E6397444822", "CHN", "2026-12-15")])],
    ),
    "messages/iapi_cusres/iapi_cn_mixed_paxlst.edi": (
        "CA339",
        "CAN",
        date(2025, 3, 15),
        2,
        0,
        "open",
        [("ONE", "NNN NN", "2001-01-01", "M", "CHN", [("P", "X11111111", "CHN", "2026-11-15")])],
    ),
    "messages/iapi_cusres/iapi_cn_outbound_multileg_paxlst.edi": (
        "CA339",
        "ICN",
        date(2025, 3, 16),
        1,
        0,
        "open",
        [("ONE", "TWO WI", "1956-06-20", "M", "CHN", [("P", "E6397444822", "CHN", "2026-12-15")])],
    ),
}


def _ingest(session: Session, *names: str) -> list[str]:
    statuses = []
    for name in names:
        path = shared_path("samples", *name.split("/"))
        statuses += [m.status for m in receive(session, path.read_bytes(), str(path)).messages]
    return statuses


def _flight(session: Session, code: str, airport: str, day: date) -> Flight:
    (flight,) = [
        f for f in session.query(Flight).filter_by(airport=airport, flight_date=day).all() if f.code == code
    ]
    return flight


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_ingests_as_a_careful_reader_expects(session: Session, name: str) -> None:
    code, airport, day, passengers, crew, status, spots = EXPECTED[name]
    assert _ingest(session, name) == [PROCESSED]
    flight = _flight(session, code, airport, day)
    assert flight.status == status
    people = traveller_dicts(session, [flight.id])
    assert sum(t["role"] == "passenger" for t in people) == passengers
    assert sum(t["role"] == "crew" for t in people) == crew
    for surname, given, born, gender, nationality, docs in spots:
        (person,) = [t for t in people if t["surname"] == surname and t["given_names"] == given]
        assert (person["date_of_birth"], person["gender"], person["nationality"]) == (
            born,
            gender,
            nationality,
        )
        assert [(d["type"], d["number"], d["country"], d["expiry"]) for d in person["documents"]] == docs


def test_astra_parts_reassemble_into_one_manifest_of_five(session: Session) -> None:
    parts = [f"messages/paxlst/astra_d02b_multipart_part{n}of3.edi" for n in (3, 1, 2)]
    assert _ingest(session, *parts) == [PROCESSED] * 3
    flight = _flight(session, "OK688", "BCN", date(2007, 10, 8))
    people = traveller_dicts(session, [flight.id])
    assert sorted(t["surname"] for t in people) == ["KOVACS", "LESKA", "PUTIN", "PUTINA", "STRANSKY"]
    assert flight.expected_passengers == 5 and flight.origin == "PRG"


def test_close_out_and_cancel_after_the_manifest(session: Session) -> None:
    _ingest(session, "messages/paxlst/synthetic_una_release_chars_multi_doc.edi")
    statuses = _ingest(session, "messages/iapi_cusres/synthetic_iapi_flight_close_clob_and_cancel_xf.edi")
    assert statuses == [PROCESSED, PROCESSED]
    xy421 = _flight(session, "XY421", "UTO", date(2025, 6, 1))
    boarded = {t["surname"]: t["boarding_status"] for t in traveller_dicts(session, [xy421.id])}
    assert boarded == {
        "O'BRIEN": "boarded",
        "SMITH+JONES": "boarded",
        "NGUYEN": "reported",
        "MUELLER": "reported",
    }
    assert xy421.status == "closed"
    assert _flight(session, "XY423", "UTO", date(2025, 6, 1)).status == "cancelled"


def test_wco_crew_example_keeps_its_wrong_unt_count_as_a_warning(session: Session) -> None:
    path = shared_path("samples", "messages", "paxlst", "wco_guide_ex5_2_crew_d15b.edi")
    (message,) = receive(session, path.read_bytes(), str(path)).messages
    assert message.status == PROCESSED
    (unt,) = [p for p in message.problems if p["tag"] == "UNT"]
    assert (
        unt["severity"] == "warning" and unt["message"] == "UNT declares 20 segments (UNH to UNT), 21 present"
    )
