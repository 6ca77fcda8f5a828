"""PNRGOV through the ingest service: raw store first, quarantine on error, nothing received lost."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import FIXTURES
from paxvet.bookings.models import Booking
from paxvet.ingest.models import RawMessage, ReceivedFile
from paxvet.ingest.sensitive import redact_pnr
from paxvet.ingest.service import receive

OWN = FIXTURES / "pnrgov" / "push_sensitive_links.edi"


def test_a_push_without_flight_is_quarantined_with_a_location(session: Session) -> None:
    data = OWN.read_text().replace("TVL+010625:1030:010625:1745+LHR+UTO+XY+123'\nEQN", "EQN", 1)
    result = receive(session, data.encode(), "no-flight.edi")
    (message,) = result.messages
    assert message.status == "quarantined"
    assert any("pushed flight" in p["message"] and p["location"] for p in message.problems)


def test_xml_push_is_received(session: Session) -> None:
    xml = (FIXTURES / "pnrgov" / "push_small.xml").read_bytes()
    result = receive(session, xml, "push.xml")
    assert [m.status for m in result.messages] == ["processed"]
    assert result.flight_ids and len(result.traveller_ids) == 1
    stored = session.get(ReceivedFile, result.file_id)
    assert stored is not None
    for word in (b"HNML", b"HINDU", b"BLIND", b"5500000000000004"):
        assert word not in stored.content
    assert b"XXXXXXXXXXXX0004" in stored.content and b"TESTER" in stored.content


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_fuzzed_pushes_are_stored_whatever_happens(session: Session, data: st.DataObject) -> None:
    raw = bytearray(OWN.read_bytes())
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at : at + data.draw(st.integers(0, 3))] = data.draw(
            st.sampled_from([b"'", b"+", b":", b"?", b"\n", b"X9"])
        )
    payload = bytes(raw)
    result = receive(session, payload, "fuzz.edi")
    stored = session.get(ReceivedFile, result.file_id)
    assert stored is not None and stored.content == redact_pnr(payload)[0]  # every byte kept (masked)
    for message in result.messages:
        assert message.status in ("processed", "quarantined", "duplicate", "unsupported")
        assert all(p["location"] for p in message.problems if p["severity"] == "error")
    rows = session.scalars(select(RawMessage).where(RawMessage.file_id == result.file_id)).all()
    assert len(rows) == len(result.messages) >= 1


def test_quarantined_push_is_replayed_with_corrected_bytes(session: Session) -> None:
    from paxvet.ingest.service import replay

    good = OWN.read_text()
    bad = good.replace("TVL+010625:1030:010625:1745+LHR+UTO+XY+123'\nEQN", "EQN", 1)
    (message,) = receive(session, bad.encode(), "bad.edi").messages
    assert message.status == "quarantined"
    assert session.scalar(select(func.count()).select_from(Booking)) == 0  # the handler's writes rolled back
    result = replay(session, message.message_id, good.encode())
    assert result.status == "processed"
    original = session.get(RawMessage, message.message_id)
    assert original is not None and original.status == "replayed"
    assert session.scalar(select(func.count()).select_from(Booking)) == 2
    assert b"VGML" not in (session.get(RawMessage, result.message_id) or original).content
