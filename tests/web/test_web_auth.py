"""Sign-in, sessions, cookies, lock-out, rate limit and CSRF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from fixtures.web.seed_web import PASSWORD
from fixtures.web.web_client import Web, csrf_of, make_web, web_for
from paxvet.audit.models import AuditEvent
from paxvet.db import session_scope


@pytest.fixture
def web(engine: Engine, tmp_path: Path) -> Iterator[Web]:
    yield from web_for(engine, tmp_path)


def _actions(engine: Engine) -> list[str]:
    with session_scope(engine) as s:
        return [e.action for e in s.query(AuditEvent).order_by(AuditEvent.seq)]


def test_pages_need_a_session(web: Web) -> None:
    response = web.client.get("/flights", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert web.client.get("/api/v1/flights").status_code == 401


def test_login_sets_a_hardened_cookie_and_logout_ends_the_session(web: Web) -> None:
    page = web.client.get("/login")
    response = web.client.post(
        "/login",
        data={"username": "ana", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert "paxvet_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie  # plain http in tests; settings.https adds it
    token = csrf_of(web.client.get("/flights").text)
    assert web.client.get("/flights").status_code == 200
    out = web.client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert web.client.get("/flights", follow_redirects=False).status_code == 303
    assert "accounts:login:succeeded" in _actions(web.engine)
    assert "accounts:logout:succeeded" in _actions(web.engine)


def test_secure_cookie_and_hsts_behind_tls(engine: Engine, tmp_path: Path) -> None:
    w = make_web(engine, tmp_path, https=True)
    page = w.client.get("/login")
    assert "Secure" in page.headers["set-cookie"]
    assert "max-age" in page.headers["strict-transport-security"]


def test_wrong_password_is_refused_and_audited(web: Web) -> None:
    page = web.client.get("/login")
    response = web.client.post(
        "/login", data={"username": "ana", "password": "not it at all", "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 401
    assert "wrong password" in response.text
    assert _actions(web.engine)[-1] == "accounts:login:failed"


def test_lockout_after_max_failures(engine: Engine, tmp_path: Path) -> None:
    w = make_web(engine, tmp_path, login_max_failures=2)
    token = csrf_of(w.client.get("/login").text)
    for _ in range(2):
        w.client.post("/login", data={"username": "ana", "password": "bad bad bad bad", "csrf_token": token})
    locked = w.client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token})
    assert locked.status_code == 401


def test_login_is_rate_limited(engine: Engine, tmp_path: Path) -> None:
    w = make_web(engine, tmp_path, login_rate_per_minute=3)
    token = csrf_of(w.client.get("/login").text)
    codes = [
        w.client.post("/login", data={"username": "x", "password": "y" * 12, "csrf_token": token}).status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]


def test_login_without_csrf_token_is_refused(web: Web) -> None:
    web.client.get("/login")
    response = web.client.post("/login", data={"username": "ana", "password": PASSWORD})
    assert response.status_code == 403


def test_state_changing_requests_need_the_session_csrf_token(web: Web) -> None:
    token = web.login("ana")
    hit = web.seeded.mx_hit_id
    form = {"disposition": "false_positive", "comment": "not him"}
    assert web.client.post(f"/hits/{hit}/decision", data=form).status_code == 403
    assert web.client.post(f"/hits/{hit}/decision", data=form | {"csrf_token": "forged"}).status_code == 403
    api = web.client.post(
        f"/api/v1/hits/{hit}/decision", json={"disposition": "false_positive", "comment": "x"}
    )
    assert api.status_code == 403
    assert api.json()["error"] == "CsrfRefused"
    ok = web.client.post(
        f"/hits/{hit}/decision", data=form, headers={"X-CSRF-Token": token, "HX-Request": "true"}
    )
    assert ok.status_code == 200
    assert "left the queue" in ok.text


def test_every_state_changing_route_is_csrf_checked(web: Web) -> None:
    """The CSRF dependency is app-wide; prove it by posting to every unsafe route without a token."""
    web.login("root")
    for route in web.client.app.routes:  # type: ignore[attr-defined]
        methods = getattr(route, "methods", set()) - {"GET", "HEAD", "OPTIONS"}
        for method in methods:
            path = route.path.replace("{", "").replace("}", "")
            path = "/".join("1" if part.endswith("_id") else part for part in path.split("/"))
            response = web.client.request(method, path, data={"x": "1"})
            assert response.status_code == 403, (method, path, response.status_code)


def test_next_parameter_cannot_redirect_off_site(web: Web) -> None:
    page = web.client.get("/login")
    response = web.client.post(
        "/login",
        data={
            "username": "ana",
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
            "next": "//evil.example",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/flights"


def test_bearer_token_api_needs_no_csrf(web: Web) -> None:
    from paxvet.accounts.auth import issue_api_token
    from paxvet.accounts.service import find_user

    with session_scope(web.engine) as s:
        user = find_user(s, "ana")
        assert user is not None
        token = issue_api_token(s, user, "test")
    headers = {"Authorization": f"Bearer {token}"}
    assert web.client.get("/api/v1/me", headers=headers).json()["agency"] == "MX-INM"
    decided = web.client.post(
        f"/api/v1/hits/{web.seeded.mx_hit_id}/decision",
        json={"disposition": "false_positive", "comment": "different person"},
        headers=headers,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "false_positive"
    assert web.client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_user_changes_own_password_under_the_policy(web: Web) -> None:
    csrf = web.login("ana")
    weak = web.client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": "short", "csrf_token": csrf}
    )
    assert weak.status_code == 400 and "at least 12" in weak.text
    wrong = web.client.post(
        "/account/password",
        data={
            "current_password": "not mine at all",
            "new_password": "a brand new passphrase",
            "csrf_token": csrf,
        },
    )
    assert wrong.status_code == 400
    ok = web.client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "a brand new passphrase", "csrf_token": csrf},
    )
    assert ok.status_code == 200 and "has been changed" in ok.text
    web.client.cookies.clear()
    web.login("ana", "a brand new passphrase")


def test_the_last_administrator_cannot_be_demoted(web: Web) -> None:
    csrf = web.login("root")
    with session_scope(web.engine) as s:
        from paxvet.accounts.service import find_user

        root = find_user(s, "root")
        assert root is not None
        root_id = root.id
    refused = web.client.post(f"/admin/users/{root_id}", data={"role": "officer", "csrf_token": csrf})
    assert refused.status_code == 409


def test_serve_and_users_commands_are_registered() -> None:
    from typer.testing import CliRunner

    from paxvet.cli import app

    runner = CliRunner()
    serve = runner.invoke(app, ["serve", "--help"])
    assert serve.exit_code == 0 and "--port" in serve.output and "--host" in serve.output
    users = runner.invoke(app, ["users", "--help"])
    assert users.exit_code == 0 and "create-admin" in users.output
    audit = runner.invoke(app, ["audit", "--help"])
    assert audit.exit_code == 0 and "verify" in audit.output


def test_login_rate_limit_is_one_window_for_every_process(tmp_path: Path) -> None:
    """`paxvet serve --workers N`: each process has its own limiter on the same file (one window)."""
    from paxvet.web.errors import TooManyRequests
    from paxvet.web.security import RateLimiter

    path = tmp_path / "login-attempts.json"
    first, second = RateLimiter(3, path=path), RateLimiter(3, path=path)
    first.check("192.0.2.1")
    second.check("192.0.2.1")
    first.check("192.0.2.1")
    with pytest.raises(TooManyRequests):
        second.check("192.0.2.1")
    with pytest.raises(TooManyRequests):
        first.check("192.0.2.1")
    second.check("192.0.2.2")  # another address has its own count
    path.write_text("not json")  # a torn file starts a new window rather than refusing everyone
    first.check("192.0.2.1")
