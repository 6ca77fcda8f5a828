"""The ingest, flights, travellers and quarantine commands, as integrators use them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from conftest import FIXTURES
from paxvet.cli import app

PAXLST = FIXTURES / "paxlst"


def _json(runner: CliRunner, *args: str) -> object:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ingest_json_flights_and_travellers(cli_env: Path) -> None:
    runner = CliRunner()
    summary = _json(runner, "ingest", "--json", str(PAXLST / "basic_d05b.edi"), str(PAXLST / "crew_d12b.edi"))
    assert isinstance(summary, dict)
    assert {k: summary[k] for k in ("received", "duplicates", "quarantined", "flights", "travellers")} == {
        "received": 2,
        "duplicates": 0,
        "quarantined": 0,
        "flights": 1,
        "travellers": 4,
    }
    again = _json(runner, "ingest", "--json", str(PAXLST / "basic_d05b.edi"))
    assert isinstance(again, dict) and again["duplicates"] == 1 and again["received"] == 1
    flights = _json(runner, "flights", "--json")
    assert isinstance(flights, list)
    assert [(f["flight"], f["airport"], f["date"], f["passengers"], f["crew"]) for f in flights] == [
        ("XY100", "MEX", "2025-07-01", 2, 2)
    ]
    people = _json(runner, "travellers", "XY100", "--date", "2025-07-01", "--json")
    assert isinstance(people, list) and len(people) == 4
    obrien = next(p for p in people if p["surname"] == "O'BRIEN")
    assert {k: obrien[k] for k in ("given_names", "date_of_birth", "gender", "nationality", "role")} == {
        "given_names": "SEAN PATRICK",
        "date_of_birth": "1978-03-14",
        "gender": "M",
        "nationality": "IRL",
        "role": "passenger",
    }
    assert [{k: d[k] for k in ("type", "number", "country", "expiry")} for d in obrien["documents"]] == [
        {"type": "P", "number": "PX1234567", "country": "IRL", "expiry": "2030-01-15"},
        {"type": "V", "number": "MXV998877", "country": "MEX", "expiry": "2025-12-31"},
    ]
    assert {p["role"] for p in people} == {"passenger", "crew"}


def test_quarantine_list_show_and_replay(cli_env: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    summary = _json(runner, "ingest", "--json", str(PAXLST))
    assert isinstance(summary, dict) and summary["quarantined"] == 2 and summary["received"] == 17
    listed = _json(runner, "quarantine", "list", "--json")
    assert isinstance(listed, list) and len(listed) == 2
    no_flight = next(m for m in listed if m["source"].endswith("no_flight.edi"))
    shown = _json(runner, "quarantine", "show", str(no_flight["id"]), "--json")
    assert isinstance(shown, dict) and "UNH+M5+PAXLST" in shown["content"]
    assert [p["message"] for p in shown["problems"] if p["severity"] == "error"] == [
        "no flight (TDT) in the message"
    ]
    text = runner.invoke(app, ["quarantine", "show", str(no_flight["id"])])
    assert text.exit_code == 0 and "no flight (TDT)" in text.stdout
    fixed = tmp_path / "fixed.edi"
    fixed.write_text(
        shown["content"].replace(
            "NAD+MS+++XY OPS CONTROL'",
            "NAD+MS+++XY OPS CONTROL'TDT+20+XY900+++XY'LOC+125+MAD'DTM+189:2507011000:201'"
            "LOC+87+MEX'DTM+232:2507011600:201'",
        )
    )
    replayed = _json(runner, "quarantine", "replay", str(no_flight["id"]), "--file", str(fixed), "--json")
    assert isinstance(replayed, list) and replayed[0]["status"] == "processed"
    remaining = _json(runner, "quarantine", "list", "--json")
    assert (
        isinstance(remaining, list)
        and [m["id"] for m in remaining] != [no_flight["id"]]
        and len(remaining) == 1
    )
    assert _json(runner, "travellers", "XY900", "--date", "2025-07-01", "--json") != []


def _paxvet(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from paxvet.cli import main; main()", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_exit_codes(tmp_path: Path) -> None:
    env = {"PAXVET_DATA_DIR": str(tmp_path / "var")}
    env_no_url = {k: v for k, v in os.environ.items() if k != "PAXVET_DATABASE_URL"}
    missing = subprocess.run(
        [sys.executable, "-c", "from paxvet.cli import main; main()", "ingest", str(tmp_path / "absent.edi")],
        env={**env_no_url, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 2 and "no such file" in missing.stderr
    bad = tmp_path / "junk.txt"
    bad.write_bytes(b"not a manifest")
    stored = subprocess.run(
        [sys.executable, "-c", "from paxvet.cli import main; main()", "ingest", "--json", str(bad)],
        env={**env_no_url, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert stored.returncode == 0 and json.loads(stored.stdout)["quarantined"] == 1
    down = _paxvet(
        "ingest", str(bad), env={**env, "PAXVET_DATABASE_URL": "postgresql+psycopg://x@127.0.0.1:9/x"}
    )
    assert down.returncode == 3, down.stderr
