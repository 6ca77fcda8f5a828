"""PNRGOV XML (`IATA_PNRGOV_NotifRQ`) into the canonical PNR (`paxvet.bookings.records`).

Read with defusedxml (no entities, no DTD tricks). Elements are matched on their local names so a
namespace variant does not break parsing; unknown elements become warnings, never failures. Every problem
carries a path location such as `/IATA_PNRGOV_NotifRQ/PNRs/PNR[2]/Passenger[1]/DOC_SSR[1]`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from paxvet.bookings.records import (
    BagRecord,
    ContactRecord,
    DocumentRecord,
    FrequentFlyerRecord,
    HistoryRecord,
    LegRecord,
    PaymentRecord,
    PnrPush,
    PnrRecord,
    PushedFlight,
    SeatRecord,
    TicketRecord,
    TravellerRecord,
)
from paxvet.countries import to_alpha3
from paxvet.errors import Problem
from paxvet.ingest.pnrgov_common import (
    address_value,
    attach_infants,
    card_payment,
    email_value,
    infant_from_inft,
    parse_doca,
    parse_doco,
    parse_docs,
    phone_value,
)
from paxvet.ingest.sensitive import SensitiveFilter

ROOT = "IATA_PNRGOV_NotifRQ"
KNOWN = frozenset(
    [
        "IATA_PNRGOV_NotifRQ",
        "Originator",
        "FlightLeg",
        "DepartureAirport",
        "ArrivalAirport",
        "PNRs",
        "PNR",
        "BookingRefID",
        "CompanyName",
        "POS",
        "Source",
        "RequestorID",
        "ContactInfo",
        "AddressLine",
        "CityName",
        "PostalCode",
        "CountryName",
        "StateProv",
        "Passenger",
        "GivenName",
        "NameTitle",
        "Surname",
        "CustLoyalty",
        "DOC_SSR",
        "FlightInfo",
        "DOCS",
        "DOCO",
        "DOCA",
        "SSR",
        "Airline",
        "Text",
        "OSI",
        "Remark",
        "TicketDocument",
        "TotalFare",
        "BaseFare",
        "PricingInfo",
        "Taxes",
        "Tax",
        "PaymentInfo",
        "Flight",
        "OperatingAirline",
        "MarketingAirline",
        "Equipment",
        "CheckInInfo",
        "BoardingNumber",
        "SeatNumber",
        "Bag",
        "History",
        "HistoryItem",
        "SplitPNR",
        "PrepaidBag",
        "ExcessBaggage",
        "FareInfo",
        "Telephone",
        "Email",
    ]
)


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Reader:
    """Walks one document, collecting problems with their element paths."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._unknown: set[str] = set()

    def warn(self, message: str, path: str) -> None:
        self.problems.append(Problem(message, path, "warning"))

    def error(self, message: str, path: str) -> None:
        self.problems.append(Problem(message, path, "error"))

    def children(self, el: Element, name: str, path: str) -> Iterator[tuple[Element, str]]:
        index = 0
        for child in el:
            if local(child.tag) == name:
                index += 1
                yield child, f"{path}/{name}[{index}]"

    def child(self, el: Element, name: str) -> Element | None:
        return next((c for c in el if local(c.tag) == name), None)

    def text(self, el: Element, name: str) -> str:
        c = self.child(el, name)
        return (c.text or "").strip() if c is not None else ""

    def check_unknown(self, root: Element, path: str) -> None:
        for el in root.iter():
            name = local(el.tag) if isinstance(el.tag, str) else ""
            if name and name not in KNOWN and name not in self._unknown:
                self._unknown.add(name)
                self.warn(f"unknown element <{name}> ignored", path)


def _dt(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)


def _date(value: str | None) -> date | None:
    parsed = _dt(value)
    return parsed.date() if parsed else None


