"""The explainable travel-history resolver: is the traveller on flight B the same person as on flight A?

1. Same document number (normalised) and the same issuing country: confidence 0.99 ("strongest").
   Same number with one country unknown: 0.90.
2. Otherwise names and date of birth, judged by the matcher (`paxvet.match.score_pair`): candidates are
   the travellers whose date of birth is compatible (`birth_dates_compatible`: a few days apart, as typing
   slips such as 670603 / 670604 are, or day and month transposed), and those of the same surname whose
   date of birth is not known; the matcher's score becomes the confidence and its explanation the reason.
   The date selects in SQL: a common surname alone is thousands of travellers a week, none of them scored
   unless born the same days, and an arbitrary few thousand of them must not crowd out the true link.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from paxvet.flights.models import TravelDocument, Traveller
from paxvet.match.records import Document, Name, PartialDate, PersonRecord

DOB_SLACK_DAYS = 3
DEFAULT_THRESHOLD = 0.8
# Candidates scored at most (travellers born on the compatible days, about 0.03 % of all at a uniform spread);
# past it, the resolver says so in its notes instead of choosing silently.
MAX_CANDIDATES = 10_000


def person_record(t: Traveller, documents: list[tuple[str, str | None]] | None = None) -> PersonRecord:
    names = [Name(full=t.full_name, given=t.given_names or None, family=t.surname or None)]
    dobs = (
        (PartialDate(t.date_of_birth.year, t.date_of_birth.month, t.date_of_birth.day),)
        if t.date_of_birth
        else ()
    )
    docs = tuple(Document(number=n, country=c) for n, c in documents or [])
    return PersonRecord(
        names=tuple(names),
        dates_of_birth=dobs,
        gender=t.gender if t.gender in ("M", "F") else None,
        nationalities=(t.nationality,) if t.nationality else (),
        documents=docs,
        key=str(t.id),
    )


def matcher() -> Callable[[PersonRecord, PersonRecord], Any]:
    """The team's matcher: the same scorer screening uses."""
    from paxvet.match import score_pair

    return score_pair


def birth_dates_compatible(a: date, b: date | None) -> bool:
    """Two full dates of birth name the same person only when equal or a typing slip apart: a few days,
    or day and month transposed. (The matcher tolerates years for watchlists; travel history must not:
    namesakes born years apart are different people.)"""
    if b is None:
        return True
    return abs((a - b).days) <= DOB_SLACK_DAYS or b == _transposed(a)


def compatible_birth_clause(dob: date, surname: str) -> ColumnElement[bool]:
    """`birth_dates_compatible` as SQL (the candidates are exactly the dates it accepts: tests compare the
    two), the travellers without a date of birth narrowed to those of the same surname."""
    slack = timedelta(days=DOB_SLACK_DAYS)
    terms: list[ColumnElement[bool]] = [Traveller.date_of_birth.between(dob - slack, dob + slack)]
    transposed = _transposed(dob)
    if transposed is not None:
        terms.append(Traveller.date_of_birth == transposed)
    terms.append(and_(Traveller.date_of_birth.is_(None), Traveller.surname == surname))
    return or_(*terms)


def _transposed(d: date) -> date | None:
    try:
        return date(d.year, d.day, d.month)
    except ValueError:  # a day past 12 is no month
        return None


def resolve_same_person(
    session: Session, subject: Traveller, *, threshold: float | None = None
) -> tuple[list[tuple[Traveller, float, str]], list[str]]:
    from paxvet.links.service import document_keys

    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    notes: list[str] = []
    found: dict[int, tuple[Traveller, float, str]] = {}
    keys = document_keys(session, subject)
    if keys:
        _by_document(session, subject, keys, found)
    score = matcher()
    if score is None:
        notes.append(
            "names and dates of birth not judged: the matcher (paxvet.match.score_pair) is not installed"
        )
    elif subject.date_of_birth is not None:
        _by_name_and_birth(session, subject, score, threshold, found, notes)
    return sorted(found.values(), key=lambda x: -x[1]), notes


def _by_document(
    session: Session,
    subject: Traveller,
    keys: set[tuple[str, str | None]],
    found: dict[int, tuple[Traveller, float, str]],
) -> None:
    from paxvet.bookings.models import BookingDocument, BookingTraveller

    numbers = sorted({n for n, _ in keys})
    api = session.execute(
        select(
            TravelDocument.traveller_id, TravelDocument.number_normalized, TravelDocument.issuing_country
        ).where(TravelDocument.number_normalized.in_(numbers))
    ).all()
    pnr = session.execute(
        select(
            BookingTraveller.traveller_id, BookingDocument.number_normalized, BookingDocument.issuing_country
        )
        .join(BookingTraveller, BookingTraveller.id == BookingDocument.booking_traveller_id)
        .where(BookingDocument.number_normalized.in_(numbers), BookingTraveller.traveller_id.is_not(None))
    ).all()
    countries: dict[str, set[str | None]] = {n: {c for m, c in keys if m == n} for n in numbers}
    for tid, number, country in [*api, *pnr]:
        if tid is None or tid == subject.id:
            continue
        other = session.get(Traveller, tid)
        if other is None or other.flight_id == subject.flight_id:
            continue
        known = {c for c in countries.get(number or "", set()) if c}
        if country and country in known:
            confidence, reason = 0.99, f"same document {number} issued by {country}"
        elif country and known:
            continue  # same number from another country: a different document
        else:
            confidence, reason = 0.90, f"same document number {number} (issuing country not known on both)"
        if tid not in found or found[tid][1] < confidence:
            found[tid] = (other, confidence, reason)


def _by_name_and_birth(
    session: Session,
    subject: Traveller,
    score: Callable[[PersonRecord, PersonRecord], Any],
    threshold: float,
    found: dict[int, tuple[Traveller, float, str]],
    notes: list[str],
) -> None:
    dob = subject.date_of_birth
    assert dob is not None
    candidates = session.scalars(
        select(Traveller)
        .where(Traveller.flight_id != subject.flight_id, compatible_birth_clause(dob, subject.surname))
        .order_by(Traveller.id)
        .limit(MAX_CANDIDATES + 1)
    ).all()
    if len(candidates) > MAX_CANDIDATES:
        candidates = candidates[:MAX_CANDIDATES]
        notes.append(
            f"more than {MAX_CANDIDATES:,} travellers have a compatible date of birth: "
            f"the first {MAX_CANDIDATES:,} stored were judged"
        )
    mine = person_record(subject)
    for other in candidates:
        if other.id in found:  # compatible dates of birth: selected so
            continue
        result = score(mine, person_record(other))
        if result.score >= threshold:
            summary = getattr(result.explanation, "summary", "") or "names and date of birth agree"
            found[other.id] = (other, float(result.score) * 0.95, f"matcher {result.score:.2f}: {summary}")
