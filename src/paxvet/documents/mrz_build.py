"""Compose machine-readable zones with correct check digits (synthetic documents, tests)."""

from __future__ import annotations

from datetime import date

from paxvet.documents.mrz import FILLER, check_digit


def _mrz_words(text: str) -> str:
    return FILLER.join("".join(c for c in w if c.isalpha()) for w in text.upper().replace("-", " ").split())


def mrz_name(surname: str, given_names: str, width: int) -> str:
    """'DE LA CRUZ', 'ANA MARIA' -> 'DE<LA<CRUZ<<ANA<MARIA<<<' cut or padded to width (letters only)."""
    text = _mrz_words(surname) + (FILLER * 2 + _mrz_words(given_names) if given_names.strip() else "")
    return text[:width].ljust(width, FILLER)


def _field(value: str, width: int) -> str:
    return value.upper()[:width].ljust(width, FILLER)


def yymmdd(d: date | None) -> str:
    return d.strftime("%y%m%d") if d else FILLER * 6


def _sex(sex: str | None) -> str:
    return sex if sex in ("M", "F", "X") else FILLER


def _number_with_digit(number: str, optional: str, width: int) -> tuple[str, str]:
    """(number field + its check digit, optional data) with the long-number rule for TD1/TD2."""
    if len(number) <= 9:
        head = _field(number, 9)
        return head + check_digit(head), optional
    return number[:9] + FILLER, number[9:] + check_digit(number) + FILLER + optional


def build_td3(
    *,
    surname: str,
    given_names: str,
    number: str,
    state: str,
    nationality: str,
    birth: date | None,
    sex: str | None,
    expiry: date | None,
    personal_number: str = "",
    code: str = "P<",
) -> str:
    """A passport MRZ (2 x 44); a visa (MRV-A) when code starts with V (no composite digit)."""
    visa = code.startswith("V")
    one = _field(code, 2) + _field(state, 3) + mrz_name(surname, given_names, 39)
    num = _field(number, 9)
    head = num + check_digit(num) + _field(nationality, 3)
    dob, exp = yymmdd(birth), yymmdd(expiry)
    if visa:
        two = head + dob + check_digit(dob) + _sex(sex) + exp + check_digit(exp) + _field(personal_number, 16)
        return one + "\n" + two
    opt = _field(personal_number, 14)
    opt_digit = check_digit(opt) if personal_number else FILLER
    body = head + dob + check_digit(dob) + _sex(sex) + exp + check_digit(exp) + opt + opt_digit
    composite = check_digit(body[0:10] + body[13:20] + body[21:43])
    return one + "\n" + body + composite


def build_td2(
    *,
    surname: str,
    given_names: str,
    number: str,
    state: str,
    nationality: str,
    birth: date | None,
    sex: str | None,
    expiry: date | None,
    optional: str = "",
    code: str = "I<",
) -> str:
    """An ID-card MRZ (2 x 36); a visa (MRV-B) when code starts with V (no composite digit)."""
    visa = code.startswith("V")
    one = _field(code, 2) + _field(state, 3) + mrz_name(surname, given_names, 31)
    numfield, opt = _number_with_digit(number, optional, 9) if not visa else (_visa_number(number), optional)
    dob, exp = yymmdd(birth), yymmdd(expiry)
    body = numfield + _field(nationality, 3) + dob + check_digit(dob) + _sex(sex) + exp + check_digit(exp)
    if visa:
        return one + "\n" + body + _field(opt, 8)
    body += _field(opt, 7)
    return one + "\n" + body + check_digit(body[0:10] + body[13:20] + body[21:35])


def _visa_number(number: str) -> str:
    head = _field(number, 9)
    return head + check_digit(head)


def build_td1(
    *,
    surname: str,
    given_names: str,
    number: str,
    state: str,
    nationality: str,
    birth: date | None,
    sex: str | None,
    expiry: date | None,
    optional: str = "",
    optional_2: str = "",
    code: str = "I<",
) -> str:
    """An ID-card MRZ (3 x 30), with the long-number rule for numbers of more than 9 characters."""
    numfield, opt = _number_with_digit(number, optional, 9)
    one = _field(code, 2) + _field(state, 3) + numfield + _field(opt, 15)
    dob, exp = yymmdd(birth), yymmdd(expiry)
    two = dob + check_digit(dob) + _sex(sex) + exp + check_digit(exp) + _field(nationality, 3)
    two += _field(optional_2, 11)
    two += check_digit(one[5:30] + two[0:7] + two[8:15] + two[18:29])
    return one + "\n" + two + "\n" + mrz_name(surname, given_names, 30)
