"""One error handler: PaxvetError (and validation errors) become an HTML page for browsers and the
PaxvetError.to_dict() JSON shape for /api/v1. Nothing unexpected ever shows a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from paxvet.errors import InvalidInput, NotFound, PaxvetError, Problem, Unauthorized

log = logging.getLogger("paxvet.web")


class TooManyRequests(PaxvetError):
    status_code = 429


class CsrfRefused(PaxvetError):
    status_code = 403


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _validation_problems(exc: RequestValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        location = ".".join(str(part) for part in err.get("loc", ()))
        problems.append(Problem(str(err.get("msg", "invalid")), location))
    return problems


def render_error(request: Request, error: PaxvetError) -> Response:
    if wants_json(request):
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthorized) else None
        return JSONResponse(error.to_dict(), status_code=error.status_code, headers=headers)
    if isinstance(error, Unauthorized) and request.method == "GET":
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    from paxvet.web.templating import render

    if request.headers.get("HX-Request") == "true":  # show it in the page's alert region, not in the row
        response = render(request, "_error.html", {"error": error}, status_code=error.status_code)
        response.headers["HX-Retarget"] = "#flash"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "error.html", {"error": error}, status_code=error.status_code)


def install(app: FastAPI) -> None:
    @app.exception_handler(PaxvetError)
    async def _paxvet(request: Request, exc: PaxvetError) -> Response:
        return render_error(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        error = InvalidInput("the request is not valid", _validation_problems(exc))
        return render_error(request, error)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        error: PaxvetError
        if exc.status_code == 404:
            error = NotFound("no such page")
        else:
            error = PaxvetError(str(exc.detail))
            error.status_code = exc.status_code
        return render_error(request, error)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return render_error(request, PaxvetError("an unexpected error occurred; it has been logged"))
