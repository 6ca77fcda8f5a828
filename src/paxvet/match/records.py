"""What the matcher takes in: plain records, no database or web types.

A `PersonRecord` describes either a traveller (as an airline reports one) or a watchlist entry (with every
name the source gives). Dates may be partial: year only, year and month, or a range.

Each record class has its own `__init__`: compiled, it sets the fields about ten times faster than the
dataclass one, which calls `object.__setattr__` from interpreted code for every field of a frozen class
(screening builds each traveller's records anew). Equality, hashing, repr and fields stay the dataclass's.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, init=False)
class PartialDate:
    """A date known to year, year-month or day; `circa` widens it by a year each way."""

    year: int
    month: int | None = None
    day: int | None = None
    circa: bool = False

    def __init__(
        self, year: int, month: int | None = None, day: int | None = None, circa: bool = False
    ) -> None:
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "month", month)
        object.__setattr__(self, "day", day)
        object.__setattr__(self, "circa", circa)

    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        return "-".join(parts) + ("~" if self.circa else "")


@dataclass(frozen=True, slots=True, init=False)
class DateRange:
    """A date of birth given as 'between 1960 and 1962' (inclusive years)."""

    start_year: int
    end_year: int

    def __init__(self, start_year: int, end_year: int) -> None:
        object.__setattr__(self, "start_year", start_year)
        object.__setattr__(self, "end_year", end_year)


@dataclass(frozen=True, slots=True, init=False)
class Name:
    """One name as a source gives it. `full` is always set; parts only where the source splits them."""

    full: str
    given: str | None = None
    family: str | None = None
    paternal: str | None = None
    maternal: str | None = None
    kind: str = "primary"  # primary | alias | weak | original_script

    def __init__(
        self,
        full: str,
        given: str | None = None,
        family: str | None = None,
        paternal: str | None = None,
        maternal: str | None = None,
        kind: str = "primary",
    ) -> None:
        object.__setattr__(self, "full", full)
        object.__setattr__(self, "given", given)
        object.__setattr__(self, "family", family)
        object.__setattr__(self, "paternal", paternal)
        object.__setattr__(self, "maternal", maternal)
        object.__setattr__(self, "kind", kind)


@dataclass(frozen=True, slots=True, init=False)
class Document:
    number: str
    country: str | None = None  # ISO alpha-3 (or alpha-2 as received; the matcher normalises)
    doc_type: str | None = None

    def __init__(self, number: str, country: str | None = None, doc_type: str | None = None) -> None:
        object.__setattr__(self, "number", number)
        object.__setattr__(self, "country", country)
        object.__setattr__(self, "doc_type", doc_type)


@dataclass(frozen=True, slots=True, init=False)
class PersonRecord:
    names: tuple[Name, ...]
    dates_of_birth: tuple[PartialDate | DateRange, ...] = ()
    gender: str | None = None  # M | F | None
    nationalities: tuple[str, ...] = ()
    documents: tuple[Document, ...] = ()
    key: str = ""  # caller's id (traveller id, entry source id); the matcher does not interpret it
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def __init__(
        self,
        names: tuple[Name, ...],
        dates_of_birth: tuple[PartialDate | DateRange, ...] = (),
        gender: str | None = None,
        nationalities: tuple[str, ...] = (),
        documents: tuple[Document, ...] = (),
        key: str = "",
        extra: dict[str, str] | None = None,
    ) -> None:
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "dates_of_birth", dates_of_birth)
        object.__setattr__(self, "gender", gender)
        object.__setattr__(self, "nationalities", nationalities)
        object.__setattr__(self, "documents", documents)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "extra", {} if extra is None else extra)
