"""EDIFACT tokenizer: separators (UNA), release character, segments -> data elements -> components.

Fast path: plain `str.split` on the separators; only text containing the release character goes through
the escape-aware splitter. The repetition separator (UNA position 8) is honoured when the UNA declares a
non-space one: a repeated data element becomes several occurrences (`Segment.repetitions`), never extra
components; service segments (UNB...) are never split on it. Unreleased CR/LF are never data. Used by
`paxvet.ingest.edifact`, which builds interchanges, groups and messages on top of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_UNA = ":+.? '"
# No service segment element repeats (ISO 9735-1); carriers put a literal "*" in UNB identifiers (APIS*ABE).
_SERVICE_TAGS = frozenset({"UNA", "UNB", "UNG", "UNH", "UNT", "UNE", "UNZ"})


@dataclass(frozen=True, slots=True)
class Separators:
    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    repetition: str = " "  # a space means "no repetition" (the PAXLST habit, see message-standards §1.1)
    terminator: str = "'"

    @property
    def repeats(self) -> str:
        """The repetition separator in force, or "" when repetition is off: a space (reserved, syntax v1-3,
        and the PAXLST habit) or a character that collides with another separator."""
        rep = self.repetition
        if rep == " " or rep in (self.component, self.element, self.decimal, self.release, self.terminator):
            return ""
        return rep

    @property
    def una(self) -> str:
        return (
            "UNA"
            + self.component
            + self.element
            + self.decimal
            + self.release
            + self.repetition
            + (self.terminator)
        )


DEFAULT_SEPARATORS = Separators()


class Segment:
    """One segment: tag, data elements (each a list of components, escapes decoded), its number within the
    message (UNH = 1; 0 for envelope segments), its line in the file and its raw text.

    A repeated data element (`A:B*C:D` under a UNA declaring `*`) is one element with several occurrences:
    `elements` holds the first (`[A, B]`), `repetitions()` all of them (`[[A, B], [C, D]]`).

    Read the lists, never change them: segments of the same text may share them (see `_tokenize_lines`)."""

    __slots__ = ("elements", "end", "line", "number", "raw", "repeated", "start", "tag")

    def __init__(
        self,
        tag: str,
        elements: list[list[str]],
        number: int,
        line: int,
        raw: str,
        start: int,
        end: int,
        repeated: dict[int, list[list[str]]] | None = None,
    ) -> None:
        self.tag = tag
        self.elements = elements
        self.number = number
        self.line = line
        self.raw = raw
        self.start = start
        self.end = end
        self.repeated = repeated  # 0-based element index -> every occurrence, only for repeated elements

    def get(self, element: int, component: int = 0) -> str:
        """Element `element` (1-based, after the tag), component `component` (0-based); "" when absent."""
        try:  # called for nearly every value a reader takes: the present case costs no length checks
            return self.elements[element - 1][component]
        except IndexError:
            return ""

    def element(self, element: int) -> list[str]:
        return self.elements[element - 1] if element <= len(self.elements) else []

    def repetitions(self, element: int) -> list[list[str]]:
        """Every occurrence of data element `element` (1-based), each a list of components; one occurrence
        when the element is not repeated, none when it is absent."""
        if self.repeated is not None and element - 1 in self.repeated:
            return self.repeated[element - 1]
        return [self.elements[element - 1]] if element <= len(self.elements) else []

    def occurrences(self, start: int = 1) -> list[list[str]]:
        """Every occurrence of every data element from `start` (1-based) on, in order: what a reader of
        repeatable elements (COM contacts, RCI locators, MON amounts, free text) walks through, whether
        the sender repeated them with the repetition separator or as consecutive elements."""
        if self.repeated is None:
            return self.elements[start - 1 :]
        out: list[list[str]] = []
        for index in range(start - 1, len(self.elements)):
            out.extend(self.repeated.get(index, [self.elements[index]]))
        return out

    def __repr__(self) -> str:
        return f"Segment({self.tag!r}, {self.elements!r}, number={self.number})"


# ---------------------------------------------------------------------------------------------------------
# decoding and separators


def decode(data: bytes | str) -> tuple[str, str]:
    """UTF-8, falling back to Latin-1 (which never fails). Returns (text, encoding)."""
    if isinstance(data, str):
        return data, "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def una_is_sane(chars: str, after: str) -> bool:
    if len(chars) != 6 or any(c in "\r\n" or c.isalnum() or not c.isprintable() for c in chars):
        return False
    core = chars[:2] + chars[3] + chars[5]  # component, element, release, terminator
    if len(set(core)) != 4 or " " in core:
        return False
    rest = after.lstrip()
    return rest.startswith("UNB") and chars[5] in rest[:4000]


def read_una(text: str, pos: int) -> tuple[Separators, int, bool]:
    """Separators declared by the UNA at `pos` and where the interchange continues; ok=False when the UNA
    was damaged and the defaults are used instead."""
    chars = text[pos + 3 : pos + 9]
    if una_is_sane(chars, text[pos + 9 : pos + 4009]):
        seps = Separators(chars[0], chars[1], chars[2], chars[3], chars[4], chars[5])
        return seps, pos + 9, True
    unb = text.find("UNB", pos + 3)
    return DEFAULT_SEPARATORS, (unb if unb >= 0 else pos + 3), False


# ---------------------------------------------------------------------------------------------------------
# tokenizer


def _split_released(text: str, sep: str, release: str) -> list[str]:
    """Split on `sep`, except where `sep` is preceded by an odd number of release characters."""
    pieces = text.split(sep)
    if release not in text:
        return pieces
    out: list[str] = []
    carry: str | None = None
    for piece in pieces:
        current = piece if carry is None else carry + sep + piece
        stripped = len(current) - len(current.rstrip(release))
        if stripped % 2 == 1:
            carry = current
        else:
            out.append(current)
            carry = None
    if carry is not None:
        out.append(carry)
    return out


def _unescape(value: str, release: str) -> str:
    if release not in value:
        return value
    chars: list[str] = []
    i, n = 0, len(value)
    while i < n:
        c = value[i]
        if c == release and i + 1 < n:
            chars.append(value[i + 1])
            i += 2
        else:
            if c != release:
                chars.append(c)
            i += 1
    return "".join(chars)


def split_elements(body: str, seps: Separators) -> list[list[str]]:
    """Data elements and components of one segment's text after its tag (escapes decoded)."""
    el, comp, rel = seps.element, seps.component, seps.release
    if rel not in body:
        return [e.split(comp) for e in body.split(el)]
    return [
        [_unescape(c, rel) for c in _split_released(e, comp, rel)] for e in _split_released(body, el, rel)
    ]


