"""Each importer on small fixture files in its real format, good and bad."""

from __future__ import annotations

from pathlib import Path

import pytest

from paxvet.watchlists.importers import FORMATS, parse_source, parser_for
from paxvet.watchlists.schemas import BirthDate, EntryDocument, EntryRecord

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "watchlists"


def by_id(entries: list[EntryRecord], source_id: str) -> EntryRecord:
    return next(e for e in entries if e.source_id == source_id)


def error_texts(fmt: str, path: str) -> list[str]:
    parsed = parse_source(fmt, FIXTURES / path)
    assert not parsed.ok
    return [str(p) for p in parsed.errors]


def test_format_names_are_the_documented_ones() -> None:
    assert list(FORMATS) == [
        "ofac-csv", "ofac-cons-csv", "un-xml", "uk-csv", "csl-csv", "ftm-json", "paxvet-csv", "documents-csv",
    ]  # fmt: skip
    for fmt in FORMATS:
        assert callable(parser_for(fmt))


def test_ofac_folder_with_dated_alias_and_comment_files() -> None:
    parsed = parse_source("ofac-csv", FIXTURES / "ofac")
    assert parsed.ok and not parsed.problems
    assert [e.source_id for e in parsed.entries] == ["101", "102", "105"]  # entity and vessel skipped
    assert parsed.counts["skipped_entity"] == 1 and parsed.counts["skipped_vessel"] == 1
    assert parsed.counts["aliases_without_entry"] == 1
    maria = by_id(parsed.entries, "101")
    primary = maria.names[0]
    assert (primary.full, primary.given, primary.family) == (
        "Maria Elena TESTOVA GARCIA",
        "Maria Elena",
        "TESTOVA GARCIA",
    )
    assert [(n.full, n.kind) for n in maria.names[1:]] == [
        ("Maria TESTOVA", "alias"), ("Maria Elena GARCIA TESTOVA", "alias"), ("LA GUERA", "weak"),
    ]  # fmt: skip
    assert maria.dates_of_birth == (BirthDate(year=1962, month=11, day=23), BirthDate(year=1963))
    assert maria.gender == "F" and maria.nationalities == ("MEX",) and maria.citizenships == ("MEX",)
    assert maria.places_of_birth == ("Culiacan, Sinaloa, Mexico",)
    assert EntryDocument(
        number="G1234567", doc_type="passport", country="MEX", note="expires 12 Mar 2030"
    ) in (maria.documents)
    # the comments file continues entry 105's remarks: its citizenship and second passport are read
    petrov = by_id(parsed.entries, "105")
    assert petrov.citizenships == ("RUS",)
    assert [d.number for d in petrov.documents] == ["7512345", "7512346"]
    assert petrov.dates_of_birth == (BirthDate(year=1961, end_year=1962),)


def test_ofac_sdn_file_itself_finds_its_siblings() -> None:
    parsed = parse_source("ofac-csv", FIXTURES / "ofac" / "sdn.csv")
    assert len(by_id(parsed.entries, "101").names) == 4


def test_ofac_programs_and_title() -> None:
    yusuf = by_id(parse_source("ofac-csv", FIXTURES / "ofac").entries, "102")
    assert yusuf.programs == ("SDGT", "IRGC")
    assert yusuf.remarks is not None and yusuf.remarks.startswith("Title: Commander")
    assert yusuf.nationalities == ("SYR", "PRK")


def test_ofac_bad_file_reports_every_bad_row() -> None:
    assert error_texts("ofac-csv", "ofac_bad") == [
        "sdn.csv:line 2: ent_num '10x' is not a number",
        "sdn.csv:line 3: expected 12 fields, found 3",
        "sdn.csv:line 4: an individual without a name",
    ]


def test_ofac_missing_folder_content() -> None:
    assert "no cons_prim.csv" in error_texts("ofac-cons-csv", "ofac")[0]
    assert "no such file" in error_texts("ofac-csv", "nowhere")[0]


