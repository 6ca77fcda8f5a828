"""Located problems of received messages (the quarantine pages) in the officer's language.

The parsers write each problem in English, with values (segment tags, codes, counts) inside. Every wording
is listed here once as a msgid with `%(name)s` for the values; a problem is matched against them, its
values kept, and a value that is itself a listed wording (the date problem inside "date of birth: ...") is
translated too. A wording not listed is shown as the parser wrote it; tests/web/test_web_i18n.py fails
when a parser wording has no entry here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from paxvet.web.i18n import N_, translations

PROBLEMS = (
    # EDIFACT envelope (paxvet.ingest.edifact)
    N_("NUL characters removed"),
    N_("not UTF-8; decoded as Latin-1"),
    N_("damaged UNA %(una)s: default separators used"),
    N_("ignored %(what)s: %(preview)s"),
    N_("text between interchanges"),
    N_("envelope before the interchange"),
    N_("Type-B teletype envelope"),
    N_("no EDIFACT interchange or message found"),
    N_("message bodies without an interchange header (UNB)"),
    N_("missing final segment terminator"),
    N_("second UNB inside one interchange"),
    N_("UNB has no interchange control reference"),
    N_("interchange not closed: UNZ missing"),
    N_("UNZ inside a message: UNT missing"),
    N_("UNZ reference %(ref)s does not match UNB %(expected)s"),
    N_("group %(ref)s not closed before the next UNG"),
    N_("group %(ref)s not closed: UNE missing"),
    N_("UNG inside a message: UNT missing"),
    N_("UNE inside a message: UNT missing"),
    N_("UNE without UNG (ignored)"),
    N_("UNE reference %(ref)s does not match UNG %(expected)s"),
    N_("UNH before the previous message's UNT"),
    N_("UNH has no message reference"),
    N_("UNH has no message type"),
    N_("UNH sequence of transfers %(part)s is not a part number (read as 1)"),
    N_("UNT without UNH"),
    N_("UNT reference %(ref)s does not match UNH %(expected)s"),
    N_("message not closed: UNT missing (truncated?)"),
    N_("segment %(tag)s outside any message (no UNH before it)"),
    N_("%(tag)s count %(declared)s is not a number (%(actual)s %(what)s)"),
    N_("%(tag)s declares %(declared)s %(what)s, %(actual)s present"),
    N_("segments (UNH to UNT)"),
    N_("messages in the group"),
    N_("groups"),
    N_("messages"),
    # PAXLST and CEDIPAX (paxvet.ingest.paxlst, cedipax)
    N_("no BGM: taken as a passenger list (745)"),
    N_("unknown BGM document code %(code)s"),
    N_("no flight (TDT) in the message"),
    N_("flight cancellation without a flight (TDT)"),
    N_("TDT without a flight number"),
    N_("TDT transport stage %(stage)s (expected 20)"),
    N_("TDT after the first traveller: read as a further leg"),
    N_("LOC+%(qualifier)s before any TDT"),
    N_("LOC+%(qualifier)s outside a flight leg or traveller"),
    N_("LOC+91 (document issuer) without a DOC before it"),
    N_("DTM+%(qualifier)s outside a flight leg or traveller"),
    N_("DOC without a document number"),
    N_("CNT count in a separate element (expected qualifier:count)"),
    N_("CNT count %(value)s is not a number"),
    N_("unknown CNT qualifier %(qualifier)s"),
    N_("unknown NAD party function %(party)s; read as a passenger"),
    N_("unknown gender code %(code)s"),
    N_("traveller without a surname"),
    N_("%(tag)s outside a traveller (ignored)"),
    N_("segment %(tag)s not expected in PAXLST (kept in the raw store)"),
    N_("segment %(tag)s not expected in CEDIPAX (ignored)"),
    N_("date of birth: %(problem)s"),
    N_("document date: %(problem)s"),
    N_("impossible date %(value)s"),
    N_("unreadable date %(value)s"),
    N_("date %(value)s is CCYYMMDD, expected YYMMDD"),
    N_("impossible date/time %(value)s"),
    N_("unreadable date/time %(value)s"),
    N_("unreadable date/time %(day)s %(time)s"),
    # PNRGOV, EDIFACT and XML (paxvet.ingest.pnrgov_*)
    N_("no TVL at the head of the message: the pushed flight is unknown"),
    N_("the pushed flight's TVL has no carrier or flight number"),
    N_("MSG action %(code)s is neither 22 (full) nor 141 (update)"),
    N_("empty ORG in a full push: no booking office given (not a cancellation)"),
    N_("EQN declares %(declared)s PNRs, the message has %(actual)s"),
    N_("EQN declares %(declared)s PNRs, the push has %(actual)s"),
    N_("PNR without a record locator (RCI)"),
    N_("RCI creation date in the wrong component; read anyway"),
    N_("TIF without a surname"),
    N_("SSR %(code)s refers to no known passenger"),
    N_("FTI outside a passenger group"),
    N_("TKT outside a passenger group"),
    N_("TBD outside an itinerary leg"),
    N_("%(tag)s before the first PNR (SRC); ignored"),
    N_("segment %(tag)s is not part of PNRGOV; ignored"),
    N_("cannot read %(tag)s: %(reason)s"),
    N_("cannot identify the pushed flight (carrier, number, arrival airport and date)"),
    N_("multi-part push incomplete: waiting for part(s) %(parts)s"),
    N_("%(problem)s (at %(location)s)"),
    N_("not well-formed XML: %(reason)s"),
    N_("refused XML construct: %(construct)s"),
    N_("unreadable XML: %(reason)s"),
    N_("root element is <%(found)s>, expected <%(expected)s>"),
    N_("FlightLeg (the pushed flight) is missing"),
    N_("FlightLeg has no CarrierCode or FlightNumber"),
    N_("PNR has no BookingRefID (record locator)"),
    N_("Passenger has no Surname"),
    # the ingest service
    N_("no message (UNH ... UNT) found"),
    N_("no handler for message type %(type)s"),
)

# Errors the services raise with values inside, shown on error pages and in the alert region (exact
# wordings without values are in paxvet.web.labels.MESSAGES).
ERRORS = (
    N_("no flight %(id)s"),
    N_("no hit %(id)s"),
    N_("no traveller %(id)s"),
    N_("no message %(id)s"),
    N_("no received message #%(id)s"),
    N_("no user %(id)s"),
    N_("no watchlist %(id)s"),
    N_("no watchlist version %(id)s"),
    N_("no version %(id)s of %(list)s"),
    N_("no allow-list entry %(id)s"),
    N_("allow-list entry %(id)s was already revoked by %(user)s"),
    N_("your role (%(role)s) does not allow %(permission)s"),
    N_("hit %(id)s was withdrawn%(reason)s; there is nothing left to decide"),
    N_("unknown disposition %(value)s; choose from %(choices)s"),
    N_("unknown status %(value)s; choose from %(choices)s"),
    N_("flight %(value)s is not a flight code such as AM645"),
    N_("message #%(id)s is %(status)s, not quarantined"),
    N_("user %(name)s already exists"),
    N_("role must be one of %(choices)s"),
    N_("language must be one of %(choices)s"),
    N_("agency %(code)s must look like MX-INM or US-CBP (country-ACRONYM)"),
    N_("unknown list format %(value)s; use one of: %(choices)s"),
    N_("threshold %(value)s must be above 0 and at most 1"),
    N_("the time window must be within 14 days either side"),
    N_("the corrected message is larger than 20 MB"),
    N_("the file is larger than 200 MB"),
    N_("username must be 3-100 characters: lower-case letters, digits, . _ -"),
    N_("the deciding officer is required"),
    N_("the bearer token is not valid"),
    N_("unknown user or wrong password, or the account is locked"),
    # request validation (pydantic), located by field
    N_("Field required"),
    N_("String should have at most %(n)s characters"),
    N_("String should have at least %(n)s characters"),
    N_("Input should be greater than or equal to %(n)s"),
    N_("Input should be less than or equal to %(n)s"),
    N_("Input should be a valid integer, unable to parse string as an integer"),
    N_("Input should be a valid date or datetime, input is too short"),
)

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(msgid: str) -> re.Pattern[str]:
    pieces, last = [], 0
    for match in _PLACEHOLDER.finditer(msgid):
        pieces += [re.escape(msgid[last : match.start()]), f"(?P<{match.group(1)}>.+?)"]
        last = match.end()
    pieces.append(re.escape(msgid[last:]))
    return re.compile("".join(pieces), re.S)


# Wordings without values first: "groups" must stay "groups", not the value of a longer pattern.
_PATTERNS = sorted(((_pattern(m), m) for m in PROBLEMS + ERRORS), key=lambda p: "%(" in p[1])


def _translated(message: str, gettext: Callable[[str], str], depth: int = 0) -> str:
    for pattern, msgid in _PATTERNS:
        match = pattern.fullmatch(message)
        if match is None:
            continue
        values = match.groupdict()
        if depth < 2:
            values = {k: _translated(v, gettext, depth + 1) for k, v in values.items()}
        return gettext(msgid) % values
    return gettext(message)  # a wording without values (labels.MESSAGES), or as written


@lru_cache(maxsize=4096)
def problem_text(message: str, language: str) -> str:
    """A parser's problem or a service's error in `language` (as written when its wording is unknown)."""
    return _translated(message, translations(language).gettext)


def is_known(message: str) -> bool:
    return any(pattern.fullmatch(message) for pattern, _ in _PATTERNS)
