"""PNRGOV EDIFACT (versions 10.1 to 18.1) into the canonical PNR (`paxvet.bookings.records`).

Built on `paxvet.ingest.edifact` (tokenizer and envelopes). Groups are opened by their trigger segments
(SRC per PNR, TIF per passenger, TKT ticket, FOP payment, TVL leg, DAT+2 check-in, TRI checked-in
passenger, EQN split PNRs, MSG+8 non-air, ABI history, SAC history item) and order inside a group is
tolerated. Nothing raises on bad input: every oddity is a located `Diagnostic`. Sensitive items are
dropped here, before anything is stored, and counted per PNR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from paxvet.bookings.records import (
    BagRecord,
    ContactRecord,
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
from paxvet.ingest.edifact import Diagnostic, Message, Segment, parse_edifact
from paxvet.ingest.pnrgov_common import (
    address_value,
    attach_infants,
    card_payment,
    contact_from_text,
    edifact_datetime,
    infant_from_inft,
    parse_doca,
    parse_doco,
    parse_docs,
    phone_value,
    split_title,
)
from paxvet.ingest.sensitive import SensitiveFilter

_TAG_LIST = (
    "MSG ORG TVL EQN SRC RCI SSR DAT IFT ADD EBD TIF FTI REF FAR TKT MON PTK TXD FOP TRA RPI APD TRI "
    "SSD TBD ABI SAC LTS"
)
KNOWN_TAGS = frozenset(_TAG_LIST.split(" "))
_BAG_UNITS = {"700": "KGM", "701": "LBR"}


@dataclass
class _State:
    """Which group is open; the mapper reads each segment in this context."""

    pnr: PnrRecord | None = None
    traveller: TravellerRecord | None = None
    ticket: TicketRecord | None = None
    payment: PaymentRecord | None = None
    leg: LegRecord | None = None
    checkin_at: str | None = None
    checkin_ref: tuple[str | None, str | None] | None = None  # (boarding number, traveller ref)
    checkin_name: str | None = None
    zone: str = "header"  # header | pnr | traveller | leg | checkin | split | nonair | history
    history: HistoryRecord | None = None
    filt: SensitiveFilter = field(default_factory=SensitiveFilter)
    infants: list[tuple[str | None, str, str, date | None]] = field(default_factory=list)


class PnrgovMapper:
    """Maps the body of one PNRGOV message (one part of a push) into a `PnrPush`."""

    def __init__(self, message: Message, filename: str = "") -> None:
        self.message = message
        self.filename = filename
        self.diagnostics: list[Diagnostic] = []
        self.push = PnrPush(syntax="edifact", version=f"{message.version}.{message.release}".strip("."))
        self.push.sender = message.sender or None
        self.s = _State()
        self._eqn_segment: Segment | None = None

    def diag(self, severity: str, text: str, seg: Segment, element: int | None = None) -> None:
        self.diagnostics.append(
            Diagnostic(
                severity,
                text,
                self.filename,
                self.message.interchange.ref if self.message.interchange else None,
                self.message.ref,
                seg.number,
                seg.tag,
                element,
                seg.line,
            )
        )

    def run(self) -> PnrPush:
        for seg in self.message.body:
            try:
                self.segment(seg)
            except (ValueError, IndexError, TypeError) as exc:  # one bad segment must not lose the rest
                self.diag("error", f"cannot read {seg.tag}: {exc}", seg)
        self._close_pnr()
        self._check_declared_count()
        if self.push.flight is None:
            first = self.message.segments[0]
            self.diag("error", "no TVL at the head of the message: the pushed flight is unknown", first)
        self.push.problems = [d.to_problem() for d in self.diagnostics]
        return self.push

    def _check_declared_count(self) -> None:
        """EQN is the number of PNRs of the whole push: comparable here only for a single-part push."""
        single = self.message.part_number == 1 and self.message.part_flag == "F"
        declared, seg = self.push.declared_pnrs, self._eqn_segment
        if single and seg is not None and declared is not None and declared != len(self.push.pnrs):
            self.diag(
                "warning", f"EQN declares {declared} PNRs, the message has {len(self.push.pnrs)}", seg, 1
            )

    # ---- dispatch ------------------------------------------------------------------------------------

    def segment(self, seg: Segment) -> None:
        tag = seg.tag.upper()
        if tag not in KNOWN_TAGS:
            self.diag("warning", f"segment {tag!r} is not part of PNRGOV; ignored", seg)
            return
        if tag == "SRC":
            self._open_pnr(seg)
            return
        if self.s.pnr is None:
            self._header(tag, seg)
            return
        getattr(self, f"_{tag.lower()}")(seg)

    def _header(self, tag: str, seg: Segment) -> None:
        if tag == "MSG":
            code = seg.get(1, 1).strip()
            self.push.action = "update" if code == "141" else "full"
            if code not in ("22", "141"):
                self.diag("warning", f"MSG action {code!r} is neither 22 (full) nor 141 (update)", seg, 1)
        elif tag == "ORG":
            self.push.sender = seg.get(1, 0).strip() or self.push.sender
        elif tag == "TVL":
            leg = self._leg_from_tvl(seg)
            self.push.flight = PushedFlight(
                leg.carrier, leg.number, leg.origin, leg.destination, leg.departure_local, leg.arrival_local
            )
            if not leg.carrier or not leg.number:
                self.diag("error", "the pushed flight's TVL has no carrier or flight number", seg)
        elif tag == "EQN":
            count = seg.get(1, 0).strip()
            self.push.declared_pnrs = int(count) if count.isdigit() else None
            self._eqn_segment = seg
        else:
            self.diag("warning", f"{tag} before the first PNR (SRC); ignored", seg)

    # ---- Gr1: PNR ------------------------------------------------------------------------------------

    def _open_pnr(self, seg: Segment) -> None:
        self._close_pnr()
        self.s = _State(
            pnr=PnrRecord(locator=None, location=f"segment {seg.number}, line {seg.line}"), zone="pnr"
        )

    def _close_pnr(self) -> None:
        pnr = self.s.pnr
        if pnr is None:
            return
        if not pnr.locator:
            self.diagnostics.append(
                Diagnostic(
                    "warning",
                    "PNR without a record locator (RCI)",
                    self.filename,
                    None,
                    self.message.ref,
                    None,
                    "SRC",
                    None,
                    None,
                )
            )
        attach_infants(pnr, self.s.infants)
        pnr.sensitive_removed = self.s.filt.removed
        self.push.pnrs.append(pnr)
        self.s = _State()

    def _rci(self, seg: Segment) -> None:
        pnr = self.s.pnr
        assert pnr is not None
        if self.s.zone == "split":
            locator = seg.get(1, 1).strip()
            if locator:
                pnr.split_locators.append(locator)
            return
        if self.s.zone not in ("pnr", "traveller") and pnr.locator:
            return  # RCI repeated inside a leg group: the same booking
        for index, comps in enumerate(seg.occurrences(), start=1):
            comps = [*comps, "", "", "", "", ""]
            carrier, locator = comps[0].strip(), comps[1].strip()
            if not locator:
                continue
            if pnr.locator is None:
                pnr.carrier, pnr.locator = carrier or None, locator
                day, time = comps[3].strip(), comps[4].strip()
                if not day and re.fullmatch(r"\d{6}", comps[2].strip()):
                    day, time = comps[2].strip(), comps[3].strip()
                    self.diag("warning", "RCI creation date in the wrong component; read anyway", seg, index)
                pnr.created_at = edifact_datetime(day, time)
            else:
                pnr.other_locators.append(f"{carrier}:{locator}")

    def _dat(self, seg: Segment) -> None:
        if self.s.zone in ("leg", "checkin"):
            self.s.zone, self.s.checkin_at = "checkin", None
            if seg.get(1, 0).strip() == "2" and seg.get(1, 1).strip():
                self.s.checkin_at = f"{seg.get(1, 1)}:{seg.get(1, 2)}"
            return
        for comps in seg.occurrences():
            comps = [*comps, "", ""]
            when = edifact_datetime(comps[1].strip(), comps[2].strip())
            qualifier = comps[0].strip()
            if self.s.zone == "history" and self.s.history is not None:
                self.s.history.at = when
            elif qualifier == "700":
                self.s.pnr.last_modified_at = when  # type: ignore[union-attr]
            elif qualifier == "710" and self.s.ticket is not None and when:
                self.s.ticket.issued_on = when.date()
            elif qualifier == "710":
                self.s.pnr.ticketed_at = when  # type: ignore[union-attr]

    def _org(self, seg: Segment) -> None:
        pnr = self.s.pnr
        assert pnr is not None
        if self.s.zone in ("leg", "checkin"):
            return  # check-in agent / station
        if not seg.elements or not any(c.strip() for e in seg.elements for c in e):
            if self.push.action == "update":
                pnr.cancelled = True  # empty ORG in an update push: the PNR is cancelled / off the flight
            else:
                self.diag(
                    "warning", "empty ORG in a full push: no booking office given (not a cancellation)", seg
                )
            return
        fields = {
            "system": seg.get(1, 0),
            "location": seg.get(1, 1),
            "iata_number": seg.get(2, 0),
            "office_id": seg.get(2, 1),
            "city": seg.get(3, 0),
            "carrier": seg.get(4, 0),
            "originator_type": seg.get(5, 0),
            "country": seg.get(6, 0),
            "currency": seg.get(6, 1),
            "agent": seg.get(7, 0),
        }
        pnr.agency = {k: v.strip() for k, v in fields.items() if v.strip()}

    def _ssr(self, seg: Segment) -> None:
        comps = [*seg.element(1), *[""] * 9]
        code, text = comps[0].strip().upper(), comps[8]
        if self.s.zone == "history":
            whole = " ".join(":".join(c for c in e if c) for e in seg.occurrences())
            self._history_text(seg, f"SSR {whole}".strip(), sensitive_code=code)
            return
        if self.s.filt.drop_ssr(code, text):
            return
        ref = seg.get(2, 2).strip() or None
        target = self._traveller_by_ref(ref) or (self.s.traveller if self.s.zone == "traveller" else None)
        if code in ("SEAT", "NSST", "RQST", "NSSA", "NSSW") and self.s.leg is not None:
            self._seats(seg, text)
        elif code == "DOCS" and target is not None:
            self._add_document(target, parse_docs(text))
        elif code == "DOCO" and target is not None:
            self._add_document(target, parse_doco(text))
        elif code == "DOCA" and target is not None:
            self._add_contact(target.contacts, parse_doca(text))
        elif code == "INFT":
            infant = infant_from_inft(text)
            if infant and not any(i[1:3] == infant[:2] for i in self.s.infants):
                self.s.infants.append((ref or (target.ref if target else None), *infant))
        elif code == "FQTV" and target is not None:
            self._frequent_flyer(target, text, comps[3])
        elif code in ("CTCE", "CTCM", "CTCH", "CTCB"):
            contact = contact_from_text(f"{code} {text}")
            owner = target.contacts if target is not None else self.s.pnr.contacts  # type: ignore[union-attr]
            if contact:
                self._add_contact(owner, contact)
        elif code in ("DOCS", "DOCO", "DOCA", "FQTV"):
            self.diag("warning", f"SSR {code} refers to no known passenger", seg, 2)
        elif text.strip() and self.s.zone == "pnr":
            self.s.pnr.remarks.append(f"{code} {text.strip()}")  # type: ignore[union-attr]

    def _ift(self, seg: Segment) -> None:
        qualifier = seg.get(1, 1).strip()
        text = " ".join(" ".join(c for c in e if c) for e in seg.occurrences(2)).strip()
        if self.s.zone == "history":
            self._history_text(seg, text)
            return
        if not text or self.s.filt.drop_text(text):
            return
        if qualifier == "43" and self.s.payment is not None:
            self.s.payment.holder_name = seg.get(2, 0).strip() or None
            self.s.payment.holder_address = seg.get(3, 0).strip() or None
            phone = phone_value(seg.get(4, 0))
            if len(phone) >= 5 and self.s.traveller is not None:
                self._add_contact(
                    self.s.traveller.contacts, ContactRecord("phone", phone, seg.get(4, 0), "payer")
                )
            return
        if qualifier == "15":
            return  # fare calculation
        contact = contact_from_text(text)
        owner = self.s.traveller if self.s.zone == "traveller" else None
        if contact is not None:
            self._add_contact(owner.contacts if owner else self.s.pnr.contacts, contact)  # type: ignore[union-attr]
        elif owner is not None:
            owner.remarks.append(text)
        elif self.s.pnr is not None:
            self.s.pnr.remarks.append(text)

    def _add(self, seg: Segment) -> None:
        comps = [*seg.element(2), *[""] * 8]
        purpose, street, city, state, country_raw, postcode = (
            comps[0],
            comps[1],
            comps[2],
            comps[3],
            comps[5],
            comps[6],
        )
        country = to_alpha3(country_raw) or (country_raw.strip() or None)
        owner = self.s.traveller.contacts if self.s.zone == "traveller" and self.s.traveller else None
        target = owner if owner is not None else self.s.pnr.contacts  # type: ignore[union-attr]
        line = ", ".join(x.strip() for x in (street, city, state, postcode) if x.strip())
        if line:
            contact = ContactRecord(
                "address", address_value(line, country), raw=line, purpose=purpose or None, country=country
            )
            if self.s.payment is not None and self.s.zone == "traveller":
                self.s.payment.holder_address = contact.value
            self._add_contact(target, contact)
        for part in comps[7:]:
            found = contact_from_text(part)
            if found is not None:
                self._add_contact(target, found)
                continue
            for number in re.findall(r"\d[\d ]{4,}\d", part):
                self._add_contact(target, ContactRecord("phone", phone_value(number), part, purpose or None))

    def _ebd(self, seg: Segment) -> None:
        return  # excess baggage charges: not needed for vetting

    # ---- Gr2..Gr4: passenger, ticket, payment ---------------------------------------------------------

    def _tif(self, seg: Segment) -> None:
        surname = seg.get(1, 0).strip().upper()
        given_raw = seg.get(2, 0).strip().upper()
        ptc, ref, infant_flag = seg.get(2, 1).strip(), seg.get(2, 2).strip() or None, seg.get(2, 3).strip()
        if self.s.zone == "history":
            self._history_text(seg, f"NAME {surname}/{given_raw}")
            return
        if self.s.zone == "checkin":
            self.s.checkin_name = f"{surname}/{split_title(given_raw)[0]}"
            self.s.checkin_ref = (self.s.checkin_ref or (None, None))[0], ref
            return
        if seg.get(1, 1).strip().upper() == "G":
            self.s.pnr.remarks.append(f"GROUP {surname}")  # type: ignore[union-attr]
            return
        if not surname:
            self.diag("error", "TIF without a surname", seg, 1)
        given, title = split_title(given_raw)
        self.s.traveller = TravellerRecord(
            ref=ref,
            surname=surname,
            given_names=given,
            title=title,
            passenger_type=ptc or None,
            with_infant=infant_flag == "1",
        )
        self.s.pnr.travellers.append(self.s.traveller)  # type: ignore[union-attr]
        self.s.zone, self.s.ticket, self.s.payment, self.s.leg = "traveller", None, None, None

    def _fti(self, seg: Segment) -> None:
        if self.s.traveller is None:
            self.diag("warning", "FTI outside a passenger group", seg)
            return
        comps = [*seg.element(1), "", ""]
        tier = next((c.strip() for c in reversed(comps[2:]) if c.strip()), None)
        if comps[1].strip():
            self.s.traveller.frequent_flyers.append(
                FrequentFlyerRecord(comps[0].strip() or None, comps[1].strip(), tier)
            )

    def _ref(self, seg: Segment) -> None:
        if self.s.traveller is not None:
            self.s.traveller.unique_ref = seg.get(1, 1).strip() or seg.get(1, 0).strip() or None

    def _far(self, seg: Segment) -> None:
        return

    def _tkt(self, seg: Segment) -> None:
        if self.s.traveller is None:
            self.diag("warning", "TKT outside a passenger group", seg)
            return
        number = seg.get(1, 0).strip()
        self.s.ticket = TicketRecord(number=number or None, ticketless=not number)
        self.s.traveller.tickets.append(self.s.ticket)
        self.s.payment = None

    def _mon(self, seg: Segment) -> None:
        if self.s.ticket is None:
            return
        for index, comps in enumerate(seg.occurrences()):
            comps = [*comps, "", ""]
            qualifier = comps[0].strip() or ("B" if index == 0 else "T")
            if qualifier == "B":
                self.s.ticket.base_amount = comps[1].strip() or None
            elif qualifier == "T":
                self.s.ticket.total_amount = comps[1].strip() or None
            self.s.ticket.currency = comps[2].strip() or self.s.ticket.currency

    def _ptk(self, seg: Segment) -> None:
        return

    def _txd(self, seg: Segment) -> None:
        return

    def _fop(self, seg: Segment) -> None:
        for comps in seg.occurrences():
            comps = [*comps, *[""] * 6]
            fop, amount, issuer, number = comps[0].strip(), comps[2].strip(), comps[3].strip(), comps[4]
            if not fop:
                continue
            if fop == "CC" or number.strip():
                payment = card_payment(fop, issuer or None, number, amount=amount or None)
            else:
                payment = PaymentRecord(fop_type=fop, issuer=issuer or None, amount=amount or None)
            owner = self.s.traveller.payments if self.s.traveller is not None else self.s.pnr.payments  # type: ignore[union-attr]
            owner.append(payment)
            self.s.payment = payment

    # ---- Gr5..Gr7: itinerary, check-in ----------------------------------------------------------------

    def _tvl(self, seg: Segment) -> None:
        if self.s.zone == "history":
            leg = self._leg_from_tvl(seg)
            self._history_text(
                seg,
                f"FLIGHT {leg.carrier or ''}{leg.number or ''} {leg.origin or ''}"
                f"{leg.destination or ''} {leg.departure_local or ''}".strip(),
            )
            return
        if not seg.get(1, 0).strip() and not seg.get(2, 0).strip() and self.s.leg is not None:
            # older code-share style: a bare TVL+++++303:Y gives the operating flight's number
            self.s.leg.operating_number = seg.get(5, 0).strip().lstrip("0") or None
            self._orient_codeshare(self.s.leg)
            return
        leg = self._leg_from_tvl(seg)
        if self.s.zone == "nonair":
            leg.kind = "hotel" if (leg.carrier or "").upper() == "HH" else "other"
        self.s.pnr.legs.append(leg)  # type: ignore[union-attr]
        self.s.leg, self.s.zone, self.s.traveller = leg, "leg" if leg.kind == "air" else "nonair", None
        self.s.ticket = self.s.payment = None

    def _leg_from_tvl(self, seg: Segment) -> LegRecord:
        dates = [*seg.element(1), "", "", "", ""]
        dep_day, dep_time, arr_day, arr_time = (x.strip() for x in dates[:4])
        if re.fullmatch(r"\d{4}", arr_day) and not arr_time:  # "280918:1220:1505": arrival time only
            arr_day, arr_time = "", arr_day
        carrier = seg.get(4, 0).strip() or None
        leg = LegRecord(
            carrier=carrier,
            number=seg.get(5, 0).strip().lstrip("0") or None,
            origin=seg.get(2, 0).strip() or None,
            destination=seg.get(3, 0).strip() or None,
            departure_local=edifact_datetime(dep_day, dep_time),
            arrival_local=edifact_datetime(arr_day or dep_day, arr_time) if (arr_day or arr_time) else None,
            booking_class=seg.get(5, 1).strip() or None,
            operating_carrier=seg.get(4, 1).strip() or None,
        )
        if (carrier and carrier.upper() == "HH") or seg.get(2, 1).strip():
            leg.description = seg.get(4, 1).strip() or seg.get(2, 1).strip() or None
            leg.operating_carrier = None
        return leg

    def _orient_codeshare(self, leg: LegRecord) -> None:
        """Carriers disagree on which number the first TVL carries; the pushed flight decides."""
        flight = self.push.flight
        if flight and (leg.operating_carrier, leg.number) == (flight.carrier, flight.number):
            leg.number, leg.operating_number = leg.operating_number, leg.number

    def _tra(self, seg: Segment) -> None:
        if self.s.leg is not None:
            self.s.leg.operating_carrier = seg.get(1, 0).strip() or None
            self.s.leg.operating_number = seg.get(2, 0).strip().lstrip("0") or None

    def _rpi(self, seg: Segment) -> None:
        if self.s.zone == "history" and self.s.history is not None:
            self.s.history.text = f"{self.s.history.text} {seg.get(2, 0).strip()}".strip()
        elif self.s.leg is not None:
            self.s.leg.status = seg.get(2, 0).strip() or None

    def _apd(self, seg: Segment) -> None:
        if self.s.leg is not None:
            self.s.leg.equipment = seg.get(1, 0).strip() or None

    def _seats(self, seg: Segment, text: str) -> None:
        leg = self.s.leg
        assert leg is not None
        found = False
        for comps in seg.elements[1:]:
            comps = [*comps, "", "", ""]
            seat = comps[0].strip().lstrip("0")
            if re.fullmatch(r"\d{1,3}[A-Z]", seat):
                leg.seats.append(SeatRecord(seat=seat, traveller_ref=comps[2].strip() or None))
                found = True
        if not found:
            for seat in re.findall(r"\d{1,3}[A-K]", text):
                leg.seats.append(SeatRecord(seat=seat.lstrip("0")))

    def _tri(self, seg: Segment) -> None:
        self.s.zone = "checkin"
        self.s.checkin_ref = (seg.get(2, 0).strip() or None, seg.get(2, 3).strip() or None)
        self.s.checkin_name = None

    def _ssd(self, seg: Segment) -> None:
        seat = seg.get(1, 0).strip().lstrip("0")
        if self.s.leg is None or not re.fullmatch(r"\d{1,3}[A-Z]", seat):
            return
        boarding, ref = self.s.checkin_ref or (None, None)
        when = self.s.checkin_at.split(":") if self.s.checkin_at else ["", ""]
        self.s.leg.seats.append(
            SeatRecord(
                seat=seat,
                traveller_ref=ref,
                traveller_name=self.s.checkin_name,
                cabin=seg.get(5, 0).strip() or None,
                source="checkin",
                boarding_number=boarding,
                checked_in_at=edifact_datetime(when[0], when[1]),
            )
        )

    def _tbd(self, seg: Segment) -> None:
        if self.s.zone == "history":
            return
        if self.s.leg is None:
            self.diag("warning", "TBD outside an itinerary leg", seg)
            return
        measure = [*seg.element(2), "", "", ""]
        count = measure[0].strip()
        _, ref = self.s.checkin_ref or (None, None)
        bag = BagRecord(
            traveller_ref=ref,
            traveller_name=self.s.checkin_name,
            count=int(count) if count.isdigit() else None,
            weight=measure[1].strip() or None,
            unit=_BAG_UNITS.get(measure[2].strip(), measure[2].strip() or None),
            pool=seg.get(4, 0).strip() or None,
        )
        tags = [e for e in seg.elements[4:] if any(c.strip() for c in e)]
        if tags:
            t = [*tags[0], "", "", "", ""]
            bag.carrier, bag.first_tag = t[0].strip() or None, t[1].strip() or None
            bag.tag_count = int(t[2]) if t[2].strip().isdigit() else len(tags)
            bag.destination = t[3].strip() or None
        self.s.leg.bags.append(bag)

    # ---- Gr8..Gr12: split PNRs, non-air, history --------------------------------------------------------

    def _eqn(self, seg: Segment) -> None:
        self.s.zone = "split"

    def _msg(self, seg: Segment) -> None:
        self.s.zone, self.s.leg = "nonair", None

    def _abi(self, seg: Segment) -> None:
        self.s.zone = "history"
        who = seg.get(2, 0).strip() or seg.get(2, 1).strip() or seg.get(3, 0).strip() or None
        self.s.history = HistoryRecord(who=who)
        self._pending_history_who = who

    def _sac(self, seg: Segment) -> None:
        if self.s.zone != "history":
            self.s.zone = "history"
            self.s.history = HistoryRecord()
        previous = self.s.history
        self.s.history = HistoryRecord(
            at=previous.at if previous else None,
            action=seg.get(3, 0).strip() or None,
            who=previous.who if previous else None,
        )
        self.s.pnr.history.append(self.s.history)  # type: ignore[union-attr]

    def _history_text(self, seg: Segment, text: str, sensitive_code: str | None = None) -> None:
        item = self.s.history
        if item is None:
            return
        if self.s.filt.drop_ssr(sensitive_code, text) if sensitive_code else self.s.filt.drop_text(text):
            if item in self.s.pnr.history and not item.text:  # type: ignore[union-attr]
                self.s.pnr.history.remove(item)  # type: ignore[union-attr]
                self.s.history = HistoryRecord(at=item.at, action=item.action, who=item.who)
            return
        item.text = f"{item.text} | {text}" if item.text else text

    def _lts(self, seg: Segment) -> None:
        text = " ".join(":".join(e) for e in seg.occurrences()).strip()
        if not text or self.s.filt.drop_text(text):
            return
        self.s.pnr.history.append(HistoryRecord(text=text))  # type: ignore[union-attr]

    # ---- helpers ---------------------------------------------------------------------------------------

    def _traveller_by_ref(self, ref: str | None) -> TravellerRecord | None:
        if not ref or self.s.pnr is None:
            return None
        return next((t for t in self.s.pnr.travellers if t.ref == ref), None)

    @staticmethod
    def _add_document(traveller: TravellerRecord, doc: object) -> None:
        from paxvet.bookings.records import DocumentRecord

        assert isinstance(doc, DocumentRecord)
        key = (doc.kind, doc.number, doc.date_of_birth, doc.doc_type)
        if all((d.kind, d.number, d.date_of_birth, d.doc_type) != key for d in traveller.documents):
            traveller.documents.append(doc)

    @staticmethod
    def _add_contact(contacts: list[ContactRecord], contact: ContactRecord) -> None:
        if contact.value and all((c.kind, c.value) != (contact.kind, contact.value) for c in contacts):
            contacts.append(contact)

    def _frequent_flyer(self, traveller: TravellerRecord, text: str, carrier: str) -> None:
        number = text.strip().lstrip("/").split()[0] if text.strip() else ""
        if number and all(f.number != number for f in traveller.frequent_flyers):
            traveller.frequent_flyers.append(FrequentFlyerRecord(carrier.strip() or None, number))


def map_message(message: Message, filename: str = "") -> tuple[PnrPush, list[Diagnostic]]:
    """One PNRGOV message (or one part of a multi-part push) as a `PnrPush` plus its diagnostics."""
    mapper = PnrgovMapper(message, filename)
    return mapper.run(), mapper.diagnostics


def parse_pnrgov(data: bytes | str, filename: str = "") -> list[tuple[PnrPush, list[Diagnostic]]]:
    """Every PNRGOV message in a file, mapped; envelope problems are attached to the first message."""
    parsed = parse_edifact(data, filename)
    results = [map_message(m, filename) for m in parsed.messages if m.type == "PNRGOV"]
    if results:
        results[0][1][:0] = parsed.all_diagnostics
        results[0][0].problems[:0] = [d.to_problem() for d in parsed.all_diagnostics]
    return results
