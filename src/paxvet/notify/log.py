"""The embedded default: notifications go to the application log."""

from __future__ import annotations

import json
import logging

from paxvet.notify.base import Notification, Notifier

logger = logging.getLogger("paxvet.notify")


class LogNotifier(Notifier):
    name = "log"

    def send(self, notification: Notification) -> None:
        logger.warning("%s %s", notification.subject, json.dumps(notification.to_dict(), default=str))
