"""Words stored as codes (roles, statuses, severities, dispositions...) marked for translation; templates
show them through `_()`."""

from __future__ import annotations

from paxvet.web.i18n import N_

LABELS = (
    # roles
    N_("officer"),
    N_("analyst"),
    N_("supervisor"),
    N_("administrator"),
    # traveller roles
    N_("passenger"),
    N_("crew"),
    # severities
    N_("critical"),
    N_("high"),
    N_("medium"),
    N_("low"),
    # hit statuses and dispositions
    N_("open"),
    N_("confirmed"),
    N_("false_positive"),
    N_("refer_secondary"),
    N_("needs_info"),
    N_("suppressed"),
    N_("withdrawn"),
    # hit kinds and list categories
    N_("watchlist"),
    N_("document_finding"),
    N_("lost_stolen_document"),
    N_("rule"),
    N_("wanted"),
    N_("terrorism"),
    N_("sanctions"),
    N_("narcotics"),
    N_("other"),
    # explanation agreement
    N_("agree"),
    N_("partial"),
    N_("disagree"),
    N_("missing"),
    # entry types, delta kinds, subjects
    N_("person"),
    N_("document"),
    N_("added"),
    N_("changed"),
    N_("removed"),
    N_("traveller"),
    N_("hit"),
    N_("flight"),
    N_("user"),
    N_("message"),
    # message statuses
    N_("quarantined"),
    N_("unsupported"),
    N_("processed"),
    N_("replayed"),
    # explanation fields
    N_("name"),
    N_("date_of_birth"),
    N_("nationality"),
    N_("gender"),
    N_("documents"),
    N_("place_of_birth"),
    # error messages shown to people
    N_("please sign in"),
    N_("no such page"),
    N_("this form has expired or did not come from paxvet (CSRF check); reload the page"),
    N_("too many login attempts from this address; wait a minute"),
    N_("the request is not valid"),
    N_("an unexpected error occurred; it has been logged"),
    N_("a comment is required: say why you chose this disposition"),
)

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
