"""Security headers on every response, CSRF checks on every state-changing request, login rate limit."""

from __future__ import annotations

import fcntl
import hmac
import json
import secrets
import threading
import time
from pathlib import Path

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paxvet.settings import Settings
from paxvet.web.errors import CsrfRefused, TooManyRequests

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_COOKIE = "paxvet_session"
PRELOGIN_COOKIE = "paxvet_prelogin"  # double-submit CSRF token for the login form
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"

# No inline script or style anywhere: every script and style sheet is a file under /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def security_headers(settings: Settings) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": CSP,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    if settings.https:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return headers


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers (and no-store on personal data) to every
    response. Starlette's BaseHTTPMiddleware (`app.middleware("http")`) ran each request through an extra
    task and stream: about a millisecond per request under load."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.fixed = [(k.lower().encode(), v.encode()) for k, v in security_headers(settings).items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.fixed
        if not scope["path"].startswith("/static/"):
            extra = [*extra, (b"cache-control", b"no-store")]  # personal data: never cached

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                added = [(k, v) for k, v in extra if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def new_token() -> str:
    return secrets.token_urlsafe(32)


async def submitted_csrf_token(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # Starlette caches it; the route reads the same form
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def check_csrf(expected: str | None, submitted: str) -> None:
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise CsrfRefused("this form has expired or did not come from paxvet (CSRF check); reload the page")


class RateLimiter:
    """A sliding window of attempts per key (the client's address). With a `path`, the window is kept in
    that file under an exclusive lock, so every worker process of one server (`paxvet serve --workers N`)
    counts the same attempts; without one, in this process's memory."""

    def __init__(self, limit: int, window_seconds: float = 60.0, path: Path | None = None) -> None:
        self.limit = limit
        self.window = window_seconds
        self.path = path
        self._hits: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        with self._lock:
            if self.path is None:
                allowed = self._count(self._hits, key)
            else:
                allowed = self._count_in_file(self.path, key)
        if not allowed:
            raise TooManyRequests("too many login attempts from this address; wait a minute")

    def _count(self, hits: dict[str, list[float]], key: str) -> bool:
        """Drop attempts outside the window (or in the future: the clock went back), then count this one
        if the key is under the limit."""
        now = time.time()  # wall clock: shared by processes (a monotonic clock restarts at boot)
        for name in list(hits):
            hits[name] = [t for t in hits[name] if now - self.window < t <= now]
            if not hits[name]:
                del hits[name]
        recent = hits.setdefault(key, [])
        if len(recent) >= self.limit:
            return False
        recent.append(now)
        return True

    def _count_in_file(self, path: Path, key: str) -> bool:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a+", encoding="utf-8") as file:
            fcntl.flock(file, fcntl.LOCK_EX)  # released when the file closes
            file.seek(0)
            try:
                stored = json.loads(file.read() or "{}")
            except ValueError:  # a torn or foreign file: start a new window rather than refuse everyone
                stored = {}
            hits = {str(k): [float(t) for t in v] for k, v in stored.items() if isinstance(v, list)}
            allowed = self._count(hits, key)
            file.seek(0)
            file.truncate()
            file.write(json.dumps(hits))
        return allowed
