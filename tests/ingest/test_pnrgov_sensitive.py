"""Sensitive PNR items never reach the database: not the booking tables, not the raw-message store."""

from __future__ import annotations

from sqlalchemy import LargeBinary, String, Text, func, select
from sqlalchemy.orm import Session

from conftest import FIXTURES
from paxvet.bookings.models import Booking
from paxvet.db import Base, import_all_models
from paxvet.ingest.sensitive import is_sensitive_code, is_sensitive_text, mask_edifact, mask_xml
from paxvet.ingest.service import receive

OWN = FIXTURES / "pnrgov" / "push_sensitive_links.edi"
FORBIDDEN = ("VGML", "MOML", "KSML", "WCHR", "WHEELCHAIR", "MUSLIM", "PRAYER")


def _every_stored_text(session: Session) -> list[str]:
    import_all_models()
    found: list[str] = []
    for table in Base.metadata.sorted_tables:
        columns = [
            c
            for c in table.columns
            if isinstance(c.type, String | Text | LargeBinary) or c.type.__class__.__name__ == "JSON"
        ]
        for column in columns:
            for value in session.execute(select(column)).scalars():
                if value is not None:
                    found.append(value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value))
    return found


def test_sensitive_codes_never_reach_the_database(session: Session) -> None:
    result = receive(session, OWN.read_bytes(), str(OWN))
    assert [m.status for m in result.messages] == ["processed"]
    stored = "\n".join(_every_stored_text(session))
    assert "SMITH" in stored and "AAA111" in stored  # the search does see stored data
    for word in FORBIDDEN:
        assert word not in stored, word
    assert "4111111111111111" not in stored  # the clear card number neither
    removed = session.scalar(select(func.sum(Booking.sensitive_removed)))
    assert removed == 6
    receive(session, OWN.read_bytes() + b"\n", "the same push again")  # a later push: counted once
    assert session.scalar(select(func.sum(Booking.sensitive_removed))) == 6


def test_replay_of_masked_bytes_counts_the_same_items() -> None:
    masked, count = mask_edifact(OWN.read_bytes())
    assert count == 6
    from paxvet.ingest.pnrgov_edifact import parse_pnrgov

    push, _ = parse_pnrgov(masked)[0]
    assert push.sensitive_removed == 6


def test_codes_and_words() -> None:
    for code in ("MOML", "KSML", "HNML", "VGML", "AVML", "WCHR", "MEDA", "BLND", "DEAF", "XYML"):
        assert is_sensitive_code(code)
    for code in ("DOCS", "SEAT", "TKNE", "CTCE", "FQTV"):
        assert not is_sensitive_code(code)
    assert is_sensitive_text("PAX IS DIABETIC") and is_sensitive_text("SSR VGMLXYHK1")
    assert not is_sensitive_text("THIS PASSENGER IS A VIP") and not is_sensitive_text("SEAT 14C")


def test_xml_masking() -> None:
    xml = (
        b'<IATA_PNRGOV_NotifRQ><PNRs><PNR><Passenger><SSR SSRCode="KSML"><Text>KOSHER</Text></SSR>'
        b"<OSI>NEEDS OXYGEN</OSI>"
        b'<SSR SSRCode="INFT"><Text>DOE/JO 01JAN24</Text></SSR></Passenger></PNR></PNRs>'
        b"</IATA_PNRGOV_NotifRQ>"
    )
    masked, count = mask_xml(xml)
    assert (
        count == 2
        and b"OXYGEN" not in masked
        and b"KSML" not in masked
        and b"KOSHER" not in masked
        and b"DOE/JO" in masked
    )


def test_names_that_look_sensitive_keep_their_documents() -> None:
    from paxvet.ingest.pnrgov_edifact import parse_pnrgov

    text = (
        OWN.read_text()
        .replace("SMITH/JOHN+::1'", "BLIND/JOHN+::1'")
        .replace("TIF+SMITH+JOHN MR", "TIF+BLIND+JOHN MR")
    )
    masked, _ = mask_edifact(text.encode())
    assert b"/P/GBR/123456789/GBR/01JAN80/M/01JAN30/BLIND/JOHN" in masked
    push, _ = parse_pnrgov(masked)[0]
    john = push.pnrs[0].travellers[0]
    assert (john.surname, john.documents[0].number) == ("BLIND", "123456789")
    xml = b'<IATA_PNRGOV_NotifRQ><SSR SSRCode="INFT"><Text>GAY/JO 01JAN24</Text></SSR></IATA_PNRGOV_NotifRQ>'
    assert mask_xml(xml) == (xml, 0)
