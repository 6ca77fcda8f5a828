"""PNRGOV EDIFACT and XML mapping: own fixtures for every feature, the shared samples as a tolerance corpus,
fuzzing (no escaped exception, every problem located)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, shared_path
from paxvet.ingest.pnrgov_edifact import parse_pnrgov
from paxvet.ingest.pnrgov_xml import parse_pnrgov_xml

OWN = FIXTURES / "pnrgov" / "push_sensitive_links.edi"


def _push(path: Path):  # type: ignore[no-untyped-def]
    results = parse_pnrgov(path.read_bytes(), path.name)
    assert len(results) == 1
    return results[0]


def test_own_push_maps_every_feature() -> None:
    push, diagnostics = _push(OWN)
    assert [d for d in diagnostics if d.severity == "error"] == []
    assert push.action == "full" and push.flight is not None and push.flight.number == "123"
    first, second = push.pnrs
    assert (first.carrier, first.locator, first.other_locators) == ("XY", "AAA111", ["1A:ZZZ999"])
    assert first.agency["office_id"] == "LONXY2101" and first.created_at is not None
    john, jane = first.travellers
    assert (john.surname, john.given_names, john.title) == ("SMITH", "JOHN", "MR")
    assert (jane.given_names, jane.title, jane.documents[0].gender) == ("JANE", "MRS", "F")
    assert john.documents[0].number == "123456789" and john.documents[0].issuing_country == "GBR"
    assert john.frequent_flyers[0].number == "XY555"
    assert {c.value for c in john.contacts} == {"john.smith@example.invalid"}
    assert {c.kind for c in first.contacts} == {"phone", "address"}
    card = john.payments[0]
    assert (card.issuer, card.card_last_four) == ("VI", "1111") and card.card_hash
    assert "4111111111111111" not in repr(push)
    assert john.tickets[0].total_amount == "120.00"
    leg, codeshare = first.legs
    assert [(s.seat, s.traveller_ref) for s in leg.seats] == [("10A", "1"), ("10B", "2")]
    assert (codeshare.carrier, codeshare.operating_carrier, codeshare.operating_number) == (
        "AB",
        "XY",
        "7421",
    )
    assert [h.text for h in first.history] == ["NM/SMITH/JOHN MR"] or first.history[-1].text.endswith(
        "JOHN MR"
    )
    assert second.split_locators == ["CCC333"]
    # VGML, WCHR (SSR), MOML, the wheelchair OSI, the KSML history item and the prayer-room line
    assert first.sensitive_removed == 6 and second.sensitive_removed == 0
    assert "WHEELCHAIR" not in repr(push) and "MUSLIM" not in repr(push) and "VGML" not in repr(push)


def test_update_push_with_cancelled_pnr(shared_data: Path) -> None:
    push, _ = _push(
        shared_path("samples", "messages", "pnrgov_edifact", "synthetic_pnrgov_13_1_update_push_msg141.edi")
    )
    assert push.action == "update"
    assert [p.cancelled for p in push.pnrs] == [False, True]


EXPECTED = {  # file: (PNRs, travellers, legs, contacts)
    "synthetic_pnrgov_13_1_full_push_2pnr.edi": (2, 4, 4, 4),
    "synthetic_pnrgov_13_1_multipart_part1of2.edi": (2, 2, 2, 0),
    "synthetic_pnrgov_13_1_multipart_part2of2.edi": (1, 1, 1, 0),
    "pnrgov-v11_three-pnrs.edi": (3, 13, 8, 9),
    "pnrgov-v10_two-pnrs_basic.edi": (2, 4, 5, 6),
    "pnrgov-v13_seven-passengers.txt": (1, 7, 3, 15),
    "pnrgov-v13_baggage-heavy.txt": (127, 268, 381, 725),
    "pnrgov-v13_very-large-message.txt": (47, 86, 144, 182),
}


def _samples() -> list[Path]:
    base = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "samples"
    return sorted([*base.glob("gtas/pnrgov-*"), *base.glob("messages/pnrgov_edifact/*")])


@pytest.mark.shared
@pytest.mark.parametrize("path", _samples(), ids=lambda p: p.name)
def test_every_shared_pnrgov_sample_maps(path: Path) -> None:
    results = parse_pnrgov(path.read_bytes(), path.name)
    assert results, "no PNRGOV message found"
    for push, diagnostics in results:
        assert push.flight is not None and push.pnrs
        assert all(d.location for d in diagnostics)
        assert not [d for d in diagnostics if d.severity == "error"]
        assert all(t.surname for p in push.pnrs for t in p.travellers)
        if push.action == "full":
            assert not any(p.cancelled for p in push.pnrs)  # empty ORG cancels only in an update
    if path.name in EXPECTED:
        push = results[0][0]
        got = (
            len(push.pnrs),
            sum(len(p.travellers) for p in push.pnrs),
            sum(len(p.legs) for p in push.pnrs),
            sum(len(p.contacts) + sum(len(t.contacts) for t in p.travellers) for p in push.pnrs),
        )
        assert got == EXPECTED[path.name]


@pytest.mark.shared
def test_codeshare_older_style_is_oriented_on_the_pushed_flight(shared_data: Path) -> None:
    push, _ = _push(shared_path("samples", "gtas", "pnrgov-v11_no-history-group.edi"))
    leg = push.pnrs[0].legs[0]
    assert (leg.carrier, leg.number, leg.operating_carrier, leg.operating_number) == (
        "AC",
        "9099",
        "LH",
        "474",
    )


@pytest.mark.shared
def test_xml_and_edifact_describe_the_same_pnrs(shared_data: Path) -> None:
    edi, _ = _push(
        shared_path("samples", "messages", "pnrgov_edifact", "synthetic_pnrgov_13_1_full_push_2pnr.edi")
    )
    xml = parse_pnrgov_xml(
        shared_path("samples", "messages", "pnrgov_xml", "synthetic_pnrgov_xml_notifrq_2pnr.xml").read_bytes()
    )
    assert [p for p in xml.problems if p.severity == "error"] == []

    def summary(push):  # type: ignore[no-untyped-def]
        return [
            (
                p.locator,
                sorted((t.surname, t.given_names) for t in p.travellers),
                sorted(
                    (d.number, d.date_of_birth) for t in p.travellers for d in t.documents if d.kind == "DOCS"
                ),
                sorted(
                    (leg.carrier, leg.number, leg.operating_carrier, leg.operating_number)
                    for leg in p.legs
                    if leg.kind == "air"
                ),
                sorted((c.kind, c.value) for c in p.contacts),
                sorted(pay.card_hash for t in p.travellers for pay in t.payments if pay.card_hash),
            )
            for p in push.pnrs
        ]

    assert summary(xml) == summary(edi)


def test_xml_errors_are_located() -> None:
    push = parse_pnrgov_xml(b"<IATA_PNRGOV_NotifRQ><PNRs><PNR></IATA_PNRGOV_NotifRQ>")
    assert push.problems and "line" in push.problems[0].location
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        b"<IATA_PNRGOV_NotifRQ>&a;</IATA_PNRGOV_NotifRQ>"
    )
    assert "refused" in parse_pnrgov_xml(bomb).problems[0].message
    missing = parse_pnrgov_xml(
        b"<IATA_PNRGOV_NotifRQ><PNRs><PNR><Passenger/></PNR></PNRs></IATA_PNRGOV_NotifRQ>"
    )
    locations = {p.location for p in missing.problems if p.severity == "error"}
    assert "/IATA_PNRGOV_NotifRQ/PNRs[1]/PNR[1]/Passenger[1]" in locations
    assert "/IATA_PNRGOV_NotifRQ" in locations  # no FlightLeg


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fuzzed_edifact_never_raises_and_every_problem_is_located(data: st.DataObject) -> None:
    raw = bytearray(OWN.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "drop", "insert"]))
        char = data.draw(st.sampled_from(list(b"'+:?*\n XA0/")))
        if action == "flip":
            raw[at] = char
        elif action == "drop":
            del raw[at]
        else:
            raw.insert(at, char)
    for push, diagnostics in parse_pnrgov(bytes(raw), "fuzz.edi"):
        assert all(d.location and d.message for d in diagnostics)
        assert all(p.location for p in push.problems)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=400))
def test_fuzzed_xml_never_raises(payload: bytes) -> None:
    push = parse_pnrgov_xml(b"<IATA_PNRGOV_NotifRQ>" + payload)
    assert all(p.location for p in push.problems)


def test_own_v11_push_documents_infant_checkin_bags_codeshare_nonair() -> None:
    push, diagnostics = _push(FIXTURES / "pnrgov" / "push_features_v11.edi")
    assert diagnostics == []
    assert (push.version, push.flight.number if push.flight else None) == ("11.1", "456")
    (pnr,) = push.pnrs
    mary, rose = pnr.travellers
    assert (mary.surname, mary.given_names, mary.with_infant) == ("O'NEIL", "MARY", True)
    assert [(d.kind, d.number) for d in mary.documents] == [("DOCS", "PA7777777"), ("DOCO", "VV123456")]
    assert mary.documents[1].place_of_birth == "DUBLIN IE" and mary.documents[0].issuing_country == "IRL"
    assert [(c.kind, c.purpose, c.country) for c in mary.contacts] == [("address", "R", "IRL")]
    # the infant from SSR INFT becomes a traveller, with her own document (gender FI) moved to her
    assert (rose.given_names, rose.passenger_type, rose.infant_of) == ("ROSE", "IN", "1")
    assert [(d.number, d.infant, d.gender) for d in rose.documents] == [("PB8888888", True, "F")]
    air, hotel = pnr.legs
    assert (air.carrier, air.number, air.operating_carrier, air.operating_number) == (
        "UT",
        "8456",
        "XY",
        "456",
    )
    (seat,) = air.seats
    assert (seat.seat, seat.source, seat.boarding_number, seat.traveller_name) == (
        "21A",
        "checkin",
        "LHR-0007",
        "O'NEIL/MARY",
    )
    (bag,) = air.bags
    assert (bag.count, bag.weight, bag.unit, bag.pool, bag.first_tag, bag.tag_count) == (
        2,
        "40",
        "KGM",
        "HP",
        "0099000001",
        2,
    )
    assert (hotel.kind, hotel.description) == ("hotel", "HARBOUR HOTEL")
    assert pnr.history[0].text.startswith("0/O/SS/XY 456")


def test_own_update_push_cancels() -> None:
    push, _ = _push(FIXTURES / "pnrgov" / "update_cancel.edi")
    assert push.action == "update" and [(p.locator, p.cancelled) for p in push.pnrs] == [("BBB222", True)]


def test_empty_org_in_a_full_push_is_not_a_cancellation() -> None:
    data = (FIXTURES / "pnrgov" / "update_cancel.edi").read_text().replace("MSG+:141", "MSG+:22")
    push, diagnostics = parse_pnrgov(data)[0]
    assert push.action == "full" and not push.pnrs[0].cancelled
    assert any("empty ORG" in d.message and d.segment == 8 for d in diagnostics)
