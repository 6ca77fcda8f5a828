"""Sensitive PNR data (EU 2016/681 Art. 13(4)): codes and free text that reveal religion, health,
ethnicity or sexual life are dropped at ingest, before anything is stored or shown; only their count is
kept.

Two layers use this module:
* the PNRGOV parsers call `SensitiveFilter` for every SSR, OSI, remark and history line and simply do not
  emit what it flags;
* `mask_edifact` / `mask_xml` overwrite the same items with `X` in the received text before the raw-message
  store keeps it (same length, separators untouched, so locations in later diagnostics stay right and a
  replay still counts what was removed: an all-`X` item is recognised as masked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


# AIRIMP special-meal codes: every four-letter meal code ends in ML; the list documents the usual ones.
def _words(text: str) -> list[str]:
    return text.split()


MEAL_CODES = frozenset(
    _words(
        "AVML BBML BLML CHML DBML FPML GFML HFML HNML JPML KSML LCML LFML LPML LSML MOML NFML NLML ORML PFML "
        "PRML RGML RVML SFML SPML VGML VJML VLML VOML"
    )
)
# Medical and assistance SSRs (health, disability).
ASSISTANCE_CODES = frozenset(
    _words(
        "WCHR WCHS WCHC WCBD WCBW WCMP WCOB WCLB MEDA MEDF MEQT BLND DEAF DPNA STCR OXYG POXY PPOC POCS CPAP "
        "ESAN SVAN PREG PRG LEGL LEGR DIAB INCU MAAS"
    )
)
_MEAL_PATTERN = re.compile(r"^[A-Z]{2}ML$")
# SSRs whose free text is structured data (names, numbers, seats): only their code is judged, so a
# traveller named BLIND or GAY keeps their passport.
STRUCTURED_SSR = frozenset(
    _words(
        "DOCS DOCO DOCA FQTV FQTS FQTR INFT CTCE CTCM CTCH CTCB CTCR TKNE TKNA SEAT NSST RQST NSSA NSSW FOID"
    )
)

# Free-text words (whole words, or stems marked with a trailing *) that reveal a special category.
_KEYWORDS = _words(
    # religion or belief
    "MUSLIM* ISLAM* HALAL KOSHER HINDU* JEWISH JEW JEWS JUDAI* CHRISTIAN* CATHOLIC* PROTESTANT* SIKH* "
    "BUDDHIS* JAIN* MOSQUE* CHURCH* SYNAGOGUE* PRAYER* RAMADAN HAJJ UMRAH PILGRIM* RELIGIO* "
    "ORTHODOX SHABBAT SABBATH "
    # health and disability
    "WHEELCHAIR* MEDICAL* MEDICINE* MEDICATION* OXYGEN DIABET* PREGNAN* BLIND DEAF DISABL* DISABILIT* "
    "STRETCHER DIALYSIS CANCER HIV AIDS EPILEP* ALLERG* ILLNESS ILL SICK* INJUR* CRUTCH* AUTIS* "
    "DEMENTIA ALZHEIMER* MENTAL* PSYCHIATR* INSULIN CPAP HOSPITAL* DOCTOR* NURSE* PHYSICIAN* "
    "HANDICAP* IMPAIRED IMPAIRMENT PARALY* AMPUTE* SURGERY SEIZURE* "
    # ethnicity / race
    "ETHNIC* RACE RACIAL TRIBE TRIBAL GYPSY "
    # sexual life / orientation
    "GAY LESBIAN* HOMOSEXUAL* BISEXUAL* TRANSGENDER* TRANSSEXUAL* SEXUAL* LGBT* "
    # political opinion, trade union (same article of the directive)
    "POLITICAL TRADEUNION"
)
_WORDS = frozenset(w for w in _KEYWORDS if not w.endswith("*"))
_STEMS = tuple(w[:-1] for w in _KEYWORDS if w.endswith("*"))
_TOKEN = re.compile(r"[A-Z]+")
_ALNUM = re.compile(r"[0-9A-Za-z]")


def is_sensitive_code(code: str | None) -> bool:
    """An SSR code that reveals religion or health (meals, medical, assistance)."""
    upper = (code or "").strip().upper()
    return upper in MEAL_CODES or upper in ASSISTANCE_CODES or bool(_MEAL_PATTERN.match(upper))


def is_sensitive_text(text: str | None) -> bool:
    """Free text naming a sensitive code or word (whole words; stems match word starts)."""
    for token in _TOKEN.findall((text or "").upper()):
        if token in _WORDS or is_sensitive_code(token) or token.startswith(_STEMS):
            return True
        # AIRIMP glues codes to carriers/status in history lines: "SSR VGMLXYHK1", "AVMLSQHK1"
        if len(token) > 4 and is_sensitive_code(token[:4]):
            return True
    return False


def is_masked(text: str | None) -> bool:
    """Text already masked by `mask_edifact`/`mask_xml` (a replay of a stored raw message)."""
    letters = _ALNUM.findall(text or "")
    return len(letters) >= 3 and all(ch == "X" for ch in letters)


@dataclass
class SensitiveFilter:
    """Decides item by item and counts what it removes (never logs the content)."""

    removed: int = 0

    def drop_ssr(self, code: str | None, free_text: str | None = None) -> bool:
        judged_text = None if (code or "").strip().upper() in STRUCTURED_SSR else free_text
        if (
            is_sensitive_code(code)
            or is_masked(code)
            or is_sensitive_text(judged_text)
            or is_masked(judged_text)
        ):
            self.removed += 1
            return True
        return False

    def drop_text(self, text: str | None) -> bool:
        if is_sensitive_text(text) or is_masked(text):
            self.removed += 1
            return True
        return False


def _mask(text: str) -> str:
    """Same length, letters and digits to X, everything else (separators, spaces, newlines) kept."""
    return "".join("X" if ch.isalnum() else ch for ch in text)


# ---- masking of received bytes before the raw store -------------------------------------------------


@dataclass(frozen=True)
class _Separators:
    component: str = ":"
    element: str = "+"
    release: str = "?"
    terminator: str = "'"


def _decode(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _separators(text: str) -> _Separators:
    """The UNA's separators when it is sane (six distinct non-alphanumerics, terminator used after UNB)."""
    at = text.find("UNA")
    if at < 0 or at > 200:
        return _Separators()
    una = text[at + 3 : at + 9]
    unb = text.find("UNB", at + 3)
    sane = (
        len(una) == 6
        and len(set(una)) == 6
        and all(not c.isalnum() and c not in "\r\n" for c in una)
        and unb >= 0
        and una[5] in text[unb:]
    )
    if not sane:
        return _Separators()
    return _Separators(component=una[0], element=una[1], release=una[3], terminator=una[5])


