"""`paxvet serve --workers N` spreads keep-alive connections: one response in N closes its connection, so the
client reconnects to whichever worker accepts first. The body and the other headers are untouched."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from paxvet.web.app import SpreadConnections


async def _plain(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


def test_the_chosen_response_closes_its_connection() -> None:
    response = TestClient(SpreadConnections(_plain, one_in=1)).get("/")  # no lifespan: a bare ASGI app
    assert response.headers["connection"] == "close"
    assert response.headers["content-type"] == "text/plain"
    assert response.text == "ok"


def test_the_others_keep_their_connection() -> None:
    client = TestClient(SpreadConnections(_plain, one_in=10**12))
    responses = [client.get("/") for _ in range(20)]
    assert all("connection" not in r.headers for r in responses)
    assert all(r.text == "ok" for r in responses)
