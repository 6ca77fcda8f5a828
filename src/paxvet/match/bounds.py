"""Exact upper bounds on `compare_names`, so the Screener skips most candidates before aligning names.

compare_names scores an alignment as matched / (aligned + penalty), then only multiplies by factors <= 1.
A score of at least `tau` therefore needs the sum of weight x (similarity - tau) over the links, minus tau
x the penalty, to be >= 0; the penalty is at least TRAVELLER_EXTRA_COST x the weight of each traveller
token left over. Relaxing the one-to-one alignment, each traveller token takes its best option on its own:

- aligned with an entry token sharing a key (names.token_keys): similarity at most 1;
- aligned with one sharing no key: at most UNKEYED_SIMILARITY (a one-edit typo);
- glued with its neighbours into one entry token, or one token against glued entry tokens ('ALASSAD' /
  'AL ASSAD'): at most JOINED_SIMILARITY, exactly glued GLUED_SIMILARITY (a link of several traveller
  tokens counts for its first; the others are worth 0 in it);
- left over: -tau x TRAVELLER_EXTRA_COST x its weight.

If the best options sum to less than 0, no alignment reaches `tau`. The cheap options come first (key
sets, lengths); a token's real relations (`compare_tokens`, `compare_joined`) are computed only while the
sum still reaches 0. The bound is never below the real score, so skipping on it loses no hit;
tests/match/test_match_bounds.py checks it against compare_names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from paxvet.match.names import SUBSTITUTION_COST, TRAVELLER_EXTRA_COST, PreparedName
from paxvet.match.text import Token
from paxvet.match.tokens import (
    INITIAL,
    NICKNAME,
    SIMILARITY,
    Word,
    _letters,
    compare_joined,
    compare_words,
    forms,
    surely_unjoined,
    word_of,
)

UNKEYED_SIMILARITY = (
    0.85  # two tokens sharing no key differ in spelling: at best a one-edit typo (0.97 - 0.12)
)
JOINED_SIMILARITY = 0.9  # glued tokens that are not exactly the other token: a romanisation or a typo
GLUED_SIMILARITY = 0.97
INITIAL_WEIGHT = 0.5  # an initial link's weight (names._candidate_links)
LEAVE_COST = min(TRAVELLER_EXTRA_COST, SUBSTITUTION_COST)
SLACK = 1e-6  # float rounding (compare_names rounds its ratio): this close to tau still counts as reaching

WORD, PARTICLE, LETTER = 0, 1, 2


class Run:
    """Adjacent tokens glued together, and the lengths (low..high, and as bits `lengths`) of the single
    tokens they are compared with. `seen` keeps the similarity of a traveller's run with the entry tokens met
    (by id, see Memo). Runs hash by identity."""

    __slots__ = ("glued", "high", "initials", "lengths", "low", "mask", "parts", "seen", "single")

    def __init__(self, parts: tuple[Token, ...]) -> None:
        self.parts = parts
        self.glued = "".join([p.norm for p in parts])
        self.initials = "".join([p.norm[0] for p in parts])
        # the lengths names._joined_links compares glued parts with (besides their initials, 'JC' /
        # 'Jean Claude', looked for as such)
        self.low, self.high = len(self.glued) - 2, len(self.glued) + 2
        self.lengths = _length_bits(self.low, self.high)
        self.mask = _letters(self.glued)
        self.single = all(len(forms(p)) == 1 for p in parts)  # no part romanised otherwise
        self.seen: dict[int, float] = {}

    def joins(self, whole: Word) -> bool:
        """Whether names._joined_links compares these parts glued with `whole` at all."""
        return self.low <= len(whole.norm) <= self.high or whole.norm == self.initials


def _length_bits(low: int, high: int) -> int:
    """The lengths low..high as bits of an int (bit n: length n)."""
    return ((1 << (high + 1)) - 1) & ~((1 << max(low, 0)) - 1)


@dataclass(frozen=True, slots=True)
class EntryShape:
    """What the bound reads of an entry's names (one name, or every name of an entry at once)."""

    keys: frozenset[str]
    classes: tuple[
        tuple[float, frozenset[str]], ...
    ]  # (token weight, keys of tokens that heavy), heaviest first
    canons: frozenset[str]
    word_canons: frozenset[str]  # canons of the tokens that are not particles
    norms: frozenset[str]
    lengths: int  # the tokens' lengths, as bits (bit n: length n)
    glued: frozenset[str]  # adjacent tokens glued together, and their initials
    glued_lengths: int  # lengths a single token compared with glued ones may have, as bits
    tokens: tuple[Word, ...]  # distinct tokens
    spans: tuple[Run, ...]  # runs of 2 and 3 adjacent tokens
    memo: Memo | None = field(default=None, compare=False)  # whose tokens and runs these are

    @property
    def heaviest(self) -> float:
        return self.classes[0][0] if self.classes else 0.0


