"""From what the matcher found to stored hits: one traveller x one subject is one row, updated in place.

`Finding` is one thing screening found for one traveller; `HitWriter` merges a batch of findings with the
hits already stored for those travellers: new ones are created (open, or suppressed by the allow-list),
changed ones updated, officer decisions kept, and open hits in scope that were not found again withdrawn.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from paxvet.db import ByIds, utcnow
from paxvet.screening.models import Hit
from paxvet.screening.travellers import TravellerView, chunks
from paxvet.vetting.allowlist import active_suppressions, applicable
from paxvet.vetting.models import Lookout, Suppression

# Statuses the system may change by itself; an officer's decision is never overwritten.
SYSTEM_STATUSES = ("open", "suppressed", "withdrawn")
REOPEN_ON_ENTRY_CHANGE = ("false_positive", "suppressed")


@dataclass(slots=True)
class Finding:
    traveller_id: int
    flight_id: int
    kind: str
    subject_key: str
    score: float
    summary: str
    explanation: dict[str, Any] | None
    category: str
    severity: str
    entry_id: int | None = None
    watchlist_id: int | None = None
    list_version_id: int | None = None
    content_hash: str | None = None


@dataclass
class WriteResult:
    new: list[Hit] = field(default_factory=list)
    updated: list[Hit] = field(default_factory=list)
    suppressed: list[Hit] = field(default_factory=list)
    withdrawn: list[Hit] = field(default_factory=list)

    def merge(self, other: WriteResult) -> None:
        self.new += other.new
        self.updated += other.updated
        self.suppressed += other.suppressed
        self.withdrawn += other.withdrawn


def existing_hits(session: Session, traveller_ids: Collection[int]) -> dict[tuple[int, str], Hit]:
    found: dict[tuple[int, str], Hit] = {}
    for chunk in chunks(sorted(traveller_ids)):
        for hit in _HITS_OF.objects(session, chunk):
            found[(hit.traveller_id, hit.subject_key)] = hit
    return found


_HITS_OF = ByIds(select(Hit), Hit.traveller_id)  # built once


class HitWriter:
    """Writes one batch of findings for one batch of travellers.

    `in_scope(subject_key)` says which stored hits this screening was able to find again (every subject in
    live screening; only the delta's entries in retro-screening): only those may be withdrawn.
    """

    def __init__(self, session: Session, run_id: int | None, now: datetime | None = None) -> None:
        self.session = session
        self.run_id = run_id
        self.now = now or utcnow()

    def write(
        self, travellers: Sequence[TravellerView], findings: Sequence[Finding], in_scope: Any
    ) -> WriteResult:
        result = WriteResult()
        if not travellers:
            return result
        stored = existing_hits(self.session, [t.id for t in travellers])
        # allow-list identities only of travellers something was found for (most have no finding at all)
        found_for = {f.traveller_id for f in findings}
        keys = {t.id: t.identity_keys() for t in travellers if t.id in found_for}
        suppressions = active_suppressions(self.session, {k for ks in keys.values() for k in ks}, self.now)
        seen: set[tuple[int, str]] = set()
        for finding in findings:
            pair = (finding.traveller_id, finding.subject_key)
            seen.add(pair)
            muted = self._suppression(suppressions, keys[finding.traveller_id], finding)
            hit = stored.get(pair)
            if hit is None:
                hit = self._create(finding, muted)
                (result.suppressed if muted else result.new).append(hit)
            elif self._update(hit, finding, muted):
                result.updated.append(hit)
        for pair, hit in stored.items():
            if pair not in seen and hit.status in ("open", "suppressed") and in_scope(hit.subject_key):
                self._set_status(hit, "withdrawn", "no longer matches after the traveller or entry changed")
                result.withdrawn.append(hit)
        self.session.flush()
        return result

    @staticmethod
    def _suppression(
        suppressions: dict[tuple[str, int], Suppression], keys: list[str], finding: Finding
    ) -> Suppression | None:
        if finding.entry_id is None or finding.content_hash is None or not keys:
            return None
        return applicable(suppressions, keys, finding.entry_id, finding.content_hash)

    def _create(self, finding: Finding, muted: Suppression | None) -> Hit:
        hit = Hit(
            traveller_id=finding.traveller_id,
            flight_id=finding.flight_id,
            kind=finding.kind,
            subject_key=finding.subject_key,
            status="open",
            created_at=self.now,
        )
        self._fill(hit, finding)
        if muted is not None:
            self._mute(hit, muted)
        self.session.add(hit)
        return hit

    def _fill(self, hit: Hit, finding: Finding) -> None:
        hit.entry_id = finding.entry_id
        hit.watchlist_id = finding.watchlist_id
        hit.list_version_id = finding.list_version_id
        hit.entry_content_hash = finding.content_hash
        hit.score = finding.score
        hit.summary = finding.summary
        hit.explanation = finding.explanation
        hit.category = finding.category
        hit.severity = finding.severity
        hit.screening_run_id = self.run_id
        hit.updated_at = self.now

    def _mute(self, hit: Hit, suppression: Suppression) -> None:
        hit.status = "suppressed"
        hit.suppressed_by_id = suppression.id
        hit.status_reason = (
            f"allow-listed: judged a false positive on {suppression.created_at:%Y-%m-%d} by "
            f"{suppression.created_by} (hit {suppression.hit_id}, disposition {suppression.disposition_id})"
        )

    def _update(self, hit: Hit, finding: Finding, muted: Suppression | None) -> bool:
        """Refresh a stored hit; True when anything an officer would see changed."""
        entry_changed = finding.content_hash != hit.entry_content_hash
        score_changed = abs(finding.score - hit.score) > 1e-6
        reopen = hit.status == "withdrawn" or (entry_changed and hit.status in REOPEN_ON_ENTRY_CHANGE)
        if not (entry_changed or score_changed or reopen):
            return False
        self._fill(hit, finding)
        if reopen:
            reason = (
                "matched again"
                if hit.status == "withdrawn"
                else "the listed entry changed since the decision"
            )
            if muted is not None:
                self._mute(hit, muted)
            else:
                self._set_status(hit, "open", reason)
                hit.suppressed_by_id = None
        return True

    def _set_status(self, hit: Hit, status: str, reason: str) -> None:
        hit.status = status
        hit.status_reason = reason
        hit.updated_at = self.now


def move_hits(session: Session, old_traveller_id: int, new_traveller_id: int) -> int:
    """A PNR-only traveller found to be an API traveller (`bookings.service.merge_pnr_duplicates`): their
    hits, with the officers' decisions on them, and their lookouts follow the person instead of being
    deleted with the duplicate row. Where both have a hit on one subject, a decided hit beats an undecided
    one. Returns how many hits moved."""
    theirs = {
        h.subject_key: h for h in session.scalars(select(Hit).where(Hit.traveller_id == new_traveller_id))
    }
    moved = 0
    for hit in session.scalars(select(Hit).where(Hit.traveller_id == old_traveller_id)).all():
        clash = theirs.get(hit.subject_key)
        if clash is not None and (hit.status in SYSTEM_STATUSES or clash.status not in SYSTEM_STATUSES):
            continue  # the API traveller's own hit stays; this one goes with the duplicate row
        if clash is not None:
            session.delete(clash)
            session.flush()
        hit.traveller_id = new_traveller_id
        moved += 1
    session.execute(
        update(Lookout).where(Lookout.traveller_id == old_traveller_id).values(traveller_id=new_traveller_id)
    )
    session.flush()
    return moved
