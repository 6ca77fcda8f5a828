"""Blocking keys kept in the database, so retro-screening reads only the travellers worth scoring.

Live screening stores, for every traveller, the matcher's spelling-variant key ("c:") and consonant
skeleton ("s:") of each significant name token, every pair of tokens ("p:"), and the folded number of each
document ("doc:"). When a list version adds entries, the entries' keys are looked up in that table: a
traveller sharing a document, a rare token key or a pair of tokens with a new entry is screened against the
delta with the real Screener, which applies its own candidate rules and the full scorer. A million
travellers in the window cost a few index range scans instead of a million Python records.

Live screening appends a traveller's new keys to a journal in traveller order (a few pages at the end of a
table per manifest) and `merge_keys` moves the journal into the key-ordered table in bulk, in key order,
once it holds MERGE_AT rows: inserted manifest by manifest, the keys' random values dirtied one leaf page of
that table each, all written again at every commit. Retro-screening reads both tables.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import combinations
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    Table,
    any_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.orm import Session

from paxvet.bookings.models import BookingTraveller
from paxvet.db import ByIds
from paxvet.documents.numbers import folded_document_number
from paxvet.flights.bulk import insert_tuples
from paxvet.flights.models import Flight, Traveller
from paxvet.match.index import significant
from paxvet.match.records import PersonRecord
from paxvet.match.score import Context, context_effect_of, prepared_names
from paxvet.match.text import Token
from paxvet.screening.models import TravellerNameKey, TravellerNameKeyJournal
from paxvet.screening.travellers import TravellerView, chunks

RARE = 200  # a name key on at most this many travellers selects them alone (the matcher's idea, scaled)
MIN_DOCUMENT = 5  # the matcher ignores shorter document numbers
# The journal is merged into the key-ordered table past this many rows: each merge writes most of that
# table's pages once, and retro-screening scans the journal (a quarter of a second at this size).
MERGE_AT = 300_000
MERGE_CACHE_KIB = 65_536  # SQLite's page cache during a merge (2 MB otherwise)
_KEYS = cast(Table, TravellerNameKey.__table__)
_JOURNAL = cast(Table, TravellerNameKeyJournal.__table__)


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
    """Every key of one record: documents, pairs of tokens, and each token's keys (names prepared once;
    the same keys as `_token_key_sets` and `_pair_keys`, in one set)."""
    tokens = significant(prepared_names(record))
    keys = _pair_keys(tokens)
    for token in tokens:
        keys.add(("c:" + token.canon)[:64])
        if len(token.skel) >= 2:
            keys.add(("s:" + token.skel)[:64])
    if record.documents:
        keys |= document_keys(record)
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
    may change a name). Only the difference is written: a traveller's first screening appends its keys to
    the journal, a push that changed nothing the keys depend on writes nothing, and a key no longer the
    traveller's is deleted from whichever table holds it."""
    connection = session.connection()
    appended = 0
    for batch in chunks(list(views)):
        stored: dict[int, set[str]] = {}
        ids = [v.id for v in batch]
        for stored_keys in (_STORED_KEYS, _JOURNALLED_KEYS):
            for traveller_id, key in stored_keys.rows(connection, ids):
                stored.setdefault(traveller_id, set()).add(key)
        added: list[tuple[int, str]] = []
        gone: list[dict[str, Any]] = []
        for view in batch:
            keys, before = traveller_keys(view), stored.get(view.id, set())
            if keys != before:
                added += [(view.id, k) for k in keys - before]
                gone += [{"k": k, "t": view.id} for k in before - keys]
        if gone:
            connection.execute(_DELETE_KEY, gone)
            connection.execute(_DELETE_JOURNAL_KEY, gone)
        added.sort()
        insert_tuples(session, _JOURNAL, ("traveller_id", "key"), added)
        appended += len(added)
    if appended and _journal_full(session, appended):
        merge_keys(session)


