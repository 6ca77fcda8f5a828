"""Which hits are notified, and when: open, high or critical, on a flight landing within
`settings.notify_within_hours`, once per hit (`Hit.notified_at`).

Two ways in: screening notifies the hits it writes (`notify_hits`), and `notify_due` (the CLI's
`paxvet notify due`, run from cron) sends hits that became urgent later, as their flight approached."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from paxvet.db import session_factory, session_scope, utcnow
from paxvet.errors import ConfigurationError
from paxvet.flights.models import Flight
from paxvet.notify.base import Notification, Notifier
from paxvet.screening.models import Hit
from paxvet.settings import Settings, get_settings

logger = logging.getLogger("paxvet.notify")
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"


def N_(message: str) -> str:
    """Mark for extraction; translated when the notification is built."""
    return message


# codes shown in notifications; the same msgids as the web pages' labels
WORDS = {
    "critical": N_("critical"),
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
    "passenger": N_("Passenger"),
    "crew": N_("Crew"),
    "wanted": N_("Wanted"),
    "terrorism": N_("Terrorism"),
    "sanctions": N_("Sanctions"),
    "narcotics": N_("Narcotics"),
    "other": N_("Other"),
    "document_finding": N_("Document finding"),
    "lost_stolen_document": N_("Lost or stolen document"),
    "watchlist": N_("Watchlist match"),
    "rule": N_("Rule"),
}
URGENT_SEVERITIES = ("high", "critical")


def get_notifier(settings: Settings | None = None) -> Notifier:
    settings = settings or get_settings()
    try:
        if settings.notifier == "log":
            from paxvet.notify.log import LogNotifier

            return LogNotifier()
        if settings.notifier == "webhook":
            from paxvet.notify.webhook import WebhookNotifier

            return WebhookNotifier(settings.webhook_url)
        if settings.notifier == "smtp":
            from paxvet.notify.smtp import SmtpNotifier

            recipients = [r.strip() for r in settings.smtp_recipients.split(",") if r.strip()]
            return SmtpNotifier(settings.smtp_host, settings.smtp_port, settings.smtp_sender, recipients)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc
    raise ConfigurationError(f"PAXVET_NOTIFIER={settings.notifier!r}: choose log, webhook or smtp")


def is_urgent(hit: Hit, now: datetime, within_hours: int) -> bool:
    arrival = hit.flight.scheduled_at_airport_utc  # landing here, or departing from here (outbound)
    return (
        hit.status == "open"
        and hit.notified_at is None
        and hit.severity in URGENT_SEVERITIES
        and arrival is not None
        and now - timedelta(hours=1) <= arrival <= now + timedelta(hours=within_hours)
    )


def catalogue(language: str) -> NullTranslations:
    """The interface's gettext catalogues (paxvet/locale), so notifications read like the pages."""
    return Translations.load(str(LOCALE_DIR), [language], domain="messages")


def notification_for(hit: Hit, language: str | None = None) -> Notification:
    """Subject and body in `language` (default `settings.notify_language`); always "for review"."""
    _ = catalogue(language or get_settings().notify_language).gettext
    traveller, flight = hit.traveller, hit.flight
    at_airport = flight.scheduled_at_airport_utc  # the arrival here, or the departure from here
    arrival = at_airport.isoformat() if at_airport else None
    listed = hit.entry.primary_name if hit.entry is not None else _(WORDS.get(hit.kind, hit.kind))
    list_name = hit.watchlist.name if hit.watchlist is not None else None
    values = {
        "severity": _(WORDS.get(hit.severity, hit.severity)),
        "flight": flight.code,
        "airport": flight.airport,
        "arrival": arrival or _("unknown time"),
        "name": traveller.full_name,
        "role": _(WORDS.get(traveller.role, traveller.role)),
        "born": traveller.date_of_birth or _("unknown"),
        "listed": listed,
        "list": list_name or "",
        "score": f"{hit.score:.2f}",
        "category": _(WORDS.get(hit.category, hit.category)),
        "why": hit.summary,
        "hit": hit.id,
    }
    subject = _("[paxvet] %(severity)s hit for review: %(flight)s %(airport)s %(arrival)s") % values
    match = _("Possible match: %(listed)s on %(list)s") if list_name else _("Possible match: %(listed)s")
    lines = [
        _("An automated screening hit awaits an officer's review. It is NOT a confirmed finding."),
        "",
        _("Flight: %(flight)s departing %(airport)s at %(arrival)s (UTC)")
        if flight.direction == "outbound"
        else _("Flight: %(flight)s arriving %(airport)s at %(arrival)s (UTC)"),
        _("Traveller: %(name)s (%(role)s), born %(born)s"),
        match,
        _("Score: %(score)s, severity: %(severity)s, category: %(category)s"),
        _("Why (the matcher's words): %(why)s"),
        "",
        _("Review it: paxvet hit show %(hit)s"),
    ]
    return Notification(
        subject=subject.strip(),
        body="\n".join(line % values if line else line for line in lines),
        hit_id=hit.id,
        severity=hit.severity,
        flight=flight.code,
        airport=flight.airport,
        arrival=arrival,
        data={"list": list_name, "score": round(hit.score, 4), "category": hit.category, "kind": hit.kind},
    )


