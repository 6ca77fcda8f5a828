"""What the PNRGOV EDIFACT and XML mappings share: AIRIMP free-text layouts (DOCS, DOCO, DOCA, INFT,
contacts), dates, glued titles, card numbers reduced to issuer + last four + keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date, datetime

from paxvet.bookings.records import ContactRecord, DocumentRecord, PaymentRecord, PnrRecord, TravellerRecord
from paxvet.countries import to_alpha3
from paxvet.settings import get_settings

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1
    )
}
_TITLES = ("MR", "MRS", "MS", "MISS", "MSTR", "DR", "PROF", "REV", "SIR", "CHD", "INF")
# Glued to the given name ("SEJOONMR", "MOLLYMRS"): only titles that no given name plausibly ends with.
_GLUED_TITLES = ("MRS", "MSTR", "MISS", "MR")


def ssr_date(text: str | None, *, future: bool = False, today: date | None = None) -> date | None:
    """AIRIMP DDMMMYY ('14MAR78'); two-digit years pivot: birth dates in the past, expiries ahead."""
    m = re.fullmatch(r"\s*(\d{1,2})([A-Z]{3})(\d{2}|\d{4})\s*", (text or "").upper())
    if not m or m.group(2) not in _MONTHS:
        return None
    day, month, year = int(m.group(1)), _MONTHS[m.group(2)], int(m.group(3))
    if year < 100:
        now = today or date.today()
        year += 2000
        if not future and year > now.year:
            year -= 100
        if future and year > now.year + 50:
            year -= 100
    try:
        return date(year, month, day)
    except ValueError:
        return None


def edifact_datetime(day: str | None, time: str | None = None) -> datetime | None:
    """Segment dates DDMMYY with an optional HHMM (or HHMMSS) time; naive."""
    d = (day or "").strip()
    if not re.fullmatch(r"\d{6}", d):
        return None
    t = re.sub(r"\D", "", time or "")[:4].ljust(4, "0") if time else "0000"
    try:
        return datetime(2000 + int(d[4:6]), int(d[2:4]), int(d[0:2]), int(t[:2]), int(t[2:4]))
    except ValueError:
        return None


def split_title(given: str) -> tuple[str, str | None]:
    """'SEAN PATRICK MR' -> ('SEAN PATRICK', 'MR'); 'SEJOONMR' -> ('SEJOON', 'MR')."""
    words = given.split()
    if len(words) > 1 and words[-1] in _TITLES:
        return " ".join(words[:-1]), words[-1]
    if len(words) == 1:
        for title in _GLUED_TITLES:
            word = words[0]
            if word.endswith(title) and len(word) - len(title) >= 2:
                return word[: -len(title)], title
    return given.strip(), None


def _gender(value: str) -> tuple[str | None, bool]:
    value = value.strip().upper()
    if value in ("MI", "FI"):
        return value[0], True
    return (value if value in ("M", "F", "U", "X") else None), False


_SSR_DATE = re.compile(r"^\s*\d{1,2}[A-Z]{3}\d{2}\s*$")


def parse_docs(text: str) -> DocumentRecord:
    """'/P/IRL/PX1234567/IRL/14MAR78/M/15JAN30/OBRIEN/SEAN/PATRICK[/H]'.

    Senders disagree on the leading slash ('////05MAY91/M//...' vs '/////05FEB53/F//...'), so the fields
    are aligned on the date of birth, which is the fifth field whenever it is present."""
    body = text.strip()
    f = (body[1:] if body.startswith("/") else body).split("/")
    dob_at = next((i for i in (4, 3, 5) if i < len(f) and _SSR_DATE.match(f[i].upper())), 4)
    if dob_at != 4:
        f = [""] * (4 - dob_at) + f if dob_at < 4 else f[dob_at - 4 :]
    f += [""] * (10 - len(f))
    gender, infant = _gender(f[5])
    given = " ".join(x.strip() for x in f[8:10] if x.strip() and x.strip() != "H")
    return DocumentRecord(
        kind="DOCS",
        doc_type=f[0].strip() or None,
        issuing_country=to_alpha3(f[1]) or (f[1].strip() or None),
        number=f[2].strip() or None,
        nationality=to_alpha3(f[3]) or (f[3].strip() or None),
        date_of_birth=ssr_date(f[4]),
        gender=gender,
        expiry=ssr_date(f[6], future=True),
        surname=f[7].strip() or None,
        given_names=given or None,
        infant=infant,
    )


def parse_doco(text: str) -> DocumentRecord:
    """'/CORK IRL/V/UV998877/UTO/10JAN25/UTO[/I]': place of birth, type, number, place, issue, country."""
    body = text.strip()
    f = (body[1:] if body.startswith("/") else body).split("/")
    f += [""] * (7 - len(f))
    return DocumentRecord(
        kind="DOCO",
        place_of_birth=f[0].strip() or None,
        doc_type=f[1].strip() or None,
        number=f[2].strip() or None,
        issued=ssr_date(f[4]),
        issuing_country=to_alpha3(f[5]) or (f[5].strip() or None),
        infant=f[6].strip().upper() == "I",
    )


def parse_doca(text: str) -> ContactRecord:
    """'/D/UTO/1 HARBOUR ROW/UTOPIA CITY//UT1001': type (R residence, D destination), country, ..."""
    body = text.strip()
    f = (body[1:] if body.startswith("/") else body).split("/")
    f += [""] * (6 - len(f))
    country = to_alpha3(f[1]) or (f[1].strip() or None)
    line = ", ".join(x.strip() for x in (f[2], f[3], f[4], f[5]) if x.strip())
    return ContactRecord(
        "address", address_value(line, country), raw=text, purpose=f[0].strip() or None, country=country
    )


def address_value(line: str, country: str | None) -> str:
    """One comparable line: upper case, single spaces, country appended."""
    text = re.sub(r"\s+", " ", line.upper()).strip(" ,")
    return f"{text}, {country}" if country and text else text


def phone_value(text: str) -> str:
    return re.sub(r"\D", "", text)


def email_value(text: str) -> str:
    """AIRIMP e-mail: '//' stands for '@', '..' for '_'."""
    value = text.strip().replace("//", "@").replace("..", "_")
    return value.lower()


_CTC = re.compile(r"\bCTC\s?([EMHBTPRAF])\b\s*(.*)$|\bCTC([EMHBTPRAF])\s+(.*)$")


def contact_from_text(text: str) -> ContactRecord | None:
    """OSI / ADD contact lines: 'CTCE SEAN.OBRIEN//EXAMPLE.INVALID', 'CTCM 353871234567 OBRIEN',
    'EK CTC M 5432109876', 'CTCP MEX1800 002 5200'."""
    m = _CTC.search(text.upper())
    if not m:
        return None
    code = m.group(1) or m.group(3)
    rest = (m.group(2) if m.group(1) else m.group(4)) or ""
    if code == "E":
        address = rest.split()[0] if rest.split() else ""
        return ContactRecord("email", email_value(address), raw=text, purpose="CTCE") if address else None
    digits = re.match(r"[A-Z]{0,3}\s*([\d\s\-+()]{5,})", rest)
    number = phone_value(digits.group(1)) if digits else ""
    return ContactRecord("phone", number, raw=text, purpose=f"CTC{code}") if len(number) >= 5 else None


def infant_from_inft(text: str) -> tuple[str, str, date | None] | None:
    """'OBRIEN/NIAMH 11NOV24' or 'TESTSURNAMETWO/TESTNAMETWO/10AUG11' -> surname, given, DOB."""
    m = re.match(r"\s*([A-Z' -]+)/([A-Z' -]+?)(?:[ /](\d{1,2}[A-Z]{3}\d{2}))?\s*$", text.upper())
    if not m:
        return None
    return m.group(1).strip(), m.group(2).strip(), ssr_date(m.group(3))


def card_payment(fop_type: str, issuer: str | None, number: str | None, **extra: str | None) -> PaymentRecord:
    """Reduce a card to issuer, last four digits and a keyed HMAC; the number itself is not kept.

    Carriers send masked numbers ('XXXXXXXXXXXX1111'); the hash then covers issuer + length + last four,
    which is what links two bookings paid with the same card. A clear number is hashed whole."""
    raw = re.sub(r"[^0-9Xx*]", "", number or "").upper().replace("*", "X")
    digits = re.sub(r"\D", "", raw)
    last_four = raw[-4:] if len(raw) >= 4 and raw[-4:].isdigit() else None
    card_hash = None
    if last_four:
        material = digits if "X" not in raw else f"{len(raw)}:{last_four}"
        message = f"{(issuer or '').upper()}|{material}".encode()
        card_hash = hmac.new(get_settings().effective_secret_key, message, hashlib.sha256).hexdigest()
    return PaymentRecord(
        fop_type=fop_type, issuer=issuer or None, card_last_four=last_four, card_hash=card_hash, **extra
    )


def attach_infants(pnr: PnrRecord, infants: list[tuple[str | None, str, str, date | None]]) -> None:
    """Make sure every infant (from SSR INFT: adult ref, surname, given, DOB) is a traveller of its own,
    and move infant documents (gender MI/FI) from the adult to the infant."""
    for adult_ref, surname, given, dob in infants:
        match = next((t for t in pnr.travellers if t.surname == surname and t.given_names == given), None)
        if match is None:
            match = TravellerRecord(
                ref=None, surname=surname, given_names=given, passenger_type="IN", infant_of=adult_ref
            )
            pnr.travellers.append(match)
        match.infant_of = match.infant_of or adult_ref
        for adult in pnr.travellers:
            if adult is match:
                continue
            for doc in [
                d
                for d in adult.documents
                if d.infant
                and d.given_names
                and d.given_names.split()[0] == given.split()[0]
                and d.surname == surname
            ]:
                adult.documents.remove(doc)
                match.documents.append(doc)
        if dob and not any(d.date_of_birth for d in match.documents):
            match.documents.append(
                DocumentRecord(
                    kind="INFT", date_of_birth=dob, surname=surname, given_names=given, infant=True
                )
            )
