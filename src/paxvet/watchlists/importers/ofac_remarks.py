"""The OFAC remarks field: 'DOB 23 Nov 1962; alt. DOB 1963; POB Caracas, Venezuela; nationality Venezuela;
Gender Male; Passport 5892464 (Venezuela) expires 2026; a.k.a. 'EL GORDO'.' -> structured facts.

Items are separated by ';'. Each recognised item becomes a fact; everything stays in the remarks text too.
An item that looks like a date of birth but cannot be read is reported, so a new OFAC phrasing is noticed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from paxvet.watchlists.countries import country_code
from paxvet.watchlists.schemas import BirthDate, EntryDocument

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, start=1)}

_DATE = re.compile(r"^(?:(\d{1,2})\s+)?(?:([A-Za-z]{3,9})\.?\s+)?(\d{4})$")
_ALT = re.compile(r"^alt\.\s+", re.IGNORECASE)
_WEAK_AKA = re.compile(r"^(?:a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+'(.+)'$", re.IGNORECASE)
_DOC_TAIL = re.compile(r"\s+(?:issued|expires|valid)\b.*$", re.IGNORECASE)
_COUNTRY_TAIL = re.compile(r"\s*\(([^()]*)\)\s*$")

# (prefix as OFAC writes it, paxvet document type); longer prefixes first so 'Diplomatic Passport' wins.
DOCUMENT_PREFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        [
            ("Passport", "passport"),
            ("Diplomatic Passport", "passport"),
            ("Passport Booklet", "passport"),
            ("Stateless Person Passport", "passport"),
            ("Travel Document Number", "passport"),
            ("National ID No.", "national_id"),
            ("National ID Number", "national_id"),
            ("Tazkira National ID Card", "national_id"),
            ("Cedula No.", "national_id"),
            ("Identification Number", "national_id"),
            ("D.N.I.", "national_id"),
            ("Personal ID Card", "national_id"),
            ("C.U.R.P.", "national_id"),
            ("C.U.I.", "national_id"),
            ("National Foreign ID Number", "national_id"),
            ("Kenyan ID No.", "national_id"),
            ("Citizen's Card Number", "national_id"),
            ("Turkish Identification Number", "national_id"),
            ("Numero de Identidad", "national_id"),
            ("LE Number", "national_id"),
            ("SSN", "national_id"),
            ("Refugee ID Card", "national_id"),
            ("Identity Number", "national_id"),
            ("Residency Number", "residence_permit"),
            ("Driver's License No.", "driving_licence"),
            ("VisaNumberID", "visa"),
        ],
        key=lambda p: -len(p[0]),
    )
)


@dataclass
class RemarkFacts:
    dates_of_birth: list[BirthDate] = field(default_factory=list)
    places_of_birth: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    gender: str | None = None
    documents: list[EntryDocument] = field(default_factory=list)
    weak_aliases: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # items that should have parsed but did not


def split_items(remarks: str) -> list[str]:
    return [item.strip().rstrip(".").strip() for item in remarks.split(";") if item.strip()]


def parse_remarks(remarks: str) -> RemarkFacts:
    facts = RemarkFacts()
    for item in split_items(remarks):
        _parse_item(item, facts)
    return facts


def _parse_item(item: str, facts: RemarkFacts) -> None:
    aka = _WEAK_AKA.match(item)
    if aka:
        facts.weak_aliases.append(aka.group(1).strip())
        return
    body = _ALT.sub("", item)
    head, _, rest = body.partition(" ")
    keyword = head.lower()
    if keyword == "dob":
        dates = parse_dob(rest)
        if dates is None:
            facts.unreadable.append(item)
        else:
            facts.dates_of_birth.extend(dates)
    elif keyword == "pob" and rest:
        facts.places_of_birth.append(rest.strip())
    elif keyword in ("nationality", "citizen"):
        rest = rest.removeprefix("possibly ").strip()  # 'nationality possibly Palestinian': still a lead
        _add_country(
            rest, facts.nationalities if keyword == "nationality" else facts.citizenships, item, facts
        )
    elif keyword == "gender":
        gender = rest.strip().lower()
        facts.gender = "M" if gender == "male" else "F" if gender == "female" else facts.gender
    else:
        document = parse_document(body)
        if document is not None:
            facts.documents.append(document)


def _add_country(text: str, target: list[str], item: str, facts: RemarkFacts) -> None:
    code = country_code(text)
    if code is None:
        facts.unreadable.append(item)
    elif code not in target:
        target.append(code)


def parse_date(text: str) -> BirthDate | None:
    """'23 Nov 1962', 'Nov 1962' or '1962' -> BirthDate; None when it is not such a date."""
    match = _DATE.match(text.strip())
    if not match:
        return None
    day_text, month_text, year_text = match.groups()
    month = MONTHS.get(month_text[:3].lower()) if month_text else None
    if month_text and month is None:
        return None
    try:
        return BirthDate(year=int(year_text), month=month, day=int(day_text) if day_text else None)
    except ValueError:
        return None


def parse_dob(text: str) -> list[BirthDate] | None:
    """A DOB item's text: a date, 'circa <date>', '<date> to <date>'; None when unreadable."""
    value = text.strip()
    circa = value.lower().startswith("circa ")
    if circa:
        value = value[6:].strip()
    start_text, sep, end_text = value.partition(" to ")
    if not sep and re.fullmatch(r"\d{4}\s*-\s*\d{4}", value):  # 'circa 1979-1982'
        start_text, sep, end_text = value.partition("-")
    start = parse_date(start_text)
    if start is None:
        return None
    if not sep:
        return [start.model_copy(update={"circa": circa})] if circa else [start]
    end = parse_date(end_text)
    if end is None or end.year < start.year:
        return None
    return [_date_span(start, end, circa)]


def _date_span(start: BirthDate, end: BirthDate, circa: bool) -> BirthDate:
    """'01 Jan 1961 to 31 Dec 1962' is a range of years; within one year it keeps what both share."""
    if start.year != end.year:
        return BirthDate(year=start.year, end_year=end.year, circa=circa)
    month = start.month if start.month == end.month else None
    day = start.day if month and start.day == end.day else None
    return BirthDate(year=start.year, month=month, day=day, circa=circa)


def parse_document(body: str) -> EntryDocument | None:
    """'Passport RL 1794375 (Lebanon) issued 2001' -> passport RL1794375, LBN; None for other items."""
    for prefix, doc_type in DOCUMENT_PREFIXES:
        if body.startswith(prefix + " "):
            return _document(body[len(prefix) :].strip(), doc_type)
    return None


def _document(text: str, doc_type: str) -> EntryDocument | None:
    note_match = _DOC_TAIL.search(text)
    note = note_match.group(0).strip() if note_match else None
    text = _DOC_TAIL.sub("", text)
    country_text = None
    country_match = _COUNTRY_TAIL.search(text)
    if country_match:
        country_text = country_match.group(1)
        text = text[: country_match.start()]
    number = re.sub(r"^(?:No\.?|Number|#)\s*", "", text.strip()).strip()
    if not number or not any(c.isdigit() for c in number):
        return None
    country = country_code(country_text) if country_text else None
    return EntryDocument(number=number, doc_type=doc_type, country=country, note=note)