def parse_pnrgov_xml(data: bytes | str) -> PnrPush:
    """Parse one `IATA_PNRGOV_NotifRQ`; never raises for bad input, problems say what and where."""
    push = PnrPush(syntax="xml")
    reader = _Reader()
    try:
        root = SafeET.fromstring(data)
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        push.problems.append(Problem(f"not well-formed XML: {exc}", f"line {line}, column {column}"))
        return push
    except DefusedXmlException as exc:
        push.problems.append(Problem(f"refused XML construct: {type(exc).__name__}", "document"))
        return push
    except (ValueError, UnicodeError) as exc:
        push.problems.append(Problem(f"unreadable XML: {exc}", "document"))
        return push
    path = f"/{local(root.tag)}"
    if local(root.tag) != ROOT:
        push.problems.append(Problem(f"root element is <{local(root.tag)}>, expected <{ROOT}>", path))
        return push
    _read_header(root, push, reader, path)
    for pnrs, pnrs_path in reader.children(root, "PNRs", path):
        for pnr_el, pnr_path in reader.children(pnrs, "PNR", pnrs_path):
            push.pnrs.append(_read_pnr(pnr_el, reader, pnr_path))
    if not push.pnrs:
        reader.warn("no PNR in this push", path)
    reader.check_unknown(root, path)
    push.problems.extend(reader.problems)
    return push


def _read_header(root: Element, push: PnrPush, reader: _Reader, path: str) -> None:
    push.version = root.get("Version")
    # Update pushes are not yet pinned down by a public XSD; accept the attribute names generators use.
    kind = (root.get("MessageFunction") or root.get("PushType") or "").lower()
    push.action = "update" if kind in ("update", "141", "changes") else "full"
    originator = reader.child(root, "Originator")
    push.sender = originator.get("AirlineCode") if originator is not None else None
    leg = reader.child(root, "FlightLeg")
    if leg is None:
        reader.error("FlightLeg (the pushed flight) is missing", path)
        return
    dep, arr = reader.child(leg, "DepartureAirport"), reader.child(leg, "ArrivalAirport")
    push.flight = PushedFlight(
        carrier=leg.get("CarrierCode"),
        number=(leg.get("FlightNumber") or "").lstrip("0") or None,
        origin=dep.get("LocationCode") if dep is not None else None,
        destination=arr.get("LocationCode") if arr is not None else None,
        departure_local=_dt(leg.get("DepartureDateTime")),
        arrival_local=_dt(leg.get("ArrivalDateTime")),
    )
    if not push.flight.carrier or not push.flight.number:
        reader.error("FlightLeg has no CarrierCode or FlightNumber", f"{path}/FlightLeg")


def _read_pnr(el: Element, reader: _Reader, path: str) -> PnrRecord:
    pnr = PnrRecord(locator=None, location=path)
    filt = SensitiveFilter()
    for ref, _ in reader.children(el, "BookingRefID", path):
        company = reader.child(ref, "CompanyName")
        code = company.get("Code") if company is not None else None
        if pnr.locator is None and ref.get("Type") in (None, "", "14"):
            pnr.locator, pnr.carrier = ref.get("ID"), code
        elif ref.get("ID"):
            pnr.other_locators.append(f"{code or ''}:{ref.get('ID')}")
    if not pnr.locator:
        reader.error("PNR has no BookingRefID (record locator)", path)
    pnr.created_at = _dt(el.get("PNR_CreationDate"))
    pnr.last_modified_at = _dt(el.get("PNR_TransDate"))
    pnr.ticketed_at = _dt(el.get("LastTktDate"))
    pnr.cancelled = (el.get("Status") or "").lower() in ("cancelled", "xx")
    _read_pos(el, pnr, reader)
    for info, _ in reader.children(el, "ContactInfo", path):
        pnr.contacts.extend(_contacts(info, reader))
    infants: list[tuple[str | None, str, str, date | None]] = []
    for pax, pax_path in reader.children(el, "Passenger", path):
        pnr.travellers.append(_read_passenger(pax, reader, pax_path, filt, infants))
    for flight, flight_path in reader.children(el, "Flight", path):
        pnr.legs.append(_read_flight(flight, reader, flight_path, filt))
    for split, _ in reader.children(el, "SplitPNR", path):
        if split.get("ID"):
            pnr.split_locators.append(split.get("ID") or "")
    for history, _ in reader.children(el, "History", path):
        for item, _ in reader.children(history, "HistoryItem", path):
            text = (item.text or "").strip()
            if filt.drop_text(text):
                continue
            pnr.history.append(
                HistoryRecord(
                    _dt(item.get("TimeStamp")), _action(item.get("Action")), item.get("AgentSine"), text
                )
            )
    attach_infants(pnr, infants)
    pnr.sensitive_removed = filt.removed
    return pnr


