"""Name against name: align tokens one to one, then weigh what aligned against what was left over.

Leftovers are asymmetric on purpose. A listed name usually has more parts than a passport shows (a second
surname, a patronymic, a middle name), so entry tokens left over cost little; a traveller token left over
costs more; and a token left over on BOTH sides is a substitution (Barack vs Michelle Obama), the strongest
evidence of a different person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from paxvet.match.lexicon import equivalent_groups, nickname_groups
from paxvet.match.records import Name
from paxvet.match.text import Token, tokens_of
from paxvet.match.tokens import INITIAL, JOINED, compare_joined, compare_tokens, first_letters, forms

GIVEN, FAMILY, PATERNAL, MATERNAL, ANY, FATHER = (
    "given name",
    "surname",
    "paternal surname",
    "maternal surname",
    "name",
    "father's name",
)
_FAMILY_ROLES = frozenset({FAMILY, PATERNAL, MATERNAL})
# How much an entry token left over costs, by its role (a missing paternal surname matters most; a
# patronymic or an ancestor's name, which passports rarely print, least).
_ENTRY_ROLE_COST = {PATERNAL: 2.0, MATERNAL: 0.75, FATHER: 0.5}
# Russian, Ukrainian and Belarusian patronymics: Viktorovich, Sergeyevna, Ilyich.
_PATRONYMIC_SUFFIX = re.compile(r"(?:ovich|evich|ovych|evych|ovna|evna|ivna|ichna|ilyich)$")
SUBSTITUTION_COST = 1.0
TRAVELLER_EXTRA_COST = 0.25
ENTRY_EXTRA_COST = 0.2
ENTRY_EXTRA_COST_THIN = 0.5  # when fewer than two significant tokens aligned
SWAP_FACTOR = 0.97
SUBSTITUTION_FACTOR = 0.85  # each name part replaced by a different one
PATRONYMIC_FACTOR = 0.6
INITIAL_CONFLICT_FACTOR = 0.9  # each initial left over on both sides: two different middle initials
_PATRONYMIC = frozenset({"bin", "bint"})
WEAK_ALIAS_FACTOR = 0.85


@dataclass(frozen=True, slots=True)
class PreparedName:
    display: str
    kind: str
    tokens: tuple[Token, ...]
    roles: tuple[str, ...]
    structured: bool  # given/family known (from parts or a 'SURNAME, Given' comma)
    keys: frozenset[str] = frozenset()  # cheap keys: two names sharing none are not worth aligning
    token_keys: tuple[frozenset[str], ...] = ()  # the same, per token (empty for particles)


@dataclass(frozen=True, slots=True)
class TokenLink:
    traveller: str
    entry: str
    how: str
    similarity: float

    def to_dict(self) -> dict[str, object]:
        return {
            "traveller": self.traveller,
            "entry": self.entry,
            "how": self.how,
            "similarity": round(self.similarity, 3),
        }


@dataclass(frozen=True, slots=True)
class NameComparison:
    score: float
    traveller_name: str
    entry_name: str
    entry_name_kind: str
    links: tuple[TokenLink, ...] = ()
    traveller_leftover: tuple[str, ...] = ()
    entry_leftover: tuple[tuple[str, str], ...] = ()  # (token, role)
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        return {
            "score": round(self.score, 3),
            "traveller_name": self.traveller_name,
            "entry_name": self.entry_name,
            "entry_name_kind": self.entry_name_kind,
            "tokens": [link.to_dict() for link in self.links],
            "traveller_leftover": list(self.traveller_leftover),
            "entry_leftover": [{"token": t, "role": r} for t, r in self.entry_leftover],
            "notes": list(self.notes),
        }


@lru_cache(maxsize=100_000)
def prepare_name(name: Name) -> PreparedName:
    """Tokens with their roles: from name parts where the source gives them, else from 'SURNAME, Given'."""
    parts: list[tuple[str | None, str]] = []
    if name.given or name.family or name.paternal or name.maternal:
        parts.append((name.given, GIVEN))
        if name.paternal or name.maternal:
            parts += [(name.paternal, PATERNAL), (name.maternal, MATERNAL)]
        else:
            parts.append((name.family, FAMILY))
    elif "," in name.full:
        family, _, given = name.full.partition(",")
        parts = [(given, GIVEN), (family, FAMILY)]
    else:
        return _prepared(name.full, name.kind, [(name.full, ANY)], structured=False)
    return _prepared(name.full, name.kind, parts, structured=True)


def _family_roles(tokens: list[Token]) -> list[str]:
    """'GUZMAN LOERA' -> paternal, maternal; 'DE LA CRUZ GUTIERREZ' -> DE LA CRUZ + GUTIERREZ."""
    significant = [i for i, t in enumerate(tokens) if not t.particle]
    if len(significant) != 2:
        return [FAMILY] * len(tokens)
    cut = significant[1]
    while cut > 0 and tokens[cut - 1].particle and cut - 1 > significant[0]:
        cut -= 1  # particles before the second surname belong to it (Guzman de la Cruz)
    return [PATERNAL] * cut + [MATERNAL] * (len(tokens) - cut)


def _prepared(
    display: str, kind: str, parts: list[tuple[str | None, str]], *, structured: bool
) -> PreparedName:
    tokens: list[Token] = []
    roles: list[str] = []
    for text, role in parts:
        if text:
            found = tokens_of(text)
            tokens += found
            roles += _family_roles(found) if role == FAMILY else _father_roles(found, role)
    per_token = tuple(token_keys(t) for t in tokens)
    return PreparedName(
        display, kind, tuple(tokens), tuple(roles), structured, frozenset().union(*per_token), per_token
    )


def _father_roles(tokens: list[Token], role: str) -> list[str]:
    """Given names (or a whole unsplit name) whose father's and ancestors' names are part of them:
    a patronymic after the first name (Sergey Viktorovich Lavrov) and, in an Arabic nasab, the names
    after 'bin'/'ibn' but before the family name (Usama bin Muhammad ibn Awad ibn Ladin)."""
    last = len(tokens) - 1 if role == ANY else len(tokens)  # an unsplit name ends with the surname
    roles = [role] * len(tokens)
    after_bin = False
    for i, t in enumerate(tokens):
        if 0 < i < last and not t.particle and (after_bin or _PATRONYMIC_SUFFIX.search(t.norm)):
            roles[i] = FATHER
        after_bin = after_bin or (t.canon == "bin" and i > 0)
    return roles


@lru_cache(maxsize=200_000)
def token_keys(t: Token) -> frozenset[str]:
    """Spelling-variant key, consonant skeleton, first and last three letters and nickname groups of a
    significant token: nearly every relation `compare_tokens` finds implies one shared key."""
    if t.particle:
        return frozenset()
    keys = {"c" + t.canon, "s" + t.skel, "p" + t.norm[:3], "x" + t.norm[-3:]}
    if t.canon.startswith("abd") and len(t.canon) > 6:
        keys.add("c" + t.canon[3:])
    # other romanisations (Hsi -> xi, 정 -> jong): two tokens sharing a form share its key
    keys.update(k for f in forms(t) for k in ("c" + f, "p" + f[:3], "x" + f[-3:]))
    keys.update("k" + g for g in nickname_groups(t.canon))
    keys.update("e" + g for g in equivalent_groups(t.canon))
    return frozenset(keys)


UNKEYED_SIMILARITY = 0.55  # the most a token sharing no key can still add (a weak typo)


def name_bound(q: PreparedName, e: PreparedName | frozenset[str]) -> float:
    """An optimistic bound on compare_names(q, e), from shared keys alone (no alignment); `e` may be the
    union of an entry's name keys, bounding every name of the entry at once."""
    other = e if isinstance(e, frozenset) else e.keys
    keyed = unkeyed = 0.0
    for t, keys in zip(q.tokens, q.token_keys, strict=True):
        if t.particle:
            continue
        if len(t.norm) == 1 or not keys.isdisjoint(other):
            keyed += t.weight
        else:
            unkeyed += t.weight
    total = keyed + unkeyed
    if not keyed:
        return 0.0  # nothing shared: the alignment would find at most stray initials
    return (keyed + UNKEYED_SIMILARITY * unkeyed) / total


