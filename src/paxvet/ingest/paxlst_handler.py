"""The PAXLST handler: Manifest -> flight tables, multi-part sets and CNT totals checked."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from paxvet.flights.service import apply_manifest
from paxvet.ingest.cedipax import is_cedipax, read_cedipax
from paxvet.ingest.edifact import Diagnostic, Message
from paxvet.ingest.handlers import HandlerOutcome, handles
from paxvet.ingest.models import PROCESSED, RawMessage
from paxvet.ingest.paxlst import Manifest, read_paxlst
from paxvet.screening.models import refresh_queue_times


@handles("PAXLST")
def handle_paxlst(session: Session, message: Message, raw: RawMessage) -> HandlerOutcome:
    reader = read_cedipax if is_cedipax(message) else read_paxlst
    manifest = reader(message, Path(raw.source).name or raw.source)
    outcome = HandlerOutcome(diagnostics=list(manifest.diagnostics))
    if outcome.errors:
        return outcome
    result = apply_manifest(session, manifest, raw.id)
    outcome.diagnostics += [_locate(message, raw, sev, text, seg) for sev, text, seg in result.problems]
    if result.flight is None or outcome.errors:
        return outcome
    flight = result.flight
    if result.times_moved:  # not for a flight this manifest created (no hits yet) or did not move
        # the manifest moved the flight's times (a Core UPDATE): its hits' copy for the queue order
        refresh_queue_times(session.connection(), [flight.id])
    outcome.flight_ids.add(flight.id)
    outcome.traveller_ids.update(result.traveller_ids)
    if result.pnr_only:  # no query when the manifest's upsert saw no PNR-only traveller on the flight
        _merge_pnr_travellers(session, flight.id)
    set_ref = raw.common_ref or f"{flight.code}/{flight.airport}/{flight.flight_date.isoformat()}"
    set_key = f"{raw.sender or ''}|{manifest.document_code}|{set_ref}"[:250]
    outcome.summary = {
        "document_code": manifest.document_code,
        "subtype": manifest.subtype,
        "role": manifest.role,
        "flight": f"{flight.code} {flight.airport} {flight.flight_date.isoformat()}",
        "travellers": len(manifest.travellers),
        "created": result.created,
        "updated": result.updated,
    }
    _check_totals(session, message, raw, set_key, manifest, outcome)
    # set last: a change pending on `raw` would be flushed by every query above, one UPDATE each
    raw.flight_id, raw.part_set_key = flight.id, set_key
    return outcome


def _locate(message: Message, raw: RawMessage, severity: str, text: str, segment: int | None) -> Diagnostic:
    seg = next((s for s in message.segments if s.number == segment), None) if segment else None
    return Diagnostic(
        severity,
        text,
        Path(raw.source).name or raw.source,
        raw.interchange_ref,
        message.ref or None,
        segment,
        seg.tag if seg else None,
        line=seg.line if seg else None,
    )


def _declared_total(
    message: Message, raw: RawMessage, manifest: Manifest, outcome: HandlerOutcome
) -> int | None:
    if manifest.role == "crew":
        return manifest.declared_crew if manifest.declared_crew is not None else manifest.declared_passengers
    if manifest.declared_passengers is None and manifest.declared_crew is not None:
        outcome.diagnostics.append(
            _locate(
                message, raw, "warning", "passenger list carries a crew total (CNT+41): read as CNT+42", None
            )
        )
        return manifest.declared_crew
    return manifest.declared_passengers


_MESSAGES = cast(Table, RawMessage.__table__)
_PROCESSED_PARTS = (
    select(_MESSAGES.c.id, _MESSAGES.c.part_number, _MESSAGES.c.part_flag, _MESSAGES.c.summary)
    .where(_MESSAGES.c.part_set_key == bindparam("set_key"), _MESSAGES.c.status == bindparam("status"))
    .order_by(_MESSAGES.c.id)
)


def _check_totals(
    session: Session,
    message: Message,
    raw: RawMessage,
    set_key: str,
    manifest: Manifest,
    outcome: HandlerOutcome,
) -> None:
    """CNT is the flight total over the whole multi-part set: compare it once every part has arrived."""
    parts: dict[int, tuple[str | None, int]] = {}
    rows = session.connection().execute(_PROCESSED_PARTS, {"set_key": set_key, "status": PROCESSED}).all()
    for row in rows:
        if row.id != raw.id:
            parts[row.part_number] = (row.part_flag, int((row.summary or {}).get("travellers", 0)))
    parts[raw.part_number] = (raw.part_flag, len(manifest.travellers))
    final = [n for n, (flag, _) in parts.items() if flag == "F"]
    missing = sorted(set(range(1, (max(final) if final else max(parts)) + 1)) - set(parts))
    outcome.summary["parts"] = sorted(parts)
    if not final or missing:
        shown = ", ".join(str(n) for n in missing[:10]) + (
            f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        )
        wanted = f"part(s) {shown}" if missing else "the final part"
        outcome.summary["set_complete"] = False
        text = f"multi-part manifest incomplete: waiting for {wanted}"
        outcome.diagnostics.append(_locate(message, raw, "warning", text, None))
        return
    outcome.summary["set_complete"] = True
    arrived = sum(count for _, count in parts.values())
    declared = _declared_total(message, raw, manifest, outcome)
    if declared is not None and declared != arrived:
        cnt = next((s for s in message.segments if s.tag == "CNT"), None)
        outcome.diagnostics.append(
            _locate(
                message,
                raw,
                "warning",
                f"CNT declares {declared} {manifest.role}s for the flight, {arrived} arrived "
                f"in {len(parts)} part(s)",
                cnt.number if cnt else None,
            )
        )


def _merge_pnr_travellers(session: Session, flight_id: int) -> None:
    """A PNR pushed before the API: its PNR-only travellers who are API travellers become one person."""
    from paxvet.bookings.service import merge_pnr_duplicates

    merge_pnr_duplicates(session, flight_id)