# built once: no statement construction or cache key per call
# a manifest's travellers are one run of ids: read by range (paxvet.db.ByIds), like their rows
_STORED_KEYS = ByIds(select(_KEYS.c.traveller_id, _KEYS.c.key), TravellerNameKey.traveller_id)
_JOURNALLED_KEYS = ByIds(
    select(_JOURNAL.c.traveller_id, _JOURNAL.c.key), TravellerNameKeyJournal.traveller_id
)
_DELETE_KEY = delete(_KEYS).where(_KEYS.c.key == bindparam("k"), _KEYS.c.traveller_id == bindparam("t"))
_DELETE_JOURNAL_KEY = delete(_JOURNAL).where(
    _JOURNAL.c.traveller_id == bindparam("t"), _JOURNAL.c.key == bindparam("k")
)
_COUNT_JOURNAL = select(func.count()).select_from(_JOURNAL)

# Rows this process appended since it last counted the journal: counting it (a walk over its pages) after
# every manifest would cost more than the appends, so it is counted once per MERGE_AT // 8 appended rows.
_appended_since_count = 0


def _journal_full(session: Session, appended: int) -> bool:
    global _appended_since_count
    _appended_since_count += appended
    if _appended_since_count < MERGE_AT // 8:
        return False
    _appended_since_count = 0
    return int(session.connection().execute(_COUNT_JOURNAL).scalar_one()) >= MERGE_AT


def merge_keys(session: Session) -> None:
    """Move every journal row into the key-ordered table, in key order (in the caller's transaction). Rows
    of a traveller deleted without `forget_keys` are dropped (the tables have no foreign key)."""
    connection = session.connection()
    columns = ["key", "traveller_id"]
    if connection.dialect.name == "postgresql":
        # one statement, so a row a concurrent transaction commits meanwhile is neither lost nor moved twice
        moved = delete(_JOURNAL).returning(_JOURNAL.c.key, _JOURNAL.c.traveller_id).cte("moved")
        rows = (
            select(moved.c.key, moved.c.traveller_id)
            .where(moved.c.traveller_id.in_(_TRAVELLER_IDS))
            .order_by(moved.c.key, moved.c.traveller_id)
        )
        connection.execute(postgresql_insert(_KEYS).from_select(columns, rows).on_conflict_do_nothing())
        return
    rows = (
        select(_JOURNAL.c.key, _JOURNAL.c.traveller_id)
        .where(_JOURNAL.c.traveller_id.in_(_TRAVELLER_IDS))  # read in traveller order: a cheap look-up
        .order_by(_JOURNAL.c.key, _JOURNAL.c.traveller_id)
    )
    # SQLite: a larger page cache for the merge alone (each row's traveller, read for the foreign key, and
    # the traveller index are visited in key order, at random), given back after it
    cache = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{MERGE_CACHE_KIB}")
    try:
        connection.execute(
            insert(_KEYS).from_select(columns, rows).prefix_with("OR IGNORE", dialect="sqlite")
        )
        connection.execute(delete(_JOURNAL))
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")


def forget_keys(session: Session, traveller_ids: Collection[int]) -> None:
    """Delete these travellers' keys from both tables (call it when deleting travellers: the key tables
    have no foreign key, see `TravellerNameKey`)."""
    for chunk in chunks(sorted(traveller_ids)):
        session.execute(delete(_KEYS).where(_KEYS.c.traveller_id.in_(chunk)))
        session.execute(delete(_JOURNAL).where(_JOURNAL.c.traveller_id.in_(chunk)))


_TRAVELLER_IDS = select(Traveller.id)


def _journal_rows(session: Session, keys: set[str]) -> dict[str, list[int]]:
    """The journal's travellers for each of these keys, in one pass over it (it has no index by key, and
    holds about MERGE_AT rows at most)."""
    found: dict[str, list[int]] = {}
    for key, traveller_id in session.connection().execute(_JOURNAL_ROWS).all():
        if key in keys:
            found.setdefault(key, []).append(traveller_id)
    return found