@dataclass(slots=True)
class _Link:
    similarity: float
    weight: float
    left: tuple[int, ...]
    right: tuple[int, ...]
    how: str


def _candidate_links(q: tuple[Token, ...], e: tuple[Token, ...]) -> list[_Link]:
    links = []
    for i, a in enumerate(q):
        for j, b in enumerate(e):
            sim, how = compare_tokens(a, b)
            if sim > 0:
                weight = 0.5 if how == INITIAL else max(a.weight, b.weight)
                links.append(_Link(sim, weight, (i,), (j,), how))
    links += _exact_glued(q, e, traveller_glued=True) + _exact_glued(e, q, traveller_glued=False)
    return links


def _exact_glued(side: tuple[Token, ...], other: tuple[Token, ...], *, traveller_glued: bool) -> list[_Link]:
    """Words written together on one side and apart on the other ('ALASSAD' / 'AL ASSAD'), found early
    so a weaker single-word relation cannot take the word first."""
    whole = {t.norm: j for j, t in enumerate(other)}
    links = []
    for span in (2, 3):
        for start in range(len(side) - span + 1):
            j = whole.get("".join(t.norm for t in side[start : start + span]))
            if j is not None:
                idx = tuple(range(start, start + span))
                left, right = (idx, (j,)) if traveller_glued else ((j,), idx)
                links.append(_Link(0.97, max(other[j].weight, 1.0), left, right, JOINED))
    return links


