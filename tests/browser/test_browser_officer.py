"""The officer's day in Debian's Chromium, driven by Playwright against the real server (uvicorn on a free
loopback port, temporary SQLite database with seeded data). Saves screenshots to docs/screenshots/."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 768}
DECISION_COMMENT = "Different person: date of birth and nationality differ"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, base: str, seeded: Any, stop: Any, engine: Any = None) -> None:
        self.base, self.seeded, self.stop, self.seeded_engine = base, seeded, stop, engine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("Debian's Chromium is not installed (make browser)")
    import uvicorn

    from fixtures.web.seed_web import quarantine_a_broken_message, seed, seed_more_flights
    from paxvet.db import make_engine, migrate
    from paxvet.settings import Settings
    from paxvet.web.app import create_app

    data = tmp_path_factory.mktemp("browser")
    engine = make_engine(f"sqlite:///{data / 'paxvet.sqlite3'}")
    migrate(engine)
    seeded = seed(engine, data)
    seed_more_flights(engine)
    quarantine_a_broken_message(engine)
    app = create_app(engine, Settings(data_dir=data, login_rate_per_minute=100))
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{port}", seeded, uv, engine)
    uv.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class Officer:
    """A browser tab signed in as one user, recording dialogs and CSP violations."""

    def __init__(self, browser: Any, server: Server, language: str = "en") -> None:
        self.server = server
        self.context = browser.new_context(
            viewport=VIEWPORT, locale=language, extra_http_headers={"Accept-Language": language}
        )
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)

    def go(self, path: str) -> Any:
        return self.page.goto(self.server.base + path)

    def login(self, username: str) -> Officer:
        from fixtures.web.seed_web import PASSWORD

        self.go("/login")
        self.page.get_by_label(re.compile("Username|Usuario")).fill(username)
        self.page.get_by_label(re.compile("Password|Contraseña")).fill(PASSWORD)
        self.page.locator("form[action='/login'] button[type=submit]").click()
        self.page.wait_for_url(re.compile(r".*/flights"))
        return self

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def officer(browser: Any, server: Server) -> Iterator[Officer]:
    tab = Officer(browser, server).login("ana")
    yield tab
    assert not [e for e in tab.console_errors if "Content Security Policy" in e], tab.console_errors
    tab.close()


def test_flights_manifest_traveller_explanation(officer: Officer) -> None:
    page, seeded = officer.page, officer.server.seeded
    assert page.get_by_role("heading", name="Flights", exact=True).is_visible()
    assert page.get_by_role("link", name="AM645").is_visible()
    assert page.locator("text=CST").first.is_visible()
    officer.shot("flights")
    page.get_by_role("link", name="AM645").click()
    page.wait_for_url(re.compile(rf".*/flights/{seeded.flight_id}$"))
    assert page.locator("tr.has-hit").count() == 3  # Juan and the two hostile names; not John (US-CBP)
    officer.shot("manifest")
    page.get_by_role("link", name="PEREZ GARCIA, JUAN").click()
    page.wait_for_url(re.compile(rf".*/travellers/{seeded.traveller_id}$"))
    explanation = page.locator("table.explain").first
    assert explanation.is_visible()
    row = explanation.locator("tr.agree-disagree")
    assert row.locator("td").nth(0).inner_text() == "MEX" and row.locator("td").nth(1).inner_text() == "COL"
    assert page.get_by_text("The document had expired before arrival.").first.is_visible()
    officer.shot("traveller")


def test_decide_false_positive_in_place_then_audit(officer: Officer, browser: Any) -> None:
    page, seeded = officer.page, officer.server.seeded
    officer.go("/queue")
    row = page.locator(f"#hit-{seeded.mx_hit_id}")
    assert row.is_visible()
    officer.shot("queue")
    page.evaluate("window.__noReload = true")
    row.get_by_label("Disposition").select_option("false_positive")
    row.get_by_label("Comment").fill(DECISION_COMMENT)
    row.get_by_role("button", name="Decide").click()
    page.locator(f"#hit-{seeded.mx_hit_id}.decided").wait_for()
    assert "left the queue" in page.locator(f"#hit-{seeded.mx_hit_id}").inner_text()
    assert page.evaluate("window.__noReload") is True  # swapped in place, no full reload
    officer.shot("queue-decided")
    officer.go("/queue")
    assert page.locator(f"#hit-{seeded.mx_hit_id}").count() == 0
    supervisor = Officer(browser, officer.server).login("sofia")
    supervisor.go(f"/audit?action=hit:disposition:recorded&subject={seeded.mx_hit_id}")
    entry = supervisor.page.locator("tr.audit-row").first
    assert "hit:disposition:recorded" in entry.inner_text() and "ana" in entry.inner_text()
    assert "false_positive" in entry.inner_text()
    supervisor.go("/audit")
    supervisor.shot("audit")
    supervisor.close()


def test_other_agencys_hit_by_url_is_not_found(officer: Officer) -> None:
    response = officer.go(f"/hits/{officer.server.seeded.us_hit_id}")
    assert response.status in (403, 404)
    assert officer.page.get_by_role("heading", name="Not found").is_visible()
    api = officer.page.request.get(f"{officer.server.base}/api/v1/hits/{officer.server.seeded.us_hit_id}")
    assert api.status in (403, 404)


def test_hostile_names_render_as_text_and_fire_nothing(officer: Officer) -> None:
    from fixtures.web.seed_web import IMG_NAME, SCRIPT_NAME

    seeded = officer.server.seeded
    for path in [f"/flights/{seeded.flight_id}", "/queue", *(f"/travellers/{t}" for t in seeded.hostile_ids)]:
        officer.go(path)
        officer.page.wait_for_timeout(200)
        assert officer.page.locator("img[src=x]").count() == 0
    officer.go(f"/travellers/{seeded.hostile_ids[0]}")
    heading = officer.page.locator("h1 .traveller-name").inner_text()
    assert SCRIPT_NAME in heading and IMG_NAME in heading
    officer.shot("hostile-name")
    assert officer.dialogs == []


def test_post_without_csrf_token_is_refused(officer: Officer) -> None:
    seeded = officer.server.seeded
    response = officer.page.request.post(
        f"{officer.server.base}/hits/{seeded.mx_hit_id}/decision",
        form={"disposition": "confirmed", "comment": "forged"},
    )
    assert response.status == 403
    forged_token = officer.page.request.post(
        f"{officer.server.base}/hits/{seeded.mx_hit_id}/decision",
        form={"disposition": "confirmed", "comment": "forged", "csrf_token": "x" * 43},
    )
    assert forged_token.status == 403


UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                 .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
                 .map(e => e.name)"""
