"""Sign in, sign out, and the interface language."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from paxvet.accounts.auth import Credentials, authenticator_for, close_session, open_session
from paxvet.audit.service import record_event
from paxvet.errors import InvalidInput, Unauthorized
from paxvet.web.deps import LANGUAGE_COOKIE, db_session, get_settings, optional_user
from paxvet.web.i18n import LANGUAGES, N_
from paxvet.web.security import PRELOGIN_COOKIE, SESSION_COOKIE, new_token
from paxvet.web.templating import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only local paths: an attacker's `next=https://evil` must not turn login into a redirector."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/flights"


def _cookie_flags(request: Request) -> dict[str, object]:
    return {"httponly": True, "samesite": "strict", "secure": get_settings(request).https, "path": "/"}


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/flights", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "/flights", error: str = "") -> Response:
    token = request.cookies.get(PRELOGIN_COOKIE) or new_token()
    request.state.csrf = token
    response = render(request, "auth/login.html", {"next": _safe_next(next), "error": error})
    response.set_cookie(PRELOGIN_COOKIE, token, max_age=3600, **_cookie_flags(request))  # type: ignore[arg-type]
    return response


@router.post("/login")
def login(
    request: Request,
    username: str = Form(..., max_length=200),
    password: str = Form(..., max_length=1000),
    next: str = Form("/flights"),
    db: Session = Depends(db_session),
) -> Response:
    client = request.client.host if request.client else ""
    request.app.state.login_limiter.check(client)
    settings = get_settings(request)
    try:
        user = authenticator_for(settings).authenticate(db, Credentials(username, password, client))
    except Unauthorized:
        request.state.csrf = request.cookies.get(PRELOGIN_COOKIE, "")
        message = N_("Unknown user or wrong password, or the account is locked.")
        return render(request, "auth/login.html", {"next": _safe_next(next), "error": message}, 401)
    token, _session = open_session(db, user, settings.session_hours)
    db.commit()
    response = RedirectResponse(_safe_next(next), status_code=303)
    max_age = settings.session_hours * 3600
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, **_cookie_flags(request))  # type: ignore[arg-type]
    response.delete_cookie(PRELOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, db: Session = Depends(db_session)) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    user = optional_user(request)
    if token:
        close_session(db, token)
    if user is not None:
        record_event(
            db,
            "accounts:logout:succeeded",
            actor=user.username,
            agency=user.agency_code,
            subject_type="user",
            subject_id=user.username,
        )
    db.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/preferences/language")
def set_language(
    request: Request,
    language: str = Form(...),
    back: str = Form("/flights"),
    db: Session = Depends(db_session),
) -> Response:
    if language not in LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)}")
    user = optional_user(request)
    if user is not None:
        user.language = language
        db.commit()
    response = RedirectResponse(_safe_next(back), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=3600 * 24 * 365, **_cookie_flags(request))  # type: ignore[arg-type]
    return response
