"""Retro-screening reads only travellers sharing a stored key with the new entries: it must never miss a
traveller the full Screener would have matched."""

from __future__ import annotations

from datetime import date, timedelta

from screening_factories import Person, make_flight, make_list, person_entry
from sqlalchemy import select
from sqlalchemy.orm import Session

from paxvet.db import utcnow
from paxvet.screening.lists import ListSet
from paxvet.screening.models import TravellerNameKey
from paxvet.screening.namekeys import candidate_travellers, traveller_keys
from paxvet.screening.retro import findings_for_delta, window
from paxvet.screening.service import screen_travellers
from paxvet.screening.travellers import load_travellers
from paxvet.watchlists.service import screening_entries

VARIANTS = [
    Person("GUZMAN LOPES", "OVIDIO", date(1990, 3, 29), "O1"),  # one letter off
    Person("LOPEZ", "OVIDIO GUZMAN", date(1990, 3, 29), "O2"),  # names in the wrong fields
    Person("CARO-QUINTERO", "RAFAEL", date(1952, 10, 24), "R1"),  # hyphenated
    Person("LÓPEZ", "MARÍA FERNANDA", date(1975, 5, 5), "M1"),  # accents
    Person("CARO", "RAFAEL", None, "R2"),  # a shorter name, no date of birth
]
CLEAN = [Person(f"APELLIDO{i}", "JUAN", date(1970, 1, 1 + i), f"C{i}") for i in range(20)]


def test_every_traveller_the_screener_matches_is_a_candidate(session: Session) -> None:
    arrival = utcnow() + timedelta(hours=5)
    flight = make_flight(session, VARIANTS + CLEAN, arrival=arrival)
    ids = [t.id for t in flight.travellers]
    screen_travellers(session, ids)  # stores the keys (no list loaded yet)
    make_list(
        session,
        "NEW",
        [
            person_entry("N1", "Ovidio Guzman Lopez", "1990-03-29"),
            person_entry("N2", "Rafael Caro Quintero", "1952-10-24"),
            person_entry("N3", "Maria Fernanda Lopez", "1975-05-05"),
        ],
    )
    entries = screening_entries(session, ["NEW"])
    lists = ListSet.build(entries, {})
    start, end = window()
    candidates = candidate_travellers(session, [e.record for e in entries], start, end)
    matched = {t.id for t in load_travellers(session, ids) if findings_for_delta(t, lists)}
    assert len(matched) >= 4
    assert matched <= candidates
    assert len(candidates) < len(ids)  # the clean travellers are not read


def test_keys_follow_the_travellers_latest_name(session: Session) -> None:
    flight = make_flight(session, [Person("GUZMAN", "OVIDIO", date(1990, 3, 29), "AB12345")])
    (traveller,) = flight.travellers
    screen_travellers(session, [traveller.id])
    (view,) = load_travellers(session, [traveller.id])
    assert {"doc:A812345", "c:guzman", "c:ovidio"} <= traveller_keys(view)  # O/0, B/8 ... folded
    traveller.surname = "SALAZAR"  # a corrected name on a later push
    session.flush()
    screen_travellers(session, [traveller.id])
    stored = set(
        session.scalars(select(TravellerNameKey.key).where(TravellerNameKey.traveller_id == traveller.id))
    )
    assert "c:salazar" in stored and "c:guzman" not in stored


def test_travellers_outside_the_window_are_not_candidates(session: Session) -> None:
    far = make_flight(session, VARIANTS, arrival=utcnow() + timedelta(days=6))
    screen_travellers(session, [t.id for t in far.travellers])
    make_list(session, "NEW", [person_entry("N1", "Ovidio Guzman Lopez", "1990-03-29")])
    start, end = window()
    assert candidate_travellers(session, [e.record for e in screening_entries(session)], start, end) == set()