def _segments(text: str, seps: _Separators) -> list[tuple[int, int]]:
    """(start, end) of every segment, honouring the release character; end excludes the terminator."""
    spans: list[tuple[int, int]] = []
    start, i, n = 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == seps.release:
            i += 2
            continue
        if ch == seps.terminator:
            spans.append((start, i))
            start = i + 1
        i += 1
    if start < n:
        spans.append((start, n))
    return spans


def _split(segment: str, sep: str, release: str) -> list[str]:
    parts, current, i = [], [], 0
    while i < len(segment):
        ch = segment[i]
        if ch == release and i + 1 < len(segment):
            current.append(segment[i + 1])
            i += 2
            continue
        if ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _edifact_item_is_sensitive(segment: str, seps: _Separators) -> tuple[bool, int]:
    """Whether one segment carries a sensitive item, and where its data starts (after the tag)."""
    elements = _split(segment, seps.element, seps.release)
    tag = elements[0].strip().upper()
    body_at = segment.find(seps.element)
    if body_at < 0 or len(elements) < 2:
        return False, 0
    body = " ".join(elements[1:])
    if tag == "SSR":
        code = _split(elements[1], seps.component, seps.release)[0]
        if code.strip().upper() in STRUCTURED_SSR:
            return is_sensitive_code(code), body_at
        return (is_sensitive_code(code) or is_sensitive_text(body)), body_at
    if tag in ("IFT", "LTS"):
        return is_sensitive_text(body), body_at
    return False, 0


