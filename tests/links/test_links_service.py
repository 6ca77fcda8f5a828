"""Link analysis (neighbourhood) and travel history on both backends; CLI."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from conftest import FIXTURES, shared_path
from paxvet.flights.models import Traveller
from paxvet.ingest.service import receive
from paxvet.links.keys import key_value, seat_pairs
from paxvet.links.models import LinkKey
from paxvet.links.service import neighbourhood, travel_history

PNR = FIXTURES / "pnrgov" / "push_sensitive_links.edi"


def _by_name(session: Session) -> dict[str, int]:
    return {t.given_names: t.id for t in session.scalars(select(Traveller))}


def test_neighbourhood_one_and_two_hops(session: Session) -> None:
    receive(session, PNR.read_bytes(), "pnr")
    ids = _by_name(session)
    one = neighbourhood(session, ids["JANE"], hops=1)
    assert {n.traveller_id: n.shared for n in one.neighbours} == {
        ids["JOHN"]: ("address", "booking", "phone", "seat"),  # John's card is his own, not Jane's
        ids["RICHARD"]: ("phone", "seat"),  # same contact phone on another booking; 10B next to 10C
    }
    # someone linked only to Richard (same e-mail) is two hops from Jane, reached through Richard
    richard = session.get(Traveller, ids["RICHARD"])
    assert richard is not None
    other = Traveller(
        flight_id=richard.flight_id, identity_key="p|OTHER|X|", surname="OTHER", given_names="X"
    )
    session.add(other)
    session.flush()
    session.add_all(
        [
            LinkKey(
                kind="email",
                value=key_value("email", "x@example.invalid"),
                traveller_id=t,
                seen_on=date(2025, 6, 1),
            )
            for t in (ids["RICHARD"], other.id)
        ]
    )
    session.flush()
    two = neighbourhood(session, ids["JANE"], hops=2)
    far = next(n for n in two.neighbours if n.traveller_id == other.id)
    assert (far.hops, far.via, far.shared) == (2, (ids["RICHARD"],), ("email",))
    assert other.id not in {n.traveller_id for n in neighbourhood(session, ids["JANE"], hops=1).neighbours}
    assert neighbourhood(session, ids["JANE"], hops=2, limit=1).truncated


def test_time_window(session: Session) -> None:
    receive(session, PNR.read_bytes(), "pnr")
    ids = _by_name(session)
    assert neighbourhood(session, ids["JOHN"], days=3, as_of=date(2025, 6, 2)).neighbours
    assert not neighbourhood(session, ids["JOHN"], days=3, as_of=date(2025, 9, 1)).neighbours


def test_seat_pairs_share_exactly_one_key() -> None:
    assert set(seat_pairs(7, "10A")) & set(seat_pairs(7, "10B")) == {"7|10A|10B"}
    assert not set(seat_pairs(7, "10A")) & set(seat_pairs(7, "10C"))


def _flight_of(session: Session, traveller_id: int) -> str:
    t = session.get(Traveller, traveller_id)
    assert t is not None
    return t.flight.code


def test_history_on_entity_resolution_flights(session: Session) -> None:
    for n in (1, 2, 3):
        path = shared_path("samples", "gtas", f"apis_paxlst-unedifact-d02b_entity-resolution-flight{n}.txt")
        receive(session, path.read_bytes(), path.name)
    jiang = session.scalars(
        select(Traveller).where(Traveller.surname == "JIANG", Traveller.given_names == "HSIUYUAN")
    ).one()
    history = travel_history(session, jiang.id)
    flights = sorted(e.flight for e in history.entries)
    assert "LA532" in flights and "YY123" in flights
    assert all(e.reason for e in history.entries)


def test_cli_links_and_history(cli_env: Path) -> None:
    from paxvet.cli import app
    from paxvet.console import open_engine
    from paxvet.db import session_scope

    with session_scope(open_engine()) as session:
        receive(session, PNR.read_bytes(), "pnr")
        john = _by_name(session)["JOHN"]
    runner = CliRunner()
    out = runner.invoke(app, ["links", str(john), "--hops", "2", "--limit", "10"])
    assert out.exit_code == 0, out.output
    assert "RICHARD DOE" in out.output
    out = runner.invoke(app, ["history", str(john), "--json"])
    assert out.exit_code == 0 and '"entries"' in out.output


def test_resolver_quality_on_known_identities(session: Session) -> None:
    from paxvet.links.evaluate import quality, synthetic_travel

    identity = synthetic_travel(session, 120, seed=3, flights=20)
    q = quality(session, identity)
    documents_only = quality(session, identity, threshold=2.0)
    assert q.true_pairs > 50
    assert q.precision >= 0.95 and q.recall >= 0.9
    assert q.recall > documents_only.recall  # names + dates of birth add what documents miss


def test_resolver_quality_on_paxvet_synth_days(session: Session) -> None:
    from paxvet.links.evaluate import quality, synth_travel

    identity = synth_travel(session, 80, days=3, flights=4, per_flight=30)
    people = {person for person in identity.values() if person.startswith("R")}
    q = quality(session, identity)
    documents_only = quality(session, identity, threshold=2.0)
    assert len(identity) == 3 * 4 * 30 and len(people) == 80  # every known person boarded at least once
    assert q.true_pairs > 60
    assert q.precision >= 0.95 and q.recall >= 0.95
    assert q.recall > documents_only.recall  # renewed passports are found by name and date of birth


def test_birth_dates_must_agree_in_history() -> None:
    from paxvet.links.resolver import birth_dates_compatible

    assert birth_dates_compatible(date(1967, 6, 3), date(1967, 6, 4))
    assert birth_dates_compatible(date(1978, 3, 12), date(1978, 12, 3))  # day and month transposed
    assert not birth_dates_compatible(date(1948, 2, 24), date(1951, 12, 1))


def test_the_sql_candidates_are_the_dates_the_rule_accepts(session: Session) -> None:
    """compatible_birth_clause selects exactly what birth_dates_compatible accepts, around a date whose day
    can be a month (transposed) and one whose day cannot, plus the same surname without a date of birth."""
    from datetime import timedelta

    from paxvet.links.resolver import birth_dates_compatible, compatible_birth_clause

    for born in (date(1978, 3, 12), date(1971, 4, 20)):
        days = [born + timedelta(days=n) for n in range(-400, 401)]
        people = [("X", f"D{i}", d) for i, d in enumerate(days)]
        flight_id = _flight_with(session, f"{born.day}", people)
        session.execute(
            insert(Traveller),
            [
                {"flight_id": flight_id, "identity_key": f"p|X|none|{born}", "surname": "X"},
                {"flight_id": flight_id, "identity_key": f"p|Y|none|{born}", "surname": "Y"},
            ],
        )
        chosen = session.execute(
            select(Traveller.surname, Traveller.date_of_birth).where(
                Traveller.flight_id == flight_id, compatible_birth_clause(born, "X")
            )
        ).all()
        expected = {("X", d) for d in days if birth_dates_compatible(born, d)} | {("X", None)}
        assert set(map(tuple, chosen)) == expected
        assert len(expected) == 7 + 1 + (1 if born.day <= 12 else 0)  # 3 days either side, none, transposed


def test_unknown_traveller_is_not_found(session: Session) -> None:
    import pytest

    from paxvet.errors import NotFound

    with pytest.raises(NotFound):
        neighbourhood(session, 999_999)
    with pytest.raises(NotFound):
        travel_history(session, 999_999)


def _flight_with(session: Session, number: str, people: list[tuple[str, str, date]]) -> int:
    """A flight arriving at MEX with travellers (surname, given names, date of birth); its id."""
    from paxvet.flights.models import Flight

    flight = Flight(carrier="AM", number=number, airport="MEX", flight_date=date(2026, 6, 1))
    session.add(flight)
    session.flush()
    if people:
        session.execute(
            insert(Traveller),
            [
                {
                    "flight_id": flight.id,
                    "identity_key": f"p|{surname}|{given}|{born}",
                    "surname": surname,
                    "given_names": given,
                    "date_of_birth": born,
                }
                for surname, given, born in people
            ],
        )
    return flight.id


def test_history_finds_the_true_link_among_thousands_of_namesakes(session: Session) -> None:
    """A common surname alone fills thousands of rows; only the compatible dates of birth are judged, so
    namesakes born on other days cannot crowd out the true link (the former query stopped at 2,000)."""
    from paxvet.links.resolver import MAX_CANDIDATES

    born = date(1971, 4, 9)
    namesakes = [
        ("GARCIA", f"NAMESAKE {i}", date(1950 + i % 40, 1 + i % 12, 1 + i % 28)) for i in range(2_100)
    ]
    _flight_with(
        session, "100", [p for p in namesakes if abs((p[2] - born).days) > 3 and p[2] != date(1971, 9, 4)]
    )
    _flight_with(session, "200", [("GARCIA", "JUAN CARLOS", date(1971, 4, 10))])  # a day apart
    _flight_with(session, "300", [("GARCIA LOPEZ", "JUAN CARLOS", date(1971, 9, 4))])  # day and month swapped
    _flight_with(
        session, "400", [("GARCIA", "JUAN CARLOS", date(1981, 4, 9))]
    )  # a namesake ten years younger
    subject_flight = _flight_with(session, "645", [("GARCIA", "JUAN CARLOS", born)])
    subject = session.scalars(select(Traveller.id).where(Traveller.flight_id == subject_flight)).one()

    history = travel_history(session, subject)
    assert sorted(e.flight for e in history.entries) == ["AM200", "AM300", "AM645"]
    assert not history.notes and MAX_CANDIDATES > 2_100


def test_history_says_when_candidates_pass_the_cap(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from paxvet.links import resolver

    monkeypatch.setattr(resolver, "MAX_CANDIDATES", 2)
    born = date(1971, 4, 9)
    _flight_with(session, "100", [("PEREZ", f"X{i}", born) for i in range(3)])
    subject_flight = _flight_with(session, "645", [("GARCIA", "JUAN CARLOS", born)])
    subject = session.scalars(select(Traveller.id).where(Traveller.flight_id == subject_flight)).one()
    assert travel_history(session, subject).notes == (
        "more than 2 travellers have a compatible date of birth: the first 2 stored were judged",
    )
