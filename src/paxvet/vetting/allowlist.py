"""Allow-list memory: a false-positive decision remembered for the same person against the same entry.

GTAS kept a whitelist table but never applied it. Here a suppression is applied by screening itself
(`active_suppressions`), cites the decision that created it, lapses as soon as the entry's content changes,
expires after `settings.suppression_days`, and can be listed and revoked (audited).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from paxvet.audit.service import record_event
from paxvet.db import utcnow
from paxvet.documents.numbers import normalize_document_number
from paxvet.errors import Conflict, NotFound
from paxvet.flights.models import Traveller
from paxvet.screening.models import Hit
from paxvet.settings import get_settings
from paxvet.vetting.models import Disposition, Suppression


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a traveller is, for the allow-list: one travel document plus the date of birth."""

    document_number: str
    issuing_country: str
    date_of_birth: date

    @property
    def key(self) -> str:
        return identity_key(self.document_number, self.issuing_country, self.date_of_birth)


def identity_key(number: str, country: str, dob: date) -> str:
    return f"{normalize_document_number(number)}|{country.upper()}|{dob.isoformat()}"


def identities(traveller: Traveller) -> list[Identity]:
    """Every (document, DOB) identity of a traveller; none without a date of birth or documents."""
    if traveller.date_of_birth is None:
        return []
    found = []
    for doc in traveller.documents:
        number = normalize_document_number(doc.number)
        if number and doc.issuing_country:
            found.append(Identity(number, doc.issuing_country.upper(), traveller.date_of_birth))
    return found


def active_suppressions(
    session: Session, keys: Collection[str], now: datetime | None = None
) -> dict[tuple[str, int], Suppression]:
    """Suppressions in force for these identity keys, by (identity key, entry id)."""
    if not keys:
        return {}
    now = now or utcnow()
    rows = session.scalars(
        select(Suppression).where(
            Suppression.identity_key.in_(list(keys)),
            Suppression.revoked_at.is_(None),
            Suppression.expires_at > now,
        )
    )
    return {(s.identity_key, s.entry_id): s for s in rows}


def applicable(
    suppressions: dict[tuple[str, int], Suppression], keys: Iterable[str], entry_id: int, content_hash: str
) -> Suppression | None:
    """The suppression that mutes this traveller x entry, if the entry still reads as when it was decided."""
    for key in keys:
        found = suppressions.get((key, entry_id))
        if found is not None and found.entry_content_hash == content_hash:
            return found
    return None


def remember_false_positive(session: Session, hit: Hit, disposition: Disposition) -> list[Suppression]:
    """Record every identity of the hit's traveller against the hit's entry, as that entry reads now."""
    if hit.entry_id is None or hit.entry_content_hash is None:
        return []
    expires = disposition.at + timedelta(days=get_settings().suppression_days)
    made = []
    for ident in identities(hit.traveller):
        suppression = Suppression(
            identity_key=ident.key,
            document_number=ident.document_number,
            issuing_country=ident.issuing_country,
            date_of_birth=ident.date_of_birth,
            entry_id=hit.entry_id,
            entry_content_hash=hit.entry_content_hash,
            list_version_id=hit.list_version_id,
            hit_id=hit.id,
            disposition_id=disposition.id,
            created_by=disposition.officer,
            created_at=disposition.at,
            expires_at=expires,
        )
        session.add(suppression)
        made.append(suppression)
    session.flush()
    return made


def list_suppressions(session: Session, *, include_inactive: bool = False) -> list[Suppression]:
    stmt = select(Suppression).order_by(Suppression.created_at.desc(), Suppression.id.desc())
    if not include_inactive:
        stmt = stmt.where(Suppression.revoked_at.is_(None), Suppression.expires_at > utcnow())
    return list(session.scalars(stmt))


def revoke(session: Session, suppression_id: int, *, by: str, reason: str = "") -> Suppression:
    """End a suppression now: later screenings of that identity raise open hits again."""
    suppression = session.get(Suppression, suppression_id)
    if suppression is None:
        raise NotFound(f"no allow-list entry {suppression_id}")
    if suppression.revoked_at is not None:
        raise Conflict(f"allow-list entry {suppression_id} was already revoked by {suppression.revoked_by}")
    suppression.revoked_at = utcnow()
    suppression.revoked_by = by
    suppression.revoke_reason = reason or None
    record_event(
        session,
        "vetting:suppression:revoked",
        actor=by,
        subject_type="suppression",
        subject_id=suppression.id,
        details={"reason": reason, "entry_id": suppression.entry_id, "hit_id": suppression.hit_id},
    )
    session.flush()
    return suppression


def revoke_for_hit(session: Session, hit_id: int, *, by: str, reason: str) -> None:
    """A later decision on the same hit replaces its false-positive memory."""
    for suppression in session.scalars(
        select(Suppression).where(Suppression.hit_id == hit_id, Suppression.revoked_at.is_(None))
    ):
        suppression.revoked_at = utcnow()
        suppression.revoked_by = by
        suppression.revoke_reason = reason


def suppression_state(suppression: Suppression, now: datetime | None = None) -> str:
    now = now or utcnow()
    if suppression.revoked_at is not None:
        return "revoked"
    return "expired" if suppression.expires_at <= now else "active"
