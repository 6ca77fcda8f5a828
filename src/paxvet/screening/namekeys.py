"""Blocking keys kept in the database, so retro-screening reads only the travellers worth scoring.

Live screening stores, for every traveller, the matcher's spelling-variant key ("c:") and consonant
skeleton ("s:") of each significant name token, every pair of tokens ("p:"), and the folded number of each
document ("doc:"). When a list version adds entries, the entries' keys are looked up in that table: a
traveller sharing a document, a rare token key or a pair of tokens with a new entry is screened against the
delta with the real Screener, which applies its own candidate rules and the full scorer. A million
travellers in the window cost a few index range scans instead of a million Python records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import combinations
from typing import cast

from sqlalchemy import Select, Table, delete, func, insert, select
from sqlalchemy.orm import Session

from paxvet.documents.numbers import folded_document_number
from paxvet.flights.models import Flight, Traveller
from paxvet.match.index import significant
from paxvet.match.records import PersonRecord
from paxvet.match.score import prepared_names
from paxvet.screening.models import TravellerNameKey
from paxvet.screening.travellers import TravellerView, chunks

RARE = 200  # a name key on at most this many travellers selects them alone (the matcher's idea, scaled)
MIN_DOCUMENT = 5  # the matcher ignores shorter document numbers


def token_key_sets(record: PersonRecord) -> list[set[str]]:
    """One key set per significant name token: its variant key and its consonant skeleton."""
    sets = []
    for token in significant(prepared_names(record)):
        keys = {("c:" + token.canon)[:64]}
        if len(token.skel) >= 2:
            keys.add(("s:" + token.skel)[:64])
        sets.append(keys)
    return sets


def pair_keys(record: PersonRecord) -> set[str]:
    """Two name tokens together ('p:garcia|juan'): selective even when each token alone is common."""
    canons = sorted({t.canon for t in significant(prepared_names(record)) if t.canon})
    return {f"p:{a}|{b}"[:64] for a, b in combinations(canons, 2)}


def document_keys(record: PersonRecord) -> set[str]:
    folded = (folded_document_number(d.number) for d in record.documents)
    return {("doc:" + f)[:64] for f in folded if len(f) >= MIN_DOCUMENT}


def traveller_keys(view: TravellerView) -> set[str]:
    """Keys of the traveller's own record and of every identity their PNRs add."""
    keys: set[str] = set()
    for record in (view.person_record(), *(p.record for p in view.pnr)):
        keys |= document_keys(record) | pair_keys(record)
        for token_keys in token_key_sets(record):
            keys |= token_keys
    return keys


def store_keys(session: Session, views: Sequence[TravellerView]) -> None:
    """Replace the stored keys of these travellers (a later push may change a name)."""
    for batch in chunks(list(views)):
        ids = [v.id for v in batch]
        session.execute(delete(TravellerNameKey).where(TravellerNameKey.traveller_id.in_(ids)))
        rows = [{"key": k, "traveller_id": v.id} for v in batch for k in traveller_keys(v)]
        if rows:
            session.execute(insert(cast(Table, TravellerNameKey.__table__)), rows)  # Core: no ORM bookkeeping


def _counts(session: Session, keys: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for chunk in chunks(sorted(set(keys))):
        stmt = (
            select(TravellerNameKey.key, func.count())
            .where(TravellerNameKey.key.in_(chunk))
            .group_by(TravellerNameKey.key)
        )
        counts.update({key: int(n) for key, n in session.execute(stmt)})
    return counts


def _in_window(stmt: Select[int], start: datetime, end: datetime) -> Select[int]:
    return (
        stmt.join(Traveller, Traveller.id == TravellerNameKey.traveller_id)
        .join(Flight, Flight.id == Traveller.flight_id)
        .where(Flight.scheduled_arrival_utc >= start, Flight.scheduled_arrival_utc <= end)
    )


def candidate_travellers(
    session: Session, entries: Sequence[PersonRecord], start: datetime, end: datetime
) -> set[int]:
    """Travellers arriving between start and end who share, with some entry, a document, a rare name key,
    or two name tokens (the Screener itself wants two shared tokens unless one is rare)."""
    direct: set[str] = set()
    singles: list[tuple[list[set[str]], bool]] = []
    for entry in entries:
        sets = token_key_sets(entry)
        direct |= document_keys(entry) | pair_keys(entry)
        singles.append((sets, len(sets) == 1))
    counts = _counts(session, {k for sets, _ in singles for s in sets for k in s})
    for sets, one_word in singles:
        for keys in sets:
            direct |= {k for k in keys if k in counts and (one_word or counts[k] <= RARE)}
    found: set[int] = set()
    for chunk in chunks(sorted(direct)):
        stmt = select(TravellerNameKey.traveller_id).where(TravellerNameKey.key.in_(chunk))
        found.update(session.scalars(_in_window(stmt, start, end)))
    return found
