"""Request dependencies: the database session, the signed-in user, the language, the CSRF check."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi import Path as PathParam
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from paxvet.accounts import policy
from paxvet.accounts.auth import find_session, user_for_api_token
from paxvet.accounts.models import User, WebSession
from paxvet.db import session_factory
from paxvet.errors import Unauthorized
from paxvet.settings import Settings
from paxvet.web.i18n import LANGUAGES, negotiate, translations
from paxvet.web.security import (
    PRELOGIN_COOKIE,
    SAFE_METHODS,
    SESSION_COOKIE,
    check_csrf,
    submitted_csrf_token,
)

LANGUAGE_COOKIE = "paxvet_lang"

# Row ids in URLs: positive and within a 32-bit INTEGER, so no backend can overflow on them.
Id = Annotated[int, PathParam(ge=1, le=2_147_483_647)]


@dataclass(frozen=True)
class Who:
    """The signed-in user as plain values: safe to use after the request's session has closed."""

    id: int
    username: str
    display_name: str
    agency_code: str
    role: str

    @classmethod
    def of(cls, user: User) -> Who:
        return cls(user.id, user.username, user.display_name, user.agency_code, user.role)


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def db_session(request: Request) -> AsyncIterator[Session]:
    """One session per request. Routes that write call commit(); anything uncommitted is rolled back.
    Async, so that neither opening it nor closing it after a commit (every audited view commits) costs a
    trip through the thread pool: a session holds no connection before its first statement or after its
    commit. One still in a transaction is rolled back in the pool: no database I/O on the event loop."""
    session = session_factory(get_engine(request))()
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(_discard, session)
        else:
            session.close()


def _discard(session: Session) -> None:
    session.rollback()
    session.close()


def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def choose_language(request: Request, user: User | None) -> str:
    if user is not None and user.language in LANGUAGES:
        return user.language
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in LANGUAGES:
        return str(cookie)
    return negotiate(request.headers.get("accept-language"), get_settings(request).default_language)


def _identify(request: Request, db: Session) -> tuple[User | None, WebSession | None]:
    token = _bearer(request)
    if token is not None:
        user = user_for_api_token(db, token)
        if user is None:
            raise Unauthorized("the bearer token is not valid")
        return user, None
    cookie = request.cookies.get(SESSION_COOKIE)
    web_session = find_session(db, cookie) if cookie else None
    return (web_session.user if web_session else None), web_session


def identify(request: Request, db: Session = Depends(db_session)) -> None:
    """Who is asking (session cookie or bearer token) and in which language. A plain function, so FastAPI
    runs its database work in the thread pool, never on the event loop."""
    user, web_session = _identify(request, db)
    request.state.user = user
    request.state.who = Who.of(user) if user else None  # a detached copy for templates and error pages
    request.state.web_session = web_session
    request.state.language = choose_language(request, user)
    request.state.csrf = web_session.csrf_token if web_session else request.cookies.get(PRELOGIN_COOKIE, "")


async def csrf_protect(request: Request, _identified: None = Depends(identify)) -> None:
    """Every unsafe request carries the session's CSRF token (form field or X-CSRF-Token header), except
    API calls with a bearer token, which no browser sends on its own."""
    if request.method in SAFE_METHODS or _bearer(request) is not None:
        return
    check_csrf(request.state.csrf, await submitted_csrf_token(request))


def optional_user(request: Request) -> User | None:
    user: User | None = getattr(request.state, "user", None)
    return user


def current_user(request: Request) -> User:
    user = optional_user(request)
    if user is None:
        raise Unauthorized("please sign in")
    return user


@dataclass
class Viewer:
    """Who is asking, in which language, with which session: passed to every page and API route."""

    user: User
    db: Session
    language: str
    request: Request

    def _(self, message: str) -> str:
        return translations(self.language).gettext(message)

    def require(self, permission: str) -> None:
        policy.require(self.user, permission)


async def viewer(request: Request, db: Session = Depends(db_session)) -> Viewer:
    """No I/O here (`identify` has read the user), so it runs on the event loop: a plain function would
    cost every request one more trip through the thread pool."""
    return Viewer(current_user(request), db, request.state.language, request)
