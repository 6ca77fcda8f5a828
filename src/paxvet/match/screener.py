"""The Screener: build the candidate index once, then screen travellers against every entry."""

from __future__ import annotations

from collections.abc import Sequence

from paxvet.match.index import CandidateIndex
from paxvet.match.names import UNKEYED_SIMILARITY, PreparedName
from paxvet.match.records import PersonRecord
from paxvet.match.score import (
    DEFAULT_THRESHOLD,
    MAX_CONTEXT_BONUS,
    MatchResult,
    context_effects,
    prepared_names,
    score_prepared,
)

# One traveller name reduced to what name_bound reads: per significant token, its weight and its keys
# (None when the token always counts as keyed, a lone initial).
BoundTerms = tuple[tuple[float, frozenset[str] | None], ...]


def bound_terms(names: Sequence[PreparedName]) -> list[BoundTerms]:
    """The distinct bound terms of a traveller's names (names with the same terms share one bound)."""
    distinct: dict[BoundTerms, None] = {}
    for q in names:
        terms = tuple(
            (t.weight, None if len(t.norm) == 1 else keys)
            for t, keys in zip(q.tokens, q.token_keys, strict=True)
            if not t.particle
        )
        distinct[terms] = None
    return list(distinct)


def bound_of(terms: BoundTerms, other: frozenset[str]) -> float:
    """name_bound(q, other) from q's terms: the same sums in the same order, so exactly the same value."""
    keyed = unkeyed = 0.0
    for weight, keys in terms:
        if keys is None or not keys.isdisjoint(other):
            keyed += weight
        else:
            unkeyed += weight
    if not keyed:
        return 0.0
    return (keyed + UNKEYED_SIMILARITY * unkeyed) / (keyed + unkeyed)


class Screener:
    """Screens travellers against a fixed set of entries (one or several lists loaded together).

    `thresholds` optionally gives each entry its list's alert threshold; `alert_threshold(i)` returns it.
    """

    def __init__(
        self, entries: Sequence[PersonRecord], thresholds: Sequence[float | None] | None = None
    ) -> None:
        self.entries = entries
        self.index = CandidateIndex(entries)
        self._thresholds = thresholds
        self._names = self.index.names
        self._keys = [frozenset().union(*(n.keys for n in names)) for names in self._names]

    def __len__(self) -> int:
        return len(self.entries)

    def alert_threshold(self, entry_index: int) -> float:
        """The alert threshold of this entry's list (DEFAULT_THRESHOLD unless the list sets its own)."""
        if self._thresholds is not None:
            value = self._thresholds[entry_index]
            if value is not None:
                return value
        return DEFAULT_THRESHOLD

    def candidates(self, traveller: PersonRecord) -> list[int]:
        """Entry indexes that reach the scorer (exposed so benchmarks can measure candidate recall)."""
        return self.index.candidates(traveller, prepared_names(traveller))

    @staticmethod
    def _may_reach(terms: list[BoundTerms], keys: frozenset[str], threshold: float) -> bool:
        """Whether some traveller name, by its key bound plus the most dates etc. can add, reaches it."""
        if not terms:
            return threshold <= MAX_CONTEXT_BONUS  # no name: a bound of 0, as name_bound's max default
        return any(bound_of(t, keys) + MAX_CONTEXT_BONUS >= threshold for t in terms)

    def screen(
        self, traveller: PersonRecord, threshold: float = DEFAULT_THRESHOLD, limit: int = 5
    ) -> list[MatchResult]:
        """Matches scoring at least `threshold`, best first, at most `limit`."""
        t_names = prepared_names(traveller)
        terms = bound_terms(t_names)
        results: list[MatchResult] = []
        for i in self.index.candidates(traveller, t_names):
            entry = self.entries[i]
            names = self._names[i]
            if not traveller.documents and not self._may_reach(terms, self._keys[i], threshold):
                continue  # the names alone rule it out, whatever the dates say
            context = context_effects(traveller, entry)
            effects = sum(c.effect for c in context)
            if 1.0 + effects < threshold and not traveller.documents:
                continue  # even a perfect name could not reach the threshold
            floor = 0.0 if traveller.documents else threshold - effects
            result = score_prepared(t_names, traveller, names, entry, i, context, floor)
            if result.score >= threshold:
                results.append(result)
        results.sort(key=lambda r: (-r.score, r.entry_index))
        return results[:limit]
