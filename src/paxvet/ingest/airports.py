"""Airport time zones and countries from the maintained `airportsdata` dataset (IATA codes)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@lru_cache(maxsize=1)
def _airports() -> dict[str, Any]:
    import airportsdata

    data: dict[str, Any] = airportsdata.load("IATA")
    return data


def airport_country(code: str | None) -> str | None:
    """ISO alpha-2 country of an IATA airport code, None when unknown."""
    if not code:
        return None
    entry = _airports().get(code.upper())
    return str(entry["country"]) if entry else None


@lru_cache(maxsize=4096)
def airport_zone(code: str | None) -> ZoneInfo | None:
    if not code:
        return None
    entry = _airports().get(code.upper())
    if not entry or not entry.get("tz"):
        return None
    try:
        return ZoneInfo(entry["tz"])
    except ZoneInfoNotFoundError:
        return None


def local_to_utc(local: datetime | None, code: str | None) -> datetime | None:
    """The airport's wall-clock time as UTC; None when the time or the airport's zone is unknown.
    Ambiguous times at a DST change take the first occurrence (fold=0)."""
    if local is None:
        return None
    zone = airport_zone(code)
    if zone is None:
        return None
    return local.replace(tzinfo=zone).astimezone(UTC)
