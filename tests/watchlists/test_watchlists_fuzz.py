"""Fuzzing the importers: whatever bytes arrive, a parser returns located problems, never a traceback."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxvet.watchlists.importers import parse_source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "watchlists"
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

SINGLE_FILE_FORMATS = {
    "paxvet-csv": FIXTURES / "paxvet" / "wanted.csv",
    "documents-csv": FIXTURES / "documents" / "lost_stolen.csv",
    "csl-csv": FIXTURES / "csl" / "csl_small.csv",
    "ftm-json": FIXTURES / "ftm" / "persons.jsonl",
    "un-xml": FIXTURES / "un" / "un_small.xml",
    "ofac-csv": FIXTURES / "ofac" / "sdn.csv",
}


def check(fmt: str, path: Path) -> None:
    parsed = parse_source(fmt, path)
    for problem in parsed.problems:
        assert problem.message and problem.location
    if parsed.errors:
        return
    assert len({e.source_id for e in parsed.entries}) == len(parsed.entries)


@FUZZ
@given(data=st.data(), fmt=st.sampled_from(sorted(SINGLE_FILE_FORMATS)))
def test_mutated_fixture_files(tmp_path_factory: object, data: st.DataObject, fmt: str) -> None:
    """Flip, delete and insert bytes in a real fixture: the importer must still answer with problems."""
    original = bytearray(SINGLE_FILE_FORMATS[fmt].read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, max(len(original) - 1, 0)))
        action = data.draw(st.sampled_from(["flip", "delete", "insert"]))
        byte = data.draw(st.sampled_from(list(b'",;|:\n\r<>/{}\x00\xff\xe9a0-')))
        if action == "flip" and original:
            original[position] = byte
        elif action == "delete" and original:
            del original[position]
        else:
            original.insert(position, byte)
    folder = Path(str(tmp_path_factory.mktemp("fuzz")))  # type: ignore[attr-defined]
    target = folder / SINGLE_FILE_FORMATS[fmt].name
    target.write_bytes(bytes(original))
    check(fmt, target)


@FUZZ
@given(text=st.text(max_size=300))
def test_random_text_as_agency_csv(tmp_path_factory: object, text: str) -> None:
    folder = Path(str(tmp_path_factory.mktemp("fuzz")))  # type: ignore[attr-defined]
    target = folder / "list.csv"
    target.write_text("source_id,full_name,dates_of_birth,nationalities,documents\n" + text, encoding="utf-8")
    check("paxvet-csv", target)
