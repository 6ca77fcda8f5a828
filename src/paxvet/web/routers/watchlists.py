"""Watchlists: versions and their deltas, entry search, and upload of a new version (analysts)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import Response

from paxvet.errors import InvalidInput
from paxvet.web.data import watchlists as data
from paxvet.web.deps import Id, Viewer, viewer
from paxvet.web.templating import render

router = APIRouter()
MAX_UPLOAD = 200 * 1024 * 1024


@router.get("/watchlists")
def lists_page(v: Viewer = Depends(viewer)) -> Response:
    v.require("watchlists:read")
    lists = data.visible_lists(v.db, v.user)
    counts = data.active_counts(v.db, [w.id for w in lists])
    return render(v.request, "watchlists/list.html", {"lists": lists, "counts": counts})


@router.get("/watchlists/{list_id}")
def list_page(
    list_id: Id,
    q: str = Query("", max_length=200),
    version: int | None = Query(None, ge=1, le=2_147_483_647),
    v: Viewer = Depends(viewer),
) -> Response:
    v.require("watchlists:read")
    watchlist = data.visible_list(v.db, v.user, list_id)
    versions = data.versions(v.db, watchlist)
    chosen = data.version_of(v.db, watchlist, version) if version else (versions[0] if versions else None)
    return render(
        v.request,
        "watchlists/detail.html",
        {
            "w": watchlist,
            "versions": versions,
            "chosen": chosen,
            "delta": data.version_entries(v.db, chosen) if chosen else None,
            "q": q,
            "entries": data.search_entries(v.db, watchlist, q),
            "formats": _formats(),
        },
    )


def _formats() -> list[str]:
    try:
        from paxvet.watchlists.importers import FORMATS

        return sorted(FORMATS)
    except ImportError:
        return ["paxvet-csv", "documents-csv"]


@router.post("/watchlists/{list_id}/versions")
def upload_version(
    list_id: Id,
    fmt: str = Form(..., max_length=30),
    file: UploadFile = File(...),
    v: Viewer = Depends(viewer),
) -> Response:
    """Load a new version through the watchlists service; the page shows its validation report."""
    from paxvet.watchlists.service import load_list

    v.require("watchlists:manage")
    watchlist = data.visible_list(v.db, v.user, list_id)
    content = file.file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        raise InvalidInput("the file is larger than 200 MB")
    suffix = Path(file.filename or "upload").suffix[:10]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(content)
        report = load_list(
            v.db,
            fmt,
            path,
            watchlist.name,
            category=watchlist.category,
            severity=watchlist.default_severity,
            owner=watchlist.owner_agency,
            loaded_by=v.user.username,
        )
    v.db.commit()
    return render(v.request, "watchlists/report.html", {"w": watchlist, "report": report}, status_code=201)
