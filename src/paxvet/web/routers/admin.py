"""Administration: users, roles and agencies."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from paxvet.accounts import service as accounts
from paxvet.accounts.models import LANGUAGES, ROLES
from paxvet.accounts.passwords import generate_password
from paxvet.web.deps import Id, Viewer, viewer
from paxvet.web.templating import render

router = APIRouter()


def _page(v: Viewer, created: tuple[str, str] | None = None, status_code: int = 200) -> Response:
    return render(
        v.request,
        "admin/users.html",
        {
            "users": accounts.list_users(v.db),
            "agencies": accounts.list_agencies(v.db),
            "roles": ROLES,
            "languages": LANGUAGES,
            "created": created,
        },
        status_code=status_code,
    )


@router.get("/admin/users")
def users_page(v: Viewer = Depends(viewer)) -> Response:
    v.require("users:manage")
    return _page(v)


@router.post("/admin/users")
def create_user(
    username: str = Form(..., max_length=100),
    agency: str = Form(..., max_length=40),
    role: str = Form(..., max_length=20),
    display_name: str = Form("", max_length=200),
    v: Viewer = Depends(viewer),
) -> Response:
    """Create a user with a generated password, shown once to the administrator."""
    v.require("users:manage")
    password = generate_password()
    user = accounts.create_user(
        v.db,
        username=username,
        password=password,
        role=role,
        agency=agency,
        display_name=display_name,
        created_by=v.user.username,
    )
    v.db.commit()
    return _page(v, created=(user.username, password), status_code=201)


@router.post("/admin/users/{user_id}")
def change_user(
    user_id: Id,
    role: str = Form("", max_length=20),
    active: str = Form("", max_length=5),
    unlock: str = Form("", max_length=5),
    v: Viewer = Depends(viewer),
) -> Response:
    v.require("users:manage")
    user = accounts.get_user(v.db, user_id)
    accounts.update_user(
        v.db,
        user,
        role=role or None,
        active=None if not active else active == "yes",
        changed_by=v.user.username,
    )
    if unlock == "yes":
        accounts.unlock_user(v.db, user, unlocked_by=v.user.username)
    v.db.commit()
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/agencies")
def create_agency(
    code: str = Form(..., max_length=40), name: str = Form("", max_length=200), v: Viewer = Depends(viewer)
) -> Response:
    v.require("users:manage")
    accounts.ensure_agency(v.db, code, name)
    v.db.commit()
    return RedirectResponse("/admin/users", status_code=303)
