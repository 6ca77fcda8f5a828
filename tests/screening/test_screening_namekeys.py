"""Retro-screening reads only travellers sharing a stored key with the new entries: it must never miss a
traveller the full Screener would have matched."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from screening_factories import Person, make_flight, make_list, person_entry
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from paxvet.db import utcnow
from paxvet.screening import namekeys
from paxvet.screening.lists import ListSet
from paxvet.screening.models import TravellerNameKey, TravellerNameKeyJournal
from paxvet.screening.namekeys import candidate_travellers, forget_keys, merge_keys, traveller_keys
from paxvet.screening.retro import findings_for_delta, window
from paxvet.screening.service import screen_travellers
from paxvet.screening.travellers import load_travellers
from paxvet.watchlists.service import screening_entries

VARIANTS = [
    Person("GUZMAN LOPES", "OVIDIO", date(1990, 3, 29), "O1"),  # one letter off
    Person("LOPEZ", "OVIDIO GUZMAN", date(1990, 3, 29), "O2"),  # names in the wrong fields
    Person("CARO-QUINTERO", "RAFAEL", date(1952, 10, 24), "R1"),  # hyphenated
    Person("LÓPEZ", "MARÍA FERNANDA", date(1975, 5, 5), "M1"),  # accents
    Person("CARO", "RAFAEL", None, "R2"),  # a shorter name, no date of birth
]
CLEAN = [Person(f"APELLIDO{i}", "JUAN", date(1970, 1, 1 + i), f"C{i}") for i in range(20)]


@pytest.mark.parametrize("merged", ["none", "half", "all"])
def test_every_traveller_the_screener_matches_is_a_candidate(session: Session, merged: str) -> None:
    """Whether their keys are still in the journal, merged into the key-ordered table, or some of each."""
    arrival = utcnow() + timedelta(hours=5)
    flight = make_flight(session, VARIANTS + CLEAN, arrival=arrival)
    ids = [t.id for t in flight.travellers]
    first = ids[::2] if merged == "half" else ids
    screen_travellers(session, first)  # stores the keys (no list loaded yet)
    if merged != "none":
        merge_keys(session)
    screen_travellers(session, ids)
    in_journal, in_table = (_count(session, model) for model in (TravellerNameKeyJournal, TravellerNameKey))
    assert (in_journal > 0, in_table > 0) == {
        "none": (True, False),
        "half": (True, True),
        "all": (False, True),
    }[merged]
    make_list(
        session,
        "NEW",
        [
            person_entry("N1", "Ovidio Guzman Lopez", "1990-03-29"),
            person_entry("N2", "Rafael Caro Quintero", "1952-10-24"),
            person_entry("N3", "Maria Fernanda Lopez", "1975-05-05"),
        ],
    )
    entries = screening_entries(session, ["NEW"])
    lists = ListSet.build(entries, {})
    start, end = window()
    records = [e.record for e in entries]
    candidates = candidate_travellers(session, records, start, end)
    thresholds = [lists.screener.alert_threshold(i) for i in range(len(records))]
    reachable = candidate_travellers(session, records, start, end, thresholds)
    matched = {t.id for t in load_travellers(session, ids) if findings_for_delta(t, lists)}
    assert len(matched) >= 4
    assert matched <= reachable <= candidates
    assert len(candidates) < len(ids)  # the clean travellers are not read


def test_a_birth_date_that_rules_out_every_shared_entry_keeps_the_traveller_unread(session: Session) -> None:
    people = [
        Person("GUZMAN LOPEZ", "OVIDIO", date(1990, 3, 29), "O1"),  # the listed man
        Person("GUZMAN LOPEZ", "PEDRO", date(1941, 7, 1), "O2"),  # same surnames, born half a century earlier
        Person("GUZMAN LOPEZ", "PEDRO", None, "O3"),  # no date of birth: cannot be ruled out
    ]
    flight = make_flight(session, people, arrival=utcnow() + timedelta(hours=5))
    listed, older, unknown = (t.id for t in flight.travellers)
    screen_travellers(session, [listed, older, unknown])
    records = [e.record for e in _entries(session, [person_entry("N1", "Ovidio Guzman Lopez", "1990-03-29")])]
    start, end = window()
    assert candidate_travellers(session, records, start, end) == {listed, older, unknown}
    assert candidate_travellers(session, records, start, end, [0.8]) == {listed, unknown}


def _entries(session: Session, records: list[dict]) -> list:  # type: ignore[type-arg]
    make_list(session, "NEW", records)
    return screening_entries(session, ["NEW"])


def test_keys_follow_the_travellers_latest_name(session: Session) -> None:
    people = [Person("GUZMAN", "OVIDIO", date(1990, 3, 29), "AB12345"), Person("CARO", "RAFAEL", None, "R2")]
    flight = make_flight(session, people)
    traveller, other = sorted(flight.travellers, key=lambda t: t.surname != "GUZMAN")
    screen_travellers(session, [traveller.id, other.id])
    (view,) = load_travellers(session, [traveller.id])
    assert {"doc:A812345", "c:guzman", "c:ovidio"} <= traveller_keys(view)  # O/0, B/8 ... folded
    before = _stored(session, other.id)
    assert _stored(session, traveller.id) == traveller_keys(view)
    screen_travellers(session, [traveller.id, other.id])  # nothing changed: the same keys
    assert _stored(session, traveller.id) == traveller_keys(view)
    traveller.surname = "SALAZAR"  # a corrected name on a later push
    traveller.documents[0].number = "XY98765"
    session.flush()
    screen_travellers(session, [traveller.id, other.id])
    stored = _stored(session, traveller.id)
    assert "c:salazar" in stored and "c:guzman" not in stored and "doc:XY98765" in stored
    assert not any(k.startswith("doc:A8") for k in stored)
    assert stored == traveller_keys(load_travellers(session, [traveller.id])[0])
    assert _stored(session, other.id) == before


def _count(session: Session, model: type[TravellerNameKey] | type[TravellerNameKeyJournal]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("merged", [False, True])
def test_keys_follow_the_travellers_latest_name_once_merged_too(session: Session, merged: bool) -> None:
    people = [Person("GUZMAN", "OVIDIO", date(1990, 3, 29), "AB12345"), Person("CARO", "RAFAEL", None, "R2")]
    flight = make_flight(session, people)
    traveller = next(t for t in flight.travellers if t.surname == "GUZMAN")
    screen_travellers(session, [traveller.id])
    if merged:
        merge_keys(session)
    traveller.surname = "SALAZAR"
    session.flush()
    screen_travellers(session, [t.id for t in flight.travellers])
    stored = _stored(session, traveller.id)
    assert "c:salazar" in stored and "c:guzman" not in stored
    assert stored == traveller_keys(load_travellers(session, [traveller.id])[0])
    merge_keys(session)
    assert _count(session, TravellerNameKeyJournal) == 0
    assert _stored(session, traveller.id) == stored


def test_the_journal_is_merged_once_it_holds_merge_at_rows(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(namekeys, "MERGE_AT", 40)
    monkeypatch.setattr(namekeys, "_appended_since_count", 0)
    flight = make_flight(session, CLEAN[:2])
    screen_travellers(session, [t.id for t in flight.travellers])  # a few keys: counted, not merged
    assert _count(session, TravellerNameKey) == 0 and _count(session, TravellerNameKeyJournal) > 0
    flight = make_flight(session, CLEAN[2:], number="646")
    screen_travellers(session, [t.id for t in flight.travellers])
    assert _count(session, TravellerNameKeyJournal) == 0 and _count(session, TravellerNameKey) > 40


def _stored(session: Session, traveller_id: int) -> set[str]:
    """The traveller's keys, in the key-ordered table or in the journal (never in both)."""
    found: list[str] = []
    for model in (TravellerNameKey, TravellerNameKeyJournal):
        found += session.scalars(select(model.key).where(model.traveller_id == traveller_id))
    assert len(found) == len(set(found))
    return set(found)