class Memo:
    """Relations of traveller tokens and runs with entry tokens and runs, kept across travellers.

    compare_tokens and compare_joined depend on the two sides only, so what one traveller's 'MOHAMMED' found
    against an entry token serves every later 'MOHAMMED'. Traveller tokens (`Known`) and runs are kept by
    value. Entry shapes built with the memo share one object per distinct entry token and run
    (`entry_tokens`, `entry_runs`, never cleared), so a relation found against one entry's 'MOHAMMED' serves
    every entry's; they are keyed by id (hashing a Token is slow), which the memo keeps theirs by keeping
    them. Relations are kept only between a term and a shape built with the same memo. Keys are ids and
    values floats, so the garbage collector never tracks the dicts that hold them: half a million relations
    would otherwise lengthen every full collection. `size` counts stored relations; the owner clears the
    memo past its limit.
    """

    def __init__(self) -> None:
        self.size = 0
        self.known: dict[Token, Known] = {}
        self.runs: dict[tuple[Token, ...], Run] = {}
        # not cleared: as large as the distinct tokens and runs of the entries met, kept by their shapes
        self.entry_tokens: dict[Token, Word] = {}
        self.entry_runs: dict[tuple[Token, ...], Run] = {}

    def clear(self) -> None:
        self.size = 0
        self.known, self.runs = {}, {}

    def token(self, t: Token) -> Known:
        known = self.known.get(t)
        if known is None:
            known = self.known[t] = Known(t)
        return known

    def run(self, parts: tuple[Token, ...]) -> Run:
        run = self.runs.get(parts)
        if run is None:
            run = self.runs[parts] = Run(parts)
        return run


class Known:
    """A traveller token as the bound reads it whatever its name, and its relations found so far."""

    __slots__ = ("joined", "kind", "seen", "word")

    def __init__(self, t: Token) -> None:
        self.word = word_of(t)
        self.kind = PARTICLE if t.particle else LETTER if len(t.norm) == 1 else WORD
        self.seen: dict[int, float] = {}  # `_link` against entry tokens met so far, by the Word's id
        self.joined: dict[int, float] = {}  # similarity with entry runs glued, by the run's id


@dataclass(frozen=True, slots=True)
class Term:
    """One traveller token as the bound reads it."""

    token: Token
    word: Word
    weight: float
    kind: int
    keys: frozenset[str]
    heads: tuple[Run, ...]  # runs of adjacent tokens starting with this one
    head_glued: frozenset[str]
    head_lengths: int  # lengths an entry token compared with those runs may have, as bits
    inner_lengths: int  # the same for runs this token is inside of, not first
    inner_glued: frozenset[str]  # those runs glued, and their initials
    memo: Memo = field(compare=False, hash=False)
    # `_link` against entry tokens met so far, by the Word's id
    seen: dict[int, float] = field(compare=False, hash=False)
    # similarity of this token with entry runs glued, by the run's id
    joined: dict[int, float] = field(compare=False, hash=False)


def spans(tokens: Sequence[Token]) -> Iterable[tuple[int, tuple[Token, ...]]]:
    """Runs of 2 and 3 adjacent tokens, as compare_names glues them."""
    for span in (2, 3):
        for start in range(len(tokens) - span + 1):
            yield start, tuple(tokens[start : start + span])


