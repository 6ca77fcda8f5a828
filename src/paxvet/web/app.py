"""The application factory: pages and /api/v1 over the same services, hardened by default."""

from __future__ import annotations

import gc
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine

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
    prepare_worker()
    return app


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


def settle_heap() -> None:
    """Put what start-up built (modules, the app, SQLAlchemy's and Jinja's structures: ~130,000 objects)
    out of the cyclic garbage collector's reach. Otherwise every full collection walks all of it again:
    about 75 ms of CPU, 200-400 ms of wall time on a busy machine, during which every request in flight in
    that worker waits; several a minute under load, they were the tail of the pages' latency (bench/web.py).
    The server's own process only: a test session that builds many apps keeps them collectable."""
    gc.collect()
    gc.freeze()
