"""`paxvet users ...`: create the first administrator and other users, list them, issue API tokens."""

from __future__ import annotations

import typer

from paxvet.accounts.auth import issue_api_token
from paxvet.accounts.models import ROLES
from paxvet.accounts.passwords import generate_password
from paxvet.accounts.service import create_user, find_user, list_users, unlock_user
from paxvet.console import console, open_engine, print_json
from paxvet.db import session_scope
from paxvet.errors import NotFound

users_app = typer.Typer(help="Users, roles and agencies (no default account exists).", no_args_is_help=True)


def _password(prompt: bool, generate: bool) -> tuple[str, bool]:
    """The new password, and whether it was generated (then it is printed once)."""
    if generate or not prompt:
        return generate_password(), True
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True), False


def _create(username: str, agency: str, role: str, display_name: str, generate: bool) -> None:
    password, generated = _password(prompt=not generate, generate=generate)
    with session_scope(open_engine()) as session:
        user = create_user(
            session,
            username=username,
            password=password,
            role=role,
            agency=agency,
            display_name=display_name,
            created_by="cli",
        )
        console.print(f"created {user.role} [bold]{user.username}[/] of {user.agency_code}")
    if generated:
        console.print(f"password (shown once, store it now): [bold]{password}[/]")


@users_app.command("create-admin")
def create_admin(
    username: str = typer.Option(..., "--username", help="Login name (lower case)."),
    agency: str = typer.Option(..., "--agency", help="Agency code, e.g. MX-INM or US-CBP."),
    display_name: str = typer.Option("", "--name", help="Full name shown in the interface."),
    generate: bool = typer.Option(False, "--generate", help="Generate a password and print it once."),
) -> None:
    """Create an administrator (there is no default account or password)."""
    _create(username, agency, "administrator", display_name, generate)


@users_app.command("create")
def create(
    username: str = typer.Option(..., "--username", help="Login name (lower case)."),
    agency: str = typer.Option(..., "--agency", help="Agency code, e.g. MX-INM or US-CBP."),
    role: str = typer.Option("officer", "--role", help=f"One of: {', '.join(ROLES)}."),
    display_name: str = typer.Option("", "--name", help="Full name shown in the interface."),
    generate: bool = typer.Option(False, "--generate", help="Generate a password and print it once."),
) -> None:
    """Create a user of any role."""
    _create(username, agency, role, display_name, generate)


@users_app.command("list")
def list_command(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List users with their agency, role and state."""
    with session_scope(open_engine()) as session:
        rows = [
            {
                "username": u.username,
                "agency": u.agency_code,
                "role": u.role,
                "active": u.active,
                "locked_until": u.locked_until.isoformat() if u.locked_until else None,
            }
            for u in list_users(session)
        ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        console.print(f"{row['username']:<24} {row['agency']:<10} {row['role']:<14} active={row['active']}")


@users_app.command("unlock")
def unlock(username: str = typer.Option(..., "--username")) -> None:
    """Clear a lock-out after too many failed logins."""
    with session_scope(open_engine()) as session:
        user = find_user(session, username)
        if user is None:
            raise NotFound(f"no user {username!r}")
        unlock_user(session, user, unlocked_by="cli")
    console.print(f"unlocked {username}")


@users_app.command("token")
def token(
    username: str = typer.Option(..., "--username"),
    label: str = typer.Option("", "--label", help="What the token is for."),
) -> None:
    """Issue a bearer token for the JSON API (printed once)."""
    with session_scope(open_engine()) as session:
        user = find_user(session, username)
        if user is None:
            raise NotFound(f"no user {username!r}")
        value = issue_api_token(session, user, label)
    console.print(f"API token (shown once): [bold]{value}[/]")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
