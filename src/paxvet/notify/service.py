"""Which hits are notified, and when: open, high or critical, on a flight landing within
`settings.notify_within_hours`, once per hit (`Hit.notified_at`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from paxvet.db import utcnow
from paxvet.errors import ConfigurationError
from paxvet.notify.base import Notification, Notifier
from paxvet.screening.models import Hit
from paxvet.settings import Settings, get_settings

logger = logging.getLogger("paxvet.notify")
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
    arrival = hit.flight.scheduled_arrival_utc
    return (
        hit.status == "open"
        and hit.notified_at is None
        and hit.severity in URGENT_SEVERITIES
        and arrival is not None
        and now - timedelta(hours=1) <= arrival <= now + timedelta(hours=within_hours)
    )


def notification_for(hit: Hit) -> Notification:
    traveller, flight = hit.traveller, hit.flight
    arrival = flight.scheduled_arrival_utc.isoformat() if flight.scheduled_arrival_utc else None
    listed = hit.entry.primary_name if hit.entry is not None else hit.kind.replace("_", " ")
    list_name = hit.watchlist.name if hit.watchlist is not None else None
    subject = (
        f"[paxvet] {hit.severity} hit for review: {flight.code} {flight.airport} {arrival or ''}".strip()
    )
    body = "\n".join(
        [
            "An automated screening hit awaits an officer's review. It is NOT a confirmed finding.",
            "",
            f"Flight:     {flight.code} arriving {flight.airport} at {arrival or 'unknown time'}",
            f"Traveller:  {traveller.full_name} ({traveller.role}),"
            f" born {traveller.date_of_birth or 'unknown'}",
            f"Possible match: {listed}" + (f" on {list_name}" if list_name else ""),
            f"Score:      {hit.score:.2f}   severity: {hit.severity}   category: {hit.category}",
            f"Why:        {hit.summary}",
            "",
            f"Review it:  paxvet hit show {hit.id}",
        ]
    )
    return Notification(
        subject=subject,
        body=body,
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
