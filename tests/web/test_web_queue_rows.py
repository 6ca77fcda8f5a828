"""The queue page's rows carry their text HTML-escaped (the template's row loop outputs them with
autoescape off, see paxvet.web.data.queue): no text field of a row may carry markup, whatever the data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.support import NullTranslations
from sqlalchemy.engine import Engine

from fixtures.web.seed_web import IMG_NAME, SCRIPT_NAME
from fixtures.web.web_client import Web, web_for
from paxvet.vetting.service import QueueEntry, QueueFlight, QueueLine, QueueList, QueueTraveller
from paxvet.web.data.queue import QueueRow, queue_rows

HOSTILE = f"{SCRIPT_NAME}{IMG_NAME}&amp;"


@pytest.fixture
def web(engine: Engine, tmp_path: Path) -> Iterator[Web]:
    yield from web_for(engine, tmp_path)


def _line(**changes: object) -> QueueLine:
    line = QueueLine(
        id=7,
        kind=HOSTILE,
        status="open",
        severity=HOSTILE,
        score=0.93,
        summary=HOSTILE,
        explanation={"code": HOSTILE, "message": HOSTILE, "document": HOSTILE},
        flight=QueueFlight(3, HOSTILE, HOSTILE, HOSTILE, "outbound", datetime(2026, 1, 1, tzinfo=UTC)),
        traveller=QueueTraveller(5, HOSTILE, HOSTILE),
        watchlist=QueueList(HOSTILE),
        entry=QueueEntry(HOSTILE, HOSTILE),
    )
    return line._replace(**changes)


def _text_fields(row: QueueRow) -> dict[str, str]:
    return {f.name: getattr(row, f.name) for f in fields(row) if isinstance(getattr(row, f.name), str)}


def test_every_text_of_a_row_is_escaped() -> None:
    now = datetime(2025, 12, 31, tzinfo=UTC)
    lines = [_line(), _line(entry=None), _line(entry=None, explanation=None, watchlist=None)]
    for row in queue_rows(lines, NullTranslations(), "en", now):
        texts = _text_fields(row)
        assert set(texts) >= {"traveller_name", "flight_code", "list_name", "matched", "severity"}
        for name, value in texts.items():
            assert not set(value) & set("<>\"'"), (name, value)
            assert "&amp;amp;" in value or name in ("scheduled", "time_left", "score", "severity_label")


def test_hostile_names_in_the_queue_page_are_text(web: Web) -> None:
    web.login("ana")
    html = web.client.get("/queue").text
    assert SCRIPT_NAME not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the hostile list entry matched, shown as text