def _action(value: str | None) -> str | None:
    return {"add": "A", "delete": "X", "cancel": "X", "change": "C", "modify": "C"}.get(
        (value or "").lower(), value
    )


def _read_pos(el: Element, pnr: PnrRecord, reader: _Reader) -> None:
    pos = reader.child(el, "POS")
    source = reader.child(pos, "Source") if pos is not None else None
    if source is None:
        return
    requestor = reader.child(source, "RequestorID")
    company = reader.child(requestor, "CompanyName") if requestor is not None else None
    fields = {
        "system": company.get("Code") if company is not None else None,
        "location": source.get("AirportCode"),
        "office_id": source.get("PseudoCityCode"),
        "iata_number": requestor.get("ID") if requestor is not None else None,
        "carrier": source.get("AirlineVendorID"),
        "country": source.get("ISOCountry"),
        "currency": source.get("ISOCurrency"),
        "agent": source.get("AgentSine"),
    }
    pnr.agency = {k: v for k, v in fields.items() if v}


def _contacts(info: Element, reader: _Reader) -> list[ContactRecord]:
    out: list[ContactRecord] = []
    phone, email = info.get("PhoneNumber"), info.get("EmailAddress")
    if phone and phone_value(phone):
        out.append(ContactRecord("phone", phone_value(phone), raw=phone, purpose="phone"))
    if email:
        out.append(ContactRecord("email", email_value(email), raw=email, purpose="email"))
    street = reader.text(info, "AddressLine")
    city = reader.text(info, "CityName")
    postcode = reader.text(info, "PostalCode")
    country_el = reader.child(info, "CountryName")
    country = to_alpha3(country_el.get("Code")) if country_el is not None else None
    line = ", ".join(x for x in (street, city, postcode) if x)
    if line:
        out.append(
            ContactRecord(
                "address", address_value(line, country), raw=line, purpose="contact", country=country
            )
        )
    return out


def _read_passenger(
    pax: Element,
    reader: _Reader,
    path: str,
    filt: SensitiveFilter,
    infants: list[tuple[str | None, str, str, date | None]],
) -> TravellerRecord:
    surname = reader.text(pax, "Surname").upper()
    if not surname:
        reader.error("Passenger has no Surname", path)
    traveller = TravellerRecord(
        ref=pax.get("RPH"),
        surname=surname,
        given_names=reader.text(pax, "GivenName").upper(),
        title=reader.text(pax, "NameTitle") or None,
        passenger_type=pax.get("PassengerTypeCode") or "A",
        with_infant=(pax.get("AccompaniedByInfantInd") or "").lower() == "true",
    )
    for loyalty, _ in reader.children(pax, "CustLoyalty", path):
        if loyalty.get("MembershipID"):
            traveller.frequent_flyers.append(
                FrequentFlyerRecord(
                    loyalty.get("ProgramID"), loyalty.get("MembershipID") or "", loyalty.get("LoyalLevel")
                )
            )
    for doc_ssr, doc_path in reader.children(pax, "DOC_SSR", path):
        _read_doc_ssr(doc_ssr, reader, doc_path, traveller)
    for ssr, _ in reader.children(pax, "SSR", path):
        code, text = (ssr.get("SSRCode") or "").upper(), reader.text(ssr, "Text")
        if filt.drop_ssr(code, text):
            continue
        if code == "INFT":
            infant = infant_from_inft(text)
            if infant:
                infants.append((traveller.ref, *infant))
        elif code in ("CTCE", "CTCM", "CTCH", "CTCB"):
            value = email_value(text) if code == "CTCE" else phone_value(text)
            traveller.contacts.append(
                ContactRecord("email" if code == "CTCE" else "phone", value, text, code)
            )
    for osi, _ in reader.children(pax, "OSI", path):
        text = (osi.text or reader.text(osi, "Text")).strip()
        if text and not filt.drop_text(text):
            traveller.remarks.append(text)
    for ticket, ticket_path in reader.children(pax, "TicketDocument", path):
        _read_ticket(ticket, reader, ticket_path, traveller)
    return traveller