_JOURNAL_ROWS = select(_JOURNAL.c.key, _JOURNAL.c.traveller_id)


def _counts(session: Session, keys: Iterable[str], journal: dict[str, list[int]]) -> dict[str, int]:
    """How many travellers hold each of these keys (absent: none), in both tables, counted up to RARE + 1
    only: the callers ask whether a key is held at all and whether by at most RARE travellers, and a full
    count of a common key ('c:maria', a million rows over a week) walked its whole index range (3,143
    token keys of 1,000 entries over 1.8 million travellers: 1.49 -> 0.10 CPU s, the same answers)."""
    connection = session.connection()
    counts: dict[str, int] = {}
    if connection.dialect.name == "postgresql":
        # one statement: 3,147 keys cost 0.22 s of client CPU as a statement each (the server's look-ups
        # take the same time either way)
        wanted = {"keys": sorted(set(keys)), "cap": RARE + 1}
        rows: list[tuple[str, int]] = [
            (key, held) for key, held in connection.execute(_CAPPED_COUNTS, wanted)
        ]
    else:  # SQLite runs in this process: a statement per key costs no round trip
        rows = [(key, connection.execute(_CAPPED_COUNT, {"k": key}).scalar_one()) for key in set(keys)]
    for key, held in rows:
        if held:
            counts[key] = int(held)
    for key, travellers in journal.items():
        counts[key] = counts.get(key, 0) + len(travellers)
    return counts


_CAPPED_COUNT = select(func.count()).select_from(
    select(literal(1)).select_from(_KEYS).where(_KEYS.c.key == bindparam("k")).limit(RARE + 1).subquery()
)


# PostgreSQL: every key's capped count at once, each still an index look-up that stops at the cap
_CAPPED_COUNTS = text(
    "SELECT k.key, (SELECT count(*) FROM (SELECT 1 FROM traveller_name_key AS t WHERE t.key = k.key "
    "LIMIT :cap) AS held) FROM unnest(CAST(:keys AS VARCHAR[])) AS k(key)"
)


def _in_window(stmt: Any, start: datetime, end: datetime) -> Any:
    """Only keys of travellers whose flight arrives between start and end (stmt selects from the keys)."""
    return (
        stmt.join(Traveller, Traveller.id == TravellerNameKey.traveller_id)
        .join(Flight, Flight.id == Traveller.flight_id)
        .where(Flight.at_airport_between(start, end))
    )