def notify_hits(
    hits: Iterable[Hit],
    notifier: Notifier | None = None,
    now: datetime | None = None,
    within_hours: int | None = None,
) -> int:
    """Send each urgent hit once; a failed send is logged and retried at the next screening."""
    now = now or utcnow()
    within = get_settings().notify_within_hours if within_hours is None else within_hours
    urgent = [h for h in hits if is_urgent(h, now, within)]
    if not urgent:
        return 0
    if notifier is None:
        try:
            notifier = get_notifier()
        except ConfigurationError as exc:  # a notifier misconfiguration must never stop screening
            logger.error("notifications not sent: %s", exc.message)
            return 0
    sent = 0
    for hit in urgent:
        try:
            notifier.send(notification_for(hit))
        except Exception as exc:  # the transport is outside paxvet: log, keep screening, retry later
            logger.error("notification of hit %s failed: %s", hit.id, exc)
            continue
        hit.notified_at = now
        sent += 1
    return sent


# ---- hits that became urgent since they were raised (`paxvet notify due`, from cron) ---------------------


@dataclass
class DueReport:
    """One `notify due` pass: hits found due, sent, failed (retried next pass), taken by another pass."""

    due: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    hit_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return vars(self).copy()


def due_hit_ids(session: Session, now: datetime, within_hours: int) -> list[int]:
    """Open high/critical hits never notified, on flights landing within `within_hours` (or landed in the
    last hour): what `is_urgent` says, in SQL, soonest arrival first."""
    stmt = (
        select(Hit.id)
        .join(Flight, Flight.id == Hit.flight_id)
        .where(
            Hit.status == "open",
            Hit.notified_at.is_(None),
            Hit.severity.in_(URGENT_SEVERITIES),
            Flight.at_airport_between(now - timedelta(hours=1), now + timedelta(hours=within_hours)),
        )
        .order_by(Flight.scheduled_at_airport_utc, Hit.id)
    )
    return list(session.scalars(stmt))


def claim(session: Session, hit_id: int, now: datetime) -> bool:
    """Mark the hit notified unless someone already did. The row stays locked until the caller commits
    (after the send) or rolls back (send failed), so two overlapping passes never both send it."""
    result = session.execute(
        update(Hit).where(Hit.id == hit_id, Hit.notified_at.is_(None)).values(notified_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def send_due_hit(session: Session, hit_id: int, notifier: Notifier, now: datetime) -> str:
    """Claim and send one hit inside the caller's transaction: 'sent', 'failed' or 'skipped'."""
    if not claim(session, hit_id, now):
        return "skipped"
    hit = session.get(Hit, hit_id, populate_existing=True)
    if hit is None or hit.status != "open":
        return "skipped"
    try:
        notifier.send(notification_for(hit))
    except Exception as exc:  # the transport is outside paxvet: log, roll back the claim, retry next pass
        logger.error("notification of hit %s failed: %s", hit_id, exc)
        return "failed"
    return "sent"


def notify_due(
    engine: Engine,
    notifier: Notifier | None = None,
    now: datetime | None = None,
    within_hours: int | None = None,
) -> DueReport:
    """Send every hit that is urgent now and was never notified, exactly once: each hit is claimed and sent
    in its own transaction (a failed send rolls back, so the next pass retries it). Safe to run every
    minute from cron, also when a pass overlaps the previous one."""
    now = now or utcnow()
    within = get_settings().notify_within_hours if within_hours is None else within_hours
    notifier = notifier or get_notifier()
    report = DueReport()
    with session_scope(engine) as session:
        ids = due_hit_ids(session, now, within)
    report.due = len(ids)
    for hit_id in ids:
        with session_factory(engine)() as session:
            outcome = send_due_hit(session, hit_id, notifier, now)
            if outcome == "sent":
                session.commit()
                report.hit_ids.append(hit_id)
            else:
                session.rollback()
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report
