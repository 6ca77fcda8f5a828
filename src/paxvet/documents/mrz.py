"""ICAO Doc 9303 machine-readable zones: TD1, TD2, TD3 and visas (MRV-A, MRV-B).

`parse_mrz(text)` reads the lines, takes every field apart and recomputes every check digit, reporting each
result rather than stopping at the first failure: an officer needs to see *which* field was keyed or read
wrongly. `build_td3`/`build_td1`/... compose an MRZ with correct check digits (used by the synthesiser and the
tests). Written from the standard; no MRZ library is used (the public ones mishandle long TD1 numbers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from paxvet.errors import InvalidInput, Problem

FILLER = "<"
# Non-ISO codes found in issuing-state and nationality fields (Doc 9303 Part 3); the original is kept too.
STATE_CODES = {"D": "DEU", "GBD": "GBR", "GBN": "GBR", "GBO": "GBR", "GBS": "GBR", "GBP": "GBR"}
# Visas are valid for a few years at most and passports for ten: a two-digit expiry year further ahead than
# this is read as last century.
EXPIRY_HORIZON_YEARS = 20
_SHAPES = {(3, 30): "TD1", (2, 36): "TD2", (2, 44): "TD3"}
_ALLOWED = re.compile(r"^[A-Z0-9<]+$")


class MrzUnreadable(InvalidInput):
    """The text is not an MRZ of any known shape (wrong number or length of lines, bad characters)."""


@dataclass(frozen=True)
class CheckResult:
    """One check digit: which field, what the document says, what the data gives."""

    field: str
    found: str
    expected: str
    location: str

    @property
    def ok(self) -> bool:
        return self.found == self.expected

    def to_dict(self) -> dict[str, object]:
        return {"field": self.field, "found": self.found, "expected": self.expected, "ok": self.ok}


@dataclass(frozen=True)
class Mrz:
    """Every field of one MRZ, raw and interpreted, with each check-digit verdict."""

    format: str  # TD1, TD2, TD3, MRV-A, MRV-B
    lines: tuple[str, ...]
    document_code: str
    issuing_state_raw: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality_raw: str
    nationality: str
    birth_raw: str
    date_of_birth: date | None
    sex: str | None
    expiry_raw: str
    expiry: date | None
    optional_data: str
    optional_data_2: str = ""
    checks: tuple[CheckResult, ...] = ()
    problems: tuple[Problem, ...] = field(default=())

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.ok]

    @property
    def valid(self) -> bool:
        """Every check digit agrees and every field could be read."""
        return not self.failed_checks and not any(p.severity == "error" for p in self.problems)

    @property
    def document_type(self) -> str:
        """The first letter of the document code: P passport, I/A/C identity cards, V visa."""
        return self.document_code[:1]


def char_value(ch: str) -> int:
    if ch.isdigit():
        return ord(ch) - 48
    if "A" <= ch <= "Z":
        return ord(ch) - 55
    return 0  # the filler, and anything unreadable


def check_digit(data: str) -> str:
    """Doc 9303 check digit: values weighted 7, 3, 1 repeating, sum modulo 10."""
    weights = (7, 3, 1)
    return str(sum(char_value(c) * weights[i % 3] for i, c in enumerate(data)) % 10)


def split_lines(text: str) -> list[str]:
    """The MRZ lines of a text: blank lines and surrounding spaces dropped, upper case."""
    return [line.strip().replace(" ", "").upper() for line in text.strip().splitlines() if line.strip()]


def mrz_format(lines: list[str]) -> str:
    """TD1/TD2/TD3/MRV-A/MRV-B from the shape of the lines and the document code; raises MrzUnreadable."""
    lengths = {len(line) for line in lines}
    shape = (len(lines), lengths.pop()) if len(lengths) == 1 else None
    kind = _SHAPES.get(shape) if shape else None
    if kind is None:
        got = " + ".join(str(len(line)) for line in lines) or "nothing"
        raise MrzUnreadable(
            f"not an MRZ: expected 3 lines of 30, or 2 lines of 36 or 44 characters; got {got}",
            [Problem(f"line lengths {got}", "mrz")],
        )
    bad = [f"line {n}" for n, line in enumerate(lines, 1) if not _ALLOWED.match(line)]
    if bad:
        raise MrzUnreadable(
            "MRZ holds characters other than A-Z, 0-9 and '<'",
            [Problem("invalid characters", b) for b in bad],
        )
    if lines[0].startswith("V") and kind in ("TD2", "TD3"):
        return "MRV-A" if kind == "TD3" else "MRV-B"
    return kind


def parse_mrz(text: str, *, today: date | None = None) -> Mrz:
    """Parse and check an MRZ given as text (lines separated by line breaks)."""
    lines = split_lines(text)
    kind = mrz_format(lines)
    if kind == "TD1":
        return _parse_td1(lines, today or date.today())
    return _parse_two_line(lines, kind, today or date.today())


# ---------------------------------------------------------------------------------------------------------
# field readers


def _clean(raw: str) -> str:
    return raw.replace(FILLER, " ").strip()


def _words(part: str) -> str:
    return " ".join(w for w in part.split(FILLER) if w)


def split_name(raw: str) -> tuple[str, str]:
    """'ERIKSSON<<ANNA<MARIA<<<' -> ('ERIKSSON', 'ANNA MARIA'); '<' inside a part becomes a space."""
    primary, _, secondary = raw.partition("<<")
    return _words(primary), _words(secondary)


def state(raw: str) -> str:
    code = raw.replace(FILLER, "")
    return STATE_CODES.get(code, code)


def read_date(raw: str, kind: str, today: date) -> date | None:
    """YYMMDD with the century inferred: births in the past, expiries up to the horizon ahead."""
    if not raw.isdigit():
        return None
    if len(raw) == 6:  # one int() instead of three (ingest reads three dates per traveller)
        number = int(raw)
        yy, mm, dd = number // 10000, number // 100 % 100, number % 100
    else:
        yy, mm, dd = int(raw[:2]), int(raw[2:4]), int(raw[4:6])
    if kind == "birth":
        # the later century unless it lies in the future (a 20xx year after this one always does)
        centuries: tuple[int, ...] = (2000, 1900) if 2000 + yy <= today.year else (1900,)
    elif 2000 + yy <= today.year + EXPIRY_HORIZON_YEARS:
        centuries = (2000,)
    else:
        centuries = (1900,)
    for century in centuries:
        try:
            found = date(century + yy, mm, dd)
        except ValueError:
            continue
        if kind != "birth" or found <= today:
            return found
    return None


def _sex(raw: str) -> str | None:
    return raw if raw in ("M", "F") else None


class _Reader:
    """Collects check results and problems while one MRZ is taken apart."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.checks: list[CheckResult] = []
        self.problems: list[Problem] = []

    def check(self, name: str, data: str, found: str, location: str) -> None:
        self.checks.append(CheckResult(name, found, check_digit(data), location))

    def optional_check(self, name: str, data: str, found: str, location: str) -> None:
        # An empty optional field may carry '<' or '0' as its check digit.
        if data.strip(FILLER) == "" and found in (FILLER, "0"):
            self.checks.append(CheckResult(name, found, found, location))
        else:
            self.check(name, data, found, location)

    def date(self, raw: str, kind: str, location: str) -> date | None:
        found = read_date(raw, kind, self.today)
        if found is None:
            label = "date of birth" if kind == "birth" else "date of expiry"
            self.problems.append(Problem(f"{label} {raw!r} is not a valid YYMMDD date", location))
        return found

    def sex(self, raw: str, location: str) -> str | None:
        if raw not in ("M", "F", "X", FILLER):
            self.problems.append(Problem(f"sex {raw!r} is not M, F, X or '<'", location, "warning"))
        return _sex(raw)