def test_ofac_consolidated() -> None:
    parsed = parse_source("ofac-cons-csv", FIXTURES / "cons")
    (carlos,) = parsed.entries
    assert carlos.nationalities == ("PSE",) and [n.full for n in carlos.names] == [
        "Carlos EJEMPLO RUIZ", "Carlos E. RUIZ",
    ]  # fmt: skip


def test_un_xml_names_dates_documents() -> None:
    parsed = parse_source("un-xml", FIXTURES / "un" / "un_small.xml")
    assert parsed.ok and parsed.counts["skipped_entity"] == 1
    khalid = by_id(parsed.entries, "9000001")
    assert [(n.kind, n.script) for n in khalid.names] == [
        ("primary", "Latn"), ("original_script", "Arab"), ("alias", "Latn"), ("weak", "Latn"),
    ]  # fmt: skip
    assert khalid.names[0].given == "KHALID" and khalid.names[0].family == "ABD AL-TESTI AL-MISALI"
    assert khalid.dates_of_birth == (
        BirthDate(year=1971, month=3, day=17),
        BirthDate(year=1972, circa=True),
        BirthDate(year=1969, end_year=1973),
    )
    assert khalid.nationalities == ("IRQ", "SYR") and khalid.gender == "M"
    assert [(d.number, d.doc_type, d.country) for d in khalid.documents] == [
        ("A1234567", "passport", "IRQ"), ("00-11-22", "national_id", None),
    ]  # fmt: skip
    assert str(khalid.listed_on) == "2010-05-04"
    anna = by_id(parsed.entries, "9000002")
    assert anna.names[1].script == "Cyrl" and anna.dates_of_birth == (BirthDate(year=1980),)


def test_un_xml_broken_and_incomplete_files() -> None:
    assert error_texts("un-xml", "un/un_broken.xml") == [
        "un_broken.xml:line 37 column 6: not well-formed XML: mismatched tag: line 37, column 6"
    ]
    assert error_texts("un-xml", "un/un_missing_ids.xml") == [
        "un_missing_ids.xml: INDIVIDUAL #1 (DATAID 9000001): no name",
        "un_missing_ids.xml: INDIVIDUAL #2: DATAID is missing",
    ]


def test_un_xml_refuses_entity_expansion(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><CONSOLIDATED_LIST>&a;</CONSOLIDATED_LIST>'
    )
    parsed = parse_source("un-xml", bomb)
    assert not parsed.entries and "refused" in str(parsed.errors[0])


def test_uk_tables() -> None:
    parsed = parse_source("uk-csv", FIXTURES / "uk")
    assert parsed.ok and parsed.counts["skipped_entity"] == 1
    sergei = by_id(parsed.entries, "TST0001")
    assert [(n.full, n.kind) for n in sergei.names] == [
        ("Sergei Ivanovich Primerov", "primary"),
        ("Sergey Ivanovich Primerov", "alias"),
        ("Seryozha", "weak"),
    ]
    assert sergei.names[0].given == "Sergei Ivanovich" and sergei.names[0].family == "Primerov"
    assert sergei.dates_of_birth == (BirthDate(year=1965, month=7, day=14), BirthDate(year=1966))
    assert sergei.nationalities == ("RUS",) and sergei.places_of_birth == ("Moscow",)
    assert [(d.number, d.country) for d in sergei.documents] == [("720012345", "RUS")]  # repeats merged
    khalid = by_id(parsed.entries, "TST0002")
    assert khalid.dates_of_birth == (BirthDate(year=1971, month=3),)
    assert len(khalid.names) == 2 and khalid.documents[0].doc_type == "national_id"
    assert khalid.documents[0].country == "IRQ"  # 'Iraqi national identity card'


def test_uk_bad_tables() -> None:
    errors = error_texts("uk-csv", "uk_bad")
    assert "subjects.csv:line 3: unique_id is empty" in errors
    assert "subjects.csv:line 2: individual TST0001 has no name in subject_names" in errors
    assert "uk-csv takes the folder" in error_texts("uk-csv", "uk/subjects.csv")[0]


