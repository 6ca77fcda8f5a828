"""The foundation: settings, migrations without drift, CLI basics, error mapping."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from paxvet.cli import app, exit_code_for
from paxvet.db import Base, import_all_models
from paxvet.errors import ConfigurationError, DatabaseUnavailable, InvalidInput, NotFound
from paxvet.settings import Settings


def test_models_and_migrations_do_not_drift(engine: Engine) -> None:
    import_all_models()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], f"models and migrations drift: {diff}"


def test_every_domain_table_is_migrated(engine: Engine) -> None:
    from sqlalchemy import inspect

    import_all_models()
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_production_refuses_a_missing_secret() -> None:
    with pytest.raises(ConfigurationError):
        Settings(environment="production", secret_key="")


def test_production_accepts_a_long_secret() -> None:
    assert Settings(environment="production", secret_key="x" * 40).environment == "production"


def test_default_database_is_sqlite_in_the_data_dir(tmp_path: object) -> None:
    settings = Settings(data_dir=tmp_path, database_url="")  # type: ignore[arg-type]
    assert settings.effective_database_url.startswith("sqlite:///")
    assert settings.effective_database_url.endswith("paxvet.sqlite3")


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "demo" in result.output


@pytest.mark.parametrize(
    ("error", "code"),
    [(InvalidInput("bad"), 2), (NotFound("none"), 2), (DatabaseUnavailable("down"), 3)],
)
def test_cli_exit_codes(error: Exception, code: int) -> None:
    assert exit_code_for(error) == code  # type: ignore[arg-type]


def test_error_to_dict_lists_every_problem() -> None:
    from paxvet.errors import Problem

    err = InvalidInput("bad file", [Problem("no surname", "line 3"), Problem("odd", "line 4", "warning")])
    body = err.to_dict()
    assert body["message"] == "bad file"
    assert len(body["problems"]) == 2  # type: ignore[arg-type]


def test_every_setting_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "settings.md").read_text()
    missing = [name for name in Settings.model_fields if f"PAXVET_{name.upper()}" not in doc]
    assert missing == [], f"add these to docs/settings.md (scripts/settings_doc.py): {missing}"
