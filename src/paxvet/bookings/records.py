"""The canonical PNR: what both PNRGOV syntaxes (EDIFACT and XML) are mapped into before storage.

Plain dataclasses, no database types. Sensitive items (special meals, medical remarks, ...) never get
here: the parsers drop them through `paxvet.ingest.sensitive` and only count them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from paxvet.errors import Problem


@dataclass
class DocumentRecord:
    """A travel document from SSR DOCS (kind "DOCS") or another document, usually a visa, from DOCO."""

    kind: str = "DOCS"  # DOCS | DOCO
    doc_type: str | None = None  # P, I, V, K (redress), ...
    number: str | None = None
    issuing_country: str | None = None  # alpha-3 when known
    nationality: str | None = None
    date_of_birth: date | None = None
    gender: str | None = None  # M F U X; MI/FI (infant) folded to M/F with infant=True
    expiry: date | None = None
    issued: date | None = None
    surname: str | None = None
    given_names: str | None = None
    place_of_birth: str | None = None
    infant: bool = False


@dataclass
class ContactRecord:
    kind: str  # phone | email | address
    value: str  # normalised: digits for phones, lower-case address for e-mail, one line for addresses
    raw: str = ""
    purpose: str | None = None  # ADD purpose code, CTCM/CTCE/CTCH..., DOCA R/D
    country: str | None = None


@dataclass
class PaymentRecord:
    fop_type: str  # CC credit card, CA cash, MS miscellaneous, ...
    issuer: str | None = None  # VI, MA, AX, ...
    card_last_four: str | None = None
    card_hash: str | None = None  # keyed HMAC of the card digits seen (never the number itself)
    amount: str | None = None
    holder_name: str | None = None
    holder_address: str | None = None


@dataclass
class TicketRecord:
    number: str | None
    ticketless: bool = False
    issued_on: date | None = None
    base_amount: str | None = None
    total_amount: str | None = None
    currency: str | None = None


@dataclass
class FrequentFlyerRecord:
    carrier: str | None
    number: str
    tier: str | None = None


@dataclass
class SeatRecord:
    seat: str
    traveller_ref: str | None = None
    traveller_name: str | None = None  # check-in groups name the passenger instead of referring to one
    cabin: str | None = None
    source: str = "ssr"  # ssr | checkin
    boarding_number: str | None = None
    checked_in_at: datetime | None = None


@dataclass
class BagRecord:
    traveller_ref: str | None = None
    traveller_name: str | None = None
    count: int | None = None
    weight: str | None = None
    unit: str | None = None
    pool: str | None = None  # HP head of pool, MP member
    carrier: str | None = None
    first_tag: str | None = None
    tag_count: int | None = None
    destination: str | None = None


@dataclass
class LegRecord:
    """One itinerary leg (TVL in Gr5), with the operating flight when it is a code-share."""

    carrier: str | None
    number: str | None
    origin: str | None = None
    destination: str | None = None
    departure_local: datetime | None = None
    arrival_local: datetime | None = None
    booking_class: str | None = None
    status: str | None = None
    operating_carrier: str | None = None
    operating_number: str | None = None
    equipment: str | None = None
    kind: str = "air"  # air | hotel | car | other (non-air Gr9)
    description: str | None = None
    seats: list[SeatRecord] = field(default_factory=list)
    bags: list[BagRecord] = field(default_factory=list)


@dataclass
class TravellerRecord:
    ref: str | None
    surname: str
    given_names: str = ""
    title: str | None = None
    passenger_type: str | None = None  # A adult, C child, IN infant, G group name ...
    infant_of: str | None = None  # ref of the adult an infant travels with
    with_infant: bool = False
    unique_ref: str | None = None  # REF: unique passenger reference
    documents: list[DocumentRecord] = field(default_factory=list)
    contacts: list[ContactRecord] = field(default_factory=list)
    frequent_flyers: list[FrequentFlyerRecord] = field(default_factory=list)
    tickets: list[TicketRecord] = field(default_factory=list)
    payments: list[PaymentRecord] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)


@dataclass
class HistoryRecord:
    at: datetime | None = None
    action: str | None = None  # A added, X cancelled, C changed ...
    who: str | None = None
    text: str = ""


@dataclass
class PnrRecord:
    locator: str | None
    carrier: str | None = None
    other_locators: list[str] = field(default_factory=list)  # "1A:ZZ9K1L"
    created_at: datetime | None = None
    last_modified_at: datetime | None = None
    ticketed_at: datetime | None = None
    agency: dict[str, str] = field(default_factory=dict)
    cancelled: bool = False  # empty ORG in an update push
    travellers: list[TravellerRecord] = field(default_factory=list)
    contacts: list[ContactRecord] = field(default_factory=list)  # PNR-level contacts
    payments: list[PaymentRecord] = field(default_factory=list)
    legs: list[LegRecord] = field(default_factory=list)
    split_locators: list[str] = field(default_factory=list)  # EQN group: the divided PNRs
    history: list[HistoryRecord] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    sensitive_removed: int = 0
    location: str = ""


@dataclass
class PushedFlight:
    carrier: str | None
    number: str | None
    origin: str | None = None
    destination: str | None = None
    departure_local: datetime | None = None
    arrival_local: datetime | None = None


@dataclass
class PnrPush:
    """One PNRGOV push (all parts reassembled): the flight, the action and the PNRs on it."""

    syntax: str  # edifact | xml
    version: str | None = None
    sender: str | None = None
    action: str = "full"  # full (MSG+:22) | update (MSG+:141)
    flight: PushedFlight | None = None
    declared_pnrs: int | None = None
    pnrs: list[PnrRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def sensitive_removed(self) -> int:
        return sum(p.sensitive_removed for p in self.pnrs)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]
