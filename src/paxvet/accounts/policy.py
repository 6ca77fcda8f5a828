"""The one place deciding what a user may see and do. Cross-agency sharing will change only this module.

Least privilege: an officer reads flights, travellers and the hits of their own agency's lists and decides
hits; an analyst also manages their agency's lists and the quarantine; a supervisor also reads the audit log
of their agency; an administrator manages users and agencies and reads the whole audit log."""

from __future__ import annotations

from typing import Any, Protocol

from paxvet.errors import Forbidden


class Viewer(Protocol):
    role: str
    agency_code: str
    username: str


PERMISSIONS: dict[str, frozenset[str]] = {
    "officer": frozenset({"flights:read", "travellers:read", "hits:read", "hits:decide", "watchlists:read"}),
    "analyst": frozenset(
        {
            "flights:read",
            "travellers:read",
            "hits:read",
            "hits:decide",
            "watchlists:read",
            "watchlists:manage",
            "quarantine:read",
            "quarantine:replay",
        }
    ),
    "supervisor": frozenset(
        {
            "flights:read",
            "travellers:read",
            "hits:read",
            "hits:decide",
            "watchlists:read",
            "quarantine:read",
            "audit:read",
        }
    ),
    "administrator": frozenset(
        {"flights:read", "watchlists:read", "quarantine:read", "audit:read", "audit:read_all", "users:manage"}
    ),
}


def can(user: Viewer, permission: str) -> bool:
    return permission in PERMISSIONS.get(user.role, frozenset())


def require(user: Viewer, permission: str) -> None:
    if not can(user, permission):
        raise Forbidden(f"your role ({user.role}) does not allow {permission}")


def visible_agencies(user: Viewer) -> frozenset[str]:
    """Owner agencies whose lists (and so whose hits) this user may see. Today: their own agency only."""
    return frozenset({user.agency_code})


def can_view_list(user: Viewer, owner_agency: str) -> bool:
    return owner_agency in visible_agencies(user)


def hit_owner_agency(hit: Any) -> str | None:
    """The agency owning the list that produced a hit."""
    owner = getattr(hit, "owner_agency", None)
    if owner is None and getattr(hit, "watchlist", None) is not None:
        owner = hit.watchlist.owner_agency
    return None if owner is None else str(owner)


def can_view_hit(user: Viewer, hit: Any) -> bool:
    owner = hit_owner_agency(hit)
    return can(user, "hits:read") and owner is not None and owner in visible_agencies(user)


def audit_agency_scope(user: Viewer) -> str | None:
    """None: every agency's events; otherwise only events of that agency."""
    return None if can(user, "audit:read_all") else user.agency_code
