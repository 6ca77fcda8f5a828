"""The queue and the decision flow, on every database backend."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from paxvet.accounts.policy import visible_hits_clause
from paxvet.audit.models import AuditEvent
from paxvet.audit.service import verify_chain
from paxvet.db import utcnow
from paxvet.errors import Conflict, InvalidInput, NotFound
from paxvet.screening.models import Hit
from paxvet.vetting import allowlist
from paxvet.vetting.models import Lookout, Suppression
from paxvet.vetting.schemas import hit_detail, queue_item
from paxvet.vetting.service import QueueFilters, decide, get_hit, history, queue, queue_lines

sys.path.insert(0, str(Path(__file__).parents[1] / "screening"))
from screening_factories import Person, make_flight, make_hit, make_list, person_entry


@pytest.fixture
def world(session: Session) -> dict[str, object]:
    wanted = make_list(
        session,
        "FGR-WANTED",
        [
            person_entry("W1", "Joaquin GUZMAN", "1957-04-04", warrant_number="FGR/123"),
            person_entry("W2", "Rafael CARO", "1952-10-24", extradition_request=True),
        ],
        category="wanted",
    )
    sanctions = make_list(
        session,
        "OFAC-SDN",
        [person_entry("S1", "Ana LOPEZ", "1970-01-01")],
        category="sanctions",
        severity="medium",
    )
    now = utcnow()
    late = make_flight(
        session,
        [Person("GUZMAN", "JOAQUIN", date(1957, 4, 4), "G1234567")],
        carrier="AM",
        number="645",
        airport="MEX",
        arrival=now + timedelta(hours=9),
    )
    soon = make_flight(
        session,
        [Person("CARO", "RAFAEL", date(1952, 10, 24), "C7654321"), Person("LOPEZ", "ANA", date(1970, 1, 1))],
        carrier="Y4",
        number="12",
        airport="CUN",
        arrival=now + timedelta(hours=2),
    )
    w1, w2 = sorted(wanted_entries(session, wanted.id), key=lambda e: e.source_id)
    (s1,) = wanted_entries(session, sanctions.id)
    hits = {
        "guzman": make_hit(session, late.travellers[0], w1, severity="high"),
        "caro": make_hit(session, soon.travellers[0], w2, severity="medium"),
        "lopez": make_hit(session, soon.travellers[1], s1, severity="critical", score=0.81),
    }
    session.flush()
    return hits


def wanted_entries(session: Session, watchlist_id: int) -> list:  # type: ignore[type-arg]
    from paxvet.watchlists.models import WatchlistEntry

    return list(session.scalars(select(WatchlistEntry).where(WatchlistEntry.watchlist_id == watchlist_id)))


def test_queue_orders_by_arrival_then_severity(session: Session, world: dict) -> None:  # type: ignore[type-arg]
    ids = [h.id for h in queue(session)]
    assert ids == [world["lopez"].id, world["caro"].id, world["guzman"].id]


def test_queue_filters(session: Session, world: dict) -> None:  # type: ignore[type-arg]
    assert [h.id for h in queue(session, QueueFilters(airport="mex"))] == [world["guzman"].id]
    assert [h.id for h in queue(session, QueueFilters(flight="AM645"))] == [world["guzman"].id]
    assert [h.id for h in queue(session, QueueFilters(list_name="OFAC-SDN"))] == [world["lopez"].id]
    assert [h.id for h in queue(session, QueueFilters(category="wanted"))] == [
        world["caro"].id,
        world["guzman"].id,
    ]
    assert queue(session, QueueFilters(statuses=("confirmed",))) == []
    with pytest.raises(InvalidInput, match="unknown status"):
        queue(session, QueueFilters(statuses=("closed",)))


def test_queue_item_shape_and_time_left(session: Session, world: dict) -> None:  # type: ignore[type-arg]
    item = queue_item(world["guzman"])
    assert item["flight"] == "AM645"
    assert item["traveller"] == item["traveller"] | {
        "surname": "GUZMAN",
        "given_names": "JOAQUIN",
        "date_of_birth": "1957-04-04",
    }
    assert item["list"] == "FGR-WANTED" and item["source_id"] == "W1"
    assert {"id", "arrival", "score", "severity", "status"} <= set(item)
    assert 8 * 60 < item["minutes_to_arrival"] <= 9 * 60


@dataclass
class Officer:
    username: str
    agency_code: str
    role: str = "officer"


def test_visibility_narrows_the_queue_in_the_query_itself(session: Session, world: dict) -> None:  # type: ignore[type-arg]
    """Another agency's hits lead the queue; a page of `limit` is still full of visible hits, in order."""
    other = make_list(session, "SAT-LIST", [person_entry("X1", "Ana LOPEZ", "1970-01-01")], category="other")
    other.owner_agency = "MX-SAT"
    (x1,) = wanted_entries(session, other.id)
    soonest = make_flight(
        session,
        [Person("LOPEZ", "ANA", date(1970, 1, 1), f"L{n}") for n in range(3)],
        number="1",
        arrival=utcnow() + timedelta(minutes=30),
    )
    theirs = [make_hit(session, t, x1, severity="critical") for t in soonest.travellers]
    finding = Hit(
        traveller_id=soonest.travellers[0].id,
        flight_id=soonest.id,
        kind="document_finding",
        subject_key="finding:1:expired",
        category="document",
        severity="low",
    )
    session.add(finding)
    session.flush()
    fgr, sat = Officer("ruiz", "MX-FGR"), Officer("soto", "MX-SAT")
    mine = queue(session, QueueFilters(limit=2), viewer=fgr, visible=visible_hits_clause(fgr))
    assert [h.id for h in mine] == [finding.id, world["lopez"].id]
    assert {h.id for h in queue(session, QueueFilters(limit=2))} <= {h.id for h in theirs}
    page = queue(session, QueueFilters(limit=4), viewer=sat, visible=visible_hits_clause(sat))
    assert [h.id for h in page] == [*(h.id for h in theirs), finding.id]
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "vetting:queue:viewed").order_by(AuditEvent.id)
    ).all()[0]
    assert event.actor == "ruiz" and event.agency == "MX-FGR" and event.details["hits"] == 2


