"""Pages and API over the seeded day: policy by agency, audit of every view, escaping, headers, errors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from fixtures.web.seed_web import IMG_NAME, SCRIPT_NAME
from fixtures.web.web_client import Web, web_for
from paxvet.audit.models import AuditEvent
from paxvet.db import session_scope, utcnow


@pytest.fixture
def web(engine: Engine, tmp_path: Path) -> Iterator[Web]:
    yield from web_for(engine, tmp_path)


def _events(w: Web, action: str) -> list[AuditEvent]:
    with session_scope(w.engine) as s:
        return list(s.query(AuditEvent).filter_by(action=action).order_by(AuditEvent.seq))


def test_flights_page_lists_arrivals_with_open_hits_by_severity(web: Web) -> None:
    web.login("ana")
    page = web.client.get("/flights")
    assert page.status_code == 200
    assert "AM645" in page.text
    assert "CST" in page.text  # Mexico City local time, zone named
    # MX-INM sees Juan's and the two hostile travellers' hits and the document finding, not John's US-CBP hit
    assert "high: 3" in page.text and "medium: 1" in page.text
    assert "AM645" not in web.client.get("/flights?airport=CUN").text


def test_flights_page_lists_departures_by_their_departure_time(web: Web) -> None:
    from datetime import timedelta

    from paxvet.flights.models import Flight

    leaving = utcnow() + timedelta(hours=2)
    with session_scope(web.engine) as s:
        s.add(
            Flight(
                carrier="AM",
                number="58",
                airport="MEX",
                flight_date=leaving.date(),
                origin="MEX",
                destination="MAD",
                direction="outbound",
                status="open",
                scheduled_departure_utc=leaving,
                scheduled_arrival_utc=leaving + timedelta(hours=11),
            )
        )
    web.login("ana")
    page = web.client.get("/flights?hours_ahead=4")
    assert page.status_code == 200
    row = re.search(r"<tr>\s*<td><a href=\"/flights/\d+\">AM58</a>.*?</tr>", page.text, re.S)
    assert row is not None, "the departure is listed"
    assert "MEX → MAD" in row[0] and "departing" in row[0]
    assert re.search(r"[12] h \d\d min", row[0])  # time left until the departure, not the arrival in Madrid
    listed = web.client.get("/api/v1/flights?hours_ahead=4").json()
    mine = [f for f in (listed if isinstance(listed, list) else listed["flights"]) if f["code"] == "AM58"]
    assert mine and mine[0]["direction"] == "outbound" and 60 <= mine[0]["minutes_left"] <= 120


def test_manifest_flags_travellers_with_hits(web: Web) -> None:
    web.login("ana")
    page = web.client.get(f"/flights/{web.seeded.flight_id}")
    assert page.status_code == 200
    assert page.text.count('class="has-hit"') == 3  # Juan and the hostile names; John's hit is US-CBP's


def test_traveller_page_shows_explanation_side_by_side_and_is_audited(web: Web) -> None:
    web.login("ana")
    page = web.client.get(f"/travellers/{web.seeded.traveller_id}")
    assert page.status_code == 200
    assert "JUAN PEREZ GARCIA" in page.text
    assert "agree-disagree" in page.text and "COL" in page.text  # entry's nationality beside the traveller's
    assert "expired" in page.text  # document finding
    viewed = _events(web, "traveller:record:viewed")
    assert [(e.actor, e.subject_id) for e in viewed] == [("ana", str(web.seeded.traveller_id))]


def test_officer_of_another_agency_cannot_see_the_hit(web: Web) -> None:
    web.login("ana")  # MX-INM
    us_hit = web.seeded.us_hit_id
    assert web.client.get(f"/hits/{us_hit}", follow_redirects=False).status_code == 404
    assert web.client.get(f"/api/v1/hits/{us_hit}").status_code == 404
    token = web.client.cookies  # the same session posts a decision on it
    page = web.client.get("/queue")
    assert f'id="hit-{us_hit}"' not in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]*)"', page.text).group(1)  # type: ignore[union-attr]
    refused = web.client.post(
        f"/hits/{us_hit}/decision", data={"disposition": "false_positive", "comment": "x", "csrf_token": csrf}
    )
    assert refused.status_code == 404
    john = web.client.get(f"/travellers/{web.seeded.us_traveller_id}")
    assert "CBP-wanted" not in john.text and "No hits you may see" in john.text
    assert token is not None


def test_the_other_agency_sees_its_own_hit(web: Web) -> None:
    web.login("bob")  # US-CBP
    assert web.client.get(f"/api/v1/hits/{web.seeded.us_hit_id}").status_code == 200
    assert web.client.get(f"/api/v1/hits/{web.seeded.mx_hit_id}").status_code == 404


def test_queue_decision_in_place_removes_the_hit_and_writes_the_audit(web: Web) -> None:
    csrf = web.login("ana")
    hit = web.seeded.mx_hit_id
    assert f'id="hit-{hit}"' in web.client.get("/queue").text
    done = web.client.post(
        f"/hits/{hit}/decision",
        data={"disposition": "false_positive", "comment": "different date of birth", "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert done.status_code == 200 and 'class="decided"' in done.text
    assert f'id="hit-{hit}"' not in web.client.get("/queue").text
    decided = _events(web, "hit:disposition:recorded")
    assert decided[-1].actor == "ana" and decided[-1].details["disposition"] == "false_positive"
    audit = web.client.get("/api/v1/hits?status=false_positive").json()
    assert [h["id"] for h in audit] == [hit]


def test_missing_comment_is_a_located_4xx_shown_in_the_alert_region(web: Web) -> None:
    csrf = web.login("ana")
    response = web.client.post(
        f"/hits/{web.seeded.mx_hit_id}/decision",
        data={"disposition": "false_positive", "comment": "", "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#flash"
    assert "comment is required" in response.text


@pytest.mark.parametrize("path", ["/flights", "/queue", "/watchlists"])
def test_hostile_names_render_as_text(web: Web, path: str) -> None:
    web.login("ana")
    for url in [
        path,
        f"/flights/{web.seeded.flight_id}",
        *(f"/travellers/{t}" for t in web.seeded.hostile_ids),
    ]:
        html = web.client.get(url).text
        assert "<script>alert(1)</script>" not in html
        assert "<img src=x" not in html
        assert "onerror=alert" not in html or "&lt;img src=x onerror=alert(1)&gt;" in html
    traveller = web.client.get(f"/travellers/{web.seeded.hostile_ids[0]}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in traveller
    api = web.client.get(f"/api/v1/travellers/{web.seeded.hostile_ids[0]}").json()
    assert api["surname"] == SCRIPT_NAME and api["given_names"] == IMG_NAME  # data kept as received


def test_no_inline_script_or_event_handlers_in_any_page(web: Web) -> None:
    web.login("root")
    pages = ["/login", "/flights", "/audit", "/admin/users", "/watchlists", "/quarantine"]
    web.client.cookies.clear()
    web.login("ana")
    pages_ana = [
        "/flights",
        "/queue",
        f"/flights/{web.seeded.flight_id}",
        f"/travellers/{web.seeded.traveller_id}",
    ]
    for url in pages + pages_ana:
        html = web.client.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+\s*=", html.replace("onerror=alert", "")), url
        assert "style=" not in html, url


def test_security_headers(web: Web) -> None:
    response = web.client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "strict-transport-security" not in response.headers  # only behind TLS
    assert web.client.get("/api/v1/openapi.json").headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/flights?hours_ahead=-5", None),
        ("GET", "/api/v1/flights?hours_ahead=abc", None),
        ("GET", "/api/v1/hits/notanumber", None),
        ("GET", "/api/v1/hits?status=bogus", None),
        ("GET", "/api/v1/hits/999999", None),
        ("GET", "/api/v1/travellers/999999", None),
        ("GET", "/api/v1/nothing-here", None),
        ("POST", "/api/v1/hits/1/decision", {"disposition": "maybe", "comment": "x"}),
        ("POST", "/api/v1/hits/1/decision", {"comment": 5}),
        ("POST", "/api/v1/hits/1/decision", "not json"),
    ],
)
def test_bad_api_input_is_a_4xx_json_body(web: Web, method: str, path: str, body: object) -> None:
    csrf = web.login("ana")
    kwargs: dict[str, object] = {"headers": {"X-CSRF-Token": csrf}}
    if isinstance(body, dict):
        kwargs["json"] = body
    elif body is not None:
        kwargs["content"] = body
        kwargs["headers"] = {"X-CSRF-Token": csrf, "Content-Type": "application/json"}
    response = web.client.request(method, path, **kwargs)  # type: ignore[arg-type]
    assert 400 <= response.status_code < 500, (path, response.status_code, response.text)
    payload = response.json()
    assert set(payload) == {"error", "message", "problems"}


def test_roles_are_least_privilege(web: Web) -> None:
    web.login("ana")
    assert web.client.get("/admin/users").status_code == 403
    assert web.client.get("/audit").status_code == 403
    assert web.client.get("/quarantine").status_code == 403
    web.client.cookies.clear()
    web.login("root")
    assert web.client.get("/admin/users").status_code == 200
    assert web.client.get("/queue").status_code == 403  # administrators manage, they do not vet


def test_audit_log_page_searches_by_user_traveller_action(web: Web) -> None:
    web.login("ana")
    web.client.get(f"/travellers/{web.seeded.traveller_id}")
    web.client.cookies.clear()
    web.login("sofia")  # supervisor of MX-INM
    page = web.client.get(f"/audit?subject_type=traveller&subject={web.seeded.traveller_id}")
    assert "<code>traveller:record:viewed</code>" in page.text and ">ana<" in page.text
    assert "<code>traveller:record:viewed</code>" not in web.client.get("/audit?actor=bob").text
    events = web.client.get("/api/v1/audit/events?action=accounts:").json()
    assert {e["agency"] for e in events} == {"MX-INM"}  # a supervisor sees their agency's events


def test_admin_creates_a_user_with_a_generated_password(web: Web) -> None:
    csrf = web.login("root")
    page = web.client.post(
        "/admin/users", data={"username": "luis", "agency": "MX-INM", "role": "officer", "csrf_token": csrf}
    )
    assert page.status_code == 201
    password = re.search(r'<code class="secret">([^<]+)</code>', page.text).group(1)  # type: ignore[union-attr]
    web.client.cookies.clear()
    web.login("luis", password)


def test_watchlists_show_own_agency_lists_versions_and_search(web: Web) -> None:
    web.login("carla")
    page = web.client.get("/watchlists")
    assert "INM-buscados" in page.text and "CBP-wanted" not in page.text
    detail = web.client.get(f"/watchlists/{web.seeded.mx_list_id}?q=perez")
    assert "JUAN PEREZ GARCIA" in detail.text and "Upload a new version" in detail.text
    assert web.client.get(f"/watchlists/{web.seeded.us_list_id}").status_code == 404


def test_analyst_uploads_a_new_list_version_and_sees_its_report(web: Web, tmp_path: Path) -> None:
    from fixtures.web.seed_web import MX_LIST

    csrf = web.login("carla")
    url = f"/watchlists/{web.seeded.mx_list_id}/versions"
    good = MX_LIST + "MX-3,ROSA MARIA LUNA,1969,MEX,F,W-3,fraude\n"
    page = web.client.post(
        url, data={"fmt": "paxvet-csv", "csrf_token": csrf}, files={"file": ("v2.csv", good)}
    )
    assert page.status_code == 201, page.text
    assert "Version loaded" in page.text and "<dt>Added</dt><dd>1</dd>" in page.text
    detail = web.client.get(f"/watchlists/{web.seeded.mx_list_id}")
    assert "ROSA MARIA LUNA" in detail.text
    bad = "source_id,full_name,dates_of_birth\nMX-9,,not-a-date\n"
    refused = web.client.post(
        url, data={"fmt": "paxvet-csv", "csrf_token": csrf}, files={"file": ("bad.csv", bad)}
    )
    assert refused.status_code == 400
    assert "<code>" in refused.text  # each problem with its location
    loads = _events(web, "watchlist:version:loaded")
    assert loads[-1].actor == "carla", "a list change is audited with who made it"


def test_officer_cannot_upload_lists(web: Web) -> None:
    csrf = web.login("ana")
    response = web.client.post(
        f"/watchlists/{web.seeded.mx_list_id}/versions",
        data={"fmt": "paxvet-csv", "csrf_token": csrf},
        files={"file": ("v.csv", "source_id,full_name\nX,Y\n")},
    )
    assert response.status_code == 403


def test_quarantine_lists_located_problems_and_replays(web: Web) -> None:
    from paxvet.ingest.service import receive

    with session_scope(web.engine) as s:
        result = receive(
            s, b"UNA:+.? 'UNB+UNOA:4+AIR+MEX+260101:1200+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'", "t"
        )
        message_id = result.messages[0].message_id
    csrf = web.login("carla")
    listing = web.client.get("/quarantine")
    assert f'href="/quarantine/{message_id}"' in listing.text
    page = web.client.get(f"/quarantine/{message_id}")
    assert "Replay this message" in page.text and "<code>" in page.text
    replayed = web.client.post(
        f"/quarantine/{message_id}/replay", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert replayed.status_code == 303
    assert _events(web, "ingest:message:replayed")[-1].actor == "carla"


def test_other_agencies_hits_crowding_the_top_do_not_hide_own_hits(web: Web) -> None:
    """Sixty US-CBP hits arriving sooner than MX-INM's: the MX officer's page still shows MX hits."""
    from datetime import timedelta

    from paxvet.flights.models import Flight, Traveller
    from paxvet.screening.models import Hit
    from paxvet.watchlists.models import WatchlistEntry

    with session_scope(web.engine) as s:
        entry = s.query(WatchlistEntry).filter_by(watchlist_id=web.seeded.us_list_id).first()
        assert entry is not None
        flight = Flight(
            carrier="UA",
            number="1",
            airport="MEX",
            flight_date=utcnow().date(),
            scheduled_arrival_utc=utcnow() + timedelta(minutes=30),
        )
        s.add(flight)
        s.flush()
        for i in range(60):
            traveller = Traveller(
                flight_id=flight.id, identity_key=f"u{i}", surname=f"US{i}", given_names="X"
            )
            s.add(traveller)
            s.flush()
            s.add(
                Hit(
                    traveller_id=traveller.id,
                    flight_id=flight.id,
                    kind="watchlist",
                    subject_key=f"entry:{entry.id}",
                    entry_id=entry.id,
                    watchlist_id=web.seeded.us_list_id,
                    score=0.9,
                    category="wanted",
                    severity="critical",
                )
            )
    web.login("ana")
    page = web.client.get("/queue")
    assert f'id="hit-{web.seeded.mx_hit_id}"' in page.text
    assert "US1" not in page.text
