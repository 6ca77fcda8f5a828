"""The signed-in user's own account: change the password (the policy applies)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response

from paxvet.accounts.passwords import MIN_LENGTH
from paxvet.accounts.service import change_own_password
from paxvet.web.deps import Viewer, viewer
from paxvet.web.templating import render

router = APIRouter()


@router.get("/account")
def account_page(v: Viewer = Depends(viewer)) -> Response:
    return render(v.request, "account/password.html", {"min_length": MIN_LENGTH, "done": False})


@router.post("/account/password")
def change_password(
    current_password: str = Form(..., max_length=1000),
    new_password: str = Form(..., max_length=1000),
    v: Viewer = Depends(viewer),
) -> Response:
    change_own_password(v.db, v.user, current_password, new_password)
    v.db.commit()
    return render(v.request, "account/password.html", {"min_length": MIN_LENGTH, "done": True})
