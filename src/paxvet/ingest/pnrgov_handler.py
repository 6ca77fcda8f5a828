"""PNRGOV handlers (EDIFACT "PNRGOV" and XML "xml:IATA_PNRGOV_NotifRQ") in the ingest registry, so PNR
pushes go through the same raw store, quarantine and replay as PAXLST."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from paxvet.bookings.records import PnrPush
from paxvet.bookings.service import StoreResult, remove_unlisted, store_push
from paxvet.ingest.edifact import Diagnostic, Message
from paxvet.ingest.handlers import HandlerOutcome, handles
from paxvet.ingest.models import PROCESSED, RawMessage
from paxvet.ingest.pnrgov_edifact import map_message
from paxvet.ingest.pnrgov_xml import parse_pnrgov_xml


def _outcome(
    push: PnrPush, diagnostics: list[Diagnostic], session: Session, raw: RawMessage, whole_push: bool
) -> HandlerOutcome:
    outcome = HandlerOutcome(diagnostics=diagnostics)
    if outcome.errors:
        return outcome
    result: StoreResult = store_push(session, push, message_id=raw.id, whole_push=whole_push)
    if result.flight_id is None:
        outcome.diagnostics.append(
            Diagnostic(
                "error",
                "cannot identify the pushed flight (carrier, number, arrival airport and date)",
                raw.source,
                raw.interchange_ref,
            )
        )
        return outcome
    raw.flight_id = result.flight_id
    outcome.flight_ids.add(result.flight_id)
    outcome.traveller_ids.update(result.traveller_ids)
    outcome.summary = _summary(push, result)
    return outcome


def _summary(push: PnrPush, result: StoreResult) -> dict[str, Any]:
    return {
        "action": push.action,
        "pnrs": len(push.pnrs),
        "declared_pnrs": push.declared_pnrs,
        "travellers": len(result.traveller_ids),
        "linked_to_api": result.linked_to_api,
        "created_travellers": result.created_travellers,
        "removed_from_flight": result.removed_from_flight,
        "cancelled": result.cancelled,
        "sensitive_removed": result.sensitive_removed,
    }


@handles("PNRGOV")
def handle_pnrgov(session: Session, message: Message, raw: RawMessage) -> HandlerOutcome:
    push, diagnostics = map_message(message, raw.source)
    # Removal of bookings a full push no longer lists needs the whole push: a single-part push here, a
    # multi-part push once its set is complete (below).
    single = message.part_number == 1 and message.part_flag == "F"
    if push.flight is not None:
        set_ref = message.common_ref or f"{push.flight.carrier}{push.flight.number}"
        raw.part_set_key = f"{raw.sender or ''}|PNRGOV|{set_ref}"[:250]
    outcome = _outcome(push, diagnostics, session, raw, single)
    if not single and not outcome.errors and outcome.flight_ids:
        _multipart(session, message, raw, push, outcome)
    return outcome


def _multipart(
    session: Session, message: Message, raw: RawMessage, push: PnrPush, outcome: HandlerOutcome
) -> None:
    """Parts of one push: when every part is in (1..final, latest of each), a full push marks the
    flight's bookings no part listed as removed, and EQN (total PNRs of the push) is checked."""
    rows = session.execute(
        select(RawMessage.id, RawMessage.part_number, RawMessage.part_flag, RawMessage.summary)
        .where(
            RawMessage.part_set_key == raw.part_set_key,
            RawMessage.status == PROCESSED,
            RawMessage.id != raw.id,
        )
        .order_by(RawMessage.id)
    ).all()
    parts: dict[int, tuple[int, str | None, int]] = {
        r.part_number: (r.id, r.part_flag, int((r.summary or {}).get("pnrs", 0))) for r in rows
    }
    parts[raw.part_number] = (raw.id, raw.part_flag, len(push.pnrs))
    finals = [n for n, (_, flag, _) in parts.items() if flag == "F"]
    last = max(finals) if finals else max(parts)
    missing = sorted(set(range(1, last + 1)) - set(parts))
    outcome.summary["parts"] = sorted(parts)
    outcome.summary["set_complete"] = bool(finals) and not missing
    if not outcome.summary["set_complete"]:
        wanted = ", ".join(map(str, missing)) or "the final part"
        outcome.diagnostics.append(
            Diagnostic(
                "warning",
                f"multi-part push incomplete: waiting for part(s) {wanted}",
                raw.source,
                raw.interchange_ref,
                message.ref or None,
            )
        )
        return
    total = sum(count for n, (_, _, count) in parts.items() if n <= last)
    if push.declared_pnrs is not None and push.declared_pnrs != total:
        outcome.diagnostics.append(
            Diagnostic(
                "warning",
                f"EQN declares {push.declared_pnrs} PNRs, the push has {total}",
                raw.source,
                raw.interchange_ref,
                message.ref or None,
                tag="EQN",
            )
        )
    if push.action == "full":
        ids = [parts[n][0] for n in range(1, last + 1)]
        flight_id = next(iter(outcome.flight_ids))
        outcome.summary["removed_from_flight"] = remove_unlisted(session, flight_id, ids)


@handles("xml:IATA_PNRGOV_NotifRQ")
def handle_pnrgov_xml(session: Session, payload: bytes, raw: RawMessage) -> HandlerOutcome:
    push = parse_pnrgov_xml(payload)
    diagnostics = [
        Diagnostic(p.severity, p.message, raw.source, raw.interchange_ref, None, None, None, None, None)
        if not p.location
        else Diagnostic(p.severity, f"{p.message} (at {p.location})", raw.source)
        for p in push.problems
    ]
    return _outcome(push, diagnostics, session, raw, True)
