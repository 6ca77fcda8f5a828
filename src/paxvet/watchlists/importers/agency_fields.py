"""Field readers for paxvet's own CSV formats (paxvet-csv, documents-csv), which agencies write themselves.

Unlike the official lists, an agency can fix its own file, so every unreadable value is an error with
its line and column: a date of birth that does not parse must not silently drop out of screening.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import ValidationError

from paxvet.errors import ProblemList
from paxvet.watchlists.countries import country_code
from paxvet.watchlists.schemas import BirthDate, EntryDocument

_DOB = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(~)?$")
_RANGE = re.compile(r"^(\d{4})\.\.(\d{4})(~)?$")
DOCUMENT_TYPE_CODES = {
    "p": "passport",
    "passport": "passport",
    "i": "national_id",
    "id": "national_id",
    "national_id": "national_id",
    "v": "visa",
    "visa": "visa",
    "dl": "driving_licence",
    "driving_licence": "driving_licence",
    "residence_permit": "residence_permit",
    "c": "crew_card",
    "crew_card": "crew_card",
}


class FieldError(ValueError):
    """A value that cannot be read, with the column it came from."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"{column}: {message}")


def split_multi(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def birth_dates(value: str) -> list[BirthDate]:
    """'1962-11-23|1963|1955..1958|1970~' -> dates; values that do not fit raise one FieldError naming all."""
    result, bad = [], []
    for text in split_multi(value):
        try:
            result.append(_birth_date(text))
        except FieldError as exc:
            bad.append(str(exc).removeprefix("dates_of_birth: "))
    if bad:
        raise FieldError("dates_of_birth", "; ".join(bad))
    return result


def _birth_date(text: str) -> BirthDate:
    try:
        span = _RANGE.match(text)
        if span:
            return BirthDate(year=int(span[1]), end_year=int(span[2]), circa=bool(span[3]))
        match = _DOB.match(text)
        if match:
            y, m, d, circa = match.groups()
            return BirthDate(
                year=int(y), month=int(m) if m else None, day=int(d) if d else None, circa=bool(circa)
            )
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise FieldError("dates_of_birth", f"{text!r} is not a valid date ({reason})") from exc
    raise FieldError(
        "dates_of_birth", f"{text!r}: use YYYY, YYYY-MM, YYYY-MM-DD, YYYY..YYYY, trailing ~ = circa"
    )


def countries(column: str, value: str) -> list[str]:
    codes = []
    for text in split_multi(value):
        code = country_code(text)
        if code is None:
            raise FieldError(column, f"{text!r} is not a country code")
        codes.append(code)
    return codes


def country(column: str, value: str, *, required: bool = False) -> str | None:
    if not value.strip():
        if required:
            raise FieldError(column, "is required")
        return None
    code = country_code(value)
    if code is None:
        raise FieldError(column, f"{value!r} is not a country code")
    return code


def documents(value: str) -> list[EntryDocument]:
    """'P:X1234567:MEX|ID:ABC123:' -> documents (type, number, issuing country)."""
    result = []
    for text in split_multi(value):
        parts = [p.strip() for p in text.split(":")]
        if len(parts) != 3 or not parts[1]:
            raise FieldError("documents", f"{text!r}: use TYPE:NUMBER:COUNTRY (country may be empty)")
        doc_type = DOCUMENT_TYPE_CODES.get(parts[0].lower(), parts[0].lower() or None)
        result.append(
            EntryDocument(number=parts[1], doc_type=doc_type, country=country("documents", parts[2]))
        )
    return result


def gender(value: str) -> str | None:
    text = value.strip().upper()
    if text in ("", "U", "X"):
        return None
    if text in ("M", "F"):
        return text
    raise FieldError("gender", f"{value!r}: use M, F or leave empty")


def yes_no(column: str, value: str) -> bool | None:
    text = value.strip().lower()
    if not text:
        return None
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    raise FieldError(column, f"{value!r}: use yes or no")


def iso_date(column: str, value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise FieldError(column, f"{value!r} is not a date (YYYY-MM-DD)") from exc


BAD = object()  # marks a field that could not be read (its problem is already recorded)


def read(problems: ProblemList, location: str, reader: Callable[[str], Any], value: str) -> Any:
    """One field's value, or BAD after recording the problem: every bad field of a row is reported."""
    try:
        return reader(value)
    except FieldError as exc:
        problems.error(str(exc), location)
        return BAD
