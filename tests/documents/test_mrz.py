"""MRZ parsing and check digits: the shared samples, every format of our own, and properties."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import shared_path
from paxvet.documents.mrz import MrzUnreadable, check_digit, parse_mrz
from paxvet.documents.mrz_build import build_td1, build_td2, build_td3

TODAY = date(2026, 6, 1)
FIELD_DATES = {"date_of_birth": "birth_raw", "date_of_expiry": "expiry_raw"}


def _samples() -> list[dict[str, object]]:
    path = shared_path("samples", "messages", "mrz", "mrz_samples.jsonl")
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_shared_samples_fields_and_verdicts() -> None:
    samples = _samples()
    assert len(samples) >= 14
    for sample in samples:
        text = "\n".join(sample["lines"])  # type: ignore[arg-type]
        try:
            mrz = parse_mrz(text, today=TODAY)
        except MrzUnreadable:
            assert sample["expected_valid"] is False, sample["id"]
            continue
        assert mrz.format == sample["type"], sample["id"]
        assert mrz.valid is sample["expected_valid"], sample["id"]
        for name, value in dict(sample.get("expected_fields") or {}).items():  # type: ignore[call-overload]
            attr = {"issuing_state": "issuing_state_raw", "document_type": "document_type"}.get(name, name)
            got = getattr(mrz, FIELD_DATES.get(name, attr))
            if name == "nationality":
                got = mrz.nationality_raw
            assert got == value, (sample["id"], name, got, value)


def test_icao_worked_example_check_digit() -> None:
    assert check_digit("L898902C3") == "6"
    assert check_digit("ZE000509<") == "9"


def test_td3_specimen_fields() -> None:
    mrz = parse_mrz(
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
        today=TODAY,
    )
    assert (mrz.surname, mrz.given_names, mrz.document_number) == ("ERIKSSON", "ANNA MARIA", "L898902C3")
    assert mrz.date_of_birth == date(1974, 8, 12) and mrz.expiry == date(2012, 4, 15)
    assert mrz.sex == "F" and mrz.optional_data == "ZE184226B"
    assert [c.field for c in mrz.checks] == [
        "document_number",
        "date_of_birth",
        "date_of_expiry",
        "optional_data",
        "composite",
    ]


def test_german_one_letter_code_maps_to_deu() -> None:
    text = build_td3(
        surname="MUSTERMANN",
        given_names="ERIKA",
        number="C01X00T47",
        state="D",
        nationality="D",
        birth=date(1964, 8, 12),
        sex="F",
        expiry=date(2032, 1, 1),
    )
    mrz = parse_mrz(text, today=TODAY)
    assert mrz.valid and mrz.issuing_state == "DEU" and mrz.issuing_state_raw == "D<<"


def _kw(number: str = "AB1234567") -> dict[str, object]:
    return dict(
        surname="DE LA CRUZ",
        given_names="JOSE MARIA",
        number=number,
        state="MEX",
        nationality="MEX",
        birth=date(1988, 2, 29),
        sex="M",
        expiry=date(2031, 7, 9),
    )


@pytest.mark.parametrize(
    ("build", "code", "fmt", "checks"),
    [
        (build_td3, "P<", "TD3", 5),
        (build_td3, "V<", "MRV-A", 3),
        (build_td2, "I<", "TD2", 4),
        (build_td2, "V<", "MRV-B", 3),
        (build_td1, "I<", "TD1", 4),
    ],
)
def test_every_format_round_trips(build: object, code: str, fmt: str, checks: int) -> None:
    mrz = parse_mrz(build(code=code, **_kw()), today=TODAY)  # type: ignore[operator]
    assert mrz.format == fmt and mrz.valid, mrz.failed_checks
    assert len(mrz.checks) == checks
    assert (mrz.surname, mrz.given_names) == ("DE LA CRUZ", "JOSE MARIA")
    assert mrz.document_number == "AB1234567" and mrz.date_of_birth == date(1988, 2, 29)
    assert mrz.expiry == date(2031, 7, 9) and mrz.sex == "M" and mrz.nationality == "MEX"


@pytest.mark.parametrize("build", [build_td1, build_td2])
def test_long_document_number_overflows_into_optional_data(build: object) -> None:
    mrz = parse_mrz(build(optional="XY", **_kw("D23145890734")), today=TODAY)  # type: ignore[operator]
    assert mrz.valid and mrz.document_number == "D23145890734" and mrz.optional_data == "XY"


def test_long_number_with_wrong_digit_fails_its_check() -> None:
    text = build_td1(**_kw("D23145890734"))  # type: ignore[arg-type]
    one, two, three = text.splitlines()
    bad = one[:18] + ("0" if one[18] != "0" else "1") + one[19:]
    mrz = parse_mrz("\n".join([bad, two, three]), today=TODAY)
    assert {c.field for c in mrz.failed_checks} >= {"document_number"}


def test_unreadable_shapes_are_located() -> None:
    with pytest.raises(MrzUnreadable) as info:
        parse_mrz("P<UTO\nL898", today=TODAY)
    assert "5 + 4" in info.value.message and info.value.problems
    with pytest.raises(MrzUnreadable):
        parse_mrz("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<é\n" + "L" * 44, today=TODAY)


def test_century_inference() -> None:
    text = build_td3(**_kw())  # type: ignore[arg-type]
    two = text.splitlines()[1]
    assert parse_mrz(text, today=TODAY).date_of_birth == date(1988, 2, 29)
    # A child born this century and an expiry last century both come out right.
    kid = build_td3(**{**_kw(), "birth": date(2019, 3, 4), "expiry": date(1996, 12, 10)})  # type: ignore[arg-type]
    mrz = parse_mrz(kid, today=TODAY)
    assert mrz.date_of_birth == date(2019, 3, 4) and mrz.expiry == date(1996, 12, 10)
    assert two[13:19] == "880229"


def test_invalid_calendar_date_is_a_located_problem() -> None:
    text = build_td3(**_kw())  # type: ignore[arg-type]
    one, two = text.splitlines()
    dob = "881332"
    two = two[:13] + dob + check_digit(dob) + two[20:43]
    two += check_digit(two[0:10] + two[13:20] + two[21:43])
    mrz = parse_mrz(one + "\n" + two, today=TODAY)
    assert not mrz.failed_checks and not mrz.valid
    assert mrz.problems[0].location == "line 2 positions 14-19"


names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=12)
numbers = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=5, max_size=9)
births = st.dates(min_value=date(1930, 1, 1), max_value=TODAY - timedelta(days=1))
expiries = st.dates(min_value=date(2000, 1, 1), max_value=date(2045, 12, 31))
builders = st.sampled_from(
    [(build_td3, "P<"), (build_td3, "V<"), (build_td2, "I<"), (build_td2, "V<"), (build_td1, "I<")]
)


@settings(max_examples=80, deadline=None)
@given(builders, names, names, numbers, births, expiries, st.sampled_from(["M", "F", "X"]))
def test_generated_mrz_round_trips(
    builder: tuple[object, str],
    surname: str,
    given_name: str,
    number: str,
    birth: date,
    expiry: date,
    sex: str,
) -> None:
    build, code = builder
    text = build(  # type: ignore[operator]
        code=code,
        surname=surname,
        given_names=given_name,
        number=number,
        state="COL",
        nationality="COL",
        birth=birth,
        sex=sex,
        expiry=expiry,
    )
    mrz = parse_mrz(text, today=TODAY)
    assert mrz.valid, mrz.failed_checks
    assert (mrz.surname, mrz.given_names, mrz.document_number) == (surname, given_name, number)
    assert (mrz.date_of_birth, mrz.expiry) == (birth, expiry)


# positions (line index, 0-based column) of the digit fields each format protects with a check digit
_DIGIT_FIELDS = {
    "P<": [(1, c) for c in [*range(13, 19), *range(21, 27)]],
    "I<": [(1, c) for c in [*range(13, 19), *range(21, 27)]],
    "TD1": [(1, c) for c in [*range(0, 6), *range(8, 14)]],
}


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["P<", "I<", "TD1"]), births, expiries, st.data())
def test_single_digit_corruption_is_caught(fmt: str, birth: date, expiry: date, data: st.DataObject) -> None:
    kw = {**_kw(), "birth": birth, "expiry": expiry}
    text = {"P<": build_td3, "I<": build_td2, "TD1": build_td1}[fmt](**kw)  # type: ignore[arg-type]
    lines = text.splitlines()
    row, col = data.draw(st.sampled_from(_DIGIT_FIELDS[fmt]))
    old = lines[row][col]
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != old]))
    lines[row] = lines[row][:col] + new + lines[row][col + 1 :]
    assert parse_mrz("\n".join(lines), today=TODAY).failed_checks


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="0123456789", min_size=5, max_size=9), st.data())
def test_document_number_corruption_is_caught(number: str, data: st.DataObject) -> None:
    lines = build_td3(**{**_kw(), "number": number}).splitlines()  # type: ignore[arg-type]
    col = data.draw(st.integers(0, len(number) - 1))
    old = lines[1][col]
    # Any single digit change is caught (not so letters 10 apart, e.g. B/L: the sum is modulo 10).
    new = data.draw(st.sampled_from([c for c in "0123456789" if c != old]))
    lines[1] = lines[1][:col] + new + lines[1][col + 1 :]
    assert "document_number" in {c.field for c in parse_mrz("\n".join(lines), today=TODAY).failed_checks}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<", min_size=28, max_size=46), max_size=4)
)
def test_any_text_parses_or_is_unreadable(lines: list[str]) -> None:
    """Fuzz: nothing but MrzUnreadable ever escapes, whatever the lines hold."""
    try:
        mrz = parse_mrz("\n".join(lines), today=TODAY)
    except MrzUnreadable as error:
        assert error.problems
    else:
        assert len(mrz.checks) >= 3 and all(len(c.expected) == 1 for c in mrz.checks)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([build_td3, build_td2, build_td1]), st.data())
def test_shaped_noise_never_raises(build: object, data: st.DataObject) -> None:
    """Fuzz inside the right shape: random characters at random places give verdicts, never exceptions."""
    lines = build(**_kw()).splitlines()  # type: ignore[operator]
    for _ in range(data.draw(st.integers(1, 6))):
        row = data.draw(st.integers(0, len(lines) - 1))
        col = data.draw(st.integers(0, len(lines[row]) - 1))
        ch = data.draw(st.sampled_from("ABCZ0159<"))
        lines[row] = lines[row][:col] + ch + lines[row][col + 1 :]
    mrz = parse_mrz("\n".join(lines), today=TODAY)
    assert isinstance(mrz.valid, bool)
