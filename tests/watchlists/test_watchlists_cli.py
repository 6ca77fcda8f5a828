"""`paxvet lists` end to end against a throw-away SQLite database."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from paxvet.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "watchlists"
runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_empty_overview(cli_env: Path) -> None:
    assert run("lists") == (0, "no lists loaded yet; see `paxvet lists load --help`\n")


def test_load_show_overview_and_diff(cli_env: Path, tmp_path: Path) -> None:
    code, out = run(
        "lists",
        "load",
        "ofac-csv",
        str(FIXTURES / "ofac"),
        "--list",
        "ofac-sdn",
        "--owner",
        "OFAC",
        "--category",
        "sanctions",
        "--severity",
        "high",
    )
    assert code == 0, out
    assert "ofac-sdn: created and loaded version 1 from ofac-csv" in out
    assert "delta: 3 added, 0 changed, 0 removed, 0 unchanged" in out
    code, out = run("lists", "--json")
    assert code == 0
    (summary,) = json.loads(out)
    assert (summary["name"], summary["version"], summary["entries"], summary["owner_agency"]) == (
        "ofac-sdn", 1, 3, "OFAC",
    )  # fmt: skip
    code, out = run("lists", "show", "ofac-sdn", "--json", "--search", "guera")
    assert code == 0
    shown = json.loads(out)
    assert [e["source_id"] for e in shown["entries"]] == ["101"]
    assert shown["entries"][0]["dates_of_birth"] == ["1962-11-23", "1963"]
    assert shown["versions"][0]["added"] == 3
    # a second version drawn from the same fixture minus one entry and with one changed
    folder = tmp_path / "ofac2"
    folder.mkdir()
    lines = (FIXTURES / "ofac" / "sdn.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line.replace("DOB 1946", "DOB 1947") for line in lines if not line.startswith("105,")]
    kept = [line.replace("POB Aleppo, Syria", "POB Homs, Syria") for line in kept]
    (folder / "sdn.csv").write_text("".join(kept), encoding="utf-8")
    code, out = run("lists", "load", "ofac-csv", str(folder), "--list", "ofac-sdn")
    assert code == 0, out
    assert "delta: 0 added, 2 changed, 1 removed, 0 unchanged" in out  # 101 lost its aliases: changed
    code, out = run("lists", "diff", "ofac-sdn", "--json")
    changes = {(c["change"], c["source_id"]) for c in json.loads(out)["changes"]}
    assert changes == {("changed", "101"), ("changed", "102"), ("removed", "105")}
    code, out = run("lists", "diff", "ofac-sdn")
    assert "C 102  Yusuf Ahmad AL-EXAMPLI  (names, places_of_birth, remarks)" in out
    assert "R 105  Ivan PETROV" in out
    code, out = run("lists", "diff", "ofac-sdn", "--version", "1", "--json")
    assert len(json.loads(out)["changes"]) == 3
    code, out = run("lists")
    assert code == 0 and "ofac-sdn" in out


def test_bad_file_prints_every_problem_and_loads_nothing(cli_env: Path) -> None:
    code, out = run("lists", "load", "paxvet-csv", str(FIXTURES / "paxvet" / "wanted_bad.csv"), "--list", "w")
    assert code == 2
    assert "8 problem(s) found; nothing was loaded" in out
    assert "wanted_bad.csv:line 3: source_id is required" in out
    assert "wanted_bad.csv:line 7: source id 'W-0001' already used at wanted_bad.csv:line 2" in out
    assert run("lists")[1].startswith("no lists loaded yet")


def test_unknown_format_and_list(cli_env: Path) -> None:
    code, out = run("lists", "load", "xls", str(FIXTURES), "--list", "w")
    assert code == 2 and "unknown list format 'xls'" in out
    result = runner.invoke(app, ["lists", "show", "nope"])
    assert "no list named 'nope'" in str(result.exception)


def test_documents_list(cli_env: Path) -> None:
    code, out = run(
        "lists",
        "load",
        "documents-csv",
        str(FIXTURES / "documents" / "lost_stolen.csv"),
        "--list",
        "sltd",
        "--json",
    )
    report = json.loads(out)
    assert code == 0 and report["added"] == 3 and report["list_name"] == "sltd"
    code, out = run("lists", "--json")
    assert json.loads(out)[0]["category"] == "lost_stolen_document"


def test_set_list_settings(cli_env: Path) -> None:
    run("lists", "load", "paxvet-csv", str(FIXTURES / "paxvet" / "wanted.csv"), "--list", "w")
    code, out = run("lists", "set", "w", "--threshold", "0.9", "--inactive", "--severity", "critical")
    assert code == 0, out
    assert "w: inactive, wanted, severity critical, owner local, threshold 0.90" in out
    assert json.loads(run("lists", "--json")[1])[0]["active"] is False
    code, out = run("lists", "set", "w", "--default-threshold", "--active")
    assert "w: active" in out and "threshold matcher default" in out
    result = runner.invoke(app, ["lists", "set", "w", "--threshold", "1.5"])
    assert "threshold 1.5 must be above 0 and at most 1" in str(result.exception)
