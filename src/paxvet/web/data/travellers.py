"""A traveller as received, their documents with findings, and every hit the viewer may see, with the
traveller's value beside the list entry's value for each compared field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from paxvet.accounts.policy import Viewer, can_view_hit, visible_hits_clause
from paxvet.errors import NotFound
from paxvet.flights.models import Traveller
from paxvet.screening.models import SEVERITY_RANK, Hit
from paxvet.watchlists.models import Watchlist, WatchlistEntry


@dataclass
class Comparison:
    """One field of an explanation: what the traveller has, what the entry has, whether they agree."""

    name: str
    traveller: str
    entry: str
    agreement: str  # agree | partial | disagree | missing
    score: float | None = None


@dataclass
class HitView:
    hit: Hit
    list_name: str | None
    owner_agency: str | None
    entry: WatchlistEntry | None
    comparisons: list[Comparison] = field(default_factory=list)


def traveller_with_hits(
    session: Session, viewer: Viewer, traveller_id: int
) -> tuple[Traveller, list[HitView]]:
    traveller = session.execute(
        select(Traveller).where(Traveller.id == traveller_id).options(selectinload(Traveller.documents))
    ).scalar_one_or_none()
    if traveller is None:
        raise NotFound(f"no traveller {traveller_id}")
    hits = session.execute(
        select(Hit).where(Hit.traveller_id == traveller_id, visible_hits_clause(viewer))
    ).scalars()
    views = [hit_view(session, hit) for hit in hits]
    views.sort(key=lambda v: (v.hit.status != "open", -SEVERITY_RANK.get(v.hit.severity, 0), -v.hit.score))
    return traveller, views


def hit_view(session: Session, hit: Hit) -> HitView:
    watchlist = session.get(Watchlist, hit.watchlist_id) if hit.watchlist_id else None
    entry = session.get(WatchlistEntry, hit.entry_id) if hit.entry_id else None
    return HitView(
        hit=hit,
        list_name=watchlist.name if watchlist else None,
        owner_agency=watchlist.owner_agency if watchlist else None,
        entry=entry,
        comparisons=comparisons(hit.explanation or {}),
    )


def visible_hit(session: Session, viewer: Viewer, hit_id: int) -> HitView:
    """A hit by id, or NotFound when it does not exist or the viewer's agency may not see it (the same
    answer for both, so ids of other agencies' hits reveal nothing)."""
    hit = session.get(Hit, hit_id)
    if hit is None:
        raise NotFound(f"no hit {hit_id}")
    view = hit_view(session, hit)
    if not can_view_hit(viewer, view.owner_agency):
        raise NotFound(f"no hit {hit_id}")
    return view


def _text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value if v not in (None, ""))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def _agreement(item: dict[str, Any]) -> str:
    for key in ("agreement", "outcome", "verdict", "status"):
        if isinstance(item.get(key), str):
            return str(item[key])
    score = item.get("score")
    if isinstance(score, int | float):
        return "agree" if score >= 0.95 else "partial" if score >= 0.6 else "disagree"
    return "missing"


def comparisons(explanation: dict[str, Any]) -> list[Comparison]:
    """Read the matcher's field-by-field explanation (a list of per-field dicts, under "fields" or
    "comparisons", or a mapping field -> dict) into rows of traveller value vs entry value."""
    raw = explanation.get("fields", explanation.get("comparisons"))
    items: list[tuple[str, dict[str, Any]]] = []
    if isinstance(raw, list):
        items = [(str(i.get("field", i.get("name", ""))), i) for i in raw if isinstance(i, dict)]
    elif isinstance(raw, dict):
        items = [(str(k), v) for k, v in raw.items() if isinstance(v, dict)]
    rows = []
    for name, item in items:
        score = item.get("score")
        rows.append(
            Comparison(
                name=name,
                traveller=_text(item.get("traveller", item.get("traveller_value"))),
                entry=_text(item.get("entry", item.get("entry_value"))),
                agreement=_agreement(item),
                score=float(score) if isinstance(score, int | float) else None,
            )
        )
    return rows


def traveller_to_dict(traveller: Traveller) -> dict[str, object]:
    return {
        "id": traveller.id,
        "flight_id": traveller.flight_id,
        "role": traveller.role,
        "surname": traveller.surname,
        "given_names": traveller.given_names,
        "gender": traveller.gender,
        "date_of_birth": traveller.date_of_birth.isoformat() if traveller.date_of_birth else None,
        "date_of_birth_raw": traveller.date_of_birth_raw,
        "nationality": traveller.nationality,
        "residence_country": traveller.residence_country,
        "birthplace": traveller.birthplace,
        "embarkation": traveller.embarkation,
        "debarkation": traveller.debarkation,
        "in_transit": traveller.in_transit,
        "reservation_ref": traveller.reservation_ref,
        "documents": [
            {
                "doc_type": d.doc_type,
                "number": d.number,
                "issuing_country": d.issuing_country,
                "expiry": d.expiry.isoformat() if d.expiry else None,
                "issued": d.issued.isoformat() if d.issued else None,
                "findings": d.findings or [],
            }
            for d in traveller.documents
        ],
    }


def hit_to_dict(view: HitView) -> dict[str, object]:
    h = view.hit
    return {
        "id": h.id,
        "traveller_id": h.traveller_id,
        "flight_id": h.flight_id,
        "kind": h.kind,
        "list": view.list_name,
        "owner_agency": view.owner_agency,
        "entry_source_id": view.entry.source_id if view.entry else None,
        "score": h.score,
        "severity": h.severity,
        "category": h.category,
        "status": h.status,
        "summary": h.summary,
        "explanation": h.explanation,
    }