def _read_doc_ssr(el: Element, reader: _Reader, path: str, traveller: TravellerRecord) -> None:
    code = (el.get("SSRCode") or "").upper()
    inner = reader.child(el, code) if code else None
    if inner is None:
        text = reader.text(el, "Text")
        if code == "DOCS" and text:
            traveller.documents.append(parse_docs(text))
        elif code == "DOCO" and text:
            traveller.documents.append(parse_doco(text))
        elif code == "DOCA" and text:
            traveller.contacts.append(parse_doca(text))
        else:
            reader.warn(f"DOC_SSR {code or '(no SSRCode)'} has no {code or 'content'} element", path)
        return
    a = inner.attrib
    if code == "DOCS":
        gender = (a.get("Gender") or "").upper()
        given = " ".join(x for x in (a.get("FirstGivenName"), a.get("SecondGivenName")) if x)
        traveller.documents.append(
            DocumentRecord(
                kind="DOCS",
                doc_type=a.get("DocType"),
                number=a.get("DocID"),
                issuing_country=to_alpha3(a.get("DocIssueCountry")) or a.get("DocIssueCountry"),
                nationality=to_alpha3(a.get("PaxNationality")) or a.get("PaxNationality"),
                date_of_birth=_date(a.get("DateOfBirth")),
                gender=gender[:1] or None,
                expiry=_date(a.get("ExpiryDate")),
                surname=a.get("Surname"),
                given_names=given or None,
                infant=gender in ("MI", "FI"),
            )
        )
    elif code == "DOCO":
        traveller.documents.append(
            DocumentRecord(
                kind="DOCO",
                doc_type=a.get("TravelDocType"),
                number=a.get("TravelDocNbr"),
                place_of_birth=a.get("BirthLocation"),
                issued=_date(a.get("DateOfIssue")),
                issuing_country=to_alpha3(a.get("CountryState")) or a.get("CountryState"),
            )
        )
    elif code == "DOCA":
        country = to_alpha3(a.get("Country")) or a.get("Country")
        line = ", ".join(
            x for x in (a.get("Address"), a.get("CityName"), a.get("StateProv"), a.get("PostalCode")) if x
        )
        traveller.contacts.append(
            ContactRecord(
                "address",
                address_value(line, country),
                raw=line,
                purpose=a.get("AddressType"),
                country=country,
            )
        )
    else:
        reader.warn(f"DOC_SSR with unexpected SSRCode {code!r}", path)


def _read_ticket(el: Element, reader: _Reader, path: str, traveller: TravellerRecord) -> None:
    total = reader.child(el, "TotalFare")
    base = reader.child(el, "BaseFare")
    ticketless = (el.get("Type") or "").lower() == "ticketless"
    traveller.tickets.append(
        TicketRecord(
            number=el.get("TicketDocumentNbr"),
            ticketless=ticketless,
            issued_on=_date(el.get("DateOfIssue")),
            base_amount=base.get("Amount") if base is not None else None,
            total_amount=total.get("Amount") if total is not None else None,
            currency=total.get("CurrencyCode") if total is not None else None,
        )
    )
    for pay, _ in reader.children(el, "PaymentInfo", path):
        traveller.payments.append(_payment(pay))


def _payment(pay: Element) -> PaymentRecord:
    fop = (pay.get("PaymentType") or "").upper() or "MS"
    extra = {"amount": pay.get("PaymentAmount"), "holder_name": pay.get("CardHolderName")}
    if fop == "CC" or pay.get("AccountNbr"):
        return card_payment(fop, pay.get("VendorCode"), pay.get("AccountNbr"), **extra)
    return PaymentRecord(fop_type=fop, issuer=pay.get("VendorCode"), **extra)


