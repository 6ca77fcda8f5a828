"""The shape of one watchlist entry as every importer produces it, whatever the source format.

An `EntryRecord` keeps every name the source gives (primary, aliases, weak aliases, original-script names),
every date of birth (full, year-month, year only, ranges, circa), nationalities and citizenships as ISO
alpha-3 codes, documents, and the agency fields of wanted-person and lost/stolen-document lists. It is stored
as JSON on `WatchlistEntry.record`; its `content_hash()` decides whether a reloaded entry changed.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from paxvet.watchlists.countries import country_code

NameKind = Literal["primary", "alias", "weak", "original_script"]
EntryType = Literal["person", "document"]
DocumentStatus = Literal["lost", "stolen", "revoked", "invalidated"]

_SCRIPT_PREFIXES = (
    ("ARABIC", "Arab"),
    ("CYRILLIC", "Cyrl"),
    ("GREEK", "Grek"),
    ("HEBREW", "Hebr"),
    ("CJK", "Hani"),
    ("HIRAGANA", "Jpan"),
    ("KATAKANA", "Jpan"),
    ("HANGUL", "Hang"),
    ("THAI", "Thai"),
    ("DEVANAGARI", "Deva"),
    ("GEORGIAN", "Geor"),
    ("ARMENIAN", "Armn"),
    ("LATIN", "Latn"),
)


def detect_script(text: str) -> str | None:
    """ISO 15924 code of the first letter's script ('Arab', 'Cyrl', 'Latn'...), None when no letter."""
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            for prefix, code in _SCRIPT_PREFIXES:
                if name.startswith(prefix):
                    return code
            return "Zyyy"
    return None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EntryName(_Frozen):
    """One name as the source gives it; parts only where the source splits them."""

    full: str = Field(min_length=1)
    given: str | None = None
    family: str | None = None
    paternal: str | None = None
    maternal: str | None = None
    kind: NameKind = "primary"
    script: str | None = None  # ISO 15924, e.g. "Arab"; filled in from `full` when absent

    @model_validator(mode="after")
    def _fill_script(self) -> EntryName:
        if self.script is None:
            object.__setattr__(self, "script", detect_script(self.full))
        return self


class BirthDate(_Frozen):
    """A date of birth known to the day, the month or the year; a range of years when `end_year` is set."""

    year: int = Field(ge=1800, le=2100)
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)
    circa: bool = False
    end_year: int | None = Field(default=None, ge=1800, le=2100)

    @model_validator(mode="after")
    def _check(self) -> BirthDate:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if self.day is not None and self.month is not None:
            date(self.year, self.month, self.day)  # raises ValueError for 31 February
        if self.end_year is not None and self.end_year < self.year:
            raise ValueError(f"range ends ({self.end_year}) before it starts ({self.year})")
        return self

    @property
    def is_range(self) -> bool:
        return self.end_year is not None and self.end_year != self.year

    def text(self) -> str:
        """'1962-11-23', '1962-11', '1962', '1962~' (circa) or '1955..1958'."""
        if self.is_range:
            return f"{self.year}..{self.end_year}"
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        return "-".join(parts) + ("~" if self.circa else "")


class EntryDocument(_Frozen):
    """A travel or identity document: passport, national ID, ... `country` is ISO alpha-3 when known."""

    number: str = Field(min_length=1)
    doc_type: str | None = None  # passport | national_id | driving_licence | visa | other
    country: str | None = None
    note: str | None = None  # issued/expiry dates or what the source says about it

    @field_validator("country")
    @classmethod
    def _alpha3(cls, value: str | None) -> str | None:
        return _country_or_error(value)


def _country_or_error(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    code = country_code(value)
    if code is None:
        raise ValueError(f"unknown country {value!r}")
    return code


class EntryRecord(_Frozen):
    """Everything one source says about one listed person or one lost/stolen document."""

    source_id: str = Field(min_length=1, max_length=100)
    entry_type: EntryType = "person"
    names: tuple[EntryName, ...] = ()
    dates_of_birth: tuple[BirthDate, ...] = ()
    places_of_birth: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()  # ISO alpha-3
    citizenships: tuple[str, ...] = ()  # ISO alpha-3
    gender: Literal["M", "F"] | None = None
    documents: tuple[EntryDocument, ...] = ()
    remarks: str | None = None
    programs: tuple[str, ...] = ()  # sanctions programmes / list types, as the source names them
    listed_on: date | None = None
    # wanted persons (an agency's own list)
    warrant_number: str | None = None
    issuing_authority: str | None = None
    offence: str | None = None
    extradition_request: bool | None = None
    caution: str | None = None
    # lost / stolen documents
    document_status: DocumentStatus | None = None
    reported_on: date | None = None

    @field_validator("nationalities", "citizenships", mode="before")
    @classmethod
    def _countries(cls, values: object) -> object:
        if not isinstance(values, list | tuple):
            return values
        codes = [_country_or_error(str(v)) for v in values]
        return tuple(dict.fromkeys(c for c in codes if c))

    @model_validator(mode="after")
    def _check(self) -> EntryRecord:
        if self.entry_type == "person" and not self.names:
            raise ValueError("a listed person needs at least one name")
        if self.entry_type == "document" and not self.documents:
            raise ValueError("a lost/stolen document entry needs its document")
        return self

    @property
    def primary_name(self) -> str:
        for name in self.names:
            if name.kind == "primary":
                return name.full
        if self.names:
            return self.names[0].full
        if self.documents:
            doc = self.documents[0]
            return f"{doc.doc_type or 'document'} {doc.number} ({doc.country or '?'})"
        return self.source_id

    def to_json(self) -> dict[str, object]:
        """The stored JSON form: no empty fields, so old records stay comparable when fields are added."""
        return self.model_dump(mode="json", exclude_defaults=True)

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON: equal hashes mean the source said exactly the same thing."""
        return content_hash_of(self.to_json())


def content_hash_of(data: dict[str, object]) -> str:
    """The content hash of an entry's stored JSON (`EntryRecord.to_json()`)."""
    body = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()
