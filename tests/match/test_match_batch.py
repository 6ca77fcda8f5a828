"""`paxvet screen PEOPLE.csv --output OUT.jsonl` against a list loaded through `paxvet lists load`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from paxvet.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures" / "match"


def run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["paxvet", *args])
    try:
        main()
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


@pytest.fixture
def loaded(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    code = run(
        monkeypatch, "lists", "load", "paxvet-csv", str(FIXTURES / "wanted.csv"), "--list", "mx-wanted"
    )
    assert code == 0
    return cli_env


def test_screen_writes_one_object_per_row_in_order(loaded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = loaded / "out.jsonl"
    assert (
        run(monkeypatch, "screen", str(FIXTURES / "people.csv"), "--lists", "mx-wanted", "--output", str(out))
        == 0
    )
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["row"] for r in rows] == [1, 2, 3, 4, 5]
    guzman, smith, ruiz, by_document, arabic = rows
    assert guzman["alert"] and guzman["matches"][0]["source_id"] == "MX-001"
    assert guzman["matches"][0]["list"] == "mx-wanted"
    assert guzman["matches"][0]["explanation"]["date_of_birth"]["outcome"] == "same date"
    assert not smith["alert"] and smith["matches"] == []
    assert ruiz["alert"] and ruiz["matches"][0]["source_id"] == "MX-002"
    assert by_document["alert"] and by_document["matches"][0]["explanation"]["document"][
        "outcome"
    ].startswith("same number allowing")
    assert arabic["alert"] and arabic["matches"][0]["source_id"] == "MX-003"
    scores = [m["score"] for m in guzman["matches"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("people_broken_quote.csv", "line 2"),
        ("people_missing_columns.csv", "missing column(s) middle_name"),
        ("people_latin1.csv", "line 3: not UTF-8"),
        ("people_bad_rows.csv", "2 bad row(s)"),
    ],
)
def test_bad_csv_is_a_clear_error_naming_the_line(
    loaded: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fixture: str,
    message: str,
) -> None:
    code = run(monkeypatch, "screen", str(FIXTURES / fixture), "--output", str(loaded / "o.jsonl"))
    assert code == 2
    err = capsys.readouterr().err
    assert message in " ".join(err.split())
    assert "Traceback" not in err


def test_unknown_list_is_an_error(loaded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = loaded / "o.jsonl"
    assert (
        run(monkeypatch, "screen", str(FIXTURES / "people.csv"), "--lists", "nope", "--output", str(out)) == 2
    )
