"""Batch screening of a people file: `paxvet screen PEOPLE.csv [--lists NAMES] --output OUT.jsonl`.

The integrators' way to screen a file. PEOPLE.csv has the columns full_name, first_name, middle_name,
last_name, gender, date_of_birth, nationality (optionally document_number, document_country); any value
may be empty. OUT.jsonl gets one JSON object per input row, in input order.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from paxvet.errors import InvalidInput, Problem
from paxvet.heap import hold_long_lived, paused_gc
from paxvet.match import Document, Name, PartialDate, PersonRecord, Screener
from paxvet.match.records import DateRange

REQUIRED_COLUMNS = (
    "full_name",
    "first_name",
    "middle_name",
    "last_name",
    "gender",
    "date_of_birth",
    "nationality",
)
OPTIONAL_COLUMNS = ("document_number", "document_country")
MATCH_FLOOR = 0.6  # matches below this are not reported at all
MAX_MATCHES = 5
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(~)?$")
_RANGE = re.compile(r"^(\d{4})\s*(?:\.\.|to|-)\s*(\d{4})$")


@dataclass(frozen=True, slots=True)
class ListedEntry:
    """What the output names for a match: the entry's list and its id in the source."""

    list_name: str
    source_id: str
    name: str


def read_text(path: Path) -> str:
    """The file as UTF-8 text; a byte that is not UTF-8 is reported with its line."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InvalidInput(
            f"{path}: line {line}: not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8"
        ) from error


def read_people(path: Path) -> list[PersonRecord]:
    """Every row as a traveller record; all bad rows are reported at once, each with its line."""
    rows = list(_rows(path, read_text(path)))
    problems: list[Problem] = []
    people: list[PersonRecord] = []
    for line, row in rows:
        try:
            people.append(person_from_row(row, key=str(len(people) + 1)))
        except ValueError as error:
            problems.append(Problem(str(error), f"{path}: line {line}"))
    if problems:
        raise InvalidInput(f"{path}: {len(problems)} bad row(s)", problems)
    return people


def _rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InvalidInput(f"{path}: the file is empty; expected a header line") from None
    except csv.Error as error:
        raise InvalidInput(f"{path}: line {reader.line_num}: broken CSV ({error})") from error
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(f"{path}: line 1: missing column(s) {', '.join(missing)}")
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise InvalidInput(f"{path}: line {reader.line_num}: broken CSV ({error})") from error
        if not values:
            continue
        if len(values) != len(header):
            raise InvalidInput(
                f"{path}: line {reader.line_num}: {len(values)} fields, the header has {len(header)}"
                " (an unquoted comma or a broken quote?)"
            )
        yield reader.line_num, dict(zip(header, (v.strip() for v in values), strict=True))


def person_from_row(row: dict[str, str], key: str = "") -> PersonRecord:
    """One CSV row as the matcher's traveller record; ValueError on a value that cannot be read."""
    given = " ".join(v for v in (row.get("first_name", ""), row.get("middle_name", "")) if v)
    family = row.get("last_name", "")
    full = row.get("full_name", "")
    names = []
    if given or family:
        names.append(
            Name(full=" ".join(v for v in (given, family) if v), given=given or None, family=family or None)
        )
    if full and (not names or _plain(full) != _plain(names[0].full)):
        names.append(Name(full=full))
    if not names:
        raise ValueError("no name: full_name, first_name and last_name are all empty")
    dob = parse_birth_date(row.get("date_of_birth", ""))
    documents: tuple[Document, ...] = ()
    if row.get("document_number"):
        documents = (Document(row["document_number"], row.get("document_country") or None),)
    return PersonRecord(
        names=tuple(names),
        dates_of_birth=(dob,) if dob else (),
        gender=_gender(row.get("gender", "")),
        nationalities=(row["nationality"],) if row.get("nationality") else (),
        documents=documents,
        key=key,
    )


def _plain(text: str) -> str:
    return " ".join(sorted(text.replace(",", " ").lower().split()))


def _gender(value: str) -> str | None:
    v = value.strip().lower()
    if v in ("m", "male", "man"):
        return "M"
    if v in ("f", "female", "woman"):
        return "F"
    return None


