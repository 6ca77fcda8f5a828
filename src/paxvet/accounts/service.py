"""Users and agencies: create, list, change; the local password check with lock-out."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from paxvet.accounts.models import LANGUAGES, ROLES, Agency, User
from paxvet.accounts.passwords import check_policy, hash_password
from paxvet.audit.service import record_event
from paxvet.db import utcnow
from paxvet.errors import Conflict, InvalidInput, NotFound, Problem

AGENCY_PATTERN = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,20}$")
USERNAME_PATTERN = re.compile(r"^[a-z0-9._-]{3,100}$")


def ensure_agency(session: Session, code: str, name: str = "") -> Agency:
    code = code.strip().upper()
    if not AGENCY_PATTERN.match(code):
        raise InvalidInput(f"agency {code!r} must look like MX-INM or US-CBP (country-ACRONYM)")
    agency = session.get(Agency, code)
    if agency is None:
        agency = Agency(code=code, name=name or code)
        session.add(agency)
        session.flush()
    return agency


def list_agencies(session: Session) -> list[Agency]:
    return list(session.execute(select(Agency).order_by(Agency.code)).scalars())


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    agency: str,
    display_name: str = "",
    language: str | None = None,
    created_by: str | None = None,
) -> User:
    """Create a user after checking the role, the username and the password policy."""
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput("username must be 3-100 characters: lower-case letters, digits, . _ -")
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}")
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)}")
    if find_user(session, username) is not None:
        raise Conflict(f"user {username!r} already exists")
    check_policy(password, username)
    ensure_agency(session, agency)
    user = User(
        username=username,
        display_name=display_name or username,
        agency_code=agency.strip().upper(),
        role=role,
        password_hash=hash_password(password),
        language=language,
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        "accounts:user:created",
        actor=created_by,
        agency=user.agency_code,
        subject_type="user",
        subject_id=user.username,
        details={"role": role},
    )
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.execute(select(User).where(User.username == username.strip().lower())).scalar_one_or_none()


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(User.agency_code, User.username)).scalars())


def count_administrators(session: Session) -> int:
    query = select(func.count()).select_from(User).where(User.role == "administrator", User.active)
    return int(session.execute(query).scalar_one())


def update_user(
    session: Session,
    user: User,
    *,
    role: str | None = None,
    active: bool | None = None,
    language: str | None = None,
    changed_by: str | None = None,
) -> User:
    changes: dict[str, object] = {}
    demoting = (role is not None and role != "administrator") or active is False
    if user.role == "administrator" and user.active and demoting and count_administrators(session) <= 1:
        raise Conflict("this is the last active administrator; create another one first")
    if role is not None and role != user.role:
        if role not in ROLES:
            raise InvalidInput(f"role must be one of {', '.join(ROLES)}")
        changes["role"] = [user.role, role]
        user.role = role
    if active is not None and active != user.active:
        changes["active"] = [user.active, active]
        user.active = active
    if language is not None and language != (user.language or ""):
        if language and language not in LANGUAGES:
            raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)}")
        user.language = language or None
        changes["language"] = language
    if changes:
        record_event(
            session,
            "accounts:user:changed",
            actor=changed_by,
            agency=user.agency_code,
            subject_type="user",
            subject_id=user.username,
            details=changes,
        )
    return user


def unlock_user(session: Session, user: User, *, unlocked_by: str | None = None) -> None:
    user.failed_logins = 0
    user.locked_until = None
    record_event(
        session,
        "accounts:user:unlocked",
        actor=unlocked_by,
        agency=user.agency_code,
        subject_type="user",
        subject_id=user.username,
    )


def change_own_password(session: Session, user: User, current: str, new: str) -> None:
    """A signed-in user changes their password: the current one must be right, the new one must pass."""
    from paxvet.accounts.passwords import verify_password

    if not verify_password(user.password_hash, current):
        raise InvalidInput("the current password is wrong", [Problem("wrong password", "current_password")])
    if new == current:
        raise InvalidInput("the new password must differ from the current one")
    set_password(session, user, new, changed_by=user.username)


def set_password(session: Session, user: User, password: str, *, changed_by: str | None = None) -> None:
    check_policy(password, user.username)
    user.password_hash = hash_password(password)
    record_event(
        session,
        "accounts:password:changed",
        actor=changed_by or user.username,
        agency=user.agency_code,
        subject_type="user",
        subject_id=user.username,
    )


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()


def register_failure(session: Session, user: User, max_failures: int, lockout_minutes: int) -> bool:
    """Count one failed login; lock the account when the limit is reached. True when now locked. The count
    is one atomic UPDATE (the row stays locked until commit), so failures arriving at once, in two threads
    or two server processes, are all counted."""
    counted = session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    set_committed_value(user, "failed_logins", counted)  # the database's count, not this copy's
    if user.failed_logins >= max_failures:
        user.locked_until = utcnow() + timedelta(minutes=lockout_minutes)
        user.failed_logins = 0
        return True
    return False
