"""Notifications of urgent hits: a real SMTP server (aiosmtpd) and a real HTTP receiver on loopback; and
`paxvet notify due`: hits that became urgent after they were raised are sent once, failed sends are retried
at the next pass, overlapping passes never send twice."""

from __future__ import annotations

import json
import logging
import socket
import sys
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from email import message_from_bytes
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from paxvet.db import session_scope, utcnow
from paxvet.errors import ConfigurationError
from paxvet.notify.base import Notification, NotificationFailed, Notifier
from paxvet.notify.log import LogNotifier
from paxvet.notify.service import due_hit_ids, get_notifier, notify_due, notify_hits
from paxvet.notify.smtp import SmtpNotifier
from paxvet.notify.webhook import WebhookNotifier
from paxvet.screening.models import Hit
from paxvet.settings import Settings
from paxvet.watchlists.models import WatchlistEntry

sys.path.insert(0, str(Path(__file__).parents[1] / "screening"))
from screening_factories import Person, make_flight, make_hit, make_list, person_entry


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture
def webhook_server() -> Iterator[tuple[list[dict[str, Any]], str]]:
    received: list[dict[str, Any]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield received, f"http://127.0.0.1:{server.server_address[1]}/hits"
    server.shutdown()
    server.server_close()


def urgent_hits(session: Session) -> dict[str, Hit]:
    wanted = make_list(session, "FGR-WANTED", [person_entry("W1", "Joaquin GUZMAN", "1957-04-04")])
    (w1,) = session.scalars(select(WatchlistEntry).where(WatchlistEntry.watchlist_id == wanted.id)).all()
    now = utcnow()
    soon = make_flight(
        session, [Person("GUZMAN", "JOAQUIN", date(1957, 4, 4), "G1")], arrival=now + timedelta(hours=2)
    )
    later = make_flight(
        session,
        [Person("GUZMAN", "JOAQUIN", date(1957, 4, 4), "G1")],
        number="7",
        arrival=now + timedelta(hours=30),
    )
    other = make_flight(
        session,
        [Person("GUZMAN", "JOAQUIN", date(1957, 4, 4), "G1")],
        number="8",
        arrival=now + timedelta(hours=1),
    )
    return {
        "soon": make_hit(session, soon.travellers[0], w1, severity="high"),
        "later": make_hit(session, later.travellers[0], w1, severity="critical"),
        "low": make_hit(session, other.travellers[0], w1, severity="low"),
    }


class Recorder(Notifier):
    name = "recorder"

    def __init__(self, fail: bool = False) -> None:
        self.sent: list[Notification] = []
        self.fail = fail

    def send(self, notification: Notification) -> None:
        if self.fail:
            raise NotificationFailed("down")
        self.sent.append(notification)


def test_only_urgent_hits_are_sent_and_only_once(session: Session) -> None:
    hits = urgent_hits(session)
    recorder = Recorder()
    assert notify_hits(hits.values(), recorder, within_hours=6) == 1
    assert [n.hit_id for n in recorder.sent] == [hits["soon"].id]
    assert hits["soon"].notified_at is not None
    assert notify_hits(hits.values(), recorder, within_hours=6) == 0
    notice = recorder.sent[0]
    assert notice.status == "for review"
    # PAXVET_NOTIFY_LANGUAGE defaults to Spanish: "NOT a confirmed finding", "for review"
    assert "NO es un hallazgo confirmado" in notice.body and "para revisión" in notice.subject


def test_decided_hits_are_not_sent(session: Session) -> None:
    hits = urgent_hits(session)
    hits["soon"].status = "false_positive"
    assert notify_hits(hits.values(), Recorder(), within_hours=6) == 0


def test_a_failed_send_is_retried_later(session: Session) -> None:
    hits = urgent_hits(session)
    assert notify_hits(hits.values(), Recorder(fail=True), within_hours=6) == 0
    assert hits["soon"].notified_at is None
    assert notify_hits(hits.values(), Recorder(), within_hours=6) == 1


@pytest.fixture
def notify_language(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[str]:
    from paxvet.settings import get_settings

    monkeypatch.setenv("PAXVET_NOTIFY_LANGUAGE", request.param)
    get_settings.cache_clear()
    yield str(request.param)
    get_settings.cache_clear()


EXPECTED = {
    "es": ("alerta alta para revisión: AM645 MEX", "NO es un hallazgo confirmado", "Viajero: JOAQUIN GUZMAN"),
    "en": ("high hit for review: AM645 MEX", "It is NOT a confirmed finding", "Traveller: JOAQUIN GUZMAN"),
}


@pytest.mark.parametrize("notify_language", ["es", "en"], indirect=True)
def test_smtp_notifier_delivers_to_a_real_server(
    session: Session, smtp_server: tuple[Mailbox, int], notify_language: str
) -> None:
    mailbox, port = smtp_server
    hits = urgent_hits(session)
    notifier = SmtpNotifier("127.0.0.1", port, "paxvet@inm.example", ["duty@inm.example", "poe@inm.example"])
    assert notify_hits(hits.values(), notifier, within_hours=6) == 1
    ((sender, recipients, content),) = mailbox.messages
    assert sender == "paxvet@inm.example"
    assert recipients == ["duty@inm.example", "poe@inm.example"]
    mail = message_from_bytes(content, policy=email_policy)
    assert mail["X-Paxvet-Hit"] == str(hits["soon"].id)
    subject, review, traveller = EXPECTED[notify_language]
    assert subject in str(mail["Subject"])
    body = mail.get_body().get_content()  # type: ignore[union-attr]
    assert review in body and traveller in body
    other = EXPECTED["en" if notify_language == "es" else "es"]
    assert other[1] not in body


def test_smtp_notifier_reports_an_unreachable_server() -> None:
    notifier = SmtpNotifier("127.0.0.1", free_port(), "a@b", ["c@d"], timeout=2)
    notice = Notification("s", "b", 1, "high", "AM645", "MEX", None)
    with pytest.raises(NotificationFailed, match="SMTP"):
        notifier.send(notice)


def test_webhook_notifier_posts_json(
    session: Session, webhook_server: tuple[list[dict[str, Any]], str]
) -> None:
    received, url = webhook_server
    hits = urgent_hits(session)
    assert notify_hits(hits.values(), WebhookNotifier(url), within_hours=6) == 1
    (payload,) = received
    assert payload["hit_id"] == hits["soon"].id
    assert payload["status"] == "for review"
    assert payload["flight"] == "AM645" and payload["data"]["list"] == "FGR-WANTED"


def test_webhook_notifier_reports_refusal() -> None:
    notice = Notification("s", "b", 1, "high", "AM645", "MEX", None)
    with pytest.raises(NotificationFailed, match="unreachable"):
        WebhookNotifier(f"http://127.0.0.1:{free_port()}/x", timeout=2).send(notice)


def test_log_notifier(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="paxvet.notify"):
        LogNotifier().send(Notification("urgent hit for review", "b", 7, "high", "AM645", "MEX", None))
    assert "urgent hit for review" in caplog.text and '"hit_id": 7' in caplog.text


def test_notifier_is_chosen_by_settings() -> None:
    assert isinstance(get_notifier(Settings(notifier="log")), LogNotifier)
    assert isinstance(get_notifier(Settings(notifier="webhook", webhook_url="http://x")), WebhookNotifier)
    smtp = get_notifier(Settings(notifier="smtp", smtp_recipients="a@b, c@d", smtp_port=2525))
    assert isinstance(smtp, SmtpNotifier) and smtp.recipients == ["a@b", "c@d"] and smtp.port == 2525
    with pytest.raises(ConfigurationError, match="choose log, webhook or smtp"):
        get_notifier(Settings(notifier="pigeon"))
    with pytest.raises(ConfigurationError, match="RECIPIENTS"):
        get_notifier(Settings(notifier="smtp"))


def test_a_misconfigured_notifier_does_not_stop_screening(
    session: Session, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from paxvet.settings import get_settings

    monkeypatch.setenv("PAXVET_NOTIFIER", "smtp")  # without recipients
    get_settings.cache_clear()
    try:
        hits = urgent_hits(session)
        with caplog.at_level(logging.ERROR, logger="paxvet.notify"):
            assert notify_hits(hits.values(), within_hours=6) == 0
        assert "RECIPIENTS" in caplog.text and hits["soon"].notified_at is None
    finally:
        get_settings.cache_clear()


def test_an_outbound_flight_is_announced_by_its_departure(session: Session) -> None:
    from paxvet.notify.service import notification_for

    hit = urgent_hits(session)["soon"]
    flight = hit.flight
    flight.direction, flight.origin, flight.destination = "outbound", "MEX", "MAD"
    assert flight.scheduled_departure_utc is not None
    english, spanish = notification_for(hit, "en"), notification_for(hit, "es")
    departure = flight.scheduled_departure_utc.isoformat()
    assert english.arrival == departure
    assert f"departing MEX at {departure}" in english.body and "arriving" not in english.body
    assert f"con salida de MEX el {departure}" in spanish.body


def test_every_notification_text_has_a_spanish_translation() -> None:
    from babel.messages.extract import extract_from_dir

    from paxvet.notify.service import catalogue

    src = Path(__file__).resolve().parents[2] / "src" / "paxvet"
    found = [
        m[2]
        for m in extract_from_dir(
            str(src / "notify"), method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
        )
    ]
    spanish = catalogue("es")
    assert found and [m for m in found if spanish.gettext(m) == m] == []


# ---- paxvet notify due ---------------------------------------------------------------------------------


def stored_hits(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return {name: hit.id for name, hit in urgent_hits(session).items()}


def notified(engine: Engine, hit_id: int) -> bool:
    with session_scope(engine) as session:
        return session.scalar(select(Hit.notified_at).where(Hit.id == hit_id)) is not None


def test_a_hit_raised_days_ahead_is_sent_once_when_it_becomes_urgent(
    engine: Engine, smtp_server: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtp_server
    ids = stored_hits(engine)  # "later" lands in 30 hours: not urgent when raised
    smtp = SmtpNotifier("127.0.0.1", port, "paxvet@inm.example", ["duty@inm.example"])
    now = utcnow()
    assert notify_due(engine, smtp, now=now, within_hours=6).hit_ids == [ids["soon"]]
    assert not notified(engine, ids["later"])
    tomorrow = now + timedelta(hours=26)  # the flight now lands in 4 hours
    report = notify_due(engine, smtp, now=tomorrow, within_hours=6)
    assert (report.due, report.sent, report.hit_ids) == (1, 1, [ids["later"]])
    assert notify_due(engine, smtp, now=tomorrow + timedelta(minutes=1), within_hours=6).due == 0
    assert [message_from_bytes(m[2], policy=email_policy)["X-Paxvet-Hit"] for m in mailbox.messages] == [
        str(ids["soon"]),
        str(ids["later"]),
    ]


def test_a_failed_send_is_retried_at_the_next_pass(engine: Engine, smtp_server: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp_server
    ids = stored_hits(engine)
    down = SmtpNotifier("127.0.0.1", free_port(), "paxvet@inm.example", ["duty@inm.example"], timeout=2)
    report = notify_due(engine, down, within_hours=6)
    assert (report.due, report.sent, report.failed) == (1, 0, 1)
    assert not notified(engine, ids["soon"]) and mailbox.messages == []
    up = SmtpNotifier("127.0.0.1", port, "paxvet@inm.example", ["duty@inm.example"])
    assert notify_due(engine, up, within_hours=6).sent == 1
    assert notified(engine, ids["soon"]) and len(mailbox.messages) == 1


def test_decided_and_low_hits_are_never_due(engine: Engine) -> None:
    ids = stored_hits(engine)
    with session_scope(engine) as session:
        session.get(Hit, ids["soon"]).status = "false_positive"  # type: ignore[union-attr]
        assert due_hit_ids(session, utcnow(), 48) == [ids["later"]]  # "low" never, "soon" decided


class Gate(Notifier):
    """Holds the first send until released, so a second pass runs while the first is mid-send."""

    def __init__(self) -> None:
        self.sending, self.release = threading.Event(), threading.Event()
        self.sent: list[Notification] = []

    def send(self, notification: Notification) -> None:
        self.sending.set()
        assert self.release.wait(20)
        self.sent.append(notification)


def test_overlapping_passes_send_each_hit_once(engine: Engine) -> None:
    stored_hits(engine)
    gate, second = Gate(), Recorder()
    first = threading.Thread(target=notify_due, args=(engine, gate), kwargs={"within_hours": 6})
    first.start()
    assert gate.sending.wait(20)
    overlap = threading.Thread(target=notify_due, args=(engine, second), kwargs={"within_hours": 6})
    overlap.start()
    overlap.join(0.5)  # blocked on the first pass's claim (or already done, finding nothing due)
    gate.release.set()
    first.join(20)
    overlap.join(20)
    assert len(gate.sent) + len(second.sent) == 1


def test_cli_notify_due(
    cli_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    smtp_server: tuple[Mailbox, int],
) -> None:
    from paxvet.cli import main
    from paxvet.console import open_engine
    from paxvet.settings import get_settings

    mailbox, port = smtp_server
    for key, value in {
        "NOTIFIER": "smtp",
        "SMTP_PORT": str(port),
        "SMTP_RECIPIENTS": "duty@inm.example",
    }.items():
        monkeypatch.setenv(f"PAXVET_{key}", value)
    monkeypatch.setenv("PAXVET_SMTP_HOST", "127.0.0.1")
    get_settings.cache_clear()
    ids = stored_hits(open_engine())

    def run() -> dict[str, int]:
        monkeypatch.setattr(sys, "argv", ["paxvet", "notify", "due", "--json"])
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_:
            main()
        assert exit_.value.code in (0, None)
        result: dict[str, int] = json.loads(capsys.readouterr().out)
        return result

    assert run() | {"hit_ids": None} == {"due": 1, "sent": 1, "failed": 0, "skipped": 0, "hit_ids": None}
    assert run()["due"] == 0
    assert len(mailbox.messages) == 1 and str(ids["soon"]).encode() in mailbox.messages[0][2]