def split_repeated(body: str, seps: Separators) -> tuple[list[list[str]], dict[int, list[list[str]]]]:
    """Like `split_elements`, for a segment whose text holds the repetition separator: data elements
    (first occurrences) and, per repeated element, all its occurrences. Released separators are data."""
    el, comp, rel, rep = seps.element, seps.component, seps.release, seps.repeats
    elements: list[list[str]] = []
    repeated: dict[int, list[list[str]]] = {}
    for index, text in enumerate(_split_released(body, el, rel)):
        occurrences = [
            [_unescape(c, rel) for c in _split_released(o, comp, rel)]
            for o in _split_released(text, rep, rel)
        ]
        elements.append(occurrences[0])
        if len(occurrences) > 1:
            repeated[index] = occurrences
    return elements, repeated


def tokenize(
    text: str, seps: Separators = DEFAULT_SEPARATORS, offset: int = 0, line: int = 1
) -> list[Segment]:
    """Segments of `text` (one interchange or a run of message bodies). Unreleased CR/LF are not data;
    whitespace around a segment is dropped. Segment numbers are filled in later by the structure pass."""
    term, el, rel, comp, rep = seps.terminator, seps.element, seps.release, seps.component, seps.repeats
    # whole-text checks first: most interchanges hold no release or repetition character at all, and then
    # no segment needs the per-segment checks (this loop runs for every segment of every file)
    released = rel in text
    repeats = bool(rep) and rep in text
    if not released and not repeats:
        lines = _line_per_segment(text, term)
        if lines is not None:  # the usual layout: one segment per line, nothing to repair
            lead = text[:1] == "\n"
            return _tokenize_lines(lines, seps, offset + lead, line + lead, offset + len(text))
    pieces = _split_released(text, term, rel) if released else text.split(term)
    segments: list[Segment] = []
    append = segments.append
    pos = offset
    for piece in pieces:
        size = len(piece)
        body = piece.lstrip()
        if not body:
            line += piece.count("\n")
            pos += size + 1
            continue
        start = pos + size - len(body)
        pos += size + 1
        seg_line = line
        if "\n" in piece:
            line += piece.count("\n")
            seg_line = line
            if "\n" in body or "\r" in body:  # a hard line wrap inside the segment: not data
                seg_line -= body.count("\n")
                body = body.rstrip("\r\n").replace("\r", "").replace("\n", "")
        elif "\r" in body:
            body = body.rstrip("\r").replace("\r", "")
        tag, sep, rest = _tag_and_rest(body, el, comp)
        if not sep:
            append(Segment(tag, [], 0, seg_line, body, start, pos))
        elif repeats and rep in rest and tag not in _SERVICE_TAGS:
            elements, repeated = split_repeated(rest, seps)
            # `repeated` empty: every repetition separator was released
            append(Segment(tag, elements, 0, seg_line, body, start, pos, repeated or None))
        elif released and rel in rest:
            append(Segment(tag, split_elements(rest, seps), 0, seg_line, body, start, pos))
        elif el in rest:
            append(Segment(tag, [e.split(comp) for e in rest.split(el)], 0, seg_line, body, start, pos))
        else:  # one data element (DTM, RFF...): no comprehension
            append(Segment(tag, [rest.split(comp)], 0, seg_line, body, start, pos))
    limit = offset + len(text)
    if segments and segments[-1].end > limit:  # the last piece has no terminator after it
        segments[-1].end = limit
    return segments


