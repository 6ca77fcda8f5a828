"""`paxvet demo` end to end on the embedded default: lists, synthesis, ingest, screening, queue, officer."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from paxvet.cli import app


def test_demo_screens_planted_wanted_persons(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from paxvet.accounts.service import find_user
    from paxvet.console import open_engine
    from paxvet.db import session_scope
    from paxvet.flights.models import Traveller
    from paxvet.screening.models import Hit

    monkeypatch.setenv("PAXVET_DATABASE_URL", f"sqlite:///{cli_env / 'demo.sqlite3'}")
    args = ["demo", "--no-serve", "--flights", "4", "--travellers", "30", "--wanted", "40", "--planted", "6"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "demo officer: demo.officer" in result.output
    with session_scope(open_engine()) as session:
        travellers = session.scalar(select(func.count()).select_from(Traveller))
        wanted_hits = session.scalar(select(func.count()).select_from(Hit).where(Hit.category == "wanted"))
        assert find_user(session, "demo.officer") is not None
    assert travellers is not None and travellers >= 4 * 30
    assert wanted_hits is not None and wanted_hits >= 5  # most planted variations are caught


def test_demo_rejects_a_malformed_list_option(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAXVET_DATABASE_URL", f"sqlite:///{cli_env / 'demo.sqlite3'}")
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--list", "no-colon-here"])
    assert result.exit_code != 0
    assert "FORMAT:PATH" in str(result.exception) or "FORMAT:PATH" in result.output
