"""POST each notification as JSON to a partner's HTTPS endpoint."""

from __future__ import annotations

import httpx

from paxvet.notify.base import Notification, NotificationFailed, Notifier


class WebhookNotifier(Notifier):
    name = "webhook"

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        if not url:
            raise ValueError("the webhook notifier needs PAXVET_WEBHOOK_URL")
        self.url = url
        self.timeout = timeout

    def send(self, notification: Notification) -> None:
        try:
            response = httpx.post(self.url, json=notification.to_dict(), timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise NotificationFailed(f"webhook {self.url} unreachable: {exc}") from exc
        if response.status_code >= 300:
            raise NotificationFailed(f"webhook {self.url} answered {response.status_code}")
