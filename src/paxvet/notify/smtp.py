"""E-mail each notification through an SMTP server (plain text; the body asks for review)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from paxvet.notify.base import Notification, NotificationFailed, Notifier


class SmtpNotifier(Notifier):
    name = "smtp"

    def __init__(
        self, host: str, port: int, sender: str, recipients: list[str], timeout: float = 10.0
    ) -> None:
        if not recipients:
            raise ValueError("the smtp notifier needs PAXVET_SMTP_RECIPIENTS")
        self.host, self.port, self.sender, self.recipients = host, port, sender, recipients
        self.timeout = timeout

    def message(self, notification: Notification) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = notification.subject
        mail["From"] = self.sender
        mail["To"] = ", ".join(self.recipients)
        mail["X-Paxvet-Hit"] = str(notification.hit_id)
        mail.set_content(notification.body)
        return mail

    def send(self, notification: Notification) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as client:
                client.send_message(self.message(notification))
        except (OSError, smtplib.SMTPException) as exc:
            raise NotificationFailed(f"SMTP {self.host}:{self.port}: {exc}") from exc
