"""Notifications of urgent hits: a real SMTP server (aiosmtpd) and a real HTTP receiver on loopback."""

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
from sqlalchemy.orm import Session

from paxvet.db import utcnow
from paxvet.errors import ConfigurationError
from paxvet.notify.base import Notification, NotificationFailed, Notifier
from paxvet.notify.log import LogNotifier
from paxvet.notify.service import get_notifier, notify_hits
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
