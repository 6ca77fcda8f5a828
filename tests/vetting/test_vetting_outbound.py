"""Outbound flights in the queue: time left counts to the departure from the reporting country."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from paxvet.db import utcnow
from paxvet.vetting.schemas import queue_item
from paxvet.vetting.service import queue, time_left
from paxvet.watchlists.models import WatchlistEntry

sys.path.insert(0, str(Path(__file__).parents[1] / "screening"))
from screening_factories import Person, make_flight, make_hit, make_list, person_entry


def test_outbound_hit_counts_to_departure_and_comes_first(session: Session) -> None:
    now = utcnow()
    watchlist = make_list(session, "FGR-WANTED", [person_entry("W1", "Joaquin GUZMAN", "1957-04-04")])
    entry = session.scalars(select(WatchlistEntry).where(WatchlistEntry.watchlist_id == watchlist.id)).one()
    person = Person("GUZMAN", "JOAQUIN", date(1957, 4, 4))
    inbound = make_flight(session, [person], number="645", arrival=now + timedelta(hours=3))
    outbound = make_flight(session, [person], number="646", arrival=now + timedelta(hours=12))
    outbound.direction, outbound.airport = "outbound", "MEX"
    outbound.origin, outbound.destination = "MEX", "MAD"
    outbound.scheduled_departure_utc = now + timedelta(hours=1)
    session.flush()
    hit_in = make_hit(session, inbound.travellers[0], entry)
    hit_out = make_hit(session, outbound.travellers[0], entry)
    left = time_left(hit_out, now)
    assert left == 60.0  # to the departure from MEX, not to the landing in MAD 12 hours from now
    assert time_left(hit_in, now) == 180.0
    assert [h.id for h in queue(session)] == [hit_out.id, hit_in.id]  # leaves soonest: first in the queue
    item = queue_item(hit_out, now)
    assert (item["direction"], item["minutes_left"], item["minutes_to_arrival"]) == ("outbound", 60.0, 60.0)
    assert item["scheduled_at_airport"] == item["departure"]
