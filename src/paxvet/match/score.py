"""One traveller against one watchlist entry: a score in [0, 1] and an explanation an officer can read.

score = best name score (over every traveller name x every entry name)
        + date-of-birth effect + gender effect + nationality effect, clipped to [0, 1];
a shared document number lifts the pair to at least 0.9 whatever the name says.
"""

from __future__ import annotations

from dataclasses import dataclass

from paxvet.match.dates import (
    EFFECT,
    SAME,
    DateComparison,
    compare_dates,
    date_effect,
    date_keys,
    keys_effect,
)
from paxvet.match.evidence import (
    DOCUMENT_FLOOR,
    NATIONALITY_AGREES,
    DocumentComparison,
    FieldComparison,
    compare_documents,
    compare_gender,
    compare_nationality,
    gender_effect,
    gender_key,
    nationality_effect,
    nationality_key,
)
from paxvet.match.names import NameComparison, PreparedName, compare_names, name_bound, prepare_name
from paxvet.match.records import PersonRecord

# The score at which an officer is alerted; chosen on the benchmark (see docs/matching.md).
DEFAULT_THRESHOLD = 0.8
# The most dates, gender and nationality can add to a name score (same date + nationality agrees).
MAX_CONTEXT_BONUS = EFFECT[SAME] + NATIONALITY_AGREES
SCORE_EPSILON = 1e-9  # scores are rounded to 9 decimals


@dataclass(frozen=True, slots=True)
class Explanation:
    score: float
    name: NameComparison | None
    date_of_birth: DateComparison
    document: DocumentComparison | None
    gender: FieldComparison
    nationality: FieldComparison

    def to_dict(self) -> dict[str, object]:
        """Field by field, JSON-able."""
        return {
            "score": round(self.score, 3),
            "name": self.name.to_dict() if self.name else None,
            "date_of_birth": self.date_of_birth.to_dict(),
            "document": self.document.to_dict() if self.document else None,
            "gender": self.gender.to_dict(),
            "nationality": self.nationality.to_dict(),
        }

    @property
    def summary(self) -> str:
        """One readable line: 'name 0.91 (JOSE~José accent/case, ...); DOB same date; ...'."""
        parts = []
        if self.document:
            parts.append(
                f"document {self.document.traveller} = {self.document.entry}: {self.document.outcome}"
            )
        if self.name:
            links = ", ".join(f"{k.traveller}~{k.entry} {k.how}" for k in self.name.links)
            text = f"name {self.name.score:.2f} vs '{self.name.entry_name}' ({links or 'nothing aligned'})"
            if self.name.entry_leftover:
                text += "; missing " + ", ".join(f"{t} ({r})" for t, r in self.name.entry_leftover)
            if self.name.traveller_leftover:
                text += "; unmatched " + ", ".join(self.name.traveller_leftover)
            if self.name.notes:
                text += "; " + "; ".join(self.name.notes)
            parts.append(text)
        dob = self.date_of_birth
        parts.append(
            f"DOB {dob.outcome}" + (f" ({dob.traveller} vs {dob.entry})" if dob.outcome != "unknown" else "")
        )
        for label, field in (("gender", self.gender), ("nationality", self.nationality)):
            if field.outcome != "unknown":
                parts.append(f"{label} {field.outcome} ({field.traveller} vs {field.entry})")
        return f"{self.score:.2f}: " + "; ".join(parts)


@dataclass(frozen=True, slots=True)
class MatchResult:
    entry_index: int
    score: float
    explanation: Explanation


def prepared_names(record: PersonRecord) -> tuple[PreparedName, ...]:
    return tuple(p for p in (prepare_name(n) for n in record.names) if p.tokens)


def best_name(
    traveller: tuple[PreparedName, ...], entry: tuple[PreparedName, ...], floor: float = 0.0
) -> NameComparison | None:
    """The best-scoring name pair. Pairs are tried from the most promising (by their key bound) down and
    the search stops when no remaining pair could beat the best so far or reach `floor`."""
    pairs = [(name_bound(q, e), i, q, e) for i, (q, e) in enumerate((q, e) for q in traveller for e in entry)]
    pairs.sort(key=lambda p: (-p[0], p[1]))
    best: NameComparison | None = None
    for bound, _, q, e in pairs:
        if (
            bound == 0.0
            or (floor > 0 and bound < floor - SCORE_EPSILON)
            or (best is not None and bound <= best.score - 0.1)
        ):
            break
        found = compare_names(q, e)
        if best is None or found.score > best.score:
            best = found
    return best


def score_pair(traveller: PersonRecord, entry: PersonRecord) -> MatchResult:
    """Score one traveller against one entry (entry_index 0)."""
    return score_prepared(prepared_names(traveller), traveller, prepared_names(entry), entry, 0)


def context_effects(
    traveller: PersonRecord, entry: PersonRecord
) -> tuple[DateComparison, FieldComparison, FieldComparison]:
    return (
        compare_dates(traveller.dates_of_birth, entry.dates_of_birth),
        compare_gender(traveller.gender, entry.gender),
        compare_nationality(traveller.nationalities, entry.nationalities),
    )


def context_effect(traveller: PersonRecord, entry: PersonRecord) -> float:
    """The sum of `context_effects`' three effects, in the same order (so the same float), without building
    the date comparison's explanation."""
    dob = date_effect(traveller.dates_of_birth, entry.dates_of_birth)
    gender = compare_gender(traveller.gender, entry.gender).effect
    return dob + gender + compare_nationality(traveller.nationalities, entry.nationalities).effect


class Context:
    """A record's date of birth, gender and nationality read once, for `context_effect_of`: the Screener
    keeps one per entry and one per traveller, and needs the effect for every candidate in reach."""

    def __init__(self, record: PersonRecord) -> None:
        self.dates = date_keys(record.dates_of_birth)
        self.gender = gender_key(record.gender)
        self.nationalities = nationality_key(record.nationalities)


def context_effect_of(traveller: Context, entry: Context) -> float:
    """`context_effect` of the two records these were read from: the same float, summed in its order."""
    dob = keys_effect(traveller.dates, entry.dates)
    gender = gender_effect(traveller.gender, entry.gender)
    return dob + gender + nationality_effect(traveller.nationalities, entry.nationalities)


def score_prepared(
    t_names: tuple[PreparedName, ...],
    traveller: PersonRecord,
    e_names: tuple[PreparedName, ...],
    entry: PersonRecord,
    entry_index: int,
    context: tuple[DateComparison, FieldComparison, FieldComparison] | None = None,
    name_floor: float = 0.0,
) -> MatchResult:
    """Score a pair whose names are already prepared; names that cannot reach `name_floor` are skipped
    (the Screener passes what the name must reach for the pair to reach its threshold)."""
    dob, gender, nationality = context or context_effects(traveller, entry)
    name = best_name(t_names, e_names, name_floor)
    name_score = name.score if name else 0.0
    score = name_score + dob.effect + gender.effect + nationality.effect
    document = compare_documents(traveller.documents, entry.documents) if traveller.documents else None
    if document and document.decisive:
        # Strong on its own; a conflicting DOB lowers it a little but cannot erase it.
        score = max(score, DOCUMENT_FLOOR + 0.1 * name_score + 0.2 * min(0.0, dob.effect))
    elif document:
        score += 0.1
    # rounded: weights that sum to the threshold exactly must not fall just below it by float error
    score = round(min(1.0, max(0.0, score)), 9)
    return MatchResult(entry_index, score, Explanation(score, name, dob, document, gender, nationality))