def test_csl_with_bom_crlf_and_repeated_rows() -> None:
    parsed = parse_source("csl-csv", FIXTURES / "csl" / "csl_small.csv")
    assert parsed.ok and [e.source_id for e in parsed.entries] == ["SDN-5001", "FSE-5002"]
    assert parsed.counts["repeated_rows"] == 1 and parsed.counts["skipped_entity"] == 1
    yusuf = parsed.entries[0]
    assert yusuf.dates_of_birth == (
        BirthDate(year=1970, month=2, day=8), BirthDate(year=1971, circa=True), BirthDate(year=1972, month=9),
    )  # fmt: skip
    assert yusuf.nationalities == ("SYR", "PRK") and yusuf.citizenships == ("SYR",) and yusuf.gender == "M"
    assert [(d.number, d.doc_type, d.country) for d in yusuf.documents] == [
        ("RL1794375", "passport", "LBN"), ("1234567890", "national_id", "SYR"),
    ]  # fmt: skip
    evra = parsed.entries[1]
    assert evra.gender == "F"
    assert (evra.names[0].given, evra.names[0].family) == ("Evra", "KAYAEXAMPLE")  # capitals: the family name


def test_csl_missing_columns_named() -> None:
    assert error_texts("csl-csv", "csl/csl_missing_columns.csv") == [
        "csl_missing_columns.csv:line 1: missing column(s): "
        "type, alt_names, dates_of_birth, nationalities, ids"
    ]


def test_ftm_persons_and_held_passports() -> None:
    parsed = parse_source("ftm-json", FIXTURES / "ftm" / "persons.jsonl")
    assert parsed.ok and parsed.counts["skipped_company"] == 1
    juan = by_id(parsed.entries, "NK-test-1")
    assert [(n.full, n.kind) for n in juan.names] == [
        ("Juan Carlos de la Prueba Gutierrez", "primary"), ("El Profe", "alias"), ("JC", "weak"),
    ]  # fmt: skip
    assert juan.names[0].family == "de la Prueba Gutierrez"
    assert juan.dates_of_birth == (BirthDate(year=1975, month=6), BirthDate(year=1976))
    assert juan.nationalities == ("MEX",) and juan.citizenships == ("COL",)
    assert {d.doc_type for d in juan.documents} == {"passport", "national_id"}
    olga = by_id(parsed.entries, "NK-test-2")
    assert olga.names[0].full == "Olga Petrovna Primerova"  # combined from its parts
    assert olga.documents == (EntryDocument(number="750000001", doc_type="passport", country="RUS"),)
    assert olga.dates_of_birth == (BirthDate(year=1980, month=2, day=29),)


def test_ftm_broken_lines_located() -> None:
    errors = error_texts("ftm-json", "ftm/broken.jsonl")
    assert errors[0].startswith("broken.jsonl:line 2: not JSON")
    assert errors[1] == "broken.jsonl:line 3: a Person without any name"


def test_paxvet_csv_wanted_persons() -> None:
    parsed = parse_source("paxvet-csv", FIXTURES / "paxvet" / "wanted.csv")
    assert parsed.ok and len(parsed.entries) == 3
    jose = by_id(parsed.entries, "W-0001")
    name = jose.names[0]
    assert (name.full, name.paternal, name.maternal) == ("José Luis Pérez Núñez", "Pérez", "Núñez")
    assert [n.full for n in jose.names[1:]] == ["Pepe Pérez", "El Güero"]
    assert jose.dates_of_birth == (BirthDate(year=1970, month=3, day=15), BirthDate(year=1971, circa=True))
    assert jose.nationalities == ("MEX", "USA") and jose.gender == "M"
    assert jose.documents[0] == EntryDocument(number="G12345678", doc_type="passport", country="MEX")
    assert (jose.warrant_number, jose.extradition_request, jose.caution) == (
        "OA-2024-118",
        True,
        "Considered armed",
    )
    maria = by_id(parsed.entries, "W-0002")
    assert (
        maria.dates_of_birth == (BirthDate(year=1980, end_year=1982),) and maria.extradition_request is False
    )
    assert by_id(parsed.entries, "W-0003").names[1].script == "Hani"


