"""The one place deciding what a user may see and do. Cross-agency sharing will change only this module.

Least privilege: an officer reads flights, travellers and the hits of their own agency's lists and decides
hits; an analyst also manages their agency's lists and the quarantine; a supervisor also reads the audit log
of their agency; an administrator manages users and agencies and reads the whole audit log."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import ColumnElement, false, or_, select

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


def can_view_hit(user: Viewer, owner_agency: str | None) -> bool:
    """May this user see a hit whose list is owned by `owner_agency`? A hit that comes from no list (a
    document finding on the manifest itself) has no owner and is visible to every vetting role."""
    if not can(user, "hits:read"):
        return False
    return owner_agency is None or owner_agency in visible_agencies(user)


def hit_owner_agency(hit: object) -> str | None:
    """The agency owning the list that raised a hit (None for hits from no list)."""
    watchlist = getattr(hit, "watchlist", None)
    return None if watchlist is None else str(watchlist.owner_agency)


def visible_hits_clause(user: Viewer) -> ColumnElement[bool]:
    """The same decision as `can_view_hit`, as a SQL condition on Hit for queues and counts."""
    from paxvet.screening.models import Hit
    from paxvet.watchlists.models import Watchlist

    if not can(user, "hits:read"):
        return false()
    own_lists = select(Watchlist.id).where(Watchlist.owner_agency.in_(sorted(visible_agencies(user))))
    return or_(Hit.watchlist_id.is_(None), Hit.watchlist_id.in_(own_lists))


def audit_agency_scope(user: Viewer) -> str | None:
    """None: every agency's events; otherwise only events of that agency."""
    return None if can(user, "audit:read_all") else user.agency_code
