"""`paxvet documents mrz`: fields, check digits and findings, as text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from paxvet.cli import app
from paxvet.documents.mrz import MrzUnreadable

SPECIMEN = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<|L898902C36UTO7408122F1204159ZE184226B<<<<<10"


def test_mrz_json_reports_checks_and_findings() -> None:
    result = CliRunner().invoke(app, ["documents", "mrz", SPECIMEN.replace("C36", "C35"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["document_number"] == "L898902C3" and report["valid"] is False
    assert [c["field"] for c in report["checks"] if not c["ok"]] == ["document_number", "composite"]
    assert {f["code"] for f in report["findings"]} == {"expired", "mrz_check_digit"}


def test_mrz_from_a_file_as_text(tmp_path: Path) -> None:
    path = tmp_path / "mrz.txt"
    path.write_text(SPECIMEN.replace("|", "\n") + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["documents", "mrz", str(path)])
    assert result.exit_code == 0 and "ERIKSSON" in result.output and "check composite: ok" in result.output


def test_unreadable_mrz_is_an_input_error() -> None:
    result = CliRunner().invoke(app, ["documents", "mrz", "P<UTO"])
    assert isinstance(result.exception, MrzUnreadable) and "line lengths 5" in str(
        result.exception.problems[0]
    )