def _joined_links(
    side: tuple[Token, ...],
    other: tuple[Token, ...],
    used_side: set[int],
    used_other: set[int],
    *,
    traveller_glued: bool,
) -> list[_Link]:
    links = []
    for span in (2, 3):
        for start in range(len(side) - span + 1):
            if not used_side.isdisjoint(range(start, start + span)):
                continue
            parts = side[start : start + span]
            glued_len = sum(len(p.norm) for p in parts)
            for j, whole in enumerate(other):
                if j in used_other or whole.norm[0] not in first_letters(parts[0]):
                    continue
                if abs(glued_len - len(whole.norm)) > 2 and len(whole.norm) != span:
                    continue
                sim, how = compare_joined(parts, whole)
                if sim > 0:
                    idx = tuple(range(start, start + span))
                    left, right = (idx, (j,)) if traveller_glued else ((j,), idx)
                    links.append(_Link(sim, max(whole.weight, 1.0), left, right, how))
    return links


def compare_names(q: PreparedName, e: PreparedName) -> NameComparison:
    """Align traveller name `q` with entry name `e` and score the alignment in [0, 1]."""
    used_q: set[int] = set()
    used_e: set[int] = set()
    chosen: list[_Link] = []
    _assign(_candidate_links(q.tokens, e.tokens), chosen, used_q, used_e)
    if len(used_q) < len(q.tokens) and len(used_e) < len(e.tokens):
        # Glued or split words ('DELACRUZ' / 'DE LA CRUZ') among what is left over.
        joined = _joined_links(q.tokens, e.tokens, used_q, used_e, traveller_glued=True)
        joined += _joined_links(e.tokens, q.tokens, used_e, used_q, traveller_glued=False)
        _assign(joined, chosen, used_q, used_e)
    return _score(q, e, chosen, used_q, used_e)


def _assign(links: list[_Link], chosen: list[_Link], used_q: set[int], used_e: set[int]) -> None:
    """Greedy one-to-one alignment, strongest relation first."""
    links.sort(key=lambda k: (k.similarity, len(k.left) + len(k.right), k.weight), reverse=True)
    for link in links:
        if used_q.isdisjoint(link.left) and used_e.isdisjoint(link.right):
            chosen.append(link)
            used_q.update(link.left)
            used_e.update(link.right)


def _score(
    q: PreparedName, e: PreparedName, chosen: list[_Link], used_q: set[int], used_e: set[int]
) -> NameComparison:
    matched = sum(k.weight * k.similarity for k in chosen)
    aligned = sum(k.weight for k in chosen)
    q_left = [i for i in range(len(q.tokens)) if i not in used_q]
    e_left = [j for j in range(len(e.tokens)) if j not in used_e]
    t_extra = sum(q.tokens[i].weight for i in q_left)
    e_missing = [j for j in e_left if not _attached_particle(e, j, e_left)]
    e_extra = sum(e.tokens[j].weight for j in e_missing)
    e_cost = sum(e.tokens[j].weight * _ENTRY_ROLE_COST.get(e.roles[j], 1.0) for j in e_missing)
    substituted = min(t_extra, e_extra)
    strong = sum(1 for k in chosen if k.how != INITIAL and not all(q.tokens[i].particle for i in k.left))
    entry_rate = ENTRY_EXTRA_COST if strong >= 2 else ENTRY_EXTRA_COST_THIN
    penalty = (
        SUBSTITUTION_COST * substituted
        + TRAVELLER_EXTRA_COST * (t_extra - substituted)
        + entry_rate * max(0.0, e_cost - substituted)
    )
    score = matched / (aligned + penalty) if aligned else 0.0
    notes: list[str] = []
    swaps = min(_significant(q, q_left), _significant(e, e_left))
    swaps += _compound_swaps(q, e, chosen, used_q, used_e)
    if swaps:
        score *= SUBSTITUTION_FACTOR**swaps
        notes.append(f"{swaps} name part(s) differ on both sides")
    initials = min(_initials(q, q_left), _initials(e, e_left))
    if initials:
        score *= INITIAL_CONFLICT_FACTOR**initials
        notes.append("different initials (John A Smith is not John B Smith)")
    if _patronymic_reversed(q, e, chosen):
        score *= PATRONYMIC_FACTOR
        notes.append("father's and own name in reverse order (bin/ben)")
    if strong == 0:
        score = min(score, 0.5)
        notes.append("only initials or particles agree")
    if _swapped(q, e, chosen):
        score *= SWAP_FACTOR
        notes.append("given name and surname swapped")
    if e.kind == "weak":
        score *= WEAK_ALIAS_FACTOR
        notes.append("weak alias (the source says it is unreliable)")
    return NameComparison(
        score=min(1.0, max(0.0, score)),
        traveller_name=q.display,
        entry_name=e.display,
        entry_name_kind=e.kind,
        links=tuple(_describe(q, e, k) for k in chosen),
        traveller_leftover=tuple(q.tokens[i].raw for i in q_left),
        entry_leftover=tuple((e.tokens[j].raw, e.roles[j]) for j in e_left),
        notes=tuple(notes),
    )