def parse_birth_date(text: str) -> PartialDate | DateRange | None:
    """YYYY, YYYY-MM, YYYY-MM-DD (trailing ~ = circa) or a range YYYY..YYYY; empty -> None."""
    text = text.strip()
    if not text:
        return None
    ranged = _RANGE.match(text)
    if ranged:
        return DateRange(int(ranged.group(1)), int(ranged.group(2)))
    m = _DATE.match(text)
    if not m:
        raise ValueError(f"date_of_birth {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
    if not 1 <= year <= 2100 or month > 12 or day > 31 or (m.group(2) and month == 0):
        raise ValueError(f"date_of_birth {text!r} is not a possible date")
    return PartialDate(year, month or None, day or None, circa=bool(m.group(4)))


def screen_people(
    screener: Screener,
    listed: Sequence[ListedEntry],
    people: Sequence[PersonRecord],
    *,
    floor: float = MATCH_FLOOR,
    progress: bool = False,
) -> Iterator[dict[str, Any]]:
    """One output object per person, in order: best matches first, `alert` when one reaches its list's
    threshold."""
    with _progress(progress) as bar:
        task = bar.add_task("screening", total=len(people))
        for n, person in enumerate(people, start=1):
            results = screener.screen(person, threshold=floor, limit=MAX_MATCHES)
            matches = [
                {
                    "list": listed[r.entry_index].list_name,
                    "source_id": listed[r.entry_index].source_id,
                    "name": listed[r.entry_index].name,
                    "score": round(r.score, 3),
                    "explanation": r.explanation.to_dict() | {"summary": r.explanation.summary},
                }
                for r in results
            ]
            alert = any(r.score >= screener.alert_threshold(r.entry_index) for r in results)
            bar.advance(task)
            yield {"row": n, "alert": alert, "matches": matches}


def _progress(enabled: bool) -> Progress:
    from paxvet.console import err_console

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=not enabled,
        transient=True,
    )


def load_screener(list_names: Sequence[str] | None) -> tuple[Screener, list[ListedEntry]]:
    """Active person entries of the named lists (all lists when None) from the configured database."""
    from paxvet.console import open_engine
    from paxvet.db import session_scope
    from paxvet.watchlists.service import screening_entries

    with session_scope(open_engine()) as session:
        entries = screening_entries(session, list_names)
    if not entries:
        which = ", ".join(list_names) if list_names else "any list"
        raise InvalidInput(f"no active person entries in {which}; load a list with `paxvet lists load`")
    if list_names:
        unknown = sorted(set(list_names) - {e.list_name for e in entries})
        if unknown:
            raise InvalidInput(f"no active person entries in list(s): {', '.join(unknown)}")
    listed = [
        ListedEntry(e.list_name, e.source_id, e.record.names[0].full if e.record.names else "")
        for e in entries
    ]
    with paused_gc():
        screener = Screener([e.record for e in entries], [e.threshold for e in entries])
    hold_long_lived()  # see paxvet.heap
    return screener, listed


def screen_command(
    people_csv: Path = typer.Argument(
        ..., metavar="PEOPLE.csv", help="People to screen (see docs/matching.md)."
    ),
    lists: str | None = typer.Option(
        None, "--lists", help="Comma-separated list names (default: every list)."
    ),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write one JSON object per input row."),
    floor: float = typer.Option(MATCH_FLOOR, help="Lowest score reported among the matches."),
) -> None:
    """Screen a CSV of people against the watchlists and write OUT.jsonl (row, alert, matches)."""
    from paxvet.console import err_console

    people = read_people(people_csv)
    names = [n.strip() for n in lists.split(",") if n.strip()] if lists else None
    screener, listed = load_screener(names)
    alerts = 0
    try:
        with output.open("w", encoding="utf-8") as out:
            for result in screen_people(screener, listed, people, floor=floor, progress=len(people) > 50):
                alerts += result["alert"]
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
    except OSError as error:
        raise InvalidInput(f"cannot write {output}: {error.strerror}") from error
    err_console.print(
        f"screened {len(people)} row(s) against {len(listed)} entries: {alerts} alert(s) -> {output}"
    )


def register_batch(app: typer.Typer) -> None:
    """Add `paxvet screen` to the CLI."""
    app.command("screen")(screen_command)