def entry_shape(names: Iterable[PreparedName], memo: Memo | None = None) -> EntryShape:
    """The entry's names as the bound reads them; with a `memo`, equal tokens and runs are one object."""
    keys: set[str] = set()
    by_weight: dict[float, set[str]] = {}
    tokens: dict[Token, None] = {}
    runs: dict[tuple[Token, ...], None] = {}
    for name in names:
        keys.update(name.keys)
        for t, t_keys in zip(name.tokens, name.token_keys, strict=True):
            tokens[t] = None
            if t_keys:
                by_weight.setdefault(t.weight, set()).update(t_keys)
        for _, parts in spans(name.tokens):
            runs[parts] = None
    classes = tuple((w, frozenset(k)) for w, k in sorted(by_weight.items(), reverse=True))
    glued: set[str] = set()
    glued_lengths = lengths = 0
    if memo is None:
        words = tuple(map(Word, tokens))
        shape_runs = tuple(map(Run, runs))
    else:
        common, common_runs = memo.entry_tokens, memo.entry_runs
        words = tuple(_common_word(common, t) for t in tokens)
        shape_runs = tuple(_common_run(common_runs, common, parts) for parts in runs)
    for run in shape_runs:
        glued.add(run.glued)
        glued.add(run.initials)
        glued_lengths |= run.lengths
    for t in tokens:
        lengths |= 1 << len(t.norm)
    return EntryShape(
        keys=frozenset(keys),
        classes=classes,
        canons=frozenset([t.canon for t in tokens]),
        word_canons=frozenset([t.canon for t in tokens if not t.particle]),
        norms=frozenset([t.norm for t in tokens]),
        lengths=lengths,
        glued=frozenset(glued),
        glued_lengths=glued_lengths,
        tokens=words,
        spans=shape_runs,
        memo=memo,
    )


def _common_word(words: dict[Token, Word], t: Token) -> Word:
    word = words.get(t)
    if word is None:
        word = words[t] = word_of(t)
    return word


def _common_run(
    runs: dict[tuple[Token, ...], Run], words: dict[Token, Word], parts: tuple[Token, ...]
) -> Run:
    run = runs.get(parts)
    if run is None:
        run = runs[parts] = Run(tuple(_common_word(words, t).token for t in parts))
    return run


def terms_of(name: PreparedName, memo: Memo | None = None) -> tuple[Term, ...]:
    """The traveller name's tokens with what the bound needs (computed once per traveller name); with a
    `memo`, the relations they find are shared with earlier and later travellers' equal tokens."""
    memo = Memo() if memo is None else memo
    tokens = name.tokens
    heads: list[list[Run]] = [[] for _ in tokens]
    inner_lengths = [0] * len(tokens)
    inner_glued: list[list[str]] = [[] for _ in tokens]
    for span in (2, 3):
        for start in range(len(tokens) - span + 1):
            run = memo.run(tokens[start : start + span])
            heads[start].append(run)
            for i in range(start + 1, start + span):
                inner_lengths[i] |= run.lengths
                inner_glued[i] += (run.glued, run.initials)
    out = []
    for i, t in enumerate(tokens):
        known = memo.token(t)
        runs = heads[i]
        head_lengths = 0
        for run in runs:
            head_lengths |= run.lengths
        out.append(
            Term(
                t,
                known.word,
                t.weight,
                known.kind,
                name.token_keys[i],
                tuple(runs),
                frozenset([g for run in runs for g in (run.glued, run.initials)]),
                head_lengths,
                inner_lengths[i],
                frozenset(inner_glued[i]),
                memo,
                known.seen,
                known.joined,
            )
        )
    return tuple(out)


def _link_weight(term: Term, shape: EntryShape) -> float:
    """The heaviest a link of this token with a token sharing its keys can weigh."""
    for weight, keys in shape.classes:
        if weight <= term.weight:
            break
        if not term.keys.isdisjoint(keys):
            return weight
    return term.weight


def _glue_option(term: Term, shape: EntryShape, tau: float) -> float:
    """The most a glued or split link can give this token, from norms and lengths alone (exactly glued
    or initials found as such; otherwise a length that allows a near glue)."""
    best = -1.0
    weight = max(1.0, shape.heaviest, term.weight)
    if not term.head_glued.isdisjoint(shape.norms) or term.word.norm in shape.glued:
        best = weight * (GLUED_SIMILARITY - tau)
    elif term.head_lengths & shape.lengths or shape.glued_lengths >> len(term.word.norm) & 1:
        best = weight * (JOINED_SIMILARITY - tau)
    if term.inner_lengths & shape.lengths or not term.inner_glued.isdisjoint(shape.norms):
        best = max(best, 0.0)
    return best


