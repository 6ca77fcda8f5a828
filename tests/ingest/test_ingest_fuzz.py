"""Property tests and a fuzz run: mutated messages never make an exception escape receive(); every failure
is quarantined with a location; the raw messages stored always equal what was submitted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from conftest import FIXTURES
from paxvet.db import session_scope
from paxvet.ingest.edifact import parse_edifact
from paxvet.ingest.models import PROCESSED, QUARANTINED, RawMessage, ReceivedFile
from paxvet.ingest.service import receive

SEEDS = sorted((FIXTURES / "paxlst").glob("*"))
SEED_BYTES = [p.read_bytes() for p in SEEDS]
# the last four were found by fuzzing: a superscript digit (str.isdigit, yet not int()), an absurd part number
_FOUND = ["\u00b3".encode(), b"UNH+9+PAXLST:D:05B:UN:IATA+REF+148643999:CX'", b"CNT+42:", b"NAD+ZZZ'"]
NOISE = st.sampled_from(
    [b"'", b"+", b":", b"?", b"\n", b"UNH+", b"UNT+", b"UNZ+1+X'", b"\x00", b"\xff", b" ", b"DOC++", *_FOUND]
)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEED_BYTES)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "insert", "replace", "truncate", "duplicate"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "delete" and data:
            del data[pos : pos + draw(st.integers(1, 40))]
        elif op == "insert":
            data[pos:pos] = draw(NOISE)
        elif op == "replace" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[pos:]
        else:
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 200))]
    return bytes(data)


@settings(max_examples=150, deadline=None)
@given(data=mutated())
def test_parser_never_raises_and_locates_every_problem(data: bytes) -> None:
    parsed = parse_edifact(data, "fuzz.edi")
    for diagnostic in parsed.all_diagnostics:
        assert diagnostic.location and diagnostic.severity in ("error", "warning")


@pytest.fixture
def fuzz_engine(engine: Engine) -> Iterator[Engine]:
    yield engine


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(mutated(), min_size=1, max_size=3))
def test_receive_stores_everything_and_quarantines_failures_with_a_location(
    fuzz_engine: Engine, batch: list[bytes]
) -> None:
    with session_scope(fuzz_engine) as session:
        files_before = session.scalar(select(func.count()).select_from(ReceivedFile)) or 0
        for data in batch:
            result = receive(session, data, "fuzz.edi")
            assert result.messages, "every file yields at least one stored message"
            stored = session.get(ReceivedFile, result.file_id)
            assert stored is not None and stored.content == data
            for m in result.messages:
                raw = session.get(RawMessage, m.message_id)
                assert raw is not None and (raw.content or not data)
                if m.status == QUARANTINED:
                    errors = [p for p in m.problems if p["severity"] == "error"]
                    assert errors and all(p["location"] for p in errors)
            expected = len(parse_edifact(data).messages) or 1
            assert len(result.messages) == expected
        files_after = session.scalar(select(func.count()).select_from(ReceivedFile)) or 0
        assert files_after - files_before == len(batch)


def test_every_clean_fixture_processes(engine: Engine) -> None:
    bad = {"no_flight.edi", "truncated.edi"}
    with session_scope(engine) as session:
        for path in SEEDS:
            result = receive(session, path.read_bytes(), str(path))
            wanted = QUARANTINED if Path(path).name in bad else PROCESSED
            assert {m.status for m in result.messages} == {wanted}, path.name
