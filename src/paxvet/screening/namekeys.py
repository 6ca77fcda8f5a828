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
from datetime import date, datetime
from itertools import combinations
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, exists, func, select
from sqlalchemy.orm import Session

from paxvet.bookings.models import BookingTraveller
from paxvet.documents.numbers import folded_document_number
from paxvet.flights.bulk import insert_rows
from paxvet.flights.models import Flight, Traveller
from paxvet.match.index import significant
from paxvet.match.records import PersonRecord
from paxvet.match.score import context_effect, prepared_names
from paxvet.match.text import Token
from paxvet.screening.models import TravellerNameKey
from paxvet.screening.travellers import TravellerView, chunks

RARE = 200  # a name key on at most this many travellers selects them alone (the matcher's idea, scaled)
MIN_DOCUMENT = 5  # the matcher ignores shorter document numbers
_KEYS = cast(Table, TravellerNameKey.__table__)


def token_key_sets(record: PersonRecord) -> list[set[str]]:
    """One key set per significant name token: its variant key and its consonant skeleton."""
    return _token_key_sets(significant(prepared_names(record)))


def pair_keys(record: PersonRecord) -> set[str]:
    """Two name tokens together ('p:garcia|juan'): selective even when each token alone is common."""
    return _pair_keys(significant(prepared_names(record)))


def _token_key_sets(tokens: Sequence[Token]) -> list[set[str]]:
    sets = []
    for token in tokens:
        keys = {("c:" + token.canon)[:64]}
        if len(token.skel) >= 2:
            keys.add(("s:" + token.skel)[:64])
        sets.append(keys)
    return sets


def _pair_keys(tokens: Sequence[Token]) -> set[str]:
    canons = sorted({t.canon for t in tokens if t.canon})
    return {f"p:{a}|{b}"[:64] for a, b in combinations(canons, 2)}


def document_keys(record: PersonRecord) -> set[str]:
    return folded_document_keys(folded_document_number(d.number) for d in record.documents)


def folded_document_keys(folded: Iterable[str]) -> set[str]:
    """The keys of already folded document numbers (the matcher ignores short ones)."""
    return {("doc:" + f)[:64] for f in folded if len(f) >= MIN_DOCUMENT}


def record_keys(record: PersonRecord) -> set[str]:
    """Every key of one record: documents, pairs of tokens, and each token's keys (names prepared once)."""
    tokens = significant(prepared_names(record))
    keys = document_keys(record) | _pair_keys(tokens)
    for token_keys in _token_key_sets(tokens):
        keys |= token_keys
    return keys


def traveller_keys(view: TravellerView) -> set[str]:
    """Keys of the traveller's own record and of every identity their PNRs add. The own record without
    documents is the one live screening scores most travellers with (same names), built once per view."""
    keys = record_keys(view.person_record(with_documents=False))
    keys |= folded_document_keys(view.folded_document_numbers())
    for identity in view.pnr:
        keys |= record_keys(identity.record)
    return keys


def store_keys(session: Session, views: Sequence[TravellerView]) -> None:
    """Bring the stored keys of these travellers in line with their names and documents now (a later push
    may change a name). Only the difference is written: a traveller's first screening inserts its keys, a
    push that changed nothing the keys depend on writes nothing (B-tree inserts at random places of the
    keys' primary key are most of what storing keys costs)."""
    connection = session.connection()
    for batch in chunks(list(views)):
        stored: dict[int, set[str]] = {}
        for traveller_id, key in connection.execute(_STORED_KEYS, {"ids": [v.id for v in batch]}).all():
            stored.setdefault(traveller_id, set()).add(key)
        added: list[tuple[str, int]] = []
        gone: list[dict[str, Any]] = []
        for view in batch:
            keys, before = traveller_keys(view), stored.get(view.id, set())
            if keys != before:
                added += [(k, view.id) for k in keys - before]
                gone += [{"k": k, "t": view.id} for k in before - keys]
        if gone:
            connection.execute(_DELETE_KEY, gone)
        insert_rows(session, _KEYS, [{"key": k, "traveller_id": t} for k, t in sorted(added)])