def test_queue_viewing_is_audited(session: Session, world: dict) -> None:  # type: ignore[type-arg]
    queue(session, QueueFilters(airport="MEX"), viewer="officer.ruiz")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "vetting:queue:viewed")).one()
    assert event.actor == "officer.ruiz" and event.details["hits"] == 1


@pytest.mark.parametrize("comment", [None, "", "   "])
def test_a_comment_is_required(session: Session, world: dict, comment: str | None) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidInput, match="comment is required"):
        decide(session, world["guzman"].id, "confirmed", comment, "officer.ruiz", "MX-INM")
    assert world["guzman"].status == "open"


def test_unknown_disposition_and_hit(session: Session, world: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidInput, match="choose from"):
        decide(session, world["guzman"].id, "cleared", "fine", "officer.ruiz")
    with pytest.raises(NotFound):
        decide(session, 999_999, "confirmed", "fine", "officer.ruiz")


def test_a_withdrawn_hit_cannot_be_decided(session: Session, world: dict) -> None:  # type: ignore[type-arg]
    world["caro"].status = "withdrawn"
    world["caro"].status_reason = "entry removed from FGR-WANTED"
    with pytest.raises(Conflict, match="withdrawn"):
        decide(session, world["caro"].id, "confirmed", "seen him", "officer.ruiz")


def test_decisions_keep_history_and_are_audited(session: Session, world: dict) -> None:  # type: ignore[type-arg]
    hit_id = world["lopez"].id
    decide(session, hit_id, "needs_info", "ask the airline for the passport scan", "officer.ruiz", "MX-INM")
    decide(session, hit_id, "refer_secondary", "scan blurred; send to secondary", "officer.diaz", "MX-INM")
    records = history(session, hit_id)
    assert [(r.previous_status, r.disposition, r.officer) for r in records] == [
        ("open", "needs_info", "officer.ruiz"),
        ("needs_info", "refer_secondary", "officer.diaz"),
    ]
    assert get_hit(session, hit_id).status == "refer_secondary"
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "hit:disposition:recorded")).all()
    assert [e.details["disposition"] for e in events] == ["needs_info", "refer_secondary"]
    assert verify_chain(session).ok
    detail = hit_detail(get_hit(session, hit_id), records)
    assert [h["disposition"] for h in detail["history"]] == ["needs_info", "refer_secondary"]


def test_confirmed_wanted_person_raises_a_lookout(session: Session, world: dict) -> None:  # type: ignore[type-arg]
    decision = decide(session, world["guzman"].id, "confirmed", "photo matches", "officer.ruiz", "MX-INM")
    assert decision.lookout is not None
    assert decision.lookout.port == "MEX" and "FGR/123" in decision.lookout.reason
    sanctions = decide(session, world["lopez"].id, "confirmed", "same person", "officer.ruiz")
    assert sanctions.lookout is None
    assert session.scalars(select(Lookout)).all() == [decision.lookout]


