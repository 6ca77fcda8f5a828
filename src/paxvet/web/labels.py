"""Words stored as codes (roles, statuses, severities, dispositions...) marked for translation; templates
show them through `_()`."""

from __future__ import annotations

from paxvet.web.i18n import N_

# code -> English label (the msgid); `label(code)` in templates translates it
LABELS: dict[str, str] = {
    # roles
    "officer": N_("Officer"),
    "analyst": N_("Analyst"),
    "supervisor": N_("Supervisor"),
    "administrator": N_("Administrator"),
    # flight directions, seen from the reporting country
    "inbound": N_("arriving"),
    "outbound": N_("departing"),
    # traveller roles
    "passenger": N_("Passenger"),
    "crew": N_("Crew"),
    # severities
    "critical": N_("critical"),
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
    # hit statuses and dispositions
    "open": N_("Open"),
    "confirmed": N_("Confirmed match"),
    "false_positive": N_("False positive"),
    "refer_secondary": N_("Refer to secondary inspection"),
    "needs_info": N_("Needs more information"),
    "suppressed": N_("Suppressed (allow-list)"),
    "withdrawn": N_("Withdrawn"),
    # hit kinds and list categories
    "watchlist": N_("Watchlist match"),
    "document_finding": N_("Document finding"),
    "lost_stolen_document": N_("Lost or stolen document"),
    "rule": N_("Rule"),
    "wanted": N_("Wanted"),
    "terrorism": N_("Terrorism"),
    "sanctions": N_("Sanctions"),
    "narcotics": N_("Narcotics"),
    "other": N_("Other"),
    # explanation agreement
    "agree": N_("agrees"),
    "partial": N_("partly agrees"),
    "disagree": N_("disagrees"),
    "missing": N_("not comparable"),
    # entry types, delta kinds, audit subjects
    "person": N_("Person"),
    "document": N_("Document"),
    "added": N_("Added"),
    "changed": N_("Changed"),
    "removed": N_("Removed"),
    "traveller": N_("Traveller"),
    "hit": N_("Hit"),
    "flight": N_("Flight"),
    "user": N_("User"),
    "message": N_("Message"),
    "watchlist_subject": N_("Watchlist"),
    "watchlist_version": N_("List version"),
    "agency": N_("Agency"),
    # where a traveller's record came from
    "api": N_("API manifest"),
    "pnr": N_("Booking (PNR)"),
    "api+pnr": N_("API manifest and booking (PNR)"),
    # message statuses
    "quarantined": N_("Quarantined"),
    "unsupported": N_("Unsupported"),
    "processed": N_("Processed"),
    "replayed": N_("Replayed"),
    # the matcher's outcomes (paxvet.match.dates, evidence, tokens)
    "agrees": N_("agrees"),
    "conflicts": N_("conflicts"),
    "unknown": N_("unknown"),
    "same date": N_("same date"),
    "same year and month": N_("same year and month"),
    "compatible (partial date)": N_("compatible (partial date)"),
    "same year (1 January, often a placeholder)": N_("same year (1 January, often a placeholder)"),
    "day and month swapped": N_("day and month swapped"),
    "one day off": N_("one day off"),
    "one year off": N_("one year off"),
    "within 3 years": N_("within 3 years"),
    "same year and month, different day": N_("same year and month, different day"),
    "same year, different month/day": N_("same year, different month/day"),
    "conflicting": N_("conflicting"),
    "same number": N_("same number"),
    "same number allowing O/0, I/1 confusions": N_("same number allowing O/0, I/1 confusions"),
    "exact": N_("exact"),
    "accent/case": N_("accent/case"),
    "transliterated": N_("transliterated"),
    "spelling variant": N_("spelling variant"),
    "romanisation variant": N_("romanisation variant"),
    "phonetic": N_("phonetic"),
    "nickname": N_("nickname"),
    "other-language form": N_("other-language form"),
    "typo/OCR": N_("typo/OCR"),
    "initial": N_("initial"),
    "truncated": N_("truncated"),
    "joined/split": N_("joined/split"),
    "same number, different issuing country": N_("same number, different issuing country"),
    "same number allowing O/0, I/1 confusions, different issuing country": N_(
        "same number allowing O/0, I/1 confusions, different issuing country"
    ),
    # lost/stolen document statuses, document category
    "lost": N_("reported lost"),
    "stolen": N_("reported stolen"),
    "revoked": N_("revoked"),
    "invalidated": N_("invalidated"),
    "reported": N_("reported lost or stolen"),
    # explanation fields
    "name": N_("Name"),
    "names": N_("Name"),
    "date_of_birth": N_("Date of birth"),
    "nationality": N_("Nationality"),
    "nationalities": N_("Nationality"),
    "gender": N_("Gender"),
    "document_number": N_("Document"),
    "documents": N_("Documents"),
    "place_of_birth": N_("Place of birth"),
}

# error messages raised in English by services and shown to people
MESSAGES = (
    N_("please sign in"),
    N_("no such page"),
    N_("this form has expired or did not come from paxvet (CSRF check); reload the page"),
    N_("too many login attempts from this address; wait a minute"),
    N_("the request is not valid"),
    N_("an unexpected error occurred; it has been logged"),
    N_("a comment is required: say why you chose this disposition"),
    N_("the current password is wrong"),
    N_("wrong password"),
    N_("the new password must differ from the current one"),
    N_("the password does not meet the policy"),
    N_("must be at least 12 characters long"),
    N_("must not contain the username"),
    N_("is too common"),
    N_("this is the last active administrator; create another one first"),
)


def label_for(code: str) -> str:
    return LABELS.get(code, code)


# Document findings by code (paxvet.documents.checks); the checker's own message is English.
FINDINGS = {
    "expired": N_("The document had expired before arrival."),
    "expires_before_arrival": N_("The document expires before the arrival date."),
    "impossible_date": N_("A date on the document is impossible."),
    "mrz_check_digit": N_("A check digit of the machine-readable zone is wrong."),
    "mrz_mismatch": N_("The machine-readable zone disagrees with the data sent."),
    "mrz_unreadable": N_("The machine-readable zone cannot be read."),
}


def finding_text(code: str, fallback: str) -> str:
    """The translatable sentence for a finding code, or the checker's own message."""
    return FINDINGS.get(code, fallback)
