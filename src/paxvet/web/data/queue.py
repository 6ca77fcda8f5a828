"""The queue page's rows with their display text worked out once in Python (times at each airport, time
left, translated labels, what was matched), so the template only places them: per row, template function
calls and `{{ }}` outputs were most of the page's rendering time.

Every text of a row is HTML-escaped here, once (`html.escape`, quotes included), and the template's row
loop outputs the rows with autoescape off: Jinja's escape of each of the ~850 outputs of a page (a
markupsafe Markup built per output) was a quarter of the whole request's CPU on the live server. Ids are
ints. `tests/web/test_web_queue_rows.py` checks that no text field of a row can carry markup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from html import escape

from babel.support import NullTranslations

from paxvet.vetting.service import QueueLine
from paxvet.web.i18n import local_time
from paxvet.web.labels import finding_text, label_for


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One row of the queue page: the line's ids (ints) and the text shown in each cell, HTML-escaped."""

    id: int
    flight_id: int
    flight_code: str
    traveller_id: int
    traveller_name: str
    scheduled: str  # the time at the airport, in its local time with the zone's abbreviation
    outbound: bool
    time_left: str  # "in 2 h 05 min", "landed", "departed"; "" when the time is unknown
    severity: str  # the code, for the badge's class
    severity_label: str
    score: str
    list_name: str
    matched: str
    decidable: bool


@lru_cache(maxsize=4096)
def _local_time(moment: datetime | None, airport: str, language: str) -> str:
    """The hits of one flight share its time: one time-zone conversion per flight, not per row."""
    return local_time(moment, airport, language)


class _Texts:
    """Translated words of one page, looked up once each."""

    def __init__(self, catalogue: NullTranslations) -> None:
        self.gettext = catalogue.gettext
        self._labels: dict[str, str] = {}

    def label(self, code: str) -> str:
        found = self._labels.get(code)
        if found is None:
            found = self._labels[code] = self.gettext(label_for(code))
        return found


def queue_rows(
    lines: list[QueueLine], catalogue: NullTranslations, language: str, now: datetime
) -> list[QueueRow]:
    """The rows of the page for `lines` in the viewer's language; `now` (one for the page) for time left."""
    texts = _Texts(catalogue)
    return [_row(line, texts, language, now) for line in lines]


def _row(line: QueueLine, texts: _Texts, language: str, now: datetime) -> QueueRow:
    flight, traveller = line.flight, line.traveller
    outbound = flight.direction == "outbound"
    return QueueRow(
        id=int(line.id),
        flight_id=int(flight.id),
        flight_code=escape(flight.code),
        traveller_id=int(traveller.id),
        traveller_name=escape(f"{traveller.surname}, {traveller.given_names}"),
        scheduled=escape(_local_time(flight.scheduled_at_airport_utc, flight.airport, language)),
        outbound=outbound,
        time_left=escape(_time_left(flight.scheduled_at_airport_utc, outbound, texts, now)),
        severity=escape(line.severity),
        severity_label=escape(texts.label(line.severity)),
        score=escape(f"{line.score:.2f}"),
        list_name=escape(line.watchlist.name if line.watchlist else texts.label(line.kind)),
        matched=escape(_matched(line, texts)),
        decidable=line.status != "withdrawn",
    )


def _time_left(moment: datetime | None, outbound: bool, texts: _Texts, now: datetime) -> str:
    if moment is None:
        return ""
    left = int((moment - now).total_seconds() // 60)
    if left < 0:
        return texts.gettext("departed") if outbound else texts.gettext("landed")
    return f"{texts.gettext('in')} {left // 60} h {left % 60:02d} min"


def _matched(line: QueueLine, texts: _Texts) -> str:
    """The list entry matched; for a document finding, the document and the finding; else the summary."""
    if line.entry is not None:
        return f"{line.entry.source_id}: {line.entry.primary_name}"
    explanation = line.explanation or {}
    code = explanation.get("code")
    if code:
        finding = texts.gettext(finding_text(str(code), str(explanation.get("message", ""))))
        return f"{texts.gettext('Document')} {explanation.get('document', '')}: {finding}"
    return line.summary
