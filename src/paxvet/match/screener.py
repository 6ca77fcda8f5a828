"""The Screener: build the candidate index once, then screen travellers against every entry.

Each candidate gets exactly the score `score_pair` gives it. Most are skipped before any name is aligned,
on exact bounds only: a date of birth years away (the most the other fields add cannot make up for it),
then the real date, gender and nationality effects against an upper bound of the name score
(`bounds.may_reach`). The first rule is applied to everything the index selects, before it cuts a long
selection down to the most promising (`CandidateIndex.ranked`): entries that cannot match take no place
from those that can, and the ranking, the costliest step of candidate generation, is mostly not needed.
Inside an entry, a name pair that cannot beat the best pair found so far is not aligned either, which
leaves the best pair, and so the score, unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from paxvet.match.bounds import EntryShape, Memo, Term, entry_shape, may_reach, terms_of
from paxvet.match.dates import CONFLICT, EFFECT, BirthDate, _years
from paxvet.match.evidence import GENDER_CONFLICT, NATIONALITY_AGREES
from paxvet.match.index import CandidateIndex
from paxvet.match.names import NameComparison, PreparedName, compare_names, name_bound
from paxvet.match.records import PersonRecord
from paxvet.match.score import (
    DEFAULT_THRESHOLD,
    Context,
    MatchResult,
    context_effect_of,
    prepared_names,
    score_prepared,
)

FAR_YEARS = 3  # dates of birth further apart than this are 'conflicting' (dates.relate)
SLACK = 1e-9  # float rounding between the Screener's sums and the scorer's
NEAR = 1e-6  # a name score this close to what it must reach is settled by aligning every pair
BEST_DATE_EFFECT = max(EFFECT.values())
# The most gender and nationality can add; a known, differing gender takes GENDER_CONFLICT for sure.
BEST_FIELDS_EFFECT = NATIONALITY_AGREES
# Token relations kept across travellers (bounds.Memo), about 100 bytes each: cleared past this many.
MEMO_LIMIT = 1_000_000
NO_YEAR = 1_000_000  # the span of an unknown date of birth: -NO_YEAR..NO_YEAR, never far from another


def year_span(dates: Sequence[BirthDate]) -> tuple[int, int] | None:
    """The earliest and latest year any of the dates allows (None without a date)."""
    if not dates:
        return None
    spans = [_years(d) for d in dates]
    return min(a for a, _ in spans), max(b for _, b in spans)


def gender_of(value: str | None) -> str:
    v = (value or "").strip().upper()[:1]
    return v if v in ("M", "F") else ""


class _Traveller:
    """What the Screener reads of one traveller, computed once per screen (the bound's terms only when a
    candidate needs them: a sixth of travellers have none within reach of their date of birth)."""

    def __init__(self, record: PersonRecord, memo: Memo) -> None:
        self.record = record
        self.names = prepared_names(record)
        self.memo = memo
        self._terms: list[tuple[Term, ...]] | None = None
        self.low, self.high = year_span(record.dates_of_birth) or (-NO_YEAR, NO_YEAR)
        self.gender = gender_of(record.gender)
        self.context = Context(record)

    @property
    def terms(self) -> list[tuple[Term, ...]]:
        if self._terms is None:
            self._terms = [terms_of(q, self.memo) for q in self.names]
        return self._terms


class _ReachRules:
    """At one threshold, whether a perfect name can still reach it with birth years far apart or not,
    and a gender differing or not (the rest of the score is at most the best date effect and
    nationality's): worked out once per screen, not per candidate. `reach[far][conflict]`; `by_year`
    when gender decides nothing (then the entries within reach are found as a set, `_Near`)."""

    def __init__(self, threshold: float) -> None:
        need = threshold - SLACK
        self.reach = [
            [need <= 1.0 + date + fields + BEST_FIELDS_EFFECT for fields in (0.0, GENDER_CONFLICT)]
            for date in (BEST_DATE_EFFECT, EFFECT[CONFLICT])
        ]
        self.by_year = all(r[0] == r[1] for r in self.reach)
        self.near = self.reach[0][0]  # an entry whose dates of birth are near may reach the threshold
        self.far = self.reach[1][0]  # ... and one whose dates are far


_RULES: dict[float, _ReachRules] = {}


def _rules_at(threshold: float) -> _ReachRules:
    """The rules at this threshold, worked out once (a screen uses its lists' lowest threshold)."""
    rules = _RULES.get(threshold)
    if rules is None:
        if len(_RULES) >= 64:
            _RULES.clear()
        rules = _RULES[threshold] = _ReachRules(threshold)
    return rules


NEAR_SPANS = 128  # traveller year spans whose `_Near` entries are kept (cleared past this many)


class _Near:
    """For a traveller's span of birth years, the entries whose span is not more than FAR_YEARS away
    (those without a date of birth included): the year test of `Screener._in_reach` as one set, worked
    out once per span (travellers share a few dozen birth years) and applied to a selection in C. Entries
    are grouped by their own span (a few hundred), so a span's set is worked out group by group."""

    def __init__(self, low: Sequence[int], high: Sequence[int]) -> None:
        groups: dict[tuple[int, int], list[int]] = {}
        for i in range(len(low)):
            groups.setdefault((low[i], high[i]), []).append(i)
        self._groups = list(groups.items())
        self._sets: dict[tuple[int, int], frozenset[int]] = {}

    def of(self, low: int, high: int) -> frozenset[int]:
        found = self._sets.get((low, high))
        if found is None:
            kept: list[int] = []
            for (entry_low, entry_high), entries in self._groups:
                if not (entry_low - high > FAR_YEARS or low - entry_high > FAR_YEARS):
                    kept.extend(entries)
            found = frozenset(kept)
            if len(self._sets) >= NEAR_SPANS:
                self._sets.clear()
            self._sets[(low, high)] = found
        return found


class Screener:
    """Screens travellers against a fixed set of entries (one or several lists loaded together).

    `thresholds` optionally gives each entry its list's alert threshold; `alert_threshold(i)` returns it.
    """

    _near: _Near | None = None  # built when first needed (`_reachable`)

    def __init__(
        self, entries: Sequence[PersonRecord], thresholds: Sequence[float | None] | None = None
    ) -> None:
        self.entries = entries
        self.index = CandidateIndex(entries)
        self._thresholds = thresholds
        self._names = self.index.names
        spans = [year_span(e.dates_of_birth) or (-NO_YEAR, NO_YEAR) for e in entries]
        self._low = [low for low, _ in spans]
        self._high = [high for _, high in spans]
        self._genders = [gender_of(e.gender) for e in entries]
        self._contexts = [Context(e) for e in entries]  # for context_effect_of
        # Filled as entries become candidates: the shape of all their names.
        self._shapes: list[EntryShape | None] = [None] * len(entries)
        self._name_shapes: dict[int, EntryShape] = {}
        # Relations of traveller tokens with the entries' tokens, shared by every traveller screened.
        self._memo = Memo()

    def __len__(self) -> int:
        return len(self.entries)

    def alert_threshold(self, entry_index: int) -> float:
        """The alert threshold of this entry's list (DEFAULT_THRESHOLD unless the list sets its own)."""
        if self._thresholds is not None:
            value = self._thresholds[entry_index]
            if value is not None:
                return value
        return DEFAULT_THRESHOLD

    def candidates(self, traveller: PersonRecord, threshold: float = 0.0) -> list[int]:
        """Entry indexes that reach the scorer when screening at `threshold` (exposed so benchmarks can
        measure candidate recall, and tests can score every one of them in full)."""
        t = _Traveller(traveller, self._memo)
        return self._candidates(t, self._documents(traveller), threshold)

    def _documents(self, traveller: PersonRecord) -> set[int]:
        return self.index.document_matches(traveller) if traveller.documents else set()

    def _candidates(self, t: _Traveller, documents: set[int], threshold: float) -> list[int]:
        """What the index selects, less the entries not `_in_reach` (at a threshold above 0; a shared
        document decides alone), cut down to the most promising when still too many."""
        chosen, keys = self.index.chosen(t.record, t.names, documents)
        if threshold > 0.0:
            chosen = self._reachable(t, chosen, documents, _rules_at(threshold))
        return self.index.ranked(chosen, keys)

    def _reachable(
        self, t: _Traveller, chosen: set[int], documents: set[int], rules: _ReachRules
    ) -> set[int]:
        """The chosen entries `_in_reach` or sharing a document: by set operations when only the years
        decide, else entry by entry."""
        if not rules.by_year:
            return {i for i in chosen if i in documents or self._in_reach(t, i, rules)}
        if rules.far:
            return chosen  # rules.near too: a near entry gets more from its dates than a far one
        if not rules.near:
            return chosen & documents
        near = self._near
        if near is None:
            near = self._near = _Near(self._low, self._high)
        kept = chosen & near.of(t.low, t.high)
        kept |= documents
        return kept

    def screen(
        self, traveller: PersonRecord, threshold: float = DEFAULT_THRESHOLD, limit: int = 5
    ) -> list[MatchResult]:
        """Matches scoring at least `threshold`, best first, at most `limit` (scores as score_pair's)."""
        if self._memo.size > MEMO_LIMIT:
            self._memo.clear()
        t = _Traveller(traveller, self._memo)
        documents = self._documents(traveller)
        results: list[MatchResult] = []
        for i in self._candidates(t, documents, threshold):
            if i in documents or threshold <= 0.0:  # a shared document decides alone; at 0 all count
                result: MatchResult | None = score_prepared(
                    t.names, traveller, self._names[i], self.entries[i], i
                )
            else:
                result = self._score(t, i, threshold)
            if result is not None and result.score >= threshold:
                results.append(result)
        results.sort(key=lambda r: (-r.score, r.entry_index))
        return results[:limit]

    def _shape(self, i: int) -> EntryShape:
        shape = self._shapes[i]
        if shape is None:
            shape = self._shapes[i] = entry_shape(self._names[i], self._memo)
        return shape

    def _in_reach(self, t: _Traveller, i: int, rules: _ReachRules) -> bool:
        """False when not even a perfect name could lift the pair to the threshold: birth years more than
        FAR_YEARS apart (the most the other fields add cannot make up for it), or a differing gender."""
        far = self._low[i] - t.high > FAR_YEARS or t.low - self._high[i] > FAR_YEARS
        gender = self._genders[i]
        conflict = gender != "" and t.gender != "" and gender != t.gender
        return rules.reach[far][conflict]

    def _score(self, t: _Traveller, i: int, threshold: float) -> MatchResult | None:
        """The pair's result as score_pair gives it, or None when it cannot reach `threshold` (the
        pair is `_in_reach`)."""
        shape = self._shape(i)
        entry = self.entries[i]
        tau = threshold - context_effect_of(t.context, self._contexts[i])
        if tau <= SLACK:  # the dates etc. reach the threshold on their own: every pair is a result
            return score_prepared(t.names, t.record, self._names[i], entry, i)
        if tau > 1.0 + SLACK or not any(may_reach(terms, shape, tau) for terms in t.terms):
            return None
        if self._best_name(t, self._names[i], tau, shape) is None:
            return None
        # Scored once more by the scorer itself, so the result is score_pair's to the last bit.
        return score_prepared(t.names, t.record, self._names[i], entry, i)

    def _name_shape(
        self, name: PreparedName, entry: tuple[PreparedName, ...], whole: EntryShape
    ) -> EntryShape:
        if len(entry) == 1:
            return whole  # the shape of the entry's only name
        shape = self._name_shapes.get(id(name))  # entry names live as long as the index
        if shape is None:
            shape = self._name_shapes[id(name)] = entry_shape([name], self._memo)
        return shape

    def _best_name(
        self, t: _Traveller, entry: tuple[PreparedName, ...], tau: float, whole: EntryShape
    ) -> NameComparison | None:
        """score.best_name (no floor) when its result reaches `tau`, else None.

        Pairs are visited in best_name's order with its stopping rule. A pair that cannot reach `tau` is
        aligned only if its score could decide where best_name stops; a pair that cannot beat the best so
        far is not aligned at all (it would not have replaced it)."""
        pairs: list[tuple[float, int, PreparedName, tuple[Term, ...], PreparedName]] = []
        for q, terms in zip(t.names, t.terms, strict=True):
            for e in entry:
                pairs.append((name_bound(q, e), len(pairs), q, terms, e))
        pairs.sort(key=lambda p: (-p[0], p[1]))
        found: list[tuple[int, NameComparison]] = []  # (order, comparison)
        pending: list[tuple[int, PreparedName, PreparedName]] = []  # scored below tau, not aligned yet
        for bound, order, q, terms, e in pairs:
            if bound == 0.0:
                break
            shape = self._name_shape(e, entry, whole)
            if not may_reach(terms, shape, tau):
                pending.append((order, q, e))
                continue
            best = _best(found)
            if pending and bound <= max(best.score if best else 0.0, tau) - 0.1:
                found += _align(pending)  # best_name may stop here: it depends on their exact scores
                best = _best(found)
            if best is not None and bound <= best.score - 0.1:
                break
            if best is None or may_reach(terms, shape, best.score):
                found.append((order, compare_names(q, e)))
        best = _best(found)
        if best is None or best.score < tau - NEAR:
            return None  # every pair left unaligned scores below tau too
        if pending and best.score < tau + NEAR:
            best = _best(found + _align(pending))
        return best


def _align(pairs: list[tuple[int, PreparedName, PreparedName]]) -> list[tuple[int, NameComparison]]:
    out = [(order, compare_names(q, e)) for order, q, e in pairs]
    pairs.clear()
    return out


def _best(found: list[tuple[int, NameComparison]]) -> NameComparison | None:
    """best_name's pick: the highest score, the earliest pair among equals."""
    if not found:
        return None
    return max(found, key=lambda f: (f[1].score, -f[0]))[1]
