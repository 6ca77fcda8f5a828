"""EDIFACT (ISO 9735) as airlines really send it: tokenizer and envelope structure.

`parse_edifact(data)` never raises on bad input. It returns an `EdifactFile`: interchanges -> optional
functional groups -> messages -> segments, and every problem found (with its location) as a `Diagnostic`.

Tolerated and reported: any UNA separators (a damaged UNA falls back to the defaults), the release
character, Type-B teletype envelopes and other text around interchanges, several interchanges per file,
line breaks anywhere outside released characters, message bodies without UNB/UNZ, wrong control counts and
references (warnings, as the WCO guide's own examples carry them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from paxvet.errors import Problem
from paxvet.ingest.tokens import (
    DEFAULT_SEPARATORS,
    DEFAULT_UNA,
    Segment,
    Separators,
    decode,
    read_una,
    split_elements,
    tokenize,
    una_is_sane,
)

__all__ = [
    "DEFAULT_SEPARATORS",
    "DEFAULT_UNA",
    "Diagnostic",
    "EdifactFile",
    "Group",
    "Interchange",
    "Message",
    "Segment",
    "Separators",
    "decode",
    "parse_edifact",
    "read_una",
    "split_elements",
    "tokenize",
]

SERVICE_TAGS = frozenset({"UNA", "UNB", "UNG", "UNH", "UNT", "UNE", "UNZ"})
# the tags that open or close a message, group or interchange: every other one inside a message is its body
_ENVELOPE_TAGS = frozenset({"UNH", "UNT", "UNB", "UNG", "UNE", "UNZ"})
_MESSAGE_ENDS = frozenset({"UNH", "UNT"})

# Where an interchange (or a bare message body) starts: a UNA advice, or UNB/UNH with default separators.
_START = re.compile(r"UNA|UNB\+|UNH\+")


def _short(text: str, limit: int = 12) -> str:
    """A tag as quoted in a problem: garbage input can make a "tag" of a whole paragraph."""
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, located as precisely as we can: file, interchange, message, segment, element."""

    severity: str  # "error" (the message cannot be trusted) or "warning" (repaired or tolerated)
    message: str
    file: str = ""
    interchange: str | None = None
    message_ref: str | None = None
    segment: int | None = None  # number within the message (UNH = 1)
    tag: str | None = None
    element: int | None = None  # 1-based data element position
    line: int | None = None

    @property
    def location(self) -> str:
        parts = [self.file] if self.file else []
        if self.interchange:
            parts.append(f"interchange {self.interchange}")
        if self.message_ref:
            parts.append(f"message {self.message_ref}")
        tag = _short(self.tag) if self.tag else ""
        if self.segment is not None and self.segment > 0:
            parts.append(f"segment {self.segment}" + (f" ({tag})" if tag else ""))
        elif tag:
            parts.append(f"segment {tag}")
        if self.element is not None:
            parts.append(f"element {self.element}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        return ", ".join(parts) or "input"

    def to_problem(self) -> Problem:
        return Problem(self.message, self.location, self.severity)

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "message": self.message,
            "location": self.location,
            "file": self.file,
            "interchange": self.interchange,
            "message_ref": self.message_ref,
            "segment": self.segment,
            "tag": self.tag,
            "element": self.element,
            "line": self.line,
        }

    def __str__(self) -> str:
        return f"{self.severity}: {self.location}: {self.message}"


@dataclass
class Message:
    """UNH ... UNT. `segments` includes UNH and (when present) UNT."""

    ref: str
    type: str
    version: str = ""
    release: str = ""
    agency: str = ""
    association: str = ""
    common_ref: str = ""  # UNH 0068: ties the parts of a multi-part set together
    part_number: int = 1  # UNH S010 0070
    part_flag: str = "F"  # C = first/more to come, F = final (also a single message)
    segments: list[Segment] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    interchange: Interchange | None = None
    group: Group | None = None
    start: int = 0  # offsets of UNH..UNT in EdifactFile.text
    end: int = 0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def sender(self) -> str:
        if self.group is not None and self.group.sender:
            return self.group.sender
        return self.interchange.sender if self.interchange is not None else ""

    @property
    def body(self) -> list[Segment]:
        """The segments between UNH and UNT."""
        return [s for s in self.segments if s.tag not in _MESSAGE_ENDS]


@dataclass
class Group:
    """UNG ... UNE (functional group)."""

    header: Segment
    group_id: str = ""
    sender: str = ""
    ref: str = ""
    version: str = ""
    messages: list[Message] = field(default_factory=list)
    trailer: Segment | None = None


