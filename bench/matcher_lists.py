"""Shared by the matcher benchmarks: the real lists (parsed with the watchlists importers) and CSV readers.

Nothing here is copied into the repository: every file is read from ../shared/data at run time and a
missing file is skipped with a note.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path

from paxvet.match import PersonRecord
from paxvet.screening.batch import person_from_row

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
if not SHARED.exists():
    SHARED = Path("/work/shared/data")
NAMEMATCH = SHARED / "namematch"
WATCHLISTS = SHARED / "watchlists"

# (list name, importer format, path): every real list we have, loaded together for the "all lists" runs.
REAL_LISTS = [
    ("us-ofac-sdn", "ofac-csv", WATCHLISTS / "us_ofac_sdn_2024-05"),
    ("us-ofac-cons", "ofac-cons-csv", WATCHLISTS / "us_ofac_nonsdn_consolidated"),
    ("un-sc", "un-xml", WATCHLISTS / "un_consolidated_2026-02" / "UN_consolidated.xml"),
    ("uk-sanctions", "uk-csv", WATCHLISTS / "uk_sanctions_list_2026-05_derived"),
    ("us-csl", "csl-csv", WATCHLISTS / "us_csl_2023-11" / "csl.csv"),
]


@dataclass
class LoadedList:
    name: str
    records: list[PersonRecord]
    source_ids: list[str]
    seconds: float


def load_list(name: str, fmt: str, path: Path) -> LoadedList | None:
    """Person entries of one real list, via the WATCHLISTS importers; None when the file is absent."""
    from paxvet.watchlists.importers import parse_source
    from paxvet.watchlists.records import to_person_record

    if not path.exists():
        print(f"  (skipped {name}: {path} absent)")
        return None
    start = time.perf_counter()
    parsed = parse_source(fmt, path)
    people = [e for e in parsed.entries if e.entry_type == "person"]
    records = [to_person_record(e, f"{name}:{e.source_id}") for e in people]
    return LoadedList(name, records, [e.source_id for e in people], time.perf_counter() - start)


def load_all() -> list[LoadedList]:
    return [x for x in (load_list(*spec) for spec in REAL_LISTS) if x is not None]


def read_people(path: Path, limit: int | None = None) -> list[PersonRecord]:
    """yente fixture rows as traveller records (same reading as `paxvet screen`)."""
    out = []
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                out.append(person_from_row(row, key=str(len(out) + 1)))
            except ValueError:
                out.append(person_from_row({**row, "date_of_birth": ""}, key=str(len(out) + 1)))
            if limit and len(out) >= limit:
                break
    return out


def table(title: str, header: list[str], rows: list[list[object]]) -> None:
    """Print a Markdown table (pasted verbatim into bench/README.md)."""
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(f"{c:.3f}" if isinstance(c, float) else str(c) for c in row) + " |")
