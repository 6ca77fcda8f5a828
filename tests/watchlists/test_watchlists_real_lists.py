"""The importers on the real list files in ../shared/data/watchlists (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from conftest import shared_path
from paxvet.watchlists import service
from paxvet.watchlists.importers import parse_source
from paxvet.watchlists.schemas import BirthDate, EntryRecord

pytestmark = pytest.mark.shared


def by_id(entries: list[EntryRecord], source_id: str) -> EntryRecord:
    return next(e for e in entries if e.source_id == source_id)


def test_ofac_sdn_2024() -> None:
    parsed = parse_source("ofac-csv", shared_path("watchlists", "us_ofac_sdn_2024-05"))
    assert parsed.ok
    assert parsed.counts["rows"] == 14965 and parsed.counts["persons"] == 6854
    assert parsed.counts["skipped_entity"] == 6884 and parsed.counts["skipped_vessel"] == 851
    assert 1000 < parsed.counts["aliases_without_entry"] < 2000  # alias file is 8 months newer: ~7.5 %
    maduro = by_id(parsed.entries, "22790")
    assert maduro.names[0].family == "MADURO MOROS" and maduro.names[0].given == "Nicolas"
    assert maduro.dates_of_birth == (BirthDate(year=1962, month=11, day=23),)
    assert maduro.citizenships == ("VEN",) and maduro.gender == "M"
    assert [(d.number, d.country) for d in maduro.documents] == [("5892464", "VEN")]
    zawahiri = by_id(parsed.entries, "2676")
    assert next((d.number, d.doc_type, d.country) for d in zawahiri.documents) == (
        "1084010",
        "passport",
        "EGY",
    )
    assert len(zawahiri.names) >= 4
    with_dob = sum(1 for e in parsed.entries if e.dates_of_birth)
    assert with_dob > 0.9 * len(parsed.entries)


def test_ofac_sdn_2021_is_self_consistent() -> None:
    parsed = parse_source("ofac-csv", shared_path("watchlists", "us_ofac_sdn_2021-07"))
    assert parsed.ok and parsed.counts["persons"] == 4620 and parsed.counts["rows"] == 8976
    assert parsed.counts["aliases_without_entry"] == 0


def test_ofac_consolidated() -> None:
    parsed = parse_source("ofac-cons-csv", shared_path("watchlists", "us_ofac_nonsdn_consolidated"))
    assert parsed.ok and parsed.counts["rows"] == 442 and parsed.counts["persons"] == 79


def test_un_consolidated() -> None:
    parsed = parse_source(
        "un-xml", shared_path("watchlists", "un_consolidated_2026-02", "UN_consolidated.xml")
    )
    assert parsed.ok and parsed.counts["persons"] == 730 and parsed.counts["skipped_entity"] == 273
    assert parsed.counts["original_script_names"] > 300
    first = by_id(parsed.entries, "6907993")
    assert first.names[0].full == "ERIC BADEGE" and first.nationalities == ("COD",)
    kinds = {n.kind for e in parsed.entries for n in e.names}
    assert kinds == {"primary", "alias", "weak", "original_script"}
    assert any(d.is_range for e in parsed.entries for d in e.dates_of_birth)
    assert any(d.circa for e in parsed.entries for d in e.dates_of_birth)


def test_uk_tables() -> None:
    parsed = parse_source("uk-csv", shared_path("watchlists", "uk_sanctions_list_2026-05_derived"))
    assert parsed.ok and parsed.counts["persons"] == 3883
    assert parsed.counts["skipped_entity"] == 1531 and parsed.counts["skipped_ship"] == 632
    assert parsed.counts["dates_of_birth"] == 3538
    putin = by_id(parsed.entries, "RUS0251")
    assert putin.names[0].full == "Vladimir Vladimirovich PUTIN" and putin.names[0].family == "PUTIN"
    assert "Vladimir Putin" in [n.full for n in putin.names]


def test_us_csl() -> None:
    parsed = parse_source("csl-csv", shared_path("watchlists", "us_csl_2023-11", "csl.csv"))
    assert parsed.ok and parsed.counts["rows"] == 4226 and parsed.counts["persons"] == 1124
    zawahiri = by_id(parsed.entries, "SDN-2676")
    assert zawahiri.dates_of_birth == (BirthDate(year=1951, month=6, day=19),)


@pytest.mark.slow
def test_load_all_real_lists_and_the_2021_to_2024_delta(session: Session) -> None:
    root = shared_path("watchlists")
    report = service.load_list(session, "ofac-csv", root / "us_ofac_sdn_2021-07", "ofac-sdn")
    assert report.added == 4620
    report = service.load_list(session, "ofac-csv", root / "us_ofac_sdn_2024-05", "ofac-sdn")
    assert report.entries == 6854 and report.added + report.unchanged + report.changed == 6854
    assert report.removed > 0 and report.changed > 0
    for fmt, path, name in [
        ("un-xml", root / "un_consolidated_2026-02" / "UN_consolidated.xml", "un"),
        ("uk-csv", root / "uk_sanctions_list_2026-05_derived", "uk"),
        ("csl-csv", root / "us_csl_2023-11" / "csl.csv", "csl"),
        ("ofac-cons-csv", root / "us_ofac_nonsdn_consolidated", "ofac-cons"),
    ]:
        service.load_list(session, fmt, Path(path), name)
    entries = service.screening_entries(session)
    assert len(entries) == 6854 + 730 + 3883 + 1124 + 79
