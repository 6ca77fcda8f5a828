"""Jinja2 environment (autoescape on for every template) and the one render function."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from paxvet.accounts import policy
from paxvet.db import utcnow
from paxvet.web.i18n import LANGUAGES, local_time, negotiate, translations, zone_name
from paxvet.web.labels import finding_text, label_for
from paxvet.web.problems import problem_text

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates ship with the package: no stat() of the file on every render
    )
    return env


def minutes_left(moment: datetime | None) -> int | None:
    """Whole minutes from now until `moment` (negative once past)."""
    return None if moment is None else int((moment - utcnow()).total_seconds() // 60)


def _language(request: Request) -> str:
    language = getattr(request.state, "language", None)
    if language:
        return str(language)
    cookie = request.cookies.get("paxvet_lang")  # a page no route matched: the choice made before still holds
    if cookie in LANGUAGES:
        return str(cookie)
    return negotiate(request.headers.get("accept-language"), request.app.state.settings.default_language)


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    language = _language(request)
    catalogue = translations(language)
    user = getattr(request.state, "who", None)

    def can(permission: str) -> bool:
        return user is not None and policy.can(user, permission)

    def label(code: Any) -> str:
        return catalogue.gettext(label_for(str(code))) if code is not None else ""

    def when(moment: Any, airport: str | None = None) -> str:
        return local_time(moment, airport, language)

    def problem(message: Any) -> str:
        return problem_text(str(message or ""), language)

    values = {
        "request": request,
        "user": user,
        "lang": language,
        "csrf_token": getattr(request.state, "csrf", ""),
        "_": catalogue.gettext,
        "gettext": catalogue.gettext,
        "ngettext": catalogue.ngettext,
        "can": can,
        "when": when,
        "zone_name": zone_name,
        "finding_text": finding_text,
        "label": label,
        "problem": problem,
        "minutes_left": minutes_left,
        **context,
    }
    html = environment().get_template(name).render(values)
    return HTMLResponse(html, status_code=status_code)
