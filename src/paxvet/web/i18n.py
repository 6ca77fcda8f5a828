"""Interface language (Spanish, English): gettext catalogues compiled by Babel, chosen per user with the
browser's Accept-Language as the default; dates and times in an airport's local time with the zone named."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
LANGUAGES = ("es", "en")


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


@lru_cache(maxsize=8)
def translations(language: str) -> NullTranslations:
    return Translations.load(str(LOCALE_DIR), [language], domain="messages")


def negotiate(accept_language: str | None, default: str) -> str:
    """The best of our languages for an Accept-Language header (q-values honoured)."""
    best, best_q = default, -1.0
    for part in (accept_language or "").split(","):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


@lru_cache(maxsize=1)
def _airport_zones() -> dict[str, str]:
    import airportsdata

    return {code: row["tz"] for code, row in airportsdata.load("IATA").items()}


@lru_cache(maxsize=4096)
def airport_zone(iata: str | None) -> ZoneInfo:
    name = _airport_zones().get((iata or "").upper(), "UTC")
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        return ZoneInfo("UTC")


def local_time(moment: datetime | None, iata: str | None, language: str) -> str:
    """e.g. '2026-11-28 14:05 CST' — the airport's wall clock and the zone's abbreviation. ISO order and
    Latin digits read the same in Spanish and English, so no locale data is needed (Babel's formatter
    was a tenth of the queue page's rendering time)."""
    if moment is None:
        return "—"
    local = moment.astimezone(airport_zone(iata))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def zone_name(iata: str | None) -> str:
    return str(airport_zone(iata).key)
