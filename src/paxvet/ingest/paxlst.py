"""PAXLST (D02B, D05B, D12B, D15B and later) -> a Manifest: flight legs, travellers and their documents.

Pure: no database. Grouping follows trigger segments (TDT opens a leg, NAD other than MS opens a traveller,
DOC opens a document) and tolerates any order inside a group, because carriers and even the WCO guide's
own examples vary. Everything odd is reported as a located Diagnostic; only what makes the message
unusable (no flight, no UNH type) is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from paxvet.countries import to_alpha3
from paxvet.documents.mrz import read_date
from paxvet.ingest.edifact import Diagnostic, Message, Segment

PASSENGER_PARTIES = {"FL": False, "DDU": True}  # party code -> in transit
CREW_PARTIES = {"FM": False, "DDT": True}
CLOSE_OUT_PARTY = "ZZZ"


@dataclass
class Leg:
    sequence: int
    carrier: str
    number: str
    departure_airport: str | None = None
    arrival_airport: str | None = None
    departure_local: datetime | None = None
    arrival_local: datetime | None = None
    crossing: bool = False  # carries LOC+125/87: the leg that crosses into (or out of) the reporting state


@dataclass
class DocumentData:
    doc_type: str | None
    number: str
    issuing_country: str | None = None
    expiry: date | None = None
    issued: date | None = None
    segment: int = 0


@dataclass
class TravellerData:
    role: str  # passenger | crew
    party: str  # FL, FM, DDU, DDT, ZZZ
    surname: str = ""
    given_names: str = ""
    gender: str | None = None
    date_of_birth: date | None = None
    date_of_birth_raw: str | None = None
    nationality: str | None = None
    residence_country: str | None = None
    birthplace: str | None = None
    address: dict[str, str] | None = None
    embarkation: str | None = None
    debarkation: str | None = None
    in_transit: bool = False
    reservation_ref: str | None = None
    passenger_ref: str | None = None
    bags: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    documents: list[DocumentData] = field(default_factory=list)
    segment: int = 0


# TravellerData(role=..., party=..., segment=...) as one dict update: the dataclass's __init__ binds and
# stores its 21 fields one by one, a third of what the reader spends on a traveller's NAD
_TRAVELLER_DEFAULTS = {f.name: f.default for f in fields(TravellerData)}


def _new_traveller(role: str, party: str, segment: int) -> TravellerData:
    """`TravellerData(role=role, party=party, segment=segment)`, equal field for field, for less CPU (its
    containers, the fields with a default factory, are new ones: tests/ingest checks both stay in step)."""
    t: TravellerData = object.__new__(TravellerData)
    values = t.__dict__
    values.update(_TRAVELLER_DEFAULTS)
    values["role"], values["party"], values["segment"] = role, party, segment
    values["bags"], values["extra"], values["documents"] = [], {}, []
    return t


@dataclass
class Manifest:
    document_code: str  # BGM 1001: 745 passengers, 250 crew, 266 flight status (close-out, cancel) ...
    subtype: str = ""  # BGM 1004: CLOB, CLNB, XF, CP, XR, C ...
    transaction_ref: str = ""
    reporting_party: dict[str, Any] = field(default_factory=dict)
    legs: list[Leg] = field(default_factory=list)
    travellers: list[TravellerData] = field(default_factory=list)
    declared_passengers: int | None = None
    declared_crew: int | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def role(self) -> str:
        return "crew" if self.document_code in ("250", "336") else "passenger"

    @property
    def crossing_leg(self) -> Leg | None:
        """The leg into the reporting state: the one with LOC+125/87; with only LOC+92 legs, the first leg
        that arrives in the country of the final destination."""
        for leg in self.legs:
            if leg.crossing:
                return leg
        if not self.legs:
            return None
        from paxvet.ingest.airports import airport_country

        final_country = airport_country(self.legs[-1].arrival_airport)
        for leg in self.legs:
            if final_country and airport_country(leg.arrival_airport) == final_country:
                return leg
        return self.legs[-1]


# ---------------------------------------------------------------------------------------------------------
# dates


def parse_edi_date(value: str, kind: str, today: date | None = None) -> tuple[date | None, str | None]:
    """YYMMDD (or CCYYMMDD, tolerated). Two-digit years take the MRZ's century window
    (`paxvet.documents.mrz.read_date`): "birth" and "issue" dates are never after `today` (19xx when 20xx
    would be), "expiry" dates are 20xx up to EXPIRY_HORIZON_YEARS ahead. Returns (date, problem)."""
    v = value.strip()
    if len(v) == 6 and v.isdecimal():
        day = read_date(v, "expiry" if kind == "expiry" else "birth", today or date.today())
        return (day, None) if day is not None else (None, f"impossible date {v!r}")
    try:
        if len(v) == 8 and v.isdecimal():
            return date(int(v[:4]), int(v[4:6]), int(v[6:8])), f"date {v!r} is CCYYMMDD, expected YYMMDD"
    except ValueError:
        return None, f"impossible date {v!r}"
    return None, f"unreadable date {v!r}"


def parse_edi_datetime(value: str) -> tuple[datetime | None, str | None]:
    """YYMMDDHHMM (format 201), CCYYMMDDHHMM (203) or a bare YYMMDD; naive local wall-clock time."""
    v = value.strip().replace(" ", "")
    try:
        if len(v) == 10 and v.isdecimal():
            return datetime(2000 + int(v[:2]), int(v[2:4]), int(v[4:6]), int(v[6:8]), int(v[8:10])), None
        if len(v) == 12 and v.isdecimal():
            return datetime(int(v[:4]), int(v[4:6]), int(v[6:8]), int(v[8:10]), int(v[10:12])), None
        if len(v) == 6 and v.isdecimal():
            return datetime(2000 + int(v[:2]), int(v[2:4]), int(v[4:6])), None
    except ValueError:
        return None, f"impossible date/time {v!r}"
    return None, f"unreadable date/time {v!r}"


_FLIGHT = re.compile(r"^([A-Z0-9]{2}[A-Z]?)\s*(\d{1,5}[A-Z]?)$")


def split_flight(flight_id: str, carrier_hint: str = "") -> tuple[str, str]:
    """("XY421", "XY") -> ("XY", "421"); three-letter ICAO carriers too; leading zeros kept as sent."""
    fid = flight_id.strip().upper().replace(" ", "")
    hint = carrier_hint.strip().upper()
    if hint and fid.startswith(hint) and fid[len(hint) :].strip():
        return hint, fid[len(hint) :]
    m = _FLIGHT.match(fid)
    if m:
        carrier, number = m.group(1), m.group(2)
        if len(carrier) == 3 and carrier[2].isdecimal():  # "XY4" + "21": a digit belongs to the number
            carrier, number = carrier[:2], carrier[2] + number
        return carrier, number
    return (hint or fid[:2]), (fid[2:] if not hint else fid)


def country(value: str) -> str | None:
    v = value.strip().upper()
    if not v:
        return None
    return to_alpha3(v) or v[:3]


# ---------------------------------------------------------------------------------------------------------
# the message


class _Reader:
    def __init__(self, message: Message, filename: str) -> None:
        self.message = message
        self.filename = filename
        self.today = date.today()  # the reference of the two-digit-year window, read once per message
        self.manifest = Manifest(document_code="")
        self.leg: Leg | None = None
        self.leg_loc: str = ""  # which LOC the next DTM belongs to: "dep" | "arr"
        self.traveller: TravellerData | None = None
        self.document: DocumentData | None = None

    def diag(self, severity: str, text: str, seg: Segment | None, element: int | None = None) -> None:
        ic = self.message.interchange
        self.manifest.diagnostics.append(
            Diagnostic(
                severity,
                text,
                self.filename,
                (ic.ref or None) if ic is not None else None,
                self.message.ref or None,
                seg.number if seg is not None else None,
                seg.tag if seg is not None else None,
                element,
                seg.line if seg is not None else None,
            )
        )

    def read(self) -> Manifest:
        handlers = {
            "BGM": self.bgm,
            "RFF": self.rff,
            "NAD": self.nad,
            "COM": self.com,
            "TDT": self.tdt,
            "LOC": self.loc,
            "DTM": self.dtm,
            "ATT": self.att,
            "NAT": self.nat,
            "DOC": self.doc,
            "MEA": self.mea,
            "FTX": self.ftx,
            "GEI": self.gei,
            "EMP": self.emp,
            "CNT": self.cnt,
            "UNH": _envelope,  # the message's own envelope: not its body
            "UNT": _envelope,
        }
        for seg in self.message.segments:  # `message.body` without building its list
            handler = handlers.get(seg.tag)
            if handler is None:
                self.diag("warning", f"segment {seg.tag} not expected in PAXLST (kept in the raw store)", seg)
                continue
            handler(seg)
        self.finish()
        return self.manifest

    def finish(self) -> None:
        m = self.manifest
        if not m.document_code:
            self.diag("warning", "no BGM: taken as a passenger list (745)", None)
            m.document_code = "745"
        if not m.legs and m.subtype != "XF":
            self.diag("error", "no flight (TDT) in the message", None)
        elif not m.legs:
            self.diag("error", "flight cancellation without a flight (TDT)", None)

    # header ---------------------------------------------------------------------------------------------
    def bgm(self, seg: Segment) -> None:
        self.manifest.document_code = seg.get(1).strip()
        self.manifest.subtype = seg.get(2).strip().upper()
        if self.manifest.document_code not in ("745", "250", "266", "336", "655"):
            self.diag("warning", f"unknown BGM document code {self.manifest.document_code!r}", seg, 1)

    def rff(self, seg: Segment) -> None:
        try:  # the usual RFF+AVF:ABC123: no get() calls
            qualifier, value = seg.elements[0][0].strip().upper(), seg.elements[0][1].strip()
        except IndexError:
            qualifier, value = seg.get(1, 0).strip().upper(), seg.get(1, 1).strip()
        t = self.traveller
        if t is None:
            if qualifier == "TN":
                self.manifest.transaction_ref = value
                if seg.get(1, 3):
                    self.manifest.reporting_party.setdefault("revision", seg.get(1, 3))
            else:
                self.manifest.reporting_party.setdefault("references", {})[qualifier] = value
            return
        if qualifier == "AVF":
            t.reservation_ref = value or None
        elif qualifier == "ABO":
            t.passenger_ref = value or None
        elif qualifier == "SEA":
            t.extra["seat"] = value
        else:
            t.extra.setdefault("references", {})[qualifier] = value

    def com(self, seg: Segment) -> None:
        contacts = [
            {"value": e[0], "type": e[1] if len(e) > 1 else ""} for e in seg.occurrences() if e and e[0]
        ]
        target = self.traveller.extra if self.traveller is not None else self.manifest.reporting_party
        target.setdefault("contacts", []).extend(contacts)

    def nad(self, seg: Segment) -> None:
        party = seg.get(1).strip().upper()
        if party == "MS":
            self.traveller = None
            rp = self.manifest.reporting_party
            rp["name"] = " ".join(c for c in seg.element(4) if c.strip()) or None
            rp["id"] = seg.get(2).strip() or None
            return
        if party in PASSENGER_PARTIES or party in CREW_PARTIES or party == CLOSE_OUT_PARTY:
            self.open_traveller(seg, party)
            return
        self.diag("warning", f"unknown NAD party function {party!r}; read as a passenger", seg, 1)
        self.open_traveller(seg, party)

    def open_traveller(self, seg: Segment, party: str) -> None:
        role = "crew" if party in CREW_PARTIES else self.manifest.role
        if party in PASSENGER_PARTIES:
            role = "passenger"
        t = _new_traveller(role, party, seg.number)
        t.in_transit = PASSENGER_PARTIES.get(party, False) or CREW_PARTIES.get(party, False)
        name = seg.element(4)
        t.surname = name[0].strip() if name else ""
        t.given_names = " ".join([c.strip() for c in name[1:] if c.strip()])
        if party != CLOSE_OUT_PARTY and not t.surname:
            self.diag("warning", "traveller without a surname", seg, 4)
        if len(seg.elements) > 4:  # NAD elements 5-9: the address, when sent
            self.address(seg, t)
        self.manifest.travellers.append(t)
        self.traveller, self.document, self.leg = t, None, None

    def address(self, seg: Segment, t: TravellerData) -> None:
        street, city = " ".join(c.strip() for c in seg.element(5) if c.strip()), seg.get(6).strip()
        region = " ".join(c.strip() for c in seg.element(7) if c.strip())
        postcode, addr_country = seg.get(8).strip(), seg.get(9).strip()
        if street or city or region or postcode or addr_country:
            t.address = {
                k: v
                for k, v in (
                    ("street", street),
                    ("city", city),
                    ("region", region),
                    ("postcode", postcode),
                    ("country", country(addr_country) or ""),
                )
                if v
            }

    # flight ---------------------------------------------------------------------------------------------
    def tdt(self, seg: Segment) -> None:
        if self.traveller is not None:
            self.diag("warning", "TDT after the first traveller: read as a further leg", seg)
            self.traveller, self.document = None, None
        qualifier = seg.get(1).strip()
        if qualifier not in ("20", "34", ""):
            self.diag("warning", f"TDT transport stage {qualifier!r} (expected 20)", seg, 1)
        flight_id = seg.get(2).strip()
        if not flight_id:
            self.diag("error", "TDT without a flight number", seg, 2)
        carrier, number = split_flight(flight_id, seg.get(5).strip())
        self.leg = Leg(len(self.manifest.legs) + 1, carrier[:3], number[:8])
        self.manifest.legs.append(self.leg)
        self.leg_loc = ""

    def loc(self, seg: Segment) -> None:
        try:  # the usual LOC+178+ORD: no get() calls
            qualifier, place = seg.elements[0][0].strip(), seg.elements[1][0].strip().upper()
        except IndexError:
            qualifier, place = seg.get(1).strip(), seg.get(2).strip().upper()
        if self.traveller is None and qualifier in ("125", "87", "92"):
            self.flight_loc(seg, qualifier, place)
            return
        t = self.traveller
        if self.document is not None and qualifier == "91":
            self.document.issuing_country = country(place)
            return
        if t is None:
            self.diag("warning", f"LOC+{qualifier} outside a flight leg or traveller", seg, 1)
            return
        if qualifier == "91":
            self.diag("warning", "LOC+91 (document issuer) without a DOC before it", seg, 1)
        elif qualifier == "174":
            t.residence_country = country(place)
        elif qualifier == "178":
            t.embarkation = place[:5] or None
        elif qualifier == "179":
            t.debarkation = place[:5] or None
        elif qualifier == "180":
            t.birthplace = " ".join(c.strip() for c in seg.element(2) if c.strip()) or None
        elif qualifier == "22":
            t.extra["clearance_port"] = place
        else:
            t.extra.setdefault("locations", {})[qualifier] = place

    def flight_loc(self, seg: Segment, qualifier: str, place: str) -> None:
        leg = self.leg
        if leg is None:
            self.diag("warning", f"LOC+{qualifier} before any TDT", seg, 1)
            return
        if qualifier == "125" or (qualifier == "92" and leg.departure_airport is None):
            leg.departure_airport, self.leg_loc = place[:3] or None, "dep"
        else:
            leg.arrival_airport, self.leg_loc = place[:3] or None, "arr"
        if qualifier in ("125", "87"):
            leg.crossing = True

    def dtm(self, seg: Segment) -> None:
        try:  # the usual DTM+329:651119: no get() calls
            qualifier, value = seg.elements[0][0].strip(), seg.elements[0][1]
        except IndexError:
            qualifier, value = seg.get(1, 0).strip(), seg.get(1, 1)
        if self.traveller is None and self.leg is not None and qualifier in ("189", "232"):
            when, problem = parse_edi_datetime(value)
            if problem:
                self.diag("warning", problem, seg, 1)
            if qualifier == "189":
                self.leg.departure_local = when
            else:
                self.leg.arrival_local = when
            return
        t = self.traveller
        if t is None:
            self.diag("warning", f"DTM+{qualifier} outside a flight leg or traveller", seg, 1)
            return
        if qualifier == "329":
            t.date_of_birth_raw = value.strip() or None
            t.date_of_birth, problem = parse_edi_date(value, "birth", self.today)
            if problem:
                self.diag("warning", f"date of birth: {problem}", seg, 1)
        elif qualifier in ("36", "182") and self.document is not None:
            day, problem = parse_edi_date(value, "expiry" if qualifier == "36" else "issue", self.today)
            if problem:
                self.diag("warning", f"document date: {problem}", seg, 1)
            if qualifier == "36":
                self.document.expiry = day
            else:
                self.document.issued = day
        else:
            t.extra.setdefault("dates", {})[qualifier] = value

    # traveller details ---------------------------------------------------------------------------------
    def need_traveller(self, seg: Segment) -> TravellerData | None:
        if self.traveller is None:
            self.diag("warning", f"{seg.tag} outside a traveller (ignored)", seg)
        return self.traveller

    def att(self, seg: Segment) -> None:
        t = self.need_traveller(seg)
        if t is not None and seg.get(1).strip() == "2":
            g = seg.get(3).strip().upper()[:1]
            t.gender = g if g in ("M", "F", "X", "U") else None
            if g and t.gender is None:
                self.diag("warning", f"unknown gender code {seg.get(3)!r}", seg, 3)

    def nat(self, seg: Segment) -> None:
        t = self.need_traveller(seg)
        if t is not None:
            t.nationality = country(seg.get(2))

    def doc(self, seg: Segment) -> None:
        t = self.need_traveller(seg)
        if t is None:
            return
        number = seg.get(2).strip()
        if not number:
            self.diag("warning", "DOC without a document number", seg, 2)
        doc_type = seg.get(1).strip().upper() or None
        self.document = DocumentData(doc_type, number, segment=seg.number)
        t.documents.append(self.document)

    def mea(self, seg: Segment) -> None:
        t = self.need_traveller(seg)
        if t is None:
            return
        qualifier, unit, value = seg.get(1).strip(), seg.get(3, 0).strip(), seg.get(3, 1).strip()
        if qualifier == "CT":
            t.extra["bag_count"] = int(value) if value.isdecimal() else value
        elif qualifier == "WT":
            t.extra["bag_weight"] = {"value": value, "unit": unit or "KGM"}

    def ftx(self, seg: Segment) -> None:
        t = self.need_traveller(seg)
        if t is None:
            return
        if seg.get(1).strip() == "BAG":
            for occurrence in seg.repetitions(4):  # FTX+BAG+++TAG1:2*TAG2:1 under a UNA declaring "*"
                tag, count = [*occurrence, ""][0].strip(), [*occurrence, "", ""][1].strip()
                t.bags.append({"tag": tag, "count": int(count) if count.isdecimal() else 1})
        else:
            t.extra.setdefault("free_text", []).append(":".join(seg.element(4)))

    def gei(self, seg: Segment) -> None:
        t = self.need_traveller(seg)
        if t is not None:
            t.extra["verified"] = seg.get(2).strip() in ("173", "174")

    def emp(self, seg: Segment) -> None:
        t = self.need_traveller(seg)
        if t is not None:
            t.extra["crew_function"] = seg.get(2, 0).strip()

    def cnt(self, seg: Segment) -> None:
        self.traveller, self.document = None, None
        qualifier, value = seg.get(1, 0).strip(), seg.get(1, 1).strip()
        if not value and seg.get(2, 0).strip().isdecimal():  # CNT+41+8: wrong separator
            value = seg.get(2, 0).strip()
            self.diag("warning", "CNT count in a separate element (expected qualifier:count)", seg, 2)
        if not value.isdecimal():
            self.diag("warning", f"CNT count {value!r} is not a number", seg, 1)
            return
        if qualifier == "42":
            self.manifest.declared_passengers = int(value)
        elif qualifier == "41":
            self.manifest.declared_crew = int(value)
        else:
            self.diag("warning", f"unknown CNT qualifier {qualifier!r}", seg, 1)


def _envelope(seg: Segment) -> None:
    """UNH and UNT: read with the interchange, not here."""


def read_paxlst(message: Message, filename: str = "") -> Manifest:
    """Map one PAXLST message (UN/EDIFACT) to a Manifest. Never raises on bad content."""
    return _Reader(message, filename).read()
