"""Precision and recall of the travel-history resolver, pair by pair, against known identities.

`synthetic_travel(session, persons)` stores flights and travellers for people whose identity is known:
each person travels one to four times, with the slips real data has (a typo in a name, a dropped middle
name, a date of birth one day off, a renewed passport, no document at all) and look-alikes (siblings and
twins: same surname and date of birth, another given name) that must not be merged.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.orm import Session

from paxvet.flights.models import Flight, TravelDocument, Traveller
from paxvet.links.resolver import resolve_same_person

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