def test_travellers_outside_the_window_are_not_candidates(session: Session) -> None:
    far = make_flight(session, VARIANTS, arrival=utcnow() + timedelta(days=6))
    screen_travellers(session, [t.id for t in far.travellers])
    make_list(session, "NEW", [person_entry("N1", "Ovidio Guzman Lopez", "1990-03-29")])
    start, end = window()
    assert candidate_travellers(session, [e.record for e in screening_entries(session)], start, end) == set()


@pytest.mark.parametrize("merged", [False, True])
def test_forget_keys_deletes_a_travellers_keys_from_both_tables(session: Session, merged: bool) -> None:
    """The key tables have no foreign key: whoever deletes a traveller (a PNR-only row merged into its API
    traveller) deletes their keys, from the journal or the key-ordered table, and no one else's."""
    flight = make_flight(session, VARIANTS)
    ids = [t.id for t in flight.travellers]
    screen_travellers(session, ids[:2])
    if merged:
        merge_keys(session)
    screen_travellers(session, ids)
    forget_keys(session, [ids[0], ids[3]])
    assert _keyed(session) == set(ids) - {ids[0], ids[3]}


def test_a_merge_moves_only_the_keys_of_existing_travellers(session: Session) -> None:
    flight = make_flight(session, VARIANTS)
    ids = [t.id for t in flight.travellers]
    screen_travellers(session, ids)
    journal = TravellerNameKeyJournal.__table__
    session.execute(journal.insert(), [{"traveller_id": max(ids) + 1000, "key": "c:gone"}])
    merge_keys(session)
    assert _count(session, TravellerNameKeyJournal) == 0
    assert _keyed(session) == set(ids)
    assert session.scalar(select(func.count()).where(TravellerNameKey.key == "c:gone")) == 0