def _document_number(reader: _Reader, head: str, digit: str, optional: str, location: str) -> tuple[str, str]:
    """(number, optional data left) with the long-number rule: a '<' check digit means the number continues
    at the start of the optional data, ending with the check digit of the whole number."""
    if digit == FILLER and optional.strip(FILLER):
        overflow, _, rest = optional.partition(FILLER)
        number = head.replace(FILLER, "") + overflow[:-1]
        reader.check("document_number", number, overflow[-1:], location)
        return number, rest
    reader.check("document_number", head, digit, location)
    return head.replace(FILLER, ""), optional


def _parse_two_line(lines: list[str], kind: str, today: date) -> Mrz:
    one, two = lines
    r = _Reader(today)
    visa = kind.startswith("MRV")
    opt_end = len(two) if visa else len(two) - 1
    optional = two[28:opt_end]
    loc = "line 2 positions 1-10"
    number, optional = (
        _document_number(r, two[0:9], two[9], optional, loc)
        if kind == "TD2"
        else (_checked_number(r, two[0:10], loc), optional)
    )
    r.check("date_of_birth", two[13:19], two[19], "line 2 positions 14-20")
    r.check("date_of_expiry", two[21:27], two[27], "line 2 positions 22-28")
    if kind == "TD3":
        r.optional_check("optional_data", two[28:42], two[42], "line 2 positions 29-43")
        optional = two[28:42]
    if not visa:
        r.check("composite", two[0:10] + two[13:20] + two[21:opt_end], two[-1], f"line 2 position {len(two)}")
    surname, given = split_name(one[5:])
    return Mrz(
        format=kind,
        lines=tuple(lines),
        document_code=one[0:2].replace(FILLER, ""),
        issuing_state_raw=one[2:5],
        issuing_state=state(one[2:5]),
        surname=surname,
        given_names=given,
        document_number=number,
        nationality_raw=two[10:13],
        nationality=state(two[10:13]),
        birth_raw=two[13:19],
        date_of_birth=r.date(two[13:19], "birth", "line 2 positions 14-19"),
        sex=r.sex(two[20], "line 2 position 21"),
        expiry_raw=two[21:27],
        expiry=r.date(two[21:27], "expiry", "line 2 positions 22-27"),
        optional_data=_clean(optional),
        checks=tuple(r.checks),
        problems=tuple(r.problems),
    )


