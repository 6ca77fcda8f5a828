"""Dates of birth, documents, gender and nationality beside the name."""

from __future__ import annotations

import pytest

from paxvet.match import DEFAULT_THRESHOLD, DateRange, Document, Name, PartialDate, PersonRecord, score_pair
from paxvet.match import dates as d


def person(
    full: str = "Nicolas MADURO",
    dobs: tuple[PartialDate | DateRange, ...] = (),
    gender: str | None = None,
    nationalities: tuple[str, ...] = (),
    documents: tuple[Document, ...] = (),
) -> PersonRecord:
    return PersonRecord((Name(full),), dobs, gender, nationalities, documents)


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        (PartialDate(1962, 11, 23), PartialDate(1962, 11, 23), d.SAME),
        (PartialDate(1962), PartialDate(1962, 11, 23), d.COMPATIBLE),  # year-only is NOT 1 January
        (PartialDate(1962, 11), PartialDate(1962, 11, 23), d.SAME_MONTH),
        (PartialDate(1962, 3, 11), PartialDate(1962, 11, 3), d.SWAPPED),
        (PartialDate(1963, 11, 23), PartialDate(1962, 11, 23), d.YEAR_OFF),
        (PartialDate(1962, 11, 24), PartialDate(1962, 11, 23), d.DAY_OFF),
        (PartialDate(1962, 1, 1), PartialDate(1962, 11, 23), d.PLACEHOLDER),
        (PartialDate(1961, 6, 1), PartialDate(1962, circa=True), d.COMPATIBLE),
        (PartialDate(1957, 5, 5), DateRange(1955, 1958), d.COMPATIBLE),
        (PartialDate(1980, 5, 5), PartialDate(1962, 11, 23), d.CONFLICT),
    ],
)
def test_date_relations(a: PartialDate, b: PartialDate | DateRange, outcome: str) -> None:
    assert d.relate(a, b) == outcome


def test_best_of_several_listed_dates_counts() -> None:
    found = d.compare_dates((PartialDate(1970, 3, 15),), (PartialDate(1969), PartialDate(1970, 3, 15)))
    assert found.outcome == d.SAME


def test_missing_date_is_neutral_and_conflict_lowers() -> None:
    base = score_pair(person(), person(dobs=(PartialDate(1962, 11, 23),))).score
    assert base == score_pair(person(), person()).score
    conflicting = score_pair(
        person(dobs=(PartialDate(1980, 1, 2),)), person(dobs=(PartialDate(1962, 11, 23),))
    )
    assert conflicting.score < base
    assert conflicting.explanation.date_of_birth.outcome == d.CONFLICT


def test_document_match_is_strong_alone() -> None:
    listed = person("GUZMAN LOERA, Joaquin", documents=(Document("G-1234 5678", "MX"),))
    traveller = person("J Smith", documents=(Document("G1234S678", "MEX"),))
    result = score_pair(traveller, listed)
    assert result.score >= 0.9
    assert result.explanation.document is not None
    assert result.explanation.document.outcome == "same number allowing O/0, I/1 confusions"


def test_document_from_another_country_is_not_decisive() -> None:
    listed = person("GUZMAN LOERA, Joaquin", documents=(Document("G12345678", "MEX"),))
    traveller = person("J Smith", documents=(Document("G12345678", "USA"),))
    assert score_pair(traveller, listed).score < DEFAULT_THRESHOLD


def test_gender_conflict_lowers_and_nationality_is_small() -> None:
    base = score_pair(person(), person()).score
    assert score_pair(person(gender="F"), person(gender="M")).score < base
    agree = score_pair(person(nationalities=("VE",)), person(nationalities=("VEN",))).explanation.nationality
    assert agree.outcome == "agrees"
    conflict = score_pair(
        person(nationalities=("US",)), person(nationalities=("VEN",))
    ).explanation.nationality
    assert conflict.outcome == "conflicts" and -0.1 < conflict.effect < 0


def test_explanation_is_json_and_readable() -> None:
    import json

    result = score_pair(
        person("Nicolas Maduro", dobs=(PartialDate(1962),), nationalities=("VE",)),
        person("MADURO MOROS, Nicolas", dobs=(PartialDate(1962, 11, 23),), nationalities=("VEN",)),
    )
    json.dumps(result.explanation.to_dict())
    summary = result.explanation.summary
    assert (
        "MOROS (maternal surname)" in summary
        and "DOB compatible" in summary
        and "nationality agrees" in summary
    )
