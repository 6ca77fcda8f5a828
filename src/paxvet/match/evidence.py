"""Evidence beside the name: travel documents, gender and nationality."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from paxvet.countries import to_alpha3
from paxvet.documents.numbers import folded_document_number, normalize_document_number
from paxvet.match.records import Document

GENDER_CONFLICT: Final = -0.15
NATIONALITY_AGREES: Final = 0.03
NATIONALITY_CONFLICT: Final = -0.05
DOCUMENT_FLOOR = 0.9  # a matching document number alone puts a pair at least here


@dataclass(frozen=True, slots=True)
class DocumentComparison:
    outcome: str  # "same number" | "same number allowing O/0, I/1 confusions" | "... different country"
    traveller: str
    entry: str
    country: str | None

    @property
    def decisive(self) -> bool:
        return "different issuing country" not in self.outcome

    def to_dict(self) -> dict[str, object]:
        return {
            "outcome": self.outcome,
            "traveller": self.traveller,
            "entry": self.entry,
            "country": self.country,
        }


@dataclass(frozen=True, slots=True)
class FieldComparison:
    outcome: str  # agrees | conflicts | unknown
    effect: float
    traveller: str = ""
    entry: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "outcome": self.outcome,
            "effect": self.effect,
            "traveller": self.traveller,
            "entry": self.entry,
        }


@lru_cache(maxsize=4096)
def country(code: str | None) -> str | None:
    if not code:
        return None
    return to_alpha3(code) or code.strip().upper()  # an unknown code is kept; it just will not match


def compare_documents(
    traveller: tuple[Document, ...], entry: tuple[Document, ...]
) -> DocumentComparison | None:
    """A document number shared by both (normalised; OCR confusions folded), best outcome first."""
    best: DocumentComparison | None = None
    for a in traveller:
        folded = folded_document_number(a.number)
        if len(folded) < 5:
            continue  # too short to identify anyone
        for b in entry:
            if folded_document_number(b.number) != folded:
                continue
            exact = normalize_document_number(a.number) == normalize_document_number(b.number)
            outcome = "same number" if exact else "same number allowing O/0, I/1 confusions"
            ca, cb = country(a.country), country(b.country)
            if ca and cb and ca != cb:
                outcome += ", different issuing country"
            found = DocumentComparison(outcome, a.number, b.number, cb or ca)
            if (
                best is None
                or (found.decisive and not best.decisive)
                or (exact and best.outcome != "same number")
            ):
                best = found
    return best


@lru_cache(maxsize=64)
def compare_gender(traveller: str | None, entry: str | None) -> FieldComparison:
    a, b = gender_key(traveller), gender_key(entry)
    if not a or not b:
        return FieldComparison("unknown", 0.0, a, b)
    return (
        FieldComparison("agrees", 0.0, a, b)
        if a == b
        else FieldComparison("conflicts", GENDER_CONFLICT, a, b)
    )


def gender_effect(traveller: str, entry: str) -> float:
    """`compare_gender(...).effect` of two genders already read by `gender_key` ("M", "F" or "")."""
    return GENDER_CONFLICT if traveller and entry and traveller != entry else 0.0


def gender_key(value: str | None) -> str:
    """The gender as "M", "F" or "" (unknown)."""
    v = (value or "").strip().upper()[:1]
    return v if v in ("M", "F") else ""


@lru_cache(maxsize=100_000)
def compare_nationality(traveller: tuple[str, ...], entry: tuple[str, ...]) -> FieldComparison:
    a = {c for c in map(country, traveller) if c}
    b = {c for c in map(country, entry) if c}
    shown_a, shown_b = ", ".join(sorted(a)), ", ".join(sorted(b))
    if not a or not b:
        return FieldComparison("unknown", 0.0, shown_a, shown_b)
    if a & b:
        return FieldComparison("agrees", NATIONALITY_AGREES, shown_a, shown_b)
    return FieldComparison("conflicts", NATIONALITY_CONFLICT, shown_a, shown_b)


def nationality_key(codes: tuple[str, ...]) -> frozenset[str]:
    """The countries `compare_nationality` compares (alpha-3; unknown codes as given)."""
    return frozenset(c for c in map(country, codes) if c)


def nationality_effect(traveller: frozenset[str], entry: frozenset[str]) -> float:
    """`compare_nationality(...).effect` of two `nationality_key`s."""
    if not traveller or not entry:
        return 0.0
    return NATIONALITY_CONFLICT if traveller.isdisjoint(entry) else NATIONALITY_AGREES