@dataclass
class Interchange:
    """[UNA] UNB ... UNZ. Bare message bodies (no UNB) become an interchange with `header` None."""

    separators: Separators
    header: Segment | None = None
    syntax: str = ""
    sender: str = ""
    recipient: str = ""
    prepared: str = ""
    ref: str = ""
    application_ref: str = ""
    groups: list[Group] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)  # every message, grouped or not, in order
    trailer: Segment | None = None
    una_text: str = ""  # the UNA as received ("" when absent)
    start: int = 0
    end: int = 0


@dataclass
class EdifactFile:
    text: str
    filename: str = ""
    interchanges: list[Interchange] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # problems outside any message
    encoding: str = "utf-8"

    @property
    def messages(self) -> list[Message]:
        return [m for ic in self.interchanges for m in ic.messages]

    @property
    def all_diagnostics(self) -> list[Diagnostic]:
        return self.diagnostics + [d for m in self.messages for d in m.diagnostics]

    def release(self) -> None:
        """Drop the messages' links back to their interchange and group. Those links make the whole parse
        tree (every segment and element list) cyclic garbage that only the cyclic collector frees; without
        them reference counting frees it at once (the collector cost about 10 % of an ingest)."""
        for message in self.messages:
            message.interchange = None
            message.group = None


# ---------------------------------------------------------------------------------------------------------
# structure: interchanges -> groups -> messages


def parse_edifact(data: bytes | str, filename: str = "") -> EdifactFile:
    """Tokenize and structure a whole file. Never raises on bad input; every problem is a Diagnostic."""
    text, encoding = decode(data)
    result = EdifactFile(text=text, filename=filename, encoding=encoding)
    if encoding != "utf-8":
        result.diagnostics.append(Diagnostic("warning", "not UTF-8; decoded as Latin-1", filename))
    if "\x00" in text:  # never data; PostgreSQL text cannot hold it (the raw bytes keep it)
        result.text = text = text.replace("\x00", "")
        result.diagnostics.append(Diagnostic("warning", "NUL characters removed", filename))
    pos = 0
    while True:
        match = _START.search(text, pos)
        if match is None:
            _leftover(result, text[pos:], pos, interchanges_found=bool(result.interchanges))
            break
        _leftover(result, text[pos : match.start()], pos, interchanges_found=bool(result.interchanges))
        interchange, pos = _read_interchange(result, match.start())
        result.interchanges.append(interchange)
    if not result.interchanges:
        result.diagnostics.append(Diagnostic("error", "no EDIFACT interchange or message found", filename))
    return result


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _leftover(result: EdifactFile, chunk: str, pos: int, *, interchanges_found: bool) -> None:
    """Text outside any interchange: a Type-B envelope before one, or trailing text after UNZ."""
    stripped = chunk.strip(" \t\r\n\x01\x02\x03\x04=")
    if not stripped:
        return
    what = "text between interchanges" if interchanges_found else "envelope before the interchange"
    if not interchanges_found and chunk.lstrip()[:2] in ("QK", "QU", "QD", "QN", "QX"):
        what = "Type-B teletype envelope"
    preview = " ".join(stripped.split())[:60]
    result.diagnostics.append(
        Diagnostic(
            "warning", f"ignored {what}: {preview!r}", result.filename, line=_line_at(result.text, pos)
        )
    )


def _find_tag(text: str, needle: str, start: int, terminator: str, stop: int = -1) -> int:
    """Offset of `needle` (a tag and its separator) at a segment start (after the terminator or whitespace,
    or at the very start), searching from `start` up to `stop`; -1 when absent. str.find, not a regex:
    this runs over every byte of every file."""
    limit = len(text) if stop < 0 else stop
    pos = text.find(needle, start, limit)
    while pos >= 0:
        before = text[pos - 1] if pos > 0 else terminator
        if before == terminator or before.isspace() or before in "\x02\x03":
            return pos
        pos = text.find(needle, pos + 1, limit)
    return -1


def _find_una(text: str, start: int, terminator: str) -> int:
    """The next UNA that really is a service string advice (a name such as "MARIA UNA" is not)."""
    pos = _find_tag(text, "UNA", start, terminator)
    while pos >= 0 and not una_is_sane(text[pos + 3 : pos + 9], text[pos + 9 : pos + 4009]):
        if text.startswith("UNB", pos + 9) or text[pos + 9 : pos + 20].lstrip().startswith("UNB"):
            return pos  # a damaged UNA still starts an interchange
        pos = _find_tag(text, "UNA", pos + 3, terminator)
    return pos


