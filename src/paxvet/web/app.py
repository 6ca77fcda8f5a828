"""The application factory: pages and /api/v1 over the same services, hardened by default."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine

from paxvet.heap import settle_heap
from paxvet.settings import Settings, get_settings
from paxvet.web import errors
from paxvet.web.deps import csrf_protect
from paxvet.web.security import RateLimiter, SecurityHeaders

STATIC = Path(__file__).parent / "static"


def create_app(engine: Engine | None = None, settings: Settings | None = None) -> FastAPI:
    """Build the app. Without an engine, the configured database is opened and migrated."""
    from paxvet.web.routers import (
        account,
        admin,
        api,
        audit,
        auth,
        flights,
        links,
        quarantine,
        travellers,
        vetting,
        watchlists,
    )

    settings = settings or get_settings()
    if engine is None:
        from paxvet.console import open_engine

        engine = open_engine()
    app = FastAPI(
        title="paxvet",
        summary="Vet airline travellers against watchlists before they land.",
        docs_url=None,  # Swagger UI needs inline script; the schema is at /api/v1/openapi.json
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        dependencies=[Depends(csrf_protect)],
    )
    app.state.engine = engine
    app.state.settings = settings
    # In a file under the data directory: the worker processes of `paxvet serve --workers N` share it.
    app.state.login_limiter = RateLimiter(
        settings.login_rate_per_minute, path=settings.data_dir / "login-attempts.json"
    )
    app.add_middleware(SecurityHeaders, settings=settings)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, account, flights, travellers, links, vetting, watchlists, quarantine, audit, admin):
        app.include_router(module.router, include_in_schema=False)
    app.include_router(api.router, prefix="/api/v1")
    app.include_router(links.api_router, prefix="/api/v1")
    return app


def create_served_app() -> FastAPI:
    """The factory each worker process of `paxvet serve --workers N` calls: the app, ready to serve."""
    app = create_app()
    app.add_middleware(SpreadConnections)
    prepare_worker()
    return app


class SpreadConnections:
    """Several workers share one port, and a keep-alive connection stays with the worker that accepted it.
    New connections arriving together mostly go to one worker (it accepts every pending connection when it
    wakes): 19 of the benchmark's 20 in one run, that worker saturated and the other idle. One response in
    `one_in`, at random, closes its connection (`Connection: close`); the client reconnects to whichever
    worker accepts first, most often the one with less to do, so the split evens out within seconds."""

    def __init__(self, app: Any, one_in: int = 64) -> None:
        self.app = app
        self.one_in = one_in

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or random.randrange(self.one_in):
            await self.app(scope, receive, send)
            return

        async def closing(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, closing)


def prepare_worker() -> None:
    """Load what the first requests would otherwise load, then settle the heap. Loaded lazily, the airport
    time zones (60 ms on a quiet machine) were loaded by every request in flight at once when a worker met
    its first queue page: a second's wait for each of them under load."""
    from sqlalchemy.orm import configure_mappers

    from paxvet.web.i18n import LANGUAGES, airport_zone, translations
    from paxvet.web.templating import environment

    configure_mappers()
    airport_zone("MEX")
    for language in LANGUAGES:
        translations(language)
    templates = environment()
    for name in templates.list_templates(extensions=["html"]):
        templates.get_template(name)
    settle_heap()
