"""A traveller's record: every view of it is an audit event."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from paxvet.audit.service import record_view
from paxvet.screening.models import Hit
from paxvet.vetting.models import DISPOSITIONS
from paxvet.web.data.travellers import traveller_with_hits
from paxvet.web.deps import Id, Viewer, viewer
from paxvet.web.templating import render

router = APIRouter()


def record_traveller_view(v: Viewer, traveller_id: Id, via: str) -> None:
    record_view(
        v.db,
        "traveller:record:viewed",
        actor=v.user.username,
        agency=v.user.agency_code,
        subject_type="traveller",
        subject_id=traveller_id,
        details={"via": via},
    )


@router.get("/travellers/{traveller_id}")
def traveller_page(traveller_id: Id, v: Viewer = Depends(viewer)) -> Response:
    v.require("travellers:read")
    traveller, hits = traveller_with_hits(v.db, v.user, traveller_id)
    record_traveller_view(v, traveller_id, "page")
    history = _decisions(v, [view.hit for view in hits])
    return render(
        v.request,
        "travellers/detail.html",
        {"t": traveller, "hits": hits, "dispositions": DISPOSITIONS, "history": history},
    )


def _decisions(v: Viewer, hits: list[Hit]) -> dict[int, list[object]]:
    from sqlalchemy import select

    from paxvet.vetting.models import Disposition

    if not hits:
        return {}
    rows = v.db.execute(
        select(Disposition).where(Disposition.hit_id.in_([h.id for h in hits])).order_by(Disposition.at)
    ).scalars()
    history: dict[int, list[object]] = {}
    for row in rows:
        history.setdefault(row.hit_id, []).append(row)
    return history