def _interchange_end(text: str, start: int, seps: Separators) -> tuple[int, bool]:
    """End offset (just past the UNZ segment's terminator) of the interchange starting at `start`, or the
    start of the next interchange, or the end of text. Second value: whether a UNZ was found."""
    term = seps.terminator
    candidates = (_find_una(text, start + 3, term), _find_tag(text, "UNB" + seps.element, start + 3, term))
    following = min((p for p in candidates if p >= 0), default=-1)
    found = _find_tag(text, "UNZ" + seps.element, start, term, following)
    if found >= 0:
        end = text.find(term, found + 4)
        if end < 0 or (following >= 0 and end > following):
            line_end = text.find("\n", found + 4)
            return (len(text) if line_end < 0 else line_end), True
        return end + 1, True
    if following >= 0:
        return following, False
    return len(text), False


def _read_interchange(result: EdifactFile, start: int) -> tuple[Interchange, int]:
    text = result.text
    seps, body_start, una_text = DEFAULT_SEPARATORS, start, ""
    if text.startswith("UNA", start):
        seps, body_start, ok = read_una(text, start)
        una_text = text[start : start + 9] if ok else ""
        if not ok:
            result.diagnostics.append(
                Diagnostic(
                    "warning",
                    f"damaged UNA {text[start : start + 9]!r}: default separators used",
                    result.filename,
                    tag="UNA",
                    line=_line_at(text, start),
                )
            )
    end, _has_unz = _interchange_end(text, body_start, seps)
    chunk = text[body_start:end]
    segments = tokenize(chunk, seps, body_start, _line_at(text, body_start))
    interchange = Interchange(separators=seps, una_text=una_text, start=start, end=end)
    _Builder(result, interchange).build(segments)
    if segments and not chunk.rstrip().endswith(seps.terminator):
        result.diagnostics.append(
            Diagnostic(
                "warning",
                "missing final segment terminator",
                result.filename,
                interchange.ref or None,
                tag=segments[-1].tag,
                line=segments[-1].line,
            )
        )
    return interchange, max(end, start + 3)


