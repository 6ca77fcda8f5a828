"""Users, password policy, argon2, lock-out, sessions and the visibility policy."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from paxvet.accounts import policy
from paxvet.accounts.auth import (
    Credentials,
    LocalPasswordAuthenticator,
    close_session,
    find_session,
    issue_api_token,
    open_session,
    user_for_api_token,
)
from paxvet.accounts.passwords import generate_password, policy_problems, verify_password
from paxvet.accounts.service import create_user, find_user, register_failure
from paxvet.audit.models import AuditEvent
from paxvet.db import session_factory
from paxvet.errors import Conflict, InvalidInput, Unauthorized
from paxvet.settings import Settings

GOOD = "correct horse battery"


def _user(session: Session, name: str = "ana", role: str = "officer", agency: str = "MX-INM") -> object:
    return create_user(session, username=name, password=GOOD, role=role, agency=agency)


def test_password_is_stored_as_argon2_hash(session: Session) -> None:
    user = create_user(session, username="ana", password=GOOD, role="officer", agency="MX-INM")
    assert user.password_hash.startswith("$argon2id$")
    assert GOOD not in user.password_hash
    assert verify_password(user.password_hash, GOOD)
    assert not verify_password(user.password_hash, GOOD + "x")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 12"),
        ("xx-ana-lopez-xx", "username"),
        ("password1234", "common"),
        ("a" * 20, "common"),
    ],
)
def test_password_policy_refuses(password: str, reason: str) -> None:
    problems = policy_problems(password, "ana-lopez")
    assert any(reason in p.message for p in problems)


def test_generated_passwords_pass_the_policy() -> None:
    assert policy_problems(generate_password(), "admin") == []


def test_create_user_refuses_bad_role_agency_and_duplicates(session: Session) -> None:
    _user(session)
    with pytest.raises(Conflict):
        _user(session)
    with pytest.raises(InvalidInput):
        create_user(session, username="bob", password=GOOD, role="god", agency="MX-INM")
    with pytest.raises(InvalidInput):
        create_user(session, username="bob", password=GOOD, role="officer", agency="nowhere")
    with pytest.raises(InvalidInput) as err:
        create_user(session, username="bob", password="bob", role="officer", agency="MX-INM")
    assert err.value.problems


def test_login_success_and_failure_are_audited(session: Session) -> None:
    _user(session)
    auth = LocalPasswordAuthenticator(Settings())
    user = auth.authenticate(session, Credentials("ana", GOOD, "127.0.0.1"))
    assert user.last_login_at is not None
    with pytest.raises(Unauthorized):
        auth.authenticate(session, Credentials("ana", "wrong password!", "127.0.0.1"))
    with pytest.raises(Unauthorized):
        auth.authenticate(session, Credentials("nobody", GOOD, "127.0.0.1"))
    actions = [e.action for e in session.query(AuditEvent).order_by(AuditEvent.seq)]
    assert actions[-3:] == ["accounts:login:succeeded", "accounts:login:failed", "accounts:login:failed"]


def test_lockout_after_max_failures_refuses_even_the_right_password(session: Session) -> None:
    _user(session)
    auth = LocalPasswordAuthenticator(Settings(login_max_failures=3, lockout_minutes=10))
    for _ in range(3):
        with pytest.raises(Unauthorized):
            auth.authenticate(session, Credentials("ana", "not the password", ""))
    user = find_user(session, "ana")
    assert user is not None and user.locked_until is not None
    with pytest.raises(Unauthorized):
        auth.authenticate(session, Credentials("ana", GOOD, ""))
    reasons = [
        e.details["reason"] for e in session.query(AuditEvent).filter_by(action="accounts:login:failed")
    ]
    assert reasons == ["wrong_password", "wrong_password", "locked_now", "locked"]


def test_sessions_and_api_tokens_are_stored_hashed(session: Session) -> None:
    user = _user(session)
    token, row = open_session(session, user, hours=1)  # type: ignore[arg-type]
    assert token not in row.token_hash
    assert find_session(session, token) is row
    close_session(session, token)
    assert find_session(session, token) is None
    api = issue_api_token(session, user, "ci")  # type: ignore[arg-type]
    assert user_for_api_token(session, api) is user
    assert user_for_api_token(session, api + "x") is None


def test_policy_officer_sees_own_agency_hits_only() -> None:
    officer = SimpleNamespace(role="officer", agency_code="MX-INM", username="ana")
    assert policy.can_view_hit(officer, "MX-INM")
    assert not policy.can_view_hit(officer, "US-CBP")
    assert policy.can_view_hit(officer, None)  # a document finding belongs to no list
    assert policy.visible_agencies(officer) == {"MX-INM"}


def test_policy_least_privilege() -> None:
    officer = SimpleNamespace(role="officer", agency_code="MX-INM", username="a")
    admin = SimpleNamespace(role="administrator", agency_code="MX-INM", username="b")
    analyst = SimpleNamespace(role="analyst", agency_code="MX-INM", username="c")
    assert not policy.can(officer, "watchlists:manage")
    assert not policy.can(officer, "users:manage")
    assert not policy.can(officer, "audit:read")
    assert policy.can(analyst, "watchlists:manage")
    assert policy.can(admin, "users:manage")
    assert not policy.can_view_hit(admin, "MX-INM")  # admins manage, not vet


def test_failures_counted_elsewhere_meanwhile_are_not_lost(engine: Engine) -> None:
    """Two server processes read the user, both see a wrong password: the second count adds to the
    first one's (an atomic UPDATE), it does not overwrite it with its own stale copy."""
    factory = session_factory(engine)
    with factory() as setup:
        _user(setup)
        setup.commit()
    with factory() as first, factory() as second:
        stale = find_user(second, "ana")  # read before the other process counts its failure
        assert stale is not None and stale.failed_logins == 0
        assert register_failure(first, find_user(first, "ana"), 5, 10) is False  # type: ignore[arg-type]
        first.commit()
        assert register_failure(second, stale, 5, 10) is False
        second.commit()
        assert stale.failed_logins == 2
    with factory() as check:
        user = find_user(check, "ana")
        assert user is not None and user.failed_logins == 2
