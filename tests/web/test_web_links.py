"""The link-analysis page and its JSON: bookings seeded through the real PNRGOV ingest, agency policy on
neighbours' hits, audit of every view, escaping of hostile names inside the inline SVG."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from conftest import FIXTURES
from fixtures.web.seed_web import IMG_NAME, SCRIPT_NAME
from fixtures.web.web_client import Web, web_for
from paxvet.audit.models import AuditEvent
from paxvet.db import session_scope
from paxvet.flights.models import Traveller
from paxvet.ingest.service import receive

PNR = FIXTURES / "pnrgov" / "push_sensitive_links.edi"


@pytest.fixture
def web(engine: Engine, tmp_path: Path) -> Iterator[Web]:
    yield from web_for(engine, tmp_path)


def _pnr_travellers(w: Web) -> dict[str, int]:
    with session_scope(w.engine) as s:
        receive(s, PNR.read_bytes(), "pnr")
    with session_scope(w.engine) as s:
        rows = s.execute(
            select(Traveller.given_names, Traveller.id).where(Traveller.surname.in_(["SMITH", "DOE"]))
        )
        return {given: tid for given, tid in rows if given in ("JANE", "JOHN", "RICHARD")}


def _hostile_link(w: Web, ids: dict[str, int]) -> int:
    """Rename Richard (Jane's seat neighbour, same phone) to a hostile name: it reaches the SVG."""
    with session_scope(w.engine) as s:
        richard = s.get(Traveller, ids["RICHARD"])
        assert richard is not None
        richard.surname, richard.given_names = SCRIPT_NAME, IMG_NAME
    return ids["RICHARD"]


def test_links_page_shows_history_neighbours_and_graph_and_is_audited(web: Web) -> None:
    ids = _pnr_travellers(web)
    web.login("ana")
    page = web.client.get(f"/travellers/{ids['JANE']}/links?hops=2")
    assert page.status_code == 200
    html = page.text
    assert "<svg" in html and html.count('class="edge edge-') >= 2  # two links drawn
    assert (
        f'href="/travellers/{ids["JOHN"]}/links"' in html and f'href="/travellers/{ids["RICHARD"]}"' in html
    )
    row = re.search(rf'<tr[^>]*>\s*<td><a href="/travellers/{ids["JOHN"]}">.*?</tr>', html, re.S)
    assert (
        row and "Phone" in row.group(0) and "Same booking" in row.group(0) and "Adjacent seat" in row.group(0)
    )
    assert "Travel history" in html and "XY123" in html and "this traveller" in html
    with session_scope(web.engine) as s:
        (event,) = s.scalars(select(AuditEvent).where(AuditEvent.action == "traveller:links:viewed")).all()
        assert (event.actor, event.subject_id) == ("ana", str(ids["JANE"]))
        assert event.details["via"] == "page" and set(event.details["linked"]) == {
            ids["JOHN"],
            ids["RICHARD"],
        }
    assert f'href="/travellers/{ids["JANE"]}/links"' in web.client.get(f"/travellers/{ids['JANE']}").text


def test_one_hop_and_limit_from_the_form(web: Web) -> None:
    ids = _pnr_travellers(web)
    web.login("ana")
    body = web.client.get(f"/api/v1/travellers/{ids['JANE']}/links?hops=1&limit=1").json()
    assert body["hops"] == 1 and len(body["neighbours"]) == 1 and body["truncated"] is True
    assert "More links exist" in web.client.get(f"/travellers/{ids['JANE']}/links?hops=1&limit=1").text
    assert web.client.get(f"/api/v1/travellers/{ids['JANE']}/links?hops=3").status_code == 400
    far = web.client.get(f"/api/v1/travellers/{ids['JANE']}/links?days=0").json()
    assert far["window"] == ["2025-06-01", "2025-06-01"]  # centred on Jane's flight date


def test_json_links_and_history(web: Web) -> None:
    ids = _pnr_travellers(web)
    web.login("ana")
    links = web.client.get(f"/api/v1/travellers/{ids['JANE']}/links").json()
    shared = {n["traveller_id"]: n["shared"] for n in links["neighbours"]}
    assert shared[ids["JOHN"]] == ["address", "booking", "phone", "seat"]
    assert shared[ids["RICHARD"]] == ["phone", "seat"]
    assert all(n["open_hits"] == 0 for n in links["neighbours"])
    items = {n["traveller_id"]: n["shared_items"] for n in links["neighbours"]}
    assert {"kind": "phone", "value": "447700900123"} in items[ids["RICHARD"]]  # the phone itself
    assert {"kind": "seat", "value": "10B–10C"} in items[ids["RICHARD"]]  # Jane in 10B, Richard in 10C
    assert {"kind": "booking", "value": "XY AAA111"} in items[ids["JOHN"]]
    assert {"kind": "seat", "value": "10A–10B"} in items[ids["JOHN"]]
    assert not [i for i in items[ids["JOHN"]] if i["kind"] == "card"]  # John's card is his own
    assert "4111111111111111" not in str(links)
    history = web.client.get(f"/api/v1/travellers/{ids['JANE']}/history").json()
    assert [e["traveller_id"] for e in history["entries"]] == [ids["JANE"]]
    assert history["entries"][0]["flight"] == "XY123"
    with session_scope(web.engine) as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "traveller:links:viewed")).all()
        assert [e.details["via"] for e in events] == ["api", "api"]


