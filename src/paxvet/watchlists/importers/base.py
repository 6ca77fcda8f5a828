"""What every importer shares: the result shape, decoding with located errors, CSV rows with line numbers.

Importers never touch the database. They read a whole source, collect every problem (with file and line)
and return a `ParsedList`; the service loads nothing when it holds any error (all-or-nothing).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from paxvet.errors import Problem, ProblemList
from paxvet.watchlists.schemas import EntryRecord

csv.field_size_limit(16 * 1024 * 1024)  # OFAC remarks and CSL id lists can be long


@dataclass
class ParsedList:
    """Entries of one source file (or folder), every problem found, and counts for the load report."""

    entries: list[EntryRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


class SourceError(Exception):
    """A source that cannot be read at all (missing file, undecodable bytes)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_text(path: Path, *, fallback: str | None = None) -> str:
    """The file decoded as UTF-8 (BOM accepted), or as `fallback` (e.g. cp1252 for OFAC's files).

    Without a fallback an undecodable byte is an error naming its line, so an agency that exported in the
    wrong encoding learns where, instead of loading mojibake names.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(Problem(f"cannot read the file: {exc.strerror or exc}", str(path))) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if fallback:
            return data.decode(fallback, errors="replace")
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            Problem(
                f"not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                f"{path.name}:line {line}",
            )
        ) from exc


@dataclass(frozen=True)
class Row:
    line: int  # the line the record starts on (1-based, header included)
    values: list[str]


def csv_rows(text: str, problems: ProblemList, name: str, *, delimiter: str = ",") -> Iterator[Row]:
    """Rows with the line each starts on; broken quoting becomes a located problem, not a traceback."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.error(f"broken CSV quoting: {exc}", f"{name}:line {reader.line_num}")
            return
        yield Row(start, values)
        start = reader.line_num + 1


def header_rows(
    text: str, problems: ProblemList, name: str, required: Sequence[str], *, delimiter: str = ","
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV with a header, as dicts; a missing required column is one problem for the file."""
    rows = csv_rows(text, problems, name, delimiter=delimiter)
    header_row = next(rows, None)
    if header_row is None:
        problems.error("the file is empty", f"{name}:line 1")
        return
    header = [h.strip().lower() for h in header_row.values]
    missing = [c for c in required if c not in header]
    if missing:
        problems.error(f"missing column(s): {', '.join(missing)}", f"{name}:line 1")
        return
    for row in rows:
        if not any(v.strip() for v in row.values):
            continue
        if len(row.values) != len(header):
            problems.error(
                f"{len(row.values)} fields where the header has {len(header)} (a stray quote or delimiter?)",
                f"{name}:line {row.line}",
            )
            continue
        yield row.line, dict(zip(header, (v.strip() for v in row.values), strict=True))


class Problems(ProblemList):
    """An importer's problems, remembering where each source id was first seen to locate duplicates."""

    def __init__(self) -> None:
        super().__init__()
        self.first_seen: dict[str, str] = {}


def build_entry(
    problems: ProblemList, location: str, counts: Counter[str] | None = None, **fields: object
) -> EntryRecord | None:
    """Validate one entry; every failure becomes a problem at `location` instead of an exception. A valid
    entry is tallied in `counts` (persons, names, original-script names, dates of birth, documents)."""
    entry = _validated(problems, location, fields)
    if entry is not None and counts is not None:
        tally(counts, entry)
    return entry


def tally(counts: Counter[str], entry: EntryRecord) -> None:
    counts["persons"] += 1
    counts["names"] += len(entry.names)
    counts["dates_of_birth"] += len(entry.dates_of_birth)
    counts["documents"] += len(entry.documents)
    original = sum(1 for n in entry.names if n.kind == "original_script")
    if original:
        counts["original_script_names"] += original


def _validated(problems: ProblemList, location: str, fields: dict[str, object]) -> EntryRecord | None:
    source_id = str(fields.get("source_id") or "")
    if isinstance(problems, Problems) and source_id:
        if source_id in problems.first_seen:
            problems.error(
                f"source id {source_id!r} already used at {problems.first_seen[source_id]}", location
            )
            return None
        problems.first_seen[source_id] = location
    try:
        return EntryRecord.model_validate(fields)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            problems.error(f"{where}: {message}" if where else message, location)
        return None


def finish(entries: list[EntryRecord], problems: ProblemList, counts: Counter[str]) -> ParsedList:
    """The importer's result; duplicate source ids are errors since deltas are keyed on them."""
    seen: set[str] = set()
    for entry in entries:
        if entry.source_id in seen:
            problems.error(f"source id {entry.source_id!r} appears more than once")
        seen.add(entry.source_id)
    counts["entries"] = len(entries)
    counts["errors"] = len(problems.errors)
    counts["warnings"] = len(problems.warnings)
    return ParsedList(entries, list(problems.items), dict(counts))


def failed(problem: Problem) -> ParsedList:
    return ParsedList([], [problem], {"entries": 0, "errors": 1})