def _describe(q: PreparedName, e: PreparedName, link: _Link) -> TokenLink:
    left = " ".join(q.tokens[i].raw for i in link.left)
    right = " ".join(e.tokens[j].raw for j in link.right)
    return TokenLink(left, right, link.how if link.how != JOINED else JOINED, link.similarity)


def _swapped(q: PreparedName, e: PreparedName, chosen: list[_Link]) -> bool:
    """Traveller's given name sits in the entry's surname and the other way round."""
    if not (q.structured and e.structured):
        return False
    crossed = straight = 0
    for k in chosen:
        q_family = q.roles[k.left[0]] in _FAMILY_ROLES
        e_family = e.roles[k.right[0]] in _FAMILY_ROLES
        if q.tokens[k.left[0]].particle:
            continue
        if q_family != e_family:
            crossed += 1
        else:
            straight += 1
    return crossed >= 2 and straight == 0


def _compound_swaps(
    q: PreparedName, e: PreparedName, chosen: list[_Link], used_q: set[int], used_e: set[int]
) -> int:
    """'Abdul Mohammed' against 'Shah Mohammed': a bare name matched to an Abd- compound whose own first
    part stands, unmatched, just before it is another compound given name, not a shortened one."""
    found = 0
    for k in chosen:
        if len(k.left) != 1 or len(k.right) != 1:
            continue
        a, b = q.tokens[k.left[0]], e.tokens[k.right[0]]
        if a.canon.startswith("abd") == b.canon.startswith("abd"):
            continue
        name, i, used = (e, k.right[0], used_e) if a.canon.startswith("abd") else (q, k.left[0], used_q)
        before = name.tokens[i - 1] if i > 0 and i - 1 not in used else None
        if before is not None and not before.particle and not before.canon.startswith("abd"):
            found += 1  # (a lone 'Abdul' before it is the compound written in two fields)
    return found


def _attached_particle(name: PreparedName, j: int, left: list[int]) -> bool:
    """A particle missing with the name it introduces ('de Pfeffel', 'ibn Awad') is one missing part."""
    return name.tokens[j].particle and j + 1 in left and not name.tokens[j + 1].particle


def _initials(name: PreparedName, left: list[int]) -> int:
    return sum(1 for i in left if len(name.tokens[i].norm) == 1 and not name.tokens[i].particle)


def _significant(name: PreparedName, left: list[int]) -> int:
    return sum(1 for i in left if not name.tokens[i].particle and len(name.tokens[i].norm) > 1)


def _segments(name: PreparedName) -> list[int]:
    """For each token, how many inner 'bin/ibn/ben' precede it: 'AHMAD BIN HASAN' -> 0, 1, 1.

    A 'bin' first or last is a reordered name ('Salman Mohammed bin'), not a patronymic boundary."""
    out, seen = [], 0
    last = len(name.tokens) - 1
    for i, t in enumerate(name.tokens):
        if t.canon in _PATRONYMIC and 0 < i < last:
            seen += 1
        out.append(seen)
    return out


def _patronymic_reversed(q: PreparedName, e: PreparedName, chosen: list[_Link]) -> bool:
    """Ahmad bin Hasan is not Hasan bin Ahmad: own name and father's name sit on opposite sides of 'bin'."""
    qs, es = _segments(q), _segments(e)
    if not (qs and es and qs[-1] and es[-1]):
        return False
    return any(
        (qs[k.left[0]] == 0) != (es[k.right[0]] == 0) for k in chosen if not q.tokens[k.left[0]].particle
    )
