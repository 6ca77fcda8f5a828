"""The link-analysis page in Debian's Chromium: PNR bookings ingested into the running server's database,
the inline SVG graph drawn, hostile names as text, no CSP violation; saves docs/screenshots/links.png."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parent))
from test_browser_officer import Officer, Server, browser, server  # noqa: F401  (shared fixtures)

from conftest import FIXTURES

pytestmark = pytest.mark.browser


def _ingest_pnr(srv: Server) -> dict[str, int]:
    from fixtures.web.seed_web import SCRIPT_NAME
    from paxvet.db import session_scope
    from paxvet.flights.models import Traveller
    from paxvet.ingest.service import receive

    engine = srv.stop.config.app.state.engine  # the running app's database
    with session_scope(engine) as s:
        receive(s, (FIXTURES / "pnrgov" / "push_sensitive_links.edi").read_bytes(), "pnr")
    with session_scope(engine) as s:
        rows = s.execute(
            select(Traveller.given_names, Traveller.id).where(Traveller.surname.in_(["SMITH", "DOE"]))
        )
        ids = {given: tid for given, tid in rows}
        richard = s.get(Traveller, ids["RICHARD"])
        assert richard is not None
        richard.surname = SCRIPT_NAME  # hostile input reaches the graph's labels and tooltips
    return ids


def test_links_page_draws_the_graph(browser: Any, server: Server) -> None:  # noqa: F811
    ids = _ingest_pnr(server)
    tab = Officer(browser, server).login("ana")
    tab.go(f"/travellers/{ids['JANE']}/links")
    graph = tab.page.locator("figure.graph svg[role=img]")
    assert graph.is_visible()
    assert graph.locator("g.node").count() == 3 and graph.locator("line.edge").count() >= 2
    assert tab.page.locator("svg script").count() == 0 and tab.dialogs == []
    assert "<script>alert(1)</script>" in tab.page.locator("table.grid").last.inner_text()
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= 1366
    tab.shot("links")
    assert not [e for e in tab.console_errors if "Content Security Policy" in e], tab.console_errors
    tab.close()