def test_hostile_names_are_escaped_in_the_svg_and_the_table(web: Web) -> None:
    ids = _pnr_travellers(web)
    _hostile_link(web, ids)
    web.login("ana")
    html = web.client.get(f"/travellers/{ids['JANE']}/links").text
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "&lt;script&gt;" in svg and "<script>" not in svg  # the <title> tooltip holds the full name
    assert "<img" not in html and "<script>alert" not in html
    assert "&#34;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;" in html or "&#34;&#39;&gt;&lt;img" in html


def test_neighbours_hits_follow_the_agency_policy(web: Web) -> None:
    """Juan (MX-INM hit, expired passport) and John Doe (US-CBP hit) share a booking here: Ana (MX-INM) sees
    Juan's list hit and document finding and nothing on John; Bob (US-CBP) sees John's hit and Juan's
    document finding (from no list, visible to every vetting role)."""
    from datetime import date

    from paxvet.links.keys import key_value
    from paxvet.links.models import LinkKey

    seeded = web.seeded
    with session_scope(web.engine) as s:
        for tid in (seeded.traveller_id, seeded.us_traveller_id, seeded.hostile_ids[0]):
            s.add(
                LinkKey(
                    kind="booking",
                    value=key_value("booking", "AM:ZZZ999"),
                    traveller_id=tid,
                    seen_on=date.today(),
                )
            )
    web.login("ana")
    body = web.client.get(f"/api/v1/travellers/{seeded.hostile_ids[0]}/links").json()
    hits = {n["traveller_id"]: n["open_hits"] for n in body["neighbours"]}
    assert hits[seeded.traveller_id] == 2 and hits[seeded.us_traveller_id] == 0
    web.client.cookies.clear()
    web.login("bob")
    body = web.client.get(f"/api/v1/travellers/{seeded.hostile_ids[0]}/links").json()
    hits = {n["traveller_id"]: n["open_hits"] for n in body["neighbours"]}
    assert hits[seeded.us_traveller_id] == 1
    assert hits[seeded.traveller_id] == 1


def test_who_may_not_see_the_traveller(web: Web) -> None:
    web.login("root")  # administrators do not vet travellers
    tid = web.seeded.traveller_id
    assert web.client.get(f"/travellers/{tid}/links").status_code == 403
    assert web.client.get(f"/api/v1/travellers/{tid}/links").status_code == 403
    assert web.client.get(f"/api/v1/travellers/{tid}/history").status_code == 403
    web.client.cookies.clear()
    web.login("ana")
    assert web.client.get("/travellers/999999/links").status_code == 404
    assert web.client.get("/api/v1/travellers/999999/history").status_code == 404
    with session_scope(web.engine) as s:
        assert not s.scalars(select(AuditEvent).where(AuditEvent.action == "traveller:links:viewed")).all()


def test_links_page_in_spanish(web: Web) -> None:
    ids = _pnr_travellers(web)
    csrf = web.login("ana")
    web.client.post("/preferences/language", data={"language": "es", "csrf_token": csrf})
    html = web.client.get(f"/travellers/{ids['JANE']}/links").text
    assert "Historial de viajes" in html and "Asiento contiguo" in html and "este viajero" in html
    assert "misma reserva" in html  # John, Jane's co-traveller, on the same booking