def _keyed(session: Session) -> set[int]:
    """Travellers holding a key in either table."""
    ids = set(session.scalars(select(TravellerNameKey.traveller_id)))
    return ids | set(session.scalars(select(TravellerNameKeyJournal.traveller_id)))


def test_key_counts_stop_past_rare_and_add_the_journal(session: Session) -> None:
    """Counts answer 'held at all?' and 'by at most RARE travellers?': a common key is counted to RARE + 1
    only (not walked to its end), a rare one exactly, the journal's holders on top, an unheld key absent."""
    rows = [{"key": "c:common", "traveller_id": i} for i in range(1, namekeys.RARE + 40)]
    rows += [{"key": "c:rare", "traveller_id": i} for i in range(1, 4)]
    session.execute(insert(TravellerNameKey), rows)
    journal = {"c:rare": [901, 902], "c:fresh": [903]}
    counts = namekeys._counts(session, ["c:common", "c:rare", "c:fresh", "c:nobody"], journal)
    assert counts == {"c:common": namekeys.RARE + 1, "c:rare": 5, "c:fresh": 1}


def test_reachable_agrees_with_the_matchers_context_effect() -> None:
    """Reachable reads Contexts (`context_effect_of`); its answer is 1 + context_effect >= threshold for
    every combination of birth date, gender and nationality tried."""
    from paxvet.match.records import Name, PartialDate, PersonRecord
    from paxvet.match.score import context_effect
    from paxvet.screening.namekeys import Reachable
    from paxvet.screening.travellers import TravellerView

    entries = [
        PersonRecord(names=(Name(full="A B"),), dates_of_birth=(PartialDate(1990, 3, 29),), gender="M"),
        PersonRecord(names=(Name(full="C D"),), dates_of_birth=(PartialDate(1975),), nationalities=("MEX",)),
        PersonRecord(names=(Name(full="E F"),), gender="F"),
    ]
    thresholds = [0.8, 0.85, 0.95]
    reachable = Reachable(entries, thresholds)
    outcomes = set()
    births = [None, date(1990, 3, 29), date(1990, 3, 30), date(1991, 3, 29), date(1994, 1, 1)]
    births.append(date(1975, 6, 1))
    for dob in births:
        for gender in (None, "M", "F"):
            for nationality in (None, "MEX", "USA"):
                record = TravellerView(0, 0, "", "", gender, dob, nationality, None).person_record()
                for i, entry in enumerate(entries):
                    expected = 1.0 + context_effect(record, entry) >= thresholds[i] - 1e-9
                    assert reachable(dob, gender, nationality, i) is expected
                    outcomes.add(expected)
    assert outcomes == {True, False}