# Text as the reader sees it, without raw data blocks (message content, audit details, codes).
READABLE_TEXT = """() => { const b = document.body.cloneNode(true);
                  b.querySelectorAll('pre, code, script, style').forEach(e => e.remove());
                  document.documentElement.appendChild(b); const t = b.innerText; b.remove(); return t; }"""


def _quarantined_message_id(server: Server) -> int:
    from sqlalchemy import select

    from paxvet.db import session_scope
    from paxvet.ingest.models import RawMessage

    with session_scope(server.seeded_engine) as s:
        found = s.scalars(select(RawMessage.id).order_by(RawMessage.id)).first()
    assert found is not None
    return int(found)


def _pages(server: Server) -> dict[str, list[str]]:
    """The main pages, by the user whose role sees them."""
    seeded = server.seeded
    return {
        "carla": [
            "/flights",
            "/queue",
            f"/flights/{seeded.flight_id}",
            f"/travellers/{seeded.traveller_id}",
            f"/travellers/{seeded.traveller_id}/links",
            "/watchlists",
            f"/watchlists/{seeded.mx_list_id}",
            "/quarantine",
            f"/quarantine/{_quarantined_message_id(server)}",
            "/account",
        ],
        "sofia": ["/audit"],
        "root": ["/admin/users"],
    }


