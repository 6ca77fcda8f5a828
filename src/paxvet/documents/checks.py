"""Document findings an officer sees at ingest: expired, expiring before arrival, impossible dates, and an MRZ
whose check digits fail or which disagrees with the data the carrier keyed.

`check_document(...)` is pure (no database): ingest calls it for every travel document it stores."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from paxvet.countries import to_alpha3
from paxvet.documents.mrz import Mrz, MrzUnreadable, parse_mrz
from paxvet.documents.numbers import folded_document_number, normalize_document_number

EXPIRED = "expired"
EXPIRES_BEFORE_ARRIVAL = "expires_before_arrival"
IMPOSSIBLE_DATE = "impossible_date"
MRZ_CHECK_DIGIT = "mrz_check_digit"
MRZ_MISMATCH = "mrz_mismatch"
MRZ_UNREADABLE = "mrz_unreadable"
OLDEST_AGE_YEARS = 130


@dataclass(frozen=True)
class DocumentFinding:
    """One thing wrong with a travel document, in words an officer can act on."""

    code: str
    message: str
    severity: str  # "warning" or "error"

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def check_document(
    *,
    number: str,
    doc_type: str | None,
    issuing_country: str | None,
    expiry: date | None,
    issued: date | None,
    date_of_birth: date | None,
    arrival: date | None,
    mrz: str | None,
    today: date | None = None,
) -> list[DocumentFinding]:
    """Every finding for one document; an empty list when nothing is wrong.

    `arrival` is the scheduled arrival date (a document must be valid on entry); `today` defaults to the
    current date and is the reference for "expired" and "born in the future"."""
    now = today or date.today()
    findings = _validity(expiry, arrival, now) + _impossible_dates(expiry, issued, date_of_birth, now)
    if mrz and mrz.strip():
        findings += _mrz_findings(mrz, number, doc_type, issuing_country, expiry, date_of_birth, now)
    return findings


def _validity(expiry: date | None, arrival: date | None, now: date) -> list[DocumentFinding]:
    """Valid on entry is what counts: a past arrival (a replayed or late manifest) is judged on its own date,
    so a document that lapsed after the traveller entered is not reported."""
    if expiry is None:
        return []
    if arrival is not None and arrival <= now:
        if expiry < arrival:
            message = f"document expired on {expiry.isoformat()}, before arrival on {arrival.isoformat()}"
            return [DocumentFinding(EXPIRED, message, "error")]
        return []
    if expiry < now:
        return [DocumentFinding(EXPIRED, f"document expired on {expiry.isoformat()}", "error")]
    if arrival is not None and expiry < arrival:
        message = f"document expires on {expiry.isoformat()}, before arrival on {arrival.isoformat()}"
        return [DocumentFinding(EXPIRES_BEFORE_ARRIVAL, message, "error")]
    return []


def _impossible_dates(
    expiry: date | None, issued: date | None, birth: date | None, now: date
) -> list[DocumentFinding]:
    found: list[str] = []
    if expiry and issued and expiry < issued:
        found.append(f"expiry {expiry.isoformat()} is before issue {issued.isoformat()}")
    if birth and birth > now:
        found.append(f"date of birth {birth.isoformat()} is in the future")
    if birth and issued and issued < birth:
        found.append(f"issued {issued.isoformat()} before the holder was born ({birth.isoformat()})")
    if birth and _years_between(birth, now) >= OLDEST_AGE_YEARS:
        found.append(f"date of birth {birth.isoformat()} makes the holder {OLDEST_AGE_YEARS} or older")
    if issued and issued > now:
        found.append(f"issue date {issued.isoformat()} is in the future")
    return [DocumentFinding(IMPOSSIBLE_DATE, message, "error") for message in found]


def _years_between(earlier: date, later: date) -> int:
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def _mrz_findings(
    text: str,
    number: str,
    doc_type: str | None,
    issuing_country: str | None,
    expiry: date | None,
    birth: date | None,
    now: date,
) -> list[DocumentFinding]:
    try:
        mrz = parse_mrz(text, today=now)
    except MrzUnreadable as exc:
        return [DocumentFinding(MRZ_UNREADABLE, exc.message, "warning")]
    findings = [
        DocumentFinding(
            MRZ_CHECK_DIGIT,
            f"MRZ {c.field.replace('_', ' ')} check digit is {c.found!r}, the data gives {c.expected} "
            f"({c.location})",
            "error",
        )
        for c in mrz.failed_checks
    ]
    findings += [
        DocumentFinding(MRZ_UNREADABLE, f"MRZ {p.location}: {p.message}", "warning") for p in mrz.problems
    ]
    return findings + _mismatches(mrz, number, doc_type, issuing_country, expiry, birth)


def _mismatches(
    mrz: Mrz,
    number: str,
    doc_type: str | None,
    issuing_country: str | None,
    expiry: date | None,
    birth: date | None,
) -> list[DocumentFinding]:
    differ: list[str] = []
    if number and folded_document_number(number) != folded_document_number(mrz.document_number):
        differ.append(f"document number {normalize_document_number(number)} vs MRZ {mrz.document_number}")
    stated = to_alpha3(issuing_country) if issuing_country else None
    if stated and stated != (to_alpha3(mrz.issuing_state) or mrz.issuing_state):
        differ.append(f"issuing country {stated} vs MRZ {mrz.issuing_state_raw}")
    if expiry and mrz.expiry and expiry != mrz.expiry:
        differ.append(f"expiry {expiry.isoformat()} vs MRZ {mrz.expiry.isoformat()}")
    if birth and mrz.date_of_birth and birth != mrz.date_of_birth:
        differ.append(f"date of birth {birth.isoformat()} vs MRZ {mrz.date_of_birth.isoformat()}")
    if (
        doc_type
        and mrz.document_type
        and doc_type[:1].upper() != mrz.document_type
        and doc_type[:1].upper() in "PV"
    ):
        differ.append(f"document type {doc_type} vs MRZ {mrz.document_code}")
    return [DocumentFinding(MRZ_MISMATCH, f"stated {d}", "warning") for d in differ]