def _read_flight(el: Element, reader: _Reader, path: str, filt: SensitiveFilter) -> LegRecord:
    operating, marketing = reader.child(el, "OperatingAirline"), reader.child(el, "MarketingAirline")
    dep, arr = reader.child(el, "DepartureAirport"), reader.child(el, "ArrivalAirport")
    equipment = reader.child(el, "Equipment")
    leg = LegRecord(
        carrier=marketing.get("Code") if marketing is not None else None,
        number=(el.get("FlightNumber") or "").lstrip("0") or None,
        origin=dep.get("LocationCode") if dep is not None else None,
        destination=arr.get("LocationCode") if arr is not None else None,
        departure_local=_dt(el.get("DepartureDateTime")),
        arrival_local=_dt(el.get("ArrivalDateTime")),
        booking_class=el.get("ResBookDesigCode"),
        status=el.get("Status"),
        equipment=equipment.get("AirEquipType") if equipment is not None else None,
    )
    if operating is not None:
        op_carrier = operating.get("Code")
        op_number = (operating.get("FlightNumber") or "").lstrip("0") or None
        if (op_carrier, op_number) != (leg.carrier, leg.number):
            leg.operating_carrier, leg.operating_number = op_carrier, op_number
        if leg.carrier is None:
            leg.carrier = op_carrier
    if leg.carrier is None:
        reader.warn("Flight without a MarketingAirline or OperatingAirline code", path)
    for ssr, _ in reader.children(el, "SSR", path):
        code, text = (ssr.get("SSRCode") or "").upper(), reader.text(ssr, "Text")
        if filt.drop_ssr(code, text):
            continue
        if code in ("SEAT", "NSST"):
            for seat in re.findall(r"\d{1,3}[A-K]", text):
                leg.seats.append(SeatRecord(seat=seat.lstrip("0"), source="ssr"))
    for checkin, _ in reader.children(el, "CheckInInfo", path):
        _read_checkin(checkin, reader, leg)
    return leg


def _read_checkin(el: Element, reader: _Reader, leg: LegRecord) -> None:
    at = _dt(el.get("Time"))
    for board in (c for c in el if local(c.tag) == "BoardingNumber"):
        pax = reader.child(board, "Passenger")
        name = (
            f"{reader.text(pax, 'Surname')}/{reader.text(pax, 'GivenName')}".upper()
            if pax is not None
            else None
        )
        seat_el = reader.child(board, "SeatNumber")
        if seat_el is not None and (seat_el.text or "").strip():
            leg.seats.append(
                SeatRecord(
                    seat=(seat_el.text or "").strip().lstrip("0"),
                    traveller_ref=board.get("RPH"),
                    traveller_name=name,
                    cabin=seat_el.get("CabinClass"),
                    source="checkin",
                    boarding_number=board.get("Number"),
                    checked_in_at=at,
                )
            )
        for bag in (c for c in board if local(c.tag) == "Bag"):
            leg.bags.append(_bag(bag, board.get("RPH"), name))


def _bag(bag: Element, ref: str | None, name: str | None) -> BagRecord:
    tag = bag.get("BagTagNumber") or ""
    carrier, first = (tag[:2], tag[2:]) if len(tag) > 2 and tag[:2].isalpha() else (None, tag or None)
    pool = {"headofpool": "HP", "memberofpool": "MP"}.get((bag.get("PoolStatus") or "").lower())
    quantity = bag.get("Quantity")
    return BagRecord(
        traveller_ref=ref,
        traveller_name=name,
        count=int(quantity) if quantity and quantity.isdigit() else None,
        weight=bag.get("Weight"),
        unit=bag.get("UnitOfMeasureCode"),
        pool=pool,
        carrier=carrier,
        first_tag=first,
        tag_count=int(quantity) if quantity and quantity.isdigit() else None,
        destination=bag.get("Destination"),
    )
