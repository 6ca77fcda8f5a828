"""Direction: a manifest reports an arrival into, or a departure from, the reporting country."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from conftest import FIXTURES, shared_path
from paxvet.bookings.records import PushedFlight
from paxvet.bookings.service import flight_for
from paxvet.cli import app
from paxvet.flights.direction import INBOUND, OUTBOUND, PlainLeg, border_side
from paxvet.flights.models import Flight
from paxvet.flights.service import find_flights, traveller_dicts
from paxvet.ingest.models import PROCESSED
from paxvet.ingest.paxlst import Leg
from paxvet.ingest.service import receive
from paxvet.screening.travellers import travellers_arriving
from paxvet.settings import get_settings

OUTBOUND_FILE = FIXTURES / "flights" / "outbound_mex_mad.edi"
INBOUND_FILE = FIXTURES / "paxlst" / "basic_d05b.edi"


def _leg(dep: str, arr: str, *, crossing: bool = False, day: int = 1) -> Leg:
    when = datetime(2025, 7, day, 10, 0)
    return Leg(1, "XY", "1", dep, arr, when, when + timedelta(hours=3), crossing)


@pytest.mark.parametrize(
    ("legs", "country", "expected"),
    [
        ([_leg("LHR", "MEX", crossing=True)], "MEX", (INBOUND, "MEX")),
        ([_leg("MEX", "MAD", crossing=True)], "MEX", (OUTBOUND, "MEX")),
        # a domestic leg first, then the marked leg out of the country
        ([_leg("GDL", "MEX"), _leg("MEX", "MAD", crossing=True)], "MEX", (OUTBOUND, "MEX")),
        # progressive (LOC+92 only): the domestic leg does not cross, the second leg leaves the country
        ([_leg("GDL", "MEX"), _leg("MEX", "MAD")], "MEX", (OUTBOUND, "MEX")),
        # WCO example 5.3: BCN -> IAD -> SFO reported to the US is inbound at IAD
        ([_leg("BCN", "IAD"), _leg("IAD", "SFO")], "USA", (INBOUND, "IAD")),
        # the same flight reported to Spain leaves from BCN
        ([_leg("BCN", "IAD"), _leg("IAD", "SFO")], "ESP", (OUTBOUND, "BCN")),
        # into the country wins over out of it when one manifest shows both
        ([_leg("MAD", "CUN"), _leg("CUN", "LAX")], "MEX", (INBOUND, "CUN")),
    ],
)
def test_border_side_of_a_manifest(legs: list[Leg], country: str, expected: tuple[str, str]) -> None:
    marked = [leg for leg in legs if leg.crossing]
    side = border_side(legs, country, marked)
    assert side is not None and side.confirmed
    assert (side.direction, side.airport) == expected


def test_airports_outside_the_reporting_country_are_read_as_inbound_unconfirmed() -> None:
    side = border_side([_leg("XYZ", "UTO", crossing=True)], "MEX", [_leg("XYZ", "UTO", crossing=True)])
    assert side is not None and (side.direction, side.airport, side.confirmed) == (INBOUND, "UTO", False)
    assert border_side([PlainLeg("MAD", None, None, None)], "MEX") is None


def test_an_outbound_manifest_is_keyed_on_the_departure_from_the_reporting_country(session: Session) -> None:
    result = receive(session, OUTBOUND_FILE.read_bytes(), str(OUTBOUND_FILE))
    assert [m.status for m in result.messages] == [PROCESSED]
    flight = session.scalars(select(Flight)).one()
    assert (flight.code, flight.direction, flight.airport, flight.flight_date) == (
        "XY300",
        OUTBOUND,
        "MEX",
        date(2025, 7, 1),  # the departure date at MEX (it lands in MAD on 2 July)
    )
    assert (flight.origin, flight.destination) == ("GDL", "MAD")
    # MEX is UTC-6; MAD is UTC+2 in July
    assert flight.scheduled_departure_utc == datetime(2025, 7, 2, 5, 30, tzinfo=UTC)
    assert flight.scheduled_arrival_utc == datetime(2025, 7, 2, 15, 0, tzinfo=UTC)
    assert flight.scheduled_at_airport_utc == flight.scheduled_departure_utc
    assert [f.id for f in find_flights(session, "XY300", date(2025, 7, 1))] == [flight.id]
    assert find_flights(session, "XY300", date(2025, 7, 2)) == []
    people = traveller_dicts(session, [flight.id])
    assert sorted(p["surname"] for p in people) == ["HERNANDEZ", "MORALES"]


def test_inbound_and_outbound_flights_side_by_side(session: Session) -> None:
    receive(session, INBOUND_FILE.read_bytes(), str(INBOUND_FILE))
    receive(session, OUTBOUND_FILE.read_bytes(), str(OUTBOUND_FILE))
    flights = {f.code: f for f in session.scalars(select(Flight))}
    assert {code: (f.direction, f.airport) for code, f in flights.items()} == {
        "XY100": (INBOUND, "MEX"),
        "XY300": (OUTBOUND, "MEX"),
    }
    inbound = flights["XY100"]
    assert inbound.scheduled_at_airport_utc == inbound.scheduled_arrival_utc
    # in SQL too: the expression picks departure for outbound, arrival for inbound
    times = dict(session.execute(select(Flight.number, Flight.scheduled_at_airport_utc)).all())
    assert times == {"100": inbound.scheduled_arrival_utc, "300": flights["XY300"].scheduled_departure_utc}


def test_retro_window_takes_an_outbound_flight_by_its_departure(session: Session) -> None:
    receive(session, OUTBOUND_FILE.read_bytes(), str(OUTBOUND_FILE))
    departure = datetime(2025, 7, 2, 5, 30, tzinfo=UTC)
    around_departure = [v for chunk in travellers_arriving(session, departure, departure) for v in chunk]
    assert len(around_departure) == 2
    landing = datetime(2025, 7, 2, 15, 0, tzinfo=UTC)  # it lands abroad: not in a window about MEX
    assert [v for chunk in travellers_arriving(session, landing, landing) for v in chunk] == []


def test_a_pnr_push_for_an_outbound_flight_finds_the_api_flight(session: Session) -> None:
    receive(session, OUTBOUND_FILE.read_bytes(), str(OUTBOUND_FILE))
    api = session.scalars(select(Flight)).one()
    pushed = PushedFlight(
        "XY", "300", "MEX", "MAD", datetime(2025, 7, 1, 23, 30), datetime(2025, 7, 2, 17, 0)
    )
    assert flight_for(session, pushed) is api


@pytest.mark.parametrize(
    ("country", "sample", "expected"),
    [
        # China's iAPI sample of a flight leaving China over two legs (CAN -> PEK -> ICN)
        ("CHN", ("messages", "iapi_cusres", "iapi_cn_outbound_multileg_paxlst.edi"), (OUTBOUND, "PEK")),
        ("CHN", ("messages", "iapi_cusres", "iapi_cn_inbound_2pax_paxlst.edi"), (INBOUND, "CAN")),
        # GTAS: IAD -> BRU read by the US is a departure; MIA -> IAD -> JFK -> CDG leaves the US at JFK
        ("USA", ("gtas", "apis_paxlst-unedifact-d02b_entity-resolution-flight3.txt"), (OUTBOUND, "IAD")),
        ("USA", ("gtas", "apis_paxlst-unedifact-d05b_multi-leg-itinerary.txt"), (OUTBOUND, "JFK")),
        ("USA", ("gtas", "apis_paxlst-unedifact-d02b_ua-fra-iad_small-manifest.txt"), (INBOUND, "IAD")),
    ],
)
def test_reporting_country_setting_decides_the_direction(
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
    country: str,
    sample: tuple[str, ...],
    expected: tuple[str, str],
) -> None:
    path = shared_path("samples", *sample)
    monkeypatch.setenv("PAXVET_REPORTING_COUNTRY", country)
    get_settings.cache_clear()
    try:
        result = receive(session, path.read_bytes(), path.name)
    finally:
        monkeypatch.delenv("PAXVET_REPORTING_COUNTRY")
        get_settings.cache_clear()
    assert {m.status for m in result.messages} == {PROCESSED}
    flight = session.scalars(select(Flight)).one()
    assert (flight.direction, flight.airport) == expected
    at_airport = flight.scheduled_departure_utc if expected[0] == OUTBOUND else flight.scheduled_arrival_utc
    assert flight.scheduled_at_airport_utc == at_airport


def test_cli_shows_the_direction(cli_env: Path) -> None:
    runner = CliRunner()
    for path in (INBOUND_FILE, OUTBOUND_FILE):
        assert runner.invoke(app, ["ingest", str(path)]).exit_code == 0

    listed = json.loads(runner.invoke(app, ["flights", "--json"]).stdout)
    assert {(r["flight"], r["direction"], r["airport"], r["date"]) for r in listed} == {
        ("XY100", INBOUND, "MEX", "2025-07-01"),
        ("XY300", OUTBOUND, "MEX", "2025-07-01"),
    }
    outbound = next(r for r in listed if r["flight"] == "XY300")
    assert outbound["scheduled_at_airport_utc"] == outbound["scheduled_departure_utc"]
    table = runner.invoke(app, ["flights"])
    assert table.exit_code == 0
    rows = [line for line in table.stdout.splitlines() if "XY" in line]
    assert [("│ out " in line, "│ in " in line) for line in sorted(rows)] == [(False, True), (True, False)]
    people = json.loads(runner.invoke(app, ["travellers", "XY300", "--date", "2025-07-01", "--json"]).stdout)
    assert sorted(p["surname"] for p in people) == ["HERNANDEZ", "MORALES"]
    missing = runner.invoke(app, ["travellers", "XY300", "--date", "2025-07-02"])
    assert missing.exit_code != 0