def _option(term: Term, shape: EntryShape, tau: float) -> tuple[float, float]:
    """The token's best option without comparing it with any entry token, and its glued links' part."""
    w = term.weight
    value = -tau * LEAVE_COST * w
    word = term.word
    if term.kind == PARTICLE:
        if word.canon in shape.word_canons:  # 'Ben' / 彬 (bin): a word on the other side
            value = max(value, max(w, shape.heaviest) * (1.0 - tau))
        elif word.canon in shape.canons:  # the same canon: both particles, the same weight
            value = max(value, w * (1.0 - tau))
        if word.norm_nicknames:  # 'Ben' may be Benjamin
            value = max(value, max(w, shape.heaviest) * (SIMILARITY[NICKNAME] - tau))
    elif not term.keys.isdisjoint(shape.keys):
        value = max(value, _link_weight(term, shape) * (1.0 - tau))
    elif word.canon in shape.canons:  # the same word as an entry particle ('Bin' / 彬)
        value = max(value, max(w, shape.heaviest) * (1.0 - tau))
    elif term.kind == WORD:
        value = max(value, max(w, shape.heaviest) * (UNKEYED_SIMILARITY - tau))
    if term.kind == LETTER:  # a lone letter sharing no key can still be an initial
        value = max(value, INITIAL_WEIGHT * (SIMILARITY[INITIAL] - tau))
    glue = _glue_option(term, shape, tau)
    return max(value, glue), glue


def _joined(run: Run, whole: Word) -> float:
    """The similarity of a glued or split link (names._exact_glued first, then compare_joined)."""
    if run.glued == whole.norm:
        return GLUED_SIMILARITY
    if surely_unjoined(run.glued, run.initials, run.mask, run.single, whole):
        return 0.0
    return compare_joined(run.parts, whole.token)[0]


def _link(term: Term, other: Word) -> float:
    """The similarity of the tokens' relation as one float: 0 for none, negative for an initial, whose
    link weighs INITIAL_WEIGHT instead of the heavier token's weight (`_link_value`)."""
    sim, how = compare_words(term.word, other)
    if sim <= 0:
        return 0.0
    return -sim if how == INITIAL else sim


def _link_value(term: Term, other: Word, link: float, tau: float) -> float:
    """A link's part in the bound: its weight x (similarity - tau)."""
    if link < 0:
        return INITIAL_WEIGHT * (-link - tau)
    return max(term.weight, other.weight) * (link - tau)


def _resolved(term: Term, shape: EntryShape, tau: float, glue: float, cap: float) -> float:
    """The token's best option from its real relations with every entry token; glued links are looked
    at only when their cheap bound `glue` could beat the single ones. The caller takes the lower of this
    and the cheap option `cap`, so the search stops as soon as it reaches `cap` (same bound, less work)."""
    value = -tau * LEAVE_COST * term.weight
    if value >= cap:
        return value
    kept = shape.memo is term.memo
    seen = term.seen
    for other in shape.tokens:
        link = seen.get(id(other)) if kept else None
        if link is None:
            link = _link(term, other)
            if kept:
                seen[id(other)] = link
                term.memo.size += 1
        if link != 0.0:
            value = max(value, _link_value(term, other, link, tau))
            if value >= cap:
                return value
    if glue > value:
        value = max(value, _resolved_glue(term, shape, tau, cap))
    return value


def _resolved_glue(term: Term, shape: EntryShape, tau: float, cap: float) -> float:
    inner = term.inner_lengths & shape.lengths or not term.inner_glued.isdisjoint(shape.norms)
    value = 0.0 if inner else -1.0
    memo = term.memo
    kept = shape.memo is memo
    for run in term.heads:
        seen = run.seen
        for other in shape.tokens:
            if run.joins(other):
                sim = seen.get(id(other)) if kept else None
                if sim is None:
                    sim = _joined(run, other)
                    if kept:
                        seen[id(other)] = sim
                        memo.size += 1
                value = max(value, max(1.0, other.weight) * (sim - tau))
                if value >= cap:
                    return value
    joined = term.joined
    for run in shape.spans:
        if run.joins(term.word):
            sim = joined.get(id(run)) if kept else None  # the memo keeps the shape's runs (entry_runs)
            if sim is None:
                sim = _joined(run, term.word)
                if kept:
                    joined[id(run)] = sim
                    memo.size += 1
            value = max(value, max(1.0, term.weight) * (sim - tau))
            if value >= cap:
                return value
    return value


def may_reach(terms: Sequence[Term], shape: EntryShape, tau: float) -> bool:
    """False only when no alignment of this traveller name with these entry tokens scores `tau` or more."""
    if tau <= SLACK:
        return True
    options = [(*_option(term, shape, tau), term) for term in terms]
    total = sum(value for value, _, _ in options)
    if total < -SLACK:
        return False
    # The real relations of the tokens sharing no key first: their options are the least certain.
    options.sort(key=lambda option: not option[2].keys.isdisjoint(shape.keys))
    for value, glue, term in options:
        # both bound the token's share: the lower holds
        total += min(value, _resolved(term, shape, tau, glue, value)) - value
        if total < -SLACK:
            return False
    return True