def _checked_number(reader: _Reader, raw: str, location: str) -> str:
    reader.check("document_number", raw[:9], raw[9], location)
    return raw[:9].replace(FILLER, "")


def _parse_td1(lines: list[str], today: date) -> Mrz:
    one, two, three = lines
    r = _Reader(today)
    number, optional = _document_number(r, one[5:14], one[14], one[15:30], "line 1 positions 6-15")
    r.check("date_of_birth", two[0:6], two[6], "line 2 positions 1-7")
    r.check("date_of_expiry", two[8:14], two[14], "line 2 positions 9-15")
    r.check("composite", one[5:30] + two[0:7] + two[8:15] + two[18:29], two[29], "line 2 position 30")
    surname, given = split_name(three)
    return Mrz(
        format="TD1",
        lines=tuple(lines),
        document_code=one[0:2].replace(FILLER, ""),
        issuing_state_raw=one[2:5],
        issuing_state=state(one[2:5]),
        surname=surname,
        given_names=given,
        document_number=number,
        nationality_raw=two[15:18],
        nationality=state(two[15:18]),
        birth_raw=two[0:6],
        date_of_birth=r.date(two[0:6], "birth", "line 2 positions 1-6"),
        sex=r.sex(two[7], "line 2 position 8"),
        expiry_raw=two[8:14],
        expiry=r.date(two[8:14], "expiry", "line 2 positions 9-14"),
        optional_data=_clean(optional),
        optional_data_2=_clean(two[18:29]),
        checks=tuple(r.checks),
        problems=tuple(r.problems),
    )
