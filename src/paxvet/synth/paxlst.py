"""Synthetic flights written as UN/EDIFACT PAXLST interchanges, the way airlines send them (WCO/IATA/ICAO API
Guidelines, D05B): UNA, UNB, UNG, UNH, BGM, NAD+MS, TDT, LOC/DTM per leg, one NAD group per traveller with
its documents, CNT, UNT, UNE, UNZ. Service characters inside values are escaped with the release character."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from paxvet.synth.flights import CARRIER_NAMES, MEXICAN_AIRPORTS, SynthFlight
from paxvet.synth.people import Person

UNA = "UNA:+.? '"
_SPECIAL = str.maketrans({"?": "??", ":": "?:", "+": "?+", "'": "?'"})


@dataclass(slots=True)
class Document:
    doc_type: str  # P passport, V visa, AC crew member certificate
    number: str
    country: str
    expiry: date
    issued: date | None = None


@dataclass(slots=True)
class Traveller:
    """A person on a manifest: who they are, their role and booking, and the documents the carrier keyed."""

    person: Person
    role: str = "passenger"  # or "crew"
    locator: str = ""
    seat: str = ""
    crew_function: str = ""
    documents: list[Document] = field(default_factory=list)


def esc(text: str) -> str:
    """Release the service characters ('?', ':', '+', "'") inside a data value."""
    return text.translate(_SPECIAL)


def _yymmdd(d: date) -> str:
    return f"{d.year % 100:02d}{d.month:02d}{d.day:02d}"  # strftime is a hot spot on a 250k-traveller day


def _stamp(moment: datetime) -> str:
    return moment.strftime("%y%m%d%H%M")


def traveller_segments(t: Traveller, flight: SynthFlight, index: int) -> list[str]:
    p = t.person
    crew = t.role == "crew"
    segs = [
        f"NAD+{'FM' if crew else 'FL'}+++{esc(p.surname)}:{esc(p.given_names)}",
        f"ATT+2++{p.gender}",
        f"DTM+329:{_yymmdd(p.birth)}",
        f"LOC+174+{p.residence or p.nationality}",
        f"LOC+178+{flight.origin}",
        f"LOC+179+{flight.destination}",
    ]
    if crew:
        segs.append(f"EMP+1+{t.crew_function}:110:111")
    segs.append(f"NAT+2+{p.nationality}")
    if not crew:
        segs += [f"RFF+AVF:{t.locator}", f"RFF+ABO:{flight.code}{index:05d}"]
        if t.seat:
            segs.append(f"RFF+SEA:{t.seat}")
    for doc in t.documents:
        segs += [f"DOC+{doc.doc_type}:110:111+{esc(doc.number)}", f"DTM+36:{_yymmdd(doc.expiry)}"]
        if doc.issued:
            segs.append(f"DTM+182:{_yymmdd(doc.issued)}")
        segs.append(f"LOC+91+{doc.country}")
    return segs


def recipient(flight: SynthFlight) -> str:
    return "MEXAPI" if flight.destination in MEXICAN_AIRPORTS else "USADHS"


def _header(flight: SynthFlight, ref: str, common: str, part: str, crew: bool) -> list[str]:
    name = CARRIER_NAMES.get(flight.carrier, flight.carrier)
    return [
        f"UNH+{ref}+PAXLST:D:05B:UN:IATA+{common}" + (f"+{part}" if part else ""),
        "BGM+250+C" if crew else "BGM+745",
        f"RFF+TN:{flight.code}{flight.departure_local:%y%m%d}{'C' if crew else 'P'}",
        f"NAD+MS+++{esc(name)} API DESK",
        "COM+52 55 5133 4000:TE",
        f"TDT+20+{flight.code}+++{flight.carrier}",
        f"LOC+125+{flight.origin}",
        f"DTM+189:{_stamp(flight.departure_local)}:201",
        f"LOC+87+{flight.destination}",
        f"DTM+232:{_stamp(flight.arrival_local)}:201",
    ]


def _interchange(flight: SynthFlight, message: list[str], ref: str) -> bytes:
    sent = flight.departure_local + timedelta(minutes=25)  # "wheels up" push
    sender, to = f"{flight.carrier}APIS", recipient(flight)
    segs = [
        f"UNB+UNOA:4+{sender}:ZZ+{to}:ZZ+{sent:%y%m%d}:{sent:%H%M}+{ref}++APIS",
        f"UNG+PAXLST+{sender}+{to}+{sent:%y%m%d}:{sent:%H%M}+{ref}+UN+D:05B",
        *message,
        f"UNE+1+{ref}",
        f"UNZ+1+{ref}",
    ]
    return (UNA + "\n" + "'\n".join(segs) + "'\n").encode("ascii")


def part_flags(parts: int) -> list[str]:
    """'01:C', '02', ..., 'nn:F' for a multi-part set (as carriers send them); [''] for a single message."""
    if parts <= 1:
        return [""]
    return ["01:C"] + [f"{n:02d}" for n in range(2, parts)] + [f"{parts:02d}:F"]


def manifest(
    flight: SynthFlight, travellers: list[Traveller], *, crew: bool, parts: int, ref: str
) -> list[bytes]:
    """One interchange per part. CNT is the flight total in every part (as the Guidelines say)."""
    parts = max(1, min(parts, len(travellers) or 1, 99))
    flags = part_flags(parts)
    size = -(-len(travellers) // parts) if travellers else 0
    common = f"{flight.code}/{flight.departure_local:%y%m%d}/{flight.departure_local:%H%M}"
    out = []
    for number, flag in enumerate(flags):
        part_ref = f"{ref}{number + 1:02d}"
        body = _header(flight, part_ref, common, flag, crew)
        start = number * size
        for index, traveller in enumerate(travellers[start : start + size], start=start):
            body += traveller_segments(traveller, flight, index)
        body.append(f"CNT+{'41' if crew else '42'}:{len(travellers)}")
        body.append(f"UNT+{len(body) + 1}+{part_ref}")
        out.append(_interchange(flight, body, part_ref))
    return out
