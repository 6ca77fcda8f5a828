"""Spanish and English: catalogue completeness, per-user choice over Accept-Language, local times."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from html import unescape
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy.engine import Engine

from fixtures.web.web_client import Web, web_for
from paxvet.web.i18n import LOCALE_DIR, local_time, negotiate, translations

SRC = Path(__file__).resolve().parents[2] / "src" / "paxvet"


@pytest.fixture
def web(engine: Engine, tmp_path: Path) -> Iterator[Web]:
    yield from web_for(engine, tmp_path)


def _extracted() -> set[str]:
    """Every message the interface can show, extracted afresh from the code and templates."""
    found: set[str] = set()
    for _, _, message, _, _ in extract_from_dir(
        str(SRC),
        method_map=[
            ("web/**.py", "python"),
            ("accounts/**.py", "python"),
            ("web/templates/**.html", "jinja2"),
        ],
        keywords={"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)},
        options_map={"web/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _spanish() -> dict[str, str]:
    with open(LOCALE_DIR / "es" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    out = {}
    for m in catalog:
        if m.id:
            key = m.id[0] if isinstance(m.id, tuple) else m.id
            # a plural message counts as translated only when every plural form is
            out[key] = (m.string[0] if all(m.string) else "") if isinstance(m.string, tuple) else m.string
    return out


def test_spanish_catalogue_is_complete() -> None:
    spanish = _spanish()
    missing = sorted(m for m in _extracted() if not spanish.get(m))
    assert missing == [], f"untranslated into Spanish: {missing}"


def test_compiled_catalogues_match_their_sources() -> None:
    for language in ("es", "en"):
        folder = LOCALE_DIR / language / "LC_MESSAGES"
        with open(folder / "messages.po", "rb") as handle:
            source = read_po(handle)
        fresh = BytesIO()
        write_mo(fresh, source)
        assert (folder / "messages.mo").read_bytes() == fresh.getvalue(), (
            f"recompile {language}: pybabel compile"
        )


def test_negotiation_honours_quality_values() -> None:
    assert negotiate("en-US,en;q=0.9,es;q=0.8", "es") == "en"
    assert negotiate("es-MX,es;q=0.9", "en") == "es"
    assert negotiate("fr-FR", "es") == "es"
    assert negotiate("fr;q=1, en;q=0.2", "es") == "en"
    assert negotiate(None, "en") == "en"
    assert translations("es").gettext("Flights") == "Vuelos"


def test_times_are_the_airports_local_time_with_the_zone_named() -> None:
    moment = datetime(2026, 7, 1, 18, 0, tzinfo=UTC)
    assert local_time(moment, "MEX", "es") == "2026-07-01 12:00 CST"
    assert local_time(moment, "JFK", "en") == "2026-07-01 14:00 EDT"
    assert local_time(moment, "CUN", "en").endswith("EST")


def test_browser_preference_is_the_default_and_the_user_choice_wins(web: Web) -> None:
    spanish = web.client.get("/login", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert "Iniciar sesión" in spanish.text and '<html lang="es">' in spanish.text
    assert "Sign in" in web.client.get("/login", headers={"Accept-Language": "en-US"}).text
    csrf = web.login("ana")
    web.client.post("/preferences/language", data={"language": "es", "csrf_token": csrf, "back": "/flights"})
    page = web.client.get("/flights", headers={"Accept-Language": "en"})
    assert "Vuelos de llegada" in page.text


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "\n", html))


def test_spanish_pages_have_no_untranslated_officer_text(web: Web) -> None:
    spanish = _spanish()
    english_only = {m for m, es in spanish.items() if es != m and len(m) > 3}
    csrf = web.login("carla")  # analyst: flights, queue, lists, quarantine
    web.client.post("/preferences/language", data={"language": "es", "csrf_token": csrf})
    seeded = web.seeded
    for url in [
        "/flights",
        "/queue",
        f"/flights/{seeded.flight_id}",
        f"/travellers/{seeded.traveller_id}",
        "/watchlists",
        f"/watchlists/{seeded.mx_list_id}",
        "/quarantine",
    ]:
        lines = {line.strip() for line in _visible_text(web.client.get(url).text).splitlines()}
        leftovers = sorted(line for line in lines if line in english_only)
        assert leftovers == [], (url, leftovers)
