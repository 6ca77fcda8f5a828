"""Candidate generation: an inverted index from name keys to entries, so a traveller is scored against a
few dozen entries instead of the whole list.

Each significant token of each entry name is indexed under several keys: its Latin form, its spelling-
variant key, its consonant skeleton (phonetic and cross-script), its nickname groups, and its one-letter
deletions (so one typo on either side still meets). Adjacent tokens are also indexed glued together
(DE LA CRUZ -> delacruz). A traveller reaches the scorer for entries that share keys with at least two of
its tokens, or with its only token, or its document number; keys so common they would select a large part
of the list are used only when nothing rarer is available.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from paxvet.documents.numbers import folded_document_number
from paxvet.match.lexicon import nickname_groups
from paxvet.match.names import PreparedName
from paxvet.match.records import PersonRecord
from paxvet.match.score import prepared_names
from paxvet.match.text import Token

MAX_CANDIDATES = 100
RARE_POSTING = 25  # a key this rare selects its entries even alone
COMMON_CAP = 5000
LONE_TOKEN_POSTING = 300  # when every other token is common, a token this rare selects alone


def deletions(word: str) -> Iterator[str]:
    if len(word) >= 4:
        for i in range(len(word)):
            yield word[:i] + word[i + 1 :]


@lru_cache(maxsize=200_000)
def token_keys(token: Token) -> frozenset[str]:
    """Every key a token is indexed (and looked up) under."""
    keys = {"n:" + token.norm, "c:" + token.canon}
    if token.canon.startswith("abd") and len(token.canon) > 6:
        keys.add("c:" + token.canon[3:])  # Abdul Rahman also meets a bare Rahman
    if len(token.skel) >= 2:
        keys.add("s:" + token.skel)
    if token.script == "latin":
        keys.update("d:" + d for d in deletions(token.norm))
        keys.add("d:" + token.norm)
        keys.update("k:" + g for g in nickname_groups(token.canon))
    return frozenset(keys)


def glued_keys(tokens: Sequence[Token]) -> Iterator[str]:
    """Adjacent tokens glued: 'de la cruz' -> delacruz, 'vladimir putin' -> vladimirputin."""
    for span in (2, 3):
        for start in range(len(tokens) - span + 1):
            glued = "".join(t.norm for t in tokens[start : start + span])
            yield "n:" + glued
            yield "d:" + glued


def significant(names: Iterable[PreparedName]) -> list[Token]:
    seen: dict[str, Token] = {}
    for name in names:
        for t in name.tokens:
            if not t.particle and len(t.norm) >= 2:
                seen.setdefault(t.norm, t)
    return list(seen.values())


class CandidateIndex:
    def __init__(self, entries: Sequence[PersonRecord]) -> None:
        postings: dict[str, list[int]] = {}
        self.single_token: set[int] = set()
        # Each entry's prepared names, kept for the scorer (preparing them again per traveller is costly).
        self.names: list[tuple[PreparedName, ...]] = []
        for i, entry in enumerate(entries):
            names = prepared_names(entry)
            self.names.append(names)
            for key in self._entry_keys(entry, names):
                bucket = postings.setdefault(key, [])
                if not bucket or bucket[-1] != i:
                    bucket.append(i)
            if any(len([t for t in n.tokens if not t.particle]) <= 1 for n in names):
                self.single_token.add(i)
        self.postings = {k: array("i", v) for k, v in postings.items()}
        self.size = len(entries)
        # A key on more than 2 % of entries (and never more than COMMON_CAP) is 'common': used only when
        # nothing rarer exists, so the work per traveller stops growing with the list.
        self.common = min(max(1000, self.size // 50), COMMON_CAP)

    @staticmethod
    def _entry_keys(entry: PersonRecord, names: tuple[PreparedName, ...]) -> set[str]:
        keys: set[str] = set()
        for token in significant(names):
            keys |= token_keys(token)
        for name in names:
            keys.update(glued_keys(name.tokens))
        for doc in entry.documents:
            folded = folded_document_number(doc.number)
            if len(folded) >= 5:
                keys.add("doc:" + folded)
        return keys

    def _token_set(self, keys: Iterable[str], *, allow_common: bool) -> set[int]:
        found: set[int] = set()
        for key in keys:
            posting = self.postings.get(key)
            if posting is not None and (allow_common or len(posting) <= self.common):
                found.update(posting)
        return found

    def _is_common(self, token: Token) -> bool:
        posting = self.postings.get("c:" + token.canon)
        return posting is not None and len(posting) > self.common

    def candidates(self, traveller: PersonRecord, names: tuple[PreparedName, ...]) -> list[int]:
        """Entries worth scoring for this traveller, at most MAX_CANDIDATES, most promising first."""
        tokens = significant(names)
        sets = [self._token_set(token_keys(t), allow_common=False) for t in tokens]
        if tokens and not any(sets):
            sets = [self._token_set(token_keys(t), allow_common=True) for t in tokens]
        glued = [self._token_set(glued_keys(n.tokens), allow_common=False) for n in names]
        chosen: set[int] = set()
        nonempty = sorted((s for s in sets if s), key=len)
        lone = (
            len(nonempty) == 1
            and len(nonempty[0]) <= LONE_TOKEN_POSTING
            and any(map(self._is_common, tokens))
        )
        if nonempty and (len(tokens) == 1 or lone):
            chosen |= nonempty[0]  # the only token, or the only one that is not common
        for a in range(len(nonempty)):
            small = nonempty[a]
            if len(small) <= RARE_POSTING:
                chosen |= small
            chosen |= small & self.single_token
            for b in range(a + 1, len(nonempty)):
                chosen |= small & nonempty[b]
        for g in glued:
            chosen |= g
        chosen |= self.document_matches(traveller)
        if len(chosen) <= MAX_CANDIDATES:
            return sorted(chosen)
        # Too many: keep those sharing the rarest tokens (a shared rare surname beats a shared 'Mohammed').
        rarity = [(s, math.log(1 + self.size / len(s))) for s in nonempty]
        votes = Counter({i: sum(w for s, w in rarity if i in s) for i in chosen})
        return [i for i, _ in votes.most_common(MAX_CANDIDATES)]

    def document_matches(self, traveller: PersonRecord) -> set[int]:
        """Entries sharing a document number with the traveller."""
        keys = ["doc:" + folded_document_number(d.number) for d in traveller.documents]
        return self._token_set(keys, allow_common=True)
