"""The queue's order comes from each hit's copy of its flight's time (`Hit.queue_at`): it must follow the
flight whoever changes the flight's times (a later manifest, a PNR push, an edit), on every backend."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import FIXTURES
from paxvet.db import utcnow
from paxvet.flights.models import Flight, Traveller
from paxvet.ingest.service import receive
from paxvet.screening.models import Hit
from paxvet.vetting.service import QueueFilters, queue, queue_lines
from paxvet.watchlists.models import WatchlistEntry

sys.path.insert(0, str(Path(__file__).parents[1] / "screening"))
from screening_factories import Person, make_flight, make_hit, make_list, person_entry

BASIC = FIXTURES / "paxlst" / "basic_d05b.edi"


def _entry(session: Session) -> WatchlistEntry:
    watchlist = make_list(session, "FGR-WANTED", [person_entry("W1", "Joaquin GUZMAN", "1957-04-04")])
    return session.scalars(select(WatchlistEntry).where(WatchlistEntry.watchlist_id == watchlist.id)).one()


def _queue_at(session: Session, hit: Hit) -> datetime | None:
    session.expire_all()
    return session.get_one(Hit, hit.id).queue_at


def test_a_new_hit_copies_its_flights_time(session: Session) -> None:
    entry = _entry(session)
    arrival = utcnow().replace(microsecond=0) + timedelta(hours=2)
    flight = make_flight(session, [Person("GUZMAN", "JOAQUIN", date(1957, 4, 4))], arrival=arrival)
    hit = make_hit(session, flight.travellers[0], entry)
    assert _queue_at(session, hit) == arrival


def test_the_queue_follows_a_flight_whose_time_changes_through_the_orm(session: Session) -> None:
    entry = _entry(session)
    now = utcnow().replace(microsecond=0)
    person = Person("GUZMAN", "JOAQUIN", date(1957, 4, 4))
    first = make_flight(session, [person], number="645", arrival=now + timedelta(hours=1))
    second = make_flight(session, [person], number="646", arrival=now + timedelta(hours=2))
    hit_first = make_hit(session, first.travellers[0], entry, severity="low")
    hit_second = make_hit(session, second.travellers[0], entry, severity="critical")
    assert [h.id for h in queue(session)] == [hit_first.id, hit_second.id]
    first.scheduled_arrival_utc = now + timedelta(hours=3)  # delayed: now lands after the other one
    session.flush()
    assert _queue_at(session, hit_first) == now + timedelta(hours=3)
    assert [h.id for h in queue(session)] == [hit_second.id, hit_first.id]
    second.direction, second.scheduled_departure_utc = "outbound", now + timedelta(hours=5)
    session.flush()  # outbound: the time at the airport is the departure
    assert [h.id for h in queue(session)] == [hit_first.id, hit_second.id]


def test_a_later_manifest_moving_the_arrival_moves_the_hits(session: Session) -> None:
    data = BASIC.read_bytes()
    receive(session, data, "first.edi")
    flight = session.scalars(select(Flight)).one()
    assert flight.scheduled_arrival_utc == datetime(2025, 7, 1, 21, 30, tzinfo=UTC)
    traveller = session.scalars(select(Traveller).where(Traveller.flight_id == flight.id)).first()
    assert traveller is not None
    hit = make_hit(session, traveller, _entry(session))
    assert _queue_at(session, hit) == datetime(2025, 7, 1, 21, 30, tzinfo=UTC)
    later = data.replace(b"DTM+232:2507011530", b"DTM+232:2507011745").replace(b"XY0001", b"XY0002")
    receive(session, later, "later.edi")  # the flight's row is updated with Core, not the ORM
    assert _queue_at(session, hit) == datetime(2025, 7, 1, 23, 45, tzinfo=UTC)


def test_hits_of_flights_without_a_time_come_last_with_every_filter(session: Session) -> None:
    entry = _entry(session)
    now = utcnow().replace(microsecond=0)
    person = Person("GUZMAN", "JOAQUIN", date(1957, 4, 4))
    unknown = make_flight(session, [person], number="640", arrival=now + timedelta(hours=1))
    unknown.scheduled_arrival_utc = None
    session.flush()
    later = make_flight(session, [person], number="641", arrival=now + timedelta(hours=9))
    cun = make_flight(session, [person], number="642", airport="CUN", arrival=now + timedelta(hours=4))
    hits = [make_hit(session, f.travellers[0], entry) for f in (unknown, later, cun)]
    ids = {name: h.id for name, h in zip(("unknown", "later", "cun"), hits, strict=True)}
    for filters, expected in [
        (QueueFilters(limit=50), ["cun", "later", "unknown"]),
        (QueueFilters(airport="mex", limit=50), ["later", "unknown"]),
        (QueueFilters(flight="AM641", limit=50), ["later"]),
        (QueueFilters(airport="CUN", flight="AM642", limit=50), ["cun"]),
    ]:
        assert [line.id for line in queue_lines(session, filters)] == [ids[n] for n in expected], filters
        assert [h.id for h in queue(session, filters)] == [ids[n] for n in expected], filters
