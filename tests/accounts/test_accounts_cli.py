"""`paxvet users create-admin` / `create`: no default account, generated password printed once."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from paxvet.cli import app


def test_create_admin_generates_a_password(cli_env: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["users", "create-admin", "--username", "root1", "--agency", "MX-INM", "--generate"]
    )
    assert result.exit_code == 0, result.output
    assert "password (shown once" in result.output
    listed = runner.invoke(app, ["users", "list", "--json"])
    assert '"role": "administrator"' in listed.output


def test_create_admin_prompts_and_applies_the_policy(cli_env: Path) -> None:
    runner = CliRunner()
    weak = runner.invoke(
        app, ["users", "create-admin", "--username", "root2", "--agency", "US-CBP"], input="short\nshort\n"
    )
    assert weak.exit_code != 0
    good = "long enough passphrase"
    ok = runner.invoke(
        app,
        ["users", "create", "--username", "off1", "--agency", "US-CBP", "--role", "officer"],
        input=f"{good}\n{good}\n",
    )
    assert ok.exit_code == 0, ok.output
    assert good not in ok.output


def test_no_user_exists_before_create_admin(cli_env: Path) -> None:
    result = CliRunner().invoke(app, ["users", "list", "--json"])
    assert result.output.strip() == "[]"
