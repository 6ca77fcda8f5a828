"""Candidate generation: an inverted index from name keys to entries, so a traveller is scored against a
few dozen entries instead of the whole list.

Each significant token of each entry name is indexed under keys for every relation the scorer knows
(`match/tokens.py`): its Latin form and its other romanisations (Wade-Giles read as Pinyin, Cyrillic
and Japanese spelling folds, every usual spelling of a Hangul syllable), its spelling-variant key, its
consonant skeleton (phonetic and cross-script), its nickname and other-language groups (Bill, Juan ->
William, John), its one-letter deletions (one typo on either side still meets, also across a
romanisation) and its long prefixes (truncated names). Adjacent tokens are also indexed glued together
(DE LA CRUZ -> delacruz, Chin-ping -> jinping). A traveller additionally looks up its tokens written
backwards and cut short, and, for Arabic and Hebrew script, skeletons one consonant apart.

A traveller reaches the scorer for entries that share keys with at least two of its tokens, or with its
only token, or its document number. A key so common it would select a large part of the list ('crowded')
is not read as a whole: it only confirms a token for entries another token selected, so the work per
traveller stops growing with the list while an entry sharing a rare and a crowded name is still found.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache
from itertools import islice, product
from typing import TypeAlias

from paxvet.documents.numbers import folded_document_number
from paxvet.match.lexicon import equivalent_groups, nickname_groups
from paxvet.match.names import PreparedName
from paxvet.match.records import PersonRecord
from paxvet.match.score import prepared_names
from paxvet.match.text import Token
from paxvet.match.tokens import forms

MAX_CANDIDATES = 100  # beyond this, the most promising are kept, and the namesakes of the last one
MAX_TIED = 300  # ... up to this many in all
RARE_POSTING = 25  # a key this rare selects its entries even alone
COMMON_CAP = 5000
LONE_TOKEN_POSTING = 300  # when every other token is common, a token this rare selects alone
LOOKUP_CACHE = 20_000  # traveller tokens whose postings are kept looked up (cleared past this many)
_ABJAD = frozenset({"arabic", "hebrew"})
_GLUED_FORMS = 16  # romanised spellings of a glued run indexed at most


def deletions(word: str) -> Iterator[str]:
    if len(word) >= 4:
        for i in range(len(word)):
            yield word[:i] + word[i + 1 :]


def _one_character(token: Token) -> bool:
    return token.script == "cjk" and len(token.raw) == 1


@lru_cache(maxsize=200_000)
def token_keys(token: Token) -> frozenset[str]:
    """The keys a token is both indexed and looked up under (a relation of `compare_tokens` between two
    tokens implies a key they share, or one of `entry_keys` the other's `query_keys` hold)."""
    keys = {"n:" + token.norm, "c:" + token.canon}
    if token.canon.startswith("abd") and len(token.canon) > 6:
        keys.add("c:" + token.canon[3:])  # Abdul Rahman also meets a bare Rahman
    if len(token.skel) >= 2:
        keys.add("s:" + token.skel)
    spellings = {token.norm} | {f for f in forms(token) if len(f) >= 2}
    keys.update("n:" + f for f in spellings)  # Hsi is Xi, 정 is Jong, Dmitriy is Dmitry
    if _one_character(token):
        return frozenset(keys)  # a Chinese character or Hangul syllable has its readings, nothing near
    for spelling in spellings:
        keys.add("d:" + spelling)
        keys.update("d:" + d for d in deletions(spelling))
    keys.update("k:" + g for g in nickname_groups(token.canon))
    keys.update("q:" + g for g in equivalent_groups(token.canon))
    return frozenset(keys)


@lru_cache(maxsize=200_000)
def entry_keys(token: Token) -> frozenset[str]:
    """The keys an entry token is indexed under: its own, and those only a traveller's query meets
    (long prefixes for a truncated spelling, an Arabic or Hebrew skeleton for one a consonant apart)."""
    keys = set(token_keys(token))
    if _one_character(token):
        return frozenset(keys)
    keys.update("p:" + p for p in _prefixes(token.norm))
    if token.script in _ABJAD and len(token.skel) >= 4:
        keys.update("z:" + s for s in (token.skel, *deletions(token.skel)))
    return frozenset(keys)


def _prefixes(norm: str) -> Iterator[str]:
    """The beginnings a truncated spelling may keep: at least 5 letters, at most 4 cut (tokens.py)."""
    for end in range(max(5, len(norm) - 4), len(norm)):
        yield norm[:end]


@lru_cache(maxsize=200_000)
def query_keys(token: Token) -> frozenset[str]:
    """The keys a traveller token looks up: its own, and the index keys of relations that are not
    symmetric (written backwards, cut short, an Arabic or Hebrew skeleton one consonant apart)."""
    keys = set(token_keys(token))
    if _one_character(token):
        return frozenset(keys)
    if len(token.norm) >= 5:
        backwards = token.norm[::-1]  # written backwards, perhaps with one slip
        keys.update("d:" + d for d in (backwards, *deletions(backwards)))
        keys.add("n:" + backwards)
        keys.add("p:" + token.norm)  # the entry's name is longer: it starts with ours
    keys.update("n:" + p for p in _prefixes(token.norm))  # the entry's name is ours cut short
    if len(token.skel) >= 4:
        if token.script in _ABJAD:
            keys.update("s:" + s for s in deletions(token.skel))
        else:
            keys.update("z:" + s for s in (token.skel, *deletions(token.skel)))
    return frozenset(keys)


@lru_cache(maxsize=200_000)
def _spellings(token: Token) -> tuple[str, ...]:
    """The token's romanised spellings in order (kept: a traveller's names are mostly new, its tokens
    not, and working out the spellings costs more than the rest of gluing)."""
    return tuple(sorted(forms(token)))


def glued_keys(tokens: Sequence[Token]) -> list[str]:
    """Adjacent tokens glued: 'de la cruz' -> delacruz, 'vladimir putin' -> vladimirputin, and glued
    as each part is romanised otherwise ('chin ping' -> jinping)."""
    keys: list[str] = []
    if len(tokens) < 2:
        return keys
    norms = [t.norm for t in tokens]
    spellings = [_spellings(t) for t in tokens]
    for span in (2, 3):
        for start in range(len(tokens) - span + 1):
            glued = "".join(norms[start : start + span])
            keys.append("n:" + glued)
            keys.append("d:" + glued)
            parts = spellings[start : start + span]
            if any(len(s) > 1 for s in parts):
                keys.extend("n:" + "".join(c) for c in islice(product(*parts), _GLUED_FORMS))
    return keys


def significant(names: Iterable[PreparedName]) -> list[Token]:
    seen: dict[str, Token] = {}
    for name in names:
        for t in name.tokens:
            if not t.particle and len(t.norm) >= 2:
                seen.setdefault(t.norm, t)
    return list(seen.values())


def query_tokens(names: Iterable[PreparedName]) -> list[Token]:
    """A traveller's `significant` tokens, then those a name holds twice (each once): 'Mohamed Mohamed
    Ali' has two tokens to share with 'Muhammad محمد'."""
    seen: dict[str, Token] = {}
    twice: dict[str, Token] = {}
    for name in names:
        in_name: set[str] = set()
        for t in name.tokens:
            if not t.particle and len(t.norm) >= 2:
                seen.setdefault(t.norm, t)
                if t.norm in in_name:
                    twice.setdefault(t.norm, t)
                in_name.add(t.norm)
    return [*seen.values(), *twice.values()]


# A traveller token's lookup (`CandidateIndex._lookup`): its query keys, the entries its uncommon keys
# select, those of them with a single token, and its crowded postings.
_Looked: TypeAlias = "tuple[frozenset[str], frozenset[int], frozenset[int], tuple[array[int], ...]]"


def _holds(posting: array[int], i: int) -> bool:
    j = bisect_left(posting, i)
    return j < len(posting) and posting[j] == i


class CandidateIndex:
    def __init__(self, entries: Sequence[PersonRecord]) -> None:
        postings: dict[str, list[int]] = {}
        self.single_token: set[int] = set()
        # Each entry's prepared names, kept for the scorer (preparing them again per traveller is costly).
        self.names: list[tuple[PreparedName, ...]] = []
        # Fewest significant tokens of any of the entry's names: with fewer names to miss, it scores higher.
        self.shortest = array("B")
        for i, entry in enumerate(entries):
            names = prepared_names(entry)
            self.names.append(names)
            for key in self._entry_keys(entry, names):
                bucket = postings.setdefault(key, [])
                if not bucket or bucket[-1] != i:
                    bucket.append(i)
            shortest = min((sum(not t.particle for t in n.tokens) for n in names), default=0)
            self.shortest.append(min(shortest, 255))
            if shortest <= 1:
                self.single_token.add(i)
        self.postings = {k: array("i", v) for k, v in postings.items()}  # sorted: entries in order
        self.size = len(entries)
        # A key on more than 2 % of entries (and never more than COMMON_CAP) is 'common' (crowded).
        self.common = min(max(1000, self.size // 50), COMMON_CAP)
        # Per traveller token: its query keys, the entries its uncommon keys select, those of them with a
        # single token, and its crowded postings (`_lookup`).
        self._lookups: dict[Token, _Looked] = {}

    @staticmethod
    def _entry_keys(entry: PersonRecord, names: tuple[PreparedName, ...]) -> set[str]:
        keys: set[str] = set()
        for token in significant(names):
            keys |= entry_keys(token)
        for name in names:
            keys.update(glued_keys(name.tokens))
        for doc in entry.documents:
            folded = folded_document_number(doc.number)
            if len(folded) >= 5:
                keys.add("doc:" + folded)
        return keys

    def _token_set(
        self, keys: Iterable[str], *, allow_common: bool, into: set[int] | None = None
    ) -> set[int]:
        """The entries these keys select (common keys' too when `allow_common`), added to `into` if given."""
        found: set[int] = set() if into is None else into
        for key in keys:
            posting = self.postings.get(key)
            if posting is not None and (allow_common or len(posting) <= self.common):
                found.update(posting)
        return found

    def _lookup(self, token: Token) -> _Looked:
        """The token's query keys, the entries its uncommon keys select, those of them with a single token,
        and its common postings, read only to confirm an entry found otherwise. Kept per token: names
        repeat from traveller to traveller, and each token looks up some thirty keys."""
        found = self._lookups.get(token)
        if found is None:
            keys = query_keys(token)
            selected: set[int] = set()
            crowded: list[array[int]] = []
            for key in keys:
                posting = self.postings.get(key)
                if posting is None:
                    continue
                if len(posting) <= self.common:
                    selected.update(posting)
                else:
                    crowded.append(posting)
            found = (keys, frozenset(selected), frozenset(selected & self.single_token), tuple(crowded))
            if len(self._lookups) >= LOOKUP_CACHE:
                self._lookups.clear()
            self._lookups[token] = found
        return found

    def _is_common(self, token: Token) -> bool:
        posting = self.postings.get("c:" + token.canon)
        return posting is not None and len(posting) > self.common

    def candidates(self, traveller: PersonRecord, names: tuple[PreparedName, ...]) -> list[int]:
        """Entries worth scoring for this traveller, most promising first: at most MAX_CANDIDATES, and
        further exact namesakes of the last one kept (up to MAX_TIED)."""
        return self.ranked(*self.chosen(traveller, names))

    def ranked(self, chosen: set[int], keys: list[frozenset[str]]) -> list[int]:
        """`chosen` in entry order when there are at most MAX_CANDIDATES, else the most promising."""
        if len(chosen) <= MAX_CANDIDATES:
            return sorted(chosen)
        return self._most_promising(chosen, keys)

    def chosen(
        self,
        traveller: PersonRecord,
        names: tuple[PreparedName, ...],
        documents: AbstractSet[int] | None = None,
    ) -> tuple[set[int], list[frozenset[str]]]:
        """Every entry the traveller's keys select, not yet ranked nor cut, and each token's query keys
        (what `ranked` ranks them by). `documents`: the traveller's `document_matches`, when known."""
        tokens = query_tokens(names)
        keys: list[frozenset[str]] = []
        sets: list[AbstractSet[int]] = []
        singles: list[AbstractSet[int]] = []
        crowded: list[tuple[array[int], ...]] = []
        for token in tokens:
            token_keys, selected, single, common = self._lookup(token)
            keys.append(token_keys)
            sets.append(selected)
            singles.append(single)
            crowded.append(common)
        if tokens and not any(sets):
            sets = [self._token_set(k, allow_common=True) for k in keys]
            singles = [s & self.single_token for s in sets]
            crowded = [() for _ in keys]
        chosen = self._shared(tokens, sets, singles, crowded)
        for n in names:
            self._token_set(glued_keys(n.tokens), allow_common=False, into=chosen)
        chosen |= self.document_matches(traveller) if documents is None else documents
        return chosen, keys

    def _shared(
        self,
        tokens: list[Token],
        sets: list[AbstractSet[int]],
        singles: list[AbstractSet[int]],
        crowded: list[tuple[array[int], ...]],
    ) -> set[int]:
        """Entries sharing two tokens (one of them perhaps crowded), the only token, or a rare one
        (`singles[j]`: those of `sets[j]` with a single token)."""
        chosen: set[int] = set()
        order = sorted((j for j in range(len(sets)) if sets[j]), key=lambda j: len(sets[j]))
        lone = (
            len(order) == 1
            and len(sets[order[0]]) <= LONE_TOKEN_POSTING
            and any(map(self._is_common, tokens))
        )
        if order and (len(tokens) == 1 or lone):
            chosen |= sets[order[0]]  # the only token, or the only one that is not common
        any_crowded = any(crowded)
        for a_pos, a in enumerate(order):
            small = sets[a]
            if len(small) <= RARE_POSTING:
                chosen |= small
            elif singles[a]:
                chosen |= singles[a]  # (when rare, within small)
            for b in order[a_pos + 1 :]:
                chosen |= small & sets[b]
            if any_crowded and len(small) <= self.common:
                others = [p for b in range(len(sets)) if b != a for p in crowded[b]]
                if others:
                    chosen.update(i for i in small if i not in chosen and any(_holds(p, i) for p in others))
        return chosen

    def _most_promising(self, chosen: set[int], keys: list[frozenset[str]]) -> list[int]:
        """Rank by the traveller's tokens shared, each by the rarest key it is shared on (a rare surname
        beats a 'Mohammed', Ahmadi spelt alike beats an Ahmad one letter away), then by how few names the
        entry has besides; keep MAX_CANDIDATES, and every further entry that shares all the traveller's
        tokens and ranks as high as the last one kept (exact namesakes are not cut at random)."""
        votes = dict.fromkeys(chosen, 0.0)
        shared = dict.fromkeys(chosen, 0)
        for token in keys:
            for i, weight in self._key_weights(chosen, token).items():
                votes[i] += weight
                shared[i] += 1
        # ties in list order: no entry is favoured for where it sits in the list
        ranked = sorted((-round(v, 6), self.shortest[i], i) for i, v in votes.items())
        last = ranked[MAX_CANDIDATES - 1]
        kept = [r[2] for r in ranked[:MAX_CANDIDATES]]
        if shared[last[2]] == len(keys):
            kept += [r[2] for r in islice(ranked, MAX_CANDIDATES, MAX_TIED) if r[:2] <= last[:2]]
        return kept

    def _key_weights(self, chosen: set[int], keys: Iterable[str]) -> dict[int, float]:
        """For each chosen entry sharing one of a token's keys, the rarity of the rarest such key (rarest
        first: an entry found is not looked up again in a longer posting)."""
        best: dict[int, float] = {}
        postings = sorted((p for p in map(self.postings.get, keys) if p is not None), key=len)
        for posting in postings:
            left = chosen.difference(best) if best else chosen
            if not left:
                break
            weight = math.log(1 + self.size / len(posting))
            if len(posting) > 20 * len(left):
                found: Iterable[int] = [i for i in left if _holds(posting, i)]
            else:
                found = left.intersection(posting)
            for i in found:
                best[i] = weight
        return best

    def document_matches(self, traveller: PersonRecord) -> set[int]:
        """Entries sharing a document number with the traveller."""
        keys = ["doc:" + folded_document_number(d.number) for d in traveller.documents]
        return self._token_set(keys, allow_common=True)
