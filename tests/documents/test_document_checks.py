"""Document findings: validity, impossible dates, MRZ check digits and MRZ against keyed data."""

from __future__ import annotations

from datetime import date

from paxvet.documents.checks import DocumentFinding, check_document
from paxvet.documents.mrz_build import build_td3

TODAY = date(2026, 6, 1)
MRZ = build_td3(
    surname="GARCIA LOPEZ",
    given_names="MARIA",
    number="G12345678",
    state="MEX",
    nationality="MEX",
    birth=date(1980, 5, 17),
    sex="F",
    expiry=date(2030, 1, 31),
)


def _check(**kw: object) -> list[DocumentFinding]:
    base: dict[str, object] = dict(
        number="G12345678",
        doc_type="P",
        issuing_country="MEX",
        expiry=date(2030, 1, 31),
        issued=date(2020, 2, 1),
        date_of_birth=date(1980, 5, 17),
        arrival=date(2026, 6, 2),
        mrz=None,
        today=TODAY,
    )
    return check_document(**{**base, **kw})  # type: ignore[arg-type]


def codes(findings: list[DocumentFinding]) -> list[str]:
    return [f.code for f in findings]


def test_a_sound_document_has_no_findings() -> None:
    assert _check() == []
    assert _check(mrz=MRZ) == []


def test_expired_and_expiring_before_arrival() -> None:
    assert codes(_check(expiry=date(2026, 5, 31))) == ["expired"]
    found = _check(expiry=date(2026, 6, 1), arrival=date(2026, 6, 3))
    assert codes(found) == ["expires_before_arrival"] and "2026-06-03" in found[0].message


def test_a_past_arrival_is_judged_on_its_own_date() -> None:
    # replaying last year's manifest: valid on arrival, lapsed since -> nothing to report
    assert _check(expiry=date(2026, 1, 31), arrival=date(2025, 12, 1)) == []
    found = _check(expiry=date(2025, 11, 30), arrival=date(2025, 12, 1))
    assert codes(found) == ["expired"] and "before arrival on 2025-12-01" in found[0].message
    assert codes(_check(expiry=date(2026, 5, 31), arrival=None)) == ["expired"]


def test_impossible_dates() -> None:
    assert codes(_check(issued=date(2031, 1, 1))) == ["impossible_date", "impossible_date"]
    assert codes(_check(date_of_birth=date(2027, 1, 1), issued=None)) == ["impossible_date"]
    assert codes(_check(date_of_birth=date(2021, 1, 1))) == ["impossible_date"]  # issued before birth
    old = _check(date_of_birth=date(1896, 6, 1), issued=None)
    assert codes(old) == ["impossible_date"] and "130" in old[0].message
    assert _check(date_of_birth=date(1896, 6, 2), issued=None) == []


def test_failed_check_digit_is_reported_with_its_location() -> None:
    one, two = MRZ.splitlines()
    bad = two[:9] + str((int(two[9]) + 1) % 10) + two[10:]
    found = _check(mrz=one + "\n" + bad)
    assert codes(found) == ["mrz_check_digit", "mrz_check_digit"]
    assert "document number" in found[0].message and "line 2 positions 1-10" in found[0].message
    assert found[0].to_dict()["severity"] == "error"


def test_mrz_disagreeing_with_stated_fields() -> None:
    found = _check(mrz=MRZ, number="G12345679", date_of_birth=date(1980, 5, 18), issuing_country="US")
    assert codes(found) == ["mrz_mismatch"] * 3
    assert any("G12345679" in f.message for f in found)
    # OCR-confusable characters are not a mismatch: O and 0 are the same document number.
    assert _check(mrz=MRZ, number="G1234567B".replace("B", "8"), issuing_country="MX") == []


def test_unreadable_mrz() -> None:
    found = _check(mrz="P<MEXGARCIA")
    assert codes(found) == ["mrz_unreadable"] and found[0].severity == "warning"
