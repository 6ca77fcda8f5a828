"""The notifier port. A notification always asks for review: it never states a confirmed finding."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Notification:
    """One message about one hit awaiting review."""

    subject: str
    body: str
    hit_id: int
    severity: str
    flight: str
    airport: str
    arrival: str | None
    status: str = "for review"
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Notifier(ABC):
    """Send a notification, or raise NotificationFailed so the hit is retried at the next screening."""

    name: str = "abstract"

    @abstractmethod
    def send(self, notification: Notification) -> None: ...


class NotificationFailed(Exception):
    """The transport refused or could not be reached."""