_CLEAR_CARD = re.compile(r"\d{8,15}(?=\d{4}(?!\d))")


def _mask_card_numbers(chars: list[str], text: str, start: int, end: int) -> None:
    """A card number sent in clear in FOP keeps only its last four digits, even in the raw store."""
    if text[start:end].lstrip()[:3].upper() != "FOP":
        return
    for m in _CLEAR_CARD.finditer(text, start, end):
        chars[m.start() : m.end()] = "X" * (m.end() - m.start())


def mask_edifact(data: bytes) -> tuple[bytes, int]:
    """The received EDIFACT with every sensitive SSR / IFT / LTS item overwritten by X; and their count."""
    text, encoding = _decode(data)
    seps = _separators(text)
    chars = list(text)
    count = 0
    for start, end in _segments(text, seps):
        _mask_card_numbers(chars, text, start, end)
        sensitive, body_at = _edifact_item_is_sensitive(text[start:end], seps)
        if not sensitive:
            continue
        count += 1
        for i in range(start + body_at, end):
            if chars[i].isalnum():
                chars[i] = "X"
    masked = "".join(chars)
    if masked == text:
        return data, 0
    return masked.encode(encoding), count


_XML_SSR = re.compile(
    r"(<(?:[\w.-]+:)?SSR\b[^>]*?\bSSRCode=\")([^\"]*)(\"[^>]*?)(/>|>(.*?)</(?:[\w.-]+:)?SSR>)", re.DOTALL
)
_XML_FREE_TEXT = re.compile(
    r"(<(?:[\w.-]+:)?(?:HistoryItem|Remark|OSI|SpecialRemark|FreeText)\b[^>]*>)([^<]*)(<)"
)


def _mask_xml_ssr(match: re.Match[str], counter: list[int]) -> str:
    code, body = match.group(2), match.group(5) or ""
    text = "" if code.strip().upper() in STRUCTURED_SSR else re.sub(r"<[^>]*>", " ", body)
    if not (is_sensitive_code(code) or is_sensitive_text(text)):
        return match.group(0)
    counter[0] += 1
    masked_body = re.sub(r">([^<]*)<", lambda m: ">" + _mask(m.group(1)) + "<", match.group(4))
    return match.group(1) + _mask(code) + match.group(3) + masked_body


def mask_xml(data: bytes) -> tuple[bytes, int]:
    """The received PNRGOV XML with sensitive SSRs and free-text nodes overwritten by X; and their count."""
    text, encoding = _decode(data)
    counter = [0]
    text = _XML_SSR.sub(lambda m: _mask_xml_ssr(m, counter), text)

    def free_text(m: re.Match[str]) -> str:
        if is_masked(m.group(2)) or not is_sensitive_text(m.group(2)):
            return m.group(0)
        counter[0] += 1
        return m.group(1) + _mask(m.group(2)) + m.group(3)

    original = text
    text = _XML_FREE_TEXT.sub(free_text, text)
    text = re.sub(
        r'(AccountNbr=")(\d{8,15})(\d{4}")', lambda m: m.group(1) + "X" * len(m.group(2)) + m.group(3), text
    )
    if not counter[0] and text == original:
        return data, 0
    return text.encode(encoding), counter[0]


def redact_pnr(data: bytes) -> tuple[bytes, int]:
    """Mask sensitive items in a received payload when it is PNRGOV (EDIFACT or XML); other payloads
    (PAXLST, ...) are returned unchanged. Called by the ingest service before the raw store keeps bytes."""
    head = data[:4096]
    if b"IATA_PNRGOV_NotifRQ" in head:
        return mask_xml(data)
    if b"PNRGOV" in data[:65536] and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return mask_edifact(data)
    return data, 0