class _Builder:
    """Walks the segments of one interchange and checks control counts and references."""

    def __init__(self, result: EdifactFile, interchange: Interchange) -> None:
        self.result = result
        self.ic = interchange
        self.group: Group | None = None
        self.message: Message | None = None
        self.outside: list[Segment] = []

    def diag(self, severity: str, text: str, seg: Segment | None, element: int | None = None) -> None:
        msg = self.message
        d = Diagnostic(
            severity,
            text,
            self.result.filename,
            self.ic.ref or None,
            msg.ref if msg is not None else None,
            seg.number if seg is not None else None,
            seg.tag if seg is not None else None,
            element,
            seg.line if seg is not None else None,
        )
        (msg.diagnostics if msg is not None else self.result.diagnostics).append(d)

    def build(self, segments: list[Segment]) -> None:
        body: list[Segment] | None = None  # the open message's segments (None outside a message)
        for seg in segments:
            tag = seg.tag
            if body is not None and tag not in _ENVELOPE_TAGS:
                body.append(seg)
                seg.number = len(body)
                continue
            if tag == "UNH":
                self.open_message(seg)
            elif tag == "UNT":
                self.close_message(seg)
            elif tag == "UNB":
                self.header(seg)
            elif tag == "UNG":
                self.open_group(seg)
            elif tag == "UNE":
                self.close_group(seg)
            elif tag == "UNZ":
                self.trailer(seg)
            else:
                self.diag("error", f"segment {_short(tag)} outside any message (no UNH before it)", seg)
            body = self.message.segments if self.message is not None else None
        if self.message is not None:
            last = self.message.segments[-1]
            self.diag("error", "message not closed: UNT missing (truncated?)", last)
            self.message.end = last.end
            self.message = None
        if self.group is not None:
            self.diag("warning", f"group {self.group.ref} not closed: UNE missing", self.group.header)
        if self.ic.header is None:
            self.diag("warning", "message bodies without an interchange header (UNB)", None)
        elif self.ic.trailer is None:
            self.diag("warning", "interchange not closed: UNZ missing", self.ic.header)

    def header(self, seg: Segment) -> None:
        if self.ic.header is not None:
            self.diag("error", "second UNB inside one interchange", seg)
            return
        self.ic.header = seg
        self.ic.syntax = seg.get(1, 0)
        self.ic.sender = seg.get(2, 0).strip()
        self.ic.recipient = seg.get(3, 0).strip()
        self.ic.prepared = seg.get(4, 0) + seg.get(4, 1)
        self.ic.ref = seg.get(5, 0).strip()
        self.ic.application_ref = seg.get(7, 0).strip()
        if not self.ic.ref:
            self.diag("warning", "UNB has no interchange control reference", seg, 5)

    def open_group(self, seg: Segment) -> None:
        if self.message is not None:
            self.diag("error", "UNG inside a message: UNT missing", seg)
            self.finish_message(seg.start)
        if self.group is not None:
            self.diag("warning", f"group {self.group.ref} not closed before the next UNG", seg)
        version = seg.get(7, 0) + (":" + seg.get(7, 1) if seg.get(7, 1) else "")
        self.group = Group(seg, seg.get(1, 0).strip(), seg.get(2, 0).strip(), seg.get(5, 0).strip(), version)
        self.ic.groups.append(self.group)

    def close_group(self, seg: Segment) -> None:
        if self.message is not None:
            self.diag("error", "UNE inside a message: UNT missing", seg)
            self.finish_message(seg.start)
        group = self.group
        if group is None:
            self.diag("warning", "UNE without UNG (ignored)", seg)
            return
        group.trailer = seg
        self.check_count(seg, 1, len(group.messages), "messages in the group")
        if seg.get(2, 0).strip() != group.ref:
            self.diag("warning", f"UNE reference {seg.get(2, 0)!r} does not match UNG {group.ref!r}", seg, 2)
        self.group = None

    def trailer(self, seg: Segment) -> None:
        if self.message is not None:
            self.diag("error", "UNZ inside a message: UNT missing", seg)
            self.finish_message(seg.start)
        self.ic.trailer = seg
        counted = len(self.ic.groups) if self.ic.groups else len(self.ic.messages)
        self.check_count(seg, 1, counted, "groups" if self.ic.groups else "messages")
        if seg.get(2, 0).strip() != self.ic.ref:
            self.diag(
                "warning", f"UNZ reference {seg.get(2, 0)!r} does not match UNB {self.ic.ref!r}", seg, 2
            )

    def check_count(self, seg: Segment, element: int, actual: int, what: str) -> None:
        declared = seg.get(element, 0).strip()
        if not declared.isdecimal():
            self.diag(
                "warning", f"{seg.tag} count {declared!r} is not a number ({actual} {what})", seg, element
            )
        elif int(declared) != actual:
            self.diag("warning", f"{seg.tag} declares {int(declared)} {what}, {actual} present", seg, element)

    def open_message(self, seg: Segment) -> None:
        if self.message is not None:
            self.diag("error", "UNH before the previous message's UNT", seg)
            self.finish_message(seg.start)
        seg.number = 1
        s009 = seg.element(2)
        comps = [*s009, "", "", "", "", ""]
        part = seg.get(4, 0).strip()
        msg = Message(
            ref=seg.get(1, 0).strip(),
            type=comps[0].strip().upper(),
            version=comps[1].strip(),
            release=comps[2].strip(),
            agency=comps[3].strip(),
            association=comps[4].strip(),
            common_ref=seg.get(3, 0).strip(),
            part_number=int(part) if part.isdecimal() and len(part) <= 3 else 1,
            part_flag=seg.get(4, 1).strip().upper() if part else "F",  # "" = a middle part
            segments=[seg],
            interchange=self.ic,
            group=self.group,
            start=seg.start,
        )
        self.message = msg
        if not msg.ref:
            self.diag("warning", "UNH has no message reference", seg, 1)
        if not msg.type:
            self.diag("error", "UNH has no message type", seg, 2)
        if part and not (part.isdecimal() and len(part) <= 3):
            self.diag(
                "warning", f"UNH sequence of transfers {part!r} is not a part number (read as 1)", seg, 4
            )
        self.ic.messages.append(msg)
        if self.group is not None:
            self.group.messages.append(msg)

    def close_message(self, seg: Segment) -> None:
        msg = self.message
        if msg is None:
            self.diag("error", "UNT without UNH", seg)
            return
        seg.number = len(msg.segments) + 1
        msg.segments.append(seg)
        self.check_count(seg, 1, seg.number, "segments (UNH to UNT)")
        ref = seg.get(2, 0).strip()
        if ref != msg.ref:
            self.diag("warning", f"UNT reference {ref!r} does not match UNH {msg.ref!r}", seg, 2)
        msg.end = seg.end
        self.message = None

    def finish_message(self, end: int) -> None:
        if self.message is not None:
            self.message.end = end
            self.message = None