# built once: no statement construction or cache key per call
_STORED_KEYS = select(_KEYS.c.traveller_id, _KEYS.c.key).where(
    _KEYS.c.traveller_id.in_(bindparam("ids", expanding=True))
)
_DELETE_KEY = delete(_KEYS).where(_KEYS.c.key == bindparam("k"), _KEYS.c.traveller_id == bindparam("t"))


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


def _in_window(stmt: Any, start: datetime, end: datetime) -> Any:
    """Only keys of travellers whose flight arrives between start and end (stmt selects from the keys)."""
    return (
        stmt.join(Traveller, Traveller.id == TravellerNameKey.traveller_id)
        .join(Flight, Flight.id == Traveller.flight_id)
        .where(Flight.at_airport_between(start, end))
    )


def selecting_keys(session: Session, entries: Sequence[PersonRecord]) -> dict[str, list[int]]:
    """Each key that selects travellers for some entry -> the indexes of the entries it selects them for:
    a document, a pair of tokens, or a token key on at most RARE travellers (any key of a one-word name)."""
    token_sets = [token_key_sets(entry) for entry in entries]
    counts = _counts(session, {k for sets in token_sets for keys in sets for k in keys})
    selects: dict[str, list[int]] = {}
    for i, (entry, sets) in enumerate(zip(entries, token_sets, strict=True)):
        keys = document_keys(entry) | pair_keys(entry)
        for token_keys in sets:
            keys |= {k for k in token_keys if k in counts and (len(sets) == 1 or counts[k] <= RARE)}
        for key in keys:
            selects.setdefault(key, []).append(i)
    return selects


class Reachable:
    """Whether an entry is within reach of a traveller's date of birth, gender and nationality alone.

    A score is the name score (at most 1) plus the date-of-birth, gender and nationality effects (a shared
    document aside), so when 1 + those effects stays below the entry's threshold no spelling of the name
    can raise a hit: such a traveller is not worth loading. Decided once per (birth date, gender,
    nationality, entry)."""

    def __init__(self, entries: Sequence[PersonRecord], thresholds: Sequence[float]) -> None:
        self.entries, self.thresholds = entries, thresholds
        self._seen: dict[tuple[Any, ...], bool] = {}

    def __call__(self, dob: date | None, gender: str | None, nationality: str | None, entry: int) -> bool:
        key = (dob, gender, nationality, entry)
        found = self._seen.get(key)
        if found is None:
            view = TravellerView(0, 0, "", "", gender, dob, nationality, None)
            effects = context_effect(view.person_record(), self.entries[entry])
            found = self._seen[key] = 1.0 + effects >= self.thresholds[entry] - 1e-9
        return found


def candidate_travellers(
    session: Session,
    entries: Sequence[PersonRecord],
    start: datetime,
    end: datetime,
    thresholds: Sequence[float] | None = None,
    documents: Sequence[PersonRecord] = (),
) -> set[int]:
    """Travellers arriving between start and end who share, with some person entry, a document, a rare
    name key or two name tokens (the Screener itself wants two shared tokens unless one is rare), or a
    document with a lost/stolen entry. With `thresholds` (each entry's alert threshold), a traveller who
    shares only name keys is kept only when one of those entries is `Reachable`; a traveller whose
    bookings add identities is always kept (their dates of birth may differ)."""
    selects = selecting_keys(session, entries)
    doc_keys = {k for d in documents for k in document_keys(d)}
    reachable = Reachable(entries, thresholds) if thresholds is not None else None
    booked = exists().where(BookingTraveller.traveller_id == TravellerNameKey.traveller_id)
    found: set[int] = set()
    for chunk in chunks(sorted(set(selects) | doc_keys)):
        stmt = select(
            TravellerNameKey.key,
            TravellerNameKey.traveller_id,
            Traveller.date_of_birth,
            Traveller.gender,
            Traveller.nationality,
            booked.label("booked"),
        ).where(TravellerNameKey.key.in_(chunk))
        for row in session.execute(_in_window(stmt, start, end)):
            if row.traveller_id not in found and _worth_loading(row, reachable, selects):
                found.add(row.traveller_id)
    return found


def _worth_loading(row: Any, reachable: Reachable | None, selects: dict[str, list[int]]) -> bool:
    if reachable is None or row.booked or row.key.startswith("doc:"):
        return True
    return any(reachable(row.date_of_birth, row.gender, row.nationality, i) for i in selects[row.key])
