"""Country codes: airlines and lists mix ISO alpha-2, alpha-3, names and ICAO's special codes."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pycountry

# ICAO 9303 codes that are not ISO 3166 alpha-3 (Germany's D, UN bodies, stateless, refugees...).
ICAO_SPECIAL = {
    "D": "DEU",
    "GBD": "GBR",
    "GBN": "GBR",
    "GBO": "GBR",
    "GBP": "GBR",
    "GBS": "GBR",
    "UNO": "UNO",
    "UNA": "UNA",
    "UNK": "UNK",
    "XXA": "XXA",
    "XXB": "XXB",
    "XXC": "XXC",
    "XXX": "XXX",
    "EUE": "EUE",
    "XOM": "XOM",
    "XPO": "XPO",
}


@lru_cache(maxsize=4096)
def to_alpha3(value: str | None) -> str | None:
    """ISO alpha-3 for an alpha-2, alpha-3, ICAO code or English country name; None when unknown."""
    text = (value or "").strip()
    if not text:
        return None
    upper = text.upper()
    if upper in ICAO_SPECIAL:
        return ICAO_SPECIAL[upper]
    country: Any = _lookup(upper) if len(upper) in (2, 3) else None
    if country is None:
        try:
            country = pycountry.countries.lookup(text)
        except LookupError:
            return None
    return str(country.alpha_3)


def _lookup(code: str) -> Any:
    if len(code) == 2:
        return pycountry.countries.get(alpha_2=code)
    return pycountry.countries.get(alpha_3=code)


def country_name(alpha3: str | None) -> str:
    """English short name for display, or the code itself."""
    if not alpha3:
        return ""
    country = pycountry.countries.get(alpha_3=alpha3)
    return str(country.name) if country else alpha3