def selecting_keys(
    session: Session, entries: Sequence[PersonRecord], journal: dict[str, list[int]] | None = None
) -> dict[str, list[int]]:
    """Each key that selects travellers for some entry -> the indexes of the entries it selects them for:
    a document, a pair of tokens, or a token key on at most RARE travellers (any key of a one-word name).
    `journal`: the journal's travellers by key, read for (at least) every token key of the entries."""
    token_sets = [token_key_sets(entry) for entry in entries]
    token_keys = {k for sets in token_sets for keys in sets for k in keys}
    if journal is None:
        journal = _journal_rows(session, token_keys)
    counts = _counts(session, token_keys, {k: journal[k] for k in token_keys & journal.keys()})
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
    can raise a hit: such a traveller is not worth loading. The effects are the matcher's
    `context_effect_of` (the same float as `context_effect`) between Contexts read once per entry and once
    per (birth date, gender, nationality) met, instead of two records built and compared per new
    (birth date, gender, nationality, entry)."""

    def __init__(self, entries: Sequence[PersonRecord], thresholds: Sequence[float]) -> None:
        self.thresholds = thresholds
        self.contexts = [Context(entry) for entry in entries]
        self._travellers: dict[tuple[date | None, str | None, str | None], Context] = {}

    def __call__(self, dob: date | None, gender: str | None, nationality: str | None, entry: int) -> bool:
        key = (dob, gender, nationality)
        context = self._travellers.get(key)
        if context is None:
            view = TravellerView(0, 0, "", "", gender, dob, nationality, None)
            context = self._travellers[key] = Context(view.person_record())
        effects = context_effect_of(context, self.contexts[entry])
        return 1.0 + effects >= self.thresholds[entry] - 1e-9


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
    doc_keys = {k for d in documents for k in document_keys(d)}
    journal = _journal_rows(session, doc_keys.union(*(record_keys(entry) for entry in entries)))
    selects = selecting_keys(session, entries, journal)
    reachable = Reachable(entries, thresholds) if thresholds is not None else None
    booked = exists().where(BookingTraveller.traveller_id == TravellerNameKey.traveller_id)
    found: set[int] = set()
    for among in _batches(session, TravellerNameKey.key, sorted(set(selects) | doc_keys), String()):
        stmt = select(
            TravellerNameKey.key,
            TravellerNameKey.traveller_id,
            Traveller.date_of_birth,
            Traveller.gender,
            Traveller.nationality,
            booked.label("booked"),
        ).where(among)
        # rows unpacked, not read by attribute: a Row's attribute costs about 1.3 us, tens of thousands
        # of rows for the common pairs of given names ('p:jose|maria')
        for key, traveller_id, *person in session.execute(_in_window(stmt, start, end)):
            if traveller_id not in found and _worth_loading(key, person, reachable, selects):
                found.add(traveller_id)
    held = _held(journal, selects.keys() | doc_keys)
    return found | _journal_candidates(session, held, start, end, reachable, selects)


def _held(journal: dict[str, list[int]], keys: Collection[str]) -> dict[int, list[str]]:
    """The journal's travellers holding some of these keys -> those keys."""
    held: dict[int, list[str]] = {}
    for key in journal.keys() & keys:
        for traveller_id in journal[key]:
            held.setdefault(traveller_id, []).append(key)
    return held


def _journal_candidates(
    session: Session,
    held: dict[int, list[str]],
    start: datetime,
    end: datetime,
    reachable: Reachable | None,
    selects: dict[str, list[int]],
) -> set[int]:
    """`candidate_travellers` among the journal's travellers (`held`: the selecting keys each holds)."""
    booked = exists().where(BookingTraveller.traveller_id == Traveller.id)
    found: set[int] = set()
    for among in _batches(session, Traveller.id, sorted(held), Integer()):
        stmt = (
            select(
                Traveller.id,
                Traveller.date_of_birth,
                Traveller.gender,
                Traveller.nationality,
                booked.label("booked"),
            )
            .join(Flight, Flight.id == Traveller.flight_id)
            .where(among, Flight.at_airport_between(start, end))
        )
        for traveller_id, *person in session.execute(stmt):
            if any(_worth_loading(key, person, reachable, selects) for key in held[traveller_id]):
                found.add(traveller_id)
    return found


def _batches(
    session: Session, column: Any, values: Sequence[Any], type_: Any
) -> Iterator[ColumnElement[bool]]:
    """`column IN values`, a batch at a time: on PostgreSQL one batch, `column = ANY(array)` (one
    parameter, no bound on how many); elsewhere CHUNK values per IN list (SQLite's bound on parameters).
    Measured at goal size, the one statement takes the server about as long as the batches did (1.20
    against 1.23 s): what it spares is the client's work per batch."""
    if not values:
        return
    if session.connection().dialect.name == "postgresql":
        yield column == any_(bindparam(None, list(values), type_=ARRAY(type_)))
        return
    for chunk in chunks(values):
        yield column.in_(chunk)


def _worth_loading(
    key: str, person: Sequence[Any], reachable: Reachable | None, selects: dict[str, list[int]]
) -> bool:
    """`person`: the traveller's date of birth, gender, nationality and whether bookings add identities."""
    dob, gender, nationality, booked = person
    if reachable is None or booked or key.startswith("doc:"):
        return True
    return any(reachable(dob, gender, nationality, entry) for entry in selects[key])
