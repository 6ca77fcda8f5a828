"""What the matcher takes in: plain records, no database or web types.

A `PersonRecord` describes either a traveller (as an airline reports one) or a watchlist entry (with every
name the source gives). Dates may be partial: year only, year and month, or a range.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to year, year-month or day; `circa` widens it by a year each way."""

    year: int
    month: int | None = None
    day: int | None = None
    circa: bool = False

    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        return "-".join(parts) + ("~" if self.circa else "")


@dataclass(frozen=True, slots=True)
class DateRange:
    """A date of birth given as 'between 1960 and 1962' (inclusive years)."""

    start_year: int
    end_year: int


@dataclass(frozen=True, slots=True)
class Name:
    """One name as a source gives it. `full` is always set; parts only where the source splits them."""

    full: str
    given: str | None = None
    family: str | None = None
    paternal: str | None = None
    maternal: str | None = None
    kind: str = "primary"  # primary | alias | weak | original_script


@dataclass(frozen=True, slots=True)
class Document:
    number: str
    country: str | None = None  # ISO alpha-3 (or alpha-2 as received; the matcher normalises)
    doc_type: str | None = None


@dataclass(frozen=True, slots=True)
class PersonRecord:
    names: tuple[Name, ...]
    dates_of_birth: tuple[PartialDate | DateRange, ...] = ()
    gender: str | None = None  # M | F | None
    nationalities: tuple[str, ...] = ()
    documents: tuple[Document, ...] = ()
    key: str = ""  # caller's id (traveller id, entry source id); the matcher does not interpret it
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
