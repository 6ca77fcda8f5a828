"""A traveller's source says which data know them: a later API push keeps what the PNR added."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import FIXTURES
from paxvet.flights.models import Traveller
from paxvet.ingest.service import receive

PNR = FIXTURES / "pnrgov" / "push_sensitive_links.edi"
API = FIXTURES / "pnrgov" / "api_xy0123.edi"


def _sources(session: Session) -> dict[str, str]:
    session.expire_all()
    return {f"{t.given_names} {t.surname}": t.source for t in session.scalars(select(Traveller))}


def _later_api_push() -> bytes:
    """The same manifest sent again later (a new interchange, so not a duplicate), John's bags added."""
    text = API.read_text().replace("XY0123API", "XY0123AP2").replace("250601:0900", "250601:0930")
    return text.replace("LOC+91+GBR'", "LOC+91+GBR'\nMEA+CT++:2'").replace("UNT+24+1", "UNT+25+1").encode()


def test_a_later_api_push_keeps_api_and_pnr(session: Session) -> None:
    receive(session, API.read_bytes(), "api")
    receive(session, PNR.read_bytes(), "pnr")
    assert _sources(session) == {"JOHN SMITH": "api+pnr", "RICHARD DOE": "api+pnr", "JANE SMITH": "pnr"}
    later = receive(session, _later_api_push(), "api again")
    assert [m.status for m in later.messages] == ["processed"]
    assert _sources(session) == {"JOHN SMITH": "api+pnr", "RICHARD DOE": "api+pnr", "JANE SMITH": "pnr"}


def test_api_only_travellers_stay_api(session: Session) -> None:
    receive(session, API.read_bytes(), "api")
    receive(session, _later_api_push(), "api again")
    assert _sources(session) == {"JOHN SMITH": "api", "RICHARD DOE": "api"}