def test_false_positive_remembers_the_identity(session: Session, world: dict) -> None:  # type: ignore[type-arg]
    hit = world["guzman"]
    decision = decide(session, hit.id, "false_positive", "different person, born elsewhere", "officer.ruiz")
    (suppression,) = decision.suppressions
    assert suppression.identity_key == "G1234567|MEX|1957-04-04"
    assert suppression.entry_content_hash == hit.entry_content_hash
    assert suppression.disposition_id == decision.disposition.id
    days = (suppression.expires_at - suppression.created_at).days
    assert days == 365
    assert allowlist.list_suppressions(session) == [suppression]


def test_no_document_no_memory(session: Session, world: dict) -> None:  # type: ignore[type-arg]
    decision = decide(session, world["lopez"].id, "false_positive", "not her", "officer.ruiz")
    assert decision.suppressions == []


def test_revoking_a_suppression(session: Session, world: dict) -> None:  # type: ignore[type-arg]
    decision = decide(session, world["guzman"].id, "false_positive", "not him", "officer.ruiz")
    (suppression,) = decision.suppressions
    allowlist.revoke(session, suppression.id, by="supervisor.soto", reason="new intelligence")
    assert allowlist.list_suppressions(session) == []
    assert allowlist.suppression_state(suppression) == "revoked"
    with pytest.raises(Conflict, match="already revoked"):
        allowlist.revoke(session, suppression.id, by="supervisor.soto")
    with pytest.raises(NotFound):
        allowlist.revoke(session, 424242, by="supervisor.soto")


def test_re_deciding_a_false_positive_ends_its_suppression(session: Session, world: dict) -> None:  # type: ignore[type-arg]
    hit_id = world["guzman"].id
    decide(session, hit_id, "false_positive", "not him", "officer.ruiz")
    decide(session, hit_id, "confirmed", "supervisor review: it is him", "supervisor.soto")
    (suppression,) = session.scalars(select(Suppression)).all()
    assert suppression.revoked_by == "supervisor.soto"
    assert allowlist.list_suppressions(session) == []


def test_queue_lines_show_what_the_queue_holds(session: Session, world: dict) -> None:  # type: ignore[type-arg]
    """The page's plain lines: same hits, same order, same values as the ORM queue, for every filter,
    with the explanation read only for a hit from no list entry (a document finding)."""
    guzman = world["guzman"]
    finding = Hit(
        traveller_id=guzman.traveller_id,
        flight_id=guzman.flight_id,
        kind="document",
        subject_key="document:1",
        category="document",
        severity="low",
        summary="expired passport",
        explanation={"code": "expired", "document": "G1234567", "message": "expired"},
    )
    session.add(finding)
    session.flush()
    for filters in (
        QueueFilters(),
        QueueFilters(airport="mex"),
        QueueFilters(flight="Y412"),
        QueueFilters(list_name="OFAC-SDN"),
        QueueFilters(limit=2),
        QueueFilters(statuses=("confirmed",)),
    ):
        hits, lines = queue(session, filters), queue_lines(session, filters)
        assert [line.id for line in lines] == [h.id for h in hits]
        for hit, line in zip(hits, lines, strict=True):
            assert (line.kind, line.status, line.severity, line.score, line.summary) == (
                hit.kind,
                hit.status,
                hit.severity,
                hit.score,
                hit.summary,
            )
            f = hit.flight
            assert (line.flight.id, line.flight.code, line.flight.airport, line.flight.direction) == (
                f.id,
                f.code,
                f.airport,
                f.direction,
            )
            assert line.flight.scheduled_at_airport_utc == f.scheduled_at_airport_utc
            t = hit.traveller
            assert (line.traveller.id, line.traveller.surname, line.traveller.given_names) == (
                t.id,
                t.surname,
                t.given_names,
            )
            assert (line.watchlist.name if line.watchlist else None) == (
                hit.watchlist.name if hit.watchlist else None
            )
            line_entry = (line.entry.source_id, line.entry.primary_name) if line.entry else None
            hit_entry = (hit.entry.source_id, hit.entry.primary_name) if hit.entry else None
            assert line_entry == hit_entry
            assert line.explanation == (hit.explanation if hit.entry is None else None)
    assert finding.id in [line.id for line in queue_lines(session, QueueFilters())]
