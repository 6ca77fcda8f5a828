"""One error hierarchy. Every error carries a message for people and an HTTP status for the API."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One located problem in an input: where it is and what is wrong."""

    message: str
    location: str = ""
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class PaxvetError(Exception):
    """Base of every error paxvet raises on purpose."""

    status_code = 500

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: list[Problem] = list(problems or [])

    def to_dict(self) -> dict[str, object]:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "problems": [
                {"message": p.message, "location": p.location, "severity": p.severity} for p in self.problems
            ],
        }


class InvalidInput(PaxvetError):
    """The caller sent something unusable (a bad file, argument or request)."""

    status_code = 400


class NotFound(PaxvetError):
    status_code = 404


class Forbidden(PaxvetError):
    status_code = 403


class Unauthorized(PaxvetError):
    status_code = 401


class Conflict(PaxvetError):
    """The request contradicts the current state (e.g. deciding a withdrawn hit)."""

    status_code = 409


class ConfigurationError(PaxvetError):
    """Settings are missing or insecure."""

    status_code = 500


class DatabaseUnavailable(PaxvetError):
    status_code = 503


@dataclass
class ProblemList:
    """Collects every problem found in one input, so a parser can report all of them at once."""

    items: list[Problem] = field(default_factory=list)

    def error(self, message: str, location: str = "") -> None:
        self.items.append(Problem(message, location, "error"))

    def warning(self, message: str, location: str = "") -> None:
        self.items.append(Problem(message, location, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def __bool__(self) -> bool:
        return bool(self.items)
