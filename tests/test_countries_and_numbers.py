from __future__ import annotations

import pytest

from paxvet.countries import country_name, to_alpha3
from paxvet.documents.numbers import folded_document_number, normalize_document_number


@pytest.mark.parametrize(
    ("given", "expected"),
    [("MX", "MEX"), ("mex", "MEX"), ("D", "DEU"), ("Mexico", "MEX"), ("", None), ("ZZZ", None)],
)
def test_to_alpha3(given: str, expected: str | None) -> None:
    assert to_alpha3(given) == expected


def test_country_name_falls_back_to_code() -> None:
    assert country_name("MEX") == "Mexico"
    assert country_name("XXA") == "XXA"


def test_document_numbers_normalise_and_fold() -> None:
    assert normalize_document_number(" ab-123 45 ") == "AB12345"
    assert folded_document_number("O1234I") == folded_document_number("012341")
