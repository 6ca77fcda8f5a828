"""A traveller as received, their documents with findings, and every hit the viewer may see, with the
traveller's value beside the list entry's value for each compared field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

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
    detail: str = ""  # the matcher's outcome, e.g. "compatible (partial date)" (translated in the page)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # name tokens: traveller, entry, how


@dataclass
class HitView:
    hit: Hit
    list_name: str | None
    owner_agency: str | None
    entry: WatchlistEntry | None
    comparisons: list[Comparison] = field(default_factory=list)


_SHOWN_ENTRY = (
    WatchlistEntry.id,
    WatchlistEntry.watchlist_id,
    WatchlistEntry.source_id,
    WatchlistEntry.primary_name,
)


def traveller_with_hits(
    session: Session, viewer: Viewer, traveller_id: int
) -> tuple[Traveller, list[HitView]]:
    traveller = (
        session.execute(  # with its documents in the same statement (a second one cost 0.3 ms)
            select(Traveller).where(Traveller.id == traveller_id).options(joinedload(Traveller.documents))
        )
        .unique()
        .scalar_one_or_none()
    )
    if traveller is None:
        raise NotFound(f"no traveller {traveller_id}")
    hits = session.execute(
        select(Hit)
        .where(Hit.traveller_id == traveller_id, visible_hits_clause(viewer))
        .options(
            joinedload(Hit.flight),
            joinedload(Hit.watchlist),
            # what the page and the API show of the entry, not its whole record (JSON)
            joinedload(Hit.entry).load_only(*_SHOWN_ENTRY),
        )
    ).scalars()  # one query: hit_view and the API's queue_item then find list, entry and flight loaded
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


AGREE_WORDS = ("agrees", "same")
DISAGREE_WORDS = ("conflict", "differ")


def _agreement(item: dict[str, Any]) -> str:
    """agree | partial | disagree | missing, from the matcher's outcome words and effect on the score."""
    outcome = str(item.get("outcome", "")).lower()
    effect = item.get("effect")
    if outcome.startswith(AGREE_WORDS):
        return "agree"
    if any(word in outcome for word in DISAGREE_WORDS) or (isinstance(effect, int | float) and effect < 0):
        return "disagree"
    if outcome in ("", "unknown"):
        return "missing"
    return "partial"


def _name_row(item: dict[str, Any]) -> Comparison:
    score = float(item.get("score") or 0.0)
    links = [
        (_text(t.get("traveller")), _text(t.get("entry")), _text(t.get("how")))
        for t in item.get("tokens") or []
        if isinstance(t, dict)
    ]
    return Comparison(
        name="name",
        traveller=_text(item.get("traveller_name")),
        entry=_text(item.get("entry_name")),
        agreement="agree" if score >= 0.9 else "partial" if score >= 0.6 else "disagree",
        score=score,
        links=links,
    )


def comparisons(explanation: dict[str, Any]) -> list[Comparison]:
    """The matcher's field-by-field explanation (`Explanation.to_dict()`: name, date_of_birth, document,
    gender, nationality) as rows of traveller value vs entry value, marked by agreement."""
    rows = []
    for key in ("document", "name", "date_of_birth", "gender", "nationality"):
        item = explanation.get(key)
        if not isinstance(item, dict):
            continue
        if key == "name":
            rows.append(_name_row(item))
            continue
        rows.append(
            Comparison(
                name=key,
                traveller=_text(item.get("traveller")),
                entry=_text(item.get("entry")),
                agreement=_agreement(item),
                detail=""
                if item.get("outcome") in ("agrees", "conflicts", "unknown")
                else _text(item.get("outcome")),
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
