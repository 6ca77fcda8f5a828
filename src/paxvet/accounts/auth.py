"""Authentication behind a small port, so an OIDC provider can be added beside local passwords.

An `Authenticator` turns credentials into a `User` or raises `Unauthorized`; it also records the login or
the failed login in the audit chain. The session store below is the same whatever the authenticator."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import NoReturn, Protocol

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from paxvet.accounts.models import ApiToken, User, WebSession
from paxvet.accounts.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password
from paxvet.accounts.service import find_user, is_locked, register_failure
from paxvet.audit.service import record_event
from paxvet.db import utcnow
from paxvet.errors import Unauthorized
from paxvet.settings import Settings

GENERIC_FAILURE = "unknown user or wrong password, or the account is locked"


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str
    remote_address: str = ""


class Authenticator(Protocol):
    name: str

    def authenticate(self, session: Session, credentials: Credentials) -> User: ...


class LocalPasswordAuthenticator:
    """Users and argon2 hashes in paxvet's own database, with lock-out after repeated failures."""

    name = "local"

    def __init__(self, settings: Settings) -> None:
        self.max_failures = settings.login_max_failures
        self.lockout_minutes = settings.lockout_minutes

    def authenticate(self, session: Session, credentials: Credentials) -> User:
        user = find_user(session, credentials.username)
        if user is None:
            verify_password(DUMMY_HASH, credentials.password)  # same timing as a real user
            self._failed(session, None, credentials, "unknown_user")
        elif not user.active:
            self._failed(session, user, credentials, "inactive")
        elif is_locked(user):
            self._failed(session, user, credentials, "locked")
        elif not verify_password(user.password_hash, credentials.password):
            locked = register_failure(session, user, self.max_failures, self.lockout_minutes)
            self._failed(session, user, credentials, "locked_now" if locked else "wrong_password")
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(credentials.password)
        user.failed_logins, user.locked_until, user.last_login_at = 0, None, utcnow()
        record_event(
            session,
            "accounts:login:succeeded",
            actor=user.username,
            agency=user.agency_code,
            subject_type="user",
            subject_id=user.username,
            details={"remote": credentials.remote_address, "method": self.name},
        )
        return user

    def _failed(self, session: Session, user: User | None, credentials: Credentials, reason: str) -> NoReturn:
        record_event(
            session,
            "accounts:login:failed",
            actor=credentials.username[:100],
            agency=user.agency_code if user else None,
            subject_type="user",
            subject_id=credentials.username[:100],
            details={"remote": credentials.remote_address, "reason": reason},
        )
        session.commit()  # the failure and the counter must survive the refused request
        raise Unauthorized(GENERIC_FAILURE)


def authenticator_for(settings: Settings) -> Authenticator:
    """The configured authenticator (only `local` today; OIDC plugs in here)."""
    return LocalPasswordAuthenticator(settings)


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user: User, hours: int) -> tuple[str, WebSession]:
    """A new browser session: returns the cookie token (kept nowhere else) and the row."""
    token = secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=_sha256(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        expires_at=utcnow() + timedelta(hours=hours),
    )
    session.add(row)
    session.flush()
    return token, row


def find_session(session: Session, token: str) -> WebSession | None:
    """The live session of this cookie token with its user, read in one statement on every request (no
    cache: a logout, a disabled user or an expired session is refused on the very next request)."""
    row = session.execute(
        select(WebSession).where(WebSession.token_hash == _sha256(token)).options(joinedload(WebSession.user))
    ).scalar_one_or_none()
    if row is None or row.expires_at <= utcnow() or not row.user.active:
        return None
    return row


def close_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == _sha256(token)))


def issue_api_token(session: Session, user: User, label: str = "") -> str:
    token = "pxv_" + secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=_sha256(token), user_id=user.id, label=label))
    record_event(
        session,
        "accounts:token:issued",
        actor=user.username,
        agency=user.agency_code,
        subject_type="user",
        subject_id=user.username,
        details={"label": label},
    )
    session.flush()
    return token


def user_for_api_token(session: Session, token: str) -> User | None:
    """The user of a live bearer token, token and user read in one statement on every call (no cache)."""
    row = session.execute(
        select(ApiToken)
        .where(ApiToken.token_hash == _sha256(token), ApiToken.revoked.is_(False))
        .options(joinedload(ApiToken.user))
    ).scalar_one_or_none()
    if row is None or not row.user.active:
        return None
    return row.user
