"""PNRGOV handlers (EDIFACT "PNRGOV" and XML "xml:IATA_PNRGOV_NotifRQ") in the ingest registry, so PNR
pushes go through the same raw store, quarantine and replay as PAXLST."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from paxvet.bookings.records import PnrPush
from paxvet.bookings.service import StoreResult, store_push
from paxvet.ingest.edifact import Diagnostic, Message
from paxvet.ingest.handlers import HandlerOutcome, handles
from paxvet.ingest.models import RawMessage
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
    # Removal of bookings a full push no longer lists needs the whole push: only a single-part push.
    whole = message.part_number == 1 and message.part_flag == "F"
    if push.flight is not None:
        set_ref = message.common_ref or f"{push.flight.carrier}{push.flight.number}"
        raw.part_set_key = f"{raw.sender or ''}|PNRGOV|{set_ref}"[:250]
    return _outcome(push, diagnostics, session, raw, whole)


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