_OPENINGS: dict[str, re.Pattern[str]] = {}


def _segment_opening(term: str) -> re.Pattern[str]:
    """A line break before whitespace or a terminator: a segment the general loop would strip or skip."""
    pattern = _OPENINGS.get(term)
    if pattern is None:
        pattern = _OPENINGS[term] = re.compile(r"\n[\s" + re.escape(term) + "]")
    return pattern


def _line_per_segment(text: str, term: str) -> list[str] | None:
    """The segments' texts when `text` is laid out one segment per line and needs none of the general
    loop's repairs: every terminator but a last one ending the text followed by a line break, no other
    line break but one opening the text, no CR, no empty segment, no whitespace opening a segment.
    None otherwise (the general loop then)."""
    if "\r" in text or term in "\r\n":
        return None
    breaks = text.count(term + "\n")
    lead = text[:1] == "\n"
    if text.count("\n") != breaks + lead or text.count(term) != breaks + text.endswith(term):
        return None
    body = text[1:] if lead else text
    if not body or body[0].isspace() or body[0] == term or _segment_opening(term).search(body):
        return None
    lines = body.split(term + "\n")
    if not lines[-1]:  # the text ends with a terminator and a line break
        lines.pop()
    elif lines[-1][-1] == term:
        lines[-1] = lines[-1][:-1]
    return lines


def _tokenize_lines(lines: list[str], seps: Separators, offset: int, line: int, limit: int) -> list[Segment]:
    """`tokenize` for the segment texts `_line_per_segment` found: segment i is on line `line` + i, starts
    at `offset` and each next one two characters (terminator, line break) after the end of the one before.
    Segments of the same text share their tag and element lists (a manifest repeats LOC+178+ORD, NAT+2+MEX
    ... for every traveller; nothing changes a segment's lists once tokenized)."""
    el, comp = seps.element, seps.component
    segments: list[Segment] = []
    append = segments.append
    known: dict[str, tuple[str, list[list[str]]]] = {}
    start = offset
    for body in lines:
        end = start + len(body) + 1
        split = known.get(body)
        if split is None:
            split = known[body] = _split_segment(body, el, comp)
        append(Segment(split[0], split[1], 0, line, body, start, end))
        start = end + 1
        line += 1
    if segments and segments[-1].end > limit:  # the last segment has no terminator after it
        segments[-1].end = limit
    return segments


def _tag_and_rest(body: str, el: str, comp: str) -> tuple[str, str, str]:
    """A segment's tag, the element separator after it ('' when the segment has no data) and the rest."""
    tag, sep, rest = body.partition(el)
    if len(tag) != 3:
        tag = tag.strip()
        if comp in tag:  # a tag with components (syntax v1-3 "BGM:1") keeps only its code
            tag = tag.split(comp, 1)[0]
    return tag, sep, rest


def _split_segment(body: str, el: str, comp: str) -> tuple[str, list[list[str]]]:
    """Tag and data elements of a segment's text holding no release or repetition character."""
    tag, sep, rest = _tag_and_rest(body, el, comp)
    if not sep:
        return tag, []
    if el in rest:
        return tag, [e.split(comp) for e in rest.split(el)]
    return tag, [rest.split(comp)]  # one data element (DTM, RFF...): no comprehension
