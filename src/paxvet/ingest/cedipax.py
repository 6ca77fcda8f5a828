"""Legacy US EDIFACT PAXLST ("CEDIPAX", UNH ...+PAXLST:001:000:NZ): CTA, TDT, LOC/DTM, UNS, one PDT per
person. Small and separate from the UN mapping; produces the same Manifest."""

from __future__ import annotations

from paxvet.ingest.edifact import Message, Segment
from paxvet.ingest.paxlst import (
    DocumentData,
    Leg,
    Manifest,
    TravellerData,
    _Reader,
    country,
    parse_edi_date,
    parse_edi_datetime,
    split_flight,
)


def is_cedipax(message: Message) -> bool:
    return message.version.startswith("0") or any(s.tag == "PDT" for s in message.segments[:40])


def _airport(locode: str) -> str | None:
    """UN/LOCODE (NZAKL) or IATA code -> the IATA airport code (AKL)."""
    code = locode.strip().upper()
    return (code[-3:] if len(code) == 5 else code[:3]) or None


class _CedipaxReader(_Reader):
    def read(self) -> Manifest:
        self.manifest.document_code = "745"
        for seg in self.message.body:
            if seg.tag == "CTA":
                self.manifest.reporting_party["name"] = seg.get(2, 1).strip() or seg.get(2, 0).strip()
            elif seg.tag == "TDT":
                carrier, number = split_flight(seg.get(2), seg.get(4))
                self.leg = Leg(1, carrier[:3], number[:8], crossing=True)
                self.manifest.legs.append(self.leg)
            elif seg.tag == "LOC" and self.leg is not None:
                self.leg_loc = "dep" if seg.get(1).strip() in ("005", "5") else "arr"
                if self.leg_loc == "dep":
                    self.leg.departure_airport = _airport(seg.get(2))
                else:
                    self.leg.arrival_airport = _airport(seg.get(2))
            elif seg.tag == "DTM" and self.leg is not None:
                self.leg_time(seg)
            elif seg.tag == "PDT":
                self.person(seg)
            elif seg.tag != "UNS":
                self.diag("warning", f"segment {seg.tag} not expected in CEDIPAX (ignored)", seg)
        self.finish()
        return self.manifest

    def leg_time(self, seg: Segment) -> None:
        assert self.leg is not None
        day, hhmm = seg.get(2).strip(), seg.get(3).strip().zfill(4)
        when, _problem = parse_edi_datetime(day + hhmm)  # a two-digit year is 20xx, as in PAXLST
        if when is None:
            self.diag("warning", f"unreadable date/time {day} {hhmm}", seg, 2)
            return
        if seg.get(1).strip() == "136":
            self.leg.departure_local = when
        else:
            self.leg.arrival_local = when

    def person(self, seg: Segment) -> None:
        doc = seg.element(1)
        doc_type, _, number = (doc[0] if doc else "").partition("/")
        name = [*seg.element(2), "", "", "", "", ""]
        t = TravellerData(role="passenger", party="PDT", segment=seg.number)
        t.surname = name[0].strip()
        t.given_names = " ".join(n.strip() for n in name[1:3] if n.strip())
        t.date_of_birth_raw = name[3].strip() or None
        t.date_of_birth, problem = parse_edi_date(name[3], "birth", self.today)
        if problem:
            self.diag("warning", f"date of birth: {problem}", seg, 2)
        gender = name[4].strip().upper()[:1]
        t.gender = gender if gender in ("M", "F", "X", "U") else None
        route = seg.element(4)
        t.embarkation = _airport(route[0]) if route and route[0] else None
        t.debarkation = _airport(route[1]) if len(route) > 1 and route[1] else None
        if number.strip():
            expiry, problem = parse_edi_date(doc[1] if len(doc) > 1 else "", "expiry", self.today)
            if problem and len(doc) > 1 and doc[1]:
                self.diag("warning", f"document date: {problem}", seg, 1)
            issuer = country(doc[2]) if len(doc) > 2 else None
            t.documents.append(DocumentData(doc_type.strip() or None, number.strip(), issuer, expiry))
            t.nationality = issuer
        self.manifest.travellers.append(t)


def read_cedipax(message: Message, filename: str = "") -> Manifest:
    return _CedipaxReader(message, filename).read()