def test_paxvet_csv_every_bad_field_reported() -> None:
    errors = error_texts("paxvet-csv", "paxvet/wanted_bad.csv")
    assert errors[0] == "wanted_bad.csv:line 3: source_id is required"
    assert (
        "1970-13-01" in errors[1] and "'abc'" in errors[1] and errors[1].startswith("wanted_bad.csv:line 4")
    )
    line5 = [e for e in errors if e.startswith("wanted_bad.csv:line 5")]
    assert len(line5) == 4  # nationality, document, extradition flag, listed_on: all at once
    assert errors[-2] == "wanted_bad.csv:line 6: full_name (or surname) is required"
    assert errors[-1] == "wanted_bad.csv:line 7: source id 'W-0001' already used at wanted_bad.csv:line 2"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "paxvet/wanted_latin1.csv",
            "wanted_latin1.csv:line 2: not UTF-8 (byte 0xe9); save the file as UTF-8",
        ),
        ("paxvet/wanted_broken_quote.csv", "wanted_broken_quote.csv:line 2: broken CSV quoting"),
        ("paxvet/wanted_no_name_column.csv", "wanted_no_name_column.csv:line 1: missing column(s): surname"),
    ],
)
def test_paxvet_csv_unreadable_files(path: str, message: str) -> None:
    assert error_texts("paxvet-csv", path)[0].startswith(message)


def test_paxvet_csv_surname_alone_is_enough() -> None:
    (ann,) = parse_source("paxvet-csv", FIXTURES / "paxvet" / "wanted_surname_only.csv").entries
    assert (ann.names[0].full, ann.names[0].family) == ("Ann Example", "Example")


def test_documents_csv() -> None:
    parsed = parse_source("documents-csv", FIXTURES / "documents" / "lost_stolen.csv")
    assert parsed.ok
    first, second, third = parsed.entries
    assert first.entry_type == "document" and first.document_status == "stolen"
    assert first.documents[0] == EntryDocument(number="X1234567", doc_type="passport", country="MEX")
    assert second.documents[0].number == "AB12345" and second.documents[0].country == "GBR"
    assert third.source_id == "O0I1555-USA" and third.document_status == "revoked"


def test_documents_csv_bad_rows() -> None:
    assert error_texts("documents-csv", "documents/lost_stolen_bad.csv") == [
        "lost_stolen_bad.csv:line 3: document_number: is required",
        "lost_stolen_bad.csv:line 4: issuing_country: is required",
        "lost_stolen_bad.csv:line 4: status: 'found': use one of lost, stolen, revoked, invalidated",
        "lost_stolen_bad.csv:line 4: reported_on: '2025-13-01' is not a date (YYYY-MM-DD)",
        "lost_stolen_bad.csv:line 5: issuing_country: 'QQQ' is not a country code",
    ]


def test_unknown_format_is_an_input_error() -> None:
    from paxvet.errors import InvalidInput

    with pytest.raises(InvalidInput, match="unknown list format 'xls'"):
        parser_for("xls")


def test_documents_csv_refuses_absurd_numbers(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("document_number,issuing_country\n" + "A" * 41 + ",MEX\n", encoding="utf-8")
    assert error_texts("documents-csv", str(path)) == [
        "long.csv:line 2: document_number: 41 characters; at most 40"
    ]


@pytest.mark.parametrize(
    ("fmt", "path"),
    [
        ("ofac-csv", "ofac"),
        ("un-xml", "un/un_small.xml"),
        ("uk-csv", "uk"),
        ("csl-csv", "csl/csl_small.csv"),
        ("ftm-json", "ftm/persons.jsonl"),
        ("paxvet-csv", "paxvet/wanted.csv"),
        ("documents-csv", "documents/lost_stolen.csv"),
    ],
)
def test_stored_json_round_trips(fmt: str, path: str) -> None:
    """What is stored reads back as the same record, hash and matcher record (no field lost on the way)."""
    from paxvet.watchlists.records import person_record_from_json, to_person_record

    for entry in parse_source(fmt, FIXTURES / path).entries:
        stored = entry.to_json()
        again = EntryRecord.model_validate(stored)
        assert again == entry and again.content_hash() == entry.content_hash()
        assert person_record_from_json(stored, "k") == to_person_record(entry, "k")
