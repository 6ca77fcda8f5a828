"""A synthetic day of arrivals: flights, their passengers and crew, emitted as PAXLST files, with listed
persons planted under name variations and the ground truth recorded (who is who, what was changed)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from paxvet.synth.flights import (
    ARRIVAL_AIRPORTS,
    CARRIER_COUNTRY,
    ROUTES,
    SynthFlight,
    airport_country,
    schedule,
)
from paxvet.synth.paxlst import Document, Traveller, manifest
from paxvet.synth.people import NATIONALITIES, WORLD_WEIGHTS, Person, document_number, make_person
from paxvet.synth.planting import planted_person, read_persons

# Nationals of these need a visa for the US (visa waiver and Canada excepted) or for Mexico.
US_VISA = {"MEX", "COL", "BRA", "ARG", "CHN", "RUS", "SAU"}
MX_VISA = {"CHN", "RUS", "SAU"}
_LOCATOR = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TRUTH_FIELDS = [
    "source_id", "listed_name", "flight", "date", "origin", "destination", "role", "filename", "position",
    "surname", "given_names", "date_of_birth", "gender", "nationality", "document_number", "document_country",
    "variations", "date_of_birth_from",
]  # fmt: skip


@dataclass(frozen=True)
class SynthMessage:
    filename: str
    data: bytes


@dataclass
class SynthFlightLoad:
    flight: SynthFlight
    passengers: list[Traveller]
    crew: list[Traveller]


@dataclass
class SynthDay:
    """What `synth_day` made: the PAXLST files, the flights with their travellers, and the planted truth."""

    day: date
    messages: list[SynthMessage] = field(default_factory=list)
    flights: list[SynthFlightLoad] = field(default_factory=list)
    truth: list[dict[str, Any]] = field(default_factory=list)

    @property
    def files(self) -> list[bytes]:
        return [m.data for m in self.messages]

    @property
    def traveller_count(self) -> int:
        return sum(len(f.passengers) + len(f.crew) for f in self.flights)

    def write(self, folder: Path, truth: Path | None = None) -> Path:
        """Write every message into `folder` and the truth as JSON beside it (default `<folder>.truth.json`,
        outside the folder so that `paxvet ingest folder` reads only messages); returns the truth path."""
        folder.mkdir(parents=True, exist_ok=True)
        for message in self.messages:
            (folder / message.filename).write_bytes(message.data)
        path = truth or truth_path(folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


def truth_path(folder: Path) -> Path:
    return folder.parent / f"{folder.name}.truth.json"


def synth_day(
    *,
    day: date | None = None,
    flights: int = 20,
    travellers_per_flight: int = 150,
    seed: int = 1,
    airports: Sequence[str] = ARRIVAL_AIRPORTS,
    multipart: bool = False,
    crew: bool = True,
    plant: Path | Sequence[dict[str, str]] | None = None,
    travellers: int | None = None,
    regulars: Sequence[tuple[str, Person]] = (),
) -> SynthDay:
    """A day of arrivals; the same arguments always give the same bytes. `plant` is a paxvet-csv path or
    its rows: each listed person boards one random flight. `regulars` are (key, person) pairs of known
    people who board one random flight each as they are (their own names and passport); the truth records
    them with the key as `source_id`. (`travellers` is an alias of travellers_per_flight, for callers
    written before this API settled.)"""
    per_flight = travellers if travellers is not None else travellers_per_flight
    on = day or date.today()
    rng = random.Random(seed)
    unknown = [a for a in airports if a not in ROUTES]
    if unknown:
        from paxvet.errors import InvalidInput

        raise InvalidInput(f"no synthetic routes into {', '.join(unknown)}; choose from {', '.join(ROUTES)}")
    result = SynthDay(on)
    for flight in schedule(rng, on, tuple(airports), flights):
        load = SynthFlightLoad(
            flight, _passengers(rng, flight, per_flight), _crew(rng, flight) if crew else []
        )
        result.flights.append(load)
    rows = read_persons(plant) if isinstance(plant, Path) else list(plant or [])
    taken: set[tuple[int, int]] = set()
    _plant(rng, result, rows, taken)
    _board(rng, result, regulars, taken)
    for index, load in enumerate(result.flights):
        _emit(rng, result, load, index, multipart)
    return result


def paxlst_day(
    flights: int = 1000, travellers: int = 250, seed: int = 1, day: date | None = None
) -> list[bytes]:
    """Just the PAXLST files of a synthetic day (the ingest benchmark's input)."""
    return synth_day(day=day, flights=flights, travellers_per_flight=travellers, seed=seed).files


# ---------------------------------------------------------------------------------------------------------


def _weights(flight: SynthFlight) -> tuple[list[str], list[float]]:
    """Nationality mix: the origin's people, the destination's people, and the world's travellers."""
    weights = {code: w * 0.2 / sum(WORLD_WEIGHTS.values()) for code, w in WORLD_WEIGHTS.items()}
    for country, share in ((airport_country(flight.origin), 0.5), (airport_country(flight.destination), 0.3)):
        target = country if country in NATIONALITIES else "USA"
        weights[target] = weights.get(target, 0) + share
    codes = list(weights)
    cumulative, total = [], 0.0
    for code in codes:
        total += weights[code]
        cumulative.append(total)
    return codes, cumulative


def _passengers(rng: random.Random, flight: SynthFlight, count: int) -> list[Traveller]:
    codes, cumulative = _weights(flight)
    arrival = flight.arrival_local.date()
    out: list[Traveller] = []
    rows = "ABCDEF"
    while len(out) < count:
        nationality = rng.choices(codes, cum_weights=cumulative)[0]
        locator = "".join(rng.choices(_LOCATOR, k=6))
        party = rng.choices((1, 2, 3, 4), cum_weights=(55, 80, 90, 100))[0]
        lead = make_person(nationality, rng, arrival)
        for member in range(min(party, count - len(out))):
            person = lead if member == 0 else _companion(rng, lead, arrival)
            seat = f"{len(out) // 6 + 1}{rows[len(out) % 6]}"
            out.append(
                Traveller(person, "passenger", locator, seat, documents=_documents(rng, person, flight))
            )
    return out


def _companion(rng: random.Random, lead: Person, on: date) -> Person:
    """Someone on the same booking: family (same surname) more often than not."""
    person = make_person(lead.nationality, rng, on)
    if rng.random() < 0.6:
        person.surname, person.paternal, person.maternal = lead.surname, lead.paternal, lead.maternal
    return person


def _crew(rng: random.Random, flight: SynthFlight) -> list[Traveller]:
    home = CARRIER_COUNTRY.get(flight.carrier, "USA")
    size = rng.randint(6, 14)
    arrival = flight.arrival_local.date()
    out = []
    for seat in range(size):
        person = make_person(home, rng, arrival, crew=True)
        function = "CR1" if seat < 2 else "CR2"  # flight deck, then cabin crew
        out.append(
            Traveller(person, "crew", crew_function=function, documents=_documents(rng, person, flight))
        )
    return out


def _documents(rng: random.Random, person: Person, flight: SynthFlight) -> list[Document]:
    docs = [Document("P", person.doc_number, person.doc_country, person.doc_expiry, person.doc_issued)]
    destination = airport_country(flight.destination)
    needs = US_VISA if destination == "USA" else MX_VISA
    if person.nationality in needs and person.nationality != destination and rng.random() < 0.8:
        issued = flight.arrival_local.date() - timedelta(days=rng.randint(30, 2500))
        expiry = issued + timedelta(days=3652)
        docs.append(Document("V", document_number("DDDDDDDD", rng), destination, expiry, issued))
    return docs


def _seats(
    rng: random.Random, result: SynthDay, taken: set[tuple[int, int]]
) -> Iterator[tuple[SynthFlightLoad, int]]:
    """Random passenger seats not given away yet, until every seat is taken."""
    candidates = [load for load in result.flights if load.passengers]
    room = sum(len(load.passengers) for load in candidates)
    while len(taken) < room:
        flight_index = rng.randrange(len(candidates))
        position = rng.randrange(len(candidates[flight_index].passengers))
        if (flight_index, position) not in taken:
            taken.add((flight_index, position))
            yield candidates[flight_index], position


def _seat(rng: random.Random, load: SynthFlightLoad, position: int, person: Person) -> None:
    old = load.passengers[position]
    load.passengers[position] = Traveller(
        person, "passenger", old.locator, old.seat, documents=_documents(rng, person, load.flight)
    )


def _plant(
    rng: random.Random, result: SynthDay, rows: list[dict[str, str]], taken: set[tuple[int, int]]
) -> None:
    for row, (load, position) in zip(rows, _seats(rng, result, taken), strict=False):
        person, variations, how = planted_person(row, rng, load.flight.arrival_local.date())
        _seat(rng, load, position, person)
        result.truth.append(_truth(row, load.flight, position, person, variations, how))


def _board(
    rng: random.Random, result: SynthDay, regulars: Sequence[tuple[str, Person]], taken: set[tuple[int, int]]
) -> None:
    for (key, person), (load, position) in zip(regulars, _seats(rng, result, taken), strict=False):
        _seat(rng, load, position, person)
        row = {"source_id": key, "full_name": f"{person.given_names} {person.surname}"}
        result.truth.append(_truth(row, load.flight, position, person, [], "the traveller's own"))


def _truth(
    row: dict[str, str], flight: SynthFlight, position: int, person: Person, variations: list[str], how: str
) -> dict[str, Any]:
    return {
        "source_id": row.get("source_id", ""),
        "listed_name": row.get("full_name")
        or f"{row.get('given_names', '')} {row.get('surname', '')}".strip(),
        "flight": flight.code,
        "date": flight.arrival_local.date().isoformat(),
        "origin": flight.origin,
        "destination": flight.destination,
        "role": "passenger",
        "filename": "",
        "position": position,
        "surname": person.surname,
        "given_names": person.given_names,
        "date_of_birth": person.birth.isoformat(),
        "gender": person.gender,
        "nationality": person.nationality,
        "document_number": person.doc_number,
        "document_country": person.doc_country,
        "variations": variations,
        "date_of_birth_from": how,
    }


def _emit(rng: random.Random, result: SynthDay, load: SynthFlightLoad, index: int, multipart: bool) -> None:
    flight = load.flight
    stem = f"{result.day:%Y%m%d}_{flight.code}_{flight.origin}-{flight.destination}"
    parts = rng.randint(2, 3) if multipart and len(load.passengers) >= 3 else 1
    ref = f"{index:05d}"
    names = []
    for n, data in enumerate(manifest(flight, load.passengers, crew=False, parts=parts, ref=f"P{ref}"), 1):
        name = f"{stem}_pax.edi" if parts == 1 else f"{stem}_pax_part{n}of{parts}.edi"
        result.messages.append(SynthMessage(name, data))
        names.append(name)
    if load.crew:
        data = manifest(flight, load.crew, crew=True, parts=1, ref=f"C{ref}")[0]
        result.messages.append(SynthMessage(f"{stem}_crew.edi", data))
    size = -(-len(load.passengers) // parts) if load.passengers else 1
    for truth in result.truth:
        if truth["flight"] == flight.code and not truth["filename"]:
            truth["filename"] = names[min(truth["position"] // size, len(names) - 1)]
