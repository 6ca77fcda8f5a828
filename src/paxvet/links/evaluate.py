"""Precision and recall of the travel-history resolver, pair by pair, against known identities.

`synth_travel(session, persons)` goes through `paxvet synth` and the real PAXLST ingest: people drawn by
the synthetic generator (names, birth dates and passports per nationality) each board one to four
synthetic days of arrivals among that day's other travellers (families sharing a surname included), with
the slips real data has (a typo in a name, a dropped second given name or maternal surname, a date of
birth one day off, a renewed passport).

`synthetic_travel(session, persons)` stores travellers directly, from a small pool of common names, with
look-alikes (siblings and twins: same surname and date of birth, another given name) that must not be
merged.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.orm import Session

from paxvet.flights.models import Flight, TravelDocument, Traveller
from paxvet.ingest.service import receive
from paxvet.links.resolver import resolve_same_person
from paxvet.synth.day import synth_day
from paxvet.synth.people import NATIONALITIES, Person, document_number, make_person

Pair = frozenset[int]


@dataclass(frozen=True)
class Quality:
    travellers: int
    true_pairs: int
    predicted_pairs: int
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def truth_pairs(identity: dict[int, str]) -> set[Pair]:
    by_person: dict[str, list[int]] = {}
    for traveller_id, person in identity.items():
        by_person.setdefault(person, []).append(traveller_id)
    return {frozenset(p) for ids in by_person.values() for p in combinations(sorted(ids), 2)}


def predicted_pairs(session: Session, traveller_ids: list[int], threshold: float | None = None) -> set[Pair]:
    pairs: set[Pair] = set()
    wanted = set(traveller_ids)
    for tid in traveller_ids:
        subject = session.get(Traveller, tid)
        if subject is None:
            continue
        matches, _ = resolve_same_person(session, subject, threshold=threshold)
        pairs |= {frozenset((tid, other.id)) for other, _, _ in matches if other.id in wanted}
    return pairs


def quality(session: Session, identity: dict[int, str], threshold: float | None = None) -> Quality:
    truth = truth_pairs(identity)
    predicted = predicted_pairs(session, sorted(identity), threshold)
    hits = len(truth & predicted)
    return Quality(
        len(identity),
        len(truth),
        len(predicted),
        hits / len(predicted) if predicted else 1.0,
        hits / len(truth) if truth else 1.0,
    )


_GIVEN = (
    "ANNA MARIA",
    "JOHN PAUL",
    "MARIA",
    "AHMED",
    "WEI",
    "OLGA",
    "PIOTR",
    "LUCIA",
    "KENJI",
    "AMARA",
    "DIEGO",
    "FATIMA",
    "SVEN",
    "NADIA",
    "TOMAS",
    "LEILA",
    "IVAN",
    "SOFIA",
    "OMAR",
    "HANNA",
    "CARLOS",
    "MEI LING",
    "ELENA",
    "YUSUF",
    "INES",
    "MARTA",
    "KOFI",
    "AIKO",
    "RAFAEL",
    "ZARA",
)
_SURNAMES = (
    "GARCIA",
    "NOWAK",
    "MULLER",
    "OKAFOR",
    "TANAKA",
    "HANSEN",
    "KOWALSKI",
    "ROSSI",
    "IVANOV",
    "SILVA",
    "NGUYEN",
    "HADDAD",
    "SMITH",
    "PETROV",
    "MENDEZ",
    "LINDQVIST",
    "ABARA",
    "KIM",
    "MORENO",
    "FISCHER",
    "OLIVEIRA",
    "DUBOIS",
    "YILMAZ",
    "CHEN",
    "BANDA",
    "COHEN",
    "NAKAMURA",
    "ANDERSEN",
    "LOPEZ",
    "SHAH",
)


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def synthetic_travel(session: Session, persons: int, *, seed: int = 5, flights: int = 60) -> dict[int, str]:
    """Store travellers of `persons` known people on `flights` flights; {traveller id: person id}."""
    rng = random.Random(seed)
    flight_rows = [
        Flight(
            carrier="XY",
            number=str(900 + i),
            airport="UTO",
            flight_date=date(2025, 1, 1) + timedelta(days=i),
            direction="inbound",
            status="open",
        )
        for i in range(flights)
    ]
    session.add_all(flight_rows)
    session.flush()
    people: list[dict[str, object]] = []
    for p in range(persons):
        if people and rng.random() < 0.08:  # a sibling or twin of someone already listed
            base = people[rng.randrange(len(people))]
            given = rng.choice([g for g in _GIVEN if g != base["given"]])
            people.append(
                {
                    "id": f"P{p}",
                    "given": given,
                    "surname": base["surname"],
                    "dob": base["dob"],
                    "gender": rng.choice("MF"),
                    "passport": f"X{rng.randrange(10**8):08d}",
                }
            )
            continue
        people.append(
            {
                "id": f"P{p}",
                "given": rng.choice(_GIVEN),
                "surname": rng.choice(_SURNAMES),
                "dob": date(1940, 1, 1) + timedelta(days=rng.randrange(60 * 365)),
                "gender": rng.choice("MF"),
                "passport": f"X{rng.randrange(10**8):08d}",
            }
        )
    identity: dict[int, str] = {}
    for person in people:
        for flight in rng.sample(flight_rows, rng.choice((1, 1, 2, 2, 3, 4))):
            traveller = _trip(rng, person, flight)
            session.add(traveller)
            session.flush()
            identity[traveller.id] = str(person["id"])
    session.flush()
    return identity


def _trip(rng: random.Random, person: dict[str, object], flight: Flight) -> Traveller:
    given, surname = str(person["given"]), str(person["surname"])
    dob = person["dob"]
    assert isinstance(dob, date)
    if rng.random() < 0.15:
        given = _typo(rng, given)
    if rng.random() < 0.15 and " " in given:
        given = given.split(" ")[0]
    if rng.random() < 0.05:
        dob = dob + timedelta(days=rng.choice((-1, 1)))
    traveller = Traveller(
        flight_id=flight.id,
        identity_key=f"p|{surname}|{given}|{dob}|{rng.random()}"[:200],
        surname=surname,
        given_names=given,
        date_of_birth=dob,
        gender=str(person["gender"]),
        source="api",
    )
    roll = rng.random()
    if roll < 0.7:
        number = str(person["passport"])
    elif roll < 0.8:
        number = f"R{rng.randrange(10**8):08d}"  # renewed passport
    else:
        return traveller  # no document on this trip
    traveller.documents.append(
        TravelDocument(doc_type="P", number=number, number_normalized=number, issuing_country="UTO")
    )
    return traveller


def sample_identity(session: Session) -> dict[int, str]:
    """Known identities for the three GTAS entity-resolution PAXLST flights, once ingested: the same woman
    as JIANG HSIUYUAN, CHIANG XIUYUAN and JIANG XIUYUAN, the same traveller as JOSEPH GAYLA COOKE and
    JOSEPH GAELLA COOK; everyone else is a different person."""
    same = {
        ("JIANG", "HSIUYUAN"): "jiang",
        ("CHIANG", "XIUYUAN"): "jiang",
        ("JIANG", "XIUYUAN"): "jiang",
        ("JOSEPH", "GAYLA COOKE"): "joseph",
        ("JOSEPH", "GAELLA COOK"): "joseph",
    }
    rows = session.execute(select(Traveller.id, Traveller.surname, Traveller.given_names)).all()
    return {tid: same.get((s, g), f"t{tid}") for tid, s, g in rows}


def synth_travel(
    session: Session, persons: int, *, days: int = 5, flights: int = 8, per_flight: int = 40, seed: int = 7
) -> dict[int, str]:
    """Ingest `days` synthetic days of arrivals on which `persons` known people travel one to four times;
    {traveller id: person key} for every stored passenger (the other passengers are each their own)."""
    rng = random.Random(seed)
    start = date(2025, 3, 3)
    codes = sorted(NATIONALITIES)
    trips: list[list[tuple[str, Person]]] = [[] for _ in range(days)]
    for n in range(persons):
        person = make_person(rng.choice(codes), rng, start)
        for day in rng.sample(range(days), min(days, rng.choice((1, 2, 2, 3, 4)))):
            trips[day].append((f"R{n}", _slip(rng, person)))
    known: dict[tuple[str, date | None], str] = {}
    for day, regulars in enumerate(trips):
        made = synth_day(
            day=start + timedelta(days=day),
            flights=flights,
            travellers_per_flight=per_flight,
            seed=seed * 1000 + day,
            crew=False,
            regulars=regulars,
        )
        for message in made.messages:
            receive(session, message.data, message.filename)
        for truth in made.truth:
            known[(truth["document_number"], date.fromisoformat(truth["date_of_birth"]))] = truth["source_id"]
    session.flush()
    rows = session.execute(
        select(Traveller.id, TravelDocument.number, Traveller.date_of_birth)
        .join(TravelDocument, TravelDocument.traveller_id == Traveller.id)
        .where(TravelDocument.doc_type == "P")
    ).all()
    return {tid: known.get((number, dob), f"t{tid}") for tid, number, dob in rows}


def _slip(rng: random.Random, person: Person) -> Person:
    """This trip's copy of a person, with the slips between one booking and the next."""
    trip = replace(person)
    given = trip.given_names.split(" ")
    if rng.random() < 0.1:
        given[0] = _typo(rng, given[0])
    if rng.random() < 0.1 and len(given) > 1:
        given = given[:1]
    trip.given_names = " ".join(given)
    if rng.random() < 0.1 and trip.maternal and trip.paternal:
        trip.surname = trip.paternal
    if rng.random() < 0.04:
        trip.birth += timedelta(days=rng.choice((-1, 1)))
    if rng.random() < 0.1:
        trip.doc_number = document_number(NATIONALITIES[trip.nationality].passport, rng)
    return trip
