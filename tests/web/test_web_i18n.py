"""Spanish and English: catalogue completeness, per-user choice over Accept-Language, local times."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select
from sqlalchemy.engine import Engine

from fixtures.web.untranslated import english_left, visible_lines
from fixtures.web.web_client import Web, csrf_of, web_for
from paxvet.db import session_scope
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
            ("notify/**.py", "python"),  # the notification e-mails
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
    assert "Vuelos que llegan al país o salen de él" in page.text


# Seeded data in English or with English words (agency, list and user names): data, not interface text.
DATA = ("U.S. Customs and Border Protection", "CBP-wanted", "fraud", "root", "Root")


def _in_spanish(web: Web, username: str) -> None:
    csrf = web.login(username)
    response = web.client.post("/preferences/language", data={"language": "es", "csrf_token": csrf})
    assert response.status_code in (200, 303)


def _english_on(web: Web, urls: list[str]) -> dict[str, list[str]]:
    found = {}
    for url in urls:
        page = web.client.get(url)
        assert page.status_code in (200, 404), (url, page.status_code)
        assert '<html lang="es">' in page.text, url
        leftovers = english_left(visible_lines(page.text), DATA)
        if leftovers:
            found[url] = leftovers
    return found


def test_the_detector_finds_an_unmarked_english_sentence() -> None:
    """The check below would catch a sentence nobody marked for translation, not only catalogue ids."""
    lines = visible_lines("<p>Vuelos</p><p>The document has no number</p><pre>the raw data</pre>")
    assert english_left(lines) == ["The document has no number"]
    assert english_left(["Documento sin número", "PEREZ GARCIA, JUAN", "AM645 · MEX"]) == []


def test_spanish_pages_have_no_untranslated_officer_text(web: Web) -> None:
    """Every main page in Spanish, for the role that sees it, with a hit, its explanation, a decision,
    a quarantined message with located problems, the audit log and the administration."""
    from fixtures.web.seed_web import quarantine_a_broken_message
    from paxvet.ingest.models import RawMessage

    seeded = web.seeded
    quarantine_a_broken_message(web.engine)
    with session_scope(web.engine) as s:
        message_id = s.scalars(select(RawMessage.id).order_by(RawMessage.id.desc())).first()
    _in_spanish(web, "carla")  # analyst: flights, queue, lists, quarantine
    csrf = csrf_of(web.client.get("/queue").text)
    web.client.post(
        f"/hits/{seeded.mx_hit_id}/decision",
        data={"disposition": "needs_info", "comment": "Pedir el pasaporte", "csrf_token": csrf},
    )
    found = _english_on(
        web,
        [
            "/flights",
            "/queue",
            "/queue?status=needs_info",
            f"/flights/{seeded.flight_id}",
            f"/travellers/{seeded.traveller_id}",
            f"/travellers/{seeded.hostile_ids[0]}",
            f"/travellers/{seeded.traveller_id}/links",
            "/watchlists",
            f"/watchlists/{seeded.mx_list_id}",
            f"/watchlists/{seeded.mx_list_id}?q=JUAN",
            "/quarantine",
            f"/quarantine/{message_id}",
            "/account",
            "/no-such-page",
        ],
    )
    web.client.post("/logout", data={"csrf_token": csrf})
    _in_spanish(web, "sofia")  # supervisor: the audit log
    found |= _english_on(web, ["/audit", "/audit?action=hit:disposition:recorded"])
    web.client.post("/logout", data={"csrf_token": csrf_of(web.client.get("/audit").text)})
    _in_spanish(web, "root")  # administrator
    found |= _english_on(web, ["/admin/users"])
    assert found == {}, "\n".join(f"{u}: {lines}" for u, lines in found.items())


def test_every_matcher_wording_shown_on_the_traveller_page_has_a_spanish_label() -> None:
    """The explanation's token links (exact, transliterated, nickname...) and date and document relations
    are the matcher's own English constants: each must be a label with a Spanish translation, so a new
    one added to paxvet.match fails here until it is translated."""
    from paxvet.match import dates, tokens
    from paxvet.web.labels import LABELS

    wordings = {
        value
        for module in (tokens, dates)
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, str)
    }
    evidence = SRC / "match" / "evidence.py"  # its source: the module may be compiled (mypyc)
    wordings |= {w for w in _string_constants(str(evidence)) if w.startswith("same number")}
    spanish = _spanish()
    missing = sorted(w for w in wordings if not spanish.get(LABELS.get(w, "\0")))
    assert missing == [], f"add to paxvet.web.labels.LABELS and translate: {missing}"


def _string_constants(path: str) -> set[str]:
    """String constants of a module, and the document outcomes it extends (`outcome += ", ..."`)."""
    import ast

    found = set()
    for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)
        if isinstance(node, ast.AugAssign) and isinstance(node.value, ast.Constant):
            suffix = str(node.value.value)
            found |= {f"same number{suffix}", f"same number allowing O/0, I/1 confusions{suffix}"}
    return found


def _parser_wordings() -> list[str]:
    """Every problem wording the ingest parsers write (the message argument of diag, Diagnostic, Problem,
    error, warning), with each interpolated value replaced by a sample value."""
    import ast

    message_arg = {"diag": 1, "Diagnostic": 1, "Problem": 0, "error": 0, "warning": 0}
    found = []
    for path in sorted((SRC / "ingest").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            index = message_arg.get(name)
            if index is None or len(node.args) <= index:
                continue
            arg = node.args[index]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append(arg.value)
            elif isinstance(arg, ast.JoinedStr):
                found.append("".join(v.value if isinstance(v, ast.Constant) else "X1" for v in arg.values))
    return found


def test_every_parser_problem_wording_is_translated_on_the_quarantine_page() -> None:
    from paxvet.web.problems import is_known, problem_text

    wordings = _parser_wordings()
    assert len(wordings) > 60  # the extraction really reads the parsers
    unknown = sorted({w for w in wordings if not is_known(w)})
    assert unknown == [], f"add to paxvet.web.problems.PROBLEMS and translate: {unknown}"
    assert problem_text("date of birth: impossible date '991399'", "es") == (
        "fecha de nacimiento: fecha imposible '991399'"
    )
    assert problem_text("UNT declares 4 segments (UNH to UNT), 5 present", "es") == (
        "UNT declara 4 segmentos (de UNH a UNT); hay 5"
    )
    assert problem_text("a wording nobody listed", "es") == "a wording nobody listed"