def test_keyboard_first_stop_is_skip_link_and_no_horizontal_scroll(officer: Officer, browser: Any) -> None:
    officer.go("/queue")
    officer.page.keyboard.press("Tab")
    assert officer.page.evaluate("document.activeElement.className") == "skip"
    officer.page.keyboard.press("Enter")  # the skip link moves the focus to the main content
    assert officer.page.evaluate("document.activeElement.id") == "main"
    for username, paths in _pages(officer.server).items():
        tab = Officer(browser, officer.server).login(username)
        for path in paths:
            tab.go(path)
            assert tab.page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"], path
            assert tab.page.evaluate(UNLABELLED) == [], path
        tab.close()


def test_the_decision_form_works_from_the_keyboard(officer: Officer) -> None:
    """Tab to the decision of a hit on the traveller page, choose, type the comment, submit with Enter."""
    page, seeded = officer.page, officer.server.seeded
    officer.go(f"/travellers/{seeded.hostile_ids[1]}")
    select = page.locator("form.decide select").first
    select.focus()
    page.keyboard.press("ArrowDown")  # the first disposition
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "comment"
    page.keyboard.type("Checked by keyboard only")
    page.keyboard.press("Enter")
    page.locator(".decided-now").first.wait_for()


def test_every_time_shown_names_its_zone(officer: Officer) -> None:
    seeded = officer.server.seeded
    zone = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?(?! ?(UTC|[A-Z]{3,4}|[+-]\d{2}))")
    for path in ["/flights", "/queue", f"/flights/{seeded.flight_id}", f"/travellers/{seeded.traveller_id}"]:
        officer.go(path)
        text = officer.page.locator("main").inner_text()
        assert re.search(r"\d{2}:\d{2} (CST|CDT|EST|EDT|MST|PDT|PST|UTC)", text), path
        assert not zone.search(text), (path, zone.search(text))


def test_spanish_interface_has_no_untranslated_text(browser: Any, server: Server) -> None:
    from fixtures.web.untranslated import english_left

    # data, not interface text: an agency's and a list's names, user names, a comment an officer wrote
    data = ("U.S. Customs and Border Protection", "CBP-wanted", "fraud", "root", "Root", DECISION_COMMENT)
    left: dict[str, list[str]] = {}
    for username, paths in _pages(server).items():
        tab = Officer(browser, server).login(username)
        tab.page.get_by_label("Language").select_option("es")
        tab.page.get_by_role("button", name="Change").click()
        tab.page.locator("html[lang=es]").wait_for()
        if username == "carla":
            tab.go("/flights")
            tab.shot("flights-es")
        for path in paths:
            tab.go(path)
            lines = [line.strip() for line in tab.page.evaluate(READABLE_TEXT).splitlines() if line.strip()]
            if found := english_left(lines, data):
                left[path] = found
            if path.startswith("/travellers/") and path.count("/") == 2:
                tab.shot("traveller-es")
        tab.page.get_by_label("Idioma").select_option("en")  # the choice is kept per user: restore it
        tab.page.get_by_role("button", name="Cambiar", exact=True).click()
        tab.page.locator("html[lang=en]").wait_for()
        tab.close()
    assert left == {}, left


def test_admin_watchlists_and_quarantine_pages(browser: Any, server: Server) -> None:
    admin = Officer(browser, server).login("root")
    admin.go("/admin/users")
    assert admin.page.get_by_role("heading", name="Users, roles and agencies").is_visible()
    admin.shot("admin-users")
    admin.close()
    analyst = Officer(browser, server).login("carla")
    analyst.go(f"/watchlists/{server.seeded.mx_list_id}")
    assert analyst.page.locator("h2#upload").is_visible()
    analyst.shot("watchlist")
    analyst.go("/quarantine")
    analyst.shot("quarantine")
    analyst.close()
